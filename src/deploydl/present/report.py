"""Self-contained HTML documents (Module 07): the executive brief and its building blocks.

Everything a page needs is inside the file: CSS inline, charts as base64 PNG data URIs, system
fonts only. It opens from a USB stick with no network, and prints to PDF from Chromium.
Each headline number is written as ``<span data-figure="KEY">`` so a test can check it
against the module that computed it.
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       max-width: 900px; margin: 2em auto; padding: 0 1em; color: #1a1a1a; line-height: 1.45; }
h1 { font-size: 1.8em; margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #0072B2;
     padding-bottom: 0.2em; margin-top: 1.4em; }
.lede { font-size: 1.15em; color: #333; }
.figures { display: grid; grid-template-columns: repeat(var(--columns, 3), minmax(0, 1fr));
           gap: 0.8em; }
.figure { border: 1px solid #ccc; border-radius: 6px; padding: 0.6em 0.8em; }
.figure .value { font-size: 1.6em; font-weight: bold; color: #0072B2; display: block; }
.figure .source { font-size: 0.8em; color: #555; }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0; }
th, td { border: 1px solid #ccc; padding: 0.35em 0.5em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
img { max-width: 100%; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 0.6em; }
.decision { background: #fff4e0; border-left: 6px solid #E69F00; padding: 0.6em 1em; }
@media print { body { margin: 0; max-width: none; font-size: 9.5pt; line-height: 1.3; }
               h1 { font-size: 1.5em; } h2 { margin: 0.7em 0 0.3em; } p { margin: 0.3em 0; }
               .charts { grid-template-columns: 1fr 1fr; }
               .charts img { width: 100%; } th, td { padding: 0.2em 0.4em; } }
@page { size: A4; margin: 12mm; }
@media print { h2 { break-after: avoid; }
               img, table, .figure { break-inside: avoid; } }
.chart-aside { margin: 0.4em 0; } .chart-aside img { display: block; }
@media print { h2 { clear: both; } .chart-aside ~ table, .chart-aside ~ .table-scroll {
                   clear: both; }
               .chart-aside { float: right; width: 40%; margin: 0 0 0.4em 1em; }
               .chart-aside img { width: 100%; } }
.table-scroll th[scope="row"] { background: none; font-weight: normal; }
@media screen and (max-width: 600px) {
    .figures { grid-template-columns: repeat(2, minmax(0, 1fr)); }
    .charts { grid-template-columns: minmax(0, 1fr); } .table-scroll { overflow-x: auto; } }
@media screen and (max-width: 400px) { .figures { grid-template-columns: minmax(0, 1fr); } }
"""


#: The course's credit line (README, "Licence"; CC BY 4.0 asks for it with every copy): at the
#: foot of the slide decks and the room-kit pages. Plain text, no link: the pages load nothing.
COURSE_CREDIT = ("Deploying Deep Learning © 2026 the Deploying Deep Learning authors. Text, "
                 "slides and figures: CC BY 4.0 (creativecommons.org/licenses/by/4.0); "
                 "code: MIT.")
#: The footer's look, inline so that :data:`CSS`, and every page without a footer, stay as
#: they are (the briefs stored in Modules 07 and 08 embed whole pages).
_FOOTER_STYLE = ("margin-top: 1.5em; padding-top: 0.3em; border-top: 1px solid #ccc; "
                 "font-size: 0.75em; color: #595959; break-inside: avoid;")


@dataclass(frozen=True)
class Figure:
    """A headline number: what it is, how it reads, and which module computed it."""

    key: str
    label: str
    text: str
    value: float | str
    source: str

    def span(self) -> str:
        """The number as ``<span data-figure="KEY" data-value="VALUE">TEXT</span>``."""
        return (f'<span data-figure="{html.escape(self.key)}" '
                f'data-value="{html.escape(str(self.value))}">{html.escape(self.text)}</span>')


@dataclass
class Section:
    """A titled part of a document; ``body`` is HTML built with the helpers below.

    ``charts`` are ``(data URI, alt text)`` pairs: :func:`chart` makes one from a figure, with
    its title as the alt text. One chart opens the section (printed, it sits beside the text,
    so a section with a chart costs little more paper than one without); several follow the
    body, side by side.
    """

    title: str
    body: str
    charts: list[tuple[str, str]] = field(default_factory=list)


