"""The communication plan (Module 07): who hears what, how often, in which document.

A plan is made from a small config (a dict, or a YAML file): the stakeholders with their
influence and interest (each 1 to 5), the update cadence for each, the meetings and the
documents each audience gets. It is drawn as a stakeholder map: influence against interest,
split into the four classic strategies (manage closely, keep satisfied, keep informed, monitor).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The strategy for each quadrant of the map, keyed by (high influence, high interest).
STRATEGIES = {
    (True, True): "manage closely",
    (True, False): "keep satisfied",
    (False, True): "keep informed",
    (False, False): "monitor",
}

DEFAULT_PLAN: dict[str, Any] = {
    "project": "Loan-default model at Northbridge Bank",
    "stakeholders": [
        {"name": "Board risk committee", "influence": 5, "interest": 3, "cadence": "quarterly",
         "document": "executive brief"},
        {"name": "Chief risk officer", "influence": 5, "interest": 5, "cadence": "monthly",
         "document": "executive brief + model card"},
        {"name": "Regulator (fair lending)", "influence": 4, "interest": 4,
         "cadence": "on request", "document": "model card + fairness report"},
        {"name": "Loan officers", "influence": 2, "interest": 5, "cadence": "weekly",
         "document": "reason-code guide"},
        {"name": "Call-centre team", "influence": 1, "interest": 4, "cadence": "monthly",
         "document": "customer FAQ"},
        {"name": "ML engineering", "influence": 3, "interest": 5, "cadence": "weekly",
         "document": "monitoring report"},
        {"name": "Marketing", "influence": 2, "interest": 2, "cadence": "quarterly",
         "document": "newsletter note"},
    ],
    "meetings": [
        {"name": "Model risk review", "cadence": "monthly", "attendees": "CRO, ML engineering"},
        {"name": "Weekly monitoring stand-up", "cadence": "weekly",
         "attendees": "ML engineering, loan operations"},
        {"name": "Board update", "cadence": "quarterly", "attendees": "Board risk committee"},
    ],
}


class PlanError(ValueError):
    """The plan config is malformed; the message names the entry and the field."""


@dataclass(frozen=True)
class Stakeholder:
    """One audience: influence and interest run from 1 (low) to 5 (high)."""

    name: str
    influence: int
    interest: int
    cadence: str
    document: str

    @property
    def strategy(self) -> str:
        return STRATEGIES[(self.influence >= 3, self.interest >= 3)]


@dataclass(frozen=True)
class CommunicationPlan:
    project: str
    stakeholders: tuple[Stakeholder, ...]
    meetings: tuple[dict[str, str], ...]

    def table(self, *, scores: bool = False):
        """The plan as a table: who, strategy, how often, which document; with ``scores``,
        first each audience's influence and interest (1 to 5), which place it on the map."""
        import pandas as pd

        return pd.DataFrame([{"stakeholder": s.name,
                              **({"influence": s.influence, "interest": s.interest}
                                 if scores else {}),
                              "strategy": s.strategy, "cadence": s.cadence,
                              "document": s.document}
                             for s in self.stakeholders]).set_index("stakeholder")


def load_plan(config: dict[str, Any] | str | Path | None = None) -> CommunicationPlan:
    """Build a plan from a dict or a YAML file; ``None`` gives Northbridge Bank's default plan."""
    if isinstance(config, str | Path):
        import yaml

        config = yaml.safe_load(Path(config).read_text(encoding="utf-8"))
    config = DEFAULT_PLAN if config is None else config
    if not isinstance(config, dict) or not config.get("stakeholders"):
        raise PlanError("The plan needs a 'stakeholders' list; see DEFAULT_PLAN for the shape.")
    people = tuple(read_stakeholder(i, entry) for i, entry in enumerate(config["stakeholders"]))
    return CommunicationPlan(str(config.get("project", "")), people,
                             tuple(config.get("meetings", ())))


