"""Model cards (Module 03; Module 07 presents them): what a model is for and how it behaves,
generated from the real numbers, as Markdown and as one self-contained HTML file.

The HTML embeds its charts as base64 PNG and loads nothing from the network: it opens the
same on a laptop in a plane as on the bank's intranet.

The card's fields and how it prints are in :mod:`~deploydl.responsible.card_document`; this
module builds the case study's card from the real numbers, and is where to import both from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from deploydl.present.report import figure_png
from deploydl.responsible.card_document import (
    HALF_WAY,
    ModelCard,
    to_html,
    to_markdown,
    to_markdown_halves,
)
from deploydl.responsible.card_document import _number as _number

if TYPE_CHECKING:
    import numpy as np

    from deploydl.responsible.mitigation import CaseStudy

__all__ = ["CASE_STUDY_NOT_FOR", "HALF_WAY", "REFERS_ABOVE", "ModelCard", "case_study_card",
           "to_html", "to_markdown", "to_markdown_halves"]


#: The card's column of group thresholds, as the course states a threshold: the chance of
#: default above which a band is referred to an underwriter (1 minus its approval score).
REFERS_ABOVE = "refers above (chance of default)"


#: What the case study's credit model must not be used for: its model cards' "Not for" section.
CASE_STUDY_NOT_FOR = ("Pricing, marketing or collections, and declining anyone without an "
                      "underwriter.")


def _age_limitation(cuts: dict[str, float]) -> str:
    """The card's line on group thresholds (``cuts``: each age band's approval score, a chance
    of repaying); it names Regulation B's age rule when it bites, in chances of default."""
    if len({round(v, 6) for v in cuts.values()}) <= 1:
        return "One approval threshold for every age band: age plays no part in the decision."
    line = ("Group thresholds use age at decision time, which is different treatment by age "
            "on its face (US ECOA, 12 CFR 1002.4(a), 1002.6(b)(2)(i)); referring a band under "
            "62 only at a higher chance of default favours it by age, which only a special "
            "purpose credit program may do (12 CFR 1002.8). A question for counsel.")
    from deploydl.present.charts import human_label

    refers_above = {band: 1 - cut for band, cut in cuts.items()}  # chance of default
    others = {band: point for band, point in refers_above.items() if band != "over_50"}
    if "over_50" in cuts and others:
        favoured = max(others, key=lambda band: others[band])
        if refers_above["over_50"] < others[favoured] - 1e-9:
            line += (" The over-50 band is referred at a lower chance of default "
                     f"({refers_above['over_50']:.0%}) than the {human_label(favoured)} band "
                     f"({others[favoured]:.0%}), so an applicant aged 62 or more is treated less "
                     "favourably than the most favoured age band: 12 CFR 1002.2(v) and "
                     "1002.6(b)(2)(ii) forbid that. Not for use as set.")
    return line


def case_study_card(*, strength: float = 1.0) -> ModelCard:
    """The model card of Module 03's credit model, with group thresholds at ``strength``.

    Its title marks it a draft for an option under review, not approved: the course's pipeline
    runs one moved bar instead (Module 04), and Module 07 generates that model's card.
    """
    from deploydl.data import LABEL, PROTECTED_ATTRIBUTE
    from deploydl.responsible.fairness import fairness_summary, rates_by_group, selection_ratio
    from deploydl.responsible.mitigation import case_study, decisions, mitigation_effect

    study = case_study()
    test, groups = study.test, study.test[PROTECTED_ATTRIBUTE]
    repaid = 1 - test[LABEL].to_numpy()
    approved, cuts = decisions(study, strength=strength)
    one_threshold = decisions(study)[0]
    effect = mitigation_effect(study, strength=strength)
    rates = rates_by_group(repaid, approved, groups)
    before = rates_by_group(repaid, one_threshold, groups)["selection_rate"]
    explainability = _case_study_explainability(study, test, repaid)
    return ModelCard(
        name="Northbridge loan approval (logistic regression)",
        version="1.0.0", status=f"draft: group thresholds at strength {strength:g}, not approved",
        intended_use="Rank consumer-loan applications by the chance of repaying, to approve "
                     "the safe majority quickly. Every applicant it does not approve goes to an "
                     "underwriter, who decides; the model never declines on its own.",
        out_of_scope=CASE_STUDY_NOT_FOR,
        data=_case_study_data(study),
        metrics=_case_study_metrics(study, test, repaid, approved, effect),
        by_group=_case_study_groups(rates, cuts),
        fairness_findings=_case_study_findings(
            effect, fairness_summary(repaid, approved, groups),
            ratio_before=selection_ratio(one_threshold, groups), strength=strength),
        limitations=_case_study_limitations(cuts),
        explainability=explainability,
        charts={"Approval rate by age band, before and after mitigation":
                _approval_chart(before, rates["selection_rate"])})


