"""A recurrent network on monthly balances (Module 02): does this customer's history drain?

A recurrent network (here a GRU) reads a sequence one step at a time and carries a memory
forward, so it sees patterns over time (a steady drain, a sudden drop) that a model reading
each month separately would miss. Uses: transactions, sensor readings, text.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from deploydl.models.training import History, fit, seeded


class BalanceGRU(nn.Module):
    """Monthly balances ``(N, months)`` in thousands of dollars in, one logit of default out.

    Balances are divided by ``scale`` (the training data's mean balance) before the GRU reads
    them, so the network sees numbers near 1 whatever the currency unit.
    """

    scale: torch.Tensor  # a buffer: saved with the weights, moved with the module

    def __init__(self, hidden: int = 16, scale: float = 1.0) -> None:
        super().__init__()
        self.gru = nn.GRU(input_size=1, hidden_size=hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)
        self.register_buffer("scale", torch.tensor(float(scale)))
        self.history: History | None = None

    def forward(self, balances: torch.Tensor) -> torch.Tensor:
        _, last = self.gru((balances / self.scale).unsqueeze(-1))
        return self.head(last[-1]).squeeze(-1)

    def predict_proba(self, balances: np.ndarray) -> np.ndarray:
        """Probability (0..1) that each customer defaults in the three months after the data."""
        x = torch.as_tensor(_check_sequences(balances))
        self.eval()
        with torch.inference_mode():
            return torch.sigmoid(self(x)).numpy().astype(float)


def train_balance_gru(balances: np.ndarray, defaulted: np.ndarray, *, seed: int = 0,
                      epochs: int = 8, batch_size: int = 64, lr: float = 1e-2,
                      patience: int | None = None, progress: bool = False) -> BalanceGRU:
    """Train :class:`BalanceGRU` on :func:`deploydl.data.make_balance_sequences` output.

    Seeded: the same data and ``seed`` give identical weights. On 2,000 sequences it trains in a
    few seconds and separates drains from steady balances well (ROC AUC about 0.9 or more).
    """
    x = _check_sequences(balances)
    y = np.asarray(defaulted, dtype=np.float32)
    if len(y) != len(x):
        raise ValueError(f"balances has {len(x)} sequences but defaulted has {len(y)} labels; "
                         f"pass one label per sequence.")
    with seeded(seed):
        net = BalanceGRU(scale=float(x.mean()) or 1.0)
        net.history = fit(net, torch.from_numpy(x), torch.from_numpy(y),
                          loss_fn=nn.BCEWithLogitsLoss(), seed=seed, epochs=epochs,
                          batch_size=batch_size, lr=lr, patience=patience, progress=progress,
                          desc="balance GRU")
    return net


def _check_sequences(balances: np.ndarray) -> np.ndarray:
    x = np.asarray(balances, dtype=np.float32)
    if x.ndim != 2:
        raise ValueError(f"balances must have shape (customers, months); got {x.shape}. "
                         f"Use deploydl.data.make_balance_sequences().")
    return x
