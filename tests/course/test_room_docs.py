"""The papers a participant reads before the day say the same thing, and it works."""

from __future__ import annotations

import re

import nbformat
import pytest

#: How to run the setup check while `make lab` keeps its terminal busy, on every OS.
SETUP_CHECK = ("make doctor", ".venv/bin/deploydl doctor", r".venv\Scripts\deploydl doctor")


def _welcome_text(root) -> str:
    notebook = nbformat.read(root / "notebooks" / "00_welcome.ipynb", as_version=4)
    return "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")


@pytest.mark.parametrize("where", ["README.md", "docs/templates/pre-workshop-email.md",
                                   "notebooks/00_welcome.ipynb"])
def test_readme_email_and_welcome_give_the_same_setup_check(root, where):
    text = (_welcome_text(root) if where.endswith(".ipynb")
            else (root / where).read_text(encoding="utf-8"))
    missing = [command for command in SETUP_CHECK if command not in text]
    assert missing == [], f"{where} does not say how to run {missing}"


def test_makefile_has_the_setup_check_and_progress_targets(root):
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    for target in ("doctor", "progress"):
        assert re.search(rf"^{target}: .*\n\t\$\(BIN\)/deploydl {target}$", makefile, re.M), target


def test_make_lab_serves_the_repository_root_and_reads_the_project_config(root):
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^lab: .*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert "--ServerApp.root_dir=." in recipe and "$(JUPYTER_ARGS)" in recipe
    assert "jupyter-config" in recipe and "$(LAB_AS_ROOT)" in recipe
    overrides = (root / "jupyter-config" / "labconfig" / "default_setting_overrides.json")
    assert '"fetchNews": "false"' in overrides.read_text(encoding="utf-8")


def test_make_lab_command_line(root):
    """What `make lab` runs: the course root, Jupyter options passed through, and --allow-root
    exactly when the user is root (as in containers and Codespaces)."""
    import os
    import shutil
    import subprocess

    if shutil.which("make") is None or not hasattr(os, "geteuid"):
        pytest.skip("needs make on a POSIX system")
    dry_run = subprocess.run(
        ["make", "--no-print-directory", "-n", "-o", "/nowhere/.installed-lab", "lab",
         "VENV=/nowhere", "JUPYTER_ARGS=--no-browser --port 8899"],
        cwd=root, capture_output=True, text=True, check=True).stdout
    command = dry_run.replace("\\\n", " ")
    assert "/nowhere/bin/jupyter lab --ServerApp.root_dir=." in command
    assert "--no-browser --port 8899 notebooks/00_welcome.ipynb" in command
    assert f'JUPYTER_CONFIG_PATH="{root}/jupyter-config' in command
    assert ("--allow-root" in command) == (os.geteuid() == 0)
