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
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq
from scipy.special import gammainc, gammaincc

from deploydl.present.charts import share

#: The percentile that the latency targets use (p99).
QUANTILE = 0.99
#: Highest CPU target the autoscaler gets: it needs headroom while new pods start.
MAX_HPA_CPU_PERCENT = 80
#: Lowest CPU target the autoscaler gets: below it, what an idle pod spends anyway (its
#: runtime, probes, metrics scrapes) could call for more pods. A plan that needs less adds
#: pods only after the p99 target is missed: keep its replicas as the minimum instead.
MIN_HPA_CPU_PERCENT = 10
#: Slowest and fastest rate of one server, in requests per second, that the planner takes: it
#: finds times to 1 ns, so a mean service time under 1 microsecond is off by more than 0.1%;
#: one over 1,000 s is a batch job, not a service, and far slower ones overflow its sums.
RATE_RANGE = (1e-3, 1e6)


@dataclass(frozen=True)
class ReplicaModel:
    """One replica as a queueing system: ``servers`` parallel servers of ``rate_per_server``.

    Parameters
    ----------
    servers : int
        Requests one replica works on at once (c in M/M/c).
    rate_per_server : float
        Requests per second one server finishes (mu), within :data:`RATE_RANGE`;
        ``1 / rate_per_server`` is the mean service time in seconds.
    """

    servers: int
    rate_per_server: float

    def __post_init__(self) -> None:
        if not isinstance(self.servers, int) or self.servers < 1:
            raise ValueError(f"servers must be a positive integer; got {self.servers!r}.")
        low, high = RATE_RANGE
        if not low <= self.rate_per_server <= high:
            raise ValueError(
                f"rate_per_server must be from {low:g} to {high:,.0f} requests/s (a mean "
                f"service time from {1 / high * 1e6:g} microsecond to {1 / low:,.0f} s, what "
                f"the planner resolves); got {self.rate_per_server!r}. Fit it from a measured "
                "curve whose requests per second (rps) lie in that range.")

    @property
    def capacity_rps(self) -> float:
        """Requests per second one replica finishes when every server is busy."""
        return self.servers * self.rate_per_server


def erlang_c(servers: int, offered: float) -> float:
    """Probability that a request has to wait (Erlang C) in an M/M/c queue.

    Parameters
    ----------
    servers : int
        Servers c (at least 1).
    offered : float
        Offered load a = arrival rate / service rate per server, in Erlangs; below ``servers``.

    Computed through the Erlang B recursion, which stays exact for large c:
    B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)), and C = B / (1 - (a / c) (1 - B)).
    """
    if not isinstance(servers, int) or servers < 1:
        raise ValueError(f"servers must be a positive integer; got {servers!r}.")
    if not 0 <= offered < servers:
        raise ValueError(f"offered load must be at least 0 and below the {servers} servers "
                         f"(else the queue grows without end); got {offered!r} Erlangs.")
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = offered * blocking / (k + offered * blocking)
    return blocking / (1 - offered / servers * (1 - blocking))


def open_exceeds(seconds: float, model: ReplicaModel, arrival_rps: float) -> float:
    """P(response time > ``seconds``) for one replica receiving Poisson ``arrival_rps``.

    Response time = wait + service. The wait is 0 with probability 1 - C and otherwise
    exponential with rate c mu - lambda; the service is exponential with rate mu.
    """
    mu, c = model.rate_per_server, model.servers
    wait_prob = erlang_c(c, arrival_rps / mu)
    theta = c * mu - arrival_rps
    no_wait = math.exp(-mu * seconds)
    if math.isclose(theta, mu):
        both = (1 + mu * seconds) * math.exp(-mu * seconds)
    else:
        both = (theta * math.exp(-mu * seconds) - mu * math.exp(-theta * seconds)) / (theta - mu)
    return (1 - wait_prob) * no_wait + wait_prob * both


