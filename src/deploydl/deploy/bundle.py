"""Render the deployment files for one artifact into a build folder (Module 04).

Everything is derived from two inputs: the verified artifact (name, version, sha256) and a
:class:`DeploySpec` (image, CPU and memory, replicas). Change the spec, re-render, and the
Dockerfile, the Kubernetes manifests and the workflow stay consistent with each other.

Nothing is pasted into generated code unchecked: the artifact's name and version were
validated when it was verified (:data:`deploydl.registry.NAME_PATTERN`), the spec's images,
namespaces, digest, CPU and memory are validated here, and each value is quoted for the
language it lands in (a Python literal, a Dockerfile JSON string, a YAML scalar; shell lines
read them from environment variables, never from pasted text).
"""

from __future__ import annotations

import json
import math
import re
import shutil
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from string import Template

import yaml

from deploydl.atomic import replace_folder
from deploydl.integrity import SHA256_PATTERN, ArtifactError, check_name, check_version
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
        Memory limit per replica in Kubernetes units, e.g. "1Gi" or "512Mi".
    replicas, max_replicas : int
        The fewest replicas the autoscaler keeps (2 by default, so one can fail) and the most
        it may run. The Deployment itself sets no count: the autoscaler owns it.
    cpu_target_percent : int
        Average CPU use (percent of the request) the autoscaler keeps the replicas at;
        :func:`deploydl.efficiency.capacity.autoscaled_spec` sets it from a capacity plan.
    port : int
        Port the container listens on.
    namespace : str
        Kubernetes namespace of every object (never ``default``).
    monitoring_namespace : str
        Namespace of the cluster's monitoring (Prometheus): the NetworkPolicy lets its pods
        read ``/metrics``.
    image_digest : str, optional
        ``sha256:...`` of the built image. The manifests then pin the image by digest; the
        workflow renders them again with the digest its build step reports.
    base_image, lambda_base_image : str
        ``FROM`` images; pin them by digest (``python:3.11-slim@sha256:...``) where your
        registry policy asks for it.
    """

    image: str = "ghcr.io/northbridge-bank/loan-default"
    cpu: str = "2"
    memory: str = "1Gi"
    replicas: int = 2
    max_replicas: int = 6
    cpu_target_percent: int = 70
    port: int = 8000
    uid: int = 10001
    namespace: str = "northbridge-credit"
    monitoring_namespace: str = "monitoring"
    image_digest: str | None = None
    base_image: str = "python:3.11-slim"
    lambda_base_image: str = "public.ecr.aws/lambda/python:3.11"

    def __post_init__(self) -> None:
        for field, pattern in (("image", _IMAGE), ("base_image", _IMAGE),
                               ("lambda_base_image", _IMAGE), ("namespace", _NAMESPACE),
                               ("monitoring_namespace", _NAMESPACE), ("memory", _MEMORY)):
            value = getattr(self, field)
            if not isinstance(value, str) or not pattern.fullmatch(value):
                raise ValueError(f"DeploySpec {field}={value!r} is not allowed: {_HINTS[field]}")
        if self.image_digest is not None and not _DIGEST.fullmatch(str(self.image_digest)):
            raise ValueError(f"DeploySpec image_digest={self.image_digest!r} is not a digest: "
                             "give 'sha256:' and 64 hexadecimal characters.")
        cpu_cores(self.cpu)
        for field in ("replicas", "max_replicas", "port", "uid"):
            if not isinstance(getattr(self, field), int) or getattr(self, field) < 1:
                raise ValueError(f"DeploySpec {field} must be a positive integer; got "
                                 f"{getattr(self, field)!r}.")
        if self.max_replicas < self.replicas:
            raise ValueError(f"DeploySpec max_replicas ({self.max_replicas}) is below replicas "
                             f"({self.replicas}); the autoscaler needs max >= min.")
        if not isinstance(self.cpu_target_percent, int) or not 1 <= self.cpu_target_percent <= 100:
            raise ValueError(f"DeploySpec cpu_target_percent must be a whole percent from 1 to "
                             f"100; got {self.cpu_target_percent!r}.")

    @property
    def threads(self) -> int:
        """Whole cores in the CPU limit: what OMP_NUM_THREADS and torch use."""
        return cpu_threads(self.cpu)


_IMAGE = re.compile(r"[a-z0-9][a-z0-9._/:-]{0,200}(@sha256:[0-9a-f]{64})?")
_NAMESPACE = re.compile(r"[a-z]([a-z0-9-]{0,61}[a-z0-9])?")
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
#: A Kubernetes memory quantity above zero: a number, then a binary or decimal unit (or bytes).
_MEMORY = re.compile(r"(?=[\d.]*[1-9])\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?")
_HINTS = {"image": "use a registry path such as 'ghcr.io/org/name' (lower case, no spaces).",
          "base_image": "use an image reference such as 'python:3.11-slim' or one pinned "
                        "with '@sha256:...'.",
          "lambda_base_image": "use an image reference such as "
                               "'public.ecr.aws/lambda/python:3.11'.",
          "namespace": "use lower-case letters, digits and dashes, starting with a letter.",
          "monitoring_namespace": "use the namespace your Prometheus runs in: lower-case "
                                  "letters, digits and dashes, starting with a letter.",
          "memory": "use a Kubernetes memory quantity above zero, such as '512Mi' or '1Gi' "
                    "(a number, then Ki, Mi, Gi or Ti, or k, M, G or T)."}


def cpu_cores(cpu: str) -> float:
    """Cores in a Kubernetes CPU quantity: "2" -> 2.0, "1500m" -> 1.5."""
    text = str(cpu).strip()
    try:
        cores = float(text[:-1]) / 1000 if text.endswith("m") else float(text)
    except ValueError:
        raise ValueError(f"cpu must be a Kubernetes CPU quantity such as '2' or '500m'; "
                         f"got {cpu!r}.") from None
    if not math.isfinite(cores) or cores <= 0:
        raise ValueError(f"cpu must be a positive, finite number of cores such as '2' or "
                         f"'500m'; got {cpu!r}.")
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
        artifact copied to ``model/`` (replacing, whole, any ``model/`` an earlier bundle left
        there, so no file of another version stays beside it). Build the wheel into
        ``wheels/`` before ``docker build`` (the workflow does: ``pip wheel --no-deps -w wheels
        .``).
    """
    from deploydl.deploy.kubernetes import render_manifests
    from deploydl.deploy.workflow import workflow_yaml

    spec = spec or DeploySpec()
    artifact = verify(artifact_dir)
    out = Path(out_dir)
    files = {
        "Dockerfile": render_dockerfile(artifact, spec),
        "Dockerfile.lambda": render_dockerfile(artifact, spec, lambda_image=True),
        "lambda_handler.py": render_lambda_handler(artifact, spec),
        "requirements-serve.txt": render_requirements(),
        "k8s.yaml": to_yaml(render_manifests(artifact, spec)),
        ".github/workflows/deploy.yml": workflow_yaml(artifact, spec),
    }
    written = {}
    for name, text in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written[name] = path
    written["model"] = replace_folder(out / "model",
                                      lambda new: shutil.copytree(artifact.path, new))
    return written


