"""What a prediction costs (Module 05): from measured speed to dollars per month.

The chain is short: a server does T predictions per second per core; a core costs P dollars
an hour; so a million predictions cost ``P / (T * 3600) * 1e6`` dollars. Traffic decides how
many cores run all month. :class:`CostPlanner` puts the chain behind four controls.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from deploydl.efficiency.capacity import CapacityPlan

HOURS_PER_MONTH = 730
#: Cloud price of one general-purpose vCPU-hour used in the course (USD, on demand, 2026).
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


def monthly_cost(cores: float, *, price_per_core_hour: float) -> float:
    """Dollars a month for ``cores`` running all month (:data:`HOURS_PER_MONTH` hours)."""
    return round(cores * price_per_core_hour * HOURS_PER_MONTH, 2)


@dataclass(frozen=True)
class ServingPlan:
    """What it takes to serve a traffic level: cores, monthly bill, latency per request."""

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
        cost_per_million=round(cost_per_million(per_core, price_per_core_hour=price_per_core_hour),
                               4))


def http_ms_from_cpu_use(results: dict, *, server: str = "course") -> float:
    """Milliseconds of one core that ``server`` spends on a request outside its model.

    ``results`` is what ``benchmarks/cpu_use.py`` wrote (``cpu_use_small.json`` for the small
    CNN): the server's CPU per request at ``results["concurrency"]`` clients, less the model's
    share of one group of that many requests (its forward pass at that batch size, divided by
    the batch). What is left is HTTP, JSON, the middleware and the batcher: the cost batching
    does not touch. Measure it on the small CNN, where the model's share is a few percent of
    the request, so an error in that share barely moves the answer.
    """
    row = next((r for r in results["summary"] if r["server"] == server), None)
    if row is None:
        raise ValueError(f"no {server!r} row in the CPU results; run benchmarks/cpu_use.py "
                         f"with --servers {server}.")
    group = results["concurrency"]
    curve = {int(size): ms for size, ms in results["forward_ms_per_batch"].items()}  # JSON: str
    model_ms = curve[group] / group
    return round(row["cpu_us_per_request"] / 1000 - model_ms, 3)


def measure_batches(model, images: np.ndarray, *, batches: tuple[int, ...] = (1, 8, 32),
                    repeats: int = 20) -> dict[int, float]:
    """Median milliseconds of one forward pass at each batch size in ``batches``."""
    from deploydl.efficiency.inference import time_forward

    return {b: time_forward(model, images[:b], repeats=repeats)["p50_ms"] for b in batches}


class CostPlanner:
    """A widget: hardware price, traffic, batch size and int8 in; monthly cost and latency out.

    Parameters
    ----------
    profiles : dict
        ``{"fp32": ms_per_batch, "int8": ms_per_batch}`` as returned by :func:`measure_batches`.
    http_ms : float
        Milliseconds of one core each request costs outside the model, measured
        (:func:`http_ms_from_cpu_use`).
    replica : deploydl.efficiency.capacity.ReplicaModel, optional
        The benchmark's single-replica model (``fit_replica``). With it the planner also shows
        the Kubernetes replicas that meet ``p99_ms`` at the busiest hour, and their monthly
        cost: the numbers ``deploydl capacity`` prints (:attr:`capacity`).
    p99_ms, cores_per_replica : float
        The p99 target for that plan, and the cores each replica is given.

    The logic sits in :meth:`plan` and the state in :attr:`result`, so it is testable without a
    browser: set ``planner.batch.value = 32`` and read ``planner.result``.
    """

    def __init__(self, profiles: dict[str, dict[int, float]], *, http_ms: float,
                 price_per_core_hour: float = DEFAULT_PRICE_PER_CORE_HOUR,
                 replica=None, p99_ms: float = 50.0, cores_per_replica: float = 2.0) -> None:
        import ipywidgets as w

        missing = {"fp32", "int8"} - set(profiles)
        if missing:
            raise ValueError(f"profiles needs timings for fp32 and int8; missing "
                             f"{sorted(missing)}. Use measure_batches() for each.")
        self.profiles, self.http_ms = profiles, http_ms
        style = {"description_width": "190px"}
        layout = w.Layout(width="520px")
        self.price = w.FloatSlider(value=price_per_core_hour, min=0.01, max=0.50, step=0.01,
                                   description="Price per core-hour ($)", style=style,
                                   layout=layout)
        self.traffic = w.FloatLogSlider(value=1e8, base=10, min=6, max=11, step=0.25,
                                        description="Predictions per month", style=style,
                                        layout=layout, readout_format=".2s")
        self.batch = w.Dropdown(options=sorted(profiles["fp32"]), value=1,
                                description="Batch size", style=style)
        self.quantised = w.Checkbox(value=False, description="int8 quantisation")
        self.output = w.HTML()
        self.result: ServingPlan | None = None
        self.replica, self.p99_ms, self.cores_per_replica = replica, p99_ms, cores_per_replica
        self.capacity: CapacityPlan | None = None
        for control in (self.price, self.traffic, self.batch, self.quantised):
            control.observe(self._update, names="value")
        self.widget = w.VBox([self.price, self.traffic, self.batch, self.quantised, self.output])
        self._update()

    def plan(self) -> ServingPlan:
        """The plan for the current control values."""
        profile = self.profiles["int8" if self.quantised.value else "fp32"]
        return plan_serving(profile, batch_size=self.batch.value,
                            predictions_per_month=self.traffic.value,
                            price_per_core_hour=self.price.value, http_ms=self.http_ms)

    def _update(self, _change=None) -> None:
        self.result = self.plan()
        r = asdict(self.result)
        self.output.value = (
            f"<b>{r['cores']} core(s), ${r['monthly_cost']:,.2f} a month</b>; "
            f"a request takes about {r['latency_ms']:.1f} ms of compute; "
            f"${r['cost_per_million']:.3f} per million predictions "
            f"({r['predictions_per_s_per_core']:,.0f} predictions/s per core)."
            + self._replicas_line())

    def _replicas_line(self) -> str:
        """The Kubernetes plan for the busiest hour, from the benchmark's replica model."""
        if self.replica is None:
            return ""
        from deploydl.efficiency.capacity import plan_replicas

        peak = self.traffic.value / (HOURS_PER_MONTH * 3600) * PEAK_FACTOR
        self.capacity = plan = plan_replicas(self.replica, peak_rps=peak, p99_ms=self.p99_ms)
        cost = monthly_cost(plan.replicas * self.cores_per_replica,
                            price_per_core_hour=self.price.value)
        return (f"<br>Busiest hour, {peak:,.0f} requests/s: <b>{plan.replicas} replicas</b> of "
                f"{self.cores_per_replica:g} cores keep p99 under {self.p99_ms:g} ms "
                f"(measured service, M/M/c plan: <code>deploydl capacity</code>); "
                f"about &#36;{cost:,.2f} a month at that size.")

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
