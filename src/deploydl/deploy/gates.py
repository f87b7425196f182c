"""Quality gates a candidate model must pass before it is deployed (Module 04).

Each gate is a plain function that returns a :class:`GateResult`; the CI/CD workflow runs
them with ``python -m deploydl.deploy.gates CANDIDATE``, whose exit code says what happens next:

* ``0`` (:data:`EXIT_PASSED`): every gate passed clearly; the release goes on.
* ``1`` (:data:`EXIT_BLOCKED`): a gate blocked; the workflow stops and nothing is released.
* ``3`` (:data:`EXIT_TOO_CLOSE`): every gate passed, but the fairness gate is too close to call;
  the workflow waits for the ``fairness-review`` environment (a person approves, and the
  registry records who and why) before it builds and promotes. (``2`` is argparse's code for a
  command line it cannot read.)

On GitHub Actions it also writes a table of the gates to the run's summary page
(``$GITHUB_STEP_SUMMARY``).

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
  a named person approves the release. The gate also reports the ratio's 95% range
  (:func:`deploydl.responsible.fairness.selection_ratio_range`) and the smallest group's size:
  the guidance itself warns that differences based on small numbers may not be meaningful.
  A ratio below the limit blocks, whatever its range. A ratio at or above it passes, but when
  its range reaches below the limit the reason says it is too close to call and sends it to
  fairness review.

A gate that cannot measure its number blocks and says why: an AUC on a holdout with one class,
an approval ratio when nobody is approved, a production model that is in the registry but
cannot be read (so the candidate cannot be compared with it). Only a registry with no model in
production skips the comparison: a first release has nothing to compare with.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from deploydl.data import LABEL, PROTECTED_ATTRIBUTE
from deploydl.evaluation.metrics import roc_auc
from deploydl.present.charts import human_label
from deploydl.responsible.charts import in_band_order
from deploydl.responsible.fairness import (
    FOUR_FIFTHS,
    selection_rates,
    selection_ratio,
    selection_ratio_range,
)

#: The evaluation gate's floor: a candidate's ROC AUC on the holdout must be at least this.
MIN_AUC = 0.70
#: ... and at most this far below production's ROC AUC (0.01 = one point of AUC).
MAX_AUC_DROP = 0.01
#: Exit codes of ``python -m deploydl.deploy.gates``: passed clearly, blocked, too close to call.
EXIT_PASSED, EXIT_BLOCKED, EXIT_TOO_CLOSE = 0, 1, 3


@dataclass(frozen=True)
class GateResult:
    """One gate's decision: its measured ``value``, the ``limit`` and a sentence saying why.

    The fairness gate adds ``low`` and ``high`` (the value's 95% range) and ``smallest_group``
    (the number of applicants in the smallest group); other gates leave them ``None``.
    """

    gate: str
    passed: bool
    value: float
    limit: float
    reason: str
    low: float | None = None
    high: float | None = None
    smallest_group: int | None = None

    @property
    def too_close_to_call(self) -> bool:
        """True when the gate passed but its 95% range reaches below the limit (or is not a
        number): another sample could flip the pass. A blocked gate is never too close to call:
        it blocks."""
        return self.passed and self.low is not None and not self.low >= self.limit

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


def _unmeasured(gate: str, limit: float, what: str, error: Exception) -> GateResult:
    """A gate that could not measure its number: it fails closed (value NaN) and says why."""
    return GateResult(gate, False, float("nan"), limit, f"{what}, so the gate blocks: {error}")


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
    highest's, also called the demographic parity ratio) is at least ``min_ratio``.

    The reason also gives the ratio's 95% range (a bootstrap over the applicants, with a fixed
    seed) and the size of the smallest group. The verdict follows the ratio itself: below
    ``min_ratio`` it blocks; at or above it, with a range reaching below ``min_ratio``, it
    passes and the reason says it is too close to call.
    """
    ratio, rates = _approval_ratio(approved, groups)
    low, high = selection_ratio_range(np.asarray(approved, dtype=int), groups)
    smallest = int(pd.Series(groups).value_counts().min())
    in_order = in_band_order(pd.Series(rates))  # age bands youngest first, as people write them
    shown = ", ".join(f"{human_label(g)} {r:.0%}" for g, r in in_order.items())
    reason = (f"approval ratio {ratio:.2f}, 95% range {low:.3f}-{high:.3f} (needs at least "
              f"{min_ratio:.2f}; approvals: {shown}; smallest group {smallest:,} applicants)")
    # the range unrounded, as the reason prints it: rounded here and printed again, 0.88049
    # would read 0.881 in one place and 0.880 in the other
    result = GateResult("fairness", ratio >= min_ratio, round(ratio, 4), min_ratio, reason,
                        low, high, smallest)
    if result.too_close_to_call:
        result = replace(result, reason=f"{reason}; too close to call: send to fairness review")
    return result


def run_gates(candidate, holdout: pd.DataFrame, *, production=None,
              threshold: float | None = None,
              min_auc: float = MIN_AUC, max_drop: float = MAX_AUC_DROP,
              min_ratio: float = FOUR_FIFTHS) -> list[GateResult]:
    """Run both gates for ``candidate`` (and ``production``, if any) on ``holdout``.

    ``holdout`` holds applicants neither model trained on, with the label and age band.
    An applicant is approved when the probability of default is below ``threshold``: by
    default where the service will decide for the candidate
    (:func:`deploydl.evaluation.decision.decides_at`: the threshold recorded with it, else
    0.5), so the gates judge the decisions customers will get.
    """
    if threshold is None:
        from deploydl.evaluation.decision import decides_at

        threshold = decides_at(candidate)
    scores = candidate.predict_proba(holdout)
    try:
        production_auc = (None if production is None else
                          roc_auc(holdout[LABEL], production.predict_proba(holdout)))
        evaluation = evaluation_gate(roc_auc(holdout[LABEL], scores),
                                     production_auc=production_auc, min_auc=min_auc,
                                     max_drop=max_drop)
    except ValueError as exc:  # the AUC cannot be measured here: fail closed, and say why
        evaluation = _unmeasured("evaluation", min_auc, "AUC not measured on this holdout", exc)
    try:
        fairness = fairness_gate(scores < threshold, holdout[PROTECTED_ATTRIBUTE],
                                 min_ratio=min_ratio)
    except ValueError as exc:  # nobody approved: no rates to compare, so fail closed too
        fairness = _unmeasured("fairness", min_ratio, "approval ratio not measured", exc)
    return [evaluation, fairness]


def exit_code(results: list[GateResult]) -> int:
    """:data:`EXIT_BLOCKED` if a gate blocked, else :data:`EXIT_TOO_CLOSE` if one is too close
    to call, else :data:`EXIT_PASSED`."""
    if not all(r.passed for r in results):
        return EXIT_BLOCKED
    return EXIT_TOO_CLOSE if any(r.too_close_to_call for r in results) else EXIT_PASSED


_NEXT = {EXIT_PASSED: "every gate passed: the release goes on to build and promote.",
         EXIT_BLOCKED: "a gate blocked: nothing is released.",
         EXIT_TOO_CLOSE: "too close to call: the release waits for a fairness review (the "
                         "fairness-review environment) before it is built and promoted."}


def summary_markdown(results: list[GateResult]) -> str:
    """The gates as a Markdown table for the run's summary page, with what happens next."""
    rows = "".join(f"| {r.gate} | {'PASS' if r.passed else 'BLOCK'}"
                   f"{', too close to call' if r.too_close_to_call else ''} | "
                   f"{r.reason.replace('|', '/')} |\n" for r in results)
    return ("### Quality gates\n\n| gate | verdict | why |\n| --- | --- | --- |\n" + rows
            + f"\nExit {exit_code(results)}: {_NEXT[exit_code(results)]}\n")


def main(argv: list[str] | None = None) -> int:
    """``python -m deploydl.deploy.gates CANDIDATE [--registry DIR]``: the exit code is
    :func:`exit_code` (0 passed, 1 blocked, 3 too close to call); with ``GITHUB_STEP_SUMMARY``
    set (GitHub Actions), the gates are also appended there as a table."""
    from deploydl.data import make_applicants
    from deploydl.evaluation.decision import decides_at
    from deploydl.registry import ArtifactError, ModelRegistry, load_model

    parser = argparse.ArgumentParser(prog="python -m deploydl.deploy.gates")
    parser.add_argument("candidate", help="artifact folder of the candidate model")
    parser.add_argument("--registry", help="registry folder; compares with its production model")
    parser.add_argument("--min-auc", type=float, default=MIN_AUC)
    parser.add_argument("--max-drop", type=float, default=MAX_AUC_DROP)
    parser.add_argument("--min-ratio", type=float, default=FOUR_FIFTHS)
    args = parser.parse_args(argv)
    candidate = load_model(args.candidate)
    production, unreadable = None, []
    if args.registry:
        try:
            production = ModelRegistry(args.registry).load_if_any(candidate.name)  # one read
            if production is None:
                print(f"No {candidate.name} version is in production in {args.registry}: "
                      "nothing to compare with, so the AUC floor alone applies.")
        except ArtifactError as exc:  # in production, but unreadable: never skip the check
            unreadable = [_unmeasured(
                "production", args.max_drop, "the production model cannot be read for the "
                f"comparison (at most {args.max_drop:.2f} below its AUC)", exc)]
    at = decides_at(candidate)
    if getattr(candidate, "threshold", None) is None:
        print(f"No threshold is recorded with this candidate: the gates judge it at {at:.2f}, "
              "where the service will decide for it. To decide elsewhere, record a threshold "
              "(Module 02: deploydl.evaluation.decision.calibrate_and_decide) and save it again.")
    results = unreadable + run_gates(candidate, make_applicants(3000, seed=2024),
                                     production=production, min_auc=args.min_auc,
                                     max_drop=args.max_drop, min_ratio=args.min_ratio)
    for result in results:
        print(result)
    code = exit_code(results)
    print(f"Exit {code}: {_NEXT[code]}")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as out:
            out.write(summary_markdown(results))
    return code


if __name__ == "__main__":  # pragma: no cover - the CI/CD workflow's entry point
    sys.exit(main())