def chart(fig) -> tuple[str, str]:
    """A figure as a :class:`Section` chart: ``(PNG data URI, alt text from its titles)``.

    The figure is closed, so a notebook does not show it a second time.
    """
    from deploydl.present.charts import figure_alt

    alt = figure_alt(fig)
    return figure_to_data_uri(fig, close=True), alt


#: Pixels per inch of every figure a report embeds: a figure drawn 4 inches wide is 400 pixels.
FIGURE_DPI = 100


def figure_png(fig, *, close: bool = True) -> bytes:
    """A matplotlib figure as PNG bytes: the course's one figure encoder (:data:`FIGURE_DPI`,
    tight).

    ``close`` (the default) closes the figure, so a notebook does not show it a second time.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=FIGURE_DPI, bbox_inches="tight")
    if close:
        import matplotlib.pyplot as plt

        plt.close(fig)
    return buffer.getvalue()


def png_data_uri(png: bytes) -> str:
    """PNG bytes as a ``data:image/png;base64,...`` URI (no file, no network)."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def figure_to_data_uri(fig, *, close: bool = False) -> str:
    """A matplotlib figure as a PNG data URI (:func:`figure_png`, then :func:`png_data_uri`)."""
    return png_data_uri(figure_png(fig, close=close))


def paragraph(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def html_table(rows: Sequence[Mapping[Any, object]], *, row_headers: bool = False) -> str:
    """A plain HTML table from a list of dicts with the same keys (the column names).

    The head's cells are column headers (``<th scope="col">``). With ``row_headers``, each
    row's first cell is that row's header (``<th scope="row">``, styled like the other cells),
    so a screen reader names the row with each number in it: use it where the first column
    names the row. On a phone a table wider than the screen scrolls on its own
    (``table-scroll``), and the page around it does not.
    """
    if not rows:
        return "<p><em>No data yet.</em></p>"
    head = "".join(f'<th scope="col">{html.escape(str(k))}</th>' for k in rows[0])
    body = "".join("<tr>" + "".join(_table_cell(v, header=row_headers and i == 0)
                                     for i, v in enumerate(row.values())) + "</tr>"
                   for row in rows)
    return (f'<div class="table-scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}'
            "</tbody></table></div>")


def _table_cell(value: object, *, header: bool) -> str:
    """One body cell of :func:`html_table`: a row header (``<th scope="row">``) or data."""
    text = html.escape(str(value))
    return f'<th scope="row">{text}</th>' if header else f"<td>{text}</td>"


def figure_columns(count: int, *, widest: int = 4) -> int:
    """Cards per row for ``count`` cards: at most ``widest``, and never one card alone on the
    last row (4 cards: 4 across, not 3 + 1; 5 cards: 3 + 2)."""
    if count <= widest:
        return max(count, 1)
    candidates = [*range(widest, 1, -1), *range(widest + 1, count)]
    return next(c for c in candidates if count % c != 1)


def figures_block(figures: list[Figure]) -> str:
    """Headline numbers as cards: the number, what it is, and where it came from."""
    cards = "".join(
        f'<div class="figure"><span class="value">{f.span()}</span>{html.escape(f.label)}'
        f'<div class="source">Source: {html.escape(f.source)}</div></div>' for f in figures)
    return (f'<div class="figures" style="--columns: {figure_columns(len(figures))}">'
            f"{cards}</div>")


def prose(template: str, figures: dict[str, Figure]) -> str:
    """A paragraph whose ``{key}`` placeholders become the figures' tagged numbers.

    The rest of the text is escaped, so every number in it comes from a :class:`Figure`.
    """
    parts = re.split(r"\{(\w+)\}", template)
    out = [figures[p].span() if i % 2 else html.escape(p) for i, p in enumerate(parts)]
    return "<p>" + "".join(out) + "</p>"


def render_page(title: str, *, lede: str, sections: list[Section], footer: str = "",
                extra_css: str = "") -> str:
    """A complete, self-contained HTML page; ``footer`` (plain text, such as
    :data:`COURSE_CREDIT`) closes it in small type; ``extra_css`` is the page's own style, as
    in :func:`page`."""
    parts = [f"<h1>{html.escape(title)}</h1>", f'<p class="lede">{html.escape(lede)}</p>']
    for s in sections:
        images = "".join(f'<img alt="{html.escape(alt)}" src="{html.escape(uri)}">'
                         for uri, alt in s.charts)
        if len(s.charts) == 1:
            parts.append(f'<h2>{html.escape(s.title)}</h2><div class="chart-aside">{images}'
                         f"</div>{s.body}")
            continue
        parts.append(f"<h2>{html.escape(s.title)}</h2>{s.body}")
        if s.charts:
            parts.append(f'<div class="charts">{images}</div>')
    return page(title, "".join(parts), footer=footer, extra_css=extra_css)


def page(title: str, body: str, *, extra_css: str = "", head: str = "", footer: str = "") -> str:
    """The course's one HTML page shell: :data:`CSS` inline, ``body`` as given, no network.

    The brief, its model card, the plan, the room kit and the monitoring pages all use it, so
    they read as one family. ``extra_css`` adds a page's own classes; ``head`` adds tags to
    ``<head>`` (the live dashboard's refresh); ``footer`` (plain text, escaped) ends the body
    in small type.
    """
    if footer:
        body += f'<footer style="{_FOOTER_STYLE}">{html.escape(footer)}</footer>'
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"{head}<title>{html.escape(title)}</title><style>{CSS}{extra_css}</style></head>"
            f"<body>{body}</body></html>\n")


