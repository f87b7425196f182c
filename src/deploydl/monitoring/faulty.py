"""Faulty releases for the canary lessons, and the traffic that exposes them (Module 06).

Two classic bugs, each wrapping a working model so it answers to a new version number:
:class:`RoundingBug` crashes on some applicants (the lab's canary), and
:class:`ForgotPreprocessing` feeds the model mis-scaled inputs, so its scores drift (the
lesson's canary). :func:`start_canary` and :func:`release_canary` put one in front of real
HTTP traffic next to the stable version, so the lesson shows a few lines, not the plumbing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from deploydl.course.scratch import scratch_folder
from deploydl.data import FEATURES
from deploydl.monitoring.abtest import TrafficSplit
from deploydl.monitoring.log import PredictionLog
from deploydl.monitoring.maintenance import CanaryRelease, CanaryVerdict
from deploydl.serving.client import ServiceError


def rounding_bug_crashes(row: dict[str, Any]) -> bool:
    """The canary's bug: it crashes when the income, in hundreds, is a multiple of 5."""
    return round(row["income"] / 100) % 5 == 0


class _Build:
    """A new build of ``model``: its name, its recorded threshold and the given version."""

    def __init__(self, model, *, version: str) -> None:
        self.model, self.name, self.version = model, model.name, version
        self.threshold = getattr(model, "threshold", None)


class RoundingBug(_Build):
    """``model`` with a bug in new feature code: it raises on the applicants it rounds badly."""

    def predict_proba(self, rows):
        if any(rounding_bug_crashes(row) for row in rows):
            raise RuntimeError("rounding bug in the new feature code")
        return self.model.predict_proba(rows)


class ForgotPreprocessing(_Build):
    """``model`` in a build that gets the preprocessing wrong: every input arrives at a
    1,000th of the scale it learned (``scale``), so it scores without crashing, but
    differently."""

    def __init__(self, model, *, scale: float = 1000.0) -> None:
        super().__init__(model, version=model.version)
        self.scale = scale

    def predict_proba(self, rows):
        return self.model.predict_proba([{k: v / self.scale for k, v in row.items()}
                                         for row in rows])


def send_applicants(client, applicants: pd.DataFrame) -> int:
    """Send each applicant as one request, as the loan system would; return how many failed.

    A failed request (an HTTP error status) is counted, not raised: the loan system would
    retry or queue it, and the prediction log records it for the canary check.
    """
    failed = 0
    for row in applicants[[*FEATURES, "applicant_id"]].to_dict("records"):
        try:
            client.predict(row)
        except ServiceError:
            failed += 1
    return failed


@dataclass
class Canary:
    """A service on this machine that routes a share of applicants to a candidate version."""

    server: Any
    split: TrafficSplit
    log: PredictionLog
    client: Any

    def send(self, applicants: pd.DataFrame) -> int:
        """Send ``applicants`` through the service; the number of failed requests."""
        return send_applicants(self.client, applicants)

    def requests(self) -> pd.DataFrame:
        """One row per request from the prediction log, with its version and status."""
        return self.log.frame().drop_duplicates("request_id")

    def close(self) -> None:
        self.client.close()
        self.server.close()
        self.log.close()


def start_canary(stable, candidate, *, share: float, salt: str,
                 log_path: str | Path | None = None) -> Canary:
    """Serve ``stable`` and send ``share`` of applicants to ``candidate``, logging both.

    The log goes to ``log_path`` (default: a scratch folder removed when Python exits). Close
    the result (or its ``server`` and ``log``) at the end; a server that does not start
    closes the log before its error is raised.
    """
    from deploydl.serving import LocalServer, ServiceClient, create_app

    path = Path(log_path) if log_path else scratch_folder("deploydl-canary-") / "canary.db"
    log = PredictionLog(path)
    split = TrafficSplit(stable, candidate, share=share, salt=salt)
    try:
        server = LocalServer(create_app(split, prediction_log=log)).start()
    except BaseException:
        log.close()
        raise
    return Canary(server, split, log, ServiceClient(server.url))


def release_canary(app, stable, candidate, *, client, log, applicants: pd.DataFrame,
                   share: float, salt: str, clock=None, min_requests: int = 20,
                   on_rollback=None, emergency: str | None = None) -> CanaryVerdict:
    """A day of a canary release on a running service, and the canary check's verdict.

    Routes ``share`` of applicants to ``candidate`` on ``app`` (a release: inside the
    service's maintenance window, or as an ``emergency`` with its reason, see
    :func:`deploydl.serving.app.release_model`), moves ``clock`` (a
    :class:`~deploydl.monitoring.SimulatedClock`, if given) on by a day, sends
    ``applicants`` through ``client``, then runs :class:`CanaryRelease`, which rolls the
    candidate back (calling ``on_rollback``) on errors, latency or the approval-rate guardrail;
    a change in the shape of its scores is only a warning for a person (``verdict.warnings``).
    """
    from deploydl.serving.app import release_model

    split = TrafficSplit(stable, candidate, share=share, salt=salt)
    release_model(app, split, emergency=emergency, when=clock() if clock else None)
    canary = CanaryRelease(split, log, since=clock() if clock else 0.0,
                           min_requests=min_requests, on_rollback=on_rollback)
    if clock is not None:
        clock.advance(days=1)
    send_applicants(client, applicants)
    return canary.check()
