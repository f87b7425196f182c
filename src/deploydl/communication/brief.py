"""Gather the numbers for the executive brief (Module 07), each from the module that owns it.

:func:`collect_brief_inputs` is the one place the brief, ``deploydl demo`` and the capstone
(Module 08) get their numbers from: evaluation (:mod:`deploydl.evaluation.metrics`), fairness
(:mod:`deploydl.responsible.fairness`), the registry's metadata (:mod:`deploydl.registry`) and the
monitoring plan (:mod:`deploydl.monitoring`). It returns plain dicts in a small dataclass, so
a number has one source; :mod:`deploydl.communication.brief_page` turns them into the page.

This module is also the public face of the brief's inputs: it re-exports the assumptions and
dataclasses (:mod:`~deploydl.communication.brief_inputs`), the way it writes money
(:mod:`~deploydl.communication.brief_rounding`) and its risk register
(:mod:`~deploydl.communication.brief_risks`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from deploydl.communication.brief_inputs import (
    DEFAULT_ASSUMPTIONS,
    DEFAULT_CONTEXT,
    Assumptions,
    BriefInputs,
    Context,
)
from deploydl.communication.brief_risks import days_after_opening, risk_register, screen_verdict
from deploydl.communication.brief_rounding import ROUNDING_NOTE, brief_money, brief_usd, table_money
from deploydl.data import LABEL, PROTECTED_ATTRIBUTE
from deploydl.evaluation.decision import threshold_for
from deploydl.evaluation.metrics import ErrorCosts

__all__ = [
    "DEFAULT_ASSUMPTIONS",
    "ROUNDING_NOTE",
    "Assumptions",
    "BriefInputs",
    "Context",
    "brief_money",
    "brief_usd",
    "collect_brief_inputs",
    "days_after_opening",
    "risk_register",
    "screen_verdict",
    "table_money",
]


def collect_brief_inputs(registry, name: str, test: pd.DataFrame, *,
                         version: str | None = None,
                         validation: pd.DataFrame | None = None,
                         monitoring: dict[str, Any] | None = None,
                         ab: dict[str, Any] | None = None, current=None,
                         context: Context = DEFAULT_CONTEXT,
                         assumptions: Assumptions = DEFAULT_ASSUMPTIONS) -> BriefInputs:
    """Gather the brief's numbers from the artifacts.

    Parameters
    ----------
    registry : deploydl.registry.ModelRegistry
        The model in ``production`` is the one briefed; it is verified (sha256) and loaded.
    name : str
        The model's name in the registry, e.g. ``"loan-default"``.
    version : str, optional
        Brief this registered version instead, e.g. a candidate held in staging because its
        fairness gate failed or is too close to call (the brief asks for the decision).
    test : pandas.DataFrame
        Held-out applicants with the ``default`` label. They only *report*: the cost and the
        fairness ratio at the threshold chosen without them, and the hindsight gap.
    validation : pandas.DataFrame, optional
        The applicants set aside for calibration, on which each threshold is chosen
        (:func:`deploydl.evaluation.decision.threshold_for`). Without it the current process
        decides at the break-even and the model at the threshold recorded with it (else the
        break-even).
    monitoring : dict, optional
        The drift event seen in traffic, e.g. from
        :meth:`deploydl.capstone.project.Capstone.traffic`:
        ``opened_day``, ``alarm_day``, ``drifted`` (feature names), ``predictions``, ``alerts``.
    ab : dict, optional
        The A/B test: ``ABResult`` fields plus ``version_a``, ``version_b``, ``n_a``, ``n_b``.
    current : model, optional
        The bank's current process (e.g. the logistic baseline scorecard, calibrated on
        ``validation``), with ``predict_proba``; the value case compares against it at its own
        threshold, chosen by the same rule.
        Without it the comparison is with approving everyone, and the brief says so.
    """
    from deploydl.registry import load_artifact

    version = version or registry.stage(name, "production")
    if version is None:
        raise ValueError(f"No {name} version is in production: pass the version to brief "
                         "(e.g. the one in staging).")
    model, artifact = load_artifact(registry.path(name, version))
    threshold, choice = threshold_for(model, validation, costs=assumptions.costs,
                                      min_ratio=assumptions.min_ratio)
    scores = model.predict_proba(test)
    gate = _gate(test, scores, threshold, choice, assumptions)
    evaluation, sweep = _evaluation(test, scores, gate, assumptions.costs)
    evaluation["calibrated"] = bool(artifact.metadata.get("calibration"))
    fairness, by_group = _fairness(test, scores, gate)
    money, sensitivity = _money(test, scores, gate, current, validation, assumptions)
    return BriefInputs(
        context=context, assumptions=assumptions,
        registry={"name": artifact.metadata["name"], "version": artifact.version,
                  "sha256": artifact.sha256, "created": artifact.metadata["created"],
                  "training_data_sha256": artifact.metadata["training_data_sha256"] or "",
                  "metrics": artifact.metadata["metrics"], "path": str(artifact.path),
                  "fairness_review": _fairness_review(registry, name, artifact.version)},
        evaluation=evaluation, fairness=fairness,
        money=money, monitoring=_monitoring_plan(monitoring or {}, evaluation), ab=ab,
        sweep=sweep, by_group=by_group, sensitivity=sensitivity)


def _fairness_review(registry, name: str, version: str) -> dict[str, str] | None:
    """The approver and reason recorded with this version's last release to production when
    a review overrode its gate (:meth:`deploydl.registry.ModelRegistry.promote`), or None."""
    found = [r for r in registry.releases(name)
             if r.get("version") == version and r.get("action") == "promote"]
    last = found[-1] if found else {}
    return ({"approver": last.get("approver", ""), "reason": last["override"]}
            if last.get("override") else None)


def _gate(test: pd.DataFrame, scores: np.ndarray, threshold: float, choice,
          assumptions: Assumptions) -> dict[str, Any]:
    """The chosen threshold, reported on the test set: its cost, the hindsight gap and the
    fairness screen there (the test set chose nothing)."""
    from deploydl.deploy.gates import fairness_gate
    from deploydl.evaluation.decision import report_on_test
    from deploydl.evaluation.metrics import outcomes
    from deploydl.responsible.fairness import selection_ratio

    y, groups = test[LABEL].to_numpy(), test[PROTECTED_ATTRIBUTE]
    report = report_on_test(y, scores, threshold=threshold, costs=assumptions.costs)
    at_break_even = outcomes(y, scores, threshold=choice.break_even, costs=assumptions.costs)
    approved = scores < threshold
    on_test = (fairness_gate(approved.astype(int), groups, min_ratio=assumptions.min_ratio)
               if approved.any() else None)
    return {**report, "break_even": choice.break_even, "reason": choice.reason,
            "n_validation": choice.n_validation, "validation_passed": choice.passed,
            "validation_ratio": choice.ratio, "min_ratio": assumptions.min_ratio,
            # the gate passes only where it passed when the threshold was chosen (if it was
            # checked there) and again on the held-out applicants
            "passed": choice.passed is not False and on_test is not None and on_test.passed,
            # the gate's own words on the held-out applicants, with the ratio's 95% range
            "gate_reason": "nobody was approved" if on_test is None else on_test.reason,
            "ratio_low": None if on_test is None else on_test.low,
            "ratio_high": None if on_test is None else on_test.high,
            "too_close_to_call": on_test is not None and on_test.too_close_to_call,
            "ratio_at_break_even": selection_ratio((scores < choice.break_even).astype(int),
                                                   groups),
            "price_of_fairness": report["cost"] - at_break_even.cost}


def _evaluation(test: pd.DataFrame, scores: np.ndarray, gate: dict,
                costs: ErrorCosts) -> tuple[dict[str, Any], pd.DataFrame]:
    from deploydl.evaluation.calibration import calibration_error
    from deploydl.evaluation.metrics import accuracy_paradox, outcomes, scorecard, threshold_sweep

    y = test[LABEL].to_numpy()
    out = outcomes(y, scores, threshold=gate["threshold"], costs=costs)
    everyone = accuracy_paradox(y, scores, threshold=gate["threshold"], costs=costs)
    return ({**scorecard(y, scores, threshold=gate["threshold"]),
             "threshold": gate["threshold"], "threshold_reason": gate["reason"],
             "n_validation": gate["n_validation"],
             "hindsight_threshold": gate["hindsight_threshold"],
             "hindsight_cost": gate["hindsight_cost"], "hindsight_gap": gate["hindsight_gap"],
             "hindsight_gap_share": gate["hindsight_gap_share"],
             "break_even": gate["break_even"], "calibration_error": calibration_error(y, scores),
             "n_test": len(y), "approval_rate": float(np.mean(scores < gate["threshold"])),
             "bad_loans_approved": out.bad_approved,
             "good_customers_turned_away": out.good_turned_away,
             "cost": out.cost, "cost_approve_everyone": float(everyone["cost"].loc[
                 "approve everyone"])},
            threshold_sweep(y, scores, costs=costs))


def _fairness(test: pd.DataFrame, scores: np.ndarray,
              gate: dict) -> tuple[dict[str, Any], pd.DataFrame]:
    from deploydl.responsible.fairness import fairness_summary, rates_by_group

    repaid, groups = 1 - test[LABEL].to_numpy(), test[PROTECTED_ATTRIBUTE]
    approved = (scores < gate["threshold"]).astype(int)
    rates = rates_by_group(repaid, approved, groups)
    worst = str(rates["selection_rate"].idxmin())
    return ({**fairness_summary(repaid, approved, groups), "attribute": PROTECTED_ATTRIBUTE,
             "ratio_at_break_even": gate["ratio_at_break_even"], "gate_passed": gate["passed"],
             "validation_passed": gate["validation_passed"],
             "validation_ratio": gate["validation_ratio"],
             "threshold_reason": gate["reason"], "min_ratio": gate["min_ratio"],
             "gate_reason": gate["gate_reason"], "ratio_low": gate["ratio_low"],
             "ratio_high": gate["ratio_high"], "too_close_to_call": gate["too_close_to_call"],
             "worst_group": worst,
             "worst_group_approval": float(rates["selection_rate"].loc[worst]),
             "price_of_fairness": gate["price_of_fairness"]}, rates)


def _money(test: pd.DataFrame, scores: np.ndarray, gate: dict, current,
           validation: pd.DataFrame | None,
           assumptions: Assumptions) -> tuple[dict[str, Any], pd.DataFrame]:
    """The value case against the current process, its 95% range from the sampling of the
    held-out applicants, and its ±50% sensitivity table."""
    from deploydl.communication.value import sensitivity, value_case, value_interval

    y = test[LABEL].to_numpy()
    if current is None:
        current_scores, current_gate = np.zeros(len(y)), {"threshold": 1.0}
        name = "approving every applicant (no current process was given)"
    else:
        current_scores = current.predict_proba(test)
        current_gate = {"threshold": threshold_for(current, validation, costs=assumptions.costs,
                                                   min_ratio=assumptions.min_ratio)[0]}
        name = "the current scorecard (a logistic baseline)"
    options = {"threshold": gate["threshold"], "current_threshold": current_gate["threshold"],
               "assumptions": assumptions.value()}
    case = value_case(y, scores, current_scores, **options)
    interval = value_interval(y, scores, current_scores, **options)
    table = sensitivity(y, scores, current_scores, **options)
    per_year = assumptions.applications_per_year / len(y)
    return ({**case, "net_value_low": interval["low"], "net_value_high": interval["high"],
             "net_value_level": interval["level"], "current_process": name,
             "price_of_fairness_per_year": gate["price_of_fairness"] * per_year}, table)


def _monitoring_plan(event: dict[str, Any], evaluation: dict) -> dict[str, Any]:
    from deploydl.monitoring import DEFAULT_RULES

    rules = [{"alert": r.name, "severity": r.severity, "signal": r.signal,
              "fires at": f"{'<=' if r.below else '>='} {r.threshold:g}",
              "first action": r.runbook} for r in DEFAULT_RULES]
    plan = {"rules": rules, "n_rules": len(rules)}
    if "alarm_day" in event:
        plan["alarm_delay_days"] = (None if event["alarm_day"] is None
                                    else event["alarm_day"] - event["opened_day"])
    return {**plan, **event}
