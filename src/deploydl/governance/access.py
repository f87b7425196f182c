"""Access control for Module 01: role-based column policies, deny by default, every read logged.

A policy is plain data (YAML or a dict). Each role lists the columns it may read and how::

    roles:
      analyst:
        columns: {income: allow, region: allow, email: mask}
      data_scientist:
        columns: {applicant_id: pseudonymise, income: allow}
      auditor:
        columns: {}
        read_access_log: true

``allow`` shows the value, ``mask`` hides it but keeps its shape, ``pseudonymise`` replaces it
with a keyed pseudonym. A role or column the policy does not name is denied. Every request,
granted or denied, goes into the access log, which only roles with ``read_access_log`` may read.

Grants are per role and per column, by column name: the ``dataset`` a read names is written to
the log, and does not change what the role may see. The one exception is people under a legal
hold (:meth:`AccessController.hold`): only roles with ``read_held_rows`` see rows that mention
them, in every read, whatever dataset it names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from deploydl.governance.privacy import mask, pseudonymise, rows_mentioning

ACTIONS = ("allow", "mask", "pseudonymise")

#: Northbridge Bank's policy for the applicant table (Module 01).
NORTHBRIDGE_POLICY = """
roles:
  analyst:
    columns: {applicant_id: pseudonymise, name: mask, email: mask, age_band: allow, region: allow,
              income: allow, loan_amount: allow, default: allow}
  data_scientist:
    columns: {applicant_id: pseudonymise, age_band: allow, region: allow, income: allow,
              debt_ratio: allow, credit_history_years: allow, loan_amount: allow,
              employment_years: allow, late_payments: allow, home_owner: allow, default: allow}
  auditor:
    columns: {}
    read_access_log: true
  compliance:
    columns: {applicant_id: allow, name: allow, email: allow, application_date: allow,
              loan_amount: allow, default: allow}
    read_held_rows: true
"""


class PolicyError(ValueError):
    """A policy that does not parse or uses an unknown action."""


class AccessDenied(PermissionError):
    """A read the policy does not grant (unknown role, or a column the role may not see)."""


@dataclass(frozen=True)
class Access:
    """One line of the access log."""

    seq: int
    when: str
    user: str
    role: str
    dataset: str
    columns: str
    granted: bool
    reason: str


def parse_policy(policy: str | Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Check a policy (YAML text or a dict) and return ``{role: {"columns": {...}, ...}}``.

    Raises :class:`PolicyError` saying which role or column is wrong and how to fix it.
    """
    import yaml

    if isinstance(policy, str):
        try:
            policy = yaml.safe_load(policy)
        except yaml.YAMLError as exc:
            where = getattr(exc, "problem_mark", None)
            line = f" near line {where.line + 1}" if where else ""
            raise PolicyError(f"The access policy is not valid YAML{line}: "
                              f"{getattr(exc, 'problem', exc)}. Check its indentation and "
                              f"colons.") from None
    roles = policy.get("roles") if isinstance(policy, Mapping) else None
    if not isinstance(roles, Mapping):
        raise PolicyError(f"The access policy must have a 'roles:' mapping at the top; got "
                          f"{policy!r:.80}.")
    parsed = {}
    for role, spec in roles.items():
        columns = spec.get("columns") if isinstance(spec, Mapping) else None
        if not isinstance(columns, Mapping):
            raise PolicyError(f"Role {role!r} needs a 'columns:' mapping of column: action; "
                              f"got {spec!r:.80}.")
        bad = {c: a for c, a in columns.items() if a not in ACTIONS}
        if bad:
            raise PolicyError(f"Role {role!r} uses unknown actions {bad}; each column's "
                              f"action must be one of {list(ACTIONS)}.")
        parsed[str(role)] = {"columns": dict(columns),
                             "read_access_log": bool(spec.get("read_access_log", False)),
                             "read_held_rows": bool(spec.get("read_held_rows", False))}
    return parsed


