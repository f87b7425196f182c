"""Pieces every service of the course is built from (Modules 04 and 05).

* :func:`new_app`: a FastAPI app whose API docs load nothing from a CDN (``fastapi-offline``);
* :func:`add_guards`: the middleware stack (access log and metrics, API key checked before the
  body is read, body limit and read deadline);
* :data:`ERROR_RESPONSES` and :func:`validation_failed`: one error contract, documented in the
  OpenAPI page exactly as it is sent.

What stays public when the service has an API key is decided here, in :data:`PUBLIC_PATHS`:
the probes (``/health``, ``/ready``), ``/metrics`` (counts and the model's name and version,
never its hash or any applicant data) and the API docs. Everything else needs the key:
``/predict``, ``/model`` (the weights hash) and ``/dashboard`` (applicants' inputs).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from starlette.routing import Mount, Route

from deploydl.serving.metrics import ServiceMetrics
from deploydl.serving.middleware import AccessLog, ApiKeyGate, BodyLimit
from deploydl.serving.schemas import ErrorDetail, FieldError, ValidationFailed
from deploydl.settings import Settings

#: Paths that answer without the API key (see the module docstring for why).
PUBLIC_PATHS = frozenset({"/health", "/ready", "/metrics", "/docs", "/docs/oauth2-redirect",
                          "/redoc", "/openapi.json"})
#: Where fastapi-offline serves the docs' JavaScript and CSS (public, like the docs).
DOCS_ASSETS = "/static-offline-docs"


def is_public(path: str) -> bool:
    """True for a path that needs no API key."""
    return path in PUBLIC_PATHS or path.startswith(DOCS_ASSETS + "/")


def _error(description: str, model: type = ErrorDetail) -> dict[str, Any]:
    return {"model": model, "description": description}


#: Every error status a request with a body can get, as documented in the OpenAPI page.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _error("The body is not valid JSON; the detail names the line and column."),
    401: _error("No API key was sent (only when the service has one)."),
    403: _error("The API key was not accepted."),
    408: _error("The body did not arrive within the read deadline."),
    413: _error("The body is larger than the limit."),
    422: _error("A field is missing, of the wrong type or out of range; one entry per field.",
                ValidationFailed),
    503: _error("The model is not loaded yet."),
    500: _error("The model failed or gave no valid score; nobody is approved on it. The "
                "request ID is in the detail and the error in the service log."),
}
#: The error statuses of a GET that needs the key.
KEY_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: ERROR_RESPONSES[status] for status in (401, 403, 503)}


def new_app(*, title: str, description: str, lifespan: Callable) -> FastAPI:
    """A FastAPI app with offline API docs and the course's error contract."""
    app = FastAPIOffline(title=title, description=description, lifespan=lifespan,
                         swagger_ui_parameters={"validatorUrl": None})
    app.exception_handler(RequestValidationError)(validation_failed)
    return app


def add_guards(app: FastAPI, settings: Settings, metrics: ServiceMetrics) -> None:
    """Add, innermost first: body limit and deadline, API key gate, access log and metrics.

    Call it last, once every route is in place (unknown paths are counted as "other").
    """
    known = frozenset(route.path for route in app.routes if isinstance(route, Route | Mount))
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes,
                       read_timeout=settings.read_timeout_s)
    app.add_middleware(ApiKeyGate, api_key=settings.api_key, public=is_public)
    app.add_middleware(AccessLog, metrics=metrics,
                       route_of=lambda path: path if path in known else "other")


_TAGS = {"applicant", "batch"}


def field_errors(errors: Sequence[dict]) -> ValidationFailed:
    """The 422 body: one entry per wrong field, with a short printable copy of the value."""
    rows = []
    for error in errors:
        path = [str(p) for p in error.get("loc", ())[1:] if p not in _TAGS]
        received = repr(error.get("input"))
        rows.append(FieldError(field=".".join(path) or "body", message=error.get("msg", ""),
                               received=received[:77] + "..." if len(received) > 80
                               else received))
    summary = f"{rows[0].field}: {rows[0].message}" if rows else "body: invalid"
    more = f" (and {len(rows) - 1} more)" if len(rows) > 1 else ""
    return ValidationFailed(detail=summary + more, errors=rows)


async def validation_failed(request: Request, exc: RequestValidationError) -> JSONResponse:
    """400 for a body that is not JSON (with line and column), else 422 naming each field."""
    errors = exc.errors()
    broken = next((e for e in errors if e.get("type") == "json_invalid"), None)
    if broken is not None:
        return JSONResponse({"detail": _json_message(broken, exc.body)}, status_code=400)
    return JSONResponse(field_errors(errors).model_dump(), status_code=422)


def _json_message(error: dict, document: object) -> str:
    reason = (error.get("ctx") or {}).get("error", "not valid JSON")
    position = error.get("loc", ("body", 0))[-1]
    text = document if isinstance(document, str) else ""
    where = ""
    if isinstance(position, int) and 0 <= position <= len(text):
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        where = f" at line {line}, column {column}"
    return (f"request body is not valid JSON: {reason}{where}. Send a JSON object, for "
            "example one applicant's fields, or {\"applicants\": [...]} for a batch.")
