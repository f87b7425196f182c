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
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass
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


@dataclass(frozen=True)
class QualityReport:
    """Every violation found, one line each: ``column``, ``check``, ``row`` and ``value``.

    ``check`` names the broken check in plain words ("at least 18", "never empty"). ``row`` is
    the index label of the offending row (empty for a check on the whole column, such as a
    wrong type).
    """

    violations: pd.DataFrame
    rows_checked: int

    @property
    def passed(self) -> bool:
        return self.violations.empty

    def counts(self) -> pd.DataFrame:
        """Violations per column and check, with up to five example rows each."""
        if self.violations.empty:
            return pd.DataFrame(columns=["column", "check", "violations", "example_rows"])
        grouped = self.violations.groupby(["column", "check"], sort=True)["row"]
        return grouped.agg(violations="size", example_rows=lambda r: sorted(r.dropna())[:5]
                           ).reset_index()

    def rows(self, column: str, check: str | None = None) -> list:
        """Index labels of rows that broke a rule on ``column`` (optionally only the check whose
        words start with ``check``, e.g. ``"at least"``)."""
        v = self.violations[self.violations["column"] == column]
        if check is not None:
            v = v[v["check"].str.startswith(check)]
        return sorted(v["row"].dropna().unique().tolist())

    def caught(self, planted: pd.DataFrame) -> pd.DataFrame:
        """How many planted defects the rules found, per column (Module 01's answer key).

        ``planted`` has one row per defect with its ``column`` and ``row`` (index label), as
        :func:`deploydl.data.inject_defects` returns. The result has ``planted``, ``caught``
        and ``missed`` per column.
        """
        found = planted.apply(lambda d: d["row"] in set(self.rows(d["column"])), axis=1)
        table = planted.assign(caught=found.astype(bool)).groupby("column")["caught"].agg(
            planted="size", caught="sum")
        return table.assign(missed=table["planted"] - table["caught"])

    def summary(self) -> str:
        if self.passed:
            return f"All {self.rows_checked:,} rows passed every rule."
        bad_rows = self.violations["row"].dropna().nunique()
        return (f"{len(self.violations):,} violations in {bad_rows:,} of "
                f"{self.rows_checked:,} rows.")


def _type_in_words(dtype: object) -> str:
    """A column type (``"int64"``, ``int``, ``"Int64"``, ``np.dtype("int64")``) in plain
    words: "a whole number", "a number", "yes or no", "a date" or "text"; a type with no plain
    name (``"category"``) keeps it, as "of type category"."""
    types = pd.api.types
    name = getattr(dtype, "__name__", None) or str(dtype)
    try:
        resolved = types.pandas_dtype(name)
    except TypeError:
        return f"of type {name}"
    for is_kind, words in ((types.is_bool_dtype, "yes or no"),
                           (types.is_integer_dtype, "a whole number"),
                           (types.is_float_dtype, "a number"),
                           (types.is_datetime64_any_dtype, "a date"),
                           (types.is_string_dtype, "text")):
        if is_kind(resolved):
            return words
    return f"of type {name}"


def _one_of(values: list[str]) -> str:
    """Allowed values in words: "exactly A", "one of A, B or C", "no value allowed"."""
    if not values:
        return "no value allowed"
    *rest, last = values
    return f"one of {', '.join(rest)} or {last}" if rest else f"exactly {last}"


def _check_in_words(key: str, value: Any) -> str:
    """The words for the check one rule key makes, given the key's value: what a
    :class:`QualityReport` names the check by when a row breaks it."""
    match key:
        case "dtype":
            return _type_in_words(value)
        case "min":
            return f"at least {value}"
        case "max":
            return f"at most {value}"
        case "nullable":
            return "may be empty" if value else "never empty"
        case "unique":
            return "no two rows share it"
        case "allowed":
            return _one_of([str(a) for a in value])
        case "pattern":
            return "in the expected format"
    raise ValueError(f"No words for rule key {key!r}: give it words in _check_in_words.")


def rules_in_words(rules: Mapping[str, Mapping[str, Any]], *,
                   examples: pd.DataFrame | None = None) -> pd.DataFrame:
    """A rule set as a table a risk officer can read: one row per column, the rule in words.

    ``examples`` (a table that passes the rules) turns a pattern into "written like" one of its
    values, instead of the regular expression. Module 01 shows it instead of the raw rules.
    """
    lines = []
    for column, rule in rules.items():
        validate_rule(column, rule)
        example = None
        if examples is not None and column in examples and len(examples):
            example = examples[column].iloc[0]
        lines.append({"column": column, "rule": _rule_in_words(rule, example)})
    return pd.DataFrame(lines, columns=["column", "rule"])


