"""Exercise 07.1's sentence reader: "not after a wait" is a yes at once, a machine set against
a person is named, a hedge stays a hedge whatever time follows it, a yes promised to the
others fails, in any words for it (but not one left open, by the other outcome or a qualifier
anywhere in their clauses, hedged, only sought, or "approval" named as the decision; a
machine is named first), and its messages quote what the learner wrote. A yes given "as
well" is promised even "only after" a check; a yes with its other outcome, a condition on the
outcome, the others named later in a statement, and a slash between outcomes pass. A yes
given to most of the others or waited for is a promise; a refusal by default, a check only as
needed and a false share for the others fail; a machine's yes comes at once."""

from __future__ import annotations

import pytest

from deploydl.exercises.core import FAILED, PASSED, evaluate
from deploydl.exercises.registry import find_exercise

#: The first half of a right sentence: the rate's applicants get a yes at once.
YES = "About 83% of applicants are approved at once; "

#: Sentences the reader got wrong, each with the status and words its message must give:
#: "not after a wait" says the yes comes at once; a machine set against a person ("a computer,
#: not a person,") is what the message names, as written; a number said of something else is
#: quoted alone, or with the word it counts, never with the next clause's first word.
MENDED = [
    ("About 83% of applicants are approved at once, not after a wait; an underwriter checks "
     "the others.", PASSED, "well done"),
    ("About 83% of applicants are approved at once, never after a wait; an underwriter checks "
     "the others.", PASSED, "well done"),
    ("About 83% of applicants are approved at once, not after an underwriter checks; an "
     "underwriter checks the others.", PASSED, "well done"),
    (YES + "a computer, not a person, reviews the others.", FAILED,
     "says a machine ('computer'), not a person, checks the others"),
    (YES + "a computer, not an underwriter, checks the others.", FAILED,
     "says a machine ('computer'), not a person, checks the others"),
    (YES + "the AI, not a human, decides on the others.", FAILED,
     "says a machine ('AI'), not a person, checks the others"),
    (YES + "the others are Declined.", FAILED, "turned down ('Declined')"),
    (YES + "an underwriter MAY check the others.", FAILED, "'MAY' hedges the check"),
    ("About 83% of Applicants Might be approved at once; an underwriter checks the rest.",
     FAILED, "'Might' hedges the yes"),
    ("About 83% of applicants are approved after a Wait; an underwriter checks the rest.",
     FAILED, "('Wait')"),
    ("For applicants, accuracy is 83%, so most are approved at once and an underwriter checks "
     "the rest.", FAILED, "'83%' is not said of applicants"),
    ("For applicants, accuracy is 83 per cent, so most are approved at once and an underwriter "
     "checks the rest.", FAILED, "'83 per cent' is not said of applicants"),
    ("Accuracy: 83% - most are approved at once; an underwriter checks the rest.", FAILED,
     "'83%' is not said of applicants"),
    ("Eighty-three Percent Accuracy means most are approved at once; an underwriter checks the "
     "rest.", FAILED, "'Eighty-three Percent Accuracy' is not said of applicants"),
]

#: Near variants the mends must leave as they were: a hedge of the check itself, a wait that
#: is not negated, a person and a machine both negated, a person set against a machine, a
#: number with the word it counts. The first is right but told it hedges: the reader cannot
#: tell a hedge of how long the check takes from one of the check (see RED_TEAM), and the
#: instructors' guide says the instructor's reading wins.
KEPT = [
    (YES + "for the rest it can take a day until an underwriter checks their file.", FAILED,
     "'can' hedges the check"),
    (YES + "an underwriter can take a look at the rest.", FAILED, "'can' hedges the check"),
    (YES + "the rest may eventually be checked by an underwriter.", FAILED,
     "'may' hedges the check"),
    ("About 83% of applicants are approved straight away, and an underwriter usually reviews "
     "the rest within a day.", FAILED, "'usually' hedges the check"),
    ("About 83% of applicants are approved straight away, and an underwriter reviews the rest, "
     "but usually later.", FAILED, "'usually' hedges the check"),
    ("About 83% of applicants are approved straight away, and an underwriter reviews some of "
     "the rest, usually within a day.", FAILED, "'some of' hedges the check"),
    ("About 83% of applicants are approved after a wait; an underwriter checks the others.",
     FAILED, "wait for a person ('wait')"),
    ("About 83% of applicants are approved, but not before a wait; an underwriter checks the "
     "others.", FAILED, "wait for a person ('wait')"),
    ("About 83% of applicants are approved at once, not only after a wait; an underwriter "
     "checks the others.", FAILED, "wait for a person ('wait')"),
    ("About 83% of applicants are approved, not at once but after a wait for an underwriter.",
     FAILED, "wait for a person ('wait')"),
    (YES + "the others are never checked by a person or a computer.", FAILED,
     "no person looks at the others ('person' is negated)"),
    (YES + "a person, not a computer, reviews the others.", PASSED, "well done"),
    ("The model is 83% accurate, so most are approved at once and an underwriter checks the "
     "rest.", FAILED, "'83% accurate' is not said of applicants"),
]


@pytest.fixture(scope="module", autouse=True)
def _rate_is_83_percent():
    from deploydl.capstone.project import lesson_inputs

    rate = lesson_inputs().evaluation["approval_rate"]
    assert round(rate * 100) == 83, "the sentences say 83%"


def _assert_read(sentence: str, status: str, says: str) -> None:
    result = evaluate(find_exercise("07.1"), sentence)
    assert result.status == status and says in result.message, result.message


@pytest.mark.parametrize(("sentence", "status", "says"), MENDED)
def test_07_1_reads_a_negated_wait_and_a_machine_and_quotes_what_was_written(sentence, status,
                                                                          says):
    _assert_read(sentence, status, says)


