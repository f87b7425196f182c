"""Lessons leave nothing behind: scratch folders go when the kernel's process exits, and a
kernel killed outright (as nbval stops its kernels) has its folder removed by the next one."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from deploydl.course import scratch

MAKE = ("import sys; from deploydl.course.scratch import scratch_folder; "
        "folder = scratch_folder('deploydl-test'); (folder / 'model.bin').write_bytes(b'x'); "
        "(folder / 'inner').mkdir(); print(folder, flush=True)")


def test_a_scratch_folder_and_its_files_are_removed_when_the_process_exits():
    made = subprocess.run([sys.executable, "-c", MAKE], capture_output=True, text=True,
                          check=True).stdout.strip()
    assert Path(made).parent == scratch.PARENT and Path(made).name.startswith("deploydl-test-")
    assert not Path(made).exists(), f"{made} outlived the process that made it"


@pytest.mark.skipif(sys.platform == "win32", reason="no SIGKILL on Windows")
def test_the_folder_of_a_killed_process_is_removed_by_the_next_scratch_folder():
    process = subprocess.Popen([sys.executable, "-c", MAKE + "; import time; time.sleep(60)"],
                               stdout=subprocess.PIPE, text=True)
    made = Path(process.stdout.readline().strip())
    alive = scratch.remove_orphans()  # its process still runs: nothing is removed
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    process.stdout.close()
    assert made.exists() and made not in alive  # killed: no clean-up at exit
    assert made in scratch.remove_orphans() and not made.exists()


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners and modes")
def test_each_user_has_a_private_parent_of_their_own(tmp_path, monkeypatch):
    assert scratch.PARENT.name == f"deploydl-scratch-{os.getuid()}"
    monkeypatch.setattr(scratch, "PARENT", tmp_path / "deploydl-scratch-test")
    made = scratch.scratch_folder("deploydl-test")
    assert made.parent == scratch.PARENT
    assert stat.S_IMODE(scratch.PARENT.stat().st_mode) == 0o700
    scratch.PARENT.chmod(0o755)  # an older deploydl made it readable by everyone
    assert scratch.scratch_folder("deploydl-test").parent == scratch.PARENT
    assert stat.S_IMODE(scratch.PARENT.stat().st_mode) == 0o700


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners and modes")
def test_a_parent_that_is_a_link_is_never_used(tmp_path, monkeypatch):
    """Someone else could make the shared name first, as a link to a folder they read."""
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    monkeypatch.setattr(scratch, "PARENT", tmp_path / "deploydl-scratch-test")
    monkeypatch.setattr(scratch, "_fallback", None)
    scratch.PARENT.symlink_to(theirs)
    with pytest.warns(UserWarning, match="is a symbolic link, so scratch folders go to"):
        made = scratch.scratch_folder("deploydl-test")
    assert list(theirs.iterdir()) == [] and made.parent != scratch.PARENT
    assert stat.S_IMODE(made.parent.stat().st_mode) == 0o700
    assert scratch.remove_orphans() == []  # nothing is removed through the link either


def test_a_killed_process_private_parent_is_removed_too(tmp_path, monkeypatch):
    """When the shared parent is unusable, each process gets a parent beside it; one left by
    a killed kernel is removed like any orphan, and a running process's is kept."""
    other = tmp_path / "other-user"
    other.mkdir()
    monkeypatch.setattr(scratch, "PARENT", tmp_path / "deploydl-scratch-test")
    monkeypatch.setattr(scratch, "_fallback", None)
    scratch.PARENT.symlink_to(other)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    left = tmp_path / f"deploydl-scratch-test-pid{dead}-abc"
    left.mkdir()
    with pytest.warns(UserWarning, match="so scratch folders go to"):
        made = scratch.scratch_folder("deploydl-test")
    assert not left.exists() and made.exists()
    assert made.parent.name.startswith(f"deploydl-scratch-test-pid{os.getpid()}-")


def test_no_lesson_or_lab_makes_a_temporary_folder_that_outlives_it(root):
    """``tempfile.mkdtemp`` leaves its folder behind: lessons use ``scratch_folder``."""
    offenders = []
    for notebook in sorted([*root.glob("notebooks/*.ipynb"), *root.glob("solutions/*.ipynb")]):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            if cell["cell_type"] == "code" and "mkdtemp(" in "".join(cell["source"]):
                offenders.append(f"{notebook.relative_to(root)} cell {cell.get('id')}")
    assert offenders == [], (f"these cells make temporary folders nobody removes: {offenders}; "
                             "use deploydl.course.scratch.scratch_folder(prefix)")
