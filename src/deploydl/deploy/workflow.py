"""The CI/CD workflow (GitHub Actions): test, gate, build, promote (Module 04).

A model reaches production only through this chain; each job runs only if the one before
it passed, and promotion waits for a person's approval (a GitHub "environment"). The
promote job honours the maintenance window (Module 06): with the repository variable
``DEPLOYDL_RELEASE_WINDOW`` set (e.g. ``Sun 02:00-06:00``), a run outside it fails at the
promotion step unless the repository variable ``DEPLOYDL_EMERGENCY_REASON`` says what breaks
if the release waits; the registry records that reason with the release. Set it, start the
workflow by hand, and clear it afterwards (GitHub's audit log records who set it). It is a
variable, not a ``workflow_dispatch`` input, so that nothing typed into a run can change what is
built (checkov's CKV_GHA_7).

Its signing steps demonstrate the mechanism; they are not a control (:data:`HEADER`, the
rendered workflow's first lines, says why and what a bank does instead). Every action is pinned
by its full commit SHA (:data:`ACTIONS`), since a tag can be moved.
"""

from __future__ import annotations

import dataclasses
import json
import re

from deploydl.deploy.bundle import DeploySpec, to_yaml
from deploydl.integrity import check_name, check_version
from deploydl.registry import Artifact

_CPU_TORCH = "pip install torch --index-url https://download.pytorch.org/whl/cpu"

#: Each action the workflow uses, pinned by full commit SHA (a tag can be moved to other code;
#: a commit cannot), with the release tag it was on, written beside it as a comment. Looked up
#: on GitHub in December 2026; update them on purpose (Dependabot proposes new SHAs).
ACTIONS = {
    "actions/checkout": ("11d5960a326750d5838078e36cf38b85af677262", "v4.4.0"),
    "actions/setup-python": ("a26af69be951a213d495a4c3e4e4022e16d87065", "v5.6.0"),
    "docker/login-action": ("c94ce9fb468520275223c153574b00df6fe4bcc9", "v3.7.0"),
    "docker/build-push-action": ("10e90e3645eae34f1e60eeb005ba3a3d33f178e8", "v6.19.2"),
}

#: The comment at the top of the rendered workflow: what its signing proves, and what not.
HEADER = """\
# Rendered by deploydl.deploy (Module 04): test -> gates -> build -> promote, the last after a
# person approves the "production" environment.
# The signing steps demonstrate the mechanism; they are not a control. CI signs whatever is
# in git, so a swap committed to git would be signed too. A bank signs at the human approval
# step, with a key CI never holds, and checks the signature before the gates run and where the
# model runs (the pod's deploydl serve --signing-key-file).
# Actions are pinned by full commit SHA (the tag is in the comment): a tag can be moved.
"""


def _uses(action: str) -> str:
    return f"{action}@{ACTIONS[action][0]}"


#: The promote step: the window comes from DEPLOYDL_RELEASE_WINDOW through the settings.
_PROMOTE = ("import os; from deploydl.monitoring import window_from_settings; "
            "from deploydl.registry import ModelRegistry; "
            "from deploydl.settings import get_settings; "
            "ModelRegistry(\"models\", window=window_from_settings(get_settings())).promote("
            "os.environ[\"MODEL_NAME\"], os.environ[\"MODEL_VERSION\"], stage=\"production\", "
            "emergency=os.environ.get(\"EMERGENCY_REASON\") or None)")


def _setup() -> list[dict]:
    return [{"uses": _uses("actions/checkout")},
            {"uses": _uses("actions/setup-python"), "with": {"python-version": "3.11"}},
            {"name": "Install (CPU torch first)",
             "run": f"{_CPU_TORCH}\npip install -e '.[test]'"}]


def _python(program: str) -> str:
    """A ``python -c`` shell line; ``program`` reads every value from the environment."""
    return f"python -c '{program}'"


def _sign() -> dict:
    return {"name": "Sign the release (a demonstration, see the note at the top of this file)",
            "env": {"DEPLOYDL_SIGNING_KEY": "${{ secrets.DEPLOYDL_SIGNING_KEY }}"},
            "run": _python("import os; from deploydl.integrity import sign_artifact; "
                           "sign_artifact(os.environ[\"CANDIDATE\"], "
                           "key=os.environ[\"DEPLOYDL_SIGNING_KEY\"])")}


