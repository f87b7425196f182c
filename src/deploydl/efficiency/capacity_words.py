"""A capacity plan and the model's check in plain words (Module 05).

:func:`describe_plan` gives a plan's replicas, autoscaler and monthly cost in a few lines;
:func:`check_in_words` says how far the model's check lets a reader trust a plan;
:func:`floor_in_words` says what to do about a p99 target the model cannot plan.
"""

from __future__ import annotations

import math

from deploydl.efficiency.capacity_curve import _is_measure
from deploydl.efficiency.capacity_plan import BelowModelFloor, CapacityPlan, plan_replicas
from deploydl.efficiency.queueing import ReplicaModel
from deploydl.present.charts import share


def check_in_words(check: dict, plan: CapacityPlan | None = None, *,
                   other_rps: float | None = None) -> str:
    """What :func:`check_prediction`'s check says, and how far to trust a plan (Module 05).

    The check fits the model on fewer clients than ``check["clients"]`` and predicts the p99
    there: it extrapolates, and says nothing about which way a plan fitted on the whole curve
    errs. With ``plan`` (from :func:`fit_replica` on the whole curve, whose capacity is the
    busiest throughput measured), the words add how hard the plan runs each replica at its
    peak, as a share of that best measured rate, and the p99 the model predicts there. With
    ``other_rps``, another series of the same run at ``check["clients"]`` clients, they add how
    far it is from this series' rate at that load (``check["measured_rps"]``) and, when the
    other is lower, the replicas a plan from it would need: the advice is to budget one
    replica more, or to plan from the lower series.

    Raises ``ValueError`` when ``other_rps`` is given and ``check`` lacks ``measured_rps``
    (a check from an older ``deploydl bench``: recompute it with :func:`prediction_check`).
    """
    error, fitted = check["error_pct"], check["fitted_on"]
    words = [f"The model's check fits it on {fitted[0]} to {fitted[-1]} clients only and "
             f"predicts the p99 at {check['clients']} clients: {abs(error):.0f}% "
             f"{'above' if error >= 0 else 'below'} the one measured."]
    if error >= 0:
        words.append("That check extrapolates from fewer clients than the plan is fitted on, "
                     "so it does not show that the plan has machines to spare.")
    else:
        words.append("It under-predicts the wait: plan more replicas than it says.")
    if plan is None:
        return " ".join(words)
    words.append(_plan_sentence(plan))
    if other_rps is None:
        return " ".join(words)
    return " ".join([*words, *_series_words(check, plan, other_rps)])


def _plan_sentence(plan: CapacityPlan) -> str:
    """How hard ``plan`` runs each replica at its peak, and the p99 the model predicts there
    (:func:`check_in_words`)."""
    best, per_replica = plan.model.capacity_rps, plan.peak_rps / plan.replicas
    return (f"At a peak of {_rate(plan.peak_rps)} requests/s the plan runs each of its "
            f"{plan.replicas} replicas at {_rate(per_replica)} requests/s, "
            f"{share(plan.utilisation)} of the best rate measured ({_rate(best)}/s); there "
            f"the model predicts a p99 of {plan.predicted_p99_ms:.0f} ms, and it lets one "
            f"replica take at most {_rate(plan.max_rps_per_replica)}/s within the "
            f"{plan.p99_target_ms:g} ms promised.")


def _series_words(check: dict, plan: CapacityPlan, other_rps: float) -> list[str]:
    """How far ``other_rps``, another series at ``check["clients"]`` clients, is from the
    check's rate there, and the advice that follows (:func:`check_in_words`)."""
    if not _is_measure(other_rps):
        raise ValueError(f"other_rps must be a finite number of requests/s above 0; got "
                         f"{other_rps!r}. Pass the rate the comparison of servers measured at "
                         f"{check['clients']} clients.")
    here = check.get("measured_rps")
    if here is None:
        raise ValueError("this check does not say the rate it measured at "
                         f"{check['clients']} clients (measured_rps): it comes from an older "
                         "`deploydl bench`; recompute it with prediction_check(curve).")
    apart = (f"The same run measured the service at {check['clients']} clients at "
             f"{here:,.0f} requests/s in this series and {other_rps:,.0f} in the comparison "
             f"of servers: {abs(here / other_rps - 1):.0%} apart.")
    advice = "Budget one replica more than the plan, or plan from the lower series"
    if other_rps < here:
        lower = plan_replicas(
            ReplicaModel(servers=plan.model.servers,
                         rate_per_server=other_rps / plan.model.servers),
            peak_rps=plan.peak_rps, p99_ms=plan.p99_target_ms, min_replicas=plan.min_replicas)
        advice += f": {lower.replicas} replicas at this peak"
    return [apart, advice + "."]


