"""A notebook that starts a server stops it (DESIGN.md, "Notebooks under test"): in its last
cells or with a ``with`` block, so that no process or port outlives it, and running it again
in the same kernel works.

``tests/conftest.py``'s ``nothing_left_running`` guards the tests under ``tests/`` only; the
nbval runs of ``notebooks/``, ``solutions/`` and ``labs/`` have no such guard. Here:

* a fast check reads every lesson, solution and lab and finds each name a code cell binds to a
  started server (:data:`SERVER_STARTERS`) that no later cell stops;
* a slow check runs labs twice in one kernel and looks, with psutil, for what the kernel
  left behind: a child process, a server thread, a listening TCP port.
"""

from __future__ import annotations

import ast
import copy
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import psutil
import pytest
from import_graph import ROOT, cell_code

NOTEBOOKS = sorted(p for folder in ("notebooks", "solutions", "labs")
                   for p in (ROOT / folder).glob("[0-9]*.ipynb"))

#: What a notebook calls to start a server, and the methods that stop what it returns.
SERVER_STARTERS: dict[str, tuple[str, ...]] = {
    # deploydl/serving/local.py: uvicorn in a thread of the kernel, on a free loopback port
    # (``LocalServer(app).start()`` or ``with LocalServer(app) as server``).
    "LocalServer": ("close",),
    # deploydl/serving/process.py: the service as a process of its own, a child of the kernel
    # (``ServiceProcess(path).start()`` or ``with``).
    "ServiceProcess": ("close", "stop"),
    # deploydl/monitoring/faulty.py: a LocalServer behind a canary split; returns a Canary,
    # whose ``close()`` stops it (so does closing its ``server``).
    "start_canary": ("close",),
    # deploydl/capstone/run.py (imported from deploydl.capstone.project): its ``deploy()``
    # stage (deploydl/capstone/service.py) starts a LocalServer, kept as ``run.server``.
    "Capstone": ("close", "close_server"),
}
#: The attribute of a Canary or Capstone that holds its LocalServer: a name bound to it
#: (``server = release.server``) stops the server with LocalServer's own method.
SERVER_ATTRIBUTE = "server"


@dataclass
class Audit:
    """What :func:`audit` found in one notebook."""

    started: list[str] = field(default_factory=list)  # each start, where it is stopped
    left_open: list[str] = field(default_factory=list)  # each server nothing stops
    skipped: int = 0  # code cells that are not Python even after IPython's transform


@dataclass
class _Events:
    """The positions ((cell, line, column), in notebook order) of what the cells do."""

    starts: list[tuple[tuple, str, str, int]] = field(default_factory=list)  # pos, name, kind
    binds: dict[str, list[tuple]] = field(default_factory=dict)  # name -> each binding
    calls: list[tuple[tuple, str, str]] = field(default_factory=list)  # pos, name, method
    aliases: list[tuple[tuple, str, str]] = field(default_factory=list)  # pos, alias, owner
    unbound: list[tuple[int, str]] = field(default_factory=list)  # cell, kind
    managed: list[tuple[int, str]] = field(default_factory=list)  # cell, kind: in a `with`


def _callee(node: ast.AST) -> str | None:
    """The name a call calls (``LocalServer`` in ``serving.LocalServer(app)``)."""
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def _started(node: ast.AST) -> ast.Call | None:
    """The starter's call when ``node`` starts a server: ``start_canary(...)``,
    ``Capstone(...)``, ``LocalServer(app)`` or ``LocalServer(app).start()``."""
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "start" and _callee(node.func.value) in SERVER_STARTERS):
        node = node.func.value
    return node if _callee(node) in SERVER_STARTERS else None  # type: ignore[return-value]


