"""The capstone (Module 08): Northbridge Bank opens a new region, through the whole life cycle.

:class:`Capstone` holds one run's state and has one method per stage; each returns a
:class:`StageResult` with a one-line summary. ``deploydl demo`` runs every stage in the
terminal with progress bars; the capstone notebook calls them one by one.

1. governed data: quality rules, lineage, pseudonymised IDs (Module 01);
2. a trained model, calibrated on applicants set aside for it, evaluated on others (Module 02);
3. the decision threshold, chosen without the test set: the break-even of the costs, moved only
   if the four-fifths screen fails on the set-aside applicants (Modules 02 and 03);
4. packaged in the registry, and promoted to production only if the fairness gate passed
   clearly or a fairness review recorded who approved it and why (Module 04);
5. deployed on a real local HTTP server with a prediction log (Modules 04 and 06);
6. days of traffic over HTTP; the new region opens and the drift alarm fires (Module 06);
7. a retrained version, A/B-tested against the current one over HTTP (Module 06);
8. the executive brief, built from those artifacts (Module 07).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from deploydl.data import APPLICATIONS_PER_DAY, FEATURES, LABEL, NEW_REGION

if TYPE_CHECKING:
    from deploydl.evaluation.decision import ThresholdChoice
    from deploydl.monitoring import PredictionLog
    from deploydl.serving import LocalServer

NAME = "loan-default"
_DAY0 = 1_767_225_600.0  # 2026-01-01 00:00 UTC: the simulated launch day


@dataclass(frozen=True)
class Scenario:
    """The capstone's sizes and seeds; the defaults run in about 15 s on a 2-core laptop.

    ``per_day`` applicants a day reach the service: by default the bank's own traffic
    (:data:`deploydl.data.APPLICATIONS_PER_DAY`, the figure Modules 06 and 07 use).
    """

    seed: int = 0
    n_train: int = 3000
    n_calibration: int = 2000
    n_test: int = 2000
    epochs: int = 10
    days: int = 14
    per_day: int = APPLICATIONS_PER_DAY
    opens_day: int = 7
    ab_requests: int = 400


@dataclass(frozen=True)
class StageResult:
    """One stage's outcome: its name, a one-line summary and the numbers behind it."""

    stage: str
    summary: str
    data: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        """The stage and its summary, wrapped for printing."""
        return self.printed()

    def printed(self, prefix: str = "") -> str:
        """The stage and its summary after ``prefix``, wrapped so that continuation lines sit
        under the text, not under the prefix (:func:`deploydl.present.charts.printout`)."""
        from deploydl.present.charts import printout

        return printout(f"{self.stage}: {self.summary}", prefix)


