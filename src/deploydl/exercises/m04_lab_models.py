"""Module 04's lab world, rebuilt as the lab builds it: the sizes and seeds of its data, the
lab's model and the weak candidate, the release gates at each proposed threshold (04.4) and
both models' AUCs (04.5). Module 04's checks (``m04``) compare a learner's answer with these.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deploydl.deploy.gates import GateResult


#: The lab's world: the model's training rows, the applicants both gates are measured on,
#: and the candidate trained on far too little data (exercise 04.5).
TRAIN_ROWS, TRAIN_SEED, EPOCHS, HOLDOUT_ROWS, HOLDOUT_SEED = 3000, 7, 6, 2000, 8
WEAK_ROWS, WEAK_SEED, WEAK_EPOCHS = 300, 9, 2
#: The lab's model scores the same applicant the same, give or take float rounding (the
#: service rounds to 6 places); another model or another applicant differs far more.
PREDICTION_TOL = 1e-3
#: The lab's model scores a holdout row the same in a reply (rounded to 6 places) as in the
#: check, to within this; the chance that another model's score falls this close to one of
#: the 2,000 rows' is under 1%.
SAME_SCORE_TOL = 2e-6
#: Exercise 04.4: the thresholds risk proposes (approve below this chance of default).
PROPOSED_THRESHOLDS = (0.20, 0.25, 0.30, 0.35)


@cache
def lab_models():
    """(holdout, the lab's model, the weak candidate): rebuilt exactly as the lab builds them."""
    import torch

    from deploydl.data import make_applicants
    from deploydl.models import train_applicant_model

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the lab does, so the weights are the lab's
    try:
        model = train_applicant_model(make_applicants(TRAIN_ROWS, seed=TRAIN_SEED), seed=0,
                                      epochs=EPOCHS)
        weak = train_applicant_model(make_applicants(WEAK_ROWS, seed=WEAK_SEED), seed=0,
                                     epochs=WEAK_EPOCHS)
    finally:
        torch.set_num_threads(threads)
    return make_applicants(HOLDOUT_ROWS, seed=HOLDOUT_SEED), model, weak


@cache
def _gate_results() -> dict[float, list[GateResult]]:
    """The lab model's gates (:func:`~deploydl.deploy.gates.run_gates`) at each proposed
    threshold, run once."""
    from deploydl.deploy.gates import run_gates

    holdout, model, _ = lab_models()
    return {t: run_gates(model, holdout, threshold=t) for t in PROPOSED_THRESHOLDS}


def release_gates() -> dict[float, list[str]]:
    """For each proposed threshold, the names of the gates that block the release."""
    return {t: [g.gate for g in results if not g.passed]
            for t, results in _gate_results().items()}


def release_verdicts() -> dict[float, str]:
    """For each proposed threshold, what the gates command would do with the release:
    "blocked" (exit 1), "review" (every gate passes, but one is too close to call: exit 3, it
    waits for a fairness review) or "ship" (every gate passes clearly: exit 0)."""
    from deploydl.deploy.gates import EXIT_BLOCKED, EXIT_TOO_CLOSE, exit_code

    words = {EXIT_BLOCKED: "blocked", EXIT_TOO_CLOSE: "review"}
    return {t: words.get(exit_code(results), "ship") for t, results in _gate_results().items()}


def _aucs() -> dict[str, float]:
    from deploydl.evaluation.metrics import roc_auc

    holdout, model, weak = lab_models()
    return {name: roc_auc(holdout["default"], m.predict_proba(holdout))
            for name, m in (("production", model), ("candidate", weak))}
