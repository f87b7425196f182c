"""Module 04 (Deployment and integration): deploy a real model on this machine.

The checks are here; the lab's world rebuilt (its data, models, gates and AUCs) is in
``m04_lab_models``, the readers of an answer and the words the checks tell in
``m04_readers``, and exercise 04.6's incidents and manifest settings in ``m04_incidents``.
"""

from __future__ import annotations

from typing import Any

from deploydl.exercises.core import Exercise, as_list, as_number, brief, choice_letter, form
from deploydl.exercises.m04_incidents import (
    _INCIDENT_NEEDS,
    _SETTING_DOES,
    INCIDENTS,
    manifest_settings,
)
from deploydl.exercises.m04_lab_models import (
    PREDICTION_TOL,
    PROPOSED_THRESHOLDS,
    TRAIN_ROWS,
    TRAIN_SEED,
    _aucs,
    _gate_results,
    lab_models,
    release_gates,
    release_verdicts,
)
from deploydl.exercises.m04_readers import (
    _IN_MEMORY,
    _SAVE_AGAIN,
    _missing_fields,
    _strictest,
    _whose_score,
)

__all__ = ["EXERCISES", "FIELD", "INCIDENTS", "PROPOSED_THRESHOLDS", "TRAIN_ROWS", "TRAIN_SEED",
           "lab_models", "manifest_settings", "release_gates", "release_verdicts"]


def _is_packaged(artifact: Any) -> str | None:
    """Judged on the folder on disk, as :func:`~deploydl.registry.verify` reads it: that is
    what a server loads, while ``artifact.metadata`` is the learner's copy, which a cell can
    change after saving."""
    from deploydl.data import make_applicants
    from deploydl.registry import Artifact, ArtifactError, data_hash, load_model, verify

    if not isinstance(artifact, Artifact):
        return form(f"store what save_model(...) returns (an Artifact); you gave a "
                    f"{type(artifact).__name__}.")
    try:
        on_disk = verify(artifact.path)
    except ArtifactError as exc:
        return f"the artifact does not verify: {exc}"
    edited = artifact.metadata != on_disk.metadata
    if on_disk.version != "1.1.0":
        said = (f"the folder on disk still says version {on_disk.version} ({_IN_MEMORY})"
                if edited else f"the artifact is version {on_disk.version}")
        return (f"{said}; set model.version = '1.1.0' before saving, so it does not clash "
                f"with the model in production. {_SAVE_AGAIN}")
    recorded = on_disk.metadata.get("training_data_sha256")
    if not recorded:
        return "pass training_data=table, so the artifact records which data made it."
    if recorded != data_hash(make_applicants(TRAIN_ROWS, seed=TRAIN_SEED)):
        said = (f"the folder on disk still records other training data ({_IN_MEMORY})"
                if edited else "the artifact records other training data than the model's")
        return (f"{said}: pass training_data=table, the table the model was trained on (not "
                f"the holdout). {_SAVE_AGAIN}")
    holdout, model, _ = lab_models()
    saved = load_model(artifact.path).predict_proba(holdout)
    if float(abs(saved - model.predict_proba(holdout)).max()) > PREDICTION_TOL:
        return ("the artifact holds another model than the lab's `model`: package the model "
                "the first cell trained on `table`.")
    if edited:
        return ("the folder on disk is right, but artifact.metadata no longer says what it "
                f"holds ({_IN_MEMORY}): store what save_model(...) returns, unedited.")
    return None


def _is_reply_from_1_1_0(reply: Any) -> str | None:
    if not isinstance(reply, dict) or not isinstance(reply.get("predictions"), list) or not (
            reply["predictions"]):
        return form("store the whole reply of client.predict(applicant) (a dict with "
                    "predictions).")
    if not isinstance(reply.get("model_version"), str) or reply["model_version"] != "1.1.0":
        return (f"the reply came from model version {reply.get('model_version')}; serve the "
                "artifact you packaged in exercise 04.1.")
    if len(reply["predictions"]) != 1:
        return (f"the reply scores {len(reply['predictions'])} applicants; send only "
                "`applicant`, the one the exercise gives: client.predict(applicant).")
    first = reply["predictions"][0]
    given = as_number(first.get("probability_of_default")) if isinstance(first, dict) else None
    if given is None:
        return form("store the reply exactly as client.predict(applicant) returns it.")
    missing = _missing_fields(reply)
    if missing:
        return (f"this reply has no {', '.join(missing)}, which every reply of the service "
                "has: store the whole reply of client.predict(applicant) as it comes back, "
                "not one built by hand.")
    holdout, model, _ = lab_models()
    scored = float(model.predict_proba(holdout.iloc[[0]])[0])
    if abs(given - scored) <= PREDICTION_TOL:
        return None
    if any(given == round(scored, places) for places in range(1, 6)):
        return (f"the probability_of_default was rounded ({given:g}): store the reply as "
                "the service sent it, reply = client.predict(applicant), and round only "
                "what you print.")
    return _whose_score(given, scored)


#: Exercise 04.3: the field the rejected request got wrong.
FIELD = "loan_amount"


