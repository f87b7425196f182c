"""Deployment files for a model artifact: container, Kubernetes, serverless, CI/CD (Module 04).

:func:`write_bundle` renders every file for the artifact being served into one folder;
:mod:`deploydl.deploy.gates` holds the quality gates the CI/CD workflow runs;
:mod:`deploydl.deploy.serverless` prices Lambda against replicas that are always on.

The names below are imported on first use (:mod:`deploydl.lazy`), so that
``python -m deploydl.deploy.gates`` runs the gates module once, as the program, and not also
as a part of this package.
"""

from typing import TYPE_CHECKING

from deploydl.lazy import lazy_exports

if TYPE_CHECKING:  # the same names, imported at once, for the type checker only (a test
    # checks they match _WHERE; pyproject.toml tells ruff they are the package's exports)
    from deploydl.deploy.bundle import DeploySpec, write_bundle
    from deploydl.deploy.gates import GateResult, evaluation_gate, fairness_gate, run_gates

_WHERE = {"DeploySpec": ".bundle", "write_bundle": ".bundle", "GateResult": ".gates",
          "evaluation_gate": ".gates", "fairness_gate": ".gates", "run_gates": ".gates"}
__all__ = sorted(_WHERE)
__getattr__, __dir__ = lazy_exports(__name__, _WHERE)
