"""Northbridge Bank's data platform in miniature: the datasets, card and lineage of Module 01.

:func:`build_platform` builds a small, real pipeline from the applicant table (clean it,
pseudonymise it for modelling, extract a marketing list, summarise by region, train a model)
and records every step in a :class:`~deploydl.governance.lineage.Lineage`. The lesson, the lab
and the tests all use it, so they talk about the same datasets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from deploydl.data import FEATURES, LABEL, PII_COLUMNS, PROTECTED_ATTRIBUTE
from deploydl.governance.catalog import DatasetCard, card_from_table
from deploydl.governance.lineage import Lineage
from deploydl.governance.privacy import LegalHold, luhn_valid, pseudonymise

#: A fixed demo key for pseudonyms. A real key lives in a secrets store, never in code.
DEMO_KEY = b"northbridge-demo-key-not-a-secret"
MODEL_NAME = "default_risk_v1"
#: Where the partner file's invoice references are drawn from: a random stream of their own,
#: apart from the one that made the customers (see :func:`partner_file`).
REFERENCE_STREAM = 1
#: What Northbridge must keep when an applicant asks for erasure (GDPR Art. 17(3)(b) and (e)):
#: the application and the decision on it are credit records. US example: Regulation B keeps
#: applications 25 months after the applicant is told the decision (12 CFR 1002.12(b)); EU
#: example: anti-money-laundering law keeps customer due-diligence records 5 years after the
#: business relationship ends (Directive (EU) 2015/849, Art. 40(1)).
CREDIT_RECORD_HOLDS: tuple[LegalHold, ...] = (
    LegalHold("raw_applicants", "the application and its decision are credit records the bank "
              "must keep",
              "GDPR Art. 17(3)(b) legal obligation; 17(3)(e) legal claims",
              until="5 years after the customer relationship ends (EU anti-money-laundering "
              "law); a declined application starts no relationship: 25 months after the "
              "applicant was told the decision (Regulation B). Then delete"),
)
#: How long the raw applicant table keeps a row, in days: five years (with one leap day), the
#: longer of the two duties above, counted from :data:`CREDIT_RECORD_CLOCK`.
CREDIT_RECORD_DAYS = 1826
#: The event the credit-record clock starts at: the end of the customer relationship (when the
#: loan is repaid or written off), not the application date. (An application that was declined
#: starts no relationship; its clock would start at the decision, Regulation B's event.)
CREDIT_RECORD_CLOCK = "end of the customer relationship"
#: What each column of the applicant table means, as its dataset card says (money in US dollars).
APPLICANT_COLUMNS: dict[str, str] = {
    "applicant_id": "Application number: NB- and six digits",
    "name": "Full name",
    "email": "Email address",
    "phone": "Phone number",
    "national_id": "National identity number (in the US Social Security number format)",
    "address": "Street address",
    "card_number": "Payment card number",
    "age": "Age in years",
    "age_band": "Age group: under_30, 30_to_50 or over_50",
    "region": "Region the application came from: north, south, east or west",
    "application_date": "Day the application was made",
    "income": "Annual income, USD",
    "debt_ratio": "Monthly debt payments as a share of monthly income",
    "credit_history_years": "Years of credit history",
    "loan_amount": "Amount asked for, USD",
    "employment_years": "Years in employment",
    "late_payments": "Late payments on record",
    "home_owner": "1 if the applicant owns a home, else 0",
    "notes": "Free text typed by the loan officer; may hold personal data",
    LABEL: "Outcome: 1 if the loan was not repaid, else 0",
}


@dataclass
class Platform:
    """The registered datasets, by name, and the lineage that links them."""

    datasets: dict[str, pd.DataFrame]
    lineage: Lineage


def applicant_card(table: pd.DataFrame) -> DatasetCard:
    """The dataset card of the raw applicant table.

    Its purpose is assessing the application, on the contract basis (GDPR Art. 6(1)(b): steps
    the applicant asked for before a contract). Training the model is another purpose with
    another basis: see :func:`training_card`. Rows are kept :data:`CREDIT_RECORD_DAYS` (five
    years) after :data:`CREDIT_RECORD_CLOCK`: the longer of the two record-keeping duties cited
    above, so storage limitation and the duty to keep credit records agree (Module 01).
    """
    sensitivity = {**dict.fromkeys(PII_COLUMNS, "personal"), "applicant_id": "personal",
                   "notes": "personal", PROTECTED_ATTRIBUTE: "protected", "age": "protected",
                   **dict.fromkeys(FEATURES, "confidential"), LABEL: "confidential"}
    return card_from_table(
        table, name="raw_applicants", owner="Credit Risk Data Team",
        purpose="Assess loan applications",
        source="Loan origination system, nightly export", lawful_basis="contract",
        retention_days=CREDIT_RECORD_DAYS, retention_starts=CREDIT_RECORD_CLOCK,
        sensitivity=sensitivity,
        descriptions={c: d for c, d in APPLICANT_COLUMNS.items() if c in table.columns})


def training_card(table: pd.DataFrame) -> DatasetCard:
    """The dataset card of ``model_features``, the pseudonymised table the model learns from.

    Training a model is not necessary to perform a loan contract, so the usual basis is the bank's
    legitimate interests (GDPR Art. 6(1)(f)), which needs a written balancing test (EDPB
    Guidelines 2/2019 and Opinion 28/2024; Module 01). ``table`` is the applicant table; the
    card describes its pseudonymous ID, the features and the outcome. A row is kept no longer
    than its source row in ``raw_applicants``.
    """
    columns = ["applicant_id", *FEATURES, LABEL]
    return card_from_table(
        table[columns], name="model_features", owner="Credit Risk Data Team",
        purpose="Train and test the default-risk model",
        source="derived from clean_applicants, pseudonymised", lawful_basis="legitimate_interests",
        retention_days=CREDIT_RECORD_DAYS, retention_starts=CREDIT_RECORD_CLOCK,
        sensitivity={"applicant_id": "personal", **dict.fromkeys(FEATURES, "confidential"),
                     LABEL: "confidential"},
        descriptions={"applicant_id": "Pseudonym of the application number (HMAC-SHA256)",
                      **{c: APPLICANT_COLUMNS[c] for c in columns[1:]}})


def region_summary(table: pd.DataFrame) -> pd.DataFrame:
    """The board pack's table: applicants and default rate (0 to 1) per region (Module 01)."""
    return (table.groupby("region")
            .agg(applicants=(LABEL, "size"), default_rate=(LABEL, "mean")).reset_index())


