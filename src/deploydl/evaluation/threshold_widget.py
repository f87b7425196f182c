"""Interactive widgets for the lessons; each one's logic is testable without a browser.

A widget here is a small class holding ipywidgets controls and an output widget. Tests set a
control's ``.value`` and read the output's ``.value``: no browser needed.
"""

from __future__ import annotations

from deploydl.evaluation.metrics import DEFAULT_COSTS, ErrorCosts, Outcomes, check_inputs, outcomes
from deploydl.present.charts import money


class ThresholdExplorer:
    """A threshold slider for the loan model (Module 02).

    Letting go of the slider (or typing a threshold in its box) updates the confusion matrix
    in business words, precision, recall and the expected cost of errors (US dollars, under
    ``costs``) for the applicants given.

    Attributes
    ----------
    slider : ipywidgets.FloatSlider
        The threshold (0..1): a loan is referred to an underwriter when its probability of
        default is at or above it, and approved otherwise.
        It sits in a :class:`~deploydl.present.panel.SliderRow` with a named number box.
    summary : ipywidgets.HTML
        The numbers, re-rendered on each new threshold; ``summary.value`` is the HTML shown.
    widget : deploydl.present.panel.Panel
        Slider and summary together; displaying the explorer displays this.
    """

    def __init__(self, y_true, y_score, *, threshold: float = 0.5,
                 costs: ErrorCosts = DEFAULT_COSTS) -> None:
        import ipywidgets as widgets

        from deploydl.present.panel import Panel, SliderRow

        self._y, self._s = check_inputs(y_true, y_score)
        self.costs = costs
        self.slider = widgets.FloatSlider(value=threshold, min=0.01, max=0.99, step=0.01,
                                          description="threshold", readout_format=".2f")
        self.summary = widgets.HTML()
        self.widget = Panel([SliderRow(self.slider), self.summary], title="Threshold explorer")
        self.slider.observe(self._update, names="value")
        self._update()

    @property
    def outcomes(self) -> Outcomes:
        """The outcomes at the slider's current threshold."""
        return outcomes(self._y, self._s, threshold=self.slider.value, costs=self.costs)

    def _update(self, change=None) -> None:
        self.summary.value = render_outcomes(self.outcomes)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def render_outcomes(out: Outcomes) -> str:
    """Outcomes as a small HTML table and three headline numbers; every header cell names its
    column or row (``scope``) for a screen reader."""
    t = out.table()
    cells = "".join(
        f"<tr><th scope='row' style='text-align:left'>{row}</th>"
        + "".join(f"<td style='text-align:right'>{v:,}</td>" for v in t.loc[row]) + "</tr>"
        for row in t.index)
    head = "".join(f"<th scope='col'>{name}</th>"
                   for name in (f"threshold {out.threshold:.2f}", *t.columns))
    return (
        f"<table><tr>{head}</tr>{cells}</table>"
        f"<p><b>bad loans approved:</b> {out.bad_approved:,} · "
        f"<b>good customers referred:</b> {out.good_turned_away:,}<br>"
        f"<b>precision:</b> {out.precision:.1%} · <b>recall:</b> {out.recall:.1%} · "
        f"<b>expected cost of errors:</b> {money(out.cost)}</p>")


def threshold_explorer(y_true, y_score, *, threshold: float = 0.5,
                       costs: ErrorCosts = DEFAULT_COSTS) -> ThresholdExplorer:
    """A :class:`ThresholdExplorer` for labels and scores; display it in a notebook cell."""
    return ThresholdExplorer(y_true, y_score, threshold=threshold, costs=costs)
