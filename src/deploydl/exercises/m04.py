"""Module 04 (Deployment and integration): deploy a real model on this machine."""

from __future__ import annotations

import math
from functools import cache
from typing import TYPE_CHECKING, Any

from deploydl.exercises.core import FLOAT32_TOL, Exercise, as_list, as_number, brief, form

if TYPE_CHECKING:
    from deploydl.deploy.gates import GateResult


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


#: Exercise 04.1's word to a learner who edited ``artifact.metadata`` after saving.
_IN_MEMORY = ("editing artifact.metadata changes only your copy in memory, not the folder a "
              "server loads")
#: Exercise 04.1: how to redo a save (save_model refuses a folder that holds another artifact).
_SAVE_AGAIN = ("Its folder now holds this try: delete it first (shutil.rmtree(artifact.path)), "
               "then save again.")


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


def _whose_score(given: float, scored: float) -> str:
    """Why a whole reply of version 1.1.0 gives ``given``, not the lab model's score for
    `applicant` (``scored``): the lab's model gives ``given`` to another applicant of the
    holdout, or the service serves another model under that version."""
    holdout, model, _ = lab_models()
    gaps = abs(model.predict_proba(holdout) - given)
    row = int(gaps.argmin())
    if gaps[row] <= SAME_SCORE_TOL:
        return (f"this reply scores another applicant (row {row} of the holdout; `applicant` "
                "is its first row): send `applicant` as it is: client.predict(applicant).")
    return (f"this reply's probability_of_default ({given:g}) is not what the lab's model "
            f"gives `applicant` ({scored:.6f}), nor any other applicant of the holdout: "
            "unless you changed `applicant`, the service is serving another model as "
            "version 1.1.0. Once 04.1 passes, run the cell that starts the service again (it "
            "then serves your artifact), and store reply = client.predict(applicant).")


def _missing_fields(reply: dict) -> list[str]:
    """The fields that every reply of the service's /predict carries
    (:class:`~deploydl.serving.schemas.PredictResponse`, each prediction a
    :class:`~deploydl.serving.schemas.Prediction`) that ``reply`` lacks."""
    from deploydl.serving.schemas import Prediction, PredictResponse

    first = reply["predictions"][0]
    return ([name for name in PredictResponse.model_fields if name not in reply]
            + [f"predictions[0]['{name}']" for name in Prediction.model_fields
               if name not in first])


#: The lab's world: the model's training rows, the applicants both gates are measured on,
#: and the candidate trained on far too little data (exercise 04.5).
TRAIN_ROWS, TRAIN_SEED, EPOCHS, HOLDOUT_ROWS, HOLDOUT_SEED = 3000, 7, 6, 2000, 8
WEAK_ROWS, WEAK_SEED, WEAK_EPOCHS = 300, 9, 2
#: The lab's model scores the same applicant the same, give or take float rounding (the
#: service rounds to 6 places); another model or another applicant differs far more.
PREDICTION_TOL = 1e-3
#: The lab's model scores a holdout row the same in a reply (rounded to 6 places) as in the
#: check, to within this; the chance that another model's score falls this close to one of
#: the 2,000 rows' is under 1%.
SAME_SCORE_TOL = 2e-6
#: Exercise 04.4: the thresholds risk proposes (approve below this chance of default).
PROPOSED_THRESHOLDS = (0.20, 0.25, 0.30, 0.35)
#: Exercise 04.3: the field the rejected request got wrong.
FIELD = "loan_amount"


@cache
def lab_models():
    """(holdout, the lab's model, the weak candidate): rebuilt exactly as the lab builds them."""
    import torch

    from deploydl.data import make_applicants
    from deploydl.models import train_applicant_model

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the lab does, so the weights are the lab's
    try:
        model = train_applicant_model(make_applicants(TRAIN_ROWS, seed=TRAIN_SEED), seed=0,
                                      epochs=EPOCHS)
        weak = train_applicant_model(make_applicants(WEAK_ROWS, seed=WEAK_SEED), seed=0,
                                     epochs=WEAK_EPOCHS)
    finally:
        torch.set_num_threads(threads)
    return make_applicants(HOLDOUT_ROWS, seed=HOLDOUT_SEED), model, weak


@cache
def _gate_results() -> dict[float, list[GateResult]]:
    """The lab model's gates (:func:`~deploydl.deploy.gates.run_gates`) at each proposed
    threshold, run once."""
    from deploydl.deploy.gates import run_gates

    holdout, model, _ = lab_models()
    return {t: run_gates(model, holdout, threshold=t) for t in PROPOSED_THRESHOLDS}


def release_gates() -> dict[float, list[str]]:
    """For each proposed threshold, the names of the gates that block the release."""
    return {t: [g.gate for g in results if not g.passed]
            for t, results in _gate_results().items()}


def release_verdicts() -> dict[float, str]:
    """For each proposed threshold, what the gates command would do with the release:
    "blocked" (exit 1), "review" (every gate passes, but one is too close to call: exit 3, it
    waits for a fairness review) or "ship" (every gate passes clearly: exit 0)."""
    from deploydl.deploy.gates import EXIT_BLOCKED, EXIT_TOO_CLOSE, exit_code

    words = {EXIT_BLOCKED: "blocked", EXIT_TOO_CLOSE: "review"}
    return {t: words.get(exit_code(results), "ship") for t, results in _gate_results().items()}


_JUDGED = {"review_at": ("review", "passes only as too close to call, so it waits for a "
                                   "fairness review"),
           "ship_at": ("ship", "passes every gate clearly")}


