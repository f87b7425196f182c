"""Whether the clauses about the others promise them all a yes (:func:`_promise`) or leave
it open, as the underwriter who checks their file may decline it.

Stage 8 of the 07.1 reader (:mod:`deploydl.exercises.m07_sentence`); the number in the
name is the order the grader loads the stages in, so it imports only stages numbered
below 8 (see :mod:`deploydl.exercises.m07_sentence`)."""

from __future__ import annotations

import re

from deploydl.exercises.m07_read2_words import (
    _DECLINE,
    _GET,
    _GRANT,
    _LATER,
    _NEGATED_AFTER,
    _OTHER_APPLICANTS,
)
from deploydl.exercises.m07_read3_clauses import _ALSO, _in_named
from deploydl.exercises.m07_read4_negation import _OR_NOT, _governing, _negated, _negated_near
from deploydl.exercises.m07_read6_refusals import _decided, _no_yes
from deploydl.exercises.m07_read7_approved import _AGENT


def _promise(others: list[str]) -> re.Match | None:
    """The first yes in the clauses ``others`` (:func:`_granted`) that promises it to all the
    others (:func:`_decided`: "the others are approved after an underwriter checks them", "the
    other 17% get a yes once an underwriter has looked", "the others are too, after an
    underwriter checks them", "approved after an underwriter or loan officer checks them",
    "automatically approved unless a person objects"), not one left open (:func:`_left_open`:
    "an underwriter decides whether they are approved", "approved only if an underwriter
    agrees", "a yes or no after an underwriter reviews them", "approves the ones who qualify",
    "often approved", "may be approved after an underwriter checks them": "may" leaves the
    yes open, not the check; "usually approved", "most of whom are approved" promise it:
    :data:`_MOSTLY`)."""
    return _decided(others, _granted, lambda i, m: _left_open(others, i, m))


def _granted(clause: str) -> re.Match | None:
    """The first approval word of ``clause`` (:data:`_GRANT`) that gives a yes: not negated,
    before it (:func:`_negated_near`: "those who do not get an instant yes", "where we can't
    say yes", "not necessarily approved") or after it (:data:`_NEGATED_AFTER`: "approval isn't
    guaranteed", "a yes is not automatic"), nor missed (:func:`_missed`: "miss out on a yes"),
    nor only sought (:data:`_SOUGHT`: "they need an underwriter's approval"), nor a noun for
    the decision that is not given (:func:`_given`: "sent to an underwriter for approval"),
    nor part of a phrase that names the others (:data:`_NAMED`: "applicants not approved at
    once"), nor a word that says yes only of the others (:data:`_GRANT`'s ``subject``) with no
    word for them as its subject (:data:`_OTHERS_SUBJECT`: "their details are confirmed")."""
    return next((m for m in _GRANT.finditer(clause)
                 if not _negated_near(clause, m) and not _NEGATED_AFTER.match(clause, m.end())
                 and not _missed(clause, m) and not _SOUGHT.search(clause, 0, m.start())
                 and _given(clause, m) and not _in_named(clause, m)
                 and (not m.group("subject") or _OTHERS_SUBJECT.search(clause, 0, m.start()))),
                None)


def _missed(clause: str, match: re.Match) -> bool:
    """Whether the yes at ``match`` in ``clause`` is one missed (a :data:`_DECLINE` match's
    ``missed``: "miss out on a yes", "lose their approval")."""
    return any(d.group("missed") and d.start() <= match.start() < d.end()
               for d in _DECLINE.finditer(clause))


#: A word for the others as the subject of the words after it, at most one word between ("the
#: rest | succeed", "the remaining 17% | are confirmed", "they | are passed").
_OTHERS_SUBJECT = re.compile(rf"\b(?:{_OTHER_APPLICANTS}|they)\s+(?:[\w%.]+\s+)?$")


