"""What a prediction costs in dollars (Module 05), and a service sized for a traffic level.

:func:`cost_per_million` and :func:`monthly_cost` turn a measured speed and a price per
core-hour into dollars, :func:`cents` shows the small amounts, and :func:`plan_serving` sizes
a service (:class:`ServingPlan`) for a traffic level.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from deploydl.present.charts import round_half_up

#: Hours in an average month (365 x 24 / 12), the month cloud prices are quoted in.
HOURS_PER_MONTH = 730
#: Price of one general-purpose vCPU-hour, in USD: an assumption, a round figure the course
#: chose, not a quoted cloud price. Put in your own; every cost scales with it.
DEFAULT_PRICE_PER_CORE_HOUR = 0.05
#: The busiest hour's traffic as a multiple of the month's average (the planner's assumption).
PEAK_FACTOR = 3.0


def cost_per_million(predictions_per_s: float, *, price_per_core_hour: float,
                     cores: float = 1.0) -> float:
    """Dollars per million predictions for a server doing ``predictions_per_s`` on ``cores``."""
    if predictions_per_s <= 0:
        raise ValueError(f"predictions_per_s must be above 0; got {predictions_per_s}. "
                         "Measure the throughput first (deploydl bench).")
    return price_per_core_hour * cores / (predictions_per_s * 3600) * 1e6


def cents(dollars: float) -> str:
    """A small dollar amount, such as a cost per million predictions, in US cents for people.

    Two significant figures, so that the costs a lesson compares read at a glance:
    ``cents(0.0181)`` is ``'1.8'`` (USD 0.0181 is 1.8 US cents), ``cents(0.0043)`` is
    ``'0.43'``, ``cents(0.1493)`` is ``'15'`` and ``cents(12.34)`` is ``'1,200'``. The unit is
    left to the caller ("US cents per million"), so the same figure fits a table's cell.
    """
    if not math.isfinite(dollars) or dollars < 0:
        raise ValueError(f"dollars must be a finite amount of 0 or more; got {dollars!r}. "
                         "Pass a cost in US dollars, such as cost_per_million(...).")
    amount = dollars * 100
    if amount == 0:
        return "0"
    # two significant figures, a half rounded up as money is (1.25 cents is 1.3); rounded in
    # dollars, as written, since the product drifts (0.0185 * 100 is 1.8499999999999999)
    decimals = 1 - math.floor(math.log10(amount))  # of a cent, for two significant figures
    rounded = round_half_up(dollars, places=decimals + 2).scaleb(2)
    shown = 1 - rounded.adjusted()  # again: 9.96 rounds up to 10, not "10.0"
    return f"{rounded:,.{max(shown, 0)}f}"


def monthly_cost(cores: float, *, price_per_core_hour: float) -> float:
    """Dollars a month for ``cores`` running all month (:data:`HOURS_PER_MONTH` hours)."""
    return round(cores * price_per_core_hour * HOURS_PER_MONTH, 2)


@dataclass(frozen=True)
class ServingPlan:
    """What it takes to serve a traffic level: cores, monthly bill, latency per request.

    ``cores`` is whole cores (at least 1), enough for the busiest hour (``peak_factor`` times
    the month's average traffic). ``monthly_cost`` is US dollars a month for those cores,
    rounded to cents. ``latency_ms`` is milliseconds per request: HTTP and JSON plus one
    forward pass of the whole batch (the wait for a batch to fill is not counted).
    ``predictions_per_s_per_core`` is predictions a second that one core serves with full
    batches. ``cost_per_million`` is US dollars per million predictions at that rate, busy
    cores only, unrounded: show it with :func:`cents`. It leaves out idle time, so
    ``monthly_cost`` per million of the month's predictions is higher (cores sized for the
    busiest hour idle part of the day).
    """

    cores: int
    monthly_cost: float
    latency_ms: float
    predictions_per_s_per_core: float
    cost_per_million: float


def plan_serving(ms_per_batch: dict[int, float], *, batch_size: int,
                 predictions_per_month: float, price_per_core_hour: float,
                 http_ms: float = 0.5, peak_factor: float = PEAK_FACTOR) -> ServingPlan:
    """Size a service from measured model times.

    Parameters
    ----------
    ms_per_batch : dict
        Milliseconds for one forward pass at each batch size (``measure_batches``).
    batch_size : int
        The batch the service groups requests into (one of ``ms_per_batch``'s keys).
    predictions_per_month : float
        Traffic; the busiest hour is assumed ``peak_factor`` times the average.
    price_per_core_hour : float
        Dollars per core per hour.
    http_ms : float
        Cost of HTTP and JSON per request in milliseconds of one core. The default, 0.5, is a
        round figure for exercises; size a real service with the measured one
        (:func:`http_ms_from_cpu_use`).
    """
    if batch_size not in ms_per_batch:
        raise ValueError(f"batch_size {batch_size} was not measured; choose one of "
                         f"{sorted(ms_per_batch)}.")
    compute_ms = ms_per_batch[batch_size]
    per_core = 1000 / (compute_ms / batch_size + http_ms)
    peak_rate = predictions_per_month / (HOURS_PER_MONTH * 3600) * peak_factor
    cores = max(1, math.ceil(peak_rate / per_core))
    return ServingPlan(
        cores=cores, monthly_cost=monthly_cost(cores, price_per_core_hour=price_per_core_hour),
        latency_ms=round(http_ms + compute_ms, 2),
        predictions_per_s_per_core=round(per_core, 1),
        cost_per_million=cost_per_million(per_core, price_per_core_hour=price_per_core_hour))
