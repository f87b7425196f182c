"""The Module 03 widget: move the mitigation strength and watch fairness, accuracy and cost.

:func:`policy_outcome` computes everything the widget shows, so it is tested without a
browser; :class:`FairnessExplorer` only wires two sliders to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from deploydl.evaluation.decision import approval_bar
from deploydl.evaluation.metrics import DEFAULT_COSTS, ErrorCosts
from deploydl.present.charts import money
from deploydl.responsible.fairness import (
    FOUR_FIFTHS,
    apply_thresholds,
    demographic_parity_ratio,
    parity_thresholds,
    rates_by_group,
)


def policy_outcome(repaid: Any, scores: Any, groups: Any, thresholds: dict[Any, float], *,
                   costs: ErrorCosts = DEFAULT_COSTS,
                   true_repaid: Any = None) -> dict[str, Any]:
    """What a set of group thresholds does: approvals by group, fairness, accuracy and cost.

    Returns
    -------
    dict
        ``approval_rates`` (group -> share approved), ``parity_ratio`` (lowest approval rate
        over highest), ``passes_four_fifths``, ``accuracy`` (share of decisions that match
        ``repaid``), and ``cost_per_1000`` (US dollars per 1,000 applicants: approved
        defaulters times ``costs.bad_loan_approved`` plus repayers turned away times
        ``costs.good_customer_turned_away``; the course's costs are Module 02's
        :data:`~deploydl.evaluation.metrics.DEFAULT_COSTS`). With ``true_repaid`` (what
        really happened, where the recorded ``repaid`` is biased), also ``true_accuracy`` and
        ``true_cost_per_1000``, the same measures against it.
    """
    repaid = np.asarray(repaid).astype(int)
    approved = apply_thresholds(scores, groups, thresholds)
    rates = rates_by_group(repaid, approved, groups)["selection_rate"]
    ratio = demographic_parity_ratio(repaid, approved, groups)

    def cost_per_1000(outcome: np.ndarray) -> float:
        cost = costs.cost(bad_approved=int(((approved == 1) & (outcome == 0)).sum()),
                          good_turned_away=int(((approved == 0) & (outcome == 1)).sum()))
        return float(cost / len(outcome) * 1000)

    result = {"approval_rates": rates.to_dict(), "parity_ratio": ratio,
              "passes_four_fifths": bool(ratio >= FOUR_FIFTHS),
              "accuracy": float((approved == repaid).mean()),
              "cost_per_1000": cost_per_1000(repaid)}
    if true_repaid is not None:
        truth = np.asarray(true_repaid).astype(int)
        result["true_accuracy"] = float((approved == truth).mean())
        result["true_cost_per_1000"] = cost_per_1000(truth)
    return result


def outcome_html(outcome: dict[str, Any]) -> str:
    """The outcome as a small HTML panel: one bar per group, then the three headline numbers."""
    bars = "".join(
        f"<div style='margin:2px 0'><span style='display:inline-block;width:9em'>{g}</span>"
        f"<span style='display:inline-block;height:1em;width:{rate * 20:.1f}em;"
        f"background:#0072B2'></span> {rate:.0%}</div>"
        for g, rate in outcome["approval_rates"].items())
    verdict = "clears" if outcome["passes_four_fifths"] else "falls below"
    true_cost = (f" (on true outcomes <b>{money(outcome['true_cost_per_1000'])}</b>)"
                 if "true_cost_per_1000" in outcome else "")
    return (f"<div style='font-size:15px'><b>Approval rate by group</b>{bars}"
            f"<p>Approval ratio <b>{outcome['parity_ratio']:.2f}</b> ({verdict} the "
            f"four-fifths screen) · accuracy <b>{outcome['accuracy']:.1%}</b> · expected cost "
            f"on recorded outcomes <b>{money(outcome['cost_per_1000'])}</b>{true_cost} per "
            "1,000 applicants</p></div>")


@dataclass
class FairnessExplorer:
    """Sliders for the threshold and the mitigation strength, and their outcome.

    The threshold is stated as the glossary states it: the chance of default (0..1) above which
    an applicant is referred to an underwriter instead of approved. Thresholds are fitted on
    ``fit_scores``/``fit_groups`` (validation data) and evaluated on
    ``repaid``/``scores``/``groups`` (test data). Set ``strength.value`` or
    ``refer_above.value`` and read :attr:`outcome`, :attr:`thresholds` (each group's approval
    bar, a chance of repaying: :func:`~deploydl.evaluation.decision.approval_bar` of its
    referral point) or ``panel.value``: no browser needed. The threshold starts at
    ``refer_above_value`` or, if None, at the break-even point of ``costs``
    (:func:`deploydl.evaluation.calibration.break_even`: 0.2 for the course's costs).
    ``true_repaid``, if given, adds accuracy and cost on what really happened.
    """

    repaid: Any
    scores: Any
    groups: Any
    fit_scores: Any
    fit_groups: Any
    refer_above_value: float | None = None
    costs: ErrorCosts = DEFAULT_COSTS
    true_repaid: Any = None
    outcome: dict[str, Any] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        import ipywidgets as widgets

        self.groups = pd.Series(self.groups).reset_index(drop=True)
        if self.refer_above_value is None:
            from deploydl.evaluation.calibration import break_even

            self.refer_above_value = break_even(self.costs)
        style = {"description_width": "16em"}
        layout = widgets.Layout(width="36em")
        self.refer_above = widgets.FloatSlider(
            value=self.refer_above_value, min=0.1, max=0.5, step=0.01, style=style,
            layout=layout, readout_format=".0%", description="Refer if chance of default above")
        self.strength = widgets.FloatSlider(
            value=0.0, min=0.0, max=1.0, step=0.05, style=style, layout=layout,
            description="Mitigation strength (0 = none)")
        self.panel = widgets.HTML()
        for slider in (self.refer_above, self.strength):
            slider.observe(self._update, names="value")
        self._update()

    def _update(self, _change: object = None) -> None:
        self.thresholds = parity_thresholds(self.fit_scores, self.fit_groups,
                                            threshold=approval_bar(self.refer_above.value),
                                            strength=self.strength.value)
        self.outcome = policy_outcome(self.repaid, self.scores, self.groups, self.thresholds,
                                      costs=self.costs, true_repaid=self.true_repaid)
        self.panel.value = outcome_html(self.outcome)

    def widget(self):
        """The sliders, each with its named number box, above the outcome panel."""
        from deploydl.present.panel import Panel, SliderRow

        return Panel([SliderRow(self.refer_above), SliderRow(self.strength), self.panel],
                     title="Fairness explorer")
