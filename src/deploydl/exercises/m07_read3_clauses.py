"""A sentence cut into clauses (:func:`_clauses`), the phrases that name the applicants not
approved at once (:data:`_NAMED`), and the sentence split into the clauses about the
rate's applicants and those about the others (:func:`_sides`).

Stage 3 of the 07.1 reader (:mod:`deploydl.exercises.m07_sentence`); the number in the
name is the order the grader loads the stages in, so it imports only stages numbered
below 3 (see :mod:`deploydl.exercises.m07_sentence`)."""

from __future__ import annotations

import re

from deploydl.exercises.m07_read1_shares import says_rate
from deploydl.exercises.m07_read2_words import _AT_ONCE, _ELSE, _OTHER_APPLICANTS, _PERSON

#: Where one clause ends and the next begins: punctuation (not a decimal point), or a
#: joining word, or a word for the other applicants (unless :func:`_of_papers`).
_CLAUSE = re.compile(r"[;:!?()\u2013\u2014]|[,.](?!\d)|\s-\s|\b(?:and|but|while|whereas|then|"
                     rf"{_OTHER_APPLICANTS})\b")
#: What follows "rest", "remainder" or "remaining" when they speak of one applicant's papers
#: ("the rest of the file", "the remaining paperwork"), not of the other applicants ("the
#: rest of the applicants", "the remaining files", "each remaining file": a file is an
#: applicant's application).
_PAPERS_AFTER = re.compile(
    r"\s+(?:of\s+(?!(?:the\s+|our\s+|all\s+|those\s+)?(?:applicants?|applications?|them|you|"
    r"those|callers?|people|customers?|borrowers?|cases?)\b)|(?:paperwork|papers?|"
    r"documents?|checks?|forms?|details|steps?)\b)")
#: What comes before them when they are what the approval waits for ("approved once the rest
#: is checked", "a yes after the remainder of the file is signed off").
_PAPERS_BEFORE = re.compile(r"\b(?:once|after|when|until|till|as\s+soon\s+as|if)\s+(?:the\s+)?$")
#: A verb of deciding right before an "if", which then means "whether" (:func:`_means_whether`).
_DECIDE_BEFORE = re.compile(r"\b(?:decid|determin|judg)\w*\s+$")


