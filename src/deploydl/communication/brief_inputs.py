"""What the executive brief is built from (Module 07): its money assumptions, its words
(:class:`Context`) and its numbers (:class:`BriefInputs`, filled by
:func:`deploydl.communication.brief.collect_brief_inputs`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from deploydl.communication.value import ValueAssumptions
from deploydl.communication.value_costs import RUNNING_COST_USD_PER_YEAR
from deploydl.data import APPLICATIONS_PER_YEAR
from deploydl.evaluation.costs import REFERRAL_USD
from deploydl.evaluation.metrics import DEFAULT_COSTS, ErrorCosts
from deploydl.responsible.fairness import FOUR_FIFTHS
from deploydl.responsible.modelcard import CASE_STUDY_NOT_FOR


@dataclass(frozen=True)
class Assumptions:
    """The money assumptions the brief states, in US dollars (change them to your bank's).

    ``applications_per_year`` scales the test set's costs to a year;
    ``running_cost_per_year`` is the service's cost: hosting, monitoring and about one
    engineer's time for upkeep (Modules 05 and 06); ``referral_cost`` is the underwriter's
    time on one referred file and ``referred_good_lost`` the share of referred good customers
    lost (1 = all, as Module 02 assumes), both for the value case
    (:mod:`deploydl.communication.value`); ``costs`` are Module 02's error costs, which set the
    threshold (the break-even) and price a bad loan and a lost good customer in the value case
    too; ``min_ratio`` is the
    fairness screen the release gate applies (the bank's policy; the four-fifths ratio by
    default).
    """

    applications_per_year: int = APPLICATIONS_PER_YEAR
    running_cost_per_year: float = RUNNING_COST_USD_PER_YEAR
    costs: ErrorCosts = DEFAULT_COSTS
    referral_cost: float = REFERRAL_USD
    referred_good_lost: float = 1.0
    min_ratio: float = FOUR_FIFTHS

    def value(self) -> ValueAssumptions:
        """The value case's assumptions (:class:`deploydl.communication.value.ValueAssumptions`)."""
        return ValueAssumptions(bad_loan=self.costs.bad_loan_approved,
                                referral=self.referral_cost,
                                good_customer=self.costs.good_customer_turned_away,
                                referred_good_lost=self.referred_good_lost,
                                applications_per_year=self.applications_per_year,
                                running_cost=self.running_cost_per_year)


DEFAULT_ASSUMPTIONS = Assumptions()


@dataclass(frozen=True)
class Context:
    """The words around the numbers: project, what the model does (``purpose``), whom it
    applies to (``audience``: the people who use it or are decided by it; the brief prints
    it as "Applies to:", since the brief itself goes to the board), what it must not be used
    for (``out_of_scope``, the model card's "Not for"), the decision."""

    project: str = "Northbridge Bank: loan-default model"
    purpose: str = ("Estimates each loan applicant's chance of default, so loan officers "
                    "approve the safe majority at once and send the rest to an underwriter.")
    audience: str = "Loan officers and applicants in every region."
    out_of_scope: str = CASE_STUDY_NOT_FOR
    decision: str = ""


#: The course's own words (the bank's project, its purpose and audience), no decision written.
DEFAULT_CONTEXT = Context()


@dataclass(frozen=True)
class BriefInputs:
    """Every number the brief shows, grouped by the module that computed it (plain dicts)."""

    context: Context
    assumptions: Assumptions
    registry: dict[str, Any]
    evaluation: dict[str, Any]
    fairness: dict[str, Any]
    money: dict[str, Any]
    monitoring: dict[str, Any]
    ab: dict[str, Any] | None = None
    sweep: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    by_group: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    sensitivity: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the dict groups, without the tables."""
        return {k: v for k, v in asdict(self).items()
                if k not in ("sweep", "by_group", "sensitivity")}
