import numpy as np
import pandas as pd
import pytest
from learner_code import LAZY, learners_class

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


def test_hints_escalate_on_new_wrong_answers_then_stay_on_the_last():
    ex = Exercise(id="99.2", title="t", expected=1, hints=("first", "second"))
    assert [evaluate(ex, a).hint for a in (2, 3, 4)] == ["first", "second", "second"]


def test_the_same_wrong_answer_run_again_does_not_reveal_the_next_hint():
    """Running a cell twice (or Run All) is not a new attempt: the last hint is often the
    solution, so it must take a different wrong answer to get there."""
    ex = Exercise(id="99.10", title="t", checker=lambda a: "wrong",
                  hints=("first", "second", "third"))
    rule = {"age": {"min": 0, "max": 120}}
    assert [evaluate(ex, dict(rule)).hint for _ in range(3)] == ["first"] * 3
    assert evaluate(ex, np.float64(7.0)).hint == "second"
    assert evaluate(ex, 7).hint == "second", "7 and np.float64(7.0) are the same attempt"
    assert evaluate(ex, 8).hint == "third"


def test_feedback_names_the_shape_of_an_array_of_any_rank():
    from deploydl.exercises.core import brief

    assert brief(np.zeros((3, 4, 5))) == "an array of shape 3 x 4 x 5"
    assert brief(np.array(5)) == "5"


def test_an_answer_of_the_wrong_form_uses_up_no_hint():
    from deploydl.exercises.core import form

    ex = Exercise(id="99.11", title="t", checker=lambda a: form("give a number") if isinstance(
        a, str) else "wrong", hints=("first", "second"))
    assert evaluate(ex, "32").hint == evaluate(ex, "thirty").hint == "first"
    assert evaluate(ex, "32").message == "give a number"
    assert [evaluate(ex, a).hint for a in (1, 2)] == ["first", "second"]
    batch = find_exercise("05.1")
    assert evaluate(batch, "32").message == (
        "give a batch size (a whole number), you gave '32'.")
    assert evaluate(batch, 8).hint == batch.hints[0], "the text '32' used up a hint"


@pytest.mark.parametrize("answer", ["C", " c ", "C.", "c)", "(C)", "Option C", "option c.",
                                    "Answer: C", "[C]"])
def test_a_choice_letter_may_carry_punctuation_and_option(answer):
    assert evaluate(find_exercise("03.5"), answer).status == PASSED
    assert evaluate(find_exercise("03.6"), answer.replace("C", "B").replace("c", "b")
                    ).status == PASSED


def test_a_choice_that_is_not_one_letter_asks_for_the_letter_and_uses_no_hint():
    ex = Exercise(id="99.12", title="t", expected="C", choices={"A": "not A", "B": "not B"},
                  hints=("first", "second"))
    for answer in ("C or B", "Option", "D", 3):
        result = evaluate(ex, answer)
        assert result.status == FAILED and result.hint == "first"
        assert result.message.startswith(
            "give just the letter of your choice as text, one of 'A', 'B', 'C'; you gave ")
    assert evaluate(ex, "B)").hint == "not B", "the wrong option's own hint"


def test_brief_describes_a_learners_value_in_a_few_words():
    from deploydl.exercises.core import BRIEF_CHARS, brief

    table = pd.DataFrame({"column": range(404), **{c: 0 for c in "abc"}})
    assert brief(table) == "a table of 404 rows x 4 columns"
    assert brief(pd.Index([f"NB-{i:06d}" for i in range(163)])) == "an Index of 163 values"
    assert brief(np.zeros((1, 3))) == "an array of 1 row x 3 columns"
    assert (brief(np.float64(0.04)), brief(np.int64(32)), brief(np.True_)) == (
        "0.04", "32", "True")
    assert brief("32") == "'32'" and brief(["a", "b"]) == "['a', 'b']"
    assert brief(dict.fromkeys(range(50))) == "a dict of 50 values"
    long = brief("x" * 500)
    assert len(long) == BRIEF_CHARS and long.endswith("…") and "\n" not in brief("a\nb")


