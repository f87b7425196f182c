"""Exercise 08.5's check: that the group memo has its four parts (a decision stated, a figure
in the evidence, an owner in the risk); a person grades the rest with the rubric. Module 08
(Capstone and careers); ``m08`` wires it to its exercise."""

from __future__ import annotations

import re
from typing import Any

from deploydl.exercises.core import brief, form
from deploydl.exercises.m08_findings import _words

#: The group memo of exercise 08.5: each part's key and what it holds. A person grades the
#: memo (the rubric is in docs/instructors.md); the check reads only that each part is there.
MEMO_PARTS = {
    "decision": "Module 00's question answered again: let the model approve loans on its own, "
                "let it advise loan officers, or keep it in the lab",
    "evidence": "the figures the decision rests on, quoted from the run: the value case "
                "(value), the A/B test (run.ab), the new region's screen (screen)",
    "risk": "the largest risk left, and the role in roles_table() that owns it",
    "change": "what evidence would change the decision",
}
#: Fewest words in each part: more than a one-word answer, far short of judging the writing.
MEMO_MIN_WORDS = 6
#: Key words that name each role of roles_table() in a memo's risk part, in the group's own
#: wording ("the product manager", "the Responsible AI team", "platform"); case and hyphens
#: do not matter, and a plural counts.
ROLE_KEYS = {
    "ML engineer": ("ml engineer", "machine learning engineer"),
    "MLOps / platform engineer": ("mlops", "platform"),
    "Data steward": ("data steward", "steward"),
    "AI product manager": ("product manager",),
    "Responsible-AI lead": ("responsible ai",),
    "Executive sponsor": ("executive sponsor", "sponsor"),
}
#: A version number ("1.1.0"), or the number of a module, a table or another part of a
#: document ("Module 00", "Table 2", "section 3.1"), is a label, not a figure from the run.
_NOT_A_FIGURE = re.compile(r"\b\d+\.\d+\.\d+\b|\b(?:modules?|tables?|figures?|fig\.?|sections?"
                           r"|pages?|chapters?|appendix|exhibits?|slides?|exercises?|lessons?)"
                           r"\s+\d+(?:\.\d+)*\b", re.IGNORECASE)
#: Module 00's three options, each as a decision part may name it: approve on its own,
#: advise loan officers, keep it in the lab.
_OPTIONS = tuple(re.compile(pattern, re.IGNORECASE) for pattern in (
    r"\bapprov\w*\b[^,;:]{0,40}?\b(?:on its own|by itself|alone|autonomously|unaided)\b"
    r"|\bautonomous(?:ly)?\b",
    r"\badvi[sc]\w*",
    r"\b(?:in|to|back to) the lab\b"))
#: Words that rule an option out ("not approve on its own or keep it in the lab"): a clause
#: with one of them is a choice, not a list of alternatives.
_RULED_OUT = re.compile(r"\b(?:not|never|neither|nor|no|rather than|instead of)\b|n't\b",
                        re.IGNORECASE)
#: Words that say a group has not chosen ("we could not agree whether", "not sure"): their
#: "not" rules no option out.
_NOT_CHOSEN = re.compile(r"\b(?:could|can|did|do)\s*(?:not|n't)\s+(?:yet\s+)?"
                         r"(?:agree|decide|choose)\b|\b(?:not sure|unsure)\b", re.IGNORECASE)
#: Words that, right after the first option a clause names, give the reasons for choosing it
#: ("keep it in the lab, since advising or approving would both lose money"): the options
#: after them are the reasons, not alternatives.
_BECAUSE = re.compile(r"^\W*(?:since|because|as|given that)\b", re.IGNORECASE)
#: A risk part that says nobody owns it ("nobody owns", "no owner", "not owned", "unowned").
_NO_OWNER = re.compile(r"\b(?:nobody|no one|no-one|none)\b[^.;:]{0,20}?\bown(?:s|ed)?\b"
                       r"|\b(?:no|without an?)\s+(?:\w+\s+)?owners?\b|\bnot\s+(?:yet\s+)?owned\b"
                       r"|\bunowned\b|\bownerless\b", re.IGNORECASE)