#: Near variants those rules must leave as they were: a condition on the check itself, a
#: person negated before a yes and its other outcome, a decision with no person, a clause that
#: names nobody, the rate's applicants not approved at once, a refusal at once, details (not
#: the others) confirmed, a yes hedged "too", a referral with "passed to", and the others
#: named by "not approved automatically". These read the same before the mends.
THIRD_KEPT = [
    (YES + "the others are checked if needed.", FAILED, "'if' hedges the check"),
    (YES + "the others are checked by an underwriter if they ask.", FAILED,
     "'if' hedges the check"),
    (YES + "the rest are approved after an underwriter checks them if needed.", FAILED,
     "'if' hedges the check"),
    (YES + "the others never get a yes or no from a person.", FAILED,
     "no person looks at the others ('person' is negated)"),
    (YES + "the rest get an approval decision within two days.", FAILED,
     "say who looks at the others"),
    (YES + "an underwriter approves their loan application if it meets our rules.", FAILED,
     "'underwriter' comes in a clause that does not say whom it is about"),
    ("About 83% of applicants are not approved at once; an underwriter checks the others.",
     FAILED, "says they are turned down"),
    (YES + "the others are declined straight away.", FAILED, "turned down ('declined')"),
    (YES + "the others have their details confirmed by an underwriter, who decides.", PASSED,
     "well done"),
    (YES + "the rest can be approved too, after an underwriter checks them.", PASSED,
     "well done"),
    (YES + "the rest are passed to an underwriter for a decision.", PASSED, "well done"),
    (YES + "the others are not approved automatically: an underwriter checks them and decides.",
     PASSED, "well done"),
]



@pytest.mark.parametrize(("sentence", "status", "says"), KEPT + THIRD_KEPT)
def test_07_1_mends_leave_near_variants_as_they_were(sentence, status, says):
    _assert_read(sentence, status, says)


#: Two red-team readings of this round's mends: wrong sentences they let through, each with
#: what the reader must say. A hedge before a time hedges the check, wherever the time stands
#: ("may in weeks check", "may take a day before an underwriter declines them", ", or tries to
#: within a day"): a first mend read "it can take a day until an underwriter checks" as a
#: hedge of the time only, and let these through, so it was dropped. A negation reaches past
#: "after" only from "not" or "never" right before it, so a person or a machine that acts
#: after a wait word is still read ("no wait after an underwriter reviews them"); the machine
#: message needs the machine set against the person in an aside; and a check left open
#: ("decides whether to check") is a hedge.
RED_TEAM = [
    (YES + "an underwriter may in weeks check the rest.", "'may' hedges the check"),
    (YES + "an underwriter can within a week check the rest.", "'can' hedges the check"),
    (YES + "the rest might after a few days be checked by an underwriter.",
     "'might' hedges the check"),
    (YES + "an underwriter is likely within a day to check the rest.", "'likely' hedges the check"),
    (YES + "an underwriter may after hours check the rest.", "'may' hedges the check"),
    (YES + "an underwriter may take a day to decide whether to check the rest.",
     "'may' hedges the check"),
    (YES + "the system can in minutes check the rest for an underwriter.",
     "'can' hedges the check"),
    (YES + "the rest may take a day until a person decides whether to check them.",
     "'may' hedges the check"),
    (YES + "a person decides whether to check the rest.", "'whether to check' hedges the check"),
    ("About 83% of applicants are approved with no wait after an underwriter reviews them; a "
     "person checks the rest.", "wait for a person ('underwriter')"),
    (YES + "the rest never hear back after the AI checks them, until an underwriter decides.",
     "names a machine for the others ('AI')"),
    (YES + "a computer does not check the rest; an underwriter does.",
     "no person looks at the others ('check' is negated)"),
    (YES + "the rest are sent by the system to an underwriter who never checks them.",
     "no person looks at the others ('checks' is negated)"),
    ("Our model is 83%-accurate; most applicants are approved at once and an underwriter "
     "checks the rest.", "'83%-accurate' is not said of applicants"),
    (YES + "an underwriter may take a day for the others.", "'may' hedges the check"),
    (YES + "someone may take a week for the others.", "'may' hedges the check"),
    (YES + "the others wait, and an underwriter can take a day for lunch.",
     "'can' hedges the check"),
    (YES + "for the rest, it may take a day before an underwriter declines them.",
     "'may' hedges the check"),
    (YES + "the rest can take a week until an underwriter checks them, or never.",
     "'can' hedges the check"),
    (YES + "an underwriter checks the others, or tries to within a day.",
     "'tries to' hedges the check"),
    ("In May, 83% of applicants got a yes at once; an underwriter may check the rest.",
     "'may' hedges the check"),
]


#: Right sentences the "after" mend must leave passing: "no" and "or not" before "after"
#: negate the yes, not the underwriter who acts after them.
AFTER_KEPT = [
    "83% of applicants get a yes at once; the others get a yes or no after an underwriter "
    "reviews them.",
    "83% of applicants get a yes at once; the others are approved or not after an underwriter "
    "checks them.",
]


@pytest.mark.parametrize("sentence", AFTER_KEPT)
def test_07_1_a_yes_or_no_after_an_underwriter_checks_passes(sentence):
    _assert_read(sentence, PASSED, "well done")


@pytest.mark.parametrize(("sentence", "says"), RED_TEAM)
def test_07_1_a_time_or_an_after_does_not_hide_a_hedge_a_person_or_a_machine(sentence, says):
    _assert_read(sentence, FAILED, says)


