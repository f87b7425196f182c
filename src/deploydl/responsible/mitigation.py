"""Module 03's case study: a credit model trained on biased history, its proxies and its duties.

Northbridge Bank's history records some young applicants who repaid as defaults
(``bias`` in :func:`deploydl.data.make_applicants`). Here the bank trains a scikit-learn
logistic regression on that history and decides with one rule: **approve when the approval
score (the estimated probability of repaying) is at least 0.8**, i.e. when the chance of
default is under 20%. That rule is the break-even point of the course's cost assumptions
(:data:`deploydl.evaluation.metrics.DEFAULT_COSTS`, Module 02), see :data:`APPROVAL_THRESHOLD`.

Everything returned is seeded, so the lesson, the lab and the lab's checks see the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from deploydl.data import FEATURES, LABEL, PROTECTED_ATTRIBUTE, make_applicants
from deploydl.evaluation.metrics import DEFAULT_COSTS, ErrorCosts, ProbabilityModel

#: Share of young repayers recorded as defaults in the case study's history.
BIAS = 0.2


def break_even_threshold(costs: ErrorCosts = DEFAULT_COSTS) -> float:
    """The approval score (probability of repaying, 0..1) above which approving is cheaper.

    Approving an applicant costs ``P(default) x costs.bad_loan_approved`` on average and
    referring them costs ``P(repay) x costs.good_customer_turned_away``; the two are equal at
    ``P(repay) = bad / (bad + lost)``. With the course's costs (Module 02's
    :data:`~deploydl.evaluation.metrics.DEFAULT_COSTS`) that is 0.8: approve when the chance of
    default is under 20%. It is the repaying side of the one break-even,
    :func:`deploydl.evaluation.calibration.break_even` (the course's threshold rule,
    :func:`deploydl.evaluation.decision.decision_threshold`, starts there).
    """
    from deploydl.evaluation.calibration import break_even
    from deploydl.evaluation.decision import approval_bar

    return approval_bar(break_even(costs))


#: Approve when the estimated probability of repaying is at least this: 0.8, the break-even
#: point of :data:`~deploydl.evaluation.metrics.DEFAULT_COSTS` (:func:`break_even_threshold`).
APPROVAL_THRESHOLD = break_even_threshold()


@dataclass(frozen=True)
class CaseStudy:
    """Train, validation and test applicants, and the bank's model trained on ``features``.

    ``test`` has an extra column ``default_true``: what really happened, before the biased
    recording. The bank never sees it; the course uses it to show what the bias hides.
    """

    train: pd.DataFrame
    valid: pd.DataFrame
    test: pd.DataFrame
    model: ProbabilityModel
    features: tuple[str, ...]

    def approval_score(self, table: pd.DataFrame) -> np.ndarray:
        """Estimated probability that each applicant repays (0..1; higher = safer)."""
        return 1.0 - self.model.predict_proba(table.loc[:, list(self.features)])[:, 1]


def credit_model(table: pd.DataFrame, *, features: tuple[str, ...] = FEATURES,
                 sample_weight: np.ndarray | None = None):
    """A scikit-learn logistic regression of ``default`` on ``features`` (text columns one-hot).

    ``sample_weight`` takes reweighing weights
    (:func:`deploydl.responsible.fairness.reweighing_weights`).
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    text = [f for f in features if not pd.api.types.is_numeric_dtype(table[f])]
    numbers = [f for f in features if f not in text]
    prepare = ColumnTransformer([("numbers", StandardScaler(), numbers),
                                 ("text", OneHotEncoder(handle_unknown="ignore"), text)])
    model = Pipeline([("prepare", prepare), ("classify", LogisticRegression(max_iter=1000))])
    return model.fit(table.loc[:, list(features)], table[LABEL],
                     classify__sample_weight=sample_weight)


