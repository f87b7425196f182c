import pytest

from deploydl.data import make_applicants
from deploydl.exercises.core import FAILED, PASSED, evaluate
from deploydl.exercises.m01 import ERASE_ID, LAB_ROWS, LAB_SEED
from deploydl.exercises.registry import find_exercise
from deploydl.governance.northbridge import CREDIT_RECORD_HOLDS, DEMO_KEY, build_platform
from deploydl.governance.privacy import erase_subject, subject_identifiers

FRAUD = {"applicant_id": "pseudonymise", "income": "allow", "loan_amount": "allow",
         "region": "allow"}


def _status(exercise_id, answer):
    return evaluate(find_exercise(exercise_id), answer).status


@pytest.mark.parametrize(("exercise_id", "right", "wrong"), [
    ("01.1", ["customer", "contact", "memo"], ["customer", "contact", "ref_no"]),
    ("01.2", {"age": {"min": 18, "max": 100}}, {"age": {"min": 18}}),
    ("01.2", {"age": {"min": 18, "max": 120}}, {"age": {"min": 30, "max": 100}}),
    ("01.2", {"age": {"min": 18, "max": 100}}, {"age": {"min": 1, "max": 150}}),
    ("01.3", FRAUD, {**FRAUD, "applicant_id": "allow"}),
    ("01.3", FRAUD, {**FRAUD, "email": "mask"}),
    ("01.3", {**FRAUD, "applicant_id": "pseudonymize", "income": "Allow"},
     {**FRAUD, "applicant_id": "Allow"}),
])
def test_right_answers_pass_and_wrong_ones_fail(exercise_id, right, wrong):
    assert _status(exercise_id, right) == PASSED
    assert _status(exercise_id, wrong) == FAILED


def test_erasure_exercise_needs_every_identifier_the_lineage_and_the_legal_hold():
    applicants = make_applicants(LAB_ROWS, seed=LAB_SEED)
    platform = build_platform(applicants)
    ids = subject_identifiers(applicants, ERASE_ID, key=DEMO_KEY)
    right = erase_subject(platform.datasets, ids, lineage=platform.lineage,
                          holds=CREDIT_RECORD_HOLDS)
    assert _status("01.4", right) == PASSED
    assert right[1].rows_kept == {"raw_applicants": 1}
    only_id = {"applicant_id": ERASE_ID}
    result = evaluate(find_exercise("01.4"),
                      erase_subject(platform.datasets, only_id, lineage=platform.lineage,
                                    holds=CREDIT_RECORD_HOLDS))
    assert result.status == FAILED and "model_features" in result.message
    no_hold = evaluate(find_exercise("01.4"),
                       erase_subject(platform.datasets, ids, lineage=platform.lineage))
    assert no_hold.status == FAILED
    assert "raw_applicants" in no_hold.message and "holds=CREDIT_RECORD_HOLDS" in no_hold.message


def test_erasure_hints_escalate_to_the_lawful_call():
    hints = find_exercise("01.4").hints
    assert "subject_identifiers" in hints[0]
    assert "holds=CREDIT_RECORD_HOLDS" in hints[1]
    assert hints[-1] == ("erasure = erase_subject(platform.datasets, ids, "
                         "lineage=platform.lineage, holds=CREDIT_RECORD_HOLDS)")


def test_retention_exercise_counts_rows():
    from deploydl.exercises.m01 import _retention

    assert _retention(163) is None  # 163 of 1,000 applications are older than 365 days
    assert _retention(3.5) is not None and _retention(-1) == "you gave -1."


def test_an_unknown_action_is_a_form_problem_that_keeps_the_first_hint():
    # Each different wrong answer moves the hints on; the second one is the full solution.
    # An action the policy does not know is a slip of form: it must not use a hint up.
    from deploydl.exercises.core import _attempts

    exercise = find_exercise("01.3")
    _attempts.counts.pop("01.3", None), _attempts.last.pop("01.3", None)
    for action in ("hash", "encrypt", "Hide"):
        result = evaluate(exercise, {**FRAUD, "income": action})
        assert result.status == FAILED and "must be one of" in result.message
        assert result.hint == exercise.hints[0]
    assert _status("01.3", {**FRAUD, "applicant_id": " Pseudonymise "}) == PASSED
