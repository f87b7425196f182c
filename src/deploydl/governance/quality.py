"""Data quality for Module 01: declarative rules, checked in one pass with pandera.

A rule set is plain data (a dict, or YAML), one entry per column::

    {"age": {"dtype": "int64", "min": 18, "max": 100},
     "region": {"allowed": ["north", "south", "east", "west"]},
     "applicant_id": {"unique": True}}

Keys: ``dtype`` (a pandas type name such as ``"int64"``, a Python type, or a numpy or pandas
dtype such as ``table["age"].dtype``), ``min`` / ``max`` (inclusive numbers or dates),
``nullable`` (default False: empty cells are violations), ``unique`` (later copies are
violations), ``allowed`` (the permitted values: a list, or a 1-D array, Series or Index) and
``pattern`` (a regular expression the whole value must match). A rule of the wrong form raises
:class:`QualityRuleError` saying what to write instead.
:func:`check_quality` turns the rules into a pandera schema, validates lazily so every
violation is found in one pass, and returns a :class:`QualityReport` that counts them, names
the rows and names each broken check in plain words.

The code lives in three modules beside this one:

* :mod:`~deploydl.governance.quality_rules`: the rule keys, :data:`APPLICANT_RULES`,
  :class:`QualityRuleError` and :func:`validate_rule`.
* :mod:`~deploydl.governance.quality_words`: checks and rules in plain words
  (:func:`rules_in_words`).
* :mod:`~deploydl.governance.quality_checks`: :func:`build_schema`, :func:`check_quality` and
  :class:`QualityReport`.
"""

from __future__ import annotations

from deploydl.governance.quality_checks import QualityReport, build_schema, check_quality
from deploydl.governance.quality_rules import (
    APPLICANT_RULES,
    RULE_KEYS,
    QualityRuleError,
    rule_dtype,
    rule_values,
    validate_rule,
)
from deploydl.governance.quality_words import rules_in_words

__all__ = [
    "APPLICANT_RULES", "RULE_KEYS", "QualityReport", "QualityRuleError", "build_schema",
    "check_quality", "rule_dtype", "rule_values", "rules_in_words", "validate_rule",
]
