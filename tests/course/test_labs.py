import shutil

import pytest

from deploydl.cli import main
from deploydl.course.labs import LabSourceError, check_labs, strip_solutions


def test_block_becomes_one_placeholder_per_assigned_name():
    source = ("x = 1\n### BEGIN SOLUTION\ntmp = 2\nanswer = tmp * 3\n### END SOLUTION\n"
              "check('01.1', answer)")
    lab = strip_solutions(source)
    assert "tmp = ...  # your answer here\nanswer = ...  # your answer here" in lab
    assert "tmp * 3" not in lab and lab.startswith("x = 1\n") and lab.endswith("answer)")


def test_indented_block_keeps_its_indent_and_code_only_block_gets_a_comment():
    lab = strip_solutions("if True:\n    ### BEGIN SOLUTION\n    y = 1\n    ### END SOLUTION\n")
    assert "    y = ...  # your answer here" in lab
    assert strip_solutions("### BEGIN SOLUTION\nprint(1)\n### END SOLUTION") == "# your code here"


def test_a_code_only_block_that_is_a_whole_body_still_parses():
    """A nested block that assigns nothing gets ``...`` before its comment: a lone comment as
    the whole body of a ``def`` or ``if`` would leave the learner a cell that does not parse.
    At the top level the comment stands alone (a bare ``...`` there would show "Ellipsis")."""
    import ast

    lab = strip_solutions("def total(xs):\n    ### BEGIN SOLUTION\n    print(sum(xs))\n"
                          "    ### END SOLUTION\n\ncheck('01.3', total)")
    assert "    ...  # your code here\n" in lab
    ast.parse(lab)


def test_unbalanced_markers_are_refused_with_where():
    with pytest.raises(LabSourceError, match="lab.ipynb cell 3"):
        strip_solutions("### BEGIN SOLUTION\nx = 1\n", where="lab.ipynb cell 3")


def test_committed_labs_are_in_sync(root):
    assert check_labs(root) == []