def _given(clause: str, match: re.Match) -> bool:
    """Whether the yes at ``match`` in ``clause`` is given: a verb or a phrase is; a noun for
    the decision (:data:`_DECISION_NOUN`: "approval", "sign-off") only when something before it
    gives it (:data:`_GIVEN`: "get approval after an underwriter checks them", "get an
    underwriter's sign-off"; not "sent to an underwriter for approval", "their approval depends
    on an underwriter", "decides on approval", nor a decision itself: "get an approval decision
    from an underwriter"), or what follows it does (:data:`_GIVEN_AFTER`: "approval comes after
    an underwriter checks their file", "approval follows an underwriter's check", "have
    approval confirmed")."""
    if not _DECISION_NOUN.fullmatch(match.group()):
        return True
    after = clause[match.end():]
    return bool(_GIVEN_AFTER.match(after) or (_GIVEN.search(clause, 0, match.start())
                                               and not re.match(r"\s+decisions?\b", after)))


#: Nouns for the decision that name it as often as they give it ("sent for approval", "waits
#: for sign-off"): :func:`_given` reads what stands around them.
_DECISION_NOUN = re.compile(r"approvals?|sign[\s-]?off")
#: What follows the noun "approval" when it is given ("approval comes after an underwriter
#: checks", "approval follows an underwriter's check", "approval comes within two days", a
#: time of :data:`_LATER`; "have approval confirmed").
_GIVEN_AFTER = re.compile(rf"\s+(?:comes\s+(?:after|once|when|following|{_LATER.pattern})|follows|"
                          r"(?:is\s+)?confirmed)\b")


#: Words of expecting a yes ("can expect approval", "can count on a yes", "may rely on
#: approval"): what leaves the expecting open leaves the yes alone (:func:`_open_before`).
_EXPECT = re.compile(r"expect\w*|count(?:s|ing)?|rel(?:y|ies)")
#: Waiting for a yes ("wait for an underwriter's approval", "wait for an underwriter to approve
#: them", "awaiting approval"): it says the yes will come, only later.
_AWAIT = r"wait\w*\s+(?:for|on)|await\w*"
#: What comes before the noun "approval" when it is given, not named as the decision ("get
#: approval", "are given final approval", "guaranteed approval", "expect approval", "count on
#: approval", "sign off their approval", "wait for an underwriter's approval").
_GIVEN = re.compile(rf"\b(?:{_GET}|receiv\w*|giv\w*|granted|guarantee[ds]?|"
                    rf"{_EXPECT.pattern}|obtain\w*|win|wins|won|sign(?:s|ed|ing)?[\s-]?off|"
                    rf"{_AWAIT})\s+(?:[\w']+\s+){{0,2}}$")


#: What comes before an approval that is only asked for, not given ("they need an
#: underwriter's approval", "subject to approval", "need an underwriter to approve them", "must
#: be approved by an underwriter", "have to get approval"); not one waited for, which will come
#: (:data:`_AWAIT`: "have to wait for an underwriter to approve them"), nor a yes signed off
#: (:data:`_GIVEN`: "need a person to sign off their approval").
_SOUGHT = re.compile(rf"\b(?:need\w*|requir\w*|subject\s+to|must|ha(?:ve|s|d)\s+to|"
                     rf"pending|seek\w*|ask\w*\s+for)\s+(?!{_AWAIT})(?:[\w']+\s+){{0,3}}$")


