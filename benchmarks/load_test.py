"""Load test: N requests at concurrency C against a real `deploydl serve` process (Module 04).

    python benchmarks/load_test.py [--requests 2000] [--concurrency 16] [--json out.json]

It trains a small model, packages it, starts `deploydl serve` on a free loopback port, sends
the requests with the course's load generator (`hey` when installed, else its Python engine),
stops the server and prints one line of results. The client shares the machine's cores with
the server, so read `rps` as a floor, not the service's capacity.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from deploydl.data import FEATURES, make_applicants
from deploydl.efficiency.loadgen import run_load
from deploydl.models import train_applicant_model
from deploydl.registry import save_model
from deploydl.serving import ServiceProcess


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args()
    table = make_applicants(2000, seed=0)
    model = train_applicant_model(table, seed=0, epochs=3)
    applicant = table.iloc[0][list(FEATURES)].to_dict()
    with tempfile.TemporaryDirectory() as tmp:
        artifact = save_model(model, Path(tmp) / "model", training_data=table)
        with ServiceProcess(artifact.path) as server:
            result = run_load(server.url + "/predict", body=applicant,
                              requests=args.requests, concurrency=args.concurrency)
    print(json.dumps(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
