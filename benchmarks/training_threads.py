"""How long Module 02's applicant network takes to train on one torch thread and on two.

    python benchmarks/training_threads.py [--reps 7] \
        [--json benchmarks/results/training_threads.json]

It trains the network lesson 02 trains (`train_applicant_model(make_applicants(5000, seed=0),
seed=0, weight_decay=0.01)`: 30 epochs, batches of 128, no early stopping) with torch on 1
thread and on 2, taking turns (1 2, then 2 1, ...), `--reps` times each, under two conditions:

- `as_is`: the machine as it is (its load average before and after is recorded);
- `other_core_busy`: with a separate Python process spinning in a busy loop, started by this
  script and stopped in a `finally` (it also stops itself once this script's process is
  gone), so that one of the two cores a course machine has is taken.

`deploydl.models.fit` trains inside `one_thread()`, which sets torch to one thread, so the
thread count cannot be chosen from outside. To time two threads, the script replaces
`deploydl.models.training.one_thread`, for the length of one training only, with a context
that sets torch to ``n`` threads and then restores the caller's setting (what `one_thread`
does for one thread). Every other line that runs is the package's own, so the two settings
differ in the thread count alone; copying `fit`'s body here instead would time a copy that
can drift from the package. Both settings go through the replacement (with ``n=1`` it does
exactly what `one_thread` does), and a first untimed training through the unchanged `fit`
(a warm-up) gives the weights every run must match bit for bit. The thread count torch
reports inside each training is recorded too.

For each run it records the wall time in seconds; for each condition and setting the median
and the range; whether all runs gave weights identical to the unchanged `fit`'s (every
`state_dict` tensor compared with `torch.equal`); the busy loop's share of a core; the CPU
model, core count, torch version, its kernels and the load average before and after each
condition. Writes the JSON to `--json` and a short Markdown table beside it (`.md`). On the
project's 2-core machine a training takes about half a second on one thread and the whole run
took 38 s (`benchmarks/results/training_threads.json`).
"""

from __future__ import annotations

import datetime
import json
import shlex
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from unittest import mock

import pandas as pd
import psutil
import torch
from timing_runs import load_average, reps_and_json

from deploydl.data import make_applicants
from deploydl.efficiency.bench import machine_info
from deploydl.efficiency.inference import torch_threads
from deploydl.models import train_applicant_model, training

#: The lesson's data (notebooks/02_model_evaluation.ipynb): applicants and their seed.
ROWS, DATA_SEED = 5000, 0
#: The lesson's training call's seed and weight decay (the other settings are the defaults).
SEED, WEIGHT_DECAY = 0, 0.01
#: Torch thread counts compared.
SETTINGS = (1, 2)
#: A process that keeps one core busy until it is stopped or its parent is gone.
BUSY_LOOP = ("import os\nparent = os.getppid()\nwhile os.getppid() == parent:\n"
             "    for _ in range(200_000):\n        pass\n")


@contextmanager
def threads_seen(n: int, seen: list[int]) -> Iterator[None]:
    """The package's `torch_threads(n)` (`training.one_thread` with ``n`` in place of 1),
    appending the count torch reports inside it to ``seen``."""
    with torch_threads(n):
        seen.append(torch.get_num_threads())
        yield


def train_once(table: pd.DataFrame, threads: int | None) -> tuple[float, dict, list[int]]:
    """Train the lesson's network; ``threads=None`` runs the unchanged `fit` (one thread).

    Returns the wall time in seconds, the weights and the thread counts seen inside `fit`.
    """
    seen: list[int] = []
    replaced = (nullcontext() if threads is None else
                mock.patch.object(training, "one_thread", lambda: threads_seen(threads, seen)))
    with replaced:
        start = time.perf_counter()
        model = train_applicant_model(table, seed=SEED, weight_decay=WEIGHT_DECAY)
        seconds = time.perf_counter() - start
    return seconds, model.net.state_dict(), seen


def same_weights(a: dict, b: dict) -> bool:
    """Whether two state dicts hold the same names and bit-identical tensors."""
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


