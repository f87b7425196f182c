"""The executive brief's technical appendix (Module 07): a model card in Module 03's format,
built from the same numbers as the brief, with the engineers' cost chart.
"""

from __future__ import annotations

from deploydl.communication.brief_charts import cost_chart
from deploydl.communication.brief_inputs import BriefInputs
from deploydl.present.charts import human_labels

#: The model card's overall metrics, in plain words (as Module 03's card words them).
METRIC_LABELS = {
    "roc_auc": "ranks a defaulter above a repayer (ROC AUC)", "accuracy": "accuracy",
    "precision": "precision (share of referred applicants who defaulted)",
    "recall": "recall (share of defaulters referred)", "f1": "F1 score",
    "approval_rate": "approval rate"}


def model_card(inputs: BriefInputs):
    """The technical appendix: a :class:`deploydl.responsible.modelcard.ModelCard` from the same
    numbers.
    """
    import pandas as pd

    from deploydl.responsible.charts import in_band_order
    from deploydl.responsible.modelcard import ModelCard

    e, f, r = inputs.evaluation, inputs.fairness, inputs.registry
    by_group = in_band_order(inputs.by_group)
    by_group.index = pd.Index(human_labels(by_group.index), name="age band")
    return ModelCard(
        name=r["name"], version=r["version"], intended_use=inputs.context.purpose,
        out_of_scope=inputs.context.out_of_scope,
        data=f"Training data sha256 {r['training_data_sha256'][:12]}... (registry lineage); "
             f"evaluated on {e['n_test']:,} held-out applicants.",
        metrics={label: e[k] for k, label in METRIC_LABELS.items()},
        by_group=by_group,
        fairness_findings=(_ratio_finding(inputs),
                           f"Equal-opportunity gap {f['equal_opportunity_difference'] * 100:.1f} "
                           "points (share of repayers approved, best-off minus worst-off age "
                           "band)."),
        limitations=("Synthetic, seeded data: the numbers teach, they do not describe a real "
                     "bank.", "Age band is not an input, but credit history is a proxy for it."),
        explainability="Reason codes per applicant and permutation importance (Module 03).",
        charts=_card_charts(inputs))


def _ratio_finding(inputs: BriefInputs) -> str:
    """The model card's first fairness finding: the approval ratio at the threshold, the
    screen's verdict, and its 95% range when that straddles the limit."""
    f = inputs.fairness
    text = (f"Approval ratio across age bands {f['demographic_parity_ratio']:.2f} at threshold "
            f"{inputs.evaluation['threshold']:.2f} (four-fifths screen "
            f"{'passed' if f['gate_passed'] else 'FAILED'}")
    if f.get("too_close_to_call"):
        text += (f"; 95% range {f['ratio_low']:.3f} to {f['ratio_high']:.3f}, too close to call: "
                 "fairness review")
    return text + ")."


def _card_charts(inputs: BriefInputs) -> dict[str, bytes]:
    """The model card's charts, by caption: the engineers' cost curve, moved there from the
    board's brief (whose value section shows the value chart)."""
    from deploydl.present.report import figure_png

    caption = ("The engineers' chart: cost of errors per held-out applicant at every "
               "threshold, with the chosen threshold, the break-even and the cheapest in "
               "hindsight marked.")
    return {caption: figure_png(cost_chart(inputs))}
