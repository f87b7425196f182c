import pytest
import torch

from deploydl.models import describe_risk, train_applicant_model


def test_same_seed_gives_identical_weights(applicants):
    a = train_applicant_model(applicants, seed=5, epochs=2)
    b = train_applicant_model(applicants, seed=5, epochs=2)
    for wa, wb in zip(a.net.state_dict().values(), b.net.state_dict().values(), strict=True):
        assert torch.equal(wa, wb)


def test_predictions_are_probabilities_and_rank_risk(model, applicants):
    from sklearn.metrics import roc_auc_score

    p = model.predict_proba(applicants)
    assert p.shape == (len(applicants),) and ((p >= 0) & (p <= 1)).all()
    assert roc_auc_score(applicants["default"], p) > 0.65


def test_missing_feature_is_named(model):
    with pytest.raises(ValueError, match="income"):
        model.predict_proba({"debt_ratio": 0.2})


def test_describe_risk_in_plain_words():
    text = describe_risk(0.12, threshold=0.5)
    assert "12 in 100" in text and "approve" in text
    assert "refer" in describe_risk(0.7, threshold=0.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        describe_risk(1.5)
