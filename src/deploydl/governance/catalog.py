"""The data catalog for Module 01: one dataset card per dataset, stored as a YAML or JSON file.

A card answers the questions a regulator, an auditor or a new engineer asks first: who owns
this data, why do we hold it, what is in it and how sensitive is each column, how long may we
keep it, on what lawful basis (GDPR Art. 6), and where did it come from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from deploydl.integrity import read_json_object

#: Sensitivity classes, least to most sensitive. "protected" is personal data that is also a
#: characteristic anti-discrimination law protects: age under US fair-lending law (ECOA,
#: 12 CFR 1002.6(b)(2)); it needs outcome monitoring, not only access control. "special" is
#: GDPR Art. 9 special-category data (health, ethnic origin, religion and the like); age is not
#: one of them. See docs/references.md.
Sensitivity = Literal["public", "internal", "confidential", "personal", "protected", "special"]
#: The six lawful bases for processing personal data under GDPR Art. 6(1).
LawfulBasis = Literal["consent", "contract", "legal_obligation", "vital_interests",
                      "public_task", "legitimate_interests"]
#: The classes that hold personal data (a protected or special column is personal data too).
PERSONAL_CLASSES: tuple[str, ...] = ("personal", "protected", "special")


class CardError(ValueError):
    """A dataset card that cannot be read: bad YAML/JSON, a missing or invalid field."""


class ColumnCard(BaseModel):
    """One column: its type, how sensitive it is, and what it means."""

    model_config = ConfigDict(extra="forbid")
    dtype: str
    sensitivity: Sensitivity
    description: str = ""


class DatasetCard(BaseModel):
    """Everything the catalog knows about one dataset.

    ``retention_days`` is how long a row may be kept, in days, counted from the event named
    by ``retention_starts``: ``"collection"`` (the default) or, where a law sets the clock, that
    event (anti-money-laundering law counts from the end of the customer relationship, for
    example). A retention check must count from that event, not from whichever date the table
    happens to hold (Module 01).
    """

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[a-z0-9_]+$")
    owner: str
    purpose: str
    source: str
    lawful_basis: LawfulBasis
    retention_days: int = Field(gt=0)
    retention_starts: str = "collection"
    columns: dict[str, ColumnCard]

    def columns_with(self, sensitivity: str) -> list[str]:
        """Names of the columns of one sensitivity class, e.g. ``"personal"``."""
        return [c for c, spec in self.columns.items() if spec.sensitivity == sensitivity]

    def schema_table(self) -> pd.DataFrame:
        """The columns as a table: name, type, sensitivity, description."""
        return pd.DataFrame([{"column": c, "type": spec.dtype, "sensitivity": spec.sensitivity,
                              "description": spec.description}
                             for c, spec in self.columns.items()])


#: What a card file holds and what to do, ending the messages that refuse one.
_A_CARD = "A card is a flat mapping of fields (name, owner, ...): fix the file."


def load_card(path: str | Path) -> DatasetCard:
    """Read a card from a ``.yaml``/``.yml`` or ``.json`` file.

    Raises :class:`CardError` naming the file, the field and what to fix, never a parser's
    traceback.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CardError(f"Dataset card {path.name} could not be read: {exc}. Check the "
                        f"path.") from None
    data = (read_json_object(raw, source=f"Dataset card {path.name}", error=CardError,
                             advice=_A_CARD)
            if path.suffix == ".json" else _yaml_mapping(raw, name=path.name))
    try:
        return DatasetCard.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'card'}: {e['msg']} "
                             f"(got {e.get('input')!r})" for e in exc.errors()[:3])
        raise CardError(f"Dataset card {path.name} is malformed: {problems}. Fix these fields "
                        f"and load it again.") from None


def _yaml_mapping(raw: bytes, *, name: str) -> dict[str, Any]:
    """The mapping in the YAML card file ``name`` that holds ``raw``; a CardError unless it
    holds one."""
    import yaml

    try:
        data = yaml.safe_load(raw)
    except RecursionError:  # '[[[[…' deeper than the parser goes
        raise CardError(f"Dataset card {name} could not be read: its lists or mappings are "
                        f"nested too deeply. {_A_CARD}") from None
    except (ValueError, yaml.YAMLError) as exc:  # ValueError: a number too long to read
        first = str(exc).splitlines()[0]
        raise CardError(f"Dataset card {name} could not be read: {first}. Check the file's "
                        f"YAML syntax.") from None
    if not isinstance(data, dict):
        raise CardError(f"Dataset card {name} holds a YAML {type(data).__name__}, not a "
                        f"mapping. {_A_CARD}")
    return data


