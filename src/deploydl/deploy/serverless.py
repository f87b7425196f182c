"""Serverless or always on (Module 04): what each costs a month, and where the two cross.

AWS Lambda bills every request and its run time (memory times seconds) and nothing while idle;
a Kubernetes Deployment bills its replicas every hour, busy or idle. So Lambda costs less at
low traffic and the replicas cost less at high traffic; :func:`compare_hosting` says where
they cross. Lambda's prices are AWS's published x86 prices for US East (N. Virginia), before
the free tier (an account shares it across all its functions): reference
``aws-lambda-billing``. The replicas use the course's price per core-hour
(:data:`deploydl.efficiency.costs.DEFAULT_PRICE_PER_CORE_HOUR`, an assumption). Neither side
includes an API gateway, a load balancer, memory for the replicas or data transfer.
"""

from __future__ import annotations

from dataclasses import dataclass

from deploydl.efficiency.costs import DEFAULT_PRICE_PER_CORE_HOUR, HOURS_PER_MONTH, monthly_cost
from deploydl.present.charts import money

#: US dollars per request on Lambda (AWS: USD 0.20 per million requests).
LAMBDA_PER_REQUEST = 0.20 / 1e6
#: US dollars per GB-second of run time on Lambda (AWS: x86, US East).
LAMBDA_PER_GB_SECOND = 0.0000166667
#: Memory in GB at which a Lambda function gets the equivalent of one vCPU (1,769 MB), so a
#: request takes about as long as on one core of a replica.
ONE_VCPU_GB = 1769 / 1024


@dataclass(frozen=True)
class HostingCost:
    """Monthly US dollars at one traffic level on Lambda and on replicas that are always on.

    ``lambda_per_request_usd`` is what Lambda bills for one request; ``always_on_usd`` is the
    replicas' monthly bill, the same at any traffic they can carry.
    """

    requests_per_month: float
    lambda_per_request_usd: float
    always_on_usd: float

    @property
    def lambda_usd(self) -> float:
        """Lambda's monthly bill at this traffic."""
        return self.requests_per_month * self.lambda_per_request_usd

    @property
    def break_even_requests(self) -> float:
        """The monthly traffic at which both bills are equal: below it Lambda costs less,
        above it the replicas do."""
        return self.always_on_usd / self.lambda_per_request_usd

    @property
    def cheaper(self) -> str:
        """``"Lambda"`` or ``"always on"``, whichever costs less at this traffic."""
        return "Lambda" if self.lambda_usd < self.always_on_usd else "always on"


def lambda_cost_per_request(ms_per_request: float, *, memory_gb: float = ONE_VCPU_GB) -> float:
    """US dollars Lambda bills for one request that runs ``ms_per_request`` milliseconds."""
    if ms_per_request <= 0 or memory_gb <= 0:
        raise ValueError(f"ms_per_request and memory_gb must be above 0; got {ms_per_request} "
                         f"ms and {memory_gb} GB. Measure a request's time on the service "
                         "first.")
    return LAMBDA_PER_REQUEST + ms_per_request / 1000 * memory_gb * LAMBDA_PER_GB_SECOND


def compare_hosting(requests_per_month: float, *, ms_per_request: float, replicas: int = 2,
                    cores_per_replica: float = 2.0, memory_gb: float = ONE_VCPU_GB,
                    price_per_core_hour: float = DEFAULT_PRICE_PER_CORE_HOUR) -> HostingCost:
    """Lambda against ``replicas`` replicas of ``cores_per_replica`` cores, at one traffic.

    The replicas' bill assumes they carry the traffic: check it with Module 05's capacity
    plan.
    """
    if requests_per_month < 0 or replicas < 1:
        raise ValueError(f"requests_per_month must be 0 or more and replicas at least 1; got "
                         f"{requests_per_month} and {replicas}.")
    return HostingCost(
        requests_per_month=requests_per_month,
        lambda_per_request_usd=lambda_cost_per_request(ms_per_request, memory_gb=memory_gb),
        always_on_usd=monthly_cost(replicas * cores_per_replica,
                                   price_per_core_hour=price_per_core_hour))


