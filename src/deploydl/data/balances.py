"""Monthly balance sequences for the recurrent network (Module 02)."""

from __future__ import annotations

import numpy as np


def make_balance_sequences(n: int = 2000, *, months: int = 12,
                           seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Monthly account balances (thousands of dollars) and whether the customer later defaulted.

    Returns ``(balances, defaulted)``: ``balances`` has shape ``(n, months)``; ``defaulted`` is 1
    where the customer defaulted in the three months after the sequence. Customers heading for
    default show a steady drain in their balance, which a recurrent network can learn to see.
    """
    rng = np.random.default_rng(seed)
    defaulted = (rng.random(n) < 0.25).astype(int)
    start = rng.gamma(4, 1.5, n)
    trend = np.where(defaulted == 1, -rng.uniform(0.05, 0.15, n), rng.normal(0.01, 0.03, n))
    steps = np.arange(months)
    noise = rng.normal(0, 0.35, (n, months))
    balances = start[:, None] * (1 + trend[:, None] * steps[None, :]) + noise
    return np.clip(balances, 0, None).astype(np.float32), defaulted
