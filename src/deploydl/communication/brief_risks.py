"""The executive brief's risk register and roll-out plan (Module 07), and the short phrases
they share with the page: the fairness screen's verdict and when the drift alarm fired.
"""

from __future__ import annotations

from typing import Any

from deploydl.communication.brief_inputs import BriefInputs
from deploydl.communication.brief_rounding import brief_money, headline_net_value
from deploydl.present.charts import human_label


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
