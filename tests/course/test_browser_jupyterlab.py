"""The workshop in a real browser: JupyterLab + Debian's Chromium, driven by Playwright.

nbval runs notebooks in a bare kernel; only a browser shows whether the widgets *render* in
JupyterLab (the classic failure on the day is "Error displaying widget"). These tests start
JupyterLab the way a learner does, with ``make lab`` (and Jupyter options through
``JUPYTER_ARGS``), in a temporary copy of the course that uses this environment as its
``.venv``. They open the welcome lab from ``labs/`` (so the server's root must be the course
folder), run the widget gallery (every widget the lessons show, built by the same package
functions on small data) and check each widget renders, check the news pop-up stays away, and
move a slider to prove the round trip browser -> kernel -> browser works.

Running the nine lessons themselves in Chromium takes minutes: those tests are marked ``room``
and run in ``make test-room`` (before a workshop), not in ``make test``. The gallery stands in
for them in ``make test``; ``test_widget_gallery.py`` keeps it covering every widget module.

Set ``DEPLOYDL_LAB_PYTHON`` to another environment's Python to test that environment's
JupyterLab: with ``pip uninstall jupyterlab_widgets`` there, both tests fail, as they must.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from browser import chromium

from deploydl.serving.process import ServiceProcess, free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = "tests/fixtures/widget_smoke.ipynb"
GALLERY = "tests/fixtures/widget_gallery.ipynb"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
LESSONS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "notebooks").glob("*.ipynb"))
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", "wheelhouse", "test-artifacts", "build",
                                     "dist", "*.egg-info", "__pycache__", ".*_cache", "slides")
WELCOME_LAB = "labs/00_welcome_lab.ipynb"
#: JupyterLab user settings: render every cell (no virtual scrolling). The news setting is
#: left alone on purpose: the project's jupyter-config/ must turn the pop-up off by itself.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}
NEWS_POPUP = "official Jupyter news"
ERROR_OUTPUT = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
WIDGET = ".jp-OutputArea-output .jupyter-widgets"
#: Typeset maths inside rendered Markdown (MathJax 3 in JupyterLab 4, or MathJax 2).
MATHS = ".jp-RenderedMarkdown mjx-container, .jp-RenderedMarkdown .MathJax"
DOLLARS = "tests/fixtures/dollars.ipynb"


def _lab_prefix() -> str:
    """The environment whose JupyterLab is under test (``DEPLOYDL_LAB_PYTHON``, or this one)."""
    python = os.environ.get("DEPLOYDL_LAB_PYTHON", sys.executable)
    return subprocess.run([python, "-c", "import sys; print(sys.prefix)"], check=True,
                          capture_output=True, text=True).stdout.strip()


def _isolated_env(home: Path) -> dict[str, str]:
    """Jupyter config, data and IPython dirs under ``home``; the lab environment's
    labextensions stay (JUPYTER_PATH names only its own, whatever the caller's says)."""
    env = dict(JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), IPYTHONDIR=str(home / "ipython"),
               JUPYTER_PLATFORM_DIRS="1", MPLBACKEND="agg",
               JUPYTER_PATH=str(Path(_lab_prefix()) / "share" / "jupyter"))
    settings = home / "config" / "lab" / "user-settings"
    for name, values in LAB_SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values))
    return env


