"""How Module 04's checks read a learner's answer and what they tell: the words for a save
that needs redoing (04.1), whose score a reply holds and which fields it lacks (04.2), and
which proposed threshold a number names and whether it is the strictest with its verdict
(04.4). Module 04's checks (``m04``) call these.
"""

from __future__ import annotations

from typing import Any

from deploydl.exercises.core import as_number, brief, form, same_number
from deploydl.exercises.m04_lab_models import (
    PROPOSED_THRESHOLDS,
    SAME_SCORE_TOL,
    lab_models,
    release_verdicts,
)

#: Exercise 04.1's word to a learner who edited ``artifact.metadata`` after saving.
_IN_MEMORY = ("editing artifact.metadata changes only your copy in memory, not the folder a "
              "server loads")
#: Exercise 04.1: how to redo a save (save_model refuses a folder that holds another artifact).
_SAVE_AGAIN = ("Its folder now holds this try: delete it first (shutil.rmtree(artifact.path)), "
               "then save again.")


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


_JUDGED = {"review_at": ("review", "passes only as too close to call, so it waits for a "
                                   "fairness review"),
           "ship_at": ("ship", "passes every gate clearly")}


def _proposed(value: Any) -> float | None:
    """The proposed threshold that ``value`` names (a float32 0.35 names 0.35), else None."""
    given = as_number(value)  # torch.tensor(0.35) too, what computing with torch gives
    if given is None:
        return None
    nearest = min(PROPOSED_THRESHOLDS, key=lambda t: abs(t - given))
    return nearest if same_number(given, nearest) else None


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
