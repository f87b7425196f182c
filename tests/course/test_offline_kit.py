"""The offline room kit: `make wheelhouse`, `make kit-check`, and `make lab OFFLINE=1`'s install.

Builds the wheelhouse with this environment's pip (kept between runs in the course's cache
folder, so a second run rebuilds only the course's own wheel; a kit no run has used for two
weeks is removed once the current one is made).
`make kit-check` must resolve the course, its build backend and every dependency from it alone,
with no index, and name a wheel that is missing. Then the full install: a fresh venv from the
wheelhouse only (no index, no find-links from pip's configuration), and `deploydl doctor` in it.

``make test`` runs all three against the kept wheelhouse; the full install (marker ``kit``)
is its slowest test, about two to three minutes here. ``make test-kit``, a room check after
`make wheelhouse`, before a workshop, runs them with ``DEPLOYDL_KIT_WHEELHOUSE`` naming the
instructor's own wheelhouse, which is tested as it is.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
KEEP = ("Makefile", "pyproject.toml", "README.md", "LICENSE", "LICENSES", "src", "notebooks",
        "solutions", "labs")


def _make(course: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "-C", str(course), *args], env=env, capture_output=True,
                          text=True, timeout=900)


def _made(course: Path, *args: str, env: dict[str, str]) -> None:
    done = _make(course, *args, env=env)
    assert done.returncode == 0, f"make {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"


def _wheelhouse() -> Path:
    """The kept wheelhouse for this course's dependency lists (they alone decide the wheels)."""
    from deploydl.settings import get_settings

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = [*project["build-system"]["requires"], *project["project"]["dependencies"]]
    digest = hashlib.sha256("\n".join(wanted).encode()).hexdigest()[:12]
    return get_settings().home / "wheelhouse" / digest


def _offline_env() -> dict[str, str]:
    """This environment minus anything that points pip at another source of packages."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PIP_") and k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    return dict(env, PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1")


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A copy of the course, as an instructor would put it on a USB stick."""
    if shutil.which("make") is None:
        pytest.skip("needs make")
    course = tmp_path_factory.mktemp("kit") / "course"
    course.mkdir()
    for name in KEEP:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, course / name, ignore=shutil.ignore_patterns(
                "__pycache__", "*.egg-info"))
        else:
            shutil.copy2(source, course / name)
    return course


@pytest.fixture(scope="module")
def wheels(course) -> Path:
    """The wheelhouse named by ``DEPLOYDL_KIT_WHEELHOUSE`` as it is, or else `make wheelhouse`
    into the kept one, marked used, and the kits no run has used for two weeks removed."""
    given = os.environ.get("DEPLOYDL_KIT_WHEELHOUSE")
    if given:
        wheels = Path(given)
        assert any(wheels.glob("torch-*.whl")), (
            f"DEPLOYDL_KIT_WHEELHOUSE={given} holds no torch wheel: run `make wheelhouse "
            f"WHEELHOUSE={given}` on a connected machine of the room's platform first")
        return wheels
    from deploydl.course.wheelhouse import prune_kits

    wheels = _wheelhouse()
    wheels.mkdir(parents=True, exist_ok=True)
    os.utime(wheels)  # used from now: another checkout's prune_kits leaves it while it builds
    _made(course, "wheelhouse", f"VENV={sys.prefix}", f"WHEELHOUSE={wheels}",
          env=dict(os.environ))
    assert any(wheels.glob("torch-*.whl")) and any(wheels.glob("deploydl-*.whl"))
    prune_kits(wheels)
    return wheels


def test_kit_check_resolves_every_dependency_from_the_wheelhouse_alone(course, wheels):
    _made(course, "kit-check", f"VENV={sys.prefix}", f"WHEELHOUSE={wheels}",
          env=_offline_env())


def test_kit_check_names_the_wheel_a_kit_is_missing(course, wheels, tmp_path):
    partial = tmp_path / "wheelhouse"
    partial.mkdir()
    for wheel in wheels.iterdir():
        if not wheel.name.lower().startswith("fastapi-"):
            (partial / wheel.name).symlink_to(wheel)

    done = _make(course, "kit-check", f"VENV={sys.prefix}", f"WHEELHOUSE={partial}",
                 env=_offline_env())

    said = done.stdout + done.stderr
    assert done.returncode != 0, said
    assert "fastapi" in said and "make wheelhouse" in said, said


@pytest.mark.kit
def test_wheelhouse_installs_the_course_with_no_index_and_doctor_passes(course, wheels,
                                                                        tmp_path):
    venv = tmp_path / "venv"
    offline = _offline_env()
    try:
        _made(course, f"{venv}/.installed-lab", f"VENV={venv}", "OFFLINE=1",
              f"WHEELHOUSE={wheels}", f"PYTHON={sys.executable}", env=offline)
        doctor = subprocess.run([str(venv / "bin" / "deploydl"), "doctor", "--root",
                                 str(course)], env=offline, capture_output=True, text=True,
                                timeout=300)
    finally:
        shutil.rmtree(venv, ignore_errors=True)  # pytest would otherwise keep ~2 GB per run
    # Memory and disk are this machine's, shared with other test workers (this test's venv
    # alone takes about 2 GB), and the doctor runs in another process, out of monkeypatch's
    # reach: they may FAIL here; every row the kit decides must pass.
    said = doctor.stdout + doctor.stderr
    rows = {line[6:].split("  ")[0].strip(): line[:4].strip()
            for line in doctor.stdout.splitlines() if line[:4] in ("OK  ", "FAIL")}
    assert {"python", "packages", "torch", "jupyter kernel", "course folders"} <= set(rows), said
    assert {name for name, verdict in rows.items() if verdict == "FAIL"} <= {"memory", "disk"}, said
    assert doctor.returncode == (0 if "FAIL" not in rows.values() else 1), said
