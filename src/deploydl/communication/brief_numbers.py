"""Every number the executive brief shows (Module 07), each a tagged
:class:`deploydl.present.report.Figure` built from
:class:`deploydl.communication.brief.BriefInputs`: its text on the page, its exact value
(``data-value``) and the module that computed it, so a test can check each one.
"""

from __future__ import annotations

from typing import Any

from deploydl.communication.brief_inputs import Assumptions, BriefInputs
from deploydl.communication.brief_risks import days_after_opening
from deploydl.communication.brief_rounding import brief_money, headline_net_value
from deploydl.present.charts import human_label, money
from deploydl.present.report import Figure


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
        *_value_figures(m, ev=ev, sampled=sampled, rule=rule),
        *_assumption_figures(a, m, stated=stated),
        *_evaluation_figures(e, a, ev=ev, rule=rule),
        *_fairness_figures(f, m, ev=ev, fa=fa),
        *_release_figures(inputs),
    ]
    figs += _event_figures(inputs)
    return {fig.key: fig for fig in figs}


def _value_figures(m: dict[str, Any], *, ev: str, sampled: str, rule: str) -> list[Figure]:
    """The value case's figures: net value and its range, costs a year, the current process."""
    return [
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
    ]


def _assumption_figures(a: Assumptions, m: dict[str, Any], *, stated: str) -> list[Figure]:
    """The stated money assumptions: underwriter time, share lost, running cost, volumes, prices."""
    return [
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
    ]


def _evaluation_figures(e: dict[str, Any], a: Assumptions, *, ev: str, rule: str) -> list[Figure]:
    """Module 02's evaluation on the held-out applicants: ranking, threshold, costs, calibration."""
    return [
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
    ]


def _fairness_figures(f: dict[str, Any], m: dict[str, Any], *, ev: str, fa: str) -> list[Figure]:
    """The fairness screen's figures, with the price a year of clearing it."""
    return [
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
    ]


def _release_figures(inputs: BriefInputs) -> list[Figure]:
    """The release's figures: its alert rules, and the registered model's version and weights."""
    return [
        Figure("n_rules", "alert rules, each with a runbook", str(inputs.monitoring["n_rules"]),
               inputs.monitoring["n_rules"], "deploydl.monitoring.DEFAULT_RULES"),
        Figure("model_version", "model version", inputs.registry["version"],
               inputs.registry["version"], "deploydl.registry"),
        Figure("sha256", "sha256 of the weights", inputs.registry["sha256"][:12],
               inputs.registry["sha256"], "deploydl.registry"),
    ]


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
