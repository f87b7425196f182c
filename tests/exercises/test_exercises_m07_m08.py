"""Modules 07 and 08's exercises: the solutions pass, typical mistakes get a hint."""

from __future__ import annotations

import math

import pytest

from deploydl.exercises.core import FAILED, PASSED, evaluate
from deploydl.exercises.registry import find_exercise


@pytest.fixture(scope="module")
def inputs():
    from deploydl.capstone.project import lesson_inputs

    return lesson_inputs()


def test_module_07(inputs):
    from dataclasses import replace

    from deploydl.communication.brief import Context
    from deploydl.communication.brief_page import brief_html
    from deploydl.exercises.m07 import DECISION

    rate = f"{inputs.evaluation['approval_rate']:.0%}"
    cases = {
        "07.1": (f"About {rate} of applicants get a yes at once; a person checks the rest.",
                 f"The classifier approves {rate} at threshold 0.3."),
        "07.2": ({"board": "value", "regulator": "fairness", "call-centre": "decisions",
                  "engineers": "cost"},
                 {"board": "cost", "regulator": "fairness", "call-centre": "decisions",
                  "engineers": "value"}),
        "07.3": (inputs.fairness["demographic_parity_ratio"],
                 1 / inputs.fairness["demographic_parity_ratio"]),
        "07.4": tuple(brief_html(replace(inputs, context=Context(decision=decision)))
                      for decision in (DECISION, "")),
    }
    for exercise_id, (right, wrong) in cases.items():
        exercise = find_exercise(exercise_id)
        assert evaluate(exercise, right).status == PASSED, exercise_id
        assert evaluate(exercise, wrong).status == FAILED, exercise_id


def test_07_1_accepts_the_rate_in_any_plain_form_and_rejects_wrong_numbers(inputs):
    rate = inputs.evaluation["approval_rate"]
    tens = round(rate * 10)
    fifths = round(rate * 5)
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
             "ten"]
    tail = " of applicants get a yes straight away; a person checks the others."
    right = [f"About {rate:.0%}{tail}", f"About {rate:.1%}{tail}",
             f"About {rate * 100:.1f} per cent{tail}", f"About {tens} in 10{tail}",
             f"About {words[tens]} in ten{tail}", f"About {words[fifths]} in five{tail}",
             f"About {round(rate * 100)} out of 100{tail}"]
    wrong = [f"About {tens + 1} in 10{tail}", f"About {tens - 1} in 10{tail}",
             f"About {rate * 100 + 2:.0f}%{tail}", f"About {words[tens + 1]} in ten{tail}",
             f"About {rate * 100 - 1.5:.1f}%{tail}", f"Most{tail}"]
    exercise = find_exercise("07.1")
    for answer in right:
        assert evaluate(exercise, answer).status == PASSED, answer
    for answer in wrong:
        result = evaluate(exercise, answer)
        assert result.status == FAILED, answer
        assert f"'{rate:.0%}' or '{tens} in 10'" in result.message, result.message


def _assert_said_of_the_right_group(right, wrong):
    """Exercise 07.1 passes each ``right`` sentence and refuses each ``wrong`` one for saying
    the rate of the applicants a person checks."""
    exercise = find_exercise("07.1")
    for answer in right:
        assert evaluate(exercise, answer).status == PASSED, answer
    for answer in wrong:
        result = evaluate(exercise, answer)
        assert result.status == FAILED and "waiting for a person" in result.message, answer


def test_07_1_people_and_the_systems_own_check_are_not_a_referral(inputs):
    """The fourth review's: "people" as the subject, or a check the system makes, says nobody
    is sent to a person; "by a person", "a person checks" still do."""
    rate = inputs.evaluation["approval_rate"]
    pct, tens = f"{rate:.0%}", round(rate * 10)
    right = [f"{pct} of people are approved at once; the rest are reviewed by an underwriter.",
             f"About {tens} in 10 people get a yes straight away, and an underwriter looks at "
             "the rest.",
             f"Roughly {pct} of people applying are approved at once; for the rest, an "
             "underwriter decides.",
             f"{pct} of applicants are approved at once after a quick automatic check; an "
             "underwriter reviews the rest.",
             f"{pct} of applicants pass our checks and get a yes at once; the rest go to an "
             "underwriter."]
    wrong = [f"{pct} of people are checked by a person first, then get a yes.",
             f"{pct} of applicants get a yes once a person checks their file.",
             f"{pct} of people go to our staff for a yes; the others are approved at once.",
             f"{pct} wait for a person while the rest get an instant yes."]
    _assert_said_of_the_right_group(right, wrong)


def test_07_1_reads_whose_file_waits_and_what_a_negation_reaches(inputs):
    """The seventh review's: "the rest of the file" and "someone does the check" make the rate
    the share a person checks; "without talking to our staff" says nobody does."""
    rate = inputs.evaluation["approval_rate"]
    pct = f"{rate:.0%}"
    right = [f"{pct} of applicants are approved at once without talking to our staff; a person "
             "checks the rest.",
             f"{pct} of applicants are approved at once, without talking to our staff; a "
             "person checks the rest.",
             f"{pct} of applicants get a yes at once with no need to speak to a person; the "
             "rest go to an underwriter.",
             f"{pct} of applicants get a yes at once and the rest of them wait for a person.",
             f"{pct} of applicants get a yes at once before the rest are checked by a person.",
             f"{pct} of applicants get a yes at once; someone does the check for the rest."]
    wrong = [f"{pct} of applicants get approved once the rest of the file is checked by a "
             "person.",
             f"{pct} of applicants get a yes after the remainder of the paperwork is checked "
             "by a person.",
             f"{pct} of applicants get a yes once the rest is checked by a person.",
             f"{pct} of applicants are approved after someone does the check.",
             f"{pct} of applicants are approved after our team has done the checks.",
             f"{pct} of applicants are approved once someone on our team has a look.",
             f"{pct} of applicants are approved once somebody signs off.",
             f"{pct} of applicants who do not need a person wait for an underwriter."]
    _assert_said_of_the_right_group(right, wrong)


def test_07_1_takes_a_true_close_bound_and_says_what_is_off_with_any_other(inputs):
    rate = inputs.evaluation["approval_rate"]
    tens = round(rate * 10)
    tail = " of applicants get a yes at once; the rest go to an underwriter."
    exercise = find_exercise("07.1")
    for bound in (f"More than {tens * 10}%", f"Over {tens} in 10", f"At least {tens * 10}%",
                  f"Nearly {tens * 10 + 5}%"):
        assert evaluate(exercise, bound + tail).status == PASSED, bound
    says = {f"Fewer than {tens} in 10": f"'Fewer than {tens} in 10' is not true",
            f"More than {tens * 10 + 10}%": f"'More than {tens * 10 + 10}%' is not true",
            f"More than {tens * 10 - 30}%": f"'More than {tens * 10 - 30}%' is true but too far",
            f"About {tens * 10}%": f"you wrote '{tens * 10}%', but {rate:.1%} get a yes"}
    for given, message in says.items():
        result = evaluate(exercise, given + tail)
        assert result.status == FAILED and message in result.message, result.message
        assert f"'{rate:.0%}' or '{tens} in 10'" in result.message, result.message


def test_07_1_says_the_rule_of_the_form_it_refuses(inputs):
    """The eighth review's: "80%" is refused because a percentage is the rate to the nearest
    point, "80 in 100" because N is the nearest whole number for that M; the message says so,
    not "rounded is fine, e.g. '8 in 10'", which read as if 80% were fine."""
    rate = inputs.evaluation["approval_rate"]
    tens, hundreds = round(rate * 10), round(rate * 100)
    assert hundreds != tens * 10, "the cases below need a rate that tens round off"
    tail = " of applicants get a yes at once; the rest go to an underwriter."
    exercise = find_exercise("07.1")
    says = {f"About {tens * 10}%": "A percentage must be that share to the nearest point",
            f"About {tens * 10} in 100": "In 'N in 100', N must be the nearest whole number, "
                                         f"{hundreds};"}
    for given, rule in says.items():
        result = evaluate(exercise, given + tail)
        assert result.status == FAILED and rule in result.message, result.message
        assert "rounded is fine" not in result.message, result.message
        assert f"'{rate:.0%}' or '{tens} in 10'" in result.message, result.message
    percentage = evaluate(exercise, f"About {tens * 10}%{tail}").message
    assert "'N in 10' is rounded by its form" in percentage, percentage


