"""Checks that keep the lessons' claims true: sources, dollar signs, and numbers bound to outputs.

Three checks, each a plain function that returns a list of problems (empty = fine), so the
tests in ``tests/course/test_claims.py`` stay one line each and an instructor can run them on a new
lesson:

* :func:`source_problems`: a lesson that names a law, a regulator or an outside figure must
  have an entry in ``docs/references.md`` and list its id under its own "Sources" heading; a
  pinpoint citation (an article, a CFR section, a Civil Code section, an annex) must be
  written in ``docs/references.md`` too. :func:`document_source_problems` asks the same of the
  README and ``docs/*.md``, less the Sources list (they cite ids in their text, not in one list).
* :func:`dollar_problems`: a Markdown paragraph with two dollar signs is typeset as maths in
  JupyterLab (and a backslash does not reliably stop it). The entity ``&#36;`` is no way out
  either: the browser decodes it before MathJax scans the text, so two of them pair up too (the
  JupyterLab browser test saw it). Write "USD", or at most one dollar sign a paragraph.
* :func:`number_problems`: a number in a lesson's prose (a decimal, a percentage, a ratio such
  as "3.2x") must be one the lesson's code states or one its outputs show, within rounding.
  Sentences built from computed values in a hidden code cell pass by construction.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

#: Names that need a source, and the ``docs/references.md`` id that gives it.
NAMED_SOURCES: dict[str, str] = {
    r"\bGDPR\b": "gdpr", r"\bCCPA\b|\bCPRA\b": "ccpa",
    r"Gramm-Leach-Bliley|\bGLBA\b|Fair Credit Reporting|\bFCRA\b|1798\.145": "ccpa-exemptions",
    r"\bCPPA\b|automated[- ]decision(?:making)? (?:technology|rules)": "cppa-admt",
    r"\bColorado\b|\bSB 2\d[A-Z]?-\d+": "colorado-admt",
    r"four-fifths|4/5ths|\bEEOC\b": "eeoc-four-fifths",
    r"\bECOA\b|Equal Credit Opportunity|Regulation B|disparate (?:treatment|impact)": "ecoa",
    r"Fair Housing Act": "fair-housing-act",
    r"1002\.6\(b\)\(2\)": "regb-age", r"adverse[- ]action": "regb-adverse-action",
    r"\bCFPB\b": "cfpb-complex-models", r"1002\.12": "regb-retention",
    r"2015/849|anti-money-laundering": "amld-art-40",
    r"\bAI Act\b|Annex III": "eu-ai-act", r"SCHUFA|C-634/21": "cjeu-schufa",
    r"Consumer Credit Directive|2023/2225": "eu-ccd-2023-2225",
    r"SR 11-7|model[- ]risk management": "sr-11-7",
    r"Kamiran": "kamiran-calders", r"CTGAN": "ctgan",
    r"\bPSI\b|population stability": "psi-rule-of-thumb",
    r"\bLambda\b": "aws-lambda-billing", r"TorchScript|torch\.export": "torchscript-deprecated",
    r"Netflix": "case-netflix-prize", r"childcare benefits": "case-dutch-childcare",
    r"Flu Trends": "case-google-flu", r"\bAmazon\b": "case-amazon-recruiting",
    r"Knight Capital": "case-knight-capital", r"Tensor Processing Unit": "case-google-tpu",
    r"Zillow": "case-zillow-offers", r"Ofqual|A-level": "case-uk-alevels-2020",
    r"Apple Card": "case-apple-card", r"four characters": "llm-tokens", r"\bOrca\b": "orca",
    r"\bvLLM\b": "vllm", r"\bErlang\b": "erlang-c",
    r"TorchServe|ExecuTorch|PyTorch Foundation": "framework-pytorch",
    r"TensorFlow Serving|LiteRT|TensorFlow Lite|SavedModel": "framework-tensorflow",
    r"Keras 3": "framework-keras", r"\bJAX\b": "framework-jax",
    r"Stack Overflow": "so-survey",
    r"Social Security": "ssn-unissued-areas", r"\btest cards?\b|\bStripe\b": "test-card-numbers",
    r"handwritten digits|handwriting|cheque[- ]digit": "uci-optdigits",
    r"\bLitServe\b": "litserve-workers",
}
#: Names only the README and docs/*.md make, each with the ``docs/references.md`` id that gives
#: it. A lesson that names one needs the pattern in NAMED_SOURCES instead (and the id in its
#: Sources list).
DOC_SOURCES: dict[str, str] = {
    r"Littlest JupyterHub|\bTLJH\b": "tljh",  # hosting a cohort
    r"\btelemetry\b": "onnxruntime-telemetry",  # what the course writes on a laptop
    r"execution policy|Windows PowerShell 5\.1": "windows-powershell",  # installing by hand
    r"pip issue 11664|pypa/pip/issues/11664": "pip-platform-markers",  # one kit per platform
    r"macOS 1\d or later": "torch-macos-arm64",  # which Macs
    r"\blong paths\b|test-infra/pull/8094": "torch-windows-long-paths",  # a short folder
}
#: Pinpoint citations that must appear, as written, in docs/references.md.
CITATION = re.compile(
    r"Art(?:icle|\.)\s?\d+(?:\(\d+\))?(?:\([a-z]\))?"
    r"|\d+ CFR \d+(?:\.\d+)?(?:\([a-z0-9]+\))*"
    r"|\d+ U\.S\.C\. \d+|Civ\. Code \d+\.\d+|Annex [IVX]+(?:, point \d+\([a-z]\))?")
SOURCES_HEADING = re.compile(r"^#+\s*Sources\b", re.MULTILINE)
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
_NUMBER = re.compile(r"(?<![\w.#/&-])(\d+(?:,\d{3})*\.\d+|\d+(?:\.\d+)?"
                     r"(?=\s?(?:%|x\b|×|[- ]points?\b|[- ]percentage)))")


def read_notebook(path: str | Path) -> dict:
    """A notebook as a dict (``nbformat`` JSON)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def cells_of(notebook: dict, kind: str) -> list[tuple[int, str]]:
    """(index, source) of every cell of ``kind`` ("markdown" or "code")."""
    return [(i, "".join(c["source"])) for i, c in enumerate(notebook["cells"])
            if c["cell_type"] == kind]


