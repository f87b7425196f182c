"""Lessons leave nothing behind: scratch folders go when the kernel's process exits, and a
kernel killed outright (as nbval stops its kernels) has its folder removed by the next one."""

from __future__ import annotations

import json
import signal
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
