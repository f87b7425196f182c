"""Serverless or always on (Module 04): what each costs a month, and where the two cross.

AWS Lambda bills every request and its run time (memory times seconds) and nothing while idle;
a Kubernetes Deployment bills its replicas every hour, busy or idle. So Lambda costs less at
low traffic and the replicas cost less at high traffic; :func:`compare_hosting` says where
they cross. Lambda's run time includes the start-up (INIT) phase of every cold start: billed
for container images all along, and for every function since 1 August 2025. Each call's run
time is billed rounded up to the next whole millisecond (:func:`billed_ms`); a cold call's
start-up and handler time are added first and rounded once. How many requests meet a cold
start is an assumption, derived from the traffic by :func:`cold_start_share`.
Lambda's prices are AWS's published x86 prices for US East (N. Virginia), before the free tier
(an account shares it across all its functions): reference ``aws-lambda-billing``. The
replicas use the course's price per core-hour
(:data:`deploydl.efficiency.costs.DEFAULT_PRICE_PER_CORE_HOUR`, an assumption). Neither side
includes an API gateway, a load balancer, memory for the replicas or data transfer.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

from deploydl.efficiency.costs import DEFAULT_PRICE_PER_CORE_HOUR, HOURS_PER_MONTH, monthly_cost
from deploydl.present.charts import money

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


def installed_mb(package: str) -> float:
    """Megabytes (1,000,000 bytes) the installed Python ``package`` takes on disk: every file
    in its folder and below, as it would go into a zip-packaged Lambda (at most 250 MB
    unzipped, reference ``aws-lambda-billing``). Folders linked from inside are not followed.

    Raises ModuleNotFoundError, naming the package, when it is not installed here.
    """
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f"{package} is not installed in this Python environment, so "
                                  "its size cannot be measured; install it first.", name=package)
    return _folder_bytes(Path(spec.origin).parent) / 1e6


def _folder_bytes(folder: Path) -> int:
    """The bytes of every file in ``folder`` and below (``os.scandir``: about five times
    faster than ``Path.rglob`` on torch's 15,000 files)."""
    total = 0
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                total += _folder_bytes(Path(entry.path))
            elif entry.is_file():
                total += entry.stat().st_size
    return total


def requests_per_second(requests_per_month: float) -> float:
    """The average requests per second of a monthly traffic (:data:`HOURS_PER_MONTH` hours)."""
    return requests_per_month / (HOURS_PER_MONTH * 3600)


def in_words(cost: HostingCost, *, replicas: int) -> str:
    """One line an executive can repeat: both bills, which is cheaper (or that they are about
    the same, when the two bills as written are equal), and where they cross.

    Bills are written 'USD 146', as a lesson's printouts write money (charts keep '$').
    """
    lambda_bill, always_on_bill = (_dollars(bill, unit="USD ")
                                   for bill in (cost.lambda_usd, cost.always_on_usd))
    verdict = ("The two bills are about the same here" if _written_alike(cost)
               else f"{cost.cheaper.capitalize()} costs less here")
    return (f"At {cost.requests_per_month:,.0f} requests a month: Lambda {lambda_bill}"
            f"{_start_ups(cost)}, {replicas} replicas always on {always_on_bill}. "
            f"{verdict}; the two cost the same at about "
            f"{cost.break_even_requests / 1e6:,.0f} million requests a month "
            f"({requests_per_second(cost.break_even_requests):,.0f} a second on average).")


def _written_alike(cost: HostingCost) -> bool:
    """Whether the two monthly bills read the same as written ('USD 146' and 'USD 146', near
    the crossing): then neither is named cheaper, which the figures beside it would contradict."""
    return _dollars(cost.lambda_usd) == _dollars(cost.always_on_usd)


def _start_ups(cost: HostingCost) -> str:
    """' (start-ups billed: about 47% of requests meet one)', or '' when none are billed."""
    if cost.cold_start_s == 0:
        return ""
    return f" (start-ups billed: about {cost.cold_share:.0%} of requests meet one)"


def _dollars(amount: float, *, unit: str = "$") -> str:
    """A monthly bill as people write it: 'less than $0.01', '$0.37', '$146', '$2.5M'; with
    ``unit="USD "``, 'USD 0.37', 'USD 146' (see :func:`deploydl.present.charts.money`)."""
    if amount < 0.005:
        return f"less than {unit}0.01"
    return f"{unit}{amount:,.2f}" if amount < 100 else money(amount, unit=unit)


class HostingChooser:
    """A widget: monthly traffic, replicas, time per request and cold start in; both monthly
    bills out.

    The logic is :func:`compare_hosting`; the state is :attr:`result`, so it is testable
    without a browser: set ``chooser.traffic.value = 1e9`` and read ``chooser.result``.
    """

    def __init__(self, *, ms_per_request: float, requests_per_month: float,
                 cold_start_s: float = 0.0, keep_warm_minutes: float = KEEP_WARM_MINUTES,
                 replicas: int = 2, cores_per_replica: float = 2.0,
                 price_per_core_hour: float = DEFAULT_PRICE_PER_CORE_HOUR) -> None:
        import ipywidgets as w

        from deploydl.present.panel import Panel, SliderRow

        style, layout = {"description_width": "190px"}, w.Layout(width="520px")
        self.traffic = w.FloatLogSlider(value=requests_per_month, base=10, min=3, max=10,
                                        step=0.25, description="Requests per month",
                                        style=style, layout=layout, readout_format=".2s")
        self.replicas = w.IntSlider(value=replicas, min=1, max=10,
                                    description="Replicas always on", style=style,
                                    layout=layout)
        self.ms = w.FloatLogSlider(value=ms_per_request, base=10, min=-1, max=3, step=0.1,
                                   description="ms per request", style=style, layout=layout,
                                   readout_format=".3g")
        self.cold = w.FloatSlider(value=cold_start_s, min=0, max=max(10.0, cold_start_s),
                                  step=0.1, description="Cold start (s, billed)", style=style,
                                  layout=layout, readout_format=".1f")
        self.cores_per_replica, self.price = cores_per_replica, price_per_core_hour
        self.keep_warm_minutes = keep_warm_minutes
        self.output = w.HTML()
        self.result: HostingCost | None = None
        sliders = (self.traffic, self.replicas, self.ms, self.cold)
        for control in sliders:
            control.observe(self._update, names="value")
        self.widget = Panel([*(SliderRow(s) for s in sliders), self.output],
                            title="Hosting cost: Lambda or replicas")
        self._update()

    def _update(self, _change=None) -> None:
        self.result = compare_hosting(self.traffic.value, ms_per_request=self.ms.value,
                                      cold_start_s=self.cold.value,
                                      keep_warm_minutes=self.keep_warm_minutes,
                                      replicas=self.replicas.value,
                                      cores_per_replica=self.cores_per_replica,
                                      price_per_core_hour=self.price)
        self.output.value = "<b>" + in_words(self.result, replicas=self.replicas.value) + "</b>"

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def hosting_chart(cost: HostingCost, *, replicas: int, traffic_label: str = "your traffic"):
    """Both monthly bills against traffic, on log scales (the axis labels say so), with the
    crossing and ``cost``'s traffic (``traffic_label``) marked and both bills written there.

    The title states the decision at that traffic: which costs less, both bills, and where
    they cross. Lambda's line includes billed start-ups, so it bulges where traffic is low
    enough for many cold starts and gaps long enough between them; its legend entry gives the
    share of requests that meet one. With start-ups billed, a dotted line gives the bill of
    warm requests alone, and a note at the dip says why the bill falls as traffic rises:
    more traffic keeps the copy warm, so fewer requests meet a billed cold start
    (:func:`cold_start_share`). The legend sits under the plot, clear of every line. The
    figure is sized to fill a 1280x800 slide of its own (Module 04's), where figures are not
    enlarged past their own size.
    """
    import numpy as np
    from matplotlib.ticker import FuncFormatter

    from deploydl.present.charts import BAD, GOOD, NEUTRAL, ink_on_white, legend, new_figure

    traffic = np.logspace(3, 10, 200)
    cheaper = "Lambda" if cost.cheaper == "Lambda" else f"{replicas} replicas"
    verdict = ("The bills are about the same" if _written_alike(cost)
               else f"{cheaper} is cheaper")
    always_on = f"{replicas} replicas always on"
    title = (f"{verdict} at {cost.requests_per_month:,.0f} requests a month:\n"
             f"{_dollars(cost.lambda_usd)} on Lambda, {_dollars(cost.always_on_usd)} for "
             f"{replicas} replicas; the bills cross at {cost.break_even_requests / 1e6:,.0f}M")
    fig, ax = new_figure(title.replace("$", r"\$"),  # a plain dollar sign, not mathematics
                         xlabel="requests per month (log scale)",
                         ylabel="US dollars a month (log scale)", size=(11.5, 6.9))
    lambda_usd = [cost.lambda_usd_at(t) for t in traffic]
    ax.loglog(traffic, lambda_usd, color=GOOD,
              label="Lambda, pay per request" + (
                  f" (start-ups billed: {cost.cold_share:.0%} of\nrequests meet a cold start at "
                  f"{cost.requests_per_month:,.0f} a month)" if cost.cold_start_s else ""))
    if cost.cold_start_s:
        _mark_warm_up(ax, traffic, lambda_usd, cost)
    ax.loglog(traffic, np.full_like(traffic, cost.always_on_usd), color=BAD, ls="-.",
              label=always_on)  # dash-dot: told from Lambda's line without colour too
    ax.axvline(cost.break_even_requests, color=NEUTRAL, ls=":", label="the bills cross")
    ax.axvline(cost.requests_per_month, color=NEUTRAL, ls="--", label=traffic_label)
    for usd, color in ((cost.lambda_usd, GOOD), (cost.always_on_usd, BAD)):
        ax.plot([cost.requests_per_month], [usd], marker="o", markersize=9, color=color)
        ax.annotate(_dollars(usd), (cost.requests_per_month, usd), textcoords="offset points",
                    xytext=(8, 6), fontsize=13, color=ink_on_white(color), fontweight="bold")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _count(v)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"${v:,.3g}" if v < 1000
                                               else f"${_count(v)}"))
    legend(ax, loc="upper center", bbox_to_anchor=(0.5, -0.11), ncols=2, frameon=False)
    return fig


def _mark_warm_up(ax, traffic, lambda_usd: list[float], cost: HostingCost) -> None:
    """Lambda's bill without start-ups (dotted), and a note at the dip in its bill where more
    traffic keeps the copy warm and cold starts fade."""
    from deploydl.present.charts import GOOD

    warm = lambda_cost_per_request(cost.ms_per_request, memory_gb=cost.memory_gb)
    ax.loglog(traffic, traffic * warm, color=GOOD, ls=":", lw=2,
              label="Lambda, warm requests only (no start-ups)")
    dip = next((i for i in range(1, len(traffic) - 1)
                if lambda_usd[i - 1] > lambda_usd[i] <= lambda_usd[i + 1]), None)
    if dip is not None:
        ax.annotate("cold starts fade as\ntraffic keeps the copy warm",
                    (traffic[dip], lambda_usd[dip]), textcoords="offset points",
                    xytext=(30, -4), va="center", fontsize=13, color=GOOD,
                    arrowprops={"arrowstyle": "->", "color": GOOD})


def _count(value: float) -> str:
    """1e3 -> '1k', 1e6 -> '1M', 1e9 -> '1B' (tick labels a person reads at a glance)."""
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if value >= size:
            return f"{value / size:g}{unit}"
    return f"{value:g}"