def _values(artifact: Artifact, spec: DeploySpec) -> dict[str, object]:
    """Template values: the name and version are checked again (a hand-made Artifact never
    reaches a template unchecked) and quoted where they land in code."""
    name, version = check_name(artifact.metadata["name"]), check_version(artifact.version)
    if not SHA256_PATTERN.fullmatch(artifact.sha256):
        raise ArtifactError(f"the artifact's sha256 {artifact.sha256[:80]!r} is not 64 "
                            "hexadecimal characters; verify the artifact with registry.verify.")
    return {"name": name, "version": version, "sha12": artifact.sha256[:12],
            "sha256": artifact.sha256, "py_name": repr(name), "py_version": repr(version),
            "py_sha256": repr(artifact.sha256), "label_name": json.dumps(name),
            "label_version": json.dumps(version), "cpu": spec.cpu, "threads": spec.threads,
            "port": spec.port, "uid": spec.uid, "base_image": spec.base_image,
            "lambda_base_image": spec.lambda_base_image,
            "torch_version": metadata.version("torch").split("+")[0],
            "mangum_version": _version_or("mangum", "0.17.0")}


def _version_or(package: str, fallback: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return fallback


#: What an executive needs from a Dockerfile: (what, pattern, how it reads, why it matters).
_DOCKERFILE_FACTS = (
    ("Starts from", r"^FROM (\S+)", "{0}",
     "the base every build starts from: the smaller, the fewer patches to chase"),
    ("Machine learning library", r"whl/cpu torch==(\S+)", "PyTorch {0}, CPU-only, pinned",
     "the default build carries GPU libraries of several GB"),
    ("Runs as", r"^USER (\d+)", "an unprivileged user ({0}), never root",
     "a break-in gets as little as possible"),
    ("Health check", r"HEALTHCHECK --interval=(\d+)s", "asks /health every {0} s",
     "a stuck copy shows as unhealthy, so it can be replaced"),
    ("Threads", r"OMP_NUM_THREADS=(\d+)", "{0}, the container's CPU limit",
     "no copy fights itself for the cores"),
    ("Serves only", r"--expect-sha256", "the model weights it was built for (checked by sha256)",
     "a swapped model file stops the start"),
)


def dockerfile_in_words(dockerfile: str) -> str:
    """The Dockerfile's decisions as a short Markdown table, each read from the file itself.

    A decision the file does not contain reads "missing", so the table cannot claim what the
    image does not do (Module 04).
    """
    rows = ["| The image | What it does | Why it matters |", "|---|---|---|"]
    for what, pattern, reads, why in _DOCKERFILE_FACTS:
        found = re.search(pattern, dockerfile, flags=re.MULTILINE)
        text = reads.format(*found.groups()) if found else "**missing**"
        rows.append(f"| {what} | {text} | {why} |")
    return "\n".join(rows)
