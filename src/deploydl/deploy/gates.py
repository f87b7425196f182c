"""Quality gates a candidate model must pass before it is deployed (Module 04).

Each gate is a plain function that returns a :class:`GateResult`; the CI/CD workflow runs
them with ``python -m deploydl.deploy.gates CANDIDATE`` and stops when one fails.

* **Evaluation gate:** the candidate's ROC AUC is at least ``min_auc`` and no more than
  ``max_drop`` below the model in production (AUC: the chance that the model scores a random
  defaulter above a random repayer; 0.5 is a coin toss).
* **Fairness gate:** the demographic parity ratio across age bands is at least ``min_ratio``:
  the lowest group approval rate divided by the highest (1.0 = every group is approved
  equally often; 0.8, :data:`deploydl.responsible.fairness.FOUR_FIFTHS`, is the four-fifths screen
  borrowed
  from US employment guidance, 29 CFR 1607.4(D)). It is the one fairness gate: the course's
  threshold rule (:func:`deploydl.evaluation.decision.decision_threshold`) calls it too. Module 03
  covers
  fairness in depth; this gate keeps only the one number a deployment needs. A gate informs;
  a named person approves the release.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

import numpy as np
import pandas as pd

from deploydl.data import LABEL, PROTECTED_ATTRIBUTE
from deploydl.evaluation.metrics import roc_auc
from deploydl.responsible.fairness import FOUR_FIFTHS, selection_rates, selection_ratio

#: The evaluation gate's floor: a candidate's ROC AUC on the holdout must be at least this.
MIN_AUC = 0.70
#: ... and at most this far below production's ROC AUC (0.01 = one point of AUC).
MAX_AUC_DROP = 0.01


@dataclass(frozen=True)
class GateResult:
    """One gate's decision: its measured ``value``, the ``limit`` and a sentence saying why."""

    gate: str
    passed: bool
    value: float
    limit: float
    reason: str

    def __str__(self) -> str:
        return f"{'PASS' if self.passed else 'BLOCK'} {self.gate}: {self.reason}"


def evaluation_gate(candidate_auc: float, *, production_auc: float | None = None,
                    min_auc: float = MIN_AUC, max_drop: float = MAX_AUC_DROP) -> GateResult:
    """Pass when the AUC is at least ``min_auc`` and within ``max_drop`` of production."""
    floor = min_auc if production_auc is None else max(min_auc, production_auc - max_drop)
    passed = candidate_auc >= floor
    versus = "" if production_auc is None else f", production has {production_auc:.3f}"
    reason = (f"AUC {candidate_auc:.3f} (needs at least {floor:.3f}{versus})")
    return GateResult("evaluation", passed, round(candidate_auc, 4), round(floor, 4), reason)


def _approval_ratio(approved: np.ndarray, groups: pd.Series | np.ndarray
                    ) -> tuple[float, dict[str, float]]:
    """:func:`~deploydl.responsible.fairness.selection_ratio` of the approvals (0..1), and each
    group's approval rate (0..1); raises when nobody was approved (a gate cannot judge)."""
    approved = np.asarray(approved, dtype=int)
    if not approved.any():
        raise ValueError("No applicant was approved, so approval rates cannot be compared; "
                         "check the threshold.")
    rates = selection_rates(approved, groups)
    return selection_ratio(approved, groups), {str(k): float(v) for k, v in rates.items()}


def fairness_gate(approved: np.ndarray, groups: pd.Series | np.ndarray, *,
                  min_ratio: float = FOUR_FIFTHS) -> GateResult:
    """Pass when the approval ratio across ``groups`` (the lowest group's approval rate over the
    highest's, also called the demographic parity ratio) is at least ``min_ratio``."""
    ratio, rates = _approval_ratio(approved, groups)
    shown = ", ".join(f"{g} {r:.0%}" for g, r in rates.items())
    reason = f"approval ratio {ratio:.2f} (needs at least {min_ratio:.2f}; approvals: {shown})"
    return GateResult("fairness", ratio >= min_ratio, round(ratio, 4), min_ratio, reason)


def run_gates(candidate, holdout: pd.DataFrame, *, production=None,
              threshold: float | None = None,
              min_auc: float = MIN_AUC, max_drop: float = MAX_AUC_DROP,
              min_ratio: float = FOUR_FIFTHS) -> list[GateResult]:
    """Run both gates for ``candidate`` (and ``production``, if any) on ``holdout``.

    ``holdout`` holds applicants neither model trained on, with the label and age band.
    An applicant is approved when the probability of default is below ``threshold``: by
    default the one chosen for the candidate and recorded with it (``candidate.threshold``),
    else the break-even of the course's costs (:func:`deploydl.evaluation.decision.
    decision_threshold`, which assumes calibrated scores).
    """
    if threshold is None:
        from deploydl.evaluation.decision import threshold_for

        threshold = threshold_for(candidate)[0]
    scores = candidate.predict_proba(holdout)
    try:
        production_auc = (None if production is None else
                          roc_auc(holdout[LABEL], production.predict_proba(holdout)))
        evaluation = evaluation_gate(roc_auc(holdout[LABEL], scores),
                                     production_auc=production_auc, min_auc=min_auc,
                                     max_drop=max_drop)
    except ValueError as exc:  # the AUC cannot be measured here: fail closed, and say why
        evaluation = GateResult("evaluation", False, float("nan"), min_auc,
                                f"AUC not measured on this holdout, so the gate blocks: {exc}")
    return [evaluation, fairness_gate(scores < threshold, holdout[PROTECTED_ATTRIBUTE],
                                      min_ratio=min_ratio)]


def main(argv: list[str] | None = None) -> int:
    """``python -m deploydl.deploy.gates CANDIDATE [--registry DIR]``: 0 passed, 1 blocked."""
    from deploydl.data import make_applicants
    from deploydl.registry import ArtifactError, ModelRegistry, load_model

    parser = argparse.ArgumentParser(prog="python -m deploydl.deploy.gates")
    parser.add_argument("candidate", help="artifact folder of the candidate model")
    parser.add_argument("--registry", help="registry folder; compares with its production model")
    parser.add_argument("--min-auc", type=float, default=MIN_AUC)
    parser.add_argument("--max-drop", type=float, default=MAX_AUC_DROP)
    parser.add_argument("--min-ratio", type=float, default=FOUR_FIFTHS)
    args = parser.parse_args(argv)
    candidate = load_model(args.candidate)
    production = None
    if args.registry:
        try:
            production = ModelRegistry(args.registry).load(candidate.name, stage="production")
        except ArtifactError as exc:
            print(f"No production model to compare with ({exc})")
    results = run_gates(candidate, make_applicants(3000, seed=2024), production=production,
                        min_auc=args.min_auc, max_drop=args.max_drop, min_ratio=args.min_ratio)
    for result in results:
        print(result)
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":  # pragma: no cover - the CI/CD workflow's entry point
    sys.exit(main())
