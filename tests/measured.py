"""The measured figures that size the course, read from ``benchmarks/results``.

``benchmarks/notebook_resources.py`` was run on more than one CPU (its files are
``notebook_resources*.json``): torch's libraries take more memory on some, so whatever is sized
from the figures takes the largest each notebook reached on any of them.
"""

from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[1] / "benchmarks" / "results"


def peak_rss_in(name: str) -> dict[str, int]:
    """Each notebook's (and the idle server's) peak RSS, in MiB, in one results file."""
    rows = json.loads((RESULTS / name).read_text(encoding="utf-8"))["results"]
    return {row["name"]: row["peak_rss_mib"] for row in rows}


def peak_rss_mib() -> dict[str, int]:
    """Each measured notebook's (and the idle server's) largest peak RSS, in MiB, over every
    machine it was measured on."""
    peaks: dict[str, int] = {}
    for path in sorted(RESULTS.glob("notebook_resources*.json")):
        for name, peak in peak_rss_in(path.name).items():
            peaks[name] = max(peaks.get(name, 0), peak)
    return peaks
