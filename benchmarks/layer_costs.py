"""What each layer of the course's service costs per request, without a network (Module 05).

    python benchmarks/layer_costs.py [--calls 2000] [--repeats 5]

Each middleware is timed alone around an app that does nothing, then the naive endpoint and
the course's service end to end, both with a model that costs nothing. `deploydl bench`
records the same table in its results.
"""

from __future__ import annotations

import argparse

import torch

from deploydl.efficiency.layers import layer_costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(1)
    rows = layer_costs(calls=args.calls, repeats=args.repeats)
    width = max(len(row["layer"]) for row in rows)
    for row in rows:
        added = f"  (+{row['added_us']} us)" if "added_us" in row else ""
        print(f"{row['layer']:<{width}} {row['us']:>8.1f} us{added}")


if __name__ == "__main__":
    main()
