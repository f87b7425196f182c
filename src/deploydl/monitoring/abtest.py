"""A/B tests between two model versions: the split, the analysis, the sample size (Module 06).

The service sends each applicant to version A or B by a hash of the applicant's ID, so the
same applicant always meets the same version (the split is *sticky*) and no table of
assignments is needed. The analysis is the two-proportion z-test that statistics textbooks,
statsmodels (``proportions_ztest``) and most A/B tools use.
"""

from __future__ import annotations

import hashlib
import math
import uuid
from dataclasses import dataclass


class TrafficSplit:
    """Send a stated share of applicants to ``candidate``, the rest to ``current``.

    Pass it to :func:`deploydl.serving.create_app` in place of a model. It answers to the
    same ``name``, ``version`` and ``threshold`` as ``current``; :meth:`choose` picks the
    model for one applicant, and that model's threshold decides.

    Parameters
    ----------
    current, candidate : model
        Anything with ``name``, ``version`` and ``predict_proba`` (e.g. ``ApplicantModel``).
    share : float
        Share of applicants (0..1) that the candidate scores: 0.5 for an A/B test, 0.05 for
        a canary release.
    salt : str
        Name of the experiment; a new salt reshuffles who sees which version.
    """

    def __init__(self, current, candidate, *, share: float = 0.5, salt: str = "ab") -> None:
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"share must be between 0 and 1; got share={share}. Use 0.5 "
                             "for an even A/B test or 0.05 for a canary.")
        self.current, self.candidate = current, candidate
        self.share, self.salt = float(share), salt

    @property
    def name(self) -> str:
        return self.current.name

    @property
    def version(self) -> str:
        return self.current.version

    @property
    def threshold(self) -> float | None:
        """The current version's threshold; each request is decided at the threshold of the
        version that scores it (:func:`deploydl.evaluation.decision.decides_at`)."""
        return getattr(self.current, "threshold", None)

    def bucket(self, applicant_id: str) -> float:
        """Where the applicant falls on 0..1, from a SHA-256 hash of salt and ID."""
        digest = hashlib.sha256(f"{self.salt}:{applicant_id}".encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64

    def choose(self, applicant_id: str | None):
        """The model that scores this applicant (random when no ID is given)."""
        key = applicant_id if applicant_id is not None else uuid.uuid4().hex
        return self.candidate if self.bucket(key) < self.share else self.current

    def predict_proba(self, rows):
        """Score with the current version (for callers that do not route)."""
        return self.current.predict_proba(rows)

    def __repr__(self) -> str:
        return (f"<TrafficSplit {self.current.version} / {self.candidate.version} "
                f"at {self.share:.0%} to the candidate>")


def choose_model(model, applicant_id: str | None):
    """The model that scores a request: routed through a :class:`TrafficSplit` if given one."""
    return model.choose(applicant_id) if isinstance(model, TrafficSplit) else model


@dataclass(frozen=True)
class ABResult:
    """The outcome of a two-proportion A/B test.

    ``rate_a`` and ``rate_b`` are the shares (0..1) of the outcome in each group (for example
    approved loans that defaulted); ``difference`` is ``rate_b - rate_a``, with an interval
    ``ci_low``..``ci_high`` at confidence ``level`` (a share: 0.95 for ``alpha=0.05``);
    ``p_value`` is two-sided. ``warning`` is empty unless the test stopped before its planned
    sample size.
    """

    rate_a: float
    rate_b: float
    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    significant: bool
    warning: str
    level: float = 0.95

    def summary(self) -> str:
        verdict = "a real difference" if self.significant else "no proven difference"
        # A difference of two rates is in percentage points: "-1.80%" reads as a relative cut.
        text = (f"{self.rate_a:.1%} with A, {self.rate_b:.1%} with B: B - A = "
                f"{self.difference * 100:+.2f} percentage points ({self.level * 100:g}% CI "
                f"{self.ci_low * 100:+.2f} to {self.ci_high * 100:+.2f}), p = {self.p_value:.3f}: "
                f"{verdict}.")
        return f"{text} {self.warning}".strip()


def ab_test(successes_a: int, n_a: int, successes_b: int, n_b: int, *, alpha: float = 0.05,
            planned_n: int | None = None) -> ABResult:
    """Compare two proportions: is version B's rate different from A's?

    The p-value comes from the pooled two-proportion z-test (as statsmodels'
    ``proportions_ztest``); the interval is the unpooled Wald interval at ``1 - alpha``.
    ``planned_n`` (per group, from :func:`sample_size`) turns on the warning about peeking:
    looking at the test every day and stopping at the first p < 0.05 finds "winners" that
    are not there far more often than 5% of the time.
    """
    from scipy import stats  # here, not at the top: the service imports this module

    for label, k, n in (("A", successes_a, n_a), ("B", successes_b, n_b)):
        if n <= 0 or not 0 <= k <= n:
            raise ValueError(f"Group {label}: need 0 <= successes <= n and n > 0; got "
                             f"successes={k}, n={n}.")
    rate_a, rate_b = successes_a / n_a, successes_b / n_b
    pooled = (successes_a + successes_b) / (n_a + n_b)
    se_pooled = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    z = (rate_b - rate_a) / se_pooled if se_pooled > 0 else 0.0
    p_value = float(2 * stats.norm.sf(abs(z)))
    se = math.sqrt(rate_a * (1 - rate_a) / n_a + rate_b * (1 - rate_b) / n_b)
    half = float(stats.norm.ppf(1 - alpha / 2)) * se
    diff = rate_b - rate_a
    return ABResult(rate_a=rate_a, rate_b=rate_b, difference=diff, ci_low=diff - half,
                    ci_high=diff + half, p_value=p_value, significant=p_value < alpha,
                    warning=peeking_warning(n_a, n_b, planned_n), level=1 - alpha)


def peeking_warning(n_a: int, n_b: int, planned_n: int | None) -> str:
    """What a test read before its planned size (``planned_n`` per group) says about it: ""
    with no plan or once both groups reach it. Both of the course's A/B tests carry it."""
    if planned_n is None or min(n_a, n_b) >= planned_n:
        return ""
    return (f"Warning: only {min(n_a, n_b):,} of the planned {planned_n:,} per group. "
            "Stopping early because the p-value looks good (peeking) inflates false wins; "
            "run to the planned size.")


def sample_size(baseline: float, effect: float, *, alpha: float = 0.05,
                power: float = 0.8) -> int:
    """Applicants needed per group to detect a change of ``effect`` from ``baseline``.

    ``baseline`` is the current rate (e.g. 0.12 = 12% of approved loans default) and
    ``effect`` the smallest change worth knowing about, in the same units (e.g. -0.02 for two
    points fewer defaults). ``power`` is the chance of detecting it if it is real.
    """
    from scipy import stats

    target = baseline + effect
    if not (0 < baseline < 1 and 0 < target < 1 and effect != 0):
        raise ValueError(f"Need 0 < baseline < 1, 0 < baseline + effect < 1 and effect != 0; "
                         f"got baseline={baseline}, effect={effect}.")
    z_alpha, z_power = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
    mean = (baseline + target) / 2
    spread = (z_alpha * math.sqrt(2 * mean * (1 - mean))
              + z_power * math.sqrt(baseline * (1 - baseline) + target * (1 - target)))
    return math.ceil(spread**2 / effect**2)
