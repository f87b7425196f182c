"""Checking a table against data-quality rules (Module 01): the rules as a pandera schema,
every row validated in one pass, and the :class:`QualityReport` of what broke.

The rule format is described in :mod:`deploydl.governance.quality`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from deploydl.governance.quality_rules import APPLICANT_RULES, rule_values, validate_rule
from deploydl.governance.quality_words import _check_in_words


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
