"""The capstone's first two stages (Module 08), and the state a run keeps between stages.

:class:`TrainingStages` sets up a run (its folder, registry and what the later stages fill
in) and holds stage 1, governed data (Module 01), and stage 2, a model trained, calibrated on
applicants set aside for it and evaluated on others (Module 02). The later stages build on it:
:mod:`~deploydl.capstone.service`, :mod:`~deploydl.capstone.release`,
:mod:`~deploydl.capstone.ab_test` and :mod:`~deploydl.capstone.run`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from deploydl.capstone.scenario import DEFAULT_SCENARIO, Scenario, StageResult
from deploydl.data import LABEL

if TYPE_CHECKING:
    from deploydl.monitoring import PredictionLog
    from deploydl.serving import LocalServer


class TrainingStages:
    """A run's state, and its stages 1 (governed data) and 2 (train and evaluate).

    :class:`~deploydl.capstone.run.Capstone` is the run to use; this is its first layer.
    """

    def __init__(self, folder: str | Path, *, scenario: Scenario = DEFAULT_SCENARIO) -> None:
        from deploydl.registry import ModelRegistry

        self.folder, self.scenario = Path(folder), scenario
        self.registry = ModelRegistry(self.folder / "registry")
        self.server: LocalServer | None = None
        self.log: PredictionLog | None = None
        self.ab: dict[str, Any] | None = None
        self.monitoring: dict[str, Any] = {}
        #: each registered version's release verdict, for the fairness review of the one in staging
        self.verdicts: dict[str, dict[str, Any]] = {}

    # 1 -------------------------------------------------------------------------------------
    def data(self) -> StageResult:
        """Applicants, checked against the quality rules and recorded in the lineage."""
        from deploydl.data import make_applicants
        from deploydl.governance.northbridge import build_platform
        from deploydl.governance.quality import APPLICANT_RULES, check_quality

        s = self.scenario
        raw = make_applicants(s.n_train, seed=s.seed)
        quality = check_quality(raw, APPLICANT_RULES)
        platform = build_platform(raw)
        self.train_table = platform.datasets["model_features"]
        self.test = make_applicants(s.n_test, seed=s.seed + 1)
        # set aside to calibrate the models and choose the threshold: never the test set
        self.calibration = make_applicants(s.n_calibration, seed=s.seed + 4)
        lineage = platform.lineage.nodes["model_features"].version[:12]
        return StageResult("governed data", f"{len(raw):,} applicants, "
                           f"{len(quality.violations)} quality violations, IDs pseudonymised, "
                           "the training table's sources recorded in the lineage",
                           {"rows": len(raw), "lineage": lineage,
                            "violations": len(quality.violations)})

    # 2 -------------------------------------------------------------------------------------
    def train(self) -> StageResult:
        """Train the network, calibrate it on the set-aside applicants, score it on the test."""
        from deploydl.evaluation.calibration import calibrate, calibration_error
        from deploydl.evaluation.metrics import roc_auc
        from deploydl.models import train_applicant_model, train_baseline_model

        trained = train_applicant_model(self.train_table, seed=self.scenario.seed,
                                        epochs=self.scenario.epochs, weight_decay=0.01)
        self.model = calibrate(trained, self.calibration)
        # today's scorecard, calibrated the same way so both decide by the same rule
        self.current_process = calibrate(train_baseline_model(self.train_table),
                                         self.calibration)
        y = self.test[LABEL]
        self.scores = self.model.predict_proba(self.test)
        before = calibration_error(y, trained.predict_proba(self.test))
        after = calibration_error(y, self.scores)
        auc = roc_auc(y, self.scores)
        # the calibration error in percentage points: how far a score sits from the share
        # of applicants with that score who defaulted, on average
        return StageResult("train and evaluate", f"ROC AUC {auc:.2f} on {len(self.test):,} "
                           "held-out applicants; on average a chance of default is "
                           f"{before * 100:.1f} percentage points off the share that did "
                           f"default as trained, {after * 100:.1f} after calibrating on "
                           f"{len(self.calibration):,} set-aside applicants",
                           {"roc_auc": auc, "calibration_error_before": before,
                            "calibration_error_after": after})
