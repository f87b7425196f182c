"""The executive brief as a page (Module 07): a short, self-contained HTML page that prints on
two A4 pages, for Module 07's run and for the capstone's with its drift event and A/B test,
in Arial or Liberation Sans (:data:`BRIEF_PRINT_CSS`).

Every number on the page is a :class:`deploydl.present.report.Figure` built here from
:class:`deploydl.communication.brief.BriefInputs` (tagged ``data-figure``), so a test can check
each one against the module that computed it. Its words (the decision asked, the fairness
finding) are templates from :mod:`deploydl.communication.brief_text`. The model card (Module 03's
format) is the technical appendix, written next to the brief and linked from it.
"""

from __future__ import annotations

import html
import re
import textwrap
from dataclasses import replace
from pathlib import Path

from deploydl.communication.brief import (
    ABOUT,
    ROUNDING_NOTE,
    BriefInputs,
    brief_money,
    days_after_opening,
    headline_net_value,
    risk_register,
    rollout_plan,
    screen_verdict,
    table_money,
)
from deploydl.communication.brief_text import (
    decision_items,
    decision_text,
    fairness_text,
    scope_text,
)
from deploydl.communication.value import sensitivity_shown, sign_flips, spans_zero
from deploydl.present.charts import human_label, human_labels, money
from deploydl.present.report import (
    Figure,
    Section,
    chart,
    figures_block,
    html_table,
    prose,
    render_page,
    write_pdf,
)

BRIEF, CARD, PLAN, PDF = "brief.html", "model_card.html", "communication_plan.html", "brief.pdf"


