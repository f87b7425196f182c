"""The reports `deploydl grade` prints: what each check said, and whose lab it was."""

from deploydl.exercises.core import FAILED, NOT_ATTEMPTED, PASSED, Result
from deploydl.exercises.grading import LabGrade, as_markdown, as_table

RATIO = Result("07.3", "Fill the risk register's fairness evidence", FAILED,
               "that is a percentage; give the ratio as a number between 0 and 1.",
               hint="rates.min() | rates.max()")


def _grades() -> list[LabGrade]:
    return [LabGrade("alice/07_stakeholder_communication_lab.ipynb",
                     (RATIO, Result("07.4", "Brief", NOT_ATTEMPTED, "the check never ran."))),
            LabGrade("bob/07_stakeholder_communication_lab.ipynb",
                     (Result("07.3", RATIO.title, PASSED, "well done."),))]


def test_table_gives_the_checks_message_then_its_hint():
    lines = as_table(_grades()).splitlines()
    at = lines.index(f"  07.3   failed         {RATIO.title}")
    assert lines[at + 1:at + 3] == [
        f"  {'':6} {'':14} that is a percentage; give the ratio as a number between 0 and 1.",
        f"  {'':6} {'':14} hint: rates.min() | rates.max()"]
    assert lines[at + 4] == f"  {'':6} {'':14} the check never ran."
    assert lines[-1] == f"  07.3   passed         {RATIO.title}", "a pass needs no feedback"


def test_markdown_keeps_each_learners_path_and_the_checks_message():
    rows = as_markdown(_grades()).splitlines()
    assert rows[0] == "| lab | exercise | title | status | feedback |"
    assert rows[2] == (
        "| alice/07_stakeholder_communication_lab.ipynb | 07.3 | " + RATIO.title + " | ❌ failed "
        "| that is a percentage; give the ratio as a number between 0 and 1. hint: rates.min() "
        "\\| rates.max() |")
    assert rows[4].startswith("| bob/07_stakeholder_communication_lab.ipynb | 07.3 |")


def test_markdown_shows_the_labs_own_icons(monkeypatch):
    """One table of icons for the labs and the report: a change to it shows in both."""
    from deploydl.exercises import core

    monkeypatch.setitem(core.ICONS, FAILED, "(x)")
    assert str(RATIO).startswith("(x) Not yet")
    assert "| (x) failed |" in as_markdown(_grades())
