"""Whether the sentence says its rate of the applicants: not of something else ("83%
accurate": :func:`_not_of_applicants`), nor of those left out ("all but 83%":
:func:`_excluded`).

Stage 5 of the 07.1 reader (:mod:`deploydl.exercises.m07_sentence`); the number in the
name is the order the grader loads the stages in, so it imports only stages numbered
below 5 (see :mod:`deploydl.exercises.m07_sentence`)."""

from __future__ import annotations

import re

from deploydl.exercises.m07_read1_shares import _misstated, _Stated, _stated
from deploydl.exercises.m07_read2_words import _APPROVE, _DECLINE, _REFER, _ROUGHLY
from deploydl.exercises.m07_read3_clauses import _FULL_STOP

#: What follows the rate when it is said of the applicants: a word for them ("83% of
#: applicants", "8 in 10 callers", "83% of those who apply", "83% of young people", "8 in 10
#: loan applicants", "an 83% chance you get a yes"), or a verb or adverb of what happens to
#: them ("83% are approved", "83% get a yes", "83% will hear yes", "83% immediately get"); see
#: also :func:`_not_of_applicants`.
_OF_APPLICANTS = re.compile(
    r"(?:of\s+(?:[\w'-]+\s+){0,2}?|(?:[\w'-]+\s+)?)"
    r"(?:applicants?|applications?|callers?|customers?|clients?|borrowers?|people|requests?|"
    r"cases|files|folks|users|members|households|individuals|them|those|you|us|all|everyone|"
    r"everybody)\b|chance\b|"
    r"(?:are|is|were|was|will|would|shall|should|must|do|does|did|can|could|may|might|get\w*|"
    r"got|go|goes|hear\w*|receive\w*|obtain\w*|secur\w*|wins?|clear\w*|succeed\w*|see|sees|"
    r"have|has|had|walk\w*|leave|leaves|come|comes|qualif\w*|need|needs)\b|\w+ly\b")


#: Punctuation around a number set off as an aside: commas, brackets and dashes.
_ASIDE_MARKS = " ,()-\u2013\u2014"

#: The start of an aside that holds the rate ("most callers, about 83%,", "most applicants
#: (around 83%)", "most of our applicants — about 83% —", "most callers, that's 83%,"): a
#: comma, bracket or dash, then no word before the number but "that's", "or" or
#: :data:`_ROUGHLY` (not "(accuracy 83%)", "with 83%").
_ASIDE_BEFORE = re.compile(rf"(?:[,(\u2013\u2014]|\s-)\s*(?:(?:that's|that\s+is|or)\s+)?"
                           rf"(?:{_ROUGHLY}\s+)?$")
#: The end of such an aside right after the number: a comma, bracket or dash that closes it,
#: or the end of the clause ("most are approved on the spot, about 83%;"); not a word that
#: says what the number counts ("83% accuracy", "83% of loans").
_ASIDE_END = re.compile(r"\s*(?:[,;:.!?)\u2013\u2014]|-\s|$)")
#: An aside right after the number ("83% — that's most applicants — are", "83% (most
#: applicants) are"): the words up to its closing dash or bracket.
_ASIDE_AFTER = re.compile(r"\s*(?:\(|[\u2013\u2014]|\s-\s)[^()\u2013\u2014;]*?"
                          r"(?:\)|[\u2013\u2014]|\s-\s)\s*")
#: A word for the applicants before the rate in its clause ("most callers, about 83%, are").
_APPLICANT_NOUN = re.compile(r"\b(?:applicants?|applications?|callers?|customers?|clients?|"
                             r"borrowers?|people)\b")


def _not_of_applicants(answer: str, rate: float) -> str | None:
    """What 07.1 says when ``answer`` states the ``rate`` only of something other
    than the applicants ("83% accurate", "83% of the time", "83% of loans"), or None: right
    after the number (and any comma, bracket or dash), or after an aside of dashes or brackets
    there, must come :data:`_OF_APPLICANTS`, or a word for their yes, refusal or referral
    ("83% wait for a person" gets its own message); or the number is an aside
    (:func:`_aside_of_applicants`)."""
    text = answer.lower().replace("\u2019", "'")
    said = [s for s in _stated(text) if _misstated(s, rate) is None]
    starts = [len(text) - len(text[s.end:].lstrip(_ASIDE_MARKS)) for s in said]
    starts += [m.end() for s in said if (m := _ASIDE_AFTER.match(text, s.end))]
    if any(p.match(text, at) for at in starts
           for p in (_OF_APPLICANTS, _APPROVE, _DECLINE, _REFER)) or any(
            _aside_of_applicants(text, s) for s in said):
        return None
    after = re.match(r"(?:\s+|-)(?:of\s+(?:the\s+)?)?\w[\w'-]*", text[said[-1].end:])
    shown = said[-1].words + (after.group() if after else "")
    return (f"'{shown}' is not said of applicants: the number must be the share of applicants "
            f"who get a yes at once, e.g. '{rate:.0%} of applicants are approved at once'.")