def brief_figures(inputs: BriefInputs) -> dict[str, Figure]:
    """Every number the brief shows, keyed as in its ``data-figure`` attributes."""
    e, f, m, a = inputs.evaluation, inputs.fairness, inputs.money, inputs.assumptions
    ev = f"deploydl.evaluation.metrics on {e['n_test']:,} held-out applicants"
    fa = "deploydl.responsible.fairness on the same applicants"
    stated = "stated assumption"
    sampled = ("deploydl.communication.value.value_interval: the held-out applicants drawn "
               "again, model and assumptions fixed")
    rule = "deploydl.evaluation.decision.decision_threshold (chosen without the test set)"
    figs = [
        Figure("net_value_per_year", "net value a year vs the current process",
               headline_net_value(m["net_value_per_year"]), m["net_value_per_year"],
               "saved minus running cost"),
        Figure("net_value_low", f"low end of the {m['net_value_level']:.0%} range of the net "
               "value a year", brief_money(m["net_value_low"]), m["net_value_low"], sampled),
        Figure("net_value_high", f"high end of the {m['net_value_level']:.0%} range of the net "
               "value a year", brief_money(m["net_value_high"]), m["net_value_high"], sampled),
        Figure("saved_per_year", ("saved" if m["saved_per_year"] >= 0 else "lost") + " a year "
               "against the current process (bad loans, underwriter time, good customers lost)",
               brief_money(abs(m["saved_per_year"])), m["saved_per_year"], ev),
        Figure("current_cost_per_year", "cost a year of the current process",
               brief_money(m["current_cost_per_year"]), m["current_cost_per_year"], ev),
        Figure("model_cost_per_year", "cost a year with the model",
               brief_money(m["model_cost_per_year"]), m["model_cost_per_year"], ev),
        Figure("refer_everyone_cost_per_year", "cost a year of referring every application",
               brief_money(m["refer_everyone_cost_per_year"]),
               m["refer_everyone_cost_per_year"], ev),
        Figure("refer_everyone_kept", "share of the good customers they review that underwriters "
               "must keep for referring everyone to cost less than the model",
               f"{1 - m['refer_everyone_cheaper_below']:.0%}",
               1 - m["refer_everyone_cheaper_below"],
               "deploydl.communication.value.refer_everyone_cheaper_below"),
        Figure("current_threshold", "current process's threshold",
               f"{m['current_threshold']:.2f}", m["current_threshold"], rule),
        Figure("cost_referral", "underwriter time for one referral", money(a.referral_cost),
               a.referral_cost, stated),
        Figure("referred_good_lost", "share of referred good customers lost",
               f"{a.referred_good_lost:.0%}", a.referred_good_lost, stated),
        Figure("running_cost_per_year", "running cost a year",
               money(m["running_cost_per_year"]), m["running_cost_per_year"], stated),
        Figure("applications_per_year", "applications a year",
               f"{a.applications_per_year:,}", a.applications_per_year, stated),
        Figure("cost_bad_loan", "bad loan approved", money(a.costs.bad_loan_approved),
               a.costs.bad_loan_approved, stated),
        Figure("cost_good_customer", "good customer turned away",
               money(a.costs.good_customer_turned_away),
               a.costs.good_customer_turned_away, stated),
        Figure("roc_auc", "chance it ranks a defaulter above a repayer (ROC AUC)",
               f"{e['roc_auc']:.2f}", e["roc_auc"], ev),
        Figure("approval_rate", "applicants approved at once", f"{e['approval_rate']:.0%}",
               e["approval_rate"], ev),
        Figure("threshold", "decision threshold (chance of default)", f"{e['threshold']:.2f}",
               e["threshold"], rule),
        Figure("n_validation", "applicants set aside to calibrate and choose the threshold",
               f"{e['n_validation']:,}", e["n_validation"], rule),
        Figure("cost", "cost of errors at the threshold, held-out applicants",
               brief_money(e["cost"]), e["cost"], ev),
        Figure("hindsight_threshold", "cheapest threshold in hindsight (test set)",
               f"{e['hindsight_threshold']:.2f}", e["hindsight_threshold"], ev),
        Figure("hindsight_gap", "cost above the hindsight optimum, held-out applicants",
               brief_money(e["hindsight_gap"]), e["hindsight_gap"], ev),
        Figure("hindsight_gap_share", "cost above the hindsight optimum (share)",
               f"{e['hindsight_gap_share']:.1%}", e["hindsight_gap_share"], ev),
        Figure("break_even", "break-even threshold of Module 02's prices",
               f"{e['break_even']:.2f}", e["break_even"],
               "deploydl.evaluation.calibration.break_even"),
        Figure("value_break_even", "break-even threshold with the underwriter's time",
               f"{a.value().break_even():.3f}", a.value().break_even(),
               "deploydl.communication.value.ValueAssumptions.break_even"),
        Figure("calibration_error", "calibration error (0 = scores are true probabilities)",
               f"{e['calibration_error']:.3f}", e["calibration_error"], ev),
        Figure("bad_loans_approved", "bad loans approved", f"{e['bad_loans_approved']:,}",
               e["bad_loans_approved"], ev),
        Figure("n_test", "held-out applicants", f"{e['n_test']:,}", e["n_test"], ev),
        Figure("parity_ratio", f"approval ratio across {f['attribute'].replace('_', ' ')}s "
               "(four-fifths screen)", f"{f['demographic_parity_ratio']:.2f}",
               f["demographic_parity_ratio"], fa),
        *([Figure("ratio_low", "approval ratio, low end of its 95% range",
                  f"{f['ratio_low']:.3f}", f["ratio_low"], fa),
           Figure("ratio_high", "approval ratio, high end of its 95% range",
                  f"{f['ratio_high']:.3f}", f["ratio_high"], fa)]
          if f.get("ratio_low") is not None else []),
        Figure("ratio_at_break_even", "ratio at the break-even threshold",
               f"{f['ratio_at_break_even']:.2f}", f["ratio_at_break_even"], fa),
        Figure("worst_group_approval",
               f"of applicants aged {human_label(f['worst_group'])} approved",
               f"{f['worst_group_approval']:.0%}", f["worst_group_approval"], fa),
        Figure("price_of_fairness_per_year", "price of clearing the four-fifths screen, a year",
               brief_money(m["price_of_fairness_per_year"]),
               m["price_of_fairness_per_year"], ev),
        Figure("n_rules", "alert rules, each with a runbook", str(inputs.monitoring["n_rules"]),
               inputs.monitoring["n_rules"], "deploydl.monitoring.DEFAULT_RULES"),
        Figure("model_version", "model version", inputs.registry["version"],
               inputs.registry["version"], "deploydl.registry"),
        Figure("sha256", "sha256 of the weights", inputs.registry["sha256"][:12],
               inputs.registry["sha256"], "deploydl.registry"),
    ]
    figs += _event_figures(inputs)
    return {fig.key: fig for fig in figs}


