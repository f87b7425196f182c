"""How Module 03's checks read a learner's answer and word what they tell them: a chance of
default as a percentage, referral points that look like chances of repaying, a cost over the
policy's limit (rounded only where the gap stays true), and a feature name without case.
Module 03's checks (``m03``) call these.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from deploydl.exercises.m03_data import GAP_SHOWN_WITHIN


def _percent(chance: float) -> str:
    """A chance of default as the lesson writes it: 0.3 -> '30%', 0.2625 -> '26.25%'."""
    return f"{chance * 100:.4g}%"


def _read_as_repaying(refer_above: Iterable[float], today: float) -> bool:
    """True when referral points look like approval-score bars (chances of repaying): one is
    today's bar, ``approval_bar(today)`` (0.80), or every one is above 0.5 (as chances of
    default, they would refer only applicants more likely to default than to repay)."""
    from deploydl.evaluation.decision import approval_bar

    values = list(refer_above)
    return (any(math.isclose(v, approval_bar(today)) for v in values)
            or all(v > 0.5 for v in values))

def _over_the_limit(cost: float, limit: float) -> str | None:
    """What to tell a learner whose expected ``cost`` (US dollars per 1,000 applicants) is over
    the policy's ``limit``; None when it is not. Both are compared to the cent, as money is
    counted (a cost that lands a hair over the limit in floating point meets it). The figures
    are shown to the thousand dollars where the thousands differ by about the real gap (within
    :data:`GAP_SHOWN_WITHIN`), else to the dollar: a gap of USD 600 read as USD 1,124,000
    against USD 1,123,000 would look like USD 1,000. Where even the dollars read alike, the
    message gives the limit once, to the cent, and the gap in cents, rather than the same
    figure twice."""
    from deploydl.present.charts import round_half_up, usd

    cents = int((round_half_up(cost, places=2) - round_half_up(limit, places=2)) * 100)
    if cents <= 0:
        return None
    for nearest in (1000, 1):
        shown, allowed = usd(cost, nearest=nearest), usd(limit, nearest=nearest)
        if shown != allowed and (nearest == 1 or _gap_kept(cost, limit, nearest)):
            return (f"the expected cost is {shown} per 1,000 applicants, above the {allowed} "
                    "the policy allows.")
    limit_to_the_cent = f"USD {round_half_up(limit, places=2):,.2f}"
    return (f"the expected cost is over the policy's limit of {limit_to_the_cent} per 1,000 "
            f"applicants by {cents} cent{'s' if cents > 1 else ''}: the referral points are "
            "just past it; try a small step back towards today's, and check the screen again.")


def _gap_kept(cost: float, limit: float, nearest: int) -> bool:
    """Whether ``cost`` and ``limit``, each rounded to ``nearest`` dollars, still differ by the
    real gap give or take :data:`GAP_SHOWN_WITHIN` of it."""
    from deploydl.present.charts import to_nearest

    shown = to_nearest(cost, nearest) - to_nearest(limit, nearest)
    return abs(shown - (cost - limit)) <= GAP_SHOWN_WITHIN * (cost - limit)


def _plain_name(text: str) -> str:
    """``text`` without case or surrounding spaces, to compare a learner's name with ours."""
    return text.strip().lower()
