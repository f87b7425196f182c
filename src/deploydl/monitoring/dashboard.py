"""The monitoring dashboard and the weekly report, as self-contained HTML (Module 06).

Both read one :class:`~deploydl.monitoring.alerts.Snapshot` of the prediction log, so they
never disagree. Neither loads anything from the network: styles are inline and the weekly
report's charts are PNGs embedded as base64. On a window without predictions both say so
(:data:`NO_DATA`) and show the "no traffic" alert.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from deploydl.monitoring.alerts import DRIFT_SIGNALS, Snapshot, snapshot
from deploydl.monitoring.health import DecayBaseline
from deploydl.monitoring.log import PredictionStore
from deploydl.present.report import chart, page

NO_DATA = "No data in this window: the service has logged no predictions in it."
#: Seconds between reloads of the live page when it is asked to refresh (``?refresh=15``).
REFRESH_S = 15
#: The monitor's own classes; the rest of the look is the course's page shell (present.report).
#: Severity words stay near-black (the orange and vermillion are too faint as text on white:
#: 2.2:1 and 3.8:1); the colour is a badge border beside them. The traffic facts' row headers
#: stay shaded and bold, as the column headers are (the shell draws a row header as a cell).
_STYLE = """
.num{text-align:right} .bar{background:#0072B2;height:.8rem}
.drifted .bar{background:#D55E00} .empty{font-size:1.2rem}
.critical,.warning,.info{color:#1a1a1a;font-weight:bold;padding:0 .3em;border-left:.5em solid}
.critical{border-color:#D55E00} .warning{border-color:#E69F00} .info{border-color:#0072B2}
"""


def render_dashboard(log: PredictionStore, *, refresh_s: int | None = None,
                     **snapshot_options) -> str:
    """The live page served at ``/dashboard``: today's traffic, drift per feature, alerts.

    ``refresh_s`` reloads the page that often (``/dashboard?refresh=15``). By default it does
    not: a reload sends a screen reader back to the top of the page, so reloading is the
    reader's choice, with a link on the page to switch it on or off.
    """
    snap = snapshot(log, **snapshot_options)
    return _page("Loan-default model: live monitor", _refresh_link(refresh_s) + _body(snap),
                 refresh_s=refresh_s)


def _refresh_link(refresh_s: int | None) -> str:
    if refresh_s:
        return (f"<p>This page reloads every {refresh_s} s. "
                '<a href="dashboard">Stop reloading</a></p>')
    return (f'<p><a href="dashboard?refresh={REFRESH_S}">Reload this page every {REFRESH_S} s'
            "</a> to follow the traffic live.</p>")


def write_weekly_report(log: PredictionStore, path: str | Path, *,
                        baseline: DecayBaseline | None = None) -> Path:
    """Write the weekly review (last 7 days of the log) to ``path``; returns the path.

    ``baseline`` switches the decay alert on: make it with
    :func:`deploydl.monitoring.health.approved_baseline` at the service's threshold.

    The file is one self-contained HTML page: open it offline or attach it to an email.
    """
    return write_review(snapshot(log, window_days=7, baseline=baseline), path)


def write_review(week: Snapshot, path: str | Path) -> Path:
    """Write the weekly review of a snapshot already taken of the log's last 7 days
    (``snapshot(log, window_days=7)``, as :func:`write_weekly_report` takes it) to ``path``;
    returns the path. A notebook that has printed that snapshot's alerts writes their report
    without reading and judging the log a second time."""
    body = ("" if week.empty else _charts(week)) + _body(week)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_page("Loan-default model: weekly review", body), encoding="utf-8")
    return path


def _page(title: str, body: str, *, refresh_s: int | None = None) -> str:
    refresh = f'<meta http-equiv="refresh" content="{refresh_s}">' if refresh_s else ""
    return page(title, f"<h1>{html.escape(title)}</h1>{body}", extra_css=_STYLE, head=refresh)


def _body(snap: Snapshot) -> str:
    """The traffic, alerts and drift sections; on an empty window, :data:`NO_DATA` and the
    alerts (the "no traffic" alert, performance decay if outcomes say so, and the rules that
    read the window switched off)."""
    if snap.empty:
        return f'<p class="empty">{NO_DATA}</p>' + _alerts(snap)
    return _traffic(snap) + _alerts(snap) + _drift(snap)


def _traffic(snap: Snapshot) -> str:
    window, health = snap.window, snap.health
    start, end = (t.strftime("%Y-%m-%d %H:%M UTC") for t in window["time"].agg(["min", "max"]))
    versions = window.groupby("model_version").size()
    refer = (window["decision"] == "refer").mean()
    facts = [("Window", f"{start} to {end}"),
             ("Predictions", f"{len(window):,}"),
             ("Requests", f"{health['requests']:,}"),
             ("Referred to underwriters", f"{refer:.1%}"),
             ("Error rate", f"{health['error_rate']:.2%}"),
             ("Latency p50 / p95", f"{health['latency_p50_ms']:.1f} / "
                                   f"{health['latency_p95_ms']:.1f} ms"),
             *((f"Version {v}", f"{n:,} predictions") for v, n in versions.items())]
    rows = "".join(f'<tr><th scope="row">{html.escape(k)}</th><td>{html.escape(v)}</td></tr>'
                   for k, v in facts)
    return f"<h2>Traffic</h2><table>{rows}</table>"


def _alerts(snap: Snapshot) -> str:
    if not snap.alerts:
        quiet = ("No alert is firing." if not snap.silent else
                 "No alert is firing among the rules that are switched on.")
        return f"<h2>Alerts</h2><p>{quiet}</p>{_switched_off(snap)}"
    items = "".join(f'<li><span class="{a.severity}">{a.severity.upper()}</span> '
                    f"{html.escape(a.name)} (value {a.value:.3g}). "
                    f"Runbook: {html.escape(a.runbook)}</li>" for a in snap.alerts)
    return f"<h2>Alerts</h2><ul>{items}</ul>{_switched_off(snap)}"


def _switched_off(snap: Snapshot) -> str:
    """The rules that cannot fire, grouped by why, so a quiet page does not read as all
    watched."""
    if not snap.silent:
        return ""
    by_reason: dict[str, list[str]] = {}
    for rule in snap.silent:
        by_reason.setdefault(rule.reason, []).append(rule.name)
    items = "".join(f"<li><strong>{html.escape(', '.join(names))}</strong>: "
                    f"{html.escape(reason)}.</li>" for reason, names in by_reason.items())
    count = len(snap.silent)
    return (f"<h3>Switched off: {count} rule{'s' if count > 1 else ''} cannot fire</h3>"
            f"<p>This page does not watch them until what they need is given:</p>"
            f"<ul>{items}</ul>")


#: The drift table's column headers, each with a name a screen reader can say: the PSI bars'
#: own says how to read them (a bar is full at a PSI of 0.5, twice the alert's 0.25).
_DRIFT_HEAD = "".join(f'<th scope="col">{name}</th>' for name in (
    "feature", "test", "statistic", "p (corrected)", "PSI", "PSI bar (full at 0.5)",
    "verdict"))


def _drift(snap: Snapshot) -> str:
    if snap.drift is None:
        why = next((r.reason for r in snap.silent if r.signal in DRIFT_SIGNALS),
                   "it needs reference data and enough predictions in the window")
        return f"<h2>Drift per feature</h2><p>No drift check: {html.escape(why)}.</p>"
    rows = []
    for f in snap.drift.features:
        width = min(f.psi / 0.5, 1.0) * 100
        p = "" if f.p_adjusted is None else f"{f.p_adjusted:.3g}"
        rows.append(f'<tr class="{"drifted" if f.drifted else ""}">'
                    f'<th scope="row">{html.escape(f.feature)}</th>'
                    f"<td>{f.test}</td><td class=num>{f.statistic:.3f}</td>"
                    f"<td class=num>{p}</td><td class=num>{f.psi:.3f}</td>"
                    f'<td style="width:10rem"><div class="bar" style="width:{width:.0f}%" '
                    f'role="img" aria-label="{width:.0f}% full"></div></td>'
                    f"<td>{'DRIFT' if f.drifted else 'stable'}</td></tr>")
    verdict = "Dataset drift" if snap.drift.dataset_drift else "No dataset drift"
    return (f"<h2>Drift per feature</h2><p>{verdict}: {snap.drift.share_drifted:.0%} of "
            f"features drifted ({snap.drift.n_current:,} predictions against "
            f"{snap.drift.n_reference:,} reference rows).</p><table><tr>{_DRIFT_HEAD}</tr>"
            f"{''.join(rows)}</table>")


def drift_chart(drift):
    """PSI per feature from a :class:`deploydl.monitoring.drift.DriftReport`, drifted ones
    coloured, with plain feature names and a legend; returns the figure. A feature is drifted
    when the report's statistical test flags it; PSI gives only the size of its shift, so a
    drifted bar may sit left of the 0.25 line."""
    from matplotlib.patches import Patch

    from deploydl.present.charts import BAD, GOOD, human_label, human_labels, legend, new_figure

    table = pd.DataFrame([(f.feature, f.psi, f.drifted) for f in drift.features],
                         columns=["feature", "psi", "drifted"]).sort_values("psi")
    top = table.iloc[-1]
    fig, ax = new_figure(f"{table['drifted'].sum()} of {len(table)} features drifted;\n"
                         f"largest shift: {human_label(top.feature)}, PSI {top.psi:.2f}",
                         xlabel="PSI: the size of the shift (0.25 or more = large)", ylabel="")
    ax.barh(human_labels(table["feature"]), table["psi"],
            color=[BAD if d else GOOD for d in table["drifted"]])
    ax.axvline(0.25, color="#999999", linestyle="--")
    legend(ax, handles=[Patch(color=BAD, label="drifted (the test flagged it)"),
                        Patch(color=GOOD, label="stable")], loc="lower right")
    return fig


def _charts(snap: Snapshot) -> str:
    from deploydl.present.charts import legend, new_figure

    daily = snap.window.groupby([snap.window["time"].dt.strftime("%m-%d"),
                                 "model_version"]).size().unstack(fill_value=0)
    versions = list(daily.columns)
    fig, ax = new_figure(f"{len(snap.window):,} predictions this week, "
                         f"{daily.sum(axis=1).max():,} on the busiest day"
                         + (f" (all by model {versions[0]})" if len(versions) == 1 else ""),
                         xlabel="day (UTC)", ylabel="predictions per day")
    daily.plot.bar(ax=ax, stacked=True, rot=0, legend=False)
    ax.set_xlabel("day (UTC)")  # pandas writes the index's name over it
    if len(versions) > 1:  # beside the bars, where it covers none
        legend(ax, title="model version", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    images = [chart(fig)]
    if snap.drift is not None:
        images.append(chart(drift_chart(snap.drift)))
    return "".join(f'<img alt="{html.escape(alt)}" style="max-width:100%" src="{uri}">'
                   for uri, alt in images)