#: Wrong sentences that promised the others a yes and passed: an underwriter checks their
#: file and may decline it. Each with the approval word the message must quote, as written.
PROMISED = [
    ("83% of applicants get a yes at once; the others are all approved after an underwriter "
     "checks them.", "approved"),
    ("83% of applicants are approved at once, and the rest are approved too once an "
     "underwriter has looked.", "approved"),
    ("83% of applicants get a yes at once; the other 17% get a yes after an underwriter "
     "reviews them.", "yes"),
    (YES + "an underwriter checks the others and Approves them.", "Approves"),
    (YES + "the others get the loan after an underwriter reviews them.", "get the loan"),
    (YES + "the others are approved by an underwriter.", "approved"),
    (YES + "the others are automatically approved unless an underwriter objects.", "approved"),
    (YES + "the others are all approved, not declined, after an underwriter checks them.",
     "approved"),
    (YES + "the others never wait long before an underwriter approves them.", "approves"),
    (YES + "the others are accepted after a person looks at their file.", "accepted"),
    # The verb left out: the rate's yes is promised to the others too.
    ("83% of applicants are approved at once; the others are too, after an underwriter checks "
     "them.", "are too"),
    ("83% of applicants are approved at once, and so are the others after an underwriter checks "
     "them.", "so are"),
    ("83% of applicants get a yes straight away; the others get one too after an underwriter "
     "checks them.", "get one too"),
    ("83% of applicants get a yes straight away; the others get it too, once an underwriter "
     "checks them.", "get it too"),
    # An "or", "whether" or "some" away from the yes does not leave it open.
    (YES + "the others are approved after an underwriter or loan officer checks them.", "approved"),
    (YES + "the others are approved in a day or two after an underwriter checks them.", "approved"),
    (YES + "the others are approved after an underwriter checks their income or ID.", "approved"),
    (YES + "the others are approved after an underwriter checks whether their documents are "
     "complete.", "approved"),
    (YES + "the others are approved after an underwriter asks some questions.", "approved"),
    # A phrase that names the others by a negation does not negate their yes.
    ("83% of applicants are approved at once; anyone who isn't is approved after an "
     "underwriter checks them.", "approved"),
    ("83% of applicants are approved at once; those who don't are approved after an "
     "underwriter checks them.", "approved"),
    (YES + "those who aren't get approved after an underwriter checks them.", "approved"),
    # The loan, its money, or getting through.
    (YES + "the others are given the loan after an underwriter checks them.", "given the loan"),
    (YES + "the others are offered the loan after an underwriter checks them.", "offered the loan"),
    (YES + "the others get funded after an underwriter checks them.", "get funded"),
    (YES + "the others receive the funds after an underwriter checks them.", "receive the funds"),
    (YES + "the others get through after an underwriter checks them.", "get through"),
    (YES + "the others get approval after an underwriter checks them.", "approval"),
    # Other words for a yes: sign-off, OKs, clears, "approval comes after", "approval
    # follows", "have approval confirmed", the thumbs up, the nod, the all-clear, "get theirs".
    (YES + "an underwriter signs off the rest.", "signs off"),
    (YES + "an underwriter signs off on the rest.", "signs off"),
    (YES + "an underwriter signs off everyone else.", "signs off"),
    (YES + "the rest get sign-off from an underwriter.", "sign-off"),
    (YES + "the rest get final sign-off from an underwriter.", "sign-off"),
    ("About 83% of applicants are approved at once; the remaining 17% get an underwriter's "
     "sign-off.", "sign-off"),
    (YES + "for everyone else, approval comes after an underwriter checks their file.", "approval"),
    (YES + "for the rest, approval follows an underwriter's check.", "approval"),
    (YES + "the rest have approval confirmed by an underwriter.", "approval"),
    (YES + "an underwriter OKs the rest.", "OKs"),
    (YES + "an underwriter okays the rest after a check.", "okays"),
    (YES + "an underwriter clears the rest after a check.", "clears"),
    (YES + "the rest are cleared by an underwriter.", "cleared"),
    (YES + "the rest get the thumbs up from an underwriter.", "thumbs up"),
    (YES + "the rest get the nod from an underwriter.", "the nod"),
    (YES + "the rest get the all-clear from an underwriter.", "all-clear"),
    (YES + "the rest get theirs after an underwriter checks them.", "get theirs"),
]


#: A third red team's wrong sentences that passed or were told the wrong slip, and new ones of
#: the same kinds: the rate's yes given to the others "also", "too" or "as well" is promised
#: even "only after" a check; "can expect" or "can count on" a yes promises it; "succeed", "are
#: passed by", "are confirmed" (with the others as subject) and "approval comes within two
#: days" are a yes; "checks and approves the rest" names the others later in its statement.
PROMISED_AS_WELL = [
    (YES + "the rest are also approved, but only after an underwriter checks them.", "approved"),
    (YES + "the others are approved too, but only after a person checks their file.", "approved"),
    (YES + "the rest are, too, after an underwriter checks them.", "are, too"),
    (YES + "the others are, as well, after an underwriter reviews them.", "are, as well"),
    (YES + "the rest can expect approval after an underwriter checks them.", "approval"),
    (YES + "the others can count on approval after an underwriter checks them.", "approval"),
    (YES + "the rest succeed after an underwriter checks them.", "succeed"),
    (YES + "the rest are passed by an underwriter after a review.", "are passed"),
    (YES + "the others get passed by an underwriter after a check.", "get passed"),
    (YES + "the rest are confirmed by an underwriter after a check.", "are confirmed"),
    ("About 83% of applicants are approved at once; the remaining 17% are confirmed by an "
     "underwriter.", "are confirmed"),
    (YES + "for the rest, approval comes within two days, once an underwriter has checked.",
     "approval"),
    (YES + "for the others, approval comes in a day or two, after an underwriter checks.",
     "approval"),
    (YES + "an underwriter checks and approves the rest.", "approves"),
    (YES + "a person reviews and approves everyone else.", "approves"),
]



@pytest.mark.parametrize(("sentence", "word"), PROMISED + PROMISED_AS_WELL)
def test_07_1_a_yes_promised_to_the_others_fails(sentence, word):
    _assert_read(sentence, FAILED, f"your sentence promises the others a yes ('{word}'), but an "
                                   "underwriter checks their file and may decline it")


