"""A request playground for the lesson (Module 04): send good and bad requests, see answers.

The logic (:func:`example_requests`, :meth:`RequestPlayground.send`) is plain Python and is
tested without a browser: set ``playground.choice.value`` and read ``playground.last``.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any

import httpx

#: What each status code means, in the words a loan officer's system would log.
MEANINGS = {200: "OK: the model scored the request.",
            401: "Refused: no API key was sent.",
            403: "Refused: the API key is wrong.",
            413: "Refused: the request body is over the size limit.",
            422: "Refused: the request is malformed; the answer names the field."}


@dataclass(frozen=True)
class ExampleRequest:
    """One request to try: a body (JSON-able, or raw bytes) and the headers to send."""

    body: Any
    headers: dict[str, str] = field(default_factory=dict)


def example_requests(applicant: dict, *, api_key: str | None = None) -> dict[str, ExampleRequest]:
    """Good and bad requests built from one valid ``applicant``, by a short description."""
    key = {"X-API-Key": api_key} if api_key else {}
    missing = {k: v for k, v in applicant.items() if k != "late_payments"}
    examples = {
        "A good applicant": ExampleRequest(applicant, key),
        "A batch of three": ExampleRequest({"applicants": [applicant] * 3}, key),
        "Negative income": ExampleRequest({**applicant, "income": -1}, key),
        "Text where a number goes": ExampleRequest({**applicant, "debt_ratio": "high"}, key),
        "A missing field": ExampleRequest(missing, key),
        "A 2 MB body": ExampleRequest(b"x" * 2_000_000, key),
    }
    if api_key:
        examples["No API key"] = ExampleRequest(applicant)
        examples["A wrong API key"] = ExampleRequest(applicant, {"X-API-Key": "guess"})
    return examples


class RequestPlayground:
    """A dropdown of example requests; choosing one sends it to ``url`` and shows the answer.

    Parameters
    ----------
    url : str
        The running service, e.g. ``server.url``.
    applicant : dict
        A valid applicant; the bad requests are variations of it.
    api_key : str, optional
        The service's API key, if it has one (adds the 401 and 403 examples).
    """

    def __init__(self, url: str, applicant: dict, *, api_key: str | None = None) -> None:
        import ipywidgets as widgets

        from deploydl.present.panel import Panel

        self.url = url.rstrip("/")
        self.examples = example_requests(applicant, api_key=api_key)
        self.last: dict[str, Any] = {}
        self.choice = widgets.Dropdown(options=list(self.examples), description="Send:",
                                       layout=widgets.Layout(width="420px"))
        self.result = widgets.HTML()
        self.widget = Panel([self.choice, self.result], title="Request playground")
        self.choice.observe(lambda change: self.send(change["new"]), names="value")
        self.send(self.choice.value)

    def send(self, name: str) -> dict[str, Any]:
        """Send the example called ``name``; returns and shows ``status``, ``meaning``, ``body``."""
        example = self.examples[name]
        raw = isinstance(example.body, bytes)
        response = httpx.post(self.url + "/predict", headers=example.headers, timeout=10,
                              **{"content" if raw else "json": example.body})
        self.last = {"status": response.status_code,
                     "meaning": MEANINGS.get(response.status_code, "Unexpected answer."),
                     "body": response.json()}
        shown = json.dumps(self.last["body"], indent=2)
        self.result.value = (f"<b>{self.last['status']}</b> {html.escape(self.last['meaning'])}"
                             f"<pre>{html.escape(shown[:1500])}</pre>")
        return self.last