def test_07_1_names_the_share_a_person_checks_and_asks_for_the_other(inputs):
    """A true sentence about the share sent to a person is refused (the lab asks for the share
    approved at once) with a message that says which share it gave, not that it is false."""
    rate = inputs.evaluation["approval_rate"]
    tail = " of applicants are sent to an underwriter; everyone else gets a yes at once."
    exercise = find_exercise("07.1")
    other = {f"{1 - rate:.0%}": "About", f"{round((1 - rate) * 10)} in 10": "About",
             f"fewer than {(1 - rate) * 100 + 3:.0f}%": ""}
    for words, before in other.items():
        sentence = f"{before} {words}{tail}".strip().capitalize()
        result = evaluate(exercise, sentence)
        assert result.status == FAILED, words
        written = sentence[sentence.lower().index(words):][:len(words)]  # quoted as written
        assert f"'{written}' is the share a person checks" in result.message, result.message
        assert "the share that gets a yes at once" in result.message, result.message
        assert "not true" not in result.message and ", but " not in result.message


def test_07_1_a_bound_on_the_wrong_side_of_the_rate_is_not_true(inputs):
    """ "Less than 83%" of 83.3% is false even though 83% rounds to it: a bound is read against
    the unrounded rate. A true close bound still passes."""
    rate = inputs.evaluation["approval_rate"]
    tail = " of applicants get a yes at once; the rest wait for a person to check."
    exercise = find_exercise("07.1")
    for bound in (f"Less than {rate * 100 - 0.3:.1f}%", f"More than {rate * 100 + 0.3:.1f}%",
                  f"Nearly {rate * 100 - 0.3:.1f}%", f"Under {rate * 100 - 0.1:.1f}%"):
        result = evaluate(exercise, bound + tail)
        assert result.status == FAILED and f"'{bound}' is not true" in result.message, (
            result.message)
    for bound in (f"Nearly {rate * 100 + 1.5:.0f}%", f"At least {rate * 100 - 0.3:.1f}%",
                  f"Under {rate * 100 + 0.3:.1f}%"):
        assert evaluate(exercise, bound + tail).status == PASSED, bound


def test_07_1_a_negation_reaches_a_person_waiting_and_a_team_having_to_check(inputs):
    """ "without a person waiting on them": "waiting" says what the negated person does, it
    is not a verb of its own; "without anyone on our team having to check" negates a check."""
    pct = f"{inputs.evaluation['approval_rate']:.0%}"
    right = [f"{pct} of applicants get approved at once without a person waiting on them; "
             "others wait for a person.",
             f"{pct} of applicants get a yes at once with no person waiting on them; others "
             "wait for a person.",
             f"{pct} get approved at once without anyone on our team having to check; the rest "
             "wait a day for an underwriter."]
    wrong = [f"{pct} of applicants get approved at once with a person waiting on them; others "
             "wait.",
             f"{pct} of applicants are approved once someone on our team has to check."]
    _assert_said_of_the_right_group(right, wrong)


