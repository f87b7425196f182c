import pytest

from deploydl.exercises import (
    FAILED,
    NOT_ATTEMPTED,
    PASSED,
    RECORD_MIME,
    Exercise,
    all_exercises,
    check,
    evaluate,
    find_exercise,
)

NUMBER = Exercise(id="99.1", title="a number", expected=0.25, hints=("first", "second"))


def test_three_states():
    assert evaluate(NUMBER, ...).status == NOT_ATTEMPTED
    assert evaluate(NUMBER, 0.25).status == PASSED
    assert evaluate(NUMBER, 0.2500001).status == PASSED
    wrong = evaluate(NUMBER, 0.3)
    assert wrong.status == FAILED and "0.3" in wrong.message and wrong.hint


def test_hints_escalate_then_stay_on_the_last():
    ex = Exercise(id="99.2", title="t", expected=1, hints=("first", "second"))
    assert [evaluate(ex, 2).hint for _ in range(3)] == ["first", "second", "second"]


def test_placeholder_inside_a_container_is_not_attempted():
    ex = Exercise(id="99.3", title="t", expected={"a": 1}, hints=("h",))
    assert evaluate(ex, {"a": ...}).status == NOT_ATTEMPTED


@pytest.mark.parametrize("answer", [None, "text", [1, 2], object(), float("nan"), True])
def test_odd_answers_fail_with_a_hint_never_raise(answer):
    assert evaluate(NUMBER, answer).status == FAILED


def test_checker_that_raises_is_reported_not_raised():
    ex = Exercise(id="99.4", title="t", checker=lambda a: a["missing"], hints=("h",))
    result = evaluate(ex, {})
    assert result.status == FAILED and "could not be checked" in result.message


def test_strings_ignore_case_and_spaces():
    ex = Exercise(id="99.5", title="t", expected="B", hints=("h",))
    assert evaluate(ex, " b ").status == PASSED
    assert "text" in evaluate(ex, 2).message


def test_exercise_definition_is_validated():
    with pytest.raises(ValueError, match="exactly one"):
        Exercise(id="99.6", title="t", hints=("h",))
    with pytest.raises(ValueError, match="hint"):
        Exercise(id="99.7", title="t", expected=1, hints=())


def test_every_registered_exercise_is_well_formed():
    exercises = all_exercises()
    assert "00.1" in exercises
    for ex_id, ex in exercises.items():
        assert ex_id == ex.id and ex.title and ex.hints


def test_check_prints_one_line_outside_jupyter_and_never_raises(capsys):
    check("00.2", ...)
    check("no-such-id", 1)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("⏳ 00.2") and out[1].startswith("❌ no-such-id")


def test_check_emits_a_machine_readable_record(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.get_ipython", lambda: object())
    monkeypatch.setattr("IPython.display.display", lambda data, raw: shown.append(data))
    check("00.2", "ok")
    assert shown[0][RECORD_MIME]["status"] == PASSED
    assert shown[0]["text/plain"].startswith("✅")
    assert find_exercise("00.2").expected == "ok"
