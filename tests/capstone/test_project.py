"""The capstone run's own rules: one server at a time in a process, keyword-only options."""

import gc
import inspect
import threading

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
    run = _deployed(tmp_path / "first")  # a lab cell run once ...
    url = run.server.url
    assert httpx.get(f"{url}/health").status_code == 200
    run = _deployed(tmp_path / "second")  # ... and again: `run` now names only the new one
    gc.collect()
    try:
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{url}/health", timeout=2)
        assert run.client.health()["status"] == "ok"
        assert Capstone._serving == {run}
        assert not [t for t in threading.enumerate() if t.name.startswith("deploydl-server")
                    and run.server.url.rsplit(":", 1)[1] not in t.name]
    finally:
        run.close()
    assert not Capstone._serving


def test_options_are_keyword_only():
    from deploydl.efficiency.compress import quantize_int8

    for function, option in ((Capstone.deploy, "model"), (quantize_int8, "calibration")):
        kind = inspect.signature(function).parameters[option].kind
        assert kind is inspect.Parameter.KEYWORD_ONLY, function.__qualname__
