"""One result, four audiences (Module 07): the message, the chart and the detail change.

The board hears value and the decision; a regulator hears fairness, oversight and evidence;
the call-centre team hears what changes for customers and what to say; engineers hear
versions, metrics and alerts. :func:`audience_view` builds each view from the same
:class:`deploydl.communication.brief.BriefInputs`, so the numbers never disagree between audiences;
:class:`AudienceExplorer` switches between them in a notebook.
"""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass

from deploydl.communication.brief import BriefInputs, screen_verdict
from deploydl.communication.value import spans_zero


@dataclass(frozen=True)
class Audience:
    """What one audience cares about, how much detail it wants, and which chart answers it."""

    name: str
    cares_about: str
    detail: str  # "headline", "evidence", "practical" or "technical"
    chart: str  # "value", "fairness", "decisions" or "cost"
    message: str  # a template of figure keys (see deploydl.present.report.prose)
    details: tuple[str, ...]  # figure keys shown as the detail table
    message_if_gate_fails: str = ""  # used instead of ``message`` when the fairness gate fails
    message_if_no_value: str = ""  # used when the model does not beat the current process
    # used when the gate passes too close to call; ``{too_close}`` stands for too_close_words()
    message_if_too_close: str = ""
    # used when the gate fails and the model does not beat the current process either
    message_if_neither: str = ""


#: Where a message writes ``{unsettled}``: nothing, or, when the net value's 95% range spans
#: zero, this sentence (a template of figure keys).
UNSETTLED = (" The net value's 95% range, {net_value_low} to {net_value_high}, spans zero, so "
             "even its sign is not established.")

#: How the regulator's messages end: who decides on each applicant the model does not approve
#: (the model refers them; it never declines anyone), and where the evidence is.
OVERSIGHT = (" Every applicant the model does not approve goes to a human underwriter, who "
             "decides; the model card documents data, metrics by group and limitations.")


AUDIENCES: dict[str, Audience] = {a.name: a for a in (
    Audience("board", "value, risk and the decision asked", "headline", "value",
             "Against the current process the model is worth {net_value_per_year} a year "
             "after running costs, and it passes the four-fifths fairness screen.{unsettled} "
             "We ask you to decide on the roll-out.",
             ("net_value_per_year", "parity_ratio"),
             "Against the current process the model is worth {net_value_per_year} a year "
             "after running costs, but it FAILS the four-fifths fairness screen (ratio "
             "{parity_ratio}).{unsettled} We do not ask for approval until fairness is fixed.",
             "The model does not beat the current process: net {net_value_per_year} a year "
             "after running costs.{unsettled} We recommend keeping the current process and not "
             "rolling the model out as it stands.",
             "Against the current process the model is worth {net_value_per_year} a year "
             "after running costs.{unsettled} Its four-fifths fairness screen {too_close}. We "
             "ask you to decide on the roll-out, subject to that review.",
             "The model does not beat the current process (net {net_value_per_year} a year "
             "after running costs) and it FAILS the four-fifths fairness screen (ratio "
             "{parity_ratio}).{unsettled} We recommend keeping the current process."),
    Audience("regulator", "fair treatment, human oversight and evidence", "evidence",
             "fairness", "At threshold {threshold}, each age band is approved at least 80% as "
             "often as the best-off (ratio {parity_ratio}), a screen we use alongside a review "
             "for disparate treatment and impact." + OVERSIGHT,
             ("parity_ratio", "ratio_at_break_even", "worst_group_approval", "threshold",
              "n_test", "model_version"),
             "At threshold {threshold}, the approval ratio across age bands is {parity_ratio}, "
             "below the four-fifths screen: the release gate failed and this version is not "
             "released." + OVERSIGHT,
             message_if_too_close="At threshold {threshold}, the four-fifths screen, which we "
             "use alongside a review for disparate treatment and impact, {too_close}."
             + OVERSIGHT),
    Audience("call-centre", "what changes for customers and what to say", "practical",
             "decisions", "About {approval_rate} of applicants get a yes at once. The others "
             "are not refused: an underwriter looks at their file. If a customer asks why, "
             "read them the reasons on the screen; never guess.",
             ("approval_rate",)),
    Audience("engineers", "versions, metrics, thresholds and alerts", "technical", "cost",
             "Version {model_version} (sha256 {sha256}) decides at {threshold}: ROC AUC "
             "{roc_auc}, {bad_loans_approved} bad loans approved on {n_test} held-out "
             "applicants. {n_rules} alert rules are live.",
             ("model_version", "sha256", "roc_auc", "threshold", "hindsight_threshold",
              "approval_rate", "bad_loans_approved", "n_rules")),
)}