def test_brief_shows_a_whole_number_with_every_digit_and_a_float_as_it_is():
    """Through a float, a whole number above 2**53 lost its last digits: feedback echoed
    2**60 + 1 as 1152921504606846976, a number the learner never gave."""
    from deploydl.exercises.core import brief

    assert brief(2**60 + 1) == "1152921504606846977"
    assert brief(-(10**30) - 7) == "-1" + "0" * 29 + "7"
    assert brief(np.int64(2**62 + 1)) == "4611686018427387905"
    assert brief(np.uint64(2**64 - 1)) == "18446744073709551615"
    assert brief(np.array(2**60 + 1)) == "1152921504606846977"
    assert (brief(2.0**60), brief(np.float64(2**60 + 1)), brief(32.0)) == (
        "1.152921504606847e+18", "1.152921504606847e+18", "32.0")


def test_a_whole_number_answer_keeps_every_digit():
    """as_whole went through a float too: 2**60 + 1 was read as 2**60, and 10**400 as no
    number at all."""
    from deploydl.exercises.core import as_whole

    assert as_whole(2**60 + 1) == 2**60 + 1 and as_whole(10**400) == 10**400
    assert as_whole(np.uint64(2**64 - 1)) == 2**64 - 1 and as_whole(np.array(7)) == 7
    assert (as_whole(32.0), as_whole(np.float32(3.0)), as_whole(2.5)) == (32, 3, None)
    assert (as_whole(True), as_whole(np.True_), as_whole("4")) == (None, None, None)


def test_feedback_never_pastes_a_whole_table():
    from deploydl.exercises.m08 import new_region
    from deploydl.governance.quality import APPLICANT_RULES, check_quality

    violations = check_quality(new_region(), APPLICANT_RULES).violations
    assert evaluate(find_exercise("08.1"), violations).message == (
        f"give a whole number of violations; you gave a table of {len(violations)} rows x "
        f"{violations.shape[1]} columns.")
    ids = pd.Index([f"NB-{i:06d}" for i in range(163)])
    assert evaluate(find_exercise("01.5"), ids).message == (
        "give a whole number of applications; you gave an Index of 163 values.")


def test_a_ratio_given_as_a_percentage_is_named_so_everywhere():
    from deploydl.exercises.m03 import BANDS, outcome_of, today_refer_above

    ratio = outcome_of(dict.fromkeys(BANDS, today_refer_above()))["parity_ratio"]
    result = evaluate(find_exercise("03.1"), {"ratio": ratio * 100, "passes": False})
    assert result.message == "that is a percentage; give the ratio as a number between 0 and 1."
    other = evaluate(find_exercise("03.1"), {"ratio": np.float64(0.612345), "passes": False})
    assert other.message == "the ratio you gave, 0.612, is not the lowest rate over the highest."


def test_a_share_rounded_too_far_is_told_to_keep_three_digits():
    from deploydl.data import make_applicants
    from deploydl.exercises.m06 import diagnose
    from deploydl.exercises.m08 import REFERENCE_ROWS, REFERENCE_SEED, new_region

    truth = diagnose(make_applicants(REFERENCE_ROWS, seed=REFERENCE_SEED), new_region())
    rounded = round(truth["zero_share"], 2)
    assert rounded != truth["zero_share"]
    result = evaluate(find_exercise("08.2"), {**truth, "zero_share": rounded})
    assert result.message == ("the right number, rounded too far: give at least three "
                              "significant digits (or the unrounded result).")


def test_placeholder_inside_a_container_is_not_attempted():
    ex = Exercise(id="99.3", title="t", expected={"a": 1}, hints=("h",))
    assert evaluate(ex, {"a": ...}).status == NOT_ATTEMPTED