def closed_exceeds(seconds: float, model: ReplicaModel, clients: int) -> float:
    """P(response time > ``seconds``) with ``clients`` requests always in the replica.

    The benchmark's closed loop: each client sends its next request as soon as the last one
    is answered. A request finds ``clients - 1`` others; once all c servers are busy it waits
    for ``clients - c`` departures (each at rate c mu), then takes its own service (rate mu).
    """
    mu, c = model.rate_per_server, model.servers
    ahead = clients - c
    if ahead <= 0:
        return math.exp(-mu * seconds)
    if c == 1:  # ahead + 1 stages, all at rate mu: an Erlang distribution
        return float(gammaincc(ahead + 1, mu * seconds))
    fast = c * mu  # Erlang(ahead, c mu) plus Exponential(mu), c mu > mu
    # P(Erlang > t) + (fast / (fast - mu)) ** ahead * exp(-mu t) * P(Gamma(ahead, fast - mu)
    # <= t); the second term (at most 1) is summed in logs, so many clients cannot overflow
    below = float(gammainc(ahead, (fast - mu) * seconds))
    second = 0.0 if below == 0 else math.exp(
        ahead * math.log(fast / (fast - mu)) - mu * seconds + math.log(below))
    return float(gammaincc(ahead, fast * seconds)) + second


def _quantile(exceeds, quantile: float) -> float:
    """The time t with exceeds(t) = 1 - quantile, in seconds."""
    tail = 1 - quantile
    high = 1e-3
    while exceeds(high) > tail:
        high *= 2
    return brentq(lambda t: exceeds(t) - tail, 0.0, high, xtol=1e-9)


def open_p99_ms(model: ReplicaModel, arrival_rps: float, *, quantile: float = QUANTILE) -> float:
    """The p99 response time (ms) of one replica at Poisson ``arrival_rps`` (M/M/c)."""
    return 1000 * _quantile(lambda t: open_exceeds(t, model, arrival_rps), quantile)


def closed_p99_ms(model: ReplicaModel, clients: int, *, quantile: float = QUANTILE) -> float:
    """The p99 response time (ms) of one replica driven by ``clients`` closed-loop clients."""
    if not isinstance(clients, int) or clients < 1:
        raise ValueError(f"clients must be a positive integer; got {clients!r}.")
    return 1000 * _quantile(lambda t: closed_exceeds(t, model, clients), quantile)


def fit_replica(curve: list[dict], *, below: int | None = None) -> ReplicaModel:
    """Fit a :class:`ReplicaModel` to a measured single-replica curve.

    Parameters
    ----------
    curve : list of dict
        One point per load: ``concurrency`` (closed-loop clients) and ``rps`` (requests per
        second answered), as :func:`curve_from_results` returns.
    below : int, optional
        Use only points with fewer clients than this (to predict the others).

    With one client, one server is busy, so its throughput is the rate of one server; the
    busiest point's throughput divided by it, rounded, is the number of servers. The rate is
    then set so the servers together give exactly the busiest throughput measured.
    """
    points = [p for p in curve if below is None or p["concurrency"] < below]
    one = [p["rps"] for p in points if p["concurrency"] == 1]
    if not _can_fit(points):
        raise ValueError(f"the curve needs a point at 1 client and at least one more load "
                         f"{'below ' + str(below) + ' clients ' if below else ''}to fit; got "
                         f"concurrencies {sorted(p['concurrency'] for p in points)}. Run "
                         "`deploydl bench`, which measures the curve.")
    wrong = next((p for p in points if not _is_measure(p["rps"])), None)
    if wrong is not None:
        raise ValueError(f"each point's rps must be a finite number of requests/s above 0; got "
                         f"{wrong['rps']!r} at {wrong['concurrency']} clients. Measure the "
                         "curve again with `deploydl bench`.")
    best = max(p["rps"] for p in points)
    servers = max(1, round(best / one[0]))
    return ReplicaModel(servers=servers, rate_per_server=best / servers)


