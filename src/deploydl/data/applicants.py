"""Northbridge Bank's loan applicants, generated from a seed (taught from Module 00 on).

The table's columns (:data:`FEATURES`, :data:`PII_COLUMNS`, :data:`PROTECTED_ATTRIBUTE`,
:data:`LABEL`), the bank's regions and age bands, its yearly volume of applications, and
:func:`make_applicants`, which draws the table: who applies, their finances, and whether the
loan was repaid. The personal data's own numbers are written in :mod:`deploydl.data.personal`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from deploydl.data.personal import _personal_data

#: Features the credit models use. Personal data and the protected attribute are not among them.
FEATURES: tuple[str, ...] = (
    "income",
    "debt_ratio",
    "credit_history_years",
    "loan_amount",
    "employment_years",
    "late_payments",
    "home_owner",
)
#: Columns that hold personal data (GDPR "personal data", CCPA "personal information").
PII_COLUMNS: tuple[str, ...] = ("name", "email", "phone", "national_id", "address", "card_number")
PROTECTED_ATTRIBUTE = "age_band"
LABEL = "default"
REGIONS: tuple[str, ...] = ("north", "south", "east", "west")
#: The region the ``new_region`` drift scenario opens (Module 06, the capstone).
NEW_REGION = "central"
AGE_BANDS: tuple[str, ...] = ("under_30", "30_to_50", "over_50")
#: Loan applications Northbridge Bank receives in a year. The board's value case scales to it
#: (Modules 07 and 08); Module 06's simulated days each bring a day's share.
APPLICATIONS_PER_YEAR = 40_000
#: A day's share of :data:`APPLICATIONS_PER_YEAR`, rounded: 110 applications.
APPLICATIONS_PER_DAY = round(APPLICATIONS_PER_YEAR / 365)

_FIRST = ("Ada", "Ben", "Chloe", "Dev", "Elena", "Femi", "Grace", "Hugo", "Ines", "Jonas",
          "Keiko", "Liam", "Maya", "Noah", "Olu", "Priya", "Quinn", "Rosa", "Sami", "Tara")
_LAST = ("Adams", "Baker", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Hughes", "Ito",
         "Jones", "Khan", "Lopez", "Murphy", "Novak", "Okafor", "Patel", "Reyes", "Smith")
_STREETS = ("High Street", "Mill Lane", "Station Road", "Church Way", "Park Avenue", "Quay Road")


def make_applicants(n: int = 5000, *, seed: int = 0, bias: float = 0.0,
                    personal_data: bool = True) -> pd.DataFrame:
    """Generate ``n`` loan applications from Northbridge Bank's history.

    Parameters
    ----------
    n : int
        Number of applications (rows).
    seed : int
        Random seed; the same seed always gives the same table.
    bias : float
        Historical bias in the recorded labels, from 0 (none) to 1. It is the share of
        applicants under 30 who repaid but were recorded as defaults anyway (for example
        because collections flagged late payers in that group more harshly). Module 03
        measures and mitigates it.
    personal_data : bool
        False leaves out the personal data (:data:`PII_COLUMNS`), which no model uses: every
        other column is the same as with it, and the table is built faster (100,000
        applicants in about 0.15 s instead of 0.9 s on 2 cores), for simulations of many.

    Returns
    -------
    pandas.DataFrame
        One row per application: ``applicant_id``, personal data (:data:`PII_COLUMNS`),
        ``age``, ``age_band``, ``region``, ``application_date``, the model features
        (:data:`FEATURES`; money in US dollars, durations in years), a free-text ``notes``
        column, and the label ``default`` (1 = not repaid). About 15-20% of loans default.
    """
    if n < 1:
        raise ValueError(f"n must be a positive number of rows; got n={n}. Try n=5000.")
    if not 0.0 <= bias <= 1.0:
        raise ValueError(f"bias must be between 0 and 1; got bias={bias}. Use 0 for none.")
    rng = np.random.default_rng(seed)
    people = _people(rng, n, personal_data=personal_data)
    finance = _finances(rng, people["age"])
    table = pd.concat([people, finance], axis=1)
    table[LABEL] = _default_label(rng, table, bias)
    return table


def _people(rng: np.random.Generator, n: int, *, personal_data: bool) -> pd.DataFrame:
    """Identity, contact details and demographics: the personal data of Module 01 (left out
    when ``personal_data`` is false, though still drawn, so the other columns are the same)."""
    first = rng.choice(_FIRST, n)
    last = rng.choice(_LAST, n)
    age = np.clip(rng.normal(41, 13, n), 18, 85).round().astype(int)
    # Region is a proxy for age: the university town in the north skews young (Module 03).
    p_north = np.where(age < 30, 0.55, 0.15)
    north = rng.random(n) < p_north
    other = rng.choice(REGIONS[1:], n)
    contact = {"phone": (rng.integers(100, 999, n), rng.integers(0, 9999, n)),
               "national_id": (rng.integers(100, 899, n), rng.integers(10, 99, n),
                               rng.integers(1000, 9999, n)),
               "address": (rng.integers(1, 250, n), rng.choice(_STREETS, n)),
               "card_number": (rng.integers(0, 10**14, n),)}
    return pd.DataFrame({
        "applicant_id": [f"NB-{i:06d}" for i in range(1, n + 1)],
        **(_personal_data(first, last, contact) if personal_data else {}),
        "age": age,
        "age_band": age_band(age),
        "region": np.where(north, "north", other),
        "application_date": pd.Timestamp("2025-01-01")
        + pd.to_timedelta(rng.integers(0, 365, n), unit="D"),
    })


def age_band(age: np.ndarray | pd.Series) -> np.ndarray:
    """Each age's band in :data:`AGE_BANDS` (under 30, 30 to 50, over 50), as text.

    The one rule for the protected attribute: :func:`make_applicants` uses it, and so does any
    change to ``age`` (:func:`apply_drift`), so a band never disagrees with its age.
    """
    bands = pd.cut(np.asarray(age), [0, 29, 50, 200], labels=list(AGE_BANDS))
    return np.asarray(bands.astype(str))


def _finances(rng: np.random.Generator, age: pd.Series) -> pd.DataFrame:
    """The credit features, in US dollars and years."""
    n = len(age)
    years_adult = (age - 18).to_numpy()
    seniority = 0.8 + 0.01 * np.minimum(years_adult, 30)
    income = np.round(np.exp(rng.normal(10.9, 0.45, n)) * seniority, -2)
    employment = np.minimum(rng.exponential(6, n), years_adult).round(1)
    history = np.minimum(rng.gamma(3, 3, n), years_adult).round(1)
    debt_ratio = np.clip(rng.beta(2, 5, n) * 1.1, 0, 1.2).round(3)
    loan = np.round(income * rng.uniform(0.1, 0.6, n), -2)
    late = rng.poisson(0.3 + 2.0 * debt_ratio)
    owner = (rng.random(n) < 0.25 + 0.01 * np.minimum(years_adult, 40)).astype(int)
    notes = np.where(rng.random(n) < 0.1, "Prefers contact by phone", "")
    return pd.DataFrame({
        "income": income, "debt_ratio": debt_ratio, "credit_history_years": history,
        "loan_amount": loan, "employment_years": employment, "late_payments": late,
        "home_owner": owner, "notes": notes,
    })


def _default_label(rng: np.random.Generator, table: pd.DataFrame, bias: float) -> np.ndarray:
    """True default risk from the features, then the historical label bias on top."""
    burden = table["loan_amount"] / table["income"]
    z = (-2.9 + 3.2 * table["debt_ratio"] + 0.45 * table["late_payments"]
         - 0.07 * table["credit_history_years"] - 0.05 * table["employment_years"]
         + 2.0 * burden - 0.4 * table["home_owner"] - 0.35 * np.log(table["income"] / 50_000))
    truth = rng.random(len(table)) < 1 / (1 + np.exp(-z.to_numpy()))
    young = (table[PROTECTED_ATTRIBUTE] == "under_30").to_numpy()
    flagged = young & ~truth & (rng.random(len(table)) < bias)
    return (truth | flagged).astype(int)
