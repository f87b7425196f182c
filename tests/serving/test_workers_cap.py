"""serve() refuses more worker processes than this process may use cores, before it starts
anything: from Python (a notebook) as from `deploydl serve --workers`. Each worker holds its
own copy of torch and the model; `--workers 100000` once started ~300 processes and filled a
24 GiB machine. No test here starts a worker, binds a port or loads a model."""

import os

import pytest

import deploydl.serving.server as server
from deploydl.cli import build_parser, main
from deploydl.serving.server import ServeError, serve


def _limit(cores: int, most: int, workers: int) -> str:
    """The refusal's words, as serve() and the command line both give them."""
    return (f"--workers {workers}: give 1 to {most} worker processes (this process may use "
            f"{cores} CPU core{'' if cores == 1 else 's'}; each worker holds its own copy of "
            "the model, and workers beyond the cores only compete for them); for more traffic, "
            "serve on more machines (`deploydl capacity` plans how many).")


def test_serve_from_python_refuses_workers_no_machine_has_before_starting_anything(
        nothing_may_start):
    with pytest.raises(ServeError) as error:
        serve("M", port=0, workers=100_000, stop_when_stdin_closes=True)
    cores = server._usable_cores()
    assert str(error.value) == _limit(cores, max(cores, 2), 100_000)


@pytest.mark.parametrize("cores, most", [(8, 8), (1, 2)])
def test_serve_from_python_refuses_more_workers_than_cores(monkeypatch, nothing_may_start,
                                                           cores, most):
    """The limit is the cores this process may use, and at least 2 (one core may try two)."""
    monkeypatch.setattr(server, "_usable_cores", lambda: cores)
    with pytest.raises(ServeError) as error:
        serve("M", port=0, workers=most + 1)
    assert str(error.value) == _limit(cores, most, most + 1)
    server._check_workers(most)  # the limit itself is served


def test_the_command_refuses_more_workers_than_cores_with_serves_message(capsys,
                                                                        nothing_may_start):
    """The command leaves the check to serve() and prints its refusal: one line, exit 1."""
    cores = server._usable_cores()
    most = max(cores, 2)
    for workers in (most + 1, 100_000):
        assert main(["serve", "--model", "M", "--port", "0", "--workers", str(workers)]) == 1
        out, err = capsys.readouterr()
        assert out == "" and err == f"deploydl serve: {_limit(cores, most, workers)}\n"
    assert build_parser().parse_args(["serve", "--workers", "100000"]).workers == 100_000


def test_the_workers_limit_counts_the_cores_this_process_may_use(monkeypatch):
    """A container or taskset may allow 2 of a host's 64 cores: os.cpu_count() says 64."""
    if not hasattr(os, "sched_getaffinity"):
        pytest.skip("no CPU affinity on this system: the machine's count is used")
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2})
    assert server._max_workers() == 3
