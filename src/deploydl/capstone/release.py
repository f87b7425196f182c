"""The capstone's release stages (Module 08): the fairness gate (stage 3), packaging (stage 4),
the fairness review, and releasing an A/B test's winner.

:class:`ReleaseStages` chooses the decision threshold without the test set (Modules 02 and 03),
registers the model and promotes it to production only if the fairness gate passed clearly or
a fairness review recorded who approved it and why (Module 04). It builds on
:class:`~deploydl.capstone.service.ServiceStages`: a review restarts a running service.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from deploydl.capstone.scenario import NAME, StageResult
from deploydl.capstone.service import ServiceStages
from deploydl.data import LABEL


class ReleaseStages(ServiceStages):
    """A run's stages 3 (fairness gate) and 4 (package), and the releases that follow them."""

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
