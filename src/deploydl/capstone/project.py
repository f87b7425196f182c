"""The capstone (Module 08): Northbridge Bank opens a new region, through the whole life cycle.

:class:`Capstone` holds one run's state and has one method per stage; each returns a
:class:`StageResult` with a one-line summary. ``deploydl demo`` runs every stage in the
terminal with progress bars (:func:`run_demo`); the capstone notebook calls them one by one.

1. governed data: quality rules, lineage, pseudonymised IDs (Module 01);
2. a trained model, calibrated on applicants set aside for it, evaluated on others (Module 02);
3. the decision threshold, chosen without the test set: the break-even of the costs, moved only
   if the four-fifths screen fails on the set-aside applicants (Modules 02 and 03);
4. packaged in the registry, and promoted to production only if the fairness gate passed
   clearly or a fairness review recorded who approved it and why (Module 04);
5. deployed on a real local HTTP server with a prediction log (Modules 04 and 06);
6. days of traffic over HTTP; the new region opens and the drift alarm fires (Module 06);
7. a retrained version, A/B-tested against the current one over HTTP (Module 06);
8. the executive brief, built from those artifacts (Module 07).

This module is the public face: import from here. The code lives beside it, one module per
part: :mod:`~deploydl.capstone.scenario` (the sizes and seeds, and a stage's result),
:mod:`~deploydl.capstone.training` (stages 1 and 2), :mod:`~deploydl.capstone.release` (3 and 4),
:mod:`~deploydl.capstone.service` (5 and 6), :mod:`~deploydl.capstone.ab_test` (7),
:mod:`~deploydl.capstone.run` (:class:`Capstone`, and 8), :mod:`~deploydl.capstone.demo` and
:mod:`~deploydl.capstone.lesson` (Module 07's brief inputs).
"""

from __future__ import annotations

from deploydl.capstone.demo import demo_review, run_demo
from deploydl.capstone.lesson import LESSON_SCENARIO, lesson_inputs, model_only_inputs
from deploydl.capstone.run import Capstone
from deploydl.capstone.scenario import NAME, Scenario, StageResult

__all__ = [
    "LESSON_SCENARIO",
    "NAME",
    "Capstone",
    "Scenario",
    "StageResult",
    "demo_review",
    "lesson_inputs",
    "model_only_inputs",
    "run_demo",
]
