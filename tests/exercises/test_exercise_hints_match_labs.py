"""A hint points at what the learner sees: the names its lab defines and the text it prints."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from deploydl.exercises.registry import find_exercise

ROOT = Path(__file__).resolve().parents[2]


def _lab_code(name: str) -> str:
    notebook = json.loads((ROOT / "labs" / name).read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")


@pytest.mark.parametrize(("exercise_id", "lab", "names"), [
    ("03.1", "03_responsible_ai_lab.ipynb", ("rates", "answer_31")),
    ("05.4", "05_efficient_inference_lab.ipynb", ("net", "int8_net", "x_test", "judgement")),
])
def test_the_last_hint_uses_the_names_of_its_lab(exercise_id, lab, names):
    hint, code = find_exercise(exercise_id).hints[-1], _lab_code(lab)
    for name in names:
        assert re.search(rf"\b{name}\b", hint), f"{exercise_id}'s hint should use {name!r}"
        assert re.search(rf"\b{name}\b", code), f"{lab} has no {name!r}"


def test_the_field_hint_reads_what_the_lab_prints():
    code = _lab_code("04_deployment_lab.ipynb")
    assert 'answer.json()["detail"]' in code  # the lab prints the 422's detail, nothing else
    hints = find_exercise("04.3").hints
    assert "detail" in hints[0]
    assert not any("errors" in hint for hint in hints)  # the body's errors list is not shown
