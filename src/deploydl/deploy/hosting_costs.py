"""Lambda's prices and the monthly bills of Lambda and of replicas always on (Module 04).

Holds the price constants, the cold-start assumption, :class:`HostingCost` and
:func:`compare_hosting`; :mod:`deploydl.deploy.serverless` is the place to import them from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from deploydl.efficiency.costs import DEFAULT_PRICE_PER_CORE_HOUR, HOURS_PER_MONTH, monthly_cost

#: US dollars per request on Lambda (AWS: USD 0.20 per million requests).
LAMBDA_PER_REQUEST = 0.20 / 1e6
#: US dollars per GB-second of run time on Lambda (AWS: x86, US East).
LAMBDA_PER_GB_SECOND = 0.0000166667
#: Memory in GB at which a Lambda function gets the equivalent of one vCPU (1,769 MB), so a
#: request takes about as long as on one core of a replica.
ONE_VCPU_GB = 1769 / 1024
#: Minutes Lambda keeps an idle copy of a function before it reclaims it, so that the next
#: request meets a cold start. AWS does not publish it; about 10 minutes was measured in 2019
#: (reference ``aws-lambda-billing``). An assumption: change it with ``keep_warm_minutes``.
KEEP_WARM_MINUTES = 10.0


def cold_start_share(requests_per_month: float, *,
                     keep_warm_minutes: float = KEEP_WARM_MINUTES) -> float:
    """The share of requests (0..1) that meet a cold start, under a stated assumption.

    Requests arrive at random, spread evenly over the month, and Lambda reclaims the copy
    after ``keep_warm_minutes`` without a request; a request then meets a cold start when the
    gap since the one before is longer than that: ``exp(-requests per minute x minutes)``.
    Traffic bunched in office hours meets fewer; a burst that needs extra copies at once meets
    more (each new copy starts cold).
    """
    if requests_per_month < 0 or keep_warm_minutes <= 0:
        raise ValueError(f"requests_per_month must be 0 or more and keep_warm_minutes above 0; "
                         f"got {requests_per_month} and {keep_warm_minutes}.")
    per_minute = requests_per_month / (HOURS_PER_MONTH * 60)
    return math.exp(-per_minute * keep_warm_minutes)


@dataclass(frozen=True)
class HostingCost:
    """Monthly US dollars at one traffic level on Lambda and on replicas that are always on.

    Lambda bills each request and its run time (``ms_per_request``, the handler's time) rounded
    up to the next millisecond; on the requests that meet a cold start (:attr:`cold_share`) it
    bills the start-up time (``cold_start_s``) and the handler's time together, rounded up once.
    ``always_on_usd`` is the replicas' monthly bill, the same at any traffic they can carry.
    """

    requests_per_month: float
    always_on_usd: float
    ms_per_request: float
    cold_start_s: float = 0.0
    keep_warm_minutes: float = KEEP_WARM_MINUTES
    memory_gb: float = ONE_VCPU_GB

    def lambda_usd_at(self, requests_per_month: float) -> float:
        """Lambda's monthly bill at ``requests_per_month``, start-ups included."""
        warm = lambda_cost_per_request(self.ms_per_request, memory_gb=self.memory_gb)
        share = cold_start_share(requests_per_month, keep_warm_minutes=self.keep_warm_minutes)
        return requests_per_month * (warm + share * self.start_up_per_cold_call)

    @property
    def lambda_usd(self) -> float:
        """Lambda's monthly bill at this traffic, start-ups included."""
        return self.lambda_usd_at(self.requests_per_month)

    @property
    def cold_share(self) -> float:
        """The share of this traffic's requests that meet a cold start
        (:func:`cold_start_share`)."""
        return cold_start_share(self.requests_per_month, keep_warm_minutes=self.keep_warm_minutes)

    @property
    def start_up_per_cold_call(self) -> float:
        """US dollars a cold call costs more than a warm one: its start-up and handler time,
        billed together rounded up to the next millisecond, less the warm call's billed time
        (0 when ``cold_start_s`` is 0)."""
        cold_ms = self.cold_start_s * 1000 + self.ms_per_request
        return (lambda_cost_per_request(cold_ms, memory_gb=self.memory_gb)
                - lambda_cost_per_request(self.ms_per_request, memory_gb=self.memory_gb))

    @property
    def start_up_usd(self) -> float:
        """The part of :attr:`lambda_usd` that pays for start-up time."""
        return self.requests_per_month * self.cold_share * self.start_up_per_cold_call

    @property
    def break_even_requests(self) -> float:
        """The monthly traffic at which both bills are equal: below it Lambda costs less,
        above it the replicas do. Cold starts are rare there, so it is found by bisection
        between the traffic where warm requests alone would match the replicas' bill and the
        traffic where even every possible start-up could not."""
        warm = lambda_cost_per_request(self.ms_per_request, memory_gb=self.memory_gb)
        high = self.always_on_usd / warm
        # Start-ups a month are at most (minutes a month / keep-warm minutes) / e.
        most = (HOURS_PER_MONTH * 60 / self.keep_warm_minutes / math.e
                * self.start_up_per_cold_call)
        low = max(high * 1e-12, (self.always_on_usd - most) / warm)
        for _ in range(100):
            middle = math.sqrt(low * high)
            low, high = ((middle, high) if self.lambda_usd_at(middle) < self.always_on_usd
                         else (low, middle))
        return high

    @property
    def cheaper(self) -> str:
        """``"Lambda"`` or ``"always on"``, whichever costs less at this traffic."""
        return "Lambda" if self.lambda_usd < self.always_on_usd else "always on"


def billed_ms(ms: float) -> int:
    """The milliseconds Lambda bills for a call that runs ``ms`` milliseconds: rounded up to
    the next whole millisecond (since December 2020; reference ``aws-lambda-billing``), so a
    0.5 ms call is billed 1 ms and a 1.2 ms call 2 ms; a call is billed at least 1 ms (so 0
    or less too: :func:`lambda_cost_per_request` refuses such times)."""
    # Rounded to the nanosecond first: 0.3 s, computed as 300.00000000000006 ms, bills 300.
    return max(1, math.ceil(round(ms, 6)))


def lambda_cost_per_request(ms_per_request: float, *, memory_gb: float = ONE_VCPU_GB) -> float:
    """US dollars Lambda bills for one call that runs ``ms_per_request`` milliseconds (the
    handler's time; on a cold start, the start-up's added): the request fee and the run time,
    rounded up to the next whole millisecond (:func:`billed_ms`), times ``memory_gb``."""
    if not (math.isfinite(ms_per_request) and math.isfinite(memory_gb)
            and ms_per_request > 0 and memory_gb > 0):
        raise ValueError(f"ms_per_request and memory_gb must be numbers above 0; got "
                         f"{ms_per_request} ms and {memory_gb} GB. Measure a request's time on "
                         "the service first.")
    return (LAMBDA_PER_REQUEST
            + billed_ms(ms_per_request) / 1000 * memory_gb * LAMBDA_PER_GB_SECOND)


def compare_hosting(requests_per_month: float, *, ms_per_request: float,
                    cold_start_s: float = 0.0, keep_warm_minutes: float = KEEP_WARM_MINUTES,
                    replicas: int = 2, cores_per_replica: float = 2.0,
                    memory_gb: float = ONE_VCPU_GB,
                    price_per_core_hour: float = DEFAULT_PRICE_PER_CORE_HOUR) -> HostingCost:
    """Lambda against ``replicas`` replicas of ``cores_per_replica`` cores, at one traffic.

    ``cold_start_s`` is the start-up time Lambda bills on each cold start (measure it: 0
    leaves start-ups out); ``keep_warm_minutes`` sets how many requests meet one
    (:func:`cold_start_share`). The replicas' bill assumes they carry the traffic: check it
    with Module 05's capacity plan.
    """
    if not (requests_per_month >= 0 and replicas >= 1 and 0 <= cold_start_s < math.inf):
        raise ValueError(f"requests_per_month and cold_start_s must be 0 or more and replicas "
                         f"at least 1; got {requests_per_month}, {cold_start_s} and "
                         f"{replicas}.")
    lambda_cost_per_request(ms_per_request, memory_gb=memory_gb)  # validates both
    cold_start_share(requests_per_month, keep_warm_minutes=keep_warm_minutes)  # validates
    return HostingCost(
        requests_per_month=requests_per_month,
        always_on_usd=monthly_cost(replicas * cores_per_replica,
                                   price_per_core_hour=price_per_core_hour),
        ms_per_request=ms_per_request, cold_start_s=cold_start_s,
        keep_warm_minutes=keep_warm_minutes, memory_gb=memory_gb)


def requests_per_second(requests_per_month: float) -> float:
    """The average requests per second of a monthly traffic (:data:`HOURS_PER_MONTH` hours)."""
    return requests_per_month / (HOURS_PER_MONTH * 3600)