#: Right sentences the promise rule must leave passing: the others' yes is only possible
#: ("or", "whether", "if", "unless", "provided", "as long as", "only when", "may": "may be
#: approved after an underwriter checks them" leaves the yes open, not the check), given only to
#: some ("approves the ones who qualify"), negated, before it or after it ("not all", "not
#: necessarily", "can't approve at once", "approval isn't guaranteed"), only asked for ("need
#: an underwriter's approval") or "approval" named as the decision ("sent to an underwriter for
#: approval", "their approval depends on an underwriter"), or hedged ("often", "half").
OPEN = [
    YES + "an underwriter approves or declines the others.",
    YES + "an underwriter decides whether the others are approved.",
    YES + "the others are approved only if an underwriter agrees.",
    YES + "the rest get a yes or no after an underwriter reviews them.",
    YES + "an underwriter checks the others and decides.",
    YES + "the others may be approved after an underwriter checks them.",
    YES + "the others are approved unless an underwriter finds a problem.",
    YES + "not all of the others are approved; an underwriter checks each one and decides.",
    YES + "the others are not necessarily approved: an underwriter checks them and decides.",
    YES + "those who don't get an instant yes are checked by an underwriter.",
    YES + "the others need an underwriter's approval.",
    YES + "an underwriter reviews the others, approving some and declining others.",
    YES + "the others are sent to an underwriter for approval.",
    YES + "the others go to an underwriter for approval.",
    YES + "the others are referred to an underwriter for approval.",
    YES + "an underwriter checks the others for approval.",
    YES + "the others' approval depends on an underwriter.",
    YES + "the others' approval is up to an underwriter.",
    YES + "approval for the others is decided by an underwriter.",
    YES + "final approval for the others rests with an underwriter.",
    YES + "an underwriter reviews the others and makes the approval decision.",
    YES + "an underwriter checks the others and decides on approval.",
    YES + "the others are checked by an underwriter before approval.",
    YES + "an underwriter checks the others; approval isn't guaranteed.",
    YES + "an underwriter checks the others; a yes isn't guaranteed.",
    YES + "an underwriter checks the others; approval is not automatic for them.",
    YES + "an underwriter checks the others and approves the ones who qualify.",
    YES + "an underwriter checks the others and approves those that pass.",
    YES + "an underwriter checks the others and approves the good ones.",
    YES + "an underwriter checks the others and approves them when they qualify.",
    YES + "an underwriter checks the others and approves them only when they qualify.",
    YES + "the others are approved provided an underwriter agrees.",
    YES + "the others are approved as long as an underwriter agrees.",
    YES + "the others are approved so long as an underwriter agrees.",
    YES + "the others are approved only when an underwriter agrees.",
    YES + "the others are approved only once an underwriter agrees.",
    YES + "the others are approved on condition that an underwriter agrees.",
    YES + "the others are approved or turned down by an underwriter.",
    # A hedge of how often, or a share no bigger than half, is no promise ("most" is:
    # MOSTLY_PROMISED).
    YES + "the others are often approved after an underwriter checks them.",
    YES + "half the others are approved after an underwriter checks them.",
    # A second red-team reading's: the other outcome or a qualifier anywhere in the others'
    # clauses, across commas, brackets and dashes ("approved by an underwriter or declined",
    # "who may also decline them", "as appropriate", "eligible", "subject to", "at an
    # underwriter's discretion", "no guarantee", "only after an underwriter has agreed", "is
    # happy"), a yes that must be sought ("must be approved", "have to be approved"), "an
    # approval decision", and "get through" a check. The "only" of "only after" makes a
    # condition: "approved, but only after an underwriter checks them" passes too.
    YES + "the rest are approved by an underwriter or declined.",
    YES + "the rest are approved (or declined) by an underwriter.",
    YES + "the rest are approved - or declined - by an underwriter.",
    YES + "the rest are approved, or not, by an underwriter.",
    YES + "an underwriter either approves the other applicants or declines them.",
    YES + "an underwriter approves the other 17% or declines them.",
    YES + "the rest are approved by an underwriter, who may also decline them.",
    YES + "the rest are approved by an underwriter in some cases and declined in others.",
    YES + "an underwriter checks the rest and approves them as appropriate.",
    YES + "an underwriter checks the rest and approves them where appropriate.",
    YES + "an underwriter checks the rest and approves them when appropriate.",
    YES + "an underwriter checks the rest and approves them where suitable.",
    YES + "an underwriter checks the rest and approves eligible applicants.",
    YES + "an underwriter checks the rest and approves any that qualify.",
    YES + "an underwriter checks the rest and approves those eligible.",
    YES + "an underwriter checks the rest and approves them when they're eligible.",
    "About 83% of applicants are approved at once; the remaining 17% are approved subject to an "
    "underwriter's review.",
    YES + "the rest are approved depending on an underwriter's review.",
    YES + "the rest get approved at an underwriter's discretion.",
    YES + "the rest must be approved by an underwriter.",
    YES + "the rest must be approved by an underwriter first.",
    YES + "the rest have to be approved by an underwriter.",
    YES + "the rest must get approval from an underwriter.",
    YES + "the rest must be signed off by an underwriter.",
    YES + "the rest get an approval decision from an underwriter.",
    YES + "the rest receive an approval decision from an underwriter.",
    YES + "the rest get a final approval decision from an underwriter.",
    YES + "there's no guarantee the rest will be approved, as an underwriter checks them.",
    YES + "the rest are approved by an underwriter, but approval is not guaranteed.",
    YES + "the rest only get approval after an underwriter has agreed.",
    YES + "the rest are approved only once an underwriter is satisfied.",
    YES + "the rest are approved when an underwriter is happy with their file.",
    YES + "the rest get through a manual check by an underwriter, who decides.",
    YES + "the rest are approved case by case by an underwriter.",
    YES + "the rest are conditionally approved, pending an underwriter's review.",
    YES + "an underwriter checks the rest and approves them on merit.",
    YES + "the others are approved, but only after an underwriter checks them.",
]


