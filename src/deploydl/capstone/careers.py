"""Careers in model deployment (Module 08): the roles, what each owns, and a self-assessment.

Each role owns part of the life cycle the capstone walked through and needs skills that
particular modules teach. :func:`modules_to_revisit` maps a learner's self-assessment (one
answer from 1, "not yet", to 5, "I could teach it", per statement) to the modules to revisit,
weakest first; :class:`SelfAssessment` is the same logic as sliders in a notebook.
"""

from __future__ import annotations

import html
from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    """A role in model deployment: what it owns in the life cycle, the skills it needs in plain
    words (what its modules teach), and those modules."""

    name: str
    owns: str
    capstone_stages: tuple[str, ...]
    modules: tuple[str, ...]
    skills: str


ROLES: tuple[Role, ...] = (
    Role("ML engineer", "the model: training, evaluation, the threshold in money",
         ("train and evaluate", "retrain and A/B test"), ("02", "03", "05", "06"),
         "PyTorch training, error costs and calibration, fairness checks, faster inference, "
         "retraining and A/B tests"),
    Role("MLOps / platform engineer", "the path to production: registry, service, "
         "monitoring, rollback", ("package", "deploy", "traffic and drift"), ("04", "05", "06"),
         "containers and CI/CD, load tests and capacity, drift alarms, A/B tests"),
    Role("Data steward", "the data: catalog, quality rules, lineage, privacy duties",
         ("governed data",), ("01", "03"),
         "data quality rules, lineage, pseudonymising IDs, where GDPR and CCPA rights land"),
    Role("AI product manager", "the value: the decision asked, the rollout, the users",
         ("retrain and A/B test", "executive brief"), ("02", "06", "07"),
         "errors in money, reading an A/B test, a value case, briefing each audience"),
    Role("Responsible-AI lead", "fairness, explanations, the model card, the regulator",
         ("fairness gate",), ("03", "07"),
         "the four-fifths screen, explaining a decision, model cards, briefing a regulator"),
    Role("Executive sponsor", "the decision: funding, risk appetite, accountability",
         ("executive brief",), ("00", "07"),
         "asking the right questions, reading a value case and its range"),
)

#: Statements a learner rates from 1 ("not yet") to 5 ("I could teach it"), with their module.
STATEMENTS: dict[str, str] = {
    "I can say who may see which column of our data, and why.": "01",
    "I can turn a model's errors into money and pick a threshold.": "02",
    "I can check a model for unfair outcomes and explain a decision.": "03",
    "I can say how a model gets from a notebook to a versioned, running service.": "04",
    "I can estimate the cost per prediction and how to lower it.": "05",
    "I can say when drift needs action and how to test a new version safely.": "06",
    "I can brief a board and a regulator on the same model.": "07",
}
SCALE = (1, 5)


def modules_to_revisit(answers: dict[str, int], *, below: int = 4) -> list[str]:
    """The modules to revisit: those of statements rated under ``below``, weakest first.

    ``answers`` maps statements of :data:`STATEMENTS` to a rating from 1 to 5; statements
    left out count as not yet rated and are skipped. Ties keep the course order.
    """
    for statement, rating in answers.items():
        if statement not in STATEMENTS:
            raise ValueError(f"Unknown statement {statement!r}; rate the statements in "
                             "deploydl.capstone.careers.STATEMENTS.")
        if not isinstance(rating, int) or not SCALE[0] <= rating <= SCALE[1]:
            raise ValueError(f"Rate each statement with a whole number from {SCALE[0]} to "
                             f"{SCALE[1]}; got {rating!r} for {statement!r}.")
    weak = [(r, STATEMENTS[s]) for s, r in answers.items() if r < below]
    return [module for _, module in sorted(weak, key=lambda x: (x[0], x[1]))]


def roles_table():
    """The roles as a table: what each owns, the skills it needs, its capstone stages and the
    modules that teach those skills."""
    import pandas as pd

    return pd.DataFrame([{"role": r.name, "owns": r.owns, "skills": r.skills,
                          "capstone stages": ", ".join(r.capstone_stages),
                          "modules": ", ".join(r.modules)} for r in ROLES]).set_index("role")


def closest_roles(answers: dict[str, int]) -> list[str]:
    """Roles ranked by the learner's average rating on the modules each role needs."""
    by_module = {STATEMENTS[s]: r for s, r in answers.items()}
    score = {r.name: sum(by_module.get(m, 0) for m in r.modules) / len(r.modules)
             for r in ROLES}
    return sorted(score, key=lambda name: -score[name])


def advice(answers: dict[str, int]) -> str:
    """One paragraph of HTML: the modules to revisit and the roles closest to the learner."""
    from deploydl.course.curriculum import MODULES

    titles = {m.number: m.title for m in MODULES}
    revisit = modules_to_revisit(answers)
    todo = ("Revisit " + ", ".join(f"{m} {titles.get(m, '')}".strip() for m in revisit)
            if revisit else "Nothing to revisit: you rated every skill 4 or more")
    return (f"<p><b>{html.escape(todo)}.</b> Closest roles today: "
            f"{html.escape(', '.join(closest_roles(answers)[:2]))}.</p>")


class SelfAssessment:
    """One slider per statement; ``output.value`` says what to revisit (tests set sliders).

    Each slider's description is its statement; the description keeps its full width and the
    slider takes the rest of the row. A number box beside each slider carries the statement
    too, so a screen reader names it by what it rates (a slider alone goes unnamed, see
    :class:`~deploydl.present.panel.SliderRow`).
    """

    def __init__(self, *, start: int = 3) -> None:
        import ipywidgets as widgets

        from deploydl.present.panel import Panel, SliderRow

        self.sliders = {s: widgets.IntSlider(value=start, min=SCALE[0], max=SCALE[1],
                                             description=f"{s} (Module {m})",
                                             style={"description_width": "initial"},
                                             layout=widgets.Layout(width="100%"))
                        for s, m in STATEMENTS.items()}
        self.output = widgets.HTML()
        self.widget = Panel([*(SliderRow(w) for w in self.sliders.values()), self.output],
                            title="Self-assessment")
        for w in self.sliders.values():
            w.observe(self._update, names="value")
        self._update()

    @property
    def answers(self) -> dict[str, int]:
        return {s: w.value for s, w in self.sliders.items()}

    def _update(self, change=None) -> None:
        self.output.value = advice(self.answers)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
