"""Scratch folders for lessons and labs that leave nothing behind on a learner's laptop.

A lesson that writes files (a model registry, a prediction log, a brief) works in a folder
under ``deploydl-scratch`` in the system's temporary directory. :func:`scratch_folder` removes
the folder when the Python process that made it (the notebook's kernel) exits. A kernel that is
killed outright cannot clean up after itself, so each new scratch folder first removes those
left by processes that no longer run (on Windows, where no safe check of another process
exists here, only the clean-up at exit applies), so a day of workshops does not fill the disk
with copies of models.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
from pathlib import Path

#: Where scratch folders are made: one folder per course on the machine, easy to find and clear.
PARENT = Path(tempfile.gettempdir()) / "deploydl-scratch"
_OWNER = re.compile(r"-pid(\d+)-")


def scratch_folder(prefix: str) -> Path:
    """A new, empty folder under :data:`PARENT`, its name starting with ``prefix``, deleted
    when this process exits; folders left by processes that have ended go first."""
    PARENT.mkdir(parents=True, exist_ok=True)
    remove_orphans()
    folder = Path(tempfile.mkdtemp(prefix=f"{prefix.rstrip('-')}-pid{os.getpid()}-",
                                   dir=PARENT))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def remove_orphans() -> list[Path]:
    """Remove the scratch folders whose process no longer runs; return them."""
    if os.name == "nt" or not PARENT.is_dir():
        return []
    removed = []
    for folder in PARENT.iterdir():
        owner = _OWNER.search(folder.name)
        if owner and not _running(int(owner.group(1))):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists (POSIX)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True
