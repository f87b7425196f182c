"""Capacity planning (Module 05): how many replicas meet a peak traffic and a p99 target.

The queueing model, its formulas, assumptions and sources are in ``docs/capacity.md``. In short:
one replica is ``servers`` parallel servers, each finishing requests at ``rate_per_server``
(exponential service times); both are fitted from the benchmark's single-replica curve
(throughput against concurrency). Production traffic is assumed Poisson and split at random
over the replicas (many independent connections, or a balancer that picks a pod per request),
so each replica is an M/M/c queue and the Erlang C formula gives its waiting time. The
benchmark's closed loop (N clients, no pause) is the same servers with N requests always
present; :func:`check_prediction` uses it to test the model against a measurement.
Everything here is pure arithmetic: no torch, no network.

This module is the planner's public face; its code is in four modules:

- :mod:`~deploydl.efficiency.queueing`: one replica as an M/M/c queue, and its p99.
- :mod:`~deploydl.efficiency.capacity_curve`: the measured curve, the model fitted to it, the
  check against a measurement.
- :mod:`~deploydl.efficiency.capacity_plan`: replicas for a peak and the autoscaler settings.
- :mod:`~deploydl.efficiency.capacity_words`: the plan and the check in plain words.
"""

from deploydl.efficiency.capacity_curve import (
    benchmark_cores,
    check_prediction,
    curve_from_results,
    fit_replica,
    prediction_check,
)
from deploydl.efficiency.capacity_plan import (
    MAX_HPA_CPU_PERCENT,
    MIN_HPA_CPU_PERCENT,
    BelowModelFloor,
    CapacityPlan,
    autoscaled_spec,
    plan_replicas,
)
from deploydl.efficiency.capacity_words import check_in_words, describe_plan, floor_in_words
from deploydl.efficiency.queueing import (
    QUANTILE,
    RATE_RANGE,
    ReplicaModel,
    closed_exceeds,
    closed_p99_ms,
    erlang_c,
    open_exceeds,
    open_p99_ms,
)

__all__ = [
    "MAX_HPA_CPU_PERCENT", "MIN_HPA_CPU_PERCENT", "QUANTILE", "RATE_RANGE", "BelowModelFloor",
    "CapacityPlan", "ReplicaModel", "autoscaled_spec", "benchmark_cores", "check_in_words",
    "check_prediction", "closed_exceeds", "closed_p99_ms", "curve_from_results", "describe_plan",
    "erlang_c", "fit_replica", "floor_in_words", "open_exceeds", "open_p99_ms", "plan_replicas",
    "prediction_check",
]
