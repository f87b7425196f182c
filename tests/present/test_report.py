"""The self-contained HTML building blocks and the PDF writer (Module 07)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deploydl.present import report
from deploydl.present.report import Figure, Section, figures_block, html_table, prose, render_page


def test_numbers_are_tagged_with_key_and_value():
    fig = Figure("auc", "ROC AUC", "0.76", 0.7612, "deploydl.evaluation.metrics")
    block = figures_block([fig])
    assert '<span data-figure="auc" data-value="0.7612">0.76</span>' in block
    assert "Source: deploydl.evaluation.metrics" in block


def test_prose_escapes_text_and_tags_placeholders():
    figs = {"n": Figure("n", "count", "1,000", 1000, "here")}
    html = prose("<b>{n}</b> & more", figs)
    assert html == ('<p>&lt;b&gt;<span data-figure="n" data-value="1000">1,000</span>'
                    "&lt;/b&gt; &amp; more</p>")
    with pytest.raises(KeyError):
        prose("{missing}", figs)


def test_tables_and_pages_are_escaped_and_self_contained():
    assert html_table([]) == "<p><em>No data yet.</em></p>"
    assert "<td>&lt;x&gt;</td>" in html_table([{"a": "<x>"}])
    assert '<th scope="col">a &amp; b</th>' in html_table([{"a & b": 1}])
    page = render_page("T & co", lede="hi", sections=[
        Section("S", "<p>b</p>", [("data:x", 'Costs "fall" <by half>')]),
        Section("Two", "<p>c</p>", [("data:y", "one"), ("data:z", "two")])])
    assert page.startswith("<!DOCTYPE html>") and "<title>T &amp; co</title>" in page
    # One chart opens its section (printed beside the text); several follow it, side by side.
    assert ('<h2>S</h2><div class="chart-aside"><img alt="Costs &quot;fall&quot; &lt;by '
            'half&gt;" src="data:x"></div><p>b</p>') in page
    assert ('<p>c</p><div class="charts"><img alt="one" src="data:y"><img alt="two" '
            'src="data:z"></div>') in page
    assert "http" not in page


def test_a_table_names_its_columns_and_where_asked_its_rows_for_a_screen_reader():
    """The reported flaw: every cell of the brief's tables was a ``<td>``, so a screen reader
    could not say which assumption or risk a number belonged to."""
    rows = [{"risk": "Drift <new region>", "owner": "MLOps"}, {"risk": "Bias", "owner": "RAI"}]
    plain, named = html_table(rows), html_table(rows, row_headers=True)
    head = '<thead><tr><th scope="col">risk</th><th scope="col">owner</th></tr></thead>'
    assert head in plain and head in named
    assert "<tr><td>Bias</td><td>RAI</td></tr>" in plain and 'scope="row"' not in plain
    assert ('<tbody><tr><th scope="row">Drift &lt;new region&gt;</th><td>MLOps</td></tr>'
            '<tr><th scope="row">Bias</th><td>RAI</td></tr></tbody>') in named
    assert named.startswith('<div class="table-scroll"><table>')
    assert named.endswith("</table></div>")


def test_a_row_header_looks_like_the_cell_it_replaces():
    """Only the head row is shaded and bold: a body row's header cell is reset to a cell's
    look (the room kit's and the monitor's own row headers, without ``scope``, keep theirs)."""
    rule = re.search(r'th\[scope="row"\] \{([^}]*)\}', report.CSS)
    assert rule, "no rule for row headers in the page CSS"
    assert "background: none" in rule.group(1) and "font-weight: normal" in rule.group(1)


def test_pages_fit_a_phone_screen_and_print_as_before():
    """A page declares a viewport (else a phone lays it out 980 px wide and shrinks it); on a
    narrow screen the headline cards take two columns (one on the narrowest), charts one, and
    a wide table scrolls on its own. The rules are for screens only: the PDF is unchanged."""
    shell = report.page("T", "<p>b</p>")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in shell
    assert shell.index('name="viewport"') < shell.index("</head>")
    narrow = re.findall(r"@media screen and \(max-width: (\d+)px\) \{(.*?)\} \}", report.CSS,
                        flags=re.DOTALL)
    rules = dict(narrow)
    assert "repeat(2, minmax(0, 1fr))" in rules["600"] and ".table-scroll" in rules["600"]
    assert ".figures { grid-template-columns: minmax(0, 1fr)" in rules["400"]
    assert len(re.findall(r"@media[^{]*max-width", report.CSS)) == len(narrow) == 2


def test_a_footer_closes_the_page_escaped_and_a_page_without_one_is_unchanged():
    """The room-kit pages end with the course's credit line (CC BY 4.0); pages that do not ask
    for a footer (the briefs that Modules 07 and 08 store whole) get no new byte."""
    plain = render_page("T", lede="l", sections=[Section("S", "<p>b</p>")])
    credited = render_page("T", lede="l", sections=[Section("S", "<p>b</p>")],
                           footer=report.COURSE_CREDIT)
    assert "<footer" not in plain and report.COURSE_CREDIT not in plain
    assert credited.startswith(plain.split("</body>")[0])
    assert credited.endswith(f">{report.COURSE_CREDIT}</footer></body></html>\n")
    assert "CC BY 4.0" in report.COURSE_CREDIT and "http" not in report.COURSE_CREDIT
    assert "&lt;b&gt;" in report.page("P", "", footer="<b>")


def test_write_pdf_without_chromium_says_what_to_do(monkeypatch, tmp_path):
    monkeypatch.setattr(report, "find_chromium", lambda: None)
    with pytest.raises(FileNotFoundError, match="Chromium is not installed, so no PDF"):
        report.write_pdf(tmp_path / "a.html", tmp_path / "a.pdf")


def test_a_chromium_that_hangs_is_stopped_with_what_to_do(monkeypatch, tmp_path):
    hangs = tmp_path / "chromium"
    hangs.write_text("#!/bin/sh\nsleep 30\n")
    hangs.chmod(0o755)
    monkeypatch.setattr(report, "find_chromium", lambda: str(hangs))
    with pytest.raises(RuntimeError, match=r"did not finish printing .*a.html to PDF within "
                                           r"0.5 s, so it was stopped and no PDF was written"):
        report.write_pdf(tmp_path / "a.html", tmp_path / "a.pdf", timeout=0.5)


@pytest.mark.slow
def test_write_pdf_prints_with_chromium(tmp_path):
    if report.find_chromium() is None:
        pytest.skip("Chromium is not installed (Debian/Ubuntu: apt-get install chromium)")
    page = tmp_path / "p.html"
    page.write_text(render_page("PDF", lede="x", sections=[]), encoding="utf-8")
    pdf = report.write_pdf(page, tmp_path / "p.pdf")
    assert Path(pdf).read_bytes().startswith(b"%PDF")


def test_find_chromium_is_the_one_lookup_and_follows_path(tmp_path, monkeypatch):
    """The package and the browser tests find Chromium the same way: the first name on PATH."""
    import browser

    fake = tmp_path / "chromium-browser"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.delenv("DEPLOYDL_CHROMIUM", raising=False)
    monkeypatch.setattr(report, "chromium_locations", lambda: [])
    monkeypatch.setenv("PATH", str(tmp_path))
    assert report.find_chromium() == str(fake)
    monkeypatch.setenv("PATH", str(tmp_path / "none"))
    assert report.find_chromium() is None
    assert browser.find_chromium is report.find_chromium


def _executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_find_chromium_takes_deploydl_chromium_first_then_edge_then_install_folders(
        tmp_path, monkeypatch):
    """DEPLOYDL_CHROMIUM wins (and a wrong one is not passed over); Edge on PATH counts; off
    PATH, the folders browsers install into on macOS and Windows are looked in."""
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    installed = _executable(tmp_path / "Applications/Chrome")
    monkeypatch.setattr(report, "chromium_locations", lambda: [tmp_path / "nothing", installed])
    monkeypatch.delenv("DEPLOYDL_CHROMIUM", raising=False)
    assert report.find_chromium() == str(installed)
    edge = _executable(tmp_path / "bin/msedge")
    assert report.find_chromium() == str(edge)
    chosen = _executable(tmp_path / "my browser/chrome")
    monkeypatch.setenv("DEPLOYDL_CHROMIUM", str(chosen))
    assert report.find_chromium() == str(chosen)
    monkeypatch.setenv("DEPLOYDL_CHROMIUM", str(tmp_path / "gone"))
    assert report.find_chromium() is None
    assert "DEPLOYDL_CHROMIUM=" in report.chromium_advice() and "gone" in report.chromium_advice()


def test_chromium_install_folders_and_advice_per_operating_system(monkeypatch):
    mac = report.chromium_locations("darwin", {})
    assert Path("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome") in mac
    windows = report.chromium_locations("win32", {"PROGRAMFILES": "C:/Program Files",
                                                  "LOCALAPPDATA": "C:/Users/a/AppData/Local"})
    assert Path("C:/Program Files/Google/Chrome/Application/chrome.exe") in windows
    assert Path("C:/Program Files/Microsoft/Edge/Application/msedge.exe") in windows
    assert Path("C:/Users/a/AppData/Local/Google/Chrome/Application/chrome.exe") in windows
    assert report.chromium_locations("linux", {}) == []
    monkeypatch.delenv("DEPLOYDL_CHROMIUM", raising=False)
    advice = {p: report.chromium_advice(p) for p in ("darwin", "win32", "linux")}
    assert "apt-get" not in advice["darwin"] + advice["win32"]
    assert "Chrome" in advice["darwin"] and "Edge" in advice["win32"]
    assert "apt-get install chromium" in advice["linux"]
    assert all("DEPLOYDL_CHROMIUM" in a for a in advice.values())


@pytest.mark.parametrize("root", [True, False])
def test_no_sandbox_only_as_root(monkeypatch, root):
    """Chromium will not start as root with its sandbox (containers); on a laptop it keeps it,
    since endpoint security flags a browser started without one. The other flags stay."""
    monkeypatch.setattr(report, "_as_root", lambda: root)
    with report.headless_chromium() as (flags, _):
        assert ("--no-sandbox" in flags) is root
        assert {"--headless", "--disable-background-networking",
                f"--host-resolver-rules={report.CHROMIUM_OFFLINE_RULES}"} <= set(flags)
        assert any(f.startswith("--user-data-dir=") for f in flags)


def test_one_figure_encoder_png_bytes_then_data_uri():
    """figure_png closes the figure unless told not to; the data URI decodes to the same PNG."""
    import base64

    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    uri = report.figure_to_data_uri(fig)
    assert plt.fignum_exists(fig.number), "figure_to_data_uri leaves the figure open by default"
    png = report.figure_png(fig)
    assert not plt.fignum_exists(fig.number)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert uri == report.png_data_uri(png)
    assert base64.b64decode(uri.split(",", 1)[1]) == png


def test_one_page_shell_serves_the_monitor_too():
    """The monitoring pages are the shell plus their own classes and, live, a refresh tag."""
    from deploydl.monitoring import dashboard

    live = dashboard._page("Live", "<p>x</p>", refresh_s=15)
    assert live == report.page("Live", "<h1>Live</h1><p>x</p>", extra_css=dashboard._STYLE,
                               head='<meta http-equiv="refresh" content="15">')
    assert report.CSS in live and ".critical" in live


def test_inline_page_shows_the_written_page_escaped_in_a_frame(tmp_path):
    """The page's text, escaped, is the frame's srcdoc: nothing served, nothing loaded."""
    written = tmp_path / "brief.html"
    written.write_text('<p class="x">Café & "co"</p>\n', encoding="utf-8")
    frame = report.inline_page(written, title="brief")
    shown = frame._repr_html_()
    assert ('srcdoc="&lt;p class=&quot;x&quot;&gt;Café &amp; &quot;co&quot;&lt;/p&gt;\n"'
            in shown)
    assert 'src="about:blank"' in shown and 'width="100%"' in shown
    assert 'height="600"' in shown
    assert 'height="400"' in report.inline_page(written, height=400, title="x")._repr_html_()


def test_an_inline_page_frame_is_named_by_its_page_title(tmp_path):
    """A frame needs a name a screen reader says (WCAG 4.1.2, axe's frame-title): the page's
    own ``<title>`` by default, or the one given; a page with neither is refused."""
    written = tmp_path / "brief.html"
    written.write_text(report.page("Executive brief: Café & co", "<p>x</p>"), encoding="utf-8")
    assert 'title="Executive brief: Café &amp; co"' in report.inline_page(written)._repr_html_()
    named = report.inline_page(written, title='The "board" brief')._repr_html_()
    assert 'title="The &quot;board&quot; brief"' in named and "Executive brief" not in (
        named.split("srcdoc=")[0])
    untitled = tmp_path / "untitled.html"
    untitled.write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(ValueError, match=r"untitled.html has no <title>.*title=\.\.\."):
        report.inline_page(untitled)


#: A stand-in for Chromium: records its command line and environment, writes a PDF, and
#: leaves a file in its profile (which must be removed afterwards).
FAKE_CHROMIUM = """#!{python}
import json, os, sys
from pathlib import Path
args = sys.argv[1:]
value = lambda name: next(a.split("=", 1)[1] for a in args if a.startswith(name + "="))
Path(value("--user-data-dir"), "Local State").parent.mkdir(parents=True)
Path(value("--user-data-dir"), "Local State").write_text("{{}}")
Path(value("--print-to-pdf")).write_bytes(b"%PDF-1.4 stand-in")
Path({record!r}).write_text(json.dumps({{"args": args, "env": dict(os.environ)}}))
"""


def test_every_chromium_run_is_offline_and_leaves_no_profile(tmp_path, monkeypatch):
    """write_pdf's Chromium gets the one set of flags: no host resolves but loopback, and a
    profile, config and cache folder of its own that are gone afterwards (not ~/.config)."""
    import json
    import sys

    import browser

    record = tmp_path / "seen.json"
    fake = tmp_path / "bin" / "chromium"
    fake.parent.mkdir()
    fake.write_text(FAKE_CHROMIUM.format(python=sys.executable, record=str(record)))
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(fake.parent))
    page = tmp_path / "p.html"
    page.write_text(report.page("P", "<p>x</p>"), encoding="utf-8")
    report.write_pdf(page, tmp_path / "p.pdf", settle_ms=100)
    seen = json.loads(record.read_text(encoding="utf-8"))
    args, env = seen["args"], seen["env"]
    assert "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1" in args
    assert {"--headless", "--disable-background-networking", "--virtual-time-budget=100",
            "--no-pdf-header-footer"} <= set(args)
    folders = [Path(a.split("=", 1)[1]) for a in args if a.startswith("--user-data-dir=")]
    folders += [Path(env["XDG_CONFIG_HOME"]), Path(env["XDG_CACHE_HOME"])]
    assert len({f.parent for f in folders}) == 1, "one temporary folder holds them all"
    assert not folders[0].parent.exists(), "the temporary profile was left behind"
    with report.headless_chromium(profile=False) as (flags, _):  # Playwright's own profile
        assert not any(f.startswith("--user-data-dir") for f in flags)
    assert browser.headless_chromium is report.headless_chromium  # the browser tests' too


def _outside_connections(trace: str) -> list[str]:
    """The connect() calls in an ``strace -f -e trace=socket,connect`` log that reach past
    loopback: any to port 53 (a DNS query) and any other but a UDP one (connecting a UDP
    socket sends nothing: Chromium's IPv6 reachability probe asks only for a route)."""
    import re

    kinds: dict[tuple[str, str], str] = {}
    outside = []
    for line in trace.splitlines():
        if found := re.match(r"(\d+)\s+socket\((\w+), (\w+).*= (\d+)$", line):
            pid, _, kind, fd = found.groups()
            kinds[pid, fd] = kind
        elif (found := re.match(r"(\d+)\s+connect\((\d+), \{sa_family=AF_INET6?, (.*)", line)):
            pid, fd, rest = found.groups()
            port = re.search(r"htons\((\d+)\)", rest)
            loopback = re.search(r'"(127\.\d+\.\d+\.\d+|::1|::ffff:127\.[\d.]+)"', rest)
            dns = port is not None and port.group(1) == "53"
            if dns or not (loopback or "SOCK_DGRAM" in kinds.get((pid, fd), "")):
                outside.append(line)
    return outside


@pytest.mark.slow
def test_printing_a_pdf_looks_up_nothing_and_writes_nothing_at_home(tmp_path):
    """Real Chromium under strace: no DNS query, no connection beyond loopback, and nothing in
    the home folder (no ~/.config/chromium crash reports, no ~/.cache)."""
    import os
    import shutil
    import subprocess
    import sys

    if report.find_chromium() is None or shutil.which("strace") is None:
        pytest.skip("needs Chromium and strace (Debian/Ubuntu: apt-get install chromium strace)")
    page, home, trace = tmp_path / "p.html", tmp_path / "home", tmp_path / "trace.txt"
    page.write_text(report.page("P", "<p>x</p>"), encoding="utf-8")
    home.mkdir()
    code = ("from pathlib import Path\nfrom deploydl.present.report import write_pdf\n"
            f"write_pdf(Path({str(page)!r}), Path({str(tmp_path / 'p.pdf')!r}), settle_ms=500)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    for _ in range(3):  # strace -f can lose a race with an exiting child (PTRACE_LISTEN: EIO)
        run = subprocess.run(["strace", "-f", "-qq", "-e", "trace=socket,connect", "-o",
                              str(trace), sys.executable, "-c", code],
                             env={**env, "HOME": str(home)}, capture_output=True, text=True,
                             timeout=120)
        if run.returncode == 0 or "ptrace" not in run.stderr:
            break
    if run.returncode != 0 and "ptrace" in run.stderr:  # three times: strace cannot trace here
        pytest.skip(f"strace cannot trace here: {run.stderr.strip()[-200:]}")
    assert run.returncode == 0, run.stderr[-2000:]
    assert (tmp_path / "p.pdf").read_bytes().startswith(b"%PDF")
    log = trace.read_text(encoding="utf-8")
    assert "connect(" in log  # the trace saw Chromium's own (local) sockets
    assert _outside_connections(log) == []
    assert list(home.rglob("*")) == []


def test_a_chart_is_its_png_and_its_titles_as_alt_text():
    import matplotlib.pyplot as plt

    from deploydl.present.charts import new_figure

    fig, _ = new_figure("Costs fall\nby half", xlabel="x", ylabel="y")
    uri, alt = report.chart(fig)
    assert uri.startswith("data:image/png;base64,") and alt == "Costs fall by half"
    assert not plt.fignum_exists(fig.number)  # closed: a notebook does not show it again
