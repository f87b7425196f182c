"""Tests that kill mutants of the doctor (course/doctor.py) and the notebook runner
(course/runner.py) that the other tests let live. No kernel is started: the doctor's machine
is faked (conftest.py's ``ample_machine``) and the runner's nbclient is replaced."""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import SimpleNamespace

import nbformat
import psutil
import pytest
from nbclient.exceptions import CellTimeoutError
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from test_doctor import fake_cgroup

from deploydl.course import doctor as doctor_module
from deploydl.course import runner
from deploydl.course.scratch import PARENT as SCRATCH_PARENT

GB = 10**9


# --- doctor: disk -------------------------------------------------------------------------


def test_disk_fails_when_the_temporary_folder_is_full_though_the_course_folder_is_not(
    tmp_path, monkeypatch
):
    """The lessons write to the system's temporary folder as well as the course folder: the
    one with too little space fails the row, whichever it is."""
    temp = SCRATCH_PARENT.parent
    space = {tmp_path: 100 * GB, temp: GB // 2}
    monkeypatch.setattr(
        doctor_module.shutil, "disk_usage", lambda path: SimpleNamespace(free=space[Path(path)])
    )
    with pytest.raises(RuntimeError) as failed:
        doctor_module._disk(tmp_path)()
    assert str(failed.value).startswith(
        f"100.0 GB free in {tmp_path}, 0.5 GB free in {temp}; the course needs 1.0 GB free in each"
    )


def test_exactly_the_disk_the_course_needs_is_enough(tmp_path, monkeypatch):
    """The course "needs 1.0 GB free": 10^9 bytes free passes, one byte less fails."""
    free = {"bytes": GB}
    monkeypatch.setattr(
        doctor_module.shutil, "disk_usage", lambda path: SimpleNamespace(free=free["bytes"])
    )
    assert doctor_module._disk(tmp_path)() == (
        f"1.0 GB free in {tmp_path}, 1.0 GB free in {SCRATCH_PARENT.parent}"
    )
    free["bytes"] = GB - 1
    with pytest.raises(RuntimeError, match="the course needs 1.0 GB free in each"):
        doctor_module._disk(tmp_path)()


# --- doctor: memory -----------------------------------------------------------------------


def _machine_with_free_memory(monkeypatch, available: int) -> None:
    monkeypatch.setattr(
        psutil, "virtual_memory", lambda: SimpleNamespace(available=available, total=8 * GB)
    )


def test_exactly_the_memory_the_course_needs_is_enough(monkeypatch, ample_machine):
    """(922 + 836 + 167) MiB = 1925 MiB = 2,018,508,800 bytes: that much free passes."""
    _machine_with_free_memory(monkeypatch, 2_018_508_800)
    assert doctor_module._memory().startswith("2.0 GB free of 8.0 GB, the course needs 2.0 GB")
    _machine_with_free_memory(monkeypatch, 2_018_508_799)
    with pytest.raises(RuntimeError, match=r"^2\.0 GB of memory free, the course needs 2\.0 GB"):
        doctor_module._memory()


def test_a_container_past_its_limit_has_no_memory_free_not_less_than_none(
    tmp_path, monkeypatch, ample_machine
):
    """A pod using more than its limit (it can, briefly) has 0.0 GB free, never -0.2 GB."""
    files = {"memory.max": f"{GB}\n", "memory.current": f"{12 * 10**8}\n"}
    monkeypatch.setattr(doctor_module, "CGROUP", fake_cgroup(tmp_path / "cg", files))
    with pytest.raises(
        RuntimeError,
        match=r"^0\.0 GB of memory free under this container's "
        r"memory limit, the course needs 2\.0 GB",
    ):
        doctor_module._memory()


# --- doctor: course folders and packages ----------------------------------------------------


def _course(folder: Path, *subfolders: str) -> Path:
    for name in subfolders:
        (folder / name).mkdir(parents=True)
    return folder


def test_course_folders_need_labs_too(tmp_path):
    """The learner works in labs/: a checkout without it is not ready for the workshop."""
    root = _course(tmp_path, "notebooks", "solutions")
    with pytest.raises(
        RuntimeError,
        match=r"^missing \['labs'\] in .*; run doctor inside the "
        r"course folder\.$",
    ):
        doctor_module._folders(root)()


def test_course_folders_count_the_lesson_notebooks_only(tmp_path):
    root = _course(tmp_path, "notebooks", "solutions", "labs", "notebooks/.ipynb_checkpoints")
    for name in ("00_welcome.ipynb", "01_data.ipynb", "README.md", "figure.png"):
        (root / "notebooks" / name).write_text("{}", encoding="utf-8")
    assert doctor_module._folders(root)() == f"2 lessons in {root / 'notebooks'}"


def test_packages_row_counts_the_packages_it_imported(monkeypatch):
    monkeypatch.setattr(doctor_module, "REQUIRED_IMPORTS", ("json", "csv", "os"))
    assert doctor_module._imports() == "3 packages import"


# --- doctor: the kernel ------------------------------------------------------------------


class _Kernel:
    """A started kernel, faked: ``execute_interactive`` replies with ``status``; records
    what the doctor did with it."""

    def __init__(self, status: str) -> None:
        self.status = status
        self.done: list[str] = []

    def execute_interactive(self, code, **_):
        return {"content": {"status": self.status}}

    def stop_channels(self):
        self.done.append("channels stopped")

    def shutdown_kernel(self, now=False):
        self.done.append("kernel shut down")


@pytest.mark.parametrize("status", ["error", "aborted"])
def test_a_kernel_that_starts_but_cannot_run_code_fails_and_is_shut_down(monkeypatch, status):
    kernel = _Kernel(status)
    monkeypatch.setattr("jupyter_client.manager.start_new_kernel", lambda **_: (kernel, kernel))
    with pytest.raises(
        RuntimeError,
        match=r"^the python3 kernel started but could not run "
        r"code; reinstall the kernel into the course's \.venv",
    ):
        doctor_module._kernel()
    assert kernel.done == ["channels stopped", "kernel shut down"]


def test_a_kernel_that_runs_code_passes_and_is_shut_down(monkeypatch):
    kernel = _Kernel("ok")
    monkeypatch.setattr("jupyter_client.manager.start_new_kernel", lambda **_: (kernel, kernel))
    assert doctor_module._kernel() == "python3 kernel starts and runs code"
    assert kernel.done == ["channels stopped", "kernel shut down"]


# --- runner: the cell a message names -----------------------------------------------------


@pytest.mark.parametrize(
    "first_line, shown",
    [
        ("x" * 40, "x" * 40),  # 40 characters: quoted whole
        ("x" * 41, "x" * 39 + "…"),  # longer: cut to 40 characters, the last one "…"
        ("\n   \nimport time  \ntime.sleep(9)", "import time"),  # the first line that is not blank
    ],
)
def test_a_timed_out_cell_is_quoted_by_its_first_line_up_to_40_characters(first_line, shown):
    assert runner.CellTimedOut(4, 30, first_line).cell == f'cell 5 (starting "{shown}")'


class _TimingOutClient:
    """Stands in for nbclient's NotebookClient: starts the cells in order, and the one at
    ``stop`` runs past the timeout."""

    stop = 0

    def __init__(self, notebook, *, on_cell_start, **_):
        self.notebook = notebook
        self.on_cell_start = on_cell_start

    async def async_execute(self):
        for index, cell in enumerate(self.notebook.cells[: self.stop + 1]):
            self.on_cell_start(cell=cell, cell_index=index)
        raise CellTimeoutError("timed out")


def _graded_lab() -> nbformat.NotebookNode:
    """A lab as ``deploydl grade`` runs it: a grader cell after the answer cell."""
    return new_notebook(
        cells=[
            new_markdown_cell("# Lab"),
            new_code_cell("answer = slow()"),
            new_code_cell("check_all()", metadata={runner.GRADER_CELL: True}),
            new_code_cell("after = 1"),
        ]
    )


@pytest.mark.parametrize(
    "stop, cell, grader",
    [
        (1, 'cell 2 (starting "answer = slow()")', False),
        (2, 'the grader\'s check after cell 2 (starting "answer = slow()")', True),
        (3, 'cell 3 (starting "after = 1")', False),  # the grader's cell is not counted
    ],
)
def test_a_timeout_names_the_learners_cell_not_the_graders(
    monkeypatch, tmp_path, stop, cell, grader
):
    monkeypatch.setattr(_TimingOutClient, "stop", stop)
    monkeypatch.setattr(runner, "NotebookClient", _TimingOutClient)
    with pytest.raises(runner.CellTimedOut) as timed_out:
        runner.execute(_graded_lab(), cwd=tmp_path, timeout=7)
    assert (timed_out.value.cell, timed_out.value.grader) == (cell, grader)
    assert str(timed_out.value) == f"{cell} ran longer than 7 s"


# --- runner: execute_file's messages ------------------------------------------------------


def _lab_file(tmp_path: Path) -> Path:
    (tmp_path / "labs").mkdir()
    return tmp_path / "labs" / "01_lab.ipynb"


def test_a_grader_check_past_the_timeout_only_says_raise_the_timeout(monkeypatch, tmp_path):
    """The learner cannot make the grader's check faster: the advice is --timeout only."""

    def grader_times_out(notebook, **_):
        raise runner.CellTimedOut(1, 5, "answer = slow()", grader=True)

    monkeypatch.setattr(runner, "execute", grader_times_out)
    path = _lab_file(tmp_path)
    with pytest.raises(runner.NotebookUnreadable) as failed:
        runner.execute_file(new_notebook(), path, timeout=5)
    assert str(failed.value) == (
        f"{path}: the grader's check after cell 2 (starting \"answer = "
        'slow()") ran longer than --timeout 5 s; raise --timeout.'
    )


def test_a_kernel_that_cannot_start_is_one_line_naming_the_notebook(monkeypatch, tmp_path):
    """nbclient raises RuntimeError when the kernel dies or does not answer at start-up."""

    def kernel_fails(notebook, **_):
        raise RuntimeError("Kernel didn't respond in 60 seconds")

    monkeypatch.setattr(runner, "execute", kernel_fails)
    path = _lab_file(tmp_path)
    with pytest.raises(runner.NotebookUnreadable) as failed:
        runner.execute_file(new_notebook(), path)
    assert str(failed.value) == (
        f"{path}: the notebook could not be run (Kernel didn't respond in 60 seconds); "
        "`deploydl doctor` checks that a kernel starts."
    )


def test_a_notebook_runs_in_its_own_folder(monkeypatch, tmp_path):
    """A lesson reads files beside it: its kernel starts in the notebook's folder, wherever
    the command was run from."""
    seen = []
    monkeypatch.setattr(runner, "execute", lambda notebook, *, cwd, **_: seen.append(cwd))
    monkeypatch.chdir(tmp_path)
    path = _lab_file(tmp_path)
    runner.execute_file(new_notebook(), Path("labs/01_lab.ipynb"))
    assert seen == [path.parent.resolve()]


# --- runner: what refresh stores ----------------------------------------------------------

MEASURE = {"tags": [runner.MEASUREMENT_TAG]}
KERNEL = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}


