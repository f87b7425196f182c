"""The self-contained HTML building blocks and the PDF writer (Module 07)."""

from __future__ import annotations

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
    page = render_page("T & co", lede="hi", sections=[Section("S", "<p>b</p>", ["data:x"])])
    assert page.startswith("<!DOCTYPE html>") and "<title>T &amp; co</title>" in page
    assert '<div class="charts"><img alt="S chart" src="data:x"></div>' in page
    assert "http" not in page


def test_write_pdf_without_chromium_says_what_to_do(monkeypatch, tmp_path):
    monkeypatch.setattr(report, "find_chromium", lambda: None)
    with pytest.raises(FileNotFoundError, match="Chromium is not installed, so no PDF"):
        report.write_pdf(tmp_path / "a.html", tmp_path / "a.pdf")


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
    monkeypatch.setenv("PATH", str(tmp_path))
    assert report.find_chromium() == str(fake)
    monkeypatch.setenv("PATH", str(tmp_path / "none"))
    assert report.find_chromium() is None
    assert browser.find_chromium is report.find_chromium


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