def _event_figures(inputs: BriefInputs) -> list[Figure]:
    mon, ab = inputs.monitoring, inputs.ab
    figs = []
    if mon.get("alarm_delay_days") is not None:
        days = mon["alarm_delay_days"]
        figs.append(Figure("alarm_delay_days", "days from the region opening to the alarm",
                           days_after_opening(days), days,
                           "deploydl.monitoring drift tests on the prediction log"))
    if "region_parity_ratio" in mon:
        src = "deploydl.responsible.fairness on the prediction log"
        figs += [Figure("region_parity_ratio", "approval ratio across age bands, new region",
                        f"{mon['region_parity_ratio']:.2f}", mon["region_parity_ratio"], src),
                 Figure("region_n", "new-region applicants since it opened",
                        f"{mon['region_n']:,}", mon["region_n"], src),
                 Figure("region_smallest_n", "new-region applicants in the smallest age band",
                        f"{mon['region_smallest_n']:,}", mon["region_smallest_n"], src)]
        if mon.get("region_ratio_low") is not None:  # as the fairness gate prints its range
            figs += [Figure(f"region_ratio_{end}",
                            f"approval ratio, {end} end of its 95% range, new region",
                            f"{mon[f'region_ratio_{end}']:.3f}", mon[f"region_ratio_{end}"],
                            "deploydl.responsible.fairness.selection_ratio_range on the "
                            "prediction log") for end in ("low", "high")]
    if ab:
        src = "deploydl.monitoring.profit_test on the prediction log"
        figs += [Figure("ab_version_b", "retrained version", ab["version_b"], ab["version_b"],
                        "deploydl.registry"),
                 Figure("ab_profit_a", f"profit per applicant, {ab['version_a']}",
                        brief_money(ab["profit_a"]), ab["profit_a"], src),
                 Figure("ab_profit_b", f"profit per applicant, {ab['version_b']}",
                        brief_money(ab["profit_b"]), ab["profit_b"], src),
                 Figure("ab_approval_a", f"approved at once, {ab['version_a']}",
                        f"{ab['approval_a']:.0%}", ab["approval_a"], src),
                 Figure("ab_approval_b", f"approved at once, {ab['version_b']}",
                        f"{ab['approval_b']:.0%}", ab["approval_b"], src),
                 Figure("ab_outcome_days", "days waited for outcomes", str(ab["outcome_days"]),
                        ab["outcome_days"], "deploydl.monitoring.profit_test.OUTCOME_DAYS"),
                 Figure("ab_p_value", "p-value", f"{ab['p_value']:.3f}", ab["p_value"], src),
                 Figure("ab_n", "applicants in the test", f"{ab['n_a'] + ab['n_b']:,}",
                        ab["n_a"] + ab["n_b"], src),
                 Figure("ab_planned_n", "planned applicants per version",
                        f"{ab['planned_n']:,}", ab["planned_n"],
                        "deploydl.monitoring.sample_size")]
    return figs


def decision_in_words(inputs: BriefInputs) -> str:
    """The decisions the brief asks, as a Markdown list, one item per decision
    (:func:`deploydl.communication.brief_text.decision_items`), with their numbers filled in
    (the page tags each number; a slide or a chat message cannot)."""
    figures = brief_figures(inputs)
    return "\n".join("- " + re.sub(r"\{(\w+)\}", lambda m: figures[m.group(1)].text, item)
                     for item in decision_items(inputs))