#: The tenth review's: sentences with the right number (``{pct}``) that 07.1 passed, each with
#: words its message must hold: the number said of the applicants who wait for a person, the
#: others turned down, nothing said of the others, a yes that does not come at once, a yes
#: negated.
RIGHT_NUMBER_WRONG_SPLIT = [
    ("{pct} of applicants get a yes, but only once a person has checked their file.",
     "wait for a person ('person')"),
    ("About {pct} of applicants are approved: a person checks their file first.",
     "wait for a person"),
    ("About {pct} of applicants get approved later, once an underwriter has looked at their "
     "file.", "wait for a person ('underwriter')"),
    ("About {pct} of callers will be approved later, after a person checks their file, and the "
     "rest at once.", "wait for a person"),
    ("About {pct} of applicants are approved at once; the other 17% are declined.",
     "the others are turned down ('declined')"),
    ("About {pct} of applicants are approved at once and the rest are turned down.",
     "the others are turned down"),
    ("About {pct} of applicants are approved at once; everyone else is refused.",
     "the others are turned down ('refused')"),
    ("About {pct} of applicants are approved at once; the rest get a no without anyone "
     "looking.", "the others are turned down ('get a no')"),
    ("About {pct} of applicants get a yes at once; a person turns down the rest.",
     "the others are turned down ('turns down')"),
    ("About {pct} of applicants get a yes at once; the rest are declined after a person checks.",
     "the others are turned down ('declined')"),
    ("About {pct} of applicants get a yes straight away.", "say what happens to the others"),
    ("About {pct} of applicants eventually get a yes; the rest go to an underwriter.",
     "'eventually' says those"),
    ("About {pct} of applicants get a yes within a week; the rest go to an underwriter.",
     "'within' says those"),
    ("About {pct} of applicants are approved; the others are declined.",
     "get a yes at once: write 'at once'"),
    ("About {pct} of applicants are unlikely to get a yes straight away; the rest go to an "
     "underwriter.", "turned down (or get no yes)"),
    ("For {pct} of applicants no yes comes at once; the rest go to an underwriter.",
     "turned down (or get no yes)"),
    # the fifth red-team reading's: a refusal after the clause that refers the others
    ("{pct} of applicants are approved at once; a person checks the others and declines them.",
     "the others are turned down ('declines')"),
    ("{pct} of applicants are approved at once; the others go to an underwriter, who declines "
     "them all.", "the others are turned down ('declines')"),
    ("{pct} of applicants are approved at once; the others go to an underwriter, who turns them "
     "all down.", "the others are turned down ('turns them all down')"),
    ("{pct} of applicants are approved at once; the others are reviewed, then declined.",
     "the others are turned down ('declined')"),
    ("{pct} of applicants are approved at once; the others wait, and an underwriter then "
     "rejects them.", "the others are turned down ('rejects')"),
    ("{pct} of applicants are approved at once; the others are sent to an underwriter; all of "
     "them are declined.", "the others are turned down ('declined')"),
    ("{pct} of applicants are approved at once; the others go to an underwriter, but all get a "
     "no.", "the others are turned down ('get a no')"),
    ("{pct} of applicants are approved at once; the others are checked against our credit rules "
     "and declined.", "the others are turned down ('declined')"),
    # and its machine that checks the others (named with no person)
    ("{pct} of applicants are approved at once; the other 17% are checked by the computer "
     "again.", "names a machine for the others ('computer')"),
    ("{pct} of applicants are approved at once; the others are reviewed by a computer.",
     "names a machine for the others ('computer')"),
    ("{pct} of applicants are approved at once; the rest are checked by our automated system "
     "later.", "names a machine for the others ('automated')"),
    ("{pct} of applicants are approved at once; the others are checked again automatically.",
     "names a machine for the others ('automatically')"),
    # and a referral after a semicolon that does not name whom it refers
    ("{pct} of applicants are approved immediately; an underwriter reviews their application.",
     "name the others in that clause"),
    # a "may" in another clause does not soften a refusal (a review of the last change)
    ("{pct} of applicants get a yes at once; the others are declined, though a person can "
     "check them on appeal.", "turned down ('declined')"),
    ("{pct} of applicants get a yes at once; the others are turned down and a person reviews "
     "some of them.", "turned down ('turned down')"),
    ("{pct} of applicants get a yes at once; the others are rejected, and some of them are "
     "reviewed by staff.", "turned down ('rejected')"),
    # the eleventh review's: a refusal in other words, a person negated or not named for the
    # others, and a word for "at once" with no yes
    ("{pct} of applicants get a yes at once; the others are told no but can ask an underwriter "
     "to check.", "the others are turned down ('told no')"),
    ("{pct} of applicants get a yes at once; the others never hear back from an underwriter.",
     "no person looks at the others ('underwriter' is negated)"),
    ("{pct} of applicants get a yes at once; the others are never seen by a person.",
     "no person looks at the others ('person' is negated)"),
    ("{pct} of applicants get a yes at once; the others wait.",
     "say who looks at the others"),
    ("{pct} of applicants are processed at once; an underwriter checks the others.",
     "say of those 83% that they get a yes"),
    ("{pct} of applicants are dealt with immediately; the others go to an underwriter.",
     "say of those 83% that they get a yes"),
    # the twelfth review's: a negated yes or refusal in the rate's own clause names nobody
    ("{pct} of applicants are not approved immediately; the rest are checked by an "
     "underwriter.", "turned down (or get no yes)"),
    ("{pct} of applicants are not accepted at once; an underwriter checks the others.",
     "turned down (or get no yes)"),
    ("{pct} of applicants aren't turned down at once; an underwriter checks the others.",
     "say of those 83% that they get a yes"),
    # a refusal by a machine, softened or not, and "an automatic no"
    ("{pct} of applicants are approved at once; the others are automatically declined unless a "
     "person objects.", "the others are turned down ('declined')"),
    ("{pct} of applicants are approved at once; the others get an automatic no, and a person "
     "explains it.", "the others are turned down ('get an automatic no')"),
    ("{pct} of applicants are approved at once; the others get an automatic no, which an "
     "underwriter can appeal.", "the others are turned down ('get an automatic no')"),
    # a machine checks the others, whatever person is named beside it
    ("{pct} of applicants are approved at once; the others are checked by the computer instead "
     "of an underwriter.", "names a machine for the others ('computer')"),
    ("{pct} of applicants are approved at once; the others are checked by software that "
     "replaces underwriters.", "names a machine for the others ('software')"),
    ("{pct} of applicants are approved at once; the others are checked by the system while a "
     "person watches.", "names a machine for the others ('system')"),
    ("{pct} of applicants are approved at once; the others are checked by the computer, which a "
     "person built.", "names a machine for the others ('computer')"),
    ("Immediately approved: {pct} of applicants. The system checks the others, and an "
     "underwriter audits it yearly.", "names a machine for the others ('system')"),
    ("{pct} of applicants are approved at once; the others are scored by the computer and a "
     "person is told.", "names a machine for the others ('computer')"),
    ("{pct} of applicants are approved at once; the others are checked automatically, and a "
     "person signs off.", "names a machine for the others ('automatically')"),
    ("{pct} of applicants are approved at once; the rest are handled by the computer, with a "
     "person on call.", "names a machine for the others ('computer')"),
    # a person or a check negated after the word, through "reach", or with a bystander
    ("{pct} of applicants are approved at once; the others lose their application, and "
     "underwriters are not involved.", "('underwriters' is negated)"),
    ("{pct} of applicants are approved at once; the others can't reach an underwriter.",
     "('underwriter' is negated)"),
    ("{pct} of applicants are approved at once; the others never reach an underwriter.",
     "('underwriter' is negated)"),
    ("{pct} of applicants are approved at once; the others are never checked, though "
     "underwriters exist.", "('checked' is negated)"),
    ("{pct} of applicants are approved at once; the others must wait, as underwriters are off.",
     "('underwriters' is negated)"),
    # the number said of something else
    ("Our model is {pct} accurate and approves most applicants at once; an underwriter checks "
     "the others.", "'{pct} accurate' is not said of applicants"),
    ("The model is right {pct} of the time, so most applicants get a yes at once; a person "
     "checks the others.", "'{pct} of the time' is not said of applicants"),
    ("{pct} of loans are repaid; most applicants get a yes at once and an underwriter checks "
     "the others.", "'{pct} of loans' is not said of applicants"),
    ("The system is {pct} confident, so most applicants get a yes at once; a person checks the "
     "others.", "'{pct} confident' is not said of applicants"),
    ("Approvals are {pct} faster: most applicants get a yes at once; a person checks the "
     "others.", "'{pct} faster' is not said of applicants"),
    # a hedge on the yes or on the check
    ("{pct} of applicants may be approved at once; an underwriter checks the others.",
     "'may' hedges the yes"),
    ("{pct} of applicants might get a yes at once; an underwriter checks the others.",
     "'might' hedges the yes"),
    ("{pct} of applicants can be approved at once; an underwriter checks the others.",
     "'can' hedges the yes"),
    ("{pct} of applicants could get a yes at once; a person checks the others.",
     "'could' hedges the yes"),
    ("{pct} of applicants are probably approved at once; an underwriter checks the others.",
     "'probably' hedges the yes"),
    ("{pct} of applicants are hopefully approved at once; an underwriter checks the others.",
     "'hopefully' hedges the yes"),
    ("{pct} of applicants are usually approved at once; an underwriter checks the others.",
     "'usually' hedges the yes"),
    ("{pct} of applicants are approved at once; an underwriter may check the others.",
     "'may' hedges the check"),
    ("{pct} of applicants are approved at once; an underwriter sometimes checks the others.",
     "'sometimes' hedges the check"),
    ("{pct} of applicants are approved at once; an underwriter checks some of the others.",
     "'some of' hedges the check"),
    ("{pct} of applicants are approved at once; an underwriter checks most of the others.",
     "'most of' hedges the check"),
    ("{pct} of applicants are approved at once; a person checks the others, but only some of "
     "them.", "'some of' hedges the check"),
    ("{pct} of applicants are approved at once; the others are checked by an underwriter if one "
     "is available.", "'if' hedges the check"),
    ("{pct} of applicants are approved at once; an underwriter rarely looks at the others.",
     "'rarely' hedges the check"),
    ("{pct} of applicants are approved at once; an underwriter tries to check the others.",
     "'tries to' hedges the check"),
    # a refusal in other words
    ("{pct} of applicants are approved at once; the others get bad news from a loan officer.",
     "the others are turned down ('bad news')"),
    ("{pct} of applicants are approved at once; an underwriter checks the others and usually "
     "says no.", "the others are turned down ('says no')"),
    # the third red-team reading's: a check of only some of the others, a machine named as
    # a person, a late yes called quick
    ("About {pct} of applicants are approved at once; an underwriter checks a sample of the "
     "others.",
     "'a sample of' hedges the check"),
    ("About {pct} of applicants are approved at once; an underwriter spot-checks the others.",
     "'spot-checks' hedges the check"),
    ("About {pct} of applicants are approved at once; an underwriter checks half of the "
     "others.",
     "'half of' hedges the check"),
    ("About {pct} of applicants are approved at once; an underwriter checks the others at "
     "random.",
     "'at random' hedges the check"),
    ("About {pct} of applicants are approved at once; an underwriter checks the others on "
     "request.",
     "'on request' hedges the check"),
    ("About {pct} of applicants are approved at once; the others are checked by an underwriter "
     "only when they complain.",
     "'only when' hedges the check"),
    ("About {pct} of applicants are approved at once; the others are checked by an underwriter "
     "only once they appeal.",
     "'only once' hedges the check"),
    ("About {pct} of applicants are approved at once; an underwriter checks the others, except "
     "the self-employed.",
     "'except' hedges the check"),
    ("About {pct} of applicants are approved at once; an underwriter checks the others above "
     "10,000 dollars.",
     "'above 10,000 dollars' hedges the check"),
    ("About {pct} of applicants are approved at once; an AI underwriter checks the others.",
     "names a machine for the others ('AI')"),
    ("About {pct} of applicants are approved at once; a digital underwriter checks the others.",
     "names a machine for the others ('digital')"),
    ("About {pct} of applicants are approved at once; our chatbot agent checks the others.",
     "names a machine for the others ('chatbot')"),
    ("About {pct} of applicants are approved at once; a robo-adviser reviews the others.",
     "names a machine for the others ('robo-adviser')"),
    ("About {pct} of applicants are approved at once; a bot reviews the others and a person "
     "watches.",
     "names a machine for the others ('bot')"),
    ("About {pct} of applicants are approved at once; the others are left to an underwriter's "
     "assistant bot.",
     "names a machine for the others ('bot')"),
    ("About {pct} of applicants are approved quickly, in about two weeks; an underwriter "
     "checks the others.",
     "'in about two weeks' says"),
    ("About {pct} of applicants are approved quickly, in 48 hours; an underwriter checks the "
     "others.",
     "'in 48 hours' says"),
    ("About {pct} of applicants are approved at once next month; an underwriter checks the "
     "others.",
     "'next month' says"),
    # a review of the third reading's changes: a number set off after a word for the
    # applicants but said of something else, a condition not about the applicant, a hedge in a
    # clause of its own, a share with no "of", a late yes in a few weeks
    ("Most applicants are approved at once, with {pct} accuracy; an underwriter checks the "
     "others.", "is not said of applicants"),
    ("Most applicants are approved at once (accuracy {pct}); an underwriter checks the others.",
     "is not said of applicants"),
    ("Most applicants are approved at once - about {pct} of loans - and an underwriter checks "
     "the others.", "'{pct} of loans' is not said of applicants"),
    ("For applicants, accuracy is {pct}, so most are approved at once; an underwriter checks "
     "the others.", "is not said of applicants"),
    ("{pct} of applicants are approved at once; the others are checked by an underwriter if the "
     "queue isn't long.", "'if' hedges the check"),
    ("{pct} of applicants are approved at once; an underwriter checks the others when the queue "
     "isn't long.", "'when the queue isn't' hedges the check"),
    ("{pct} of applicants are approved at once; an underwriter checks the others, but only when "
     "they complain.", "'only when' hedges the check"),
    ("{pct} of applicants are approved at once; an underwriter checks the others, if one is "
     "free.", "'if' hedges the check"),
    ("{pct} of applicants are approved at once; an underwriter checks the others, when "
     "possible.", "'when possible' hedges the check"),
    ("{pct} of applicants are approved at once; an underwriter checks the others, at random.",
     "'at random' hedges the check"),
    ("{pct} of applicants are approved at once; an underwriter checks the others, but only on "
     "request.", "'on request' hedges the check"),
    ("{pct} of applicants are approved at once; an underwriter checks the others, but not all "
     "of them.", "'not all of' hedges the check"),
    ("{pct} of applicants are approved at once; an underwriter checks half the others.",
     "'half' hedges the check"),
    ("{pct} of applicants are approved at once; an underwriter checks some others.",
     "'some' hedges the check"),
    ("{pct} of applicants are approved at once; an underwriter checks most others.",
     "'most' hedges the check"),
    ("{pct} of applicants are approved at once; an underwriter checks selected others.",
     "'selected' hedges the check"),
    ("{pct} of applicants are approved at once; an underwriter checks 10% of the others.",
     "'10% of' hedges the check"),
    ("{pct} of applicants are approved at once; an underwriter checks one in ten of the others.",
     "'one in ten of' hedges the check"),
    ("{pct} of applicants are approved at once; an underwriter checks a handful of the others.",
     "'a handful of' hedges the check"),
    ("{pct} of applicants are approved quickly, in a few weeks; an underwriter checks the "
     "others.", "'in a few weeks' says"),
    ("{pct} of applicants are approved quickly, in a couple of weeks; an underwriter checks the "
     "others.", "'in a couple of weeks' says"),
    ("{pct} of applicants are approved quickly, in 2 to 3 days; an underwriter checks the "
     "others.", "'in 2 to 3 days' says"),
]
#: Right sentences that must keep passing: the tenth review's thirteen; the others named by
#: their share or before the number, or sent to a person who may decline them; other words
#: for "at once".
RIGHT_SPLIT = [
    "Around {pct} of applicants are approved on the spot; for everyone else, a loan officer "
    "reviews the file before deciding.",
    "Most applicants, {pct}, hear yes right away, while the remaining 17% have their "
    "application checked by a member of staff.",
    "83 out of 100 applicants get an instant yes; the other 17 wait for one of our team to "
    "look at their file.",
    "Eight in ten applicants are approved immediately, and a colleague reviews the rest by hand.",
    "About {pct} of people who apply are approved straight away; our underwriters look at the "
    "others.",
    "If you apply, there is about an {pct} chance you get a yes straight away; otherwise a "
    "person checks your file.",
    "About {pct} of callers get approved at once, and the others get a callback after a person "
    "checks their application.",
    "Roughly 83 per cent of applications are approved instantly; a specialist checks the "
    "remaining ones.",
    "We say yes at once to about {pct} of applicants; the rest are passed to a person who "
    "checks their details.",
    "About {pct} of applicants get an answer of yes at once; a person looks at everyone else's "
    "file.",
    "A yes comes straight away for about {pct} of applicants; an underwriter checks the others.",
    "About {pct} of applicants are accepted right away; someone on our team reviews the rest.",
    "About {pct} of applicants are approved without waiting; the others are checked by a person "
    "first.",
    "About {pct} of applicants get a yes at once; 17% go to an underwriter.",
    "About {pct} of applicants get a yes at once, and about one in six wait for a person.",
    "For everyone else an underwriter takes a look, while about {pct} get a yes at once.",
    "About {pct} of applicants get a yes at once; the rest go to an underwriter who may decline "
    "them.",
    "About {pct} of applicants get a yes at once; the rest go to an underwriter who approves or "
    "declines them.",
    "About {pct} of applicants get an immediate yes; a person checks the others.",
    "About {pct} of applicants get an on-the-spot yes; a person checks the others.",
    "About {pct} of applicants get a yes within seconds; a person checks the others.",
    "About {pct} of applicants get a yes the moment they apply; a person checks the others.",
    # the fifth red-team reading's: the others named without a word that starts their clause
    "{pct} of applicants are approved immediately; anyone else is reviewed by an underwriter.",
    "{pct} of applicants are approved immediately; if not, an underwriter reviews their "
    "application.",
    "{pct} of applicants are approved immediately; the ones who aren't are reviewed by an "
    "underwriter.",
    "{pct} of applicants are approved immediately; applicants not approved at once are reviewed "
    "by an underwriter.",
    "Five out of six applicants are approved immediately, and an underwriter reviews the sixth.",
    "For the 17% not approved at once, an underwriter decides; the other {pct} get an immediate "
    "yes.",
    "{pct} of applicants are approved immediately; those who aren't go to an underwriter.",
    # and its other words for the rate, the person and "at once"
    "Roughly 83 out of every 100 applicants are approved at once; a person reviews the others.",
    "{pct} of applicants are approved at once; the remaining 17% go to underwriting.",
    "{pct} of applicants are approved at once; the others go to our underwriting team.",
    "{pct} of applicants are approved at once; the others are decided by a credit analyst.",
    "{pct} of applicants are approved at once; a credit analyst decides on the others.",
    "{pct} of applicants are approved then and there; the others go to an underwriter.",
    "{pct} of applicants are approved in real time; the others go to an underwriter.",
    "{pct} of applicants are approved on the same call; the others go to an underwriter.",
    "{pct} of applicants are approved while they're still on the phone; the others go to an "
    "underwriter.",
    "{pct} of applicants are approved at once; an underwriter reviews the others and declines "
    "some.",
    "{pct} of applicants are approved instantly; those not approved are reviewed by an "
    "underwriter.",
    "{pct} of applicants are approved at once; applicants who do not get an instant yes are "
    "checked by a person.",
    "{pct} of applicants are approved at once; the ones left are checked by a person.",
    "{pct} of applicants are approved at once; if you are not, a person checks your file.",
    "{pct} of applicants are approved with no wait; a person checks the rest.",
    "{pct} of applicants get a yes at once; a credit assessor looks at the others with the "
    "system's notes.",
    "{pct} of applicants get a yes at once; the others are reviewed by a person since the "
    "model is not confident about them.",
    "{pct} of applicants are approved at once; an underwriter reviews the others, approving "
    "some and declining others.",
    # the eleventh review's: "a quick yes", "a reviewer" as the person, and the yes before the
    # number
    "{pct} of applicants get a quick yes; a person checks the others.",
    "{pct} of applicants get a yes at once; the others go to a reviewer.",
    "Immediately approved: {pct} of applicants. A person reviews the others.",
    # the twelfth review's: the others named by a noun with a negation, the number in words,
    # other words for the yes and for the person
    "{pct} of applicants are approved at once; the 17% who aren't approved are reviewed by an "
    "underwriter.",
    "{pct} of applicants are approved at once, and the 17% who don't are reviewed by an "
    "underwriter.",
    "{pct} of applicants get a yes at once; the 17% who don't get one are checked by an "
    "underwriter.",
    "{pct} of applicants get a yes at once; anyone who doesn't is checked by an underwriter.",
    "{pct} of applicants get a yes at once; if they don't, an underwriter checks the file.",
    "{pct} of applicants get a yes at once; the rest aren't approved straight away, and an "
    "underwriter checks them.",
    "Eighty-three per cent of applicants are approved at once; an underwriter checks the "
    "others.",
    "Eighty-three percent of applicants are approved at once; an underwriter checks the others.",
    "{pct} of applicants are authorised at once; an underwriter checks the others.",
    "{pct} of applicants are authorized at once; an underwriter checks the others.",
    "{pct} of applicants are OK'd at once; an underwriter checks the others.",
    "{pct} of applicants are signed off at once; an underwriter checks the others.",
    "{pct} of applicants are approved at once; our credit department checks the others.",
    "{pct} of applicants are approved at once; our lending desk checks the others.",
    # the third red-team reading's: the others named as those we can't approve or by a
    # condition that fails, the number set off by dashes or brackets, "people" before it,
    # an aside between commas, other words for "at once", "no one else is turned down without"
    "About {pct} of people who apply get approved instantly; those we can't approve straight "
    "away are reviewed by a human.",
    "About {pct} of applicants get an immediate yes; those we can't approve straight away go "
    "to a credit specialist.",
    "About {pct} of applicants are approved at once; anyone we can't approve at once is "
    "checked by an underwriter.",
    "About {pct} of applicants are approved at once; applicants we don't approve immediately "
    "are checked by an underwriter.",
    "About {pct} of applicants are approved at once; the ones we can't approve are checked by "
    "an underwriter.",
    "About {pct} of applicants are approved at once; if we can't approve you straight away, an "
    "underwriter checks your file.",
    "About {pct} of applicants are approved at once; if we can't, an underwriter checks the "
    "file.",
    "About {pct} of applicants are approved at once; where we can't say yes immediately, an "
    "underwriter checks the file.",
    "About {pct} of applicants are approved at once; if you aren't one of them, an underwriter "
    "checks your file.",
    "About {pct} of applicants are approved at once; if yours isn't, an underwriter reviews "
    "it.",
    "About {pct} of applicants are approved at once; when that doesn't happen, an underwriter "
    "checks the file.",
    "About {pct} of applicants are approved at once; any that aren't are reviewed by an "
    "underwriter.",
    "About {pct} of applicants are approved at once; the rest of you will hear from an "
    "underwriter.",
    "About {pct} of applicants are approved at once; for the rest of you, an underwriter "
    "checks your file.",
    "Most of our applicants \u2014 about {pct} \u2014 are approved on the spot; an underwriter "
    "checks every other file.",
    "Most callers \u2013 around {pct} \u2013 are approved on the spot; an underwriter checks "
    "the others.",
    "Most callers\u2014around {pct}\u2014are approved on the spot; an underwriter checks the "
    "others.",
    "About {pct} \u2014 that's most applicants \u2014 are approved on the spot; an underwriter "
    "checks the others.",
    "About {pct} (most applicants) are approved on the spot; an underwriter checks the others.",
    "Most people who apply are approved on the spot (about {pct}); an underwriter checks the "
    "others.",
    "We approve about {pct} \u2014 most applicants \u2014 on the spot; an underwriter checks "
    "the others.",
    "Most of our applicants - about {pct} - are approved on the spot; an underwriter checks "
    "every other file.",
    "About {pct} - that's most applicants - are approved on the spot; an underwriter checks "
    "the others.",
    "We approve about {pct} - most applicants - on the spot; an underwriter checks the others.",
    "Most people who apply, about {pct}, are approved on the spot, and one of our underwriters "
    "reviews every other application.",
    "Most people, about {pct}, are approved on the spot; an underwriter checks the others.",
    "Most people, {pct} of them, get a yes at once; an underwriter checks the others.",
    "Most people who call, around {pct}, are approved there and then; an underwriter checks "
    "the others.",
    "Most people who apply get approved on the spot: about {pct} of them. An underwriter "
    "checks the others.",
    "About {pct} of applicants are approved at once; a human, not a computer, reviews the "
    "others.",
    "About {pct} of applicants are approved at once; an underwriter, not the system, reviews "
    "the others.",
    "About {pct} of applicants are approved at once; a person, not a computer, checks the "
    "others.",
    "About {pct} of applicants get a yes while still on the phone; an underwriter checks the "
    "others.",
    "About {pct} of applicants leave the call with a yes; an underwriter checks the others.",
    "About {pct} of applicants are approved at once; no one else is turned down without an "
    "underwriter checking their file.",
    # a review of its changes: a time of day is no wait, "only after", "only on" and "only for"
    # say when, a machine a person uses is their tool, a clause of its own that hedges its own
    # verb or names the others
    "{pct} of applicants are approved at once in business hours; an underwriter checks the "
    "others.",
    "{pct} of applicants are approved at once, in office hours; an underwriter checks the "
    "others.",
    "{pct} of applicants are approved at once, even after hours; an underwriter checks the "
    "others.",
    "{pct} of applicants are approved at once; the other 17% get an answer only after an "
    "underwriter checks their file.",
    "{pct} of applicants are approved at once; an underwriter checks the others only on "
    "weekdays.",
    "{pct} of applicants are approved at once; the others wait for an underwriter only for a "
    "day.",
    "{pct} of applicants are approved at once; staff use software to check the others by hand.",
    "{pct} of applicants are approved at once; an underwriter with our software checks the "
    "others.",
]


