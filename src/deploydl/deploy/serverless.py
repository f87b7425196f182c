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

The code lives in two modules beside this one; import it from here:

* :mod:`~deploydl.deploy.hosting_costs`: Lambda's prices, the cold-start assumption,
  :class:`HostingCost` and :func:`compare_hosting`.
* :mod:`~deploydl.deploy.hosting_display`: the comparison in words (:func:`in_words`) and as a
  chart (:func:`hosting_chart`).

:func:`installed_mb` and the :class:`HostingChooser` widget stay here (the widget gallery
builds the widget from this module).
"""

from __future__ import annotations

import os
from pathlib import Path

from deploydl.deploy.hosting_costs import (
    KEEP_WARM_MINUTES,
    LAMBDA_PER_GB_SECOND,
    LAMBDA_PER_REQUEST,
    ONE_VCPU_GB,
    HostingCost,
    billed_ms,
    cold_start_share,
    compare_hosting,
    lambda_cost_per_request,
    requests_per_second,
)
from deploydl.deploy.hosting_display import hosting_chart, in_words
from deploydl.efficiency.costs import DEFAULT_PRICE_PER_CORE_HOUR

__all__ = [
    "KEEP_WARM_MINUTES",
    "LAMBDA_PER_GB_SECOND",
    "LAMBDA_PER_REQUEST",
    "ONE_VCPU_GB",
    "HostingChooser",
    "HostingCost",
    "billed_ms",
    "cold_start_share",
    "compare_hosting",
    "hosting_chart",
    "in_words",
    "installed_mb",
    "lambda_cost_per_request",
    "requests_per_second",
]


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
