"""The one threshold rule (Module 02): break-even on calibrated scores, fairness on the
validation set, the test set only reports; calibration travels with the network."""

from __future__ import annotations

import numpy as np
import pytest

from deploydl.data import make_applicants
from deploydl.evaluation.calibration import CalibratedModel, calibrate
from deploydl.evaluation.decision import (
    ThresholdChoice,
    decides_at,
    decision_threshold,
    report_on_test,
    threshold_for,
    why_this_threshold,
)
from deploydl.evaluation.metrics import ErrorCosts, cost_minimising_threshold, outcomes


def _world(seed: int, *, shift: float):
    """Two groups; group b scores ``shift`` higher, so the screen can fail at the break-even."""
    rng = np.random.default_rng(seed)
    groups = np.repeat(["a", "b"], 1000)
    risk = np.clip(rng.beta(2, 8, 2000) + (groups == "b") * shift, 0, 1)
    y = (rng.random(2000) < risk).astype(int)
    return y, risk, groups


def test_without_a_validation_set_the_rule_is_the_break_even_of_the_costs():
    assert decision_threshold().threshold == 0.2
    assert decision_threshold(costs=ErrorCosts(7_000, 3_000)).threshold == 0.3
    choice = decision_threshold()
    assert choice.reason == "break-even" and choice.passed is None and choice.n_validation == 0


def test_the_break_even_stands_when_the_screen_passes_on_the_validation_set():
    y, s, groups = _world(0, shift=0.0)
    choice = decision_threshold(y, s, groups)
    assert (choice.threshold, choice.reason, choice.passed) == (0.2, "break-even", True)
    assert choice.ratio == choice.ratio_at_break_even >= 0.8


def test_the_threshold_moves_to_the_cheapest_passing_one_on_the_validation_set():
    y, s, groups = _world(1, shift=0.12)
    choice = decision_threshold(y, s, groups)
    assert choice.reason == "fairness" and choice.passed and choice.ratio >= 0.8
    assert choice.ratio_at_break_even < 0.8 < choice.threshold * 4
    grid = np.round(np.arange(0.01, 1.0, 0.01), 2)
    rate = {t: [np.mean(s[groups == g] < t) for g in ("a", "b")] for t in grid}
    fair = [t for t in grid if max(rate[t]) > 0 and min(rate[t]) / max(rate[t]) >= 0.8]
    expected = min(fair, key=lambda t: (outcomes(y, s, threshold=t).cost, t))
    assert choice.threshold == expected
    assert "moved from the break-even 0.20" in str(choice)


def test_when_no_threshold_passes_the_break_even_stays_and_the_choice_says_so():
    y, s, groups = _world(2, shift=0.12)
    choice = decision_threshold(y, s, groups, min_ratio=1.01)
    assert choice.threshold == 0.2 and choice.passed is False
    assert choice.reason == "no threshold passes the fairness screen"


def test_the_sentence_on_a_threshold_says_where_the_ratio_stood_and_what_was_chosen():
    """Modules 00 and 04 print it: the ratio at the break-even against the screen, then the
    choice; "below" only when the ratio was below the screen."""
    y, s, groups = _world(1, shift=0.12)
    moved = decision_threshold(y, s, groups)
    assert why_this_threshold(moved) == (
        f"On the 2,000 applicants set aside, the approval ratio at the break-even was "
        f"{moved.ratio_at_break_even:.2f}, below 0.8: threshold {moved.threshold:.2f} (moved "
        "from the break-even 0.20 to pass the fairness screen on 2,000 validation applicants).")
    y, s, groups = _world(0, shift=0.0)
    kept = decision_threshold(y, s, groups)
    assert f"was {kept.ratio_at_break_even:.2f}, at or above 0.8: threshold 0.20 (the " \
           "break-even of the costs)." in why_this_threshold(kept)
    with pytest.raises(ValueError, match="chosen on no applicants.*set_aside_applicants"):
        why_this_threshold(decision_threshold())


def test_the_validation_set_must_come_whole():
    y, s, groups = _world(3, shift=0.0)
    with pytest.raises(ValueError, match="got only scores_validation and groups_validation: "
                                         "checking the fairness screen needs"):
        decision_threshold(None, s, groups)
    # labels and scores without groups used to give the break-even, dropping them unread
    with pytest.raises(ValueError, match=r"got only y_validation and scores_validation: .* "
                                         "Pass all three, or none for the break-even alone"):
        decision_threshold(y, s)
    with pytest.raises(ValueError, match="groups_validation has 10 values for 2000"):
        decision_threshold(y, s, groups[:10])


def test_the_test_set_only_reports_the_cost_and_the_hindsight_gap():
    y, s, _ = _world(4, shift=0.0)
    report = report_on_test(y, s, threshold=0.2)
    hindsight = cost_minimising_threshold(y, s)
    assert report["hindsight_threshold"] == hindsight
    assert report["cost"] == outcomes(y, s, threshold=0.2).cost
    assert report["hindsight_gap"] == report["cost"] - outcomes(y, s, threshold=hindsight).cost
    assert report["hindsight_gap"] >= 0
    assert report["hindsight_gap_share"] == pytest.approx(
        report["hindsight_gap"] / report["hindsight_cost"])


@pytest.fixture(scope="module")
def network():
    from deploydl.models import train_applicant_model

    return train_applicant_model(make_applicants(1500, seed=0), seed=0, epochs=3)


