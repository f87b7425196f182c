"""Whether a negation governs a word of a clause: "no manual check" (:func:`_negated`),
"do not get an instant yes" (:func:`_negated_near`).

Stage 4 of the 07.1 reader (:mod:`deploydl.exercises.m07_sentence`); the number in the
name is the order the grader loads the stages in, so it imports only stages numbered
below 4 (see :mod:`deploydl.exercises.m07_sentence`)."""

from __future__ import annotations

import re

from deploydl.exercises.m07_read2_words import _APPROVE, _ELSE, _REFER, _SELF_NEGATED
from deploydl.exercises.m07_read3_clauses import _NAMED, _breaks

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
