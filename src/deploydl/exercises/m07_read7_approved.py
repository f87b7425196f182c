"""What is wrong with what the sentence says of the rate's applicants, those approved at once
(:func:`_ours_wrong`): turned down, sent to a person, no yes, a hedged yes, or a yes later.

Stage 7 of the 07.1 reader (:mod:`deploydl.exercises.m07_sentence`); the number in the
name is the order the grader loads the stages in, so it imports only stages numbered
below 7 (see :mod:`deploydl.exercises.m07_sentence`)."""

from __future__ import annotations

import re

from deploydl.exercises.m07_read1_shares import says_rate
from deploydl.exercises.m07_read2_words import (
    _APPROVE,
    _AT_ONCE,
    _DECLINE,
    _ELSE,
    _HEDGE,
    _LATER,
    _PERSON_WORDS,
    _REFER,
    _STAFF,
)
from deploydl.exercises.m07_read3_clauses import _FULL_STOP
from deploydl.exercises.m07_read4_negation import _negated
from deploydl.exercises.m07_read6_refusals import _turned_down


def _waiting(rate: float, word: str) -> str:
    """What 07.1 says when the clauses about the ``rate``'s applicants send them to a person
    (``word``, the referral word found)."""
    return (f"the number is right, but your sentence has those {rate:.0%} wait for a "
            f"person ('{word.strip()}'). Say of them that they get a yes at once (approved "
            "straight away), and what happens to the others (a person checks their file) in a "
            "separate clause, so nobody reads the number as the share waiting for a person.")


#: What comes right before "check" or "review" used as a noun for the system's own test ("pass
#: our checks", "after a quick automatic check"): then the word refers nobody to a person.
_NOUN_BEFORE = re.compile(r"\b(?:a|an|the|our|its|quick|automatic|automated|instant|system|"
                          r"computer|credit|simple|usual)\s+$")


def _says_yes(ours: str) -> bool:
    """Whether ``ours``, the clauses about the rate's applicants, says they get a yes: an
    approval word (:data:`_APPROVE`; a word for "at once" alone is no yes: "processed at once"),
    or a referral negated ("no manual check"); a refusal negated is none ("not turned down at
    once" may be turned down later)."""
    return bool(_APPROVE.search(ours)) or any(_negated(ours, m) for m in _REFER.finditer(ours))


def _referrals(clause: str) -> list[re.Match]:
    """The referral words of ``clause`` (:data:`_REFER`), less "check" or "review" used as a
    noun for the system's own test ("pass our checks", "after a quick automatic check"; not
    the person "a reviewer")."""
    return [m for m in _REFER.finditer(clause)
            if not (m.group().startswith(("check", "review"))
                    and not m.group().endswith(("er", "ers"))
                    and _NOUN_BEFORE.search(clause, 0, m.start()))]


def _ours_wrong(ours: str, rate: float) -> str | None:
    """What is wrong with what ``ours``, the clauses about the ``rate``'s applicants
    (:func:`_sides`), says of them, or None. They must not be turned down
    (:func:`_turned_down`), nor sent to a person (a referral in a part of its own that does not
    name the others, :func:`_after_full_stop`, is told to name them), and must get a yes
    (:func:`_says_yes`), not hedged (:data:`_HEDGE` next to it, :func:`_softens`), at once
    (:data:`_AT_ONCE`, not :data:`_LATER`)."""
    if refused := _turned_down(ours):
        return ("the number is right, but your sentence says they are turned down (or get no "
                f"yes): '{refused.group()}' tells a caller those {rate:.0%} get no yes at once, "
                f"the opposite of what happens: say that those {rate:.0%} do get a yes at "
                "once.")
    waiting = _referral(ours)
    if waiting and _after_full_stop(ours, rate, waiting):
        return (f"the number is right, but '{waiting.group()}' comes in a clause that does not "
                f"say whom it is about, so it reads as said of those {rate:.0%}: name the others "
                "in that clause, e.g. '...; an underwriter checks the others.'")
    if waiting:
        return _waiting(rate, waiting.group())
    if not _says_yes(ours):
        return (f"the number is right, but say of those {rate:.0%} that they get a yes: 'are "
                "approved at once', 'get a yes straight away'.")
    if hedge := next((m for m in _HEDGE.finditer(ours) if _softens(ours, m)), None):
        return (f"'{hedge.group()}' hedges the yes, but those {rate:.0%} do get a yes at once: "
                "say so plainly ('are approved at once').")
    late = _LATER.search(ours)
    if late:
        return (f"'{late.group()}' says those {rate:.0%} wait for their yes, but they get it at "
                "once: say so ('at once', 'straight away', 'right away').")
    if all(_negated(ours, m) for m in _AT_ONCE.finditer(ours)):
        return (f"the number is right, but say that those {rate:.0%} get a yes at once: write "
                "'at once', 'straight away' or 'right away' in the clause with the number.")
    return None


def _after_full_stop(ours: str, rate: float, match: re.Match) -> bool:
    """Whether ``match`` comes after a semicolon or full stop (:data:`_FULL_STOP`) that ends
    the statement of the ``rate`` in ``ours``, in a part that does not state it: then that part
    is about the others but does not name them ("83% are approved; an underwriter reviews
    their file")."""
    cut = max((m.end() for m in _FULL_STOP.finditer(ours, 0, match.start())), default=0)
    return says_rate(ours[:cut], rate) and not says_rate(ours[cut:], rate)


def _softens(clause: str, hedge: re.Match) -> bool:
    """Whether ``hedge`` softens a decision of ``clause`` next to it (:data:`_DECLINE`,
    :data:`_APPROVE`): one starts within three words after it ("who may decline them", "who can
    approve them", "may be approved") or ends right before it, or before only whom it is made
    for or by (:data:`_DECIDED_FOR`: "declines some of them", "approved by an underwriter if
    they qualify", "approval from an underwriter where possible", "approves the rest if they
    qualify"). In the rate's clauses that hedges the yes; in the others', it leaves their check
    alone: the condition is on the outcome."""
    return any(len(clause[hedge.end():d.start()].split()) <= 3 if d.start() >= hedge.end()
               else bool(_DECIDED_FOR.fullmatch(clause, d.end(), hedge.start()))
               for d in (*_DECLINE.finditer(clause), *_APPROVE.finditer(clause)))


#: The person a decision is made by, right after it ("approved by an underwriter", "approval
#: from one of our underwriters", "approved by our underwriting team").
_AGENT = rf"(?:by|from)\s+(?:[\w']+\s+){{0,3}}?(?:{_PERSON_WORDS}|{_STAFF})(?:\s+{_STAFF})?\b"
#: What may stand between a decision and a word that softens it: nothing, or whom it is made
#: by (:data:`_AGENT`) or for ("approves them if", "approves the rest if").
_DECIDED_FOR = re.compile(rf"\s*(?:(?:{_AGENT}|them|(?:the\s+)?{_ELSE.pattern})\s*)?")


def _referral(clause: str) -> re.Match | None:
    """The first referral word of ``clause`` (:func:`_referrals`) that is not negated."""
    return next((m for m in _referrals(clause) if not _negated(clause, m)), None)