def floor_in_words(error: BelowModelFloor, curve: list[dict]) -> str:
    """What the service itself measured against a target the model cannot plan, and what to do.

    ``curve`` is the measured single-replica curve the model was fitted on (it has a point at
    1 client, :func:`fit_replica`'s rule). With one closed-loop client no request waits, so
    the p99 there is the service's own tail without queueing: below the target, the service
    may meet the target where the model cannot plan it; above it, more replicas do not help.
    """
    one = next(p for p in curve if p["concurrency"] == 1)
    measured = (f"The service itself measured a p99 of {one['p99_ms']:g} ms at 1 client "
                f"({one['rps']:,.0f} requests/s)")
    if one["p99_ms"] <= error.target_ms:
        return (f"{measured}, within the target, so the service may meet it. Measure one "
                "replica at the load you would give each (the peak divided by the replicas "
                f"you would run) and check its p99 against {error.target_ms:g} ms, or relax "
                f"the target above {error.floor_ms:.1f} ms to plan with the model.")
    return (f"{measured}, above the target too: more replicas will not meet it. Relax the "
            "target, or make each request faster (a smaller model, int8, a faster CPU).")


def _rate(rps: float) -> str:
    """Requests per second as the plan shows them: whole from 10 up ("12,000"), else to three
    significant digits, so a small peak does not read 0 ("0.005", "2.5")."""
    return f"{rps:,.0f}" if rps >= 10 else f"{rps:.3g}"


def describe_plan(plan: CapacityPlan, *, cores_per_replica: float,
                  price_per_core_hour: float) -> str:
    """The plan in a few plain lines, with its monthly cost at the peak and at the minimum."""
    from deploydl.efficiency.costs import monthly_cost

    if not _is_measure(cores_per_replica):
        raise ValueError(f"cores_per_replica must be a finite number of cores above 0; got "
                         f"{cores_per_replica!r}.")
    if not (price_per_core_hour >= 0 and math.isfinite(price_per_core_hour)):
        raise ValueError(f"price_per_core_hour must be a finite number of USD, 0 or more; got "
                         f"{price_per_core_hour!r}.")
    m = plan.model
    peak_cost = monthly_cost(plan.replicas * cores_per_replica,
                             price_per_core_hour=price_per_core_hour)
    low_cost = monthly_cost(plan.min_replicas * cores_per_replica,
                            price_per_core_hour=price_per_core_hour)
    if not math.isfinite(peak_cost):
        raise ValueError(f"the plan's monthly cost is not a finite number of USD ({peak_cost}): "
                         "check the curve's requests per second (a replica that slow needs "
                         "countless replicas), the peak and the price per core-hour.")
    return "\n".join([
        f"One replica ({cores_per_replica:g} cores): {m.servers} request(s) at a time, "
        f"{1000 / m.rate_per_server:.2f} ms each on average, at most {_rate(m.capacity_rps)} "
        "req/s.",
        f"Within a p99 of {plan.p99_target_ms:g} ms one replica takes up to "
        f"{_rate(plan.max_rps_per_replica)} req/s (M/M/c, Erlang C; docs/capacity.md).",
        f"Peak {_rate(plan.peak_rps)} req/s: {plan.replicas} replicas, each "
        f"{share(plan.utilisation)} busy, predicted p99 {plan.predicted_p99_ms:.1f} ms.",
        f"Autoscaler: {plan.min_replicas} to {plan.replicas} replicas at "
        f"{plan.hpa_cpu_percent}% CPU.",
        f"Cost: USD {peak_cost:,.2f} a month if the peak lasted all month; USD {low_cost:,.2f} "
        f"at the minimum (USD {price_per_core_hour:g} per core-hour)."])
