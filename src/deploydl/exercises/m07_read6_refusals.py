"""The words of a clause that turn applicants down (:func:`_refusals`), and whether they
turn all the others down or only may (:func:`_refusal`).

Stage 6 of the 07.1 reader (:mod:`deploydl.exercises.m07_sentence`); the number in the
name is the order the grader loads the stages in, so it imports only stages numbered
below 6 (see :mod:`deploydl.exercises.m07_sentence`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from deploydl.exercises.m07_read2_words import _AT_ONCE, _DECLINE, _MACHINE, _SELF_NEGATED
from deploydl.exercises.m07_read3_clauses import _in_named
from deploydl.exercises.m07_read4_negation import _negated


def _refusal(others: list[str]) -> re.Match | None:
    """The first refusal in the clauses ``others`` (:func:`_refused`) that turns the others
    down (:func:`_decided`: "the others are declined", "automatically declined unless a person
    objects"; not "an underwriter approves or declines them", "approved/declined":
    :func:`_only_possible`)."""
    return _decided(others, _refused, lambda i, m: _only_possible(others, i, m))


def _refused(clause: str) -> re.Match | None:
    """The first refusal word of ``clause`` (:func:`_refusals`) that turns the others down, not
    a yes negated or missed only at once (:func:`_put_off`)."""
    return next((m for m in _refusals(clause) if not _put_off(clause, m)), None)


def _put_off(clause: str, refusal: re.Match) -> bool:
    """Whether ``refusal``, a :data:`_DECLINE` match in ``clause``, is a yes negated or missed
    (:func:`_no_yes`) only at once: "at once" right after it (:data:`_PUT_OFF`: "so are not
    approved straight away", "miss out on a yes at once", "don't get an instant yes") or in
    it ("go without an instant yes", "miss out on the instant approval"). Of the others that
    says when their yes comes, not whether; "miss out on a yes" refuses them."""
    return _no_yes(refusal) and bool(_PUT_OFF.match(clause, refusal.end())
                                     or _AT_ONCE.search(refusal.group()))


def _no_yes(refusal: re.Match) -> bool:
    """Whether ``refusal``, a :data:`_DECLINE` match, is a yes negated ("not approved", "no yes")
    or missed ("miss out on a yes", "go without a yes"), not a no given ("declined")."""
    return refusal.group().startswith(_SELF_NEGATED) or refusal.group("missed") is not None


#: "At once" right after a negated yes ("not approved straight away", "no yes at once",
#: "don't get an instant yes"): the others' yes is put off, not refused. Of the rate's
#: applicants it refuses them their yes.
_PUT_OFF = re.compile(rf"\s+(?:(?:an?|the|their|any)\s+)?(?:{_AT_ONCE.pattern})")


def _decided(others: list[str], find: Callable[[str], re.Match | None],
             is_open: Callable[[int, re.Match], bool]) -> re.Match | None:
    """The first decision ``find`` finds in a clause of ``others`` that is not only possible
    (``is_open``, given the clause's index and the decision), or that is in a clause that names
    a machine (:data:`_MACHINE`)."""
    return next((m for i, c in enumerate(others) if (m := find(c))
                 and (_MACHINE.search(c) or not is_open(i, m))), None)


def _turned_down(clause: str) -> re.Match | None:
    """The first refusal word of ``clause`` (:func:`_refusals`)."""
    return next(_refusals(clause), None)


def _refusals(clause: str) -> Iterator[re.Match]:
    """The refusal words of ``clause`` (:data:`_DECLINE`) that are neither negated nor part of
    a phrase that names the others (:data:`_NAMED`: "those who don't get a yes")."""
    return (m for m in _DECLINE.finditer(clause)
            if not _negated(clause, m) and not _in_named(clause, m))


def _only_possible(others: list[str], index: int, refusal: re.Match) -> bool:
    """Whether the ``refusal`` in ``others[index]`` is only possible: its own clause has a word
    for that (:func:`_maybe`: "who may decline them", "declines some", "approves or declines"),
    or the clause before it says "some" ("approving some | and declining others"); not when it
    is the default (:data:`_DEFAULT_NO`: "declined unless an underwriter steps in", "if in
    doubt declines"). A "may" elsewhere does not soften it ("the others are declined, though a
    person can check them")."""
    clause = others[index]
    if _DEFAULT_NO.match(clause, refusal.end()) or _IN_DOUBT.search(clause):
        return False
    return _maybe(clause) or (index > 0 and bool(re.search(r"\bsome\b", others[index - 1])))


#: An "unless" right after a refusal, within three words ("declined unless an underwriter steps
#: in", "turned down automatically unless a person approves them"): the no is the default, a
#: yes the exception.
_DEFAULT_NO = re.compile(r"(?:\s+[\w']+){0,3}?\s+unless\b")
#: "If in doubt" or "when in doubt" in a refusal's clause: doubt is met with a no, the default.
_IN_DOUBT = re.compile(r"\b(?:if|when)\s+in\s+doubt\b")


#: Words that make a refusal of the others only possible ("an underwriter who may decline
#: them", "who approves or declines them", "reviews them, approving some and declining
#: others"), anywhere in its own clause (a yes is left open by a "may" or "if" only near it,
#: by the other outcome or a qualifier anywhere: :func:`_left_open`), and a slash between
#: words ("approved/declined", "approves/declines": both outcomes).
_MAYBE = re.compile(r"\b(?:may|might|could|can|sometimes|some|or|whether|if|unless)\b|"
                    r"(?<=[a-z])/(?=[a-z])")


def _maybe(clause: str) -> bool:
    """Whether ``clause`` has a word that makes a refusal only possible (:data:`_MAYBE`),
    not one in a phrase that names the others ("if not,")."""
    return any(not _in_named(clause, m) for m in _MAYBE.finditer(clause))
