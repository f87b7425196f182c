"""The model card: real numbers in Markdown and in self-contained HTML."""

from __future__ import annotations

import re

import pytest

from deploydl.responsible.modelcard import (
    case_study_card,
    to_html,
    to_markdown,
    to_markdown_halves,
)


@pytest.fixture(scope="module")
def card():
    return case_study_card()


def test_markdown_has_every_section_and_the_real_numbers(card):
    from deploydl.responsible.mitigation import case_study, mitigation_effect

    text = to_markdown(card)
    for section in ("Intended use", "Not for", "Data", "Metrics overall", "Metrics by group",
                    "Fairness findings", "Limitations", "Explainability"):
        assert f"## {section}" in text
    effect = mitigation_effect(case_study())
    assert f"{effect['parity_difference_before'] * 100:.1f} points" in text
    assert "| under 30 |" in text and "under_30" not in text


def test_the_halves_are_the_whole_card_split_before_the_findings(card):
    performance, findings = to_markdown_halves(card)
    assert f"{performance}\n\n{findings}" == to_markdown(card)
    assert performance.startswith("# Model card:") and "## Metrics by group" in performance
    assert findings.startswith("## Fairness findings") and "## Limitations" in findings
    assert "Fairness findings" not in performance


def test_a_page_shows_the_card_under_its_own_headings(card):
    """Lesson 03 shows the card under its "## The model card" section: at heading level 3 its
    title is an h3 and its sections h4, so the lesson (and its deck) keeps a single h1. The
    card on its own (the default) still starts at h1."""
    shown = to_markdown(card, heading_level=3)
    headings = [line.split(" ")[0] for line in shown.splitlines() if line.startswith("#")]
    assert shown.startswith("### Model card: ") and set(headings[1:]) == {"####"}
    assert shown.replace("\n#### ", "\n## ").replace("### ", "# ", 1) == to_markdown(card)
    performance, findings = to_markdown_halves(card, heading_level=3)
    assert f"{performance}\n\n{findings}" == shown
    assert performance.startswith("### Model card:") and findings.startswith(
        "#### Fairness findings")
    for level in (0, 6):
        with pytest.raises(ValueError, match=f"heading_level must be 1 to 5.*not {level}"):
            to_markdown(card, heading_level=level)


def test_the_card_says_the_model_refers_and_never_declines(card):
    """The model approves, or refers the applicant to an underwriter, who decides: the card
    must not say that declines go anywhere, since the model makes none."""
    assert card.intended_use.endswith(
        "Every applicant it does not approve goes to an underwriter, who decides; the model "
        "never declines on its own.")
    assert "Declines go to" not in to_markdown(card)


def test_html_loads_nothing_from_the_network(card):
    page = to_html(card)
    links = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", page, flags=re.I)
    assert links, "the card should embed its chart"
    external = [u for u in links if not u.startswith("data:")]
    assert external == []
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", page)
    assert "//" not in text
    assert "@import" not in page and "url(" not in page


def test_the_card_uses_the_course_page_shell_like_the_brief(card):
    """One page shell: the model card carries the brief's CSS, so the two read as one family."""
    from deploydl.present.report import CSS

    html = to_html(card)
    assert html.startswith("<!DOCTYPE html>") and f"<style>{CSS}</style>" in html
    assert html.count("<html") == 1 and html.rstrip().endswith("</html>")


def test_an_auc_and_thresholds_read_as_numbers_and_shares_as_percentages():
    from deploydl.responsible.modelcard import _number

    assert _number(0.7169, "roc_auc") == "0.72"
    assert _number(0.75, "ranks a repayer above a defaulter (ROC AUC)") == "0.75"
    assert _number(0.366, "F1 score") == "0.37" and _number(0.7, "threshold") == "0.70"
    assert _number(0.584, "approval rate") == "58.4%" and _number(12.5) == "12.50"
    assert _number(0.1675, "refers above (chance of default)") == "17%"


def test_the_group_table_has_plain_headers_and_no_empty_header_row(card):
    html = to_html(card)
    table = html[html.index("<h2>Metrics by group</h2>"):]
    table = table[:table.index("</table>")]
    headers = re.findall(r'<th scope="col">([^<]*)</th>', table)
    assert headers[:3] == ["age band", "count", "selection rate"]
    assert headers[-1] == "refers above (chance of default)", "the glossary's threshold"
    assert "_" not in "".join(headers) and table.count("<tr") == 1 + len(card.by_group)
    # each age band names its row, so a screen reader says whose rate a number is
    assert re.findall(r'<tr><th scope="row">([^<]*)</th>', table) == list(card.by_group.index)


def test_the_card_states_each_bands_referral_point_as_a_chance_of_default(card):
    """Group thresholds read as the glossary defines a threshold: the chance of default at
    which the bank stops approving, so the over-50 band's lower point is the harsher one."""
    from deploydl.responsible.mitigation import case_study, decisions

    cuts = decisions(case_study(), strength=1.0)[1]  # approval scores: chances of repaying
    text = to_markdown(card)
    for band, label in (("under_30", "under 30"), ("over_50", "over 50")):
        assert f"| {label} |" in text and text.split(f"| {label} |")[1].split("\n")[0].endswith(
            f"| {1 - cuts[band]:.0%} |")
    assert (f"The over-50 band is referred at a lower chance of default "
            f"({1 - cuts['over_50']:.0%}) than the under 30 band ({1 - cuts['under_30']:.0%})"
            in text)
    assert "bar (0." not in text, "no approval scores for a threshold"


def test_the_explainability_speaks_of_the_chance_of_default_in_plain_words(card):
    """Module 03 states each decision as a chance of default against a referral point; the
    card words its reason codes in that frame too, and names the top features as people do."""
    assert "the largest falls in the chance of default are the stated reasons" in (
        card.explainability)
    assert "approval score" not in card.explainability
    assert "_" not in card.explainability, "features as people write them: 'debt ratio'"


def test_the_case_study_card_says_it_is_a_draft_not_approved(card):
    """Module 03's card is of group thresholds the lesson does not ship: its title says so."""
    assert to_markdown(card).startswith("# Model card: Northbridge loan approval (logistic "
                                        "regression) 1.0.0 (draft: group thresholds at "
                                        "strength 1, not approved)\n")
    assert "(draft: group thresholds at strength 1, not approved)</h1>" in to_html(card)



def test_the_card_prices_mitigation_as_the_accuracy_it_gives_up(card):
    """The finding's "points of accuracy" is the accuracy with one threshold minus the accuracy
    with group thresholds (strength 1, the card's), on recorded outcomes: a positive cost."""
    from deploydl.data import LABEL
    from deploydl.responsible.mitigation import case_study, decisions

    study = case_study()
    repaid = 1 - study.test[LABEL].to_numpy()
    accuracy = {s: (decisions(study, strength=s)[0] == repaid).mean() for s in (0.0, 1.0)}
    given_up = (accuracy[0.0] - accuracy[1.0]) * 100
    assert given_up > 0
    finding = next(f for f in card.fairness_findings if "points of accuracy" in f)
    assert f" for {given_up:.1f} points of accuracy on recorded outcomes" in finding
