"""Module 08's exercises: what the learner is told for the near misses."""

from __future__ import annotations

import pytest

from deploydl.exercises.core import FAILED, PASSED, evaluate
from deploydl.exercises.registry import find_exercise


def _truth():
    from deploydl.data import make_applicants
    from deploydl.exercises.m06 import diagnose
    from deploydl.exercises.m08 import REFERENCE_ROWS, REFERENCE_SEED, new_region

    rows = new_region()
    return rows, diagnose(make_applicants(REFERENCE_ROWS, seed=REFERENCE_SEED), rows)


def test_the_zero_share_of_central_rows_only_is_told_to_use_all_rows():
    """new_region holds Central's applicants and the other regions' on the same days: the
    share measured on Central's rows alone gets a message that says so."""
    from deploydl.data import NEW_REGION

    rows, truth = _truth()
    central = rows.loc[rows["region"] == NEW_REGION, truth["feature"]]
    only_central = float((central == 0).mean())
    assert round(only_central, 3) != round(truth["zero_share"], 3)
    result = evaluate(find_exercise("08.2"), {**truth, "zero_share": only_central})
    assert result.status == FAILED
    assert f"all {len(rows):,} rows of new_region, not only Central's" in result.message
    # a red team's: the message gave Central's row count, 08.1's answer (one violation each)
    assert "Central's rows only" in result.message and str(len(central)) not in result.message
    assert evaluate(find_exercise("08.2"), truth).status == PASSED
    other = evaluate(find_exercise("08.2"), {**truth, "zero_share": 0.3})
    assert other.status == FAILED and "Central" not in other.message


#: Exercise 08.4's answer: the role that acts on each of the run's findings.
ACTS = {"central_flagged": "Data steward", "close_call": "Responsible-AI lead",
        "net_loss": "Executive sponsor"}


@pytest.mark.parametrize("owner", ["Responsible-AI lead", "Responsible AI lead",
                                   "responsible ai lead", " RESPONSIBLE-AI LEAD "])
def test_the_roles_ignore_case_and_hyphens_as_the_memo_check_does(owner):
    assert evaluate(find_exercise("08.4"), {**ACTS, "close_call": owner}).status == PASSED


@pytest.mark.parametrize(("finding", "role", "says"), [
    # the plausible owners each finding points at first: the value case's author, the engineer
    # who built the model and asks to release it, the rollout's owner
    ("net_loss", "AI product manager", "wrote the figures and puts the choice to others"),
    ("close_call", "ML engineer", "asking for the release is theirs and clearing it is not"),
    ("central_flagged", "AI product manager", "not what counts as a valid application"),
    ("central_flagged", "ML engineer", "cannot change what passes"),
    # the sponsor answers for the project, not for this sign-off; the platform releases what is
    # cleared; monitoring is no owner of the rules
    ("close_call", "Executive sponsor", "answers for the project as a whole"),
    ("close_call", "MLOps / platform engineer", "is not the platform's call"),
    ("central_flagged", "MLOps / platform engineer", "whoever looks after those records"),
    # another role: told what that role owns instead
    ("central_flagged", "Data-steward ", None),
    ("close_call", "Data steward", "the Data steward owns the data: catalog"),
    ("net_loss", "MLOps / platform engineer", "owns the path to production"),
    ("close_call", "Responsible AI", "give a role's name as roles_table() writes it"),
    ("net_loss", "Risk officer", "give a role's name as roles_table() writes it"),
])
def test_each_finding_needs_the_role_that_owns_it(finding, role, says):
    result = evaluate(find_exercise("08.4"), {**ACTS, finding: role})
    if says is None:  # the right role, spelled loosely
        assert result.status == PASSED
        return
    assert result.status == FAILED and says in result.message
    assert result.message.startswith(finding) or "give a role's name" in result.message


@pytest.mark.parametrize(("role", "says"), [
    ("AI product manager", "the AI product manager plans the rollout and asks others to choose"),
    ("Executive sponsor", "the Executive sponsor answers for the project as a whole"),
])
def test_the_close_call_slips_say_whose_sign_off_it_is(role, says):
    """A review's: the AI product manager got the table's "owns the value: the decision asked,
    the rollout, the users", which for a release waiting to be cleared reads as agreeing, and the
    sponsor's "accountability" matched the finding's "answers for that". Each is told what the
    role does and whose sign-off this is, in words that do not echo the owner's row."""
    result = evaluate(find_exercise("08.4"), {**ACTS, "close_call": role})
    assert result.status == FAILED and says in result.message
    assert ("signing this release off on how evenly it treats young and old applicants, or "
            "refusing it, is for the role set apart to judge that" in result.message)
    assert "owns the value" not in result.message


