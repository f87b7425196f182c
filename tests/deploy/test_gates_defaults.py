"""The quality gates' agreed limits, as Module 04 states them, at their edges.

The lesson: "the AUC must be at least 0.70, and no worse than production's by more than
0.01", and the fairness gate's approval ratio "must be at least 0.8". The CI workflow runs
``python -m deploydl.deploy.gates CANDIDATE`` with no limits given, and the lesson calls
``run_gates`` with none, so these are the defaults both must use.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from deploydl.data import LABEL, PROTECTED_ATTRIBUTE
from deploydl.deploy import GateResult, fairness_gate
from deploydl.deploy.gates import (
    EXIT_BLOCKED,
    EXIT_PASSED,
    EXIT_TOO_CLOSE,
    exit_code,
    main,
    run_gates,
)

#: The holdout below: one defaulter and this many repayers, so an AUC is a count of
#: repayers the defaulter outscores, over 1,000 (0.700 = 700 of them).
REPAYERS = 1000


def _holdout() -> pd.DataFrame:
    """The defaulter first, then the repayers; two age bands, alternating."""
    return pd.DataFrame({LABEL: [1] + [0] * REPAYERS,
                         PROTECTED_ATTRIBUTE: np.resize(["18-29", "30-44"], REPAYERS + 1)})


class _ScoredAt:
    """A model whose ROC AUC on :func:`_holdout` is ``auc`` (to a thousandth). Every score is
    below 0.4, under the 0.5 it decides at, so everyone is approved: the fairness gate passes
    clearly (ratio 1.0) and the evaluation gate alone decides."""

    name, threshold = "loan-default", 0.5

    def __init__(self, auc: float):
        self.outscored = round(auc * REPAYERS)

    def predict_proba(self, rows: pd.DataFrame) -> np.ndarray:
        repayers = np.arange(REPAYERS) / REPAYERS * 0.4
        defaulter = (self.outscored - 0.5) / REPAYERS * 0.4  # between two repayers' scores
        return np.concatenate([[defaulter], repayers])[:len(rows)]


def _command_exit(monkeypatch, tmp_path, candidate_auc, production_auc):
    """The gates command's exit code, run as the CI workflow runs it (no limits given), with
    the candidate, production and holdout replaced by the ones above."""
    production = None if production_auc is None else _ScoredAt(production_auc)
    monkeypatch.setattr("deploydl.registry.load_model", lambda path: _ScoredAt(candidate_auc))
    monkeypatch.setattr("deploydl.registry.ModelRegistry.load_if_any",
                        lambda registry, name: production)
    monkeypatch.setattr("deploydl.data.make_applicants", lambda rows, seed: _holdout())
    return main(["candidate", "--registry", str(tmp_path)])


@pytest.mark.parametrize("candidate_auc, production_auc, passes", [
    (0.700, None, True),    # at least 0.70: the floor itself passes
    (0.699, None, False),   # a thousandth under it blocks
    (0.791, 0.800, True),   # 0.009 below production
    (0.790, 0.800, True),   # 0.01 below: "no worse ... by more than 0.01"
    (0.789, 0.800, False),  # 0.011 below blocks
])
def test_the_evaluation_gate_defaults_to_an_auc_of_at_least_070_and_one_point_below(
        monkeypatch, tmp_path, candidate_auc, production_auc, passes):
    production = None if production_auc is None else _ScoredAt(production_auc)
    evaluation, fairness = run_gates(_ScoredAt(candidate_auc), _holdout(), production=production)
    assert evaluation.value == candidate_auc  # the holdout gives the AUC it was built for
    assert evaluation.passed is passes
    assert fairness.passed and not fairness.too_close_to_call  # everyone approved
    assert _command_exit(monkeypatch, tmp_path, candidate_auc, production_auc) == (
        EXIT_PASSED if passes else EXIT_BLOCKED)


def test_an_approval_ratio_of_exactly_four_fifths_passes_the_fairness_gate():
    """At least 0.8 passes, so 0.8 itself does. 80 of 100 young applicants are approved and
    all 100 old ones: 0.8 / 1.0 is 0.8 to the last bit. Its range reaches below 0.8, so it
    passes too close to call: a fairness review, not a block."""
    groups = np.repeat(["young", "old"], 100)
    approved = np.concatenate([np.arange(100) < 80, np.ones(100, dtype=bool)]).astype(int)
    at_limit = fairness_gate(approved, groups)
    assert at_limit.value == 0.8 and at_limit.limit == 0.8
    assert at_limit.passed and at_limit.too_close_to_call
    assert exit_code([at_limit]) == EXIT_TOO_CLOSE


@pytest.mark.parametrize("low, too_close", [
    (0.8, False),          # the range reaches the limit but not below it
    (0.805, False),
    (0.8 - 1e-9, True),    # a hair below the limit
    (0.795, True),
])
def test_a_pass_is_too_close_to_call_only_when_its_range_reaches_below_the_limit(low,
                                                                               too_close):
    result = GateResult("fairness", True, 0.85, 0.8, "approval ratio 0.85", low, 0.9, 500)
    assert result.too_close_to_call is too_close
    assert exit_code([result]) == (EXIT_TOO_CLOSE if too_close else EXIT_PASSED)
