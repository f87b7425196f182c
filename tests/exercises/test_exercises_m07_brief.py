"""Exercise 07.4 (the brief for the CRO's decision): only the decision may differ from the
run's own brief. Each review's false passes: a decision cut short, figures changed, a
figure's shown text changed, a tag the old pattern did not read, inputs changed in place,
changed inputs that tag no figure, and markup added by hand."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from deploydl.exercises.core import FAILED, PASSED, evaluate
from deploydl.exercises.registry import find_exercise

#: The run's approval rate as the brief tags it, with the text it shows.
_APPROVAL = re.compile(r'<span data-figure="approval_rate" data-value="([^"]*)">([^<]*)</span>')


@pytest.fixture(scope="module")
def inputs():
    from deploydl.capstone.project import lesson_inputs

    return lesson_inputs()


def _brief(inputs, *, card_href=None, **context):
    """The brief of ``inputs`` with :data:`DECISION` (or ``context``'s decision) and the
    rest of ``context`` in its words."""
    from deploydl.communication.brief import Context
    from deploydl.communication.brief_page import brief_html
    from deploydl.exercises.m07 import DECISION

    changed = replace(inputs, context=Context(**{"decision": DECISION, **context}))
    return brief_html(changed) if card_href is None else brief_html(changed, card_href=card_href)


def _check(page):
    return evaluate(find_exercise("07.4"), page)


def _first_approval(page, shown):
    """``page`` with its first approval-rate tag replaced by ``shown(value, text)``."""
    return _APPROVAL.sub(lambda m: shown(*m.groups()), page, count=1)


@pytest.mark.parametrize(("edit", "says"), [
    (lambda p: _APPROVAL.sub(lambda m: m.group().replace(f">{m[2]}<", ">95%<"), p),
     "(approval_rate) reads 95% where the run computed 83%"),
    (lambda p: p.replace(">-$1.6M</span>", ">$1.6M</span>"),
     "(net_value_per_year) reads $1.6M where the run computed -$1.6M"),
    (lambda p: _first_approval(p, lambda value, text: "95%"),
     "leaves out figures of the run: approval_rate"),
    (lambda p: _first_approval(p, lambda value, text: f"<!-- {_APPROVAL.search(p)[0]} -->95%"),
     "leaves out figures of the run: approval_rate"),
    (lambda p: _first_approval(p, lambda value, text: (
        f'<span class="big" data-figure="approval_rate" data-value="{value}">95%</span>')),
     "(approval_rate) reads 95% where the run computed 83%"),
    (lambda p: _first_approval(p, lambda value, text: (
        f'<span data-value="{value}" data-figure="approval_rate">95%</span>')),
     "(approval_rate) reads 95% where the run computed 83%"),
    (lambda p: _first_approval(p, lambda value, text: (
        f"<span data-figure='approval_rate' data-value='0.95'>{text}</span>")),
     "(approval_rate) reads 0.95 where the run computed 0.8"),
], ids=["text-edited", "sign-dropped", "one-tag-untagged", "tag-in-a-comment", "extra-class",
        "attributes-reordered", "single-quotes"])
def test_07_4_reads_every_tagged_figure_as_a_reader_sees_it(inputs, edit, says):
    """Each tag is read with an HTML parser, its shown text with its value, as many times as
    the run's brief has it; a tag in a comment is not shown, so it does not count."""
    result = _check(edit(_brief(inputs)))
    assert result.status == FAILED and says in result.message, result.message
    assert "changing only the decision" in result.message


def test_07_4_numbers_changed_in_the_learners_inputs_do_not_reach_the_checks():
    """`inputs` changed in place were the checks' own run too: the solution's brief of them
    passed 07.4, and 07.1 took their approval rate."""
    from deploydl.capstone.project import lesson_inputs
    from deploydl.exercises.m07 import DECISION

    inputs = lesson_inputs()
    inputs.evaluation["approval_rate"] = 0.95
    inputs.money["net_value_per_year"] = 2_500_000.0
    brief = _check(_brief(inputs, decision=DECISION))
    assert brief.status == FAILED and "reads $2.5M where the run computed -$1.6M" in (
        brief.message), brief.message
    plain = evaluate(find_exercise("07.1"), "About 95% of applicants get a yes straight away; "
                                            "a person checks the others before we decide.")
    assert plain.status == FAILED and "83.3% get a yes at once" in plain.message, plain.message


def _halved(table):
    return table.select_dtypes("number") / 2


@pytest.mark.parametrize(("change", "says"), [
    (lambda i: {"by_group": _halved(i.by_group)},
     "in the section 'The decision asked', the chart 'Applicants aged under 30"),
    (lambda i: {"sensitivity": i.sensitivity.iloc[:1]},
     "the section 'Value against the current process' stops"),
], ids=["fairness-chart", "sensitivity-table"])
def test_07_4_a_brief_of_changed_tables_fails_and_names_the_section(inputs, change, says):
    """Tables and charts tag no figure: they are compared as a reader sees them."""
    from deploydl.communication.brief import Context
    from deploydl.communication.brief_page import brief_html
    from deploydl.exercises.m07 import DECISION

    page = brief_html(replace(inputs, context=Context(decision=DECISION), **change(inputs)))
    result = _check(page)
    assert result.status == FAILED and says in result.message, result.message
    assert "changing only the decision" in result.message


def test_07_4_only_the_decision_and_the_card_link_may_differ(inputs):
    """The brief's words other than the decision (purpose, whom it applies to: the lab's
    one-region example) are the run's; the decision may be spaced and wrapped as the
    learner likes, the page's line endings may be CRLF, the model card link may point
    elsewhere, and the inputs' own context may be the one changed."""
    from deploydl.communication.brief_page import brief_html
    from deploydl.exercises.m07 import DECISION

    for context, says in (
            ({"purpose": "Approves every applicant at once; no underwriter."},
             "reads 'Approves every applicant at once; no underwriter."),
            ({"audience": "Loan officers and applicants in the North region only."},
             "reads 'the North region only.' where the run's brief reads 'every region.'")):
        result = _check(_brief(inputs, **context))
        assert result.status == FAILED and says in result.message, result.message
        assert "the title and opening lines" in result.message, result.message
    wrapped = DECISION.replace("current process", "current\nprocess").replace(". ", ".\n")
    for right in (brief_html(replace(inputs, context=replace(inputs.context,
                                                             decision=DECISION))),
                  _brief(inputs, card_href="https://example.org/model_card.html"),
                  _brief(inputs, decision=DECISION + "\n"), _brief(inputs, decision=wrapped),
                  _brief(inputs).replace("\n", "\r\n")):
        result = _check(right)
        assert result.status == PASSED, result.message


def test_07_4_an_entity_in_a_figures_value_is_read_as_its_character(inputs):
    page = _brief(inputs).replace('data-value="0.', 'data-value="0&#46;')
    assert "&#46;" in page
    result = _check(page)
    assert result.status == PASSED, result.message


@pytest.mark.parametrize("edit", [
    lambda p: p.replace("</style>", ".decision::after{content:' Release now.'}</style>", 1),
    lambda p: p.replace('<div class="decision">', '<div class="decision" hidden>', 1),
    lambda p: p.replace("</body>", "<script>document.body.innerHTML=''</script></body>"),
], ids=["style-adds-words", "decision-hidden", "script"])
def test_07_4_markup_added_by_hand_fails_though_words_and_figures_agree(inputs, edit):
    """A second red-team reading: a style, an attribute or a script added to the HTML
    changes what a reader sees with every word and figure left as the run's."""
    result = _check(edit(_brief(inputs)))
    assert result.status == FAILED and "its HTML is not" in result.message, result.message


def test_07_4_the_whole_decision_must_be_in_the_box(inputs):
    """The tenth review's: a decision cut after its first placeholder, or a page written by
    hand with only its first words and the tags, passed; the message says what is missing."""
    from deploydl.exercises.m07 import DECISION

    cut = DECISION[:DECISION.index("{model_version}")]
    stops = _check(_brief(inputs, decision=cut + "{model_version} {threshold}"))
    assert stops.status == FAILED and "which fails the fairness gate" in stops.message, (
        stops.message)
    by_hand = (f'<html><div class="decision">{cut}<span data-figure="model_version">x</span> '
               '<span data-figure="threshold">y</span></div></html>')
    result = evaluate(find_exercise("07.4"), by_hand)
    assert result.status == FAILED and "reads 'x y'" in result.message, result.message
    short = evaluate(find_exercise("07.4"), _brief(inputs, decision=DECISION.split(". ")[0] + "."))
    assert short.status == FAILED and "the decision box stops" in short.message, short.message


@pytest.mark.parametrize(("part", "key", "value", "says"), [
    ("evaluation", "approval_rate", 0.9, "approval_rate) reads 90% where the run computed 83%"),
    ("money", "net_value_per_year", 250_000.0,
     "net_value_per_year) reads $250,000 where the run computed -$1.6M"),
])
def test_07_4_every_figure_of_the_brief_is_the_runs(inputs, part, key, value, says):
    """The eleventh review's: a brief built from changed figures passed when its decision box
    was right; the message names the figure, the value given and the value the run computed."""
    from dataclasses import replace

    from deploydl.communication.brief import Context
    from deploydl.communication.brief_page import brief_html
    from deploydl.exercises.m07 import DECISION

    changed = replace(inputs, context=Context(decision=DECISION),
                      **{part: {**getattr(inputs, part), key: value}})
    result = evaluate(find_exercise("07.4"), brief_html(changed))
    assert result.status == FAILED and says in result.message, result.message


def test_07_4_a_page_with_only_the_decision_box_leaves_out_the_runs_figures(inputs):
    page = _brief(inputs)
    box = page[page.index('<div class="decision">'):]
    result = evaluate(find_exercise("07.4"), f"<html>{box[:box.index('</div>') + 6]}</html>")
    assert result.status == FAILED and "leaves out figures of the run" in result.message, (
        result.message)
    assert "approval_rate" in result.message and "net_value_per_year" in result.message


def test_07_4_decision_follows_the_evidence(inputs):
    from deploydl.exercises.m07 import DECISION

    assert not inputs.fairness["gate_passed"], "the lesson's model fails the fairness gate"
    assert inputs.money["net_value_per_year"] < 0, "and costs more than the current process"
    assert not DECISION.lower().startswith("approve"), "so the CRO's decision approves nothing"


def test_07_4_a_card_link_with_quotes_passes_and_html_may_be_in_capitals(inputs):
    """The last reading's: a card link with a double quote broke the brief's own attribute
    (it was not escaped) and failed the markup check; a page whose tags are in capitals is
    still read as a brief and told its HTML differs, not to store the brief."""
    assert _check(_brief(inputs, card_href='cards/model "card".html')).status == PASSED
    result = _check(_brief(inputs).replace("<html", "<HTML", 1))
    assert result.status == FAILED and "its HTML is not" in result.message, result.message


@pytest.mark.parametrize(("brief", "says"), [
    (lambda i: _brief(i, audience="Loan officers and applicants in the North region only."),
     "give the new Context the decision alone"),
    (lambda i: _brief(i, purpose="Approves every applicant at once."),
     "give the new Context the decision alone"),
    (lambda i: _first_approval(_brief(i), lambda value, text: "95%"), "changing only the decision"),
    (lambda i: _brief(replace(i, sensitivity=i.sensitivity.iloc[:1])),
     "changing only the decision"),
    (lambda i: _brief(i).replace("</body>", "<script></script></body>"),
     "Store the HTML brief_html(...) gives, unchanged"),
    (lambda i: _brief(i, decision=""), "Pass the whole of DECISION in Context(decision=...)"),
], ids=["audience", "purpose", "figure", "table", "markup", "no-decision"])
def test_07_4_messages_say_what_to_change_without_the_solving_line(inputs, brief, says):
    """The fifth red-team reading's: every message ended with the whole solving line, the last
    hint's, so the first wrong attempt gave the answer before any hint. Each now says what to
    change: the context's other words, the numbers, the HTML, the decision."""
    result = _check(brief(inputs))
    solving = find_exercise("07.4").hints[-1].split(" = ", 1)[1]
    assert result.status == FAILED and says in result.message, result.message
    assert solving not in result.message and "replace(inputs" not in result.message, (
        result.message)