@pytest.mark.parametrize("finding", list(ACTS))
def test_every_wrong_role_fails_each_finding(finding):
    """Each finding has one owner: any other role of the table fails, the owner passes."""
    from deploydl.capstone.careers import roles_table

    for role in roles_table().index:
        status = evaluate(find_exercise("08.4"), {**ACTS, finding: role}).status
        assert status == (PASSED if role == ACTS[finding] else FAILED), role


def _words(text: str) -> set[str]:
    """The words of ``text`` a learner would match with the table: four letters or more, in
    lower case, less a few that say nothing."""
    import re

    return set(re.findall(r"[a-z]{4,}", text.lower())) - {"with", "from", "that", "their"}


def _shared_words(key: str, role: str) -> set[str]:
    """The words (four letters or more) that 08.4's finding ``key`` (its key and its words)
    shares with ``role``'s row of roles_table(): what it owns and the stages it runs."""
    from deploydl.capstone.careers import roles_table
    from deploydl.exercises.m08 import OWNER_EVENTS

    row = roles_table().loc[role]
    return (_words(key.replace("_", " ") + " " + OWNER_EVENTS[key][0])
            & _words(row["owns"] + " " + row["capstone stages"]))


def test_no_finding_is_worded_as_its_owners_row_of_the_table():
    """08.4 asks for a judgement: no finding (its key or its words) shares a word with what its
    owner owns or the stages it runs, as "quality rules" and "fairness" once did."""
    from deploydl.exercises.m08 import OWNER_EVENTS

    for key, (_, owner, _) in OWNER_EVENTS.items():
        assert not _shared_words(key, owner), key


def test_a_learner_who_matches_words_with_the_table_fails_every_finding():
    """08.4 is a judgement, not a word match: the role whose row of the table (what it owns, its
    capstone stages) shares most words with a finding is one role, a plausible owner but not
    the owner, and naming it is told why it is not that role's call. So a learner who answers by
    the table's key words alone fails every finding."""
    from deploydl.capstone.careers import roles_table
    from deploydl.exercises.m08 import OWNER_EVENTS

    for key, (_, owner, slips) in OWNER_EVENTS.items():
        shared = {role: len(_shared_words(key, role)) for role in roles_table().index}
        most = max(shared.values())
        matched = [role for role, n in shared.items() if n == most]
        assert most > 0 and len(matched) == 1, (key, shared)
        assert matched[0] != owner and matched[0] in slips, (key, matched)
        result = evaluate(find_exercise("08.4"), {**ACTS, key: matched[0]})
        assert result.status == FAILED and slips[matched[0]] in result.message, key


def _alike(word: str, other: str) -> bool:
    """True when a learner would take ``word`` and ``other`` for the same word: one, less a
    plural s, begins the other ("funds", "funding"), or both begin with the same five letters
    ("regulator", "regulation")."""
    short, long = sorted((w[:-1] if w.endswith("s") and len(w) > 4 else w
                          for w in (word, other)), key=len)
    return long.startswith(short) or len(short) >= 5 and short[:5] == long[:5]


def test_a_learner_who_matches_a_slip_with_the_table_does_not_find_the_owner():
    """A review's: after one wrong try, the slip (why that role is wrong) echoed the owner's row
    of the table ("the rules are the data's", "whoever owns fairness", "the funding and the risk
    appetite"), so matching its words with the table found the answer. Now, whatever role a
    learner names first, the slip shares no word, nor a plural or a word that begins alike,
    with anything the owner's row says (its name, what it owns, its skills, its capstone
    stages): a learner who matches the slip with the table finds nothing of the owner's. (The
    finding before the slip is the other tests' to keep from the owner's words.)"""
    from deploydl.capstone.careers import roles_table
    from deploydl.exercises.m08 import OWNER_EVENTS

    table = roles_table()
    for key, (finding, owner, _) in OWNER_EVENTS.items():
        row = _words(" ".join([owner, *table.loc[owner, ["owns", "skills", "capstone stages"]]]))
        for first in table.index.drop(owner):
            message = evaluate(find_exercise("08.4"), {**ACTS, key: first}).message
            assert message.startswith(f"{key} ({finding}): "), (key, first, message)
            slip = _words(message.removeprefix(f"{key} ({finding}): "))
            found = {w for w in row if any(_alike(w, s) for s in slip)}
            assert not found, (key, first, found)