def inline_page(path: Path | str, *, height: int = 600, title: str = ""):
    """Show an HTML page the course wrote inside the notebook, offline, with no server.

    The page's text goes, escaped, into an ``<iframe srcdoc>``: the notebook serves no file
    and loads nothing. ``height`` is the frame's height in pixels; it is as wide as the
    notebook. ``title`` names the frame for a screen reader; by default it is the page's own
    ``<title>``. Returns an IPython ``IFrame``, which a notebook shows as a cell's last value.
    """
    from IPython.display import IFrame

    text = Path(path).read_text(encoding="utf-8")
    name = title or _page_title(text)
    if not name:
        raise ValueError(f"{path} has no <title>, so its frame would have no name a screen "
                         "reader can say: pass inline_page(..., title=...) or give the page "
                         "a title (page() writes one).")
    return IFrame(src="about:blank", width="100%", height=height,
                  extras=[f'title="{html.escape(name)}"', f'srcdoc="{html.escape(text)}"'])


def _page_title(text: str) -> str:
    """The text of an HTML page's ``<title>``, unescaped and stripped; ``""`` if it has none."""
    found = re.search(r"<title>(.*?)</title>", text, flags=re.IGNORECASE | re.DOTALL)
    return html.unescape(found.group(1)).strip() if found else ""


#: Names of browsers that print like Chromium (Chrome, Edge are Chromium), looked up on PATH.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
                  "chrome", "msedge", "microsoft-edge")


def chromium_locations(platform: str | None = None,
                       env: Mapping[str, str] | None = None) -> list[Path]:
    """Where Chromium, Chrome and Edge install themselves off PATH: macOS apps, Windows'
    program folders (machine-wide, or per user in LOCALAPPDATA); Linux puts them on PATH."""
    platform, env = platform or sys.platform, os.environ if env is None else env
    if platform == "darwin":
        return [Path(f"/Applications/{app}.app/Contents/MacOS/{app}")
                for app in ("Google Chrome", "Chromium", "Microsoft Edge")]
    if platform == "win32":
        folders = [env[v] for v in ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA")
                   if env.get(v)]
        return [Path(folder, *exe.split("/")) for folder in folders
                for exe in ("Google/Chrome/Application/chrome.exe", "Chromium/Application/"
                            "chrome.exe", "Microsoft/Edge/Application/msedge.exe")]
    return []


def find_chromium() -> str | None:
    """Path of a Chromium (or Chrome, or Edge) binary on this machine, or None.

    The file ``DEPLOYDL_CHROMIUM`` names, if set (and nothing else: a wrong setting is not
    silently passed over); else the first of :data:`CHROMIUM_NAMES` on PATH; else the first
    of :func:`chromium_locations` that exists.
    """
    chosen = os.environ.get("DEPLOYDL_CHROMIUM")
    if chosen:
        return str(Path(chosen)) if Path(chosen).is_file() else shutil.which(chosen)
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return next((str(p) for p in chromium_locations() if p.is_file()), None)


def chromium_advice(platform: str | None = None) -> str:
    """How to get a browser :func:`find_chromium` finds, for this operating system."""
    platform = platform or sys.platform
    chosen = os.environ.get("DEPLOYDL_CHROMIUM")
    if chosen:
        return (f"DEPLOYDL_CHROMIUM={chosen} is not a browser found on this machine: set it to "
                "the full path of Chromium, Chrome or Edge, or unset it")
    if platform == "darwin":
        how = "install Google Chrome (into /Applications) or `brew install --cask chromium`"
    elif platform == "win32":
        how = "install Google Chrome or Microsoft Edge (Windows includes Edge)"
    else:
        how = "install Chromium (Debian/Ubuntu: apt-get install chromium)"
    return f"{how}; or set DEPLOYDL_CHROMIUM to the browser's full path"


