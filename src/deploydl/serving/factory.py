"""Pieces every service of the course is built from (Modules 04 and 05).

* :func:`new_app`: a FastAPI app whose API docs load nothing from a CDN (``fastapi-offline``);
* :func:`add_guards`: the middleware stack (access log and metrics, API key checked before the
  body is read, body limit and read deadline);
* :data:`ERROR_RESPONSES` and :func:`validation_failed`: one error contract, documented in the
  OpenAPI page exactly as it is sent;
* :class:`JsonBodyRoute`: a route whose JSON body pydantic parses straight from the bytes, for
  the endpoint that takes the load (the cheque-digit ``/predict``).

What stays public when the service has an API key is decided here, in :data:`PUBLIC_PATHS`:
the probes (``/health``, ``/ready``), ``/metrics`` (counts and the model's name and version,
never its hash or any applicant data) and the API docs. Everything else needs the key:
``/predict``, ``/model`` (the weights hash) and ``/dashboard`` (the traffic's totals, drift
and alerts).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException
from starlette.routing import Match, Mount, Route

from deploydl.integrity import json_problem
from deploydl.serving.metrics import ServiceMetrics
from deploydl.serving.middleware import AccessLog, ApiKeyGate, BodyLimit
from deploydl.serving.schemas import Applicant, ErrorDetail, FieldError, ValidationFailed
from deploydl.settings import Settings

#: Paths that answer without the API key (see the module docstring for why).
PUBLIC_PATHS = frozenset({"/health", "/ready", "/metrics", "/docs", "/docs/oauth2-redirect",
                          "/redoc", "/openapi.json"})
#: Where fastapi-offline serves the docs' JavaScript and CSS (public, like the docs).
DOCS_ASSETS = "/static-offline-docs"
#: Probes that answer HEAD as well as GET: health checkers (load balancers, uptime monitors)
#: often ask with HEAD, and a 405 there would count as the service being down.
HEAD_PROBES = ("/health", "/ready")
#: The two bodies the loan service's POST /predict takes, as its errors name them.
PREDICT_BODIES = 'one applicant, or {"applicants": [...]}'


def is_public(path: str) -> bool:
    """True for a path that needs no API key."""
    return path in PUBLIC_PATHS or path.startswith(DOCS_ASSETS + "/")


def _error(description: str, model: type = ErrorDetail) -> dict[str, Any]:
    return {"model": model, "description": description}


#: Every error status a request with a body can get, as documented in the OpenAPI page.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _error("The body is empty or not valid JSON; the detail says which, with the line "
                "and column of the first error."),
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
    app.exception_handler(HTTPException)(http_error)
    return app


def add_guards(app: FastAPI, settings: Settings, metrics: ServiceMetrics, *,
               headers: Sequence[tuple[bytes, bytes]] = (),
               path_headers: Mapping[str, Sequence[tuple[bytes, bytes]]] | None = None,
               ) -> None:
    """Add, innermost first: body limit and deadline, API key gate, access log and metrics.

    Call it last, once every route is in place (unknown paths are counted as "other"); the
    probes in :data:`HEAD_PROBES` then answer HEAD too. ``headers`` go on every answer,
    ``path_headers[path]`` on that path's answers (added by the access log, in the pass that
    adds the request ID: no extra layer).
    """
    _answer_head(app, HEAD_PROBES)
    known = frozenset(route.path for route in app.routes if isinstance(route, Route | Mount))
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes,
                       read_timeout=settings.read_timeout_s)
    app.add_middleware(ApiKeyGate, api_key=settings.api_key, public=is_public)
    app.add_middleware(AccessLog, metrics=metrics,
                       route_of=lambda path: path if path in known else "other",
                       headers=headers, path_headers=path_headers)


def _answer_head(app: FastAPI, paths: Sequence[str]) -> None:
    """Let the GET routes at ``paths`` answer HEAD too (the same answer; the server sends no
    body for a HEAD). A twin route, left out of the API docs: one route with both methods
    would list the same operation twice there."""
    gets = [r for r in app.routes if isinstance(r, APIRoute) and "GET" in (r.methods or ())]
    for route in gets:
        if route.path in paths:
            app.router.add_api_route(route.path, route.endpoint, methods=["HEAD"],
                                     response_model=route.response_model,
                                     dependencies=route.dependencies, include_in_schema=False)


class JsonBodyRoute(APIRoute):
    """A route for ``endpoint(body: Model) -> Response`` whose body pydantic parses from bytes.

    FastAPI's own handler decodes the JSON into Python lists and dicts, validates those, and
    solves the endpoint's dependencies, on every request. For the cheque-digit ``/predict``
    (one 8x8 image, about 300 bytes) that was most of the service's work outside the model:
    83 microseconds a request in process, against 49 for the same endpoint reading the bytes
    itself (Module 05's layer table measures the service end to end). Pydantic's JSON parser
    checks types, ranges and shapes in one pass over the bytes.

    The route is documented like any other (the OpenAPI page shows the same body schema), and
    its errors follow the same contract: a body that is not JSON gets a 400 naming the line
    and column, a wrong field a 422 naming the field, a missing body or a body sent without
    ``Content-Type: application/json`` a 422 that says so. The endpoint takes exactly one
    parameter, the body model, and returns a ready :class:`~fastapi.Response` (no response
    model encoding); a plain ``def`` runs in the thread pool, as FastAPI would run it.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        model, endpoint = _body_model(self), self.endpoint
        in_pool = not inspect.iscoroutinefunction(endpoint)

        async def handler(request: Request) -> Response:
            raw = await request.body()
            body = _parse_body(model, raw, request.headers.get("content-type"))
            return await (run_in_threadpool(endpoint, body) if in_pool else endpoint(body))

        return handler


def _body_model(route: APIRoute) -> type[BaseModel]:
    dependant = route.dependant
    others = (dependant.query_params, dependant.path_params, dependant.header_params,
              dependant.cookie_params, dependant.dependencies)
    body = dependant.body_params
    model = body[0].field_info.annotation if len(body) == 1 else None
    if any(others) or not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise TypeError(f"JsonBodyRoute serves an endpoint with one parameter, a pydantic "
                        f"model for the body; {route.path} has another signature. Use "
                        "FastAPI's usual route for it.")
    return model


def _parse_body(model: type[BaseModel], raw: bytes, content_type: str | None) -> BaseModel:
    """``model`` from the JSON bytes, or the :class:`RequestValidationError` FastAPI raises."""
    errors: list[dict[str, Any]]
    if not raw:
        errors = [{"type": "missing", "loc": ("body",), "msg": "Field required",
                   "input": None}]
    elif not _is_json(content_type):
        errors = _not_json_errors(content_type)
    else:
        try:
            return model.model_validate_json(raw)
        except ValidationError as exc:
            errors = [{**error, "loc": ("body", *error["loc"])}
                      for error in exc.errors(include_url=False)]
    raise RequestValidationError(errors, body=raw)


def _not_json_errors(content_type: str | None) -> list[dict[str, Any]]:
    return [{"type": "content_type", "loc": ("body",), "input": content_type,
             "msg": "Send the body as JSON, with the header Content-Type: application/json."}]


def _is_json(content_type: str | None) -> bool:
    media = (content_type or "").partition(";")[0].strip().lower()
    return media == "application/json" or (media.startswith("application/")
                                           and media.endswith("+json"))


_TAGS = {"applicant", "batch"}


#: The most field errors a 422 lists; the detail counts them all. A batch of empty objects
#: has seven errors per applicant: listing them all made a 90 KB body a 17.8 MB answer.
MOST_FIELD_ERRORS = 20


def field_errors(errors: Sequence[dict]) -> ValidationFailed:
    """The 422 body: one entry per wrong field (the first :data:`MOST_FIELD_ERRORS`), with the
    value received written as JSON, and a detail that counts them all."""
    rows = []
    for error in errors[:MOST_FIELD_ERRORS]:
        path = [str(p) for p in error.get("loc", ())[1:] if p not in _TAGS]
        received = json.dumps(error.get("input"), ensure_ascii=False, default=str)
        rows.append(FieldError(field=".".join(path) or "body", message=error.get("msg", ""),
                               received=received[:77] + "..." if len(received) > 80
                               else received))
    summary = f"{rows[0].field}: {rows[0].message}" if rows else "body: invalid"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    if len(errors) > MOST_FIELD_ERRORS:
        more += f"; the first {MOST_FIELD_ERRORS} are listed"
    return ValidationFailed(detail=summary + more, errors=rows)


async def validation_failed(request: Request, exc: RequestValidationError) -> JSONResponse:
    """400 for a body that is empty or not JSON (with line and column), else 422 naming each
    field; a body with an applicant's fields beside ``applicants`` is one 422 that says so."""
    errors = exc.errors()
    broken = next((e for e in errors if e.get("type") == "json_invalid"), None)
    if broken is not None:
        return JSONResponse({"detail": _json_message(broken, exc.body)}, status_code=400)
    if exc.body is None and any(_is_missing_body(e) for e in errors):
        # FastAPI's own routes pass no body at all when no bytes came (JsonBodyRoute passes b"")
        return JSONResponse({"detail": "request body is empty: send one JSON object "
                             f"({PREDICT_BODIES}) with Content-Type: application/json."},
                            status_code=400)
    content_type = request.headers.get("content-type")
    if exc.body not in (None, b"") and not _is_json(content_type):
        # FastAPI did not read a body sent as text or a form as JSON: say what to send
        errors = _not_json_errors(content_type)
    return JSONResponse(field_errors(_both_kinds(errors) or errors).model_dump(),
                        status_code=422)


def _is_missing_body(error: dict) -> bool:
    return error.get("type") == "missing" and tuple(error.get("loc", ())) == ("body",)


def _both_kinds(errors: Sequence[dict]) -> list[dict]:
    """One error for a batch that also carries an applicant's own fields (``income`` beside
    ``applicants``), in place of an "Extra inputs" error for each; [] for any other errors."""
    extras = [e["loc"][2] for e in errors if e.get("type") == "extra_forbidden"
              and tuple(e.get("loc", ()))[:2] == ("body", "batch")]
    mixed = sorted({str(key) for key in extras if key in Applicant.model_fields})
    if not mixed:
        return []
    return [{"loc": ("body",), "input": mixed,
             "msg": f"'applicants' and an applicant's own fields ({', '.join(mixed)}) in "
                    f"one body: send either {PREDICT_BODIES}, not both."}]


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's HTTP errors, each said as one sentence of what was wrong and what to do:
    an unknown path (404) names the endpoints, a wrong method (405) the ones allowed, a
    body FastAPI cannot decode (400) why; other HTTP errors as their raiser worded them."""
    assert isinstance(exc, HTTPException)  # the only exception this handler is registered for
    if exc.status_code == 404 and exc.detail == "Not Found":
        return await _reworded(request, exc, _not_found(request))
    if exc.status_code == 405 and exc.detail == "Method Not Allowed":
        allowed = _allowed_methods(request) or (exc.headers or {}).get("Allow", "")
        return await _reworded(request, exc, (
            f"{request.method} is not allowed on {request.url.path}: it answers "
            f"{allowed or 'other methods'}. See the API docs (/docs) for how to call it."),
            headers={**(exc.headers or {}), "Allow": allowed})
    return await body_unreadable(request, exc)


def _not_found(request: Request) -> str:
    """The 404's detail: the path asked for and the endpoints there are."""
    endpoints = [f"{'/'.join(sorted(set(route.methods or ()) - {'HEAD'}))} {route.path}"
                 for route in request.app.routes
                 if isinstance(route, APIRoute) and route.include_in_schema]
    return (f"no endpoint at {request.url.path}: this service answers "
            f"{', '.join(endpoints)}. Check the path; the API docs (/docs) describe each one.")


def _allowed_methods(request: Request) -> str:
    """The methods of every route at the request's path, e.g. "GET, HEAD" for /health
    (Starlette's Allow header names only the first route's: GET, without the HEAD twin)."""
    methods = {method for route in request.app.routes
               if isinstance(route, Route) and route.methods
               and route.matches(request.scope)[0] is not Match.NONE
               for method in route.methods}
    return ", ".join(sorted(methods))


async def _reworded(request: Request, exc: HTTPException, detail: str, *,
                    headers: Mapping[str, str] | None = None) -> Response:
    """``exc`` with ``detail`` in place of its own (and ``headers``, if given, for its own)."""
    return await http_exception_handler(request, HTTPException(
        exc.status_code, detail=detail, headers=exc.headers if headers is None else headers))


async def body_unreadable(request: Request, exc: HTTPException) -> Response:
    """FastAPI's bare 400 "There was an error parsing the body", said plainly: a body that is
    not UTF-8 (with line and column), nested too deeply to read, or with an integer too long
    for Python to read. Other HTTP errors as usual."""
    cause = exc.__cause__
    if exc.status_code == 400 and isinstance(cause, ValueError | RecursionError):
        reason = json_problem(cause)  # the words every JSON file gets
        return JSONResponse({"detail": f"request body is not valid JSON: {reason}. Send one "
                             "JSON object, encoded as UTF-8 and shaped as the API docs (/docs) "
                             "show for this endpoint."}, status_code=400)
    return await http_exception_handler(request, exc)


def _json_message(error: dict, document: object) -> str:
    reason = (error.get("ctx") or {}).get("error", "not valid JSON")
    position = error.get("loc", ("body", 0))[-1]
    text = document if isinstance(document, str) else ""
    where = ""
    if isinstance(position, int) and 0 <= position <= len(text):
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        where = f" at line {line}, column {column}"
    return (f"request body is not valid JSON: {reason}{where}. Send one JSON object, shaped "
            "as the API docs (/docs) show for this endpoint.")
