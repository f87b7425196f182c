"""Northbridge Bank's case-study data, generated from a seed (taught from Module 00 on).

The bank's own data is synthetic and deterministic: the same ``seed`` gives the same rows on
every machine, so notebook outputs reproduce and nothing is downloaded. The one exception is the
cheque digits, below: real handwriting from a public research set.

Two data sets:

* **Loan applicants** (:func:`make_applicants`): one row per application, with the features a
  credit model uses, a protected attribute (``age_band``), personal data for the governance and
  privacy lessons, and the label ``default`` (1 = the loan was not repaid). The personal data
  looks real but belongs to no one (:mod:`~deploydl.data.personal` says why).
* **Cheque digits** (:func:`load_digits_split`): scikit-learn's bundled 8x8 handwritten digits,
  not synthetic, shared under CC BY 4.0 (:mod:`~deploydl.data.digits` gives the source and how
  to credit it). The course lets them stand in for the bank's cheques.

Plus monthly balance sequences for the recurrent network (:func:`make_balance_sequences`) and
named drift scenarios for monitoring (:func:`apply_drift`).

Import from here; each part has its own module:

* :mod:`~deploydl.data.applicants`: the applicants' columns and :func:`make_applicants`.
* :mod:`~deploydl.data.personal`: their personal data, numbers that belong to no one.
* :mod:`~deploydl.data.defects`: data-quality defects planted with ground truth (Module 01).
* :mod:`~deploydl.data.balances`: balance sequences for the recurrent network (Module 02).
* :mod:`~deploydl.data.digits`: the cheque digits for the convolutional network (Module 02).
* :mod:`~deploydl.data.drift`: named drift scenarios (Module 06).
"""

from deploydl.data.applicants import (
    AGE_BANDS,
    APPLICATIONS_PER_DAY,
    APPLICATIONS_PER_YEAR,
    FEATURES,
    LABEL,
    NEW_REGION,
    PII_COLUMNS,
    PROTECTED_ATTRIBUTE,
    REGIONS,
    age_band,
    make_applicants,
)
from deploydl.data.balances import make_balance_sequences
from deploydl.data.defects import DEFECT_KINDS, inject_defects
from deploydl.data.digits import load_digits_split
from deploydl.data.drift import DRIFT_SCENARIOS, DriftScenario, apply_drift
from deploydl.data.personal import TEST_CARD_PREFIX

__all__ = [
    "AGE_BANDS",
    "APPLICATIONS_PER_DAY",
    "APPLICATIONS_PER_YEAR",
    "DEFECT_KINDS",
    "DRIFT_SCENARIOS",
    "FEATURES",
    "LABEL",
    "NEW_REGION",
    "PII_COLUMNS",
    "PROTECTED_ATTRIBUTE",
    "REGIONS",
    "TEST_CARD_PREFIX",
    "DriftScenario",
    "age_band",
    "apply_drift",
    "inject_defects",
    "load_digits_split",
    "make_applicants",
    "make_balance_sequences",
]
