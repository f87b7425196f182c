"""The cheque-digit service, batched and not, over a real loopback server."""

from __future__ import annotations

import asyncio
import json

import httpx
import numpy as np
import pytest
import torch
from torch import nn

from deploydl.serving import LocalServer
from deploydl.serving.digits import create_digits_app
from deploydl.settings import Settings


@pytest.fixture(scope="module")
def net():
    torch.manual_seed(0)
    return nn.Sequential(nn.Flatten(), nn.Linear(64, 10))


def images(n, seed=0):
    return np.random.default_rng(seed).random((n, 8, 8)).round(3).tolist()


@pytest.mark.parametrize("batching", [True, False])
def test_predict_matches_the_model_and_keeps_order(net, batching):
    sent = images(5)
    expected = net(torch.tensor(sent).unsqueeze(1)).argmax(1).tolist()
    with LocalServer(create_digits_app(net, batching=batching)) as server:
        reply = httpx.post(server.url + "/predict", json={"images": sent}).json()
        assert httpx.get(server.url + "/ready").json() == {"status": "ready"}
    assert reply["digits"] == expected and len(reply["confidence"]) == 5


def test_concurrent_requests_are_batched_and_each_gets_its_own_answer(net):
    app = create_digits_app(net, max_batch_size=64, max_wait_ms=20)
    sent = [images(1, seed=s) for s in range(12)]
    expected = [net(torch.tensor(x).unsqueeze(1)).argmax(1).tolist() for x in sent]

    async def fire(url):
        async with httpx.AsyncClient(base_url=url) as client:
            replies = await asyncio.gather(*(client.post("/predict", json={"images": x})
                                             for x in sent))
        return [r.json()["digits"] for r in replies]

    with LocalServer(app) as server:
        got = asyncio.run(fire(server.url))
    assert got == expected and max(app.state.batcher.batch_sizes) > 1


def test_a_group_of_one_request_gets_what_it_would_get_in_a_larger_group(net):
    from deploydl.serving.digits import _group_scorer

    score_group = _group_scorer(net.eval())
    first, second = (np.asarray(images(n, seed=n), dtype=np.float32)[:, None] for n in (3, 2))
    alone, grouped = score_group([first])[0], score_group([first, second])
    assert [len(d) for d, _ in grouped] == [3, 2]
    np.testing.assert_array_equal(alone[0], grouped[0][0])
    np.testing.assert_allclose(alone[1], grouped[0][1], rtol=1e-6)


def test_bad_images_get_a_422_that_names_the_field(net):
    with LocalServer(create_digits_app(net, Settings(max_batch=2))) as server:
        short = httpx.post(server.url + "/predict", json={"images": [[[0.5] * 8] * 7]})
        too_many = httpx.post(server.url + "/predict", json={"images": images(3)})
    assert short.status_code == 422 and "images" in short.text
    assert too_many.status_code == 422 and "the limit is 2" in too_many.text


def test_digits_service_is_built_from_the_same_pieces_as_the_loan_service(net, caplog):
    import logging
    import re

    from fastapi.testclient import TestClient

    app = create_digits_app(net, Settings(max_body_bytes=5_000, api_key="k" * 20))
    cold = TestClient(app)  # no start-up has run: the model is not warmed up
    assert cold.get("/ready").status_code == 503
    with TestClient(app) as client, caplog.at_level(logging.INFO, logger="deploydl.access"):
        assert client.get("/ready").json() == {"status": "ready"}
        html = client.get("/docs").text
        assert re.findall(r"(?:https?:)?//[\w.-]+\.\w", html) == []
        assert client.post("/predict", json={"images": images(1)}).status_code == 401
        big = client.post("/predict", content=b"x" * 6_000, headers={"X-API-Key": "k" * 20})
        assert big.status_code == 413
        text = client.get("/metrics").text
    assert 'deploydl_model_info{name="cheque-digits",version="1.0.0"} 1.0' in text
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "deploydl.access"]
    assert any((line["path"], line["status"]) == ("/predict", 413) for line in lines)


class _Slow(nn.Module):
    """A model whose every call takes longer than the event loop's budget."""

    def __init__(self, net, seconds):
        super().__init__()
        self.net, self.seconds = net, seconds

    def forward(self, x):
        import time

        time.sleep(self.seconds)
        return self.net(x)


def test_start_up_scores_fast_models_on_the_event_loop_and_slow_ones_in_a_thread(net):
    """And only a service with a model thread shortens the GIL's switch interval, while it runs."""
    import sys

    from fastapi.testclient import TestClient

    from deploydl.serving.digits import LOOP_BUDGET_MS, SWITCH_INTERVAL_S

    before = sys.getswitchinterval()
    apps = {"fast": create_digits_app(net),
            "slow": create_digits_app(_Slow(net, 2 * LOOP_BUDGET_MS / 1000)),
            "unbatched": create_digits_app(net, batching=False)}
    seen = {}
    for name, app in apps.items():
        with TestClient(app) as client:
            assert client.post("/predict", json={"images": images(2)}).status_code == 200
            batcher = app.state.batcher
            seen[name] = (batcher and batcher.in_thread, sys.getswitchinterval())
    assert seen == {"fast": (False, before), "slow": (True, min(before, SWITCH_INTERVAL_S)),
                    "unbatched": (None, before)}
    assert sys.getswitchinterval() == before


class _PerImage(nn.Module):
    """A model that takes ``seconds`` per image: its time grows with the group."""

    def __init__(self, net, seconds):
        super().__init__()
        self.net, self.seconds = net, seconds

    def forward(self, x):
        import time

        time.sleep(self.seconds * len(x))
        return self.net(x)


def test_start_up_shrinks_the_group_to_fit_the_event_loops_budget(net, monkeypatch):
    """1 ms an image: 64 and 32 take too long for the 25 ms budget, 16 fits; the loop scores
    groups of at most 16 instead of handing every group to a thread. The per-image model's
    timing is its stated cost: a busy machine oversleeps and would make 16 images miss."""
    from fastapi.testclient import TestClient

    from deploydl.serving import digits
    from deploydl.serving.digits import LOOP_BUDGET_MS, loop_group

    timed = digits.time_forward

    def stated_cost(model, images, **options):
        if isinstance(model, _PerImage):
            return {"p50_ms": model.seconds * 1000 * len(images)}
        return timed(model, images, **options)

    monkeypatch.setattr(digits, "time_forward", stated_cost)
    slow = _PerImage(net, 0.001)
    assert loop_group(slow, 64) == 16 and loop_group(net, 64) == 64
    assert loop_group(_Slow(net, 2 * LOOP_BUDGET_MS / 1000), 64) is None
    app = create_digits_app(slow, max_batch_size=64)
    with TestClient(app) as client:
        assert client.post("/predict", json={"images": images(2)}).status_code == 200
        assert (app.state.batcher.in_thread, app.state.batcher.max_batch_size) == (False, 16)

