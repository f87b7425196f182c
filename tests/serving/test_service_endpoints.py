"""Every endpoint, in-process (TestClient) AND against a real `deploydl serve` process."""

import json
import re

import httpx
import pytest
from fastapi.testclient import TestClient

from deploydl.serving import ServiceProcess, create_app
from deploydl.serving.middleware import WRONG_KEY_DETAIL
from deploydl.serving.server import app_from_artifact
from deploydl.settings import Settings

KEY = "s3cret-key"


@pytest.fixture(scope="module", params=["in_process", "real_process"])
def service(request, artifact_dir):
    """(client, log) for a service with an API key; log() returns the access log lines."""
    if request.param == "in_process":
        with TestClient(app_from_artifact(artifact_dir, Settings(api_key=KEY))) as client:
            yield client, None
        return
    with ServiceProcess(artifact_dir, api_key_env="TEST_DEPLOYDL_KEY",
                        env={"TEST_DEPLOYDL_KEY": KEY}) as server, \
            httpx.Client(base_url=server.url, timeout=30) as client:
        yield client, server


AUTH = {"X-API-Key": KEY}


def test_health_ready_and_model(service, artifact_dir):
    client, _ = service
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/ready").json() == {"status": "ready"}
    info = client.get("/model", headers=AUTH).json()
    manifest = json.loads((artifact_dir / "manifest.json").read_text(encoding="utf-8"))
    assert info["sha256"] == manifest["weights.safetensors"]
    assert info["version"] == "1.0.0" and info["torch_threads"] == 1
    assert info["training_data_sha256"] and len(info["features"]) == 7


def test_predict_one_and_a_batch_with_the_model_version(service, one_applicant):
    client, _ = service
    one = client.post("/predict", json=one_applicant, headers=AUTH).json()
    batch = client.post("/predict", json={"applicants": [one_applicant] * 4},
                        headers=AUTH).json()
    assert one["model_version"] == batch["model_version"] == "1.0.0"
    assert len(batch["predictions"]) == 4
    assert batch["predictions"][0] == one["predictions"][0]


@pytest.mark.parametrize("headers, status, detail", [
    ({}, 401, "missing API key: send it in the X-API-Key header"),
    ({"X-API-Key": "wrong"}, 403, WRONG_KEY_DETAIL),
])
def test_api_key_is_required(service, one_applicant, headers, status, detail):
    client, _ = service
    for response in (client.post("/predict", json=one_applicant, headers=headers),
                     client.get("/model", headers=headers)):
        assert (response.status_code, response.json()["detail"]) == (status, detail)


@pytest.mark.parametrize("change, field, message", [
    ({"income": -5}, "income", "greater than or equal to 0"),
    ({"debt_ratio": "high"}, "debt_ratio", "valid number"),
    ({"colour": "red"}, "colour", "Extra inputs are not permitted"),
])
def test_schema_error_is_a_422_naming_the_field(service, one_applicant, change, field, message):
    client, _ = service
    response = client.post("/predict", json={**one_applicant, **change}, headers=AUTH)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert response.json()["detail"].startswith(f"{field}: ") and message in response.text


@pytest.mark.parametrize("headers, content", [
    ({"Content-Type": "text/plain"}, None), ({}, None),
    ({"Content-Type": "application/x-www-form-urlencoded"}, b"income=1&age=2")])
def test_a_body_not_sent_as_json_is_told_the_content_type_to_send(service, one_applicant,
                                                                   headers, content):
    client, _ = service
    body = content if content is not None else json.dumps(one_applicant).encode()
    response = client.post("/predict", content=body, headers={**AUTH, **headers})
    assert response.status_code == 422
    assert response.json()["detail"] == ("body: Send the body as JSON, with the header "
                                         "Content-Type: application/json.")