def test_each_exercise_heading_is_the_title_its_check_and_debrief_use(root):
    """A learner reads the heading, the check prints the exercise's title and the
    instructor's debrief names it: all three must be the same words, and every exercise of
    the course must have its heading in a solved lab."""
    import re

    import nbformat

    from deploydl.exercises.registry import all_exercises

    headings = {}
    for path in sorted((root / "solutions").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                headings.update(re.findall(r"^## Exercise (\S+) · (.+)$", cell.source, re.M))
    titles = {exercise_id: e.title for exercise_id, e in all_exercises().items()}
    assert headings == titles


@pytest.fixture
def course_copy(tmp_path, root):
    for folder in ("notebooks", "solutions", "labs"):
        shutil.copytree(root / folder, tmp_path / folder)
    return tmp_path


def test_hand_edited_lab_fails_check_naming_the_file(course_copy, capsys):
    lab = next((course_copy / "labs").glob("*.ipynb"))
    lab.write_text(lab.read_text(encoding="utf-8").replace("Exercise", "Exercice", 1),
                   encoding="utf-8")
    assert main(["labs", "check", "--root", str(course_copy)]) == 1
    assert f"labs/{lab.name}" in capsys.readouterr().out
    assert main(["labs", "build", "--root", str(course_copy)]) == 0
    assert main(["labs", "check", "--root", str(course_copy)]) == 0


def test_missing_and_orphan_labs_are_named(course_copy):
    lab = next((course_copy / "labs").glob("*.ipynb"))
    lab.rename(course_copy / "labs" / "99_orphan_lab.ipynb")
    problems = "\n".join(check_labs(course_copy))
    assert f"labs/{lab.name}: missing" in problems
    assert "labs/99_orphan_lab.ipynb: has no solution" in problems


def test_labs_have_no_solutions_or_outputs(root):
    import nbformat

    for path in (root / "labs").glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            assert "BEGIN SOLUTION" not in cell.source
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None


def _fill_first_exercise(lab):
    text = lab.read_text(encoding="utf-8")
    assert "= ...  # your answer here" in text
    lab.write_text(text.replace("= ...  # your answer here", "= 0.5", 1), encoding="utf-8")
    return lab.read_text(encoding="utf-8")


def test_build_replaces_a_filled_lab_but_keeps_the_learners_version_and_says_so(course_copy,
                                                                                capsys):
    lab = course_copy / "labs" / "02_model_evaluation_lab.ipynb"
    mine = _fill_first_exercise(lab)
    assert main(["labs", "check", "--root", str(course_copy)]) == 1
    assert "holds your work (exercise(s) 02.1 filled in)" in capsys.readouterr().out
    assert main(["labs", "build", "--root", str(course_copy)]) == 0  # the contract: exit 0
    out = capsys.readouterr().out
    assert f"labs/{lab.name}: held your work (exercise(s) 02.1 filled in): replaced" in out
    copies = list((course_copy / ".deploydl" / "labs-backup").glob(f"*/{lab.name}"))
    assert [c.read_text(encoding="utf-8") for c in copies] == [mine]
    assert main(["labs", "check", "--root", str(course_copy)]) == 0


def test_a_lab_that_was_run_counts_as_work_and_is_kept(course_copy, capsys):
    import nbformat

    lab = course_copy / "labs" / "01_data_governance_lab.ipynb"
    nb = nbformat.read(lab, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code")
    cell.execution_count = 1
    cell.outputs = [nbformat.v4.new_output("stream", text="hello\n")]
    nbformat.write(nb, lab)
    mine = lab.read_text(encoding="utf-8")
    assert main(["labs", "build", "--root", str(course_copy)]) == 0
    assert "held your work (it was run: it holds outputs)" in capsys.readouterr().out
    copies = list((course_copy / ".deploydl" / "labs-backup").glob(f"*/{lab.name}"))
    assert [c.read_text(encoding="utf-8") for c in copies] == [mine]


def test_a_folder_where_a_lab_belongs_stops_the_build_before_anything_is_written(course_copy,
                                                                                capsys):
    lab = course_copy / "labs" / "02_model_evaluation_lab.ipynb"
    lab.unlink()
    lab.mkdir()
    other = course_copy / "labs" / "03_responsible_ai_lab.ipynb"
    before = _fill_first_exercise(other)
    assert main(["labs", "build", "--root", str(course_copy)]) == 2
    assert "a folder where a lab belongs" in capsys.readouterr().err
    assert other.read_text(encoding="utf-8") == before


def test_build_keeps_a_learners_copy_and_removes_only_an_untouched_stale_lab(course_copy,
                                                                             capsys):
    labs = course_copy / "labs"
    copy = labs / "02_model_evaluation_lab-Copy1.ipynb"
    shutil.copy(labs / "02_model_evaluation_lab.ipynb", copy)
    stale = labs / "99_renamed_lab.ipynb"
    shutil.copy(labs / "02_model_evaluation_lab.ipynb", stale)
    worked = labs / "98_old_lab.ipynb"
    shutil.copy(labs / "02_model_evaluation_lab.ipynb", worked)
    _fill_first_exercise(worked)
    assert main(["labs", "build", "--root", str(course_copy)]) == 0
    out = capsys.readouterr().out
    assert copy.exists() and worked.exists() and not stale.exists()
    assert f"labs/{copy.name}: left as it is" in out and "labs/99_renamed_lab.ipynb: moved" in out
    assert list((course_copy / ".deploydl/labs-backup").glob("*/99_renamed_lab.ipynb"))


def test_a_lab_replaced_without_detectable_work_is_still_kept(course_copy, capsys):
    lab = course_copy / "labs" / "03_responsible_ai_lab.ipynb"
    notes = lab.read_text(encoding="utf-8").replace(
        "Exercise", "My note: ask about fairness. Exercise", 1)
    lab.write_text(notes, encoding="utf-8")
    assert main(["labs", "build", "--root", str(course_copy)]) == 0
    assert f"labs/{lab.name}: replaced; the version it had is kept" in capsys.readouterr().out
    copies = list((course_copy / ".deploydl/labs-backup").glob(f"*/{lab.name}"))
    assert [c.read_text(encoding="utf-8") for c in copies] == [notes]


def test_an_unreadable_solution_is_named_with_exit_2_not_out_of_sync(course_copy, capsys):
    (course_copy / "solutions" / "02_model_evaluation_lab.ipynb").write_text("{not json")
    for action in ("check", "build"):
        assert main(["labs", action, "--root", str(course_copy)]) == 2
        err = capsys.readouterr().err
        assert "solutions/02_model_evaluation_lab.ipynb: not a readable Jupyter notebook" in err


@pytest.mark.parametrize("command", [["labs", "check"], ["progress"], ["agenda", "--check"],
                                     ["kit", "--no-pdf"], ["slides"]])
def test_outside_a_course_checkout_is_a_clear_message_with_exit_2(tmp_path, capsys, command):
    assert main([*command, "--root", str(tmp_path)]) == 2
    assert "No course checkout found" in capsys.readouterr().err


def test_backups_are_named_in_utc_and_never_overwrite_each_other(course_copy, capsys,
                                                                 monkeypatch):
    """On the day clocks go back, local time repeats an hour: two builds an hour apart must
    not write the same backup folder. The folder is UTC time with a Z; a name already taken
    (two builds in one second) gets a suffix, so every copy is kept."""
    from datetime import UTC, datetime

    from deploydl.course import labs as labs_module

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 11, 1, 6, 30, 0, tzinfo=UTC)

    monkeypatch.setattr(labs_module, "datetime", Frozen)
    lab = course_copy / "labs" / "02_model_evaluation_lab.ipynb"
    first = _fill_first_exercise(lab)
    assert main(["labs", "build", "--root", str(course_copy)]) == 0
    lab.write_text(first.replace("= 0.5", "= 0.25", 1), encoding="utf-8")
    assert main(["labs", "build", "--root", str(course_copy)]) == 0
    backup = course_copy / ".deploydl" / "labs-backup"
    assert sorted(p.name for p in backup.iterdir()) == ["20261101-063000Z", "20261101-063000Z-2"]
    assert (backup / "20261101-063000Z" / lab.name).read_text(encoding="utf-8") == first
    assert "= 0.25" in (backup / "20261101-063000Z-2" / lab.name).read_text(encoding="utf-8")


def test_a_lab_with_crlf_line_endings_is_in_sync_and_kept_as_it_is(course_copy, capsys):
    """git for Windows may check labs out with CRLF: same text, so no build replaces them."""
    lab = course_copy / "labs" / "02_model_evaluation_lab.ipynb"
    crlf = lab.read_bytes().replace(b"\n", b"\r\n")
    lab.write_bytes(crlf)
    assert check_labs(course_copy) == []
    assert main(["labs", "build", "--root", str(course_copy)]) == 0
    assert lab.read_bytes() == crlf and not (course_copy / ".deploydl").exists()


def test_no_answer_is_named_like_one_of_its_own_keys(root):
    """The starter shows only ``name = ...``: an answer dict called ``decision`` that needs a
    "decision" key reads as if the decision alone were asked (the fourth review's 00.2)."""
    import ast

    import nbformat

    clashes = []
    for path in sorted((root / "solutions").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code" or "### BEGIN SOLUTION" not in cell.source:
                continue
            for node in ast.walk(ast.parse(cell.source)):
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
                    keys = {k.value for k in node.value.keys if isinstance(k, ast.Constant)}
                    clashes += [f"{path.name} {cell.id}: {t.id}" for t in node.targets
                                if isinstance(t, ast.Name) and t.id in keys]
    assert clashes == []
