"""Fixtures the serving tests share."""

import pytest

import deploydl.serving.server as server


def _never(*args, **kwargs):
    raise AssertionError("serve() went on past a number of workers it should have refused")


@pytest.fixture
def nothing_may_start(monkeypatch):
    """Fail the test if serve() watches stdin, binds the address, sets up its log stream (it
    would leave a handler on capsys's stream), loads a model or starts workers."""
    for step in ("watch_stdin", "_bind", "log_to_stdout", "_checked_app", "_serve_workers"):
        monkeypatch.setattr(server, step, _never)
