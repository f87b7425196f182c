"""The course's one HTML page shell (Module 07): the inline style sheet, the credit line, a
page of titled sections, and a written page shown inside a notebook.

The brief, its model card, the plan, the room kit and the monitoring pages all use it, so they
read as one family and each opens from a USB stick with no network.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from deploydl.present.html_blocks import Section

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
