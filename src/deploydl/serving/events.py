"""The loan service's log stream: one JSON line per request, per decision and per error (Module 04).

A cluster's log pipeline (Kubernetes to Loki or Elasticsearch, Lambda to CloudWatch) cuts
what a process writes into events at each line break and indexes JSON fields. So every line
this service writes is one whole JSON object:

* ``deploydl.access``: one line per request (:func:`deploydl.serving.middleware.log_request`);
* ``deploydl.decisions``: one line per scored applicant (:func:`log_decisions`): request ID,
  applicant ID, model name and version, score, threshold, decision and reason codes, so a
  disputed decision can be found by applicant and traced to its request;
* ``deploydl.errors``: one line per model failure, the traceback a field of it
  (:class:`JsonLineFormatter`), never a dozen lines the pipeline would split apart.

:func:`log_to_stdout` switches all three on: ``deploydl serve`` calls it, and so should any
other entry point that builds the service (the AWS Lambda handler). In a notebook nothing is
written unless logging is configured, and nothing is formatted either. uvicorn's own lines
(a request its parser refuses, an unhandled error in the app with its traceback) come out in
the same format through :func:`uvicorn_log_config`, which ``deploydl serve`` gives uvicorn.
A server in a notebook (:class:`~deploydl.serving.local.LocalServer`) gives uvicorn
:func:`local_log_config` instead: its warnings and errors only, as plain text.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import orjson

from deploydl.serving.middleware import ACCESS_LOG, CourseLogHandler, log_to

DECISION_LOG = logging.getLogger("deploydl.decisions")
#: Logger of every model failure (:func:`deploydl.monitoring.service.score_and_log`), with its
#: request ID and traceback. ``deploydl serve`` prints it; in a notebook it stays quiet (a
#: library never writes to stderr unasked) unless logging is configured, and the prediction
#: log, if any, keeps the error too.
ERROR_LOG = logging.getLogger("deploydl.errors")
ERROR_LOG.addHandler(logging.NullHandler())
#: Fields a log call may attach (``extra=``) that :class:`JsonLineFormatter` writes out.
EVENT_FIELDS = ("event", "request_id", "model_name", "model_version", "error")


def log_decisions(*, request_id: str, model_name: str, model_version: str,
                  applicant_ids: Sequence[str | None], probabilities: Iterable[float],
                  threshold: float, decisions: Sequence[str],
                  reasons: Sequence[Sequence[str]]) -> None:
    """Write one JSON line per applicant (logger ``deploydl.decisions``), e.g.::

        {"event": "decision", "request_id": "9f2c...", "applicant_id": "A-17",
         "model_name": "loan-default", "model_version": "1.0.0",
         "probability_of_default": 0.60199, "threshold": 0.28, "decision": "refer",
         "reasons": ["late_payments", "income"]}

    ``reasons`` are the features of the reason codes (the texts are in the answer and the
    prediction log); the applicant's inputs are not written, so the log stream holds no more
    personal data than the ID needed to find the decision.
    """
    if not DECISION_LOG.isEnabledFor(logging.INFO):
        return  # nobody reads it (a notebook): skip the formatting too
    for ident, p, decision, codes in zip(applicant_ids, probabilities, decisions, reasons,
                                         strict=True):
        text = orjson.dumps({
            "event": "decision", "request_id": request_id, "applicant_id": ident,
            "model_name": model_name, "model_version": model_version,
            "probability_of_default": round(float(p), 6), "threshold": threshold,
            "decision": decision, "reasons": list(codes)}).decode()
        DECISION_LOG.handle(DECISION_LOG.makeRecord(DECISION_LOG.name, logging.INFO, "", 0,
                                                    text, (), None))


class JsonLineFormatter(logging.Formatter):
    """Each record as one JSON line: level, logger, message, the :data:`EVENT_FIELDS` the call
    attached, and the traceback (if any) as the field ``traceback``."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {"event": "log", "level": record.levelname,
                                   "logger": record.name, "message": record.getMessage()}
        line.update({k: record.__dict__[k] for k in EVENT_FIELDS if k in record.__dict__})
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return orjson.dumps(line, default=str).decode()


def log_to_stdout() -> None:
    """Write the access, decision and error lines, each one JSON object, to standard output
    (once, however often it is called): what a container's or a Lambda's log pipeline reads."""
    for logger in (ACCESS_LOG, DECISION_LOG):
        log_to(logger, sys.stdout)
    log_to(ERROR_LOG, sys.stdout, formatter=JsonLineFormatter())


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's logging set-up for ``uvicorn.Config(log_config=...)``: each of its lines one
    JSON object on standard output, in :class:`JsonLineFormatter`'s format, like the rest.

    uvicorn's default writes plain text to standard error, and a traceback ("Exception in
    ASGI application") as a dozen lines that a log pipeline would split into a dozen events.
    Here the logger ``uvicorn`` gets the one handler, and its children (``uvicorn.error``,
    ``uvicorn.access`` when the access log is on) write through it. Levels are uvicorn's as
    before: ``log_level`` still sets that of ``uvicorn.error``, and loggers already set up
    (the service's own) are left as they are.
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonLineFormatter}},
        "handlers": {"stdout": {"()": CourseLogHandler, "formatter": "json",
                                "stream": "ext://sys.stdout"}},
        "loggers": {"uvicorn": {"handlers": ["stdout"], "level": "INFO", "propagate": False}},
    }


def local_log_config() -> dict[str, Any]:
    """uvicorn's logging set-up for a server in a notebook or a test
    (:class:`~deploydl.serving.local.LocalServer`): warnings and errors only, each a plain
    line on standard error (``WARNING uvicorn.error: Invalid HTTP request received.``), an
    error's traceback under it.

    Nothing else: no start-up lines, no access lines, no colour codes. A notebook's outputs
    then show the server only when something went wrong, and the same text on every machine.
    uvicorn's default would colour its lines on a terminal, and its access lines, when
    switched on, would fill a cell's output with one line per request.
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
        "handlers": {"stderr": {"()": CourseLogHandler, "formatter": "plain",
                                "stream": "ext://sys.stderr"}},
        "loggers": {"uvicorn": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
                    "uvicorn.access": {"handlers": [], "level": "WARNING",
                                       "propagate": False}},
    }