def _case_study_explainability(study: CaseStudy, test: pd.DataFrame, repaid: np.ndarray) -> str:
    """The card's explainability section, naming the three features the score relies on most."""
    from deploydl.evaluation.metrics import roc_auc
    from deploydl.present.charts import human_labels
    from deploydl.responsible.explain import permutation_importance

    importance = permutation_importance(study.approval_score, test, repaid,
                                        features=study.features, metric=roc_auc)
    return ("Global: permutation importance (drop in ROC AUC when a feature is "
            f"shuffled; top: {', '.join(human_labels(importance.index[:3]))}). Per "
            "applicant: reason codes, each feature set to the median approved "
            "applicant's value; the largest falls in the chance of default are the "
            "stated reasons.")


def _case_study_data(study: CaseStudy) -> str:
    """The card's data section: how many past applications, their recorded bias, the inputs."""
    from deploydl.responsible.mitigation import BIAS

    return (f"{len(study.train):,} past applications (synthetic, seeded), with recorded "
            f"outcomes in which {BIAS:.0%} of young repayers were logged as defaults. "
            f"Features: {', '.join(study.features)}. Age band and region are not inputs.")


def _case_study_metrics(study: CaseStudy, test: pd.DataFrame, repaid: np.ndarray,
                        approved: np.ndarray, effect: dict[str, float]) -> dict[str, float]:
    """The card's overall metrics: ROC AUC, accuracy after and before mitigation, approval rate."""
    from deploydl.evaluation.metrics import roc_auc

    return {"ranks a repayer above a defaulter (ROC AUC)":
            roc_auc(repaid, study.approval_score(test)),
            "accuracy (recorded outcomes)": effect["accuracy_after"],
            "accuracy before mitigation": effect["accuracy_before"],
            "approval rate": float(approved.mean())}


def _case_study_limitations(cuts: dict[str, float]) -> tuple[str, ...]:
    """The card's limitations: biased outcomes, the group thresholds' age rule, the proxy."""
    return (
        "Recorded outcomes carry historical bias against applicants under 30; accuracy "
        "measured on them understates the cost of that bias.",
        _age_limitation(cuts),
        "Credit history length is both predictive and a proxy for age.")


def _approval_chart(before: pd.Series, after: pd.Series) -> bytes:
    """The card's chart as PNG: the share of each age band approved (0..1, by band) with one
    threshold (``before``) and with group thresholds (``after``), side by side."""
    from deploydl.present.charts import BAD, GOOD, human_label, human_labels, legend, new_figure
    from deploydl.responsible.charts import in_band_order

    low = str(before.idxmin())
    fig, ax = new_figure(f"Group thresholds lift approvals of applicants aged {human_label(low)}\n"
                         f"from {before[low]:.0%} to {after.loc[low]:.0%}",
                         xlabel="age band", ylabel="applicants approved (%)")
    bands = in_band_order(after)
    x = range(len(bands))
    ax.bar([i - 0.2 for i in x], before.reindex(bands.index) * 100, width=0.4, color=BAD,
           label="one threshold")
    ax.bar([i + 0.2 for i in x], bands * 100, width=0.4, color=GOOD, label="group thresholds")
    ax.set_xticks(list(x), human_labels(bands.index))
    ax.set_ylim(0, 115)
    legend(ax, loc="upper center", ncol=2)
    return figure_png(fig)


def _case_study_groups(rates: pd.DataFrame, cuts: dict[str, float]) -> pd.DataFrame:
    """The card's metrics by age band (in band order, named in plain words): ``rates`` from
    :func:`~deploydl.responsible.fairness.rates_by_group`, then the chance of default above
    which each band is referred to an underwriter (1 minus its approval score in ``cuts``)."""
    from deploydl.present.charts import human_labels
    from deploydl.responsible.charts import in_band_order

    by_group = in_band_order(rates[["count", "selection_rate", "true_positive_rate",
                                    "false_positive_rate", "precision"]].assign(
        **{REFERS_ABOVE: [1 - cuts[g] for g in rates.index]}))
    by_group.index = pd.Index(human_labels(by_group.index), name="age band")
    return by_group


def _case_study_findings(effect: dict[str, float], summary: dict[str, float], *,
                         ratio_before: float, strength: float) -> tuple[str, ...]:
    """The card's fairness findings: the approval gap with one threshold (``ratio_before``,
    its four-fifths ratio), then with group thresholds at ``strength`` and what that costs in
    accuracy (``effect``, from :func:`~deploydl.responsible.mitigation.mitigation_effect`),
    then the equal-opportunity gap after it (``summary``, from
    :func:`~deploydl.responsible.fairness.fairness_summary`)."""
    return (
        f"With one threshold the approval gap between age bands is "
        f"{effect['parity_difference_before'] * 100:.1f} points (four-fifths ratio "
        f"{ratio_before:.2f}).",
        f"Group thresholds at strength {strength:g} cut it to "
        f"{effect['parity_difference_after'] * 100:.1f} points (ratio "
        f"{summary['demographic_parity_ratio']:.2f}) for "
        f"{(effect['accuracy_before'] - effect['accuracy_after']) * 100:.1f} points of "
        "accuracy on recorded outcomes.",
        f"Equal-opportunity gap after mitigation: "
        f"{summary['equal_opportunity_difference'] * 100:.1f} points (share of repayers "
        "approved, best-off minus worst-off age band).")