def _render(*, with_digest: bool) -> dict:
    digest = ", image_digest=os.environ[\"IMAGE_DIGEST\"]" if with_digest else ""
    return {"name": "Render the build folder" + (" (image pinned by digest)" if digest else ""),
            "run": _python("import json, os; from deploydl.deploy import DeploySpec, "
                           "write_bundle; write_bundle(os.environ[\"CANDIDATE\"], \"build\", "
                           f"DeploySpec(**json.loads(os.environ[\"DEPLOY_SPEC\"]){digest}))")}


def render_workflow(artifact: Artifact, spec: DeploySpec) -> dict:
    """The workflow as a dict (write it with ``yaml.safe_dump``).

    The model's name, version and spec reach the jobs only as environment variables (YAML
    strings); no value is pasted into a shell line or a Python program. Only the build job
    may write packages; the others read the repository.
    """
    name, version = check_name(artifact.metadata["name"]), check_version(artifact.version)
    fields = {k: v for k, v in dataclasses.asdict(spec).items() if k != "image_digest"}
    return {
        "name": f"Deploy {name}",
        "on": {"push": {"branches": ["main"]}, "workflow_dispatch": {}},
        "permissions": {"contents": "read"},
        "env": {"IMAGE": spec.image, "MODEL_NAME": name, "MODEL_VERSION": version,
                "CANDIDATE": f"models/{name}/{version}",
                "DEPLOY_SPEC": json.dumps(fields, sort_keys=True)},
        "jobs": {
            "test": {"runs-on": "ubuntu-latest", "steps": [
                *_setup(), {"name": "Unit and service tests", "run": "python -m pytest -q tests"},
            ]},
            "gates": {"needs": "test", "runs-on": "ubuntu-latest", "steps": [
                *_setup(),
                {"name": "Evaluation and fairness gates (a failed gate stops the deployment)",
                 "run": 'python -m deploydl.deploy.gates "$CANDIDATE" --registry models'},
            ]},
            "build": {"needs": "gates", "runs-on": "ubuntu-latest",
                      "permissions": {"contents": "read", "packages": "write"},
                      "outputs": {"digest": "${{ steps.push.outputs.digest }}"}, "steps": [
                *_setup(), _sign(), _render(with_digest=False),
                {"name": "Build the wheel", "run": "pip wheel --no-deps -w build/wheels ."},
                {"uses": _uses("docker/login-action"), "with": {
                    "registry": "ghcr.io", "username": "${{ github.actor }}",
                    "password": "${{ secrets.GITHUB_TOKEN }}"}},
                {"id": "push", "uses": _uses("docker/build-push-action"), "with": {
                    "context": "build", "push": True,
                    "tags": "${{ env.IMAGE }}:${{ env.MODEL_VERSION }}"}},
            ]},
            "promote": {"needs": "build", "runs-on": "ubuntu-latest",
                        "environment": "production",
                        "env": {"IMAGE_DIGEST": "${{ needs.build.outputs.digest }}",
                                "DEPLOYDL_RELEASE_WINDOW": "${{ vars.DEPLOYDL_RELEASE_WINDOW }}",
                                "EMERGENCY_REASON": "${{ vars.DEPLOYDL_EMERGENCY_REASON }}"},
                        "steps": [
                *_setup(), _sign(),
                {"name": "Promote the model in the registry, inside the maintenance window or "
                         "as a declared emergency (rollback: registry.rollback)",
                 "run": _python(_PROMOTE)},
                _render(with_digest=True),
                {"name": "Roll out", "run": "kubectl apply -f build/k8s.yaml"},
            ]},
        },
    }


def workflow_yaml(artifact: Artifact, spec: DeploySpec) -> str:
    """The workflow file's text: :data:`HEADER`, then the YAML, each pinned action followed
    by its release tag as a comment (``uses: actions/checkout@<sha>  # v4.4.0``)."""
    text = to_yaml([render_workflow(artifact, spec)])
    tags = dict(ACTIONS.values())
    text = re.sub(r"^(\s*(?:- )?uses: \S+@([0-9a-f]{40}))$",
                  lambda m: f"{m.group(1)}  # {tags[m.group(2)]}", text, flags=re.MULTILINE)
    return HEADER + text
