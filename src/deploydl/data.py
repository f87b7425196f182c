"""Northbridge Bank's case-study data, generated from a seed (taught from Module 00 on).

The bank's own data is synthetic and deterministic: the same ``seed`` gives the same rows on
every machine, so notebook outputs reproduce and nothing is downloaded. The one exception is the
cheque digits, below: real handwriting from a public research set.

Two data sets:

* **Loan applicants** (:func:`make_applicants`): one row per application, with the features a
  credit model uses, a protected attribute (``age_band``), personal data for the governance and
  privacy lessons, and the label ``default`` (1 = the loan was not repaid). The ID numbers look
  real but are never issued as Social Security numbers (areas 900-999); the card numbers start
  "4000 00", like the test cards payment providers publish, and pass the Luhn check
  (``docs/references.md``, ``ssn-unissued-areas`` and ``test-card-numbers``).
* **Cheque digits** (:func:`load_digits_split`): scikit-learn's bundled 8x8 handwritten digits,
  not synthetic: the test set of E. Alpaydin and C. Kaynak's *Optical Recognition of
  Handwritten Digits* (UCI Machine Learning Repository, 1998, doi:10.24432/C50P49), written by
  13 people, shared under CC BY 4.0 (credit it when you share it; ``docs/references.md``,
  ``uci-optdigits``). The course lets them stand in for the bank's cheques.

Plus monthly balance sequences for the recurrent network (:func:`make_balance_sequences`) and
named drift scenarios for monitoring (:func:`apply_drift`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

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


def _personal_data(first: np.ndarray, last: np.ndarray,
                   contact: dict[str, tuple[np.ndarray, ...]]) -> dict[str, list[str]]:
    """The :data:`PII_COLUMNS`, written from the drawn names and contact numbers.

    Written from Python values (``.tolist()``), not numpy's: 100,000 applicants (lesson 06's
    false-alarm draws) took 1.2 s instead of 1.7 s on 2 cores; most of that is this writing.
    """
    first, last = first.tolist(), last.tolist()
    numbers, streets = contact["address"]
    return {
        "name": [f"{f} {s}" for f, s in zip(first, last, strict=True)],
        "email": [f"{f.lower()}.{s.lower()}{i}@example.com"
                  for i, (f, s) in enumerate(zip(first, last, strict=True), start=1)],
        "phone": _phones(*contact["phone"]),
        "national_id": _national_ids(*contact["national_id"]),
        "address": [f"{k} {street}"
                    for k, street in zip(numbers.tolist(), streets.tolist(), strict=True)],
        "card_number": _card_numbers(*contact["card_number"]),
    }


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


#: Middle digits (the "group") of the synthetic 9xx ID numbers: in none of the IRS's ranges for
#: ITINs (50-65, 70-88, 90-92, 94-99), ATINs (93) or the campus codes its temporary numbers
#: (IRSNs) carry (01-10, 17-19, 28-29, 37-39, 49, 66, 89) (``docs/references.md``,
#: ``irs-taxpayer-number-ranges``).
_UNUSED_GROUPS = np.array([*range(11, 17), *range(20, 28), *range(30, 37), *range(40, 49),
                           *range(67, 70)])


def _national_ids(areas: np.ndarray, groups: np.ndarray, serials: np.ndarray) -> list[str]:
    """ID numbers in the US Social Security number format that are never issued as Social
    Security numbers.

    The area (first three digits) is 900-999, which the Social Security Administration never
    assigns (https://www.ssa.gov/employer/randomizationfaqs.html), and the group is one of
    :data:`_UNUSED_GROUPS`, so the number is no IRS taxpayer number (ITIN, ATIN or IRSN) either.
    The three draws (area 100-898, group 10-98, serial 1000-9998) are mapped, not redrawn, so
    every other column keeps its values: they are combined into one number, moved on by
    :func:`_distinct` if another applicant holds it, and spread over the 100 areas, 33 groups
    and serials 0001-9999.
    """
    combined = ((areas - 100) * 89 + (groups - 10)) * 8999 + (serials - 1000)
    combined = _distinct(combined % (100 * len(_UNUSED_GROUPS) * 9999),
                         100 * len(_UNUSED_GROUPS) * 9999)
    serial, rest = 1 + combined % 9999, combined // 9999
    area, group = 900 + rest % 100, _UNUSED_GROUPS[rest // 100]
    return [f"{a:03d}-{g:02d}-{c:04d}"
            for a, g, c in zip(area.tolist(), group.tolist(), serial.tolist(), strict=True)]


#: Card numbers start here, as many of the test card numbers payment providers publish do (for
#: example Stripe's 4000 0000 0000 0002, https://docs.stripe.com/testing). Providers publish
#: single numbers, not a reserved range: the rest of each number here is made up.
TEST_CARD_PREFIX = "400000"


def _phones(exchanges: np.ndarray, lines: np.ndarray) -> list[str]:
    """Made-up phone numbers, "+1-555-" then the exchange (100-998, drawn) and the line
    (0000-9998, drawn), one per applicant: a number already taken is moved on by
    :func:`_distinct`."""
    numbers = _distinct((exchanges - 100) * 10_000 + lines, 900 * 10_000)
    return [f"+1-555-{100 + k // 10_000:03d}-{k % 10_000:04d}" for k in numbers.tolist()]


def _distinct(numbers: np.ndarray, size: int) -> np.ndarray:
    """``numbers`` (each 0 to ``size`` - 1) with every repeat moved to the next number nobody
    holds, wrapping at ``size``: so no two applicants share an ID, a phone or a card, as real
    people would not. The first holder of each number keeps it, and a draw without repeats is
    returned as it came, so every other value in the table stays as drawn."""
    if len(numbers) > size:
        raise ValueError(f"{len(numbers):,} applicants cannot each have one of {size:,} "
                         "numbers: ask for fewer rows.")
    out = numbers.astype(np.int64)
    held, first = np.unique(out, return_index=True)
    if len(held) == len(out):
        return out
    taken = set(held.tolist())
    for i in np.setdiff1d(np.arange(len(out)), first):  # the repeats, in row order
        number = int(out[i])
        while number in taken:
            number = (number + 1) % size
        taken.add(number)
        out[i] = number
    return out


def _card_numbers(bodies: np.ndarray) -> list[str]:
    """Visa-style test card numbers: "400000", the last 9 digits of each body, then the Luhn
    check digit, so each passes the check the course's PII scanner applies to card numbers."""
    bodies = _distinct(bodies % 10**9, 10**9)
    digits = (bodies[:, None] // 10 ** np.arange(9)) % 10  # the body's digits, last first
    doubled = digits[:, 0::2] * 2  # Luhn doubles every second digit from the check digit
    total = np.where(doubled > 9, doubled - 9, doubled).sum(axis=1) + digits[:, 1::2].sum(axis=1)
    check = (10 - (total + 8) % 10) % 10  # + 8: the leading 4, doubled (the zeros add nothing)
    return [f"{TEST_CARD_PREFIX}{body:09d}{digit}"
            for body, digit in zip(bodies.tolist(), check.tolist(), strict=True)]


# --- Drift scenarios (Module 06) -------------------------------------------------------------

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


# --- Sequences and images (Module 02) --------------------------------------------------------

def make_balance_sequences(n: int = 2000, *, months: int = 12,
                           seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Monthly account balances (thousands of dollars) and whether the customer later defaulted.

    Returns ``(balances, defaulted)``: ``balances`` has shape ``(n, months)``; ``defaulted`` is 1
    where the customer defaulted in the three months after the sequence. Customers heading for
    default show a steady drain in their balance, which a recurrent network can learn to see.
    """
    rng = np.random.default_rng(seed)
    defaulted = (rng.random(n) < 0.25).astype(int)
    start = rng.gamma(4, 1.5, n)
    trend = np.where(defaulted == 1, -rng.uniform(0.05, 0.15, n), rng.normal(0.01, 0.03, n))
    steps = np.arange(months)
    noise = rng.normal(0, 0.35, (n, months))
    balances = start[:, None] * (1 + trend[:, None] * steps[None, :]) + noise
    return np.clip(balances, 0, None).astype(np.float32), defaulted


def load_digits_split(*, test_size: float = 0.25,
                      seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cheque digits: scikit-learn's bundled 8x8 handwritten digits, ready for a CNN.

    Returns ``(X_train, X_test, y_train, y_test)`` with images of shape ``(N, 1, 8, 8)`` scaled
    to 0..1 (float32) and labels 0..9. The split is stratified and seeded.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[:, None, :, :]
    return train_test_split(images, digits.target, test_size=test_size,
                            random_state=seed, stratify=digits.target)


# --- Quality defects with ground truth (Module 01) -------------------------------------------

#: The defects :func:`inject_defects` can plant, and the column each one lands in.
DEFECT_KINDS: dict[str, str] = {
    "missing": "income",
    "out_of_range": "age",
    "inconsistent_category": "region",
    "duplicate": "applicant_id",
    "mislabelled_column": "email",
}
_REGION_VARIANTS = {"north": "North", "south": "S.", "east": "east ", "west": "WEST"}


def inject_defects(table: pd.DataFrame, *, rate: float = 0.02, seed: int = 0,
                   kinds: tuple[str, ...] = tuple(DEFECT_KINDS)
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Plant data-quality defects in a copy of ``table`` and say exactly where they are.

    Module 01 uses this to test quality rules against a known answer.

    Parameters
    ----------
    table : pandas.DataFrame
        Applicants from :func:`make_applicants` (left unchanged).
    rate : float
        Share of rows (0 to 0.2) that get each row-level defect: ``missing`` (``income`` set to
        empty), ``out_of_range`` (``age`` typed as 0 or 199), ``inconsistent_category``
        (``region`` spelt "North", "S.", "east " or "WEST") and ``duplicate`` (a row copied
        again at the end of the table, under a new index label). Every defective row has
        exactly one defect, so the ground truth is exact.
    seed : int
        Seed for the rows picked.
    kinds : tuple of str
        Which of :data:`DEFECT_KINDS` to plant. ``mislabelled_column`` swaps the headers of
        ``email`` and ``phone`` for the whole table, whatever ``rate`` is.

    Returns
    -------
    (defective, truth) : tuple of pandas.DataFrame
        ``defective`` is the damaged copy. ``truth`` has one line per damaged cell, with the
        columns ``kind``, ``column`` and ``row`` (the index label in ``defective``); for a
        duplicate, ``row`` is the copy's label and ``column`` is ``applicant_id``.
    """
    unknown = sorted(set(kinds) - set(DEFECT_KINDS))
    if unknown:
        raise ValueError(f"Unknown defect kinds {unknown}; choose from {list(DEFECT_KINDS)}.")
    if not 0.0 <= rate <= 0.2:
        raise ValueError(f"rate must be between 0 and 0.2 (a share of rows); got rate={rate}.")
    rng = np.random.default_rng(seed)
    out = table.copy()
    row_kinds = [k for k in DEFECT_KINDS if k in kinds and k != "mislabelled_column"]
    per_kind = int(round(rate * len(out)))
    picked = rng.permutation(out.index.to_numpy())[: per_kind * len(row_kinds)]
    truth = []
    for i, kind in enumerate(row_kinds):
        rows = np.sort(picked[i * per_kind:(i + 1) * per_kind])
        rows = _plant(out, kind, rows, rng)
        truth += [(kind, DEFECT_KINDS[kind], row) for row in rows]
    if "duplicate" in row_kinds:
        copies = out.loc[[r for k, _, r in truth if k == "duplicate"]]
        start = out.index.max() + 1
        copies.index = pd.RangeIndex(start, start + len(copies))
        out = pd.concat([out, copies])
        truth = [t for t in truth if t[0] != "duplicate"]
        truth += [("duplicate", "applicant_id", row) for row in copies.index]
    if "mislabelled_column" in kinds:
        out = out.rename(columns={"email": "phone", "phone": "email"})
        truth += [("mislabelled_column", column, row)
                  for column in ("email", "phone") for row in out.index]
    return out, pd.DataFrame(truth, columns=["kind", "column", "row"])


def _plant(out: pd.DataFrame, kind: str, rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Damage ``rows`` of ``out`` in place with one row-level defect; return the rows."""
    if kind == "missing":
        out["income"] = out["income"].astype(float)
        out.loc[rows, "income"] = np.nan
    elif kind == "out_of_range":
        out.loc[rows, "age"] = rng.choice([0, 199], len(rows))
    elif kind == "inconsistent_category":
        out.loc[rows, "region"] = out.loc[rows, "region"].map(_REGION_VARIANTS)
    return rows
