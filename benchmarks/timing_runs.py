"""What the repeated-timing scripts share (`training_threads.py`, `demo_time.py`): their
`--reps` and `--json` arguments, and the load average each records before and after."""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages, to two decimals."""
    return [round(x, 2) for x in os.getloadavg()]


def reps_and_json(description: str, *, reps: int, reps_help: str) -> argparse.Namespace:
    """The command line: ``--reps`` (default ``reps``; 3 or more, for a median and a range)
    and ``--json`` (where to write the results, with a ``.md`` beside)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--reps", type=int, default=reps, help=reps_help)
    parser.add_argument("--json", type=Path, help="write the results here (and a .md beside)")
    args = parser.parse_args()
    if args.reps < 3:
        parser.error(f"--reps must be 3 or more to give a median and a range; got {args.reps}.")
    return args
