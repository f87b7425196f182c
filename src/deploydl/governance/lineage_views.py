"""How the lineage graph of Module 01 reads to a person: each step's parameters in plain words,
and the colours, box labels and legend that :meth:`Lineage.draw` gives each dataset and model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from deploydl.governance.lineage_graph import Lineage, Node, Transformation


def _names(value: Any) -> str:
    """A parameter's value as text: a list as its items with commas, anything else as is."""
    return ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)


#: How a step's parameter reads in plain words, by the parameter's name.
_PARAM_WORDS: dict[str, Callable[[Any], str]] = {
    "drop_duplicates": lambda v: f"drop duplicate {_names(v)}",
    "dropna": lambda v: f"drop rows without {_names(v)}",
    "suppressed": lambda v: f"leave out {v} erased {'person' if v == 1 else 'people'} "
                            "(suppression list)",
    "columns": lambda v: f"columns {_names(v)}",
    "by": lambda v: f"by {_names(v)}",
    "features": lambda v: f"{len(v)} features",
}


def params_in_words(step: Transformation) -> str:
    """A step's parameters in a few plain words, for a table an executive reads.

    ``{"drop_duplicates": "applicant_id", "dropna": ["income"]}`` reads ``"drop duplicate
    applicant_id; drop rows without income"``; a method applied to columns is named with the
    step (``"pseudonymise applicant_id (HMAC-SHA256)"``); a list of features is counted
    (``"7 features"``). A parameter with no phrase here reads ``"name: value"``.
    """
    params = dict(step.params)
    phrases = []
    if "method" in params:
        target = _names(params.pop("columns", []))
        phrases.append(" ".join(filter(None, [step.step, target, f"({params.pop('method')})"])))
    phrases += [_PARAM_WORDS.get(name, lambda v, name=name: f"{name}: {_names(v)}")(value)
                for name, value in params.items()]
    return "; ".join(phrases) or "none"


def _tag(node: Node) -> str:
    return f"#{node.version[:8]}" if node.kind == "dataset" else f"v{node.version}"


def _plain_looks(lineage: Lineage, highlight: str | None) -> dict[str, tuple[str, str, str]]:
    """Each node's (fill colour, second line, legend entry) without an erasure."""
    from deploydl.present.charts import BAD, PALETTE

    touched = set(lineage.descendants(highlight)) if highlight else set()
    looks = {}
    for name, node in lineage.nodes.items():
        entry = ("dataset (#content hash)" if node.kind == "dataset" else "model (version)")
        fill = PALETTE[0] if node.kind == "dataset" else PALETTE[1]
        looks[name] = ((PALETTE[4], _tag(node), CHANGED) if name == highlight
                       else (BAD, _tag(node), AFFECTED) if name in touched
                       else (fill, _tag(node), entry))
    return looks


#: Legend entries of a highlighted change: the changed item itself, and what derives from it.
CHANGED, AFFECTED = "changed", "affected downstream"


#: What an erasure did to a box, its colour and its legend entry, in the legend's order.
ERASURE_FATES = {
    "kept": ("#0072B2", "kept by law"), "deleted": ("#D55E00", "row deleted"),
    "rebuild": ("#E69F00", "to rebuild"), "retrain": ("#CC79A7", "model to retrain"),
    "untouched": ("#999999", "untouched"),
}


def _erasure_looks(lineage: Lineage, erasure) -> dict[str, tuple[str, str, str]]:
    """Each node's (fill colour, second line, legend entry) after ``erasure``."""
    looks = {}
    for name in lineage.nodes:
        if name in erasure.rows_kept:
            fate, text = "kept", "kept by law"
        elif name in erasure.models_to_retrain:
            fate, text = "retrain", "retrain"
        elif name in erasure.datasets_to_rebuild:
            fate = "rebuild"
            text = "row deleted, rebuild" if name in erasure.rows_removed else "rebuild"
        elif name in erasure.rows_removed:
            fate, text = "deleted", "row deleted"
        else:
            fate, text = "untouched", "untouched"
        fill, entry = ERASURE_FATES[fate]
        looks[name] = (fill, text, entry)
    return looks


def _legend(ax, looks: dict[str, tuple[str, str, str]]) -> None:
    from matplotlib.patches import Patch

    from deploydl.present.charts import legend

    order = ["dataset (#content hash)", "model (version)", CHANGED, AFFECTED,
             *(entry for _, entry in ERASURE_FATES.values())]
    entries = sorted(dict.fromkeys((fill, entry) for fill, _, entry in looks.values()),
                     key=lambda e: order.index(e[1]) if e[1] in order else len(order))
    handles = [Patch(color=fill, label=entry) for fill, entry in entries]
    legend(ax, handles=handles, loc="lower left", frameon=False, ncols=len(handles))
