"""The zero-install files parse, and their dependency lists cannot drift from pyproject.toml."""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path

import pytest
import yaml
from measured import RESULTS, peak_rss_in, peak_rss_mib
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[2]
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
DOCKER_INSTRUCTIONS = {"FROM", "ARG", "ENV", "RUN", "COPY", "ADD", "WORKDIR", "USER", "EXPOSE",
                       "CMD", "ENTRYPOINT", "LABEL", "HEALTHCHECK", "SHELL", "VOLUME",
                       "STOPSIGNAL", "ONBUILD"}

#: Each machine benchmarks/notebook_resources.py ran on, as docs/jupyterhub.md names it, with
#: its file of lessons (and the idle server) and its file of solved labs.
MACHINES = {"AMD EPYC": ("notebook_resources.json", "notebook_resources_labs.json"),
            "Intel Xeon": ("notebook_resources_xeon.json", "notebook_resources_labs_xeon.json"),
            "AMD EPYC (AVX2)": ("notebook_resources_epyc_avx2.json",
                                "notebook_resources_labs_epyc_avx2.json")}


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


@pytest.mark.parametrize("path", ["Makefile", "Dockerfile", "binder/postBuild",
                                  "docs/jupyterhub.md", "README.md"])
def test_every_way_to_install_the_course_installs_the_name_error_tip(path):
    """The tip reaches a kernel only through the file the install writes into its Python's
    environment (deploydl.course.name_error_tip): each file that runs or documents an install
    names the command (this checks that it is there, not each of the README's blocks). The dev
    container builds the Dockerfile's image, which has it."""
    assert "deploydl.course.name_error_tip install" in (ROOT / path).read_text(encoding="utf-8")


def test_the_image_leaves_matplotlib_to_the_kernel():
    """ipykernel switches to the inline backend only when MPLBACKEND is empty: an image that
    sets it (say to agg) shows no chart in any lesson, and stores no alt text."""
    steps = dockerfile_instructions((ROOT / "Dockerfile").read_text(encoding="utf-8"))
    assert not [args for name, args in steps if name == "ENV" and "MPLBACKEND" in args]


def test_the_image_gives_matplotlib_a_writable_config_folder():
    """With a home folder the user cannot write (`docker run -u 12345`), matplotlib warns on
    stderr at every import unless MPLCONFIGDIR names a folder it can create."""
    steps = dockerfile_instructions((ROOT / "Dockerfile").read_text(encoding="utf-8"))
    env = " ".join(args for name, args in steps if name == "ENV")
    assert re.search(r"(^|\s)MPLCONFIGDIR=/tmp/\S+", env)


def test_dockerignore_keeps_local_environments_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".venv", "wheelhouse", ".git"} <= set(ignored)


def test_devcontainer_builds_the_workshop_image_and_installs_cpu_torch():
    config = json.loads((ROOT / ".devcontainer" / "devcontainer.json").read_text(encoding="utf-8"))
    dockerfile = (ROOT / ".devcontainer" / config["build"]["dockerfile"]).resolve()
    assert dockerfile == ROOT / "Dockerfile"
    assert config["remoteUser"] == "learner" and 8888 in config["forwardPorts"]
    assert f"--extra-index-url {CPU_INDEX}" in config["postCreateCommand"]


def hub_values() -> dict:
    """The Zero to JupyterHub values file the hub guide installs."""
    values = ROOT / "docs" / "jupyterhub" / "values.yaml"
    return yaml.safe_load(values.read_text(encoding="utf-8"))


def test_hub_values_size_users_from_the_measured_figures():
    values = hub_values()
    user = values["singleuser"]
    peaks = peak_rss_mib()
    server = peaks.pop("jupyterlab server (idle)")
    lesson = max(peak for name, peak in peaks.items() if name.startswith("notebooks/"))
    lab = max(peak for name, peak in peaks.items() if name.startswith("solutions/"))
    guarantee = _mebibytes(user["memory"]["guarantee"])
    limit = _mebibytes(user["memory"]["limit"])
    assert guarantee >= max(lesson, lab) + server, "guarantee must hold one kernel and the server"
    assert limit >= lesson + lab + server, "limit must hold a lesson and a lab kernel at once"
    assert user["cpu"]["limit"] >= user["cpu"]["guarantee"] > 0
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] <= 3600
    assert user["image"]["name"]


