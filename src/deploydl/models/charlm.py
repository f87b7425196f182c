"""A tiny character-level language model, to measure what batching does to generation (05).

A large language model writes one token at a time, and each token needs a pass through the
whole network. Serving many conversations at once steps them all together: one pass per token
for the whole batch. This model is the same idea at toy scale: a "token" is one character, it
trains in seconds on the Zen of Python (which ships with Python, so nothing is downloaded), and
it generates for a batch of conversations at once, so :func:`tokens_per_second` can show
throughput against batch size.

The trained model ships with the course (:func:`reference_char_model`), so Module 05 loads it
instead of spending seconds of its time budget training it. Training runs in float64, so the
recipe gives the same weights on any CPU; a unit test retrains it and compares. A maintainer
rebuilds the file with ``safetensors.torch.save_model(train_char_model(seed=REFERENCE_SEED),
str(REFERENCE_CHAR_MODEL), metadata={"recipe": REFERENCE_RECIPE})`` and commits it.
"""

from __future__ import annotations

import ast
import codecs
import importlib.util
import time
from pathlib import Path

import pandas as pd
import torch
from torch import nn

from deploydl.models.shipped import load_shipped
from deploydl.models.training import History, fit, seeded

#: The trained model Module 05 uses: :data:`REFERENCE_RECIPE`, trained once and shipped.
REFERENCE_CHAR_MODEL = Path(__file__).with_name("char_model.safetensors")
#: The seed of :data:`REFERENCE_CHAR_MODEL`; everything else is :func:`train_char_model`'s
#: default (the Zen of Python, a 16-character window, 64 hidden units, 10 epochs).
REFERENCE_SEED = 0
REFERENCE_RECIPE = f"train_char_model(seed={REFERENCE_SEED})"
_RETRAIN = (f"Or train the same weights again, in a few seconds: `from deploydl.models.charlm "
            f"import train_char_model; net = train_char_model(seed={REFERENCE_SEED}).eval()` "
            "(deploydl.models.charlm's docstring shows how to write it back to the file).")


def zen_text() -> str:
    """The Zen of Python, read from the ``this`` module's file (importing it would print it)."""
    spec = importlib.util.find_spec("this")
    origin = None if spec is None else spec.origin
    if origin is None:
        raise RuntimeError("This Python has no file for the `this` module, so no Zen of Python "
                           "text; use a standard CPython installation.")
    source = Path(origin).read_text(encoding="utf-8")
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "s":
            return codecs.decode(ast.literal_eval(node.value), "rot13")
    raise RuntimeError(f"{origin} has no Zen of Python text; this Python is unusual.")


def alphabet_of(text: str) -> str:
    """The characters a model of ``text`` knows, in a fixed order (its output classes)."""
    return "".join(sorted(set(text)))


class CharModel(nn.Module):
    """Characters in, the next character's scores out: an embedding, a GRU and a linear head."""

    def __init__(self, alphabet: str, *, hidden: int = 64) -> None:
        super().__init__()
        self.alphabet = alphabet
        self.embed = nn.Embedding(len(alphabet), 16)
        self.gru = nn.GRU(16, hidden, batch_first=True)
        self.head = nn.Linear(hidden, len(alphabet))
        self.history: History | None = None

    def forward(self, codes: torch.Tensor) -> torch.Tensor:
        """Scores for the character after each window of ``codes`` ``(N, T)``: ``(N, V)``."""
        out, _ = self.gru(self.embed(codes))
        return self.head(out[:, -1])

    def encode(self, text: str) -> torch.Tensor:
        unknown = sorted(set(text) - set(self.alphabet))
        if unknown:
            raise ValueError(f"characters {unknown} are not in the model's alphabet; use only "
                             "characters from the training text.")
        return torch.tensor([self.alphabet.index(ch) for ch in text], dtype=torch.long)

    @torch.inference_mode()
    def generate(self, prompts: list[str], *, tokens: int) -> list[str]:
        """Continue every prompt by ``tokens`` characters at once (greedy), as one batch.

        Prompts must have the same length. Each step runs the network once for the whole
        batch, carrying each conversation's memory (the GRU's state) forward.
        """
        if len({len(p) for p in prompts}) != 1:
            raise ValueError("give prompts of the same length, so they can run as one batch; "
                             f"got lengths {sorted({len(p) for p in prompts})}.")
        self.eval()
        codes = torch.stack([self.encode(p) for p in prompts])
        out, state = self.gru(self.embed(codes))
        step = self.head(out[:, -1]).argmax(-1)
        made = [step]
        for _ in range(tokens - 1):
            out, state = self.gru(self.embed(step[:, None]), state)
            step = self.head(out[:, -1]).argmax(-1)
            made.append(step)
        grid = torch.stack(made, dim=1).tolist()
        return [p + "".join(self.alphabet[i] for i in row) for p, row in zip(prompts, grid,
                                                                             strict=True)]


