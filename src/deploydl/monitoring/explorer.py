"""The Module 06 widget: pick a drift scenario and its strength, see when the alarm fires.

The logic is :func:`deploydl.monitoring.drift_cost.alarm_and_cost`; this class only wires it
to ipywidgets. Tests drive it without a browser: set ``.scenario.value`` or
``.strength.value`` and read ``.result`` and ``.message.value``.
"""

from __future__ import annotations

from deploydl.data import DRIFT_SCENARIOS
from deploydl.monitoring.drift_cost import alarm_and_cost
from deploydl.present.charts import money


class DriftAlarmExplorer:
    """A dropdown (scenario), a slider (strength) and a one-paragraph answer.

    Parameters
    ----------
    model : ApplicantModel
        The model in production.
    reference : pandas.DataFrame
        Its training data, which drift is measured against.
    **simulation
        Passed to :func:`~deploydl.monitoring.drift_cost.alarm_and_cost` (``days``,
        ``start_day``, ``per_day``, ``seed``, ``alpha``, ``priced_on``).
    """

    def __init__(self, model, reference, *, scenario: str = "inflation",
                 strength: float = 1.0, **simulation) -> None:
        import ipywidgets as w

        from deploydl.present.panel import Panel, SliderRow

        self.model, self.reference, self.simulation = model, reference, simulation
        self.scenario = w.Dropdown(options=sorted(DRIFT_SCENARIOS), value=scenario,
                                   description="Scenario")
        self.strength = w.FloatSlider(value=strength, min=0.1, max=2.0, step=0.1,
                                      description="Strength", continuous_update=False)
        self.message = w.HTML()
        self.result: dict = {}
        self.scenario.observe(self._update, names="value")
        self.strength.observe(self._update, names="value")
        self.widget = Panel([w.HBox([self.scenario, SliderRow(self.strength)]), self.message],
                            title="Drift alarm explorer")
        self._update()

    def _update(self, _change=None) -> None:
        self.result = alarm_and_cost(self.model, self.reference, scenario=self.scenario.value,
                                     strength=self.strength.value, **self.simulation)
        self.message.value = f"<p style='font-size:1.1em'>{describe_alarm(self.result)}</p>"

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def describe_alarm(result: dict, *, unit: str = "$") -> str:
    """One sentence for people: when the alarm fired and what waiting costs.

    ``unit`` writes the money (:func:`~deploydl.present.charts.money`): ``"USD "`` where the
    sentence sits beside a lesson's own figures in USD.
    """
    scenario = DRIFT_SCENARIOS[result["scenario"]].description
    missed = money(result["cost_if_missed"], unit=unit)
    if result["alarm_day"] is None:
        return (f"{scenario} At strength {result['strength']:.1f} the alarm never fires; "
                f"the drift costs {missed} by the end of the month.")
    delay = result["delay_days"]
    when = "on the day it starts" if delay == 0 else f"{delay} day(s) after it starts"
    return (f"{scenario} At strength {result['strength']:.1f} the alarm fires {when} "
            f"(day {result['alarm_day']}); the drift cost "
            f"{money(result['cost_until_alarm'], unit=unit)} by then, against {missed} if nobody "
            "looked until the end of the month.")
