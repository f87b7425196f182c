"""Module 05 (Efficient inference): batch size, cost, int8 and what to measure first."""

from __future__ import annotations

from typing import Any

from deploydl.exercises.core import Exercise


def _is_int8_model(model: Any) -> str | None:
    names = {type(m).__name__ for m in getattr(model, "modules", lambda: [])()}
    if not names:
        return f"store the quantised network (a torch module); you gave a {type(model).__name__}."
    if not any("Quantized" in n for n in names) and "GraphModule" not in names:
        return ("this network has no int8 layers; build it with "
                "quantize_int8(net, x_train[:512]).")
    return None


def _is_judgement(answer: Any) -> str | None:
    if not (isinstance(answer, tuple) and len(answer) == 2):
        return "give a pair: (drop_in_points, acceptable), e.g. (0.4, True)."
    drop, acceptable = answer
    if not isinstance(drop, int | float) or abs(drop) > 20:
        return (f"the drop should be in percentage points (0.98 - 0.975 -> 0.5); you gave "
                f"{drop!r}.")
    if acceptable != (drop <= 1.0):
        return (f"with a drop of {drop:.2f} points and a budget of 1 point, acceptable should "
                f"be {drop <= 1.0}.")
    return None


EXERCISES = [
    Exercise(
        id="05.1", title="The largest batch within a latency budget",
        expected=32,
        hints=("A request waits for its whole batch. Which batch sizes take 10 ms or less?",
               "Keep the sizes whose time is <= 10 and take the largest: "
               "max(b for b, ms in ms_per_batch.items() if ms <= 10)"),
    ),
    Exercise(
        id="05.2", title="Cost per million predictions",
        expected=0.0231, rel_tol=0.01,
        hints=("Dollars per hour for the server, divided by predictions per hour, times a "
               "million.",
               "cost_per_million(1200, price_per_core_hour=0.05, cores=2)"),
    ),
    Exercise(
        id="05.3", title="Quantise the digit reader to int8",
        checker=_is_int8_model,
        hints=("quantize_int8 takes the network and some typical images to calibrate on.",
               "int8_net = quantize_int8(net, x_train[:512])"),
    ),
    Exercise(
        id="05.4", title="Is the accuracy loss acceptable?",
        checker=_is_judgement,
        hints=("Compute both accuracies with accuracy(model, x_test, y_test), subtract, and "
               "multiply by 100 to get points.",
               "drop = (accuracy(net, x_test, y_test) - accuracy(int8_net, x_test, y_test)) "
               "* 100; answer = (drop, drop <= 1.0)"),
    ),
    Exercise(
        id="05.5", title="Monthly bill for 300 million predictions",
        expected=36.5,
        hints=("plan_serving(...) returns a plan; its monthly_cost is in dollars.",
               "plan_serving(ms_per_batch, batch_size=32, predictions_per_month=300e6, "
               "price_per_core_hour=0.05).monthly_cost"),
    ),
    Exercise(
        id="05.6", title="What to measure before buying batching",
        expected="B",
        hints=("Batching saves model compute per item. When does that saving matter?",),
    ),
]