def _fingerprint(code: str) -> str:
    """16 hex digits of the SHA-256 of the code, as runner.MEASURED_CODE documents it."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()[:16]


def _stdout(text: str):
    return new_output("stream", name="stdout", text=text)


def _run_prints_new(monkeypatch) -> None:
    """Refresh's kernel, faked: every code cell prints "new run" (in place, as nbclient does)."""

    def execute(notebook, **_):
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.outputs = [_stdout("new run\n")]
        return notebook

    monkeypatch.setattr(runner, "execute", execute)


def _refreshed(tmp_path, monkeypatch, cells, **options) -> nbformat.NotebookNode:
    path = tmp_path / "nb.ipynb"
    nbformat.write(new_notebook(cells=cells, metadata=KERNEL), path)
    _run_prints_new(monkeypatch)
    runner.refresh_outputs(path, **options)
    return nbformat.read(path, as_version=4)


def test_refresh_keeps_a_measurement_whose_code_is_unchanged(tmp_path, monkeypatch):
    code = "print(time_it())"
    cells = [
        new_code_cell("x = 1", outputs=[_stdout("old\n")]),
        new_code_cell(
            code,
            metadata={**MEASURE, runner.MEASURED_CODE: _fingerprint(code)},
            outputs=[_stdout("12.3 ms\n")],
        ),
        # stored before fingerprints were kept: taken to match its code
        new_code_cell("print(time_that())", metadata=MEASURE, outputs=[_stdout("4 ms\n")]),
    ]
    plain, measured, older = _refreshed(tmp_path, monkeypatch, cells).cells
    assert plain.outputs[0].text == "new run\n"
    assert measured.outputs[0].text == "12.3 ms\n"
    assert older.outputs[0].text == "4 ms\n"
    assert older.metadata[runner.MEASURED_CODE] == _fingerprint("print(time_that())")


