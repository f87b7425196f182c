"""The path from a notebook to production, drawn for the lesson (Module 04)."""

from __future__ import annotations

from typing import Any

from deploydl.present.charts import BAD, GOOD, NEUTRAL, TEXT_MUTED, ink, new_figure

#: The steps, in order, with what each adds (one line each, shown under the box), as the
#: rendered workflow runs them: no staging step; Module 06 adds a canary in production.
STEPS = (("Notebook", "trained model"), ("Artifact", "weights + metadata\n+ sha256"),
         ("Gates", "two checks:\nAUC, fairness"),
         ("Fairness\nreview", "a person decides,\nonly when fairness\nis too close to call"),
         ("Image", "Docker: code,\ntorch, model"),
         ("Approval", "a named person\nreleases it"), ("Production", "Kubernetes or\nserverless"))

#: The steps that run only sometimes (the workflow's ``fairness_review`` job runs when the
#: gates find the fairness result too close to call): drawn with a dashed outline.
CONDITIONAL = frozenset({"Fairness\nreview"})

_WORDS = {5: "five", 6: "six", 7: "seven", 8: "eight"}


def path_to_production():
    """A left-to-right diagram of :data:`STEPS`, the gates in orange, a rollback arrow back.

    The steps in :data:`CONDITIONAL` are drawn white with a dashed orange outline.
    """
    always = len(STEPS) - len(CONDITIONAL)
    fig, ax = new_figure(f"{_WORDS[always].capitalize()} steps from a notebook to production, "
                         f"{_WORDS[len(STEPS)]} when fairness is too close to call:\n"
                         "two automated gates can stop a bad model; a person decides the close "
                         "calls", xlabel="", ylabel="", size=(14, 3.2))
    ax.set_xlim(-0.6, len(STEPS) - 0.4)
    ax.set_ylim(-0.5, 0.95)
    ax.axis("off")
    for i, (name, detail) in enumerate(STEPS):
        colour = BAD if name == "Gates" else GOOD
        box: dict[str, Any] = {"boxstyle": "round,pad=0.5", "fc": colour, "ec": colour}
        if name in CONDITIONAL:
            colour = "#FFFFFF"
            box = {"boxstyle": "round,pad=0.4", "fc": colour, "ec": BAD, "ls": "--", "lw": 2}
        ax.text(i, 0.35, name, ha="center", va="center", fontsize=15, color=ink(colour),
                fontweight="bold", bbox=box)
        ax.text(i, 0.05, detail, ha="center", va="top", fontsize=12)
        if i:
            ax.annotate("", xy=(i - 0.4, 0.35), xytext=(i - 0.6, 0.35),
                        arrowprops={"arrowstyle": "-|>", "color": NEUTRAL, "lw": 2})
    ax.annotate("rollback: the registry keeps the previous version", xy=(1, 0.8),
                xytext=(len(STEPS) - 1, 0.8), ha="right", va="center", fontsize=12,
                color=TEXT_MUTED,
                arrowprops={"arrowstyle": "-|>", "color": NEUTRAL, "ls": "--", "lw": 1.5,
                            "connectionstyle": "arc3,rad=0"})
    return fig
