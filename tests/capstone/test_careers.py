"""Module 08's careers: roles, and the self-assessment that says what to revisit."""

from __future__ import annotations

import pytest
from widget_checks import assert_sliders_named

from deploydl.capstone.careers import (
    ROLES,
    STATEMENTS,
    SelfAssessment,
    closest_roles,
    modules_to_revisit,
    roles_table,
)
from deploydl.capstone.project import Capstone


def test_every_role_owns_capstone_stages_that_exist():
    stages = {title for _, title in Capstone.STAGES}
    for role in ROLES:
        assert set(role.capstone_stages) <= stages, role.name
        assert role.modules
    assert {r.name for r in ROLES} >= {"ML engineer", "Data steward", "Executive sponsor"}
    assert list(roles_table().columns) == ["owns", "skills", "capstone stages", "modules"]


def test_every_role_lists_its_skills_in_plain_words():
    """The table promises the skills each role needs: a few plain phrases, no code names."""
    skills = roles_table()["skills"]
    for role, text in skills.items():
        phrases = text.split(", ")
        assert 2 <= len(phrases) <= 5 and all(p.strip() for p in phrases), role
        assert not set("_()`=") & set(text), (role, text)


def test_roles_that_test_a_new_version_or_hold_privacy_duties_list_the_module_teaching_it():
    """Module 06 teaches A/B tests; Module 03 where GDPR and CCPA rights land."""
    for role in ROLES:
        if "retrain and A/B test" in role.capstone_stages:
            assert "06" in role.modules and "A/B test" in role.skills, role.name
        if "privacy" in role.owns:
            assert "03" in role.modules and "GDPR" in role.skills, role.name


def test_weakest_modules_come_first():
    s = list(STATEMENTS)
    answers = {s[0]: 5, s[1]: 2, s[2]: 1, s[3]: 3, s[4]: 4}
    assert modules_to_revisit(answers) == ["03", "02", "04"]
    assert modules_to_revisit({q: 5 for q in s}) == []


@pytest.mark.parametrize(("answers", "match"), [
    ({"I am great": 3}, "Unknown statement 'I am great'"),
    ({list(STATEMENTS)[0]: 6}, "whole number from 1 to 5; got 6"),
])
def test_bad_answers_say_what_to_fix(answers, match):
    with pytest.raises(ValueError, match=match):
        modules_to_revisit(answers)


def test_closest_roles_follow_the_strongest_skills():
    strong_data = {q: (5 if m == "01" else 1) for q, m in STATEMENTS.items()}
    assert closest_roles(strong_data)[0] == "Data steward"


def test_self_assessment_widget_updates_its_advice():
    widget = SelfAssessment(start=5)
    assert "Nothing to revisit" in widget.output.value
    statement = next(q for q, m in STATEMENTS.items() if m == "06")
    widget.sliders[statement].value = 1
    assert "Revisit 06" in widget.output.value
    assert widget.answers[statement] == 1


def test_each_slider_is_named_by_the_statement_it_rates():
    """A screen reader names each slider's number box by the statement, not "Module 03"."""
    widget = SelfAssessment()
    for statement, slider in widget.sliders.items():
        assert slider.description == f"{statement} (Module {STATEMENTS[statement]})"
        assert slider.style.description_width == "initial"  # shown whole, never cut off
    assert [row.slider for row in widget.widget.children[:-1]] == list(widget.sliders.values())
    assert_sliders_named(widget.widget, sliders=len(STATEMENTS))
