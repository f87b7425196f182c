"""The case-study model, trained, measured and registered: one recipe for every caller.

``deploydl serve`` builds its default artifact with it (:func:`deploydl.serving.server.
default_artifact`), and Module 04 packages the same model in a registry in one call.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import pandas as pd

from deploydl.registry import Artifact, ModelRegistry

if TYPE_CHECKING:
    from deploydl.models.tabular import ApplicantModel

#: The default model's recipe: trained on these applicants, measured on others.
TRAINING_ROWS, TRAINING_SEED, HOLDOUT_ROWS, HOLDOUT_SEED = 5000, 0, 2000, 1
#: ... and calibrated, and its threshold chosen, on applicants set aside for it (Module 02's).
CALIBRATION_ROWS, CALIBRATION_SEED = 2000, 2


def set_aside_applicants() -> pd.DataFrame:
    """The applicants set aside for the case-study model: :data:`CALIBRATION_ROWS` of them
    (seed :data:`CALIBRATION_SEED`), neither its training data nor its holdout.

    :func:`train_measured` calibrates the model on them and chooses its threshold there, so a
    lesson that asks why the threshold moved, or checks the fairness gate where the threshold
    was chosen, uses these same applicants (with the label and the age band).
    """
    from deploydl.data import make_applicants

    return make_applicants(CALIBRATION_ROWS, seed=CALIBRATION_SEED)


class Trained(NamedTuple):
    """A trained, calibrated model with its ROC AUC in ``model.metrics``, and the data behind
    both (the calibration set is :func:`set_aside_applicants`)."""

    model: ApplicantModel
    table: pd.DataFrame
    holdout: pd.DataFrame


def train_measured(*, epochs: int = 30, holdout_rows: int = HOLDOUT_ROWS,
                   holdout_seed: int = HOLDOUT_SEED, progress: bool = False) -> Trained:
    """Train the case-study model (seed 0), calibrate it, choose its threshold, measure it.

    Calibration (Platt scaling, folded into the weights) and the decision threshold (the
    course's one rule, :func:`deploydl.evaluation.decision.threshold_for`) both use
    applicants set aside for them, never the holdout; both travel into the artifact, so the
    service's probabilities are calibrated and it decides at that threshold. The ROC AUC
    (0.5 = coin toss, 1 = perfect ranking) is measured on ``holdout_rows`` applicants the
    model never saw and kept in ``model.metrics["auc"]``, rounded to 4 places, with the
    calibration error there (``"calibration_error"``), so the metadata carries both.
    ``progress`` shows a progress bar while the network trains.
    """
    from deploydl.data import make_applicants
    from deploydl.evaluation.calibration import calibration_error
    from deploydl.evaluation.decision import calibrate_and_decide
    from deploydl.evaluation.metrics import roc_auc
    from deploydl.models import train_applicant_model

    table = make_applicants(TRAINING_ROWS, seed=TRAINING_SEED)
    aside = set_aside_applicants()
    model, _ = calibrate_and_decide(
        train_applicant_model(table, seed=0, epochs=epochs, progress=progress), aside)
    holdout = make_applicants(holdout_rows, seed=holdout_seed)
    scores = model.predict_proba(holdout)
    model.metrics = {"auc": round(roc_auc(holdout["default"], scores), 4),
                     "calibration_error": round(calibration_error(holdout["default"], scores),
                                                4)}
    return Trained(model, table, holdout)


def register_in_production(model, table: pd.DataFrame, root: str | Path, *,
                           approver: str | None = None,
                           reason: str | None = None) -> tuple[ModelRegistry, Artifact]:
    """Register ``model`` (with ``table`` as its training data) under ``root`` and promote it
    to production; the registry and the verified artifact.

    It runs no gate and promotes whatever it is given: run the gates first
    (:func:`deploydl.deploy.run_gates`). When they block the release or cannot call it, such
    as a fairness gate too close to call (the gates command's exit 3,
    :mod:`deploydl.deploy.gates`), a named review decides; this records that decision, it does
    not check it. ``approver`` (who decided) and ``reason`` (why) are recorded with the release
    in the registry's ``releases.jsonl``, as the CI workflow's review records them
    (:meth:`deploydl.registry.ModelRegistry.promote`, which refuses a reason without an
    approver)."""
    registry = ModelRegistry(root)
    artifact = registry.register(model, training_data=table)
    registry.promote(model.name, model.version, stage="production", override=reason,
                     approver=approver)
    return registry, artifact


def describe_artifact(artifact: Artifact) -> str:
    """A few lines for a lesson: the model, its AUC, calibration and threshold, and each file
    with its size."""
    meta = artifact.metadata
    calibrated = (f", calibrated on {meta['calibration']['rows']:,} set-aside applicants"
                  if meta.get("calibration") else "")
    decides = f", threshold {meta['threshold']:.2f}" if "threshold" in meta else ""
    lines = [f"Packaged {meta['name']} {artifact.version} (AUC {meta['metrics']['auc']:.2f}"
             f"{calibrated}{decides}) as:"]
    lines += [f"  {p.name:22s} {p.stat().st_size:>7,} bytes"
              for p in sorted(artifact.path.iterdir())]
    return "\n".join(lines)