def _clauses(text: str) -> list[str]:
    """``text`` in lower case, cut into clauses at :func:`_breaks`."""
    text = text.lower().replace("\u2019", "'")
    bounds = [0, *(m.start() for m in _breaks(text)), len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


#: An aside that sets a word against another between commas ("a human, not a computer,
#: reviews the others"): it belongs to its clause, which it does not end.
_NOT_ASIDE = re.compile(r",\s+not\s+(?:[\w']+\s+){0,2}[\w']+\s*,")
#: Words that give the others the rate's yes as well ("also approved", "approved too", "are
#: approved as well", "are, too,"; the verb left out is :data:`_GRANT`'s).
_ALSO = re.compile(r"\b(?:also|too|as\s+well)\b")
#: Such a word between commas ("the rest are, too, after an underwriter checks them"): it
#: belongs to its clause, which it does not end.
_ALSO_ASIDE = re.compile(rf",\s*{_ALSO.pattern}\s*,")


def _breaks(text: str, end: int | None = None) -> list[re.Match]:
    """Where a new clause of ``text`` (lower case) begins, before ``end``: the :data:`_CLAUSE`
    matches, less the words for the others that speak of one applicant's papers and the commas
    of a :data:`_NOT_ASIDE` or an :data:`_ALSO_ASIDE`."""
    asides = [a.span() for p in (_NOT_ASIDE, _ALSO_ASIDE) for a in p.finditer(text)]
    return [m for m in _CLAUSE.finditer(text, 0, len(text) if end is None else end)
            if not _of_papers(text, m) and not any(a <= m.start() < b for a, b in asides)]


def _of_papers(text: str, match: re.Match) -> bool:
    """Whether "rest", "remainder" or "remaining" at ``match`` speaks of one applicant's papers
    (:data:`_PAPERS_AFTER`, :data:`_PAPERS_BEFORE`): then the approval waits for a person
    ("approved once the rest of the file is checked by a person"), in the same clause; not
    after an "if" that means "whether" (:func:`_means_whether`: "decides if the rest get
    approved")."""
    return match.group() in ("rest", "remainder", "remaining") and bool(
        _PAPERS_AFTER.match(text, match.end()) or (
            (before := _PAPERS_BEFORE.search(text, 0, match.start()))
            and not _means_whether(text, before.start())))


def _means_whether(text: str, at: int) -> bool:
    """Whether the word at ``at`` in ``text`` is an "if" that means "whether": after a verb of
    deciding (:data:`_DECIDE_BEFORE`: "decides if the rest get approved", "an underwriter
    decides if the others get a yes"). It leaves a yes open, but hedges no check."""
    return text.startswith("if", at) and bool(_DECIDE_BEFORE.search(text, 0, at))


#: The opening of a clause: the start, a mark that breaks the text, or a joining word
#: (:data:`_CLAUSE`'s), and the spaces after it.
_OPENS = r"(?:^|[;:!?()\u2013\u2014,.]|\s-|\b(?:and|but|or|so|yet|while|whereas|then)\b)\s*"
#: A negation that makes a condition fail ("isn't", "can't", "do not").
_FAILS = (r"(?:(?:are|is|do|does|did|can|will)\s+not|not|aren't|isn't|can't|cannot|don't|doesn't|"
          r"didn't|won't)\b")
#: A condition that fails, about the applicant, which names the others when it opens a clause:
#: "if not,", "if they don't,", "if we can't approve you", "where we can't say yes", "if yours
#: isn't", "when that doesn't happen", "if you're not", "if it's not"; not "checked by an
#: underwriter if the queue isn't long", which hedges the check (:data:`_HEDGE_OTHERS`).
_UNLESS = (rf"{_OPENS}(?:if|where|when|whenever)\s+(?:(?:we|you|they|it|that|this|yours|theirs)"
           rf"(?:'re|'s)?\s+)?{_FAILS}")
#: Those words, and phrases that name the others inside a clause: "if not,", "if they don't,",
#: "those who aren't", "anyone who doesn't", "the 17% who don't", "applicants not approved at
#: once", "the 17% not approved", "the ones left", "the sixth" (the one in six left when five
#: in six get a yes, :func:`_about_others`), "the rest are not approved at once", "those we
#: can't approve", "any that aren't", a condition that fails (:data:`_UNLESS`), and "no one
#: else is turned down without" (what follows it happens to each of the others). A negation
#: with no such noun ("83% of applicants are not approved at once") names nobody: it refuses
#: the rate's applicants.
_NAMED = re.compile(
    rf"\b(?:{_OTHER_APPLICANTS})\s+(?:\w+\s+)?(?:not\s+|\w+n't\s+)(?:yet\s+)?(?:approved|accepted)"
    rf"\s+{_AT_ONCE.pattern}|{_ELSE.pattern}|{_UNLESS}|"
    r"\b(?:those|the\s+ones|any(?:one|body)?|every(?:one|body)|applicants|applications|callers|"
    r"people|the\s+(?:other\s+|remaining\s+)?\d+(?:\.\d+)?\s?(?:%|per\s?cent))\s+"
    r"(?:(?:(?:(?:who|that)\s+)?(?:we|you|they)|who|that)\s+(?:(?:are|is|do|does|did|will|can)\s+"
    r"not|aren't|isn't|don't|doesn't|didn't|won't|can't|cannot)\b|"
    r"not\s+(?:yet\s+)?(?:approved|accepted))|"
    r"\bthe\s+ones\s+left\b|\bthe\s+sixth\b|"
    r"\b(?:no\s?one|nobody)\s+else\s+(?:is|gets?|will\s+be)\s+(?:[\w-]+\s+){0,2}?without\b")

#: Where a sentence or a clause of its own ends: a semicolon or a full stop (not a decimal point).
_FULL_STOP = re.compile(r";|\.(?!\d)")


def _in_named(clause: str, match: re.Match) -> bool:
    """Whether ``match`` overlaps a phrase of ``clause`` that names the others (:data:`_NAMED`)."""
    return any(m.start() < match.end() and match.start() < m.end()
               for m in _NAMED.finditer(clause))


def _sides(text: str, rate: float) -> tuple[str, list[str]]:
    """``text`` (:func:`_parts`) in two: the clauses about the ``rate``'s applicants, joined
    (the first that states the rate, those before it up to the first about the others, and
    those after it up to the next about the others or the statement that names them, or the
    clause with a person as its subject whose verb it shares: ", and an underwriter reviews |
    and decides on the others", :data:`_SHARES_VERB`), and the clauses about the others
    (:func:`_about_others`: all from the first before the rate's up to it, and all from the
    first after it, or from the semicolon or full stop that begins its statement: "for the 17%
    not approved at once, | an underwriter decides", "83% are approved at once; | an
    underwriter reviews and decides on the rest")."""
    parts = _parts(text, rate)
    at = next((i for i, p in enumerate(parts) if says_rate(p, rate)), 0)
    end = next((i for i in range(at + 1, len(parts)) if _about_others(parts[i], rate)),
               len(parts))
    if end < len(parts):
        end = next((k for k in range(end, at, -1) if _FULL_STOP.match(parts[k])), end)
        if (end - 1 > at and _SHARES_VERB.match(parts[end])
                and _PERSON_SUBJECT.match(parts[end - 1])):
            end -= 1
    start = next((i for i in range(at) if _about_others(parts[i], rate)), at)
    return "".join(parts[:start] + parts[at:end]), parts[start:at] + parts[end:]


#: A clause whose subject is a person ("and an underwriter reviews", "and our team checks").
_PERSON_SUBJECT = re.compile(rf"\s*and\s+(?:(?:an?|the|our|one\s+of\s+our)\s+)?(?:[\w-]+\s+)?"
                             rf"{_PERSON.pattern}")
#: A clause that opens with "and" and a verb, no subject: it shares the subject (and the object)
#: of the clause before ("an underwriter reviews | and decides on the others").
_SHARES_VERB = re.compile(r"\s*and\s+(?!(?:the|all|every|any|those|they|them|their|each)\b)")


def _parts(text: str, rate: float) -> list[str]:
    """The clauses of ``text`` (:func:`_clauses`), each that starts with a word for the others
    joined to the clause before ("a person checks the | rest"), unless that one states the
    ``rate`` ("83% get a yes at once before the | rest are checked")."""
    parts: list[str] = []
    for clause in _clauses(text):
        if parts and _ELSE.match(clause) and not says_rate(parts[-1], rate):
            parts[-1] += clause
        else:
            parts.append(clause)
    return parts


def _about_others(clause: str, rate: float) -> bool:
    """Whether ``clause`` speaks of the applicants not approved at once: it names them
    (:data:`_NAMED`, not a word for an applicant's papers: :func:`_of_papers`; "the sixth"
    only when the ``rate`` is five in six) or states their share, ``1 - rate`` ("the other
    17%", "about one in six")."""
    return (any(not _of_papers(clause, m) for m in _NAMED.finditer(clause)
                if not m.group().endswith("sixth") or round(rate * 6) == 5)
            or says_rate(clause, 1 - rate))
