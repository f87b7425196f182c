"""Figures the instructors' guide gives in a lab's debrief are the ones the code computes."""

import re

from deploydl.exercises.core import PASSED, evaluate
from deploydl.exercises.m06 import quiet_and_bug_alarms
from deploydl.exercises.m06_scenarios import quiet_fortnights
from deploydl.exercises.registry import find_exercise


def _debrief(root, exercise: str) -> str:
    """The debrief bullet of ``exercise`` in docs/instructors.md, on one line."""
    guide = (root / "docs" / "instructors.md").read_text(encoding="utf-8")
    bullet = re.search(rf"^- \*\*{re.escape(exercise)}\*\*.*?(?=^- |^#|\Z)", guide,
                       flags=re.M | re.S)
    assert bullet, f"no debrief bullet for {exercise}"
    return " ".join(bullet.group(0).split())


def test_the_06_2_debrief_gives_the_passing_alphas_and_the_tuned_alphas_false_alarms(root):
    text = _debrief(root, "06.2")
    assert ("any alpha from 0.045 down to 0.0001 passes (the edges are about 0.0454 and "
            "0.00005;") in text
    exercise = find_exercise("06.2")
    assert exercise is not None
    for alpha, passes in ((0.045, True), (0.0454, True), (0.0001, True), (0.000052, True),
                          (0.0455, False), (0.00005, False)):
        assert (evaluate(exercise, alpha).status == PASSED) is passes, alpha
    assert quiet_and_bug_alarms(0.045) == (0, 8)
    alarms = {alpha: 40 - quiet_fortnights(alpha, fortnights=40) for alpha in (0.045, 0.05)}
    assert (f"0.045 still raises a false alarm in {alarms[0.045]}, against {alarms[0.05]} at "
            "0.05") in text