@pytest.mark.parametrize("sentence", [
    "{pct} of applicants go straight through; a person checks the rest.",
    "{pct} of applicants get their loan with no delay; a person checks the rest."])
def test_07_1_a_sentence_with_no_yes_word_is_not_told_it_sends_them_to_a_person(inputs,
                                                                                sentence):
    """A whole-diff reading: without a word for the yes, the message claimed the sentence had
    the 83% wait for a person, which it does not say."""
    result = evaluate(find_exercise("07.1"),
                      sentence.format(pct=f"{inputs.evaluation['approval_rate']:.0%}"))
    assert result.status == FAILED and "wait for a person" not in result.message, result.message
    assert "get a yes" in result.message


@pytest.mark.parametrize(("sentence", "says"), RIGHT_NUMBER_WRONG_SPLIT)
def test_07_1_the_rate_gets_a_yes_at_once_and_a_person_checks_the_others(inputs, sentence, says):
    rate = inputs.evaluation["approval_rate"]
    assert round(rate * 100) == 83 and round(rate * 10) == 8, "the sentences say 83% and 8 in 10"
    pct = f"{rate:.0%}"
    result = evaluate(find_exercise("07.1"), sentence.format(pct=pct))
    assert result.status == FAILED and says.format(pct=pct) in result.message, result.message


