"""Reading the serving benchmark (Module 05): the targets, a table, a chart, cost per million.

Every ratio compares servers measured in the same run; absolute numbers depend on the machine
and on what else runs on it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from deploydl.efficiency.costs import cost_per_million


def _row(summary: list[dict], server: str, batch: int, concurrency: int) -> dict:
    for row in summary:
        if (row["server"], row["batch"], row["concurrency"]) == (server, batch, concurrency):
            return row
    return {}


@dataclass(frozen=True)
class Target:
    """One goal of Module 05: a name, how it is measured from the results, and the goal."""

    name: str
    measure: Callable[[dict], float | None]
    goal: str
    met: Callable[[float], bool]


def _at(results: dict, server: str, batch: int, concurrency: int) -> dict:
    return _row(results["summary"], server, batch, concurrency)


def _course_vs(other: str, key: str, *, batch: int = 1, concurrency: int = 16,
               how: str = "ratio") -> Callable[[dict], float | None]:
    def measure(results: dict) -> float | None:
        a, b = (_at(results, s, batch, concurrency) for s in ("course", other))
        return _ratio(a, b, key) if how == "ratio" else _diff(a, b, key)
    return measure


def _int8_figure(results: dict, key: str) -> float | None:
    rows = {r["variant"]: r for r in results.get("int8", [])}
    if "int8" not in rows:
        return None
    if key == "accuracy_drop":
        return round((rows["fp32"]["accuracy"] - rows["int8"]["accuracy"]) * 100, 2)
    return rows["int8"][key]


def _hardening_us(results: dict) -> float | None:
    from deploydl.efficiency.layers import HARDENED

    rows = [r for r in results.get("layers", []) if r["layer"] == HARDENED]
    return rows[0]["added_us"] if rows else None


#: Every target of Module 05 in one table: ``deploydl bench``, its Markdown report and the
#: lesson read it from here.
TARGETS = (
    Target("c16 throughput vs naive (x)", _course_vs("naive", "rps"), ">= 2.0",
           lambda v: v >= 2.0),
    Target("c16 p99 vs naive (ms, course - naive)",
           _course_vs("naive", "p99_ms", how="diff"), "<= 0", lambda v: v <= 0),
    Target("c16 throughput vs LitServe (x)", _course_vs("litserve", "rps"), ">= 2.5",
           lambda v: v >= 2.5),
    Target("batch 32, c16 throughput vs naive (x)", _course_vs("naive", "rps", batch=32),
           ">= 1.0", lambda v: v >= 1.0),
    Target("c1 p50 vs naive, all hardening on (ms, course - naive)",
           _course_vs("naive", "p50_ms", concurrency=1, how="diff"), "<= 0.1",
           lambda v: v <= 0.1),
    Target("hardening cost in process, no network (us per request)", _hardening_us,
           "<= 100", lambda v: v <= 100),
    Target("/health p99 under load (ms)",
           lambda r: _at(r, "course", 1, 16).get("health_p99_ms"), "<= 50", lambda v: v <= 50),
    Target("int8 weights smaller (x)", lambda r: _int8_figure(r, "weights_smaller_x"),
           ">= 3.5", lambda v: v >= 3.5),
    Target("int8 file smaller (x)", lambda r: _int8_figure(r, "smaller_x"), ">= 3.5",
           lambda v: v >= 3.5),
    Target("int8 faster at batch 32 (x)", lambda r: _int8_figure(r, "faster_x_batch32"),
           ">= 1.5", lambda v: v >= 1.5),
    Target("int8 accuracy drop (points)", lambda r: _int8_figure(r, "accuracy_drop"),
           "<= 1.0", lambda v: v <= 1.0),
    Target("cold start to ready, course (s)",
           lambda r: _at(r, "course", 1, 1).get("cold_start_s"), "<= 2.5", lambda v: v <= 2.5),
    Target("RSS, course (MB)", lambda r: _at(r, "course", 1, 1).get("rss_mb"), "<= 400",
           lambda v: v <= 400),
)


def check_targets(results: dict) -> list[dict]:
    """Each target of :data:`TARGETS` with the measured value and whether it is met."""
    found = []
    for target in TARGETS:
        value = target.measure(results)
        found.append({"target": target.name, "measured": value, "goal": target.goal,
                      "met": None if value is None else bool(target.met(value))})
    return found


def _ratio(a: dict, b: dict, key: str) -> float | None:
    return round(a[key] / b[key], 2) if a.get(key) and b.get(key) else None


def _diff(a: dict, b: dict, key: str) -> float | None:
    return round(a[key] - b[key], 2) if key in a and key in b else None


def add_costs(results: dict) -> None:
    """Add ``cost_per_million_usd`` to each summary row from its measured throughput."""
    price, cores = results["config"]["price_per_core_hour"], results["config"]["cores"]
    for row in results["summary"]:
        pps = row.get("predictions_per_s") or 0
        row["cost_per_million_usd"] = (round(cost_per_million(
            pps, price_per_core_hour=price, cores=cores), 4) if pps > 0 else None)


def format_table(results: dict) -> str:
    """The summary and the targets as Markdown tables (for the terminal and the README)."""
    head = ("| server | batch | clients | p50 ms | p95 ms | p99 ms | req/s | predictions/s | "
            "errors | /health p99 ms | RSS MB | cold start s | $ per 1M |")
    lines = [head, "|" + "---|" * 13]
    for r in results["summary"]:
        cost = r.get("cost_per_million_usd")
        lines.append(
            f"| {r['server']} | {r['batch']} | {r['concurrency']} | {r['p50_ms']:.2f} | "
            f"{r['p95_ms']:.2f} | {r['p99_ms']:.2f} | {r['rps']:,.0f} | "
            f"{r['predictions_per_s']:,.0f} | {r['errors']:.0f} | "
            f"{r.get('health_p99_ms', float('nan')):.1f} | {r['rss_mb']:.0f} | "
            f"{r['cold_start_s']:.2f} | {'-' if cost is None else f'{cost:.4f}'} |")
    lines += ["", "| target | measured | goal | met |", "|---|---|---|---|"]
    for t in results["targets"]:
        met = {True: "yes", False: "NO", None: "n/a"}[t["met"]]
        lines.append(f"| {t['target']} | {t['measured']} | {t['goal']} | {met} |")
    if results.get("layers"):
        lines += ["", "| layer | us per request | added us |", "|---|---|---|"]
        lines += [f"| {r['layer']} | {r['us']} | {r.get('added_us', '')} |"
                  for r in results["layers"]]
    ceiling = results["generator_ceiling"]
    lines += ["", f"Load generator ceiling (hey, {ceiling['endpoint']}, 16 clients): "
              f"{ceiling['rps']:,.0f} req/s."]
    machine = results.get("machine")
    if machine:
        lines.append(f"Machine: {machine['cpu_model']}, {machine['cpus']} CPUs, torch "
                     f"{machine['torch']} ({machine['torch_cpu_capability']} kernels); load "
                     f"average {machine['load_average_1_5_15']} before, "
                     f"{machine.get('load_average_after')} after.")
    if results.get("forward_ms_per_batch"):
        lines.append(f"Forward pass, ms per call by batch size: "
                     f"{results['forward_ms_per_batch']}; the batcher groups up to "
                     f"{results['max_batch']} images.")
    return "\n".join(lines)


def plot_results(results: dict):
    """Latency (p50) against throughput, one colour per server, one point per load."""
    from deploydl.present.charts import PALETTE, new_figure

    summary = results["summary"]
    best = max(summary, key=lambda r: r["predictions_per_s"])
    fig, ax = new_figure(
        f"{best['server']} served the most: {best['predictions_per_s']:,.0f} predictions/s\n"
        f"(batch {best['batch']}, {best['concurrency']} clients)",
        xlabel="throughput (predictions per second)", ylabel="p50 latency per request (ms)")
    markers = {1: "o", 32: "s"}
    for colour, server in zip(PALETTE, dict.fromkeys(r["server"] for r in summary), strict=False):
        for batch in sorted({r["batch"] for r in summary}):
            rows = sorted((r for r in summary if r["server"] == server and r["batch"] == batch),
                          key=lambda r: r["concurrency"])
            ax.plot([r["predictions_per_s"] for r in rows], [r["p50_ms"] for r in rows],
                    marker=markers.get(batch, "^"), color=colour,
                    linestyle="-" if batch == 1 else "--",
                    label=f"{server}, batch {batch}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.legend(fontsize=10, ncols=2)
    return fig


def write_results(results: dict, out_dir: Path, *, name: str) -> dict[str, Path]:
    """Write ``name``.json, ``name``.md and ``name``.png to ``out_dir``; return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {ext: out_dir / f"{name}.{ext}" for ext in ("json", "md", "png")}
    paths["json"].write_text(json.dumps(results, indent=1) + "\n")
    paths["md"].write_text(format_table(results) + "\n")
    fig = plot_results(results)
    fig.savefig(paths["png"])
    import matplotlib.pyplot as plt

    plt.close(fig)
    return paths
