"""What int8 and the other copies of a network gain, in words and in a chart (Module 05).

The sentences and the chart a lesson shows from the rows of
:func:`~deploydl.efficiency.compress.compare_variants` or of a ``deploydl bench`` run: int8's
speed by engine, its gain in size and speed, and the accuracy a copy lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def int8_speed_by_engine(results: Mapping[str, Any], *,
                         model: str = "small") -> dict[str, float]:
    """int8's speed on one of a ``deploydl bench`` run's two models, by engine.

    ``model`` is ``"small"``, the small digits CNN (the rows in ``results["int8"]``), or
    ``"wide"``, the wide CNN (``results["int8_wide"]``). Each value is how many times as fast
    the int8 copy scored a batch of 32 images as the float32 copy on the same engine
    (``faster_x_batch32``; below 1 means slower): ``"PyTorch"``, torch's int8 against torch's
    float32, and ``"ONNX Runtime"``, its int8 against its own float32 export (the same key
    under ``results["onnx"]``). They are the figures the benchmark's targets "int8 faster at
    batch 32, small model" and "ONNX int8 faster at batch 32, small model" report (or "wide
    model"). An engine the run did not measure (a run without the ONNX server, or older
    results) is left out.
    """
    if model not in ("small", "wide"):
        raise ValueError(f"model={model!r}: the benchmark times int8 on 'small' and 'wide'.")
    key = "int8" if model == "small" else "int8_wide"
    where = {"PyTorch": (results.get(key), "int8"),
             "ONNX Runtime": ((results.get("onnx") or {}).get(key), "ONNX int8")}
    speeds = {}
    for engine, (rows, int8) in where.items():
        found = {row["variant"]: row for row in rows or []}
        if int8 in found:
            speeds[engine] = found[int8]["faster_x_batch32"]
    return speeds


def int8_gain_in_words(rows: list[Mapping[str, Any]], *, fp32: str = "fp32",
                       int8: str = "int8") -> str:
    """How much smaller and faster the variant ``int8`` is than ``fp32``, in words.

    ``rows`` are :func:`compare_variants` rows (or a ``deploydl bench`` run's, which have the
    same fields) whose first variant is ``fp32``, the copy their ratios compare with. The
    answer reads "file 4.0x smaller (25 MB to 6.4 MB), a batch of 32 images scored 5.1x
    faster": the first ratio is fp32's file size over int8's (``smaller_x``), the sizes are
    the saved files in megabytes (millions of bytes), and the second ratio is how many times
    as fast int8 scored a batch of 32 (``faster_x_batch32``; below 1 means slower).
    """
    copies = {row["variant"]: row for row in rows}
    missing = [name for name in (fp32, int8) if name not in copies]
    if missing:
        raise ValueError(f"no row for {missing} among the variants {sorted(copies)}; pass the "
                         "names of the float32 and int8 copies as fp32= and int8=.")
    before, after = copies[fp32], copies[int8]
    return (f"file {after['smaller_x']:.1f}x smaller ({before['size_bytes'] / 1e6:.0f} MB to "
            f"{after['size_bytes'] / 1e6:.1f} MB), a batch of 32 images scored "
            f"{after['faster_x_batch32']:.1f}x faster")


def points_lost_in_words(lost: float) -> str:
    """Accuracy lost to a smaller copy, in words, as a lesson prints it.

    ``lost`` is in percentage points of accuracy (98.1% down to 97.6% is 0.5): the answer
    is "0.5 points", or "none" when it rounds to 0.0 or the copy scored better.
    """
    return "none" if round(lost, 1) <= 0 else f"{lost:.1f} points"


def variants_chart(rows: list[dict], *, batch: int = 32):
    """Time per batch for each variant of :func:`compare_variants`, fastest on top.

    A bar per variant on a linear axis from zero, each labelled with its size on disk and its
    accuracy, so the three numbers of the trade-off sit side by side. Returns the figure.
    """
    from deploydl.present.charts import PALETTE, new_figure

    key = f"p50_ms_batch{batch}"
    ordered = sorted(rows, key=lambda r: r[key], reverse=True)
    fastest, smallest = ordered[-1], min(rows, key=lambda r: r["size_bytes"])
    accuracies = [r["accuracy"] for r in rows]
    fig, ax = new_figure(
        f"{fastest['variant']} is {fastest[f'faster_x_batch{batch}']:.1f}x faster than "
        f"{rows[0]['variant']}, {smallest['variant']} {smallest['smaller_x']:.1f}x smaller;\n"
        f"accuracy stays between {min(accuracies):.1%} and {max(accuracies):.1%}",
        xlabel=f"milliseconds per {batch} images (less is better)", ylabel="")
    colours = {r["variant"]: PALETTE[i % len(PALETTE)] for i, r in enumerate(rows)}
    bars = ax.barh([r["variant"] for r in ordered], [r[key] for r in ordered],
                   color=[colours[r["variant"]] for r in ordered])
    ax.bar_label(bars, padding=3, fontsize=14, labels=[
        f"{r[key]:.2f} ms, {r['size_bytes'] / 1000:.0f} KB, {r['accuracy']:.1%} accurate"
        for r in ordered])
    ax.set_xlim(0, max(r[key] for r in rows) * 1.9)
    return fig
