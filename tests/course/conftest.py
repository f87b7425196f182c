"""Fixtures the course tests share."""

from types import SimpleNamespace

import psutil
import pytest

from deploydl.course import doctor as doctor_module


@pytest.fixture
def ample_machine(tmp_path, monkeypatch):
    """16 GB free, 100 GB of disk and no container limit: the test machine's own free memory
    and disk (shared with other test workers) are not what these tests check."""
    monkeypatch.setattr(psutil, "virtual_memory",
                        lambda: SimpleNamespace(available=16 * 10**9, total=32 * 10**9))
    monkeypatch.setattr(doctor_module.shutil, "disk_usage",
                        lambda path: SimpleNamespace(free=100 * 10**9))
    monkeypatch.setattr(doctor_module, "CGROUP", tmp_path / "no_cgroup")
    monkeypatch.setattr(doctor_module, "_jupyterlab_running", lambda: False)
