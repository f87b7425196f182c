"""A/B tests (Module 06): the sticky split, the analysis against statsmodels, sample sizes."""

import numpy as np
import pytest
from fastapi.testclient import TestClient
from statsmodels.stats.proportion import proportions_ztest

from deploydl.monitoring import PredictionLog, TrafficSplit, ab_test, sample_size
from deploydl.serving import create_app
from deploydl.serving.app import set_model


class _Version:
    def __init__(self, model, version):
        self.model, self.name, self.version = model, model.name, version

    def predict_proba(self, rows):
        return self.model.predict_proba(rows)


@pytest.mark.parametrize("counts", [(120, 1000, 95, 1000), (31, 480, 52, 530), (7, 90, 7, 95)])
def test_p_value_matches_statsmodels(counts):
    k_a, n_a, k_b, n_b = counts
    _, expected = proportions_ztest([k_b, k_a], [n_b, n_a])
    assert abs(ab_test(k_a, n_a, k_b, n_b).p_value - expected) < 1e-9


def test_result_reads_sensibly_and_warns_about_peeking():
    result = ab_test(120, 1000, 95, 1000, planned_n=3841)
    assert result.difference == pytest.approx(-0.025)
    assert result.ci_low < result.difference < result.ci_high
    assert "peeking" in result.warning and "run to the planned size" in result.summary()
    assert ab_test(120, 4000, 95, 4000, planned_n=3841).warning == ""


@pytest.mark.parametrize("counts", [(31, 480, 52, 530), (120, 3000, 95, 1200),
                                    (95, 1200, 120, 3000)])
@pytest.mark.parametrize("alpha", [0.05, 0.10])
def test_interval_matches_statsmodels_wald_with_unequal_groups(counts, alpha):
    from statsmodels.stats.proportion import confint_proportions_2indep

    k_a, n_a, k_b, n_b = counts
    low, high = confint_proportions_2indep(k_b, n_b, k_a, n_a, method="wald", compare="diff",
                                           alpha=alpha)  # B - A
    result = ab_test(k_a, n_a, k_b, n_b, alpha=alpha)
    assert (result.ci_low, result.ci_high) == (pytest.approx(low, abs=1e-12),
                                               pytest.approx(high, abs=1e-12))


def test_the_early_stop_warning_follows_the_smaller_group():
    planned = 4000
    short = ab_test(300, 6000, 150, 3000, planned_n=planned)  # B has 3,000 of 4,000
    assert short.warning.startswith("Warning: only 3,000 of the planned 4,000 per group.")
    assert ab_test(150, 3999, 300, 6000, planned_n=planned).warning != ""  # A one short
    assert ab_test(200, 4000, 300, 6000, planned_n=planned).warning == ""  # both reached it


def test_sample_size_agrees_with_the_textbook_and_statsmodels():
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    ours = sample_size(0.12, -0.02)
    theirs = NormalIndPower().solve_power(proportion_effectsize(0.10, 0.12), alpha=0.05,
                                          power=0.8)
    assert ours == 3841 and abs(ours - theirs) / theirs < 0.01
    with pytest.raises(ValueError, match="effect != 0"):
        sample_size(0.12, 0.0)


def test_split_of_10000_applicants_is_within_2_points_and_sticky(model):
    split = TrafficSplit(model, _Version(model, "2.0.0"), share=0.3, salt="exp-1")
    ids = [f"NB-{i:06d}" for i in range(10_000)]
    to_b = np.array([split.choose(i) is split.candidate for i in ids])
    assert abs(to_b.mean() - 0.3) <= 0.02
    again = [split.choose(i) is split.candidate for i in ids[:500]]
    assert again == list(to_b[:500])


def test_service_routes_each_applicant_to_the_same_version(model, one_applicant, tmp_path):
    split = TrafficSplit(model, _Version(model, "2.0.0"), share=0.5)
    log = PredictionLog(tmp_path / "ab.db")
    client = TestClient(create_app(split, prediction_log=log))
    seen = {}
    for i in list(range(40)) * 2:
        reply = client.post("/predict", json={**one_applicant, "applicant_id": f"A{i}"})
        seen.setdefault(i, set()).add(reply.json()["model_version"])
    assert all(len(v) == 1 for v in seen.values())
    assert {v.pop() for v in seen.values()} == {"1.0.0", "2.0.0"}
    assert log.count() == 80 and set(log.frame()["applicant_id"]) == {f"A{i}" for i in range(40)}


def test_each_version_decides_at_its_own_threshold(model, one_applicant, tmp_path):
    """Same score, two thresholds: the current version refers, the candidate approves, in the
    answer and in the log; a threshold given to the service decides for both."""
    score = float(model.predict_proba([one_applicant])[0])
    current, candidate = _Version(model, "1.0.0"), _Version(model, "2.0.0")
    current.threshold, candidate.threshold = score - 0.01, score + 0.01
    split = TrafficSplit(current, candidate, share=0.5, salt="thresholds")
    log = PredictionLog(tmp_path / "ab.db")
    client = TestClient(create_app(split, prediction_log=log))
    answers = set()
    for i in range(40):
        reply = client.post("/predict", json={**one_applicant, "applicant_id": f"A{i}"}).json()
        answers.add((reply["model_version"], reply["threshold"],
                     reply["predictions"][0]["decision"]))
    assert answers == {("1.0.0", current.threshold, "refer"),
                       ("2.0.0", candidate.threshold, "approve")}
    logged = log.frame()
    assert set(zip(logged["model_version"], logged["threshold"], logged["decision"],
                   strict=True)) == {("1.0.0", current.threshold, "refer"),
                                     ("2.0.0", candidate.threshold, "approve")}
    assert client.get("/model").json()["threshold"] == current.threshold
    set_model(client.app, candidate)  # a release brings its own threshold
    assert client.get("/model").json()["threshold"] == candidate.threshold
    fixed_log = PredictionLog(tmp_path / "fixed.db")
    fixed = TestClient(create_app(split, threshold=score + 0.02, prediction_log=fixed_log))
    decisions = {fixed.post("/predict", json={**one_applicant, "applicant_id": f"A{i}"})
                 .json()["predictions"][0]["decision"] for i in range(40)}
    assert decisions == {"approve"}
    assert set(fixed_log.frame()["threshold"]) == {score + 0.02}


def test_bad_share_is_a_clear_error(model):
    with pytest.raises(ValueError, match="share must be between 0 and 1; got share=5"):
        TrafficSplit(model, model, share=5)


def test_the_summary_gives_both_rates_and_the_difference_in_percentage_points():
    text = ab_test(750, 5000, 660, 5000).summary()
    assert text.startswith("15.0% with A, 13.2% with B: B - A = -1.80 percentage points (95% CI")


@pytest.mark.parametrize(("alpha", "label"), [(0.05, "95% CI"), (0.10, "90% CI"), (0.01, "99% CI")])
def test_the_summary_names_the_intervals_own_level(alpha, label):
    """It said "95% CI" whatever alpha was: at alpha=0.10 beside the 90% interval (a review's)."""
    result = ab_test(120, 1000, 100, 1000, alpha=alpha)
    assert label in result.summary() and result.level == pytest.approx(1 - alpha)


def test_the_summary_writes_a_level_that_is_not_whole_as_it_is():
    assert "97.5% CI" in ab_test(120, 1000, 100, 1000, alpha=0.025).summary()