def _pairs(node: ast.Assign | ast.AnnAssign) -> list[tuple[ast.AST, ast.AST]]:
    """(target, value) pairs of an assignment, a tuple unpacked element by element."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    pairs: list[tuple[ast.AST, ast.AST]] = []
    for target in targets:
        if (isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple)
                and len(target.elts) == len(node.value.elts)):
            pairs += zip(target.elts, node.value.elts, strict=True)
        elif node.value is not None:
            pairs.append((target, node.value))
    return pairs


def _record(tree: ast.AST, index: int, events: _Events) -> None:
    """Add what the cell ``index`` (parsed as ``tree``) starts, binds, calls and aliases."""
    handled: set[int] = set()
    for node in ast.walk(tree):
        pos = (index, getattr(node, "lineno", 0), getattr(node, "col_offset", 0))
        if isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                call = _started(item.context_expr)
                if call is not None:
                    handled.add(id(call))
                    events.managed.append((index, _callee(call) or ""))
                elif isinstance(item.context_expr, ast.Name):  # `with server:` stops it too
                    events.calls.append((pos, item.context_expr.id, "__exit__"))
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            for target, value in _pairs(node):
                if not isinstance(target, ast.Name):
                    continue
                events.binds.setdefault(target.id, []).append(pos)
                call = _started(value)
                if call is not None:
                    handled.add(id(call))
                    events.starts.append((pos, target.id, _callee(call) or "", index))
                elif (isinstance(value, ast.Attribute) and value.attr == SERVER_ATTRIBUTE
                      and isinstance(value.value, ast.Name)):
                    events.aliases.append((pos, target.id, value.value.id))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and isinstance(node.func.value, ast.Name)):
            events.calls.append((pos, node.func.value.id, node.func.attr))
    events.unbound += [(index, _callee(node) or "") for node in ast.walk(tree)
                       if _started(node) is node and id(node) not in handled]


def _stop(events: _Events, name: str, after: tuple, methods: tuple[str, ...]) -> tuple | None:
    """Where ``name`` is first stopped (one of ``methods``, or a ``with``) after ``after`` and
    before it is bound again, or where a name bound to its server is; None if nowhere."""
    rebound = min((p for p in events.binds.get(name, []) if p > after), default=None)
    found = [p for p, n, m in events.calls if n == name and (m in methods or m == "__exit__")
             and p > after and (rebound is None or p < rebound)]
    for pos, alias, owner in events.aliases:
        if owner == name and pos > after and (rebound is None or pos < rebound):
            stop = _stop(events, alias, pos, SERVER_STARTERS["LocalServer"])
            found += [stop] if stop else []
    return min(found, default=None)


def audit(notebook: dict, name: str) -> Audit:
    """Every server the code cells of ``notebook`` (a notebook read as a dict) start, and
    those no later cell stops; ``name`` names the notebook in the messages.

    A start binds a name (``server = LocalServer(app).start()``, tuples unpacked too) and
    counts as stopped when a later statement calls one of its :data:`SERVER_STARTERS` methods
    on that name (or on a name bound to its :data:`SERVER_ATTRIBUTE`) before the name is bound
    again. A start in a ``with`` statement stops itself. Cells are numbered from 1 among all
    cells, markdown included, and quoted by their first line (Jupyter shows no numbers).
    """
    cells = notebook["cells"]
    events, result = _Events(), Audit()
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        try:
            tree = ast.parse(cell_code(source))
        except SyntaxError:
            result.skipped += 1
            continue
        _record(tree, index, events)

    def where(index: int) -> str:
        source = cells[index]["source"]
        lines = (source if isinstance(source, str) else "".join(source)).strip().splitlines()
        return f'cell {index + 1} (starting "{lines[0][:40] if lines else ""}")'

    for pos, bound, kind, index in events.starts:
        stop = _stop(events, bound, pos, SERVER_STARTERS[kind])
        if stop is None:
            result.left_open.append(
                f"{name}: {where(index)} binds {bound!r} to a server ({kind}) that no later "
                f"cell stops: call {bound}.{SERVER_STARTERS[kind][0]}() in the notebook's last "
                "cells, or start it in a `with` block.")
        else:
            result.started.append(f"{name}: {where(index)} starts {bound!r} ({kind}); "
                                  f"stopped in {where(stop[0])}")
    result.started += [f"{name}: {where(index)} starts a server ({kind}) in a `with` block"
                       for index, kind in events.managed]
    for index, kind in events.unbound:
        result.left_open.append(f"{name}: {where(index)} starts a server ({kind}) without "
                                "binding it to a name, so nothing can stop it: bind it "
                                "(server = ...) and close it in the last cells, or use `with`.")
    return result


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_server_a_notebook_starts_is_stopped(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    left_open = audit(notebook, str(path.relative_to(ROOT))).left_open
    assert not left_open, "\n".join(left_open)


def test_the_notebooks_that_serve_are_seen_to_start_their_servers():
    """The audit is not empty by accident (a starter renamed, say): it finds the servers the
    lessons and labs of Modules 00, 04, 06 and 08 start."""
    starts = {p.relative_to(ROOT).as_posix(): audit(json.loads(p.read_text(encoding="utf-8")),
                                                    p.name).started
              for p in NOTEBOOKS}
    for serving in ("notebooks/00_welcome.ipynb", "notebooks/04_deployment.ipynb",
                    "notebooks/06_monitoring.ipynb", "notebooks/08_capstone.ipynb",
                    "labs/00_welcome_lab.ipynb", "labs/04_deployment_lab.ipynb",
                    "labs/06_monitoring_lab.ipynb", "labs/08_capstone_lab.ipynb"):
        assert starts[serving], f"{serving}: no server start found; update SERVER_STARTERS"


def test_every_starter_has_the_stop_methods_the_audit_looks_for():
    from deploydl.capstone.project import Capstone
    from deploydl.monitoring.faulty import Canary, start_canary
    from deploydl.serving import LocalServer
    from deploydl.serving.process import ServiceProcess

    returned = {"LocalServer": LocalServer, "ServiceProcess": ServiceProcess,
                "start_canary": Canary, "Capstone": Capstone}
    assert callable(start_canary) and set(returned) == set(SERVER_STARTERS)
    for starter, methods in SERVER_STARTERS.items():
        for method in methods:
            assert callable(getattr(returned[starter], method, None)), (starter, method)


def _planted(*sources: str) -> dict:
    """A notebook dict with a markdown cell first, then one code cell per source."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    return new_notebook(cells=[new_markdown_cell("# Planted"),
                               *(new_code_cell(s) for s in sources)])