def _clear_outputs(path: Path) -> None:
    """Drop stored outputs, so that every output the test sees was made in the browser."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    notebook.metadata.pop("widgets", None)
    nbformat.write(notebook, path)


def _make_lab(course: Path, jupyter_args: str) -> list[str]:
    """``make lab`` in ``course``, with this environment standing in for its ``.venv``.

    ``-o`` tells make the install stamp is up to date, so it runs JupyterLab from the
    environment under test instead of creating a venv and installing into it.
    """
    make = shutil.which("make")
    if make is None:
        pytest.skip("`make` is not installed; `make lab` is what this test starts")
    prefix = _lab_prefix()
    return [make, "--no-print-directory", "-C", str(course), "-o", f"{prefix}/.installed-lab",
            "lab", f"VENV={prefix}", f"JUPYTER_ARGS={jupyter_args}"]


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[str]:
    """A JupyterLab server on a free loopback port, rooted in a copy of the course."""
    base = tmp_path_factory.mktemp("lab")
    course = base / "course"
    shutil.copytree(ROOT, course, ignore=COPY_IGNORE)
    for notebook in [*LESSONS, FIXTURE, GALLERY]:
        _clear_outputs(course / notebook)
    port, token = free_port(), secrets.token_hex(16)
    command = _make_lab(course, f"--no-browser --allow-root --port {port} --ip=127.0.0.1 "
                        f"--ServerApp.port_retries=0 --IdentityProvider.token={token} "
                        "--LabApp.extension_manager=readonly "
                        "--MappingKernelManager.cull_idle_timeout=0")
    url = f"http://127.0.0.1:{port}"
    with ServiceProcess(command=command, url=url, ready_path=f"/api/status?token={token}",
                        env=_isolated_env(base / "home"), start_timeout=90):
        listing = httpx.get(f"{url}/api/contents/labs", params={"token": token}, timeout=10)
        assert listing.is_success, (
            f"`make lab` cannot reach labs/ (GET /api/contents/labs: {listing.status_code}): "
            "the server's root must be the course folder (--ServerApp.root_dir=.)")
        yield f"{url}/lab/workspaces/{{workspace}}/tree/{{path}}?reset&token={token}"


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser):
    """A page that may only talk to the loopback server; any other request is refused."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    outside: list[str] = []

    def only_loopback(route):
        if urlsplit(route.request.url).hostname in {"127.0.0.1", "localhost"}:
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()

    context.route("**/*", only_loopback)
    page = context.new_page()
    yield page
    context.close()
    assert outside == [], f"the page tried to reach the network: {outside}"


def run_all_cells(page, url: str, *, name: str, timeout_s: float = 300) -> None:
    """Open a notebook, run every cell from the Run menu, wait for every prompt to be numbered.

    Fails at once on an error or stderr output (Run All stops at an error, so waiting on).
    """
    page.goto(url)
    page.locator(".jp-NotebookPanel .jp-Notebook-cell").first.wait_for(timeout=60_000)
    page.get_by_text(re.compile(r"^Python 3 \(ipykernel\) \| Idle$")).wait_for(timeout=60_000)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    prompts = page.locator(".jp-NotebookPanel .jp-CodeCell .jp-InputArea-prompt")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        texts = prompts.all_inner_texts()
        if texts and all(re.fullmatch(r"\[\d+\]:", t.strip()) for t in texts):
            return
        if page.locator(ERROR_OUTPUT).count():
            _screenshot(page, f"{name}-error")
            assert_clean_outputs(page)
        page.wait_for_timeout(500)
    _screenshot(page, f"{name}-timeout")
    raise AssertionError(f"cells did not finish within {timeout_s:.0f} s; prompts: {texts}")


def assert_clean_outputs(page) -> None:
    errors = page.locator(ERROR_OUTPUT).all_inner_texts()
    assert errors == [], f"error or stderr output in the browser: {errors}"
    outputs = " ".join(page.locator(".jp-OutputArea-output").all_inner_texts())
    assert "Error displaying widget" not in outputs
    assert "Traceback" not in outputs


def assert_no_typeset_maths(page) -> None:
    """No Markdown cell or rendered Markdown output shows maths: the course has none to show."""
    typeset = page.locator(MATHS).all_inner_texts()
    assert typeset == [], (f"Markdown typeset as maths (two $ in one paragraph?): {typeset[:3]}; "
                           "write &#36; or USD")


