"""The capstone's run (Module 08): :class:`Capstone`, every stage in order, and the brief.

Its stages come in layers, each in its own module: :mod:`~deploydl.capstone.training`
(1 and 2), :mod:`~deploydl.capstone.release` (3 and 4), :mod:`~deploydl.capstone.service`
(5 and 6) and :mod:`~deploydl.capstone.ab_test` (7); stage 8, the executive brief built from
their artifacts (Module 07), is here.
"""

from __future__ import annotations

from deploydl.capstone.ab_test import ABTestStage
from deploydl.capstone.scenario import NAME, StageResult


class Capstone(ABTestStage):
    """One run of the capstone, writing its artifacts under ``folder``.

    Stop the server with :meth:`close` (or use ``with``); a notebook does so in its last cell.
    One run serves at a time in a process: :meth:`deploy` first stops the server an earlier
    run left running (a notebook cell run twice makes a new run; the old one's server would
    otherwise keep its thread and port until the kernel stops).
    """

    #: (method name, stage title) in order; ``deploydl demo`` runs them all.
    STAGES = (("data", "governed data"), ("train", "train and evaluate"),
              ("gate", "fairness gate"), ("package", "package"), ("deploy", "deploy"),
              ("traffic", "traffic and drift"), ("ab_test", "retrain and A/B test"),
              ("brief", "executive brief"))

    # 8 -------------------------------------------------------------------------------------
    def brief(self, *, pdf: bool = False) -> StageResult:
        """Gather the numbers from the artifacts and write the brief, card and plan."""
        from deploydl.communication.brief import Context, collect_brief_inputs
        from deploydl.communication.brief_page import write_brief

        context = Context(audience="Loan officers and applicants in every region, the new "
                                   "Central region too.")
        version = (self.registry.stage(NAME, "production")  # else the candidate held back
                   or self.registry.stage(NAME, "staging"))
        self.inputs = collect_brief_inputs(self.registry, NAME, self.test, version=version,
                                           validation=self.calibration,
                                           monitoring=self.monitoring, ab=self.ab,
                                           current=self.current_process, context=context)
        self.paths = write_brief(self.inputs, self.folder / "brief", pdf=pdf)
        return StageResult("executive brief", f"written to {self.paths['brief']}",
                           {k: str(v) for k, v in self.paths.items()})

    def close(self) -> None:
        """Stop the server and close the prediction log (the files stay)."""
        self.close_server()
        if self.log is not None:
            self.log.close()

    def __enter__(self) -> Capstone:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