def test_calibrating_the_network_folds_platt_scaling_into_its_weights(network):
    aside, test = make_applicants(1000, seed=2), make_applicants(1000, seed=1)
    calibrated = calibrate(network, aside)
    wrapper = CalibratedModel(network, calibrated.calibration["slope"],
                              calibrated.calibration["shift"])
    np.testing.assert_allclose(calibrated.predict_proba(test), wrapper.predict_proba(test),
                               atol=1e-5)
    raw, fixed = network.predict_proba(test), calibrated.predict_proba(test)
    assert not np.allclose(raw, fixed)  # it changed what the scores say ...
    assert (np.argsort(raw, kind="stable") == np.argsort(fixed, kind="stable")).mean() > 0.99
    assert calibrated.calibration["rows"] == 1000 and calibrated.threshold is None
    assert network.calibration == {}  # the trained model is left as it was
    with pytest.raises(ValueError, match="positive slope"):
        network.with_platt(-1.0, 0.0, rows=1, data_sha256="x")


def test_platt_scaling_refuses_a_network_without_a_linear_logit_layer(network):
    import copy

    from torch import nn

    odd = copy.deepcopy(network)
    odd.net.layers = nn.Sequential(*odd.net.layers, nn.Sigmoid())
    with pytest.raises(TypeError, match=r"must be a linear layer .* ends in a Sigmoid\. Give it "
                                        "a final nn.Linear"):
        odd.with_platt(1.0, 0.0, rows=1, data_sha256="x")


def test_calibration_and_threshold_travel_with_the_artifact(network, tmp_path):
    from fastapi.testclient import TestClient

    from deploydl.integrity import ArtifactError, check_metadata
    from deploydl.registry import load_artifact, save_model
    from deploydl.serving import create_app

    aside = make_applicants(1000, seed=2)
    model = calibrate(network, aside)
    model.threshold, choice = threshold_for(model, aside)
    assert isinstance(choice, ThresholdChoice)
    artifact = save_model(model, tmp_path / "a", training_data=make_applicants(1500, seed=0))
    loaded, _ = load_artifact(artifact.path)
    assert loaded.threshold == model.threshold and loaded.calibration == model.calibration
    np.testing.assert_allclose(loaded.predict_proba(aside), model.predict_proba(aside),
                               atol=1e-7)
    assert TestClient(create_app(loaded)).get("/model").json()["threshold"] == model.threshold
    assert TestClient(create_app(loaded, threshold=0.4)).get("/model").json()["threshold"] == 0.4
    with pytest.raises(ArtifactError, match="'threshold' must be a chance of default"):
        check_metadata({**artifact.metadata, "threshold": 1.5})


def test_threshold_for_keeps_a_recorded_threshold(network):
    aside = make_applicants(500, seed=5)
    model = calibrate(network, aside)
    assert threshold_for(model)[0] == 0.2  # no validation set: the break-even
    model.threshold = 0.37  # recorded with the model: the service decides there
    assert threshold_for(model, aside)[0] == 0.37


def test_a_model_decides_at_the_fixed_threshold_else_its_own_else_one_half():
    class Scorer:
        threshold = None

    scorer = Scorer()
    assert decides_at(scorer) == 0.5 and decides_at(object()) == 0.5
    scorer.threshold = 0.0  # a recorded threshold counts even when it is zero
    assert decides_at(scorer) == 0.0
    scorer.threshold = 0.27
    assert decides_at(scorer) == 0.27 and decides_at(scorer, 0.4) == 0.4


def test_a_chance_of_default_at_the_threshold_is_referred():
    from deploydl.evaluation.decision import refer_or_approve

    assert refer_or_approve(0.30, 0.30) == "refer"  # at the threshold: an underwriter looks
    assert refer_or_approve(0.31, 0.30) == "refer"
    assert refer_or_approve(np.nextafter(0.30, 0.0), 0.30) == "approve"
    assert refer_or_approve(0.0, 0.0) == "refer" and refer_or_approve(1.0, 1.0) == "refer"


@pytest.mark.parametrize("probability, threshold", [(np.nan, 0.30), (0.10, np.nan)])
def test_a_chance_or_threshold_that_is_not_a_number_is_referred_never_approved(probability,
                                                                                threshold):
    """The rule fails closed by itself, not only because its callers check their scores."""
    from deploydl.evaluation.decision import refer_or_approve

    assert refer_or_approve(probability, threshold) == "refer"


def test_a_ratio_of_exactly_four_fifths_passes_and_reads_at_or_above():
    """Group a all approved at the break-even, group b 8 in 10: a ratio of exactly 0.8. The
    screen needs at least 0.8, so it passes, the break-even stands, and the sentence agrees."""
    y = np.array([0, 1] * 10)
    s = np.r_[np.full(10, 0.1), np.full(8, 0.1), 0.9, 0.9]
    groups = np.repeat(["a", "b"], 10)
    choice = decision_threshold(y, s, groups)
    assert (choice.ratio_at_break_even, choice.passed, choice.reason) == (
        0.8, True, "break-even")
    assert ", at or above 0.8: threshold 0.20" in why_this_threshold(choice)


def test_the_fairness_sweep_decides_a_score_at_the_threshold_as_the_service_does():
    """A chance of default exactly at the threshold is referred by the service
    (refer_or_approve), so the fairness sweep does not count it approved either."""
    from deploydl.evaluation.decision import GRID, fairness_sweep, refer_or_approve

    t = float(GRID[29])  # 0.3, exactly as the sweep holds it
    s = np.array([0.1] * 5 + [0.1, 0.1, t, t, t])
    y = np.array([0, 1] * 5)
    groups = np.repeat(["a", "b"], 5)
    approve = np.array([refer_or_approve(p, t) == "approve" for p in s])
    rates = [approve[groups == g].mean() for g in ("a", "b")]  # 1.0 and 0.4
    row = fairness_sweep(y, s, groups, min_ratio=0.8).set_index("threshold").loc[t]
    assert row["parity_ratio"] == min(rates) / max(rates) == 0.4
    assert row["approved"] == approve.mean() and not row["passes"]