def _proposed(value: Any) -> float | None:
    """The proposed threshold that ``value`` names (a float32 0.35 names 0.35), else None."""
    given = as_number(value)  # torch.tensor(0.35) too, what computing with torch gives
    if given is None:
        return None
    nearest = min(PROPOSED_THRESHOLDS, key=lambda t: abs(t - given))
    return nearest if math.isclose(given, nearest, abs_tol=FLOAT32_TOL) else None


def _strictest(answer: Any, key: str) -> str | None:
    """The message when ``answer[key]`` is not the strictest proposed threshold whose verdict
    is ``_JUDGED[key]``, else None."""
    wanted, says = _JUDGED[key]
    verdicts = release_verdicts()
    given = _proposed(answer[key])
    if given is None:
        one_of_many = getattr(answer[key], "shape", ()) == (1,)  # np.array([0.25]) and kin
        return form(f"{key} should be one of the proposed thresholds {PROPOSED_THRESHOLDS}; "
                    f"you gave {brief(answer[key])}"
                    f"{': take the number it holds with .item()' if one_of_many else ''}.")
    verdict = verdicts[given]
    if verdict != wanted:
        told = {"blocked": "a gate blocks the release",
                "review": "every gate passes, but the fairness gate says too close to call: "
                          "the release waits for a review",
                "ship": "every gate passes clearly, with no review needed"}[verdict]
        return (f"{key}: at {given:.2f} {told}; {key} is the strictest threshold that "
                f"{says}. Read each fairness line's reason.")
    if given != min(t for t in PROPOSED_THRESHOLDS if verdicts[t] == wanted):
        return (f"{key}: {given:.2f} {says}, but a stricter threshold does too and lets "
                "fewer bad loans through.")
    return None


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


def _aucs() -> dict[str, float]:
    from deploydl.evaluation.metrics import roc_auc

    holdout, model, weak = lab_models()
    return {name: roc_auc(holdout["default"], m.predict_proba(holdout))
            for name, m in (("production", model), ("candidate", weak))}


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


#: Exercise 04.6: what goes wrong, and the letter of the setting that protects against it.
INCIDENTS = {
    1: ("Applications triple on Monday morning.", "D"),
    2: ("A copy's process is alive but stuck: it has answered nothing for two minutes and "
        "will not recover by itself.", "B"),
    3: ("The platform team drains two machines for patching on a Sunday night.", "E"),
    4: ("A new copy is still loading its model when requests start to arrive.", "A"),
    5: ("Another team's app, in another namespace of the cluster, starts calling /predict.",
        "F"),
    6: ("A memory leak in one copy would starve everything else on its machine.", "C"),
}
#: Exercise 04.6: what each incident needs of a setting, told (with what the chosen setting
#: does) to a learner who picked the wrong one; none of the other settings does it.
_INCIDENT_NEEDS = {
    1: "runs more copies while the load is high",
    2: "restarts a copy that has stopped answering",
    3: "stops maintenance from taking down many copies at once",
    4: "sends a copy no requests until it is ready to answer them",
    5: "keeps out callers from other teams' namespaces",
    6: "stops one copy from taking its machine's memory",
}
#: What each setting of :func:`manifest_settings` does. G protects against none of the
#: incidents: it is there for an attacker in a container.
_SETTING_DOES = {
    "A": "decides which copies get new requests (those that answer its check)",
    "B": "restarts a copy that missed its health check that many times in a row",
    "C": "caps the CPU and memory one copy may use",
    "D": "adds copies when their CPU is busy",
    "E": "limits how many copies planned maintenance may stop at once",
    "F": "decides who may connect to the copies",
    "G": "keeps a process that got into the container from changing its files or gaining "
         "privileges",
}


def manifest_settings(k8s_yaml: str) -> dict[str, str]:
    """Exercise 04.6's options, read from the rendered ``k8s.yaml``: each letter's setting
    with its values, as a platform engineer would see them in review."""
    import yaml

    kinds = {doc["kind"]: doc for doc in yaml.safe_load_all(k8s_yaml)}
    pod = kinds["Deployment"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    ready, alive = container["readinessProbe"], container["livenessProbe"]
    limits, scaler = container["resources"]["limits"], kinds["HorizontalPodAutoscaler"]["spec"]
    cpu = scaler["metrics"][0]["resource"]["target"]["averageUtilization"]
    ingress = kinds["NetworkPolicy"]["spec"]["ingress"]
    sources = [_ingress_source(rule["from"][0]) for rule in ingress]
    return {
        "A": f"readinessProbe: GET {ready['httpGet']['path']} every {ready['periodSeconds']} s, "
             f"{ready['failureThreshold']} misses",
        "B": f"livenessProbe: GET {alive['httpGet']['path']} every {alive['periodSeconds']} s, "
             f"{alive['failureThreshold']} misses",
        "C": f"resources.limits: cpu {limits['cpu']}, memory {limits['memory']} per copy",
        "D": f"HorizontalPodAutoscaler: {scaler['minReplicas']} to {scaler['maxReplicas']} "
             f"copies, target {cpu}% CPU",
        "E": "PodDisruptionBudget: maxUnavailable "
             f"{kinds['PodDisruptionBudget']['spec']['maxUnavailable']}",
        "F": f"NetworkPolicy: connections only from {' and '.join(sources)}",
        "G": f"securityContext: runAsNonRoot {pod['securityContext']['runAsNonRoot']}, "
             f"readOnlyRootFilesystem {container['securityContext']['readOnlyRootFilesystem']}",
    }


def _ingress_source(source: dict) -> str:
    """A NetworkPolicy ingress source in words: this namespace's pods, or a namespace."""
    if "namespaceSelector" in source:
        labels = source["namespaceSelector"]["matchLabels"]
        return f"the {labels['kubernetes.io/metadata.name']} namespace"
    return "pods in its own namespace"


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
    letters = {n: v.strip().upper() for n, v in given.items()}
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