#: Everyone at once, as a risk part may name its owner ("the whole team", "all of us"), not
#: one team ("the whole MLOps team") nor everyone's something ("the whole team's contact").
_EVERYONE = (r"(?:everyone|everybody|all of us|we all|us all|each of us|all (?:the )?roles"
             r"|every role|the (?:whole|entire) (?:team|group|bank|company|project))(?!['\u2019])")
#: A risk part that gives the risk to everyone ("everyone owns it", "the whole team is
#: responsible", "the steward of our values is the whole team"): nobody in particular acts,
#: unless it names a role's owner too ("the Data steward owns it, backed by the whole team").
_SHARED_OWNER = re.compile(
    rf"\b{_EVERYONE}\b[^.;:]{{0,20}}?\b(?:own\w*|responsib\w*|accountab\w*|in charge|share\w*)"
    rf"|\b(?:own\w*|responsib\w*|accountab\w*|in charge|steward\w*|shared)\b[^.;:]{{0,30}}?"
    rf"(?:\b(?:is|are|by|lies with|rests with|belongs to)|:)\s+{_EVERYONE}\b"
    rf"|\b\w+\s+(?:is|are)\s+{_EVERYONE}\b", re.IGNORECASE)
#: A word of :data:`_EQUATED`'s subject: not one that joins two ("the owner is the Data
#: steward and the backup is the whole team" says the steward owns it).
_WORD = r"(?!(?:and|or|but)\b)[\w-]+"
#: A few words said to be everyone ("the steward of our values is the whole team"): a role's
#: key word among them names no owner.
_EQUATED = re.compile(rf"\b{_WORD}(?:\s+{_WORD}){{0,4}}\s+(?:is|are)\s+{_EVERYONE}\b",
                      re.IGNORECASE)
#: What just before a role's key word says it is absent ("no platform", "without a sponsor").
_ABSENT_BEFORE = re.compile(r"\b(?:no|not|without|nor|lacks?)\s+(?:\w+\s+){0,2}$",
                            re.IGNORECASE)
#: What just after a role's key word says it is absent ("the sponsor has not been found").
_ABSENT_AFTER = re.compile(r"^\s*(?:\w+\s+)?(?:not|never)\b|^\s*\w+n't\b", re.IGNORECASE)
#: Quotes a group may put round its decision part; a question inside them is still a question.
_QUOTES = "\"'\u201c\u201d\u2018\u2019"


def _role_named(text: str) -> bool:
    """True when ``text`` names a role of :func:`roles_table` by one of its key words
    (:data:`ROLE_KEYS`: "platform team" for "MLOps / platform engineer"), other than as absent
    ("there is no platform for this", "the sponsor has not been found")."""
    words = _words(text)
    return any(not _ABSENT_BEFORE.search(words[:found.start()])
               and not _ABSENT_AFTER.search(words[found.end():])
               for keys in ROLE_KEYS.values() for key in keys
               for found in re.finditer(rf"\b{re.escape(key)}s?\b", words))


def _undecided(decision: str) -> str | None:
    """What is wrong with a decision part that asks a question (Module 00's, copied) or lists
    the options as alternatives instead of choosing one; None otherwise. Which options a
    decision names is otherwise the rubric's to read: a sentence can name all three and still
    choose one ("advise, not approve on its own")."""
    if decision.strip().strip(_QUOTES + "()[]!").rstrip().endswith("?"):
        return ("the decision part asks a question; state the option your group chooses, in a "
                "sentence of your own.")
    clauses = [c for c in re.split(r"[.;:!?\n]+(?:\s|$)", decision) if c.strip()]
    listed = [c for c in clauses if _alternatives(c)]
    if listed and not any(_names_option(c) for c in clauses if c not in listed):
        return ("the decision part lists the options as alternatives (one or another) without "
                "choosing one, as Module 00's question did: choose one option and say it, in a "
                "sentence of your own.")
    return None


