"""A small client for the prediction service, with errors a learner can act on."""

from __future__ import annotations

from typing import Any

import httpx


class ServiceUnavailable(ConnectionError):
    """No server answered at the URL."""


class ServiceClient:
    """Call the service at ``url`` (for example ``server.url`` of a LocalServer).

    Each method returns the decoded JSON body. A server that is not running raises
    :class:`ServiceUnavailable` quickly instead of hanging.
    """

    def __init__(self, url: str, *, api_key: str | None = None, timeout: float = 5.0) -> None:
        self.url = url.rstrip("/")
        headers = {"X-API-Key": api_key} if api_key else {}
        self._http = httpx.Client(base_url=self.url, headers=headers, timeout=timeout)

    def health(self) -> dict[str, Any]:
        return self._call("GET", "/health")

    def ready(self) -> dict[str, Any]:
        return self._call("GET", "/ready")

    def predict(self, applicants: dict | list[dict]) -> dict[str, Any]:
        """Score one applicant (a dict) or several (a list of dicts)."""
        body = {"applicants": applicants} if isinstance(applicants, list) else applicants
        return self._call("POST", "/predict", json=body)

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self._http.request(method, path, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout):
            raise ServiceUnavailable(
                f"No server is answering at {self.url}. Start it (LocalServer(...).start() or "
                "`deploydl serve`) and check the URL.") from None
        if response.status_code >= 400:
            raise httpx.HTTPStatusError(
                f"{method} {path} answered {response.status_code}: {response.text}",
                request=response.request, response=response)
        return response.json()
