"""The extras DESIGN.md's layout names (``test`` and ``dev``) exist, and ``dev`` brings the test
tools: a course author who follows DESIGN.md and runs ``pip install -e ".[dev]"`` got no error
and no tools while the ``dev`` extra was missing (pip installs an unknown extra silently)."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_extras_design_names_exist_and_dev_brings_the_test_tools():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    assert {"test", "dev"} <= extras.keys()
    assert f"{project['name']}[test]" in extras["dev"]
