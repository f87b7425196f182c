"""docs/capacity.md's liveness advice quotes the stored `/health` measurement of the loan
service (`benchmarks/results/loan_health.json`), and the manifests' liveness timeout is above it."""

from __future__ import annotations

import json
import re

import pytest

from deploydl.deploy.kubernetes import LIVENESS


@pytest.fixture(scope="module")
def measured(root) -> dict:
    return json.loads((root / "benchmarks/results/loan_health.json").read_text(encoding="utf-8"))


def _row(measured: dict, applicants: int, clients: int) -> dict:
    return next(r for r in measured["rows"]
                if (r["applicants_per_request"], r["clients"]) == (applicants, clients))


def _slowest(measured: dict) -> float:
    """The slowest `/health` answer of any load, in ms."""
    return max(r["health"]["max_ms"] for r in measured["rows"])


def test_capacity_doc_quotes_the_stored_health_measurement(root, measured):
    doc = " ".join((root / "docs" / "capacity.md").read_text(encoding="utf-8").split())
    small = max(r["health"]["p99_ms"] for r in measured["rows"] if r["applicants_per_request"] == 1)
    busy, heaviest = _row(measured, 1000, 4), _row(measured, 1000, 16)
    health, machine = heaviest["health"], measured["machine"]
    assert (f"load average {machine['load_average_1_5_15'][0]:.1f} before and "
            f"{machine['load_average_1_5_15_at_end'][0]:.1f} after") in doc
    assert f"the `/health` p99 was at most {small:.1f} ms" in doc
    assert (f"it was {busy['health']['p99_ms']:.1f} ms at 4 clients and {health['p99_ms']:.1f} "
            f"ms at 16 (p50 {health['p50_ms']:.1f} ms, {health['ok']} answers, no errors, the "
            f"slowest {health['max_ms']:.1f} ms; `/predict` itself then had a p99 of "
            f"{heaviest['predict']['p99_ms']:,.1f} ms)") in doc
    assert all(r["health"]["errors"] == 0 for r in measured["rows"])
    assert health["max_ms"] == _slowest(measured)
    timeout, ratio = re.search(r"Liveness still allows (\d+) s per check \(about (\d+) times "
                               r"the slowest", doc).groups()
    assert int(timeout) == LIVENESS["timeout"]
    assert int(ratio) == round(LIVENESS["timeout"] * 1000 / _slowest(measured))


def test_the_liveness_timeout_is_several_times_the_slowest_health_answer(measured):
    """A busy, healthy pod must not fail its liveness check: the timeout keeps a margin of at
    least three times the slowest `/health` answer measured under load."""
    slowest = _slowest(measured)
    assert LIVENESS["timeout"] * 1000 >= 3 * slowest, (
        f"/health took {slowest} ms under load; a {LIVENESS['timeout']} s liveness timeout "
        "leaves too little margin: raise LIVENESS['timeout'] and docs/capacity.md")
