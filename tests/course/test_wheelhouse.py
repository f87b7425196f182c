"""The wheelhouse's licence inventory, on tiny wheels made here (not the 400 MB wheelhouse)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from deploydl.course.wheelhouse import (
    APACHE_TEXT,
    INVENTORY,
    main,
    prune_kits,
    read_wheel,
    unlicensed,
    write_inventory,
)

ROOT = Path(__file__).resolve().parents[2]


def _wheel(folder: Path, name: str, version: str, headers: str,
           extra: dict[str, str] | None = None) -> Path:
    """A minimal wheel: a module, METADATA with ``headers``, and the files in ``extra``."""
    path = folder / f"{name}-{version}-py3-none-any.whl"
    info = f"{name}-{version}.dist-info"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{name}/__init__.py", "")
        archive.writestr(f"{info}/METADATA", f"Metadata-Version: 2.4\nName: {name}\n"
                                             f"Version: {version}\n{headers}\n\nA package.\n")
        for member, text in (extra or {}).items():
            archive.writestr(member, text)
    return path


@pytest.fixture
def wheelhouse(tmp_path) -> Path:
    _wheel(tmp_path, "modern", "1.0", "License-Expression: MIT\nLicense-File: LICENSE",
           {"modern-1.0.dist-info/licenses/LICENSE": "MIT text"})
    _wheel(tmp_path, "classic", "2.0", "License: BSD\nClassifier: License :: OSI Approved :: "
                                       "BSD License", {"classic-2.0.dist-info/LICENSE": "BSD"})
    _wheel(tmp_path, "inside", "0.1", "Classifier: License :: OSI Approved :: MIT License",
           {"inside/LICENSE": "MIT text", "inside/ThirdPartyNotices.txt": "notices"})
    _wheel(tmp_path, "bare", "25.1", "License: Apache 2.0\nClassifier: License :: OSI Approved "
                                     ":: Apache Software License")
    return tmp_path


def test_each_wheel_s_licence_comes_from_its_metadata(wheelhouse):
    modern = read_wheel(next(wheelhouse.glob("modern-*.whl")))
    assert (modern.name, modern.version, modern.expression) == ("modern", "1.0", "MIT")
    assert modern.files == ("modern-1.0.dist-info/licenses/LICENSE",)
    classic = read_wheel(next(wheelhouse.glob("classic-*.whl")))
    assert classic.expression == "BSD" and classic.files == ("classic-2.0.dist-info/LICENSE",)
    inside = read_wheel(next(wheelhouse.glob("inside-*.whl")))
    assert inside.expression == "MIT License"  # from the classifier: no License field
    assert inside.files == ("inside/LICENSE", "inside/ThirdPartyNotices.txt")
    bare = read_wheel(next(wheelhouse.glob("bare-*.whl")))
    assert bare.files == () and bare.apache and not modern.apache


def test_the_inventory_lists_every_wheel_and_gives_the_apache_text_a_bare_wheel_lacks(
        wheelhouse):
    text = write_inventory(wheelhouse).read_text(encoding="utf-8")
    for wheel in wheelhouse.glob("*.whl"):
        assert f"| `{wheel.name}` |" in text
    assert "| `bare-25.1-py3-none-any.whl` | bare | 25.1 | Apache 2.0 | none in the wheel" in text
    assert "## Apache License 2.0\n\nFor bare," in text
    assert APACHE_TEXT.read_text(encoding="utf-8").strip() in text
    assert "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" in text


def test_the_apache_text_names_only_the_apache_wheels_that_ship_no_licence_file(wheelhouse):
    _wheel(wheelhouse, "shipped", "1.0", "License: Apache 2.0",
           {"shipped-1.0.dist-info/LICENSE": "Apache text"})
    text = write_inventory(wheelhouse).read_text(encoding="utf-8")
    assert "For bare, whose wheels ship no licence file" in text


def test_no_apache_text_when_every_wheel_ships_its_own(wheelhouse):
    next(wheelhouse.glob("bare-*.whl")).unlink()
    assert "Apache License" not in write_inventory(wheelhouse).read_text(encoding="utf-8")


def test_check_fails_on_a_wheel_with_neither_licence_file_nor_row(wheelhouse, capsys):
    assert unlicensed(wheelhouse) == ["bare-25.1-py3-none-any.whl"]
    assert main(["check", str(wheelhouse)]) == 1
    said = capsys.readouterr().err
    assert "bare-25.1-py3-none-any.whl" in said and "make wheelhouse" in said

    assert main(["write", str(wheelhouse)]) == 0
    assert unlicensed(wheelhouse) == [] and main(["check", str(wheelhouse)]) == 0

    _wheel(wheelhouse, "late", "3.0", "License: MIT")  # added after the inventory was written
    assert unlicensed(wheelhouse) == ["late-3.0-py3-none-any.whl"]


def test_modules_named_like_licences_are_not_licence_files(tmp_path, capsys):
    """jupyterlab_server's licenses_app.py is code: a wheel whose only such names are modules
    has no licence file, so kit-check still asks for its row."""
    _wheel(tmp_path, "jls", "2.0", "License: BSD", {
        "jls/licenses_app.py": "", "jls/licenses_handler.py": "",
        "jls/__pycache__/licenses_app.cpython-311.pyc": "", "jls/_license.so": "",
        "jls/vendored/LICENSE": "a vendored library's", "jls/deep/down/LICENSE": "a fixture"})
    assert read_wheel(tmp_path / "jls-2.0-py3-none-any.whl").files == ()
    assert main(["check", str(tmp_path)]) == 1 and "jls-2.0" in capsys.readouterr().err


def test_licence_files_in_dist_info_and_at_the_top_of_the_wheel_count(tmp_path):
    _wheel(tmp_path, "many", "1.0", "License: BSD", {
        "many-1.0.dist-info/LICENSE.APACHE": "a", "many-1.0.dist-info/COPYING": "b",
        "many-1.0.dist-info/NOTICE.md": "c", "many-1.0.dist-info/licenses/vendor/x.txt": "d",
        "LICENSE.txt": "e", "many/RECORD": "", "many/notice_board.py": ""})
    assert read_wheel(tmp_path / "many-1.0-py3-none-any.whl").files == (
        "many-1.0.dist-info/LICENSE.APACHE", "many-1.0.dist-info/COPYING",
        "many-1.0.dist-info/NOTICE.md", "many-1.0.dist-info/licenses/vendor/x.txt",
        "LICENSE.txt")


def test_a_row_lists_five_licence_files_and_counts_the_rest(tmp_path):
    """torch ships hundreds: the row names the first five and says how many more there are."""
    _wheel(tmp_path, "vast", "1.0", "License: BSD",
           {f"vast-1.0.dist-info/licenses/LICENSE.{i}": "" for i in range(7)})
    row = next(line for line in write_inventory(tmp_path).read_text(encoding="utf-8")
               .splitlines() if line.startswith("| `vast-1.0"))
    shown = ", ".join(f"`vast-1.0.dist-info/licenses/LICENSE.{i}`" for i in range(5))
    assert row.endswith(f"| {shown} and 2 more |")


@pytest.mark.parametrize("command", ["write", "check"])
def test_a_wheel_without_metadata_or_a_damaged_one_is_named_in_one_line(
        tmp_path, capsys, command):
    with zipfile.ZipFile(tmp_path / "hollow-1.0-py3-none-any.whl", "w") as archive:
        archive.writestr("hollow/__init__.py", "")
    assert main([command, str(tmp_path)]) == 1
    said = capsys.readouterr().err
    assert said.count("\n") == 1 and "hollow-1.0-py3-none-any.whl: no .dist-info/METADATA" in said
    assert "make wheelhouse" in said
    (tmp_path / "hollow-1.0-py3-none-any.whl").unlink()
    (tmp_path / "broken-1.0-py3-none-any.whl").write_bytes(b"PK\x03\x04 cut off in transit")
    assert main([command, str(tmp_path)]) == 1
    said = capsys.readouterr().err
    assert said.count("\n") == 1
    assert "broken-1.0-py3-none-any.whl: not a readable wheel (BadZipFile" in said


@pytest.mark.parametrize("command, prefix", [("write", "wheelhouse"), ("check", "kit-check")])
@pytest.mark.parametrize("folder, what", [("missing", "is not a folder"),
                                          ("empty", "holds no wheel (*.whl)")])
def test_a_missing_or_empty_wheelhouse_is_refused(tmp_path, capsys, command, prefix, folder,
                                                  what):
    (tmp_path / "empty").mkdir()
    assert main([command, str(tmp_path / folder)]) == 1
    said = capsys.readouterr().err
    assert said == (f"{prefix}: {tmp_path / folder} {what}; run make wheelhouse WHEELHOUSE="
                    f"{tmp_path / folder} on a connected machine, or give the folder that holds "
                    "the wheels\n")
    assert not (tmp_path / folder / INVENTORY).exists()


@pytest.mark.parametrize("spelled", ["Apache-2.0", "Apache 2", "Apache 2.0", "Apache License v2.0",
                                     "Apache License, Version 2.0", "Apache Software License",
                                     "apache license 2.0", "Apache License (2.0)"])
def test_the_apache_licence_is_recognised_however_it_is_spelled(tmp_path, spelled):
    wheel = _wheel(tmp_path, "spelled", "1.0", f"License: {spelled}")
    assert read_wheel(wheel).apache


@pytest.mark.parametrize("other", ["Apache-2.0 OR MIT", "Apache 1.1", "MIT", "unknown"])
def test_other_licences_are_not_read_as_apache_alone(tmp_path, other):
    assert not read_wheel(_wheel(tmp_path, "other", "1.0", f"License: {other}")).apache


def test_a_licence_over_several_lines_stays_one_row_of_the_inventory(tmp_path):
    _wheel(tmp_path, "folded", "1.0", "License-Expression: Apache-2.0\n  AND BSD-3-Clause\n"
                                      "  AND MIT")
    _wheel(tmp_path, "field", "1.0", "License: BSD\n        3-Clause")
    text = write_inventory(tmp_path).read_text(encoding="utf-8")
    assert ("| `folded-1.0-py3-none-any.whl` | folded | 1.0 | Apache-2.0 AND BSD-3-Clause AND "
            "MIT | none in the wheel |\n") in text
    assert "| `field-1.0-py3-none-any.whl` | field | 1.0 | BSD 3-Clause | none" in text


def test_a_wrong_command_is_a_usage_error(capsys):
    assert main(["list"]) == 2 and "usage" in capsys.readouterr().err


def test_the_makefile_runs_it_from_src_with_the_standard_library_alone(wheelhouse):
    """``make wheelhouse`` runs it in a venv that may hold only pip: no third-party import."""
    done = subprocess.run([sys.executable, "-S", "-m", "deploydl.course.wheelhouse", "write",
                           str(wheelhouse)], cwd=ROOT, env={"PYTHONPATH": str(ROOT / "src")},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert (wheelhouse / INVENTORY).exists()


def _kits(cache: Path, *names: str, days_unused: float = 0) -> list[Path]:
    """Kit folders under ``cache`` (a 2 MB wheel and a 1 MB licence file each), last used
    ``days_unused`` days ago."""
    kits = []
    for name in names:
        kit = cache / name
        (kit / "more").mkdir(parents=True)
        (kit / "torch-2.0-cp311-none-any.whl").write_bytes(b"x" * 2_000_000)
        (kit / "more" / "THIRD_PARTY_LICENSES.md").write_bytes(b"x" * 1_000_000)
        then = time.time() - days_unused * 86_400
        os.utime(kit, (then, then))
        kits.append(kit)
    return kits


def test_prune_kits_removes_the_kits_no_run_used_for_two_weeks_and_says_what_came_back(
        tmp_path):
    cache = tmp_path / "wheelhouse"
    [keep] = _kits(cache, "f05b1966ca0d", days_unused=30)
    [old] = _kits(cache, "2a7e78526e7d", days_unused=15)
    [other_checkout] = _kits(cache, "0123456789ab", days_unused=13)
    (cache / "notes").mkdir()  # not named like a kit: left alone
    (cache / "aaaaaaaaaaaa").write_text("a file, not a kit")
    said: list[str] = []

    assert prune_kits(keep, say=said.append) == [old]

    assert sorted(p.name for p in cache.iterdir()) == [
        other_checkout.name, "aaaaaaaaaaaa", keep.name, "notes"]
    assert (keep / "more" / "THIRD_PARTY_LICENSES.md").exists()
    assert time.time() - keep.stat().st_mtime < 60  # marked used by this run
    assert said == [f"wheelhouse cache: removed the kits no run has used for 14 days from "
                    f"{cache} (2a7e78526e7d): 3 MB freed"]
    assert prune_kits(keep, say=said.append) == [] and len(said) == 1  # nothing more to say


def test_prune_kits_names_a_kit_it_could_not_remove(tmp_path, monkeypatch):
    cache = tmp_path / "wheelhouse"
    keep, old = _kits(cache, "f05b1966ca0d", "2a7e78526e7d", days_unused=20)

    def refuse(path, *args, **kwargs):
        raise OSError(39, "Directory not empty")

    monkeypatch.setattr("shutil.rmtree", refuse)
    said: list[str] = []
    assert prune_kits(keep, say=said.append) == []
    assert said == [f"wheelhouse cache: could not remove 2a7e78526e7d (Directory not empty) "
                    f"from {cache}; delete them by hand if no checkout uses them"]


def test_prune_kits_leaves_a_kit_it_reaches_through_a_link(tmp_path):
    elsewhere = tmp_path / "elsewhere" / "2a7e78526e7d"
    elsewhere.mkdir(parents=True)
    (elsewhere / "torch-2.0-cp311-none-any.whl").write_bytes(b"x")
    cache = tmp_path / "wheelhouse"
    cache.mkdir()
    (cache / "2a7e78526e7d").symlink_to(elsewhere, target_is_directory=True)
    assert prune_kits(cache / "f05b1966ca0d", say=print) == []
    assert (elsewhere / "torch-2.0-cp311-none-any.whl").exists()


def test_prune_kits_with_no_cache_folder_yet_removes_nothing(tmp_path):
    assert prune_kits(tmp_path / "wheelhouse" / "f05b1966ca0d", say=print) == []