@pytest.mark.parametrize("sentence", RIGHT_SPLIT)
def test_07_1_passes_each_plain_way_to_split_the_applicants(inputs, sentence):
    rate = inputs.evaluation["approval_rate"]
    assert round(rate * 100) == 83 and round(rate * 10) == 8, "the sentences say 83% and 8 in 10"
    result = evaluate(find_exercise("07.1"), sentence.format(pct=f"{rate:.0%}"))
    assert result.status == PASSED, result.message


def test_module_08_scenario_teaches_what_its_exercises_say():
    from deploydl.data import make_applicants
    from deploydl.exercises.m06 import diagnose
    from deploydl.exercises.m08 import (
        LAB_AB_REQUESTS,
        new_region,
        smallest_planned_size,
    )
    from deploydl.governance.quality import APPLICANT_RULES, check_quality

    assert len(check_quality(new_region(), APPLICANT_RULES).violations) > 0, (
        "the new region should break Module 01's region rule")
    assert diagnose(make_applicants(5000, seed=0), new_region())["action"] == "retrain", (
        "the new region is a real change, the contrast to Module 06's pipeline bug")
    assert smallest_planned_size() > LAB_AB_REQUESTS, "the lab's A/B test must be too small"


MEMO = {"decision": "Keep it in the lab for the new region until the test ends.",
        "evidence": "1.1.0 earned USD -124 per applicant (p = 0.666) on 400 applicants.",
        "risk": "Fairness in the new region rests on 25 applicants; the Responsible-AI lead "
                "owns it.",
        "change": "A proven gain at 11,873 applicants per version would change it."}


def test_08_5_memo_check_reads_the_parts_and_leaves_the_grading_to_the_rubric():
    from deploydl.exercises.core import NOT_ATTEMPTED
    from deploydl.exercises.m08 import MEMO_PARTS

    exercise = find_exercise("08.5")
    passed = evaluate(exercise, MEMO)
    assert passed.status == PASSED and "rubric" in passed.message
    assert "not how good" in passed.message  # it never tells a group its memo is good
    lab_placeholder = dict.fromkeys(MEMO_PARTS, ...)
    assert evaluate(exercise, lab_placeholder).status == NOT_ATTEMPTED
    one_word = evaluate(exercise, dict.fromkeys(MEMO_PARTS, "Advise"))
    assert one_word.status == FAILED and "at least" in one_word.message
    assert "the decision part" in one_word.message  # it names the part that failed
    no_owner = evaluate(exercise, {**MEMO, "risk": "Fairness in the new region is not settled "
                                                   "yet."}).message
    assert "the risk part" in no_owner and "Responsible-AI lead" in no_owner  # lists the roles


