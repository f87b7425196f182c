"""What is wrong with what the sentence says of the others, the applicants a person checks
(:func:`_others_wrong`): not said at all, a wrong share, turned down, a machine, a hedged
check, no person, or a promised yes.

Stage 9 of the 07.1 reader (:mod:`deploydl.exercises.m07_sentence`); the number in the
name is the order the grader loads the stages in, so it imports only stages numbered
below 9 (see :mod:`deploydl.exercises.m07_sentence`)."""

from __future__ import annotations

import re

from deploydl.exercises.m07_read1_shares import _FRACTION, _PERCENT, NEAR, _misstated, _stated
from deploydl.exercises.m07_read2_words import (
    _HEDGE,
    _MACHINE,
    _NEGATED_AFTER,
    _OTHER_APPLICANTS,
    _PERSON,
    _PERSON_WORDS,
    _STAFF,
)
from deploydl.exercises.m07_read3_clauses import (
    _FAILS,
    _NAMED,
    _NOT_ASIDE,
    _OPENS,
    _about_others,
    _in_named,
    _means_whether,
)
from deploydl.exercises.m07_read4_negation import _negated
from deploydl.exercises.m07_read6_refusals import _refusal
from deploydl.exercises.m07_read7_approved import _softens
from deploydl.exercises.m07_read8_promise import _MOSTLY, _promise

#: A verb of checking a file, as a verb with an ending ("checks", "reviewed", "scored").
_CHECKS = (r"(?:check|review|assess|screen|look|process)(?:s|es|ed|ing)|"
           r"(?:scor|evaluat|examin|decid|handl|judg)(?:es|ed|ing)|vet(?:s|ted|ting)")
#: A machine as what checks or approves the others, whatever person is named beside it:
#: "checked by the computer (while a person watches)", "scored by our automated system", "the
#: system checks the others", "automatically reviewed", "checked again automatically", "an AI
#: underwriter checks", "may be approved by an AI underwriter", "the AI approves the others"
#: (not "automatically approved unless a person objects", which promises them a yes:
#: :func:`_promise`), or a machine a person's word names ("an underwriter's assistant bot", "an
#: underwriter bot"; not "staff use software").
_MACHINE_CHECK = re.compile(rf"\b(?:{_CHECKS})(?:\s+\w+)?\s+(?:by\s+(?:\w+\s+){{0,2}}?)?"
                            rf"{_MACHINE.pattern}|{_MACHINE.pattern}\s+(?:[\w-]+\s+)?(?:{_CHECKS})\b|"
                            rf"\b(?:{_PERSON_WORDS}|{_STAFF})(?:'s\s+(?:[\w-]+\s+)?|\s+)"
                            rf"{_MACHINE.pattern}|\bapprov\w*\s+by\s+(?:\w+\s+){{0,2}}?"
                            rf"{_MACHINE.pattern}|\b(?!automat){_MACHINE.pattern}\s+"
                            r"(?:(?!not\b|never\b|\w+n't\b)[\w-]+\s+)?approv\w*")
#: What comes before a machine that a person uses to check ("an underwriter with our software
#: checks the others", "using the system"): it is their tool, not what checks.
_TOOL = re.compile(r"\b(?:with|using|via)\s+(?:[\w']+\s+)?$")
#: A word of checking, of any form: negated ("the others are never checked", "get no review"),
#: it says nobody checks them, whoever else is named.
_CHECK = re.compile(r"\b(?:check|review|assess|screen|look|vet|examin)\w*")

#: Words for a part of a group ("some", "half", "a sample", "not all").
_SOME = (r"some|most|many|(?:a\s+)?few|half|part|selected|certain|several|"
         r"not\s+(?:all|every\s?one)|a\s+(?:sample|portion|fraction|third|quarter|handful|number|"
         r"minority)")
