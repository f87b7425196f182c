"""Labs generated from solutions and decks built offline: edges mutation testing found unguarded.

Labs (DESIGN.md, "Exercises: one source, generated labs"): no solution code, output or saved
state reaches labs/, and ``build`` never overwrites a learner's work. Slides (DESIGN.md, "No
network"): a deck loads nothing from a CDN, and every file it names is in the build.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from deploydl.course.curriculum import MODULES
from deploydl.course.labs import (
    CHECK_ID,
    _backup_folder,
    build_lab,
    check_labs,
    learner_work,
    render,
    strip_solutions,
)
from deploydl.course.slides import build_decks

BLOCK = "### BEGIN SOLUTION\n{}\n### END SOLUTION"


def test_two_blocks_in_one_cell_keep_the_code_between_them():
    source = (
        BLOCK.format("a = 1")
        + "\nprint('between')\n"
        + BLOCK.format("b = secret()")
        + "\ncheck('01.1', b)"
    )
    assert strip_solutions(source) == (
        "a = ...  # your answer here\nprint('between')\n"
        "b = ...  # your answer here\ncheck('01.1', b)"
    )


def test_a_name_assigned_twice_gets_one_placeholder():
    lab = strip_solutions(BLOCK.format("rate = 0.1\nrate = rate * 3"))
    assert lab == "rate = ...  # your answer here"


@pytest.mark.parametrize(
    ("block", "name"), [("total += 5", "total"), ("rate: float = 0.5", "rate")]
)
def test_an_augmented_or_annotated_assignment_gets_its_placeholder(block, name):
    lab = strip_solutions(BLOCK.format(block))
    assert lab == f"{name} = ...  # your answer here" and "5" not in lab


def _solution(**metadata) -> nbformat.NotebookNode:
    cell = new_code_cell(
        BLOCK.format("answer = 0.4217") + "\ncheck('01.1', answer)",
        execution_count=3,
        outputs=[new_output("stream", text="✅ 0.4217\n")],
        metadata={"execution": {"iopub.execute_input": "2026-01-01T00:00"}},
    )
    return new_notebook(cells=[new_markdown_cell("## Exercise 01.1"), cell], metadata=metadata)


def test_a_generated_lab_carries_no_answer_output_run_time_or_widget_state():
    """Widget state saved in a solution's metadata holds its values (a slider set to the
    answer, an output widget's text): none of it, nor the run's timestamps, reaches the lab."""
    # 0.4217, not a bare integer: the cells' random hex ids may hold any run of digits.
    state = {"state": {"m1": {"state": {"value": 0.4217, "outputs": ["✅ 0.4217"]}}}}
    solution = _solution(widgets={"application/vnd.jupyter.widget-state+json": state})
    text = render(build_lab(solution))
    assert "0.4217" not in text and "execute_input" not in text and "widget-state" not in text
    assert solution.metadata["widgets"] and "execution" in solution.cells[1].metadata


def _lab_file(tmp_path, *cells) -> Path:
    path = tmp_path / "01_x_lab.ipynb"
    path.write_text(render(new_notebook(cells=list(cells))), encoding="utf-8")
    return path


def test_a_lab_whose_cells_were_run_without_output_holds_work(tmp_path):
    cell = new_code_cell("answer = ...  # your answer here\ncheck('01.1', answer)")
    untouched = _lab_file(tmp_path, cell)
    expected = untouched.read_text(encoding="utf-8")
    assert learner_work(untouched, expected) == ""
    cell.execution_count = 1
    assert learner_work(_lab_file(tmp_path, cell), expected) == "it was run: it holds outputs"


def test_a_code_only_exercise_filled_in_is_work(tmp_path):
    """A block that assigns nothing becomes ``# your code here``: replacing it is work too."""
    generated = _lab_file(tmp_path, new_code_cell("# your code here\ncheck('01.3', x)"))
    expected = generated.read_text(encoding="utf-8")
    filled = _lab_file(tmp_path, new_code_cell("x = compute()\ncheck('01.3', x)"))
    assert learner_work(filled, expected) == "exercise(s) 01.3 filled in"


def test_a_check_id_is_found_in_either_quotes_with_any_exercise_number():
    assert CHECK_ID.findall("check('02.3', a)\ncheck( \"02.12\", b)") == ["02.3", "02.12"]


def test_a_backup_folder_never_reuses_a_name_however_many_builds_in_one_second(tmp_path):
    now = datetime(2026, 11, 1, 6, 30, 0, tzinfo=UTC)
    for name in ("20261101-063000Z", "20261101-063000Z-2"):
        (tmp_path / name).mkdir()
    assert _backup_folder(tmp_path, now).name == "20261101-063000Z-3"


def test_a_backup_folder_is_named_in_utc_whatever_the_clock_s_zone(tmp_path):
    paris = datetime(2026, 11, 1, 7, 30, 0, tzinfo=timezone(timedelta(hours=1)))
    assert _backup_folder(tmp_path, paris).name == "20261101-063000Z"


def test_a_missing_lab_is_named_once(tmp_path, root):
    """A lab that is not there is "missing", not also "differs" or "not readable"."""
    shutil.copytree(root / "solutions", tmp_path / "solutions")
    (tmp_path / "labs").mkdir()
    problems = check_labs(tmp_path)
    assert len(problems) == len(list((root / "solutions").glob("*_lab.ipynb")))
    assert all(p.endswith(": missing; run `deploydl labs build`") for p in problems)