def _screenshot(locator, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    locator.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.mark.room
@pytest.mark.parametrize("notebook", LESSONS)
def test_lesson_runs_in_jupyterlab_and_its_widgets_render(lab, page, notebook):
    name = Path(notebook).stem
    run_all_cells(page, lab.format(workspace=name, path=notebook), name=name)
    assert_clean_outputs(page)
    assert_no_typeset_maths(page)
    widgets = page.locator(WIDGET)
    assert widgets.count() >= 1, (
        "no widget rendered as a widget (only its text repr?): is the ipywidgets front end "
        "(jupyterlab_widgets) installed in the environment that runs JupyterLab?")
    # The lesson's own widget, not a training progress bar (also a widget) above it.
    shown = page.locator(".jp-OutputArea-output", has=page.locator(".jupyter-widgets")).filter(
        has_not=page.locator(".widget-hprogress"))
    _screenshot(shown.first if shown.count() else widgets.first, name)


def _widget_cells(notebook: str) -> list[int]:
    """Positions, among its code cells, of the cells of ``notebook`` tagged ``widget``."""
    import nbformat

    cells = [c for c in nbformat.read(ROOT / notebook, as_version=4).cells
             if c.cell_type == "code"]
    return [i for i, c in enumerate(cells) if "widget" in c.metadata.get("tags", [])]


def test_every_widget_of_the_lessons_renders_in_jupyterlab(lab, page):
    """The gallery builds each lesson's widget; each tagged cell must show it as a widget."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    tagged = _widget_cells(GALLERY)
    assert len(tagged) >= 8, f"the gallery should tag a cell per widget; tagged: {tagged}"
    run_all_cells(page, lab.format(workspace="widget_gallery", path=GALLERY),
                  name="widget_gallery", timeout_s=120)
    assert_clean_outputs(page)
    cells = page.locator(".jp-NotebookPanel .jp-CodeCell")
    missing = []
    for i in tagged:
        try:
            cells.nth(i).locator(WIDGET).first.wait_for(timeout=15_000)
        except PlaywrightTimeout:
            missing.append(cells.nth(i).locator(".jp-InputArea-editor").inner_text()[:200])
    assert missing == [], (
        f"these gallery cells show no widget (only a text repr?): {missing}. Is the ipywidgets "
        "front end (jupyterlab_widgets) installed in the environment that runs JupyterLab?")
    assert page.locator(WIDGET).count() >= len(tagged)
    assert_clean_outputs(page)
    for i in tagged:
        _screenshot(cells.nth(i).locator(".jp-OutputArea"), f"widget_gallery-{i:02d}")


def test_slider_moved_in_the_browser_changes_the_output(lab, page):
    run_all_cells(page, lab.format(workspace="widget_smoke", path=FIXTURE), name="widget_smoke")
    assert_clean_outputs(page)
    slider = page.locator(".jp-OutputArea-output .widget-slider")
    assert slider.count() == 1, (
        "the slider did not render as a widget: is the ipywidgets front end (jupyterlab_widgets) "
        "installed in the environment that runs JupyterLab?")
    shown = page.locator(".jp-OutputArea-output .widget-output")
    shown.get_by_text("square of 3 is 9").wait_for(timeout=30_000)
    _screenshot(page.locator(".jp-OutputArea-output .widget-interact"), "slider_before")

    slider.locator(".noUi-handle").press("ArrowRight")

    shown.get_by_text("square of 4 is 16").wait_for(timeout=30_000)
    _screenshot(page.locator(".jp-OutputArea-output .widget-interact"), "slider_after")
    assert_clean_outputs(page)


def test_two_dollar_amounts_are_typeset_as_maths_and_the_entity_is_not(lab, page):
    """The maths check sees what a learner would see: proven on a planted paragraph."""
    page.goto(lab.format(workspace="dollars", path=DOLLARS))
    cells = page.locator(".jp-NotebookPanel .jp-MarkdownCell")
    cells.nth(1).locator(".jp-RenderedMarkdown").wait_for(timeout=60_000)
    page.locator(MATHS).first.wait_for(timeout=30_000)
    assert cells.nth(0).locator(MATHS).count() >= 1
    assert cells.nth(1).locator(MATHS).count() == 0
    assert "$8,000 and a refusal USD 2,000" in cells.nth(1).inner_text().replace("\n", " ")
    _screenshot(cells.first, "dollars_typeset")


def test_make_lab_opens_the_welcome_lab_from_labs_and_it_runs(lab, page):
    run_all_cells(page, lab.format(workspace="welcome_lab", path=WELCOME_LAB),
                  name="welcome_lab", timeout_s=120)
    assert_clean_outputs(page)
    outputs = " ".join(page.locator(".jp-OutputArea-output").all_inner_texts())
    assert "not attempted" in outputs.lower(), "the unfilled welcome lab should show its checks"
    page.wait_for_timeout(2000)  # the news question, when asked, comes after the restore
    assert page.get_by_text(NEWS_POPUP).count() == 0, (
        "JupyterLab asked about Jupyter news: jupyter-config/ should turn the pop-up off")
    _screenshot(page, "welcome_lab")
