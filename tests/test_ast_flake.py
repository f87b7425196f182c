"""The 'AST constructor recursion depth mismatch' flake of torch.onnx.export (issue 14).

Trigger, reproduced here without torch: on CPython 3.11, a garbage collection during
``ast.parse`` runs a finaliser that fails; the unraisable hook (pytest's, or this test's)
formats the traceback, which calls ``ast.parse`` again, and the nested parse resets the outer
parse's recursion counter. onnxscript parses thousands of functions inside every first
``torch.onnx.export``, so a suite that leaves such garbage behind fails there at random.
``collector_held`` (used by ``to_onnx``) keeps finalisers out of the parse.
"""

from __future__ import annotations

import ast
import gc
import inspect
import sys
import traceback

import pytest

from deploydl.efficiency.compress import collector_held


class _FailingFinaliser:
    """Cyclic garbage whose finaliser raises: only the garbage collector frees it."""

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        raise RuntimeError("finaliser failed")


@pytest.fixture
def formatting_hook(monkeypatch):
    reports: list[str] = []

    def hook(unraisable) -> None:  # what pytest's hook does: format the traceback
        reports.append("".join(traceback.format_exception(
            unraisable.exc_type, unraisable.exc_value, unraisable.exc_traceback)))

    monkeypatch.setattr(sys, "unraisablehook", hook)
    return reports


def _parse_with_garbage_arriving(source: str) -> None:
    for _ in range(20):
        for _ in range(50):
            _FailingFinaliser()
        ast.parse(source)


def test_parsing_with_the_collector_held_survives_failing_finalisers(formatting_hook):
    source = inspect.getsource(inspect)
    with collector_held():
        _parse_with_garbage_arriving(source)
    gc.collect()
    assert formatting_hook, "the finalisers must have run (after the block)"


def test_the_collector_is_running_again_afterwards():
    with collector_held():
        assert not gc.isenabled()
    assert gc.isenabled()