def train_char_model(text: str | None = None, *, window: int = 16, hidden: int = 64,
                     epochs: int = 10, seed: int = 0) -> CharModel:
    """Train :class:`CharModel` to predict each character of ``text`` (default: the Zen of
    Python) from the ``window`` before it. Seeded and trained in float64, so it is portable;
    a few seconds on a laptop."""
    text = text or zen_text()
    if len(text) <= window:
        raise ValueError(f"text has {len(text)} characters; give more than window={window}.")
    with seeded(seed):
        net = CharModel(alphabet_of(text), hidden=hidden)
    codes = net.encode(text)
    starts = torch.arange(len(text) - window)
    x = torch.stack([codes[s:s + window] for s in starts.tolist()])
    y = codes[window:]
    net.history = fit(net, x, y, loss_fn=nn.CrossEntropyLoss(), seed=seed, epochs=epochs,
                      batch_size=32, lr=1e-2, desc="character model")
    return net


def reference_char_model() -> CharModel:
    """The model :data:`REFERENCE_RECIPE` trains, read from :data:`REFERENCE_CHAR_MODEL`.

    The same weights as ``train_char_model(seed=REFERENCE_SEED)``, without the seconds of
    training; in eval mode, ready to :meth:`~CharModel.generate`. A missing or damaged file
    raises :class:`~deploydl.models.shipped.ShippedModelMissing` or
    :class:`~deploydl.models.shipped.ShippedModelDamaged`, saying how to restore it.
    """
    from safetensors.torch import load_model

    net = CharModel(alphabet_of(zen_text()))
    load_shipped(REFERENCE_CHAR_MODEL, lambda path: load_model(net, str(path)),
                 retrain=_RETRAIN)
    return net.eval()


def tokens_per_second(model: CharModel, *, batch_sizes=(1, 4, 16, 64), tokens: int = 50,
                      prompt: str = "Beautiful is", repeats: int = 10,
                      price_per_core_hour: float = 0.05) -> pd.DataFrame:
    """Generation throughput against batch size: the best of ``repeats`` timings each.

    One row per batch size (conversations generated at once): ``tokens_per_second`` (all
    conversations together), ``ms_per_token`` (the wait between one conversation's tokens)
    and ``usd_per_1000_tokens`` on one core rented at ``price_per_core_hour``. Each batch size
    is generated once untimed first (a warm-up): the first calls pay for memory and kernel
    set-up, which would otherwise land on whichever batch size is timed first. A timing takes
    milliseconds, so ten of them cost little and the best one is rarely slowed by other work on
    the machine.
    """
    from deploydl.efficiency.costs import cost_per_million

    rows = []
    for batch in batch_sizes:
        model.generate([prompt] * batch, tokens=tokens)  # warm-up, not timed
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            model.generate([prompt] * batch, tokens=tokens)
            best = min(best, time.perf_counter() - start)
        speed = batch * tokens / best
        rows.append({"batch": batch, "tokens_per_second": speed,
                     "ms_per_token": 1000 * best / tokens,
                     "usd_per_1000_tokens": cost_per_million(
                         speed, price_per_core_hour=price_per_core_hour) / 1000})
    return pd.DataFrame(rows).set_index("batch")
