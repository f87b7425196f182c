"""Models for Northbridge Bank (Module 02): a PyTorch network for loan applicants.

The network sees the numeric features in :data:`deploydl.data.FEATURES`, standardised with the
training data's mean and standard deviation; those two vectors travel with the model so that
serving applies exactly the preprocessing that training used.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch
from torch import nn

from deploydl.data import FEATURES, LABEL


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


@dataclass
class ApplicantModel:
    """A trained applicant network together with its preprocessing and identity.

    ``predict_proba`` returns, for each applicant, the estimated probability of default
    (0..1): 0.12 means about 12 in 100 similar applicants would not repay.
    """

    net: ApplicantNet
    mean: np.ndarray
    std: np.ndarray
    name: str = "loan-default"
    version: str = "1.0.0"
    features: tuple[str, ...] = FEATURES
    metrics: dict[str, float] = field(default_factory=dict)

    def predict_proba(self, rows: pd.DataFrame | list[dict] | dict) -> np.ndarray:
        """Probability of default for each row (a DataFrame, a list of dicts or one dict)."""
        x = torch.from_numpy(self._standardise(rows))
        self.net.eval()
        with torch.inference_mode():
            return torch.sigmoid(self.net(x)).numpy().astype(float)

    def _standardise(self, rows: pd.DataFrame | list[dict] | dict) -> np.ndarray:
        frame = pd.DataFrame([rows]) if isinstance(rows, dict) else pd.DataFrame(rows)
        missing = [f for f in self.features if f not in frame.columns]
        if missing:
            raise ValueError(f"Rows are missing the feature columns {missing}; the model needs "
                             f"all of {list(self.features)}.")
        values = frame.loc[:, list(self.features)].to_numpy(dtype=np.float32)
        return ((values - self.mean) / self.std).astype(np.float32)


def train_applicant_model(table: pd.DataFrame, *, seed: int = 0, epochs: int = 30,
                          batch_size: int = 128, lr: float = 3e-3,
                          progress: bool = False) -> ApplicantModel:
    """Train :class:`ApplicantNet` on applicants and return it with its preprocessing.

    Training is seeded: the same ``table`` and ``seed`` give identical weights. With 5,000
    applicants and the defaults it takes about a second on a 2-core laptop.
    """
    torch.manual_seed(seed)
    features = table.loc[:, list(FEATURES)].to_numpy(dtype=np.float32)
    mean, std = features.mean(axis=0), features.std(axis=0) + 1e-6
    x = torch.from_numpy((features - mean) / std)
    y = torch.from_numpy(table[LABEL].to_numpy(dtype=np.float32))
    net = ApplicantNet(len(FEATURES))
    optimiser = torch.optim.Adam(net.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    generator = torch.Generator().manual_seed(seed)
    for _ in _epochs(epochs, progress):
        net.train()
        for idx in torch.randperm(len(x), generator=generator).split(batch_size):
            optimiser.zero_grad()
            loss_fn(net(x[idx]), y[idx]).backward()
            optimiser.step()
    net.eval()
    return ApplicantModel(net=net, mean=mean, std=std)


def _epochs(epochs: int, progress: bool):
    """The epoch counter, shown as a progress bar when ``progress`` is set."""
    if not progress:
        return range(epochs)
    from tqdm.auto import trange

    return trange(epochs, desc="training", unit="epoch")


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