def test_a_slip_message_nests_no_parentheses():
    """A review's: a finding that ended "(08.1)" made the message read "...must pass (08.1)): ".
    Each message puts its finding in one pair of parentheses, so no finding holds any."""
    from deploydl.exercises.m08 import OWNER_EVENTS

    for key, (finding, _, _) in OWNER_EVENTS.items():
        assert "(" not in finding and ")" not in finding, key


def test_the_findings_owners_are_the_roles_table_owners_of_their_stage():
    """08.4's answers follow the table the lab shows: the steward owns the quality rules, the
    Responsible-AI lead the fairness gate, the sponsor the decision (not the brief's author)."""
    from deploydl.capstone.careers import roles_table
    from deploydl.exercises.m08 import OWNER_EVENTS

    table = roles_table()
    assert {k: v[1] for k, v in OWNER_EVENTS.items()} == ACTS
    assert "quality rules" in table.loc["Data steward", "owns"]
    assert "fairness gate" in table.loc["Responsible-AI lead", "capstone stages"]
    assert table.loc["Executive sponsor", "owns"].startswith("the decision")


def test_a_single_role_name_is_the_old_look_up_and_gets_the_form():
    result = evaluate(find_exercise("08.4"), "Responsible-AI lead")
    assert result.status == FAILED and "one role per finding" in result.message


def _violations_count() -> int:
    from deploydl.exercises.m08 import new_region
    from deploydl.governance.quality import APPLICANT_RULES, check_quality

    return len(check_quality(new_region(), APPLICANT_RULES).violations)


def test_08_1_the_lab_does_not_show_the_count_before_its_check(root):
    """A red team's: the cell before 08.1 printed new_region's rows per region, Central's
    among them, and every violation is a Central row, so the answer could be read off the
    screen without running check_quality. Nothing the lab shows before the check, nor any of
    its prose, holds the count; the sample still says it holds Central's rows."""
    import re

    import nbformat

    lab = nbformat.read(root / "solutions" / "08_capstone_lab.ipynb", as_version=4)
    end = next(i for i, c in enumerate(lab.cells) if 'check("08.1"' in c.source)
    shown = " ".join(str(value) for cell in lab.cells[:end] if cell.cell_type == "code"
                     for output in cell.outputs
                     for value in [output.get("text", ""), *output.get("data", {}).values()])
    prose = " ".join(c.source for c in lab.cells if c.cell_type == "markdown")
    count = rf"\b{_violations_count()}\b"
    assert "central" in shown
    assert not re.search(count, shown) and not re.search(count, prose)


def test_08_1_the_samples_size_is_named_as_the_rows_checked():
    from deploydl.exercises.m08 import NEW_REGION_ROWS

    assert _violations_count() != NEW_REGION_ROWS
    result = evaluate(find_exercise("08.1"), NEW_REGION_ROWS)
    assert result.status == FAILED
    assert "number of applicants in new_region" in result.message
    assert "not a count of violations" in result.message
    # a review's: the message handed over hint 2's call on the first wrong try
    assert ".violations" not in result.message and "check_quality(" not in result.message
    assert evaluate(find_exercise("08.1"), _violations_count()).status == PASSED


def test_08_5_a_memo_half_written_is_told_the_parts_left():
    """A red team's: a memo with two parts written and two still ... was told to assign the
    answer to the right name; it is still not attempted, naming the two parts to write."""
    from deploydl.exercises.core import NOT_ATTEMPTED, NOT_REPLACED

    memo = {"decision": "Keep the model in the lab and let the current process decide.",
            "evidence": "Net USD -250,000 a year; the A/B test saw 200 of 8,216 applicants.",
            "risk": ..., "change": ...}
    result = evaluate(find_exercise("08.5"), memo)
    assert result.status == NOT_ATTEMPTED and result.message != NOT_REPLACED
    assert "'risk' and 'change' still hold" in result.message
    assert "'decision'" not in result.message and "'evidence'" not in result.message


