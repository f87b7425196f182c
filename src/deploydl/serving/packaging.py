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


class Trained(NamedTuple):
    """A trained model with its ROC AUC in ``model.metrics``, and the data behind both."""

    model: ApplicantModel
    table: pd.DataFrame
    holdout: pd.DataFrame


def train_measured(*, epochs: int = 30, holdout_rows: int = HOLDOUT_ROWS,
                   holdout_seed: int = HOLDOUT_SEED) -> Trained:
    """Train the case-study model (seed 0) and store its ROC AUC on held-out applicants.

    The AUC (0.5 = coin toss, 1 = perfect ranking) is measured on ``holdout_rows`` applicants
    the model never saw and kept in ``model.metrics["auc"]``, rounded to 4 places, so the
    artifact's metadata carries it (Module 04).
    """
    from sklearn.metrics import roc_auc_score

    from deploydl.data import make_applicants
    from deploydl.models import train_applicant_model

    table = make_applicants(TRAINING_ROWS, seed=TRAINING_SEED)
    model = train_applicant_model(table, seed=0, epochs=epochs)
    holdout = make_applicants(holdout_rows, seed=holdout_seed)
    auc = roc_auc_score(holdout["default"], model.predict_proba(holdout))
    model.metrics = {"auc": round(float(auc), 4)}
    return Trained(model, table, holdout)


def register_in_production(model, table: pd.DataFrame,
                           root: str | Path) -> tuple[ModelRegistry, Artifact]:
    """Register ``model`` (with ``table`` as its training data) under ``root`` and promote it
    to production; the registry and the verified artifact."""
    registry = ModelRegistry(root)
    artifact = registry.register(model, training_data=table)
    registry.promote(model.name, model.version, stage="production")
    return registry, artifact


def describe_artifact(artifact: Artifact) -> str:
    """A few lines for a lesson: the model, its AUC, and each file with its size."""
    meta = artifact.metadata
    lines = [f"Packaged {meta['name']} {artifact.version} (AUC {meta['metrics']['auc']:.2f}) as:"]
    lines += [f"  {p.name:22s} {p.stat().st_size:>7,} bytes"
              for p in sorted(artifact.path.iterdir())]
    return "\n".join(lines)
