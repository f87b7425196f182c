"""How fast the loan service's `/health` answers while `/predict` is busy (docs/capacity.md).

    python benchmarks/loan_health.py [--duration 6] [--json benchmarks/results/loan_health.json]

It starts the loan service as `deploydl serve` runs it (`ServiceProcess`: the default
case-study model, one worker, an API key, torch on the default number of threads), then, for
requests of 1 applicant and of 1,000 (the most one request may hold, `Settings.max_batch`),
loads `/predict` from 1, 4 and 16 closed-loop clients with `hey` and, at the same time, asks
`GET /health` from one client at most 50 times a second (the benchmark's probe,
`deploydl.efficiency.bench`). Each request size is warmed up for one second at 16 clients
before its three loads. For every load it prints and records the `/predict` figures (answers
and applicants per second, p50 and p99) and the `/health` ones (answers, errors, p50, p99 and
the slowest), with the machine and its load average before and after. A liveness probe's
timeout must be above the `/health` times of a busy pod.

The client shares the machine's cores with the server, and a busy machine slows both: read
the load average in the results before comparing runs. It takes about a minute.
"""

from __future__ import annotations

import argparse
import datetime
import json
import shlex
import sys
from pathlib import Path

import orjson

from deploydl.data import FEATURES, make_applicants
from deploydl.efficiency.bench import API_KEY, BenchConfig, _load_with_probe, machine_info
from deploydl.efficiency.bench_servers import BENCH_API_KEY
from deploydl.efficiency.loadgen import LoadGeneratorMissing, hey_path, run_load
from deploydl.serving import ServiceProcess
from deploydl.settings import get_settings

#: Closed-loop clients sending `/predict`, one load each.
CONCURRENCIES = (1, 4, 16)
#: The `/predict` figures kept for each load.
PREDICT_FIGURES = ("requests", "errors", "rps", "p50_ms", "p99_ms")
#: The `/health` figures kept for each load.
HEALTH_FIGURES = ("requests", "ok", "errors", "p50_ms", "p99_ms", "max_ms")


def request_body(applicants: int) -> bytes:
    """A `/predict` body of ``applicants`` generated applicants (seed 0), inputs only."""
    table = make_applicants(applicants, seed=0)[list(FEATURES)]
    return orjson.dumps({"applicants": table.to_dict(orient="records")},
                        option=orjson.OPT_SERIALIZE_NUMPY)


def measure(url: str, config: BenchConfig, *, batches: tuple[int, ...]) -> list[dict]:
    """One row per batch size (applicants per request) and number of clients: the `/predict`
    and `/health` figures."""
    rows = []
    for batch in batches:
        body = request_body(batch)
        run_load(url + "/predict", body=body, concurrency=max(CONCURRENCIES),
                 duration_s=config.warmup_s, headers=API_KEY, engine="hey")
        for clients in CONCURRENCIES:
            predict, health = _load_with_probe(
                url + "/predict", url + "/health", config, body=body,
                concurrency=clients, headers=API_KEY)
            if health is None:
                raise RuntimeError("the /health probe got no result (its hey run failed: see the "
                                   "output above); rerun the benchmark")
            rows.append({"applicants_per_request": batch, "clients": clients,
                         "predict": {**{k: predict[k] for k in PREDICT_FIGURES},
                                     "applicants_per_s": round(predict["rps"] * batch, 1)},
                         "health": {k: health[k] for k in HEALTH_FIGURES}})
            print(json.dumps(rows[-1]), flush=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=6.0, help="seconds per load")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    try:
        hey_path()
    except LoadGeneratorMissing as missing:
        print(f"loan_health.py: cannot start: {missing}", file=sys.stderr)
        return 1
    config = BenchConfig(duration_s=args.duration)
    settings = get_settings()  # what the server reads too: it inherits this environment
    batches = (1, settings.max_batch)  # one applicant, and the most a request may hold
    machine = {**machine_info(), "date": datetime.datetime.now(datetime.UTC).isoformat(
        timespec="seconds")}
    with ServiceProcess(env={"DEPLOYDL_API_KEY": BENCH_API_KEY}) as server:
        rows = measure(server.url, config, batches=batches)
    machine["load_average_1_5_15_at_end"] = machine_info()["load_average_1_5_15"]
    if args.json:
        args.json.write_text(json.dumps(
            {"command": shlex.join(["python", *sys.argv]), "machine": machine,
             "service": {"command": "deploydl serve", "model": "the default loan model",
                         "workers": 1, "torch_threads": settings.torch_threads,
                         "api_key": True},
             "seconds_per_load": config.duration_s, "warmup_s": config.warmup_s,
             "health_qps": config.health_qps, "rows": rows}, indent=1) + "\n",
            encoding="utf-8")
        print(f"Wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