class AccessController:
    """Serves reads of tables under a policy, and logs every request.

    Parameters
    ----------
    policy : str or mapping
        The policy (see the module docstring).
    key : bytes
        Secret key for pseudonyms (at least 16 bytes).
    clock : callable, optional
        Returns the current time; pass a fixed one for reproducible logs.
    """

    def __init__(self, policy: str | Mapping[str, Any], *, key: bytes,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.roles = parse_policy(policy)
        self._key = key
        self._clock = clock or (lambda: datetime.now(UTC))
        self._log: list[Access] = []
        self._held: dict[str, set[str]] = {}

    def hold(self, dataset: str, identifiers: Iterable[str]) -> None:
        """Put a person under a legal hold: only roles with ``read_held_rows`` see their rows.

        ``dataset`` names the dataset the law makes the bank keep, and ``identifiers`` are the
        person's identifier values (ID, email, national ID, pseudonym), e.g. an
        :class:`~deploydl.governance.privacy.ErasureReport`'s ``held_identifiers[dataset]``.
        From then on every read by any other role leaves out each row that mentions one of
        them (:func:`~deploydl.governance.privacy.rows_mentioning`), whatever dataset the read
        names and however the table is sorted or indexed, and the log says how many (Module 01).
        """
        if isinstance(identifiers, str):
            raise TypeError(f"identifiers must be a list of the person's identifiers, not one "
                            f"string; give a list, e.g. [{identifiers!r}].")
        values = {str(v) for v in identifiers if v is not None and str(v)}
        if not values:
            raise ValueError("identifiers is empty: give the held person's identifiers, e.g. "
                             "erasure.held_identifiers['raw_applicants'].")
        self._held.setdefault(dataset, set()).update(values)

    @property
    def holds(self) -> dict[str, list[str]]:
        """The legal holds in force: dataset -> the held identifiers, sorted. The dataset says
        which record the law keeps; a read withholds every held identifier, whatever dataset it
        names."""
        return {dataset: sorted(values) for dataset, values in self._held.items()}

    def visible_columns(self, role: str) -> dict[str, str]:
        """What ``role`` may read: column -> action. Empty for an unknown role."""
        return dict(self.roles.get(role, {}).get("columns", {}))

    def read(self, table: pd.DataFrame, *, role: str, user: str, dataset: str,
             columns: list[str] | None = None) -> pd.DataFrame:
        """Return the columns ``role`` asked for, masked or pseudonymised as the policy says.

        ``columns=None`` asks for every column the role may see. Raises :class:`AccessDenied`
        for an unknown role or any column not granted; the request is logged either way. Rows
        that mention a person under a legal hold (:meth:`hold`) are left out, whatever
        ``dataset`` says, unless the role may read held rows.
        """
        grants = self.visible_columns(role)
        wanted = [c for c in table.columns if c in grants] if columns is None else list(columns)
        reason = self._refusal(role, grants, wanted, table)
        held = sorted(set().union(*self._held.values())) if self._held else []
        withheld = (pd.Series(False, index=table.index)
                    if reason or not held or self.roles[role]["read_held_rows"]
                    else rows_mentioning(table, held))
        withheld_count = int(withheld.sum())
        self._record(user, role, dataset, wanted, reason,
                     f"granted; {withheld_count} held row(s) withheld" if withheld_count else "")
        if reason:
            raise AccessDenied(reason)
        out = table.loc[~withheld.to_numpy(), wanted].copy()
        for column in wanted:
            if grants[column] == "mask":
                out[column] = mask(out[column])
            elif grants[column] == "pseudonymise":
                out[column] = pseudonymise(out[column], key=self._key)
        return out

    def _refusal(self, role: str, grants: dict[str, str], wanted: list[str],
                 table: pd.DataFrame) -> str:
        if role not in self.roles:
            return (f"Access denied: role {role!r} is not in the policy (roles: "
                    f"{sorted(self.roles)}). Ask the data owner to add it.")
        denied = [c for c in wanted if c not in grants]
        if denied:
            return (f"Access denied: role {role!r} may not read {denied}. It may read "
                    f"{sorted(grants)}.")
        absent = [c for c in wanted if c not in table.columns]
        if absent:
            return f"Columns {absent} are not in this dataset."
        return ""

    def _record(self, user: str, role: str, dataset: str, columns: list[str],
                reason: str, note: str = "") -> None:
        self._log.append(Access(len(self._log) + 1, self._clock().isoformat(timespec="seconds"),
                                user, role, dataset, ", ".join(columns), not reason,
                                reason or note or "granted"))

    def access_log(self, *, role: str, user: str) -> pd.DataFrame:
        """The access log, for roles allowed to read it (auditors). This read is logged too."""
        allowed = self.roles.get(role, {}).get("read_access_log", False)
        reason = "" if allowed else (f"Access denied: role {role!r} may not read the access "
                                     f"log; only roles with read_access_log: true may.")
        self._record(user, role, "access_log", [], reason)
        if reason:
            raise AccessDenied(reason)
        return pd.DataFrame([asdict(a) for a in self._log])


def role_view(controller: AccessController, table: pd.DataFrame, *, dataset: str,
              rows: int = 3):
    """A widget: pick a role and see exactly what it may read of ``table`` (Module 01).

    Returns a :class:`~deploydl.present.panel.Panel` of a role dropdown and an HTML view; set
    the dropdown's ``.value`` to change role (this is how the tests drive it). Each view is a
    logged read.
    """
    import ipywidgets as widgets

    from deploydl.present.panel import Panel
    from deploydl.present.report import html_table

    picker = widgets.Dropdown(options=[*controller.roles, "intern"], description="Role:")
    view = widgets.HTML()

    def show(_=None) -> None:
        role = picker.value
        try:
            seen = controller.read(table.head(rows), role=role, user="widget", dataset=dataset)
            view.value = (f"<b>{role}</b> may read {seen.shape[1]} of {table.shape[1]} "
                          f"columns.<br>" + html_table(seen.to_dict("records")))
            if controller.roles[role]["read_access_log"]:
                log = controller.access_log(role=role, user="widget").drop(columns="when")
                view.value += ("<br>The access log:<br>"
                               + html_table(log.tail(rows).to_dict("records")))
        except AccessDenied as exc:
            view.value = f"<b>{role}</b>: {exc}"

    picker.observe(show, names="value")
    show()
    return Panel([picker, view], title="What each role may read")
