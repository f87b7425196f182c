"""Models for the loan applicants (Module 02): a PyTorch network and a logistic baseline.

Both see the numeric features in :data:`deploydl.data.FEATURES`, standardised with the
training data's mean and standard deviation, and both answer ``predict_proba(rows)`` with one
probability of default per row, so the serving layer and the evaluation code treat them alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import torch
from torch import nn

from deploydl.data import FEATURES, LABEL
from deploydl.models.training import History, fit, seeded


class ApplicantNet(nn.Module):
    """A small feed-forward network: features in, one logit of default risk out."""

    def __init__(self, n_features: int = len(FEATURES), hidden: int = 32) -> None:
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(n_features, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x).squeeze(-1)


def feature_matrix(rows: pd.DataFrame | list[dict] | dict,
                   features: tuple[str, ...] = FEATURES) -> np.ndarray:
    """The model features of ``rows`` as a float32 matrix, naming any missing column.

    Dicts (what the service receives) skip pandas: building a DataFrame costs about half a
    millisecond, more than the network's forward pass for one applicant (Module 05).
    """
    records = [rows] if isinstance(rows, dict) else rows
    if isinstance(records, pd.DataFrame):
        columns = set(records.columns)
    else:
        columns = set.intersection(*(set(r) for r in records)) if records else set(features)
    missing = [f for f in features if f not in columns]
    if missing:
        raise ValueError(f"Rows are missing the feature columns {missing}; the model needs "
                         f"all of {list(features)}.")
    if isinstance(records, pd.DataFrame):
        return records.loc[:, list(features)].to_numpy(dtype=np.float32)
    return np.array([[r[f] for f in features] for r in records],
                    dtype=np.float32).reshape(-1, len(features))


@dataclass
class ApplicantModel:
    """A trained applicant network together with its preprocessing and identity.

    ``predict_proba`` returns, for each applicant, the estimated probability of default
    (0..1): 0.12 means about 12 in 100 similar applicants would not repay, once the model is
    calibrated (:func:`deploydl.evaluation.calibration.calibrate`).

    ``calibration`` records the Platt correction folded into the output layer (empty when the
    network is as trained); ``threshold`` is the decision threshold chosen for it
    (:func:`deploydl.evaluation.decision.decision_threshold`), or None when none was chosen;
    ``reason_reference`` is the median applicant it approves where the threshold was chosen,
    the comparison point of the reason codes a service gives for each referral
    (:func:`deploydl.responsible.explain.reason_codes`), or None. All three travel with the
    model into its artifact's metadata.
    """

    net: ApplicantNet
    mean: np.ndarray
    std: np.ndarray
    name: str = "loan-default"
    version: str = "1.0.0"
    features: tuple[str, ...] = FEATURES
    metrics: dict[str, float] = field(default_factory=dict)
    history: History | None = None
    calibration: dict[str, Any] = field(default_factory=dict)
    threshold: float | None = None
    reason_reference: dict[str, float] | None = None

    def with_platt(self, slope: float, shift: float, *, rows: int,
                   data_sha256: str) -> ApplicantModel:
        """A copy whose scores are ``sigmoid(slope x logit + shift)``: Platt scaling, folded in.

        The network's last layer computes the logit, so scaling its weights by ``slope`` and
        moving its bias gives the calibrated chance from the weights alone: PyTorch, ONNX and
        int8 copies all serve it. A positive ``slope`` keeps the ranking (and the ROC AUC).
        ``rows`` and ``data_sha256`` name the calibration set; they go into
        :attr:`calibration` with the two numbers (composed with any earlier correction).
        """
        import copy

        if not (np.isfinite(slope) and np.isfinite(shift) and slope > 0):
            raise ValueError(f"Platt scaling needs a finite positive slope and a finite shift; "
                             f"got slope {slope} and shift {shift}. A slope at or below 0 means "
                             "the scores do not rank risk on the calibration set: check that "
                             "it holds labelled applicants like the training data.")
        net = copy.deepcopy(self.net)
        last = net.layers[-1]  # the logit layer: calibration scales it
        if not isinstance(last, nn.Linear):
            raise TypeError(f"Platt scaling folds into the network's last layer, which must be "
                            f"a linear layer computing the logit; this network ends in a "
                            f"{type(last).__name__}. Give it a final nn.Linear with one output, "
                            "as ApplicantNet has.")
        with torch.no_grad():
            last.weight.mul_(slope)
            last.bias.mul_(slope).add_(shift)
        before = self.calibration or {"slope": 1.0, "shift": 0.0}
        # The record says what was done; the exact transform is in the weights. Six decimals,
        # enough to rebuild the transform within 1e-5; the sixth itself can differ between
        # CPUs' kernels (0.068504 on one, 0.068505 on another), so lessons show four.
        record = {"slope": round(slope * before["slope"], 6),
                  "shift": round(slope * before["shift"] + shift, 6), "rows": rows}
        calibrated = copy.copy(self)
        calibrated.net, calibrated.metrics = net, dict(self.metrics)
        calibrated.calibration = {"method": "platt", **record, "data_sha256": data_sha256}
        return calibrated

    def predict_proba(self, rows: pd.DataFrame | list[dict] | dict) -> np.ndarray:
        """Probability of default for each row (a DataFrame, a list of dicts or one dict)."""
        x = torch.from_numpy(self._standardise(rows))
        self.net.eval()
        with torch.inference_mode():
            return torch.sigmoid(self.net(x)).numpy().astype(float)

    def _standardise(self, rows: pd.DataFrame | list[dict] | dict) -> np.ndarray:
        values = feature_matrix(rows, self.features)
        return ((values - self.mean) / self.std).astype(np.float32)


def train_applicant_model(table: pd.DataFrame, *, seed: int = 0, epochs: int = 30,
                          batch_size: int = 128, lr: float = 3e-3, progress: bool = False,
                          weight_decay: float = 0.0, patience: int | None = None,
                          validation: float = 0.2) -> ApplicantModel:
    """Train :class:`ApplicantNet` on applicants and return it with its preprocessing.

    Training is seeded: the same ``table`` and ``seed`` give identical weights. With 5,000
    applicants and lesson 02's settings it takes about half a second on the course's 2-core machine
    (``benchmarks/results/training_threads.json``).

    Parameters
    ----------
    table : pandas.DataFrame
        Applicants from :func:`deploydl.data.make_applicants` (features and ``default``).
    epochs : int
        The most passes over the data.
    progress : bool
        Show a progress bar (a widget in notebooks, text in a terminal).
    weight_decay : float
        L2 penalty on the weights. ``weight_decay=0.01`` brings the network level with the
        logistic baseline on ROC AUC (without it, about 1 point below on 5,000 applicants).
    patience : int, optional
        Early stopping: hold out ``validation`` (a fraction) of the rows and stop once the
        validation loss has not improved for ``patience`` epochs, keeping the best weights.
        The default, None, trains all ``epochs`` on every row.
    """
    features = feature_matrix(table)
    mean, std = features.mean(axis=0), features.std(axis=0) + 1e-6
    x = torch.from_numpy((features - mean) / std)
    y = torch.from_numpy(table[LABEL].to_numpy(dtype=np.float32))
    with seeded(seed):
        net = ApplicantNet(len(FEATURES))
        history = fit(net, x, y, loss_fn=nn.BCEWithLogitsLoss(), seed=seed, epochs=epochs,
                      batch_size=batch_size, lr=lr, weight_decay=weight_decay,
                      patience=patience, validation=validation,
                      progress=progress, desc="applicant network")
    return ApplicantModel(net=net, mean=mean, std=std, history=history)


@dataclass
class BaselineModel:
    """The classic baseline: scikit-learn's logistic regression on standardised features.

    Same interface as :class:`ApplicantModel`: ``predict_proba(rows)`` is the probability of
    default per row (0..1). Every team should beat a baseline like this before it ships a
    neural network, and explain why when it cannot.
    """

    pipeline: Any
    name: str = "loan-default-baseline"
    version: str = "1.0.0"
    features: tuple[str, ...] = FEATURES
    metrics: dict[str, float] = field(default_factory=dict)

    def predict_proba(self, rows: pd.DataFrame | list[dict] | dict) -> np.ndarray:
        """Probability of default for each row (a DataFrame, a list of dicts or one dict)."""
        return self.pipeline.predict_proba(feature_matrix(rows, self.features))[:, 1]


def train_baseline_model(table: pd.DataFrame, *, c: float = 1.0) -> BaselineModel:
    """Fit the logistic-regression baseline on applicants (``c``: inverse regularisation)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    pipeline = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=1000))
    pipeline.fit(feature_matrix(table), table[LABEL].to_numpy())
    return BaselineModel(pipeline=pipeline)


def describe_risk(probability: float, *, threshold: float = 0.5) -> str:
    """One applicant's score in plain words, for the people who act on it (Module 00)."""
    if not 0.0 <= probability <= 1.0:
        raise ValueError(f"probability must be between 0 and 1; got {probability}.")
    in_100 = round(probability * 100)
    action = ("refer to an underwriter" if probability >= threshold
              else "approve")
    return (f"The model estimates a {probability:.0%} chance that this applicant will not repay: "
            f"about {in_100} in 100 applicants like this one default. At the bank's "
            f"{threshold:.0%} threshold the service's decision is: {action}.")