def test_hub_serves_the_persistent_home_where_the_course_is_copied():
    """jupyterhub-singleuser serves the folder it starts in (the image's WORKDIR, /srv/course,
    unless KubeSpawner.working_dir says otherwise): it must be the persistent home, the course
    must be copied into it, and defaultUrl must name the welcome notebook there."""
    values = hub_values()
    user, home = values["singleuser"], values["singleuser"]["storage"]["homeMountPath"]
    served = values["hub"]["config"].get("KubeSpawner", {}).get("working_dir")
    assert served == home, f"the server serves {served or 'the image WORKDIR'}, not {home}"
    folder, _, page = user["defaultUrl"].removeprefix("/lab/tree/").partition("/")
    copy = user["lifecycleHooks"]["postStart"]["exec"]["command"][-1]
    assert copy.endswith(f"cp -r /srv/course {home}/{folder}"), copy
    assert page == "notebooks/00_welcome.ipynb" and (ROOT / page).is_file()


def test_the_hub_guide_quotes_every_machine_the_sizes_come_from():
    """The sizes take the largest figure in every notebook_resources*.json file, so the guide's
    tables show each file's peaks: a column per machine for the lessons and the idle server,
    a row per machine for the solved labs."""
    guide = (ROOT / "docs" / "jupyterhub.md").read_text(encoding="utf-8")
    files = {path.name for path in RESULTS.glob("notebook_resources*.json")}
    assert files == {name for pair in MACHINES.values() for name in pair}, (
        "a results file is missing from MACHINES (and from the guide's tables), or one is gone")
    header = f"| what | {' | '.join(f'{machine}, MiB' for machine in MACHINES)} |"
    assert header in guide, f"the lessons' table should start {header}"
    lessons = [peak_rss_in(name) for name, _ in MACHINES.values()]
    for name in lessons[0]:
        label = f"`{name}`" if name.startswith("notebooks/") else "JupyterLab server, idle"
        peaks = " | ".join(str(machine[name]) for machine in lessons)
        assert f"| {label} | {peaks} |" in guide, name
    for machine, (_, name) in MACHINES.items():
        labs = peak_rss_in(name)
        row = " | ".join(str(labs[lab]) for lab in sorted(labs))
        assert f"| peak RSS on the {machine}, MiB | {row} |" in guide, machine


def test_the_hub_guide_quotes_the_measured_kernels_and_sizes_from_the_largest():
    guide = " ".join((ROOT / "docs" / "jupyterhub.md").read_text(encoding="utf-8").split())
    peaks = peak_rss_mib()
    server = peaks.pop("jupyterlab server (idle)")
    lesson, lab = peaks["notebooks/04_deployment.ipynb"], peaks["solutions/04_deployment_lab.ipynb"]
    assert max(peaks.values()) == lesson  # the guide's "largest kernel"
    assert (f"lesson 04, {lesson} MiB on the Xeon) + the server ({server} MiB) = "
            f"{lesson + server:,} MiB") in guide
    pair = lesson + lab + server
    room = round(_mebibytes(hub_values()["singleuser"]["memory"]["limit"])) - pair
    assert f"{lesson} + {lab} MiB) + the server = {pair:,} MiB, leaving {room} MiB" in guide
    too_big = [peak for peak in peaks.values() if peak > room]
    assert f"({min(too_big)} to {max(too_big)} MiB, their largest figures)" in guide, (
        "the kernels that do not fit beside a module's pair changed: update the guide's range")


def _mebibytes(size: str) -> float:
    """KubeSpawner's byte sizes: M and G are powers of 1024 (jupyterhub's ByteSpecification)."""
    number, unit = re.fullmatch(r"([\d.]+)([MG])", str(size)).groups()
    return float(number) * (1 if unit == "M" else 1024)
