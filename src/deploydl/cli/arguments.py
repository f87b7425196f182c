"""The option types and the options several commands of ``deploydl`` share: each type refuses a
value out of its range with an argparse error that names the range in words."""

from __future__ import annotations

import argparse
import math


def _int_arg(low: int, high: int | None, what: str):
    """An argparse type: an integer from ``low`` to ``high`` (None: no upper bound)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}")
        return value
    return parse


def _float_arg(what: str, *, allow_zero: bool = False, low: float = 0.0,
               high: float = math.inf):
    """An argparse type: a finite number above zero (or from zero, ``allow_zero``), from
    ``low`` to ``high``; ``what`` says the range in words."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if (not math.isfinite(value) or not low <= value <= high
                or (value == 0 and not allow_zero)):
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}")
        return value
    return parse


#: ``--timeout`` of the commands that run notebooks: nbclient takes 0 or less as no limit at all,
#: so a lab stuck in a loop would hang the command; 1 second is the least.
_SECONDS_PER_CELL = _int_arg(1, None, "a number of seconds per cell: give 1 or more")


def _sha256_arg(text: str) -> str:
    if len(text) != 64 or any(c not in "0123456789abcdefABCDEF" for c in text):
        raise argparse.ArgumentTypeError(f"{text[:80]!r} is not a sha256: give the 64 "
                                         "hexadecimal characters the release recorded")
    return text.lower()


_Commands = argparse._SubParsersAction  # what add_subparsers returns: one add_parser per command


def _root_argument(command: argparse.ArgumentParser) -> None:
    command.add_argument("--root", default=".", help="the course folder (default: here)")
