"""Lambda against replicas told and drawn (Module 04): the one-line verdict and the chart.

:func:`in_words` and :func:`hosting_chart` present a :class:`HostingCost` (from
:mod:`deploydl.deploy.hosting_costs`); :mod:`deploydl.deploy.serverless` is the place to import
them from.
"""

from __future__ import annotations

from deploydl.deploy.hosting_costs import (
    HostingCost,
    lambda_cost_per_request,
    requests_per_second,
)
from deploydl.present.charts import money


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