#: The third red team's right sentences that failed, and new ones of the same kinds: a yes and
#: its other outcome ("a yes or no", "a yes or a no", "yes/no", "approved or not") negates no
#: person; a condition right after a decision and whom it is made by or for ("approved by an
#: underwriter if they qualify", "approves the others if they qualify", "where possible",
#: "when everything checks out") is on the outcome, not the check; "if you're not" names the
#: others, and so does a statement that names them after its verbs ("reviews and decides on
#: the rest"), or after an "if" that means "whether" ("decides if the rest get approved"); a
#: slash between outcomes is both ("approved/declined"); "not approved straight away" says
#: when, not whether.
RIGHT_NOW = [
    YES + "the others get a yes or no from an underwriter.",
    YES + "the rest get a yes or a no from an underwriter.",
    YES + "the rest get a final yes or no from an underwriter.",
    YES + "the rest are approved or not by an underwriter.",
    YES + "the others get a yes/no from an underwriter.",
    YES + "the others are accepted or not by an underwriter.",
    YES + "the rest are approved by an underwriter if they qualify.",
    YES + "the rest get approval from an underwriter if they qualify.",
    YES + "the rest are approved by one of our underwriters if everything checks out.",
    YES + "the rest are approved by an underwriter where possible.",
    YES + "an underwriter reviews the rest and approves them when everything checks out.",
    YES + "an underwriter approves the others if they qualify.",
    YES + "the others are approved by our underwriting team only if they qualify.",
    YES + "the others get a yes from an underwriter if everything checks out.",
    YES + "if you're not, an underwriter checks your file and decides.",
    YES + "if it's not, an underwriter reviews the application and decides.",
    YES + "if that's not the case, an underwriter checks the file and decides.",
    YES + "an underwriter reviews and decides on the rest.",
    YES + "an underwriter reviews and approves or declines the rest.",
    YES + "a loan officer looks at and decides on the others.",
    YES + "the underwriter decides if the rest get approved.",
    YES + "a person decides if the others get a yes.",
    YES + "the rest are approved/declined by an underwriter.",
    YES + "an underwriter approves/declines the others.",
    YES + "the rest go to an underwriter, so are not approved straight away.",
    YES + "the others go to an underwriter, so they are not approved right away.",
    YES + "the others wait for an underwriter, so are not approved at once.",
]



@pytest.mark.parametrize("sentence", OPEN + RIGHT_NOW)
def test_07_1_a_yes_left_open_for_the_others_passes(sentence):
    _assert_read(sentence, PASSED, "well done")


def test_07_1_a_refusal_of_the_others_is_told_before_a_promise():
    _assert_read(YES + "the others are declined, then approved after an underwriter checks them.",
                 FAILED, "says the others are turned down ('declined')")


#: A condition in the clause after the yes leaves it open too: the message is the one the
#: reader gave before the promise rule (the condition hedges the check).
CONDITION_NEXT = [
    (YES + "the others are approved after an underwriter checks them, if all is well.", "'if'"),
    (YES + "the others are approved after an underwriter checks them, but only if everything "
     "is in order.", "'only if'"),
    (YES + "the others are approved after an underwriter checks them, provided all is well.",
     "'provided'"),
]


@pytest.mark.parametrize(("sentence", "hedge"), CONDITION_NEXT)
def test_07_1_a_condition_after_the_yes_is_no_promise(sentence, hedge):
    _assert_read(sentence, FAILED, f"{hedge} hedges the check")


@pytest.mark.parametrize("condition", ["as long as", "so long as", "on condition that",
                                       "providing"])
def test_07_1_a_condition_opening_the_next_clause_leaves_the_yes_open(condition):
    _assert_read(f"{YES}the others are approved after an underwriter checks them, {condition} "
                 "all is well.", PASSED, "well done")


#: A machine that approves or checks the others is named before any promise is read.
MACHINE_FIRST = [
    (YES + "the others are approved by a computer.", "computer"),
    (YES + "the others are approved after a computer scores them.", "computer"),
    (YES + "the system may approve the others.", "system"),
    (YES + "the others may be approved by an AI underwriter.", "AI"),
]


@pytest.mark.parametrize(("sentence", "machine"), MACHINE_FIRST)
def test_07_1_a_machine_is_named_before_a_promise(sentence, machine):
    _assert_read(sentence, FAILED, f"your sentence names a machine for the others ('{machine}')")


def test_07_1_a_machine_set_against_a_person_is_named_before_a_promise():
    _assert_read(YES + "the others are approved after a computer, not a person, checks them.",
                 FAILED, "says a machine ('computer'), not a person, checks the others")


#: The fourth red-team reading's yes given to most of the others ("usually", "generally",
#: "most of whom", "nearly always", "in most cases"): callers repeat it as a promise, and the
#: message names the word. Each with that word and the approval word, as written.
MOSTLY_PROMISED = [
    (YES + "the others are usually approved by an underwriter.", "usually", "approved"),
    (YES + "the others are probably approved by an underwriter.", "probably", "approved"),
    (YES + "the others are checked by an underwriter and mostly approved.", "mostly",
     "approved"),
    (YES + "the others are checked by an underwriter and likely approved.", "likely",
     "approved"),
    (YES + "the others are checked by an underwriter and nearly all approved.", "nearly",
     "approved"),
    (YES + "an underwriter checks the others and approves most of them.", "most", "approves"),
    (YES + "most of the others are approved after an underwriter checks them.", "most",
     "approved"),
    (YES + "the rest are approved by an underwriter in most cases.", "in most cases",
     "approved"),
    (YES + "an underwriter checks the others, and they are usually approved.", "usually",
     "approved"),
    (YES + "underwriters check the rest, which are generally approved.", "generally",
     "approved"),
    (YES + "an underwriter checks the rest, most of whom are approved.", "most", "approved"),
    (YES + "an underwriter checks the rest and nearly always approves them.", "nearly",
     "approves"),
    (YES + "an underwriter checks the others, and most get a yes.", "most", "yes"),
    # new ones of the same kind
    (YES + "an underwriter reviews the others, who Typically get a yes.", "Typically", "yes"),
    (YES + "a person checks the rest and almost always approves them.", "almost", "approves"),
]


