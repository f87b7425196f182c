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
    """Each node's (fill colour, second line, legend entry) without an erasure.

    With a ``highlight``, blue and orange mark what the change does not reach, and say so.
    """
    from deploydl.present.charts import BAD, PALETTE

    touched = set(lineage.descendants(highlight)) if highlight else set()
    looks = {}
    for name, node in lineage.nodes.items():
        entry = _PLAIN[node.kind][bool(highlight)]
        fill = PALETTE[0] if node.kind == "dataset" else PALETTE[1]
        looks[name] = ((PALETTE[4], _tag(node), CHANGED) if name == highlight
                       else (BAD, _tag(node), AFFECTED) if name in touched
                       else (fill, _tag(node), entry))
    return looks


#: Legend entries of a highlighted change: the changed item itself, and what derives from it.
CHANGED, AFFECTED = "changed", "affected downstream"

#: Legend entry of a dataset and of a model, (without, with) a highlighted change.
_PLAIN = {"dataset": ("dataset (#content hash)", "unchanged dataset (#content hash)"),
          "model": ("model (version)", "unchanged model (version)")}


#: What an erasure did to a box, its colour and its legend entry, in the legend's order. A
#: dataset that lost the row and must be rebuilt has its own entry, so counting the colours
#: gives both the datasets the row was deleted from and those to rebuild.
ERASURE_FATES = {
    "kept": ("#0072B2", "kept by law"), "deleted": ("#D55E00", "row deleted"),
    "deleted_rebuild": ("#009E73", "row deleted and to rebuild"),
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
        elif name in erasure.datasets_to_rebuild and name in erasure.rows_removed:
            fate, text = "deleted_rebuild", "row deleted, rebuild"
        elif name in erasure.datasets_to_rebuild:
            fate, text = "rebuild", "rebuild"
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

    order = [*_PLAIN["dataset"], *_PLAIN["model"], CHANGED, AFFECTED,
             *(entry for _, entry in ERASURE_FATES.values())]
    entries = sorted(dict.fromkeys((fill, entry) for fill, _, entry in looks.values()),
                     key=lambda e: order.index(e[1]) if e[1] in order else len(order))
    handles = [Patch(color=fill, label=entry) for fill, entry in entries]
    if len(handles) <= 4:  # one row fits under the boxes
        legend(ax, handles=handles, loc="lower left", frameon=False, ncols=len(handles))
    else:  # an erasure's five or six entries: three a row, under the diagram
        legend(ax, handles=handles, loc="upper left", bbox_to_anchor=(0, 0.08), frameon=False,
               ncols=3)


def _fit_title(ax) -> None:
    """Break the title at its middle comma when one line would run past the figure's edge."""
    from matplotlib.text import Text

    fig = ax.get_figure()
    text = ax.get_title(loc="left")
    title = next(t for t in ax.get_children() if isinstance(t, Text) and t.get_text() == text)
    width = title.get_window_extent(fig.canvas.get_renderer()).width
    commas = [i for i in range(len(text)) if text.startswith(", ", i)]
    if width > 0.95 * fig.bbox.width and commas:
        cut = min(commas, key=lambda i: abs(i - len(text) / 2))
        title.set_text(f"{text[:cut + 1]}\n{text[cut + 2:]}")  # keeps the title's style