class Capstone:
    """One run of the capstone, writing its artifacts under ``folder``.

    Stop the server with :meth:`close` (or use ``with``); a notebook does so in its last cell.
    One run serves at a time in a process: :meth:`deploy` first stops the server an earlier
    run left running (a notebook cell run twice makes a new run; the old one's server would
    otherwise keep its thread and port until the kernel stops).
    """

    #: (method name, stage title) in order; ``deploydl demo`` runs them all.
    STAGES = (("data", "governed data"), ("train", "train and evaluate"),
              ("gate", "fairness gate"), ("package", "package"), ("deploy", "deploy"),
              ("traffic", "traffic and drift"), ("ab_test", "retrain and A/B test"),
              ("brief", "executive brief"))
    #: The runs whose server is running now (at most one). Held strongly: a lab cell run again
    #: rebinds its name to a new run, and the old run's server must still be found and stopped.
    _serving: ClassVar[set[Capstone]] = set()

    def __init__(self, folder: str | Path, *, scenario: Scenario = Scenario()) -> None:
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

    # 3 -------------------------------------------------------------------------------------
    def gate(self) -> StageResult:
        """Choose the decision threshold on the set-aside applicants; the test only reports.

        The rule is :func:`deploydl.evaluation.decision.decision_threshold`; the threshold
        goes into the model (and its artifact), so the service decides at it.
        """
        from deploydl.evaluation.decision import report_on_test, threshold_for
        from deploydl.evaluation.metrics import scorecard
        from deploydl.present.charts import usd

        self.threshold, choice = threshold_for(self.model, self.calibration)
        self.model.threshold = self.threshold
        y = self.test[LABEL]
        report = report_on_test(y, self.scores, threshold=self.threshold)
        self.model.metrics = scorecard(y, self.scores, threshold=self.threshold)
        self.verdict, on_test = self._release_verdict(choice.passed, self.scores, self.threshold)
        verdict = "passed" if self.verdict["passed"] else "FAILED"
        return StageResult("fairness gate", f"{verdict}: {choice}; on {len(self.test):,} "
                           f"test applicants errors cost {usd(report['cost'])}, "
                           f"{usd(report['hindsight_gap'])} above the hindsight optimum "
                           f"({report['hindsight_threshold']:.2f}); {on_test.reason}",
                           {**choice.as_dict(), **report, "passed_on_test": on_test.passed,
                            "ratio_on_test": on_test.value,
                            "too_close_to_call": on_test.too_close_to_call})

    def _release_verdict(self, screen_passed: bool | None, scores, threshold: float):
        """What a release is judged on, and the four-fifths gate's own result.

        ``screen_passed`` is the threshold rule's fairness screen on the set-aside applicants
        (None, without groups to screen, does not pass); ``scores`` are the model's chances of
        default for the test applicants, approved below ``threshold``. The verdict passes only
        if both the screen and the gate on the test applicants pass, and says whether the gate
        is too close to call (its 95% range straddles the limit).
        """
        from deploydl.data import PROTECTED_ATTRIBUTE
        from deploydl.deploy.gates import fairness_gate

        on_test = fairness_gate((scores < threshold).astype(int), self.test[PROTECTED_ATTRIBUTE])
        verdict = {"passed": bool(screen_passed and on_test.passed),
                   "too_close_to_call": on_test.too_close_to_call,
                   "ratio": on_test.value, "low": on_test.low, "high": on_test.high,
                   "limit": on_test.limit}
        return verdict, on_test

    # 4 -------------------------------------------------------------------------------------
    def package(self) -> StageResult:
        """Register the model (safetensors + manifest) in staging; promote it to production
        only if the fairness gate passed and was not too close to call.

        A FAILED gate leaves the version in staging: it is never released. A gate too close to
        call leaves it in staging until :meth:`fairness_review` records who approved the
        release and why (Module 04). ``data["stage"]`` says where the version is.
        """
        verdict = self._verdict()
        self._once("package", self.model.version)
        art = self.registry.register(self.model, training_data=self.train_table)
        self.registry.promote(NAME, art.version, stage="staging")
        self.verdicts[art.version] = verdict
        done = f"{NAME} {art.version} registered with the sha256 of its weights in the manifest"
        data = {"sha256": art.sha256, "stage": "staging"}
        if not verdict["passed"]:
            return StageResult("package", f"{done}; in staging, NOT in production: the "
                               "fairness gate FAILED, so it is not released", data)
        if verdict["too_close_to_call"]:
            return StageResult("package", f"{done}; in staging, NOT in production yet: the "
                               "fairness gate is too close to call, so the release waits for "
                               "a fairness review: a named person approves it, and the "
                               "registry records who and why", data)
        self.registry.promote(NAME, art.version, stage="production")
        return StageResult("package", f"{done}, in production", {**data, "stage": "production"})

    @property
    def awaits_review(self) -> bool:
        """Whether the version in staging waits for :meth:`fairness_review`: its fairness gate
        passed but was too close to call, so it is not in production yet (the first version
        after :meth:`package`, or an A/B test's winner). False before package() and once the
        version is released; a FAILED gate never waits for a review: it is not released."""
        version = self.registry.stage(NAME, "staging")
        if version not in self.verdicts:  # nothing packaged by this run yet
            return False
        verdict = self.verdicts[version]
        return bool(verdict["passed"] and verdict["too_close_to_call"]
                    and self.registry.stage(NAME, "production") != version)

    def fairness_review(self, *, approver: str, reason: str) -> StageResult:
        """Record the fairness review of the version in staging, whose gate was too close to
        call (the first version, or an A/B test's winner), and release it.

        ``approver`` (who decided) and ``reason`` (why it may go ahead, what is watched) are
        written with the release in the registry's ``releases.jsonl``. A FAILED gate cannot be
        reviewed into production here: fix the model and pass the gate first. When this run's
        server is running (an A/B test's winner), it is restarted to serve the released
        version; when it was stopped, the sentence says to run :meth:`deploy`.
        """
        version = self.registry.stage(NAME, "staging")
        if version is None or self.registry.stage(NAME, "production") == version:
            raise RuntimeError("No version waits in staging for a fairness review: run "
                               "package() first (a version that passed clearly is already "
                               "in production).")
        verdict = self.verdicts[version]
        if not verdict["passed"]:
            raise RuntimeError(f"{NAME} {version} FAILED the fairness gate: a review cannot "
                               "release it. Fix fairness and pass the gate with a new version.")
        if not verdict["too_close_to_call"]:
            raise RuntimeError(f"{NAME} {version}'s gate was not too close to call; "
                               "package() releases it without a review.")
        self.registry.promote(NAME, version, stage="production", override=reason,
                              approver=approver)
        if self.ab is not None and self.ab["version_b"] == version:
            self.ab.pop("held", None)  # the A/B test's winner is released at last
        text = (f"{NAME} {version} released to production on the fairness review of "
                f"{approver.strip()}: {reason.strip()}")
        if self.server is not None:  # this run serves: production's version takes over
            self.deploy()
            text = f"{text.rstrip('.')}. This run's local service now serves {version}."
        elif self.log is not None:  # served before, stopped since
            text = f"{text.rstrip('.')}. Run deploy() to serve it."
        return StageResult("fairness review", text,
                           {"approver": approver.strip(), "reason": reason.strip()})

    def _once(self, stage: str, version: str) -> None:
        """Refuse to run ``stage`` again once it registered ``version`` in this run's folder:
        a second registration would record the release twice or mix two runs' traffic."""
        if version in self.registry.versions(NAME):
            raise RuntimeError(
                f"{stage}() was already done in this run: {NAME} {version} is registered in "
                f"{self.registry.root} (by this run, or an earlier run in the same folder). "
                "Each stage runs once per run; its result stands. To run it again, start a new "
                "run in a new folder (Capstone(scratch_folder(...))) and its stages from "
                "data().")

    def _verdict(self) -> dict[str, Any]:
        verdict = getattr(self, "verdict", None)
        if verdict is None:
            raise RuntimeError("The fairness gate has not run: run gate() before package().")
        return verdict

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
        for run in list(Capstone._serving):  # this run's own, or one an earlier run left on
            run.close_server()
        # each version decides at the threshold recorded with it, in an A/B split too
        app = create_app(model or served, artifact=artifact, prediction_log=self.log)
        self.server = LocalServer(app).start()
        Capstone._serving.add(self)
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

    def _release_winner(self, candidate, screen_passed: bool | None,
                        scores: np.ndarray) -> str:
        """Release the A/B test's winner only through the fairness gate, as package() does.

        A win on profit says nothing about who is approved: the retrained version goes to
        production only on a clear pass of the same gate as the first version. Otherwise it
        waits in staging, and the returned sentence says why ("" when it is released).
        ``screen_passed`` is the fairness screen at its threshold on the set-aside applicants
        it was chosen on, and ``scores`` its chances of default for the test applicants, both
        from :meth:`_retrain`.
        """
        verdict, on_test = self._release_verdict(screen_passed, scores, candidate.threshold)
        self.verdicts[candidate.version] = verdict
        self.registry.promote(NAME, candidate.version, stage="staging")
        if verdict["passed"] and not verdict["too_close_to_call"]:
            self.registry.promote(NAME, candidate.version, stage="production")
            return ""
        if self.ab is not None:  # for the brief: the winner waits, or is not released
            self.ab["held"] = "fairness review" if verdict["passed"] else "fairness gate failed"
        why = ("is too close to call and waits for a fairness review, which releases and "
               "serves it" if verdict["passed"] else "FAILED")
        return (f" {candidate.version} won but stays in staging: its fairness gate {why} "
                f"({on_test.reason}).")

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

    # 8 -------------------------------------------------------------------------------------
    def brief(self, *, pdf: bool = False) -> StageResult:
        """Gather the numbers from the artifacts and write the brief, card and plan."""
        from deploydl.communication.brief import Context, collect_brief_inputs
        from deploydl.communication.brief_page import write_brief

        context = Context(audience="Loan officers and applicants in every region, the new "
                                   "Central region too.")
        version = (self.registry.stage(NAME, "production")  # else the candidate held back
                   or self.registry.stage(NAME, "staging"))
        self.inputs = collect_brief_inputs(self.registry, NAME, self.test, version=version,
                                           validation=self.calibration,
                                           monitoring=self.monitoring, ab=self.ab,
                                           current=self.current_process, context=context)
        self.paths = write_brief(self.inputs, self.folder / "brief", pdf=pdf)
        return StageResult("executive brief", f"written to {self.paths['brief']}",
                           {k: str(v) for k, v in self.paths.items()})

    # --------------------------------------------------------------------------------------
    def close_server(self) -> None:
        """Stop the HTTP server, if one runs."""
        if self.server is not None:
            self.client.close()
            self.server.close()
            self.server = None
        Capstone._serving.discard(self)

    def close(self) -> None:
        """Stop the server and close the prediction log (the files stay)."""
        self.close_server()
        if self.log is not None:
            self.log.close()

    def __enter__(self) -> Capstone:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _logged_id(prefix: str, index: int) -> str:
    """The applicant ID the capstone sends with a row, as the prediction log keeps it."""
    return f"{prefix}-{index}"


