"""Permutation importance, reason codes (directional and stable) and saliency maps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

from deploydl.responsible.explain import (
    REASON_TEXT,
    Reason,
    approved_reference,
    permutation_importance,
    reason_codes,
    reason_codes_for,
    reason_lines,
    reference_profile,
    saliency_map,
)


def test_permutation_importance_is_zero_for_an_ignored_feature():
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(0)
    table = pd.DataFrame({"used": rng.random(400), "ignored": rng.random(400)})
    y = (table["used"] + 0.2 * rng.random(400) > 0.6).astype(int)
    result = permutation_importance(lambda t: t["used"].to_numpy(), table, y,
                                    features=("used", "ignored"), metric=roc_auc_score)
    assert list(result.index) == ["used", "ignored"]
    assert result.loc["used", "importance"] > 0.3
    assert result.loc["ignored", "importance"] == 0.0


def test_permutation_importance_is_the_mean_drop_over_the_repeats():
    """Two rows, scored by their own feature: a shuffle either keeps them (drop 0) or swaps them
    (accuracy 1 -> 0, drop 1), each half the time. The mean drop is about 0.5 (the largest
    would be 1), and the spread of such 0/1 drops is sqrt(mean x (1 - mean))."""
    table = pd.DataFrame({"x": [0, 1]})
    result = permutation_importance(lambda t: t["x"].to_numpy(), table, np.array([0, 1]),
                                    features=("x",), n_repeats=400,
                                    metric=lambda y, s: float(np.mean(y == s)))
    mean, spread = result.loc["x", ["importance", "spread"]]
    assert mean == pytest.approx(0.5, abs=4 * np.sqrt(0.25 / 400))  # binomial, 4 sd
    assert spread == pytest.approx(np.sqrt(mean * (1 - mean)))


@pytest.fixture(scope="module")
def declined():
    """The case study's scorer, the approved applicants' medians and a declined applicant."""
    from deploydl.responsible.mitigation import APPROVAL_THRESHOLD, case_study

    study = case_study()
    scores = study.approval_score(study.test)
    reference = reference_profile(study.test[scores >= APPROVAL_THRESHOLD],
                                  features=study.features)
    applicant = study.test.loc[scores < APPROVAL_THRESHOLD, list(study.features)].iloc[0]
    return study.approval_score, reference, applicant.to_dict()


def test_moving_each_named_feature_the_stated_way_raises_the_approval_score(declined):
    score, reference, applicant = declined
    reasons = reason_codes(score, applicant, reference)
    assert 1 <= len(reasons) <= 4
    base = score(pd.DataFrame([applicant]))[0]
    for reason in reasons:
        assert reason.text == REASON_TEXT[(reason.feature, reason.direction)]
        step = reason.reference - reason.value
        assert (step > 0) == (reason.direction == "increase")
        for share in (0.5, 1.0):
            moved = dict(applicant, **{reason.feature: reason.value + share * step})
            assert score(pd.DataFrame([moved]))[0] > base, reason


def test_reason_codes_are_stable(declined):
    score, reference, applicant = declined
    first = reason_codes(score, applicant, reference)
    shuffled = dict(reversed(list(reference.items())))
    assert reason_codes(score, dict(applicant), shuffled) == first
    assert [r.feature for r in first] == [r.feature for r in sorted(
        first, key=lambda r: -r.score_gain)]


def test_reason_codes_work_for_the_torch_model(model, applicants):
    from deploydl.data import FEATURES

    def score(t):
        return 1 - model.predict_proba(t)

    reference = reference_profile(applicants, features=FEATURES)
    worst = applicants.loc[np.argmin(score(applicants)), list(FEATURES)].to_dict()
    reasons = reason_codes(score, worst, reference, top=2)
    assert len(reasons) == 2 and reasons[0].score_gain >= reasons[1].score_gain > 0


def test_many_applicants_get_the_reasons_each_gets_alone(declined):
    """The service's batched call gives each applicant the lesson function's reasons."""
    from deploydl.responsible.mitigation import APPROVAL_THRESHOLD, case_study

    score, reference, _ = declined
    study = case_study()
    test = study.test
    declined_rows = test.loc[score(test) < APPROVAL_THRESHOLD, list(study.features)]
    applicants = declined_rows.head(12).to_dict("records")
    together = reason_codes_for(score, applicants, reference)
    alone = [reason_codes(score, a, reference) for a in applicants]
    assert [[(r.feature, r.direction, r.text) for r in rs] for rs in together] == \
        [[(r.feature, r.direction, r.text) for r in rs] for rs in alone]
    assert np.allclose([r.score_gain for rs in together for r in rs],
                       [r.score_gain for rs in alone for r in rs], atol=1e-9)
    assert reason_codes_for(score, applicants[:1], reference) == alone[:1]  # one: identical
    assert reason_codes_for(score, [], reference) == []


def test_a_gain_in_a_direction_no_notice_can_word_is_not_a_reason():
    """A model that scores more late payments higher must not tell anyone to pay late."""

    def score(t):  # rewards late payments and income
        return (0.1 * t["late_payments"] + t["income"] / 1e5).to_numpy()

    applicant, reference = {"late_payments": 0, "income": 20_000}, {"late_payments": 2,
                                                                    "income": 50_000}
    reasons = reason_codes(score, applicant, reference)
    assert [(r.feature, r.direction) for r in reasons] == [("income", "increase")]
    assert reason_codes_for(score, [applicant], reference) == [reasons]
    # A feature with no approved wording at all keeps the plain fallback.
    other = reason_codes(lambda t: t["tenure"].to_numpy(), {"tenure": 1}, {"tenure": 5})
    assert [r.text for r in other] == ["Tenure: increase needed"]


def test_a_feature_the_score_ignores_is_not_a_reason():
    """Moving debt ratio to the reference leaves this score unchanged (a gain of exactly 0), so
    a notice must not name it, though it differs from the reference in an approved direction."""

    def score(t):
        return (t["income"] / 1e5).to_numpy()

    applicant, reference = {"income": 20_000, "debt_ratio": 0.5}, {"income": 50_000,
                                                                   "debt_ratio": 0.2}
    reasons = reason_codes(score, applicant, reference)
    assert [(r.feature, r.score_gain) for r in reasons] == [("income", pytest.approx(0.3))]
    assert reason_codes_for(score, [applicant], reference) == [reasons]


def test_the_reference_is_the_median_applicant_the_model_approves(model, applicants):
    from deploydl.data import FEATURES

    scores = model.predict_proba(applicants)
    reference = approved_reference(model, applicants, threshold=0.3)
    approved = applicants.loc[scores < 0.3, list(FEATURES)]
    assert reference == {f: float(np.median(approved[f])) for f in FEATURES}
    assert reference_profile(pd.DataFrame({"income": [20_000, 30_000, 1_000_000]}),
                             features=("income",)) == {"income": 30_000.0}
    assert approved_reference(model, applicants, threshold=1e-9) is None  # nobody approved


def test_reason_codes_reject_bad_input():
    with pytest.raises(ValueError, match="top must be at least 1; got 0"):
        reason_codes(lambda t: np.zeros(len(t)), {"a": 1}, {"a": 2}, top=0)
    with pytest.raises(ValueError, match=r"lacks features \['b'\]"):
        reason_codes(lambda t: np.zeros(len(t)), {"a": 1}, {"b": 2})
    with pytest.raises(ValueError, match=r"lacks features \['b'\]"):
        reason_codes_for(lambda t: np.zeros(len(t)), [{"b": 1}, {"a": 1}], {"b": 2})


class _LeftHalfOnly(nn.Module):
    """Zeroes the right half of the image, so the right half cannot matter."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mask = torch.ones_like(x)
        mask[..., x.shape[-1] // 2:] = 0
        return x * mask


def _tiny_cnn() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(_LeftHalfOnly(), nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(),
                         nn.Flatten(), nn.Linear(4 * 8 * 8, 10))


def test_saliency_map_marks_only_pixels_the_model_sees():
    model, image = _tiny_cnn(), np.random.default_rng(0).random((1, 8, 8))
    saliency = saliency_map(model, image)
    assert saliency.shape == (8, 8)
    assert saliency.max() == pytest.approx(1.0) and saliency.min() >= 0
    assert np.all(saliency[:, 4:] == 0) and saliency[:, :4].sum() > 0
    np.testing.assert_array_equal(saliency, saliency_map(model, image))


def test_saliency_map_rejects_bad_input():
    model = _tiny_cnn()
    with pytest.raises(ValueError, match=r"shape \(channels, height, width\); got \(8, 8\)"):
        saliency_map(model, np.zeros((8, 8)))
    with pytest.raises(ValueError, match="class index below 10; got 12"):
        saliency_map(model, np.zeros((1, 8, 8)), target=12)


def test_reason_lines_write_money_in_usd_and_indent_every_wrapped_line():
    reasons = [Reason("income", "increase", 30_700, 59_300, 0.11,
                      "Income insufficient for the amount of credit requested"),
               Reason("late_payments", "decrease", 3, 0, 0.22,
                      "Delinquent past or present credit obligations")]
    lines = reason_lines(reasons, width=40)
    text = " ".join(" ".join(lines).split())
    assert "income: USD 30,700, typical approved USD 59,300" in text
    assert "late payments: 3, typical approved 0" in text
    assert "if matched: chance of default 11 points lower" in text, (
        "the lesson's frame: a chance of default, not an approval score")
    assert all(len(line) <= 40 for line in lines)
    # only an item's first line starts with its number; every other line hangs under it
    assert [line.split()[0] for line in lines if not line.startswith("     ")] == ["1.", "2."]