def _decision_keeps_current_process(inputs: BriefInputs) -> bool:
    """Whether the decision above already asks to keep the current process, for a model that
    does not pay: the brief's own decision always does (:func:`decision_text` asks it for a
    failed gate, a hold for the fairness review and a model that does not pay); a decision
    written by hand (``Context(decision=...)``) does when it names the current process (in
    any case, across a line break)."""
    written = inputs.context.decision
    return not written or "current process" in " ".join(written.lower().split())


def _value_body(inputs: BriefInputs, figs: dict[str, Figure]) -> str:
    m = inputs.money
    pays = ("the model pays for itself" if m["net_value_per_year"] > 0
            else "the model does NOT pay for itself")
    drawn = "the applicants drawn again; model and assumptions fixed"
    if spans_zero(m["net_value_low"], m["net_value_high"]):
        verdict = (f"On these applicants {pays}, but the 95% range above ({drawn}) spans zero, "
                   "so even the sign is not established.")
    else:
        verdict = f"{pays[0].upper()}{pays[1:]} across the 95% range above ({drawn})."
    if m["net_value_per_year"] <= 0 and not _decision_keeps_current_process(inputs):
        verdict += " Keep the current process until the model is shown to pay."
    text = ("The current process is " + m["current_process"] + ". Bad loans, underwriter time "
            "and lost good customers cost {current_cost_per_year} a year with it at threshold "
            "{current_threshold}, and "
            "{model_cost_per_year} with the model: it "
            + ("saves {saved_per_year} a year" if m["saved_per_year"] >= 0
               else "costs {saved_per_year} a year more") +
            "; running it costs {running_cost_per_year}: net {net_value_per_year}. " + verdict +
            " Referring everyone would cost {refer_everyone_cost_per_year} a year: "
            + _refer_everyone_words(m["refer_everyone_cheaper_below"]) + " Assumptions: "
            "{applications_per_year} applications a year; {cost_bad_loan} per bad loan "
            "approved; {cost_referral} of underwriter time per referral, all a referred "
            "defaulter costs; {cost_good_customer} per referred good customer lost "
            "({referred_good_lost} of them, " + (
                "as Module 02 assumes" if inputs.assumptions.referred_good_lost == 1
                else "Module 02 assumes all") + ")." + _sign_flip_words(inputs.sensitivity))
    table = sensitivity_shown(inputs.sensitivity, assumptions=inputs.assumptions.value(),
                              fmt=table_money)
    rows = [{"net value a year; one assumption moved by half": str(label), **row}
            for label, row in table.iterrows()]
    return prose(text, figs) + html_table(rows, row_headers=True)


def _sign_flip_words(sensitivity) -> str:
    """One sentence for each assumption of the table below whose move by half turns the net
    value to the other sign (:func:`deploydl.communication.value.sign_flips`): the decision
    rests on it. Empty when none does."""
    rows = sensitivity.set_index(sensitivity.index.astype(str))
    return "".join(
        f' If "{label}" were 50% {"lower" if end == "low" else "higher"}, the net value would '
        f'turn {"negative" if rows.loc[label, end] < 0 else "positive"}: the value case rests '
        "on that assumption." for label, end in sign_flips(sensitivity))


def _refer_everyone_words(cheaper_below: float) -> str:
    """When referring everyone would cost less than the model, in words with the figure's key
    (:func:`deploydl.communication.value.refer_everyone_cheaper_below`)."""
    if cheaper_below <= 0:
        return ("dearer than the model even if underwriters kept "
                "{refer_everyone_kept} of referred good customers.")
    if cheaper_below >= 1:
        return ("cheaper than the model even if underwriters kept only "
                "{refer_everyone_kept} of referred good customers.")
    return ("cheaper than the model only if underwriters kept over "
            "{refer_everyone_kept} of referred good customers.")


