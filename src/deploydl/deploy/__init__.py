"""Deployment files for a model artifact: container, Kubernetes, serverless, CI/CD (Module 04).

:func:`write_bundle` renders every file for the artifact being served into one folder;
:mod:`deploydl.deploy.gates` holds the quality gates the CI/CD workflow runs;
:mod:`deploydl.deploy.serverless` prices Lambda against replicas that are always on.
"""

from deploydl.deploy.bundle import DeploySpec, write_bundle
from deploydl.deploy.gates import GateResult, evaluation_gate, fairness_gate, run_gates

__all__ = ["DeploySpec", "GateResult", "evaluation_gate", "fairness_gate", "run_gates",
           "write_bundle"]
