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
  as "3.2x", a whole number with thousands separators such as "USD 1,846,000", an amount with
  a scale word such as "USD 2.3M", the second number of a range) must be one the lesson's code
  states or one its outputs show, within rounding. Sentences built from computed values in a
  hidden code cell pass by construction. :func:`assumed_figures` gives the figures the course
  assumes rather than computes (the bank's error costs...), so prose may state those too.
"""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

from deploydl.data import APPLICATIONS_PER_YEAR
from deploydl.evaluation.costs import ErrorCosts
from deploydl.exercises.m05_figures import LATENCY_BUDGET_MS, MONTHLY_PREDICTIONS, MS_PER_BATCH

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
#: Where a prose number may start: not inside a word, a number, a path or an entity; after a
#: hyphen only when the hyphen ends a number, with its unit if it has one (the second number of
#: a range: "0.763-0.861", "30%-45%", "1.7x-2.4x", "2.3M-2.9M"), or follows a space, a bracket
#: or nothing (a minus sign). A hyphen after a letter that starts a word is a name's, which
#: :data:`_IDENTIFIER` blanks first.
_START = r"(?<![\w.#/&])(?<![^\w\s(%×]-)"
#: A name joined by a hyphen, with the numbers in it ("seed-42", "int8-1,000", "COVID-19"): its
#: numbers name something and are not figures, so the reader skips the name whole.
_IDENTIFIER = re.compile(r"\b[^\W\d]\w*-[\w.,-]*")
#: The scale words an amount may carry, and what each multiplies it by.
_SCALES = {"thousand": 1e3, "k": 1e3, "K": 1e3, "million": 1e6, "M": 1e6, "billion": 1e9,
           "bn": 1e9}
_SCALE = r"(?:\s?(?:thousand|million|billion)\b|(?:k|K|M|bn)\b)"
_NUMBER = re.compile(_START + r"(\d+(?:,\d{3})*(?:\.\d+)?" + _SCALE  # "2.3M", "460 million"
                     + r"|\d+(?:,\d{3})*\.\d+"  # a decimal
                     r"|\d{1,3}(?:,\d{3})+(?!\d|,\d)"  # a whole number with separators
                     r"|\d+(?:\.\d+)?(?=\s?(?:%|x\b|×|[- ]points?\b|[- ]percentage)))")
#: A percentage's unit, after its number: "%", "points", "percentage points".
_PERCENT = re.compile(r"\s?(?:%|[- ]points?\b|[- ]percentage)")
#: Numbers that name something, not figures: an exercise's ("exercise 08.5", "lab 05.1") and
#: a version ("1.1.0").
_EXERCISE_ID = r"\d\d\.\d{1,2}"
_NAMED_NUMBER = re.compile(rf"\b(?:[Ee]xercises?|[Ll]abs?) {_EXERCISE_ID}"
                           rf"(?:(?:, | and | or ){_EXERCISE_ID})*(?![\d%]|\s?%)"
                           r"|(?<![\w.])\d+\.\d+\.\d+(?!\d)")
#: An embedded file in HTML or Markdown: ``data:image/png;base64,iVBOR...``.
_DATA_URL = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+")
#: A number in code or an output: separators "," (shown) or "_" (a Python literal), and a
#: scale word if it has one.
_STATED = re.compile(r"\d+(?:[,_]\d{3})*(?:\.\d+)?(?:" + _SCALE + ")?")
#: A percentage in code or an output ("32%", "32.0 %"): the only stated numbers a share in
#: prose ("0.32") may come from.
_STATED_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s?%")


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


def _numbers(text: str) -> list[tuple[str, str]]:
    """Each prose number, with the text after it (where its unit is)."""
    text = _IDENTIFIER.sub(" ", _NAMED_NUMBER.sub(" ", text))
    return [(m[1], text[m.end():m.end() + 12]) for m in _NUMBER.finditer(text)]


def _parts(token: str) -> tuple[str, float]:
    """A number's digits, and the factor its scale word gives (1 without one)."""
    digits = token.rstrip(string.ascii_letters + string.whitespace)
    return digits, _SCALES.get(token[len(digits):].strip(), 1.0)


def _value(token: str) -> float:
    digits, factor = _parts(token)
    return float(digits.replace(",", "").replace("_", "")) * factor


def _tolerance(token: str) -> float:
    """Half a unit of the last place written: 0.005 for "0.68", 50,000 for "2.3M"."""
    digits, factor = _parts(token)
    places = len(digits.split(".")[1]) if "." in digits else 0
    return 0.5 * 10 ** -places * factor + 1e-9


def _stated_values(text: str) -> list[float]:
    """Every number in code or outputs, with its scale word and without it ("2.31M" is both
    2,310,000 and 2.31)."""
    tokens = _STATED.findall(text)
    return [v for token in tokens for v in {_value(token), _value(_parts(token)[0])}]


def output_text(notebook: dict) -> str:
    """Every text a notebook's stored outputs show (streams, plain text, HTML, Markdown), less
    the images HTML embeds as ``data:`` URLs, whose base64 runs hold digits no reader sees."""
    parts = []
    for cell in notebook["cells"]:
        for out in cell.get("outputs", []):
            parts.append("".join(out.get("text", "")))
            for mime in ("text/plain", "text/html", "text/markdown"):
                parts.append("".join(out.get("data", {}).get(mime, "")))
    return _DATA_URL.sub(" ", "\n".join(parts))


def _matches(token: str, after: str, candidates: list[float], percents: list[float]) -> bool:
    """Whether the prose ``token`` (``after`` it, its unit) is a stated number: one of
    ``candidates`` at the precision written, or a share and its percentage ("32%" or "32
    points" for a stated 0.32; "0.32" for a stated "32%", one of ``percents``). Nothing else
    counts a hundred times over: "USD 8,000" is not a stated 80, nor "0.32" a stated 32."""
    value, tolerance = _value(token), _tolerance(token)
    pairs = [(c, 1.0) for c in candidates]
    if _PERCENT.match(after):
        pairs += [(c, 100.0) for c in candidates]
    elif value <= 1:
        pairs += [(p, 0.01) for p in percents]
    return any(abs(c * scale - value) <= tolerance for c, scale in pairs)


def assumed_figures(module: str = "") -> str:
    """The figures the course assumes rather than computes, as the package holds them, for
    :func:`number_problems`'s ``also`` on Module ``module``'s lesson or lab ("05"): the bank's
    error costs (:class:`ErrorCosts`, US dollars per loan) and its applications a year, for
    every module; lab 05's fixed figures (model times and latency budget in ms, cheque digits
    a month) for Module 05 only, whose lab and instructor notes quote them (small numbers such
    as 0.9 and 2.1 would vouch for "90%" or "2.1x" anywhere). Prose may state one ("a bad loan
    approved costs USD 8,000"); once the package's figure changes, that prose fails."""
    costs = ErrorCosts()
    figures = [costs.bad_loan_approved, costs.good_customer_turned_away, APPLICATIONS_PER_YEAR]
    if module == "05":
        figures += [LATENCY_BUDGET_MS, MONTHLY_PREDICTIONS, *MS_PER_BATCH.values()]
    return " ".join(str(figure) for figure in figures)


def number_problems(notebook: dict, *, also: str = "") -> list[str]:
    """Numbers in prose that neither the lesson's code states nor its outputs show.

    The prose numbers read, outside code spans: decimals ("0.686"); numbers followed by "%",
    "x", "×", "points" or "percentage"; whole numbers with thousands separators ("1,846,000");
    amounts with a scale word ("2.3M", "460 million", "USD 30 billion"); each also as the
    second number of a range ("0.763-0.861", "30%-45%", "2,500–4,100") or after a minus sign.
    Not read: a name joined by a hyphen and the numbers in it ("seed-42", "AVX-512"), and whole
    numbers without separators or a scale word (years, article numbers, small counts). A
    number matches at the precision written: "0.69" any value from 0.685 to 0.695, "2.3M"
    2,250,000 to 2,350,000, "1,846,000" only 1,846,000. A share and its percentage count as
    one number: 0.32 states "32%" and "32 points", and "32%" states "0.32"; no other number
    counts a hundred times larger or smaller (a stated 32 without "%" does not state 0.32). An
    exercise's number ("exercise 08.5", "exercises 08.5 and 08.6") is not read, nor is a
    version ("1.1.0").

    The stated numbers are every number in the code (``20_000`` is 20,000), in the stored
    outputs, and in ``also``, extra text whose numbers count as stated (``docs/references.md``
    for legal figures, :func:`assumed_figures` for the course's assumptions); one with a scale
    word ("USD 2.31M") counts with it and without it. A sentence rendered from computed values
    by a code cell passes by construction.
    """
    code = " ".join(s for _, s in cells_of(notebook, "code"))
    stated = "\n".join([code, output_text(notebook), also])  # apart, so no two numbers join
    candidates = _stated_values(stated)
    percents = [float(p) for p in _STATED_PERCENT.findall(stated)]
    problems = []
    for index, text in cells_of(notebook, "markdown"):
        for token, after in _numbers(_CODE.sub("", text)):
            if not _matches(token, after, candidates, percents):
                problems.append(f"cell {index}: '{' '.join(token.split())}' is in the prose but in "
                                "no output or code of the lesson; render the sentence from the "
                                "computed value")
    return problems