#: Decisions a grader could accept (or mark down with the rubric): the check passes them all,
#: since it never judges which decision is right.
DECISIONS = [
    "Use it as decision support for credit staff, never autonomously, in every region.",
    "Recommend scores to the credit team, with a human in the loop for each loan.",
    "Assist the loan staff: a person signs every approval the model suggests.",
    "Run it in shadow mode next to the underwriters until the test is done.",
    "Do not deploy the model for the new region at all this year.",
    "Keep it in testing until the A/B test reaches its planned size.",
    "Let it approve loans autonomously in the regions it was trained on.",
    "Let it approve the safe majority without a person and refer the rest.",
]


@pytest.mark.parametrize("decision", DECISIONS)
def test_08_5_memo_check_passes_any_decision_in_a_sentence(decision):
    assert evaluate(find_exercise("08.5"), {**MEMO, "decision": decision}).status == PASSED


@pytest.mark.parametrize("owner", ["the product manager", "the Responsible AI team",
                                   "the platform team", "the data stewards", "our MLOps crew",
                                   "the executive sponsor", "an ML engineer"])
def test_08_5_risk_owner_is_read_from_the_roles_key_words(owner):
    memo = {**MEMO, "risk": f"Fairness in the new region rests on 8 applicants; {owner} owns it."}
    assert evaluate(find_exercise("08.5"), memo).status == PASSED


def test_08_5_role_keys_cover_every_role_of_the_table():
    from deploydl.capstone.careers import roles_table
    from deploydl.exercises.m08 import ROLE_KEYS, _role_named

    assert set(ROLE_KEYS) == set(roles_table().index)
    assert all(_role_named(role) for role in roles_table().index)
    assert not _role_named("The new region's fairness rests on few applicants so far.")


def test_08_5_each_failing_branch_names_its_part():
    from deploydl.exercises.core import FormProblem
    from deploydl.exercises.m08 import MEMO_PARTS, _is_memo

    for answer in ("a memo", ["decision"], {1: "x"}):
        assert isinstance(_is_memo(answer), FormProblem)
    missing = _is_memo({k: v for k, v in MEMO.items() if k != "change"})
    assert isinstance(missing, FormProblem) and MEMO_PARTS["change"] in missing
    not_text = _is_memo({**MEMO, "evidence": 0.77})
    assert isinstance(not_text, FormProblem) and "the evidence part" in not_text
    assert MEMO_PARTS["evidence"] in not_text
    short = _is_memo({**MEMO, "change": "More data."})
    assert not isinstance(short, FormProblem) and "the change part" in short
    same = _is_memo({**MEMO, "change": MEMO["decision"]})
    assert same is not None and "the decision and change parts" in same
    no_figure = _is_memo({**MEMO, "evidence": "The A/B test of 1.1.0 shows no proven difference "
                                              "from 1.0.0."})
    assert no_figure is not None and "the evidence part" in no_figure


def test_07_1_a_strict_bound_at_the_rate_is_not_true_and_no_hint_names_a_refused_n(inputs):
    """The third review's: "under 83.3%" and "over 83.3%" cannot both be true of 83.3%; and
    the nearest N for a small M is suggested only when the checker would take it."""
    from deploydl.exercises.m07 import _plain

    rate = inputs.evaluation["approval_rate"]
    tail = " of applicants get a yes at once; the rest go to an underwriter."
    exact = f"{rate * 100:.1f}%"
    assert float(exact[:-1]) / 100 == pytest.approx(rate, abs=1e-9), "the rate has one decimal"
    for strict in ("Under", "Over"):
        assert "is not true" in _plain(f"{strict} {exact}{tail}"), strict
    for inclusive in ("At most", "At least"):
        assert _plain(f"{inclusive} {exact}{tail}") is None, inclusive
    for far in ("1 in 2", "2 in 4"):
        message = _plain(f"About {far}{tail}")
        assert "comes within" in message and "must be the nearest" not in message, message


def test_07_3_the_overall_approval_rate_is_named_as_such(inputs):
    """A review's: the approval rate of all applicants (0.833, printed above 07.1) got only
    "you gave 0.833."."""
    overall = inputs.evaluation["approval_rate"]
    for given in (overall, round(overall, 2), 100 * overall):
        message = evaluate(find_exercise("07.3"), given).message
        assert "approval rate of all applicants" in message and "by_group" in message, given


def test_07_3_the_lowest_band_by_the_overall_rate_is_named_as_such(inputs):
    """A red-team reading's: the lowest band's rate divided by the overall rate (0.829) was
    told it is the overall rate (0.833), as both round to 0.83; a float32 ratio rounded to
    two decimals failed where the float passes."""
    import numpy as np

    by_overall = inputs.by_group["selection_rate"].min() / inputs.evaluation["approval_rate"]
    for given in (by_overall, round(by_overall, 3), 100 * by_overall):
        message = evaluate(find_exercise("07.3"), given).message
        assert message.startswith("that divides the lowest age band's approval rate by that "
                                  "of all applicants together"), (given, message)
    ratio = inputs.fairness["demographic_parity_ratio"]
    assert evaluate(find_exercise("07.3"), np.float32(round(ratio, 2))).status == PASSED


def test_07_5_the_form_messages_example_fits_neither_audience():
    """A review's: the example "(4, 2, 'yearly')" was the solution's entry for audit."""
    import ast
    import re

    from deploydl.exercises.m07 import MISSING, _placed

    right = {"dpo": (5, 5, "monthly"), "audit": (4, 2, "yearly")}
    assert _placed(right) is None
    message = _placed({**right, "dpo": 5})
    example = ast.literal_eval(re.search(r"e\.g\. (\(.*?\))", message).group(1))
    for key in MISSING:
        assert _placed({**right, key: example}) is not None, (key, example)


def test_08_1_the_runs_own_central_count_gets_its_own_message(root):
    """A review's: 205, the Central applicants of the run's own log, got "you gave 205.". The
    prompt warns that new_region is not that log, without quoting the screen before 08.5, which
    the learner meets later."""
    from deploydl.exercises.m08 import LAB_RUN_CENTRAL_APPLICANTS

    sources, printed = _lab_08(root)
    prompt = next(s for s in sources if s.startswith("## Exercise 08.1"))
    assert "not read from the run's own log" in prompt
    assert "08.5" not in prompt and str(LAB_RUN_CENTRAL_APPLICANTS) not in prompt
    assert f"on {LAB_RUN_CENTRAL_APPLICANTS} applicants" in printed  # the screen before 08.5
    result = evaluate(find_exercise("08.1"), LAB_RUN_CENTRAL_APPLICANTS)
    assert result.status == FAILED and "run's own log" in result.message
    assert "check_quality" in result.message


def _lab_08(root):
    """The capstone lab's cell sources and everything its code cells printed."""
    import json

    lab = json.loads((root / "solutions" / "08_capstone_lab.ipynb").read_text("utf-8"))
    sources = ["".join(c["source"]) for c in lab["cells"]]
    printed = "".join("".join(o.get("text", "")) for c in lab["cells"] if c["cell_type"] == "code"
                      for o in c["outputs"])
    return sources, printed


def test_08_4_the_findings_are_the_runs_own_results(root):
    """08.4 states what the run found as a manager reads it: every Central applicant fails the
    region check (08.1's count is Central's), and the value case in the figures the screen
    before 08.5 prints (a new run must change both)."""
    import re

    from deploydl.exercises.m08 import new_region
    from deploydl.governance.quality import APPLICANT_RULES, check_quality

    rows = new_region()
    flagged = check_quality(rows, APPLICANT_RULES).violations["row"]
    assert set(flagged) == set(rows.index[rows["region"] == "central"])
    sources, printed = _lab_08(root)
    prompt = next(s for s in sources if s.startswith("## Exercise 08.4"))
    assert "every applicant from Central" in prompt
    loss, low, high = re.search(r"a net\s+loss of USD ([\d,]+) a year, with a 95% range from a "
                                r"loss of USD ([\d.]+M) to a gain of USD ([\d.]+M)",
                                prompt).groups()
    # the brief's headline may say "about" the net value: the figures are what must agree
    assert re.search(rf"net (about )?-\${re.escape(loss)} a year \(95% range "
                     rf"-\${re.escape(low)} to \${re.escape(high)}\)", printed), (loss, low, high)


