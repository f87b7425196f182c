"""Property-based fuzzing of POST /predict: malformed bodies never get a 5xx."""

import json

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deploydl.data import FEATURES
from deploydl.serving import create_app
from deploydl.settings import Settings

VALID = {"income": 52_000.0, "debt_ratio": 0.3, "credit_history_years": 7.0,
         "loan_amount": 12_000.0, "employment_years": 4.0, "late_payments": 1, "home_owner": 0}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-10**40, max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12)


@st.composite
def mutated_applicant(draw):
    applicant = dict(VALID)
    for _ in range(draw(st.integers(1, 3))):
        key = draw(st.sampled_from([*FEATURES, "extra", "applicants"]))
        if draw(st.booleans()):
            applicant.pop(key, None)
        else:
            applicant[key] = draw(json_values)
    return applicant


def deep(depth):
    return "[" * depth + "]" * depth


bodies = st.one_of(
    mutated_applicant().map(lambda a: json.dumps(a).encode()),
    st.lists(mutated_applicant(), max_size=3).map(
        lambda items: json.dumps({"applicants": items}).encode()),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.integers(1, 200_000).map(lambda d: deep(d).encode()),
    st.integers(1, 50_000).map(lambda d: ('{"applicants":' * d + "1" + "}" * d).encode()),
    st.binary(max_size=200),
    st.text(max_size=200).map(str.encode),
)


@pytest.fixture(scope="module")
def client(model):
    with TestClient(create_app(model, Settings())) as client:
        yield client


@settings(max_examples=600, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=bodies)
def test_malformed_bodies_never_get_a_5xx(client, body):
    response = client.post("/predict", content=body,
                           headers={"content-type": "application/json"})
    assert response.status_code < 500, (body[:200], response.text[:300])
    if response.status_code == 422:
        assert response.json()["errors"][0]["field"]