#: Every host name and address Chromium would look up or connect to fails at once, except
#: loopback (a local server under test). Without it headless Chromium still looks up
#: www.google.com, accounts.google.com and clients2.google.com, --disable-background-networking
#: notwithstanding.
CHROMIUM_OFFLINE_RULES = "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"


@contextlib.contextmanager
def headless_chromium(*, profile: bool = True) -> Iterator[tuple[list[str], dict[str, str]]]:
    """The flags and environment of every headless Chromium the course starts (one place).

    Yields ``(flags, env)``: no sandbox only when running as root (Chromium refuses to start
    as root with it, as in a container; on a laptop, endpoint security flags a browser started
    without its sandbox, so it keeps it), no GPU, no first-run screens,
    no background services and no network but loopback (:data:`CHROMIUM_OFFLINE_RULES`);
    nothing written to the user's home folder: a temporary profile (``--user-data-dir``) and
    temporary ``XDG_CONFIG_HOME`` and ``XDG_CACHE_HOME`` folders (Chromium keeps its crash
    reports in the first whatever the profile, GTK a settings cache in the second), all
    removed when the block ends. ``profile=False`` leaves out ``--user-data-dir`` for
    Playwright, which makes and removes a profile of its own.
    """
    with tempfile.TemporaryDirectory(prefix="deploydl-chromium-",
                                     ignore_cleanup_errors=True) as folder:
        flags = ["--headless", *(["--no-sandbox"] if _as_root() else []), "--disable-gpu",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-crash-reporter",
                 f"--host-resolver-rules={CHROMIUM_OFFLINE_RULES}"]
        if profile:
            flags.append(f"--user-data-dir={Path(folder) / 'profile'}")
        yield flags, {**os.environ, "XDG_CONFIG_HOME": str(Path(folder) / "config"),
                      "XDG_CACHE_HOME": str(Path(folder) / "cache")}


def _as_root() -> bool:
    """Whether this process runs as root (POSIX; Windows has no root, and needs no flag)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def write_pdf(html_path: Path, pdf_path: Path, *, timeout: float = 60, query: str = "",
              settle_ms: int = 0) -> Path:
    """Print an HTML file to PDF with headless Chromium (no network), and return the PDF path.

    ``query`` is appended to the file's URL (reveal.js's ``?print-pdf``); ``settle_ms`` gives
    a page that lays itself out with scripts that much (virtual) time before it is printed.
    A Chromium that fails, or does not finish within ``timeout`` seconds, raises
    :class:`RuntimeError` with what to do.
    """
    browser = find_chromium()
    if browser is None:
        raise FileNotFoundError("Chromium is not installed, so no PDF was written. Open the "
                                f"HTML ({html_path}) in a browser and print it to PDF, or "
                                f"{chromium_advice()}.")
    settle = (["--run-all-compositor-stages-before-draw", f"--virtual-time-budget={settle_ms}"]
              if settle_ms else [])
    with headless_chromium() as (flags, env):
        command = [browser, *flags, *settle, "--no-pdf-header-footer",
                   f"--print-to-pdf={pdf_path.resolve()}", html_path.resolve().as_uri() + query]
        # Chromium forks helpers (zygote, crash handler) that can outlive it: run it in a
        # session of its own and end whatever is left of that session, so nothing stays
        # behind the caller (nor writes in its profile while the profile is removed).
        browser_process = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=env,
                                           stderr=subprocess.PIPE, start_new_session=True)
        try:
            _, stderr = browser_process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"Chromium did not finish printing {html_path} to PDF within "
                               f"{timeout:g} s, so it was stopped and no PDF was written; "
                               "close other work and try again, or open the HTML in a "
                               "browser and print it to PDF") from None
        finally:
            _end_session(browser_process)
    if browser_process.returncode != 0:
        raise RuntimeError(f"Chromium could not print {html_path} to PDF "
                           f"(exit {browser_process.returncode}): {stderr.decode()[-500:]}")
    return pdf_path


def _end_session(process: subprocess.Popen) -> None:
    """Kill every process left in ``process``'s session (POSIX; Windows has no sessions)."""
    if hasattr(os, "killpg"):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    if process.poll() is None:
        process.kill()
        process.wait()
