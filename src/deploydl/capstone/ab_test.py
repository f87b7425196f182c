"""The capstone's A/B test (Module 08, stage 7): retrain once the new region's outcomes are in
and test the retrained version against the current one over HTTP, on profit per applicant."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from deploydl.capstone.release import ReleaseStages
from deploydl.capstone.scenario import NAME, StageResult
from deploydl.data import FEATURES, LABEL

if TYPE_CHECKING:
    from deploydl.evaluation.decision import ThresholdChoice


class ABTestStage(ReleaseStages):
    """A run's stage 7: retrain and A/B-test the new version against the current one."""

    # 7 -------------------------------------------------------------------------------------
    def ab_test(self, *, tick: Callable[[], None] | None = None) -> StageResult:
        """Retrain once the new region's outcomes are in; A/B-test on profit per applicant.

        Outcomes take months (:data:`~deploydl.monitoring.profit_test.OUTCOME_DAYS`), so the
        simulated clock waits for them twice: before retraining on the new region's labels,
        and before reading the test. Only approved loans get an outcome: referred applicants
        are censored, which is why the metric is profit per applicant, not wrong decisions.
        """
        from deploydl.monitoring import TrafficSplit
        from deploydl.monitoring.profit_test import OUTCOME_DAYS, profit_sample_size, profit_test
        from deploydl.monitoring.traffic import simulate_traffic
        from deploydl.registry import load_model

        s, retrained = self.scenario, "1.1.0"
        self._once("ab_test", retrained)
        current = self.registry.load(NAME)
        self.clock.advance(days=OUTCOME_DAYS)  # the new region's outcomes have arrived
        table = pd.concat([self.train_table, self.new_region[[*FEATURES, LABEL]]],
                          ignore_index=True)
        candidate, choice, scores = self._retrain(table, version=retrained)
        art = self.registry.register(candidate, training_data=table)
        split = TrafficSplit(current, load_model(art.path), share=0.5, salt="capstone")
        self.deploy(model=split)
        fresh = simulate_traffic(days=1, per_day=s.ab_requests, scenario="new_region",
                                 start_day=0, strength=2.5, seed=s.seed + 3)  # all new region
        for i in range(len(fresh)):
            self._send(fresh.iloc[[i]], prefix="AB", one_by_one=True)
            if tick:
                tick()
        self.clock.advance(days=OUTCOME_DAYS)  # approved loans have repaid or defaulted
        groups = ab_outcomes(self.log, fresh[LABEL], prefix="AB")
        (pa, aa), (pb, ab) = groups[current.version], groups[candidate.version]
        planned = profit_sample_size(float(pa.std(ddof=1)), 100.0)
        result = profit_test(pa, pb, aa, ab, planned_n=planned)
        self.ab = {**asdict(result), "version_a": current.version,
                   "version_b": candidate.version, "n_a": len(pa), "n_b": len(pb),
                   "planned_n": planned, "outcome_days": OUTCOME_DAYS}
        held = ""
        if result.significant and result.difference > 0 and result.guardrail_ok:
            held = self._release_winner(candidate, choice.passed, scores)
        self.deploy()
        return StageResult("retrain and A/B test", f"{current.version} vs "
                           f"{candidate.version} on {len(pa) + len(pb)} new-region applicants, "
                           f"read after {OUTCOME_DAYS} days: {result.summary()}{held} In "
                           f"production: {self.registry.stage(NAME, 'production')}", self.ab)

    def _retrain(self, table: pd.DataFrame, *,
                 version: str) -> tuple[Any, ThresholdChoice, np.ndarray]:
        """A new version, calibrated and given a threshold by the same rule as the first.

        Returns the model, the :class:`ThresholdChoice` that chose its threshold (with the
        fairness screen on the set-aside applicants), and its chances of default for the test
        applicants, scored once for its scorecard and, if it wins the A/B test, its fairness
        gate.
        """
        from deploydl.evaluation.decision import calibrate_and_decide
        from deploydl.evaluation.metrics import scorecard
        from deploydl.models import train_applicant_model

        model, choice = calibrate_and_decide(
            train_applicant_model(table, seed=self.scenario.seed, epochs=self.scenario.epochs,
                                  weight_decay=0.01), self.calibration)
        model.version = version
        scores = model.predict_proba(self.test)
        model.metrics = scorecard(self.test[LABEL], scores, threshold=model.threshold)
        return model, choice, scores


def ab_outcomes(log, defaulted: pd.Series, *, prefix: str
                ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per model version: (profit per applicant, approved 1/0) in one A/B test.

    ``defaulted`` holds every test applicant's outcome by index (the simulation knows it); only
    the approved ones are joined to the log, as in a bank: a referred applicant's outcome is
    never observed (censored). Profit is :func:`deploydl.monitoring.profit_test.applicant_profit`.
    """
    from deploydl.monitoring.profit_test import applicant_profit

    frame = log.frame()
    rows = frame[frame["applicant_id"].str.startswith(f"{prefix}-")]
    approved = rows[rows["decision"] == "approve"]["applicant_id"]
    log.add_labels({a: int(defaulted[int(a.split("-")[1])]) for a in approved})
    rows = log.frame().set_index("applicant_id").loc[rows["applicant_id"]]
    profit = applicant_profit(rows["decision"], rows["label"])
    return {v: (profit[(rows["model_version"] == v).to_numpy()],
                (rows.loc[rows["model_version"] == v, "decision"] == "approve").to_numpy(int))
            for v in rows["model_version"].unique()}