START = "from deploydl.serving import LocalServer\nserver = LocalServer(app).start()"


@pytest.mark.parametrize(("sources", "left_open"), [
    ((START, "print(server.url)"), ["planted.ipynb: cell 2 (starting \"from deploydl.serving "
                                    "import LocalServer\") binds 'server' to a server "
                                    "(LocalServer) that no later cell stops"]),
    ((START, "server.close()"), []),
    (("server.close()", START), ["cell 3 (starting \"from deploydl.serving"]),  # closed first
    ((START, START, "server.close()"), ["cell 2"]),  # the first server's name is bound again
    (("with LocalServer(app) as server:\n    pass",), []),
    (("LocalServer(app).start()",), ["cell 2 (starting \"LocalServer(app).start()\") starts "
                                     "a server (LocalServer) without binding it"]),
    (("%matplotlib inline\n" + START,), ["cell 2 (starting \"%matplotlib inline\")"]),
    (("proc = ServiceProcess(path).start()", "proc.stop()"), []),
    (("proc = ServiceProcess(path).start()", "proc.terminate()"), ["'proc'"]),
    (("release = start_canary(m, c, share=0.2, salt='s')",
      "server, log = release.server, release.log", "server.close()\nlog.close()"), []),
    (("release = start_canary(m, c, share=0.2, salt='s')",
      "server, log = release.server, release.log", "log.close()"), ["'release'"]),
    (("run = Capstone(folder)", "run.deploy()", "run.close()"), []),
    (("run = Capstone(folder)", "run.deploy()"), ["cell 2 (starting \"run = Capstone(folder)\")"]),
])
def test_a_planted_server_left_running_is_named(sources, left_open):
    """The audit fails on what it is for, naming the notebook, the cell and the name."""
    found = audit(_planted(*sources), "planted.ipynb")
    assert len(found.left_open) == len(left_open), found.left_open
    for message, expected in zip(found.left_open, left_open, strict=True):
        assert expected in message


def test_a_cell_that_is_not_python_is_skipped_and_counted():
    """Magics are read as IPython runs them; only code that is not Python at all is skipped."""
    found = audit(_planted("%time x = 1", "try:\n    x = (", START), "planted.ipynb")
    assert found.skipped == 1
    assert len(found.left_open) == 1 and "cell 4" in found.left_open[0]


#: Run in the kernel: its own child processes, its server threads and the TCP ports it and
#: its children listen on, printed as JSON. A bare kernel listens on one loopback port of its
#: own (ipykernel's pipe for the output of forked processes, ``iostream._setup_pipe_in``), so
#: the first probe, before the notebook runs, is the baseline.
PROBE = """\
import json as _json
import threading as _threading

import psutil as _psutil

_me = _psutil.Process()
_family, _ports = [_me, *_me.children(recursive=True)], set()
for _process in _family:
    try:
        _ports |= {f"{c.laddr.ip}:{c.laddr.port}" for c in _process.net_connections(kind="tcp")
                   if c.status == _psutil.CONN_LISTEN}
    except _psutil.NoSuchProcess:
        pass
_children = {}
for _child in _family[1:]:
    try:
        _children[_child.pid] = " ".join(_child.cmdline())
    except _psutil.Error:  # it ended meanwhile
        pass
print(_json.dumps({"pid": _me.pid,
                   "children": _children,
                   "threads": [t.name for t in _threading.enumerate()
                               if t.name.startswith("deploydl-")],
                   "listening": sorted(_ports)}))
"""


def _listening() -> dict[tuple[str, int], int | None]:
    """Every listening TCP socket on this machine, with the process that owns it (None when
    psutil cannot tell)."""
    return {(c.laddr.ip, c.laddr.port): c.pid for c in psutil.net_connections(kind="tcp")
            if c.status == psutil.CONN_LISTEN}


