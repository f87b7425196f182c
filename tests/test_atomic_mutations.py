"""deploydl.atomic's documented promises that mutation testing found unchecked: the error a
failed first build raises, Ctrl-C between the renames, short writes, the set-aside copy's
name, the order of flushes in a nested folder, and one temporary file per call."""

import hashlib
import os
from pathlib import Path

import pytest

from deploydl.atomic import append_line, replace_file, replace_folder, set_aside_path
from tests.test_atomic import _folder, _record_syncs, _unclosed, needs_folder_sync


def test_a_first_build_that_fails_raises_its_own_error_and_leaves_nothing(tmp_path):
    """No old folder to put back: the build's error, not "could not be put back"."""

    def fails(new: Path) -> None:
        _folder(new, weights="half")
        raise OSError("No space left on device")

    with pytest.raises(OSError, match="^No space left on device$"):
        replace_folder(tmp_path / "model", fails)
    assert list(tmp_path.iterdir()) == []


def test_an_interrupt_between_the_renames_puts_the_old_folder_back(tmp_path, monkeypatch):
    """Ctrl-C (a KeyboardInterrupt, no Exception) is a failed rename too."""
    target = _folder(tmp_path / "model", weights="old")
    real_replace = os.replace

    def replace(source, destination):
        if Path(source).name == "new":
            raise KeyboardInterrupt
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        replace_folder(target, lambda new: _folder(new, weights="new"))
    assert (target / "weights").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["model"]


def test_a_short_write_is_followed_by_the_rest_of_the_line(tmp_path, monkeypatch):
    """The docstring: should the system write less than asked (a full disk), the rest follows."""
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda descriptor, data: real_write(descriptor, data[:3]))
    log = tmp_path / "log.jsonl"
    append_line(log, b'{"a": 1}\n', cut_off=_unclosed)
    append_line(log, b'{"b": 2}\n', cut_off=_unclosed)
    assert log.read_bytes() == b'{"a": 1}\n{"b": 2}\n'


def test_the_set_aside_copy_is_named_for_12_hex_digits_of_its_sha256(tmp_path):
    digest = hashlib.sha256(b'{"a": ').hexdigest()
    assert set_aside_path(tmp_path / "log.jsonl", b'{"a": ').name == (
        f"log.jsonl.torn-{digest[:12]}"
    )


@needs_folder_sync
def test_a_nested_folder_is_flushed_deepest_first(tmp_path, monkeypatch):
    """A file's name reaches the disk with its folder: the inner folder before the outer."""

    def build(new: Path) -> None:
        _folder(new)
        _folder(new / "inner", weights="new")

    events = _record_syncs(monkeypatch)
    replace_folder(tmp_path / "model", build)
    model = tmp_path / "model"
    assert events == [
        (model / "inner" / "weights").stat().st_ino,
        (model / "inner").stat().st_ino,
        model.stat().st_ino,
        "rename",
        tmp_path.stat().st_ino,
    ]


@pytest.mark.skipif(os.name != "posix", reason="symbolic links without special rights")
def test_a_link_in_a_new_folder_is_not_flushed_through(tmp_path):
    """A link has no content of its own: one that points nowhere yet does not fail the build."""

    def build(new: Path) -> None:
        _folder(new, weights="new")
        (new / "latest").symlink_to("missing-for-now")

    replace_folder(tmp_path / "model", build)
    assert os.readlink(tmp_path / "model" / "latest") == "missing-for-now"


def test_each_call_writes_its_own_hidden_temporary_file_beside_the_path(tmp_path):
    """So two writers at once never write into each other's."""
    seen: list[Path] = []
    path = tmp_path / "stages.json"
    for text in ("first", "second"):
        replace_file(path, lambda new, text=text: (seen.append(new), new.write_text(text)))
    assert seen[0] != seen[1]
    assert all(p.parent == tmp_path and p.name.startswith(".stages.json.") for p in seen)
    assert path.read_text() == "second"
