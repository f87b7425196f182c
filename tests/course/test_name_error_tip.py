"""The tip under a NameError (course/name_error_tip.py), in a real kernel started the way the
course starts them: the python3 kernel of this environment, which reads the configuration that
`make lab` and `make test` install into .venv."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from deploydl.course import name_error_tip

#: What the learner is told to click: JupyterLab's Run menu item, as labelled in 4.x.
MENU = "Run → Run All Above Selected Cell"


@pytest.fixture(scope="module")
def kernel():
    """A python3 kernel, as jupyter_client starts it for nbclient, nbval and JupyterLab."""
    from jupyter_client.manager import start_new_kernel

    installed = name_error_tip.config_path(Path(sys.prefix))
    assert installed.is_file(), (
        f"{installed} is missing: run `make lab` (or `{sys.executable} -m "
        f"deploydl.course.name_error_tip install`) to give this environment's kernels the tip")
    manager, client = start_new_kernel(kernel_name="python3", startup_timeout=60)
    yield client
    client.stop_channels()
    manager.shutdown_kernel(now=True)


def _run(client, code: str) -> tuple[dict, list[dict]]:
    """Run ``code`` as a fresh cell; its execute reply's content and its outputs, in order."""
    outputs: list[dict] = []

    def keep(msg):
        if msg["msg_type"] in ("stream", "error"):
            outputs.append({"type": msg["msg_type"], **msg["content"]})

    reply = client.execute_interactive(code, timeout=30, output_hook=keep)
    return reply["content"], outputs


@pytest.mark.slow  # a real kernel
def test_a_missing_name_keeps_its_error_and_gets_the_tip_under_it(kernel):
    reply, outputs = _run(kernel, "undefined_name")
    assert (reply["status"], reply["ename"]) == ("error", "NameError")
    assert [o["type"] for o in outputs] == ["error", "stream"], outputs
    error, tip = outputs
    assert (error["ename"], error["evalue"]) == ("NameError",
                                                 "name 'undefined_name' is not defined")
    assert any("undefined_name" in line for line in error["traceback"])
    assert tip["name"] == "stdout"
    assert MENU in tip["text"] and "'undefined_name'" in tip["text"]


@pytest.mark.slow  # a real kernel
def test_a_name_missing_in_a_function_a_cell_defined_gets_the_tip(kernel):
    """The function's globals are the notebook's: the cell that defines the name has not run."""
    _, outputs = _run(kernel, "def total():\n    return defined_later\n\ntotal()")
    assert [o["type"] for o in outputs] == ["error", "stream"], outputs
    assert "'defined_later'" in outputs[1]["text"]


@pytest.mark.slow  # a real kernel
@pytest.mark.parametrize("code", [
    "1 / 0",
    "exec('missing_in_a_library', {})",
    "def count():\n    total = total + 1\n\ncount()",
], ids=["ZeroDivisionError", "NameError outside the notebook", "UnboundLocalError"])
def test_other_errors_get_no_tip(kernel, code):
    reply, outputs = _run(kernel, code)
    assert reply["status"] == "error"
    assert [o["type"] for o in outputs] == ["error"], outputs


def test_install_writes_the_config_that_loads_the_extension(tmp_path):
    path = name_error_tip.install(tmp_path)
    assert path == tmp_path / "etc" / "ipython" / "ipython_kernel_config.py"
    assert 'extensions.append("deploydl.course.name_error_tip")' in path.read_text()


def test_install_keeps_an_administrators_config_and_adds_the_line_once(tmp_path):
    """A shared environment (JupyterHub, an image) may have its own kernel settings: they
    stay, and running the install again adds nothing."""
    path = name_error_tip.config_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("c.IPKernelApp.matplotlib = 'inline'\n", encoding="utf-8")
    for _ in range(2):
        name_error_tip.install(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("c.IPKernelApp.matplotlib = 'inline'\n")
    assert text.count(name_error_tip.LOAD) == 1


def test_an_environment_that_cannot_be_written_is_told_what_to_do(monkeypatch, capsys):
    def read_only(prefix):
        raise PermissionError(13, "Permission denied", str(prefix))

    monkeypatch.setattr(name_error_tip, "install", read_only)
    assert name_error_tip.main(["install"]) == 1
    assert "Run this with the Python of an environment you can write" in capsys.readouterr().err