@dataclass(frozen=True)
class AudienceView:
    """What one audience sees: what it cares about, the message (HTML), the chart (title, PNG
    and alt text: its titles and caption) and the details."""

    audience: str
    detail: str
    message_html: str
    chart_title: str
    details: tuple[tuple[str, str], ...]
    chart_uri: str = ""
    cares_about: str = ""
    chart_alt: str = ""


def audience_view(inputs: BriefInputs, audience: str) -> AudienceView:
    """The view for ``audience`` (one of :data:`AUDIENCES`), built from ``inputs``."""
    from deploydl.communication.brief_page import brief_figures
    from deploydl.present.report import chart, prose

    if audience not in AUDIENCES:
        raise ValueError(f"Unknown audience {audience!r}; choose one of {list(AUDIENCES)}.")
    spec, figs = AUDIENCES[audience], brief_figures(inputs)
    fig = draw_audience_chart(inputs, audience)
    title = fig.axes[0].get_title(loc="left")
    uri, alt = chart(fig)
    return AudienceView(audience, spec.detail, prose(message_for(spec, inputs), figs), title,
                        tuple((figs[k].label, figs[k].text) for k in spec.details), uri,
                        cares_about=spec.cares_about, chart_alt=alt)


def message_for(spec: Audience, inputs: BriefInputs) -> str:
    """The audience's message for this run, as a template of figure keys: the one for a gate
    that fails (and a model that does not pay either), a model that does not pay, a screen
    too close to call, or the plain ``message``, the first of these the audience has; with the
    :data:`UNSETTLED` sentence where the net value's 95% range spans zero."""
    gate_fails = not inputs.fairness["gate_passed"]
    no_value = inputs.money["net_value_per_year"] <= 0
    too_close = bool(inputs.fairness.get("too_close_to_call"))
    candidates = ((gate_fails and no_value, spec.message_if_neither),
                  (gate_fails, spec.message_if_gate_fails),
                  (no_value, spec.message_if_no_value),
                  (too_close, spec.message_if_too_close))
    message = next((text for applies, text in candidates if applies and text), spec.message)
    m = inputs.money
    unsettled = UNSETTLED if spans_zero(m["net_value_low"], m["net_value_high"]) else ""
    if "{too_close}" in message:
        message = message.replace("{too_close}", too_close_words(inputs))
    return message.replace("{unsettled}", unsettled)


def too_close_words(inputs: BriefInputs) -> str:
    """The screen's verdict when it passes too close to call, as a template of figure keys: the
    approval ratio reaches the screen, its 95% range reaches below it, so a named fairness
    review decides (or decided, once the registry records one)."""
    f = inputs.fairness
    review = ("decided; the registry records who and why" if inputs.registry.get(
        "fairness_review") else "decides before this version is released")
    return (f"{screen_verdict(f)}: the approval ratio across age bands, {{parity_ratio}}, "
            f"reaches {f['min_ratio']:.2f} on its point estimate, but its 95% range, "
            f"{{ratio_low}} to {{ratio_high}}, reaches below it, so a named fairness review "
            f"{review}")


def draw_audience_chart(inputs: BriefInputs, audience: str, *, ax=None):
    """The chart that answers this audience's question (a matplotlib figure); given ``ax``,
    drawn on that panel of a larger figure (:func:`audience_charts`)."""
    from deploydl.communication.brief_page import cost_chart, fairness_chart, value_chart

    kind = AUDIENCES[audience].chart
    if kind == "fairness":
        return fairness_chart(inputs, ax=ax)
    if kind == "cost":
        return cost_chart(inputs, ax=ax)
    return (value_chart(inputs, ax=ax) if kind == "value"
            else _decisions_chart(inputs, ax=ax))