@pytest.mark.parametrize(("sentence", "mostly", "word"), MOSTLY_PROMISED)
def test_07_1_a_yes_given_to_most_of_the_others_is_a_promise(sentence, mostly, word):
    _assert_read(sentence, FAILED, f"'{mostly}' still promises the others a yes ('{word}'): "
                                   "callers will repeat it as one")


#: A yes the others wait for ("wait for an underwriter to approve them", "wait for an
#: underwriter's approval") or one a person signs off ("sign off their approval") will come.
WAITED_FOR = [
    (YES + "the others have to wait for an underwriter to approve them.", "approve"),
    (YES + "the rest need a person to sign off their approval.", "approval"),
    (YES + "the others wait for an underwriter's approval.", "approval"),
    # new ones of the same kind
    (YES + "the rest are awaiting a manager's approval.", "approval"),
    (YES + "the others wait on an underwriter to approve them.", "approve"),
    (YES + "the rest need an underwriter to sign off their approval.", "approval"),
]


@pytest.mark.parametrize(("sentence", "word"), WAITED_FOR)
def test_07_1_a_yes_the_others_wait_for_is_a_promise(sentence, word):
    _assert_read(sentence, FAILED, f"your sentence promises the others a yes ('{word}')")


#: A refusal that is the default ("declined unless an underwriter steps in", "if in doubt
#: declines") turns the others down; "approved unless an underwriter finds a problem" (OPEN)
#: and "approves or declines" stay open.
DEFAULT_NO = [
    ("About 83% of applicants are approved at once; the remainder are declined unless an "
     "underwriter steps in.", "declined"),
    (YES + "the others are declined unless an underwriter approves them.", "declined"),
    (YES + "an underwriter checks the others, and if in doubt declines.", "declines"),
    # new ones of the same kind
    (YES + "the rest are turned down unless a person overrides it.", "turned down"),
    (YES + "a person reviews the others and if in doubt turns them down.", "turns them down"),
    (YES + "the rest are rejected by default unless a person approves them.", "rejected"),
]


@pytest.mark.parametrize(("sentence", "word"), DEFAULT_NO)
def test_07_1_a_refusal_by_default_turns_the_others_down(sentence, word):
    _assert_read(sentence, FAILED, f"says the others are turned down ('{word}')")


#: A check only where needed, in some cases or when there is time hedges the check.
HEDGED_CHECK = [
    ("About 83% get a yes at once; an underwriter checks the others where necessary and "
     "decides.", "where necessary"),
    ("About 83% get a yes at once; in some cases an underwriter checks the rest and decides.",
     "in some cases"),
    ("About 83% get a yes at once; an underwriter checks the rest when there's time.",
     "when there's time"),
    (YES + "an underwriter checks the others as needed and decides.", "as needed"),
    (YES + "an underwriter checks the others when required and decides.", "when required"),
    # new ones of the same kind
    (YES + "a person reviews the rest, time permitting, and decides.", "time permitting"),
    (YES + "in certain cases a loan officer reviews the others.", "in certain cases"),
    (YES + "a person checks the rest when they have time.", "when they have time"),
]


@pytest.mark.parametrize(("sentence", "hedge"), HEDGED_CHECK)
def test_07_1_a_check_only_where_needed_is_hedged(sentence, hedge):
    _assert_read(sentence, FAILED, f"'{hedge}' hedges the check")


#: A share given to the others must be the 17% not approved at once (or a true rounding of
#: it); the message gives it.
FALSE_SHARE = [
    ("About 83% of applicants get a yes at once; an underwriter checks the other 27% and "
     "decides.", "other 27%"),
    ("About 83% of applicants get a yes at once; an underwriter checks the other 7% and "
     "decides.", "other 7%"),
    (YES + "an underwriter checks the other 50% and decides.", "other 50%"),
    (YES + "an underwriter checks the other half and decides.", "other half"),
    # new ones of the same kind
    (YES + "the remaining 20% are checked by a person who decides.", "remaining 20%"),
    (YES + "a person checks the other one in four and decides.", "other one in four"),
]


@pytest.mark.parametrize(("sentence", "share"), FALSE_SHARE)
def test_07_1_a_false_share_for_the_others_fails(sentence, share):
    _assert_read(sentence, FAILED, f"'{share}' is not the share of the others: 17% of "
                                   "applicants are not approved at once")


#: Words a caller would not understand, new to the jargon list.
@pytest.mark.parametrize(("sentence", "word"), [
    ("About 83% of applicants get a yes at once; those below the cutoff go to an underwriter "
     "who decides.", "cutoff"),
    ("About 83% of applicants score above the cut-off and are approved at once; an underwriter "
     "checks the rest.", "cut-off"),
    ("About 83% of applicants get a yes at once; the rest go to human-in-the-loop review.",
     "human-in-the-loop"),
    ("About 83% of applicants get a yes at once; the false negatives go to an underwriter who "
     "decides.", "false negatives"),
    (YES + "false positives are caught by an underwriter who checks the others.",
     "false positives"),
])
def test_07_1_new_jargon_fails(sentence, word):
    _assert_read(sentence, FAILED, f"a caller would not understand ['{word}']")


