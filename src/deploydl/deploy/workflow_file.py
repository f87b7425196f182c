"""The CI/CD workflow file (Module 04): its pinned actions, header, jobs and YAML text.

:func:`render_workflow` chains the jobs (test, gates, fairness review, build, promote) from the
steps built here and the scripts in :mod:`deploydl.deploy.workflow_scripts`;
:func:`workflow_yaml` writes the file. :mod:`deploydl.deploy.workflow` is the place to import
them from, and its docstring explains the chain.
"""

from __future__ import annotations

import dataclasses
import json
import re

from deploydl.deploy.bundle import DeploySpec, to_yaml
from deploydl.deploy.workflow_scripts import (
    _BEFORE,
    _CHECK,
    _CREDENTIALS,
    _GATES,
    _MIGRATE,
    _PROMOTE,
    _RECORD,
    _REVIEWED,
    _UNDO,
    _WAIT,
)
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
# Rendered by deploydl.deploy (Module 04): test -> gates -> [fairness review] -> build ->
# promote, the last after a person approves the "production" environment.
# The gates exit 0 (passed), 1 (blocked: the run stops) or 3 (too close to call: the release
# waits for a person to approve the "fairness-review" environment; set the variables
# DEPLOYDL_FAIRNESS_REVIEWER and DEPLOYDL_FAIRNESS_REVIEW_REASON first, the reason naming the
# version; the registry records them; clear both after the release).
# Promote: check the window and review as the registry will, cluster credentials
# (secrets.KUBECONFIG, a placeholder), record the revision, apply, wait for kubectl rollout
# status (undo to the recorded revision if the Deployment changed and failed), then promote in
# the registry and commit stages.json and releases.jsonl back (contents: write in that job
# only), so the next run and a rollback see the record.
# The signing steps demonstrate the mechanism; they are not a control. CI signs whatever is
# in git, so a swap committed to git would be signed too. A bank signs at the human approval
# step, with a key CI never holds, and checks the signature before the gates run and where the
# model runs (the pod's deploydl serve --signing-key-file).
# Actions are pinned by full commit SHA (the tag is in the comment): a tag can be moved.
"""


def _uses(action: str) -> str:
    return f"{action}@{ACTIONS[action][0]}"


def _after_review(*jobs: str) -> str:
    """Run after the gates passed, with or without a fairness review (skipped: not needed),
    and after ``jobs`` succeeded. A job that needs a skipped one is skipped too unless its
    ``if`` says otherwise, and ``!cancelled()`` is how it says so."""
    also = "".join(f" && needs.{job}.result == 'success'" for job in jobs)
    return ("${{ !cancelled() && needs.gates.result == 'success' && "
            "(needs.fairness_review.result == 'success' || "
            f"needs.fairness_review.result == 'skipped'){also} }}}}")


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


def _env(name: str, version: str, spec: DeploySpec) -> dict:
    """The workflow's environment: the image, model, namespace and spec, as YAML strings."""
    fields = {k: v for k, v in dataclasses.asdict(spec).items() if k != "image_digest"}
    return {"IMAGE": spec.image, "MODEL_NAME": name, "MODEL_VERSION": version,
            "NAMESPACE": spec.namespace, "CANDIDATE": f"models/{name}/{version}",
            "DEPLOY_SPEC": json.dumps(fields, sort_keys=True)}


def _test_job() -> dict:
    """The job that runs the unit and service tests."""
    return {"runs-on": "ubuntu-latest", "steps": [
        *_setup(), {"name": "Unit and service tests", "run": "python -m pytest -q tests"},
    ]}


def _gates_job() -> dict:
    """The job that runs the evaluation and fairness gates and says whether a review decides."""
    return {"needs": "test", "runs-on": "ubuntu-latest",
            "outputs": {"review": "${{ steps.gates.outputs.review }}"}, "steps": [
        *_setup(),
        {"id": "gates", "name": "Evaluation and fairness gates (exit 1: a gate blocked, "
                                "the run stops; exit 3: too close to call, a fairness "
                                "review decides)",
         "run": _GATES},
    ]}


def _fairness_review_job() -> dict:
    """The job a person approves when the gates found the release too close to call."""
    return {
        "needs": "gates", "if": "needs.gates.outputs.review == 'true'",
        "runs-on": "ubuntu-latest", "environment": "fairness-review",
        "env": {"FAIRNESS_REVIEWER": "${{ vars.DEPLOYDL_FAIRNESS_REVIEWER }}",
                "FAIRNESS_REVIEW_REASON": "${{ vars.DEPLOYDL_FAIRNESS_REVIEW_REASON }}"},
        "steps": [{"name": "The fairness review approved (required reviewers) and "
                           "wrote down who decided and why",
                   "run": _REVIEWED}]}


