"""The capstone's service stages (Module 08): deploy (stage 5) and traffic and drift (stage 6).

:class:`ServiceStages` serves the production model on a real local HTTP server with a
prediction log (Modules 04 and 06), sends days of applicants to it, and watches the new
region open and the drift alarm fire (Module 06). One run serves at a time in a process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd

from deploydl.capstone.scenario import NAME, StageResult
from deploydl.capstone.training import TrainingStages
from deploydl.data import FEATURES, NEW_REGION

if TYPE_CHECKING:
    from deploydl.monitoring import PredictionLog

_DAY0 = 1_767_225_600.0  # 2026-01-01 00:00 UTC: the simulated launch day


class ServiceStages(TrainingStages):
    """A run's stages 5 (deploy) and 6 (traffic and drift), and stopping its server."""

    #: The runs whose server is running now (at most one). Held strongly: a lab cell run again
    #: rebinds its name to a new run, and the old run's server must still be found and stopped.
    _serving: ClassVar[set[ServiceStages]] = set()

    # 5 -------------------------------------------------------------------------------------
    def deploy(self, *, model=None) -> StageResult:
        """Serve the production model (or ``model``) on a free loopback port, and call it."""
        from deploydl.monitoring import PredictionLog, SimulatedClock
        from deploydl.registry import load_artifact
        from deploydl.serving import LocalServer, ServiceClient, create_app

        if self.log is None:
            self.clock = SimulatedClock(_DAY0)
            self.log = PredictionLog(self.folder / "predictions.sqlite", clock=self.clock)
            self.log.set_reference(self.train_table[list(FEATURES)])
        version = self.registry.stage(NAME, "production")
        if version is None:
            waiting = self.registry.stage(NAME, "staging")
            raise RuntimeError("No model is in production yet: run package() before deploy()."
                               if waiting is None else
                               f"No model is in production: {NAME} {waiting} waits in staging "
                               "(its fairness gate failed or was too close to call; a gate too "
                               "close to call needs fairness_review(approver=..., reason=...)).")
        served, artifact = load_artifact(self.registry.path(NAME, version))
        for run in list(ServiceStages._serving):  # this run's own, or one an earlier run left on
            run.close_server()
        # each version decides at the threshold recorded with it, in an A/B split too
        app = create_app(model or served, artifact=artifact, prediction_log=self.log)
        self.server = LocalServer(app).start()
        ServiceStages._serving.add(self)
        self.client = ServiceClient(self.server.url)
        health = self.client.health()
        return StageResult("deploy", f"{served.name} {served.version} serving on a local "
                           f"port; /health says {health['status']}", {"health": health})

    # 6 -------------------------------------------------------------------------------------
    def traffic(self, *, tick: Callable[[], None] | None = None) -> StageResult:
        """Send each day's applicants over HTTP; the new region opens on ``opens_day``."""
        from deploydl.monitoring import snapshot
        from deploydl.monitoring.alarm_days import first_alarm_report
        from deploydl.monitoring.traffic import already_logged, simulate_traffic

        s, log = self.scenario, self._deployed_log()
        traffic = simulate_traffic(days=s.days, per_day=s.per_day, scenario="new_region",
                                   start_day=s.opens_day, seed=s.seed + 2)
        repeated = already_logged(log, [_logged_id(f"D{day}", i)
                                        for day, i in zip(traffic["day"], traffic.index,
                                                          strict=True)])
        if repeated:
            raise RuntimeError(
                f"traffic() was already done in this run: the prediction log holds {repeated:,} "
                f"of its {len(traffic):,} applicants, and sending them again would count each "
                "twice. Its result stands (run.monitoring). To run it again, start a new run "
                "in a new folder (Capstone(scratch_folder(...))) and its stages from data().")
        for n, (day, rows) in enumerate(traffic.groupby("day")):
            if n:
                self.clock.advance(days=1)
            self._send(rows, prefix=f"D{day}")
            if tick:
                tick()
        alerts = [a.name for a in snapshot(log, window_days=1).alerts]  # on the last day
        self.clock.advance(days=1)
        self.new_region = traffic[traffic["day"] >= s.opens_day]
        reference = log.reference()
        if reference is None:  # deploy() sets it when it opens the log
            raise RuntimeError("The prediction log has no reference data; run deploy() first.")
        found = first_alarm_report(reference, traffic, start_day=s.opens_day)
        alarm, drifted = (None, "") if found is None else (found[0], ", ".join(found[1].drifted))
        self.monitoring = {"opened_day": s.opens_day, "alarm_day": alarm, "drifted": drifted,
                           "predictions": log.count(), "alerts": alerts,
                           **self._region_screen()}
        when = "never" if alarm is None else f"on day {alarm}"
        return StageResult("traffic and drift", f"{log.count():,} predictions over HTTP "
                           f"in {s.days} days; region opened day {s.opens_day}, drift alarm "
                           f"{when} ({drifted or 'no feature'}); alerts: "
                           f"{', '.join(alerts) or 'none'}", self.monitoring)

    def _deployed_log(self) -> PredictionLog:
        if self.log is None:
            raise RuntimeError("No prediction log yet: run deploy() before traffic().")
        return self.log

    def _region_screen(self) -> dict[str, Any]:
        """The four-fifths screen on the new region's own applicants, from the decisions the
        service logged since it opened: no outcomes needed, so it can be read at once.

        With the ratio comes its 95% range (``region_ratio_low``, ``region_ratio_high``, the
        same bootstrap as the fairness gate's): on few applicants a ratio over 0.8 can still
        be too close to call, and the brief then sends the region to a fairness review.
        """
        from deploydl.data import PROTECTED_ATTRIBUTE
        from deploydl.responsible.fairness import selection_ratio, selection_ratio_range

        rows = self.new_region[self.new_region["region"] == NEW_REGION]
        ids = [_logged_id(f"D{day}", i) for day, i in zip(rows["day"], rows.index, strict=True)]
        decisions = self._deployed_log().frame().set_index("applicant_id").loc[ids, "decision"]
        approved = (decisions == "approve").astype(int).to_numpy()
        groups = rows[PROTECTED_ATTRIBUTE]
        low, high = selection_ratio_range(approved, groups)
        return {"region_parity_ratio": selection_ratio(approved, groups),
                "region_ratio_low": low, "region_ratio_high": high,
                "region_n": len(rows), "region_smallest_n": int(groups.value_counts().min())}

    def _send(self, rows: pd.DataFrame, *, prefix: str, one_by_one: bool = False) -> None:
        payload = [{**{f: r[f] for f in FEATURES}, "applicant_id": _logged_id(prefix, i)}
                   for i, r in zip(rows.index, rows.to_dict("records"), strict=True)]
        for part in ([[p] for p in payload] if one_by_one else [payload]):
            self.client.predict(part)

    def close_server(self) -> None:
        """Stop the HTTP server, if one runs."""
        if self.server is not None:
            self.client.close()
            self.server.close()
            self.server = None
        ServiceStages._serving.discard(self)


def _logged_id(prefix: str, index: int) -> str:
    """The applicant ID the capstone sends with a row, as the prediction log keeps it."""
    return f"{prefix}-{index}"
