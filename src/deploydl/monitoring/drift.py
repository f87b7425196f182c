"""Drift tests: has the data the model sees moved away from the data it learned on? (Module 06)

The rules, stated once (they are the defaults of :func:`drift_report`):

* **Feature type.** A column is *categorical* when it is not numeric or has at most
  ``max_levels`` (10) distinct values in the reference (``home_owner``, ``late_payments``,
  ``region``); otherwise it is *numeric*.
* **Sample size.** With fewer than ``large_sample`` (5,000) current rows, a significance test
  decides: Kolmogorov-Smirnov for numeric columns, chi-squared for categorical ones, drift
  when the p-value, corrected for testing many features at once (Holm by default), is under
  ``alpha`` (0.05). With more rows even a harmless wiggle is "significant", so a distance
  decides instead: the Wasserstein distance in reference standard deviations (numeric) or
  the Jensen-Shannon distance (categorical), drift at ``distance_threshold`` (0.1) or more.
* **Dataset drift** is declared when at least ``share`` (25%) of the features drift.
* **PSI** (population stability index) is reported for every column as an effect size that
  risk teams know: under 0.1 stable, 0.1 to 0.25 moderate shift, over 0.25 significant shift.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial import distance

PSI_MODERATE, PSI_SIGNIFICANT = 0.1, 0.25
_CORRECTIONS = ("holm", "bh", "none")


@dataclass(frozen=True)
class FeatureDrift:
    """The drift verdict for one column.

    ``test`` names what decided (``ks``, ``chi2``, ``wasserstein``, ``jensen_shannon``);
    ``statistic`` is that test's number; ``p_value`` is the raw p-value and ``p_adjusted`` the
    one corrected for multiple testing (both None for distances); ``psi`` is the population
    stability index.
    """

    feature: str
    kind: str
    test: str
    statistic: float
    p_value: float | None
    p_adjusted: float | None
    psi: float
    drifted: bool


@dataclass(frozen=True)
class DriftReport:
    """Drift for every feature, and the dataset-level verdict.

    ``share_drifted`` is the share of the features that drifted (0..1; 0.25 = a quarter);
    ``dataset_drift`` is True when at least ``share`` of them (and at least one) drifted.
    ``n_reference`` and ``n_current`` are the rows of the two tables compared, counted before
    each column's missing values are dropped.
    """

    features: tuple[FeatureDrift, ...]
    share_drifted: float
    dataset_drift: bool
    n_reference: int
    n_current: int

    @property
    def drifted(self) -> list[str]:
        """Names of the features that drifted."""
        return [f.feature for f in self.features if f.drifted]

    def frame(self) -> pd.DataFrame:
        """One row per feature, for display."""
        return pd.DataFrame([asdict(f) for f in self.features]).set_index("feature")

    def in_words(self) -> str:
        """The report for a reader who does not read test statistics (Module 06).

        Names the inputs that moved, sizes each shift by its PSI (under 0.1 small, under
        0.25 moderate, else large) and says whether the data-set alarm fires.
        """
        from deploydl.present.charts import human_label

        moved = [f for f in self.features if f.drifted]
        if not moved:
            return (f"No input moved: all {len(self.features)} look like the data the model "
                    "learned from, so no alarm.")
        named = [f"{human_label(f.feature)} (a {shift_size(f.psi)} shift, PSI {f.psi:.2f})"
                 for f in moved]
        listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
        rest = len(self.features) - len(moved)
        others = ("The other input looks" if rest == 1 else f"The other {rest} look")
        alarm = ("enough to raise the data-set alarm" if self.dataset_drift
                 else "a warning, not enough for the data-set alarm")
        return (f"{len(moved)} of {len(self.features)} inputs moved: {listed}. {others} like "
                f"the data the model learned from. That is {alarm}.")


def shift_size(value: float) -> str:
    """A PSI in words: "small" under 0.1, "moderate" under 0.25, "large" from 0.25."""
    return "small" if value < PSI_MODERATE else "moderate" if value < PSI_SIGNIFICANT else "large"


def psi(reference, current, *, bins: int = 10, categorical: bool = False) -> float:
    """Population stability index between two samples of one column (0 = identical).

    Numeric columns are cut at the reference's deciles; categorical ones compare category
    shares. A floor of 0.0001 on each share keeps empty bins finite.
    """
    ref, cur = _clean(reference), _clean(current)
    if categorical:
        ref_share, cur_share = _category_shares(ref, cur)
    else:
        edges = np.unique(np.quantile(ref.astype(float), np.linspace(0, 1, bins + 1)[1:-1]))
        ref_share = np.bincount(np.searchsorted(edges, ref, side="right"),
                                minlength=len(edges) + 1) / len(ref)
        cur_share = np.bincount(np.searchsorted(edges, cur, side="right"),
                                minlength=len(edges) + 1) / len(cur)
    ref_share, cur_share = np.maximum(ref_share, 1e-4), np.maximum(cur_share, 1e-4)
    return float(np.sum((cur_share - ref_share) * np.log(cur_share / ref_share)))


def ks_test(reference, current) -> tuple[float, float]:
    """Two-sample Kolmogorov-Smirnov test: (largest gap between the two cumulative curves,
    p-value). Exactly scipy's ``ks_2samp``."""
    result = stats.ks_2samp(_clean(reference).astype(float), _clean(current).astype(float))
    return float(result.statistic), float(result.pvalue)