@contextmanager
def other_core_busy() -> Iterator[dict]:
    """A busy-loop process for the length of the block; yields a dict that, after the block,
    holds the share of a core it used. The process is always stopped."""
    process = subprocess.Popen([sys.executable, "-c", BUSY_LOOP])
    report: dict = {"pid": process.pid}
    started = time.perf_counter()
    try:
        time.sleep(1.0)  # let it get going (and the scheduler notice it) before timing
        yield report
        cpu = psutil.Process(process.pid).cpu_times()
        report["core_share"] = round((cpu.user + cpu.system) / (time.perf_counter() - started),
                                     2)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # it ignores SIGTERM only if something is very wrong
            process.kill()
            process.wait()


def measure(table: pd.DataFrame, reference: dict, *, reps: int) -> dict:
    """Alternating runs of each setting; times, thread counts seen and the weights check."""
    runs: list[dict] = []
    before = load_average()
    for rep in range(reps):
        for threads in (SETTINGS if rep % 2 == 0 else SETTINGS[::-1]):
            seconds, weights, seen = train_once(table, threads)
            runs.append({"threads": threads, "seconds": round(seconds, 3),
                         "threads_seen_in_fit": seen,
                         "weights_identical_to_fit": same_weights(weights, reference)})
            print(f"  {threads} thread(s): {seconds:.2f} s", flush=True)
    summary = {}
    for threads in SETTINGS:
        times = [r["seconds"] for r in runs if r["threads"] == threads]
        summary[str(threads)] = {"median_s": round(statistics.median(times), 3),
                                 "min_s": min(times), "max_s": max(times), "runs": len(times)}
    return {"load_average_before": before, "load_average_after": load_average(),
            "runs": runs, "summary": summary,
            "all_weights_identical": all(r["weights_identical_to_fit"] for r in runs)}


def markdown(results: dict, command: str) -> str:
    """The medians and ranges as a Markdown table, with the machine under it."""
    lines = ["| condition | threads | median (s) | min-max (s) | runs | weights as `fit`'s |",
             "|---|---:|---:|---:|---:|---|"]
    for name, condition in results["conditions"].items():
        for threads, s in condition["summary"].items():
            lines.append(f"| {name} | {threads} | {s['median_s']:.2f} | "
                         f"{s['min_s']:.2f}-{s['max_s']:.2f} | {s['runs']} | "
                         f"{'identical' if condition['all_weights_identical'] else 'DIFFERENT'} |")
    m = results["machine"]
    loads = "; ".join(f"{name}: {c['load_average_before'][0]} before, "
                      f"{c['load_average_after'][0]} after"
                      for name, c in results["conditions"].items())
    busy = results["conditions"]["other_core_busy"]["busy_loop_core_share"]
    return ("\n".join(lines) + f"\n\n`{command}`, {results['date']}: {m['cpu_model']}, "
            f"{m['cpus']} cores, torch {m['torch']} ({m['torch_cpu_capability']}); 1-minute "
            f"load average {loads}; the busy loop had {busy} of a core; "
            f"{results['total_s']:.0f} s in all.\n")


def main() -> int:
    args = reps_and_json(__doc__.splitlines()[0], reps=7,
                         reps_help="runs of each setting (3 or more)")
    # A SIGTERM ends the script through its `finally` blocks, so the busy loop stops too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.perf_counter()
    table = make_applicants(ROWS, seed=DATA_SEED)
    machine = machine_info()
    warm_up_s, reference, _ = train_once(table, None)  # the unchanged fit: the weights to match
    print(f"warm-up through the unchanged fit: {warm_up_s:.2f} s", flush=True)
    conditions = {}
    print("as_is:", flush=True)
    conditions["as_is"] = measure(table, reference, reps=args.reps)
    print("other_core_busy:", flush=True)
    with other_core_busy() as busy:
        conditions["other_core_busy"] = measure(table, reference, reps=args.reps)
    conditions["other_core_busy"]["busy_loop_core_share"] = busy.get("core_share")
    command = shlex.join(["python", *sys.argv])
    lesson_call = {"rows": ROWS, "data_seed": DATA_SEED, "seed": SEED,
                   "weight_decay": WEIGHT_DECAY}
    results = {"command": command, "date": datetime.date.today().isoformat(),
               "machine": machine, "lesson_call": lesson_call,
               "warm_up_s": round(warm_up_s, 3), "conditions": conditions,
               "total_s": round(time.perf_counter() - started, 1)}
    table_md = markdown(results, command)
    print(table_md)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        args.json.with_suffix(".md").write_text(table_md, encoding="utf-8")
        print(f"Wrote {args.json} and {args.json.with_suffix('.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