#: The net value's card writes "about" in small type and its number on one line. A number of
#: up to :data:`SHORT_NUMBER` characters ("-$1.6M") keeps the cards' large type; a longer one
#: ("-$250,000", the longest :func:`brief_money` writes) is drawn at :data:`LONG_NUMBER_EM` of
#: it (1.3 of the text's size, not 1.6), so that the line fits a card a quarter of the page
#: wide, at 900 px and printed on A4. The line keeps its height, so the card's label starts
#: where the other cards' labels do.
SHORT_NUMBER, LONG_NUMBER_EM = 6, 1.3 / 1.6


def _headline_cards(inputs: BriefInputs, figs: dict[str, Figure]) -> str:
    """The four headline cards; the net value's card also gives its 95% range and writes the
    "about" of :func:`headline_net_value` in small type before the number, on one line (see
    :data:`SHORT_NUMBER`): in the card's large type "about $700,000" broke over two lines,
    and its number sat a line lower than the other cards'."""
    pick = [figs[k] for k in ("net_value_per_year", "roc_auc", "parity_ratio", "approval_rate")]
    label = html.escape(pick[0].label)
    shown = (f'<div>95% range: {figs["net_value_low"].span()} to '
             f'{figs["net_value_high"].span()}</div>')
    text = brief_money(inputs.money["net_value_per_year"])
    number = replace(pick[0], text=text).span()
    if len(text) > SHORT_NUMBER:
        number = f'<span style="font-size: {LONG_NUMBER_EM:.4g}em">{number}</span>'
    line = ('<span class="value" style="white-space: nowrap"><span style="font-size: 0.6em; '
            f'font-weight: normal">{ABOUT}</span> {number}</span>')
    return figures_block(pick).replace(
        f'<span class="value">{pick[0].span()}</span>{label}<div class="source">',
        f'{line}{label}{shown}<div class="source">', 1)


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