@lru_cache(maxsize=4)
def _tables(bias: float, n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    train = make_applicants(n, seed=seed, bias=bias)
    valid = make_applicants(3000, seed=seed + 1, bias=bias)
    test = make_applicants(3000, seed=seed + 2, bias=bias)
    # The same seed with bias=0 draws the same people and their true outcomes.
    test["default_true"] = make_applicants(3000, seed=seed + 2, bias=0.0)[LABEL]
    return train, valid, test


@lru_cache(maxsize=8)
def case_study(*, features: tuple[str, ...] = FEATURES, bias: float = BIAS, n: int = 5000,
               seed: int = 0) -> CaseStudy:
    """The seeded case study: 5,000 training, 3,000 validation and 3,000 test applicants.

    Cached: calls with the same arguments share one (read-only) result.
    """
    train, valid, test = _tables(bias, n, seed)
    return CaseStudy(train, valid, test, credit_model(train, features=features), features)


def decisions(study: CaseStudy, *, strength: float = 0.0,
              threshold: float = APPROVAL_THRESHOLD) -> tuple[np.ndarray, dict[str, float]]:
    """The bank's approvals on the test applicants (1 = approved) and the thresholds used.

    ``strength`` 0 is the single threshold; above 0, group thresholds fitted on the validation
    applicants (:func:`deploydl.responsible.fairness.parity_thresholds`) close that share of the
    gap.
    """
    from deploydl.responsible.fairness import apply_thresholds, parity_thresholds

    cuts = parity_thresholds(study.approval_score(study.valid),
                             study.valid[PROTECTED_ATTRIBUTE], threshold=threshold,
                             strength=strength)
    test = study.test
    return apply_thresholds(study.approval_score(test), test[PROTECTED_ATTRIBUTE], cuts), cuts


def mitigation_effect(study: CaseStudy, *, strength: float = 1.0) -> dict[str, float]:
    """Demographic-parity difference and accuracy on the test applicants, before and after.

    Accuracy is against the recorded outcomes (what the bank can measure) and, as
    ``true_accuracy_*``, against what really happened before the biased recording.
    """
    from deploydl.responsible.fairness import demographic_parity_difference

    test = study.test
    repaid, truly_repaid = 1 - test[LABEL].to_numpy(), 1 - test["default_true"].to_numpy()
    result = {}
    for when, s in (("before", 0.0), ("after", strength)):
        approved, _ = decisions(study, strength=s)
        result[f"parity_difference_{when}"] = demographic_parity_difference(
            repaid, approved, test[PROTECTED_ATTRIBUTE])
        result[f"accuracy_{when}"] = float((approved == repaid).mean())
        result[f"true_accuracy_{when}"] = float((approved == truly_repaid).mean())
    return result


def referred_example(study: CaseStudy, *, index: int = 0,
                     threshold: float = APPROVAL_THRESHOLD) -> tuple[dict, dict[str, float]]:
    """A test applicant the model refers to an underwriter (the ``index``-th) and the median
    approved applicant."""
    from deploydl.responsible.explain import reference_profile

    scores = study.approval_score(study.test)
    features = list(study.features)
    applicant = study.test.loc[scores < threshold, features].iloc[index].to_dict()
    reference = reference_profile(study.test[scores >= threshold], features=study.features)
    return applicant, reference


#: The name lab 03 used before December 2026, kept so that a learner's saved copy of the lab,
#: which imports it, still runs.
declined_example = referred_example


def proxy_strength(table: pd.DataFrame, *, columns: tuple[str, ...],
                   protected: str = PROTECTED_ATTRIBUTE) -> pd.Series:
    """How much each column alone reveals the protected attribute (0 = nothing, 1 = all of it).

    The measure is the uncertainty coefficient: the mutual information between the column and
    the protected attribute over the protected attribute's entropy, so it reads as the share of
    the uncertainty about (say) age band that knowing the column removes. Numeric columns are
    cut into five equal-sized bins first. A column near the top is a proxy: dropping the
    protected attribute while keeping it does not stop a model from treating groups differently.
    """
    from sklearn.metrics import mutual_info_score

    missing = [c for c in (*columns, protected) if c not in table.columns]
    if missing:
        raise ValueError(f"Columns {missing} are not in the table; it has {list(table.columns)}.")
    shares = table[protected].value_counts(normalize=True).to_numpy()
    entropy = float(-(shares * np.log(shares)).sum())
    values = {}
    for column in columns:
        series = table[column]
        if pd.api.types.is_numeric_dtype(series) and series.nunique() > 5:
            series = pd.qcut(series, 5, duplicates="drop", labels=False)
        mutual = mutual_info_score(table[protected], series.astype(str))
        values[column] = float(mutual / entropy) if entropy > 0 else 0.0
    return pd.Series(values, name="proxy_strength").sort_values(ascending=False)


def feature_set_study(feature_sets: dict[str, tuple[str, ...]], *, bias: float = BIAS,
                      threshold: float = APPROVAL_THRESHOLD) -> pd.DataFrame:
    """Train one model per feature set and compare accuracy, approval rates and approval ratio.

    Data minimisation in numbers: what does dropping the protected attribute (and its proxies)
    cost in accuracy, and what does it change in outcomes by group? Accuracy is against the
    recorded test labels; the approval rates (``approved_under_30``, ...; 0 to 1) are by
    :data:`PROTECTED_ATTRIBUTE`, youngest band first, as every table of the lesson has them.
    """
    from deploydl.responsible.charts import in_band_order
    from deploydl.responsible.fairness import fairness_summary, rates_by_group

    rows = {}
    for name, features in feature_sets.items():
        study = case_study(features=tuple(features), bias=bias)
        test = study.test
        approved = (study.approval_score(test) >= threshold).astype(int)
        repaid = 1 - test[LABEL].to_numpy()
        rates = in_band_order(
            rates_by_group(repaid, approved, test[PROTECTED_ATTRIBUTE])["selection_rate"])
        summary = fairness_summary(repaid, approved, test[PROTECTED_ATTRIBUTE])
        rows[name] = {"accuracy": float((approved == repaid).mean()),
                      **{f"approved_{g}": r for g, r in rates.items()},
                      "approval_ratio": summary["demographic_parity_ratio"]}
    return pd.DataFrame.from_dict(rows, orient="index")


@dataclass(frozen=True)
class Right:
    """A data-subject right, and where it lands in the pipeline of Module 01."""

    right: str
    law: str
    lands_in: str
    what_the_bank_does: str


#: Where GDPR, CCPA and other EU rights land in the model's life (not legal advice; sources in
#: docs/references.md). The CCPA exempts most loan data (GLBA and FCRA data, Cal. Civ. Code
#: 1798.145(d) and (e)), so its rights reach a bank's loan data only in part.
RIGHTS: tuple[Right, ...] = (
    Right("Access / right to know", "GDPR Art. 15; CCPA 1798.100-110",
          "raw applications store, feature table, prediction log",
          "Export the person's rows, the features the model saw and every decision with its "
          "model version and reason codes."),
    Right("Erasure / deletion", "GDPR Art. 17, with the Art. 17(3) exceptions; CCPA 1798.105",
          "raw store, feature table, training snapshots, prediction log, backups",
          "Delete the rows the law does not require the bank to keep; keep credit records under "
          "a legal hold and say why; record the erasure in lineage; drop the person from the "
          "next training snapshot (retraining, not surgery on the weights)."),
    Right("Not to be subject to a solely automated decision; to contest it",
          "GDPR Art. 22; California: CPPA ADMT regulations (in force 1 Jan 2026, duties "
          "from 1 Jan 2027), not the CCPA statute",
          "decision service",
          "Route every referral and every contested decision to an underwriter, with the "
          "reason codes; log the human's decision."),
    Right("Human review of an automated credit assessment",
          "EU Consumer Credit Directive 2023/2225, Art. 18(8), from 20 Nov 2026",
          "decision service",
          "On request, a person reviews the assessment, explains it and hears the applicant."),
    Right("Explanation of the decision (adverse action)", "GDPR Art. 13-15 and 22; "
          "EU AI Act Art. 86; US Regulation B, 12 CFR 1002.9",
          "decision service, prediction log",
          "Send the specific principal reasons, worded for the applicant."),
)


def rights_table() -> pd.DataFrame:
    """:data:`RIGHTS` as a table for the lesson."""
    return pd.DataFrame([r.__dict__ for r in RIGHTS]).set_index("right")
