"""The offline room kit, end to end: `make wheelhouse`, then `make lab OFFLINE=1`'s install.

Builds the wheelhouse with this environment's pip, creates a fresh venv, installs the course
from the wheelhouse ONLY (no index, no find-links from pip's configuration) and runs
`deploydl doctor` in it. The wheelhouse (about 350 MB) is kept between runs in the course's
cache folder, one per version of pyproject.toml: `make wheelhouse` reuses the wheels it finds
there, so a second run rebuilds only the course's own wheel. The 1.6 GB venv lives under
pytest's tmp_path and is removed afterwards.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
KEEP = ("Makefile", "pyproject.toml", "README.md", "LICENSE", "src", "notebooks", "solutions",
        "labs")


def _make(course: Path, *args: str, env: dict[str, str]) -> None:
    done = subprocess.run(["make", "-C", str(course), *args], env=env, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, f"make {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"


def _wheelhouse() -> Path:
    """The kept wheelhouse for this pyproject.toml (its dependencies decide the wheels)."""
    from deploydl.settings import get_settings

    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:12]
    return get_settings().home / "wheelhouse" / digest


def _offline_env() -> dict[str, str]:
    """This environment minus anything that points pip at another source of packages."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PIP_") and k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    return dict(env, PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1")


@pytest.fixture
def kit_dir(tmp_path):
    """tmp_path, emptied afterwards: pytest would otherwise keep ~2 GB per run."""
    yield tmp_path
    shutil.rmtree(tmp_path, ignore_errors=True)


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_wheelhouse_installs_the_course_with_no_index_and_doctor_passes(kit_dir):
    course, wheels, venv = kit_dir / "course", _wheelhouse(), kit_dir / "venv"
    course.mkdir()
    for name in KEEP:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, course / name, ignore=shutil.ignore_patterns(
                "__pycache__", "*.egg-info"))
        else:
            shutil.copy2(source, course / name)

    _make(course, "wheelhouse", f"VENV={sys.prefix}", f"WHEELHOUSE={wheels}",
          env=dict(os.environ))
    assert any(wheels.glob("torch-*.whl")) and any(wheels.glob("deploydl-*.whl"))

    offline = _offline_env()
    _make(course, f"{venv}/.installed-lab", f"VENV={venv}", "OFFLINE=1",
          f"WHEELHOUSE={wheels}", f"PYTHON={sys.executable}", env=offline)

    doctor = subprocess.run([str(venv / "bin" / "deploydl"), "doctor", "--root", str(course)],
                            env=offline, capture_output=True, text=True, timeout=300)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "All checks passed" in doctor.stdout
