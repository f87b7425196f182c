"""Named drift scenarios: how the applicants change after the model ships (Module 06)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from deploydl.data.applicants import NEW_REGION, PROTECTED_ATTRIBUTE, age_band


@dataclass(frozen=True)
class DriftScenario:
    """A named way the world (or a data pipeline) changes after the model ships."""

    name: str
    description: str
    columns: tuple[str, ...]


DRIFT_SCENARIOS: dict[str, DriftScenario] = {
    "inflation": DriftScenario(
        "inflation", "Inflation lifts nominal incomes and loan sizes together.",
        ("income", "loan_amount")),
    "new_region": DriftScenario(
        "new_region", "A new region opens; its applicants are younger with thinner credit files.",
        ("region", "credit_history_years", "age", "age_band")),
    "pipeline_bug": DriftScenario(
        "pipeline_bug", "An upstream bug writes zero into credit_history_years for some rows.",
        ("credit_history_years",)),
}


def apply_drift(table: pd.DataFrame, scenario: str, *, strength: float = 1.0,
                seed: int = 0) -> pd.DataFrame:
    """Return a copy of ``table`` changed by a named drift scenario.

    Parameters
    ----------
    table : pandas.DataFrame
        Applicants from :func:`make_applicants`.
    scenario : str
        One of :data:`DRIFT_SCENARIOS`.
    strength : float
        0 leaves the data unchanged; 1 is the scenario's full size: +15% nominal income and loan
        amounts for ``inflation``, 40% of applicants from the new region for ``new_region``, and
        50% of rows zeroed for ``pipeline_bug``.
    seed : int
        Seed for the rows the scenario picks.

    Columns derived from a changed one are derived again (``age_band`` from ``age``). The label
    ``default`` is left as it was: the drift changes what the model sees, not what happened.
    So the new region's applicants look riskier on paper (younger, thinner files) but default
    at the bank's usual rate, since the rows it moves are picked at random.
    """
    if scenario not in DRIFT_SCENARIOS:
        raise ValueError(f"Unknown drift scenario {scenario!r}; choose one of "
                         f"{sorted(DRIFT_SCENARIOS)}.")
    if strength < 0:
        raise ValueError(f"strength must be 0 or more; got {strength}.")
    rng = np.random.default_rng(seed)
    out = table.copy()
    if scenario == "inflation":
        for column in ("income", "loan_amount"):
            out[column] = (out[column] * (1 + 0.15 * strength)).round(-2)
    elif scenario == "new_region":
        moved = rng.random(len(out)) < min(0.4 * strength, 1.0)
        out.loc[moved, "region"] = NEW_REGION
        history = out.loc[moved, "credit_history_years"]
        out.loc[moved, "credit_history_years"] = (history * 0.4).round(1)
        out.loc[moved, "age"] = np.maximum(18, out.loc[moved, "age"] - 12)
        out.loc[moved, PROTECTED_ATTRIBUTE] = age_band(out.loc[moved, "age"])
    else:
        zeroed = rng.random(len(out)) < min(0.5 * strength, 1.0)
        out.loc[zeroed, "credit_history_years"] = 0.0
    return out
