"""The room kit is generated from the course, so it cannot drift: cheat sheets, answer key,
feedback form, and the instructor's lab debriefs."""

from __future__ import annotations

import html
import re

import nbformat
import pytest
from browser import chromium
from html_checks import SHADED_BOLD, header_looks, header_scopes

from deploydl.course.curriculum import MODULES
from deploydl.course.roomkit import (
    QUESTIONS,
    RoomKitError,
    answer_key_html,
    answers,
    build_room_kit,
    cheat_sheet_html,
    feedback_form_html,
)
from deploydl.exercises.registry import module_exercises


@pytest.mark.parametrize("m", MODULES, ids=lambda m: m.number)
def test_cheat_sheet_carries_the_lessons_questions_numbers_and_decision(root, m):
    notebook = nbformat.read(root / m.lesson, as_version=4)
    page = cheat_sheet_html(root, m)
    questions = next(c.source for c in notebook.cells if c.source.startswith(QUESTIONS))
    for line in re.findall(r"^- (.+)$", questions, re.M):
        words = re.sub(r"\*\*|`", "", line).split()[:6]
        assert " ".join(words) in html.unescape(re.sub(r"<[^>]+>", "", page)), line
    sheet = notebook.metadata["deploydl"]["cheatsheet"]
    assert all(name in page for name, _ in sheet["numbers"]) and len(sheet["numbers"]) == 3
    assert "The decision that is yours" in page


@pytest.mark.parametrize("m", MODULES, ids=lambda m: m.number)
def test_each_header_names_its_row_or_column_for_a_screen_reader(root, m):
    """The cheat sheet's three numbers name their rows (``scope``), so a screen reader says
    "Recall" with what recall means; a table in the lesson's own text names its columns."""
    scopes = header_scopes(cheat_sheet_html(root, m))
    assert scopes[:3] == ["row"] * 3 and None not in scopes


def test_the_feedback_forms_tables_name_their_columns_and_rows(root):
    """Each module's name heads its row of tick boxes (it was a plain cell, so a screen reader
    read a row of boxes with no module), as each line of "the day as a whole" heads its own."""
    form = feedback_form_html(root)
    assert set(header_scopes(form)) == {"col", "row"}
    rows = re.findall(r'<th scope="row">(.*?)</th>', form)
    assert [m.number + " " + m.title for m in MODULES] == [
        html.unescape(row) for row in rows[:len(MODULES)]]
    assert "The pace was" in rows and "<td>The pace was" not in form


def test_a_row_of_an_aligned_table_is_named_too(tmp_path):
    """mistune writes an aligned column (``|:--|``) as ``<td style="text-align:left">``; row
    headers made by a pattern over the finished page that wanted a bare ``<td>`` missed it."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "feedback-form.md").write_text(
        "# Feedback\n## The day\n| line | yes | no |\n|:--|:-:|:-:|\n| The pace was | ☐ | ☐ |\n",
        encoding="utf-8")
    form = feedback_form_html(tmp_path)
    assert header_scopes(form) == ["col", "col", "col", "row"]
    assert re.search(r'<th scope="row"[^>]*>The pace was</th>', form)


def test_every_column_of_the_feedback_form_has_a_header_to_read_out(root):
    """An empty column header is silence for a screen reader ("the day as a whole" had three)."""
    form = feedback_form_html(root)
    heads = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', form, re.S)
    assert heads and all(head.strip() for head in heads), heads


def _body_rows(page: str) -> list[list[list[str]]]:
    """Each table of ``page``: its body rows, each a list of its cells' text (tags removed)."""
    tables = re.findall(r"<tbody>(.*?)</tbody>", page, re.S)
    return [[[html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
              for cell in re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", row, re.S)]
             for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)] for table in tables]


def test_a_tick_box_is_named_by_its_column_or_by_its_own_words(root):
    """The reported flaw: "the day as a whole" put "too slow" and "all of it" in one column
    headed "option 1", so a screen reader read "option 1" for choices that share no scale. A
    column of single boxes must mean one thing on every line (the module table's "3"); choices
    that differ per line sit together in one cell, each with its words."""
    tables = _body_rows(feedback_form_html(root))
    for rows in tables:
        for column in zip(*rows, strict=True):
            alone = {cell.partition("☐")[2].strip() for cell in column if cell.count("☐") == 1}
            assert len(alone) <= 1, f"one column of boxes means several things: {column}"
    day = dict(row for row in tables[1] if len(row) == 2)
    assert day["The pace was"] == "☐ too slow ☐ about right ☐ too fast"
    assert re.findall(r'<th scope="col">(.*?)</th>', feedback_form_html(root))[-2:] == [
        "about the day", "tick one"]


