"""The checker framework's edges that mutation testing found unguarded (exercises/core.py, now
with core_exercise.py and core_reading.py).

Each test pins a rule of DESIGN.md ("Exercises: one source, generated labs") or of a docstring
in ``core``, with the expected outcome worked out by hand: a wrong answer must not pass, a right
one must not fail, and an answer of the wrong form must not use up a hint.
"""

import numpy as np
import pytest

from deploydl.exercises import core
from deploydl.exercises.core import (
    BRIEF_CHARS,
    FAILED,
    NOT_ATTEMPTED,
    PASSED,
    Exercise,
    as_number,
    as_share,
    evaluate,
    is_percentage,
    is_rounding,
    rounding_slip,
    same_number,
)
from deploydl.exercises.registry import find_exercise

#: rel_tol is 1e-3 by default: 0.25 x (1 ± 0.9e-3) is within it, 0.25 x (1 ± 1.1e-3) is not.
QUARTER = Exercise(id="99.1", title="a quarter", expected=0.25, hints=("first", "second"))


@pytest.mark.parametrize("answer", [0.25 * (1 + 0.9e-3), 0.25 * (1 - 0.9e-3)])
def test_an_answer_just_inside_the_relative_tolerance_passes(answer):
    assert evaluate(QUARTER, answer).status == PASSED


@pytest.mark.parametrize("answer", [0.25 * (1 + 1.1e-3), 0.25 * (1 - 1.1e-3), 0.2505, 0.2525])
def test_an_answer_just_outside_the_relative_tolerance_fails(answer):
    """0.2505 is 2e-3 off in relative terms (5e-4 absolute): wrong for a 1e-3 tolerance."""
    result = evaluate(QUARTER, answer)
    assert (result.status, result.hint) == (FAILED, "first")


def test_an_expected_zero_accepts_float_noise_but_not_a_small_number():
    """rel_tol alone accepts nothing but 0.0 itself for an expected 0: 0.1 + 0.2 - 0.3 (5.6e-17,
    what a learner's arithmetic gives) is right; 1e-6 is a different number."""
    zero = Exercise(id="99.2", title="zero", expected=0.0, hints=("h",))
    assert evaluate(zero, 0.1 + 0.2 - 0.3).status == PASSED
    assert evaluate(zero, 1e-6).status == FAILED


@pytest.mark.parametrize("answer", [float("nan"), float("inf"), float("-inf")])
def test_nan_and_infinity_are_not_numbers_and_use_up_no_hint(answer):
    assert as_number(answer) is None
    result = evaluate(QUARTER, answer)
    assert result.status == FAILED
    assert result.message.startswith("the answer should be a number, you gave ")
    assert evaluate(QUARTER, 0.3).hint == "first", "a NaN used up the first hint"


def test_an_integer_too_large_for_a_float_is_the_learners_slip_not_a_broken_check():
    """float(10**400) raises OverflowError: as_number says "not a number" instead, so the
    check does not report the course's fault (CHECK_ERROR) for a learner's value."""
    result = evaluate(QUARTER, 10**400)
    assert result.status == FAILED
    assert result.message.startswith("the answer should be a number, you gave 1000")


@pytest.mark.parametrize("expected", [[], {}, ()])
def test_an_empty_container_is_a_right_answer_not_an_unfilled_one(expected):
    """A placeholder is ``...`` or a container *each of whose parts* is: an empty list (no
    column breaks a rule, say) has no part, and is the learner's answer."""
    none = Exercise(id="99.3", title="nothing", expected=expected, hints=("h",))
    assert evaluate(none, type(expected)()).status == PASSED
    assert evaluate(none, [...]).status == NOT_ATTEMPTED


def test_a_multiple_choice_whose_right_letter_has_a_wrong_hint_is_refused():
    """choices= maps each *wrong* letter to its hint: the right letter among them would show
    a "why it is wrong" hint for the right answer."""
    with pytest.raises(ValueError, match="multiple choice"):
        Exercise(id="99.4", title="t", expected="A", choices={"A": "no", "B": "no"}, hints=("h",))


def test_a_multiple_choice_needs_at_least_two_wrong_letters():
    with pytest.raises(ValueError, match="at least two wrong letters"):
        Exercise(id="99.5", title="t", expected="A", choices={"B": "no"}, hints=("h",))
    ok = Exercise(id="99.6", title="t", expected="A", choices={"B": "b", "C": "c"}, hints=("h",))
    assert evaluate(ok, "a").status == PASSED


def test_a_share_of_zero_given_as_zero_is_not_a_percentage():
    """0 x 100 is 0: without its guard for a zero share, the right answer 0 was told "that is
    a percentage"."""
    assert not is_percentage(0.0, 0.0)
    assert as_share(0.0, 0.0) == 0.0


def test_a_percentage_is_recognised_within_half_a_point():
    """A learner who copies a printed "53%" for a share of 0.534 is 0.4 points off: a
    percentage (``tol`` is 0.5 points); 52 is 1.4 points off, another number."""
    assert is_percentage(53.0, 0.534) and is_percentage(53.9, 0.534)
    assert not is_percentage(52.0, 0.534) and not is_percentage(54.0, 0.534)
    assert as_share(53.4, 0.534, what="the rate") == (
        "that is a percentage; give the rate as a number between 0 and 1."
    )