def build_platform(raw: pd.DataFrame, *, key: bytes = DEMO_KEY,
                   suppress: Iterable[str] = ()) -> Platform:
    """Run the pipeline on ``raw`` and record its lineage.

    Datasets: ``raw_applicants`` -> ``clean_applicants`` (duplicates and empty incomes
    dropped) -> ``model_features`` (pseudonymous ID, features, label), ``marketing_list``
    (name, email, region) and ``region_summary`` (counts and default rates per region); the model
    :data:`MODEL_NAME` is trained on ``model_features``. ``suppress`` is a suppression list:
    applicant IDs of people who had their data erased but whose raw row is kept under a legal
    hold. The cleaning step drops them, so a rebuild does not copy them back, and the lineage
    records how many rows it dropped (Module 01).
    """
    if isinstance(suppress, str):
        raise TypeError(f"suppress must be a list of applicant IDs, not one string; give a "
                        f"list, e.g. [{suppress!r}].")
    lineage = Lineage()
    lineage.register("raw_applicants", raw)
    suppress = sorted(suppress)
    params: dict[str, object] = {"drop_duplicates": "applicant_id", "dropna": ["income"]}
    clean = raw.drop_duplicates("applicant_id").dropna(subset=["income"])
    if suppress:
        kept = ~clean["applicant_id"].isin(suppress)
        params["suppressed"] = int((~kept).sum())
        clean = clean[kept]
    lineage.derive("clean_applicants", clean, inputs=["raw_applicants"], step="clean",
                   params=params)
    features = clean[["applicant_id", *FEATURES, LABEL]].assign(
        applicant_id=pseudonymise(clean["applicant_id"], key=key))
    lineage.derive("model_features", features, inputs=["clean_applicants"], step="pseudonymise",
                   params={"columns": ["applicant_id"], "method": "HMAC-SHA256"})
    marketing = clean[["applicant_id", "name", "email", "region"]]
    lineage.derive("marketing_list", marketing, inputs=["clean_applicants"], step="extract",
                   params={"columns": list(marketing.columns)})
    summary = region_summary(clean)
    lineage.derive("region_summary", summary, inputs=["clean_applicants"], step="aggregate",
                   params={"by": "region"})
    lineage.register_model(MODEL_NAME, version="1.0.0", inputs=["model_features"],
                           params={"features": list(FEATURES)})
    datasets = {"raw_applicants": raw, "clean_applicants": clean, "model_features": features,
                "marketing_list": marketing, "region_summary": summary}
    return Platform(datasets, lineage)


def partner_file(n: int = 200, *, seed: int = 0) -> pd.DataFrame:
    """A file a broker partner sent in, with unhelpful column names (Module 01's lab).

    ``customer`` holds names, ``contact`` emails, ``memo`` free text that sometimes holds a phone
    number, ``ref_no`` the broker's own 16-digit invoice references, drawn at random from
    ``seed`` (so they give away nothing about the customer, and they fail the Luhn check, so
    they are not card numbers), ``segment`` a category and ``balance`` dollars.
    """
    from deploydl.data import make_applicants

    people = make_applicants(n, seed=seed)
    memo = ["Call " + p if i % 7 == 0 else "Paperwork complete"
            for i, p in enumerate(people["phone"])]
    return pd.DataFrame({
        "customer": people["name"], "contact": people["email"], "ref_no": _references(n, seed),
        "segment": people["region"].map({"north": "A", "south": "B", "east": "C", "west": "D"}),
        "memo": memo, "balance": people["loan_amount"]})


def _references(n: int, seed: int) -> list[str]:
    """``n`` random 16-digit references that all fail the Luhn check (where a number passes,
    its last digit is moved on by one: only one last digit passes)."""
    rng = np.random.default_rng([seed, REFERENCE_STREAM])
    drawn = (str(number) for number in rng.integers(10**15, 10**16, size=n))
    return [ref[:-1] + str((int(ref[-1]) + 1) % 10) if luhn_valid(ref) else ref
            for ref in drawn]
