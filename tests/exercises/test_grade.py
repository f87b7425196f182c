"""`deploydl grade` on the four inputs the foundation promises (runs real kernels)."""

import json
from pathlib import Path

import nbformat
import pytest

from deploydl.cli import main

pytestmark = pytest.mark.slow


def _grade(capsys, *args):
    code = main(["grade", "--json", *map(str, args)])
    out = capsys.readouterr()
    return code, (json.loads(out.out) if out.out.strip() else None), out.err


def test_unfilled_lab_is_all_not_attempted(root, capsys):
    code, report, _ = _grade(capsys, root / "labs/00_welcome_lab.ipynb")
    assert code == 1
    assert {e["status"] for e in report[0]["exercises"]} == {"not attempted"}
    assert len(report[0]["exercises"]) == 3


@pytest.mark.parametrize("lab", sorted(p.name for p in (Path(__file__).parents[2] / "solutions")
                                        .glob("*_lab.ipynb")))
def test_solution_is_all_passed(root, capsys, lab):
    """Every solved lab, graded end to end: its answers, kept as checked and checked again
    by fresh copies of the checks (models, files and classes of other modules included)."""
    code, report, _ = _grade(capsys, root / "solutions" / lab)
    assert code == 0 and report[0]["all_passed"], report


def _welcome_solved_but(root, tmp_path, line: str):
    """The solved welcome lab with its 00.3 answer line replaced by ``line``."""
    return _welcome_solved_with(root, tmp_path, {'choice = "C"': line})


def _welcome_solved_with(root, tmp_path, changes: dict[str, str], first: str = ""):
    """The solved welcome lab with each text of ``changes`` replaced by its value, and a cell
    ``first`` after its first cell (none when empty)."""
    nb = nbformat.read(root / "solutions/00_welcome_lab.ipynb", as_version=4)
    for cell in nb.cells:
        for old, new in changes.items():
            cell.source = cell.source.replace(old, new)
    if first:
        nb.cells.insert(1, nbformat.v4.new_code_cell(first))
    lab = tmp_path / "00_welcome_lab.ipynb"
    nbformat.write(nb, lab)
    return lab


def test_one_wrong_answer_fails_with_its_hint(root, tmp_path, capsys):
    code, report, _ = _grade(capsys, _welcome_solved_but(root, tmp_path, 'choice = "A"'))
    statuses = {e["id"]: e for e in report[0]["exercises"]}
    assert code == 1
    assert statuses["00.3"]["status"] == "failed"
    assert "not a verdict" in statuses["00.3"]["hint"]
    assert statuses["00.1"]["status"] == statuses["00.2"]["status"] == "passed"


FORGED = """
from IPython.display import display
from deploydl.exercises import RECORD_MIME
for ex_id in ("00.1", "00.2", "00.3"):
    display({"text/plain": "✅ Correct", RECORD_MIME: {"id": ex_id, "title": "forged",
             "status": "passed", "message": "well done.", "hint": ""}}, raw=True)
"""
#: A package function the checker calls, broken: defined in the package's module, as a bug
#: there is (a function the lab itself defines would be the learner's code, and its error the
#: learner's slip).
BREAK_A_CHECKER = """
import deploydl.serving.packaging as packaging
packaging.train_measured = eval("lambda **kwargs: 1 / 0", vars(packaging))
check("00.1", {"model_version": "1.0.0", "predictions": [{"probability_of_default": 0.1}]})
"""


