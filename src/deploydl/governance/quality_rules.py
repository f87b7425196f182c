"""The form of a data-quality rule set (Module 01): the rule keys, Northbridge Bank's rules
for the applicant table, and the check that a rule can be applied at all, which raises
:class:`QualityRuleError` saying what to write instead.

The rule format is described in :mod:`deploydl.governance.quality`.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from deploydl.data import REGIONS

RULE_KEYS = ("dtype", "min", "max", "nullable", "unique", "allowed", "pattern")

#: Northbridge Bank's rules for the applicant table (Module 01).
APPLICANT_RULES: dict[str, dict[str, Any]] = {
    "applicant_id": {"unique": True, "pattern": r"NB-\d{6}"},
    "email": {"pattern": r"[\w.+-]+@[\w-]+(\.[\w-]+)+"},
    "phone": {"pattern": r"\+\d{1,3}-\d{3}-\d{3}-\d{4}"},
    "age": {"dtype": "int64", "min": 18, "max": 100},
    "income": {"dtype": "float64", "min": 0},
    "debt_ratio": {"min": 0, "max": 1.5},
    "region": {"allowed": list(REGIONS)},
}


class QualityRuleError(ValueError):
    """A rule set that cannot be applied: an unknown key, a value of the wrong form, or a
    column the table lacks. ``key`` names the rule key at fault (None when it is not one key).
    """

    def __init__(self, message: str, *, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


def rule_dtype(value: Any) -> Any:
    """The pandas dtype a rule's ``dtype`` names ("int64", ``int``, ``np.dtype("int64")``,
    ``pd.Int64Dtype()``...), or None when it names none (a number, a Series, unknown text, or
    one that needs a library the course does not install, such as "int64[pyarrow]")."""
    if not isinstance(value, str | type | np.dtype | pd.api.extensions.ExtensionDtype):
        return None
    try:
        return pd.api.types.pandas_dtype(value)
    except (TypeError, ValueError, ImportError):  # not a type pandas knows, or can make here
        return None


def rule_values(value: Any) -> list | None:
    """A rule's ``allowed`` values as a list (from a list, tuple, set, range, or a 1-D numpy
    array, pandas Series or Index), or None when it is not such a collection (text, a number,
    a dict, a table)."""
    if isinstance(value, list | tuple | set | frozenset | range):
        return list(value)
    if isinstance(value, np.ndarray | pd.Series | pd.Index | pd.api.extensions.ExtensionArray
                  ) and value.ndim == 1:
        return list(value)
    return None


def _is_bound(value: Any) -> bool:
    """A usable ``min`` or ``max``: a finite number (not a bool) or a date."""
    if isinstance(value, bool | np.bool_):
        return False
    if isinstance(value, numbers.Real):
        return math.isfinite(float(value))
    return isinstance(value, dt.date | np.datetime64) and not pd.isna(value)


def validate_rule(column: str, rule: Any, columns=None) -> None:
    """Raise :class:`QualityRuleError` when ``rule`` (one column's entry of a rule set) cannot
    be applied: not a dict, an unknown key, a value of the wrong form, or (when the table's
    ``columns`` are given) a column the table lacks. The message says what to write instead.
    """
    if not isinstance(rule, Mapping):
        raise QualityRuleError(f"The rule for column {column!r} must be a dict such as "
                               f"{{'min': 0}}; got {rule!r:.80}.")
    unknown = sorted(str(k) for k in set(rule) - set(RULE_KEYS))
    if unknown:
        raise QualityRuleError(f"The rule for column {column!r} uses unknown keys {unknown}; "
                               f"use only {list(RULE_KEYS)}.")
    where = f"In the rule for column {column!r},"
    if "dtype" in rule and rule_dtype(rule["dtype"]) is None:
        raise QualityRuleError(f"{where} 'dtype' should name a column type pandas knows, such "
                               f"as 'int64', 'float64' or 'str' (or leave it out); you gave "
                               f"{rule['dtype']!r:.80}.", key="dtype")
    for key in ("min", "max"):
        if key in rule and not _is_bound(rule[key]):
            raise QualityRuleError(f"{where} '{key}' should be a number (not text or None), "
                                   f"e.g. {{'{key}': 0}}; you gave {rule[key]!r:.80}.", key=key)
    if "allowed" in rule and rule_values(rule["allowed"]) is None:
        raise QualityRuleError(f"{where} 'allowed' should list the permitted values, e.g. "
                               f"{{'allowed': ['north', 'south']}}; you gave "
                               f"{rule['allowed']!r:.80}.", key="allowed")
    for key in ("nullable", "unique"):
        if key in rule and not isinstance(rule[key], bool | np.bool_):
            raise QualityRuleError(f"{where} '{key}' should be True or False (or leave it "
                                   f"out); you gave {rule[key]!r:.80}.", key=key)
    if "pattern" in rule:
        if not isinstance(rule["pattern"], str):
            raise QualityRuleError(f"{where} 'pattern' should be a regular expression written "
                                   f"as text, e.g. {{'pattern': 'NB-[0-9]{{6}}'}}; you gave "
                                   f"{rule['pattern']!r:.80}.", key="pattern")
        try:
            re.compile(rule["pattern"])
        except re.error as exc:
            raise QualityRuleError(f"{where} 'pattern' is not a valid regular expression "
                                   f"({exc}); check its brackets and backslashes.",
                                   key="pattern") from None
    if columns is not None and column not in columns:
        raise QualityRuleError(f"A rule names column {column!r}, which the table does not "
                               f"have. Its columns are {list(columns)}: fix the rule's "
                               f"column name.")
