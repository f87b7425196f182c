"""Charts of Module 02's evaluation: how cross-validation uses the data.

Each chart states its finding in the title, has a legend where colours carry meaning, and
labels ticks in plain words (see :mod:`deploydl.present.charts`).
"""

from __future__ import annotations

from deploydl.evaluation.metrics import CVResult


def cross_validation_chart(cv: CVResult, *, model: str = "baseline"):
    """The k rounds of cross-validation as a grid: which fold trains and which one tests.

    Each round is a row; the held-out fold is marked with its score. Returns the figure.
    """
    import numpy as np
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    from deploydl.present.charts import BAD, GOOD, new_figure

    k = len(cv.folds)
    name = cv.metric.replace("roc_auc", "ROC AUC")
    fig, ax = new_figure(f"Each fold is tested once: {model} {name} {cv.mean:.3f} ± {cv.std:.3f}",
                         xlabel=f"the data, in {k} folds", ylabel="training round", size=(9, 4.6))
    ax.imshow(np.eye(k), cmap=ListedColormap([GOOD, BAD]), aspect="auto")
    ax.set_xticks(range(k), [f"fold {i + 1}" for i in range(k)])
    ax.set_yticks(range(k), [f"round {i + 1}" for i in range(k)])
    short = name.split()[-1]
    for i, value in enumerate(cv.folds):
        ax.text(i, i, f"test\n{short} {value:.3f}", ha="center", va="center", color="white",
                fontsize=13)
    ax.legend(handles=[Patch(color=GOOD, label="the model trains on it"),
                       Patch(color=BAD, label="held out: the model is tested on it")],
              loc="upper center", bbox_to_anchor=(0.5, -0.22), ncols=2, frameon=False)
    return fig
