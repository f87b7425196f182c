"""``deploydl demo``: the whole life cycle in the terminal, then nothing left running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def test_demo_runs_every_stage_and_leaves_nothing_behind(tmp_path):
    out = tmp_path / "demo"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, "-m", "deploydl.cli", "demo", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=90)  # the budget for the demo
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 0, stderr[-2000:]
    lines = [line for line in stdout.splitlines() if line.startswith("✓")]
    assert [line.split()[1] for line in lines] == [f"{i}/8" for i in range(1, 9)]
    assert "serving on a local port; /health says ok" in stdout
    assert f"The executive brief: {out / 'brief' / 'brief.html'}" in stdout
    assert (out / "brief" / "brief.html").is_file()
    with pytest.raises(ProcessLookupError):  # no process of the demo's group survives it
        os.killpg(proc.pid, 0)


def test_demo_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    from deploydl.cli import main

    (tmp_path / "x").write_text("keep me", encoding="utf-8")
    assert main(["demo", "--out", str(tmp_path)]) == 1
    assert "is not empty" in capsys.readouterr().err
