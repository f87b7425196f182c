"""Data lineage for Module 01: which data, changed how, by which code, made which model.

Each dataset version gets a **content hash** (:func:`content_hash`): the same data always gets
the same hash, and any changed cell gives a new one. A :class:`Lineage` records each
transformation with its input hashes, output hash, parameters and code version, answers
"what was derived from this?" (:meth:`Lineage.descendants`) and draws itself (:meth:`Lineage.draw`).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd


def content_hash(table: pd.DataFrame, *, ordered: bool = False) -> str:
    """SHA-256 of a table's content, as 64 hex characters.

    It changes when any cell, column name or type changes. Row order and column order do not
    count, unless ``ordered=True`` (a time series, where order is part of the meaning), and the
    index is ignored (it is bookkeeping, not data).
    """
    table = table[sorted(table.columns, key=str)]
    rows = pd.util.hash_pandas_object(table, index=False).to_numpy(dtype=np.uint64)
    if not ordered:
        rows = np.sort(rows)
    digest = hashlib.sha256()
    digest.update(repr([(str(c), str(t)) for c, t in table.dtypes.items()]).encode())
    digest.update(b"ordered" if ordered else b"unordered")
    digest.update(rows.tobytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Node:
    """A dataset version or a model in the lineage graph."""

    name: str
    kind: str  # "dataset" or "model"
    version: str  # content hash for a dataset, the model's version label for a model
    rows: int | None = None


@dataclass(frozen=True)
class Transformation:
    """One recorded step: inputs (name, hash) -> output (name, hash), with how it was done."""

    step: str
    inputs: tuple[tuple[str, str], ...]
    output: tuple[str, str]
    params: dict[str, Any] = field(default_factory=dict)
    code_version: str = ""


class Lineage:
    """The lineage graph of a data platform: nodes are datasets and models, edges are steps.

    Examples
    --------
    >>> lineage = Lineage()
    >>> raw = lineage.register("raw", table)
    >>> lineage.derive("clean", cleaned, inputs=["raw"], step="drop_nulls", params={})
    >>> lineage.descendants("raw")
    ['clean']
    """

    def __init__(self, *, code_version: str | None = None) -> None:
        from importlib.metadata import version

        self.code_version = code_version or f"deploydl {version('deploydl')}"
        self.nodes: dict[str, Node] = {}
        self.steps: list[Transformation] = []

    def register(self, name: str, table: pd.DataFrame, *, ordered: bool = False) -> Node:
        """Register a source dataset (one nothing here produced) and return its node."""
        node = Node(name, "dataset", content_hash(table, ordered=ordered), len(table))
        self.nodes[name] = node
        return node

    def derive(self, name: str, table: pd.DataFrame, *, inputs: list[str], step: str,
               params: dict[str, Any] | None = None, ordered: bool = False) -> Node:
        """Register dataset ``name`` as made from ``inputs`` by ``step`` with ``params``."""
        node = Node(name, "dataset", content_hash(table, ordered=ordered), len(table))
        return self._record(node, inputs, step, params)

    def register_model(self, name: str, *, version: str, inputs: list[str], step: str = "train",
                       params: dict[str, Any] | None = None) -> Node:
        """Register a model trained on ``inputs``, so erasure knows to retrain it."""
        return self._record(Node(name, "model", version), inputs, step, params)

    def _record(self, node: Node, inputs: list[str], step: str,
                params: dict[str, Any] | None) -> Node:
        if not inputs:
            raise ValueError(f"{node.name!r} needs at least one input; use register() for a "
                             "source dataset.")
        missing = [n for n in inputs if n not in self.nodes]
        if missing:
            raise KeyError(f"inputs {missing} are not registered; register them first "
                           f"(known: {sorted(self.nodes)}).")
        self.nodes[node.name] = node
        self.steps.append(Transformation(
            step, tuple((n, self.nodes[n].version) for n in inputs), (node.name, node.version),
            dict(params or {}), self.code_version))
        return node

    def kind(self, name: str) -> str:
        """"dataset" or "model"."""
        return self._node(name).kind

    def _node(self, name: str) -> Node:
        if name not in self.nodes:
            raise KeyError(f"{name!r} is not in the lineage; known: {sorted(self.nodes)}.")
        return self.nodes[name]

    def children(self, name: str) -> list[str]:
        """What was made directly from ``name``."""
        self._node(name)
        return sorted({s.output[0] for s in self.steps if name in dict(s.inputs)})

    def descendants(self, name: str) -> list[str]:
        """Everything derived from ``name``, directly or not, sorted by name."""
        seen: set[str] = set()
        todo = self.children(name)
        while todo:
            child = todo.pop()
            if child not in seen:
                seen.add(child)
                todo.extend(self.children(child))
        return sorted(seen)

    def table(self) -> pd.DataFrame:
        """Every recorded step, one per line, with short (12-character) hashes."""
        return pd.DataFrame([{
            "step": s.step,
            "inputs": ", ".join(f"{n}@{h[:12]}" for n, h in s.inputs),
            "output": f"{s.output[0]}@{s.output[1][:12]}",
            "params": s.params, "code_version": s.code_version} for s in self.steps])

    def to_dict(self) -> dict[str, Any]:
        """The whole graph as JSON-ready data, for storing next to the datasets."""
        return {"nodes": [asdict(n) for n in self.nodes.values()],
                "steps": [asdict(s) for s in self.steps]}

    def depth(self) -> dict[str, int]:
        """Each node's column in a drawing: the longest path from a source to it."""
        depth = {name: 0 for name in self.nodes}
        for _ in self.nodes:
            for s in self.steps:
                depth[s.output[0]] = max(depth[s.output[0]],
                                         *(depth[n] + 1 for n, _ in s.inputs))
        return depth

    def draw(self, *, title: str, highlight: str | None = None):
        """Draw the graph left to right: datasets as blue boxes, models as orange ones.

        ``highlight`` colours one node and everything derived from it in red, e.g. to show what
        an erasure request touches. Returns the matplotlib figure.
        """
        from deploydl.present.charts import BAD, PALETTE, new_figure

        depth = self.depth()
        touched = {highlight, *self.descendants(highlight)} if highlight else set()
        columns: dict[int, list[str]] = {}
        for name in self.nodes:
            columns.setdefault(depth[name], []).append(name)
        place = {name: (d, -i + (len(names) - 1) / 2)
                 for d, names in columns.items() for i, name in enumerate(names)}
        size = (3.0 * (max(columns) + 1) + 1, 1.4 * max(map(len, columns.values())) + 1.5)
        fig, ax = new_figure(title, xlabel="", ylabel="", size=size)
        boxes = {}
        for name, (x, y) in place.items():
            node = self.nodes[name]
            colour = BAD if name in touched else PALETTE[0 if node.kind == "dataset" else 1]
            tag = f"#{node.version[:8]}" if node.kind == "dataset" else f"v{node.version}"
            label = f"{name}\n{tag}"
            boxes[name] = ax.text(x, y, label, ha="center", va="center", color="white",
                                  fontsize=12, bbox={"boxstyle": "round,pad=0.5",
                                                     "facecolor": colour, "edgecolor": "none"})
        for s in self.steps:
            for n, _ in s.inputs:
                ax.annotate("", xy=place[s.output[0]], xytext=place[n], arrowprops={
                    "arrowstyle": "-|>", "color": "#555555", "lw": 1.5, "mutation_scale": 18,
                    "patchA": boxes[n].get_bbox_patch(),
                    "patchB": boxes[s.output[0]].get_bbox_patch()})
        _legend(ax, touched=bool(touched))
        ax.set_xlim(-0.6, max(columns) + 0.6)
        heights = [y for _, y in place.values()]
        ax.set_ylim(min(heights) - 0.7, max(heights) + 0.7)
        ax.axis("off")
        return fig


def _legend(ax, *, touched: bool) -> None:
    from matplotlib.patches import Patch

    from deploydl.present.charts import BAD, PALETTE

    handles = [Patch(color=PALETTE[0], label="dataset (#content hash)"),
               Patch(color=PALETTE[1], label="model (version)")]
    if touched:
        handles.append(Patch(color=BAD, label="affected"))
    ax.legend(handles=handles, loc="lower left", frameon=False, ncols=len(handles))