def _build_job() -> dict:
    """The job that signs the release, renders the build folder and pushes the image."""
    return {"needs": ["gates", "fairness_review"], "if": _after_review(),
            "runs-on": "ubuntu-latest",
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
    ]}


def _promote_job() -> dict:
    """The job a person approves for production: check, roll out, then promote and record."""
    return {"needs": ["gates", "fairness_review", "build"],
            "if": _after_review("build"),
            "runs-on": "ubuntu-latest", "environment": "production",
            "permissions": {"contents": "write"},
            "env": {"IMAGE_DIGEST": "${{ needs.build.outputs.digest }}",
                    "DEPLOYDL_RELEASE_WINDOW": "${{ vars.DEPLOYDL_RELEASE_WINDOW }}",
                    "EMERGENCY_REASON": "${{ vars.DEPLOYDL_EMERGENCY_REASON }}",
                    "FAIRNESS_REVIEWER": "${{ needs.gates.outputs.review == 'true' "
                                         "&& vars.DEPLOYDL_FAIRNESS_REVIEWER || '' }}",
                    "FAIRNESS_REVIEW_REASON":
                        "${{ needs.gates.outputs.review == 'true' && "
                        "vars.DEPLOYDL_FAIRNESS_REVIEW_REASON || '' }}"},
            "steps": _promote_steps()}


def _promote_steps() -> list[dict]:
    """The promote job's steps: check the release, roll it out (undo on failure), promote it
    in the registry and keep the registry's record in the repository."""
    return [
        *_setup(), _sign(),
        {"name": "Check the release before the rollout: the maintenance window (or a "
                 "declared emergency) and any fairness review, as the registry will",
         "run": _python(_CHECK)},
        _render(with_digest=True),
        {"name": "Cluster credentials (PLACEHOLDER: a kubeconfig in secrets.KUBECONFIG; "
                 "prefer your cloud's OIDC login action)",
         "env": {"KUBECONFIG_DATA": "${{ secrets.KUBECONFIG }}"},
         "run": _CREDENTIALS},
        {"id": "before", "name": "Record the Deployment's revision before the release",
         "run": _BEFORE},
        {"name": "Once: drop replicas from an earlier apply's record (else this apply "
                 "scales to one pod)",
         "run": _MIGRATE},
        {"id": "apply", "name": "Apply the manifests",
         "run": "kubectl apply -f build/k8s.yaml"},
        {"id": "wait", "name": "Wait until every new pod is ready", "run": _WAIT},
        {"name": "Undo the rollout if the Deployment changed and did not become ready",
         "if": "failure() && (steps.wait.outcome == 'failure' || "
               "steps.apply.outcome == 'failure')",
         "env": {"BEFORE": "${{ steps.before.outputs.revision }}"},
         "run": _UNDO},
        {"name": "Promote the model in the registry, after the rollout succeeded "
                 "(rollback: registry.rollback)",
         "run": _python(_PROMOTE)},
        {"name": "Keep the registry record (stages.json, releases.jsonl) in the "
                 "repository",
         "run": _RECORD},
    ]


def render_workflow(artifact: Artifact, spec: DeploySpec) -> dict:
    """The workflow as a dict (write it with ``yaml.safe_dump``).

    The model's name, version and spec reach the jobs only as environment variables (YAML
    strings); no value is pasted into a shell line or a Python program. Only the build job
    may write packages, and only the promote job may write to the repository (the registry's
    record); the others read it.
    """
    name, version = check_name(artifact.metadata["name"]), check_version(artifact.version)
    return {
        "name": f"Deploy {name}",
        "on": {"push": {"branches": ["main"]}, "workflow_dispatch": {}},
        "permissions": {"contents": "read"},
        # one release at a time per model; a release is never cancelled halfway
        "concurrency": {"group": f"deploy-{name}", "cancel-in-progress": False},
        "env": _env(name, version, spec),
        "jobs": {"test": _test_job(), "gates": _gates_job(),
                 "fairness_review": _fairness_review_job(), "build": _build_job(),
                 "promote": _promote_job()},
    }


def workflow_yaml(artifact: Artifact, spec: DeploySpec) -> str:
    """The workflow file's text: :data:`HEADER`, then the YAML, each pinned action followed
    by its release tag as a comment (``uses: actions/checkout@<sha>  # v4.4.0``)."""
    text = to_yaml([render_workflow(artifact, spec)])
    tags = dict(ACTIONS.values())
    text = re.sub(r"^(\s*(?:- )?uses: \S+@([0-9a-f]{40}))$",
                  lambda m: f"{m.group(1)}  # {tags[m.group(2)]}", text, flags=re.MULTILINE)
    return HEADER + text
