"""The zero-install files parse, and their dependency lists cannot drift from pyproject.toml."""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[2]
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
DOCKER_INSTRUCTIONS = {"FROM", "ARG", "ENV", "RUN", "COPY", "ADD", "WORKDIR", "USER", "EXPOSE",
                       "CMD", "ENTRYPOINT", "LABEL", "HEALTHCHECK", "SHELL", "VOLUME",
                       "STOPSIGNAL", "ONBUILD"}


@pytest.fixture(scope="module")
def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _normalised(requirements) -> set[str]:
    return {str(Requirement(r)).lower().replace("_", "-") for r in requirements}


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per logical line: continuations joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", "\n".join(
        line for line in text.splitlines() if not line.lstrip().startswith("#")))
    pairs = [line.strip().split(None, 1) for line in joined.splitlines() if line.strip()]
    return [(p[0].upper(), p[1] if len(p) > 1 else "") for p in pairs]


def test_binder_environment_lists_exactly_the_projects_dependencies(project):
    env = yaml.safe_load((ROOT / "binder" / "environment.yml").read_text(encoding="utf-8"))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    requirements = [line for line in pip if not line.startswith("-")]
    assert _normalised(requirements) == _normalised(project["dependencies"]), (
        "binder/environment.yml drifted from pyproject.toml: copy [project] dependencies over")
    assert f"--extra-index-url {CPU_INDEX}" in pip
    python = next(d for d in env["dependencies"] if isinstance(d, str) and
                  d.startswith("python="))
    assert SpecifierSet(project["requires-python"]).contains(python.split("=")[1] + ".0")


def test_binder_post_build_installs_the_package_without_its_dependencies():
    post_build = ROOT / "binder" / "postBuild"
    assert os.access(post_build, os.X_OK), "binder/postBuild must be executable"
    assert "pip install --no-cache-dir --no-deps -e ." in post_build.read_text(encoding="utf-8")


def test_dockerfile_is_well_formed_non_root_and_installs_cpu_torch_from_pyproject(project):
    steps = dockerfile_instructions((ROOT / "Dockerfile").read_text(encoding="utf-8"))
    unknown = [name for name, _ in steps if name not in DOCKER_INSTRUCTIONS]
    assert unknown == [] and steps[0][0] in {"FROM", "ARG"}
    base = next(args for name, args in steps if name == "FROM")
    version = re.match(r"python:(\d+\.\d+)", base).group(1)
    assert SpecifierSet(project["requires-python"]).contains(version + ".0")
    users = [args for name, args in steps if name == "USER"]
    assert users and users[-1] not in {"root", "0"}, "the image must end as a non-root user"
    install = next(args for name, args in steps if name == "RUN" and "pip install" in args)
    assert re.search(r"pip install .*--extra-index-url \"\$\{TORCH_INDEX\}\" \. ", install)
    assert ("ARG", f"TORCH_INDEX={CPU_INDEX}") in steps


def test_the_image_leaves_matplotlib_to_the_kernel():
    """ipykernel switches to the inline backend only when MPLBACKEND is empty: an image that
    sets it (say to agg) shows no chart in any lesson, and stores no alt text."""
    steps = dockerfile_instructions((ROOT / "Dockerfile").read_text(encoding="utf-8"))
    assert not [args for name, args in steps if name == "ENV" and "MPLBACKEND" in args]


def test_dockerignore_keeps_local_environments_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".venv", "wheelhouse", ".git"} <= set(ignored)


def test_devcontainer_builds_the_workshop_image_and_installs_cpu_torch():
    config = json.loads((ROOT / ".devcontainer" / "devcontainer.json").read_text(encoding="utf-8"))
    dockerfile = (ROOT / ".devcontainer" / config["build"]["dockerfile"]).resolve()
    assert dockerfile == ROOT / "Dockerfile"
    assert config["remoteUser"] == "learner" and 8888 in config["forwardPorts"]
    assert f"--extra-index-url {CPU_INDEX}" in config["postCreateCommand"]


def test_hub_values_size_users_from_the_measured_figures():
    values = yaml.safe_load((ROOT / "docs" / "jupyterhub" / "values.yaml")
                            .read_text(encoding="utf-8"))
    user = values["singleuser"]
    measured = json.loads((ROOT / "benchmarks" / "results" / "notebook_resources.json")
                          .read_text(encoding="utf-8"))["results"]
    kernels = max(r["peak_rss_mib"] for r in measured if r["name"].endswith(".ipynb"))
    server = next(r["peak_rss_mib"] for r in measured if r["name"].startswith("jupyterlab"))
    guarantee = _mebibytes(user["memory"]["guarantee"])
    limit = _mebibytes(user["memory"]["limit"])
    assert guarantee >= kernels + server, "guarantee must hold one kernel plus the server"
    assert limit >= 2 * kernels + server, "limit must hold a lesson and a lab kernel at once"
    assert user["cpu"]["limit"] >= user["cpu"]["guarantee"] > 0
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] <= 3600
    assert user["image"]["name"] and user["defaultUrl"].startswith("/lab")


def _mebibytes(size: str) -> float:
    """KubeSpawner's byte sizes: M and G are powers of 1024 (jupyterhub's ByteSpecification)."""
    number, unit = re.fullmatch(r"([\d.]+)([MG])", str(size)).groups()
    return float(number) * (1 if unit == "M" else 1024)