def chi2_test(reference, current, *, min_expected: float = 5.0) -> tuple[float, float]:
    """Chi-squared test that two samples share one categorical distribution: (statistic,
    p-value), on the table from :func:`contingency_table`. A category new in ``current``
    counts too (a new region is drift)."""
    table = contingency_table(reference, current, min_expected=min_expected)
    if table.shape[1] < 2:
        return 0.0, 1.0
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0) / table.sum()
    statistic = float(((table - expected) ** 2 / expected).sum())
    return statistic, float(stats.chi2.sf(statistic, table.shape[1] - 1))


def contingency_table(reference, current, *, min_expected: float = 5.0) -> np.ndarray:
    """Counts per category: row 0 the reference, row 1 the current sample.

    Categories the current sample would expect fewer than ``min_expected`` times (from the
    reference's shares) are pooled into one "other" column, since the chi-squared
    approximation is unreliable on near-empty cells; pooling keeps false alarms near alpha.
    """
    ref, cur = _clean(reference), _clean(current)
    codes, levels = pd.factorize(np.concatenate([ref, cur]))
    table = np.vstack([np.bincount(codes[:len(ref)], minlength=len(levels)),
                       np.bincount(codes[len(ref):], minlength=len(levels))]).astype(float)
    rare = table[0] / table[0].sum() * table[1].sum() < min_expected
    if rare.sum() > 1:
        table = np.column_stack([table[:, ~rare], table[:, rare].sum(axis=1)])
    return table


def wasserstein(reference, current) -> float:
    """Earth mover's distance between two numeric samples, in reference standard deviations."""
    ref, cur = _clean(reference).astype(float), _clean(current).astype(float)
    scale = ref.std() or 1.0
    return float(stats.wasserstein_distance(ref, cur) / scale)


def jensen_shannon(reference, current) -> float:
    """Jensen-Shannon distance between category shares: 0 identical, 1 nothing in common."""
    ref_share, cur_share = _category_shares(reference, current)
    return float(distance.jensenshannon(ref_share, cur_share, base=2))


def adjust_p_values(p_values, *, method: str = "holm") -> np.ndarray:
    """Correct p-values for testing many features at once.

    ``holm`` keeps the chance of *any* false alarm under alpha; ``bh`` (Benjamini-Hochberg)
    keeps the expected *share* of false alarms under alpha; ``none`` does nothing.
    """
    if method not in _CORRECTIONS:
        raise ValueError(f"method must be one of {_CORRECTIONS}; got {method!r}.")
    p = np.asarray(p_values, dtype=float)
    if method == "none" or p.size == 0:
        return p
    order = np.argsort(p)
    m = p.size
    if method == "holm":
        stepped = np.maximum.accumulate((m - np.arange(m)) * p[order])
    else:
        stepped = np.minimum.accumulate((m / np.arange(m, 0, -1)) * p[order][::-1])[::-1]
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(stepped, 1.0)
    return adjusted


def drift_report(reference: pd.DataFrame, current: pd.DataFrame, *, features=None,
                 alpha: float = 0.05, correction: str = "holm", share: float = 0.25,
                 large_sample: int = 5000, distance_threshold: float = 0.1,
                 max_levels: int = 10) -> DriftReport:
    """Test every feature for drift, then decide whether the data set as a whole drifted.

    See the module docstring for the rules. ``features`` defaults to the columns both tables
    share. Returns a :class:`DriftReport`.
    """
    features = list(features) if features is not None else [
        c for c in reference.columns if c in current.columns]
    if not features or len(current) == 0:
        raise ValueError(f"Nothing to compare: {len(features)} shared feature(s), "
                         f"{len(current)} current row(s). Pass tables with rows and columns.")
    large = len(current) >= large_sample
    rows = [_one_feature(reference[f], current[f], large=large, max_levels=max_levels,
                         threshold=distance_threshold) for f in features]
    tested = [i for i, r in enumerate(rows) if r["p_value"] is not None]
    adjusted = adjust_p_values([rows[i]["p_value"] for i in tested], method=correction)
    for i, p_adj in zip(tested, adjusted, strict=True):
        rows[i].update(p_adjusted=float(p_adj), drifted=bool(p_adj < alpha))
    result = tuple(FeatureDrift(feature=f, **r) for f, r in zip(features, rows, strict=True))
    n_drifted = sum(r.drifted for r in result)
    return DriftReport(features=result, share_drifted=n_drifted / len(result),
                       dataset_drift=n_drifted >= max(1, math.ceil(share * len(result))),
                       n_reference=len(reference), n_current=len(current))


def feature_kind(column: pd.Series, *, max_levels: int = 10) -> str:
    """``"categorical"`` or ``"numeric"``, by the rule in the module docstring."""
    numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
    return "numeric" if numeric and column.nunique() > max_levels else "categorical"


def _one_feature(reference: pd.Series, current: pd.Series, *, large: bool,
                 max_levels: int, threshold: float) -> dict:
    kind = feature_kind(reference, max_levels=max_levels)
    categorical = kind == "categorical"
    row = {"kind": kind, "psi": psi(reference, current, categorical=categorical),
           "p_value": None, "p_adjusted": None}
    if large:
        test, value = (("jensen_shannon", jensen_shannon(reference, current)) if categorical
                       else ("wasserstein", wasserstein(reference, current)))
        return {**row, "test": test, "statistic": value, "drifted": value >= threshold}
    statistic, p_value = (chi2_test if categorical else ks_test)(reference, current)
    return {**row, "test": "chi2" if categorical else "ks", "statistic": statistic,
            "p_value": p_value, "drifted": False}


def _clean(values) -> np.ndarray:
    values = pd.Series(values) if not isinstance(values, pd.Series) else values
    return values.dropna().to_numpy()


def _category_shares(ref, cur) -> tuple[np.ndarray, np.ndarray]:
    table = contingency_table(ref, cur, min_expected=0.0)
    return table[0] / table[0].sum(), table[1] / table[1].sum()