class Catalog:
    """A folder of dataset cards, one file per dataset, listed and searched.

    Parameters
    ----------
    folder : str or pathlib.Path
        Where the cards live (created on the first :meth:`add`).
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def add(self, card: DatasetCard) -> Path:
        """Save ``card`` as ``<name>.yaml`` (replacing an older version) and return the path."""
        import yaml

        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{card.name}.yaml"
        path.write_text(yaml.safe_dump(card.model_dump(), sort_keys=False), encoding="utf-8")
        return path

    def cards(self) -> list[DatasetCard]:
        """Every card in the folder, by name. A malformed file raises :class:`CardError`."""
        paths = sorted([*self.folder.glob("*.yaml"), *self.folder.glob("*.yml"),
                        *self.folder.glob("*.json")])
        return [load_card(p) for p in paths]

    def get(self, name: str) -> DatasetCard:
        for card in self.cards():
            if card.name == name:
                return card
        raise KeyError(f"No dataset card named {name!r} in {self.folder}; add it with "
                       f"Catalog.add().")

    def search(self, text: str) -> list[DatasetCard]:
        """Cards whose name, owner, purpose, source or column names contain ``text``."""
        needle = text.lower()
        return [c for c in self.cards()
                if needle in " ".join([c.name, c.owner, c.purpose, c.source, *c.columns]).lower()]

    def table(self, cards: list[DatasetCard] | None = None) -> pd.DataFrame:
        """One line per card: the summary an auditor asks for first.

        ``personal_data_columns`` counts every column that holds personal data: those classed
        personal, protected or special (:data:`PERSONAL_CLASSES`), so it can exceed the
        columns classed ``"personal"`` alone.
        """
        return pd.DataFrame([{
            "dataset": c.name, "owner": c.owner, "purpose": c.purpose,
            "lawful_basis": c.lawful_basis, "retention_days": c.retention_days,
            "retention_starts": c.retention_starts, "columns": len(c.columns),
            "personal_data_columns": sum(len(c.columns_with(k)) for k in PERSONAL_CLASSES),
        } for c in (self.cards() if cards is None else cards)])

    def table_in_words(self, cards: list[DatasetCard] | None = None) -> pd.DataFrame:
        """:meth:`table` for a person to read: the lawful basis in words (``"legitimate
        interests"``, not ``"legitimate_interests"``) and a ``retention`` column in years where
        the period is whole years (:func:`retention_in_words`). The cards keep their codes;
        only this view changes."""
        table = self.table(cards)
        if table.empty:
            return table
        return table.assign(
            lawful_basis=table["lawful_basis"].str.replace("_", " "),
            retention_days=table["retention_days"].map(retention_in_words),
        ).rename(columns={"retention_days": "retention"})


def retention_in_words(days: int) -> str:
    """A retention period as a reader says it: ``"5 years (1,826 days)"`` where ``days`` is a
    whole number of calendar years, else ``"400 days"``.

    ``n`` calendar years hold ``365 * n`` days plus their leap days: ``n // 4`` of them, or one
    more when ``n`` is not a multiple of four (five years hold one or two). So 1,826 days are
    five years, 365 days one year, and 1,825 days no whole number of years.
    """
    years = round(days / 365.25)
    fewest, most = 365 * years + years // 4, 365 * years - (-years // 4)
    if years >= 1 and fewest <= days <= most:
        return f"{years} year{'s' if years > 1 else ''} ({days:,} days)"
    return f"{days:,} day{'s' if days != 1 else ''}"


def card_from_table(table: pd.DataFrame, *, name: str, owner: str, purpose: str, source: str,
                    lawful_basis: str, retention_days: int,
                    sensitivity: dict[str, str], default: str = "internal",
                    descriptions: dict[str, str] | None = None,
                    retention_starts: str = "collection") -> DatasetCard:
    """Draft a card from a table: types are read from the data, sensitivity from ``sensitivity``
    (any column not named gets ``default``), what each column means from ``descriptions``,
    and the event the retention clock starts at from ``retention_starts``.
    Review the draft before adding it."""
    descriptions = descriptions or {}
    unknown = sorted(set(descriptions) - {str(c) for c in table.columns})
    if unknown:
        raise CardError(f"Card {name!r}: descriptions name {unknown}, which the table does not "
                        "have. Check the spelling, or drop them.")
    columns = {str(c): {"dtype": str(t), "sensitivity": sensitivity.get(str(c), default),
                        "description": descriptions.get(str(c), "")}
               for c, t in table.dtypes.items()}
    try:
        return DatasetCard.model_validate({
            "name": name, "owner": owner, "purpose": purpose, "source": source,
            "lawful_basis": lawful_basis, "retention_days": retention_days,
            "retention_starts": retention_starts, "columns": columns})
    except ValidationError as exc:
        e = exc.errors()[0]
        raise CardError(f"Card {name!r} is invalid: {'.'.join(map(str, e['loc']))}: {e['msg']} "
                        f"(got {e.get('input')!r}).") from None
