"""The learners' CI workflow template: valid YAML, and its grade step works as promised."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from deploydl.deploy.workflow import ACTIONS
from deploydl.exercises.registry import module_exercises

pytestmark = pytest.mark.slow

TEMPLATE = Path(__file__).resolve().parents[2] / "docs/templates/validate-labs.yml"
#: The quickest lab to run (a few seconds, no training): the grade step is under test, not the lab.
LAB = "01_data_governance_lab.ipynb"


def _grade_step() -> str:
    workflow = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["grade"]["steps"]
    return next(s["run"] for s in steps if "deploydl grade" in s.get("run", ""))


def test_template_is_a_valid_workflow():
    workflow = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    assert {"push", "pull_request", "workflow_dispatch"} <= set(triggers)
    assert workflow["jobs"]["grade"]["runs-on"] == "ubuntu-latest"
    assert _grade_step() == ('deploydl grade labs/*.ipynb --format markdown '
                             '>> "$GITHUB_STEP_SUMMARY"')


def test_template_pins_actions_as_the_release_workflow_does_and_only_reads():
    """Each action by the commit SHA and tag of :data:`deploydl.deploy.workflow.ACTIONS` (a tag
    can be moved to other code), and a token that can only read the repository."""
    text = TEMPLATE.read_text(encoding="utf-8")
    uses = re.findall(r"uses: ([\w./-]+)@(\S+)(?:  # (\S+))?$", text, re.MULTILINE)
    assert len(uses) == text.count("uses:"), "a `uses:` line not in `owner/action@sha  # tag`"
    assert uses and all(ACTIONS.get(action) == (ref, tag) for action, ref, tag in uses), uses
    assert yaml.safe_load(text).get("permissions") == {"contents": "read"}


@pytest.mark.parametrize(("source", "exit_code", "icon"), [
    ("labs", 1, "⏳ not attempted"), ("solutions", 0, "✅ passed")])
def test_grade_step_gives_exit_code_and_summary(root, tmp_path, source, exit_code, icon):
    (tmp_path / "labs").mkdir()
    shutil.copy(root / source / LAB, tmp_path / "labs")
    summary = tmp_path / "summary.md"
    summary.write_text("", encoding="utf-8")
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-e", "-c", _grade_step()], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == exit_code, done.stderr
    rows = [r for r in summary.read_text(encoding="utf-8").splitlines()
            if r.startswith(f"| labs/{LAB} |")]
    assert len(rows) == len(module_exercises("01")) and all(icon in r for r in rows), rows
