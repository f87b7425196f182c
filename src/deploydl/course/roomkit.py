"""The printed room kit, generated from the course so it cannot drift (``deploydl kit``).

- one cheat sheet per module (HTML and a one-page PDF): the three numbers and the decision
  from the lesson's ``deploydl.cheatsheet`` metadata, the questions to ask and the key
  takeaways copied from the lesson's own cells;
- the answer key: every exercise's answer, read from ``solutions/`` between the solution
  markers, with the check that follows it, then the before-and-after assessment's questions
  with the right options and why (from :mod:`deploydl.assessment`);
- the feedback form, from ``docs/feedback-form.md``.

Pages use the course's one page shell (:func:`deploydl.present.report.render_page`), end with the
course's credit line (:data:`deploydl.present.report.COURSE_CREDIT`) and print with Chromium
(:func:`deploydl.present.report.write_pdf`).
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import nbformat

from deploydl.course.curriculum import MODULES, Module
from deploydl.course.labs import CHECK_ID, SOLUTION_BLOCK
from deploydl.exercises.registry import module_exercises
from deploydl.present.report import COURSE_CREDIT, Section, render_page, write_pdf

if TYPE_CHECKING:
    import mistune
    from mistune.plugins import Plugin

QUESTIONS, TAKEAWAYS = "## Questions to ask your team", "## Key takeaways"


#: The printed feedback form's look: room to write under each open question, and each choice
#: of a line (:data:`_CHOICE`) kept on one line with its box and set apart from the next.
_FORM_STYLE = ("ol li { margin-bottom: 4.5em; } "
               ".choice { white-space: nowrap; margin-right: 1em; }")
#: One choice of a line of the feedback form: its tick box and its words ("☐ too slow"), up to
#: the next box or tag. A bare box (a column of the module table) has no words and no match.
_CHOICE = re.compile(r"☐ ([^☐<]*[^☐<\s])")


class RoomKitError(ValueError):
    """A lesson lacks what its cheat sheet needs; the message names the lesson and the fix."""


def _markdown(text: str, *plugins: Plugin) -> str:
    """``text`` as HTML, its tables' head cells naming their columns; ``plugins`` add to that."""
    import mistune

    # The default (HTML) renderer returns text; only renderer="ast" returns a list of tokens.
    return cast(str, mistune.create_markdown(plugins=["table", _column_headers, *plugins])(text))


def _column_headers(md: mistune.Markdown) -> None:
    """A mistune plugin, after ``table``: a table's head cells name their columns
    (``<th scope="col">``), so a screen reader says which column a cell is in."""
    if md.renderer is not None:
        md.renderer.register("table_cell", _table_cell)


def _row_headers(md: mistune.Markdown) -> None:
    """A mistune plugin, after :func:`_column_headers`: the first cell of each table body row
    names its row (``<th scope="row">``, as :func:`deploydl.present.report.html_table` writes
    it), so a screen reader says which module, or which line of the form, a tick box is on."""
    md.before_render_hooks.append(_mark_row_headers)


def _mark_row_headers(md: mistune.Markdown, state: mistune.BlockState) -> None:
    """Make the first cell of each table body row (mistune's ``table_row`` token; the head's
    cells sit straight under ``table_head``) a head cell for its row, in ``state``'s tokens."""
    for token in _tokens(state.tokens):
        if token["type"] == "table_row":
            token["children"][0]["attrs"].update(head=True, scope="row")


def _tokens(tokens: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every token of the tree ``tokens``, each before its children."""
    for token in tokens:
        yield token
        yield from _tokens(token.get("children", []))


def _table_cell(renderer: mistune.BaseRenderer, text: str, align: str | None = None,
                head: bool = False, scope: str = "col") -> str:
    """mistune's table cell; a head cell with the ``scope`` it names ("col", or "row" where
    :func:`_row_headers` marked it)."""
    from mistune.plugins.table import render_table_cell

    cell = render_table_cell(renderer, text, align=align, head=head)
    return cell.replace("<th", f'<th scope="{scope}"', 1) if head else cell


def _lesson_cell(notebook: nbformat.NotebookNode, heading: str, path: Path) -> str:
    """The body of the lesson's markdown cell that starts with ``heading``."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and cell.source.startswith(heading):
            return cell.source[len(heading):].strip()
    raise RoomKitError(f"{path}: no markdown cell starts with {heading!r}; every lesson ends "
                       "with one (see CURRICULUM.md), and the cheat sheet copies it.")


