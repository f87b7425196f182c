"""Explanations (Module 03): which features matter overall, why one applicant was referred
to an underwriter, and which pixels an image classifier looked at.

* :func:`permutation_importance`: how much a quality score drops when one feature is shuffled.
* :func:`reason_codes`: the top factors that pushed one applicant's approval score down,
  worded as an adverse-action notice words them; :func:`reason_codes_for` applies the same
  rule to many applicants at once (what the loan service does for every referral), and
  :func:`approved_reference` picks the comparison point (the median approved applicant);
  :func:`reason_lines` prints them for a person to read.
* :func:`saliency_map`: for any PyTorch image classifier, how strongly each pixel moves the
  predicted class's score (the gradient's size).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Adverse-action wording per feature and direction of the fix ("increase" or "decrease").
REASON_TEXT: dict[tuple[str, str], str] = {
    ("income", "increase"): "Income insufficient for the amount of credit requested",
    ("debt_ratio", "decrease"): "Debt obligations too high relative to income",
    ("credit_history_years", "increase"): "Length of credit history too short",
    ("loan_amount", "decrease"): "Amount of credit requested too high",
    ("employment_years", "increase"): "Length of employment too short",
    ("late_payments", "decrease"): "Delinquent past or present credit obligations",
    ("home_owner", "increase"): "No home ownership on record",
}

ScoreFn = Callable[[pd.DataFrame], np.ndarray]

#: Features measured in US dollars: :func:`reason_lines` writes them as money ("USD 30,700").
MONEY_FEATURES = frozenset({"income", "loan_amount"})


def permutation_importance(score_fn: ScoreFn, table: pd.DataFrame, y_true: np.ndarray, *,
                           features: tuple[str, ...], metric: Callable[..., float],
                           n_repeats: int = 5, seed: int = 0) -> pd.DataFrame:
    """Drop in ``metric(y_true, score_fn(table))`` when each feature's column is shuffled.

    Returns one row per feature, largest drop first: ``importance`` (mean drop, in the metric's
    units, e.g. 0.05 = five points of ROC AUC) and ``spread`` (standard deviation over repeats).
    """
    rng = np.random.default_rng(seed)
    x = table.loc[:, list(features)].reset_index(drop=True)
    baseline = metric(y_true, score_fn(x))
    drops: dict[str, list[float]] = {}
    for feature in features:
        shuffled = x.copy()
        drops[feature] = []
        for _ in range(n_repeats):
            shuffled[feature] = rng.permutation(x[feature].to_numpy())
            drops[feature].append(baseline - metric(y_true, score_fn(shuffled)))
    frame = pd.DataFrame({"importance": [np.mean(d) for d in drops.values()],
                          "spread": [np.std(d) for d in drops.values()]}, index=list(features))
    return frame.rename_axis("feature").sort_values("importance", ascending=False)


@dataclass(frozen=True)
class Reason:
    """One reason a score went down: the feature, which way to move it, and by how much.

    ``value`` is the applicant's value and ``reference`` the comparison point's, both in the
    feature's own units (US dollars for :data:`MONEY_FEATURES`). ``score_gain`` is the rise
    in the approval score (1 - chance of default) if the feature matched ``reference``, as
    a share 0..1: 0.11 is a chance of default 11 percentage points lower.
    """

    feature: str
    direction: str
    value: float
    reference: float
    score_gain: float
    text: str


def reference_profile(table: pd.DataFrame, *, features: tuple[str, ...]) -> dict[str, float]:
    """The median of each feature, e.g. over approved applicants: the comparison point."""
    return {f: float(table[f].median()) for f in features}


def reason_codes(score_fn: ScoreFn, applicant: Mapping[str, float],
                 reference: Mapping[str, float], *, top: int = 4) -> list[Reason]:
    """The top factors that pushed one applicant's approval score down, strongest first.

    Each feature in turn is set to its value in ``reference`` (e.g. the median approved
    applicant) with everything else kept; the rise in the approval score is that feature's
    ``score_gain``. A feature with a positive gain is a reason, worded with
    :data:`REASON_TEXT`, unless the wording list words that feature only in the other
    direction: a gain from moving it the way no approved wording allows (more late payments,
    say) is left out, as a question for model validation, not a reason. A feature the list
    does not word at all gets a plain wording, such as "Savings: increase needed". The method
    is deterministic: the same applicant and reference give the same reasons, in the same
    order.
    """
    _check_reason_inputs([applicant], reference, top)
    # One variant per feature, in name order whatever order ``reference`` has: a model scores
    # a row a last bit differently at another position in the batch on some CPUs.
    changes = sorted(reference.items())
    base = pd.DataFrame([dict(applicant)])
    variants = pd.concat([base.assign(**{f: v}) for f, v in changes], ignore_index=True)
    gains = score_fn(variants) - score_fn(base)[0]
    return _worded(applicant, changes, gains, top)


def reason_codes_for(score_fn: ScoreFn, applicants: Sequence[Mapping[str, float]],
                     reference: Mapping[str, float], *, scores: Sequence[float] | None = None,
                     top: int = 4) -> list[list[Reason]]:
    """:func:`reason_codes` for each of ``applicants``, with one call of ``score_fn``.

    The rule, the variants and their order are those of :func:`reason_codes`, so one
    applicant gets exactly the reasons :func:`reason_codes` gives them: positive gains only,
    and none in a direction :data:`REASON_TEXT` has no approved wording for (an applicant
    may get fewer than ``top`` reasons, or none). ``scores`` are the applicants' approval
    scores if already computed (a service passes the scores it decided on, so the reasons
    explain that very score); otherwise they are computed here. With many applicants, a
    score can differ from the one-applicant call in its last bit (see above), which matters
    only for a gain within about 1e-7 of another gain or of zero.
    """
    if not applicants:
        return []
    _check_reason_inputs(applicants, reference, top)
    changes, k = sorted(reference.items()), len(reference)
    names = list(dict.fromkeys(c for a in applicants for c in a))
    # Applicant by applicant, one variant per feature in name order, as reason_codes has them.
    columns = {c: np.repeat(np.array([a.get(c) for a in applicants]), k) for c in names}
    for j, (feature, value) in enumerate(changes):
        columns[feature] = columns[feature].astype(float)  # a copy
        columns[feature][j::k] = value
    variants = pd.DataFrame(columns)
    before = (score_fn(pd.DataFrame([dict(a) for a in applicants])) if scores is None
              else np.asarray(scores, dtype=float))
    gains = np.asarray(score_fn(variants), dtype=float).reshape(len(applicants), len(changes))
    return [_worded(applicant, changes, row - start, top)
            for applicant, row, start in zip(applicants, gains, before, strict=True)]


def reason_lines(reasons: Sequence[Reason], *, width: int = 88) -> list[str]:
    """Each reason as a numbered item for a printout, at most ``width`` characters a line.

    An item is its wording, then, indented under it, the applicant's value against the
    typical approved one and how many percentage points lower their chance of default would
    be if they matched (``score_gain``, the rise in the approval score, 1 - chance of
    default)::

          2. Income insufficient for the amount of credit requested
             income: USD 30,700, typical approved USD 59,300
             if matched: chance of default 11 points lower

    Money features (:data:`MONEY_FEATURES`) are written with
    :func:`deploydl.present.charts.usd`, other values as plain numbers. Every line after an
    item's first is indented (a hanging indent), so only an item's first line starts with a
    number.
    """
    import textwrap

    from deploydl.present.charts import human_label, usd

    def shown(feature: str, value: float) -> str:
        return usd(value) if feature in MONEY_FEATURES else f"{value:g}"

    lines = []
    for i, r in enumerate(reasons, 1):
        values = (f"{human_label(r.feature)}: {shown(r.feature, r.value)}, typical approved "
                  f"{shown(r.feature, r.reference)}")
        effect = f"if matched: chance of default {r.score_gain * 100:.0f} points lower"
        lines += textwrap.wrap(f"{i}. {r.text}", width, initial_indent="  ",
                               subsequent_indent="     ")
        for detail in (values, effect):
            lines += textwrap.wrap(detail, width, initial_indent="     ",
                                   subsequent_indent="     ")
    return lines


def approved_reference(model, applicants: pd.DataFrame, *,
                       threshold: float | None = None) -> dict[str, float] | None:
    """The median applicant ``model`` approves among ``applicants``: the comparison point of
    its reason codes (:func:`reference_profile` over the approved), or None if it approves
    nobody there.

    ``model`` has ``features`` and ``predict_proba`` (the probability of default); it approves
    below ``threshold``, by default the one chosen for it
    (:func:`deploydl.evaluation.decision.decides_at`).
    """
    from deploydl.evaluation.decision import decides_at

    features = tuple(model.features)
    table = applicants.loc[:, list(features)]
    approved = table[np.asarray(model.predict_proba(table)) < decides_at(model, threshold)]
    return reference_profile(approved, features=features) if len(approved) else None


def _check_reason_inputs(applicants: Sequence[Mapping[str, float]],
                         reference: Mapping[str, float], top: int) -> None:
    if top < 1:
        raise ValueError(f"top must be at least 1; got {top}. Notices usually give up to 4.")
    for applicant in applicants:
        missing = [f for f in reference if f not in applicant]
        if missing:
            raise ValueError(f"The applicant lacks features {missing} that the reference has.")


#: Features with approved adverse-action wording: only the direction worded there is a reason.
_WORDED_FEATURES = frozenset(feature for feature, _ in REASON_TEXT)


def _worded(applicant: Mapping[str, float], changes: list[tuple[str, float]],
            gains: np.ndarray, top: int) -> list[Reason]:
    """The reasons from each feature's gain: positive gains only, largest first.

    A gain in a direction the wording list does not approve (a network that scores an
    applicant higher with *more* late payments, say) is left out: no notice can tell someone
    to pay late, and such a gain is a question for model validation, not a reason.
    """
    reasons = []
    for (feature, ref), gain in zip(changes, gains, strict=True):
        value = float(applicant[feature])
        if gain <= 0 or ref == value:
            continue
        direction = "increase" if ref > value else "decrease"
        if feature in _WORDED_FEATURES and (feature, direction) not in REASON_TEXT:
            continue
        text = REASON_TEXT.get((feature, direction),
                               f"{feature.replace('_', ' ').capitalize()}: {direction} needed")
        reasons.append(Reason(feature, direction, value, float(ref), float(gain), text))
    reasons.sort(key=lambda r: (-r.score_gain, r.feature))
    return reasons[:top]


def saliency_map(model, image, *, target: int | None = None) -> np.ndarray:
    """How strongly each pixel moves the class score: ``|d score / d pixel|``, scaled to 0..1.

    Parameters
    ----------
    model : torch.nn.Module
        Any image classifier taking ``(N, C, H, W)`` and returning ``(N, classes)`` scores.
    image : array or tensor of shape (C, H, W)
        One image.
    target : int, optional
        The class to explain; by default the predicted one.

    Returns
    -------
    numpy.ndarray of shape (H, W)
        1 marks the most influential pixel; the maximum over channels is taken.
    """
    import torch

    x = torch.as_tensor(np.asarray(image, dtype=np.float32)).clone()
    if x.ndim != 3:
        raise ValueError(f"image must have shape (channels, height, width); got "
                         f"{tuple(x.shape)}. Pass one image, e.g. images[0].")
    x = x.unsqueeze(0).requires_grad_(True)
    model.eval()
    scores = model(x)
    chosen = int(scores.argmax(dim=1)) if target is None else int(target)
    if not 0 <= chosen < scores.shape[1]:
        raise ValueError(f"target must be a class index below {scores.shape[1]}; got {target}.")
    scores[0, chosen].backward()
    if x.grad is None:  # the scores were computed without tracking the image
        raise ValueError("the model's scores do not depend on the image through autograd; "
                         "pass a float torch network (not quantized, traced or detached).")
    saliency = x.grad.detach().abs()[0].amax(dim=0).numpy()
    top = saliency.max()
    return saliency / top if top > 0 else saliency
