"""An answer partly filled in: still not attempted (DESIGN.md: ⏳ while the placeholder is
there), with a message naming the parts still ``...``.

A red team's: a memo half written, or (0.44, ...), was told to assign the answer to the name the
check uses and to check its spelling, as if nothing had been written.
"""

import json

import nbformat
import pytest

from deploydl.cli import main
from deploydl.exercises.core import (
    NOT_ATTEMPTED,
    NOT_REPLACED,
    Exercise,
    evaluate,
    is_placeholder,
)
from deploydl.exercises.registry import find_exercise

PAIR = Exercise(id="99.7", title="t", expected=(0.44, True), hints=("first", "second"))


@pytest.mark.parametrize("answer", [..., {"a": ..., "b": ...}, (..., ...), [...],
                                    {"a": (..., ...), "b": ...}, {...}])
def test_an_answer_with_nothing_filled_in_is_not_attempted(answer):
    assert is_placeholder(answer)
    result = evaluate(PAIR, answer)
    assert (result.status, result.message) == (NOT_ATTEMPTED, NOT_REPLACED)


@pytest.mark.parametrize(("answer", "named"), [
    ((0.44, ...), "value 2 of 2 still holds"),
    ([..., True, ...], "value 1 of 3 and value 3 of 3 still hold"),
    ({"ratio": 0.44, "passes": ...}, "'passes' still holds"),
    ({"dpo": (5, 5, ...), "audit": (4, 2, "yearly")}, "'dpo' still holds"),
    ({0.44, ...}, "a value still holds"),
])
def test_a_partly_filled_answer_is_not_attempted_naming_the_parts_left(answer, named):
    assert not is_placeholder(answer)
    result = evaluate(PAIR, answer)
    assert result.status == NOT_ATTEMPTED and result.message != NOT_REPLACED
    assert result.message.startswith("the answer is only partly filled in: ")
    assert named in result.message and "replace each with your answer" in result.message


def test_a_partly_filled_answer_uses_up_no_hint():
    """It is not yet weighed: the next wrong answer still gets the first hint."""
    assert evaluate(PAIR, (0.44, ...)).hint == ""
    assert evaluate(PAIR, (0.5, True)).hint == "first"
    assert evaluate(PAIR, (0.6, True)).hint == "second"


def test_05_4_half_an_answer_is_told_which_half():
    result = evaluate(find_exercise("05.4"), (0.44, ...))
    assert result.status == NOT_ATTEMPTED and "value 2 of 2 still holds" in result.message


@pytest.mark.slow
def test_grade_reports_a_partly_filled_answer_naming_the_part_left(root, tmp_path, capsys):
    """``deploydl grade`` on the solved welcome lab with one part of 00.2's answer left ``...``:
    not attempted, with the message naming that part."""
    nb = nbformat.read(root / "solutions/00_welcome_lab.ipynb", as_version=4)
    for cell in nb.cells:
        cell.source = cell.source.replace('{"cost_if_approved": cost_if_approved,',
                                          '{"cost_if_approved": ...,')
    lab = tmp_path / "00_welcome_lab.ipynb"
    nbformat.write(nb, lab)
    assert main(["grade", "--json", str(lab)]) == 1
    results = {e["id"]: e for e in json.loads(capsys.readouterr().out)[0]["exercises"]}
    assert results["00.2"]["status"] == NOT_ATTEMPTED
    assert "'cost_if_approved' still holds" in results["00.2"]["message"]
    assert results["00.1"]["status"] == results["00.3"]["status"] == "passed"
