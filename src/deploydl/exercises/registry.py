"""Every module's exercises, found by module file (``m00.py``, ``m01.py``, ...).

Each module file defines ``EXERCISES``, a list of :class:`~deploydl.exercises.core.Exercise`.
Adding a module's exercises means adding its file; nothing here changes.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from deploydl.exercises.core import Exercise


@cache
def all_exercises() -> dict[str, Exercise]:
    """Every exercise of the course, by id, in module order."""
    import deploydl.exercises as package

    found: dict[str, Exercise] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("m") and info.name[1:].isdigit():
            module = importlib.import_module(f"deploydl.exercises.{info.name}")
            for exercise in module.EXERCISES:
                if exercise.id in found:
                    raise ValueError(f"Exercise id {exercise.id} is defined twice.")
                found[exercise.id] = exercise
    return found


def find_exercise(exercise_id: str) -> Exercise | None:
    """The exercise with this id, or None."""
    return all_exercises().get(exercise_id)


def module_exercises(module: str) -> list[Exercise]:
    """The exercises of module ``module`` ("00", "01", ...), in order."""
    return [e for e in all_exercises().values() if e.id.split(".")[0] == module]
