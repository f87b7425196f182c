"""`deploydl grade` on a lab whose cell runs longer than ``--timeout`` (runs a real kernel)."""

import nbformat
import pytest

from deploydl.cli import main

pytestmark = pytest.mark.slow


def test_a_cell_past_the_timeout_is_one_line_naming_the_cell_and_the_kernel_is_quiet(tmp_path,
                                                                                     capfd):
    """The kernel, stopped mid-cell, used to log a ZMQError traceback on the command's stderr
    (capfd: the kernel is another process), after nbclient's many-line timeout text."""
    lab = tmp_path / "00_slow_lab.ipynb"
    notebook = nbformat.v4.new_notebook()
    # The grader runs a cell of its own after the check; the message counts only the lab's.
    notebook.cells = [nbformat.v4.new_markdown_cell("# A lab"),
                      nbformat.v4.new_code_cell('from deploydl.exercises import check\n'
                                                'check("00.3", "C")'),
                      nbformat.v4.new_code_cell("import time\ntime.sleep(60)")]
    nbformat.write(notebook, lab)
    assert main(["grade", "--timeout", "10", str(lab)]) == 2
    err = capfd.readouterr().err
    assert err == (f'deploydl grade: {lab}: cell 3 (starting "import time") ran longer than '
                   "--timeout 10 s; raise --timeout or make the cell finish sooner.\n")


def test_a_graders_check_past_the_timeout_is_named_as_the_graders_not_the_lab_cells(tmp_path):
    """A whole-diff reading: the grader's own cell, timed out, was quoted as the lab's cell
    ('starting "def _deploydl_grade():"'), and the participant told to make it finish sooner."""
    from deploydl.course.runner import GRADER_CELL, NotebookUnreadable, execute_file

    path = tmp_path / "00_lab.ipynb"
    notebook = nbformat.v4.new_notebook()
    grader = nbformat.v4.new_code_cell("import time\ntime.sleep(60)")
    grader.metadata[GRADER_CELL] = True
    notebook.cells = [nbformat.v4.new_code_cell("answer = 1"), grader]
    with pytest.raises(NotebookUnreadable) as refused:
        execute_file(notebook, path, timeout=5)
    assert str(refused.value) == (f"{path}: the grader's check after cell 1 (starting "
                                  '"answer = 1") ran longer than --timeout 5 s; raise --timeout.')