#: :data:`_HEDGE`, a share of the others (``share``: "some of", "a sample of", "half the
#: others", "some others", "10% of the others", "one in ten of them", "except the
#: self-employed"), the conditions that hedge their check ("if one is available", "when
#: possible", "only when they complain", "on request", "above 10,000 dollars", "when the queue
#: isn't long", "where necessary", "as needed", "when required", "when there's time", "time
#: permitting"), a check in only some cases ("in some cases", "in certain cases"), a check of
#: only some ("spot-checks", "at random") and a check left open
#: ("decides whether to check them"); the rate's clause may
#: hold a share ("most of our applicants, 83%") or a condition ("if you apply"). "Only
#: after", "only for" and "only on" say when, not whom ("get an answer only after an
#: underwriter checks", "only on weekdays").
_HEDGE_OTHERS = re.compile(
    rf"{_HEDGE.pattern}|\b(?P<share>(?:{_SOME})\s+of\b|(?:(?:{_SOME})|{_PERCENT.pattern}|"
    rf"{_FRACTION.pattern})(?:\s+of)?(?=\s+(?:the\s+)?(?:{_OTHER_APPLICANTS}|them|those)\b)|"
    r"except\w*|apart\s+from\b|other\s+than\b)|"
    r"\b(?:if|unless|when\s+possible|where\s+possible|provided|on\s+(?:request|appeal|demand)|"
    r"at\s+random|randomly|spot[\s-]?check\w*|only\s+(?:when|once|if|where)|"
    r"(?:where|when|as)\s+(?:necessary|needed|required)|time\s+permitting|"
    r"when\s+(?:there(?:'s|\s+is)|(?:they|we|he|she)\s+ha(?:s|ve))\s+(?:the\s+)?time|"
    rf"in\s+(?:{_SOME})\s+cases|"
    r"whether\s+(?:or\s+not\s+)?to\s+(?:check|review|assess|screen|look|vet|examine)|"
    rf"(?:when|whenever|where)\s+(?:[\w']+\s+){{0,2}}?{_FAILS}|"
    r"(?:above|over|below|under|up\s+to)\s+(?:(?:usd\s*|\$|\u00a3|\u20ac)\d[\d,]*|\d[\d,]*\s*"
    r"(?:k|dollars|euros|pounds|usd)))\b")


def _others_wrong(others: list[str], rate: float) -> str | None:
    """What is wrong with what the clauses ``others`` (:func:`_sides`) say of the
    applicants not approved at once, or None: one of them must be about those applicants, none
    may turn them all down (:func:`_refusal`) or have a machine check or approve them
    (:func:`_machine`), none may hedge the check (:func:`_hedges`), negate a person or a check
    (:func:`_denied`: with a machine named, "a computer, not a person, reviews the others", the
    machine checks them) or promise them all a yes (:func:`_promise`), and one must name a
    person who looks at them (:data:`_PERSON`): a check with nobody named ("the others are
    reviewed", "the others wait") may be a machine's. Each is told in that order, so a machine
    or a hedge is named before a promise ("the others are approved by a computer")."""
    if not any(_about_others(c, rate) for c in others):
        return ("say what happens to the others too, in a clause of their own: a person (an "
                "underwriter) checks their file, e.g. '...; a person checks the others.'")
    if share := _false_share(others, rate):
        return (f"'{share}' is not the share of the others: {1 - rate:.0%} of applicants are "
                f"not approved at once. Write 'the other {1 - rate:.0%}', or just 'the others'.")
    if refused := _refusal(others):
        return (f"your sentence says the others are turned down ('{refused.group()}'), but "
                "they are not: a person (an underwriter) checks their file and decides. Say "
                "that instead.")
    if machine := _machine(others):
        return (f"your sentence names a machine for the others ('{machine.group()}'), but a "
                "person (an underwriter) checks their file. Say that instead.")
    if hedge := next(iter(_hedges(others)), None):
        return (f"'{hedge.group()}' hedges the check, but a person checks every one of the "
                "others: say so plainly, e.g. '...; an underwriter checks the others.'")
    denied = next(((c, m) for c in others
                   for m in (*_PERSON.finditer(c), *_CHECK.finditer(c)) if _denied(c, m)), None)
    if denied and (machine := _machine_set_against(*denied)):
        return (f"your sentence says a machine ('{machine.group()}'), not a person, checks the "
                "others, but a person (an underwriter) checks their file. Say that instead, "
                "e.g. '...; an underwriter checks the others.'")
    if denied:
        return (f"your sentence says no person looks at the others ('{denied[1].group()}' "
                "is negated), but one does. Say that instead.")
    if promised := _promise(others):
        mostly = _MOSTLY.search(promised.string)
        return ((f"'{mostly.group()}' still " if mostly else "your sentence ")
                + f"promises the others a yes ('{promised.group()}')"
                + (": callers will repeat it as one, " if mostly else ", ")
                + "but an underwriter checks their file and may decline it. Say that a person "
                "checks them and decides, e.g. '...; an underwriter checks the others and "
                "decides.'")
    if any(_PERSON.search(c) for c in others):
        return None
    return ("say who looks at the others: a person (an underwriter) checks their file; your "
            "sentence does not name one.")


