"""JsonBodyRoute: the body parsed by pydantic from the bytes, with FastAPI's docs and errors."""

from __future__ import annotations

import contextlib

import orjson
import pytest
from fastapi import FastAPI, Response
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from deploydl.serving.factory import ERROR_RESPONSES, JsonBodyRoute, new_app


class Reading(BaseModel):
    pixels: list[float] = Field(..., min_length=2)


async def total(body: Reading) -> Response:
    return Response(orjson.dumps({"total": sum(body.pixels)}), media_type="application/json")


def threaded_total(body: Reading) -> Response:
    return Response(orjson.dumps({"total": sum(body.pixels)}), media_type="application/json")


def _app(endpoint, route_class=JsonBodyRoute) -> FastAPI:
    app = new_app(title="t", description="d", lifespan=_nothing)
    app.router.add_api_route("/sum", endpoint, methods=["POST"], responses=ERROR_RESPONSES,
                             route_class_override=route_class)
    return app


@contextlib.asynccontextmanager
async def _nothing(app):
    yield


@pytest.mark.parametrize("endpoint", [total, threaded_total], ids=["async", "def"])
def test_a_valid_body_reaches_the_endpoint(endpoint):
    with TestClient(_app(endpoint)) as client:
        reply = client.post("/sum", json={"pixels": [0.25, 0.5]})
    assert reply.status_code == 200 and reply.json() == {"total": 0.75}


def test_errors_follow_the_services_contract():
    with TestClient(_app(total)) as client:
        broken = client.post("/sum", content=b'{"pixels": [0.5,',
                             headers={"content-type": "application/json"})
        short = client.post("/sum", json={"pixels": [0.5]})
        wrong = client.post("/sum", json={"pixels": [0.5, "dark"]})
        empty = client.post("/sum", headers={"content-type": "application/json"})
        as_text = client.post("/sum", content=b'{"pixels": [0.5, 0.5]}',
                              headers={"content-type": "text/plain"})
    assert broken.status_code == 400
    assert broken.json()["detail"].startswith("request body is not valid JSON: EOF while "
                                              "parsing a value at line 1 column 16. Send one "
                                              "JSON object, shaped as the API docs")
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "pixels"
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "pixels.1"
    assert empty.status_code == 422 and empty.json()["detail"] == "body: Field required"
    assert as_text.status_code == 422
    assert "Content-Type: application/json" in as_text.json()["detail"]


def test_json_subtypes_and_parameters_count_as_json():
    with TestClient(_app(total)) as client:
        for media in ("application/json; charset=utf-8", "application/vnd.bank+json"):
            reply = client.post("/sum", content=b'{"pixels": [1, 2]}',
                                headers={"content-type": media})
            assert reply.status_code == 200, media


def test_the_api_docs_show_the_same_body_as_fastapis_own_route():
    from fastapi.routing import APIRoute

    def body_schema(route_class):
        spec = _app(total, route_class).openapi()
        return spec["paths"]["/sum"]["post"]["requestBody"], spec["components"]["schemas"]

    assert body_schema(JsonBodyRoute) == body_schema(APIRoute)


def test_an_endpoint_with_other_parameters_is_refused_with_what_to_do():
    async def with_query(body: Reading, scale: int = 1) -> Response:
        return Response(b"{}")

    with pytest.raises(TypeError, match="one parameter, a pydantic model.*usual route"):
        _app(with_query)
