"""Shared fixtures: small generated data and one trained model per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def applicants():
    from deploydl.data import make_applicants

    return make_applicants(2000, seed=0)


@pytest.fixture(scope="session")
def model(applicants):
    from deploydl.models import train_applicant_model

    return train_applicant_model(applicants, seed=0, epochs=5)


@pytest.fixture
def one_applicant(applicants) -> dict:
    from deploydl.data import FEATURES

    return applicants.iloc[0][list(FEATURES)].to_dict()


@pytest.fixture(scope="session")
def artifact_dir(model, applicants, tmp_path_factory) -> Path:
    """The session's model saved once as a verified artifact folder (Module 04)."""
    from deploydl.registry import save_model

    return save_model(model, tmp_path_factory.mktemp("artifact") / "loan-default",
                      training_data=applicants).path
