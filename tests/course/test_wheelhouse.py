"""The wheelhouse's licence inventory, on tiny wheels made here (not the 400 MB wheelhouse)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from deploydl.course.wheelhouse import (
    APACHE_TEXT,
    INVENTORY,
    main,
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


def test_a_wrong_command_is_a_usage_error(capsys):
    assert main(["list"]) == 2 and "usage" in capsys.readouterr().err


def test_the_makefile_runs_it_from_src_with_the_standard_library_alone(wheelhouse):
    """``make wheelhouse`` runs it in a venv that may hold only pip: no third-party import."""
    done = subprocess.run([sys.executable, "-S", "-m", "deploydl.course.wheelhouse", "write",
                           str(wheelhouse)], cwd=ROOT, env={"PYTHONPATH": str(ROOT / "src")},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert (wheelhouse / INVENTORY).exists()