def _option_spans(clause: str) -> list[tuple[int, int]]:
    """Where ``clause`` names one of Module 00's options (:data:`_OPTIONS`), in order."""
    return sorted(m.span() for option in _OPTIONS for m in option.finditer(clause))


def _names_option(clause: str) -> bool:
    return bool(_option_spans(clause))


def _alternatives(clause: str) -> bool:
    """True when ``clause`` offers two or more options joined by "or" ("approve on its own,
    advise loan officers, or keep it in the lab"), rules none of them out ("we could not agree
    whether" rules none out) and does not give them as the reasons for the first ("keep it in
    the lab, since advising or approving would both lose money" chooses the lab)."""
    spans = _option_spans(clause)
    return (len(spans) > 1 and not _RULED_OUT.search(_NOT_CHOSEN.sub(" ", clause))
            and not _BECAUSE.search(clause[spans[0][1]:spans[1][0]])
            and bool(re.search(r"\bor\b", clause[spans[0][1]:spans[-1][0]], re.IGNORECASE)))


def _is_memo(answer: Any) -> str | None:
    """Only that the four parts are there: each its own sentence, a decision stated (not Module
    00's question again), a figure in the evidence, an owner in the risk (a role, not nobody or
    everyone). Whether the decision is right is the rubric's (a person's) call."""
    if not isinstance(answer, dict) or not all(isinstance(k, str) for k in answer):
        return form(f"give a dict with the memo's four parts, {list(MEMO_PARTS)}; you gave "
                    f"{brief(answer)}.")
    missing = [k for k in MEMO_PARTS if k not in answer]
    if missing:
        return form("the memo lacks " + "; ".join(f"the {k} part ({MEMO_PARTS[k]})"
                                                  for k in missing) + ".")
    odd = [k for k in MEMO_PARTS if not isinstance(answer[k], str)]
    if odd:
        return form("write each part as text (a str): " + "; ".join(
            f"the {k} part ({MEMO_PARTS[k]}) is {brief(answer[k])}" for k in odd) + ".")
    short = [k for k in MEMO_PARTS if len(answer[k].split()) < MEMO_MIN_WORDS]
    if short:
        return (f"write each part as a sentence or two in your group's words (at least "
                f"{MEMO_MIN_WORDS} words); too short: "
                + ", ".join(f"the {k} part" for k in short) + ".")
    seen: dict[str, str] = {}
    for k in MEMO_PARTS:
        first = seen.setdefault(_words(answer[k]), k)
        if first != k:
            return (f"the {first} and {k} parts say the same thing: each part answers its own "
                    "question.")
    undecided = _undecided(answer["decision"])
    if undecided:
        return undecided
    if not re.search(r"\d", _NOT_A_FIGURE.sub("", answer["evidence"])):
        return ("the evidence part should quote the run's figures (the net value, the A/B "
                "test's difference, p-value and size), not only describe them.")
    return _owner_missing(answer["risk"])


def _owner_missing(risk: str) -> str | None:
    """What is wrong with a risk part that names no role as its owner; None when it names one
    outside any words that say nobody owns something ("the Data steward owns the risk that no
    one owns the partner feed today" names one; "no platform, and nobody owns it" none) or
    that everyone does ("the steward of our values is the whole team" names none)."""
    if _role_named(_NO_OWNER.sub(" ", _EQUATED.sub(" ", risk))):
        return None
    if _SHARED_OWNER.search(risk):
        return ("the risk part gives the risk to everyone (the whole team), so nobody in "
                "particular acts on it: name the one role that owns it, one of roles_table()'s "
                f"roles: {', '.join(ROLE_KEYS)}.")
    if _NO_OWNER.search(risk):
        return ("the risk part says nobody owns the risk: name the role that owns it, one of "
                f"roles_table()'s roles: {', '.join(ROLE_KEYS)}.")
    return ("the risk part should name its owner, one of roles_table()'s roles: "
            f"{', '.join(ROLE_KEYS)}.")
