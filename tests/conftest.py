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
def reveal_cache() -> Path:
    """The cached reveal.js package the decks need, fetched once from the npm registry.

    Without the registry (and no cached copy) the slide tests skip, except under CI.
    """
    import os

    from deploydl.settings import get_settings
    from deploydl.slides import SlidesError, reveal_tarball

    cache = get_settings().home / "assets"
    try:
        reveal_tarball(cache=cache)
    except SlidesError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(str(exc))
        pytest.skip(f"reveal.js is not cached and cannot be fetched: {exc}")
    return cache


@pytest.fixture(scope="session")
def artifact_dir(model, applicants, tmp_path_factory) -> Path:
    """The session's model saved once as a verified artifact folder (Module 04)."""
    from deploydl.registry import save_model

    return save_model(model, tmp_path_factory.mktemp("artifact") / "loan-default",
                      training_data=applicants).path
