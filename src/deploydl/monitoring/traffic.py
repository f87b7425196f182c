"""Simulated days of applications, and sending them to the service as the loan system would
(Module 06).

Each simulated day brings ``per_day`` new applicants from the same generator as the training
data, by default the bank's day of applications (:data:`deploydl.data.APPLICATIONS_PER_DAY`,
a day's share of the 40,000 a year the value case assumes); from ``start_day`` on, a named
drift scenario (:data:`deploydl.data.DRIFT_SCENARIOS`) changes them. Labels are the
applicants' true outcomes: drift changes what the model *sees*, not who repays, which is
exactly why a drifted model makes costly mistakes.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from deploydl.data import APPLICATIONS_PER_DAY, FEATURES, apply_drift, make_applicants


def simulate_traffic(*, days: int = 30, per_day: int = APPLICATIONS_PER_DAY,
                     scenario: str | None = None, start_day: int = 15, strength: float = 1.0,
                     seed: int = 0) -> pd.DataFrame:
    """``days`` days of applicants (a ``day`` column, 0-based), drifted from ``start_day`` on.

    The same ``seed`` gives the same applicants whatever the scenario, so a drifted run can
    be compared person by person with the undrifted one (``scenario=None``).
    """
    clean = applicants_by_day(days=days, per_day=per_day, start_day=start_day, seed=seed)
    return drift_from(clean, scenario, start_day=start_day, strength=strength, seed=seed)


def simulate_clean_and_drifted(*, days: int = 30, per_day: int = APPLICATIONS_PER_DAY,
                               scenario: str, start_day: int = 15, strength: float = 1.0,
                               seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The same applicants twice: as they are, and as ``scenario`` changes them from
    ``start_day`` on. Equal to two :func:`simulate_traffic` calls, at the cost of one."""
    clean = applicants_by_day(days=days, per_day=per_day, start_day=start_day, seed=seed)
    return clean, drift_from(clean.copy(), scenario, start_day=start_day, strength=strength,
                              seed=seed)


def applicants_by_day(*, days: int, per_day: int, start_day: int, seed: int) -> pd.DataFrame:
    """``days`` days of ``per_day`` undrifted applicants (``seed``), with a 0-based ``day``
    column; ``start_day``, the day a drift will start, must fall inside them."""
    if not 0 <= start_day < days:
        raise ValueError(f"start_day must be between 0 and days - 1 = {days - 1}; "
                         f"got start_day={start_day}.")
    table = _applicants(days * per_day, seed).copy()  # a copy: drift_from changes it in place
    table["day"] = np.repeat(np.arange(days), per_day)
    return table


@lru_cache(maxsize=8)
def _applicants(n: int, seed: int) -> pd.DataFrame:
    """``make_applicants(n, seed=seed)``, generated once per size and seed. Lesson 06 draws the
    same applicants again and again (each scenario's month, each day's price on the same
    20,000), and generating 20,000 takes a quarter of a second each time. Never change the
    table returned: copy it."""
    return make_applicants(n, seed=seed)


def drift_from(table: pd.DataFrame, scenario: str | None, *, start_day: int, strength: float,
                seed: int) -> pd.DataFrame:
    """``table`` (:func:`applicants_by_day`) with ``scenario`` applied, in place, to the days
    from ``start_day`` on; unchanged when ``scenario`` is None or ``strength`` 0."""
    if scenario is None or strength == 0:
        return table
    later = table["day"] >= start_day
    table.loc[later] = apply_drift(table.loc[later], scenario, strength=strength, seed=seed)
    return table


def send_traffic(client, traffic: pd.DataFrame, *, log, clock, start: float,
                 batch: int = 100) -> int:
    """Send ``traffic`` to the service day by day, as the loan system would; return how many
    predictions ``log`` gained.

    Before each day's applicants, ``clock`` (the :class:`~deploydl.monitoring.SimulatedClock`
    that stamps ``log``) is set to ``start`` plus that many days; the applicants go in
    requests of at most ``batch``, through ``client`` (a
    :class:`~deploydl.serving.ServiceClient` of the service that writes ``log``).

    Refuses, before sending anything, a log that already holds any of these applicants' IDs:
    most often the cell ran again, and sending the traffic twice would count each applicant
    twice, so the monitor would see double traffic and raise other alarms. Traffic from
    another simulation (another seed or month) reuses the IDs (from ``NB-000001``), so it
    needs its own log. To start over, open a new log (run the cell that opens it again).
    """
    repeated = already_logged(log, traffic["applicant_id"])
    if repeated:
        raise RuntimeError(
            f"The prediction log already holds {repeated:,} applicants with the IDs of these "
            f"{len(traffic):,}. That happens when this cell runs again: sending the same "
            "traffic twice would count every applicant twice and change what the monitor sees. "
            "To start over, run the cell that opens the log and starts the service again (it "
            "makes a new, empty log), then this one. Traffic from another simulation (another "
            f"seed or month) reuses the IDs ({traffic['applicant_id'].iloc[0]}, ...) and needs "
            "a log of its own.")
    before = log.count()
    for day in sorted(traffic["day"].unique()):
        applications = traffic[traffic["day"] == day]
        clock.now = start + int(day) * 86_400
        for first in range(0, len(applications), batch):
            rows = applications[[*FEATURES, "applicant_id"]].iloc[first:first + batch]
            client.predict(rows.to_dict("records"))
    return log.count() - before


def already_logged(log, applicant_ids) -> int:
    """How many predictions in ``log`` are of the applicants ``applicant_ids`` (0: none)."""
    return int(log.frame()["applicant_id"].isin(set(map(str, applicant_ids))).sum())