def test_an_edited_measurement_cell_has_every_measurement_recorded_again(tmp_path, monkeypatch):
    """Lesson 05's reading of its load test (a measurement cell) got the live run's figures
    beside the load test's kept output, which said others."""
    load, reading = "served = load_test()", "print(in_words(served))"
    cells = [
        new_code_cell(load, metadata={**MEASURE, runner.MEASURED_CODE: _fingerprint(load)},
                      outputs=[_stdout("966 predictions/s\n")]),
        new_code_cell(reading + "  # edited",
                      metadata={**MEASURE, runner.MEASURED_CODE: _fingerprint(reading)},
                      outputs=[_stdout("966 predictions/s, in words\n")]),
        # a new measurement cell, never run, asks for the same
        new_code_cell("print(time_it())", metadata=MEASURE),
    ]
    for cell in _refreshed(tmp_path, monkeypatch, cells).cells:
        assert cell.outputs[0].text == "new run\n"
        assert cell.metadata[runner.MEASURED_CODE] == _fingerprint(cell.source)
    new = _refreshed(tmp_path, monkeypatch, cells[:1] + cells[2:]).cells
    assert [c.outputs[0].text for c in new] == ["new run\n"] * 2


def test_refresh_remeasure_records_every_measurement_again(tmp_path, monkeypatch):
    code = "print(time_it())"
    cells = [
        new_code_cell(
            code,
            metadata={**MEASURE, runner.MEASURED_CODE: _fingerprint(code)},
            outputs=[_stdout("12.3 ms\n")],
        )
    ]
    (measured,) = _refreshed(tmp_path, monkeypatch, cells, remeasure=True).cells
    assert measured.outputs[0].text == "new run\n"


