"""One replica as an M/M/c queue (Module 05): its model, Erlang C, and its p99 response time.

A replica is ``servers`` parallel servers, each finishing requests at ``rate_per_server``
(exponential service times). Under Poisson traffic it is an M/M/c queue
(:func:`open_exceeds`, :func:`open_p99_ms`); under the benchmark's closed loop it always holds
the same number of requests (:func:`closed_exceeds`, :func:`closed_p99_ms`). The formulas are in
``docs/capacity.md``; :mod:`deploydl.efficiency.capacity` plans replicas with them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.optimize import brentq
from scipy.special import gammainc, gammaincc

#: The percentile that the latency targets use (p99).
QUANTILE = 0.99
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