# Slides: one small lesson, built the way `deploydl slides` builds every deck.

PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJ"
    "RU5ErkJggg=="
)


def _slide(kind: str, text: str) -> nbformat.NotebookNode:
    return new_markdown_cell(text, metadata={"slideshow": {"slide_type": kind}})


@pytest.fixture(scope="module")
def small_build(root, tmp_path_factory):
    """A course with only its first lesson (one slide, one subslide, a figure beside it that a
    Markdown cell names, and a widget whose saved state is in the notebook), built offline."""
    import base64

    course = tmp_path_factory.mktemp("course")
    shutil.copytree(root / "slides", course / "slides", ignore=shutil.ignore_patterns("_build"))
    lesson = course / MODULES[0].lesson
    lesson.parent.mkdir(parents=True)
    (lesson.parent / "figure.png").write_bytes(base64.b64decode(PNG))
    widget = new_output(
        "display_data",
        data={
            "application/vnd.jupyter.widget-view+json": {
                "model_id": "m1",
                "version_major": 2,
                "version_minor": 0,
            }
        },
    )
    state = {
        "application/vnd.jupyter.widget-state+json": {
            "version_major": 2,
            "version_minor": 0,
            "state": {
                "m1": {
                    "model_name": "IntSliderModel",
                    "model_module": "@jupyter-widgets/controls",
                    "model_module_version": "2.0.0",
                    "state": {"value": 7},
                }
            },
        }
    }
    nbformat.write(
        new_notebook(
            cells=[
                _slide("slide", "# Title"),
                _slide("notes", "Instructor note: one."),
                _slide("subslide", "![A figure](figure.png)"),
                _slide("notes", "Instructor note: two."),
                new_code_cell("slider", outputs=[widget]),
            ],
            metadata={"widgets": state},
        ),
        lesson,
    )
    return course, build_decks(course, out=course / "out")


def test_a_course_with_one_lesson_builds_one_deck_counting_slides_and_subslides(small_build):
    course, decks = small_build
    assert [(d.module, d.path.name, d.slides) for d in decks] == [
        (MODULES[0].number, f"{(course / MODULES[0].lesson).stem}.html", 2)
    ]
    assert "(2 slides)" in (course / "out" / "index.html").read_text(encoding="utf-8")


def test_every_file_a_deck_names_is_in_the_build_and_nothing_comes_from_outside(small_build):
    course, decks = small_build
    out = course / "out"
    page = decks[0].path.read_text(encoding="utf-8")
    links = re.findall(r'(?:src|href)="([^"#][^"]*)"', page)
    local = [u for u in links if not u.startswith("data:")]
    assert local and all(u.startswith("reveal.js/") for u in local), local
    assert [u for u in local if not (out / u.split("?")[0]).is_file()] == []
    assert "reveal.js/dist/theme/deploydl.css" in local and "reveal.js/dist/reveal.css" in local
    assert "plugin/notes/notes.js" in page and (out / "reveal.js/plugin/notes/notes.js").is_file()


def test_a_figure_a_slide_names_is_embedded_and_widget_state_is_left_out(small_build):
    _, decks = small_build
    page = decks[0].path.read_text(encoding="utf-8")
    assert 'src="figure.png"' not in page
    assert page.count('<img alt="A figure" src="data:image/png;base64,') == 1
    assert "widget-state" not in page and "IntSliderModel" not in page
    assert not re.search(r"https?://[^\s\"']*(?:unpkg|jsdelivr|cdnjs|require)", page)


def test_the_decks_json_notebook_is_not_changed_by_a_build(small_build):
    course, _ = small_build
    lesson = json.loads((course / MODULES[0].lesson).read_text(encoding="utf-8"))
    assert "widgets" in lesson["metadata"] and lesson["cells"][4]["outputs"]


def test_a_block_that_unpacks_gets_a_placeholder_for_each_name():
    """A real bug, fixed: ``low, high = ...`` in a solution block bound no ``ast.Name`` target,
    so the lab got ``# your code here`` and its ``check("02.1", (low, high))`` raised NameError:
    an unfilled lab must run top to bottom (DESIGN.md)."""
    source = BLOCK.format("low, (high, *rest) = 0.2, (0.8, 1)") + "\ncheck('02.1', (low, high))"
    lab = strip_solutions(source)
    assert lab == (
        "low = ...  # your answer here\nhigh = ...  # your answer here\n"
        "rest = ...  # your answer here\ncheck('02.1', (low, high))"
    )
    namespace = {"check": lambda *args: None}
    exec(lab, namespace)  # noqa: S102 - the lab's own starter code, as a learner runs it
    assert namespace["low"] is ...



def test_a_value_thrown_away_is_not_asked_for():
    """``low, _ = ...`` asks the learner for ``low`` only: a placeholder ``_ = ...`` would ask
    for a name the check never reads."""
    lab = strip_solutions(BLOCK.format("low, _ = divmod(7, 2)") + "\ncheck('02.1', low)")
    assert lab == "low = ...  # your answer here\ncheck('02.1', low)"