def _can_fit(points: list[dict]) -> bool:
    """:func:`fit_replica`'s rule: a point at 1 client and at least one more load."""
    return any(p["concurrency"] == 1 for p in points) and len(points) >= 2


def _is_measure(value: object) -> bool:
    """True for a measured quantity: a finite real number above 0 (not a bool), a numpy
    number included."""
    return (isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)
            and math.isfinite(value) and float(value) > 0)


def curve_from_results(results: dict) -> list[dict]:
    """The course server's single-replica curve (batch 1) from ``deploydl bench`` results.

    Uses ``capacity_curve`` (1 to 16 clients) when the run measured it, else the summary rows.
    """
    def wrong(what: str, got: object) -> ValueError:
        return ValueError(f"not `deploydl bench` results: {what} (found {str(got)[:80]!r}); "
                          "run `deploydl bench` again, or pass the file it wrote.")

    if not isinstance(results, dict):
        raise wrong("the file must hold a JSON object", type(results).__name__)
    if "capacity_curve" not in results and "summary" not in results:
        raise wrong("the file has neither 'capacity_curve' nor 'summary'", sorted(results))
    curve, summary = results.get("capacity_curve"), results.get("summary", [])
    if not isinstance(curve, list | type(None)) or not isinstance(summary, list):
        raise wrong("'capacity_curve' and 'summary' must be lists of points", curve or summary)
    if not all(isinstance(r, dict) for r in [*(curve or []), *summary]):
        raise wrong("each point must be an object", curve or summary)
    rows = curve or [r for r in summary if r.get("server") == "course" and r.get("batch") == 1]
    if not rows:
        raise ValueError("these benchmark results hold no curve for the course server at "
                         "batch 1; run `deploydl bench` again.")
    keys = ("concurrency", "rps", "p50_ms", "p99_ms")
    for r in rows:
        if not all(_is_measure(r.get(k)) for k in keys):
            raise wrong(f"each point must have {', '.join(keys)} as numbers above 0", r)
    return sorted(({k: r[k] for k in keys} for r in rows), key=lambda p: p["concurrency"])


def benchmark_cores(results: dict) -> float:
    """The cores the benchmark's machine had (``config.cores``; 2 when a results file does not
    say): what each replica is billed for. Raises ``ValueError`` when it is not a number of
    cores, saying to run the benchmark again."""
    config = results.get("config") if isinstance(results, dict) else None
    cores = config.get("cores", 2) if isinstance(config, dict) else 2
    if isinstance(cores, bool) or not isinstance(cores, int | float) or not 0 < cores < 1e6:
        raise ValueError(f"config.cores must be a number of cores; found {str(cores)[:40]!r}. "
                         "Run `deploydl bench` again.")
    return cores


def prediction_check(curve: list[dict], *, clients: int = 16) -> dict | None:
    """:func:`check_prediction` when the curve allows it, else ``None``: it needs a point at
    ``clients`` to check and, below it, a point at 1 client and one more to fit from.

    ``deploydl bench`` and ``deploydl capacity`` both decide with it."""
    if not any(p["concurrency"] == clients for p in curve):
        return None
    if not _can_fit([p for p in curve if p["concurrency"] < clients]):
        return None
    return check_prediction(curve, clients=clients)


