"""Replicas for a peak and a p99 target (Module 05), and the autoscaler settings that keep it.

:func:`plan_replicas` finds the fewest replicas, each an M/M/c queue
(:mod:`deploydl.efficiency.queueing`), that serve a peak within a p99 target, and the CPU
target for the HorizontalPodAutoscaler; :func:`autoscaled_spec` puts those numbers into a
deployment. A target the model cannot plan raises :class:`BelowModelFloor`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.optimize import brentq

from deploydl.efficiency.queueing import ReplicaModel, open_p99_ms

#: Highest CPU target the autoscaler gets: it needs headroom while new pods start.
MAX_HPA_CPU_PERCENT = 80
#: Lowest CPU target the autoscaler gets: below it, what an idle pod spends anyway (its
#: runtime, probes, metrics scrapes) could call for more pods. A plan that needs less adds
#: pods only after the p99 target is missed: keep its replicas as the minimum instead.
MIN_HPA_CPU_PERCENT = 10


class BelowModelFloor(ValueError):
    """A p99 target the model cannot plan: at or below an idle replica's p99 under it.

    With exponential service times an idle replica's p99 is ln(100) / mu, and in the model no
    number of replicas brings the p99 below it. The floor is the model's, not the service's:
    real service times vary less, so the service may meet a lower target
    (:func:`floor_in_words` compares the target with what the service measured).

    Attributes
    ----------
    target_ms : float
        The p99 target asked for, in milliseconds.
    floor_ms : float
        The model's p99 of an idle replica, in milliseconds.
    """

    def __init__(self, target_ms: float, floor_ms: float, mean_service_ms: float) -> None:
        self.target_ms, self.floor_ms = target_ms, floor_ms
        super().__init__(
            f"the model cannot plan a p99 of {target_ms:g} ms: with exponential service times "
            f"(mean {mean_service_ms:.2f} ms) even an idle replica's p99 is {floor_ms:.1f} ms "
            "in the model, so more replicas do not bring its p99 down to the target.")


@dataclass(frozen=True)
class CapacityPlan:
    """Replicas for a peak, and the autoscaler settings that keep the p99 target.

    ``max_rps_per_replica`` is the most one replica may receive with its p99 within target
    (to 0.1 from 10 requests/s up, else to three significant digits);
    ``utilisation`` is each replica's busy share at the peak, from 0 to 1: the peak divided by
    the replicas, over one replica's capacity (``model.capacity_rps``). It is kept unrounded;
    round it only where it is shown. ``hpa_cpu_percent`` is the CPU target for the
    HorizontalPodAutoscaler.
    """

    replicas: int
    min_replicas: int
    peak_rps: float
    p99_target_ms: float
    predicted_p99_ms: float
    max_rps_per_replica: float
    utilisation: float
    hpa_cpu_percent: int
    model: ReplicaModel


def plan_replicas(model: ReplicaModel, *, peak_rps: float, p99_ms: float,
                  min_replicas: int = 2) -> CapacityPlan:
    """The fewest replicas that serve ``peak_rps`` with a p99 within ``p99_ms`` (M/M/c each).

    Raises
    ------
    BelowModelFloor
        The target is at or below the model's p99 of an idle replica (no number of replicas
        reaches it in the model).
    ValueError
        An input is out of range; the target is so close to the floor that one replica could
        take under a millionth of its capacity; or the peak needs more replicas than a number
        can hold.
    """
    _check_plan_inputs(peak_rps, p99_ms, min_replicas)
    max_rps = _max_rps_per_replica(model, p99_ms)
    needed = peak_rps / max_rps
    if not math.isfinite(needed):
        raise ValueError(f"a peak of {peak_rps:g} requests/s at {max_rps:.3g} requests/s a "
                         "replica needs more replicas than a number can hold; check the peak.")
    replicas = max(min_replicas, math.ceil(needed))
    per_replica = peak_rps / replicas
    return CapacityPlan(
        replicas=replicas, min_replicas=min_replicas, peak_rps=peak_rps, p99_target_ms=p99_ms,
        predicted_p99_ms=round(open_p99_ms(model, per_replica), 2),
        max_rps_per_replica=round(max_rps, 1) if max_rps >= 10 else float(f"{max_rps:.3g}"),
        utilisation=per_replica / model.capacity_rps,
        hpa_cpu_percent=max(MIN_HPA_CPU_PERCENT, min(
            MAX_HPA_CPU_PERCENT, math.floor(100 * max_rps / model.capacity_rps))),
        model=model)


def _check_plan_inputs(peak_rps: float, p99_ms: float, min_replicas: int) -> None:
    """Raise ``ValueError`` when :func:`plan_replicas` gets a peak, a target or a minimum out
    of range."""
    if not (peak_rps > 0 and math.isfinite(peak_rps)):
        raise ValueError(f"peak_rps must be a finite number above 0 requests/s; got "
                         f"{peak_rps!r}.")
    if not (p99_ms > 0 and math.isfinite(p99_ms)):
        raise ValueError(f"p99_ms must be a finite number above 0 ms; got {p99_ms!r}.")
    if not isinstance(min_replicas, int) or min_replicas < 1:
        raise ValueError(f"min_replicas must be a positive integer; got {min_replicas!r}.")


def _max_rps_per_replica(model: ReplicaModel, p99_ms: float) -> float:
    """The most requests per second one replica may receive with its p99 within ``p99_ms``.

    Raises :class:`BelowModelFloor` when the target is at or below the model's floor, and
    ``ValueError`` when it is so close to the floor that the planner cannot resolve the rate."""
    floor_ms = open_p99_ms(model, 0.0)
    if not p99_ms > floor_ms:
        raise BelowModelFloor(p99_ms, floor_ms, 1000 / model.rate_per_server)
    top = model.capacity_rps * (1 - 1e-9)
    max_rps = brentq(lambda rate: open_p99_ms(model, rate) - p99_ms, 0.0, top,
                     xtol=1e-9 * top) if open_p99_ms(model, top) > p99_ms else top
    if max_rps < 1e-6 * top:  # a thousand times the search's tolerance
        raise ValueError(
            f"a p99 of {p99_ms:g} ms is so close to the model's floor ({floor_ms:g} ms) that "
            f"one replica may take only {max_rps:.3g} requests/s, under a millionth of its "
            f"capacity ({model.capacity_rps:.3g}/s): too little for the planner to resolve. "
            "Relax the target.")
    return max_rps


def autoscaled_spec(plan: CapacityPlan, *, base=None):
    """``base`` (a :class:`deploydl.deploy.DeploySpec`, default the course's) with the plan's
    autoscaler numbers: ``min_replicas`` at start, at most ``replicas``, the plan's CPU target."""
    import dataclasses

    from deploydl.deploy.bundle import DeploySpec

    return dataclasses.replace(base or DeploySpec(), replicas=plan.min_replicas,
                               max_replicas=max(plan.replicas, plan.min_replicas),
                               cpu_target_percent=plan.hpa_cpu_percent)