@pytest.mark.parametrize("answer", [None, "text", [1, 2], object(), float("nan"), True])
def test_odd_answers_fail_with_a_hint_never_raise(answer):
    result = evaluate(NUMBER, answer)
    assert result.status == FAILED and result.hint and result.message


@pytest.mark.parametrize("answer", [np.array([1, 2]), pd.Series([1, 2]),
                                    pd.DataFrame({"a": [1, 1]}), {"a": np.array([1, 1])}])
def test_an_array_or_a_table_for_a_container_is_the_learners_slip_not_a_crash(answer):
    ex = Exercise(id="99.5", title="t", expected={"a": [1, 1]}, hints=("h",))
    result = evaluate(ex, answer)
    assert result.status == FAILED and result.hint and result.message.startswith("you gave")


@pytest.mark.parametrize("answer", [np.array([1, 1]), pd.Series([1, 1])])
def test_an_array_or_a_series_of_the_right_values_matches_a_list(answer):
    ex = Exercise(id="99.6", title="t", expected=[1, 1], hints=("h",))
    assert evaluate(ex, answer).status == PASSED


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
    assert out[0].endswith(": the answer is still the placeholder ...: assign your answer to "
                           "the name the check(...) line uses (check its spelling), run the "
                           "cells above this one, then this cell.")
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


@pytest.mark.parametrize("status", [PASSED, FAILED, NOT_ATTEMPTED, CHECK_ERROR])
def test_a_checks_panel_is_read_out_by_a_screen_reader_when_it_appears(status):
    """The reported flaw: the panel appeared with no live region, so a screen-reader user who
    ran a check heard nothing. The whole panel (word, message and hint) is one polite status
    region, and the icon, which repeats the word, is hidden from screen readers."""
    from deploydl.exercises.core import ICONS, Result

    page = Result("00.3", "a title", status, "a message", "a hint")._repr_html_()
    assert page.startswith(f"<div class='deploydl-check' data-status='{status}' "
                           "role='status'>")
    assert page.count("role=") == 1 and page.endswith("a hint</div></div>")
    assert f"<span aria-hidden='true'>{ICONS[status]}</span> <b style=" in page


def test_check_keeps_the_result_in_the_kernels_ledger(monkeypatch):
    from deploydl.exercises import core, last_status

    monkeypatch.setattr(core, "_ledger", {})
    check("00.3", "B")
    assert last_status("00.3") == FAILED
    check("00.3", find_exercise("00.3").expected)
    assert last_status("00.3") == PASSED


def test_grading_checks_the_kept_answer_again_with_a_fresh_copy_of_the_checks(monkeypatch,
                                                                             regrade):
    """What `deploydl grade` runs after each lab cell: a cell that forged the ledger and
    replaced the checks of the copy the lab uses, or of a module they are built from, changes
    nothing."""
    from deploydl.exercises import core, core_reading

    monkeypatch.setattr(core, "_answers", {})
    check("00.3", "A")
    forged = core.Result("00.3", "forged", PASSED, "well done.")
    monkeypatch.setitem(core._ledger, "00.3", forged)
    monkeypatch.setattr(core, "evaluate", lambda exercise, answer: forged)
    monkeypatch.setattr(core, "_compare", lambda *args: None)
    monkeypatch.setattr(core_reading, "_compare", lambda *args: None)
    records = regrade("00")
    assert records["00.3"]["status"] == FAILED
    assert records["00.3"]["hint"] == find_exercise("00.3").choices["A"]
    assert core._answers == {}, "each kept answer is graded once"
    assert regrade("00") == {}


