"""A small client for the prediction service, with errors a learner can act on.

It speaks HTTP through urllib3 on one kept-alive connection. httpx (the project's other
client, used by the load generator and the tests) took about 2 ms more per request on a 2-core
machine, most of a single prediction's round trip when the server runs in the same Python
process: Module 06 sends over a thousand single requests, one per applicant, as a loan system
would.
"""

from __future__ import annotations

import json
from typing import Any

import urllib3
from urllib3.exceptions import ConnectTimeoutError


class ServiceUnavailable(ConnectionError):
    """No server answered at the URL."""


class ServiceError(RuntimeError):
    """The service answered with an error status (4xx or 5xx).

    ``status_code`` is the HTTP status; ``body`` is the answer's text, which says what was
    wrong (for a 422, the field and the rule it broke).
    """

    def __init__(self, message: str, *, status_code: int, body: str) -> None:
        super().__init__(message)
        self.status_code, self.body = status_code, body


class ServiceClient:
    """Call the service at ``url`` (for example ``server.url`` of a LocalServer).

    Each method returns the decoded JSON body. A server that is not running raises
    :class:`ServiceUnavailable` quickly instead of hanging; an error status raises
    :class:`ServiceError` with the answer's text. ``timeout`` (seconds) bounds each request.
    """

    def __init__(self, url: str, *, api_key: str | None = None, timeout: float = 5.0) -> None:
        self.url = url.rstrip("/")
        self._prefix = urllib3.util.parse_url(self.url).path or ""
        self._headers = {"Content-Type": "application/json"}
        if api_key:
            self._headers["X-API-Key"] = api_key
        # retries=False: a prediction is logged when it is made, so a request is never sent
        # twice behind the caller's back. A kept-alive connection the server has closed is
        # noticed before reuse and replaced.
        self._http = urllib3.connection_from_url(self.url, timeout=urllib3.Timeout(timeout),
                                                 retries=False, maxsize=1)

    def health(self) -> dict[str, Any]:
        return self._call("GET", "/health")

    def ready(self) -> dict[str, Any]:
        return self._call("GET", "/ready")

    def predict(self, applicants: dict | list[dict]) -> dict[str, Any]:
        """Score one applicant (a dict) or several (a list of dicts)."""
        body = {"applicants": applicants} if isinstance(applicants, list) else applicants
        return self._call("POST", "/predict", body=body)

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        payload = None if body is None else json.dumps(body).encode()
        try:
            response = self._http.request(method, self._prefix + path, body=payload,
                                          headers=self._headers)
        except ConnectTimeoutError:  # refused (NewConnectionError) or no answer to connect
            raise ServiceUnavailable(
                f"No server is answering at {self.url}. Start it (LocalServer(...).start() or "
                "`deploydl serve`) and check the URL.") from None
        text = response.data.decode()
        if response.status >= 400:
            raise ServiceError(f"{method} {path} answered {response.status}: {text}",
                               status_code=response.status, body=text)
        return json.loads(text)
