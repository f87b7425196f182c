"""The executive brief's section bodies (Module 07) as HTML, each number a tagged figure: the
headline cards, the value against the current process with its table of assumptions moved by
half, the monitoring plan and the A/B test.
"""

from __future__ import annotations

import html
from dataclasses import replace

from deploydl.communication.brief_inputs import BriefInputs
from deploydl.communication.brief_rounding import ABOUT, brief_money, table_money
from deploydl.communication.value import sensitivity_shown, sign_flips, spans_zero
from deploydl.present.report import Figure, figures_block, html_table, prose


def _decision_keeps_current_process(inputs: BriefInputs) -> bool:
    """Whether the decision above already asks to keep the current process, for a model that
    does not pay: the brief's own decision always does
    (:func:`~deploydl.communication.brief_text.decision_text` asks it for a failed gate, a
    hold for the fairness review and a model that does not pay); a decision written by hand
    (``Context(decision=...)``) does when it names the current process (in any case, across a
    line break)."""
    written = inputs.context.decision
    return not written or "current process" in " ".join(written.lower().split())


def value_body(inputs: BriefInputs, figs: dict[str, Figure]) -> str:
    """The value section: what the model saves against the current process, its verdict, when
    referring everyone would cost less, the assumptions, and their table moved by half."""
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


def headline_cards(inputs: BriefInputs, figs: dict[str, Figure]) -> str:
    """The four headline cards; the net value's card also gives its 95% range and writes the
    "about" of :func:`~deploydl.communication.brief_rounding.headline_net_value` in small
    type before the number, on one line (see :data:`SHORT_NUMBER`): in the card's large type
    "about $700,000" broke over two lines, and its number sat a line lower than the other
    cards'."""
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


def monitoring_body(inputs: BriefInputs, figs: dict[str, Figure]) -> str:
    """The monitoring section: the alert rules by severity, and when the drift alarm fired."""
    text = "{n_rules} alert rules watch the service; each names who is paged and what they do."
    if "alarm_delay_days" in figs:
        text += " In the trial the new region opened and the drift alarm fired {alarm_delay_days}."
    rules = inputs.monitoring["rules"]
    rows = [{"severity": level, "alerts (signal and level)": "; ".join(
        f"{r['alert']} ({r['signal']} {r['fires at']})" for r in rules if r["severity"] == level)}
        for level in ("critical", "warning", "info")]
    return prose(text, figs) + html_table(rows, row_headers=True)


def ab_body(inputs: BriefInputs, figs: dict[str, Figure]) -> str:
    """The A/B test's result in words, before the roll-out plan; empty without a test."""
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
