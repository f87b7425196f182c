"""The words the 07.1 reader looks for: a yes, a refusal, a referral to a person, a person
or a machine, "at once" and "later", a hedge, and the other applicants.

Stage 2 of the 07.1 reader (:mod:`deploydl.exercises.m07_sentence`); the number in the
name is the order the grader loads the stages in, so it imports only stages numbered
below 2 (see :mod:`deploydl.exercises.m07_sentence`)."""

from __future__ import annotations

import re

from deploydl.exercises.m07_read1_shares import _SPELLED

#: Words that make a number rough ("about 83%", "in around two weeks").
_ROUGHLY = (r"(?:about|around|roughly|approximately|some|just|nearly|almost|under|over|"
            r"(?:less|more)\s+than|up\s+to)")

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

#: Words for a machine: named for the others with no person ("checked by the computer"), or as
#: what checks them (:data:`_MACHINE_CHECK`), or in a refusal ("automatically declined"), they
#: fail (:func:`_others_wrong`). A machine may wear a person's name ("an AI underwriter", "a
#: digital underwriter", "our chatbot agent", "a robo-adviser").
_MACHINE = re.compile(r"\b(?:automat\w*|computers?|systems?|algorithms?|models?|machines?|"
                      r"software|programs?|ai|(?:chat)?bots?|robo-?\w*|digital|virtual)\b")

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
