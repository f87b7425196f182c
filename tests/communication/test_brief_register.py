"""The brief's risk register and what it reads from the registry and the drift event: each
figure is the one it names, the review is the last release's, a drift alarm that never fired
reads so."""

from __future__ import annotations

from dataclasses import replace

import pytest

from deploydl.communication.brief import (
    DEFAULT_ASSUMPTIONS,
    BriefInputs,
    Context,
    collect_brief_inputs,
    risk_register,
)
from deploydl.present.charts import human_label
from deploydl.registry import ModelRegistry


def _evidence(inputs: BriefInputs) -> dict[str, str]:
    return {r["risk"]: r["evidence"] for r in risk_register(inputs)}


def _figures_all_different() -> BriefInputs:
    """Figures chosen all different, so a row that read a neighbour's would show it."""
    return BriefInputs(
        Context(), DEFAULT_ASSUMPTIONS, registry={},
        evaluation={"bad_loans_approved": 17, "good_customers_turned_away": 230,
                    "n_test": 1500, "cost": 41_000.0},
        fairness={"demographic_parity_ratio": 0.83, "min_ratio": 0.8, "gate_passed": True,
                  "too_close_to_call": False, "worst_group": "18-25"},
        money={"net_value_per_year": 701_000.0, "net_value_low": -120_000.0,
               "net_value_high": 1_520_000.0},
        monitoring={"n_rules": 7})


def test_each_risk_cites_its_own_figure():
    evidence = _evidence(_figures_all_different())
    assert evidence["Costly errors (bad loans approved)"] == "17 of 1,500 test applicants"
    assert evidence["Unfair outcomes by age band"] == (
        f"approval ratio 0.83 (screen: 0.80, passed); applicants aged {human_label('18-25')} "
        "approved least")
    assert evidence["Value does not materialise"].startswith(
        "net about $700,000 a year against the current process (95% range -$120,000 to $1.5M)")
    assert evidence["Drift: the world changes after launch"] == (
        "no drift event yet; 7 alert rules watch the service")


def test_the_register_says_the_model_refers_and_never_declines():
    """The model approves or refers to an underwriter, who decides; it declines no one, so
    the fairness mitigation speaks of referrals, not of declines."""
    mitigation = {r["risk"]: r["mitigation"] for r in risk_register(_figures_all_different())}
    assert mitigation["Unfair outcomes by age band"] == (
        "Fairness gate before every release; referrals reviewed by an underwriter; quarterly "
        "fairness report.")
    assert not any("decline" in text.lower() for text in mitigation.values())


@pytest.fixture(scope="module")
def reviewed_twice(model, tmp_path_factory) -> ModelRegistry:
    """1.0.0 released on a review, replaced by 1.1.0, then released again on a second
    review."""
    registry = ModelRegistry(tmp_path_factory.mktemp("registry"))
    registry.register(model)
    registry.register(replace(model, version="1.1.0"))
    registry.promote(model.name, "1.0.0", stage="production", approver="First board",
                     override="the range straddles 0.80; first review")
    registry.promote(model.name, "1.1.0", stage="production")
    registry.promote(model.name, "1.0.0", stage="production", approver="Second board",
                     override="the range straddles 0.80; second review")
    return registry


def _brief(registry, applicants, monitoring) -> BriefInputs:
    return collect_brief_inputs(registry, "loan-default", applicants.tail(600),
                                monitoring=monitoring)


@pytest.mark.parametrize(("alarm_day", "said"), [
    (None, "a new region opened; the drift alarm has not fired"),
    (5, "a new region's applicants look different from the training data; the drift alarm "
        "fired 2 days after opening")])
def test_the_brief_names_the_last_review_and_when_the_alarm_fired(reviewed_twice, applicants,
                                                                   alarm_day, said):
    inputs = _brief(reviewed_twice, applicants, {"opened_day": 3, "alarm_day": alarm_day})
    assert inputs.registry["fairness_review"] == {"approver": "Second board",
                                                  "reason": "the range straddles 0.80; "
                                                            "second review"}
    assert _evidence(inputs)["Drift: the world changes after launch"] == said