def test_every_function_a_fresh_check_uses_is_a_fresh_copy(fresh_checks):
    """The grader's fresh checks must not reach the lab's own copies: a module that imports at
    its top one loaded after it (a ``core_*.py`` or reader ``mNN_*.py`` whose name sorts later)
    would hold the lab's function, which a lab cell can replace. Modules import only those
    before them (the 07.1 reader's stages are numbered for this); a rename that breaks the
    order fails here. Cached functions (``functools.cache``, as the labs' data builders are)
    are unwrapped first, and classes count too: each must be the one its fresh home module
    defines. The lab's own modules are back in ``sys.modules`` afterwards."""
    import inspect
    import sys
    import types

    from deploydl.exercises import grading

    names = list(grading.check_files())
    assert names[:3] == ["deploydl.exercises.core_exercise", "deploydl.exercises.core_reading",
                         "deploydl.exercises.core"]
    assert {"deploydl.exercises.m07_sentence", "deploydl.exercises.m07"} <= {*names}
    labs = {name: sys.modules.get(name) for name in names}

    def stale_names(homes) -> list[str]:
        assert all(homes[name] is not labs[name] for name in names)
        stale = []
        for name, module in homes.items():
            for attr, value in vars(module).items():
                home = homes.get(getattr(value, "__module__", None) or "")
                if home is None:
                    continue
                function = inspect.unwrap(value) if callable(value) else value
                if isinstance(function, types.FunctionType):
                    from_lab = function.__globals__ is not vars(home)
                else:
                    from_lab = isinstance(value, type) and getattr(
                        home, value.__qualname__, None) is not value
                if from_lab:
                    stale.append(f"{name}.{attr} (from {value.__module__})")
        return stale

    assert fresh_checks(stale_names) == [], "fresh modules holding the lab's copies"
    assert all(sys.modules.get(name) is labs[name] for name in names)


def test_a_fresh_module_sees_itself_while_it_runs_not_the_labs_copy(monkeypatch, fresh_checks):
    """``dataclasses`` reads a class's module from ``sys.modules`` while the module runs (to
    tell a ``ClassVar`` annotation): a value a lab cell set on the lab's copy of
    ``core_exercise`` turned the fresh ``Exercise``'s ``rel_tol`` into a class variable."""
    import dataclasses
    import typing

    from deploydl.exercises import core_exercise

    monkeypatch.setattr(core_exercise, "float", typing.ClassVar, raising=False)
    fields = fresh_checks(lambda fresh: [
        f.name for f in dataclasses.fields(fresh["deploydl.exercises.core_exercise"].Exercise)])
    assert "rel_tol" in fields


def test_check_keeps_a_copy_of_the_answer_as_it_was_checked(monkeypatch):
    """A cell that changes its answer after the check is graded on what the learner saw
    checked; an answer that cannot be copied (a generator) is kept itself."""
    from deploydl.exercises import core

    monkeypatch.setattr(core, "_answers", {})
    answer = {"choice": "C"}
    check("00.3", answer)
    answer["choice"] = "A"
    assert core._answers["00.3"] == {"choice": "C"}
    letters = (letter for letter in "C")
    check("00.3", letters)
    assert core._answers["00.3"] is letters


def test_an_answer_whose_own_code_raises_in_the_checker_is_the_learners_slip():
    """An error that comes through the answer's own class (a cell's) is the learner's form
    slip, not the course's broken check (39 checks said so); the same class written in a
    module of code, not a notebook, is not the learner's."""
    ex = Exercise(id="99.4", title="t", hints=("first", "2nd"),
                  checker=lambda a: None if getattr(a, "value", 0) == 1 else "no")
    result = evaluate(ex, learners_class(LAZY)())
    assert (result.status, result.hint) == (FAILED, "")
    assert result.message.startswith("this answer could not be read (RuntimeError)")
    assert evaluate(ex, 2).hint == "first", "the slip must not have used up a hint"

    class CoursesOwn:  # defined here, in a test module: a crash through it is the course's
        def __getattr__(self, name):
            raise RuntimeError("not loaded")

    assert evaluate(ex, CoursesOwn()).status == CHECK_ERROR
