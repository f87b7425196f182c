"""Replace a file or a folder whole or not at all, and append a line whole (Modules 04 and 05).

The registry's ``stages.json``, a cached ONNX export, the default model's cache and a
bundle's ``model/`` folder are all replaced the same way: the new content is written beside
the old under a temporary name, then renamed over it (one ``os.replace``, which the
operating system does at once). A write that fails leaves the old content as it was, never
half of each. The new content is flushed to the disk before the rename, and the folder that
holds it after, so a crash part-way, of the process or of the whole machine (a power cut),
leaves the old content or the new one, whole; once a function returns, the new content is on
the disk. The one exception is the instant between :func:`replace_folder`'s two renames: a
crash there leaves no folder at its path and the old one in the hidden temporary folder
beside it (``.NAME-*/old``), to move back by hand; a reader in that instant finds no folder
(:func:`replace_folder` says why no portable fix closes it, and who calls it).

A log of one record per line (the registry's ``releases.jsonl``) is appended to instead, with
:func:`append_line`: a crash part-way through an append can leave only an unfinished last
line, without its newline, which readers skip and the next append sets aside first (a last
line that is whole but lacks its newline, as an editor may leave it, stays).

Where that promise holds: on Linux and other POSIX systems, a flush (``fsync``) reaches the
drive; on macOS, whose ``fsync`` leaves the data in the drive's own cache, the flush asks the
drive to write its cache too (``F_FULLFSYNC``), falling back to ``fsync`` on a file system
that refuses. Windows cannot open a folder to flush it, and some file systems cannot flush a
folder (they refuse with EINVAL, EBADF, EISDIR, ENOTSUP or EACCES): there a power cut just
after the rename may still bring the old content back, and nothing is reported. If the disk
fails the folder's flush for another reason (EIO: the disk may be failing), the rename has
already happened, so the function raises :class:`NotDurableError`: the new content IS in
place and is what is read from now on, but it may not survive a power cut.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path


class NotDurableError(OSError):
    """The new content is in place, but the disk failed to flush the rename that put it
    there: it is what is read from now on, yet a power cut may bring the old content back."""


def replace_file(path: Path, write: Callable[[Path], object]) -> Path:
    """Replace the file ``path`` with what ``write`` writes; returns ``path``.

    Parameters
    ----------
    path : Path
        The file to replace or create; its folder must exist.
    write : callable
        Called with a new, empty file beside ``path`` (for example
        ``lambda new: new.write_bytes(data)``); what it leaves there is renamed over ``path``.

    Each call writes its own temporary file, so two writers at once never write into each
    other's (the later rename wins). If ``write`` or the rename fails, ``path`` keeps its old
    content and the temporary file is removed. An existing ``path`` keeps its permissions; a
    new one gets the umask's, like any file opened for writing.

    Raises
    ------
    NotDurableError
        After the rename, when the disk fails to flush the folder: ``path`` holds the new
        content, which a power cut may still undo. Any other error means ``path`` is as it was.
    """
    staging = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    os.close(os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        if path.exists():
            os.chmod(staging, path.stat().st_mode & 0o777)
        write(staging)
        _fsync(staging, _READ_FILE)
        os.replace(staging, path)
    finally:
        staging.unlink(missing_ok=True)
    _sync_rename(path)
    return path


def replace_folder(path: Path, build: Callable[[Path], object]) -> Path:
    """Replace the folder ``path`` with the one ``build`` makes; returns ``path``.

    Parameters
    ----------
    path : Path
        The folder to replace or create; the folder above it must exist.
    build : callable
        Called with a path that does not exist yet, inside a temporary folder beside ``path``,
        and must create the new folder there (for example
        ``lambda new: shutil.copytree(source, new)``).

    Only once ``build`` has succeeded is the old folder moved aside (to ``old`` in the
    temporary folder) and the new one renamed into place, so a build that fails leaves the
    old folder as it was. If that rename fails, the old folder is moved back before the error
    is raised; if even that fails, an OSError names the folder that keeps it. In every other
    case the temporary folder, and the old folder in it, are removed.

    Between the two renames (two system calls in a row, microseconds apart, nothing written
    between them) there is no folder at ``path``: a reader that looks then finds none
    (FileNotFoundError; :func:`deploydl.registry.verify` says there is no artifact folder), and
    of two replacements whose renames interleave there, the one whose last rename comes second
    fails it (an OSError: on POSIX, the folder is not empty; on Windows, access is denied),
    leaving the other's. Outside that instant the later replacement wins. No portable fix
    closes the gap: no system renames a folder over one that holds files, swapping two folders
    in one call exists only on Linux (``renameat2`` with ``RENAME_EXCHANGE``) and macOS
    (``renamex_np``), and the usual cure, a symbolic link switched with one ``os.replace``,
    needs special rights on Windows and would reach git and archives as a link, not as the
    folder. Nor would it make a reader safe: one part-way through the old folder would still
    lose its files when that folder is removed. (Today such a reader, opening files by name,
    may also get the new folder's; an artifact's hashes then refuse the mix, so it is refused,
    never served mixed.) So replace a folder only while nothing reads it, as both callers do:
    :func:`deploydl.deploy.bundle.write_bundle` writes a bundle's ``model/`` for a ``docker
    build`` that runs afterwards, and :func:`deploydl.serving.server.default_artifact` replaces
    its cache only when it is missing or was made by an older deploydl, so a second ``deploydl
    serve`` starting in that instant trains its own copy (a few seconds), and one already
    verifying the cache is refused with the advice to delete it and start again.

    Raises
    ------
    NotDurableError
        After both renames, when the disk fails to flush the folder above ``path``: ``path``
        is the new folder (the old one is removed), which a power cut may still undo.
    """
    staging = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}-"))
    new, old = staging / "new", staging / "old"
    kept = False  # the old folder could not be put back: the temporary folder stays
    try:
        build(new)
        _sync_tree(new)
        if path.exists():
            os.replace(path, old)
        os.replace(new, path)
    except BaseException:
        if old.exists() and not path.exists():
            try:
                os.replace(old, path)
            except OSError as exc:
                kept = True
                raise OSError(f"{path} could not be replaced nor put back; the earlier copy "
                              f"is kept in {old}: move it back to {path} by hand") from exc
        raise
    finally:
        if not kept:
            shutil.rmtree(staging, ignore_errors=True)
    _sync_rename(path)  # after both renames: there is nothing left to undo
    return path


def append_line(path: Path, line: bytes, *, cut_off: Callable[[bytes], bool]) -> Path | None:
    """Append ``line`` (one record, ending in a newline) to ``path``, creating it if needed;
    returns where an unfinished last line was set aside first, or None (the usual case).

    The file is opened for appending and the whole line goes in one write, so a crash
    part-way leaves at most the start of it, without its newline, at the end of the file.
    Before appending, a last line without its newline that ``cut_off`` says is such a start
    (an earlier append cut off) is copied to :func:`set_aside_path` (flushed, with its folder,
    by :func:`replace_file`) and only then cut off the file, so no byte is lost: a crash
    between the two leaves the file as it was, and the next append makes the same copy again;
    so does any error before the cut (a copy that cannot be written or flushed is raised). Any
    other last line without its newline (a whole record an editor saved without it) stays,
    and a newline ends it first. Either way this record starts a line of its own.
    Should the system write less than asked (a full disk), the rest follows in the next
    write. The line is flushed to the disk before this returns (:func:`flush`), so a power cut
    afterwards does not lose it, on a system that honours the flush. A new file's name reaches
    the disk with the next :func:`replace_file` in its folder. A new file gets the umask's
    permissions. Append from one process at a time: one that appends while another sets an
    unfinished line aside may have its record cut off with it.
    """
    flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)  # no \r\n
    descriptor = os.open(path, flags, 0o666)
    try:
        kept = None
        tail = _last_line_without_newline(descriptor)
        if tail and cut_off(tail):
            kept = _set_aside(path, descriptor, tail)
        elif tail:
            line = b"\n" + line
        while line:
            line = line[os.write(descriptor, line):]
        flush(descriptor)
    finally:
        os.close(descriptor)
    return kept


def set_aside_path(path: Path, unfinished: bytes) -> Path:
    """Where :func:`append_line` keeps ``unfinished``, the cut-off last line of ``path``:
    beside it, named for the first 12 hexadecimal digits of its sha256, so the same bytes
    always get the same copy and other ones another."""
    return path.with_name(f"{path.name}.torn-{hashlib.sha256(unfinished).hexdigest()[:12]}")


def _last_line_without_newline(descriptor: int) -> bytes:
    """The file open as ``descriptor``'s last line when it does not end in a newline (the
    bytes after the last newline); empty when the file is empty or ends in one."""
    if not os.lseek(descriptor, 0, os.SEEK_END):
        return b""
    os.lseek(descriptor, -1, os.SEEK_END)
    if os.read(descriptor, 1) == b"\n":
        return b""
    with open(descriptor, "rb", closefd=False) as file:
        file.seek(0)
        data = file.read()
    return data[data.rfind(b"\n") + 1:]


def _set_aside(path: Path, descriptor: int, unfinished: bytes) -> Path:
    """Copy ``unfinished``, the last line of ``path`` (open as ``descriptor``), to
    :func:`set_aside_path`, then cut it off the file; returns the copy."""
    kept = replace_file(set_aside_path(path, unfinished),
                        lambda new: new.write_bytes(unfinished))
    os.ftruncate(descriptor, os.lseek(descriptor, 0, os.SEEK_END) - len(unfinished))
    flush(descriptor)
    return kept


#: How :func:`_fsync` opens a file: for reading on POSIX, which syncs any descriptor (so a
#: file that ``build`` left read-only is synced too, :func:`_sync_tree`); for writing on
#: Windows, whose ``fsync`` (``_commit``) refuses a descriptor open only for reading.
_READ_FILE = (os.O_RDWR if os.name == "nt" else os.O_RDONLY) | getattr(os, "O_BINARY", 0)


def _fsync(path: Path, flags: int) -> None:
    """Flush the file or folder ``path``, opened with ``flags``, to the disk."""
    descriptor = os.open(path, flags)
    try:
        flush(descriptor)
    finally:
        os.close(descriptor)


def flush(descriptor: int) -> None:
    """Flush the file open as ``descriptor`` to the disk: with ``F_FULLFSYNC`` where ``fcntl``
    has it (macOS, whose ``fsync`` stops at the drive's cache, as Apple's fsync(2) page says),
    else, or if the file system refuses it, with ``fsync``."""
    if sys.platform != "win32":
        import fcntl

        full = getattr(fcntl, "F_FULLFSYNC", None)
        if full is not None:
            try:
                fcntl.fcntl(descriptor, full)
                return
            except OSError:  # a file system that cannot (some network ones): fsync instead
                pass
    os.fsync(descriptor)


#: The errors a file system gives when it cannot flush a folder at all, ignored for folders
#: as PostgreSQL's ``fsync_fname_ext`` and coreutils' ``shred`` do: EACCES (a folder that
#: may be written but not opened for reading) and EISDIR from opening it, EBADF and EINVAL
#: (systems that flush no descriptor open for reading, or no folder) and ENOTSUP/EOPNOTSUPP
#: (a network or FUSE file system without the operation) from flushing it. They say nothing
#: about the disk; EIO and the like do, and are raised.
_CANNOT_SYNC_FOLDER = frozenset({errno.EACCES, errno.EISDIR, errno.EBADF, errno.EINVAL,
                                 errno.ENOTSUP, errno.EOPNOTSUPP})


def _sync_folder(folder: Path) -> None:
    """Flush ``folder``'s entries (the names a rename just changed) to the disk.

    Only where ``os.open`` can open a folder (POSIX, which has ``O_DIRECTORY``): Windows
    cannot, and offers no other way to sync a rename, so there it is skipped; so it is on a
    file system that cannot flush a folder (:data:`_CANNOT_SYNC_FOLDER`).
    """
    if hasattr(os, "O_DIRECTORY"):
        try:
            _fsync(folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as exc:
            if exc.errno not in _CANNOT_SYNC_FOLDER:
                raise


def _sync_rename(path: Path) -> None:
    """Flush the rename that just put ``path`` in place; a :class:`NotDurableError` that says
    so if the disk fails (the rename is done, so this is no failed write)."""
    try:
        _sync_folder(path.parent)
    except OSError as exc:
        raise NotDurableError(
            exc.errno, f"{path} now holds the new content (the rename is done, nothing needs "
            f"to be written again), but flushing {path.parent} to the disk failed "
            f"({exc.strerror or exc}): a power cut before the system writes it may bring the "
            "old content back." + (" Check the disk: an I/O error can mean it is failing."
                                   if exc.errno == errno.EIO else "")) from exc


def _sync_tree(folder: Path) -> None:
    """Flush every file under ``folder`` to the disk, then each folder's entries, deepest
    first (a file's name reaches the disk with the folder that holds it)."""
    for parent, _, names in os.walk(folder, topdown=False):
        files = [Path(parent, name) for name in names]
        for file in files:
            if not file.is_symlink():  # a link has no content of its own to flush
                _fsync(file, _READ_FILE)
        _sync_folder(Path(parent))
