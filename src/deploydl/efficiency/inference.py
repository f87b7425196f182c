"""Running a model for predictions only, and timing it (Module 05).

Three settings decide how fast a trained network answers on a CPU: evaluation mode (no
dropout, fixed batch-norm), inference mode (torch records nothing for training) and the
number of threads torch may use. :func:`time_forward` measures the result honestly: warm-up
first, then the median of many calls.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import torch


def prepare_for_inference(net: torch.nn.Module) -> torch.nn.Module:
    """Switch ``net`` to evaluation mode and stop tracking gradients; returns ``net``.

    ``torch.inference_mode()`` alone does not do this: dropout and batch norm still behave
    as in training until ``eval()`` is called.
    """
    net.eval()
    for parameter in net.parameters():
        parameter.requires_grad_(False)
    return net


def predict_logits(model: Callable[[Any], Any], images: np.ndarray) -> np.ndarray:
    """The model's raw scores for ``images`` (a float32 array), under inference mode."""
    with torch.inference_mode():
        out = model(torch.from_numpy(np.ascontiguousarray(images, dtype=np.float32)))
    return out.numpy() if isinstance(out, torch.Tensor) else np.asarray(out)


def accuracy(model: Callable[[Any], Any], images: np.ndarray, labels: np.ndarray) -> float:
    """Share of ``images`` whose highest-scoring class is the label (0..1)."""
    return float((predict_logits(model, images).argmax(axis=1) == np.asarray(labels)).mean())


@contextmanager
def torch_threads(n: int) -> Iterator[int]:
    """Let torch use ``n`` threads inside the block, then restore the previous number.

    On a shared machine or in a container, use the CPU limit you are given, not the host's
    core count: more threads than cores make every request slower.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1 thread; got {n}.")
    previous = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield n
    finally:
        torch.set_num_threads(previous)


def time_forward(model: Callable[[Any], Any], images: np.ndarray, *, repeats: int = 50,
                 warmup: int = 5) -> dict[str, float]:
    """Time one forward pass on ``images``: median and 95th percentile, after a warm-up.

    Returns
    -------
    dict
        ``batch`` (images per call), ``p50_ms`` and ``p95_ms`` (milliseconds per call),
        ``ms_per_image`` (p50 divided by the batch) and ``images_per_s`` (throughput of one
        thread of work at the median).
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1; got {repeats}.")
    for _ in range(warmup):
        predict_logits(model, images)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        predict_logits(model, images)
        times.append((time.perf_counter() - start) * 1000)
    p50 = statistics.median(times)
    batch = len(images)
    return {"batch": batch, "p50_ms": round(p50, 4),
            "p95_ms": round(float(np.percentile(times, 95)), 4),
            "ms_per_image": round(p50 / batch, 4), "images_per_s": round(1000 * batch / p50, 1)}


def token_wait_in_words(speed) -> str:
    """What batching did to generation, from :func:`deploydl.models.charlm.tokens_per_second`:
    the gain in tokens per second for all conversations, and the wait between one
    conversation's tokens alone and at the largest batch."""
    alone, most = speed.index.min(), speed.index.max()
    wait = speed["ms_per_token"]
    return (f"Tokens per second for all conversations: up to {_token_gain(speed):.0f}x one "
            "conversation's. "
            f"The wait between one conversation's tokens: {wait[alone]:.3f} ms alone, "
            f"{wait[most]:.3f} ms with {most} together ({wait[most] / wait[alone]:.1f}x).")


def tokens_chart(speed):
    """Tokens per second for all conversations at each batch size, each bar labelled, the gain
    over one conversation in the title (from ``tokens_per_second``)."""
    from matplotlib.ticker import StrMethodFormatter

    from deploydl.present.charts import GOOD, label_bars, new_figure

    fig, ax = new_figure(f"Writing for many conversations at once gives\nup to "
                         f"{_token_gain(speed):.0f}x the tokens per second",
                         xlabel="conversations generated together (batch size)",
                         ylabel="tokens per second,\nall conversations", size=(9, 4.8))
    ax.bar(speed.index.astype(str), speed["tokens_per_second"], color=GOOD)
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    label_bars(ax, fmt="{:,.0f}")
    ax.margins(y=0.15)
    return fig


def _token_gain(speed) -> float:
    """The most tokens per second for all conversations over one conversation's alone."""
    return speed["tokens_per_second"].max() / speed.loc[speed.index.min(), "tokens_per_second"]