def reference_ids(references: str) -> set[str]:
    """The ids (``### id`` headings) of ``docs/references.md``."""
    return set(re.findall(r"^###\s+(\S+)", references, re.MULTILINE))


def needed_sources(text: str, names: dict[str, str] = NAMED_SOURCES) -> set[str]:
    """The reference ids a text needs, from the names (patterns of ``names``) it mentions."""
    return {ref for pattern, ref in names.items() if re.search(pattern, text)}


def missing_citations(text: str, references: str) -> list[str]:
    """The pinpoint citations in ``text`` (``Art. 17(3)``, ``12 CFR 1002.9``...) that
    ``references`` does not write, "Article" and "Art." counting as the same."""
    return [citation for citation in sorted(set(CITATION.findall(text)))
            if citation.replace("Article", "Art.") not in references
            and citation not in references]


def _citation_problem(where: str, citation: str) -> str:
    return (f"{where}: citation '{citation}' is not in docs/references.md; add it to the entry "
            "it belongs to")


def source_problems(notebook: dict, references: str) -> list[str]:
    """Names without a reference entry, citations not in the references, ids not in Sources."""
    ids, problems = reference_ids(references), []
    prose = [(i, _CODE.sub("", s)) for i, s in cells_of(notebook, "markdown")
             if not SOURCES_HEADING.search(s)]
    rendered = [(i, s) for i, s in cells_of(notebook, "code") if "Markdown(" in s]
    listed = " ".join(s for _, s in cells_of(notebook, "markdown") if SOURCES_HEADING.search(s))
    for index, text in prose + rendered:
        for ref in sorted(needed_sources(text)):
            if ref not in ids:
                problems.append(f"cell {index}: needs a docs/references.md entry '{ref}'")
            elif f"`{ref}`" not in listed and f"#{ref}" not in listed:
                problems.append(f"cell {index}: cites '{ref}' but the lesson's Sources list "
                                f"does not name it")
        problems += [_citation_problem(f"cell {index}", c)
                     for c in missing_citations(text, references)]
    return problems


def document_source_problems(text: str, references: str) -> list[str]:
    """Names in a README or ``docs/`` page (outside code) whose source the page does not cite:
    the ``docs/references.md`` id must be an entry there and be written on the page (as
    `` `id` `` or a link to ``#id``), so a reader can find the source; and pinpoint citations
    that the references do not write."""
    prose, ids = _CODE.sub("", text), reference_ids(references)
    needed = needed_sources(prose, NAMED_SOURCES) | needed_sources(prose, DOC_SOURCES)
    return ([f"needs a docs/references.md entry '{ref}' for a name it uses"
             for ref in sorted(needed - ids)]
            + [f"names a source without citing it: write `{ref}` (docs/references.md) on the page"
               for ref in sorted(needed & ids) if f"`{ref}`" not in text and f"#{ref}" not in text]
            + [_citation_problem("text", c) for c in missing_citations(prose, references)])


def dollar_problems(text: str) -> list[str]:
    """Paragraphs (outside code) with two or more dollar signs, written as ``$`` or ``&#36;``:
    JupyterLab reads them as maths."""
    paragraphs = re.split(r"\n\s*\n", _CODE.sub("", text))
    return [p.strip()[:80] for p in paragraphs if p.count("$") + p.count("&#36;") >= 2]


def _numbers(text: str) -> list[str]:
    return _NUMBER.findall(text)


def _value(token: str) -> float:
    return float(token.replace(",", ""))


def _decimals(token: str) -> int:
    return len(token.split(".")[1]) if "." in token else 0


def output_text(notebook: dict) -> str:
    """Every text a notebook's stored outputs show (streams, plain text, HTML, Markdown)."""
    parts = []
    for cell in notebook["cells"]:
        for out in cell.get("outputs", []):
            parts.append("".join(out.get("text", "")))
            for mime in ("text/plain", "text/html", "text/markdown"):
                parts.append("".join(out.get("data", {}).get(mime, "")))
    return "\n".join(parts)


def _matches(token: str, candidates: list[float]) -> bool:
    value, places = _value(token), _decimals(token)
    tolerance = 0.5 * 10 ** -places + 1e-9
    return any(abs(c * scale - value) <= tolerance
               for c in candidates for scale in (1, 100, 0.01))


def number_problems(notebook: dict, *, also: str = "") -> list[str]:
    """Numbers in prose that neither the lesson's code states nor its outputs show.

    ``also`` is extra text whose numbers count as stated (e.g. ``docs/references.md`` for legal
    figures). A sentence rendered from computed values by a code cell passes by construction.
    """
    stated = " ".join(s for _, s in cells_of(notebook, "code")) + output_text(notebook) + also
    candidates = [_value(t) for t in re.findall(r"\d+(?:,\d{3})*(?:\.\d+)?", stated)]
    problems = []
    for index, text in cells_of(notebook, "markdown"):
        for token in _numbers(_CODE.sub("", text)):
            if not _matches(token, candidates):
                problems.append(f"cell {index}: '{token}' is in the prose but in no output or "
                                "code of the lesson; render the sentence from the computed value")
    return problems