#: The smallest text on the four-panel slide, in points: 14 pt is 19 px at the figure's
#: 100 dpi, about 18 px on a 1280 by 800 slide, readable from the back of a room.
PANEL_TEXT_PT = 14


def audience_charts(inputs: BriefInputs):
    """Every audience's chart (:func:`draw_audience_chart`) as one figure, two by two, for a
    slide: each panel's title names its audience and keeps the chart's finding, so the alt
    text reads all four (:func:`deploydl.present.charts.figure_alt`). The figure is as wide
    as the slide's text (12.4 by 6.3 inches) and no text in it is under
    :data:`PANEL_TEXT_PT`."""
    import matplotlib.pyplot as plt
    import matplotlib.text
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    from deploydl.present.charts import course_style, show_with_alt_text

    with course_style():
        # the layout does not make room for a left-aligned title running past its panel's
        # edge: it leaves 2% of the width free on the right
        fig, axes = plt.subplots(2, 2, figsize=(12.4, 6.3),
                                 layout=ConstrainedLayoutEngine(rect=(0, 0, 0.98, 1)))
    for name, ax in zip(AUDIENCES, axes.flat, strict=True):
        draw_audience_chart(inputs, name, ax=ax)
        finding = " ".join(ax.get_title("left").split())
        ax.set_title(textwrap.fill(f"For the {name}: {finding}", 42), loc="left",
                     fontsize=PANEL_TEXT_PT + 2, fontweight="bold")
    for text in fig.findobj(matplotlib.text.Text):  # the brief's charts print smaller text
        text.set_fontsize(max(text.get_fontsize(), PANEL_TEXT_PT))
    show_with_alt_text()
    return fig


def _decisions_chart(inputs: BriefInputs, *, ax=None):
    from deploydl.communication.brief_page import chart_axes
    from deploydl.present.charts import NEUTRAL, PALETTE, label_bars

    rate = inputs.evaluation["approval_rate"] * 100
    fig, ax = chart_axes(f"{rate:.0f} in 100 applicants were approved at once",
                         xlabel="", ylabel="applicants (%)", size=(6.5, 3.6), ax=ax)
    ax.bar(["approved at once", "sent to an underwriter"], [rate, 100 - rate],
           color=[PALETTE[2], NEUTRAL])
    ax.set_ylim(0, 110)
    label_bars(ax)
    return fig


def render_view(view: AudienceView) -> str:
    """The view as HTML: what the audience cares about, message, chart and the detail table."""
    rows = "".join(f"<tr><th scope='row' style='text-align:left'>{html.escape(k)}</th>"
                   f"<td>{html.escape(v)}</td></tr>" for k, v in view.details)
    img = (f"<img style='max-width:100%' alt='{html.escape(view.chart_alt or view.chart_title)}' "
           f"src='{html.escape(view.chart_uri)}'>" if view.chart_uri else "")
    cares = (f"<p><i>They care about {html.escape(view.cares_about)}.</i></p>"
             if view.cares_about else "")
    return (f"<h3>For the {html.escape(view.audience)} ({html.escape(view.detail)} detail)</h3>"
            f"{cares}{view.message_html}{img}<table>{rows}</table>")


class AudienceExplorer:
    """Toggle buttons that switch the audience; ``output.value`` is the HTML shown.

    Tests set ``buttons.value`` and read ``view`` and ``output.value``: no browser needed.
    """

    def __init__(self, inputs: BriefInputs, *, audience: str = "board") -> None:
        import ipywidgets as widgets

        from deploydl.present.panel import Panel

        self.inputs = inputs
        self.buttons = widgets.ToggleButtons(options=list(AUDIENCES), value=audience,
                                             description="audience")
        self.output = widgets.HTML()
        self.widget = Panel([self.buttons, self.output], title="Audience explorer")
        self.view: AudienceView | None = None
        self.buttons.observe(self._update, names="value")
        self._update()

    def _update(self, change=None) -> None:
        self.view = audience_view(self.inputs, self.buttons.value)
        self.output.value = render_view(self.view)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
