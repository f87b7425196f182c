"""Prometheus metrics for one app (Module 04 teaches reading them, Module 06 alerting on them).

Each app gets its own :class:`~prometheus_client.CollectorRegistry`, never the global one, so
a notebook or a test can build many apps in one process without "duplicated timeseries" errors.
With ``--workers N`` each worker process counts its own requests.
"""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

#: Upper bounds of the latency buckets, in seconds (1 ms to 5 s).
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
#: The methods counted under their own name: RFC 9110's eight, PATCH, and "-" for a request
#: the HTTP parser refused (:mod:`deploydl.serving.guard`). Any other method a client sends
#: is counted as "other", so it cannot add time series of its own.
METHOD_LABELS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS",
                           "TRACE", "PATCH", "-"})


class ServiceMetrics:
    """Request count, latency histogram, errors, predictions and the model being served.

    Metric names (what a dashboard or alert queries):

    * ``deploydl_requests_total{method, path, status}``: requests answered (``method`` is
      one of :data:`METHOD_LABELS`, or "other");
    * ``deploydl_request_latency_seconds{path}``: time from request to response, seconds;
    * ``deploydl_request_errors_total{path, kind}``: answers with status 4xx (``client``) or
      5xx (``server``);
    * ``deploydl_predictions_total``: applicants scored;
    * ``deploydl_inputs_out_of_range_total{feature}``: inputs outside the training range (the
      model was extrapolating: watch it, Module 06);
    * ``deploydl_model_info{name, version}``: 1 for the model being served. The weights hash
      is not here: ``/metrics`` is public, and the hash is shown only by ``/model``, behind
      the API key.
    """

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("deploydl_requests_total", "Requests answered.",
                                ["method", "path", "status"], registry=self.registry)
        self.latency = Histogram("deploydl_request_latency_seconds",
                                 "Time to answer a request, in seconds.", ["path"],
                                 buckets=LATENCY_BUCKETS, registry=self.registry)
        self.errors = Counter("deploydl_request_errors_total",
                              "Requests answered with a 4xx (client) or 5xx (server) status.",
                              ["path", "kind"], registry=self.registry)
        self.predictions = Counter("deploydl_predictions_total", "Applicants scored.",
                                   registry=self.registry)
        self.out_of_range = Counter("deploydl_inputs_out_of_range_total",
                                    "Inputs outside the range seen in training.", ["feature"],
                                    registry=self.registry)
        self._series: dict[tuple[str, str, int], tuple] = {}
        self.model_info = Gauge("deploydl_model_info", "1 for the model being served.",
                                ["name", "version"], registry=self.registry)

    def set_model(self, name: str, version: str) -> None:
        """Record which model is served (the only labelled series set to 1)."""
        self.model_info.clear()
        self.model_info.labels(name=name, version=version).set(1)

    def observe(self, *, method: str, path: str, status: int, seconds: float) -> None:
        """Count one answered request.

        The labelled series are looked up once per (method, path, status) and kept: a
        ``labels()`` call takes a lock and builds a key, on every request otherwise. A method
        outside :data:`METHOD_LABELS` is counted, and kept, as "other": whatever methods a
        client makes up, they add neither time series nor kept entries.
        """
        series = self._series.get((method, path, status)) or self._new_series(method, path,
                                                                              status)
        requests, latency, errors = series
        requests.inc()
        latency.observe(seconds)
        if errors is not None:
            errors.inc()

    def _new_series(self, method: str, path: str, status: int) -> tuple:
        """The series of a (method, path, status) not looked up before, or of a method outside
        :data:`METHOD_LABELS` (kept under "other")."""
        key = (method if method in METHOD_LABELS else "other", path, status)
        series = self._series.get(key)
        if series is None:
            errors = (self.errors.labels(path=path, kind="server" if status >= 500 else "client")
                      if status >= 400 else None)
            series = self._series[key] = (
                self.requests.labels(method=key[0], path=path, status=str(status)),
                self.latency.labels(path=path), errors)
        return series

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric above."""
        return generate_latest(self.registry)