@pytest.mark.parametrize(
    ("value", "right"), [(0.12, 0.123456), (0.123, 0.123456), (1.2e-6, 1.23456789e-6)]
)
def test_a_number_rounded_to_a_few_decimals_is_a_rounding_slip(value, right):
    """Rounded to 2, 3 and 7 decimals (the last the furthest it looks): each is ``right``
    rounded, too far to pass a 1e-3 tolerance."""
    assert rounding_slip(value, right) == (
        "the right number, rounded too far: give at least "
        "three significant digits (or the unrounded result)."
    )


@pytest.mark.parametrize(("value", "right"), [
    (np.float32(0.53), 0.5341), (np.float32(0.0232), 0.023156), (np.float32(1234.6), 1234.5678)])
def test_a_float32_copy_of_a_rounding_is_a_rounding_slip(value, right):
    """np.float32(0.53) is 0.5299999713897705, not 0.53, and was told only "you gave 0.53"
    where 0.53 is told it is rounded too far; a float32 copy of a rounding is now a rounding, at
    any size (a float32 of 1234.6 is 2.4e-5 off, beyond an absolute 1e-6)."""
    assert all(float(value) != round(right, d) for d in range(1, 8))  # no exact rounding
    assert is_rounding(float(value), right)
    assert rounding_slip(float(value), right) is not None


def test_a_float32_copy_is_the_same_number_and_a_nearby_number_is_not():
    assert same_number(float(np.float32(0.35)), 0.35)
    assert same_number(float(np.float32(123456.7)), 123456.7)
    assert not same_number(0.35 + 2e-6, 0.35) and not same_number(123456.7 * (1 + 3e-7), 123456.7)
    assert not is_rounding(0.53, 0.5341, places=range(3, 8))  # two decimals are not among them


@pytest.mark.parametrize(("value", "right"), [(0.0, 0.004), (3.0, 3.2), (0.5, 0.123456)])
def test_a_rounding_to_zero_or_to_a_whole_number_or_another_number_is_no_slip(value, right):
    """The docstring: a rounding to 0 says nothing of the number; a rounding is to one or more
    decimals (3 for 3.2 is a whole number, not a number rounded too far)."""
    assert rounding_slip(value, right) is None


def test_a_value_of_exactly_brief_chars_is_shown_whole():
    text = "x" * (BRIEF_CHARS - 2)  # its repr, quotes included, is BRIEF_CHARS long
    assert core.brief(text) == repr(text)
    assert core.brief(text + "y").endswith("…") and len(core.brief(text + "y")) == BRIEF_CHARS


def test_a_text_of_many_characters_is_cut_not_counted_as_values():
    """A long text is cut; a long list is counted ("a list of 50 values"), a text never."""
    assert core.brief("ab" * 100).startswith("'abab") and core.brief("ab" * 100).endswith("…")
    assert core.brief(b"x" * 200).startswith("b'xxx")


def test_the_panel_escapes_the_learners_value_echoed_in_its_message():
    """The message quotes the learner's answer: HTML in it is shown as text, never run."""
    text = Exercise(id="99.7", title="a word", expected="B", hints=("h",))
    page = evaluate(text, "<img src=x onerror=alert(1)>")._repr_html_()
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_wrong_answer_printed_outside_jupyter_shows_its_hint(capsys):
    core.check("05.1", 1)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("❌ Not yet · 05.1")
    assert lines[1] == f"   Hint: {find_exercise('05.1').hints[0]}"


def _regraded_hint(monkeypatch, regrade, *answers) -> str:
    """The hint ``deploydl grade`` reports for 05.1 after the lab checked ``answers`` in turn."""
    monkeypatch.setattr(core, "_answers", {})
    monkeypatch.setattr(core, "_ledger", {})
    for answer in answers:
        core.evaluate(find_exercise("05.1"), answer)  # what check() shows: the same counter
        core._answers["05.1"] = answer
    return regrade("05")["05.1"]["hint"]


def test_grading_reports_the_hint_the_learner_saw(monkeypatch, regrade):
    """regraded takes the lab's wrong-attempt counts: one wrong answer saw the first hint,
    two different ones the second, and the grade says the same (not one further, not reset)."""
    first, second = find_exercise("05.1").hints
    assert _regraded_hint(monkeypatch, regrade, 1) == first
    monkeypatch.setattr(core, "_attempts", core._Attempts())
    assert _regraded_hint(monkeypatch, regrade, 1, 8) == second


def test_a_torch_tensor_holding_one_number_is_that_number():
    """A learner who computes with torch gets a 0-d tensor (``(pred == y).float().mean()``):
    it is the number it holds, as a 0-d numpy array is; a bool tensor is no number, a tensor of
    several numbers is not one, and torch objects without dimensions are left alone."""
    import torch

    from deploydl.exercises.core import as_whole

    assert as_number(torch.tensor(0.25)) == 0.25 and as_whole(torch.tensor(7)) == 7
    assert evaluate(QUARTER, torch.tensor(0.25)).status == PASSED
    assert evaluate(QUARTER, torch.tensor(0.25, requires_grad=True)).status == PASSED
    assert as_number(torch.tensor(True)) is None and as_number(torch.tensor([0.25])) is None
    assert as_number(torch.tensor(float("nan"))) is None and as_number(torch.float32) is None
    assert as_whole(torch.Size([3])) is None
