"""The capstone's shared pieces (Module 08): the model's registry name, a run's sizes and seeds
(:class:`Scenario`), and what each stage returns (:class:`StageResult`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from deploydl.data import APPLICATIONS_PER_DAY

NAME = "loan-default"


@dataclass(frozen=True)
class Scenario:
    """The capstone's sizes and seeds; the defaults run in about 15 s on a 2-core laptop.

    ``per_day`` applicants a day reach the service: by default the bank's own traffic
    (:data:`deploydl.data.APPLICATIONS_PER_DAY`, the figure Modules 06 and 07 use).
    """

    seed: int = 0
    n_train: int = 3000
    n_calibration: int = 2000
    n_test: int = 2000
    epochs: int = 10
    days: int = 14
    per_day: int = APPLICATIONS_PER_DAY
    opens_day: int = 7
    ab_requests: int = 400


#: The default run's sizes and seeds, shared by every default argument (the scenario is frozen).
DEFAULT_SCENARIO = Scenario()


@dataclass(frozen=True)
class StageResult:
    """One stage's outcome: its name, a one-line summary and the numbers behind it."""

    stage: str
    summary: str
    data: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        """The stage and its summary, wrapped for printing."""
        return self.printed()

    def printed(self, prefix: str = "") -> str:
        """The stage and its summary after ``prefix``, wrapped so that continuation lines sit
        under the text, not under the prefix (:func:`deploydl.present.charts.printout`)."""
        from deploydl.present.charts import printout

        return printout(f"{self.stage}: {self.summary}", prefix)