#: A memo whose evidence, risk and change parts pass, for 08.5's decision and risk cases.
MEMO = {"decision": "Keep it in the lab until the new region's screen passes.",
        "evidence": "The value case is net USD -250,000 a year; 1.1.0 earned USD -96 per "
                    "applicant (p = 0.77) on 200 applicants.",
        "risk": "Fairness in Central rests on 205 applicants; the Responsible-AI lead owns it.",
        "change": "A proven gain at 8,216 applicants per version would change the decision."}


@pytest.mark.parametrize("decision", [
    "Let the model advise loan officers for six months, not approve on its own.",
    "Keep it in the lab until the new region's screen passes.",
    "Approve on its own for loans under USD 5,000.",
    "Go with advise mode: loan officers see the score and decide.",
    "Keep it in the lab and decide later whether it may advise loan officers.",
    "Keep the model in the lab; the board will decide next year whether to fund more work.",
    "Stay with the current scorecard in every region for now.",
    "Take 1.0.0 out of production and let the current process decide everywhere.",
    "Loan officers make the final call, with the model's score as a guide.",
    "Go live in the four existing regions, not in Central.",
    "Keep everything as it is for now.",  # in words no list of the check holds: the rubric's
    # A red-team reading's: a decision that also puts something off, or says "pending", "on
    # hold", "not sure" or "will decide" of someone, states a decision when it names an option.
    "We recommend a limited rollout with human review, and will decide on more later.",
    "Loan officers will decide each loan with the model's advice.",
    "Pending a fairness review in Central, keep the model in the lab.",
    "Put 1.1.0 on hold and keep the scorecard deciding every loan.",
    "Full automation is pending a fairness review, so the model only advises loan officers.",
    "We will decide on automation after a year of advising loan officers.",
    "The sponsor must decide whether to fund more work, and until then the model stays in the "
    "lab.",
    "We are not sure the model pays, so we keep it in the lab.",
    "We have not decided to let it approve on its own, so it advises loan officers.",
    "TBD on automation, but advise loan officers now.",
    "Put the model on hold until the fairness review passes.",
    # A whole-diff reading's: words of not deciding said of something else, beside an option.
    "The model advises each loan officer and automation is still to be decided.",
    "Loan officers keep the final say; no decision is made by the model alone.",
    "We have not decided which mode is best, so we do not deploy.",
])
def test_08_5_a_decision_in_the_groups_own_words_passes(decision):
    """Red-team readings' right decision parts that a rule for decisions put off refused; that
    rule was left out, and these guard the check against another like it."""
    result = evaluate(find_exercise("08.5"), {**MEMO, "decision": decision})
    assert result.status == PASSED, result.message


@pytest.mark.parametrize("risk", [
    "The steward of our values is the whole team for this risk.",
    "Fairness in the new region is a risk and everyone owns it.",
    "Fairness in the new region is a risk; the whole team is responsible.",
    "Fairness in the new region is a risk that all of us own together.",
])
def test_08_5_a_risk_owned_by_everyone_names_no_owner(risk):
    """A review's: "the steward of our values is the whole team" passed as naming the Data
    steward; a risk everyone owns has nobody in particular to act on it."""
    result = evaluate(find_exercise("08.5"), {**MEMO, "risk": risk})
    assert result.status == FAILED and "gives the risk to everyone" in result.message, (
        result.message)
    assert "Data steward" in result.message  # it lists the roles to choose from


@pytest.mark.parametrize("risk", [
    "Fairness in Central rests on 205 applicants; the Responsible-AI lead owns it, and the "
    "whole team is responsible for raising concerns.",
    # A red-team reading's: the words for everyone took the role's name with them.
    "Fairness in Central rests on 205 applicants: owned by the Responsible-AI lead and shared "
    "by the whole team.",
    "Fairness in Central rests on 205 applicants; everyone agrees the Responsible-AI lead owns "
    "it.",
    "The Central feed fails quality rules; the Data steward owns it, backed by the whole team.",
    # A whole-diff reading's: one team, or everyone's something, is not everyone.
    "Drift in the new region; the owner is the whole MLOps team, who watch the monitors.",
    "Drift in Central: the Data steward is the whole team's single owner of that risk.",
    "Fairness: the owner is the Data steward and the backup is the whole team.",
])
def test_08_5_an_owner_named_beside_the_whole_team_passes(risk):
    assert evaluate(find_exercise("08.5"), {**MEMO, "risk": risk}).status == PASSED
