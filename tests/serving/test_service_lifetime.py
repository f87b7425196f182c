"""A server started by ServiceProcess lives exactly as long as the Python that started it.

Jupyter's Stop button sends SIGINT to the kernel's whole process group: the server must not
get it (lab 04 starts a server in one cell and uses it in later ones). And however its parent
ends (a normal exit, a kernel restart, SIGKILL), the server must end with it, never left
running with nobody to stop it. Real processes throughout: a parent Python started here, and
a real Jupyter kernel.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import httpx
import psutil
import pytest

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(sys.platform == "win32", reason="process groups are POSIX")]

#: A parent that starts a server, says where, then exits (argv[3] == "exit") or waits,
#: shrugging off Ctrl-C as a Jupyter kernel does.
PARENT = """
import json, signal, sys, time
from deploydl.serving.process import ServiceProcess

server = ServiceProcess(sys.argv[1], workers=int(sys.argv[2])).start()
print(json.dumps({"url": server.url, "pid": server.pid}), flush=True)
input()  # the test has seen the server's whole family
signal.signal(signal.SIGINT, lambda *_: print("interrupted", flush=True))
print("waiting", flush=True)
if sys.argv[3] == "exit":
    sys.exit(0)
while True:
    time.sleep(0.1)
"""


def gone(pids: list[int], within: float = 15.0) -> bool:
    """True once no process in ``pids`` runs (a zombie waiting for init counts as gone)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not any(_alive(pid) for pid in pids):
            return True
        time.sleep(0.1)
    return False


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _kill(pids: list[int]) -> None:
    """Clean-up after a failed test: the server's process group (it leads one: its workers
    go too), then each pid."""
    calls = [(os.killpg, pids[0])] if pids else []
    for kill, pid in calls + [(os.kill, pid) for pid in pids]:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            kill(pid, signal.SIGKILL)


def family_of(url: str, pid: int) -> list[int]:
    """The server and its workers, once it answers (a worker may still be importing torch:
    on a busy machine that takes long, see test_service_process.WORKER_START_S)."""
    assert httpx.get(url + "/health", timeout=120).json() == {"status": "ok"}
    return [pid, *(p.pid for p in psutil.Process(pid).children(recursive=True))]


def start_parent(artifact_dir, workers: int, then: str) -> tuple[subprocess.Popen, str, list]:
    """The parent (in a process group of its own, as a kernel is), the server's URL and its
    family of processes."""
    parent = subprocess.Popen([sys.executable, "-c", PARENT, str(artifact_dir), str(workers),
                               then], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              start_new_session=True)
    assert parent.stdout is not None and parent.stdin is not None
    started = json.loads(parent.stdout.readline())
    try:
        family = family_of(started["url"], started["pid"])
    except BaseException:
        _kill([started["pid"]])
        parent.kill()
        raise
    parent.stdin.write("go\n")
    parent.stdin.flush()
    assert parent.stdout.readline().strip() == "waiting"
    return parent, started["url"], family


@pytest.mark.parametrize("workers", [1, 2])
def test_ctrl_c_to_the_parents_group_spares_the_server_and_sigkill_of_the_parent_ends_it(
        artifact_dir, workers):
    parent, url, family = start_parent(artifact_dir, workers, "wait")
    try:
        assert len(family) >= 1 + workers * (workers > 1)  # the supervisor and its workers
        os.killpg(parent.pid, signal.SIGINT)  # what Jupyter's Stop button does to a kernel
        assert parent.stdout.readline().strip() == "interrupted"
        time.sleep(0.5)
        assert httpx.get(url + "/health", timeout=30).json() == {"status": "ok"}
        assert not any(p not in family for p in family_of(url, family[0]))  # none restarted
        parent.kill()  # no clean-up code runs in the parent
        parent.wait(timeout=10)
        assert gone(family), "the server outlived its parent"
    finally:
        parent.kill()
        parent.wait()
        parent.stdin.close()
        parent.stdout.close()
        _kill(family)
    from deploydl.course.scratch import PARENT as SCRATCH
    from deploydl.course.scratch import remove_orphans

    remove_orphans()  # what the next scratch folder does: the killed parent's log goes
    assert not list(SCRATCH.glob(f"*-pid{parent.pid}-*"))


def test_a_parent_that_exits_without_closing_the_server_takes_it_along(artifact_dir):
    from deploydl.course.scratch import PARENT as SCRATCH

    parent, _, family = start_parent(artifact_dir, 1, "exit")
    try:
        assert parent.wait(timeout=60) == 0
        assert gone(family)
        assert not list(SCRATCH.glob(f"*-pid{parent.pid}-*"))  # nor its log
    finally:
        parent.stdin.close()
        parent.stdout.close()
        _kill(family)


def test_a_jupyter_kernel_interrupted_keeps_its_server_and_restarted_ends_it(artifact_dir):
    """Lab 04 as a learner runs it: start the server, press Stop on a slow cell, use the
    server, then restart the kernel (and shut it down): nothing is left running."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    family: list[int] = []

    def run(code: str, timeout: float = 120) -> str:
        """Run ``code`` in the kernel; return what it printed (it must not fail)."""
        printed: list[str] = []

        def keep(msg: dict) -> None:
            if msg["msg_type"] == "stream":
                printed.append(msg["content"]["text"])

        for _ in range(20):  # right after an interrupt, the kernel aborts what comes in
            reply = client.execute_interactive(textwrap.dedent(code), timeout=timeout,
                                               output_hook=keep)
            if reply["content"]["status"] != "aborted":
                break
            time.sleep(0.25)
        assert reply["content"]["status"] == "ok", reply["content"]
        return "".join(printed)

    start = ("from deploydl.serving.process import ServiceProcess\n"
             f"server = ServiceProcess({str(artifact_dir)!r}).start()\nprint(server.pid)")
    try:
        family.append(int(run(start)))
        msg_id = client.execute("import time; time.sleep(60)")
        busy = client.get_iopub_msg(timeout=30)  # interrupt only once the cell runs
        while not (busy["msg_type"] == "execute_input"
                   and busy["parent_header"].get("msg_id") == msg_id):
            busy = client.get_iopub_msg(timeout=30)
        time.sleep(0.5)  # into time.sleep itself
        manager.interrupt_kernel()  # the Stop button
        reply = client.get_shell_msg(timeout=30)
        assert reply["parent_header"]["msg_id"] == msg_id
        assert reply["content"]["ename"] == "KeyboardInterrupt"
        url = run("print(server.url)").strip()
        assert httpx.get(url + "/health", timeout=10).json() == {"status": "ok"}
        manager.restart_kernel(now=False)  # Kernel > Restart: the kernel is asked to stop
        assert gone(family), "the server outlived the restarted kernel"
        client.wait_for_ready(timeout=60)
        family[:] = [int(run(start))]
        manager.restart_kernel(now=True)  # a kernel that does not answer is killed
        assert gone(family), "the server outlived the killed kernel"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
        _kill(family)