@pytest.mark.parametrize("content, reason", [
    (b'{"income": "\xff"}', "it is not UTF-8 text; the byte at line 1, column 13"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply to read")])
def test_a_body_that_cannot_be_read_is_a_400_saying_why(service, content, reason):
    client, _ = service
    response = client.post("/predict", content=content,
                           headers={**AUTH, "Content-Type": "application/json"})
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail.startswith("request body is not valid JSON: ") and reason in detail


def test_batch_errors_name_the_applicant_and_the_field(service, one_applicant):
    client, _ = service
    body = {"applicants": [one_applicant, {**one_applicant, "late_payments": None}]}
    response = client.post("/predict", json=body, headers=AUTH)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "applicants.1.late_payments"


def test_body_over_the_limit_is_a_413_with_or_without_content_length(service):
    client, _ = service
    big = b"x" * 1_100_000
    declared = client.post("/predict", content=big, headers=AUTH)
    streamed = client.post("/predict", content=iter([big[:500_000], big[500_000:]]),
                           headers=AUTH)
    assert "content-length" not in streamed.request.headers  # chunked upload
    for response in (declared, streamed):
        assert response.status_code == 413 and "the limit is 1000000" in response.text


def test_docs_page_is_served_offline(service):
    client, _ = service
    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        assert re.findall(r"(?:https?:)?//[\w.-]+\.\w", html) == []
        for asset in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert client.get(asset).status_code == 200, asset
    assert "/predict" in client.get("/openapi.json").json()["paths"]


def test_metrics_count_requests_latency_errors_and_the_model(service, one_applicant):
    client, _ = service
    client.post("/predict", json=one_applicant, headers=AUTH)
    client.post("/predict", json={"income": "x"}, headers=AUTH)
    client.get("/no-such-page")
    text = client.get("/metrics").text
    assert re.search(r'deploydl_requests_total\{method="POST",path="/predict",status="200"\} '
                     r'[1-9]', text)
    assert 'deploydl_request_latency_seconds_bucket{le="0.1",path="/predict"}' in text
    assert re.search(r'deploydl_request_errors_total\{kind="client",path="/predict"\} [1-9]',
                     text)
    assert 'path="other"' in text and "/no-such-page" not in text
    assert re.search(r'deploydl_model_info\{name="loan-default",version="1.0.0"\} 1.0', text)
    assert not re.search(r"[0-9a-f]{64}", text)  # the weights hash is only behind the key


def test_a_method_the_client_makes_up_is_counted_as_other(model):
    """The ``method`` label comes from the client's bytes: made-up methods share one series,
    so a client cannot create time series without end."""
    client = TestClient(create_app(model))
    for method in ("BREW", "X-1", "X-2"):
        assert client.request(method, "/health").status_code == 405
    client.get("/health")
    text = client.get("/metrics").text
    assert re.search(r'deploydl_requests_total\{method="other",path="/health",status="405"\} '
                     r"3\.0", text)
    assert 'method="GET",path="/health",status="200"' in text
    assert "BREW" not in text and "X-1" not in text


def test_the_server_makes_every_request_id_and_keeps_the_clients_beside_it(service):
    client, server = service
    given = [client.get("/health", headers={"X-Request-ID": "trace-42"}) for _ in range(2)]
    bad = client.get("/health", headers={"X-Request-ID": "bad id with spaces"})
    long = client.get("/health", headers={"X-Request-ID": "x" * 65})
    ids = [r.headers["x-request-id"] for r in (*given, bad, long)]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids) and len(set(ids)) == 4
    assert [r.headers.get("x-client-request-id") for r in (*given, bad, long)] == \
        ["trace-42", "trace-42", None, None]
    if server is not None:
        records = [json.loads(line) for line in server.log.splitlines()
                   if line.startswith("{")]
        logged = next(r for r in records if r.get("request_id") == ids[0])
        assert (logged["path"], logged["status"], logged["method"]) == ("/health", 200, "GET")
        assert logged["client_request_id"] == "trace-42"


def test_answers_carry_security_headers(service, one_applicant):
    """nosniff on every answer; no-store where applicants' data or the weights hash goes out."""
    client, _ = service
    predict = client.post("/predict", json=one_applicant, headers=AUTH)
    refused = client.post("/predict", json=one_applicant)
    for answer in (predict, refused, client.get("/model", headers=AUTH)):
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["x-content-type-options"] == "nosniff"
    assert refused.status_code == 401
    for path in ("/health", "/metrics", "/docs", "/openapi.json"):
        answer = client.get(path)
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert "cache-control" not in answer.headers and "content-security-policy" not in \
            answer.headers


def test_the_dashboard_cannot_be_framed_or_cached(model, tmp_path):
    from deploydl.monitoring import PredictionLog

    log = PredictionLog(tmp_path / "log.db")
    client = TestClient(create_app(model, Settings(api_key=KEY), prediction_log=log))
    page = client.get("/dashboard", headers=AUTH)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == "frame-ancestors 'none'"
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-content-type-options"] == "nosniff"
    log.close()


def test_an_app_without_a_model_is_live_but_not_ready():
    client = TestClient(create_app(None, Settings()))
    assert client.get("/health").status_code == 200
    assert client.get("/ready").status_code == 503
    detail = client.get("/model").json()["detail"]
    assert detail.startswith("model not loaded") and "Retry when GET /ready answers 200" in detail


def test_with_a_key_only_probes_metrics_and_docs_are_public(model, tmp_path):
    from deploydl.monitoring import PredictionLog

    log = PredictionLog(tmp_path / "log.db")
    client = TestClient(create_app(model, Settings(api_key=KEY), prediction_log=log))
    public = ["/health", "/ready", "/metrics", "/docs", "/redoc", "/openapi.json"]
    assert [client.get(p).status_code for p in public] == [200] * len(public)
    for path in ("/dashboard", "/model", "/no-such-page"):
        assert client.get(path).status_code == 401
        assert client.get(path, headers=AUTH).status_code in (200, 404)
    assert client.get("/dashboard", headers=AUTH).status_code == 200
    spec = client.get("/openapi.json").json()["paths"]["/predict"]["post"]
    assert {"400", "401", "403", "408", "413", "422", "500", "503"} <= set(spec["responses"])
    assert spec["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ValidationFailed")
    log.close()


def test_without_a_key_the_api_page_lists_no_key_statuses(model):
    """A service without a key never answers 401 or 403, so its OpenAPI page must not list
    them (DESIGN.md: the document matches every status the service sends)."""
    paths = TestClient(create_app(model, Settings())).get("/openapi.json").json()["paths"]
    predict = set(paths["/predict"]["post"]["responses"])
    assert {"400", "408", "413", "422", "500", "503"} <= predict
    assert not {"401", "403"} & predict
    assert set(paths["/model"]["get"]["responses"]) == {"200", "503"}
