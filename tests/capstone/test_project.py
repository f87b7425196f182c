"""The capstone run's own rules: one server at a time in a process, keyword-only options."""

import inspect

import httpx
import pytest

from deploydl.capstone.project import Capstone, Scenario

TINY = Scenario(n_train=400, n_calibration=400, n_test=400, epochs=1)


def _deployed(folder) -> Capstone:
    run = Capstone(folder, scenario=TINY)
    for method in ("data", "train", "gate", "package", "deploy"):
        getattr(run, method)()
    return run


def test_a_new_run_stops_the_server_an_earlier_run_left_running(tmp_path):
    first = _deployed(tmp_path / "first")  # a lab cell run once ...
    url = first.server.url
    assert httpx.get(f"{url}/health").status_code == 200
    second = _deployed(tmp_path / "second")  # ... and again: `run` now names the new one
    try:
        assert first.server is None
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{url}/health", timeout=2)
        assert second.client.health()["status"] == "ok"
        assert set(Capstone._serving) == {second}
    finally:
        first.close()
        second.close()
    assert not set(Capstone._serving)


def test_options_are_keyword_only():
    from deploydl.efficiency.compress import quantize_int8

    for function, option in ((Capstone.deploy, "model"), (quantize_int8, "calibration")):
        kind = inspect.signature(function).parameters[option].kind
        assert kind is inspect.Parameter.KEYWORD_ONLY, function.__qualname__