#: Words that leave out the number after them ("all but 83%", "everyone except 83%", "every
#: applicant but 83%", "except for the 83%", "excepting", "save for", "other than", "apart
#: from", "excluding", "not counting", and "bar" where no word comes before it: "Bar 83% of
#: applicants, everyone ..."), with any "the" or rough word between ("all but about 83%"),
#: which ``words``, the leaving-out words alone ("all but"), does not hold;
#: ``only`` is a "no one", "nobody" or "none" before them, which makes them "only" instead
#: ("nobody but 83% of applicants gets a yes").
_EXCEPT = re.compile(
    r"(?P<only>\b(?:no\s?one|nobody|none|no\s+[\w-]+)\s+)?"
    r"(?P<words>\b(?:(?:all|every(?:one|body)?|each|any(?:one|body)?)(?:\s+[\w-]+)?\s+"
    r"(?:but|except|bar|save)|(?<![\w'%]\s)(?<![\w'%])bar|"
    r"except(?:ing|\s+for)?|save\s+for|other\s+than|apart\s+from|aside\s+from|excluding|"
    rf"barring|not\s+counting))\s+(?:(?:the|{_ROUGHLY})\s+)*$")
#: A relative clause that says only that they apply, as every applicant does ("who apply",
#: "who have applied", "that ask for a loan", "who request one", "who call us"): it counts
#: no one among them.
_APPLYING = (r"(?:(?:have|had)\s+)?(?:appl(?:y|ies|ied|ying)|ask(?:s|ed|ing)?\s+(?:us\s+)?for|"
             r"request\w*|seek\w*|sought|call(?:s|ed|ing)?\s+(?:us|in))\b")
#: After :data:`_APPLYING`, no "and" that goes on to the yes within the clause ("who apply
#: online and are approved at once", "who call in and get a yes" say whom the number counts;
#: "who apply and register" does not).
_NO_YES_AFTER = (r"(?![^,;.:!?]{0,40}?\band\s+(?:get|gets|got|are|were|is|was|receive\w*|hear\w*"
                 r"|have|has)\b)")
#: What may follow a number left out to say whom it counts ("except for the 83% who get a
#: yes at once", "all but the 83% of applicants approved at once"): then the sentence goes on
#: about the others, not the number's applicants. A relative clause of :data:`_APPLYING`
#: alone says nothing of whom ("all but 83% of applicants who apply get a yes at once" is
#: still left out); one that goes on to their yes does (:data:`_NO_YES_AFTER`).
_DESCRIBED = re.compile(
    r"(?:\s+of\s+(?:(?:the|our|all|those)\s+)?(?:[\w'-]+\s+)?(?:applicants?|applications?|"
    r"callers?|customers?|clients?|borrowers?|people))?,?\s+(?:(?:who|that|which|whom|whose)"
    rf"(?!\s+{_APPLYING}{_NO_YES_AFTER})|we|you|approved|accepted|granted|given|cleared"
    r"|getting|receiving)\b")


def _excluded(answer: str, rate: float) -> str | None:
    """What 07.1 says when ``answer`` leaves out the ``rate``'s applicants from those it says
    get a yes at once (:data:`_EXCEPT`: "all but 83% of applicants get a yes at once", "except
    for 83% of applicants, everyone gets a yes at once"): a caller hears that 83% do not get
    one, the opposite; or None. A number left out with words that say whom it counts
    (:data:`_DESCRIBED`: "except for the 83% who get a yes at once, ...") is not read here."""
    text = answer.lower().replace("\u2019", "'")
    for stated in _stated(text):
        start = stated.end - len(stated.words)
        left_out = _EXCEPT.search(text, 0, start)
        if (_misstated(stated, rate) is None and left_out and not left_out.group("only")
                and not _DESCRIBED.match(text, stated.end)):
            return (f"'{text[left_out.start('words'):stated.end]}' leaves those {rate:.0%} out "
                    f"of the applicants who get a yes at once: a caller hears that {rate:.0%} do "
                    f"not get one, the opposite of what happens. Give {rate:.0%} as the share who "
                    f"do get a yes at once, with no '{left_out.group('words')}' before it, and "
                    "say that a person checks the others.")
    return None


def _aside_of_applicants(text: str, stated: _Stated) -> bool:
    """Whether ``stated`` is set off as an aside (:data:`_ASIDE_BEFORE` to
    :data:`_ASIDE_END`) after a word for the applicants in its clause: "most callers — around
    83% — are", "most people who apply are approved on the spot (about 83%)"; not "most
    applicants are approved at once, with 83% accuracy"."""
    start = stated.end - len(stated.words)
    aside = _ASIDE_BEFORE.search(text, 0, start)
    clause = max((m.end() for m in _FULL_STOP.finditer(text, 0, start)), default=0)
    return bool(aside and _ASIDE_END.match(text, stated.end)
                and _APPLICANT_NOUN.search(text, clause, aside.start()))
