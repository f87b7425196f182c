import json
import re
from types import SimpleNamespace

import psutil

from deploydl.cli import main
from deploydl.course import doctor as doctor_module


def test_doctor_passes_in_the_course_folder(root, capsys):
    assert main(["doctor", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    for name in ("python", "packages", "torch", "loopback port", "jupyter kernel",
                 "course folders", "memory", "disk"):
        assert f"OK    {name}" in out
    assert re.search(r"OK    memory +\d+\.\d GB free of \d+\.\d GB, the course needs 1\.7 GB", out)
    assert re.search(rf"OK    disk +\d+\.\d GB free in {re.escape(str(root))}", out)


def test_doctor_fails_with_a_reason_and_keeps_checking(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(doctor_module, "REQUIRED_IMPORTS", ("numpy", "no_such_package_xyz"))
    assert main(["doctor", "--root", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "FAIL  packages" in out and "no_such_package_xyz" in out
    assert "FAIL  course folders" in out and "OK    torch" in out


def test_doctor_fails_on_too_little_memory_and_disk(root, monkeypatch, capsys):
    monkeypatch.setattr(psutil, "virtual_memory",
                        lambda: SimpleNamespace(available=900 * 10**6, total=8 * 10**9))
    monkeypatch.setattr(doctor_module.shutil, "disk_usage",
                        lambda path: SimpleNamespace(free=300 * 10**6))
    assert main(["doctor", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert re.search(r"FAIL  memory +0\.9 GB of memory free, the course needs 1\.7 GB \(a "
                     r"lesson and its lab open, and JupyterLab\); close other programs and "
                     r"browser tabs", out)
    assert "close each notebook when you finish it" in out
    assert re.search(rf"FAIL  disk +0\.3 GB free in {re.escape(str(root))}", out)
    assert "the course needs 1.0 GB free in each" in out and "delete or move files" in out
    assert "OK    course folders" in out


def test_memory_need_is_the_largest_lesson_and_lab_with_jupyterlab(root):
    def peaks(name):
        rows = json.loads((root / "benchmarks" / "results" / name).read_text())["results"]
        return {row["name"]: row["peak_rss_mib"] for row in rows}

    lessons, labs = peaks("notebook_resources.json"), peaks("notebook_resources_labs.json")
    server = lessons.pop("jupyterlab server (idle)")
    pairs = {lesson: peak + labs[f"solutions/{lesson.split('/')[1][:-6]}_lab.ipynb"]
             for lesson, peak in lessons.items()}
    assert len(pairs) == 9
    assert max(pairs.values()) + server == doctor_module.MEMORY_NEED_MIB
