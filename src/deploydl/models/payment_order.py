"""When the order of events matters (Module 02): a GRU against the same history as totals.

Two customers can miss the same number of payments: one a year ago and has paid ever since,
the other in the last few months. Totals (months missed, amount paid) cannot tell them apart;
a recurrent network, which reads the months in order, can. :func:`make_payment_histories`
builds such histories (only the *timing* of the misses differs between the classes, so every
order-free summary has the same distribution in both), and :func:`compare_order` measures
both models on customers they never saw.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: A month's instalment, in hundreds of US dollars.
DUE = 5.0


def make_payment_histories(n: int = 2000, *, months: int = 12, window: int = 4,
                           label_noise: float = 0.1,
                           seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Monthly payments (hundreds of USD, ``(n, months)``) and whether each customer defaulted.

    Every customer misses 1 to 3 payments (no more than ``window``; paying at most a fifth of
    the instalment). Those who later default missed them within the last ``window`` months;
    those who repay, within the first ``window``. ``label_noise`` of the labels are flipped,
    as real outcomes are noisy.
    """
    if not 1 <= window <= months // 2:
        raise ValueError(f"window must be between 1 and months // 2 = {months // 2}; got "
                         f"{window}. The early and late windows must not overlap.")
    rng = np.random.default_rng(seed)
    defaulted = (rng.random(n) < 0.3).astype(int)
    payments = DUE * rng.uniform(0.9, 1.1, (n, months))
    for i in range(n):
        misses = rng.choice(window, size=rng.integers(1, min(window, 3) + 1), replace=False)
        months_missed = months - window + misses if defaulted[i] else misses
        payments[i, months_missed] = DUE * rng.uniform(0.0, 0.2, len(misses))
    flip = rng.random(n) < label_noise
    return payments.astype(np.float32), np.where(flip, 1 - defaulted, defaulted)


def order_free_totals(payments: np.ndarray) -> pd.DataFrame:
    """What a history flattened to totals keeps: nothing that depends on the months' order."""
    p = np.asarray(payments, dtype=float)
    return pd.DataFrame({"total_paid": p.sum(axis=1),
                         "months_missed": (p < DUE / 2).sum(axis=1),
                         "smallest_payment": p.min(axis=1),
                         "largest_payment": p.max(axis=1)})


def compare_order(*, train_rows: int = 2000, test_rows: int = 1000,
                  seed: int = 0) -> dict[str, float]:
    """ROC AUC on new customers of a GRU reading the months in order, and of a logistic
    regression on the order-free totals (0.5 = coin toss, 1 = perfect ranking)."""
    from sklearn.linear_model import LogisticRegression

    from deploydl.evaluation.metrics import roc_auc
    from deploydl.models.sequence import train_balance_gru

    x, y = make_payment_histories(train_rows, seed=seed)
    x_new, y_new = make_payment_histories(test_rows, seed=seed + 1)
    gru = train_balance_gru(x, y, seed=seed)
    totals = LogisticRegression(max_iter=1000).fit(order_free_totals(x), y)
    return {"gru_auc": roc_auc(y_new, gru.predict_proba(x_new)),
            "totals_auc": roc_auc(y_new, totals.predict_proba(order_free_totals(x_new))[:, 1])}