def check_prediction(curve: list[dict], *, clients: int = 16) -> dict:
    """Predict the p99 at ``clients`` from the points at fewer clients; compare with it.

    Returns ``predicted_p99_ms``, ``measured_p99_ms`` and ``error_pct`` (predicted minus
    measured, in percent of measured: positive means the model is pessimistic), and
    ``measured_rps``, the rate the curve measured at ``clients``.
    """
    measured = [p for p in curve if p["concurrency"] == clients]
    if not measured:
        raise ValueError(f"the curve has no point at {clients} clients to check against; it "
                         f"has {sorted(p['concurrency'] for p in curve)}.")
    model = fit_replica(curve, below=clients)
    predicted = closed_p99_ms(model, clients)
    actual = measured[0]["p99_ms"]
    if not _is_measure(actual):
        raise ValueError(f"the p99 measured at {clients} clients must be a finite number of ms "
                         f"above 0 to check against; got {actual!r}. Measure the curve again "
                         "with `deploydl bench`.")
    return {"clients": clients, "fitted_on": sorted(p["concurrency"] for p in curve
                                                   if p["concurrency"] < clients),
            "servers": model.servers, "rate_per_server": round(model.rate_per_server, 1),
            "predicted_p99_ms": round(predicted, 2), "measured_p99_ms": actual,
            "error_pct": round(100 * (predicted - actual) / actual, 1),
            "measured_rps": measured[0]["rps"]}


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
    best, per_replica = plan.model.capacity_rps, plan.peak_rps / plan.replicas
    words.append(f"At a peak of {_rate(plan.peak_rps)} requests/s the plan runs each of its "
                 f"{plan.replicas} replicas at {_rate(per_replica)} requests/s, "
                 f"{share(plan.utilisation)} of the best rate measured ({_rate(best)}/s); there "
                 f"the model predicts a p99 of {plan.predicted_p99_ms:.0f} ms, and it lets one "
                 f"replica take at most {_rate(plan.max_rps_per_replica)}/s within the "
                 f"{plan.p99_target_ms:g} ms promised.")
    if other_rps is None:
        return " ".join(words)
    if not _is_measure(other_rps):
        raise ValueError(f"other_rps must be a finite number of requests/s above 0; got "
                         f"{other_rps!r}. Pass the rate the comparison of servers measured at "
                         f"{check['clients']} clients.")
    here = check.get("measured_rps")
    if here is None:
        raise ValueError("this check does not say the rate it measured at "
                         f"{check['clients']} clients (measured_rps): it comes from an older "
                         "`deploydl bench`; recompute it with prediction_check(curve).")
    words.append(f"The same run measured the service at {check['clients']} clients at "
                 f"{here:,.0f} requests/s in this series and {other_rps:,.0f} in the comparison "
                 f"of servers: {abs(here / other_rps - 1):.0%} apart.")
    advice = "Budget one replica more than the plan, or plan from the lower series"
    if other_rps < here:
        lower = plan_replicas(
            ReplicaModel(servers=plan.model.servers,
                         rate_per_server=other_rps / plan.model.servers),
            peak_rps=plan.peak_rps, p99_ms=plan.p99_target_ms, min_replicas=plan.min_replicas)
        advice += f": {lower.replicas} replicas at this peak"
    return " ".join([*words, advice + "."])


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
    if not (peak_rps > 0 and math.isfinite(peak_rps)):
        raise ValueError(f"peak_rps must be a finite number above 0 requests/s; got "
                         f"{peak_rps!r}.")
    if not (p99_ms > 0 and math.isfinite(p99_ms)):
        raise ValueError(f"p99_ms must be a finite number above 0 ms; got {p99_ms!r}.")
    if not isinstance(min_replicas, int) or min_replicas < 1:
        raise ValueError(f"min_replicas must be a positive integer; got {min_replicas!r}.")
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


def autoscaled_spec(plan: CapacityPlan, *, base=None):
    """``base`` (a :class:`deploydl.deploy.DeploySpec`, default the course's) with the plan's
    autoscaler numbers: ``min_replicas`` at start, at most ``replicas``, the plan's CPU target."""
    import dataclasses

    from deploydl.deploy.bundle import DeploySpec

    return dataclasses.replace(base or DeploySpec(), replicas=plan.min_replicas,
                               max_replicas=max(plan.replicas, plan.min_replicas),
                               cpu_target_percent=plan.hpa_cpu_percent)


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