def test_08_4_only_the_choice_to_spend_says_who_answers_for_it(root):
    """A review's: close_call's "answered for that", as well as net_loss's, pointed at the
    Executive sponsor's accountability, the cue for net_loss and a trap for close_call. Only
    net_loss says it, in the lab and in the feedback, which words each finding as the lab does."""
    from deploydl.exercises.m08 import OWNER_EVENTS

    sources, _ = _lab_08(root)
    prompt = next(s for s in sources if s.startswith("## Exercise 08.4"))
    bullets = {key: prompt.split(f"- `{key}`:")[1].split("\n- `")[0].split("\n\n")[0]
               for key in OWNER_EVENTS}
    for key, (finding, _, _) in OWNER_EVENTS.items():
        cue = key == "net_loss"
        assert ("answer" in bullets[key], "answer" in finding) == (cue, cue), key
    assert "every applicant from Central fails the region check" in bullets["central_flagged"]
    assert "every applicant from Central fails the region check" in OWNER_EVENTS[
        "central_flagged"][0]


#: A memo that only repeats Module 00's question and names no figure from the run.
QUESTION_AGAIN = {
    "decision": "Would you let the model approve loans on its own, let it advise loan "
                "officers, or keep it in the lab?",
    "evidence": "Module 00 asked this question first and the lesson asked it again.",
    "risk": "The largest risk left has an owner, the Responsible-AI lead.",
    "change": "What evidence would change the decision is still open for the group.",
}


@pytest.mark.parametrize(("memo", "says"), [
    (QUESTION_AGAIN, "asks a question"),
    ({**QUESTION_AGAIN, "decision": f' "{QUESTION_AGAIN["decision"]}" '}, "asks a question"),
    ({**QUESTION_AGAIN, "decision": DECISIONS[0]}, "the evidence part"),  # "Module 00" is no figure
])
def test_08_5_a_memo_that_repeats_the_question_does_not_pass(memo, says):
    result = evaluate(find_exercise("08.5"), memo)
    assert result.status == FAILED and says in result.message, result.message


@pytest.mark.parametrize("decision", [
    "Advise loan officers: the model refers, a person decides; it will not approve on its own, "
    "and we do not keep it in the lab.",
    "Keep it in the lab: it neither approves on its own nor advises loan officers until the A/B "
    "test ends.",
    "Loan officers take its advice and judge each loan on its own merits, as the lab results "
    "suggest.",
])
def test_08_5_a_decision_that_names_the_options_it_rules_out_passes(decision):
    """A review's: a decision that chose one option and ruled out the other two was refused as
    "names all three options", as was one that said "lab results" and "advice"."""
    assert evaluate(find_exercise("08.5"), {**MEMO, "decision": decision}).status == PASSED


def test_07_3_a_ratio_rounded_over_the_four_fifths_line_says_so(inputs):
    """A review's: 0.794 rounded to 0.8, an unfair model made to look as if it met the
    four-fifths rule, got only "you gave 0.800."."""
    ratio = inputs.fairness["demographic_parity_ratio"]
    assert round(ratio, 1) >= 0.8 > ratio, "the trap needs a ratio just under the line"
    message = evaluate(find_exercise("07.3"), round(ratio, 1)).message
    assert "rounding carried the ratio over the 0.80 line" in message, message


def test_07_3_an_inverted_ratio_and_a_percentage_get_their_own_messages(inputs):
    """A review's: 80 (the rounded ratio as a percentage) was told to divide the other way
    round, as is any number above 1."""
    ratio = inputs.fairness["demographic_parity_ratio"]
    exercise = find_exercise("07.3")
    for inverted in (1 / ratio, round(1 / ratio, 2), 1.3):
        message = evaluate(exercise, inverted).message
        assert "not the other way round" in message, (inverted, message)
    for percentage in (80, 75, 50):
        message = evaluate(exercise, percentage).message
        assert "percentage" in message and "other way round" not in message, message
    assert "between 0 and 1" in evaluate(exercise, 1000).message


@pytest.mark.parametrize("chart", ["value chart", " Value  Chart ", "VALUE"])
def test_07_2_a_chart_named_with_chart_after_it_is_the_chart(chart):
    """A review's: "value chart" for the board was told to think again about its chart."""
    answer = {"board": chart, "regulator": "fairness", "call-centre": "decisions",
              "engineers": "cost"}
    assert evaluate(find_exercise("07.2"), answer).status == PASSED
    wrong = evaluate(find_exercise("07.2"), {**answer, "board": "cost chart"})
    assert wrong.status == FAILED and "['board']" in wrong.message


@pytest.mark.parametrize(("chart", "status"), [
    ("the value chart", PASSED), ("value-chart", PASSED), ("Value chart.", PASSED),
    ("the value chart .", PASSED), ("valu", FAILED), ("costs", FAILED)])
def test_07_2_a_name_that_is_no_chart_is_told_so(chart, status):
    """A red-team reading's: a misspelt chart name was told to think again about the choice,
    as if the right chart were a wrong one; it is now told the names the lab lists (a form
    slip: no hint used up, so a wrong chart after it gets the first hint). "The value chart."
    is the value chart."""
    answer = {"board": chart, "regulator": "fairness", "call-centre": "decisions",
              "engineers": "cost"}
    exercise = find_exercise("07.2")
    result = evaluate(exercise, answer)
    assert result.status == status, result.message
    if status == FAILED:
        assert result.message.startswith(f"not the name of a chart: [{chart!r}]"), result.message
        assert "one of ['cost', 'decisions', 'fairness', 'value']" in result.message
        assert evaluate(exercise, {**answer, "board": "cost"}).hint == exercise.hints[0]


def test_07_5_an_enormous_influence_is_echoed_in_brief():
    """A review's: 10**400 as the DPO's influence was echoed in full, 400 digits."""
    from deploydl.exercises.core import BRIEF_CHARS, FormProblem
    from deploydl.exercises.m07 import _placed

    message = _placed({"dpo": (10**400, 5, "weekly"), "audit": (4, 2, "yearly")})
    assert isinstance(message, FormProblem) and "influence must be a whole number" in message
    assert len(message) < BRIEF_CHARS + 100, message


#: Decisions that offer Module 00's options as alternatives and choose none of them.
UNCHOSEN = [
    "Module 00 asked: would you let the model approve loans on its own, let it advise loan "
    "officers, or keep it in the lab? The lesson asked again.",
    "Module 00 asked: would you let the model approve loans on its own, let it advise loan "
    "officers, or keep it in the lab. The lesson asked again.",
    "Approve on its own, advise loan officers, or keep it in the lab.",
    "Either advise loan officers or keep it in the lab for the coming year.",
    "(Should we let it advise loan officers or keep it in the lab?)",
]


@pytest.mark.parametrize("decision", UNCHOSEN)
def test_08_5_a_decision_that_lists_the_options_without_choosing_fails(decision):
    """A review's: the lab's question copied, with or without its "?", or the three options
    listed, passed as a decision."""
    result = evaluate(find_exercise("08.5"), {**MEMO, "decision": decision})
    assert result.status == FAILED and "the decision part" in result.message, result.message
    assert "choose one option and say it" in result.message or "asks a question" in (
        result.message)


@pytest.mark.parametrize("decision", [
    "Advise loan officers or keep it in the lab: we keep it in the lab until the test ends.",
    "Advise loan officers, not approve on its own or keep it in the lab.",
    "Let loan officers approve or refuse each loan with the model's advice, in every region.",
])
def test_08_5_a_decision_that_chooses_among_the_options_passes(decision):
    assert evaluate(find_exercise("08.5"), {**MEMO, "decision": decision}).status == PASSED


