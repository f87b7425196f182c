"""The decay check compares like with like: labels arrive only for approved loans (Module 06)."""

import time

import numpy as np
import pandas as pd
import pytest

from deploydl.evaluation.metrics import roc_auc
from deploydl.monitoring import (
    LoggedPrediction,
    PredictionLog,
    SimulatedClock,
    approved_baseline,
    performance_decay,
    snapshot,
)

THRESHOLD = 0.25  # refer at a 25% chance of default or more


def _world(rows: int, seed: int, *, noise: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Outcomes and calibrated scores of a perfect model; ``noise`` blurs the scores (decay)."""
    rng = np.random.default_rng(seed)
    risk = rng.normal(-2.0, 1.2, rows)
    labels = (rng.random(rows) < 1 / (1 + np.exp(-risk))).astype(int)
    scores = 1 / (1 + np.exp(-(risk + rng.normal(0.0, noise, rows))))
    return labels, scores


def _arrived(labels, scores, *, all_labels: bool = False) -> pd.DataFrame:
    """A production log: outcomes arrive for approved loans only (``all_labels``: for all,
    as in a simulation)."""
    approved = scores < THRESHOLD
    return pd.DataFrame({"status": "ok", "probability": scores, "threshold": THRESHOLD,
                         "decision": np.where(approved, "approve", "refer"),
                         "label": labels if all_labels else np.where(approved, labels, np.nan)})


def test_undecayed_model_does_not_page_but_the_old_baseline_would():
    test_labels, test_scores = _world(20_000, seed=0)
    labels, scores = _world(20_000, seed=1)  # the same world, after launch: no decay
    production = _arrived(labels, scores)
    # The old comparison: everyone's AUC against the approved loans' AUC.
    approved = scores < THRESHOLD
    old_drop = roc_auc(test_labels, test_scores) - roc_auc(labels[approved], scores[approved])
    assert old_drop > 0.05  # it would have paged someone with no decay at all
    baseline = approved_baseline(test_labels, test_scores, threshold=THRESHOLD)
    assert baseline.auc < roc_auc(test_labels, test_scores) - 0.05
    decay = performance_decay(production, baseline=baseline)
    assert decay["labelled"] == approved.sum() and not decay["decayed"]
    assert abs(decay["drop"]) < 0.02
    # A simulation that joins every outcome is judged on the approved ones alone.
    assert performance_decay(_arrived(labels, scores, all_labels=True),
                             baseline=baseline) == decay


def test_real_decay_still_pages():
    baseline = approved_baseline(*_world(20_000, seed=0), threshold=THRESHOLD)
    decay = performance_decay(_arrived(*_world(20_000, seed=2, noise=1.5)), baseline=baseline)
    assert decay["decayed"] and decay["drop"] > 0.07


def test_a_baseline_measured_on_everyone_or_on_too_few_is_refused():
    labels, scores = _world(2_000, seed=0)
    with pytest.raises(TypeError, match="approved_baseline"):
        performance_decay(_arrived(labels, scores), baseline=roc_auc(labels, scores))
    with pytest.raises(ValueError, match="larger validation set"):
        approved_baseline(labels[:100], scores[:100], threshold=THRESHOLD)


def test_outcomes_decided_at_another_threshold_are_left_out_and_counted():
    """After a release at a new threshold the log holds outcomes of both; a baseline made at
    the new one compares only what was decided there, and the report keeps working."""
    baseline = approved_baseline(*_world(20_000, seed=0), threshold=THRESHOLD)
    before = _arrived(*_world(20_000, seed=1)).assign(threshold=0.20)
    after = _arrived(*_world(20_000, seed=2))
    both = performance_decay(pd.concat([before, after], ignore_index=True), baseline=baseline)
    alone = performance_decay(after, baseline=baseline)
    assert both == {**alone, "other_threshold": int(before["label"].notna().sum())}
    assert both["other_threshold"] > 0 and alone["other_threshold"] == 0
    moved = performance_decay(before, baseline=baseline)
    assert moved["labelled"] == 0 and moved["auc"] is None and not moved["decayed"]


def test_the_snapshot_pages_on_decay_only_with_a_baseline(tmp_path):
    baseline = approved_baseline(*_world(20_000, seed=0), threshold=THRESHOLD)
    labels, scores = _world(3_000, seed=2, noise=1.5)
    log = PredictionLog(tmp_path / "decay.db")
    log.record([LoggedPrediction(f"r{i}", "m", "1", {"income": 1.0}, float(p),
                                 "approve" if p < THRESHOLD else "refer", latency_ms=1.0,
                                 applicant_id=f"a{i}", threshold=THRESHOLD)
                for i, p in enumerate(scores)])
    log.add_labels({f"a{i}": int(y) for i, (y, p) in enumerate(zip(labels, scores, strict=True))
                    if p < THRESHOLD})
    assert "performance decay" not in [a.name for a in snapshot(log).alerts]
    paged = snapshot(log, baseline=baseline)
    assert paged.decay["decayed"]
    assert [a.name for a in paged.alerts if a.severity == "critical"] == ["performance decay"]
    # Outcomes arrive months after the traffic: a quiet window still reads them.
    quiet = snapshot(log, baseline=baseline, now=time.time() + 90 * 86_400)
    assert quiet.empty and {a.name for a in quiet.alerts} == {"performance decay", "no traffic"}
    assert "performance decay" not in [r.name for r in quiet.silent]


def test_a_snapshot_of_an_earlier_day_reads_only_the_outcomes_known_that_day():
    baseline = approved_baseline(*_world(20_000, seed=0), threshold=THRESHOLD)
    labels, scores = _world(3_000, seed=2, noise=1.5)
    clock = SimulatedClock(1_700_000_000)
    log = PredictionLog(":memory:", clock=clock)
    log.record([LoggedPrediction(f"r{i}", "m", "1", {"income": 1.0}, float(p),
                                 "approve" if p < THRESHOLD else "refer", latency_ms=1.0,
                                 applicant_id=f"a{i}", threshold=THRESHOLD)
                for i, p in enumerate(scores)])
    day_after = clock() + 86_400
    clock.advance(days=365)  # the loans' outcomes arrive a year later
    log.add_labels({f"a{i}": int(y) for i, (y, p) in enumerate(zip(labels, scores, strict=True))
                    if p < THRESHOLD})
    assert snapshot(log, baseline=baseline).decay["decayed"]
    then = snapshot(log, baseline=baseline, now=day_after)
    assert then.decay["labelled"] == 0 and "performance decay" not in [a.name for a in then.alerts]


def test_aucs_by_row_are_roc_auc_of_each_row_to_the_last_digit_and_need_both_outcomes():
    from deploydl.monitoring.alarm_days import _aucs_by_row

    rng = np.random.default_rng(3)
    labels = (rng.random((40, 150)) < 0.2).astype(int)
    scores = rng.random((40, 150)).round(2)  # rounded: ties, ranked half and half
    assert list(_aucs_by_row(labels, scores)) == [roc_auc(y, s) for y, s in
                                                  zip(labels, scores, strict=True)]
    labels[5] = 0
    with pytest.raises(ValueError, match="A draw of 150 loans holds only one outcome"):
        _aucs_by_row(labels, scores)


def test_false_decay_chances_are_the_share_of_undecayed_samples_the_rule_would_page(model,
                                                                                     applicants):
    from deploydl.data import FEATURES, make_applicants
    from deploydl.monitoring.alarm_days import false_decay_chances

    baseline = approved_baseline(applicants["default"], model.predict_proba(applicants),
                                 threshold=THRESHOLD)
    kwargs = {"draws": 50, "population": 3000, "seed": 7}
    assert false_decay_chances(model, baseline, labels=(200, 100), tolerance=1.0,
                               **kwargs) == [0.0, 0.0]
    assert false_decay_chances(model, baseline, labels=(200,), tolerance=-1.0,
                               **kwargs) == [1.0]
    # by hand: the same applicants, approved below the threshold, the same draws
    fresh = make_applicants(3000, seed=7)
    scores = np.asarray(model.predict_proba(fresh[list(FEATURES)]), dtype=float)
    keep = scores < baseline.threshold
    y, s = fresh["default"].to_numpy()[keep], scores[keep]
    rng = np.random.default_rng(7)
    picks = [rng.choice(len(y), size=200, replace=False) for _ in range(50)]
    expected = np.mean([baseline.auc - roc_auc(y[p], s[p]) > 0.05 for p in picks])
    # each count gets the same draws, whichever counts come before it
    later = false_decay_chances(model, baseline, labels=(100, 200), **kwargs)[1]
    assert false_decay_chances(model, baseline, labels=(200,), **kwargs) == [later]
    assert later == pytest.approx(expected)
