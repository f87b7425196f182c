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


def test_unbalanced_markers_are_refused_with_where():
    with pytest.raises(LabSourceError, match="lab.ipynb cell 3"):
        strip_solutions("### BEGIN SOLUTION\nx = 1\n", where="lab.ipynb cell 3")


def test_committed_labs_are_in_sync(root):
    assert check_labs(root) == []


@pytest.fixture
def course_copy(tmp_path, root):
    for folder in ("notebooks", "solutions", "labs"):
        shutil.copytree(root / folder, tmp_path / folder)
    return tmp_path


def test_hand_edited_lab_fails_check_naming_the_file(course_copy, capsys):
    lab = next((course_copy / "labs").glob("*.ipynb"))
    lab.write_text(lab.read_text().replace("Exercise", "Exercice", 1))
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
