"""docs/glossary.md defines every term a lesson puts in bold, so it cannot fall behind."""

from __future__ import annotations

import re

from deploydl.course.curriculum import bold_terms

ENTRY = re.compile(r"^- \*\*(?P<term>.+?)\*\*(?: \(also: (?P<also>[^)]*)\))? "
                   r"\(Module (?P<m>\d\d)\): (?P<text>.+)$", re.M)


def glossary(root) -> dict[str, str]:
    """Each defined term and alias, lower-cased -> its definition."""
    text = (root / "docs" / "glossary.md").read_text(encoding="utf-8")
    found = {}
    for entry in ENTRY.finditer(text):
        names = [entry["term"], *(entry["also"] or "").split(";")]
        found.update({n.strip().lower(): entry["text"] for n in names if n.strip()})
    return found


def test_every_bold_term_in_a_lesson_is_in_the_glossary(root):
    terms, defined = bold_terms(root), glossary(root)
    missing = {t: m for t, m in terms.items() if t not in defined}
    assert missing == {}, (f"bold in a lesson but not in docs/glossary.md (term: module): "
                           f"{missing}; add a line '- **Term** (Module NN): definition.'")
    assert len(terms) > 60


def test_the_glossary_has_the_terms_the_room_asked_for(root):
    defined = glossary(root)
    for term in ("roc auc", "ks distance", "p-value", "drift", "percentage points"):
        assert term in defined, term


def test_every_glossary_line_is_an_entry_in_alphabetical_order(root):
    text = (root / "docs" / "glossary.md").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.startswith("- ")]
    entries = [m["term"].lower() for m in ENTRY.finditer(text)]
    assert len(entries) == len(lines), "a line does not read '- **Term** (Module NN): ...'"
    assert entries == sorted(entries)


def test_bold_terms_leaves_out_labels_amounts_and_takeaways(root):
    terms = bold_terms(root)
    assert "roc auc" in terms and terms["lineage"] == "01"
    assert not any(t.endswith(":") or t.startswith("$") for t in terms)
    assert "what this means for you:" not in terms and "every" not in terms
