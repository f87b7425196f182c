"""A small client for the prediction service, with errors a learner can act on.

It speaks HTTP through urllib3 on one kept-alive connection. httpx (the project's other
client, used by the load generator and the tests) took about 2 ms more per request on a 2-core
machine, most of a single prediction's round trip when the server runs in the same Python
process: Module 06 sends over a thousand single requests, one per applicant, as a loan system
would.
"""

from __future__ import annotations

import json
import os
from typing import Any

import urllib3
from urllib3.exceptions import ConnectTimeoutError, ProtocolError, ReadTimeoutError


class ServiceUnavailable(ConnectionError):
    """No server answered at the URL, or it stopped answering in the middle of a request."""


class ServiceError(RuntimeError):
    """The service answered with an error status (4xx or 5xx), or with an answer that is not
    the course's service's (a redirect, or another program answering at the URL, in JSON or
    not), whatever its status.

    ``status_code`` is the HTTP status; ``body`` is the answer's text, which says what was
    wrong (for a 422, the field and the rule it broke).
    """

    def __init__(self, message: str, *, status_code: int, body: str) -> None:
        super().__init__(message)
        self.status_code, self.body = status_code, body


#: The field the course's service always puts in its answer to each path: a JSON answer
#: without it comes from another program at the URL.
ANSWER_FIELD = {"/health": "status", "/ready": "status", "/predict": "predictions"}


class ServiceClient:
    """Call the service at ``url`` (for example ``server.url`` of a LocalServer).

    Each method returns the decoded JSON body. A server that is not running, does not answer
    within ``timeout`` seconds, or hangs up before its answer is complete raises
    :class:`ServiceUnavailable`, which says what to check; an error status, or an answer that
    is not the service's (not JSON, or a JSON answer without the field the service's answer
    to that path always has), raises :class:`ServiceError` with the answer's text.

    Without ``api_key`` the client sends the key in ``DEPLOYDL_API_KEY``, if set: a service
    built without explicit settings reads the same variable, so a key exported in the shell
    that started Jupyter reaches both ends.
    """

    def __init__(self, url: str, *, api_key: str | None = None, timeout: float = 5.0) -> None:
        self.url = url.rstrip("/")
        self._prefix = urllib3.util.parse_url(self.url).path or ""
        self._headers = {"Content-Type": "application/json"}
        if api_key is None:
            api_key = os.environ.get("DEPLOYDL_API_KEY")
        if api_key:
            self._headers["X-API-Key"] = api_key
        self._timeout = timeout
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
                f"No server is answering at {self.url}: the service has stopped, or was "
                "never started there (a service stops when it is closed and when the "
                "notebook's kernel restarts). Run the cell or command that starts it again "
                "(e.g. `deploydl serve`), and check the URL.") from None
        except ReadTimeoutError:
            raise ServiceUnavailable(
                f"{method} {path}: no answer from {self.url} within {self._timeout:g} s. The "
                "service may be overloaded or stuck, and it may still have scored the request. "
                f"Check {self.url}/health before sending it again, or give ServiceClient a "
                "longer timeout.") from None
        except ProtocolError:
            raise ServiceUnavailable(
                f"{method} {path}: the server at {self.url} closed the connection without a "
                "complete answer: it may have stopped or restarted. Check that it is running "
                f"({self.url}/health) before sending the request again.") from None
        text = response.data.decode(errors="replace")
        try:
            answer = json.loads(text)
        except json.JSONDecodeError:
            raise ServiceError(self._not_json(method, path, response, text),
                               status_code=response.status, body=text) from None
        if response.status >= 400:
            raise ServiceError(f"{method} {path} answered {response.status}: {text}",
                               status_code=response.status, body=text)
        field = ANSWER_FIELD[path]
        if not isinstance(answer, dict) or field not in answer:
            raise ServiceError(self._not_service(
                f"{method} {path} answered {response.status} in JSON without the "
                f"{field!r} field the course's service always sends", text),
                status_code=response.status, body=text)
        return answer

    def _not_json(self, method: str, path: str, response: Any, text: str) -> str:
        """What to tell a caller whose answer is not JSON: the course's service answers
        everything, errors too, in JSON, so a redirect points elsewhere (its ``Location``),
        and any other such answer comes from another program at the URL."""
        said = f"{method} {path} answered {response.status}"
        if 300 <= response.status < 400:
            return (f"{said}, a redirect to {response.headers.get('Location')!r}: the service "
                    f"is not at {self.url}. Give ServiceClient the URL the service printed "
                    "when it started.")
        return self._not_service(f"{said}, but not with JSON", text)

    def _not_service(self, said: str, text: str) -> str:
        """What to tell a caller whose answer, ``text``, shows that another program answered
        at the URL; ``said`` is how the answer gave it away."""
        began = f"It began: {text[:80]!r}" if text else "Its answer was empty"
        return (f"{said}, so the program at {self.url} is not the course's service (another "
                f"program may use that port). {began}. Check the URL and port the service "
                "printed when it started.")