#: The fourth red-team reading's right sentences that failed, and new ones of the same kinds: a
#: machine's yes ("an automatic yes", "an automated approval") and "straight off" come at once;
#: "the remaining files" and "each remaining file" are the other applicants'; "83 of every
#: 100" states the rate; "an underwriter reviews and decides on all the others" after ", and"
#: is about the others; a true share for them passes.
RIGHT_FOURTH = [
    "Roughly 83 in 100 applicants get an automatic yes; the rest go to an underwriter who "
    "reviews the file and decides.",
    "About 83% of applicants get an automatic approval; an underwriter checks the file of each "
    "of the others and decides.",
    "About 83% get approved straight off; an underwriter checks the rest and makes the decision.",
    "Approximately 83% of applicants are approved immediately; an underwriter reviews each "
    "remaining file and decides.",
    "About 83% of applicants are approved immediately; the remaining files go to an "
    "underwriter, who checks them and decides.",
    "About 83 of every 100 applicants are approved at once; an underwriter checks the others "
    "and decides.",
    "About 83% of applicants get instant approval, and an underwriter reviews and decides on all "
    "the others.",
    # new ones of the same kinds
    "About 83% of applicants get an automated yes; a person checks the others and decides.",
    "Roughly 8 of every 10 applicants get a yes straight off; a person checks the rest.",
    YES + "the remaining files are checked by a person, who decides.",
    "About 83% of applicants are approved at once, and a loan officer checks and decides on the "
    "rest.",
    YES + "the other 17% are checked by an underwriter, who decides.",
    YES + "a person checks the other one in six and decides.",
]


@pytest.mark.parametrize("sentence", RIGHT_FOURTH)
def test_07_1_the_fourth_reading_right_sentences_pass(sentence):
    _assert_read(sentence, PASSED, "well done")


#: The fifth red-team reading's: sentences that state the opposite share passed. "All but 83%",
#: "except for 83%" and their kin leave the 83% out of those who get a yes at once; "miss out
#: on", "go without" and "lose" a yes, a yes not received or heard, refuse it to them. Each
#: message quotes the words and says what to write instead, without a sentence that passes.
OPPOSITE = [
    "All but 83% of applicants get a yes at once; a person checks the others.",
    "Except for 83% of applicants, everyone gets a yes at once; a person checks the others.",
    "All except about 83% of applicants get a yes at once; a person checks the others.",
    "Everyone but 83% of applicants gets a yes at once; a person checks the others.",
    "Save for 83% of applicants, everyone gets a yes at once; a person checks the others.",
    "Other than 83% of applicants, all get a yes at once; a person checks the others.",
    "Apart from 83% of applicants, everyone is approved at once; a person checks the others.",
    "Every applicant but 83% gets a yes at once; a person checks the others.",
    "All applicants except about 83% get a yes at once; a person checks the others.",
    "Excepting 83% of applicants, everyone gets a yes at once; a person checks the others.",
    "Bar 83% of applicants, everyone gets a yes at once; a person checks the others.",
    # A relative clause that says only that they apply ("who apply", "who ask for a loan")
    # does not say whom the left-out number counts.
    "All but 83% of applicants who apply get a yes at once; a person checks the others.",
    "All but 83% of applicants who applied get a yes at once; a person checks the others.",
    "All but 83% of applicants that apply get a yes at once; a person checks the others.",
    "All but 83% of applicants who ask for a loan get a yes at once; a person checks the others.",
    "Everyone except 83% of applicants who apply gets a yes at once; a person checks the others.",
    "All but 83% of people who have applied get a yes at once; a person checks the others.",
    "All but 83% of applicants who apply and register get a yes at once; a person checks the "
    "others.",
    "All but 83% of applicants that apply and qualify get a yes at once; a person checks the "
    "others.",
]
MISSED = [
    ("About 83% of applicants miss out on a yes at once; a person checks the others.",
     "miss out on a yes"),
    ("About 83% of applicants miss a yes at once; a person checks the others.", "miss a yes"),
    ("About 83% of applicants lose out on a yes at once; a person checks the others.",
     "lose out on a yes"),
    ("About 83% of applicants lose the instant approval; a person checks the others.",
     "lose the instant approval"),
    ("About 83% of applicants go without a yes at once; a person checks the others.",
     "go without a yes"),
    ("About 83% of applicants are left without a yes at once; a person checks the others.",
     "are left without a yes"),
    ("About 83% of applicants do not receive a yes at once; a person checks the others.",
     "not receive a yes"),
    ("About 83% of applicants never hear yes at once; a person checks the others.",
     "never hear yes"),
    ("About 83% of applicants are denied a yes at once; a person checks the others.", "denied"),
    ("About 83% of applicants are refused a yes at once; a person checks the others.",
     "refused"),
    ("About 83% of applicants lack a yes at once; a person checks the others.", "lack a yes"),
    ("About 83% of applicants are without a yes at once; a person checks the others.",
     "are without a yes"),
    ("About 83% of applicants fall short of a yes at once; a person checks the others.",
     "fall short of a yes"),
]
#: Right sentences near them: an exclusion that is not before the rate, or after "nobody"
#: ("only"); a miss negated or said of the others, only put off.
NEAR_OPPOSITE = [
    "83% of applicants get a yes at once, all but a few in seconds; a person checks the others.",
    "Nobody but 83% of applicants gets a yes at once; a person checks the others.",
    "No one except 83% of applicants gets a yes at once; a person checks the others.",
    "No applicant but 83% gets a yes at once; a person checks the others.",
    "Except on weekends, 83% of applicants get a yes at once; a person checks the others.",
    "83% of applicants get a yes at once and lose no time; a person checks the others.",
    "83% of applicants get a yes at once and never miss out; a person checks the others.",
    "83% of applicants get a yes at once; a person checks the others, so nobody misses out.",
    "83% of applicants get a yes at once; the others miss out on a yes at once and a person "
    "checks them.",
    "83% of applicants get a yes at once; the others go without a yes at once until a person "
    "checks them.",
    # The rate said of applicants who apply, with nothing left out.
    "83% of applicants who apply get a yes at once; a person checks the others.",
    "83% of people who ask for a loan get a yes at once; a person checks the others.",
    "Nobody but 83% of applicants who apply gets a yes at once; a person checks the others.",
    # A clause that says they apply and goes on to their yes says whom the number counts.
    "Apart from the 83% of callers who call in and get a yes at once, the others are checked by "
    "a person.",
    "Other than the 83% of applicants who applied and were approved on the spot, everyone else "
    "hears back from a person within two days.",
    "Apart from the 83% of people who apply for a loan and get a yes at once, a person checks "
    "the others.",
    "Other than the 83% of callers who call in today and get a yes at once, everyone else hears "
    "from a person.",
]