def test_refresh_measures_a_measurement_cell_stored_without_output(tmp_path, monkeypatch):
    """A new measurement cell, never run: its first refresh stores what it measured."""
    cells = [new_code_cell("print(time_it())", metadata=MEASURE)]
    (measured,) = _refreshed(tmp_path, monkeypatch, cells).cells
    assert measured.outputs[0].text == "new run\n"
    assert measured.metadata[runner.MEASURED_CODE] == _fingerprint("print(time_it())")


def test_refresh_writes_one_final_newline_as_git_keeps_the_committed_notebooks(
    tmp_path, monkeypatch
):
    _refreshed(tmp_path, monkeypatch, [new_code_cell("x = 1")])
    text = (tmp_path / "nb.ipynb").read_bytes()
    assert text.endswith(b"}\n") and not text.endswith(b"\n\n") and b"\r" not in text


# --- runner: stable -----------------------------------------------------------------------


def test_stable_merges_chunks_of_one_stream_but_keeps_stdout_and_stderr_apart():
    cell = new_code_cell(
        "...",
        outputs=[
            _stdout("a"),
            _stdout("b\n"),
            new_output("stream", name="stderr", text="warning\n"),
            _stdout("c\n"),
        ],
    )
    outputs = runner.stable(new_notebook(cells=[cell])).cells[0].outputs
    assert [(o.name, o.text) for o in outputs] == [
        ("stdout", "ab\n"),
        ("stderr", "warning\n"),
        ("stdout", "c\n"),
    ]