def _rule_in_words(rule: Mapping[str, Any], example: object) -> str:
    words = [_check_in_words("dtype", rule["dtype"])] if "dtype" in rule else []
    if "min" in rule and "max" in rule:
        words.append(f"between {rule['min']} and {rule['max']}")
    elif "min" in rule or "max" in rule:
        key = "min" if "min" in rule else "max"
        words.append(_check_in_words(key, rule[key]))
    if "allowed" in rule:
        words.append(_check_in_words("allowed", rule["allowed"]))
    if "pattern" in rule:
        words.append(f"written like {example}" if example is not None
                     else f"matching the pattern {rule['pattern']}")
    if rule.get("unique"):
        words.append(_check_in_words("unique", True))
    words.append(_check_in_words("nullable", rule.get("nullable", False)))
    return "; ".join(words)


def build_schema(rules: Mapping[str, Mapping[str, Any]], *, columns=None):
    """Turn a rule set into a pandera ``DataFrameSchema``; ``columns`` are the table's columns.

    Raises :class:`QualityRuleError` (see :func:`validate_rule`) when a rule uses an unknown
    key, gives a value of the wrong form or names a column that is not in ``columns``, before
    pandera sees it.
    """
    import pandera.pandas as pa

    schema_columns = {}
    for column, rule in rules.items():
        validate_rule(column, rule, columns)
        # Each check carries its words as pandera's error text, which pandera reports as is.
        checks = []
        if "min" in rule:
            checks.append(pa.Check.ge(rule["min"], error=_check_in_words("min", rule["min"])))
        if "max" in rule:
            checks.append(pa.Check.le(rule["max"], error=_check_in_words("max", rule["max"])))
        if "allowed" in rule:
            allowed = rule_values(rule["allowed"])
            checks.append(pa.Check.isin(allowed, error=_check_in_words("allowed", allowed)))
        if "pattern" in rule:
            checks.append(pa.Check.str_matches(
                f"(?:{rule['pattern']})$", error=_check_in_words("pattern", rule["pattern"])))
        schema_columns[column] = pa.Column(
            rule.get("dtype"), checks, nullable=rule.get("nullable", False),
            unique=rule.get("unique", False), report_duplicates="exclude_first")
    return pa.DataFrameSchema(schema_columns)


def rule_dtype(value: Any) -> Any:
    """The pandas dtype a rule's ``dtype`` names ("int64", ``int``, ``np.dtype("int64")``,
    ``pd.Int64Dtype()``...), or None when it names none (a number, a Series, unknown text)."""
    if not isinstance(value, str | type | np.dtype | pd.api.extensions.ExtensionDtype):
        return None
    try:
        return pd.api.types.pandas_dtype(value)
    except (TypeError, ValueError):  # not a type pandas knows
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


def _column_option_words(errors: list, rules: Mapping[str, Mapping[str, Any]]
                         ) -> dict[tuple[Any, str], str]:
    """Words for the checks pandera runs from a column's own options (``nullable``,
    ``unique``, ``dtype``), which take no error text of ours.

    Keyed by column and the name pandera reports for the check; the words come from pandera's
    reason code for each failure (empty cells, repeats, a wrong type) and the column's rule,
    so pandera's names are never read, only matched.
    """
    from pandera.errors import SchemaErrorReason

    option = {SchemaErrorReason.SERIES_CONTAINS_NULLS: "nullable",
              SchemaErrorReason.SERIES_CONTAINS_DUPLICATES: "unique",
              SchemaErrorReason.WRONG_DATATYPE: "dtype"}
    words = {}
    for error in errors:
        key = option.get(error.reason_code)
        if key is not None and isinstance(error.check, str):
            rule = rules[error.column_name]
            words[(error.column_name, error.check)] = _check_in_words(key, rule.get(key, False))
    return words


def check_quality(table: pd.DataFrame,
                  rules: Mapping[str, Mapping[str, Any]] = APPLICANT_RULES) -> QualityReport:
    """Check every rule on every row in one pass and report every violation.

    Parameters
    ----------
    table : pandas.DataFrame
        The data to check (left unchanged).
    rules : mapping
        A rule set (see the module docstring); defaults to :data:`APPLICANT_RULES`.
    """
    import pandera.pandas as pa

    schema = build_schema(rules, columns=table.columns)
    try:
        schema.validate(table, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        words = _column_option_words(errors.schema_errors, rules)
        checks = [str(words.get((column, check), check))
                  for column, check in zip(cases["column"], cases["check"], strict=True)]
        violations = pd.DataFrame({
            "column": cases["column"].astype(str), "check": checks,
            "row": cases["index"], "value": cases["failure_case"]})
        return QualityReport(violations.reset_index(drop=True), len(table))
    empty = pd.DataFrame(columns=["column", "check", "row", "value"])
    return QualityReport(empty, len(table))
