"""Replacing a file or a folder whole or not at all (deploydl.atomic)."""

import errno
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from deploydl.atomic import (
    NotDurableError,
    append_line,
    replace_file,
    replace_folder,
    set_aside_path,
)


def _cut_short(new: Path) -> None:
    """A write that stops half-way, as on a full disk."""
    new.write_text("half")
    raise OSError("No space left on device")


def _replace_fails(monkeypatch, when: Callable[[Path, Path], bool]) -> None:
    """Make ``os.replace(source, destination)`` raise "Permission denied" when ``when`` says."""
    real_replace = os.replace

    def replace(source, destination):
        if when(Path(source), Path(destination)):
            raise OSError("Permission denied")
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", replace)


def _fsync_only(monkeypatch) -> None:
    """Flush with ``os.fsync`` even on macOS (which otherwise uses fcntl's F_FULLFSYNC)."""
    if sys.platform != "win32":
        monkeypatch.delattr(pytest.importorskip("fcntl"), "F_FULLFSYNC", raising=False)


def _record_syncs(monkeypatch) -> list[int | str]:
    """Make ``os.fsync`` record the inode it flushes, and ``os.replace`` the word "rename",
    in the order they happen; returns that list."""
    _fsync_only(monkeypatch)
    events: list[int | str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(descriptor):
        events.append(os.fstat(descriptor).st_ino)
        real_fsync(descriptor)

    def replace(source, destination):
        events.append("rename")
        real_replace(source, destination)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    return events


needs_folder_sync = pytest.mark.skipif(not hasattr(os, "O_DIRECTORY"),
                                       reason="a folder is synced where os.open opens one")


@needs_folder_sync
def test_a_new_file_is_flushed_before_the_rename_and_its_folder_after(tmp_path, monkeypatch):
    """So a power cut after replace_file returns cannot bring the old content back. (A
    renamed file keeps its inode.)"""
    events = _record_syncs(monkeypatch)
    path = replace_file(tmp_path / "stages.json", lambda new: new.write_text("new"))
    assert events == [path.stat().st_ino, "rename", tmp_path.stat().st_ino]


@needs_folder_sync
def test_a_new_folder_is_flushed_before_the_renames_and_its_parent_after(tmp_path,
                                                                         monkeypatch):
    target = _folder(tmp_path / "model", weights="old")
    events = _record_syncs(monkeypatch)
    replace_folder(target, lambda new: _folder(new, weights="new"))
    assert events == [(target / "weights").stat().st_ino, target.stat().st_ino,
                      "rename", "rename", tmp_path.stat().st_ino]


def test_a_file_is_created_then_replaced_with_no_temporary_file_left(tmp_path):
    path = tmp_path / "stages.json"
    assert replace_file(path, lambda new: new.write_text("first")) == path
    replace_file(path, lambda new: new.write_text("second"))
    assert path.read_text() == "second"
    assert [p.name for p in tmp_path.iterdir()] == ["stages.json"]


def test_a_write_that_fails_leaves_the_old_file_intact(tmp_path):
    path = tmp_path / "stages.json"
    path.write_text("old")
    with pytest.raises(OSError, match="No space left"):
        replace_file(path, _cut_short)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["stages.json"]


def test_a_rename_that_fails_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "stages.json"
    path.write_text("old")
    _replace_fails(monkeypatch, lambda source, destination: True)
    with pytest.raises(OSError, match="Permission denied"):
        replace_file(path, lambda new: new.write_text("new"))
    monkeypatch.undo()
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["stages.json"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_a_replaced_file_keeps_its_mode_and_a_new_one_takes_the_umask(tmp_path):
    kept, new = tmp_path / "kept.onnx", tmp_path / "new.onnx"
    kept.write_bytes(b"old")
    kept.chmod(0o640)
    saved = os.umask(0o002)
    try:
        replace_file(kept, lambda staged: staged.write_bytes(b"new"))
        replace_file(new, lambda staged: staged.write_bytes(b"new"))
    finally:
        os.umask(saved)
    assert kept.stat().st_mode & 0o777 == 0o640
    assert new.stat().st_mode & 0o777 == 0o664


def _folder(path: Path, **files: str) -> Path:
    path.mkdir()
    for name, text in files.items():
        (path / name).write_text(text)
    return path


def _contents(path: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in path.iterdir()}


def test_a_folder_is_replaced_whole_with_no_temporary_folder_left(tmp_path):
    source = _folder(tmp_path / "source", weights="new")
    target = _folder(tmp_path / "model", weights="old", signature="old")
    assert replace_folder(target, lambda new: shutil.copytree(source, new)) == target
    assert _contents(target) == {"weights": "new"}  # no file of the old folder stays
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model", "source"]


def test_a_folder_that_does_not_exist_yet_is_created(tmp_path):
    replace_folder(tmp_path / "model", lambda new: _folder(new, weights="new"))
    assert _contents(tmp_path / "model") == {"weights": "new"}


def test_a_build_that_fails_leaves_the_old_folder_intact(tmp_path):
    target = _folder(tmp_path / "model", weights="old")

    def fails_midway(new: Path) -> None:
        _folder(new, weights="half")
        raise OSError("No space left on device")

    with pytest.raises(OSError, match="No space left"):
        replace_folder(target, fails_midway)
    assert _contents(target) == {"weights": "old"}
    assert [p.name for p in tmp_path.iterdir()] == ["model"]


def test_a_rename_that_fails_puts_the_old_folder_back(tmp_path, monkeypatch):
    target = _folder(tmp_path / "model", weights="old")
    _replace_fails(monkeypatch, lambda source, destination: source.name == "new")
    with pytest.raises(OSError, match="Permission denied"):
        replace_folder(target, lambda new: _folder(new, weights="new"))
    assert _contents(target) == {"weights": "old"}
    assert [p.name for p in tmp_path.iterdir()] == ["model"]


def test_an_old_folder_that_cannot_be_put_back_is_kept_and_named(tmp_path, monkeypatch):
    target = _folder(tmp_path / "model", weights="old")
    _replace_fails(monkeypatch, lambda source, destination: destination.name != "old")
    with pytest.raises(OSError, match="could not be replaced nor put back; the earlier copy is "
                                      "kept in .*old: move it back to .*model by hand") as caught:
        replace_folder(target, lambda new: _folder(new, weights="new"))
    kept = Path(str(caught.value).split("kept in ")[1].split(":")[0])
    assert _contents(kept) == {"weights": "old"}  # nothing lost


def _folder_sync_fails(monkeypatch, folder: Path, code: int) -> None:
    """Make flushing ``folder`` (after the rename) fail with the error number ``code``."""
    _fsync_only(monkeypatch)
    real_fsync, inode = os.fsync, folder.stat().st_ino

    def fsync(descriptor):
        if os.fstat(descriptor).st_ino == inode:
            raise OSError(code, os.strerror(code))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", fsync)


#: What a file system that cannot flush a folder answers (PostgreSQL and shred ignore them).
CANNOT_SYNC = [errno.EINVAL, errno.EBADF, errno.EISDIR, errno.ENOTSUP, errno.EACCES]


@needs_folder_sync
@pytest.mark.parametrize("code", CANNOT_SYNC, ids=errno.errorcode.get)
def test_a_file_system_that_cannot_flush_a_folder_is_no_failed_write(tmp_path, monkeypatch,
                                                                     code):
    path = tmp_path / "stages.json"
    path.write_text("old")
    target = _folder(tmp_path / "model", weights="old")
    _folder_sync_fails(monkeypatch, tmp_path, code)
    replace_file(path, lambda new: new.write_text("new"))
    replace_folder(target, lambda new: _folder(new, weights="new"))
    assert path.read_text() == "new"
    assert _contents(target) == {"weights": "new"}


@needs_folder_sync
def test_a_disk_that_fails_to_flush_the_rename_says_the_new_file_is_in_place(tmp_path,
                                                                              monkeypatch):
    path = tmp_path / "stages.json"
    path.write_text("old")
    _folder_sync_fails(monkeypatch, tmp_path, errno.EIO)
    with pytest.raises(NotDurableError, match="stages.json now holds the new content .* power "
                                              "cut .* may bring the old content back") as caught:
        replace_file(path, lambda new: new.write_text("new"))
    assert caught.value.errno == errno.EIO
    assert "Check the disk" in str(caught.value)
    assert path.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["stages.json"]


@needs_folder_sync
def test_only_an_io_error_is_blamed_on_the_disk(tmp_path, monkeypatch):
    """Too many open files is no sign of a failing disk: the advice is for EIO alone."""
    path = tmp_path / "stages.json"
    _folder_sync_fails(monkeypatch, tmp_path, errno.EMFILE)
    with pytest.raises(NotDurableError, match="may bring the old content back.$") as caught:
        replace_file(path, lambda new: new.write_text("new"))
    assert "disk" not in str(caught.value).split("back.")[-1]


@needs_folder_sync
def test_a_disk_that_fails_to_flush_the_renames_leaves_the_new_folder_in_place(tmp_path,
                                                                                monkeypatch):
    """Both renames are done, so nothing is rolled back and the old folder is removed."""
    target = _folder(tmp_path / "model", weights="old")
    _folder_sync_fails(monkeypatch, tmp_path, errno.EIO)
    with pytest.raises(NotDurableError, match="model now holds the new content"):
        replace_folder(target, lambda new: _folder(new, weights="new"))
    assert _contents(target) == {"weights": "new"}
    assert [p.name for p in tmp_path.iterdir()] == ["model"]


def _full_fsync(monkeypatch, *, refused: bool) -> list[str]:
    """Give ``fcntl`` macOS's F_FULLFSYNC (refused with ENOTSUP if ``refused``); returns the
    flushes made, in order: "full" or "fsync"."""
    fcntl = pytest.importorskip("fcntl")
    flushes: list[str] = []
    real_fsync = os.fsync

    def full(descriptor, command):
        assert command == 51
        if refused:
            raise OSError(errno.ENOTSUP, os.strerror(errno.ENOTSUP))
        flushes.append("full")

    def fsync(descriptor):
        flushes.append("fsync")
        real_fsync(descriptor)

    monkeypatch.setattr(fcntl, "F_FULLFSYNC", 51, raising=False)  # macOS's value
    monkeypatch.setattr(fcntl, "fcntl", full)
    monkeypatch.setattr(os, "fsync", fsync)
    return flushes


@needs_folder_sync
def test_where_fcntl_has_full_fsync_it_flushes_past_the_drive_cache(tmp_path, monkeypatch):
    """macOS's fsync leaves the data in the drive's cache; F_FULLFSYNC writes it out."""
    flushes = _full_fsync(monkeypatch, refused=False)
    replace_file(tmp_path / "stages.json", lambda new: new.write_text("new"))
    assert flushes == ["full", "full"]  # the file, then its folder


@needs_folder_sync
def test_a_file_system_that_refuses_full_fsync_gets_fsync(tmp_path, monkeypatch):
    flushes = _full_fsync(monkeypatch, refused=True)
    replace_file(tmp_path / "stages.json", lambda new: new.write_text("new"))
    assert flushes == ["fsync", "fsync"]


def _unclosed(tail: bytes) -> bool:
    """The caller's rule in these tests: a last line that does not close its object was cut
    off."""
    return not tail.endswith(b"}")


def test_an_unfinished_last_line_is_set_aside_before_the_next_line_is_appended(tmp_path):
    """Even a first line cut off, the file's only bytes: they move, whole, to the copy."""
    log = tmp_path / "log.jsonl"
    log.write_bytes(b'{"a": ')
    kept = append_line(log, b'{"b": 2}\n', cut_off=_unclosed)
    assert kept == set_aside_path(log, b'{"a": ') and kept.read_bytes() == b'{"a": '
    assert append_line(log, b'{"c": 3}\n', cut_off=_unclosed) is None  # nothing to set aside
    assert log.read_bytes() == b'{"b": 2}\n{"c": 3}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.jsonl", kept.name]


def test_a_whole_last_line_without_its_newline_stays_and_is_ended_first(tmp_path):
    """An editor may save the file without its final newline: that line is not cut off."""
    log = tmp_path / "log.jsonl"
    log.write_bytes(b'{"a": 1}\n{"b": 2}')
    assert append_line(log, b'{"c": 3}\n', cut_off=_unclosed) is None
    assert log.read_bytes() == b'{"a": 1}\n{"b": 2}\n{"c": 3}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["log.jsonl"]


@needs_folder_sync
def test_the_copy_of_an_unfinished_line_is_on_the_disk_before_the_line_is_cut_off(
        tmp_path, monkeypatch):
    """The copy, then its name, then the cut, then the new line: a power cut anywhere loses
    no byte of the unfinished line."""
    log = tmp_path / "log.jsonl"
    log.write_bytes(b'{"a": 1}\n{"b": ')
    events = _record_syncs(monkeypatch)
    real_ftruncate = os.ftruncate
    monkeypatch.setattr(os, "ftruncate", lambda descriptor, length: (
        events.append("cut"), real_ftruncate(descriptor, length))[1])
    kept = append_line(log, b'{"c": 3}\n', cut_off=_unclosed)
    copy, folder, record = (path.stat().st_ino for path in (kept, tmp_path, log))
    assert events == [copy, "rename", folder, "cut", record, record]
    assert log.read_bytes() == b'{"a": 1}\n{"c": 3}\n'