@pytest.mark.parametrize("risk", [
    "There is no platform for this and nobody owns the risk at all.",
    "No owner: the sponsor has not been found yet for this risk.",
    "Drift in the new region is the largest risk, and it is not owned by anyone.",
])
def test_08_5_a_risk_that_says_nobody_owns_it_names_no_owner(risk):
    """A review's: "no platform ... nobody owns the risk" passed as naming the platform
    engineer as its owner."""
    result = evaluate(find_exercise("08.5"), {**MEMO, "risk": risk})
    assert result.status == FAILED and "the risk part" in result.message, result.message


def test_08_5_a_table_number_is_not_a_figure_from_the_run():
    """A review's: evidence whose only number was "Table 2" passed as quoting the run."""
    evidence = "Net value is negative overall, see Table 2 of the brief."
    result = evaluate(find_exercise("08.5"), {**MEMO, "evidence": evidence})
    assert result.status == FAILED and "the evidence part" in result.message
    quoted = {**MEMO, "evidence": evidence + " The A/B test's p-value is 0.77."}
    assert evaluate(find_exercise("08.5"), quoted).status == PASSED


@pytest.mark.parametrize(("part", "text"), [
    ("risk", "Owner: the Responsible-AI lead. Without an owner the fairness screen would lapse "
             "in Central."),
    ("risk", "The Data steward owns the risk that no one owns the partner feed's quality "
             "today."),
    ("risk", "Drift in Central's partner feed is the largest risk; nobody owns it yet, so the "
             "Data steward must take it."),
    ("decision", "Keep it in the lab, since advising loan officers or approving on its own "
                 "would both lose money."),
    ("decision", "Keep it in the lab, because letting it approve on its own or advise loan "
                 "officers loses money today."),
])
def test_08_5_an_owner_or_a_choice_beside_words_that_deny_one_passes(part, text):
    """A review's: a risk part that named its owner and, elsewhere, said "without an owner" or
    "no one owns" was told that it says nobody owns the risk; a decision that chose an option
    and named the others as the reasons against them was told that it lists the options as
    alternatives (the same passed with a colon)."""
    result = evaluate(find_exercise("08.5"), {**MEMO, part: text})
    assert result.status == PASSED, result.message


@pytest.mark.parametrize(("part", "text", "says"), [
    ("risk", "There is no platform for this and nobody owns the risk at all.", "nobody owns"),
    ("risk", "No owner yet for the fairness risk in Central.", "nobody owns"),
    ("risk", "No owner: the sponsor has not been found yet for this risk.", "nobody owns"),
    ("risk", "Drift in the new region is the largest risk; the sponsor hasn't been named.",
     "should name its owner"),
    ("decision", "We could not agree whether to advise loan officers or keep it in the lab.",
     "lists the options as alternatives"),
    ("decision", "We couldn't decide whether to advise loan officers or keep it in the lab.",
     "lists the options as alternatives"),
    ("decision", "We are not sure whether to advise loan officers or keep it in the lab.",
     "lists the options as alternatives"),
    ("decision", "Approve on its own, advise loan officers, or keep it in the lab.",
     "lists the options as alternatives"),
])
def test_08_5_no_owner_and_no_choice_still_fail(part, text, says):
    """A review's: "we could not agree whether to advise ... or keep it in the lab" passed, its
    "not" read as ruling an option out; a role named only as absent is no owner."""
    result = evaluate(find_exercise("08.5"), {**MEMO, part: text})
    assert result.status == FAILED and says in result.message, result.message


def test_07_3_two_decimals_or_three_pass_and_a_wrong_third_digit_fails(inputs):
    """The fifth red-team reading's: 0.789 passed (within 0.005 of 0.7939), though it is
    neither 0.79 nor 0.794. The four-fifths rule reads the ratio against 0.80, under a
    hundredth above it, so the third digit counts: the ratio to two decimals, to three, or
    from the rates as the lab prints them (to three decimals) pass; a wrong third digit fails."""
    ratio = inputs.fairness["demographic_parity_ratio"]
    assert round(ratio, 3) == 0.794, "the wrong answers below are the ratio's neighbours"
    printed = inputs.by_group["selection_rate"].round(3)
    exercise = find_exercise("07.3")
    for right in (ratio, round(ratio, 2), round(ratio, 3), round(ratio, 4),
                  printed.min() / printed.max()):
        assert evaluate(exercise, right).status == PASSED, right
    for wrong in (0.789, 0.795, 0.7995):
        result = evaluate(exercise, wrong)
        assert result.status == FAILED and f"you gave {wrong}, which is not the ratio" in (
            result.message), (wrong, result.message)


def test_07_3_dividing_the_wrong_bands_names_them_and_the_bands_the_rule_compares(inputs):
    """The fifth red-team reading's: under_30's rate divided by 30_to_50's (0.803) got a bare
    "you gave 0.803". Any pair of bands but the lowest and the highest, either way round, is
    named, with the bands the rule compares, and no number."""
    from itertools import permutations

    rates = inputs.by_group["selection_rate"]
    low, high = rates.idxmin(), rates.idxmax()
    exercise = find_exercise("07.3")
    pairs = [(a, b) for a, b in permutations(rates.index, 2) if {a, b} != {low, high}]
    assert len(pairs) == 4
    for a, b in pairs:
        for given in (rates[a] / rates[b], round(rates[a] / rates[b], 3)):
            message = evaluate(exercise, given).message
            assert f"divides the approval rate of '{a}' by that of '{b}'" in message, message
            assert f"'{low}' (the lowest) by that of '{high}' (the highest)" in message, message
            assert "you gave" not in message and f"{given:.2f}" not in message, message


def test_07_3_a_ratio_cut_off_is_told_to_round_not_to_mind_rounded_rates(inputs):
    """The review of the fifth reading's fix: 0.793, the ratio 0.7939 cut off after its third
    decimal, was told to divide "the unrounded rates (not rates rounded by hand)", a cause it
    did not have. A cut after two or more decimals that differs from the rounding is told so
    and to round; a cut that agrees with it passes, and one decimal (0.7) is no cut but a
    number the catch-all tells."""
    ratio = inputs.fairness["demographic_parity_ratio"]
    exercise = find_exercise("07.3")
    cut = math.trunc(ratio * 1000) / 1000
    assert cut != round(ratio, 3), "the third digit rounds up, so the cut differs"
    message = evaluate(exercise, cut).message
    assert f"{cut} is the ratio cut off, not rounded: round the ratio" in message, message
    assert "rounded by hand" not in message, message
    assert evaluate(exercise, math.trunc(ratio * 100) / 100).status == PASSED
    assert "you gave 0.7, which is not the ratio" in evaluate(exercise, 0.7).message


def test_07_3_one_bands_rate_is_told_a_ratio_divides_two_bands(inputs):
    """The review of the fifth reading's fix: 0.69, the lowest band's rate itself, was told to
    divide the unrounded rates "(not rates rounded by hand)". Each band's rate, unrounded or
    to two or three decimals, is named as that band's rate alone, with what the ratio
    divides."""
    rates = inputs.by_group["selection_rate"]
    exercise = find_exercise("07.3")
    for band, rate in rates.items():
        for given in (rate, round(rate, 2), round(rate, 3)):
            message = evaluate(exercise, given).message
            assert (f"that is the approval rate of '{band}' alone, not a ratio, which divides "
                    "one age band's approval rate by another's") in message, (given, message)
            assert (f"'{rates.idxmin()}' (the lowest) by that of '{rates.idxmax()}' (the "
                    "highest)") in message, message


def test_07_3_rates_rounded_to_two_decimals_are_named_and_the_catch_all_guesses_no_cause(
        inputs):
    """The review of the fifth reading's fix: the catch-all told every wrong number to avoid
    "rates rounded by hand". The lowest and highest rates rounded to two decimals and divided
    are named so; any other number is told only what to divide."""
    rates = inputs.by_group["selection_rate"]
    exercise = find_exercise("07.3")
    by_hand = round(rates.min(), 2) / round(rates.max(), 2)
    assert abs(by_hand - rates.min() / rates.max()) > 5e-4, "rounding moves the third digit"
    for given in (by_hand, round(by_hand, 4)):
        message = evaluate(exercise, given).message
        assert (f"divides the rates rounded to two decimals ({rates.min():.2f} / "
                f"{rates.max():.2f}), which moves the ratio's third digit") in message, message
    message = evaluate(exercise, 0.5).message
    assert message == ("you gave 0.5, which is not the ratio: divide the lowest age band's "
                       "approval rate by the highest's, from inputs.by_group['selection_rate']."
                       ), message
