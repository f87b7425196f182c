"""Scratch folders for lessons and labs that leave nothing behind on a learner's laptop.

A lesson that writes files (a model registry, a prediction log, a brief) works in a folder
under ``deploydl-scratch-<user id>`` in the system's temporary directory (each user has their
own, private: mode 0700). :func:`scratch_folder` removes
the folder when the Python process that made it (the notebook's kernel) exits. A kernel that is
killed outright cannot clean up after itself, so each new scratch folder first removes those
left by processes that no longer run (on Windows, where no safe check of another process
exists here, only the clean-up at exit applies), so a day of workshops does not fill the disk
with copies of models.

The parent folder must be a real folder owned by the current user. One that is not (another
user made it first, or it is a symbolic link) is never used: the folder goes into a private
temporary parent of its own instead, with a warning that names the odd path.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import stat
import tempfile
import warnings
from pathlib import Path

#: Where scratch folders are made: one folder per user of the machine, easy to find and clear.
#: Windows' temporary directory is already the user's own (there is no ``os.getuid``).
PARENT = Path(tempfile.gettempdir()) / (
    f"deploydl-scratch-{os.getuid()}" if hasattr(os, "getuid") else "deploydl-scratch")
_OWNER = re.compile(r"-pid(\d+)-")
_fallback: Path | None = None


def scratch_folder(prefix: str) -> Path:
    """A new, empty folder under :data:`PARENT`, its name starting with ``prefix``, deleted
    when this process exits; folders left by processes that have ended go first."""
    parent = _private_parent()
    remove_orphans()
    return _pid_folder(prefix.rstrip("-"), parent)


def _pid_folder(prefix: str, parent: Path) -> Path:
    """A new folder ``<prefix>-pid<this process>-...`` in ``parent``, removed at exit; the pid
    in its name lets :func:`remove_orphans` remove it if this process is killed instead."""
    folder = Path(tempfile.mkdtemp(prefix=f"{prefix}-pid{os.getpid()}-", dir=parent))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _private_parent() -> Path:
    """:data:`PARENT`, made private (0700) and checked: a real folder, this user's own. If it is
    not, a private parent of this process's own, removed at exit (and a warning)."""
    global _fallback
    if not hasattr(os, "getuid"):  # Windows: the temporary directory is per user already
        PARENT.mkdir(parents=True, exist_ok=True)
        return PARENT
    with contextlib.suppress(FileExistsError):
        os.mkdir(PARENT, 0o700)
    info = os.lstat(PARENT)
    if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid():
        if stat.S_IMODE(info.st_mode) & 0o077:
            os.chmod(PARENT, 0o700)  # ours, but others could read or write it
        return PARENT
    if _fallback is None:
        what = "a symbolic link" if stat.S_ISLNK(info.st_mode) else (
            "not a folder" if not stat.S_ISDIR(info.st_mode)
            else f"owned by another user (uid {info.st_uid})")
        _fallback = _pid_folder(PARENT.name, PARENT.parent)
        warnings.warn(f"{PARENT} is {what}, so scratch folders go to {_fallback} instead. "
                      "Ask whoever made it to remove it (or point TMPDIR at a folder of your "
                      "own).", stacklevel=3)
    return _fallback


def remove_orphans() -> list[Path]:
    """Remove the scratch folders whose process no longer runs; return them.

    That covers the folders in :data:`PARENT` and the private parents a process made beside it
    when :data:`PARENT` was not usable (``<PARENT>-pid<N>-...``), this user's only.
    """
    if os.name == "nt":
        return []
    inside = list(PARENT.iterdir()) if _is_ours(PARENT) else []
    beside = [folder for folder in PARENT.parent.glob(f"{PARENT.name}-pid*")
              if _is_ours(folder)]
    removed = []
    for folder in inside + beside:
        owner = _OWNER.search(folder.name)
        if owner and not _running(int(owner.group(1))):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _is_ours(folder: Path) -> bool:
    """A real folder (not a link) owned by this user: only then are its contents removed."""
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists (POSIX)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True
