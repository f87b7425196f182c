"""The executive brief as a page (Module 07): a short, self-contained HTML page that prints on
two A4 pages, for Module 07's run and for the capstone's with its drift event and A/B test,
in Arial or Liberation Sans (:data:`BRIEF_PRINT_CSS`).

Every number on the page is a :class:`deploydl.present.report.Figure` built from
:class:`deploydl.communication.brief.BriefInputs` (tagged ``data-figure``) by
:mod:`~deploydl.communication.brief_numbers`, so a test can check each one against the module
that computed it. Its words (the decision asked, the fairness finding) are templates from
:mod:`deploydl.communication.brief_text`; its section bodies come from
:mod:`~deploydl.communication.brief_sections` and its charts from
:mod:`~deploydl.communication.brief_charts`. The model card (Module 03's format,
:mod:`~deploydl.communication.brief_card`) is the technical appendix, written next to the
brief and linked from it. This module puts the page together and is the public face of those
parts.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from deploydl.communication.brief_card import model_card
from deploydl.communication.brief_charts import (
    BRIEF_CHART_SIZE,
    BRIEF_TEXT_PT,
    CARD_CHART_SIZE,
    TITLE_LINE_INCHES,
    chart_axes,
    cost_chart,
    fairness_chart,
    value_chart,
)
from deploydl.communication.brief_inputs import BriefInputs
from deploydl.communication.brief_numbers import brief_figures
from deploydl.communication.brief_risks import risk_register, rollout_plan
from deploydl.communication.brief_rounding import ROUNDING_NOTE
from deploydl.communication.brief_sections import (
    ab_body,
    headline_cards,
    monitoring_body,
    value_body,
)
from deploydl.communication.brief_text import (
    decision_items,
    decision_text,
    fairness_text,
    scope_text,
)
from deploydl.present.report import Section, chart, html_table, prose, render_page, write_pdf

__all__ = [
    "BRIEF",
    "BRIEF_CHART_SIZE",
    "BRIEF_PRINT_CSS",
    "BRIEF_TEXT_PT",
    "CARD",
    "CARD_CHART_SIZE",
    "PDF",
    "PLAN",
    "TITLE_LINE_INCHES",
    "brief_figures",
    "brief_html",
    "chart_axes",
    "cost_chart",
    "decision_in_words",
    "fairness_chart",
    "model_card",
    "value_chart",
    "write_brief",
]

BRIEF, CARD, PLAN, PDF = "brief.html", "model_card.html", "communication_plan.html", "brief.pdf"


def decision_in_words(inputs: BriefInputs) -> str:
    """The decisions the brief asks, as a Markdown list, one item per decision
    (:func:`deploydl.communication.brief_text.decision_items`), with their numbers filled in
    (the page tags each number; a slide or a chat message cannot)."""
    figures = brief_figures(inputs)
    return "\n".join("- " + re.sub(r"\{(\w+)\}", lambda m: figures[m.group(1)].text, item)
                     for item in decision_items(inputs))


def brief_html(inputs: BriefInputs, *, card_href: str = CARD) -> str:
    """The executive brief as one self-contained HTML page."""
    figs = brief_figures(inputs)
    sections = [
        Section("The decision asked", '<div class="decision">'
                + prose(decision_text(inputs), figs) + "</div>" + headline_cards(inputs, figs)
                + prose("The model ranks a defaulter above a repayer with a chance of {roc_auc}"
                        " and approves {approval_rate} of applicants at once; the rest go to an "
                        "underwriter. On {n_test} held-out applicants it approved "
                        "{bad_loans_approved} loans that defaulted.", figs),
                [chart(value_chart(inputs)), chart(fairness_chart(inputs))]),
        Section("Value against the current process", value_body(inputs, figs)),
        Section("Fairness findings", prose(fairness_text(inputs), figs)),
        Section("Risks, owners and mitigations",
                '<div class="risks">' + html_table(risk_register(inputs), row_headers=True)
                + "</div>"),
        Section("Monitoring plan", monitoring_body(inputs, figs)),
        Section("Rollout plan", ab_body(inputs, figs)
                + html_table(rollout_plan(inputs), row_headers=True)),
        Section("Technical appendix", prose(
            "The thresholds were chosen with Module 02's prices, whose break-even is "
            "{break_even}; they leave out the underwriter's {cost_referral} a referral. With it "
            "the break-even is {value_break_even}, so the value case prices the thresholds "
            "slightly off their own optimum. A break-even is the cheapest only "
            "for calibrated scores, so the model was calibrated (Platt scaling) on "
            "{n_validation} applicants set aside for it, and the threshold {threshold} was "
            "fixed on them before the test. Calibration error on the held-out applicants is "
            "{calibration_error}. There the errors cost {cost}; the cheapest threshold in "
            "hindsight, {hindsight_threshold}, one no one could have chosen in advance "
            "(Module 02), would have cost {hindsight_gap} less: the chosen threshold costs "
            "{hindsight_gap_share} more than that. "
            "Model version {model_version}, weights sha256 {sha256}, in the model registry. "
            "Metrics by group, the cost of errors at every threshold (the engineers' chart), "
            "limitations and explanations are in the model card. " + ROUNDING_NOTE, figs)
            .removesuffix("</p>")  # the link ends the paragraph: a line of its own cost a page
            + f' <a href="{html.escape(card_href)}">Open the model card (technical '
            'appendix).</a></p>'),
    ]
    return render_page(f"Executive brief: {inputs.context.project}",
                       lede=f"{inputs.context.purpose} Applies to: {scope_text(inputs)}",
                       sections=sections, extra_css=BRIEF_PRINT_CSS)


#: The brief's own print layout, after the course's :data:`~deploydl.present.report.CSS`, so
#: that the capstone's brief (drift event, A/B test) prints on two A4 pages, as Module 07's
#: does; it printed on three. Body text keeps its size (9.5 pt); section headings (1.25em, not
#: 1.5em) and the lede (1em, not 1.15em) are smaller. The print font is Arial (Windows,
#: macOS) or its metric twin Liberation Sans (Debian's Chromium recommends it: an install
#: without recommended packages falls back to a wider font, and may print three pages), not
#: the wider DejaVu Sans that Linux gives for ``system-ui``; lines are a little closer (1.25,
#: not 1.3), headings and boxes tighter, the page margins 10 mm, not 12 mm; a table may break
#: between rows (each row stays whole, its head repeats), so a long table no longer leaves a
#: page's foot blank; and the risk register's short columns (risk, owner) are narrow, so its
#: evidence and mitigations wrap less.
BRIEF_PRINT_CSS = """
@page { margin: 10mm; }
@media print {
    body { font-family: Arial, "Liberation Sans", Helvetica, sans-serif; line-height: 1.25; }
    h1 { margin: 0 0 0.2em; } h2 { font-size: 1.25em; margin: 0.6em 0 0.25em; }
    .lede { font-size: 1em; margin: 0.2em 0; } .decision { padding: 0.4em 0.8em; }
    .figures { gap: 0.5em; margin: 0.4em 0; } .figure { padding: 0.3em 0.5em; }
    table { break-inside: auto; } tr { break-inside: avoid; }
    .risks th:nth-child(1) { width: 15%; } .risks th:nth-child(3) { width: 13%; } }
"""


def write_brief(inputs: BriefInputs, folder: str | Path, *, plan=None,
                pdf: bool = False) -> dict[str, Path]:
    """Write the brief, its model card and the communication plan into ``folder``.

    Returns the paths by name (``brief``, ``model_card``, ``plan`` and, with ``pdf=True``,
    ``pdf``, printed by Chromium; see :func:`deploydl.present.report.write_pdf`).
    """
    from deploydl.communication.plan import load_plan, plan_html
    from deploydl.responsible.modelcard import to_html

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"brief": folder / BRIEF, "model_card": folder / CARD, "plan": folder / PLAN}
    paths["brief"].write_text(brief_html(inputs), encoding="utf-8")
    paths["model_card"].write_text(to_html(model_card(inputs)), encoding="utf-8")
    paths["plan"].write_text(plan_html(plan or load_plan()), encoding="utf-8")
    if pdf:
        paths["pdf"] = write_pdf(paths["brief"], folder / PDF)
    return paths
