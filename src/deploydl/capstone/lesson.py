"""Module 07's brief inputs from the capstone: stages 1 to 4 on a small run, no traffic yet."""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path

from deploydl.capstone.run import Capstone
from deploydl.capstone.scenario import DEFAULT_SCENARIO, NAME, Scenario


def model_only_inputs(folder: str | Path, *, scenario: Scenario = DEFAULT_SCENARIO):
    """Brief inputs for the model alone: stages 1 to 4, no traffic yet (Module 07's lesson).

    The version briefed is the candidate package() registered, in production or not (a gate
    that failed or is too close to call keeps it in staging: the brief is what decides).
    Returns :class:`deploydl.communication.brief.BriefInputs` without a drift event or an A/B test.
    """
    from deploydl.communication.brief import collect_brief_inputs

    with Capstone(folder, scenario=scenario) as run:
        for method in ("data", "train", "gate", "package"):
            getattr(run, method)()
        return collect_brief_inputs(run.registry, NAME, run.test,
                                    version=run.registry.stage(NAME, "staging"),
                                    validation=run.calibration, current=run.current_process)


#: The small run Module 07's lesson and lab brief (about 5 s on a 2-core laptop).
LESSON_SCENARIO = Scenario(n_train=2000, n_test=2000, epochs=6)


def lesson_inputs():
    """Module 07's brief inputs: each call a copy of its own of the run
    (:func:`_lesson_run`, computed once per process), so a lesson, a lab or a check that
    changes a number in its copy changes no other: the dataclass is frozen, but its dicts and
    tables are not. The copy takes about a tenth of a millisecond."""
    return copy.deepcopy(_lesson_run())


@lru_cache(maxsize=1)
def _lesson_run():
    """Module 07's brief inputs, computed once per process in a scratch folder; never handed
    out, only copied (:func:`lesson_inputs`)."""
    from deploydl.course.scratch import scratch_folder

    return model_only_inputs(scratch_folder("deploydl-m07-"), scenario=LESSON_SCENARIO)
