"""Data-quality rules in plain words (Module 01): the words a :class:`QualityReport` names a
broken check by, and :func:`rules_in_words`, a rule set as a table a risk officer can read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from deploydl.governance.quality_rules import validate_rule


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
