"""How many cores each benchmark server keeps busy at 16 clients, and its CPU per request.

    python benchmarks/cpu_use.py [--reps 3] [--duration 4] [--out benchmarks/results]
    python benchmarks/cpu_use.py --model small --servers course

The same servers, model, torch threads, batch size and request as `deploydl bench` (it needs
the `bench` extra and `hey` too); the servers take turns and the idle ones are paused. It
explains the benchmark's throughput: a server that keeps one core busy cannot answer more
than one core allows, however little it spends per request. Writes `cpu_use.json` (every
load, with the command and the model's forward-pass times) and `cpu_use.md` (the medians)
to `--out`; with `--model small`, `cpu_use_small.json` and `cpu_use_small.md`.

On the small CNN the model is a few percent of a request, so the course's service's CPU per
request there is the cost of HTTP, JSON and its protections: Module 05's cost planner adds
that figure to each prediction (`deploydl.efficiency.costs.http_ms_from_cpu_use`).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

import torch

from deploydl.efficiency.bench import BenchConfig, machine_info, prepare_servers
from deploydl.efficiency.bench_cpu import cpu_use_table, measure_cpu_use, summarise_cpu_use
from deploydl.efficiency.bench_servers import VARIANTS
from deploydl.efficiency.bench_tools import missing_bench_tools
from deploydl.settings import get_settings

#: Clients in every load, as in the benchmark's busy rows.
CONCURRENCY = 16


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--duration", type=float, default=4.0, help="seconds per load")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--model", choices=("wide", "small"), default="wide")
    parser.add_argument("--servers", nargs="+", choices=VARIANTS, default=list(VARIANTS),
                        help="servers to measure (default: all of the benchmark's)")
    args = parser.parse_args()
    missing = missing_bench_tools()
    if missing:
        print("cpu_use.py: cannot start; it needs:\n" + "\n".join(f"- {m}" for m in missing),
              file=sys.stderr)
        return 1
    config = BenchConfig(model=args.model, servers=tuple(args.servers))
    torch.set_num_threads(config.threads)
    setup = prepare_servers(config, cache_dir=get_settings().home / "bench")
    body = setup.bodies[1]  # one image per request
    rows = measure_cpu_use(setup.commands, body=body, reps=args.reps, duration_s=args.duration,
                           concurrency=CONCURRENCY)
    summary = summarise_cpu_use(rows)
    table = cpu_use_table(summary, concurrency=CONCURRENCY)
    print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    command = shlex.join(["python", *sys.argv])
    name = "cpu_use" if args.model == "wide" else f"cpu_use_{args.model}"
    (args.out / f"{name}.json").write_text(json.dumps(
        {"command": command, "machine": machine_info(), "model": args.model,
         "concurrency": CONCURRENCY, "forward_ms_per_batch": setup.curve,
         "max_batch": setup.max_batch, "rows": rows, "summary": summary}, indent=1) + "\n",
        encoding="utf-8")
    (args.out / f"{name}.md").write_text(f"{table}\n\n`{command}`, the {args.model} CNN, one "
                                         f"image per request, medians of {args.reps} "
                                         "repetitions.\n", encoding="utf-8")
    print(f"Wrote {args.out / f'{name}.json'}, {args.out / f'{name}.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
