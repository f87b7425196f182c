"""The 07.1 reader: what a sentence for the call-centre team says of the approval rate,
of the applicants who get a yes at once and of the others a person checks.

:func:`sentence_problem` is what exercise 07.1 (``m07``) calls once the sentence is plain and
of the right length. The grader loads this module fresh before ``m07`` (see
:func:`deploydl.exercises.core._fresh_exercises`), so it imports only outside modules."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

#: Small numbers a caller might write in words ("four in five").
WORD_NUMBERS = {w: n for n, w in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty"))} | {"hundred": 100}
#: "N in M" is near the rate when it is the closest N for that M and within this share.
NEAR = 0.05
#: Tens a caller might write in words before "per cent" ("eighty-three per cent").
TENS = {w: 10 * n for n, w in enumerate(("twenty", "thirty", "forty", "fifty", "sixty",
                                          "seventy", "eighty", "ninety"), start=2)}
_WORDS = "|".join(WORD_NUMBERS)
_NUMBER = rf"(\d+|{_WORDS})"
_SPELLED = rf"(?:{'|'.join(TENS)})(?:[\s-](?:{_WORDS}))?|{_WORDS}"
_PERCENT = re.compile(rf"\b(\d+(?:\.\d+)?|{_SPELLED})\s?(?:%|percent\b|per cent\b)")
#: "N in M", "N out of M", "N in every M", "N of every M" ("83 of every 100").
_FRACTION = re.compile(rf"\b{_NUMBER}\s+(?:(?:in|out\s+of)\s+(?:a\s+|every\s+)?|of\s+every\s+)"
                       rf"{_NUMBER}\b")


def sentence_problem(text: str, rate: float) -> str | None:
    """What is wrong with ``text``, a plain sentence for a caller, as a statement of the
    approval ``rate``, or None: it must state the rate (:func:`says_rate`), said of the
    applicants (:func:`_not_of_applicants`) who get a yes at once (:func:`_ours_wrong`), and
    in a clause of its own say that a person checks the others, without turning them down or
    promising them a yes (:func:`_others_wrong`); :func:`_sides` splits it. The reader reads
    ``text`` in lower case; the words a message quotes are given back as the learner wrote
    them (:func:`_as_written`)."""
    problem = _problem(text, rate)
    return None if problem is None else _QUOTE.sub(
        lambda m: f"'{_as_written(text, m.group(1))}'", problem)


def _problem(text: str, rate: float) -> str | None:
    """:func:`sentence_problem`'s message, quoting ``text``'s words in lower case."""
    if not says_rate(text, rate):
        return _rate_missing(text, rate)
    if not_of := _not_of_applicants(text, rate):
        return not_of
    if left_out := _excluded(text, rate):
        return left_out
    ours, others = _sides(text, rate)
    return _ours_wrong(ours, rate) or _others_wrong(others, rate)


#: A quotation in a message: from a quote mark after no letter to one before none, so that an
#: apostrophe inside it ("'aren't'") does not end it.
_QUOTE = re.compile(r"(?<!\w)'(.+?)'(?!\w)")


def _waiting(rate: float, word: str) -> str:
    """What 07.1 says when the clauses about the ``rate``'s applicants send them to a person
    (``word``, the referral word found)."""
    return (f"the number is right, but your sentence has those {rate:.0%} wait for a "
            f"person ('{word.strip()}'). Say of them that they get a yes at once (approved "
            "straight away), and what happens to the others (a person checks their file) in a "
            "separate clause, so nobody reads the number as the share waiting for a person.")


def says_rate(text: str, rate: float) -> bool:
    """True when ``text`` states ``rate`` (a share) in a form a caller understands.

    A percentage within half a point ("83%", "83.3 per cent"), or "N in M" / "N out of M"
    in digits or words ("8 in 10", "four in five", "83 out of 100") where N is the closest
    whole number for that M and within :data:`NEAR` of the rate; or a true bound within
    :data:`NEAR` of it ("more than 80%", "nearly 85%", "at least 4 in 5").
    """
    return any(_misstated(stated, rate) is None for stated in _stated(text))


#: A bound just before a number: "above" says the rate is at least that number ("more than
#: 80%", "at least 8 in 10"), "below" at most ("nearly 85%", "fewer than 9 in 10").
_BOUND = re.compile(
    r"\b(?:(?P<below>(?:no|not)\s+(?:more|greater|higher)\s+than|(?:less|fewer|lower)\s+than|"
    r"under|below|at\s+most|up\s+to|nearly|almost|not\s+quite)|"
    r"(?P<above>(?:no|not)\s+(?:less|fewer|lower)\s+than|(?:more|greater|higher)\s+than|"
    r"over|above|at\s+least|upwards\s+of|in\s+excess\s+of))\s+$")
#: The bounds that include their number ("at least 80%" is true of 80%); the others do not.
_INCLUSIVE = re.compile(r"(?:at\s+(?:least|most)|up\s+to|(?:no|not)\s+(?:more|greater|higher|"
                        r"less|fewer|lower)\s+than)\b")
#: Half a percentage point: a percentage this close to the rate is the rate ("83%" for 83.3%).
_HALF_POINT = 0.005


class _Stated(NamedTuple):
    """A share a sentence states: its words ("more than 80%"), the share (0.8), which side
    of the rate a bound puts it ("above", "below"; None for the number itself), M for
    "N in M" (None for a percentage), and where its number ends in the lower-case text."""

    words: str
    share: float
    side: str | None
    out_of: int | None
    end: int


def _stated(text: str) -> list[_Stated]:
    """The shares ``text`` states, as percentages or "N in M", in the order written."""
    text = text.lower()
    found = []
    for match in sorted((*_PERCENT.finditer(text), *_FRACTION.finditer(text)),
                        key=lambda m: m.start()):
        if match.re is _PERCENT:
            share, out_of = _percent(match.group(1)) / 100, None
        else:
            n, out_of = (int(x) if x.isdigit() else WORD_NUMBERS[x] for x in match.groups())
            if out_of < 2:
                continue
            share = n / out_of
        bound = _BOUND.search(text, 0, match.start())
        start = bound.start() if bound else match.start()
        side = bound.lastgroup if bound else None
        found.append(_Stated(text[start:match.end()], share, side, out_of, match.end()))
    return found


def _percent(number: str) -> float:
    """The value of ``number``, the figure before "%" or "per cent": digits ("83.3"), or words
    ("eighty-three", "seventeen")."""
    if number[0].isdigit():
        return float(number)
    return float(sum(TENS.get(w, WORD_NUMBERS.get(w, 0)) for w in number.replace("-", " ").split()))


def _misstated(stated: _Stated, rate: float) -> str | None:
    """What is wrong with ``stated`` as the ``rate``: None when it fits (see
    :func:`says_rate`), else why, in words for the learner."""
    if stated.side is None:
        m = stated.out_of
        fits = (abs(stated.share - rate) <= _HALF_POINT if m is None
                else round(stated.share * m) == round(rate * m)
                and abs(stated.share - rate) <= NEAR)
        return None if fits else f"you wrote '{stated.words}', but {rate:.1%} get a yes at once"
    over = stated.share - rate if stated.side == "above" else rate - stated.share
    # On the wrong side of the unrounded rate ("less than 83%" of 83.3%) is false, and so is
    # a strict bound at the rate itself ("under 83.3%"); "at most 83.3%" is true.
    if over > 0 or (math.isclose(over, 0, abs_tol=1e-9) and not _INCLUSIVE.match(stated.words)):
        return f"'{stated.words}' is not true: {rate:.1%} get a yes at once"
    if -over > NEAR:
        return f"'{stated.words}' is true but too far from the rate: {rate:.1%} get a yes at once"
    return None


def _rate_missing(text: str, rate: float) -> str:
    """What 07.1 says when ``text`` does not state the ``rate``: the number it
    gave and why it does not fit, or that it gave none."""
    example = f"'{rate:.0%}' or '{round(rate * 10)} in 10'"
    stated = _stated(text)
    if len(stated) == 1:
        return _one_misstated(stated[0], rate, example)
    if stated:
        return (f"none of {', '.join(repr(s.words) for s in stated)} is the {rate:.1%} who "
                f"get a yes at once; give that share, e.g. {example}.")
    return ("keep the one number that matters to a caller: how many get a yes at once, "
            f"e.g. {example}.")


def _one_misstated(stated: _Stated, rate: float, example: str) -> str:
    """What 07.1 says when ``stated``, the one share a sentence gives, is not the
    ``rate``: that it is the share a person checks (``1 - rate``, stated as :func:`says_rate`
    would take the rate), or what is off and the rule for its form, then the ``example``."""
    if _misstated(stated, 1 - rate) is None:
        return (f"'{stated.words}' is the share a person checks; the exercise asks for the "
                f"share that gets a yes at once: write {example}.")
    near = f"{NEAR * 100:.0f} points"
    if stated.side is not None:
        rule = (f"A bound must be true and within {near} of it, e.g. 'more than "
                f"{5 * int(rate * 20)}%'; or write {example}.")
    elif stated.out_of is None:
        rule = ("A percentage must be that share to the nearest point, while 'N in 10' is "
                f"rounded by its form: write {example}.")
    elif (round(rate * stated.out_of) != round(stated.share * stated.out_of)
          and abs(round(rate * stated.out_of) / stated.out_of - rate) <= NEAR):
        rule = (f"In 'N in {stated.out_of}', N must be the nearest whole number, "
                f"{round(rate * stated.out_of)}; or write {example}.")
    else:
        rule = f"No 'N in {stated.out_of}' comes within {near} of it: write {example}."
    return f"{_misstated(stated, rate)}. {rule}"


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
#: Words that make a number rough ("about 83%", "in around two weeks").
_ROUGHLY = (r"(?:about|around|roughly|approximately|some|just|nearly|almost|under|over|"
            r"(?:less|more)\s+than|up\s+to)")
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
#: What may follow a number left out to say whom it counts ("except for the 83% who get a
#: yes at once", "all but the 83% of applicants approved at once"): then the sentence goes on
#: about the others, not the number's applicants.
_DESCRIBED = re.compile(
    r"(?:\s+of\s+(?:(?:the|our|all|those)\s+)?(?:[\w'-]+\s+)?(?:applicants?|applications?|"
    r"callers?|customers?|clients?|borrowers?|people))?,?\s+(?:who|that|which|whom|whose|we|you|"
    r"approved|accepted|granted|given|cleared|getting|receiving)\b")


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


def _as_written(answer: str, words: str) -> str:
    """``words``, which the reader found in ``answer`` in lower case, as the learner wrote them
    ("AI" for "ai"): as they stand as whole words, in any case; where they stand in lower case
    too ("In May, ... may check"), as they are. Words not found so (a message's own example)
    are left as they are."""
    found = [m.group() for m in re.finditer(rf"(?<!\w){re.escape(words)}(?!\w)",
                                            answer.replace("\u2019", "'"), re.IGNORECASE)]
    return words if not found or words in found else found[0]


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


#: A yes an applicant may miss, go without or lose ("a yes", "the instant approval", "their
#: loan"; not "no time").
_A_YES = (r"(?:(?:an?|the|their|your|any|that)\s+)?(?:(?!no\b|not\b)[\w-]+\s+){0,2}?"
          r"(?:yes|approval|go-?\s?ahead|green\s+light|loan)")
#: Words that say an applicant is refused, or gets no yes ("not approved", "no yes comes",
#: "unlikely to get a yes", "do not receive a yes", "never hear yes"), or misses it
#: (``missed``, which :func:`_no_yes` reads as a yes negated): "miss out on a yes", "lose the
#: loan", "go without a yes", "are left without", "are without", "lack a yes", "fall short of
#: a yes"; only with a word for the yes, so "miss out on the speed", "lose out on nothing but
#: time" and a bare "miss out" miss nothing. Next to the approval rate they invert its meaning.
_DECLINE = re.compile(
    r"\b(?:turn(?:s|ed)?\s+(?:\w+\s+){0,2}(?:down|away)|declin\w*|reject\w*|refus\w*|"
    r"den(?:y|ies|ied)|rebuff\w*|unsuccessful|fail\w*|sa(?:y|ys|id|ying)\s+no|bad\s+news|"
    r"(?:get|gets|got|hear|told)\s+(?:an?\s+(?:\w+\s+)?)?no|an?\s+(?:\w+\s+)?no|"
    r"(?P<missed>(?:(?:miss(?:es|ed|ing)?|los(?:e|es|t|ing))(?:\s+out\s+on)?|"
    r"lack(?:s|ed|ing)?|f[ae]ll(?:s|ing|en)?\s+short\s+of|"
    r"(?:go|goes|went|gone|going|do|does|did|doing|are|is|were|was|be|been|being|left)"
    rf"(?:\s+left)?\s+without)\s+{_A_YES}))\b"
    r"|(?:\bnot|n't|\bnever|\bno|\bunlikely\s+to|\bhardly(?:\s+ever)?|\brarely|\bseldom)\s+"
    r"(?:be\s+|been\s+|get\s+|getting\s+|receiv\w*\s+|hear\w*\s+|obtain\w*\s+)?(?:approved|"
    r"accepted|granted|a\s+yes|yes|given|successful|get|lent)\b")
#: The first words of a :data:`_DECLINE` match that hold its own negation ("not approved").
_SELF_NEGATED = ("not", "n't", "never", "no ", "unlikely", "hardly", "rarely", "seldom")
#: Words for the applicants who are not approved at once ("the others", "the rest", "the
#: remaining 17%", "everyone else", "otherwise a person checks"): each starts a clause.
_OTHER_APPLICANTS = r"others?|rest|remainder|remaining|(?:every|any)(?:one|body)\s+else|otherwise"
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
#: Words that say an applicant gets a yes (:func:`_says_yes`); when it comes is
#: :data:`_AT_ONCE`'s.
_APPROVE = re.compile(r"\b(?:yes|approv\w*|accept\w*|grant\w*|lent|go-ahead|go ahead|"
                      r"green light|authori[sz]\w*|ok(?:'?d|ayed)|signed\s+off)\b")
#: The verb "get" in its forms, as :data:`_GRANT` and :data:`_GIVEN` read it.
_GET = r"(?:get|gets|got|getting)"
#: Words that say the others get a yes (:func:`_granted`): :data:`_APPROVE`, the loan or its
#: money itself ("the rest get the loan", "are offered the loan", "get funded", "receive the
#: funds", "get through", but not "get through a manual check", which names what they pass
#: through), other words for a yes ("signs off the rest", "sign-off", "OKs", "okays",
#: "clears", "cleared", "the thumbs up", "the nod", "the all-clear", "get theirs"), words that
#: say yes only with the others as their subject (``subject``: "the rest succeed", "the rest
#: are passed by an underwriter", "the rest are confirmed"; not "their details are confirmed",
#: nor "passed to an underwriter": :func:`_granted`), or a verb left out after the rate's yes
#: ("the others are too", "the others are, too,", "and so are the others", "so are they", not
#: "so are not approved at once" nor "so are checked by hand", "the others get one too", "get
#: it as well"). The rate's clause needs an :data:`_APPROVE` word ("get their loan
#: with no delay" is asked to say "get a yes").
_GRANT = re.compile(
    rf"{_APPROVE.pattern}|\b(?:(?:{_GET}|receiv\w*|given|offered)\s+"
    rf"(?:the|their|a|your)\s+(?:loans?|money|funds)|(?:{_GET}|are|is)\s+funded|"
    rf"{_GET}\s+through(?!\s+(?!(?:after|once|when|later|following|too|as|"
    r"in|within|by|then|and|but|eventually)\b)[a-z])|sign(?:s|ed|ing)?[\s-]?off|oks|okays|"
    r"okayed|okaying|clear(?:s|ed)(?!\s+up)|thumbs[\s-]up|the\s+nod|all[\s-]clear|"
    rf"(?:{_GET}|receiv\w*)\s+theirs(?!\s+\w+ed\b))\b|"
    rf"\b(?P<subject>succeed(?:s|ed)?|(?:are|is|were|was|{_GET})\s+(?:all\s+)?(?:passed|confirmed)"
    r"(?!\s+(?:to|on|along|over|through|back)\b))\b|"
    r"\b(?:are|is|get|gets)(?:\s*,)?\s+(?:one\s+|it\s+)?(?:too|as\s+well)"
    r"(?=\s*(?:[,;:.!?\u2013\u2014-]|$|\s+(?:after|once|when|later|following)\b))|"
    rf"\bso\s+(?:are|is)(?=\s+(?:the\s+|all\s+)?(?:{_OTHER_APPLICANTS}|they)\b)")
#: Words for a person who checks a file by hand ("a person", "an underwriter", "our
#: underwriting team", "a reviewer", "a loan officer", "by hand"); "people" is left out, as it
#: names applicants as often ("the other people").
_PERSON_WORDS = (r"person|humans?|staff|underwrit\w*|analysts?|caseworkers?|officers?|"
                 r"assessors?|reviewers?|manual\w*|by\s+hand")
#: Words for someone who decides by hand that say "referred" only after a preposition ("approved
#: by a manager", "sent to one of our advisers") or before a verb of checking (:data:`_STAFF_ACT`):
#: alone they can name anyone ("our team approves at once").
_STAFF = (r"(?:team|specialists?|colleagues?|advis[eo]rs?|managers?|employees?|agents?|"
          r"departments?|desks?|someone|somebody)")
#: What such a word does when it checks a file by hand: "someone checks", "our team does the
#: check", "someone on our team has a look", "somebody signs off", "a colleague has done the
#: review", "our team having to check".
_STAFF_ACT = (
    r"(?:(?:on|in|from|at)\s+(?:\w+\s+){1,2})?"
    r"(?:(?:has|have|had|having|will|would|can|could|must|should|may|might|first|then|also|to|"
    r"needs?\s+to)\s+)*"
    r"(?:check|review|decid|look|assess|handl|vet|read|sign|examin|verif|inspect|"
    r"go(?:es)?\s+(?:over|through)|went\s+(?:over|through)|"
    r"(?:do|does|did|done|doing|carr(?:y|ies|ied)\s+out|ma[dk]es?|making|runs?|ran|running|"
    r"ha(?:s|ve|d|ving)|takes?|took|taken|taking|gives?|gave|given|giving)\s+"
    r"(?:(?:a|an|the|their|its|this|that|final|quick|manual|last|second|full)\s+)*"
    r"(?:check|review|look|assessment|sign|once-over))")
#: Words that say an applicant waits for a person: next to the approval rate they make it the
#: share referred, the wrong group. "people" refers only after a preposition ("checked by
#: people"): alone it names the applicants ("83% of people", "most people, about 83%, are").
_REFER = re.compile(
    rf"\b(?:{_PERSON_WORDS}|(?:by|to|with|from)\s+(?:(?:real|other|our)\s+)?people|refer\w*|"
    r"check\w*|review\w*|wait\w*|assess\w*|look\w* at|"
    r"sent to|send\w* to|passed to|pass\w* on|"
    r"(?:by|to|for|with|from)\s+(?:(?:a|an|the|our|one|of|some|real|trained|members?)\s+)*"
    rf"{_STAFF}|{_STAFF}\s+{_STAFF_ACT}\w*)\b")
#: What comes right before "check" or "review" used as a noun for the system's own test ("pass
#: our checks", "after a quick automatic check"): then the word refers nobody to a person.
_NOUN_BEFORE = re.compile(r"\b(?:a|an|the|our|its|quick|automatic|automated|instant|system|"
                          r"computer|credit|simple|usual)\s+$")


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


#: A word that negates what follows it closely ("no manual check", "not turned down",
#: "aren't sent to", "without waiting").
_NEGATOR = re.compile(r"no|not|never|without|nobody|none|\w+n't")
#: The words before an "after" that a negation reaches past (:func:`_negated`): "not" or
#: "never" right before it, not "or not" ("approved or not after an underwriter checks").
_NOT_AFTER = re.compile(r"(?:(?!or\b)\S+\s)?(?:not|never)$")
#: The other outcome after a yes: "or no", "or a no", "or not", "/no".
_OR_NOT = r"(?:\bor\s+|/\s*)(?:an?\s+)?(?:not|no)\b"
#: A yes with its other outcome ("a yes or no from an underwriter", "a yes or a no", "yes/no",
#: "approved or not by an underwriter"): its "no" or "not" negates nothing.
_BOTH_OUTCOMES = re.compile(rf"(?:{_APPROVE.pattern})\s*{_OR_NOT}")
#: Small words that do not count between a negation and the word it governs ("not be sent
#: to", "without waiting for a person").
_FILLER = frozenset({"a", "an", "the", "any", "be", "been", "being", "is", "are", "was",
                     "were", "to", "for", "of", "by",
                     "with", "from", "on", "even", "ever", "their", "them", "his", "her", "its",
                     "our", "your", "one"})
#: Referral words that are finite verbs ("wait", "are sent"): right after a referral noun they
#: begin its own predicate. An -ing form there ("without a person waiting on them") says what
#: the noun does, so a negation of the noun reaches it.
_REFERRING_VERB = re.compile(r"(?:wait|refer|sen[dt]|pass)(?!\w*ing\b)")
#: Words a negation reaches through to the word after them ("don't need an underwriter",
#: "aren't seen by anyone", "without talking to our staff", "never hear back from a person").
_THROUGH = frozenset({"back", "need", "needs", "needed", "needing", "have", "has", "having",
                      "anyone",
                      "anybody", "someone", "somebody", "talk", "talking", "speak", "speaking",
                      "meet", "meeting", "see", "seeing", "deal", "dealing", "hear", "hearing",
                      "contact", "contacting", "calling", "visit", "visiting", "go", "going",
                      "seen", "heard", "reach", "reaches", "reached", "reaching", "get", "gets",
                      "got", "getting"})


def _negated(clause: str, match: re.Match) -> bool:
    """Whether a negation governs the word at ``match``: the nearest word before it in the same
    clause, not counting :data:`_FILLER` words and reaching through :data:`_THROUGH` words, is
    a negation ("no manual check", "not be turned down", "don't need an underwriter") or a
    negated referral word ("without waiting for a person": "person" follows the negated
    "waiting"), not counting a yes with its other outcome (:data:`_BOTH_OUTCOMES`: "a yes or
    no from an underwriter", "approved or not by an underwriter"; "never get a yes or no from
    a person" is negated). A negation of another word ("with no paperwork, wait for an underwriter",
    "applicants who are not customers are sent to ...") does not count, nor does one inside
    a phrase that names the others ("those who aren't go to an underwriter": :data:`_NAMED`),
    nor a negated referral word just before a verb that refers ("who don't need a person wait
    for an underwriter": "wait" is a verb of its own, not what "need" governs). "Not" or
    "never" reaches past "after" right after it ("not after a wait", "not after an underwriter
    checks"), but not past one after "or not" ("approved or not after an underwriter checks"),
    "no" ("a yes or no after an underwriter reviews them") or another word ("no wait after an
    underwriter reviews them"): there the underwriter acts. "Not before a wait" has the wait."""
    if match.group().startswith(_SELF_NEGATED):
        return False  # the match holds its own negation ("not approved"): it is not negated
    start = max((m.end() for m in (*_breaks(clause, match.start()),
                                   *_NAMED.finditer(clause, 0, match.start()))), default=0)
    tokens = list(re.finditer(r"[\w']+", clause[start:match.start()]))
    both = [b.span() for b in _BOTH_OUTCOMES.finditer(clause, start, match.start())]
    words = [w for i, w in enumerate(tokens)
             if w.group() not in _FILLER and w.group() not in _THROUGH
             and not any(a <= start + w.start() < b for a, b in both)
             and not (w.group() == "after" and _NOT_AFTER.match(" ".join(
                 t.group() for t in tokens[max(0, i - 2):i])))]
    if not words:
        return False
    nearest = words[-1]
    if _NEGATOR.fullmatch(nearest.group()):
        return True
    at = start + nearest.start()
    refer = next((m for m in _REFER.finditer(clause)
                  if m.start() <= at < m.end() and m.start() < match.start()), None)
    if refer is None or (_REFERRING_VERB.match(match.group())
                         and not clause[refer.end():match.start()].strip()):
        return False
    return _negated(clause, refer)


#: Words that say a yes comes at once: the clauses about the rate's applicants need one. A
#: machine's yes comes at once too ("an automatic yes", "an automated approval").
_AT_ONCE = re.compile(
    r"\b(?:at\s+once|straight\s*(?:away|off)|right\s+away|immediate(?:ly)?|instant(?:ly)?|"
    rf"quick(?:ly)?|automat(?:ic|ed)(?=\s+(?:{_APPROVE.pattern}))|"
    r"on[\s-]the[\s-]spot|with(?:out\s+(?:any\s+)?|\s+no\s+)(?:waiting|wait|delay)|"
    r"there\s+and\s+then|"
    r"automatically|(?:in|within)\s+(?:a\s+few\s+)?seconds|the\s+moment\s+(?:they|you)\s+apply|"
    r"as\s+soon\s+as\s+(?:they|you)\s+apply|when\s+(?:they|you)\s+apply|then\s+and\s+there|"
    r"in\s+real[\s-]time|on\s+the\s+(?:same\s+)?call|during\s+the\s+call|"
    r"while\s+(?:(?:they|you)(?:'re|\s+are)\s+)?(?:still\s+)?on\s+the\s+(?:phone|line|call)|"
    r"leav(?:e|es|ing)\s+the\s+(?:call|phone|line))\b")
#: A word for the other applicants (:data:`_OTHER_APPLICANTS`) anywhere in a clause.
_ELSE = re.compile(rf"\b(?:{_OTHER_APPLICANTS})\b")
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


#: How many hours, days or weeks: a number in digits or words, "a", "a few", "a couple of",
#: "several".
_AMOUNT = rf"(?:\d+(?:\.\d+)?|{_SPELLED}|an?|(?:a\s+)?few|(?:a\s+)?couple(?:\s+of)?|several|many)"
#: Words that say the yes comes later ("eventually", "within a week", "in about two weeks",
#: "in a couple of weeks", "in 2 to 3 days", "after 48 hours", "in days", "next month"): then
#: those applicants wait for it, as the ones a person checks do. A time of day is no wait
#: ("in business hours", "even after hours").
_LATER = re.compile(r"\b(?:later|eventually|ultimately|in\s+the\s+end|in\s+due\s+course|"
                    r"over\s+time|within(?!\s+(?:a\s+few\s+)?seconds)|tomorrow|"
                    rf"(?:in|after)\s+(?:{_ROUGHLY}\s+)?{_AMOUNT}(?:\s*(?:-|\u2013|to|or)\s*"
                    rf"{_AMOUNT})?\s+(?:(?:working|business)\s+)?(?:hours?|days?|weeks?|months?|"
                    r"years?)|in\s+(?:hours|days|weeks|months|years)|"
                    r"next\s+(?:day|week|month|year|\w+day))\b")


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


#: Where a sentence or a clause of its own ends: a semicolon or a full stop (not a decimal point).
_FULL_STOP = re.compile(r";|\.(?!\d)")


def _after_full_stop(ours: str, rate: float, match: re.Match) -> bool:
    """Whether ``match`` comes after a semicolon or full stop (:data:`_FULL_STOP`) that ends
    the statement of the ``rate`` in ``ours``, in a part that does not state it: then that part
    is about the others but does not name them ("83% are approved; an underwriter reviews
    their file")."""
    cut = max((m.end() for m in _FULL_STOP.finditer(ours, 0, match.start())), default=0)
    return says_rate(ours[:cut], rate) and not says_rate(ours[cut:], rate)


#: Words for a machine: named for the others with no person ("checked by the computer"), or as
#: what checks them (:data:`_MACHINE_CHECK`), or in a refusal ("automatically declined"), they
#: fail (:func:`_others_wrong`). A machine may wear a person's name ("an AI underwriter", "a
#: digital underwriter", "our chatbot agent", "a robo-adviser").
_MACHINE = re.compile(r"\b(?:automat\w*|computers?|systems?|algorithms?|models?|machines?|"
                      r"software|programs?|ai|(?:chat)?bots?|robo-?\w*|digital|virtual)\b")
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
#: A person who looks at the others' files: a :data:`_PERSON_WORDS` or :data:`_STAFF` word
#: ("our team reviews the rest", "someone does the check for the rest").
_PERSON = re.compile(rf"\b(?:{_PERSON_WORDS}|{_STAFF})\b")
#: What negates a person from after the word ("underwriters are not involved", "underwriters
#: are off", "a person never sees them").
_NEGATED_AFTER = re.compile(
    r"\s+(?:(?:are|is|was|were|will|do|does|did|can|could|would)(?:\s+not\b|n't)|aren't|isn't|"
    r"won't|never\b|(?:are|is|was|were)\s+(?:off|away|out|absent|unavailable|busy)\b)")
#: Words that hedge what a side says ("may be approved", "usually", "an underwriter sometimes
#: checks", "tries to check"): the rate's applicants do get a yes at once, and a person does
#: check every one of the others.
_HEDGE = re.compile(r"\b(?:may|might|could|can(?!')|probably|possibly|perhaps|maybe|hopefully|"
                    r"usually|often|mostly|generally|typically|normally|sometimes|occasionally|"
                    r"rarely|seldom|likely|tr(?:y|ies|ying)\s+to)\b")
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


def _decided(others: list[str], find: Callable[[str], re.Match | None],
             is_open: Callable[[int, re.Match], bool]) -> re.Match | None:
    """The first decision ``find`` finds in a clause of ``others`` that is not only possible
    (``is_open``, given the clause's index and the decision), or that is in a clause that names
    a machine (:data:`_MACHINE`)."""
    return next((m for i, c in enumerate(others) if (m := find(c))
                 and (_MACHINE.search(c) or not is_open(i, m))), None)


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


def _denied(clause: str, match: re.Match) -> bool:
    """Whether the person or check at ``match`` is negated: before it (:func:`_negated`: "no
    person", "never checked", "can't reach an underwriter") or after it
    (:data:`_NEGATED_AFTER`: "underwriters are not involved")."""
    return _negated(clause, match) or bool(_NEGATED_AFTER.match(clause, match.end()))


def _turned_down(clause: str) -> re.Match | None:
    """The first refusal word of ``clause`` (:func:`_refusals`)."""
    return next(_refusals(clause), None)


def _refusals(clause: str) -> Iterator[re.Match]:
    """The refusal words of ``clause`` (:data:`_DECLINE`) that are neither negated nor part of
    a phrase that names the others (:data:`_NAMED`: "those who don't get a yes")."""
    return (m for m in _DECLINE.finditer(clause)
            if not _negated(clause, m) and not _in_named(clause, m))


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


def _negated_near(clause: str, match: re.Match) -> bool:
    """Whether a negation (:data:`_NEGATOR`) is one of the two nearest words before ``match``
    that govern it (:func:`_governing`): "do not get an instant yes", "we can't say yes", "not
    necessarily approved", "not all of the others are approved"; not "anyone who isn't is
    approved"."""
    return any(_NEGATOR.fullmatch(w) for w in _governing(clause, match)[-2:])


def _governing(clause: str, match: re.Match) -> list[str]:
    """The words before ``match`` in its clause (which a word for the others does not end:
    :func:`_parts`) that may govern it, not counting :data:`_FILLER` or :data:`_THROUGH`
    words, nor words for the others; after a phrase that names the others by a negation and
    is followed by a verb of its own (:func:`_names_then_acts`: "those who don't | are
    approved"), only those after that phrase."""
    start = max((*(m.end() for m in _breaks(clause, match.start()) if not _ELSE.match(m.group())),
                 *(m.end() for m in _NAMED.finditer(clause, 0, match.start())
                   if _names_then_acts(clause, m))), default=0)
    return [w for w in re.findall(r"[\w']+", clause[start:match.start()])
            if w not in _FILLER and w not in _THROUGH and not _ELSE.fullmatch(w)]


def _names_then_acts(clause: str, named: re.Match) -> bool:
    """Whether ``named``, a phrase that names the others (:data:`_NAMED`) by a negation ("those
    who aren't", "anyone who doesn't"), is followed by a verb of its own: a form of "be" or
    "will" ("those who don't are approved", "anyone who isn't is approved"), or "get" after a
    "be" negated ("those who aren't get approved"); not the verb the negation governs ("those
    who don't get an instant yes", "those who aren't approved at once")."""
    if not re.search(r"\bnot\b|n't", named.group()):
        return False
    after = clause[named.end():]
    return bool(re.match(r"\s*(?:are|is|was|were|will)\b", after) or (
        re.match(r"\s*(?:get|gets|got)\b", after)
        and re.search(r"\b(?:are|is|was|were)\s+not$|(?:aren|isn|wasn|weren)'t$", named.group())))


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


def _referral(clause: str) -> re.Match | None:
    """The first referral word of ``clause`` (:func:`_referrals`) that is not negated."""
    return next((m for m in _referrals(clause) if not _negated(clause, m)), None)
