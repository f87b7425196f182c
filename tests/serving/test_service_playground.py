"""The lesson's request playground (widget logic, no browser) and Module 04's exercises."""

import pytest

from deploydl.exercises.core import FAILED, NOT_ATTEMPTED, PASSED, evaluate
from deploydl.exercises.m04 import EXERCISES
from deploydl.serving import LocalServer
from deploydl.serving.playground import RequestPlayground
from deploydl.serving.server import app_from_artifact
from deploydl.settings import Settings


def test_choosing_a_request_sends_it_and_shows_the_answer(artifact_dir, one_applicant):
    app = app_from_artifact(artifact_dir, Settings(api_key="k"))
    with LocalServer(app) as server:
        playground = RequestPlayground(server.url, one_applicant, api_key="k")
        assert playground.last["status"] == 200  # the first choice is sent at once
        expected = {"A batch of three": 200, "Negative income": 422, "A missing field": 422,
                    "Text where a number goes": 422, "A 2 MB body": 413, "No API key": 401,
                    "A wrong API key": 403}
        for name, status in expected.items():
            playground.choice.value = name
            assert playground.last["status"] == status, name
        assert "<b>403</b> Refused: the API key is wrong." in playground.result.value


EXERCISE = {e.id: e for e in EXERCISES}


def test_packaging_exercise(tmp_path):
    from dataclasses import replace

    from deploydl.data import make_applicants
    from deploydl.exercises.m04 import TRAIN_ROWS, TRAIN_SEED, lab_models
    from deploydl.registry import save_model

    _, model, _ = lab_models()  # the lab's model: the check compares its predictions
    table = make_applicants(TRAIN_ROWS, seed=TRAIN_SEED)
    good = save_model(replace(model, version="1.1.0"), tmp_path / "a", training_data=table)
    unversioned = save_model(model, tmp_path / "b", training_data=table)
    assert evaluate(EXERCISE["04.1"], good).status == PASSED
    assert "set model.version" in evaluate(EXERCISE["04.1"], unversioned).message
    assert evaluate(EXERCISE["04.1"], ...).status == NOT_ATTEMPTED


def test_the_real_service_reply_for_the_labs_applicant_passes(tmp_path):
    """As in the lab: package the model, serve it, send the first holdout applicant."""
    from dataclasses import replace

    from deploydl.data import FEATURES, make_applicants
    from deploydl.exercises.m04 import TRAIN_ROWS, TRAIN_SEED, lab_models
    from deploydl.registry import save_model
    from deploydl.serving import ServiceClient

    holdout, model, _ = lab_models()
    folder = save_model(replace(model, version="1.1.0"), tmp_path / "a",
                        training_data=make_applicants(TRAIN_ROWS, seed=TRAIN_SEED)).path
    app = app_from_artifact(folder, Settings(api_key="k"))
    with LocalServer(app) as server:
        client = ServiceClient(server.url, api_key="k")
        rows = [holdout.iloc[i][list(FEATURES)].to_dict() for i in (0, 1)]
        assert evaluate(EXERCISE["04.2"], client.predict(rows[0])).status == PASSED
        other = evaluate(EXERCISE["04.2"], client.predict(rows[1]))
        assert other.status == FAILED and "another applicant" in other.message


# 04.4 and 04.5 are proven with right and wrong answers in tests/exercises/test_exercises_cases.py.
@pytest.mark.parametrize("exercise, answer, status", [
    ("04.2", {"predictions": [{}], "model_version": "1.1.0"}, FAILED),
    ("04.2", {"predictions": [{}], "model_version": "1.0.0"}, FAILED),
    ("04.3", "loan_amount", PASSED), ("04.3", "income", FAILED),
])
def test_exercise_outcomes(exercise, answer, status):
    assert evaluate(EXERCISE[exercise], answer).status == status
