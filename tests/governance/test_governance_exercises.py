from dataclasses import replace

import pytest

from deploydl.data import make_applicants
from deploydl.exercises.core import FAILED, PASSED, evaluate
from deploydl.exercises.m01 import ERASE_ID, LAB_ROWS, LAB_SEED
from deploydl.exercises.registry import find_exercise
from deploydl.governance.northbridge import CREDIT_RECORD_HOLDS, DEMO_KEY, build_platform
from deploydl.governance.privacy import LegalHold, erase_subject, subject_identifiers

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


@pytest.fixture(scope="module")
def lab_platform():
    """Lab 01's platform and the identifiers of the person to erase."""
    applicants = make_applicants(LAB_ROWS, seed=LAB_SEED)
    return build_platform(applicants), subject_identifiers(applicants, ERASE_ID, key=DEMO_KEY)


def _erasure_message(lab_platform, holds):
    platform, ids = lab_platform
    result = evaluate(find_exercise("01.4"), erase_subject(
        platform.datasets, ids, lineage=platform.lineage, holds=holds))
    assert result.status == FAILED, holds
    return result.message


@pytest.mark.parametrize("hold", [
    # the red team's: an invented ground and no end date passed
    LegalHold("raw_applicants", "we may want to market to them again", "legitimate interest",
              until="forever"),
    LegalHold("raw_applicants", "keep", "x"),
    replace(CREDIT_RECORD_HOLDS[0], until="forever"),
])
def test_erasure_keeps_the_credit_record_only_under_the_lessons_hold(lab_platform, hold):
    message = _erasure_message(lab_platform, [hold])
    assert message.startswith("raw_applicants is kept, but not under the lesson's legal hold: "
                              f"yours keeps it because '{hold.reason} ({hold.exception})', "
                              f"until {hold.until!r}."), message
    assert "only until that duty ends: pass holds=CREDIT_RECORD_HOLDS" in message


def test_a_hold_on_data_no_law_makes_the_bank_keep_is_told_as_such(lab_platform):
    """The red team's: a hold on marketing_list was told "pass every identifier", though
    every identifier was passed."""
    platform, _ = lab_platform
    marketing = LegalHold("marketing_list", "customer may buy again", "legitimate interest")
    every = [LegalHold(name, "keep", "x") for name in platform.datasets]
    for holds, named in (([*CREDIT_RECORD_HOLDS, marketing], "hold on ['marketing_list'] keeps"),
                         (every, "holds on ['clean_applicants', 'marketing_list', "
                                 "'model_features'] keep")):
        message = _erasure_message(lab_platform, holds)
        assert "pass every identifier" not in message, message
        assert named in message and "no law obliges the bank to keep it" in message, message
        assert message.endswith("Pass holds=CREDIT_RECORD_HOLDS, as the lesson does."), message


def test_the_partner_files_references_are_random_and_not_card_numbers():
    """They were each customer's card number + 1: 15 of its 16 digits given away."""
    from deploydl.governance.northbridge import partner_file
    from deploydl.governance.privacy import luhn_valid, pii_columns, scan_pii

    for seed in (0, 1, 7):
        partner = partner_file(300, seed=seed)
        cards = make_applicants(300, seed=seed)["card_number"].astype(str)
        refs = partner["ref_no"]
        assert refs.str.fullmatch(r"[1-9]\d{15}").all()
        assert not any(map(luhn_valid, refs)), "a reference passes as a card number"
        assert not set(refs.str[:12]) & set(cards.str[:12]), "references copy card numbers"
        assert refs.nunique() == len(refs)
        assert "ref_no" not in set(pii_columns(scan_pii(partner), partner)["column"])
    assert partner_file(50, seed=3).equals(partner_file(50, seed=3))


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
