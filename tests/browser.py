"""A reusable headless-Chromium helper for browser tests (Debian's Chromium, offline).

``chromium()`` yields a launched Playwright browser, or skips with the reason when Chromium
is missing (under ``CI=true``, and in ``make test-room``, a missing browser fails instead).
``open_offline`` loads a page with every http(s) request aborted and returns what was
blocked, any page errors and a screenshot's path; ``distinct_colours`` tells a real render
from a blank one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from deploydl.present.report import chromium_advice, find_chromium, headless_chromium

#: The one way to find Chromium: the package's (PDF printing uses it too); None if missing.
CHROMIUM = find_chromium()
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
#: ``make test-room`` sets it to 1: the room check exists to open the lessons in the browser,
#: so there a missing browser fails the run; nine skips would exit 0 and read as a pass.
REQUIRE_BROWSER = "DEPLOYDL_REQUIRE_BROWSER"


def missing_browser(reason: str) -> None:
    """Skip with ``reason``; fail instead where browser tests must run: under ``CI=true``, and
    with ``DEPLOYDL_REQUIRE_BROWSER=1`` (``make test-room``)."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; under CI browser tests must run (.ci/run installs it).")
    if os.environ.get(REQUIRE_BROWSER) == "1":
        pytest.fail(f"{reason}. make test-room opens every lesson in the browser and fails "
                    "without it: fix that first, then run make test-room again.")
    pytest.skip(reason)


def needs_chromium() -> None:
    """Skip (or fail, see :func:`missing_browser`) when Chromium is not installed: for tests
    that print with it (``write_pdf``) rather than drive it through :func:`chromium`."""
    if CHROMIUM is None:
        missing_browser(f"Chromium is not installed ({chromium_advice()})")


@contextmanager
def chromium() -> Iterator:
    """A Playwright Chromium browser; skip (or fail, see :func:`missing_browser`) when it or
    Playwright is not installed."""
    needs_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_browser("the playwright package is not installed (`pip install -e .[test]`)")

    # The package's flags (offline but loopback, nothing in the home folder); Playwright makes
    # and removes the profile itself.
    with headless_chromium(profile=False) as (args, env), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args, env=env)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Visit:
    blocked: list[str]
    errors: list[str]
    screenshot: Path


def offline_page(browser, screenshot: Path, *, width: int = 1000, height: int = 800):
    """A new page whose http(s) requests are aborted and recorded, and its :class:`Visit`."""
    page = browser.new_page(viewport={"width": width, "height": height})
    visit = Visit([], [], screenshot)

    def block(route):
        visit.blocked.append(route.request.url)
        route.abort()

    page.route(re.compile(r"^https?://"), block)
    page.on("pageerror", lambda exc: visit.errors.append(str(exc)))
    return page, visit


def open_offline(browser, url: str, screenshot: Path, *, width: int = 1000) -> Visit:
    """Load ``url`` with every http(s) request aborted; screenshot the full page."""
    page, visit = offline_page(browser, screenshot, width=width)
    page.goto(url, wait_until="load")
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot), full_page=True)
    page.close()
    return visit


def distinct_colours(png: Path) -> int:
    """How many distinct colours a screenshot holds (a blank page has one or two)."""
    from PIL import Image

    with Image.open(png) as image:
        return len(image.convert("RGB").getcolors(maxcolors=1 << 24) or ())
