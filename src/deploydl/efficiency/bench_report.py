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
    #: Left out of the report when the run did not measure it (older results, or a run
    #: without that server), instead of a row that says "n/a".
    optional: bool = False


def _at(results: dict, server: str, batch: int, concurrency: int) -> dict:
    return _row(results["summary"], server, batch, concurrency)


def _course_vs(other: str, key: str, *, batch: int = 1, concurrency: int = 16,
               how: str = "ratio") -> Callable[[dict], float | None]:
    def measure(results: dict) -> float | None:
        a, b = (_at(results, s, batch, concurrency) for s in ("course", other))
        return _ratio(a, b, key) if how == "ratio" else _diff(a, b, key)
    return measure


def _int8_rows(results: dict, model: str) -> list[dict]:
    """The int8 rows of ``model``: ``small``, torch's on the small trained CNN (with
    accuracy); ``wide``, torch's on the untrained wide CNN (size and speed only: its answers
    mean nothing); ``onnx`` and ``onnx_wide``, ONNX Runtime's int8 against its own float32
    export of the small CNN and of the wide one (same format, same engine). Empty when the
    run did not measure them."""
    key = {"small": "int8", "wide": "int8_wide", "onnx": "int8", "onnx_wide": "int8_wide"}[model]
    found = (results.get("onnx") or {}) if model.startswith("onnx") else results
    return found.get(key) or []


def _int8_figure(key: str, *, model: str = "small") -> Callable[[dict], float | None]:
    """A figure of int8 against float32 from the rows of ``model`` (see :func:`_int8_rows`)."""
    fp32, int8 = ("ONNX fp32", "ONNX int8") if model.startswith("onnx") else ("fp32", "int8")

    def measure(results: dict) -> float | None:
        rows = {r["variant"]: r for r in _int8_rows(results, model)}
        if int8 not in rows:
            return None
        if key == "accuracy_drop":
            return round((rows[fp32]["accuracy"] - rows[int8]["accuracy"]) * 100, 2)
        return rows[int8][key]
    return measure


def _int8_targets(model: str, *, accuracy: bool = False,
                  optional: bool = True) -> tuple[Target, ...]:
    """The int8 targets of ``model`` (see :func:`_int8_rows`): file 3.5x smaller and 1.5x the
    speed at batch 32, and with ``accuracy`` (a trained model) at most 1 point of accuracy
    lost. Each name says the engine ("ONNX int8" or torch's "int8") and the model."""
    engine = "ONNX int8" if model.startswith("onnx") else "int8"
    size = "wide" if model.endswith("wide") else "small"
    found: tuple[Target, ...] = (
        Target(f"{engine} file smaller, {size} model (x)",
               _int8_figure("smaller_x", model=model), ">= 3.5", lambda v: v >= 3.5,
               optional=optional),
        Target(f"{engine} faster at batch 32, {size} model (x)",
               _int8_figure("faster_x_batch32", model=model), ">= 1.5", lambda v: v >= 1.5,
               optional=optional))
    if accuracy:
        found += (Target(f"{engine} accuracy drop, {size} model (points)",
                         _int8_figure("accuracy_drop", model=model), "<= 1.0",
                         lambda v: v <= 1.0, optional=optional),)
    return found


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
    Target("int8 weights smaller, small model (x)", _int8_figure("weights_smaller_x"), ">= 3.5",
           lambda v: v >= 3.5),
    *_int8_targets("small", accuracy=True, optional=False),
    *_int8_targets("wide"),
    Target("cold start to ready, course (s)",
           lambda r: _at(r, "course", 1, 1).get("cold_start_s"), "<= 2.5", lambda v: v <= 2.5),
    Target("RSS, course (MB)", lambda r: _at(r, "course", 1, 1).get("rss_mb"), "<= 400",
           lambda v: v <= 400),
    *_int8_targets("onnx", accuracy=True),
    *_int8_targets("onnx_wide"),
)


def check_targets(results: dict) -> list[dict]:
    """Each target of :data:`TARGETS` with the measured value and whether it is met."""
    found = []
    for target in TARGETS:
        value = target.measure(results)
        if value is None and target.optional:
            continue
        found.append({"target": target.name, "measured": value, "goal": target.goal,
                      "met": None if value is None else bool(target.met(value))})
    return found


