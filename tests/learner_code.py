"""Code as a learner writes it: defined in a notebook cell, whose module is ``__main__``.

A check tells a learner's slip from its own crash by where the code an error came through was
defined (``deploydl.exercises.core_reading.raised_by_the_answer``); a class written in a test
module is the course's code, so tests that stand in for a learner define it here.
"""

from __future__ import annotations

#: A learner's class whose every attribute raises something other than AttributeError.
LAZY = "class Lazy:\n    def __getattr__(self, name):\n        raise RuntimeError('not loaded')\n"


def learners_class(source: str) -> type:
    """The class ``source`` defines, defined as a notebook cell defines it (in ``__main__``)."""
    cell: dict = {"__name__": "__main__"}
    exec(source, cell)  # noqa: S102 - a fixed class, standing in for a learner's cell
    return next(v for v in cell.values() if isinstance(v, type))
