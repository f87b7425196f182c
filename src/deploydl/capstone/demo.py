"""``deploydl demo``: every capstone stage in the terminal, with progress bars (Module 08)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from deploydl.capstone.run import Capstone
from deploydl.capstone.scenario import DEFAULT_SCENARIO, Scenario


def run_demo(folder: str | Path, *, scenario: Scenario = DEFAULT_SCENARIO, pdf: bool = False,
             echo: Callable[[str], None] = print) -> dict[str, Path]:
    """Run every stage with a progress bar and a one-line result; return the brief's paths.

    This is ``deploydl demo``. The server is stopped and the log closed even on failure.
    When the fairness gate is too close to call, the demo records a simulated fairness review
    (:func:`demo_review`, labelled as such) so that the later stages can run; when it FAILED,
    nothing is released: stages 5 to 7 are skipped and the brief is about the held-back version.
    """
    from tqdm import tqdm

    totals = {"traffic": scenario.days, "ab_test": scenario.ab_requests}
    released = True
    with Capstone(folder, scenario=scenario) as run:
        for number, (method, title) in enumerate(Capstone.STAGES, start=1):
            if not released and method in ("deploy", "traffic", "ab_test"):
                echo(f"- {number}/8 {title}: skipped, nothing is in production")
                continue
            with tqdm(total=totals.get(method, 1), desc=f"{number}/8 {title}", leave=False,
                      ncols=80) as bar:
                step = getattr(run, method)
                if method in totals:
                    result = step(tick=bar.update)
                else:
                    result = step(pdf=pdf) if method == "brief" else step()
                    bar.update()
            echo(result.printed(f"✓ {number}/8 "))
            if method == "package" and result.data["stage"] != "production":
                if run.awaits_review:  # too close to call: a review decides
                    echo(run.fairness_review(**demo_review(run.verdict)).printed("  ↳ "))
                else:
                    released = False
    return run.paths


def demo_review(verdict: dict[str, Any]) -> dict[str, str]:
    """The fairness review ``deploydl demo`` records for a gate too close to call: a simulated
    decision, labelled as one, that releases the version with fairness checked monthly."""
    return {"approver": "fairness review board (simulated by deploydl demo)",
            "reason": f"approval ratio {verdict['ratio']:.2f}, 95% range about {verdict['low']:.2f}"
                      f"-{verdict['high']:.2f}, straddles {verdict['limit']:.2f}; released with "
                      "each age band's approval rate checked every month (a simulated decision)"}
