"""Module 00 (Welcome): three warm-up exercises with the live service."""

from __future__ import annotations

from typing import Any

from deploydl.exercises.core import Exercise


def _is_service_reply(reply: Any) -> str | None:
    if not isinstance(reply, dict):
        return (f"store the whole reply of client.predict(...) (a dict); you gave a "
                f"{type(reply).__name__}.")
    predictions = reply.get("predictions")
    if not isinstance(predictions, list) or len(predictions) != 1:
        return "the reply should hold exactly one prediction: send one applicant (a dict)."
    probability = predictions[0].get("probability_of_default")
    if not isinstance(probability, float) or not 0.0 <= probability <= 1.0:
        return "the reply has no probability_of_default between 0 and 1."
    if "model_version" not in reply:
        return "the reply has no model_version: did it come from the service?"
    return None


EXERCISES = [
    Exercise(
        id="00.1", title="Score a changed applicant over HTTP",
        checker=_is_service_reply,
        hints=("Copy the applicant with a new income, e.g. dict(applicant, income=120_000), "
               "then send it with client.predict(...) and store the reply.",
               "reply = client.predict(dict(applicant, income=120_000))"),
    ),
    Exercise(
        id="00.2", title="Read the health check",
        expected="ok",
        hints=("Call client.health(); it returns a dict. Which value does its 'status' key hold?",
               "status = client.health()['status']"),
    ),
    Exercise(
        id="00.3", title="What does a probability of 0.12 mean?",
        expected="B",
        hints=("A model gives odds for people like this applicant, not a verdict about one "
               "person. Which option talks about many similar applicants?",),
    ),
]
