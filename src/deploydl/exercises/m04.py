"""Module 04 (Deployment and integration): deploy a real model on this machine."""

from __future__ import annotations

from typing import Any

from deploydl.exercises.core import Exercise


def _is_packaged(artifact: Any) -> str | None:
    from deploydl.registry import Artifact, ArtifactError, verify

    if not isinstance(artifact, Artifact):
        return (f"store what save_model(...) returns (an Artifact); you gave a "
                f"{type(artifact).__name__}.")
    try:
        verify(artifact.path)
    except ArtifactError as exc:
        return f"the artifact does not verify: {exc}"
    if artifact.version != "1.1.0":
        return (f"the artifact is version {artifact.version}; set model.version = '1.1.0' "
                "before saving, so it does not clash with the model in production.")
    if not artifact.metadata.get("training_data_sha256"):
        return "pass training_data=table, so the artifact records which data made it."
    return None


def _is_reply_from_1_1_0(reply: Any) -> str | None:
    if not isinstance(reply, dict) or not reply.get("predictions"):
        return "store the whole reply of client.predict(applicant) (a dict with predictions)."
    if reply.get("model_version") != "1.1.0":
        return (f"the reply came from model version {reply.get('model_version')}; serve the "
                "artifact you packaged in exercise 04.1.")
    return None


def _is_tight_spec(spec: Any) -> str | None:
    from deploydl.deploy import DeploySpec
    from deploydl.deploy.bundle import cpu_cores

    if not isinstance(spec, DeploySpec):
        return f"build a DeploySpec(cpu=..., memory=...); you gave a {type(spec).__name__}."
    try:
        cores = cpu_cores(spec.cpu)
    except ValueError as exc:
        return str(exc)
    if abs(cores - 1.5) > 1e-9 or spec.memory != "512Mi":
        return (f"you asked for cpu={spec.cpu!r}, memory={spec.memory!r}; the platform team "
                "gives 1.5 cores ('1500m') and 512 MiB ('512Mi').")
    return None


def _blocks_only_the_worse(answer: Any) -> str | None:
    """``answer``: {"min_auc": the learner's bar, "candidate": AUC, "production": AUC}."""
    min_auc, candidate, production = (answer["min_auc"], answer["candidate"],
                                      answer["production"])
    if not isinstance(min_auc, int | float) or isinstance(min_auc, bool):
        return f"give min_auc as a number between 0.5 and 1; you gave {min_auc!r}."
    if min_auc <= candidate:
        return (f"with min_auc={min_auc} the candidate (AUC {candidate:.3f}) still passes: "
                "raise the bar above the candidate's AUC.")
    if min_auc > production:
        return (f"with min_auc={min_auc} the production model (AUC {production:.3f}) would be "
                "blocked too: keep the bar at or below its AUC.")
    return None


EXERCISES = [
    Exercise(id="04.1", title="Package the model as a versioned artifact", checker=_is_packaged,
             hints=("Set model.version = '1.1.0', then call save_model(model, folder, "
                    "training_data=table) and store what it returns.",
                    "artifact = save_model(model, workdir / 'loan-default-1.1.0', "
                    "training_data=table)")),
    Exercise(id="04.2", title="Call the real service", checker=_is_reply_from_1_1_0,
             hints=("The server is running; use client.predict(...) with the applicant dict.",
                    "reply = client.predict(applicant)")),
    Exercise(id="04.3", title="Find the field a rejected request got wrong",
             expected="loan_amount",
             hints=("Read the 422 answer printed above: its 'errors' list names the field.",
                    "Look at errors[0]['field'] in the answer.")),
    Exercise(id="04.4", title="Set the resource limit the platform team gives you",
             checker=_is_tight_spec,
             hints=("Kubernetes writes 1.5 cores as '1500m' and 512 MiB as '512Mi'.",
                    "spec = DeploySpec(cpu='1500m', memory='512Mi')")),
    Exercise(id="04.5", title="Make the gate block the worse model",
             checker=_blocks_only_the_worse,
             hints=("The gate blocks a model whose AUC is below min_auc. Pick a bar between "
                    "the candidate's AUC and production's.",
                    "Any value above the candidate's AUC and at most production's works, "
                    "e.g. 0.70.")),
]