def _left_open(others: list[str], index: int, match: re.Match) -> bool:
    """Whether the yes at ``match`` in ``others[index]`` is only possible: any clause about the
    others names the other outcome or a qualifier (:func:`_open_anywhere`: "approved by an
    underwriter or declined", "who may also decline them", "approved as appropriate",
    "approved subject to an underwriter's review"; "only after" too, unless the yes is the
    rate's given to the others as well: :func:`_also`), or a word that leaves it open governs
    it (:func:`_open_before`: "may be approved", "decides whether they are approved", "often
    approved", "half the others are approved"), or follows it closely (:data:`_OPEN_AFTER`:
    "approved only if an underwriter checks them", "approves the ones who pass", "approved by an
    underwriter if they qualify"), or the next clause opens with a condition
    (:data:`_CONDITION_NEXT`: "approved after an underwriter checks them, as long as all is
    well"; an "if" or "provided" there is told it hedges the check first). A
    condition further off, or an "or" that offers no other outcome, does not ("approved after
    an underwriter or loan officer checks them", "after an underwriter checks whether their
    documents are complete")."""
    clause = others[index]
    return (_open_anywhere(others, _also(clause, match)) or _open_before(clause, match)
            or bool(_OPEN_AFTER.match(clause, match.end()))
            or bool(_CONDITION_NEXT.match("".join(others[index + 1:]))))


def _open_anywhere(others: list[str], also: bool) -> bool:
    """Whether a clause of ``others`` leaves the others' yes open wherever it says so: it
    names the other outcome, a refusal word (:data:`_DECLINE`) that is not negated ("approved,
    never declined" still promises) and not a yes negated or missed (:func:`_no_yes`: "who
    don't get a yes" names the others), or a word of :data:`_OPEN_ANYWHERE` ("or not", "in
    some cases", "as appropriate", "eligible", "at an underwriter's discretion", "only if an
    underwriter agrees"), or of :data:`_ONLY_AFTER` unless the yes is the rate's, given to
    the others ``also`` ("approved, but only after an underwriter checks them" leaves it open;
    "also approved, but only after" promises it); a phrase that names the others
    (:func:`_in_named`) does not count."""
    opening = (_DECLINE, _OPEN_ANYWHERE) if also else (_DECLINE, _OPEN_ANYWHERE, _ONLY_AFTER)
    return any(not _in_named(c, m) and not (m.re is _DECLINE and (_no_yes(m) or _negated(c, m)))
               for c in others for p in opening for m in p.finditer(c))


def _also(clause: str, match: re.Match) -> bool:
    """Whether the yes at ``match`` in ``clause`` is the rate's, given to the others as well: a
    word of :data:`_ALSO` is in it ("are, too,"), is one of the two words that govern it
    (:func:`_governing`: "are also approved") or comes right after it ("approved too,",
    "approved, too", "approved as well")."""
    return bool(_ALSO.search(match.group())
                or any(_ALSO.fullmatch(w) for w in _governing(clause, match)[-2:])
                or _ALSO.match(clause[match.end():].lstrip(" ,")))


def _open_before(clause: str, match: re.Match) -> bool:
    """Whether a word that leaves a yes open (:data:`_OPEN_BEFORE`) is among the three words
    that govern the yes at ``match`` (:func:`_governing`), after any word of expecting
    (:data:`_EXPECT`): "can expect approval" promises it, the "can" governs the expecting;
    "can be approved" leaves it open."""
    words = _governing(clause, match)[-3:]
    cut = max((i + 1 for i, w in enumerate(words) if _EXPECT.fullmatch(w)), default=0)
    return any(_OPEN_BEFORE.fullmatch(w) for w in words[cut:])


#: Words that leave the others' yes open anywhere in their clauses (:func:`_open_anywhere`):
#: the other outcome ("or not", "or no", "either ... or", "in some cases", "but not all"), a
#: qualifier of whom or how ("as appropriate", "where suitable", "eligible", "any that
#: qualify", "in many cases", "case by case", "on merit", "conditionally"; not "in most
#: cases": :data:`_MOSTLY`), what it hangs on ("subject to", "depending on", "at an
#: underwriter's discretion", "pending", "only if", "once an underwriter agrees", "is
#: satisfied", "is happy") or no guarantee ("there's no guarantee", "not guaranteed"); and
#: :data:`_ONLY_AFTER`.
_OPEN_ANYWHERE = re.compile(
    rf"{_OR_NOT}|\b(?:either|not\s+all|in\s+(?:some|many)\s+cases|"
    r"(?:as|where|when|if)\s+(?:appropriate|suitable)|eligib\w*|qualif(?:y|ies)|"
    r"subject\s+to|depend(?:ing|ent|s)\s+on|at\s+(?:[\w']+\s+){0,3}?discretion|"
    r"case[\s-]by[\s-]case|on\s+(?:(?:their|its|the)\s+)?merits?|conditional\w*|pending|"
    r"only\s+if|agree[sd]?|"
    r"(?:is|are|was|were|'s|feels?)\s+(?:\w+\s+)?(?:satisfied|happy|content|comfortable))\b|"
    r"(?:\bno|\bnot|n't|\bnever|\bwithout)\s+(?:\w+\s+)?guarantee\w*")


