"""The executive brief: every tagged number equals the owning module's own computation.

One small capstone run (module-scoped) makes the artifacts: the registry, the prediction log,
the held-out applicants. The brief is then regenerated from them with
:func:`deploydl.communication.brief.collect_brief_inputs`, and each ``data-figure`` is recomputed
here
straight from evaluation, fairness, the registry and monitoring.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

import numpy as np
import pytest
from scipy import stats

from deploydl.capstone.project import NAME, Capstone, Scenario, demo_review
from deploydl.communication.brief import (
    ROUNDING_NOTE,
    Assumptions,
    Context,
    brief_money,
    collect_brief_inputs,
    risk_register,
    table_money,
)
from deploydl.communication.brief_page import (
    brief_figures,
    brief_html,
    decision_in_words,
    write_brief,
)
from deploydl.communication.brief_text import (
    asks_to_release,
    decision_items,
    decision_text,
    fairness_text,
    scope_text,
)
from deploydl.communication.value import spans_zero
from deploydl.data import LABEL, PROTECTED_ATTRIBUTE

SMALL = Scenario(n_train=1500, n_test=1500, epochs=4, days=6, per_day=100, opens_day=3,
                 ab_requests=120)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    with Capstone(tmp_path_factory.mktemp("capstone"), scenario=SMALL) as capstone:
        for method, _ in Capstone.STAGES:
            getattr(capstone, method)()
            if method == "package" and capstone.registry.stage(NAME, "production") is None:
                capstone.fairness_review(**demo_review(capstone.verdict))  # too close to call
        yield capstone


@pytest.fixture(scope="module")
def page(run):
    inputs = collect_brief_inputs(run.registry, NAME, run.test, validation=run.calibration,
                                  monitoring=run.monitoring, ab=run.ab,
                                  current=run.current_process)
    html = brief_html(inputs)
    tagged = dict(re.findall(r'data-figure="(\w+)" data-value="([^"]*)"', html))
    return inputs, html, tagged


def _rule(y, scores, groups) -> float:
    """The course's threshold rule, written out again: the break-even 0.20, or else the
    cheapest threshold on these (validation) applicants whose approvals pass the screen."""
    from deploydl.evaluation import metrics as evaluation
    from deploydl.responsible import fairness

    grid = np.round(np.arange(0.01, 1.0, 0.01), 2)
    fair = [t for t in grid if np.any(scores < t) and fairness.demographic_parity_ratio(
        1 - y, (scores < t).astype(int), groups) >= 0.8]
    if 0.2 in fair or not fair:
        return 0.2
    return min(fair, key=lambda v: (evaluation.outcomes(y, scores, threshold=v).cost, v))


def _sources(run) -> dict:
    """Each figure recomputed by the module that owns it."""
    from deploydl.evaluation import calibration
    from deploydl.evaluation import metrics as evaluation
    from deploydl.monitoring import DEFAULT_RULES
    from deploydl.monitoring.alarm_days import daily_monitor, first_alarm
    from deploydl.monitoring.traffic import simulate_traffic
    from deploydl.registry import load_artifact
    from deploydl.responsible import fairness

    model, artifact = load_artifact(run.registry.path(NAME, run.registry.stage(NAME,
                                                                               "production")))
    y, groups = run.test[LABEL].to_numpy(), run.test[PROTECTED_ATTRIBUTE]
    aside = run.calibration  # the threshold is chosen here, never on the test set
    v_y, v_groups = aside[LABEL].to_numpy(), aside[PROTECTED_ATTRIBUTE]
    scores = model.predict_proba(run.test)
    cheapest = evaluation.cost_minimising_threshold(y, scores)  # hindsight, reported only
    t = _rule(v_y, model.predict_proba(aside), v_groups)
    assert t == model.threshold, "the service's threshold is the rule's"
    cost = evaluation.outcomes(y, scores, threshold=t).cost
    best = evaluation.outcomes(y, scores, threshold=cheapest).cost
    a = Assumptions()
    per_year = a.applications_per_year / len(y)
    # the value case: today's scorecard at its own threshold by the same rule; a referral costs
    # underwriter time, and a referred good customer is lost (Module 02's USD 2,000)
    current = run.current_process.predict_proba(run.test)
    c_t = _rule(v_y, run.current_process.predict_proba(aside), v_groups)

    def each(s, v):  # each applicant's cost: a bad loan approved, or a referral
        lost = (y == 0) * a.costs.good_customer_turned_away
        return np.where(s < v, (y == 1) * a.costs.bad_loan_approved, a.referral_cost + lost)

    def process(s, v):
        return each(s, v).sum() * per_year

    saved = process(current, c_t) - process(scores, t)
    # referring everyone is cheaper than the model below a share of referred good customers
    # lost: where the two straight lines in that share cross (clipped to 0..1)
    fixed = (np.sum((scores < t) & (y == 1)) * a.costs.bad_loan_approved
             + np.sum(scores >= t) * a.referral_cost - len(y) * a.referral_cost)
    slope = a.costs.good_customer_turned_away * (np.sum(y == 0)
                                                 - np.sum((scores >= t) & (y == 0)))
    cheaper_below = min(max(fixed / slope, 0.0), 1.0)
    # its 95% range: the held-out applicants drawn again (paired), model and assumptions fixed;
    # 2,000 draws from seed 0, the middle 95% of the net values, rounded to USD 1,000
    saving = each(current, c_t) - each(scores, t)
    draws = np.random.default_rng(0).integers(0, len(y), size=(2000, len(y)))
    net = saving[draws].sum(axis=1) * per_year - a.running_cost_per_year
    interval = dict(zip(("low", "high"), (round(float(q), -3) for q in
                                          np.quantile(net, [0.025, 0.975])), strict=True))
    approved = (scores < t).astype(int)
    rates = fairness.rates_by_group(1 - y, approved, groups)["selection_rate"]
    # the ratio's 95% range, tagged only when it straddles the screen (too close to call)
    low, high = fairness.selection_ratio_range(approved, groups)
    close = {"ratio_low": low, "ratio_high": high} if low < 0.8 <= high else {}
    s = run.scenario
    traffic = simulate_traffic(days=s.days, per_day=s.per_day, scenario="new_region",
                               start_day=s.opens_day, seed=s.seed + 2)
    alarm = first_alarm(daily_monitor(run.log.reference(), traffic), start_day=s.opens_day)
    frame = run.log.frame()
    central = traffic[(traffic["day"] >= s.opens_day) & (traffic["region"] == "central")]
    logged = frame.set_index("applicant_id")["decision"]
    region_approved = np.array([logged[f"D{day}-{i}"] == "approve"
                                for day, i in zip(central["day"], central.index, strict=True)],
                               dtype=int)
    region_groups = central[PROTECTED_ATTRIBUTE]
    rows = frame[frame["applicant_id"].str.startswith("AB-")]
    profit = {"approve": 2000.0, "refer": -150.0}
    value = [(-8000.0 if label == 1 else 2000.0) if d == "approve" else profit[d]
             for d, label in zip(rows["decision"], rows["label"], strict=True)]
    rows = rows.assign(profit=value)
    pa, pb = (rows.loc[rows["model_version"] == v, "profit"] for v in ("1.0.0", "1.1.0"))
    approval = rows.groupby("model_version")["decision"].apply(lambda d: (d == "approve").mean())
    welch = stats.ttest_ind(pb, pa, equal_var=False)
    planned = math.ceil(2 * ((1.959963984540054 + 0.8416212335729143) * pa.std() / 100) ** 2)
    return {
        "roc_auc": evaluation.roc_auc(y, scores), "threshold": t, "n_validation": len(aside),
        "cost": cost, "hindsight_threshold": cheapest, "hindsight_gap": cost - best,
        "hindsight_gap_share": (cost - best) / best, "break_even": 2000 / (8000 + 2000),
        "calibration_error": calibration.calibration_error(y, scores),
        "approval_rate": float(np.mean(scores < t)), "n_test": len(y),
        "bad_loans_approved": evaluation.outcomes(y, scores, threshold=t).bad_approved,
        "parity_ratio": fairness.demographic_parity_ratio(1 - y, approved, groups),
        "ratio_at_break_even": fairness.demographic_parity_ratio(
            1 - y, (scores < 0.2).astype(int), groups),
        "worst_group_approval": float(rates.min()), **close,
        "saved_per_year": saved, "current_cost_per_year": process(current, c_t),
        "model_cost_per_year": process(scores, t), "current_threshold": c_t,
        "refer_everyone_cost_per_year": process(np.ones(len(y)), 0.0),
        "refer_everyone_kept": 1 - cheaper_below,
        "value_break_even": (a.referral_cost + 2000) / (8000 + 2000),
        "cost_referral": a.referral_cost, "referred_good_lost": 1.0,
        "cost_good_customer": a.costs.good_customer_turned_away,
        "running_cost_per_year": a.running_cost_per_year,
        "net_value_per_year": saved - a.running_cost_per_year,
        "net_value_low": interval["low"], "net_value_high": interval["high"],
        "price_of_fairness_per_year": (cost - evaluation.outcomes(
            y, scores, threshold=0.2).cost) * per_year,
        "applications_per_year": a.applications_per_year,
        "cost_bad_loan": a.costs.bad_loan_approved,
        "n_rules": len(DEFAULT_RULES), "model_version": artifact.version,
        "sha256": artifact.sha256, "alarm_delay_days": alarm - s.opens_day,
        "ab_version_b": "1.1.0", "ab_profit_a": pa.mean(), "ab_profit_b": pb.mean(),
        "ab_approval_a": approval["1.0.0"], "ab_approval_b": approval["1.1.0"],
        "ab_outcome_days": 365, "ab_p_value": welch.pvalue, "ab_n": len(pa) + len(pb),
        "ab_planned_n": planned,
        "region_parity_ratio": fairness.demographic_parity_ratio(
            region_approved, region_approved, region_groups),
        "region_n": len(central), "region_smallest_n": region_groups.value_counts().min(),
        **dict(zip(("region_ratio_low", "region_ratio_high"),
                   fairness.selection_ratio_range(region_approved, region_groups), strict=True)),
    }


def test_every_tagged_number_matches_its_source(run, page):
    _, _, tagged = page
    sources = _sources(run)
    assert sorted(tagged) == sorted(sources), "a figure in the brief has no source check"
    for key, shown in tagged.items():
        expected = sources[key]
        if isinstance(expected, str):
            assert shown == expected, key
        else:
            assert float(shown) == pytest.approx(float(expected), rel=1e-9, abs=1e-9), key


def test_figure_text_is_the_value_formatted(page):
    inputs, html, _ = page
    figs = brief_figures(inputs)
    assert figs["roc_auc"].text == f"{inputs.evaluation['roc_auc']:.2f}"
    assert figs["parity_ratio"].text == f"{inputs.fairness['demographic_parity_ratio']:.2f}"
    for fig in figs.values():
        assert f">{fig.text}</span>" in html.replace("&#x27;", "'"), fig.key


def test_brief_is_self_contained_and_has_every_section(page):
    _, html, _ = page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "external resource"
    assert "@import" not in html and "@font-face" not in html
    for title in ("The decision asked", "Value against the current process", "Fairness findings",
                  "Risks, owners and mitigations", "Monitoring plan", "Rollout plan",
                  "Technical appendix"):
        assert f"<h2>{title}</h2>" in html
    assert html.count("data:image/png;base64,") == 2
    assert 'href="model_card.html"' in html


def test_both_charts_sit_under_the_decision_with_their_own_titles_as_alt_text(page):
    """Side by side under the headline cards, each prints half the page wide (beside its own
    section's text it printed at 40%, its text at about 8 pt)."""
    import html as html_lib

    import matplotlib.pyplot as plt

    from deploydl.communication.brief_page import fairness_chart, model_card, value_chart
    from deploydl.present.charts import figure_alt

    inputs, html, _ = page
    sections = dict(re.findall(r"<h2>([^<]+)</h2>(.*?)(?=<h2>|$)", html, flags=re.S))
    alts = re.findall(r'<img alt="([^"]*)"', sections["The decision asked"])
    figs = [draw(inputs) for draw in (value_chart, fairness_chart)]
    assert [html_lib.unescape(a) for a in alts] == [figure_alt(fig) for fig in figs]
    assert '<div class="charts">' in sections["The decision asked"]
    assert all("<img" not in body for title, body in sections.items()
               if title != "The decision asked")
    plt.close("all")
    # the board's charts show value, not the engineers' cost curve: that is in the model card
    assert "Net value" in figure_alt(value_chart(inputs))
    assert "threshold" not in figure_alt(value_chart(inputs)).lower()
    assert "cost of errors at every threshold" in sections["Technical appendix"]
    charts = model_card(inputs).charts
    assert len(charts) == 1 and "threshold" in next(iter(charts)).lower()
    plt.close("all")


def _brief_chart_size(fig) -> tuple[float, float]:
    """The size a brief chart is drawn at: BRIEF_CHART_SIZE, a line taller for each line of
    its title past two, so that the plot keeps its height."""
    from deploydl.communication.brief_page import BRIEF_CHART_SIZE, TITLE_LINE_INCHES

    extra = max(len(fig.axes[0].get_title(loc="left").splitlines()) - 2, 0)
    return BRIEF_CHART_SIZE[0], BRIEF_CHART_SIZE[1] + extra * TITLE_LINE_INCHES


def test_the_value_chart_sets_the_model_against_the_current_process_with_its_range(page):
    """Zero is the current process; the bars are the saving (or loss) and the running cost, and
    the net value is a dot whose whisker is its 95% range, each labelled in rounded money."""
    import matplotlib.pyplot as plt

    from deploydl.communication.brief_page import value_chart

    inputs, _, _ = page
    m, figures = inputs.money, brief_figures(inputs)
    fig = value_chart(inputs)
    ax = fig.axes[0]
    assert tuple(fig.get_size_inches()) == pytest.approx(_brief_chart_size(fig))
    title = " ".join(ax.get_title(loc="left").split())
    # the title names the net value and the current process as the headline card does
    assert title.startswith(f"Net value {figures['net_value_per_year'].text} a year vs the "
                            "current process")
    assert figures["net_value_per_year"].label == "net value a year vs the current process"
    # the title says the sign is unsettled when it is; the axis says what zero is
    assert title.endswith(("; may be a loss", "; may be a gain") if spans_zero(
        m["net_value_low"], m["net_value_high"]) else " vs the current process")
    assert "at 0" not in title and ax.get_ylabel().endswith("\n0 = current process")
    assert [" ".join(t.get_text().split()) for t in ax.get_xticklabels()] == [
        "saved" if m["saved_per_year"] >= 0 else "lost", "running cost", "net value"]
    scale = 1e6 if "$M" in ax.get_ylabel() else 1e3
    # the error bar's caps (and the dot) are one-point lines: the lowest and highest are its ends
    caps = sorted(y for line in ax.lines for y in line.get_ydata() if len(line.get_ydata()) == 1)
    assert caps[0] == pytest.approx(m["net_value_low"] / scale)
    assert caps[-1] == pytest.approx(m["net_value_high"] / scale)
    texts = [t.get_text() for t in ax.texts]
    assert brief_money(m["net_value_per_year"]) in texts and "95% range" in texts
    fig.canvas.draw()
    title = ax.get_tightbbox().union([ax.get_window_extent()])
    assert title.width <= fig.bbox.width * 1.05
    plt.close(fig)


@pytest.mark.parametrize(("low", "high", "ending", "lines"), [
    (-600_000, 2_100_000, " vs the current process; may be a loss", 3),
    (-2_100_000, 600_000, " vs the current process; may be a gain", 3),
    (150_000, 2_100_000, " vs the current process", 2),
    (-3_400_000, -150_000, " vs the current process", 2)])
def test_the_value_charts_title_says_when_its_range_crosses_zero(page, low, high, ending, lines):
    """Every title names what the net value is measured against, the range crossing zero
    included: that title used to read "Net value $750,000 a year; its 95% range crosses zero",
    against nothing. It writes the net value as the headline card does ("about") and names the
    current process as the card, the axis and the section do (it said "today's process");
    the words for the other side of zero take a third line, and the figure grows by it, so
    the plot keeps its height."""
    import matplotlib.pyplot as plt

    from deploydl.communication.brief_page import value_chart

    inputs, _, _ = page
    moved = replace(inputs, money={**inputs.money, "net_value_low": low,
                                   "net_value_high": high,
                                   "net_value_per_year": (low + high) / 2})
    fig = value_chart(moved)
    drawn = fig.axes[0].get_title(loc="left")
    title = " ".join(drawn.split())
    assert title == f"Net value about {brief_money((low + high) / 2)} a year{ending}"
    assert len(drawn.splitlines()) == lines
    fig.canvas.draw()
    plot = fig.axes[0].get_window_extent().height / fig.dpi
    plt.close(fig)
    two_lines = value_chart(replace(moved, money={**moved.money, "net_value_low": 150_000,
                                                  "net_value_high": 2_100_000}))
    two_lines.canvas.draw()
    assert plot == pytest.approx(two_lines.axes[0].get_window_extent().height / two_lines.dpi,
                                 abs=0.02)
    plt.close(two_lines)


@pytest.mark.parametrize(("amount", "shown"), [
    (-252_667, "-$250,000"), (225_500, "$230,000"), (38_840_000, "$39M"),
    (1_639_000, "$1.6M"), (-3_400_000, "-$3.4M"), (88_000, "$88,000"), (0, "$0"),
    (999_999, "$1.0M"), (150, "$150"),
    # a half rounds up, as a reader rounds (Python's formatting would give $120,000 and $1.2M)
    (125_000, "$130,000"), (1_250_000, "$1.3M"), (-1_350_000, "-$1.4M"),
    # under $10, whole dollars, as present.charts.money writes them; never a "-$0"
    (0.4, "$0"), (-0.004, "$0"), (6.7, "$7"), (-0.6, "-$1"), (9.6, "$10")])
def test_brief_money_keeps_two_significant_figures(amount, shown):
    assert brief_money(amount) == shown


def test_labels_say_what_the_page_says(page):
    """The brief goes to the board: its lede names whom the model applies to, not a reader;
    the version is the model's, whatever its stage; the four-fifths ratio is a screen."""
    inputs, html, _ = page
    figures = brief_figures(inputs)
    assert f"Applies to: {inputs.context.audience}" in html.replace("&#x27;", "'")
    assert "For: " not in html
    assert figures["model_version"].label == "model version"
    assert figures["price_of_fairness_per_year"].label == (
        "price of clearing the four-fifths screen, a year")


def test_registry_numbers_come_from_the_artifact(run, page):
    from deploydl.registry import verify

    inputs, _, _ = page
    artifact = verify(run.registry.path(NAME, inputs.registry["version"]))
    assert inputs.registry["sha256"] == artifact.sha256
    assert inputs.registry["metrics"]["roc_auc"] == pytest.approx(
        inputs.evaluation["roc_auc"])


def test_risks_have_owners_and_mitigations(page):
    inputs, _, _ = page
    risks = risk_register(inputs)
    assert len(risks) >= 4
    assert all(r["owner"] and r["mitigation"] and r["evidence"] for r in risks)


def test_brief_names_age_bands_in_plain_words(page):
    import matplotlib.pyplot as plt

    from deploydl.communication.brief_page import fairness_chart

    inputs, html, _ = page
    ax = fairness_chart(inputs).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["under 30", "30–50", "over 50"]
    # the line carries its value: at print size a bar a hair below it looked level with it
    line = inputs.by_group["selection_rate"].max() * 100 * inputs.fairness["min_ratio"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        f"80% of the best rate: {line:.1f}%"]
    plt.close("all")
    assert not re.search(r"under_30|30_to_50|over_50", re.sub(r"<[^>]*>", " ", html))


def test_the_brief_charts_print_readably_with_the_cost_axis_from_zero(page):
    """Two across an A4 page each brief chart prints at about 0.8 of its size: all its text
    is drawn at 13 pt or more (test_brief_browser measures the print), its title fits over the
    plot, and the cost axis (the model card's chart) starts at zero, so a gap of a few
    percent does not fill the chart."""
    import matplotlib.pyplot as plt
    import matplotlib.text
    from chart_checks import assert_legend_readable

    from deploydl.communication.brief_page import (
        BRIEF_TEXT_PT,
        CARD_CHART_SIZE,
        cost_chart,
        fairness_chart,
        value_chart,
    )

    inputs, _, _ = page
    for chart in (value_chart, fairness_chart):
        fig = chart(inputs)
        sizes = [(t.get_text(), t.get_fontsize()) for t in fig.findobj(matplotlib.text.Text)
                 if t.get_visible() and t.get_text().strip()]
        small = [(text, size) for text, size in sizes if size < BRIEF_TEXT_PT]
        assert not small, f"{chart.__name__}: text under {BRIEF_TEXT_PT} pt: {small}"
        assert tuple(fig.get_size_inches()) == pytest.approx(_brief_chart_size(fig))
        plt.close(fig)
    for chart in (cost_chart, fairness_chart):
        fig = chart(inputs)
        assert_legend_readable(fig)
        assert tuple(fig.get_size_inches()) == pytest.approx(
            CARD_CHART_SIZE if chart is cost_chart else _brief_chart_size(fig))
        fig.canvas.draw()
        ax = fig.axes[0]
        title = ax.get_tightbbox().union([ax.get_window_extent()])  # plot, ticks and title
        assert title.width <= fig.bbox.width, f"{chart.__name__}: the title is wider than it"
        assert ax.get_ylim()[0] == 0
        plt.close(fig)
    fig = cost_chart(inputs)
    caption = fig.get_supxlabel()
    assert brief_money(inputs.evaluation["hindsight_gap"] * 1000 / inputs.evaluation["n_test"]) in (
        caption.replace("\n", " "))
    plt.close(fig)


def test_the_model_card_reads_like_module_03s(page):
    from deploydl.communication.brief_page import model_card
    from deploydl.responsible.modelcard import to_html, to_markdown

    inputs, _, _ = page
    card = model_card(inputs)
    text = to_markdown(card)
    assert f"(ROC AUC): {inputs.evaluation['roc_auc']:.2f}" in text
    assert list(card.by_group.index) == ["under 30", "30–50", "over 50"]
    assert card.by_group.index.name == "age band"
    html = to_html(card)
    not_for = html[html.index("<h2>Not for</h2>"):html.index("<h2>Data</h2>")]
    assert inputs.context.out_of_scope in not_for  # what the model must not be used for
    table = html[html.index("<h2>Metrics by group</h2>"):]
    table = table[:table.index("</table>")]
    assert "_" not in table and table.count("<tr") == 1 + len(card.by_group)


def test_decision_mentions_the_ab_test_until_it_is_conclusive(page):
    from dataclasses import replace

    inputs, _, _ = page
    assert inputs.ab, "the capstone run has an A/B test"
    released = inputs.registry["version"]
    running = replace(inputs, ab={**inputs.ab, "significant": False, "version_b": released})
    decided = replace(inputs, ab={**inputs.ab, "significant": True, "version_b": released})
    assert "{model_version}" in decision_text(running) and "{ab_planned_n}" in decision_text(
        running)
    assert "{ab_planned_n}" not in decision_text(decided)
    assert "{model_version}" in decision_text(decided)


@pytest.mark.parametrize(("change", "says"), [
    ({"difference": -50.0, "guardrail_ok": True}, "earned less per applicant in the A/B test"),
    ({"difference": 50.0, "guardrail_ok": False}, "approval-rate guardrail broke"),
])
def test_a_decided_ab_test_that_b_lost_is_not_told_to_keep_running(page, change, says):
    """A significant result against version B ends the test: the brief keeps the current
    version and says why, instead of asking to keep the test running."""
    from dataclasses import replace

    inputs, _, _ = page
    other = replace(inputs, ab={**inputs.ab, **change, "significant": True,
                                "version_b": "9.9.9"})
    text = decision_text(other)
    assert says in text and "Keep {model_version}" in text and "{ab_planned_n}" not in text


def test_an_approval_says_its_evidence_predates_the_new_region(page):
    from dataclasses import replace

    inputs, _, _ = page
    approvable = replace(inputs, fairness={**inputs.fairness, "gate_passed": True},
                         money={**inputs.money, "net_value_per_year": 1.0})
    text = decision_text(approvable)
    assert text.startswith("Approve version {model_version}")
    assert "before the new region opened" in text
    region = inputs.monitoring  # a clear pass: the ratio and its whole 95% range at 0.8 or more
    assert ("check fairness there again" in text) == (
        min(region["region_parity_ratio"], region["region_ratio_low"]) >= 0.8)


def test_an_approval_says_when_its_value_is_not_established(page):
    from dataclasses import replace

    inputs, _, _ = page
    approvable = replace(inputs, money={**inputs.money, "net_value_per_year": 1.0,
                                        "net_value_low": -5.0, "net_value_high": 9.0})
    first, *others = decision_items(approvable)  # the approval itself says so, not a later item
    assert first.startswith("Approve") and "as a trial: its value is not established yet" in first
    assert "spans zero" in first and "{" not in decision_in_words(approvable)
    assert not any("not established" in item for item in others)
    settled = replace(approvable, money={**approvable.money, "net_value_low": 1.0})
    assert "not established" not in decision_text(settled)


def test_a_gate_too_close_to_call_waits_for_the_fairness_review(page):
    from dataclasses import replace

    inputs, _, _ = page
    assert inputs.fairness["too_close_to_call"] and inputs.registry["fairness_review"]
    assert "Hold version" not in decision_text(inputs)  # the run recorded its review
    paying = replace(inputs, money={**inputs.money, "net_value_per_year": 1.0})
    assert "The release's own fairness review is done: it approved" in decision_text(paying)
    waiting = replace(inputs, registry={**inputs.registry, "fairness_review": None})
    text = decision_text(waiting)
    assert text.startswith("Hold version {model_version} until the fairness review decides")
    assert not asks_to_release(text)
    words = decision_in_words(waiting)
    assert "{" not in words and inputs.registry["version"] in words
    # A gate that FAILED is not reviewed into release, even when its range straddles the
    # limit: CI blocks it (exit 1) and Capstone.fairness_review refuses it.
    failed = replace(waiting, fairness={**inputs.fairness, "gate_passed": False})
    assert decision_text(failed).startswith("Do not release version {model_version}")


def test_a_written_decision_cannot_release_a_version_that_failed_fairness(page):
    from dataclasses import replace

    inputs, _, _ = page
    failed = replace(inputs, fairness={**inputs.fairness, "gate_passed": False})
    for asked in ("Approve version {model_version} for every region.",
                  "  release 1.1.0 now", "Roll out version {model_version} to Central.",
                  "We recommend approving version {model_version}.",
                  "The release gate failed; deploy it to Central anyway."):
        with pytest.raises(ValueError, match="fairness gate FAILED.*Nothing was written"):
            brief_html(replace(failed, context=Context(decision=asked)))
    for held in ("Do not release version {model_version}; fund the fairness work.",
                 "We advise against launching version {model_version} until counsel agrees.",
                 "Approve the budget for the fairness work and hold the rollout."):
        assert decision_text(replace(failed, context=Context(decision=held))) == held
    passed = replace(inputs, fairness={**inputs.fairness, "gate_passed": True},
                     context=Context(decision="Approve version {model_version}."))
    assert decision_text(passed) == "Approve version {model_version}."


def test_the_decision_in_words_fills_in_the_numbers_the_page_tags(page):
    inputs, html, _ = page
    figures = brief_figures(inputs)
    words = decision_in_words(inputs)
    assert "{" not in words
    assert figures["model_version"].text in words
    template = decision_text(inputs)
    assert words.startswith("- " + template.split("{", 1)[0])
    for key in re.findall(r"\{(\w+)\}", template):
        assert figures[key].span() in html


def test_each_decision_is_an_item_that_names_the_review_it_means(page):
    """A released version whose gate was too close to call, and a new region too close to
    call: two fairness reviews, one done (the release's) and one to come (the region's). Each
    is its own item and says which review it is, so the list never reads as one review both
    pending and done."""
    inputs, _, _ = page
    both = replace(inputs, money={**inputs.money, "net_value_per_year": 1.0},
                   monitoring={**inputs.monitoring, "region_parity_ratio": 0.97,
                               "region_ratio_low": 0.706, "region_ratio_high": 1.0})
    assert both.fairness["too_close_to_call"] and both.registry["fairness_review"]
    items = decision_items(both)
    reviews = [item for item in items if "fairness review" in item]
    assert len(reviews) == 2
    region, release = reviews
    assert "review of the new region decides" in region and "approved" not in region
    assert "The release's own fairness review is done: it approved version {model_version}" in (
        release) and "new region" not in release
    words = decision_in_words(both).split("\n")
    assert len(words) == len(items) and all(line.startswith("- ") for line in words)


def test_write_brief_writes_brief_card_and_plan(page, tmp_path):
    inputs, _, _ = page
    paths = write_brief(inputs, tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == {
        "brief.html", "model_card.html", "communication_plan.html"}
    assert inputs.registry["version"] in paths["model_card"].read_text(encoding="utf-8")


def test_the_served_model_is_calibrated_and_decides_at_its_recorded_threshold(run, page):
    from deploydl.registry import load_artifact

    inputs, html, _ = page
    model, artifact = load_artifact(run.registry.path(NAME, inputs.registry["version"]))
    assert artifact.metadata["calibration"]["rows"] == len(run.calibration)
    assert artifact.metadata["threshold"] == inputs.evaluation["threshold"] == model.threshold
    from deploydl.data import FEATURES

    row = run.test.iloc[0][list(FEATURES)].to_dict()
    assert run.client.predict(row)["threshold"] == model.threshold
    assert inputs.evaluation["calibrated"] and "hindsight" in html


def test_value_is_measured_against_the_current_process_with_a_sensitivity_table(page):
    inputs, html, _ = page
    m = inputs.money
    assert m["current_process"].startswith("the current scorecard")
    assert m["net_value_per_year"] == pytest.approx(m["saved_per_year"]
                                                    - m["running_cost_per_year"])
    table = inputs.sensitivity
    assert list(table.columns) == ["low", "base", "high"] and len(table) == 5
    # the row the brief used to lack, named as its row's header for a screen reader
    assert '<th scope="row">underwriter time per referral</th>' in html
    assert (table["base"] == m["net_value_per_year"]).all()
    share = table.loc["referred good customers lost"]
    assert share["high"] == share["base"] != share["low"]  # all lost already: only down moves
    assert "50% lower" in html and "approving every applicant" not in html
    assert "<td>n/a (already 100%)</td>" in html and "±50%" not in html.split("<table")[1]
    verdict = "does NOT pay for itself" if m["net_value_per_year"] <= 0 else "pays for itself"
    assert verdict in html
    assert m["net_value_low"] <= m["net_value_per_year"] <= m["net_value_high"]


def test_every_table_of_the_brief_names_its_rows(page):
    """Each row's first cell (an assumption, a risk, an alert level, a rollout step) is its
    header, so a screen reader says which row a number belongs to."""
    _, html, _ = page
    bodies = re.findall(r"<tbody>(.*?)</tbody>", html)
    assert len(bodies) == 4, "the sensitivity table, the risks, the monitoring and the rollout"
    for body in bodies:
        assert body.count("<tr>") == body.count('<tr><th scope="row">') > 0
    assert '<th scope="row">1. Canary</th>' in html


def test_the_sensitivity_table_shows_three_significant_figures(page):
    """At two figures the underwriter's time read -$1.6M / -$1.6M / -$1.7M in lesson 07: a
    swing of USD 34,500 either way looked like "cheaper changes nothing, dearer costs 0.1M"."""
    inputs, html, _ = page
    row = inputs.sensitivity.loc["underwriter time per referral"]
    cells = [table_money(row[end]) for end in ("low", "base", "high")]
    assert len(set(cells)) == 3, f"the underwriter's time row reads {cells}"
    assert ('<th scope="row">underwriter time per referral</th><td>' + "</td><td>".join(cells)
            in html)
    assert ROUNDING_NOTE in html and "to three" in ROUNDING_NOTE


def test_the_headline_net_value_says_about_beside_the_tables_three_figures(page):
    """Lesson 08's brief headlined the net value "$700,000" and its table of assumptions
    "as stated" "$701,000": two amounts, to a reader. The headline (its card, the value
    text, the decision) says "about", and the page's rounding note says the table keeps three
    figures, so the two read as one amount rounded twice."""
    inputs, html, _ = page
    net = inputs.money["net_value_per_year"]
    figs = brief_figures(inputs)
    assert figs["net_value_per_year"].text == f"about {brief_money(net)}"
    assert f"net {figs['net_value_per_year'].span()}." in html
    assert f"<td>{table_money(net)}</td>" in html and ROUNDING_NOTE in html
    card = html.split('<span class="value"')[1].split("</span></span>")[0]
    assert re.sub(r"<[^>]+>", "", card.split(">", 1)[1]) == f"about {brief_money(net)}"


def test_the_brief_names_the_current_process_and_its_net_value_one_way(page):
    """The reported flaw: the chart said "today's process", the value text and the risk
    register "the current scorecard (a logistic baseline)", the card and the heading "the
    current process"; the risk register wrote "net -$1.6M", the card and the text "about
    -$1.6M". The value text says once what the current process is; the risk register writes
    the net value and its range as the headline does."""
    inputs, html, _ = page
    m, figs = inputs.money, brief_figures(inputs)
    words = re.sub(r"<[^>]+>", "", html)
    assert "today's process" not in words
    assert words.count(m["current_process"]) == 1
    assert f"The current process is {m['current_process']}." in words
    risk = next(r for r in risk_register(inputs) if r["risk"] == "Value does not materialise")
    assert risk["evidence"].startswith(
        f"net {figs['net_value_per_year'].text} a year against the current process (95% range "
        f"{figs['net_value_low'].text} to {figs['net_value_high'].text})")


@pytest.mark.parametrize(("amount", "shown"), [
    (-1_604_500, "-$1.60M"), (-1_673_500, "-$1.67M"), (-944_500, "-$945,000"),
    (1_821_000, "$1.82M"), (38_840_000, "$38.8M"), (150, "$150")])
def test_table_money_keeps_three_significant_figures(amount, shown):
    assert table_money(amount) == shown


def _with_bad_loan_row(inputs, low, high):
    """``inputs`` with the sensitivity row of a bad loan's loss set to ``low`` and ``high``."""
    table = inputs.sensitivity.copy()
    table.loc["loss on a bad loan approved", ["low", "high"]] = [low, high]
    return replace(inputs, sensitivity=table)


@pytest.mark.parametrize(("ends", "said"), [
    ((-1, 3), '"loss on a bad loan approved" were 50% lower, the net value would turn negative'),
    ((3, -1), '"loss on a bad loan approved" were 50% higher, the net value would turn negative')])
def test_the_value_text_names_an_assumption_that_flips_the_sign(page, ends, said):
    """The capstone's brief read -$420,000 / $700,000 / $1.8M for a bad loan's loss without
    saying that the case rests on it (lesson 07: if the answer changes sign, say which)."""
    inputs, _, _ = page
    base = inputs.money["net_value_per_year"]
    low, high = (abs(base) * end * (1 if base > 0 else -1) for end in ends)
    html = brief_html(_with_bad_loan_row(inputs, low, high))
    value = html.split("Value against the current process")[1].split("<table")[0]
    assert said.replace("negative", "negative" if base > 0 else "positive") in value.replace(
        "&quot;", '"')
    assert "the value case rests on that assumption" in value


def test_no_sign_sentence_when_no_assumption_flips_the_sign(page):
    inputs, _, _ = page
    base = inputs.money["net_value_per_year"]
    same_sign = inputs.sensitivity.copy()
    same_sign[["low", "high"]] = base  # every move keeps the stated sign
    html = brief_html(replace(inputs, sensitivity=same_sign))
    assert "rests on that assumption" not in html


def test_the_brief_answers_why_not_refer_everyone(page):
    """Priced as Module 02 prices a referral (underwriter time plus the good customers lost),
    referring every application costs far more than either process; priced at underwriter
    time alone it would be the cheapest process of all, and the brief would have no answer."""
    inputs, html, _ = page
    m = inputs.money
    assert m["refer_everyone_cost_per_year"] > max(m["model_cost_per_year"],
                                                   m["current_cost_per_year"])
    assert ('Referring everyone would cost <span '
            'data-figure="refer_everyone_cost_per_year"') in html
    assert "per referred good customer lost" in html
    assert "underwriter time per referral, all a referred defaulter costs" in html
    kept = 'underwriters kept over <span data-figure="refer_everyone_kept"'
    assert (kept in html) == (0 < m["refer_everyone_cheaper_below"] < 1)


@pytest.mark.parametrize(("below", "said"), [
    (0.0, "a year: dearer than the model even if underwriters kept"),
    (0.6, "a year: cheaper than the model only if underwriters kept over"),
    (1.0, "a year: cheaper than the model even if underwriters kept only")])
def test_the_brief_says_when_referring_everyone_would_be_cheaper(page, below, said):
    inputs, _, _ = page
    html = brief_html(replace(inputs, money={**inputs.money,
                                             "refer_everyone_cheaper_below": below}))
    assert said + ' <span data-figure="refer_everyone_kept"' in html
    assert f">{1 - below:.0%}</span> of referred good customers." in html


def test_the_appendix_says_the_thresholds_leave_out_the_underwriters_time(page):
    """Module 02's prices (break-even 0.20) set the thresholds; the value case adds the
    underwriter's USD 150 a referral, whose break-even is 0.215."""
    _, html, tagged = page
    assert float(tagged["break_even"]) == pytest.approx(0.20)
    assert float(tagged["value_break_even"]) == pytest.approx(0.215)
    assert ">0.215</span>, so the value case prices the thresholds slightly off" in html


@pytest.mark.parametrize(("low", "high", "said"), [
    (-900_000.0, 400_000.0, "so even the sign is not established"),
    (100_000.0, 900_000.0, "pays for itself across the 95% range above"),
    (-900_000.0, -100_000.0, "does NOT pay for itself across the 95% range above")])
def test_the_value_is_read_with_its_95_percent_range(page, low, high, said):
    """The headline card and the value section give the range; when it spans zero the words
    say that even the sign is not established, whichever sign this sample gave."""
    inputs, _, _ = page
    net = (low + high) / 2
    html = brief_html(replace(inputs, money={**inputs.money, "net_value_per_year": net,
                                             "net_value_low": low, "net_value_high": high}))
    assert said in html
    card = html[html.index('<div class="figures"'):html.index("Source:")]
    assert f'data-figure="net_value_low" data-value="{low}">{brief_money(low)}</span>' in card
    assert f'data-figure="net_value_high" data-value="{high}">{brief_money(high)}</span>' in card
    assert ("not established" in html) == (low <= 0 <= high)


@pytest.mark.parametrize("saved", [-389_000.0, 2_111_000.0])
def test_the_saving_reads_as_a_saving_or_a_loss_never_a_negative_saving(page, saved):
    from dataclasses import replace

    inputs, _, _ = page
    html = brief_html(replace(inputs, money={**inputs.money, "saved_per_year": saved}))
    span = re.search(r'it (saves|costs) <span data-figure="saved_per_year" '
                     r'data-value="([^"]+)">([^<]+)</span> a year( more)?', html)
    assert span and float(span[2]) == saved
    assert span[3] == brief_money(abs(saved)) and not span[3].startswith("-")
    assert (span[1], span[4]) == (("saves", None) if saved >= 0 else ("costs", " more"))


def test_fairness_claims_follow_the_gate_when_it_fails(run):
    from deploydl.communication.audiences import audience_view

    strict = Assumptions(min_ratio=1.01)  # a ratio no threshold can reach: the gate fails
    inputs = collect_brief_inputs(run.registry, NAME, run.test, validation=run.calibration,
                                  assumptions=strict, current=run.current_process)
    assert inputs.fairness["gate_passed"] is False
    assert inputs.fairness["validation_passed"] is False
    html = brief_html(inputs)
    assert "fairness gate FAILED" in html and "passes the four-fifths screen" not in html
    assert "Do not release version" in html and "Approve version" not in html
    board = audience_view(inputs, "board").message_html
    assert "FAILS the four-fifths fairness screen" in board and "passes" not in board
    regulator = audience_view(inputs, "regulator").message_html
    assert "release gate failed" in regulator and "at least 80%" not in regulator
    risk = next(r for r in risk_register(inputs) if r["risk"].startswith("Unfair"))
    assert "FAILED" in risk["evidence"]


@pytest.mark.parametrize(("passed", "net", "said"), [
    (True, 700_000, "Against the current process the model is worth about $700,000 a year "
     "after running costs, and it passes the four-fifths fairness screen. We ask you to decide "
     "on the roll-out."),
    (False, 700_000, "Against the current process the model is worth about $700,000 a year "
     "after running costs, but it FAILS the four-fifths fairness screen (ratio 0.75). We do "
     "not ask for approval until fairness is fixed."),
    (True, -1_600_000, "The model does not beat the current process: net about -$1.6M a year "
     "after running costs. We recommend keeping the current process and not rolling the model "
     "out as it stands."),
    # the reported flaw: "the model is worth about -$1.6M a year ..., but it FAILS"
    (False, -1_600_000, "The model does not beat the current process (net about -$1.6M a year "
     "after running costs) and it FAILS the four-fifths fairness screen (ratio 0.75). We "
     "recommend keeping the current process.")])
@pytest.mark.parametrize("crosses_zero", [False, True])
def test_the_board_message_reads_true_for_each_gate_and_value(page, passed, net, said,
                                                              crosses_zero):
    """Each of the gate's verdicts with a model that pays and one that does not; where the net
    value's 95% range crosses zero, the message says its sign is not established."""
    from html import unescape

    from deploydl.communication.audiences import audience_view

    inputs, _, _ = page
    low, high = (-3_000_000, 2_000_000) if crosses_zero else (net - abs(net) / 2,
                                                               net + abs(net) / 2)
    moved = replace(inputs, money={**inputs.money, "net_value_per_year": net,
                                   "net_value_low": low, "net_value_high": high},
                    fairness={**inputs.fairness, "gate_passed": passed,
                              "too_close_to_call": False, "demographic_parity_ratio": 0.75})
    words = unescape(re.sub(r"<[^>]+>", "", audience_view(moved, "board").message_html))
    if crosses_zero:
        first, ask = said.rsplit(". We ", 1)
        said = (f"{first}. The net value's 95% range, -$3.0M to $2.0M, spans zero, so even its "
                f"sign is not established. We {ask}")
    assert words == said


@pytest.mark.parametrize(("review", "decides"), [
    ({"approver": "A. Reviewer", "reason": "range straddles"},
     "a named fairness review decided; the registry records who and why"),
    (None, "a named fairness review decides before this version is released")])
def test_the_board_and_regulator_say_when_the_screen_is_too_close_to_call(page, review,
                                                                          decides):
    """The reported flaw: a pass too close to call told the board the model "passes the
    four-fifths fairness screen" and the regulator that "each age band is approved at least
    80%", although the ratio's 95% range reached below 0.80."""
    from deploydl.communication.audiences import audience_view

    inputs, _, _ = page
    close = replace(inputs, money={**inputs.money, "net_value_per_year": 1.0e6},
                    registry={**inputs.registry, "fairness_review": review},
                    fairness={**inputs.fairness, "gate_passed": True, "too_close_to_call": True,
                              "ratio_low": 0.75, "ratio_high": 0.85, "min_ratio": 0.8})
    for audience in ("board", "regulator"):
        words = re.sub(r"<[^>]+>", "", audience_view(close, audience).message_html)
        assert "passes the four-fifths" not in words and "at least 80%" not in words
        assert "passed but too close to call: the approval ratio across age bands" in words
        assert "reaches 0.80 on its point estimate, but its 95% range, 0.750 to 0.850, " \
               f"reaches below it, so {decides}" in words
    clear = replace(close, fairness={**close.fairness, "too_close_to_call": False})
    board = audience_view(clear, "board").message_html
    assert "passes the four-fifths fairness screen" in board and "too close" not in board


@pytest.mark.parametrize("passed", [True, False])
def test_a_gate_verdict_too_close_to_call_says_so_with_its_range(page, passed):
    from deploydl.communication.brief_page import model_card

    inputs, _, _ = page
    figures = brief_figures(inputs)
    for close in (True, False):
        text = fairness_text(replace(inputs, fairness={
            **inputs.fairness, "gate_passed": passed, "validation_passed": True,
            "too_close_to_call": close, "ratio_low": 0.75, "ratio_high": 0.85}))
        said = "Its 95% range, {ratio_low} to {ratio_high}, straddles the screen's 0.80" in text
        assert said is close
        card = model_card(replace(inputs, fairness={
            **inputs.fairness, "gate_passed": passed, "too_close_to_call": close,
            "ratio_low": 0.75, "ratio_high": 0.85})).fairness_findings[0]
        assert card.startswith("Approval ratio across age bands ")
        assert ("95% range 0.750 to 0.850, too close to call" in card) is close
        assert ("fairness gate FAILED" in text) is not passed
    assert {"ratio_low", "ratio_high"} <= set(figures) or inputs.fairness["ratio_low"] is None


def test_each_version_in_the_ab_test_decides_at_its_own_threshold(run):
    from deploydl.registry import load_artifact

    logged = run.log.frame()
    ab = logged[logged["applicant_id"].fillna("").str.startswith("AB")
                & (logged["status"] == "ok")]
    thresholds = {}
    for version, rows in ab.groupby("model_version"):
        thresholds[version] = load_artifact(run.registry.path(NAME, version))[0].threshold
        refer = rows["probability"] >= thresholds[version]
        assert (rows["decision"] == refer.map({True: "refer", False: "approve"})).all()
        assert (rows["threshold"] == thresholds[version]).all()
    assert len(set(thresholds.values())) == 2, thresholds  # else this would prove nothing


def test_only_the_capstone_brief_is_for_the_new_region(run):
    """Module 07's brief comes before the Central region opens (Module 08): its audience does
    not name the region; the capstone's brief, written after the region opened, does."""
    assert "Central region" in run.inputs.context.audience
    assert "Central" not in Context().audience
    assert "Central" not in brief_html(replace(run.inputs, context=Context()))


def test_the_decision_follows_the_new_regions_own_fairness_screen(page):
    """The brief asks to approve the new region only where its logged approvals pass the
    four-fifths screen; without traffic from it (Module 07) the decision does not name it."""
    inputs, _, _ = page
    approvable = replace(inputs, fairness={**inputs.fairness, "gate_passed": True},
                         money={**inputs.money, "net_value_per_year": 1.0})

    def decision(ratio):
        monitoring = {k: v for k, v in inputs.monitoring.items() if not k.startswith("region_")}
        if ratio is not None:
            monitoring["region_parity_ratio"] = ratio
        return decision_text(replace(approvable, monitoring=monitoring))

    assert "the new one included" in decision(0.85)
    assert "for the existing regions" in decision(0.75)
    assert "send the new region's applicants to an underwriter" in decision(0.75)
    assert "region" not in decision(None)
    for ratio, verdict in ((0.85, "the screen passes there"), (0.75, "the screen FAILS there")):
        assert verdict in fairness_text(replace(approvable, monitoring={
            **inputs.monitoring, "region_parity_ratio": ratio,
            "region_ratio_low": ratio - 0.03, "region_ratio_high": ratio + 0.03}))


def test_a_threshold_that_failed_the_screen_where_it_was_chosen_fails_the_gate(run, page,
                                                                              monkeypatch):
    """The gate passes only where the screen also passed on the applicants the threshold was
    chosen on: held-out approvals that pass do not rescue it."""
    from deploydl.communication import brief
    from deploydl.communication.brief_page import model_card

    inputs, _, _ = page
    assert inputs.fairness["gate_passed"] is True  # the held-out approvals pass here
    chosen = brief.threshold_for

    def failed_where_chosen(*args, **kwargs):
        threshold, choice = chosen(*args, **kwargs)
        return threshold, replace(choice, passed=False)

    monkeypatch.setattr(brief, "threshold_for", failed_where_chosen)
    failed = collect_brief_inputs(run.registry, NAME, run.test, validation=run.calibration,
                                  current=run.current_process)
    assert failed.evaluation["threshold"] == inputs.evaluation["threshold"]
    assert (failed.fairness["demographic_parity_ratio"]
            == inputs.fairness["demographic_parity_ratio"])  # the same held-out approvals
    assert failed.fairness["gate_passed"] is False
    assert "four-fifths screen FAILED" in model_card(failed).fairness_findings[0]
    risk = next(r for r in risk_register(failed) if r["risk"].startswith("Unfair"))
    assert "FAILED" in risk["evidence"]
    html = brief_html(failed)
    assert "fairness gate FAILED" in html and "Approve version" not in html


def test_the_equal_opportunity_gap_compares_approvals_of_applicants_who_repaid(run, page):
    """The model card's gap, recomputed by hand: among applicants who repaid (default 0), each
    age band's share approved; the gap is the highest share minus the lowest."""
    from deploydl.communication.brief_page import model_card
    from deploydl.registry import load_artifact

    inputs, _, _ = page
    model, _ = load_artifact(run.registry.path(NAME, run.registry.stage(NAME, "production")))
    approved = model.predict_proba(run.test) < inputs.evaluation["threshold"]
    repaid = run.test[LABEL].to_numpy() == 0
    groups = run.test[PROTECTED_ATTRIBUTE].to_numpy()
    shares = [approved[repaid & (groups == g)].mean() for g in np.unique(groups)]
    gap = max(shares) - min(shares)
    assert inputs.fairness["equal_opportunity_difference"] == pytest.approx(gap, abs=1e-12)
    assert any(finding.startswith(f"Equal-opportunity gap {gap * 100:.1f} points ")
               for finding in model_card(inputs).fairness_findings)


def test_the_value_section_says_keep_the_current_process_unless_the_decision_does(page):
    """A model that does not pay: the value section says to keep the current process, once;
    when the decision above already asks for that, the brief does not repeat it."""
    inputs, _, _ = page
    losing = {**inputs.money, "net_value_per_year": -100_000.0}
    advice = "Keep the current process until the model is shown to pay."
    written = replace(inputs, money=losing,
                      context=Context(decision="Fund six more months of work on the model."))
    assert advice in brief_html(written)
    for decision in ("Keep the current process for now.", "Keep the Current\nprocess for now."):
        kept = replace(written, context=Context(decision=decision))
        assert advice not in brief_html(kept), decision  # any case, across a line break


def test_the_briefs_own_decision_for_a_model_that_does_not_pay_keeps_the_current_process(page):
    """The value section leaves that advice to the decision the brief writes itself: for a
    model that does not pay, each of them (no value, a hold for the fairness review, a failed
    gate) asks to keep the current process, so the advice is never said twice."""
    inputs, _, _ = page
    assert inputs.fairness["too_close_to_call"] and not inputs.context.decision
    losing = replace(inputs, money={**inputs.money, "net_value_per_year": -100_000.0})
    waiting = replace(losing, registry={**inputs.registry, "fairness_review": None})
    failed = replace(losing, fairness={**inputs.fairness, "gate_passed": False})
    for case, opening in ((losing, "Keep the current process"), (waiting, "Hold version"),
                          (failed, "Do not release")):
        text = decision_text(case)
        assert text.startswith(opening) and "keep the current process" in text.lower()
        assert "until the model is shown to pay" not in brief_html(case)


def test_the_brief_prints_the_gates_range_as_the_gate_printed_it(page):
    """The reported flaw: the gate printed "0.757-0.881" but kept 0.8805 (four decimals),
    which the brief printed as 0.880. The brief keeps the unrounded range."""
    inputs, _, _ = page
    figures = brief_figures(inputs)
    f = inputs.fairness
    assert f["ratio_low"] is not None  # this run's gate is too close to call
    shown = f"{figures['ratio_low'].text}-{figures['ratio_high'].text}"
    assert f"95% range {shown} " in f["gate_reason"]


@pytest.mark.parametrize(("passed", "close", "title", "verdict"), [
    (True, False, "Every age band is approved at least 80% as often as the best", "passed"),
    (True, True, "Under 30: approved 82% as often as the best; 95% range dips below 80%",
     "passed but too close to call"),
    (False, False, "Applicants aged under 30 fall below the four-fifths screen", "FAILED")])
def test_the_fairness_chart_and_risk_say_when_the_screen_is_too_close_to_call(
        page, passed, close, title, verdict):
    """The reported flaw: a pass too close to call was titled "Every age band is approved at
    least 80% as often as the best" and its risk said only "passed", while the brief's text
    said a fairness review decides."""
    import matplotlib.pyplot as plt

    from deploydl.communication.brief_page import fairness_chart

    inputs, _, _ = page
    moved = replace(inputs, fairness={
        **inputs.fairness, "gate_passed": passed, "too_close_to_call": close,
        "demographic_parity_ratio": 0.8209, "worst_group": "under_30", "min_ratio": 0.8})
    fig = fairness_chart(moved)
    assert " ".join(fig.axes[0].get_title(loc="left").split()) == title
    plt.close(fig)
    risk = next(r for r in risk_register(moved) if r["risk"].startswith("Unfair"))
    assert risk["evidence"].startswith(f"approval ratio 0.82 (screen: 0.80, {verdict}); ")


@pytest.mark.parametrize("passed", [True, False])
@pytest.mark.parametrize("close", [True, False])
def test_the_model_cards_cost_chart_says_when_the_screen_is_too_close_to_call(page, passed,
                                                                              close):
    """The reported flaw: the model card's cost chart (the engineers' chart) said the threshold
    "passes the fairness screen" when the screen was too close to call."""
    import matplotlib.pyplot as plt

    from deploydl.communication.brief_page import cost_chart

    inputs, _, _ = page
    moved = replace(inputs, fairness={**inputs.fairness, "gate_passed": passed,
                                      "too_close_to_call": close})
    fig = cost_chart(moved)
    caption = " ".join(fig.get_supxlabel().split())
    plt.close(fig)
    verdict = "FAILED" if not passed else "passed but too close to call" if close else "passed"
    assert caption.startswith(f"Chosen before the test (fairness screen {verdict}), it costs ")


@pytest.mark.parametrize(("event", "said"), [
    ({}, "no drift event yet; {n_rules} alert rules watch the service"),
    ({"opened_day": 3, "alarm_day": None, "alarm_delay_days": None},
     "a new region opened; the drift alarm has not fired"),
    ({"opened_day": 3, "alarm_day": 4, "alarm_delay_days": 1},
     "a new region's applicants look different from the training data; the drift alarm fired "
     "1 day after opening")])
def test_the_drift_risk_says_what_the_run_saw(page, event, said):
    """The reported flaw: lesson 07's brief, with no drift event, said a new region's
    applicants look different from the training data."""
    inputs, _, _ = page
    plan = {k: inputs.monitoring[k] for k in ("rules", "n_rules")}
    moved = replace(inputs, monitoring={**plan, **event})
    risk = next(r for r in risk_register(moved) if r["risk"].startswith("Drift"))
    assert risk["evidence"] == said.format(n_rules=inputs.monitoring["n_rules"])


def test_the_appendix_gives_the_hindsight_gap_as_a_share_of_its_own_base(page):
    """The reported flaw: "would have cost $88,000 (4.7%) less" read 4.7% of the chosen cost;
    the share is the gap over the hindsight cost: the chosen threshold costs that much more."""
    inputs, html, _ = page
    e = inputs.evaluation
    assert e["hindsight_gap_share"] == pytest.approx(e["hindsight_gap"] / e["hindsight_cost"])
    figures = brief_figures(inputs)
    text = re.sub(r"<[^>]*>", "", html)
    assert (f"would have cost {figures['hindsight_gap'].text} less: the chosen threshold costs "
            f"{figures['hindsight_gap_share'].text} more than that.") in text


@pytest.mark.parametrize(("region", "until"), [
    ({"region_parity_ratio": 0.97, "region_ratio_low": 0.70, "region_ratio_high": 1.0},
     "a named fairness review decides"),
    ({"region_parity_ratio": 0.6, "region_ratio_low": 0.4, "region_ratio_high": 0.8},
     "a fix is reviewed with counsel"),
    ({"region_parity_ratio": 0.95, "region_ratio_low": 0.85, "region_ratio_high": 1.0}, None),
    ({}, None)])
def test_the_scope_follows_the_decision_for_the_new_region(page, region, until):
    """The reported flaw: "Applies to: ... every region, the new Central region too" above a
    decision that sends the new region's applicants to an underwriter."""
    inputs, _, _ = page
    monitoring = {k: v for k, v in inputs.monitoring.items() if not k.startswith("region_")}
    moved = replace(inputs, fairness={**inputs.fairness, "gate_passed": True},
                    money={**inputs.money, "net_value_per_year": 1.0},
                    monitoring={**monitoring, "region_n": 300, "region_smallest_n": 20,
                                **region})
    audience = inputs.context.audience
    expected = audience if until is None else (
        f"{audience.rstrip('.')}. In the new region, underwriters take every application "
        f"until {until}.")
    assert scope_text(moved) == expected
    if until:
        assert "for the existing regions" in decision_text(moved)
        assert f"Applies to: {expected}" in brief_html(moved).replace("&#x27;", "'")
    written = replace(moved, context=replace(moved.context, decision="Keep the current process."))
    assert scope_text(written) == audience
