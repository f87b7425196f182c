"""The one load generator: one definition of each figure, two engines that report them alike."""

from __future__ import annotations

import pytest

from deploydl.efficiency.loadgen import percentile, run_load, summarise


def test_percentiles_are_nearest_rank_values_that_really_occurred():
    values = [float(v) for v in range(1, 101)]  # 1..100 ms
    assert (percentile(values, 50), percentile(values, 95), percentile(values, 99)) == (
        50.0, 95.0, 99.0)
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0  # not the interpolated 2.5
    assert percentile([7.0], 99) == 7.0
    with pytest.raises(ValueError, match="q must be in"):
        percentile(values, 0)


def test_requests_are_sent_ok_are_2xx_and_latency_is_of_the_ok_ones_only():
    s = summarise([1.0, 2.0, 0.1, 30.0], [200, 201, 500, 0], sent=5, seconds=2.0,
                  concurrency=2, engine="python")
    assert (s["requests"], s["ok"], s["errors"], s["rps"]) == (5, 2, 3, 1.0)
    assert s["p99_ms"] == s["max_ms"] == 2.0  # the fast 500 and the failed connection are
    # not latencies


def test_the_slowest_answer_is_kept_beside_the_p99():
    s = summarise([float(ms) for ms in range(1, 201)], [200] * 200, sent=200, seconds=1.0,
                  concurrency=1, engine="python")
    assert (s["p99_ms"], s["max_ms"]) == (198.0, 200.0)


def test_exactly_one_of_duration_and_count_is_required():
    with pytest.raises(ValueError, match="exactly one of duration_s"):
        run_load("http://127.0.0.1:1/", duration_s=1, requests=5)
    with pytest.raises(ValueError, match="engine must be one of"):
        run_load("http://127.0.0.1:1/", requests=5, engine="ab")


def test_python_engine_sends_exactly_the_requests_asked_for_and_counts_refusals():
    from fastapi import FastAPI, Header, HTTPException

    from deploydl.serving import LocalServer

    app = FastAPI()

    @app.post("/echo")
    async def echo(body: dict, x_api_key: str = Header("")) -> dict:
        if x_api_key != "k":
            raise HTTPException(status_code=401)
        return body

    with LocalServer(app) as server:
        good = run_load(server.url + "/echo", body={"a": 1}, requests=30, concurrency=4,
                        headers={"X-API-Key": "k"}, engine="python")
        refused = run_load(server.url + "/echo", body={"a": 1}, requests=6, concurrency=2,
                           engine="python")
    assert (good["requests"], good["ok"], good["errors"], good["engine"]) == (30, 30, 0,
                                                                            "python")
    assert good["p50_ms"] <= good["p95_ms"] <= good["p99_ms"] and good["rps"] > 0
    assert (refused["ok"], refused["errors"]) == (0, 6)



def test_only_2xx_answers_count_as_ok():
    # a redirect (300, 304) is not a prediction: an error, and not among the latencies
    s = summarise([1.0, 2.0, 3.0, 4.0], [204, 299, 300, 304], sent=4, seconds=1.0,
                  concurrency=1, engine="python")
    assert (s["ok"], s["errors"], s["max_ms"]) == (2, 2, 2.0)
