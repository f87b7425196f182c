"""Self-contained HTML documents (Module 07): the executive brief and its building blocks.

Everything a page needs is inside the file: CSS inline, charts as base64 PNG data URIs, system
fonts only. It opens from a USB stick with no network, and prints to PDF from Chromium.
Each headline number is written as ``<span data-figure="KEY">`` so a test can check it
against the module that computed it.

This module is the one place to import them from. The code lives in three modules beside it:

* :mod:`~deploydl.present.page_shell`: the page shell (:func:`page`, :func:`render_page`),
  its :data:`CSS`, the :data:`COURSE_CREDIT` line and :func:`inline_page`.
* :mod:`~deploydl.present.html_blocks`: :class:`Figure`, :class:`Section`, :func:`chart`, the
  PNG encoders, tables, figure cards and :func:`prose`.
* :mod:`~deploydl.present.chromium`: the browser names and folders, :func:`chromium_advice`
  and the offline rules.

Printing to PDF (:func:`find_chromium`, :func:`headless_chromium`, :func:`write_pdf`) stays
here: tests replace ``find_chromium``, ``chromium_locations`` and ``_as_root`` on this module.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from deploydl.present.chromium import (
    CHROMIUM_NAMES,
    CHROMIUM_OFFLINE_RULES,
    chromium_advice,
    chromium_locations,
)
from deploydl.present.html_blocks import (
    FIGURE_DPI,
    Figure,
    Section,
    chart,
    figure_columns,
    figure_png,
    figure_to_data_uri,
    figures_block,
    html_table,
    paragraph,
    png_data_uri,
    prose,
)
from deploydl.present.page_shell import COURSE_CREDIT, CSS, inline_page, page, render_page

__all__ = [
    "CHROMIUM_NAMES", "CHROMIUM_OFFLINE_RULES", "COURSE_CREDIT", "CSS", "FIGURE_DPI", "Figure",
    "Section", "chart", "chromium_advice", "chromium_locations", "figure_columns", "figure_png",
    "figure_to_data_uri", "figures_block", "find_chromium", "headless_chromium", "html_table",
    "inline_page", "page", "paragraph", "png_data_uri", "prose", "render_page", "write_pdf",
]


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
