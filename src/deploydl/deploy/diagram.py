"""The path from a notebook to production, drawn for the lesson (Module 04)."""

from __future__ import annotations

from deploydl.present.charts import BAD, GOOD, NEUTRAL, TEXT_MUTED, ink, new_figure

#: The steps, in order, with what each adds (one line each, shown under the box), as the
#: rendered workflow runs them: no staging step; Module 06 adds a canary in production.
STEPS = (("Notebook", "trained model"), ("Artifact", "weights + metadata\n+ sha256"),
         ("Gates", "two checks:\nAUC, fairness"), ("Image", "Docker: code,\ntorch, model"),
         ("Approval", "a named person\nreleases it"), ("Production", "Kubernetes or\nserverless"))


def path_to_production():
    """A left-to-right diagram of :data:`STEPS`, the gates in orange, a rollback arrow back."""
    fig, ax = new_figure("Six steps from a notebook to production; "
                         "two automated gates can stop a bad model", xlabel="", ylabel="",
                         size=(12, 2.5))
    ax.set_xlim(-0.6, len(STEPS) - 0.4)
    ax.set_ylim(-0.4, 0.95)
    ax.axis("off")
    for i, (name, detail) in enumerate(STEPS):
        colour = BAD if name == "Gates" else GOOD
        ax.text(i, 0.35, name, ha="center", va="center", fontsize=15, color=ink(colour),
                fontweight="bold", bbox={"boxstyle": "round,pad=0.5", "fc": colour, "ec": colour})
        ax.text(i, 0.05, detail, ha="center", va="top", fontsize=12)
        if i:
            ax.annotate("", xy=(i - 0.42, 0.35), xytext=(i - 0.58, 0.35),
                        arrowprops={"arrowstyle": "-|>", "color": NEUTRAL, "lw": 2})
    ax.annotate("rollback: the registry keeps the previous version", xy=(1, 0.75),
                xytext=(5, 0.75), ha="right", va="center", fontsize=12, color=TEXT_MUTED,
                arrowprops={"arrowstyle": "-|>", "color": NEUTRAL, "ls": "--", "lw": 1.5,
                            "connectionstyle": "arc3,rad=0"})
    return fig