def test_forged_records_are_refused_and_a_broken_checker_exits_2(root, tmp_path, capsys):
    nb = nbformat.read(root / "labs/00_welcome_lab.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(FORGED))
    nb.cells.append(nbformat.v4.new_code_cell(BREAK_A_CHECKER))
    forged = tmp_path / "00_welcome_lab.ipynb"
    nbformat.write(nb, forged)
    code, report, err = _grade(capsys, forged)
    statuses = {e["id"]: e["status"] for e in report[0]["exercises"]}
    assert statuses == {"00.1": "check failed", "00.2": "not attempted",
                        "00.3": "not attempted"}
    assert code == 2
    assert "the check of exercise 00.1 itself failed" in err and "ZeroDivisionError" in err


FORGE_THE_LEDGER = """
from deploydl.exercises import core, module_exercises
for e in module_exercises("00"):
    core._ledger[e.id] = core.Result(e.id, e.title, "passed", "well done.")
"""
FORGE_WHAT_THE_GRADER_READS = """
from deploydl.exercises import core, module_exercises
records = {e.id: core.Result(e.id, e.title, "passed", "well done.").as_record()
           for e in module_exercises("00")}
core.regraded = lambda *args: records
"""
REPLACE_THE_CHECKS = """
import deploydl.exercises.core as core
import deploydl.exercises.m00 as m00
core._compare = lambda *args: None
core.evaluate = lambda e, answer: core.Result(e.id, e.title, "passed", "well done.")
m00.EXERCISES.clear()
check("00.1", {})
check("00.2", {})
check("00.3", "A")
"""
#: A lab that replaces a function in a module the checks are built from: a grader that loaded
#: a fresh ``core`` against the lab's ``core_reading`` would use it.
REPLACE_A_READER = """
import deploydl.exercises.core_reading as reading
reading._compare = lambda *args: None
check("00.3", "A")
"""

#: A lab that defines a function of the grader's loader's name where the grader's function
#: would look it up (IPython's module dict), and swaps the namespace the grader's cell defines
#: its own in: a grader's cell that looked the loader up by name would run the lab's.
SWAP_THE_NAMESPACE = """
from deploydl.exercises import core, module_exercises
_records = {e.id: core.Result(e.id, e.title, "passed", "well done.").as_record()
            for e in module_exercises("00")}
def _deploydl_fresh_checks(files, use):
    return _records
get_ipython().user_ns = dict(get_ipython().user_ns)
check("00.3", "A")
"""

#: A lab that points the checks' module at a file of its own: a grader that finds its "fresh"
#: copy through the lab's module object (importlib's find_spec reads its __spec__) runs it.
FORGE_THE_SPEC = """
import importlib.util, pathlib, tempfile
from deploydl.exercises import core, module_exercises
fake = pathlib.Path(tempfile.mkdtemp()) / "core.py"
records = {e.id: core.Result(e.id, e.title, "passed", "well done.").as_record()
           for e in module_exercises("00")}
fake.write_text("def regraded(*args):\\n    return " + repr(records) + "\\n")
core.__spec__ = importlib.util.spec_from_file_location("deploydl.exercises.core", fake)
check("00.3", "A")
"""


@pytest.mark.parametrize("forgery", [FORGE_THE_LEDGER, FORGE_WHAT_THE_GRADER_READS,
                                     REPLACE_THE_CHECKS, REPLACE_A_READER, SWAP_THE_NAMESPACE,
                                     FORGE_THE_SPEC],
                         ids=["ledger", "what-the-grader-reads", "the-checks", "a-reader",
                              "the-namespace", "the-spec"])
def test_a_lab_that_forges_its_results_is_not_graded_as_passed(root, tmp_path, capsys, forgery):
    nb = nbformat.read(root / "labs/00_welcome_lab.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(forgery))
    forged = tmp_path / "00_welcome_lab.ipynb"
    nbformat.write(nb, forged)
    code, report, _ = _grade(capsys, forged)
    assert code == 1
    assert "passed" not in {e["status"] for e in report[0]["exercises"]}


#: Labs that replace a reader's function (the modules beside m07 that its checks call) with one
#: that finds nothing wrong, then check a wrong answer with it: the lab's own copy says passed.
TAMPER_WITH_A_READER = {
    "sentence": ("m07_sentence", "sentence_problem", "07.1",
                 "We will call you back about your application sometime next month, thank you."),
    "brief": ("m07_brief", "brief_problem", "07.4",
              "<html><div class='decision'>Release the model everywhere.</div></html>"),
}


@pytest.mark.parametrize("reader", TAMPER_WITH_A_READER)
def test_a_lab_that_replaces_a_readers_function_is_graded_by_a_fresh_reader(tmp_path, capsys,
                                                                           reader):
    """m07 imports its readers at the top: a grader that loaded only the exercise modules
    fresh would give the fresh m07 the lab's reader, and pass the wrong answer. The lab's
    cell asserts its own copy was fooled: had that failed, the grade would quote the error."""
    from deploydl.exercises import evaluate, find_exercise

    module, function, exercise, wrong = TAMPER_WITH_A_READER[reader]
    lab = _lab(tmp_path / "07_stakeholder_communication_lab.ipynb",
               f"import deploydl.exercises.{module} as reader\n"
               f"reader.{function} = lambda *args: None\n"
               "from deploydl.exercises import check, last_status\n"
               f"check({exercise!r}, {wrong!r})\n"
               f"assert last_status({exercise!r}) == 'passed'  # the lab's copy is fooled")
    code, report, _ = _grade(capsys, lab)
    graded = {e["id"]: e for e in report[0]["exercises"]}[exercise]
    assert code == 1 and graded["status"] == "failed"
    assert graded["message"] == evaluate(find_exercise(exercise), wrong).message


SHADOW_WHAT_A_GRADER_CALLS = """
import builtins
def print(*args, **kwargs):  # turns a failure a grader prints into a pass
    builtins.print(*[a.replace('"status": "failed"', '"status": "passed"')
                     if isinstance(a, str) else a for a in args], **kwargs)
def display(*args, **kwargs):
    pass
json = sys = importlib = None
"""


def test_a_lab_that_shadows_print_or_display_is_graded_as_it_is(root, tmp_path, capsys):
    lab = _welcome_solved_with(root, tmp_path, {'choice = "C"': 'choice = "A"'},
                               first=SHADOW_WHAT_A_GRADER_CALLS)
    code, report, _ = _grade(capsys, lab)
    assert code == 1
    assert {e["id"]: e["status"] for e in report[0]["exercises"]} == {
        "00.1": "passed", "00.2": "passed", "00.3": "failed"}


def test_right_answers_pass_however_check_was_called_and_whatever_came_after(root, tmp_path,
                                                                              capsys):
    """A check in a loop, an answer changed after its check in the same cell, and a check
    called by keyword: each is graded as the learner saw it checked."""
    lab = _welcome_solved_with(root, tmp_path, {
        'check("00.1", reply)': ('for exercise_id, answer in [("00.1", reply)]:\n'
                                 '    check(exercise_id, answer)'),
        'check("00.2", answer_00_2)': ('check("00.2", answer_00_2)\n'
                                       'answer_00_2["decision"] = "ask a colleague"'),
        'check("00.3", choice)': 'check(exercise_id="00.3", answer=choice)'})
    code, report, _ = _grade(capsys, lab)
    assert {e["id"]: e["status"] for e in report[0]["exercises"]} == {
        "00.1": "passed", "00.2": "passed", "00.3": "passed"}
    assert code == 0


FORGE_IN_THE_GRADERS_CELLS = """
import json
from pathlib import Path
import re
from IPython import get_ipython
from IPython.display import display
from deploydl.exercises import core, module_exercises
GRADE_MIME = "application/vnd.deploydl.grade+json"
records = {e.id: core.Result(e.id, e.title, "passed", "well done.").as_record()
           for e in module_exercises("00")}
def forge(info):  # runs before every later cell, the grader's included, and reads its secret
    for nonce in re.findall(r"[0-9a-f]{32}", info.raw_cell or ""):
        print(nonce + json.dumps(records))
        display({GRADE_MIME: {"nonce": nonce, "results": records}}, raw=True)
get_ipython().events.register("pre_run_cell", forge)
"""


def test_a_lab_that_writes_into_the_graders_cells_cannot_be_graded(root, tmp_path, capsys):
    nb = nbformat.read(root / "labs/00_welcome_lab.ipynb", as_version=4)
    nb.cells.insert(1, nbformat.v4.new_code_cell(FORGE_IN_THE_GRADERS_CELLS))
    forged = tmp_path / "00_welcome_lab.ipynb"
    nbformat.write(nb, forged)
    code, report, err = _grade(capsys, forged)
    assert code == 2 and "exercises" not in report[0]
    assert "the grader's cell showed 2 results instead of one" in err


def test_not_a_notebook_is_a_one_line_error(tmp_path, capsys):
    bogus = tmp_path / "00_notes.ipynb"
    bogus.write_text("this is not JSON")
    code, report, err = _grade(capsys, bogus)
    assert code == 2
    error = "not a Jupyter notebook (its content is not JSON)."
    assert report == [{"path": str(bogus), "all_passed": False, "error": error}]
    assert len(err.strip().splitlines()) == 1 and "not a Jupyter notebook" in err


def test_markdown_summary_has_a_row_per_exercise(root, capsys):
    lab = root / "labs/00_welcome_lab.ipynb"
    assert main(["grade", "--format", "markdown", str(lab)]) == 1
    rows = [r for r in capsys.readouterr().out.splitlines() if r.startswith(f"| {lab} |")]
    assert len(rows) == 3 and all("not attempted" in r for r in rows)


def test_a_cell_that_raised_is_reported_with_its_error_not_as_not_attempted(root, tmp_path,
                                                                             capsys):
    code, report, _ = _grade(capsys, _welcome_solved_but(root, tmp_path, 'choise = "C"'))
    result = {e["id"]: e for e in report[0]["exercises"]}["00.3"]
    assert code == 1 and result["status"] == "failed"
    assert result["message"] == ("your cell raised NameError: name 'choice' is not defined; fix "
                                 "it and run the cell again (the check never ran).")
    assert "check its spelling" in result["hint"]


def _lab(path, *sources):
    """A lab notebook at ``path`` whose code cells are ``sources``."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(nb, path)
    return path


#: Long enough for the readable lab's first check on a loaded 2-core machine (about 6 s at a
#: load near 7), which runs under the same per-cell limit as the lab that hangs.
_HANG_TIMEOUT = 12


@pytest.mark.parametrize("source, why", [
    ("while True:\n    pass",
     f'cell 1 (starting "while True:") ran longer than --timeout {_HANG_TIMEOUT} s; raise '
     "--timeout or make the cell finish sooner."),
    ("import os\nos._exit(1)", "the notebook could not be run (Kernel died")],
    ids=["hangs", "kills-its-kernel"])
def test_a_lab_that_cannot_be_run_exits_2_and_the_next_lab_is_still_graded(tmp_path, capsys,
                                                                           source, why):
    stuck = _lab(tmp_path / "01_stuck_lab.ipynb", source)
    readable = _lab(tmp_path / "00_welcome_lab.ipynb",
                    'from deploydl.exercises import check\ncheck("00.3", "C")')
    before = {lab: lab.read_bytes() for lab in (stuck, readable)}
    code, report, err = _grade(capsys, "--timeout", _HANG_TIMEOUT, stuck, readable)
    assert code == 2
    assert f"deploydl grade: {stuck}: {why}" in err
    assert [lab["path"] for lab in report] == [str(stuck), str(readable)]
    assert "exercises" not in report[0] and report[0]["error"]
    assert {e["id"]: e["status"] for e in report[1]["exercises"]}["00.3"] == "passed"
    assert {lab: lab.read_bytes() for lab in (stuck, readable)} == before  # grading only reads