def model_only_inputs(folder: str | Path, *, scenario: Scenario = Scenario()):
    """Brief inputs for the model alone: stages 1 to 4, no traffic yet (Module 07's lesson).

    The version briefed is the candidate package() registered, in production or not (a gate
    that failed or is too close to call keeps it in staging: the brief is what decides).
    Returns :class:`deploydl.communication.brief.BriefInputs` without a drift event or an A/B test.
    """
    from deploydl.communication.brief import collect_brief_inputs

    with Capstone(folder, scenario=scenario) as run:
        for method in ("data", "train", "gate", "package"):
            getattr(run, method)()
        return collect_brief_inputs(run.registry, NAME, run.test,
                                    version=run.registry.stage(NAME, "staging"),
                                    validation=run.calibration, current=run.current_process)


#: The small run Module 07's lesson and lab brief (about 5 s on a 2-core laptop).
LESSON_SCENARIO = Scenario(n_train=2000, n_test=2000, epochs=6)


def lesson_inputs():
    """Module 07's brief inputs: each call a copy of its own of the run
    (:func:`_lesson_run`, computed once per process), so a lesson, a lab or a check that
    changes a number in its copy changes no other: the dataclass is frozen, but its dicts and
    tables are not. The copy takes about a tenth of a millisecond."""
    return copy.deepcopy(_lesson_run())


