"""The course map: every module, its notebooks and its time (used by the README, the
agenda, ``deploydl doctor`` and ``deploydl progress``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

#: How a learner runs ``deploydl progress``: the command is in the course's .venv, not on PATH
#: (README, "Running deploydl while JupyterLab runs").
PROGRESS_COMMAND = ("`make progress` (or `.venv/bin/deploydl progress`; on Windows "
                    "`.venv\\Scripts\\deploydl progress`)")


@dataclass(frozen=True)
class Module:
    """One module of the course. Its minutes live in the lesson's metadata (one source)."""

    number: str
    slug: str
    title: str
    learn: str

    @property
    def lesson(self) -> str:
        return f"notebooks/{self.number}_{self.slug}.ipynb"

    @property
    def lab(self) -> str:
        return f"{self.number}_{self.slug}_lab.ipynb"


MODULES: tuple[Module, ...] = (
    Module("00", "welcome", "Welcome and setup",
           "How the course works; a real model trained, served and called in five minutes"),
    Module("01", "data_governance", "Data management and governance",
           "Catalogs, lineage, quality rules, access control and GDPR/CCPA duties"),
    Module("02", "model_evaluation", "Model selection and evaluation",
           "Model families, metrics in money, the threshold as a business decision"),
    Module("03", "responsible_ai", "Responsible AI",
           "Fairness metrics and mitigation, reason codes, privacy, model cards"),
    Module("04", "deployment", "Deployment and integration",
           "A versioned model served over HTTP; Docker, Kubernetes, serverless, CI/CD gates"),
    Module("05", "efficient_inference", "Efficient inference",
           "Latency, throughput and cost per prediction; batching, quantisation, export"),
    Module("06", "monitoring", "Monitoring and maintenance",
           "Drift, decay, alerts, canary releases, A/B tests and rollback"),
    Module("07", "stakeholder_communication", "Stakeholder communication",
           "An executive brief and a communication plan built from the real numbers"),
    Module("08", "capstone", "Capstone and careers",
           "The whole life cycle on a new scenario; the roles in model deployment"),
)


def module(number: str) -> Module:
    """The module with this two-digit number."""
    for m in MODULES:
        if m.number == number:
            return m
    raise KeyError(f"No module {number!r}; the course has {[m.number for m in MODULES]}.")


def project_root(start: Path | None = None) -> Path:
    """The course checkout: the nearest folder above ``start`` holding notebooks/ and solutions/."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "notebooks").is_dir() and (folder / "solutions").is_dir():
            return folder
    raise FileNotFoundError(
        f"No course checkout found at or above {here}: run this inside the course folder "
        "(the one with notebooks/ and solutions/).")


def lesson_minutes(root: Path, m: Module) -> tuple[int, int] | None:
    """(teaching, exercise) minutes from a lesson's ``deploydl`` metadata; None if not written."""
    import nbformat

    path = root / m.lesson
    if not path.exists():
        return None
    meta = nbformat.read(path, as_version=4).metadata.get("deploydl", {})
    return int(meta.get("teach_minutes", 0)), int(meta.get("exercise_minutes", 0))


def course_map(root: Path):
    """The course map as a table: module, title, what you learn, and minutes (lesson + lab)."""
    import pandas as pd

    rows = []
    for m in MODULES:
        minutes = lesson_minutes(root, m)
        rows.append({"module": m.number, "title": m.title, "what you learn": m.learn,
                     "minutes": sum(minutes) if minutes else "coming soon"})
    return pd.DataFrame(rows).set_index("module")


#: Words a lesson puts in bold for stress, not as terms (the glossary leaves them out).
EMPHASIS = frozenset({"every", "not", "months", "start", "day 15", "accuracy misleads"})
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def bold_terms(root: Path) -> dict[str, str]:
    """Every term the lessons put in bold, lower-cased, with the first module that does.

    Left out, because they are not terms: labels ("Next:", "Tamper evidence."), amounts
    ("$8,000"), sentences of five words or more (key takeaways), and :data:`EMPHASIS`.
    ``docs/glossary.md`` must define every term returned (tests/course/test_glossary.py).
    """
    import html

    import nbformat

    terms: dict[str, str] = {}
    for m in MODULES:
        path = root / m.lesson
        if not path.exists():
            continue
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "markdown":
                continue
            for phrase in _BOLD.findall(cell.source):
                term = " ".join(html.unescape(phrase).split()).lower()  # &#36;8,000 is money
                if (term.endswith((":", ".")) or term[0] in "$0123456789"
                        or len(term.split()) >= 5 or term in EMPHASIS):
                    continue
                terms.setdefault(term, m.number)
    return terms