def _is_gate_judgement(answer: Any) -> str | None:
    keys = {"blocked_by", "review_at", "ship_at"}
    if not isinstance(answer, dict) or set(answer) != keys:
        return form("give a dict {'blocked_by': [gates that block 0.20], 'review_at': the "
                    "strictest threshold that passes only as too close to call, 'ship_at': "
                    f"the strictest that passes clearly}}; you gave {brief(answer)}.")
    blocked = as_list(answer["blocked_by"])  # np.array(["fairness"]) is the list it holds
    blocked = [blocked] if isinstance(blocked, str) else blocked
    if not isinstance(blocked, list | tuple | set) or not all(
            isinstance(g, str) for g in blocked):
        return form("blocked_by should be a list of gate names, e.g. ['evaluation'], or [] if "
                    "none.")
    gates = release_gates()
    first = PROPOSED_THRESHOLDS[0]
    names = list(dict.fromkeys(g.gate for g in _gate_results()[first]))
    unknown = [g for g in blocked if g.strip().lower() not in names]
    if unknown:
        return form(f"{brief(unknown[0])} is not one of the gates: they are {names}. List "
                    f"in blocked_by the names of those that block at {first:.2f}.")
    if sorted(g.strip().lower() for g in blocked) != sorted(gates[first]):
        return (f"at {first:.2f} the gates that block are not {sorted(blocked)}: compare each "
                "measured value with its limit.")
    return _strictest(answer, "review_at") or _strictest(answer, "ship_at")


def _blocks_only_the_worse(answer: Any) -> str | None:
    """The lab's gate compares the exact AUCs (``aucs``); it prints them rounded to 3 places."""
    min_auc = as_number(answer)
    if min_auc is None or not 0 < min_auc <= 1:
        return form(f"give min_auc as a number between 0.5 and 1; you gave {brief(answer)}.")
    aucs = _aucs()
    candidate = aucs["candidate"]
    if min_auc <= candidate:  # the gate passes an AUC at or above its bar
        return (f"with min_auc={min_auc} the candidate (AUC {candidate:.3f}, exactly "
                f"aucs['candidate'] = {candidate!r}) still passes: raise the bar above it.")
    if min_auc > aucs["production"]:
        return (f"with min_auc={min_auc} the production model would be blocked too: the gate "
                "compares exact AUCs, and production's is "
                f"aucs['production'] = {aucs['production']!r} (printed rounded to 3 places as "
                f"{aucs['production']:.3f}): keep the bar at or below it.")
    return None


def _names_the_field(answer: Any) -> str | None:
    """Right when the answer is the field's name, ignoring spaces, colons and quotes at either
    end (copied from the printed ``422 loan_amount: ...`` with its colon, it still counts)."""
    if not isinstance(answer, str):
        return form(f"the answer should be text (a str), you gave {brief(answer)}.")
    if answer.strip(" \t\n:'\"`").lower() == FIELD:
        return None
    return (f"you gave {brief(answer)}: store the field's name, the word between the status "
            "and the colon in the printed line.")


def _protects_against(answer: Any) -> str | None:
    if not isinstance(answer, dict):
        return form("give a dict from each incident's number to a letter, e.g. {1: 'A', 2: "
                    f"'B', ...}}; you gave {brief(answer)}.")
    given = {str(k).strip(): v for k, v in answer.items()}
    if len(given) < len(answer):
        return form("each incident once: some of your keys are the same number written two "
                    f"ways (1 and '1'); you gave the keys {brief(list(answer))}.")
    numbers = [str(n) for n in INCIDENTS]
    if sorted(given) != sorted(numbers):
        return form(f"give a letter for each incident, numbered {', '.join(numbers)}, and "
                    f"nothing else; you gave the keys {sorted(given)}.")
    odd = sorted(n for n, v in given.items() if not isinstance(v, str))
    if odd:
        return form(f"each answer is one letter, as text ('A' to 'G'); incident {odd[0]} has "
                    f"{brief(given[odd[0]])}.")
    letters = {n: choice_letter(v) or v.strip().upper() for n, v in given.items()}  # "(D)" is D
    odd = sorted(n for n, v in letters.items() if v not in _SETTING_DOES)
    if odd:
        return form(f"each answer is one letter from A to G; incident {odd[0]} has "
                    f"{brief(given[odd[0]])}.")
    wrong = [n for n, (_, right) in INCIDENTS.items() if letters[str(n)] != right]
    if not wrong:
        return None
    first, chosen = wrong[0], letters[str(wrong[0])]
    verb = "is" if len(wrong) == 1 else "are"
    return (f"{len(wrong)} of {len(INCIDENTS)} {verb} not yet right. Incident {first}, "
            f"\"{INCIDENTS[first][0]}\": {chosen} {_SETTING_DOES[chosen]}, but this incident "
            f"needs a setting that {_INCIDENT_NEEDS[first]}, which {chosen} does not do.")


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
             checker=_names_the_field,
             hints=("Read the 422 answer printed above: its detail starts with the field's name.",
                    "The printed line is the status (422), the field's name, a colon, then "
                    "what is wrong. Store that name as text: field = \"...\"")),
    Exercise(id="04.4", title="Does the stricter release pass its gates?",
             checker=_is_gate_judgement,
             hints=("A gate blocks when its measured value is below its limit. A fairness line "
                    "whose reason ends \"too close to call\" passes, but its 95% range "
                    "reaches below the limit, so the release waits for a person's review.",
                    "List the gates that fail at 0.20; review_at is the lowest t that passes "
                    "only as too close to call, ship_at the lowest t that passes with no "
                    "\"too close to call\".")),
    Exercise(id="04.5", title="Make the gate block the worse model",
             checker=_blocks_only_the_worse,
             hints=("The gate blocks a model whose AUC is below min_auc. Pick a bar between "
                    "the candidate's AUC and production's.",
                    "Any value above the candidate's AUC and at most production's exact AUC "
                    "(aucs holds them unrounded) works, e.g. 0.70.")),
    Exercise(id="04.6", title="What each manifest setting protects against",
             checker=_protects_against,
             hints=("Ask of each setting what it does: hold back requests, restart a copy, "
                    "cap one copy, add copies, limit what maintenance stops, or limit who may "
                    "connect. Readiness and liveness are the pair people mix up.",
                    "One setting protects against none of the six incidents: it is there for "
                    "an attacker who gets into a container.")),
]