def read_stakeholder(index: int, entry: dict[str, Any]) -> Stakeholder:
    """The plan's ``index``-th stakeholder from its config entry, or a :class:`PlanError` that
    names the entry and the field to fix."""
    where = f"stakeholders[{index}]"
    missing = [f for f in ("name", "influence", "interest", "cadence", "document")
               if f not in entry]
    if missing:
        raise PlanError(f"{where} is missing {missing}; every stakeholder needs name, "
                        "influence, interest, cadence and document.")
    for field in ("influence", "interest"):
        value = entry[field]
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise PlanError(f"{where} ({entry['name']}): {field} must be a whole number from "
                            f"1 to 5; got {value!r}.")
    return Stakeholder(str(entry["name"]), entry["influence"], entry["interest"],
                       str(entry["cadence"]), str(entry["document"]))


#: How far apart (in influence units) the map draws audiences that share a spot.
_STACK = 0.22
#: The map's text size in points: 15 pt is 21 px at the figure's 100 dpi, about 19 px on a
#: 1280 by 800 slide, readable from the back of a room.
MAP_TEXT_PT = 15


def draw_stakeholder_map(plan: CommunicationPlan):
    """The stakeholder map: influence (up) against interest (right), one dot per audience.

    Wide and short (12 by 5.6 inches), with its text at :data:`MAP_TEXT_PT`, so that on a
    slide, under a heading and two lines of text, it keeps its size and fills the width."""
    from deploydl.present.charts import NEUTRAL, PALETTE, TEXT_MUTED, new_figure

    close = sum(s.strategy == "manage closely" for s in plan.stakeholders)
    fig, ax = new_figure(f"{close} of {len(plan.stakeholders)} audiences need close management",
                         xlabel="interest in the model (1-5)", ylabel="influence (1-5)",
                         size=(12, 5.6))
    ax.set(xlim=(0.5, 6.3), ylim=(0.5, 5.9), xticks=range(1, 6))
    ax.xaxis.label.set_fontsize(MAP_TEXT_PT)
    ax.yaxis.label.set_fontsize(MAP_TEXT_PT)
    ax.tick_params(labelsize=MAP_TEXT_PT)
    ax.axhline(2.5, color=NEUTRAL, lw=1)
    ax.axvline(2.5, color=NEUTRAL, lw=1)
    for (hi_influence, hi_interest), label in STRATEGIES.items():
        ax.text(6.25 if hi_interest else 0.6, 5.85 if hi_influence else 0.6, label.upper(),
                ha="right" if hi_interest else "left", va="top" if hi_influence else "bottom",
                color=TEXT_MUTED, fontsize=MAP_TEXT_PT, fontweight="bold")
    colours = [c for c in PALETTE if c != "#F0E442"]  # yellow is too faint for dots on white
    # colour and shape together tell every dot apart: circles first, then squares, ...
    shapes = ("o", "s", "^", "D")
    spots: dict[tuple[int, int], list[int]] = {}
    for i, s in enumerate(plan.stakeholders):
        spots.setdefault((s.interest, s.influence), []).append(i)
    for (interest, influence), members in spots.items():
        # audiences on the same spot sit one above the other, each named beside its own dot
        for k, i in enumerate(members):
            y = influence + _STACK * ((len(members) - 1) / 2 - k)
            ax.scatter(interest, y, s=160, color=colours[i % len(colours)],
                       marker=shapes[i // len(colours) % len(shapes)], zorder=3)
            ax.annotate(plan.stakeholders[i].name, (interest, y), xytext=(8, 6 if len(
                members) == 1 else 0), textcoords="offset points", fontsize=MAP_TEXT_PT,
                va="bottom" if len(members) == 1 else "center")
    return fig


def plan_html(plan: CommunicationPlan) -> str:
    """The plan as one self-contained HTML page: the map, who gets what, and the meetings."""
    from deploydl.present.report import Section, chart, html_table, paragraph, render_page

    people = [{"stakeholder": s.name, "strategy": s.strategy, "cadence": s.cadence,
               "document": s.document} for s in plan.stakeholders]
    return render_page(f"Communication plan: {plan.project}",
                       lede="Who hears what, how often, and in which document.",
                       sections=[Section("Stakeholder map", paragraph(
                                     "Influence against interest; the corner says how to "
                                     "engage."), [chart(draw_stakeholder_map(plan))]),
                                 Section("Updates and documents",
                                         html_table(people, row_headers=True)),
                                 Section("Meetings",
                                         html_table(list(plan.meetings), row_headers=True))])
