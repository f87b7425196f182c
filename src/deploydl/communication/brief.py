"""Gather the numbers for the executive brief (Module 07), each from the module that owns it.

:func:`collect_brief_inputs` is the one place the brief, ``deploydl demo`` and the capstone
(Module 08) get their numbers from: evaluation (:mod:`deploydl.evaluation.metrics`), fairness
(:mod:`deploydl.responsible.fairness`), the registry's metadata (:mod:`deploydl.registry`) and the
monitoring plan (:mod:`deploydl.monitoring`). It returns plain dicts in a small dataclass, so
a number has one source; :mod:`deploydl.communication.brief_page` turns them into the page.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd

from deploydl.communication.value import ValueAssumptions
from deploydl.data import APPLICATIONS_PER_YEAR, LABEL, PROTECTED_ATTRIBUTE
from deploydl.evaluation.decision import threshold_for
from deploydl.evaluation.metrics import DEFAULT_COSTS, ErrorCosts
from deploydl.present.charts import human_label, money
from deploydl.responsible.fairness import FOUR_FIFTHS
from deploydl.responsible.modelcard import CASE_STUDY_NOT_FOR


@dataclass(frozen=True)
class Assumptions:
    """The money assumptions the brief states, in US dollars (change them to your bank's).

    ``applications_per_year`` scales the test set's costs to a year;
    ``running_cost_per_year`` is the service's cost: hosting, monitoring and about one
    engineer's time for upkeep (Modules 05 and 06); ``referral_cost`` is the underwriter's
    time on one referred file and ``referred_good_lost`` the share of referred good customers
    lost (1 = all, as Module 02 assumes), both for the value case
    (:mod:`deploydl.communication.value`); ``costs`` are Module 02's error costs, which set the
    threshold (the break-even) and price a bad loan and a lost good customer in the value case
    too; ``min_ratio`` is the
    fairness screen the release gate applies (the bank's policy; the four-fifths ratio by
    default).
    """

    applications_per_year: int = APPLICATIONS_PER_YEAR
    running_cost_per_year: float = 250_000.0
    costs: ErrorCosts = DEFAULT_COSTS
    referral_cost: float = 150.0
    referred_good_lost: float = 1.0
    min_ratio: float = FOUR_FIFTHS

    def value(self) -> ValueAssumptions:
        """The value case's assumptions (:class:`deploydl.communication.value.ValueAssumptions`)."""
        return ValueAssumptions(bad_loan=self.costs.bad_loan_approved,
                                referral=self.referral_cost,
                                good_customer=self.costs.good_customer_turned_away,
                                referred_good_lost=self.referred_good_lost,
                                applications_per_year=self.applications_per_year,
                                running_cost=self.running_cost_per_year)


DEFAULT_ASSUMPTIONS = Assumptions()


#: The brief rounds every money estimate to this many significant figures (:func:`brief_money`).
SIGNIFICANT_FIGURES = 2
#: The table of assumptions moved by half keeps one more (:func:`table_money`): a swing of a
#: few per cent of the net value (the underwriter's time moves it about 2%) vanishes at two.
TABLE_FIGURES = 3
#: What the brief says about it (in its technical appendix).
ROUNDING_NOTE = ("Money estimates in this brief are rounded to two significant figures; in the "
                 "table of assumptions moved by half, to three, so that small swings show.")


def brief_money(amount: float, *, unit: str = "$", figures: int = SIGNIFICANT_FIGURES) -> str:
    """A money estimate as the brief writes it: ``figures`` significant figures (two), since a
    figure measured on a few thousand applicants is not known to the dollar. -252_667 ->
    '-$250,000'; 38_840_000 -> '$39M'; 1_639_000 -> '$1.6M' ('$1.64M' with ``figures=3``).
    Stated assumptions (a price, a running cost) are exact and keep
    :func:`deploydl.present.charts.money`. Under $10 the brief writes whole dollars, as
    :func:`~deploydl.present.charts.money` does: 0.4 -> '$0', 6.7 -> '$7'. From $10 up a half
    rounds up, as a reader does it: 125_000 -> '$130,000', 944_500 -> '$945,000' at three
    figures."""
    rounded = _significant(abs(amount), figures)
    if rounded < 10:
        rounded = round(abs(amount))
    if rounded >= 1e6:  # millions with as many decimals as the figures need: '$39M', '$1.64M'
        decimals = max(figures - len(str(int(rounded // 1e6))), 0)
        return f"{'-' if amount < 0 else ''}{unit}{rounded / 1e6:,.{decimals}f}M"
    return money(math.copysign(rounded, amount) if rounded else 0.0, unit=unit)


#: The word before the headline's net value: it is rounder than the table's (see below).
ABOUT = "about"


def headline_net_value(net: float) -> str:
    """The net value a year as the brief's headline, its text, its risk register and the
    audience messages write it: "about", then :func:`brief_money` (two significant figures):
    701_000 -> 'about $700,000'. The table of assumptions moved by half writes the same net
    value to three figures ('$701,000'); "about" tells the reader the headline is the rounder
    of the two, not a different amount."""
    return f"{ABOUT} {brief_money(net)}"


def brief_usd(amount: float) -> str:
    """:func:`brief_money` as a lesson's own text writes money: 'USD 1.6M', 'USD 130,000' (the
    course's money rule: "$" is for charts)."""
    return brief_money(amount, unit="USD ")


def _significant(amount: float, figures: int) -> float:
    """``amount`` (0 or more) rounded to ``figures`` significant figures, a half up (Python's
    own formatting rounds a half to the even digit: 125_000 to 120_000)."""
    if not math.isfinite(amount) or amount == 0:
        return amount  # nothing to round: a missing value stays missing (NaN)
    exact = Decimal(repr(float(amount)))  # the decimal it prints as, not its binary value
    step = Decimal(1).scaleb(exact.adjusted() - figures + 1)
    return float(exact.quantize(step, rounding=ROUND_HALF_UP))


def table_money(amount: float, *, unit: str = "$") -> str:
    """A net value in the table of assumptions moved by half
    (:func:`deploydl.communication.value.sensitivity_shown`): :func:`brief_money` at
    :data:`TABLE_FIGURES` significant figures, so -1_604_500 and -1_673_500 read '-$1.60M'
    and '-$1.67M', not '-$1.6M' and '-$1.7M'."""
    return brief_money(amount, unit=unit, figures=TABLE_FIGURES)


@dataclass(frozen=True)
class Context:
    """The words around the numbers: project, what the model does (``purpose``), whom it
    applies to (``audience``: the people who use it or are decided by it; the brief prints
    it as "Applies to:", since the brief itself goes to the board), what it must not be used
    for (``out_of_scope``, the model card's "Not for"), the decision."""

    project: str = "Northbridge Bank: loan-default model"
    purpose: str = ("Estimates each loan applicant's chance of default, so loan officers "
                    "approve the safe majority at once and send the rest to an underwriter.")
    audience: str = "Loan officers and applicants in every region."
    out_of_scope: str = CASE_STUDY_NOT_FOR
    decision: str = ""


@dataclass(frozen=True)
class BriefInputs:
    """Every number the brief shows, grouped by the module that computed it (plain dicts)."""

    context: Context
    assumptions: Assumptions
    registry: dict[str, Any]
    evaluation: dict[str, Any]
    fairness: dict[str, Any]
    money: dict[str, Any]
    monitoring: dict[str, Any]
    ab: dict[str, Any] | None = None
    sweep: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    by_group: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    sensitivity: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the dict groups, without the tables."""
        return {k: v for k, v in asdict(self).items()
                if k not in ("sweep", "by_group", "sensitivity")}


def collect_brief_inputs(registry, name: str, test: pd.DataFrame, *,
                         version: str | None = None,
                         validation: pd.DataFrame | None = None,
                         monitoring: dict[str, Any] | None = None,
                         ab: dict[str, Any] | None = None, current=None,
                         context: Context = Context(),
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


def days_after_opening(days: int) -> str:
    """When the drift alarm fired, in words: "on the day it opened", "1 day after opening"."""
    if days == 0:
        return "on the day it opened"
    return f"{days} day{'' if days == 1 else 's'} after opening"


def screen_verdict(fairness: dict[str, Any]) -> str:
    """The fairness gate's verdict on the held-out applicants, in the brief's words: "passed",
    "passed but too close to call" (its 95% range reaches below the screen) or "FAILED"."""
    if not fairness["gate_passed"]:
        return "FAILED"
    return "passed but too close to call" if fairness.get("too_close_to_call") else "passed"


def _drift_evidence(monitoring: dict[str, Any]) -> str:
    """What the run showed of drift: a new region that opened (``opened_day``) and when the drift
    alarm fired, if it did; without one, that there was no drift event, and what watches."""
    if "opened_day" not in monitoring:
        return f"no drift event yet; {monitoring['n_rules']} alert rules watch the service"
    delay = monitoring.get("alarm_delay_days")
    if delay is None:
        return "a new region opened; the drift alarm has not fired"
    return ("a new region's applicants look different from the training data; the drift "
            f"alarm fired {days_after_opening(delay)}")


def risk_register(inputs: BriefInputs) -> list[dict[str, str]]:
    """The brief's risks, each with the number behind it, an owner and a mitigation."""
    money = brief_money

    f, m, mon = inputs.fairness, inputs.money, inputs.monitoring
    return [
        {"risk": "Unfair outcomes by age band",
         "evidence": f"approval ratio {f['demographic_parity_ratio']:.2f} (screen: "
                     f"{f['min_ratio']:.2f}, {screen_verdict(f)}); "
                     f"applicants aged {human_label(f['worst_group'])} approved least",
         "owner": "Responsible-AI lead", "mitigation": "Fairness gate before every release; "
         "referrals reviewed by an underwriter; quarterly fairness report."},
        {"risk": "Costly errors (bad loans approved)",
         "evidence": f"{inputs.evaluation['bad_loans_approved']:,} of "
                     f"{inputs.evaluation['n_test']:,} test applicants",
         "owner": "AI product manager", "mitigation": "Threshold reviewed with credit risk "
         f"each quarter; errors cost {money(inputs.evaluation['cost'])} on the test set."},
        {"risk": "Drift: the world changes after launch", "evidence": _drift_evidence(mon),
         "owner": "MLOps / platform engineer", "mitigation": f"{mon['n_rules']} alert rules "
         "with runbooks; retraining policy; A/B test before any new version."},
        {"risk": "Personal data misused", "evidence": "names, emails and IDs in the source "
         "data; none among the model's inputs", "owner": "Data steward",
         "mitigation": "Pseudonymised IDs, column-level access, retention and erasure."},
        {"risk": "Value does not materialise",
         "evidence": f"net {headline_net_value(m['net_value_per_year'])} a year against "
                     f"the current process (95% range {brief_money(m['net_value_low'])} to "
                     f"{brief_money(m['net_value_high'])}) rests on the stated assumptions "
                     "(see the table of assumptions moved by half)", "owner": "Executive sponsor",
         "mitigation": "Track approvals and losses monthly against this brief; measure how "
         "many referred good customers the underwriters keep, and how many referred bad loans "
         "they approve."},
    ]


def rollout_plan(inputs: BriefInputs) -> list[dict[str, str]]:
    """Canary, A/B, full roll-out: each step with the gate that lets it continue."""
    from deploydl.monitoring import DEFAULT_RULES

    error = next(r for r in DEFAULT_RULES if r.signal == "error_rate")
    ab = inputs.ab or {}
    planned = f"{ab['planned_n']:,} applicants per version" if ab.get("planned_n") else \
        "the planned sample size"
    return [
        {"step": "1. Canary", "traffic": "10% for one week",
         "gate to continue": f"error rate below {error.threshold:.0%}; latency and approval "
                             "rate within limits; score-shape changes reviewed by a person"},
        {"step": "2. A/B test", "traffic": "50% new version, 50% current",
         "gate to continue": f"{planned}, read once outcomes arrive (months); more profit "
                             "per applicant, p < 0.05; approval rate within 5 points "
                             "(guardrail)"},
        {"step": "3. Full roll-out", "traffic": "100%",
         "gate to continue": "monitoring plan live; rollback = one registry promotion"},
    ]
