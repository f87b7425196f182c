"""How long `deploydl demo` (what `make demo` runs once the course is installed) takes.

    python benchmarks/demo_time.py [--reps 5] [--json benchmarks/results/demo_time.json]

It runs `deploydl demo --out DIR` as a learner does, in its own process, each run into a fresh
empty folder that is removed afterwards, and times each run from launch to exit (wall clock):
the Python start-up, the imports, the capstone's whole life cycle, the brief and, where
Chromium is found, its PDF. One untimed run goes first: the first run after an install
compiles the package's bytecode and fills the operating system's file cache, which a learner
pays once. A run that exits with an error, or is still going after two minutes (then it is
stopped with everything it started), is recorded with its exit code and counts as a failure,
never as a time; a failed warm-up makes the script exit 1 too.

For each run it records the seconds, the exit code and whether a PDF was written; the median
and the range; the CPU model, core count, torch version and kernels; whether Chromium was
found; and the load average before and after. Writes the JSON to `--json` and a short
Markdown table beside it (`.md`). The README's demo figures are the median of the committed
run (`benchmarks/results/demo_time.json`; `tests/course/test_readme.py` reads both).
"""

from __future__ import annotations

import datetime
import json
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing_runs import load_average, reps_and_json

from deploydl.efficiency.bench import machine_info
from deploydl.present.report import find_chromium

#: The command `make demo` runs, from the same environment as this script.
DEMO = [str(Path(sys.executable).with_name("deploydl")), "demo"]
#: A run still going after this many seconds is stopped and counted as failed (exit code None).
TIMEOUT_S = 120


def run_once() -> dict:
    """One demo into a fresh folder: its wall time in seconds, exit code and whether it wrote
    a PDF. The folder is removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="demo-time-")) / "out"
    try:
        start = time.perf_counter()
        # its own process group, so that a run stopped at the time limit takes the Chromium
        # it started with it
        demo = subprocess.Popen([*DEMO, "--out", str(folder)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            _, stderr = demo.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.communicate()
            return {"seconds": None, "exit_code": None, "pdf_written": False,
                    "error": f"stopped after {TIMEOUT_S} s"}
        seconds = time.perf_counter() - start
        return {"seconds": round(seconds, 2), "exit_code": demo.returncode,
                "pdf_written": any(folder.glob("**/*.pdf")),
                "error": stderr[-2000:] if demo.returncode else ""}
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)


def summary(runs: list[dict]) -> dict:
    """Median and range of the successful runs' seconds, and how many failed."""
    times = [r["seconds"] for r in runs if r["exit_code"] == 0]
    return {"median_s": round(statistics.median(times), 1) if times else None,
            "min_s": min(times, default=None), "max_s": max(times, default=None),
            "runs": len(runs), "failed": len(runs) - len(times)}


def markdown(results: dict) -> str:
    """The runs' median and range as a Markdown table, with the machine under it."""
    s, m = results["summary"], results["machine"]
    return ("| runs | failed | median (s) | min-max (s) | PDF written |\n"
            "|---:|---:|---:|---:|---|\n"
            f"| {s['runs']} | {s['failed']} | {s['median_s']} | {s['min_s']}-{s['max_s']} | "
            f"{'yes' if all(r['pdf_written'] for r in results['runs']) else 'not in every run'}"
            f" |\n\n`{results['command']}`, {results['date']}: {m['cpu_model']}, {m['cpus']} "
            f"cores, torch {m['torch']} ({m['torch_cpu_capability']}); Chromium "
            f"{'found' if results['chromium'] else 'not found'}; 1-minute load average "
            f"{results['load_average_before'][0]} before, {results['load_average_after'][0]} "
            f"after; warm-up run {results['warm_up']['seconds']} s.\n")


def main() -> int:
    args = reps_and_json(__doc__.splitlines()[0], reps=5, reps_help="timed runs (3 or more)")
    warm_up = run_once()
    print(f"warm-up: {warm_up['seconds']} s (exit {warm_up['exit_code']})", flush=True)
    before, runs = load_average(), []
    for rep in range(args.reps):
        runs.append(run_once())
        print(f"run {rep + 1}: {runs[-1]['seconds']} s (exit {runs[-1]['exit_code']})",
              flush=True)
    results: dict = {"command": shlex.join(["python", *sys.argv]),
                     "date": datetime.date.today().isoformat(), "machine": machine_info(),
                     "chromium": find_chromium() is not None, "load_average_before": before,
                     "load_average_after": load_average(), "warm_up": warm_up, "runs": runs,
                     "summary": summary(runs)}
    table = markdown(results)
    print(table)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        args.json.with_suffix(".md").write_text(table, encoding="utf-8")
    return 1 if results["summary"]["failed"] or warm_up["exit_code"] != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