def test_a_choice_stays_whole_on_the_printed_form(tmp_path):
    """A choice with words is kept on one line with its box ("☐ did not" then "work" on the
    next line read as a fourth choice); a bare box and the boxes of the lede are left as they
    are."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "feedback-form.md").write_text(
        "# Feedback\nFormat: ☐ 1-day ☐ 2-day\n## The day\n| line | 1 | tick one |\n|---|---|---|\n"
        "| The setup | ☐ | ☐ just worked ☐ did not work |\n", encoding="utf-8")
    form = feedback_form_html(tmp_path)
    assert ('<td><span class="choice">☐ just worked</span> '
            '<span class="choice">☐ did not work</span></td>') in form and "<td>☐</td>" in form
    assert "Format: ☐ 1-day ☐ 2-day" in form and ".choice { white-space: nowrap;" in form


@pytest.mark.browser
def test_named_rows_and_columns_stay_shaded_and_bold(root):
    """The page shell draws a row header as a plain cell; the cheat sheet's numbers keep the
    look they had as unscoped headers, and the feedback form's head rows keep theirs."""
    assert header_looks(cheat_sheet_html(root, MODULES[0])) == [SHADED_BOLD] * 3
    form = feedback_form_html(root)
    assert header_looks(form) == [SHADED_BOLD] * len(header_scopes(form))


def test_a_lesson_without_cheat_sheet_metadata_is_named(root, tmp_path):
    (tmp_path / "notebooks").mkdir()
    m = MODULES[0]
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / m.lesson)
    with pytest.raises(RoomKitError, match=r"00_welcome.ipynb: metadata deploydl.cheatsheet"):
        cheat_sheet_html(tmp_path, m)


@pytest.mark.parametrize("m", MODULES, ids=lambda m: m.number)
def test_the_answer_key_has_one_answer_per_exercise(root, m):
    found = [ident for ident, code in answers(root / "solutions" / m.lab) if code.strip()]
    assert found == [e.id for e in module_exercises(m.number)]


def test_the_answer_key_shows_the_solution_code(root):
    page = answer_key_html(root)
    assert "recall = 120 / (120 + 80)" in page and "02.1 Recall from a confusion matrix" in page


def test_every_solution_block_of_a_cell_is_in_the_answer_key(tmp_path):
    source = ("### BEGIN SOLUTION\nrecall = 0.6\n### END SOLUTION\ncheck('02.1', recall)\n"
              "def fix():\n    ### BEGIN SOLUTION  (the fix)\n    return 2\n"
              "    ### END SOLUTION\ncheck(\"02.2\", fix)\n")
    solution = tmp_path / "02_x_lab.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)]), solution)
    assert answers(solution) == [("02.1", "recall = 0.6"), ("02.2", "return 2")]


def test_a_feedback_form_without_headings_is_named(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "feedback-form.md").write_text("# Feedback\nHow was it?\n")
    with pytest.raises(RoomKitError, match=r"feedback-form.md: no '## ' heading"):
        feedback_form_html(tmp_path)


def test_the_feedback_form_lists_every_module(root):
    page = feedback_form_html(root)
    for m in MODULES:
        assert f"{m.number} {m.title}" in page


@pytest.mark.parametrize("m", MODULES, ids=lambda m: m.number)
def test_instructor_guide_debriefs_every_exercise_of_every_lab(root, m):
    """Each debrief names its exercises as the registry does, "**ID** (title)": the reported
    gap was debriefs of exercises that had since been replaced (00.2, 04.4) under old labels."""
    guide = (root / "docs" / "instructors.md").read_text(encoding="utf-8")
    match = re.search(rf"^### Debrief: {m.number} {re.escape(m.title)}\n(.*?)(?=^##)", guide,
                      re.M | re.S)
    assert match, f"docs/instructors.md has no '### Debrief: {m.number} {m.title}'"
    debrief = " ".join(match.group(1).split())  # labels may wrap across lines
    wrong = {e.id: e.title for e in module_exercises(m.number)
             if f"**{e.id}** ({e.title})" not in debrief}
    assert wrong == {}, f"the {m.number} debrief should name these as '**ID** (title)': {wrong}"
    labelled = re.findall(r"\*\*(\d\d\.\d)\*\*", debrief)
    assert set(labelled) <= {e.id for e in module_exercises(m.number)}, (
        f"the {m.number} debrief names exercises its lab does not have: {labelled}")


@pytest.mark.browser
@pytest.mark.slow
def test_printed_cheat_sheets_are_one_page_each(root, tmp_path):
    import pypdfium2

    with chromium():  # skips without Chromium (fails under CI)
        pass
    written = build_room_kit(root, out=tmp_path)
    pages = {p.stem: len(pypdfium2.PdfDocument(str(p))) for p in written if p.suffix == ".pdf"}
    sheets = {name: n for name, n in pages.items() if name.startswith("cheatsheet-")}
    assert len(sheets) == len(MODULES)
    assert set(sheets.values()) == {1}, f"a cheat sheet runs over one page: {sheets}"
    assert pages["feedback-form"] == 1 and pages["answer-key"] >= 2
