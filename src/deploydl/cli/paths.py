"""Where a command of ``deploydl`` works: the course folder at or above the one it runs in, and
the files it is given, with wildcards expanded as a POSIX shell would."""

from __future__ import annotations

import os
from pathlib import Path

from deploydl.cli.refusals import _Refused


def _course_root(start: str) -> Path:
    """The course checkout at or above ``start`` (``--root``); raises :class:`_Refused`
    (exit 2) when ``start`` is not a folder, or outside a course."""
    from deploydl.course.curriculum import project_root

    if not Path(start).is_dir():
        what = "is a file" if Path(start).exists() else "no such folder"
        raise _Refused(f"--root {start}: {what}; give the course folder (the one with "
                       "notebooks/ and solutions/), or leave --root out inside it.")
    try:
        return project_root(Path(start))
    except FileNotFoundError as exc:
        raise _Refused(str(exc)) from None


def _writable(folder: Path) -> None:
    """Create ``folder`` if need be and write a temporary file in it, before a command does
    any work whose results it would write there; raises OSError where it could not."""
    import tempfile

    folder.mkdir(parents=True, exist_ok=True)
    tempfile.TemporaryFile(dir=folder).close()


def _course_or_none(start: Path | None = None) -> Path | None:
    """The course checkout at or above ``start`` (default: here), None outside one."""
    from deploydl.course.curriculum import project_root

    try:
        return project_root(start)
    except FileNotFoundError:
        return None


def _expand(patterns: list[str]) -> list[Path]:
    """The paths, with wildcards expanded as a POSIX shell would: Windows' shells (cmd,
    PowerShell) pass ``labs/*.ipynb`` on as it is. A pattern matching nothing is refused.

    Only the file name is a pattern when its folder exists as typed, so a folder named like
    ``Course [2026]`` (which Windows' shells give no way to escape) is read as its name.
    """
    import glob

    paths: list[Path] = []
    for pattern in patterns:
        try:
            exists = Path(pattern).exists()
        except OSError as exc:  # a name the system refuses to look up (too long, say)
            shown = pattern if len(pattern) <= 60 else f"{pattern[:60]}…"
            raise _Refused(f"{shown}: {exc.strerror or exc}; check the path.") from None
        if exists or not glob.has_magic(pattern):
            paths.append(Path(pattern))
            continue
        folder, name = os.path.split(pattern)
        if folder and Path(folder).is_dir():
            pattern = os.path.join(glob.escape(folder), name)
        matches = sorted(glob.glob(pattern))
        if not matches:
            raise _Refused(f"{pattern}: no file matches this pattern.")
        paths += map(Path, matches)
    return paths
