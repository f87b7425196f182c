"""What `make lab` does with a Python too old for the course, and the commands the setup papers
give: each runs after `make lab`, where `deploydl` is in .venv and not on PATH."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from deploydl.course.agenda import FORMATS, LESSON_ONLY

needs_make = pytest.mark.skipif(shutil.which("make") is None or os.name != "posix",
                                reason="needs make on a POSIX system")
#: A stand-in for Ubuntu 22.04's python3: it answers the version questions as Python 3.10.
OLD_PYTHON = """#!/bin/sh
case "$*" in
  *version_info*) exit 1 ;;
  *platform*) echo "Python 3.10.12" ;;
  *) echo "asked to: $*" > "$(dirname "$0")/was-used"; exit 3 ;;
esac
"""

#: A stand-in for a Python 3.12: newer than 3.11, but not the Python of a kit built for 3.11.
NEWER_PYTHON = """#!/bin/sh
case "$*" in
  *cp%d%d*) echo cp312 ;;
  *version_info*) exit 0 ;;
  *platform*) echo "Python 3.12.1" ;;
  *) echo "asked to: $*" > "$(dirname "$0")/was-used"; exit 3 ;;
esac
"""


def _stub(folder, script: str):
    """An executable ``python3`` in ``folder`` that runs the shell ``script``."""
    python = folder / "python3"
    python.write_text(script)
    python.chmod(0o755)
    return python


def _make(root, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", *args], cwd=root,
                          capture_output=True, text=True)


@needs_make
@pytest.mark.parametrize("found", ["Python 3.10.12", "not found"])
def test_make_lab_names_a_too_old_python_and_makes_no_venv(root, tmp_path, found):
    python = tmp_path / "python3"
    if found != "not found":
        python.write_text(OLD_PYTHON)
        python.chmod(0o755)
    venv = tmp_path / "venv"
    run = _make(root, f"{venv}/bin/python", f"VENV={venv}", f"PYTHON={python}")
    assert run.returncode != 0
    assert (f"make: {python} is {found}. The course needs Python 3.11 or newer: install it, "
            "then run `make lab PYTHON=python3.11`") in run.stdout
    assert not venv.exists() and not (tmp_path / "was-used").exists()


@needs_make
def test_the_python_message_names_the_goal_run_and_offline(root, tmp_path):
    venv = tmp_path / "venv"
    run = _make(root, "test", f"VENV={venv}", f"PYTHON={_stub(tmp_path, OLD_PYTHON)}",
                "OFFLINE=1", f"WHEELHOUSE={tmp_path}")
    assert run.returncode != 0
    assert "then run `make test PYTHON=python3.11 OFFLINE=1`" in run.stdout
    assert not venv.exists() and not (tmp_path / "was-used").exists()


@needs_make
def test_offline_make_lab_refuses_a_python_the_kit_cannot_fill(root, tmp_path):
    kit = tmp_path / "kit"
    kit.mkdir()
    (kit / "torch-2.13.0+cpu-cp311-cp311-linux_x86_64.whl").touch()
    venv = tmp_path / "venv"
    run = _make(root, f"{venv}/bin/python", f"VENV={venv}", "OFFLINE=1", f"WHEELHOUSE={kit}",
                f"PYTHON={_stub(tmp_path, NEWER_PYTHON)}")
    assert run.returncode != 0
    assert (f"is Python 3.12.1, but the kit in {kit}/ holds torch for Python 3.11 only: "
            "install that Python, then run `make lab PYTHON=python3.11 OFFLINE=1`") in run.stdout
    assert not venv.exists() and not (tmp_path / "was-used").exists()


@needs_make
def test_make_demo_runs_the_demo_from_the_venv(root):
    dry_run = _make(root, "-n", "-o", "/nowhere/.installed-lab", "demo", "VENV=/nowhere")
    assert dry_run.returncode == 0, dry_run.stderr
    assert dry_run.stdout.strip() == "/nowhere/bin/deploydl demo"


@pytest.mark.parametrize("where", ["README.md", "docs/templates/pre-workshop-email.md"])
def test_the_setup_papers_say_how_to_name_python_3_11(root, where):
    assert "make lab PYTHON=python3.11" in (root / where).read_text(encoding="utf-8")


def _kit_table(text: str) -> str:
    return text.split("## The kit at a glance", 1)[1].split("\n\n", 1)[0]


@pytest.mark.parametrize("where", ["README.md", "docs/templates/pre-workshop-email.md",
                                   "docs/instructors.md"])
def test_the_setup_papers_give_no_deploydl_command_that_needs_an_activated_venv(root, where):
    """README's command reference may name the commands; what a learner is told to run may not
    (the instructor guide: its kit table)."""
    text = (root / where).read_text(encoding="utf-8")
    text = _kit_table(text) if where.startswith("docs/instructors") else text
    for command in ("demo", "progress"):
        told = [line for line in text.splitlines()
                if f"`deploydl {command}`" in line and not line.startswith("| `deploydl ")]
        assert told == [] and f"\ndeploydl {command}\n" not in text, (
            f"{where} tells learners to run `deploydl {command}`, which is not on PATH after "
            f"`make lab`: write `make {command}` or `.venv/bin/deploydl {command}`")


def test_the_email_names_the_modules_the_1_day_format_teaches(root):
    modules = [entry.removesuffix(LESSON_ONLY) for day in FORMATS["1-day"] for entry in day]
    email = " ".join((root / "docs/templates/pre-workshop-email.md").read_text(
        encoding="utf-8").split())
    assert f"The day teaches modules {modules[0]} to {modules[-1]}" in email
    assert modules == [f"{n:02d}" for n in range(int(modules[0]), int(modules[-1]) + 1)]
