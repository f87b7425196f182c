"""Module 02's exercises: what the learner is told for the near misses."""

from __future__ import annotations

from deploydl.exercises.m02 import _approve_everyone, lab_data
from deploydl.exercises.registry import find_exercise


def test_an_answer_rounded_too_far_is_told_to_give_three_significant_digits():
    test, _ = lab_data()
    repaid = 1 - float(test["default"].mean())
    assert _approve_everyone(repaid) is None
    assert _approve_everyone(round(repaid, 3)) is None
    for rounded in (round(repaid, 2), round(repaid, 1)):
        message = _approve_everyone(rounded)
        assert message is not None and "three significant digits" in message
    assert "defaulted" in _approve_everyone(1 - repaid)
    assert _approve_everyone(0.5) == "you gave 0.5."


def test_the_cross_validation_exercise_teaches_the_paired_comparison():
    exercise = find_exercise("02.3")
    text = " ".join([*exercise.hints, *exercise.choices.values()])
    assert "fold by fold" in text
    assert "smaller than the spread" not in text


def test_lab_02_reads_the_sweeps_row_from_the_metrics_not_from_the_checker(root):
    """The fifth review's: the lab imported ``on_grid`` from the module that holds 02's answer
    logic; the grid and its nearest threshold belong with the sweep."""
    from deploydl.evaluation.metrics import nearest_threshold

    assert nearest_threshold(4000 / 12000) == 0.33
    assert nearest_threshold(0.2249) == 0.22 and nearest_threshold(0.999) == 0.99
    lab = (root / "solutions" / "02_model_evaluation_lab.ipynb").read_text(encoding="utf-8")
    assert "deploydl.exercises.m02" not in lab
    assert "from deploydl.evaluation.metrics import nearest_threshold" in lab


def test_02_4_the_vendors_figure_from_the_prompt_is_named_and_never_confirmed(root):
    """A review's: 83 was told it was a percentage and 0.83 that it was the right number
    rounded too far, so a learner could reach 0.833 from the vendor's claim alone."""
    import json

    from deploydl.exercises.core import FAILED, evaluate
    from deploydl.exercises.m02 import VENDOR_ACCURACY

    lab = json.loads((root / "solutions" / "02_model_evaluation_lab.ipynb").read_text("utf-8"))
    prompt = next("".join(c["source"]) for c in lab["cells"]
                  if "".join(c["source"]).startswith("## Exercise 02.4"))
    assert f'"over {VENDOR_ACCURACY:.0%} accuracy!"' in prompt
    for copied in (VENDOR_ACCURACY, 100 * VENDOR_ACCURACY, round(100 * VENDOR_ACCURACY)):
        result = evaluate(find_exercise("02.4"), copied)
        assert result.status == FAILED and "vendor's figure" in result.message, copied
        assert "percentage" not in result.message and "right number" not in result.message
        assert "copied" not in result.message, "a learner who rounded 0.832 copied nothing"
        assert "three significant digits" in result.message
