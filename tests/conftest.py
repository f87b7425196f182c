"""Shared fixtures: small generated data and one trained model per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def nothing_left_running():
    """After the last test of this process (of each pytest-xdist worker too), nothing the tests
    started may still be running or listening: no server thread, child process or port."""
    yield
    import threading

    import psutil

    threads = [t.name for t in threading.enumerate() if t.name.startswith("deploydl-")]
    me = psutil.Process()
    children = [c.cmdline() for c in me.children(recursive=True) if c.is_running()]
    listening = [c.laddr for c in me.net_connections(kind="inet") if c.status == "LISTEN"]
    if threads or children or listening:
        pytest.fail(f"Left running after the tests: threads {threads}, child processes "
                    f"{children}, listening sockets {listening}. Stop what a test starts.")


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


@pytest.fixture
def empty_course(tmp_path, monkeypatch):
    """A course folder with empty notebooks/ and solutions/, made the working folder."""
    for folder in ("notebooks", "solutions"):
        (tmp_path / "course" / folder).mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "course")
    return tmp_path / "course"