def requests_per_second(requests_per_month: float) -> float:
    """The average requests per second of a monthly traffic (:data:`HOURS_PER_MONTH` hours)."""
    return requests_per_month / (HOURS_PER_MONTH * 3600)


def in_words(cost: HostingCost, *, replicas: int) -> str:
    """One line an executive can repeat: both bills, which is cheaper, and where they cross."""
    return (f"At {cost.requests_per_month:,.0f} requests a month: Lambda "
            f"{_dollars(cost.lambda_usd)}, {replicas} replicas always on "
            f"{_dollars(cost.always_on_usd)}. {cost.cheaper.capitalize()} costs less here; the "
            f"two cost the same at about {cost.break_even_requests / 1e6:,.0f} million requests "
            f"a month ({requests_per_second(cost.break_even_requests):,.0f} a second on "
            "average).")


def _dollars(amount: float) -> str:
    """A monthly bill as people write it: 'less than $0.01', '$0.37', '$146', '$2.5M'."""
    if amount < 0.005:
        return "less than $0.01"
    return f"${amount:,.2f}" if amount < 100 else money(amount)


class HostingChooser:
    """A widget: monthly traffic, replicas and time per request in; both monthly bills out.

    The logic is :func:`compare_hosting`; the state is :attr:`result`, so it is testable
    without a browser: set ``chooser.traffic.value = 1e9`` and read ``chooser.result``.
    """

    def __init__(self, *, ms_per_request: float, requests_per_month: float, replicas: int = 2,
                 cores_per_replica: float = 2.0,
                 price_per_core_hour: float = DEFAULT_PRICE_PER_CORE_HOUR) -> None:
        import ipywidgets as w

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
        self.cores_per_replica, self.price = cores_per_replica, price_per_core_hour
        self.output = w.HTML()
        self.result: HostingCost | None = None
        for control in (self.traffic, self.replicas, self.ms):
            control.observe(self._update, names="value")
        self.widget = w.VBox([self.traffic, self.replicas, self.ms, self.output])
        self._update()

    def _update(self, _change=None) -> None:
        self.result = compare_hosting(self.traffic.value, ms_per_request=self.ms.value,
                                      replicas=self.replicas.value,
                                      cores_per_replica=self.cores_per_replica,
                                      price_per_core_hour=self.price)
        self.output.value = "<b>" + in_words(self.result, replicas=self.replicas.value) + "</b>"

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def hosting_chart(cost: HostingCost, *, replicas: int, traffic_label: str = "your traffic"):
    """Both monthly bills against traffic (log scales), with the crossing and ``cost``'s
    traffic (``traffic_label``) marked; the title gives both bills there."""
    import numpy as np
    from matplotlib.ticker import FuncFormatter

    from deploydl.present.charts import BAD, GOOD, NEUTRAL, new_figure

    traffic = np.logspace(3, 10, 200)
    fig, ax = new_figure(f"Lambda: {_dollars(cost.lambda_usd)} a month at "
                         f"{cost.requests_per_month:,.0f} requests;\n{replicas} replicas always "
                         f"on: {_dollars(cost.always_on_usd)}, busy or idle;\nthe bills cross "
                         f"at about {cost.break_even_requests / 1e6:,.0f} million a month",
                         xlabel="requests per month", ylabel="US dollars a month",
                         size=(8, 5))
    ax.loglog(traffic, traffic * cost.lambda_per_request_usd, color=GOOD,
              label="Lambda (pay per request)")
    ax.loglog(traffic, np.full_like(traffic, cost.always_on_usd), color=BAD,
              label=f"{replicas} replicas always on")
    ax.axvline(cost.break_even_requests, color=NEUTRAL, ls=":", label="the bills cross")
    ax.axvline(cost.requests_per_month, color=NEUTRAL, ls="--", label=traffic_label)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _count(v)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"${v:,.3g}" if v < 1000
                                               else f"${_count(v)}"))
    ax.legend(loc="lower right", frameon=False)
    return fig


def _count(value: float) -> str:
    """1e3 -> '1k', 1e6 -> '1M', 1e9 -> '1B' (tick labels a person reads at a glance)."""
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if value >= size:
            return f"{value / size:g}{unit}"
    return f"{value:g}"
