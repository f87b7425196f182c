"""Exercises 00.1, 01.2, 01.4, 04.1, 04.2, 06.1 and 08.2: an answer that does more than the
exercise asks fails, and a slip of form or letter case is told as such and uses up no hint."""

from __future__ import annotations

import pytest

from deploydl.exercises.core import FAILED, PASSED, evaluate
from deploydl.exercises.registry import find_exercise


@pytest.fixture(scope="module")
def lab_01():
    """Lab 01's applicants and platform, and the identifiers of the person to erase."""
    from deploydl.data import make_applicants
    from deploydl.exercises.m01 import ERASE_ID, LAB_ROWS, LAB_SEED
    from deploydl.governance.northbridge import DEMO_KEY, build_platform
    from deploydl.governance.privacy import subject_identifiers

    applicants = make_applicants(LAB_ROWS, seed=LAB_SEED)
    return applicants, build_platform(applicants), subject_identifiers(
        applicants, ERASE_ID, key=DEMO_KEY)


def _erase(platform, identifiers):
    from deploydl.governance.northbridge import CREDIT_RECORD_HOLDS
    from deploydl.governance.privacy import erase_subject

    return erase_subject(platform.datasets, identifiers, lineage=platform.lineage,
                         holds=CREDIT_RECORD_HOLDS)


def _others(applicants, applicant_id="NB-000124"):
    from deploydl.governance.northbridge import DEMO_KEY
    from deploydl.governance.privacy import subject_identifiers

    return subject_identifiers(applicants, applicant_id, key=DEMO_KEY)


def test_01_4_an_erasure_that_also_deletes_other_people_fails(lab_01):
    """A review's: the applicant with a second person's identifiers, or with their region
    (every South customer), passed."""
    applicants, platform, ids = lab_01
    exercise = find_exercise("01.4")
    assert evaluate(exercise, _erase(platform, ids)).status == PASSED
    two = {**ids, **{f"other_{k}": v for k, v in _others(applicants).items()}}
    region = applicants.loc[applicants["applicant_id"] == ids["applicant_id"], "region"].iloc[0]
    for identifiers in (two, {**ids, "region": region}):
        result = evaluate(exercise, _erase(platform, identifiers))
        assert result.status == FAILED and "rows of other people" in result.message, (
            identifiers, result.message)


def test_01_4_erasing_someone_else_is_told_so(lab_01):
    applicants, platform, _ = lab_01
    message = evaluate(find_exercise("01.4"), _erase(platform, _others(applicants))).message
    assert message == "you erased someone else: use 'NB-000123'."


def test_01_2_a_rule_set_with_more_than_the_age_rule_fails_and_uses_up_no_hint():
    """A review's: extra entries passed, then crashed the lab's next cell."""
    exercise = find_exercise("01.2")
    age = {"min": 18, "max": 100}
    slips = [evaluate(exercise, {"age": age, "income": {"min": "0"}}),
             evaluate(exercise, {"age": age, "Income": {"min": 0}})]
    assert [r.status for r in slips] == [FAILED] * 2
    assert "['income']" in slips[0].message and "['Income']" in slips[1].message
    assert [r.hint for r in slips] == [exercise.hints[0]] * 2
    assert evaluate(exercise, {"age": age}).status == PASSED


@pytest.mark.parametrize(("exercise_id", "slips"), [
    ("00.1", ("reply", [1])),
    ("04.1", ("artifact", None)),
    ("04.2", (None, [1], {"model_version": "1.1.0", "predictions": [0.1]})),
])
def test_an_answer_of_the_wrong_type_uses_up_no_hint(exercise_id, slips):
    """A review's: two type slips showed the last hint, the solution."""
    exercise = find_exercise(exercise_id)
    results = [evaluate(exercise, slip) for slip in slips]
    assert all(r.status == FAILED for r in results)
    assert [r.hint for r in results] == [exercise.hints[0]] * len(slips)


@pytest.mark.parametrize("exercise_id", ["06.1", "08.2"])
def test_the_drifted_feature_in_another_letter_case_is_told_names_are_case_sensitive(
        exercise_id):
    from deploydl.exercises.m06 import ACTIONS

    exercise = find_exercise(exercise_id)
    answers = [{"feature": name, "zero_share": 0.5, "action": ACTIONS[0]}
               for name in ("Credit_History_Years", " CREDIT_HISTORY_YEARS")]
    results = [evaluate(exercise, answer) for answer in answers]
    assert all("names are case-sensitive" in r.message and "did not drift" not in r.message
               for r in results), [r.message for r in results]
    assert [r.hint for r in results] == [exercise.hints[0]] * 2