#: Words that give a yes to most of the others ("usually approved", "most of whom are approved",
#: "nearly always approves"): no word of :data:`_OPEN_BEFORE`, they still promise a yes
#: (:func:`_others_wrong` names them).
_MOSTLY = re.compile(r"\b(?:in\s+most\s+cases|usually|mostly|generally|typically|normally|"
                     r"probably|likely|most|nearly|almost)\b")
#: A time the others' yes waits for that leaves it open ("approved, but only after an
#: underwriter checks them", "only once", "only when"), unless the yes is the rate's given to
#: them as well (:func:`_open_anywhere`).
_ONLY_AFTER = re.compile(r"\bonly\s+(?:after|once|when)\b")


#: Words before a yes that leave it open: a maybe ("may", "could", "whether", "if"), a hedge of
#: how often ("sometimes", "often") or a share no bigger than half ("some", "many", "half").
#: Words that give the yes to most of the others ("usually", "probably", "most", "nearly
#: all", "nearly always") do not: callers repeat them as a promise.
_OPEN_BEFORE = re.compile(
    r"may|might|could|can|sometimes|whether|if|unless|provided|providing|possibly|"
    r"perhaps|maybe|hopefully|often|occasionally|rarely|seldom|some|many|half")
#: A condition that makes a yes only possible: "if", "unless", "provided", "as long as", "on
#: condition", "only when", "only once" ("when" and "once" alone say when, not whether).
_CONDITION = (r"(?:only\s+)?(?:if|unless|provided|providing|(?:as|so)\s+long\s+as|"
              r"on\s+condition)\b|only\s+(?:when|once)\b")
#: What leaves a yes open right after it and whom it is made by (:data:`_AGENT`), within two
#: words (not past "after", "once", "when", "before" or "until", which say when): a condition
#: (:data:`_CONDITION`: "approved provided an underwriter agrees", "approved by one of our
#: underwriters if all is well"), a share no bigger than half ("approves some of them",
#: "approved in some cases"; not "approves most of them": :data:`_MOSTLY`), or only those who
#: qualify ("approves the ones who qualify", "those that pass", "the good ones", "approves
#: them when they qualify", "when everything checks out", "where it can", "approved by an
#: underwriter where possible").
_OPEN_AFTER = re.compile(
    rf"(?:\s+{_AGENT})?(?:\s+(?!(?:after|once|when|before|until)\b)[\w']+){{0,2}}?\s+(?:"
    rf"{_CONDITION}|(?:some|many|half)\b|"
    r"(?:the\s+(?:[\w-]+\s+)?ones|those\s+(?:who|that|which))\b|"
    r"(?:when|once|if|where)\s+(?:they|it|everything|all)\s+(?:qualify|pass|meet|checks?\s+out|"
    r"(?:is|are)\s+(?:eligible|in\s+order))\b|"
    r"where\s+(?:possible|(?:it|they|we|he|she)\s+can)\b)")
#: The opening of a clause that makes the yes before it only possible: ", as long as all is
#: well", ", on condition that it is in order", ", providing all is well" (", if ..." and
#: ", provided ..." are told they hedge the check before this is read: :func:`_hedges`).
_CONDITION_NEXT = re.compile(rf"[\s,;:\u2013\u2014-]*(?:(?:but|and)\s+)?(?:{_CONDITION})")
