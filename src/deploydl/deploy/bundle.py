"""Render the deployment files for one artifact into a build folder (Module 04).

Everything is derived from two inputs: the verified artifact (name, version, sha256) and a
:class:`DeploySpec` (image, CPU and memory, replicas). Change the spec, re-render, and the
Dockerfile, the Kubernetes manifests and the workflow stay consistent with each other.
"""

from __future__ import annotations

import math
import shutil
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from string import Template

import yaml

from deploydl.registry import Artifact, verify

_TEMPLATES = Path(__file__).parent / "templates"
#: Libraries the service imports at run time (pinned to this machine's versions when rendered).
SERVE_REQUIREMENTS = ("fastapi", "fastapi-offline", "uvicorn", "starlette", "pydantic",
                      "pydantic-settings", "safetensors", "prometheus-client", "numpy",
                      "pandas", "httpx", "tqdm")


@dataclass(frozen=True)
class DeploySpec:
    """How the service should run.

    Parameters
    ----------
    image : str
        Container image name without a tag; the tag is the model version.
    cpu : str
        CPU limit per replica in Kubernetes units: "2" = two cores, "500m" = half a core.
        Torch's thread count (``OMP_NUM_THREADS``) is set to the whole cores in it (at least 1).
    memory : str
        Memory limit per replica, e.g. "1Gi".
    replicas, max_replicas : int
        Replicas at start, and the most the autoscaler may add at 70% CPU.
    port : int
        Port the container listens on.
    """

    image: str = "ghcr.io/northbridge-bank/loan-default"
    cpu: str = "2"
    memory: str = "1Gi"
    replicas: int = 2
    max_replicas: int = 6
    port: int = 8000
    uid: int = 10001

    @property
    def threads(self) -> int:
        """Whole cores in the CPU limit: what OMP_NUM_THREADS and torch use."""
        return cpu_threads(self.cpu)


def cpu_cores(cpu: str) -> float:
    """Cores in a Kubernetes CPU quantity: "2" -> 2.0, "1500m" -> 1.5."""
    text = str(cpu).strip()
    try:
        cores = float(text[:-1]) / 1000 if text.endswith("m") else float(text)
    except ValueError:
        raise ValueError(f"cpu must be a Kubernetes CPU quantity such as '2' or '500m'; "
                         f"got {cpu!r}.") from None
    if cores <= 0:
        raise ValueError(f"cpu must be positive; got {cpu!r}.")
    return cores


def cpu_threads(cpu: str) -> int:
    """Whole cores in a Kubernetes CPU quantity, at least 1: "2" -> 2, "1500m" -> 1."""
    return max(1, math.floor(cpu_cores(cpu)))


def render_dockerfile(artifact: Artifact, spec: DeploySpec, *, lambda_image: bool = False) -> str:
    """The Dockerfile (or, with ``lambda_image``, the AWS Lambda one) for ``artifact``."""
    name = "Dockerfile.lambda.tmpl" if lambda_image else "Dockerfile.tmpl"
    return Template((_TEMPLATES / name).read_text()).substitute(_values(artifact, spec))


def render_lambda_handler(artifact: Artifact, spec: DeploySpec) -> str:
    """The Mangum entry point that AWS Lambda calls (``lambda_handler.handler``)."""
    return Template((_TEMPLATES / "lambda_handler.py.tmpl").read_text()).substitute(
        _values(artifact, spec))


def render_requirements() -> str:
    """Pinned runtime libraries of the service, one ``name==version`` a line."""
    return "".join(f"{name}=={metadata.version(name)}\n" for name in SERVE_REQUIREMENTS)


class _Dumper(yaml.SafeDumper):
    """YAML for people: no anchors or aliases, multi-line strings as ``|`` blocks."""

    def ignore_aliases(self, data: object) -> bool:
        return True


_Dumper.add_representer(str, lambda dumper, text: dumper.represent_scalar(
    "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None))


def to_yaml(documents: list[dict]) -> str:
    """One YAML stream, documents separated by ``---``, keys in the order written."""
    return yaml.dump_all(documents, Dumper=_Dumper, sort_keys=False, width=100)


def write_bundle(artifact_dir: str | Path, out_dir: str | Path,
                 spec: DeploySpec | None = None) -> dict[str, Path]:
    """Verify the artifact and write every deployment file for it into ``out_dir``.

    Returns
    -------
    dict
        File name -> path: ``Dockerfile``, ``Dockerfile.lambda``, ``lambda_handler.py``,
        ``requirements-serve.txt``, ``k8s.yaml``, ``.github/workflows/deploy.yml``, and the
        artifact copied to ``model/``. Build the wheel into ``wheels/`` before ``docker build``
        (the workflow does: ``pip wheel --no-deps -w wheels .``).
    """
    from deploydl.deploy.kubernetes import render_manifests
    from deploydl.deploy.workflow import render_workflow

    spec = spec or DeploySpec()
    artifact = verify(artifact_dir)
    out = Path(out_dir)
    files = {
        "Dockerfile": render_dockerfile(artifact, spec),
        "Dockerfile.lambda": render_dockerfile(artifact, spec, lambda_image=True),
        "lambda_handler.py": render_lambda_handler(artifact, spec),
        "requirements-serve.txt": render_requirements(),
        "k8s.yaml": to_yaml(render_manifests(artifact, spec)),
        ".github/workflows/deploy.yml": to_yaml([render_workflow(artifact, spec)]),
    }
    written = {}
    for name, text in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written[name] = path
    shutil.copytree(artifact.path, out / "model", dirs_exist_ok=True)
    written["model"] = out / "model"
    return written


def _values(artifact: Artifact, spec: DeploySpec) -> dict[str, object]:
    return {"name": artifact.metadata["name"], "version": artifact.version,
            "sha12": artifact.sha256[:12], "cpu": spec.cpu, "threads": spec.threads,
            "port": spec.port, "uid": spec.uid,
            "torch_version": metadata.version("torch").split("+")[0],
            "mangum_version": _version_or("mangum", "0.17.0")}


def _version_or(package: str, fallback: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return fallback
