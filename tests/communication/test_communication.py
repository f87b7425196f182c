"""Module 07's communication tools: the plan, the stakeholder map, the four audiences."""

from __future__ import annotations

import html

import pytest
from html_checks import header_scopes

from deploydl.communication.audiences import (
    AUDIENCES,
    AudienceExplorer,
    audience_charts,
    audience_view,
    render_view,
)
from deploydl.communication.plan import (
    DEFAULT_PLAN,
    PlanError,
    draw_stakeholder_map,
    load_plan,
    plan_html,
)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    from deploydl.capstone.project import Scenario, model_only_inputs

    return model_only_inputs(tmp_path_factory.mktemp("run"),
                             scenario=Scenario(n_train=1000, n_test=1000, epochs=3))


def test_default_plan_strategies_follow_the_quadrants():
    plan = load_plan()
    table = plan.table()
    assert len(table) == len(DEFAULT_PLAN["stakeholders"])
    assert table.loc["Chief risk officer", "strategy"] == "manage closely"
    assert table.loc["Board risk committee", "strategy"] == "manage closely"
    assert table.loc["Call-centre team", "strategy"] == "keep informed"
    assert table.loc["Marketing", "strategy"] == "monitor"
    assert len(plan.meetings) == 3


def test_plan_loads_from_yaml(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text("project: Demo\nstakeholders:\n  - {name: CFO, influence: 5, interest: 1, "
                    "cadence: quarterly, document: brief}\n", encoding="utf-8")
    plan = load_plan(path)
    assert plan.project == "Demo"
    assert plan.stakeholders[0].strategy == "keep satisfied"


@pytest.mark.parametrize(("config", "match"), [
    ({}, "needs a 'stakeholders' list"),
    ({"stakeholders": [{"name": "X"}]}, r"stakeholders\[0\] is missing"),
    ({"stakeholders": [{"name": "X", "influence": 7, "interest": 1, "cadence": "weekly",
                        "document": "d"}]}, r"influence must be a whole number from 1 to 5; "
                                            "got 7"),
    ({"stakeholders": [{"name": "X", "influence": True, "interest": 1, "cadence": "weekly",
                        "document": "d"}]}, "influence must be a whole number from 1 to 5; "
                                            "got True"),
])
def test_bad_plans_say_what_to_fix(config, match):
    with pytest.raises(PlanError, match=match):
        load_plan(config)


def test_stakeholder_map_title_states_the_finding():
    import matplotlib.pyplot as plt

    fig = draw_stakeholder_map(load_plan())
    assert fig.axes[0].get_title(loc="left") == "4 of 7 audiences need close management"
    plt.close(fig)


def test_audiences_on_the_same_spot_are_all_seen_and_named():
    """Two audiences with the same influence and interest get a dot each, one above the other,
    each named beside its own dot, not printed over each other; with more audiences than
    colours, a dot's shape tells apart two of the same colour."""
    import matplotlib.pyplot as plt

    from deploydl.communication.plan import DEFAULT_PLAN

    twin = {"name": "Data protection officer", "influence": 5, "interest": 5,
            "cadence": "monthly", "document": "model card"}  # where the CRO sits
    audit = {"name": "Internal audit", "influence": 4, "interest": 2, "cadence": "yearly",
             "document": "model card"}
    fig = draw_stakeholder_map(load_plan({"stakeholders": [*DEFAULT_PLAN["stakeholders"],
                                                            twin, audit]}))
    ax = fig.axes[0]
    dots = [tuple(c.get_offsets()[0]) for c in ax.collections]
    assert len(dots) == 9 and len(set(dots)) == 9
    looks = {(tuple(c.get_facecolor()[0]), c.get_paths()[0].vertices.tobytes())
             for c in ax.collections}
    assert len(looks) == 9  # colour and shape together: every dot its own
    named = {t.get_text(): t.xy for t in ax.texts if t.get_text().endswith(" officer")}
    assert set(named) == {"Chief risk officer", "Data protection officer"}
    assert named["Chief risk officer"] in dots and named["Data protection officer"] in dots
    assert named["Chief risk officer"][1] != named["Data protection officer"][1]
    plt.close(fig)


def test_plan_page_is_self_contained():
    page = plan_html(load_plan())
    assert page.count("data:image/png;base64,") == 1
    assert '<img alt="4 of 7 audiences need close management"' in page
    assert "http" not in page.replace("http-equiv", "")
    assert '<th scope="row">Weekly monitoring stand-up</th>' in page  # a row's header
    assert '<th scope="row">Chief risk officer</th>' in page


@pytest.mark.parametrize("audience", list(AUDIENCES))
def test_each_audience_gets_its_own_message_chart_and_detail(inputs, audience):
    view = audience_view(inputs, audience)
    assert view.audience == audience and view.detail == AUDIENCES[audience].detail
    assert 'data-figure="' in view.message_html
    assert view.chart_uri.startswith("data:image/png;base64,")
    assert len(view.details) == len(AUDIENCES[audience].details)
    assert view.chart_title.split()[0] in view.chart_alt and "\n" not in view.chart_alt
    assert f"alt='{html.escape(view.chart_alt)}'" in render_view(view)


def test_audiences_differ_in_chart_and_detail(inputs):
    views = {a: audience_view(inputs, a) for a in AUDIENCES}
    assert len({v.chart_title for v in views.values()}) == len(AUDIENCES)
    assert len(views["engineers"].details) > len(views["regulator"].details) > len(
        views["board"].details) > len(views["call-centre"].details)
    assert "sha256" not in views["board"].message_html
    assert "sha256" in views["engineers"].message_html


def test_all_four_audience_charts_fit_one_figure_each_panel_named_with_its_finding(inputs):
    """One picture for a slide: four panels, each titled with its audience and the finding of
    that audience's own chart, so the alt text names all four."""
    from deploydl.present.charts import figure_alt

    fig = audience_charts(inputs)
    assert len(fig.axes) == len(AUDIENCES)
    alt = figure_alt(fig)
    for name in AUDIENCES:
        finding = " ".join(audience_view(inputs, name).chart_title.split())
        assert f"For the {name}: {finding}" in alt
    width, height = fig.get_size_inches() * fig.dpi
    assert width <= 1280 and height <= 800  # a 1280 by 800 slide, at 100%


def test_no_audience_hears_that_the_model_declines():
    """The model never declines anyone: it approves, or refers the applicant to an underwriter,
    who decides. No message, in any of its versions, speaks of declines; each of the
    regulator's says who decides on those the model does not approve."""
    for spec in AUDIENCES.values():
        texts = (spec.message, spec.message_if_gate_fails, spec.message_if_no_value,
                 spec.message_if_too_close, spec.message_if_neither)
        assert not any("decline" in text.lower() for text in texts), spec.name
    regulator = AUDIENCES["regulator"]
    for text in (regulator.message, regulator.message_if_gate_fails,
                 regulator.message_if_too_close):
        assert "does not approve goes to a human underwriter, who decides;" in text


def test_unknown_audience_is_refused(inputs):
    with pytest.raises(ValueError, match="Unknown audience 'press'; choose one of"):
        audience_view(inputs, "press")


def test_explorer_switches_the_audience(inputs):
    explorer = AudienceExplorer(inputs)
    assert explorer.view.audience == "board"
    assert "For the board" in explorer.output.value
    explorer.buttons.value = "regulator"
    assert explorer.view.audience == "regulator"
    assert "For the regulator (evidence detail)" in explorer.output.value
    assert ("They care about fair treatment, human oversight and evidence."
            in explorer.output.value)
    assert "underwriter" in explorer.output.value


def test_the_detail_table_names_each_row_for_a_screen_reader(inputs):
    explorer = AudienceExplorer(inputs, audience="regulator")
    assert header_scopes(explorer.output.value) == ["row"] * len(explorer.view.details)


def test_the_plan_table_shows_the_scores_that_place_each_audience_when_asked():
    plan = load_plan()
    assert list(plan.table().columns) == ["strategy", "cadence", "document"]
    scored = plan.table(scores=True)
    assert list(scored.columns) == ["influence", "interest", "strategy", "cadence", "document"]
    assert scored.loc["Chief risk officer", ["influence", "interest"]].tolist() == [5, 5]


def test_lesson_07_prints_its_estimates_as_the_brief_writes_money():
    """The reported flaw: lesson 07's summary printed "USD 72.6M" where the brief (and the
    lesson's own rule: two significant figures, three only in the table of assumptions) writes
    "$73M". Each estimate that the summary and the value text print reads as ``brief_money``
    writes it; a stated price ("USD 150 of underwriter time") keeps its exact form."""
    import re
    from pathlib import Path

    import nbformat

    from deploydl.communication.brief import brief_money

    path = Path(__file__).resolve().parents[2] / "notebooks/07_stakeholder_communication.ipynb"
    cells = {c.id: c for c in nbformat.read(path, as_version=4).cells}
    for cell_id in ("c08", "c08w", "c08r"):
        shown = "\n".join(o.get("text", "") or o.get("data", {}).get("text/markdown", "")
                          for o in cells[cell_id].outputs)
        # each amount whole (not a prefix of it), less the stated prices
        whole = r"(-?USD (\d{1,3}(?:,\d{3})*(?:\.\d+)?)(M?))(?!\d|[,.]\d)"
        amounts = re.findall(r"(?<!'s )" + whole + "(?! of )", shown)
        assert amounts, f"{cell_id}: no money printed"
        for text, number, millions in amounts:
            value = float(number.replace(",", "")) * (1e6 if millions else 1)
            value = -value if text.startswith("-") else value
            assert text == brief_money(value, unit="USD "), f"{cell_id}: {text}"


def _smallest_text_pt(fig) -> float:
    """The smallest font size, in points, of any text drawn in ``fig``."""
    import matplotlib.text

    return min(t.get_fontsize() for t in fig.findobj(matplotlib.text.Text)
               if t.get_text().strip() and t.get_visible())


def test_the_stakeholder_map_reads_from_the_back_of_a_room():
    """The reported flaw: on the slide its names were about 12 px and the map filled about half
    the slide's width. Wide and short, it keeps its size under a heading and two lines of
    text, with no text under 15 pt (21 px at 100 dpi)."""
    import matplotlib.pyplot as plt

    from deploydl.communication.plan import MAP_TEXT_PT

    fig = draw_stakeholder_map(load_plan())
    width, height = fig.get_size_inches() * fig.dpi
    assert width >= 1150 and height <= 560
    assert _smallest_text_pt(fig) >= MAP_TEXT_PT >= 15
    plt.close(fig)


def test_the_four_audience_charts_read_from_the_back_of_a_room(inputs):
    """The reported flaw: on the slide the panels' ticks were about 12 px. The figure is as
    wide as the slide's text and short enough to keep that size; no text in it is under
    14 pt (19 px at 100 dpi)."""
    import matplotlib.pyplot as plt

    from deploydl.communication.audiences import PANEL_TEXT_PT

    fig = audience_charts(inputs)
    width, height = fig.get_size_inches() * fig.dpi
    assert 1200 <= width <= 1240 and height <= 640
    assert _smallest_text_pt(fig) >= PANEL_TEXT_PT >= 14
    plt.close(fig)


def test_the_engineers_panel_reads_the_cost_in_dollars_per_applicant(inputs):
    """The reported flaw: the axis read "$k per 1,000 applicants" for what is simply US dollars
    per applicant. The curve is the sweep's cost over the held-out applicants, and the ticks
    have thousands separators."""
    import matplotlib.pyplot as plt

    fig = audience_charts(inputs)
    fig.canvas.draw()
    ax = fig.axes[list(AUDIENCES).index("engineers")]
    assert ax.get_ylabel() == "cost of errors\n(USD per applicant)"
    curve = ax.get_lines()[0].get_ydata()
    assert list(curve) == pytest.approx(list(inputs.sweep["cost"] / inputs.evaluation["n_test"]))
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert any("," in t for t in ticks) and all("$" not in t for t in ticks)
    plt.close(fig)


@pytest.mark.parametrize("worst_rate", [0.50, 0.75])
def test_the_fairness_chart_colours_a_band_below_the_screen_as_module_03_does(inputs,
                                                                               worst_rate):
    """The reported flaw: the band that failed the four-fifths screen was drawn in the same
    blue as the others. A band below the line is BAD, as in Module 03's chart; one at or above
    it is GOOD."""
    from dataclasses import replace

    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    from deploydl.communication.brief_page import fairness_chart
    from deploydl.present.charts import BAD, GOOD, human_label

    by_group = inputs.by_group.copy()
    by_group["selection_rate"] = [0.9] * len(by_group)
    by_group.loc[by_group.index[0], "selection_rate"] = worst_rate
    fig = fairness_chart(replace(inputs, by_group=by_group))
    colours = {t.get_text(): to_hex(bar.get_facecolor()).upper() for t, bar in zip(
        fig.axes[0].get_xticklabels(), fig.axes[0].patches, strict=True)}
    worst = human_label(by_group.index[0])
    below = worst_rate < 0.9 * inputs.fairness["min_ratio"]
    assert colours.pop(worst) == (BAD if below else GOOD)
    assert set(colours.values()) == {GOOD}
    plt.close(fig)