def _twice(path: Path) -> nbformat.NotebookNode:
    """The notebook at ``path`` with its cells twice (as Run All twice in one kernel), with
    :data:`PROBE` before the first run and after each."""
    from nbformat.v4 import new_code_cell
    from nbformat.v4.nbbase import random_cell_id

    from deploydl.course.runner import read_notebook

    notebook = read_notebook(path)
    cells = [new_code_cell(PROBE)]
    for _ in range(2):
        for cell in copy.deepcopy(notebook.cells):
            cell.id = random_cell_id()
            cells.append(cell)
        cells.append(new_code_cell(PROBE))
    notebook.cells = cells
    return notebook


def _probed(cell: nbformat.NotebookNode) -> dict:
    """What :data:`PROBE` printed (its stdout: a thread's stray stderr lands in the same cell)."""
    return json.loads("".join(o.text for o in cell.outputs
                              if o.output_type == "stream" and o.name == "stdout"))


def left_running(path: Path) -> list[str]:
    """What running the notebook at ``path`` twice in one kernel (:func:`_twice`, from the
    notebook's folder, as the course runs notebooks) left behind, in words; empty if nothing.

    Each run must end with no child process, server thread or listening port in the kernel
    beyond those of the bare kernel. After the kernel has shut down, no listening socket may
    be new that belongs to the kernel, to a child it had, to an orphan started during the run,
    or to an owner psutil cannot name (other programs on the machine may open ports meanwhile).
    """
    from deploydl.course.runner import execute_file
    from deploydl.settings import without_settings

    began, before = time.time(), _listening()
    ran = execute_file(_twice(path), path, timeout=120, env=without_settings(os.environ))
    bare, *probes = [_probed(cell) for cell in ran.cells if cell.source == PROBE]
    found = []
    for run, probe in enumerate(probes, start=1):
        left = {"child processes": set(probe["children"].values()) - set(bare["children"].values()),
                "server threads": set(probe["threads"]) - set(bare["threads"]),
                "listening sockets": set(probe["listening"]) - set(bare["listening"])}
        found += [f"{path.name}, run {run} in one kernel, left {what}: {sorted(items)}"
                  for what, items in left.items() if items]
    ours = {bare["pid"], *(int(pid) for probe in probes for pid in probe["children"])}

    def left_by_us(pid: int | None) -> bool:
        if pid is None or pid in ours:
            return True
        try:
            process = psutil.Process(pid)
            return process.ppid() in (0, 1) and process.create_time() >= began
        except psutil.NoSuchProcess:
            return False

    # Twice, apart: psutil reads the processes' sockets before the kernel's table, so a socket
    # another program opens in between has no owner in one reading; one that lasts has in the next.
    first = _listening()
    time.sleep(0.5)
    new = {address: pid for address, pid in _listening().items()
           if address not in before and address in first and left_by_us(pid)}
    found += [f"{path.name}: still listening after its kernel shut down: {new}"] if new else []
    found += [f"{path.name}: its kernel still runs"] if psutil.pid_exists(bare["pid"]) else []
    return found


@pytest.mark.slow
@pytest.mark.parametrize("lab", ["00_welcome_lab.ipynb", "04_deployment_lab.ipynb"])
def test_a_lab_run_twice_in_one_kernel_leaves_no_process_thread_or_port(lab):
    """Module 00's lab serves from a thread of the kernel (LocalServer), Module 04's from a
    process of its own (ServiceProcess): the two kinds of server a lab starts, in the two
    smallest notebooks that start one (about 7 s each for one run on a 2-core machine, most
    of it starting the kernel)."""
    assert not left_running(ROOT / "labs" / lab)


@pytest.mark.slow
def test_a_planted_notebook_that_leaves_a_server_running_is_caught(tmp_path):
    """The same check on a notebook that starts a LocalServer and a child process and stops
    neither: each run leaves a thread, a port and a process. The child waits on a pipe from
    the kernel, so it ends with the kernel instead of outliving the test."""
    from nbformat.v4 import new_code_cell, new_notebook

    planted = tmp_path / "planted.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(
        "import subprocess, sys\nfrom fastapi import FastAPI\n"
        "from deploydl.serving import LocalServer\n"
        "server = LocalServer(FastAPI()).start()\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import sys; sys.stdin.read()'],\n"
        "                         stdin=subprocess.PIPE)")]),
        planted)
    found = "\n".join(left_running(planted))
    for expected in ("run 1 in one kernel, left child processes: [",
                     "run 1 in one kernel, left server threads: ['deploydl-server-",
                     "run 2 in one kernel, left listening sockets: ['127.0.0.1:"):
        assert expected in found, found
