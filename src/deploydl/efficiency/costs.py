"""What a prediction costs (Module 05): from measured speed to dollars per month.

The chain is short: a server does T predictions per second per core; a core costs P dollars
an hour; so a million predictions cost ``P / (T * 3600) * 1e6`` dollars. Traffic decides how
many cores run all month. :class:`CostPlanner` puts the chain behind four controls.

:class:`CostPlanner` stays here; the rest lives in two modules beside this one:

* :mod:`~deploydl.efficiency.pricing`: :func:`cost_per_million`, :func:`cents`,
  :func:`monthly_cost` and :func:`plan_serving` (a :class:`ServingPlan`).
* :mod:`~deploydl.efficiency.cost_timings`: :func:`measure_batches`,
  :func:`profiles_from_results` and :func:`http_ms_from_cpu_use`, the times a cost is priced from.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from deploydl.efficiency.cost_timings import (
    http_ms_from_cpu_use,
    measure_batches,
    profiles_from_results,
)
from deploydl.efficiency.pricing import (
    DEFAULT_PRICE_PER_CORE_HOUR,
    HOURS_PER_MONTH,
    PEAK_FACTOR,
    ServingPlan,
    cents,
    cost_per_million,
    monthly_cost,
    plan_serving,
)
from deploydl.present.charts import share

if TYPE_CHECKING:
    from deploydl.efficiency.capacity import CapacityPlan

__all__ = [
    "DEFAULT_PRICE_PER_CORE_HOUR", "HOURS_PER_MONTH", "PEAK_FACTOR", "CostPlanner",
    "ServingPlan", "cents", "cost_per_million", "http_ms_from_cpu_use", "measure_batches",
    "monthly_cost", "plan_serving", "profiles_from_results",
]


class CostPlanner:
    """A widget: hardware price, traffic, batch size and int8 in; monthly cost out, twice.

    It answers "what will serving cost per month?" in two labelled lines, both for the busiest
    hour (:data:`PEAK_FACTOR` times the month's average) and billed all month:

    * **compute only** (:meth:`plan`): the cores that the model's time at the chosen batch size
      and precision, plus ``http_ms`` per request, need with every core busy and nothing
      spare. The batch-size and int8 controls change this line only.
    * **replicas** (:attr:`capacity`, with ``replica``): the copies of the service *as the
      benchmark measured it* that keep the p99 within ``p99_ms`` under random arrivals, at
      least two: the plan ``deploydl capacity`` prints. Price and traffic change it; the batch
      size and int8 do not, because the service was not measured with them.

    :meth:`explain` says why the two differ at the current settings.

    Parameters
    ----------
    profiles : dict
        ``{"fp32": ms_per_batch, "int8": ms_per_batch}`` (:func:`measure_batches`, or
        :func:`profiles_from_results` for the benchmark's wide CNN). The batch sizes offered
        are those timed for both.
    http_ms : float
        Milliseconds of one core each request costs outside the model, measured
        (:func:`http_ms_from_cpu_use`).
    replica : deploydl.efficiency.capacity.ReplicaModel, optional
        The benchmark's single-replica model (``fit_replica``); without it, only the compute
        line is shown.
    p99_ms, cores_per_replica : float
        The p99 target for the replica plan, and the cores each replica is given.
    model : str
        Which model, and whose measurements, the answer is about: its first line.

    The logic sits in :meth:`plan` and the state in :attr:`result` and :attr:`capacity`, so it
    is testable without a browser: set ``planner.batch.value = 32`` and read them.
    """

    def __init__(self, profiles: dict[str, dict[int, float]], *, http_ms: float,
                 price_per_core_hour: float = DEFAULT_PRICE_PER_CORE_HOUR,
                 replica=None, p99_ms: float = 50.0, cores_per_replica: float = 2.0,
                 model: str = "The model") -> None:
        import ipywidgets as w

        from deploydl.present.panel import Panel, SliderRow

        missing = {"fp32", "int8"} - set(profiles)
        if missing:
            raise ValueError(f"profiles needs timings for fp32 and int8; missing "
                             f"{sorted(missing)}. Use measure_batches() for each.")
        batches = sorted(set(profiles["fp32"]) & set(profiles["int8"]))
        if not batches:
            raise ValueError(f"profiles share no batch size: fp32 has {sorted(profiles['fp32'])}"
                             f", int8 {sorted(profiles['int8'])}. Time both at the same sizes.")
        self.profiles, self.http_ms, self.model = profiles, http_ms, model
        style = {"description_width": "190px"}
        layout = w.Layout(width="520px")
        self.price = w.FloatSlider(value=price_per_core_hour, min=0.01, max=0.50, step=0.01,
                                   description="Price per core-hour ($)", style=style,
                                   layout=layout)
        self.traffic = w.FloatLogSlider(value=1e8, base=10, min=6, max=11, step=0.25,
                                        description="Predictions per month", style=style,
                                        layout=layout, readout_format=".2s")
        self.batch = w.Dropdown(options=batches, value=batches[0],
                                description="Batch size (compute only)", style=style)
        self.quantised = w.Checkbox(value=False, description="int8 (compute only)")
        self.output = w.HTML()
        self.result: ServingPlan | None = None
        self.replica, self.p99_ms, self.cores_per_replica = replica, p99_ms, cores_per_replica
        self.capacity: CapacityPlan | None = None
        for control in (self.price, self.traffic, self.batch, self.quantised):
            control.observe(self._update, names="value")
        self.widget = Panel([SliderRow(self.price), SliderRow(self.traffic), self.batch,
                             self.quantised, self.output], title="Serving cost planner")
        self._update()

    @property
    def peak_rps(self) -> float:
        """Requests per second in the busiest hour: :data:`PEAK_FACTOR` times the average."""
        return self.traffic.value / (HOURS_PER_MONTH * 3600) * PEAK_FACTOR

    def plan(self) -> ServingPlan:
        """The compute-only plan for the current control values."""
        profile = self.profiles["int8" if self.quantised.value else "fp32"]
        return plan_serving(profile, batch_size=self.batch.value,
                            predictions_per_month=self.traffic.value,
                            price_per_core_hour=self.price.value, http_ms=self.http_ms)

    def replicas_cost(self) -> float | None:
        """Dollars a month for the replica plan's replicas (None without a replica model)."""
        if self.capacity is None:
            return None
        return monthly_cost(self.capacity.replicas * self.cores_per_replica,
                            price_per_core_hour=self.price.value)

    def explain(self) -> str:
        """Why the replica plan and the compute-only line differ, at the current settings, and
        what to budget: the replica plan, plus one replica where load sets its size (above its
        minimum), since the queueing model's error at load is one run's (docs/capacity.md)."""
        plan, cost = self.capacity, self.replicas_cost()
        if plan is None or cost is None or self.result is None:
            return ""
        spare = (" plus one replica: the plan rests on one benchmark run"
                 if plan.replicas > plan.min_replicas else "")
        if cost < self.result.monthly_cost:
            return ("Here the compute-only line costs more: at this batch size and precision "
                    "each request takes more core time than the benchmarked service spent on "
                    "one, because its micro-batcher grouped the requests that arrived "
                    "together. Budget for the replica plan, which is what was measured"
                    + (f",{spare}." if spare else "."))
        if plan.replicas == plan.min_replicas:
            why = (f"at this traffic the replica plan is at its minimum of {plan.min_replicas} "
                   f"replicas, each {share(plan.utilisation)} busy at the peak: you pay for a "
                   "spare that can take over if one fails, not for load")
        else:
            why = (f"the replica plan keeps each replica {share(plan.utilisation)} busy at the "
                   "peak, so that requests arriving at random seldom queue, and pays for whole "
                   f"replicas of {self.cores_per_replica:g} cores, as benchmarked")
        return (f"Budget for the replica plan{spare}. The compute-only line buys just enough "
                f"cores for the busiest hour, nothing spare; {why}. Batching and int8 lower the "
                "compute line; count them in the budget once the service is benchmarked with "
                "them.")

    def lines(self) -> list[str]:
        """What the box shows, one line each (HTML): the model, both plans, and why."""
        r = self.result or self.plan()
        how = "one request at a time" if self.batch.value == 1 else \
            f"in batches of {self.batch.value}"
        lines = [
            f"<b>{html.escape(self.model)}.</b> Busiest hour: {self.peak_rps:,.0f} requests/s "
            f"({PEAK_FACTOR:g}x the month's average); both answers keep that size all month.",
            f"<b>Compute only: {r.cores} core{'' if r.cores == 1 else 's'}, "
            f"USD {r.monthly_cost:,.2f} a month.</b> "
            f"{'int8' if self.quantised.value else 'fp32'}, {how}: about {r.latency_ms:.1f} ms "
            f"of compute before each answer, {r.predictions_per_s_per_core:,.0f} "
            f"predictions/s per core, {cents(r.cost_per_million)} US cents per million."]
        plan, cost = self.capacity, self.replicas_cost()
        if plan is not None and cost is not None:
            lines.append(
                f"<b>Replicas that keep the p99 under {self.p99_ms:g} ms: {plan.replicas} of "
                f"{self.cores_per_replica:g} cores, USD {cost:,.2f} a month.</b> The service as "
                "benchmarked (fp32, one image per request, grouped by its micro-batcher), "
                f"requests arriving at random, at least {plan.min_replicas} replicas (M/M/c "
                "plan, as <code>deploydl capacity</code> prints). The batch size and int8 do "
                "not change it.")
            lines.append(self.explain())
        return lines

    def _update(self, _change=None) -> None:
        from deploydl.efficiency.capacity import plan_replicas

        self.result = self.plan()
        self.capacity = None if self.replica is None else plan_replicas(
            self.replica, peak_rps=self.peak_rps, p99_ms=self.p99_ms)
        self.output.value = "".join(f'<p style="margin: 0 0 6px">{line}</p>'
                                    for line in self.lines())

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