def _ratio(a: dict, b: dict, key: str) -> float | None:
    return round(a[key] / b[key], 2) if a.get(key) and b.get(key) else None


def _diff(a: dict, b: dict, key: str) -> float | None:
    return round(a[key] - b[key], 2) if key in a and key in b else None


def add_costs(results: dict) -> None:
    """Add ``cost_per_million_usd`` to each summary row from its measured throughput."""
    from deploydl.efficiency.capacity import benchmark_cores

    price, cores = results["config"]["price_per_core_hour"], benchmark_cores(results)
    for row in results["summary"]:
        pps = row.get("predictions_per_s") or 0
        row["cost_per_million_usd"] = (round(cost_per_million(
            pps, price_per_core_hour=price, cores=cores), 4) if pps > 0 else None)


def format_table(results: dict) -> str:
    """The summary and the targets as Markdown tables (for the terminal and the README)."""
    head = ("| server | batch | clients | p50 ms | p95 ms | p99 ms | req/s | predictions/s | "
            "errors | /health p99 ms | RSS MB | USS MB | cold start s | $ per 1M |")
    lines = [head, "|" + "---|" * 14]
    for r in results["summary"]:
        cost = r.get("cost_per_million_usd")
        lines.append(
            f"| {r['server']} | {r['batch']} | {r['concurrency']} | {r['p50_ms']:.2f} | "
            f"{r['p95_ms']:.2f} | {r['p99_ms']:.2f} | {r['rps']:,.0f} | "
            f"{r['predictions_per_s']:,.0f} | {r['errors']:.0f} | "
            f"{r.get('health_p99_ms', float('nan')):.1f} | {r['rss_mb']:.0f} | "
            f"{r['uss_mb']:.0f} | "
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
    return "\n".join(lines + _extra_lines(results))


def model_ceiling(results: dict, *, clients: int = 16) -> dict | None:
    """The most requests/s the model itself allows at ``clients`` clients of one image each.

    A closed loop of ``clients`` clients never has more than ``clients`` requests waiting, so
    a group holds at most that many images, and a server that runs one forward pass at a time
    answers at most ``clients`` requests per forward pass of that size, however little its
    HTTP costs. ``vs_litserve`` is that ceiling over LitServe's measured throughput: the
    largest "x LitServe" any such server could reach in this run. ``None`` when the run did
    not time a forward pass of ``clients`` images or did not measure LitServe there.
    """
    # JSON keeps the batch sizes as strings; a run still in memory has them as numbers.
    curve = {int(b): ms for b, ms in (results.get("forward_ms_per_batch") or {}).items()}
    forward_ms = curve.get(clients)
    litserve = _at(results, "litserve", 1, clients).get("rps")
    if not forward_ms or not litserve:
        return None
    rps = clients / forward_ms * 1000
    return {"clients": clients, "forward_ms": forward_ms, "rps": round(rps),
            "litserve_rps": litserve, "vs_litserve": round(rps / litserve, 2)}


#: The three loads that show when the course's micro-batcher pays against the naive endpoint
#: (images per request, clients), each with why batching could or could not help there.
BATCHING_CASES = (
    (1, 1, "With **one client**, no two requests overlap, so there is nothing to group"),
    (32, 16, "When each request **already carries 32 images**, it is a full batch and "
             "passes straight through"),
    (1, 16, "With **16 clients sending one image each**, requests overlap and the batcher "
            "scores them together"),
)


def batching_in_words(results: dict) -> str:
    """What the micro-batcher gained over the naive endpoint at each load of
    :data:`BATCHING_CASES`, in predictions per second measured in the same run (Module 05).

    Where the two servers' repetitions overlap (``rps_min`` to ``rps_max``), the difference
    is within the run's own noise and reads as no clear difference. Loads the run did not
    measure are left out.
    """
    lines = []
    for batch, clients, why in BATCHING_CASES:
        course, naive = (_at(results, s, batch, clients) for s in ("course", "naive"))
        ratio = _ratio(course, naive, "predictions_per_s")
        if ratio is None:
            continue
        verdict = (f"no clear difference ({ratio:.2f}x, within the spread of the repetitions)"
                   if _overlap(course, naive) else f"batching gained {ratio:.1f}x" if ratio > 1
                   else f"batching cost {1 - ratio:.0%}")
        lines.append(f"- {why}. The course's service answers "
                     f"{course['predictions_per_s']:,.0f} predictions a second, the naive "
                     f"endpoint {naive['predictions_per_s']:,.0f}: {verdict}.")
    return "\n".join(lines)


def served_in_words(served: dict, models: tuple[str, ...]) -> str:
    """Module 05's live batching demo in words: the decision it supports, then each model's
    figures.

    ``served[model, 1]`` and ``served[model, 32]`` are the 16-client loads (``rps``, predictions
    a second, and ``p99_ms``) with batching off and on. A p99 that moves by less than a fifth
    either way reads as about the same: a live run on a busy laptop is noisy.
    """
    lines, gained = [], []
    for name in models:
        off, on = served[name, 1], served[name, 32]
        p99 = ("cut" if on["p99_ms"] < 0.8 * off["p99_ms"] else "raised"
               if on["p99_ms"] > 1.25 * off["p99_ms"] else "about the same")
        lines.append(f"{name}: {off['rps']:,.0f} to {on['rps']:,.0f} predictions/s, p99 {p99} "
                     f"({off['p99_ms']:.0f} to {on['p99_ms']:.0f} ms)")
        if on["rps"] > off["rps"]:
            gained.append(name)
    if len(gained) == len(models):
        decision = ("batching let the same machine serve more customers at once, for both "
                    "models. If many customers call at the same moment, ask for batching before "
                    "buying more machines")
    elif gained:
        decision = (f"in this run batching let the same machine serve more for the {gained[0]} "
                    "only (here the clients share the cores with the server; the benchmark "
                    "below measures it properly). If many customers call at the same moment, ask "
                    "for batching to be measured at your traffic before buying more machines")
    else:
        decision = ("batching did not let the same machine serve more in this run. Ask for a "
                    "measurement at your own traffic before counting on it")
    return f"{decision}. In the run stored here: {'; '.join(lines)}."


def _overlap(a: dict, b: dict) -> bool:
    """Whether two rows' repetitions overlap in requests per second."""
    low = [row.get("rps_min", row["rps"]) for row in (a, b)]
    high = [row.get("rps_max", row["rps"]) for row in (a, b)]
    return max(low) <= min(high)


def _extra_lines(results: dict) -> list[str]:
    """The ONNX export check, int8 on the wide model (torch's and ONNX Runtime's copies) and
    the capacity model's check, when the run measured them."""
    lines = []
    wide = _int8_rows(results, "wide") + _int8_rows(results, "onnx_wide")
    if wide:  # torch's copies, then ONNX Runtime's (named "ONNX ...") when measured
        copies = "; ".join(f"{r['variant']} {r['size_bytes'] / 1e6:.1f} MB, "
                           f"{r['p50_ms_batch32']:.2f} ms" for r in wide)
        lines.append(f"int8 on the wide model, file size and time per batch of 32 ({copies}): "
                     "untrained, so no accuracy; the small trained CNN's rows measure that.")
    onnx = results.get("onnx") or {}
    if onnx:
        export = "reused" if onnx["export_s"] is None else f"took {onnx['export_s']:.1f} s"
        lines.append(f"ONNX Runtime export: largest difference from torch "
                     f"{onnx['max_abs_diff']:.2g} over {onnx['check_inputs']} check inputs "
                     f"(tolerance {onnx['atol']:g} + {onnx['rtol']:g} x |torch|); the export "
                     f"{export}.")
    ceiling = model_ceiling(results)
    if ceiling:
        lines.append(
            f"At {ceiling['clients']} clients a group holds at most {ceiling['clients']} images: "
            f"the forward pass alone ({ceiling['forward_ms']:.2f} ms for them) caps a server "
            f"that runs one forward pass at a time (the course's service, LitServe with one "
            f"worker) at {ceiling['rps']:,.0f} requests/s, {ceiling['vs_litserve']:.2f}x "
            f"LitServe's measured {ceiling['litserve_rps']:,.0f}.")
    check = results.get("capacity_check")
    if check:
        lines.append(
            f"Capacity model (M/M/c, docs/capacity.md): p99 at {check['clients']} clients "
            f"predicted {check['predicted_p99_ms']} ms from the curve at "
            f"{', '.join(map(str, check['fitted_on']))} clients; measured "
            f"{check['measured_p99_ms']} ms; error {check['error_pct']:+.1f}%.")
    return [""] + lines if lines else []


#: How the chart names each server of the benchmark.
SERVER_NAMES = {"course": "course service", "naive": "naive FastAPI", "litserve": "LitServe",
                "onnx": "course on ONNX"}  # the course's service, scored by ONNX Runtime


def _server(name: str) -> str:
    return SERVER_NAMES.get(name, name)


def _title(summary: list[dict]) -> str:
    """The finding: who serves the most, and what its slowest customers wait at that load."""
    most = max(summary, key=lambda r: r["predictions_per_s"])
    peers = [r for r in summary
             if (r["batch"], r["concurrency"]) == (most["batch"], most["concurrency"])]
    calm = min(peers, key=lambda r: r["p99_ms"])
    name = _server(most["server"])
    head = (f"{name[:1].upper() + name[1:]} serves the most: "
            f"{most['predictions_per_s']:,.0f} predictions/s")
    if calm is most:
        return f"{head},\nand the shortest p99 at that load ({most['p99_ms']:.0f} ms)"
    return (f"{head},\nbut its p99 is {most['p99_ms']:.0f} ms "
            f"({_server(calm['server'])}: {calm['p99_ms']:.0f} ms at that load)")


def plot_results(results: dict):
    """Predictions per second for each server and load, each bar naming its server and p99.

    One group of bars per load (images per request, clients at once), one colour per server,
    a linear axis from zero. Each bar's label names its server ("LitServe: 760/s, p99 38 ms"),
    so the chart reads in grey or without telling the colours apart; the axis runs just far
    enough for every label to end inside the plot. The title names the server that serves
    the most and what its slowest 1 in 100 requests wait, next to the shortest such wait at
    that load.
    """
    from matplotlib.ticker import FuncFormatter

    from deploydl.present.charts import PALETTE, legend, new_figure

    summary = results["summary"]
    servers = list(dict.fromkeys(r["server"] for r in summary))
    loads = sorted({(r["batch"], r["concurrency"]) for r in summary})
    fig, ax = new_figure(_title(summary), xlabel="predictions per second (more is better)",
                         ylabel="", size=(10, 1.1 * len(loads) + 1.9))
    height = 0.8 / len(servers)
    labelled: list[tuple] = []  # (bar, its label) for every bar
    for i, server in enumerate(servers):
        rows = {(r["batch"], r["concurrency"]): r for r in summary if r["server"] == server}
        ys = [g + (len(servers) - 1 - 2 * i) * height / 2 for g in range(len(loads))][::-1]
        values = [rows[load]["predictions_per_s"] if load in rows else 0 for load in loads]
        bars = ax.barh(ys, values, height=height * 0.9, color=PALETTE[i % len(PALETTE)],
                       label=_server(server))
        labelled += zip(bars, ax.bar_label(bars, padding=3, fontsize=13, labels=[
            f"{_server(server)}: {rows[load]['predictions_per_s']:,.0f}/s, "
            f"p99 {rows[load]['p99_ms']:.0f} ms" if load in rows else "" for load in loads]),
                        strict=True)
    ax.set_yticks(range(len(loads)), [
        f"{b} image{'s' * (b != 1)} per request,\n{c} client{'s' * (c != 1)} at once"
        for b, c in loads][::-1])
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    legend(ax, loc="upper right", title="server")
    _make_room(fig, ax, labelled)
    return fig


def _make_room(fig, ax, labelled: list[tuple]) -> None:
    """Run the x axis of ``ax`` just far enough that every label of ``labelled`` (a bar and its
    label) ends inside the axes, 2% kept free.

    A label ends a fixed w pixels past its bar whatever the axis's range, so a bar of value v,
    labelled, fits axes W pixels wide when the axis runs to v / (0.98 - w / W). The new range
    changes the tick labels, and with them the axes' width, so this is done twice.
    """
    for label in (label for _, label in labelled):
        label.set_in_layout(False)
    for _ in range(2):
        fig.draw_without_rendering()  # lays the figure out, so the axes and labels have sizes
        width = ax.get_window_extent().width
        fits = [(bar.get_width(), 0.98 - (label.get_window_extent().x1
                                          - bar.get_window_extent().x1) / width)
                for bar, label in labelled]
        if any(room <= 0 for _, room in fits):
            raise ValueError("a bar's label is wider than the chart: shorten the server names "
                             "(SERVER_NAMES) or widen the figure.")
        ax.set_xlim(0, max(value / room for value, room in fits) or 1)


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
