"""The lineage graph of Module 01: content hashes, its nodes and steps, and :class:`Lineage`.

:func:`content_hash` names each dataset version by its content; a :class:`Lineage` records each
transformation, answers "what was derived from this?" and draws itself, with the words and
colours of :mod:`~deploydl.governance.lineage_views`.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from deploydl.governance.lineage_views import (
    _erasure_looks,
    _fit_title,
    _legend,
    _plain_looks,
    params_in_words,
)


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

    def table_in_words(self) -> pd.DataFrame:
        """:meth:`table` for a person to read: step, inputs and output with their short hashes,
        and each step's parameters in a few words (:func:`params_in_words`), not as code."""
        if not self.steps:
            return self.table()
        return self.table()[["step", "inputs", "output"]].assign(
            parameters=[params_in_words(s) for s in self.steps])

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

    def draw(self, *, title: str, highlight: str | None = None, erasure=None):
        """Draw the graph left to right: datasets as blue boxes, models as orange ones.

        ``highlight`` colours one node (purple, "changed") and everything derived from it
        (red, "affected downstream"), e.g. to show what a change touches. ``erasure`` (a
        :class:`deploydl.governance.privacy.ErasureReport`) colours each box by what the
        erasure did to it instead: kept by law, row deleted, row deleted and to rebuild, to
        rebuild, to retrain, untouched, each with its own colour in the legend. A title too
        wide for the figure is broken at its middle comma. Returns the matplotlib figure.
        """
        from deploydl.present.charts import human_label, ink, new_figure

        place = self._layout()
        columns = max(x for x, _ in place.values()) + 1
        rows = max(sum(1 for x, _ in place.values() if x == c) for c in range(columns))
        # Tight around the boxes: a slide shows the figure at its own size or a little less,
        # and the labels (15 pt) must stay readable there.
        fig, ax = new_figure(title, xlabel="", ylabel="",
                             size=(2.6 * columns + 0.4, 1.2 * rows + 1.4))
        _fit_title(ax)
        looks = _erasure_looks(self, erasure) if erasure else _plain_looks(self, highlight)
        boxes = {}
        for name, (x, y) in place.items():
            fill, line2, _ = looks[name]
            boxes[name] = ax.text(x, y, f"{human_label(name)}\n{line2}", ha="center", va="center",
                                  color=ink(fill), fontsize=15,
                                  bbox={"boxstyle": "round,pad=0.5", "facecolor": fill,
                                        "edgecolor": "none"})
        for s in self.steps:
            for n, _ in s.inputs:
                ax.annotate("", xy=place[s.output[0]], xytext=place[n], arrowprops={
                    "arrowstyle": "-|>", "color": "#555555", "lw": 1.5, "mutation_scale": 18,
                    "patchA": boxes[n].get_bbox_patch(),
                    "patchB": boxes[s.output[0]].get_bbox_patch()})
        _legend(ax, looks)
        ax.set_xlim(-0.5, columns - 0.5)
        heights = [y for _, y in place.values()]
        ax.set_ylim(min(heights) - 0.85, max(heights) + 0.45)  # the legend sits low
        ax.axis("off")
        return fig

    def _layout(self) -> dict[str, tuple[int, float]]:
        depth = self.depth()
        columns: dict[int, list[str]] = {}
        for name in self.nodes:
            columns.setdefault(depth[name], []).append(name)
        return {name: (d, -i + (len(names) - 1) / 2)
                for d, names in columns.items() for i, name in enumerate(names)}