@lru_cache(maxsize=1)
def _lesson_run():
    """Module 07's brief inputs, computed once per process in a scratch folder; never handed
    out, only copied (:func:`lesson_inputs`)."""
    from deploydl.course.scratch import scratch_folder

    return model_only_inputs(scratch_folder("deploydl-m07-"), scenario=LESSON_SCENARIO)


def run_demo(folder: str | Path, *, scenario: Scenario = Scenario(), pdf: bool = False,
             echo: Callable[[str], None] = print) -> dict[str, Path]:
    """Run every stage with a progress bar and a one-line result; return the brief's paths.

    This is ``deploydl demo``. The server is stopped and the log closed even on failure.
    When the fairness gate is too close to call, the demo records a simulated fairness review
    (:func:`demo_review`, labelled as such) so that the later stages can run; when it FAILED,
    nothing is released: stages 5 to 7 are skipped and the brief is about the held-back version.
    """
    from tqdm import tqdm

    totals = {"traffic": scenario.days, "ab_test": scenario.ab_requests}
    released = True
    with Capstone(folder, scenario=scenario) as run:
        for number, (method, title) in enumerate(Capstone.STAGES, start=1):
            if not released and method in ("deploy", "traffic", "ab_test"):
                echo(f"- {number}/8 {title}: skipped, nothing is in production")
                continue
            with tqdm(total=totals.get(method, 1), desc=f"{number}/8 {title}", leave=False,
                      ncols=80) as bar:
                step = getattr(run, method)
                if method in totals:
                    result = step(tick=bar.update)
                else:
                    result = step(pdf=pdf) if method == "brief" else step()
                    bar.update()
            echo(result.printed(f"✓ {number}/8 "))
            if method == "package" and result.data["stage"] != "production":
                if run.awaits_review:  # too close to call: a review decides
                    echo(run.fairness_review(**demo_review(run.verdict)).printed("  ↳ "))
                else:
                    released = False
    return run.paths


def demo_review(verdict: dict[str, Any]) -> dict[str, str]:
    """The fairness review ``deploydl demo`` records for a gate too close to call: a simulated
    decision, labelled as one, that releases the version with fairness checked monthly."""
    return {"approver": "fairness review board (simulated by deploydl demo)",
            "reason": f"approval ratio {verdict['ratio']:.2f}, 95% range about {verdict['low']:.2f}"
                      f"-{verdict['high']:.2f}, straddles {verdict['limit']:.2f}; released with "
                      "each age band's approval rate checked every month (a simulated decision)"}


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