@pytest.mark.parametrize("sentence", OPPOSITE)
def test_07_1_a_rate_left_out_of_those_approved_fails(sentence):
    words = sentence[:sentence.index("83%") + 3]
    _assert_read(sentence, FAILED, f"'{words}' leaves those 83% out of the applicants who get "
                                   "a yes at once: a caller hears that 83% do not get one")
    _assert_read(sentence, FAILED, "Give 83% as the share who do get a yes at once, with no '")
    _assert_gives_no_answer(sentence)


def test_07_1_a_rate_left_out_quotes_the_words_that_leave_it_out():
    _assert_read("All except about 83% of applicants get a yes at once; a person checks the "
                 "others.", FAILED, "with no 'All except' before it, and say that a person "
                 "checks the others.")


@pytest.mark.parametrize(("sentence", "words"), MISSED)
def test_07_1_a_yes_missed_by_the_rates_applicants_fails(sentence, words):
    _assert_read(sentence, FAILED, f"turned down (or get no yes): '{words}' tells a caller those "
                                   "83% get no yes at once, the opposite of what happens: say "
                                   "that those 83% do get a yes at once.")
    _assert_gives_no_answer(sentence)


def _assert_gives_no_answer(sentence: str) -> None:
    """The review of the fifth reading's fix: the messages of a wrong first try gave the
    sentence that passes ("e.g. '83% of applicants get a yes at once; a person checks the
    others.'"); they say what to write, not the words."""
    message = evaluate(find_exercise("07.1"), sentence).message
    assert "e.g." not in message and "83% of applicants get" not in message, message


@pytest.mark.parametrize("sentence", NEAR_OPPOSITE)
def test_07_1_near_the_opposite_right_sentences_pass(sentence):
    _assert_read(sentence, PASSED, "well done")


def test_07_1_a_yes_missed_by_the_others_is_no_promise():
    """Of the others, a yes missed is not one promised ("miss out on a yes" no longer reads
    its "yes" as given)."""
    _assert_read("83% of applicants get a yes at once; the others miss out on a yes at once but "
                 "are approved after a person checks them.", FAILED, "promises the others a yes "
                 "('approved')")


#: The review of the fifth reading's fix: right sentences it failed as turning the others
#: down. A bare "miss out" or "lose out" misses no yes (they miss out on speed, on time); an
#: instant yes or instant approval missed or not got is put off, as a yes missed "at once" is,
#: not refused.
INSTANT_MISSED = [
    "83% of applicants get a yes at once; the others miss out only on the speed, as a person "
    "checks them.",
    "83% of applicants get a yes at once; a person checks the others, who lose out on nothing "
    "but time.",
    "83% of applicants get a yes at once; the others miss out on the instant decision, as a "
    "person checks them.",
    "83% of applicants get a yes at once; the others lose out on speed, not on a loan: a person "
    "checks them.",
    "83% of applicants get a yes at once; the rest go without an instant yes while a person "
    "checks them.",
    "83% of applicants get a yes at once; the others miss out on an instant yes and a person "
    "checks them.",
    "83% of applicants get a yes at once; the others miss out on the instant approval, as a "
    "person checks them.",
    "83% of applicants get a yes at once; the others don't get an instant yes and a person "
    "checks them.",
    "83% of applicants get a yes at once; the others are without a yes at once until a person "
    "checks them.",
]
#: A yes, a loan or approval missed outright, not only at once, still turns the others down.
OTHERS_MISS_A_YES = [
    ("83% of applicants get a yes at once; the others miss out on a yes and a person checks "
     "them.", "miss out on a yes"),
    ("83% of applicants get a yes at once; the others miss out on the loan and a person checks "
     "them.", "miss out on the loan"),
    ("83% of applicants get a yes at once; the others lose out on approval, as a person checks "
     "them.", "lose out on approval"),
    ("83% of applicants get a yes at once; the others lack a yes and a person checks them.",
     "lack a yes"),
]
#: Right sentences near the new exclusions and misses: "barring" and "excepting" before other
#: words, "bar" after a word, "without" a wait.
NEAR_EXCLUDED = [
    "Barring a problem, 83% of applicants get a yes at once; a person checks the others.",
    "Excepting weekends, 83% of applicants get a yes at once; a person checks the others.",
    "Bar none, 83% of applicants get a yes at once; a person checks the others.",
    "Nobody bar 83% of applicants gets a yes at once; a person checks the others.",
    "83% of applicants get a yes at once, without a wait; a person checks the others.",
]


@pytest.mark.parametrize("sentence", INSTANT_MISSED + NEAR_EXCLUDED)
def test_07_1_an_instant_yes_missed_by_the_others_and_near_exclusions_pass(sentence):
    _assert_read(sentence, PASSED, "well done")


@pytest.mark.parametrize(("sentence", "words"), OTHERS_MISS_A_YES)
def test_07_1_a_yes_missed_outright_by_the_others_turns_them_down(sentence, words):
    _assert_read(sentence, FAILED, f"the others are turned down ('{words}')")
