"""The cross-validation chart says which colour trains and which tests."""

import matplotlib.pyplot as plt

from deploydl.evaluation.charts import cross_validation_chart
from deploydl.evaluation.metrics import CVResult


def test_cross_validation_chart_has_a_legend_and_one_test_cell_per_round():
    cv = CVResult(metric="roc_auc", folds=(0.7, 0.72, 0.74), mean=0.72, std=0.016)
    fig = cross_validation_chart(cv, model="baseline")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "the model trains on it", "held out: the model is tested on it"]
    assert [t.get_text() for t in ax.texts] == ["test\nAUC 0.700", "test\nAUC 0.720",
                                                "test\nAUC 0.740"]
    assert ax.get_title(loc="left") == "Each fold is tested once: baseline ROC AUC 0.720 ± 0.016"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["fold 1", "fold 2", "fold 3"]
    plt.close(fig)