def cheat_sheet_html(root: Path, m: Module) -> str:
    """One module's cheat sheet: the three numbers, the questions, the decision, the takeaways."""
    path = root / m.lesson
    notebook = nbformat.read(path, as_version=4)
    sheet = notebook.metadata.get("deploydl", {}).get("cheatsheet")
    if not sheet or len(sheet.get("numbers", [])) != 3 or not sheet.get("decision"):
        raise RoomKitError(f"{path}: metadata deploydl.cheatsheet needs 'numbers' (three "
                           f"[name, meaning] pairs) and 'decision'; found {sheet!r}.")
    rows = "".join(f'<tr><th scope="row">{html.escape(name)}</th><td>{html.escape(meaning)}'
                   "</td></tr>" for name, meaning in sheet["numbers"])
    sections = [
        Section("The three numbers to ask for",
                f"<table><tbody>{rows}</tbody></table>"),
        Section("Questions to ask your team", _markdown(_lesson_cell(notebook, QUESTIONS, path))),
        Section("The decision that is yours",
                f'<p class="decision">{html.escape(sheet["decision"])}</p>'),
        Section("Key takeaways", _markdown(_lesson_cell(notebook, TAKEAWAYS, path))),
    ]
    return render_page(f"{m.number} · {m.title}: cheat sheet", lede=m.learn, sections=sections,
                       footer=COURSE_CREDIT)


def answers(solution: Path) -> list[tuple[str, str]]:
    """(exercise id, answer code) for every solution block in a solved lab, in order.

    The id is that of the first ``check(...)`` call after the block in its cell ("?" when
    none follows); the code is the block's, without its common indent.
    """
    found = []
    for cell in nbformat.read(solution, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        for block in SOLUTION_BLOCK.finditer(cell.source):
            check = CHECK_ID.search(cell.source, block.end())
            found.append((check.group(1) if check else "?",
                          textwrap.dedent(block.group(2)).rstrip()))
    return found


def answer_key_html(root: Path) -> str:
    """Every exercise's answer, module by module, from ``solutions/``; then the assessment's."""
    from deploydl.assessment.sheet import answer_key_html as assessment_key

    sections = []
    for m in MODULES:
        solution = root / "solutions" / m.lab
        if not solution.exists():
            continue
        titles = {e.id: e.title for e in module_exercises(m.number)}
        items = "".join(f"<h3>{html.escape(ident)} {html.escape(titles.get(ident, ''))}</h3>"
                        f"<pre>{html.escape(code)}</pre>" for ident, code in answers(solution))
        sections.append(Section(f"{m.number} · {m.title}", items))
    sections.append(Section("The before-and-after assessment (Modules 00 and 08)",
                            assessment_key()))
    return render_page("Deploying Deep Learning: answer key", sections=sections, lede=(
        "The answer to every lab exercise, taken from solutions/, then the right option of "
        "each assessment question, numbered as on the learners' sheet. For the instructor; "
        "the hints that teach are in the labs themselves, and the assessment's answers are "
        "explained to learners only after they answer again in Module 08."), footer=COURSE_CREDIT)


def feedback_form_html(root: Path) -> str:
    """The feedback form, from ``docs/feedback-form.md`` (one section per ``##`` heading)."""
    path = root / "docs" / "feedback-form.md"
    text = path.read_text(encoding="utf-8")
    title, *parts = re.split(r"^## ", text, flags=re.M)
    if not parts:
        raise RoomKitError(f"{path}: no '## ' heading, so the form has no question; give each "
                           "section of the form a '## ' heading line, as the course's form does.")
    heading, _, lede = title.strip().partition("\n")
    sections = [Section(part.partition("\n")[0].strip(),
                        _choices(_markdown(part.partition("\n")[2], _row_headers)))
                for part in parts]
    return render_page(heading.lstrip("# ").strip(), lede=lede.strip(), sections=sections,
                       footer=COURSE_CREDIT, extra_css=_FORM_STYLE)


def _choices(body: str) -> str:
    """``body`` with each choice that carries its own words ("☐ too slow") in a
    ``<span class="choice">``, so the printed form never breaks a choice across lines."""
    return _CHOICE.sub(r'<span class="choice">☐ \1</span>', body)


def build_room_kit(root: Path, *, out: Path, pdf: bool = True) -> list[Path]:
    """Write every cheat sheet, the answer key and the feedback form (HTML, and PDF if asked).

    Chromium failing to print a page is a :class:`RoomKitError` that says what to do.
    """
    out.mkdir(parents=True, exist_ok=True)
    pages = {f"cheatsheet-{m.number}_{m.slug}": cheat_sheet_html(root, m)
             for m in MODULES if (root / m.lesson).exists()}
    pages["answer-key"] = answer_key_html(root)
    pages["feedback-form"] = feedback_form_html(root)
    written = []
    for name, page in pages.items():
        path = out / f"{name}.html"
        path.write_text(page, encoding="utf-8")
        written.append(path)
        if pdf:
            written.append(_printed(path))
    return written


def _printed(page: Path) -> Path:
    """``page`` printed to PDF beside it; Chromium's failure as a :class:`RoomKitError`."""
    try:
        return write_pdf(page, page.with_suffix(".pdf"))
    except RuntimeError as exc:  # write_pdf's: Chromium failed or hung
        raise RoomKitError(f"{exc}; run `deploydl kit --no-pdf` and print the HTML pages "
                           "from a browser") from exc