#: A word that gives the share after it to the others ("the other 27%", "the remaining 20%").
_OTHER_SHARE = re.compile(r"\b(?:other|remaining)\s+$")
#: "The other half", "the remaining half": a share of the others in words, one half.
_OTHER_HALF = re.compile(r"\b(?:other|remaining)\s+half\b")


def _false_share(others: list[str], rate: float) -> str | None:
    """The words of a share given to the others in the clauses ``others`` (:data:`_OTHER_SHARE`,
    :data:`_OTHER_HALF`) that is not ``1 - rate``, stated as :func:`says_rate` would take it
    ("the other 27%" or "the other half" when 17% are not approved at once), or None."""
    for clause in others:
        if (half := _OTHER_HALF.search(clause)) and abs(0.5 - (1 - rate)) > NEAR:
            return half.group()
        for stated in _stated(clause):
            other = _OTHER_SHARE.search(clause, 0, stated.end - len(stated.words))
            if other and _misstated(stated, 1 - rate):
                return clause[other.start():stated.end]
    return None


def _machine(others: list[str]) -> re.Match | None:
    """The machine word of the first check or approval of the others by a machine
    (:data:`_MACHINE_CHECK`, not negated: "not by the computer", nor a person's tool:
    :data:`_TOOL`), or, when no clause names a person (:data:`_PERSON`), the first machine word
    ("checked again automatically")."""
    found: list[re.Match | None] = [
        w for c in others for m in _MACHINE_CHECK.finditer(c) if not _negated(c, m)
        and (w := _MACHINE.search(c, m.start(), m.end())) and not _TOOL.search(c, 0, w.start())]
    if not any(_PERSON.search(c) for c in others):
        found += [_MACHINE.search(c) for c in others]
    return next((m for m in found if m), None)


def _machine_set_against(clause: str, denied: re.Match) -> re.Match | None:
    """The machine word (:data:`_MACHINE`) that ``clause`` sets against the person or check
    ``denied``, in an aside (:data:`_NOT_ASIDE`) right after it: the machine checks the others
    instead ("a computer, not a person, reviews the others", "the AI, not a human, decides on
    the others"). None otherwise ("a computer does not check the rest", "never checked by a
    person or a computer")."""
    aside = next((a for a in _NOT_ASIDE.finditer(clause)
                  if a.start() < denied.start() < a.end()), None)
    if aside is None:
        return None
    return next((m for m in _MACHINE.finditer(clause, 0, aside.start())
                 if not clause[m.end():aside.start()].strip()), None)


#: The openings of a clause (:data:`_OPENS`) before its first word, and "only" or "just"
#: (", but only on request").
_CLAUSE_OPENING = re.compile(rf"(?:{_OPENS})+(?:(?:only|just)\s+)?")


def _hedges(others: list[str]) -> list[re.Match]:
    """The words of :data:`_HEDGE_OTHERS` in the clauses ``others``, those about the others,
    that hedge the check: a share of them ("some of", "half the others", "except"), a word in a
    clause that names a person or a check ("an underwriter may check them"), or one that opens
    a clause of its own, which hedges the clause before (", but only when they complain", ",
    if one is free", ", at random"; not ", which can take a day", nor "if you're one of the
    others," which names them); not in a phrase that names the others (:func:`_in_named`: "if
    not,"), nor next to a decision it softens (:func:`_softens`: "who may decline them"), nor
    an "if" that means "whether" (:func:`_means_whether`: "decides if the others get a yes")."""
    return [m for c in others for m in _HEDGE_OTHERS.finditer(c)
            if (m.group("share") or _PERSON.search(c) or _CHECK.search(c)
                or (_CLAUSE_OPENING.fullmatch(c, 0, m.start()) and not _NAMED.search(c)))
            and not _in_named(c, m) and not _softens(c, m) and not _means_whether(c, m.start())]


def _denied(clause: str, match: re.Match) -> bool:
    """Whether the person or check at ``match`` is negated: before it (:func:`_negated`: "no
    person", "never checked", "can't reach an underwriter") or after it
    (:data:`_NEGATED_AFTER`: "underwriters are not involved")."""
    return _negated(clause, match) or bool(_NEGATED_AFTER.match(clause, match.end()))