def brief_html(inputs: BriefInputs, *, card_href: str = CARD) -> str:
    """The executive brief as one self-contained HTML page."""
    figs = brief_figures(inputs)
    sections = [
        Section("The decision asked", '<div class="decision">'
                + prose(decision_text(inputs), figs) + "</div>" + _headline_cards(inputs, figs)
                + prose("The model ranks a defaulter above a repayer with a chance of {roc_auc}"
                        " and approves {approval_rate} of applicants at once; the rest go to an "
                        "underwriter. On {n_test} held-out applicants it approved "
                        "{bad_loans_approved} loans that defaulted.", figs),
                [chart(value_chart(inputs)), chart(fairness_chart(inputs))]),
        Section("Value against the current process", _value_body(inputs, figs)),
        Section("Fairness findings", prose(fairness_text(inputs), figs)),
        Section("Risks, owners and mitigations",
                '<div class="risks">' + html_table(risk_register(inputs), row_headers=True)
                + "</div>"),
        Section("Monitoring plan", _monitoring_body(inputs, figs)),
        Section("Rollout plan", _ab_body(inputs, figs)
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


def _monitoring_body(inputs: BriefInputs, figs: dict[str, Figure]) -> str:
    text = "{n_rules} alert rules watch the service; each names who is paged and what they do."
    if "alarm_delay_days" in figs:
        text += " In the trial the new region opened and the drift alarm fired {alarm_delay_days}."
    rules = inputs.monitoring["rules"]
    rows = [{"severity": level, "alerts (signal and level)": "; ".join(
        f"{r['alert']} ({r['signal']} {r['fires at']})" for r in rules if r["severity"] == level)}
        for level in ("critical", "warning", "info")]
    return prose(text, figs) + html_table(rows, row_headers=True)


def _ab_body(inputs: BriefInputs, figs: dict[str, Figure]) -> str:
    if not inputs.ab:
        return ""
    ab = inputs.ab
    verdict = "a real difference" if ab["significant"] else "no proven difference yet"
    guard = ("the approval-rate guardrail held" if ab["guardrail_ok"]
             else "the approval-rate guardrail was BROKEN")
    return prose("A/B test on {ab_n} applicants, read {ab_outcome_days} days later when the "
                 "approved loans' outcomes were in: profit per applicant {ab_profit_a} with the "
                 "current version, {ab_profit_b} with the new one (p = {ab_p_value}): "
                 f"{verdict}; approved at once {{ab_approval_a}} against {{ab_approval_b}}: "
                 f"{guard}. Referred applicants' outcomes are never observed (censored), so "
                 "the test compares profit per applicant, not wrong decisions.", figs)


#: The brief's two charts are drawn at this size (inches). They sit side by side under the
#: headline cards; printed, each takes half an A4 page's width (3.5 inches), about 0.8 of this
#: size, so their text, drawn at :data:`BRIEF_TEXT_PT` or more, prints at 10 pt or more (the
#: body text is 9.5 pt), and the brief keeps to two pages. (Beside its section's text,
#: at 40% of the width and this size 5 by 3.6, it printed at 6.6 to 8.8 pt.)
BRIEF_CHART_SIZE = (4.1, 2.1)
#: The smallest text in the brief's charts (points, as drawn: the house 13 pt); their titles
#: are drawn at :data:`BRIEF_TITLE_PT`, less than the course's 16 pt, to fit the half page.
BRIEF_TEXT_PT, BRIEF_TITLE_PT = 13, 14
#: The height of one line of a brief chart's title (inches: its points times matplotlib's line
#: spacing, 1.2, over 72). :data:`BRIEF_CHART_SIZE` holds a title of two lines; a longer one
#: adds this much per line to the figure, and the plot keeps its height.
TITLE_LINE_INCHES = BRIEF_TITLE_PT * 1.2 / 72
#: The engineers' cost chart, in the model card, where it prints wider than in the brief.
CARD_CHART_SIZE = (5.0, 3.6)


def chart_axes(title: str, *, xlabel: str, ylabel: str, size: tuple[float, float], ax=None):
    """A new figure of ``size`` inches (:func:`deploydl.present.charts.new_figure`), or, given
    ``ax``, that panel of a larger figure, titled and labelled in the course style."""
    from deploydl.present.charts import course_style, new_figure

    if ax is None:
        return new_figure(title, xlabel=xlabel, ylabel=ylabel, size=size)
    with course_style():
        ax.set_title(title, loc="left")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
    return ax.figure, ax


def _brief_figure(title: str, *, xlabel: str, ylabel: str, ax=None):
    """A figure for the brief (:func:`chart_axes`), of :data:`BRIEF_CHART_SIZE`, with its
    title at :data:`BRIEF_TITLE_PT`, wrapped to fit; a title over two lines makes the figure
    taller (:data:`TITLE_LINE_INCHES`)."""
    from deploydl.present.charts import course_style

    own_figure = ax is None
    fig, ax = chart_axes("", xlabel=xlabel, ylabel=ylabel, size=BRIEF_CHART_SIZE, ax=ax)
    wrapped = textwrap.fill(title, 30)
    with course_style():
        ax.set_title(wrapped, loc="left", fontsize=BRIEF_TITLE_PT)
    extra_lines = len(wrapped.splitlines()) - 2
    if own_figure and extra_lines > 0:  # the figure grows by the line; the plot keeps its height
        width, height = BRIEF_CHART_SIZE
        fig.set_size_inches(width, height + extra_lines * TITLE_LINE_INCHES)
    return fig, ax


def cost_chart(inputs: BriefInputs, *, ax=None):
    """The cost of errors per 1,000 applicants at every threshold, on an axis from zero, with
    the break-even, the cheapest threshold in hindsight and the chosen one marked on the curve;
    a caption under the chart gives the gap in money (on a figure of its own: drawn on a panel
    ``ax`` of a larger figure, it has no caption)."""
    from deploydl.present.charts import BAD, GOOD, NEUTRAL, legend

    e, sweep = inputs.evaluation, inputs.sweep
    per = 1000 / e["n_test"]
    own_figure = ax is None
    fig, ax = chart_axes(f"Threshold {e['threshold']:.2f} costs {e['hindsight_gap_share']:.1%} "
                         f"more\nthan the cheapest in hindsight",
                         xlabel="threshold (chance of default)",
                         ylabel="cost of errors\n($k per 1,000 applicants)",
                         size=CARD_CHART_SIZE, ax=ax)
    ax.plot(sweep["threshold"], sweep["cost"] * per / 1000, color=NEUTRAL, linewidth=2)
    for threshold, label, color, marker in (
            (e["break_even"], "break-even", "#000000", "s"),
            (e["hindsight_threshold"], "hindsight's best", BAD, "D"),
            (e["threshold"], "chosen", GOOD, "o")):
        at = sweep.loc[(sweep["threshold"] - threshold).abs().idxmin(), "cost"]
        ax.plot([threshold], [at * per / 1000], marker=marker, markersize=10, color=color,
                linestyle="none", label=f"{label} {threshold:.2f}")
    ax.set_ylim(0, float(sweep["cost"].max()) * per / 1000 * 1.1)
    ax.set_xlim(0, 1)
    legend(ax, loc="lower right", frameon=False, labelspacing=0.3, borderaxespad=0.2)
    if not own_figure:
        return fig
    fig.supxlabel(textwrap.fill(
        f"Chosen before the test (fairness screen {screen_verdict(inputs.fairness)}), it costs "
        f"{brief_money(e['hindsight_gap'] * per)} more per 1,000 applicants than a threshold "
        "only hindsight could have picked.", 52), x=0.0, ha="left", fontsize=12,
        color="#333333")
    return fig


def value_chart(inputs: BriefInputs, *, ax=None):
    """The board's chart: the model against the current process, in money a year. Zero is the
    current process (the y-axis label says so); the title (:func:`value_title`) gives the net
    value against it and says when its 95% range crosses zero; the bars are what the model
    saves (or loses) against it and its running cost; the net value is a dot with its 95%
    range as a whisker, each labelled in money. The value section's text gives both
    processes' costs. Given ``ax``, it draws on that panel of a larger figure."""
    from deploydl.present.charts import BAD, GOOD, NEUTRAL

    m = inputs.money
    net, low, high = m["net_value_per_year"], m["net_value_low"], m["net_value_high"]
    values = [m["saved_per_year"], -m["running_cost_per_year"], net]
    scale, unit = ((1e6, "$M") if max(map(abs, [*values, low, high])) >= 1e6
                   else (1e3, "$k"))
    fig, ax = _brief_figure(value_title(net, low, high), xlabel="",
                            ylabel=f"{unit} a year\n0 = current process", ax=ax)
    names = ["saved" if values[0] >= 0 else "lost", "running\ncost", "net\nvalue"]
    bars = ax.bar(names[:2], [v / scale for v in values[:2]],
                  color=[GOOD if values[0] >= 0 else BAD, BAD])
    ax.bar_label(bars, labels=[brief_money(v) for v in values[:2]], fontsize=BRIEF_TEXT_PT,
                 padding=2)
    # the net value is an estimate with its range: a dot and a whisker, labelled beside them
    ax.errorbar([names[2]], [net / scale],
                yerr=[[max(net - low, 0) / scale], [max(high - net, 0) / scale]],
                color=GOOD if net >= 0 else BAD, ecolor="#000000", capsize=8, linewidth=2,
                marker="o", markersize=11)
    ax.annotate(brief_money(net), (2, net / scale), xytext=(12, 0), textcoords="offset points",
                va="center", fontsize=BRIEF_TEXT_PT)
    end = low if abs(low) > abs(high) else high  # named at the end away from the zero line
    ax.annotate("95% range", (2, end / scale), xytext=(12, 0), textcoords="offset points",
                va="center", fontsize=BRIEF_TEXT_PT, color="#333333")
    ax.axhline(0, color=NEUTRAL, lw=1.5)
    shown = [0.0, *(v / scale for v in values), low / scale, high / scale]
    pad = 0.15 * ((max(shown) - min(shown)) or 1)
    ax.set_ylim(min(shown) - pad, max(shown) + pad)
    ax.set_xlim(-0.6, 2.9)
    return fig


def value_title(net: float, low: float, high: float) -> str:
    """The value chart's title: the net value a year ``net`` against the current process, as
    the headline card writes it (:func:`headline_net_value`), in every case; when its 95% range
    (``low`` to ``high``) crosses zero, what the other side of zero means: a positive net value
    "may be a loss", a negative one "may be a gain"."""
    title = f"Net value {headline_net_value(net)} a year vs the current process"
    if spans_zero(low, high):
        title += "; may be a loss" if net > 0 else "; may be a gain"
    return title


def fairness_chart(inputs: BriefInputs, *, ax=None):
    """The share approved at once per age band, with the four-fifths line of the screen; a band
    below the line is drawn in ``BAD``, the others in ``GOOD``. The title gives the screen's
    verdict (:func:`_fairness_title`). Given ``ax``, it draws on that panel of a larger
    figure."""
    from deploydl.present.charts import BAD, GOOD, NEUTRAL, label_bars, legend
    from deploydl.responsible.charts import in_band_order

    rates = in_band_order(inputs.by_group["selection_rate"]) * 100
    f = inputs.fairness
    fig, ax = _brief_figure(_fairness_title(f), xlabel="", ylabel="approved at once (%)", ax=ax)
    line = rates.max() * f["min_ratio"]  # labelled with its value: a bar can sit a hair below
    # a band below the screen in the course's colour for it (as Module 03's chart)
    ax.bar(human_labels(rates.index), rates.to_numpy(),
           color=[BAD if rate < line else GOOD for rate in rates])
    ax.axhline(line, color=NEUTRAL, ls="--",
               label=f"{f['min_ratio']:.0%} of the best rate: {line:.1f}%")
    ax.set_ylim(0, 115)
    ax.set_yticks(range(0, 101, 50))
    # under the age bands, in the place of an axis label: above the bars it hid their labels
    legend(ax, loc="upper center", bbox_to_anchor=(0.5, -0.22), frameon=False,
           borderaxespad=0)
    label_bars(ax)
    return fig


def _fairness_title(fairness: dict) -> str:
    """The fairness chart's title: the four-fifths screen's verdict on the held-out applicants.
    Too close to call (a pass whose 95% range reaches below the screen), it gives the ratio
    and says the range reaches below, as the brief's text does."""
    worst, screen = human_label(fairness["worst_group"]), fairness["min_ratio"]
    if not fairness["gate_passed"]:
        return f"Applicants aged {worst} fall below the four-fifths screen"
    if fairness.get("too_close_to_call"):  # short lines: a longer title shrank the chart
        return (f"{worst[0].upper()}{worst[1:]}: approved "
                f"{fairness['demographic_parity_ratio']:.0%} as often as the best; 95% range "
                f"dips below {screen:.0%}")
    return f"Every age band is approved at least {screen:.0%} as often as the best"


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


def _card_charts(inputs: BriefInputs) -> dict[str, bytes]:
    """The model card's charts, by caption: the engineers' cost curve, moved there from the
    board's brief (whose value section shows the value chart)."""
    from deploydl.present.report import figure_png

    caption = ("The engineers' chart: cost of errors per 1,000 held-out applicants at every "
               "threshold, with the chosen threshold, the break-even and the cheapest in "
               "hindsight marked.")
    return {caption: figure_png(cost_chart(inputs))}


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
