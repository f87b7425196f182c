import pytest

from deploydl.exercises import (
    CHECK_ERROR,
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


def test_a_crashing_checker_is_the_courses_fault_and_no_attempt():
    ex = Exercise(id="99.4", title="t", checker=lambda a: a["missing"], hints=("first", "2nd"))
    result = evaluate(ex, {})
    assert result.status == CHECK_ERROR and not result.hint
    assert "this check itself failed" in result.message and "tell your instructor" in result.message
    assert "99.4" in result.message and "KeyError" in result.message
    ex_ok = Exercise(id="99.4", title="t", checker=lambda a: "wrong", hints=("first", "2nd"))
    assert evaluate(ex_ok, 1).hint == "first", "the crash must not have used up a hint"


def test_numpy_and_pandas_scalars_are_numbers():
    import numpy as np
    import pandas as pd

    whole = Exercise(id="99.8", title="t", expected=32, hints=("h",))
    for answer in (np.int64(32), np.float64(32.0), pd.Series([32]).iloc[0], np.array(32)):
        assert evaluate(whole, answer).status == PASSED, answer
    flag = Exercise(id="99.9", title="t", expected=False, hints=("h",))
    assert evaluate(flag, np.False_).status == PASSED
    assert evaluate(flag, 0).status == FAILED and evaluate(NUMBER, np.True_).status == FAILED


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


def test_check_prints_one_line_with_its_word_outside_jupyter_and_never_raises(capsys):
    check("00.3", ...)
    check("no-such-id", 1)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("⏳ Not attempted · 00.3")
    assert out[1].startswith("❌ Not yet · no-such-id")


def test_check_shows_html_with_a_coloured_word_and_a_text_fallback(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.get_ipython", lambda: object())
    monkeypatch.setattr("IPython.display.display", lambda data, raw: shown.append(data))
    check("00.3", find_exercise("00.3").expected)
    check("00.3", "A")
    right, wrong = shown
    assert right[RECORD_MIME]["status"] == PASSED
    assert right["text/plain"].startswith("✅ Correct · 00.3")
    assert "<b style='color:#1a7f37'>Correct</b>" in right["text/html"]
    assert ">Not yet</b>" in wrong["text/html"] and "Hint:" in wrong["text/html"]


def test_check_keeps_the_result_in_the_kernels_ledger():
    import json

    from deploydl.exercises.core import ledger_json

    check("00.3", "B")
    assert json.loads(ledger_json())["00.3"]["status"] == FAILED
    check("00.3", find_exercise("00.3").expected)
    assert json.loads(ledger_json())["00.3"]["status"] == PASSED
