"""The value case (Modules 07 and 08): the model against the bank's current process, in dollars.

A straw man flatters any model: "against approving everyone" it always looks good. The brief
instead compares two *processes* on the same held-out applicants, each at its own threshold:

* the **current process**: the bank's existing scorecard (here the logistic baseline);
* the **model**: the network in production.

Each applicant is either approved at once or **referred** to an underwriter. A loan approved at
once that defaults costs ``bad_loan`` (US dollars). A referral costs ``referral``, the
underwriter's time on the file, and, when the referred applicant would have repaid, the margin
``good_customer`` times ``referred_good_lost``, the share of referred good customers who walk
away. By default that share is 1: every referred good customer is lost, Module 02's assumption,
the one its break-even threshold (0.20) and the thresholds here were chosen with. Module 02's
prices leave out the underwriter's time: with it the break-even is 0.215
(:meth:`ValueAssumptions.break_even`), so the value case prices thresholds chosen slightly off
its own optimum. Pricing a referral at the underwriter's time alone would assume the
underwriter catches every bad loan and keeps every good customer, and then referring everyone
can look the cheapest process of all (:func:`refer_everyone` measures it;
:func:`refer_everyone_cheaper_below` gives the share lost below which it is). A referred
defaulter costs only the underwriter's time: the value case assumes the underwriter declines
every bad loan referred. Scaled to a year, the difference between two processes is what the
model saves; minus its running cost, the net value. :func:`sensitivity` moves the main
assumptions by plus or minus 50% with the thresholds held (a share up to 1), so a reader sees
which assumption the answer hangs on. :func:`value_interval` gives the 95% range that the
sampling of the held-out applicants alone puts around the net value: read the ±50% table next
to it, since a swing smaller than that range settles nothing.

The code lives in two modules beside this one:

* :mod:`~deploydl.communication.value_costs`: :class:`ValueAssumptions`, :func:`process_cost`,
  :func:`refer_everyone`, :func:`refer_everyone_cheaper_below`, :func:`value_case`,
  :func:`value_interval`, :func:`sensitivity` and :func:`sensitivity_shown`, with
  :data:`SENSITIVITY_LABELS` and :data:`SHARES`.
* :mod:`~deploydl.communication.value_reading`: :func:`spans_zero`, :func:`interval_words`,
  :data:`RUN_TO_RUN`, :data:`NOT_A_CASE`, :func:`largest_swing` and :func:`sign_flips`.
"""

from __future__ import annotations

from deploydl.communication.value_costs import (
    SENSITIVITY_LABELS,
    SHARES,
    ValueAssumptions,
    process_cost,
    refer_everyone,
    refer_everyone_cheaper_below,
    sensitivity,
    sensitivity_shown,
    value_case,
    value_interval,
)
from deploydl.communication.value_reading import (
    NOT_A_CASE,
    RUN_TO_RUN,
    interval_words,
    largest_swing,
    sign_flips,
    spans_zero,
)

__all__ = [
    "NOT_A_CASE", "RUN_TO_RUN", "SENSITIVITY_LABELS", "SHARES", "ValueAssumptions",
    "interval_words", "largest_swing", "process_cost", "refer_everyone",
    "refer_everyone_cheaper_below", "sensitivity", "sensitivity_shown", "sign_flips",
    "spans_zero", "value_case", "value_interval",
]
