"""The CI/CD workflow (GitHub Actions): test, gate, build, promote (Module 04).

A model reaches production only through this chain; each job runs only if the one before
it passed, and promotion waits for a person's approval (a GitHub "environment").
"""

from __future__ import annotations

from deploydl.deploy.bundle import DeploySpec
from deploydl.registry import Artifact

_CPU_TORCH = "pip install torch --index-url https://download.pytorch.org/whl/cpu"


def _setup() -> list[dict]:
    return [{"uses": "actions/checkout@v4"},
            {"uses": "actions/setup-python@v5", "with": {"python-version": "3.11"}},
            {"name": "Install (CPU torch first)",
             "run": f"{_CPU_TORCH}\npip install -e '.[test]'"}]


def render_workflow(artifact: Artifact, spec: DeploySpec) -> dict:
    """The workflow as a dict (write it with ``yaml.safe_dump``)."""
    name, version = artifact.metadata["name"], artifact.version
    candidate = f"models/{name}/{version}"
    return {
        "name": f"Deploy {name}",
        "on": {"push": {"branches": ["main"]}, "workflow_dispatch": {}},
        "permissions": {"contents": "read", "packages": "write"},
        "env": {"IMAGE": spec.image, "MODEL_VERSION": version},
        "jobs": {
            "test": {"runs-on": "ubuntu-latest", "steps": [
                *_setup(), {"name": "Unit and service tests", "run": "python -m pytest -q tests"},
            ]},
            "gates": {"needs": "test", "runs-on": "ubuntu-latest", "steps": [
                *_setup(),
                {"name": "Evaluation and fairness gates (a failed gate stops the deployment)",
                 "run": f"python -m deploydl.deploy.gates {candidate} --registry models"},
            ]},
            "build": {"needs": "gates", "runs-on": "ubuntu-latest", "steps": [
                *_setup(),
                {"name": "Render the build folder",
                 "run": f"python -c \"from deploydl.deploy import write_bundle; "
                        f"write_bundle('{candidate}', 'build')\"\n"
                        "pip wheel --no-deps -w build/wheels ."},
                {"uses": "docker/login-action@v3", "with": {
                    "registry": "ghcr.io", "username": "${{ github.actor }}",
                    "password": "${{ secrets.GITHUB_TOKEN }}"}},
                {"uses": "docker/build-push-action@v6", "with": {
                    "context": "build", "push": True,
                    "tags": "${{ env.IMAGE }}:${{ env.MODEL_VERSION }}"}},
            ]},
            "promote": {"needs": "build", "runs-on": "ubuntu-latest",
                        "environment": "production", "steps": [
                *_setup(),
                {"name": "Promote the model in the registry (rollback: registry.rollback)",
                 "run": f"python -c \"from deploydl.registry import ModelRegistry; "
                        f"ModelRegistry('models').promote('{name}', '{version}', "
                        f"stage='production')\""},
                {"name": "Roll out", "run": "kubectl apply -f build/k8s.yaml"},
            ]},
        },
    }
