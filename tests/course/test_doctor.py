import os
import re
import sys
from types import SimpleNamespace

import psutil
import pytest
from measured import peak_rss_mib

from deploydl.cli import main
from deploydl.course import doctor as doctor_module


def fake_cgroup(folder, files):
    """A cgroup folder holding ``files`` (relative name: content)."""
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def test_doctor_passes_in_the_course_folder(root, capsys, ample_machine):
    assert main(["doctor", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    for name in ("python", "packages", "torch", "loopback port", "jupyter kernel",
                 "course folders", "memory", "disk", "settings"):
        assert f"OK    {name}" in out
    assert re.search(r"OK    memory +16\.0 GB free of 32\.0 GB, the course needs 2\.0 GB", out)
    assert re.search(rf"OK    disk +100\.0 GB free in {re.escape(str(root))}", out)
    rows = [line.split()[1] for line in out.splitlines()[1:4]]
    assert rows == ["python", "memory", "disk"]  # before the imports swell the doctor


def test_doctor_fails_with_a_reason_and_keeps_checking(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(doctor_module, "REQUIRED_IMPORTS", ("numpy", "no_such_package_xyz"))
    assert main(["doctor", "--root", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "FAIL  packages" in out and "no_such_package_xyz" in out
    assert "FAIL  course folders" in out and "OK    torch" in out


def test_doctor_names_a_course_folder_that_does_not_exist_once(tmp_path, capsys, monkeypatch,
                                                               ample_machine):
    def disk_usage(path):  # as shutil's: a folder that does not exist raises
        os.stat(path)
        return SimpleNamespace(free=100 * 10**9)

    monkeypatch.setattr(doctor_module.shutil, "disk_usage", disk_usage)
    typo = tmp_path / "cuorse"
    assert main(["doctor", "--root", str(typo)]) == 1
    out = capsys.readouterr().out
    assert f"FAIL  course folders  no such folder: {typo}; run doctor in the course folder " \
           "(or pass --root)" in out
    assert re.search(r"OK    disk +100\.0 GB free in ", out) and str(typo) not in \
        out.split("OK    disk")[1].splitlines()[0]
    assert "1 check(s) failed" in out


def test_doctor_fails_on_too_little_memory_and_disk(root, monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(doctor_module, "CGROUP", tmp_path / "no_cgroup")
    monkeypatch.setattr(psutil, "virtual_memory",
                        lambda: SimpleNamespace(available=900 * 10**6, total=8 * 10**9))
    monkeypatch.setattr(doctor_module.shutil, "disk_usage",
                        lambda path: SimpleNamespace(free=300 * 10**6))
    assert main(["doctor", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert re.search(r"FAIL  memory +0\.9 GB of memory free, the course needs 2\.0 GB \(a "
                     r"lesson and its lab open, and JupyterLab\); close the notebooks open now "
                     r"\(their kernels count as used\), other programs and browser tabs", out)
    assert "on the day, close each notebook when you finish it" in out
    assert re.search(rf"FAIL  disk +0\.3 GB free in {re.escape(str(root))}", out)
    assert "the course needs 1.0 GB free in each" in out and "delete or move files" in out
    assert "OK    course folders" in out


def test_a_blocked_loopback_port_and_a_missing_kernel_say_what_to_do(root, monkeypatch,
                                                                    capsys, ample_machine):
    import errno

    from jupyter_client import kernelspec

    def no_port():
        raise OSError(errno.EADDRNOTAVAIL, "Cannot assign requested address")

    def no_kernel(**kwargs):
        raise kernelspec.NoSuchKernel("python3")

    monkeypatch.setattr("deploydl.serving.process.free_port", no_port)
    monkeypatch.setattr("jupyter_client.manager.start_new_kernel", no_kernel)
    assert main(["doctor", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert ("FAIL  loopback port   cannot open a port on 127.0.0.1 (Cannot assign requested "
            "address); the lessons' servers listen there: allow local connections") in out
    assert re.search(r"FAIL  jupyter kernel +the python3 kernel did not start \(NoSuchKernel: "
                     r".*\); reinstall the kernel into the course's \.venv: `\.venv/bin/python "
                     r"-m pip install --force-reinstall --no-deps ipykernel`", out)
    assert "2 check(s) failed" in out


def test_a_wrong_deploydl_setting_fails_the_doctor_naming_it(root, monkeypatch, capsys,
                                                            ample_machine):
    """What stops `deploydl serve` and lesson 00's create_app is a FAIL row, not "ready"."""
    monkeypatch.setenv("DEPLOYDL_PORT", "abc")
    assert main(["doctor", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert ("FAIL  settings        the environment sets a DEPLOYDL_* variable wrongly: "
            "DEPLOYDL_PORT='abc': input should be a valid integer, unable to parse string as "
            "an integer. Unset it (the default then applies) or give it a valid value, then "
            "run doctor again.") in out
    assert "1 check(s) failed" in out


def test_the_settings_row_names_each_wrong_variable(monkeypatch):
    monkeypatch.setenv("DEPLOYDL_PORT", "-1")
    monkeypatch.setenv("DEPLOYDL_MAX_BATCH", "0")
    with pytest.raises(RuntimeError, match=r"DEPLOYDL_PORT='-1': input should be greater than "
                       r"or equal to 0; DEPLOYDL_MAX_BATCH='0': input should be greater than 0\. "
                       r"Unset each \(the default then applies\) or give each a valid value"):
        doctor_module._settings()


def test_the_settings_row_is_ok_with_valid_variables_or_none(monkeypatch):
    assert doctor_module._settings() == "no DEPLOYDL_* variable set: the defaults apply"
    monkeypatch.setenv("DEPLOYDL_PORT", "8080")
    monkeypatch.setenv("DEPLOYDL_API_KEY", "s3cret")
    monkeypatch.setenv("DEPLOYDL_CHECKOV", "1")  # not a setting: a test run's own switch
    detail = doctor_module._settings()
    assert detail == "DEPLOYDL_API_KEY, DEPLOYDL_PORT set and valid" and "s3cret" not in detail


def test_memory_need_is_the_largest_lesson_and_lab_with_jupyterlab():
    peaks = peak_rss_mib()
    server = peaks.pop("jupyterlab server (idle)")
    pairs = {lesson: peak + peaks[f"solutions/{lesson.split('/')[1][:-6]}_lab.ipynb"]
             for lesson, peak in peaks.items() if lesson.startswith("notebooks/")}
    assert len(pairs) == 9
    assert max(pairs.values()) + server == doctor_module.MEMORY_NEED_MIB


@pytest.mark.parametrize("files", [
    {"memory.max": "2147483648\n", "memory.current": "1073741824\n"},
    {"memory/memory.limit_in_bytes": "2147483648\n",
     "memory/memory.usage_in_bytes": "1073741824\n"},
], ids=["cgroup v2", "cgroup v1"])
def test_memory_counts_the_container_limit(tmp_path, monkeypatch, files, ample_machine):
    monkeypatch.setattr(doctor_module, "CGROUP", fake_cgroup(tmp_path / "cg", files))
    with pytest.raises(RuntimeError, match=r"^1\.1 GB of memory free under this container's "
                       r"memory limit, the course needs 2\.0 GB .*this container's limit cannot "
                       r"hold a lesson and its lab together: on the day, close each lesson "
                       r"before you open its lab\.$"):
        doctor_module._memory()


def test_memory_names_the_container_limit_when_it_is_smaller(tmp_path, monkeypatch,
                                                             ample_machine):
    files = {"memory.max": f"{4 * 10**9}\n", "memory.current": f"{10**9}\n"}
    monkeypatch.setattr(doctor_module, "CGROUP", fake_cgroup(tmp_path / "cg", files))
    assert doctor_module._memory() == (
        "3.0 GB free under this container's memory limit (the machine has 16.0 GB free), the "
        "course needs 2.0 GB (a lesson and its lab open, and JupyterLab; 1 GB = 10^9 bytes)")


def test_memory_counts_a_running_jupyterlab_once(tmp_path, monkeypatch, ample_machine):
    """On Binder's 2 GiB, JupyterLab is running and already in the memory used: the course then
    needs only the lesson and its lab on top."""
    files = {"memory.max": f"{2 * 1024**3}\n", "memory.current": f"{180 * 1024**2}\n"}
    monkeypatch.setattr(doctor_module, "CGROUP", fake_cgroup(tmp_path / "cg", files))
    with pytest.raises(RuntimeError, match=r"needs 2\.0 GB \(a lesson and its lab open, and "):
        doctor_module._memory()
    monkeypatch.setattr(doctor_module, "_jupyterlab_running", lambda: True)
    assert doctor_module._memory() == (
        "2.0 GB free under this container's memory limit (the machine has 16.0 GB free), the "
        "course needs 1.8 GB (a lesson and its lab open; JupyterLab, already running, is "
        "counted as used; 1 GB = 10^9 bytes)")


def test_a_jupyter_server_counts_as_running_while_its_process_lives(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path))
    assert not doctor_module._jupyterlab_running()
    dead = psutil.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / f"jpserver-{dead.pid}.json").write_text("{}")
    (tmp_path / f"jpserver-{os.getpid()}-open.html").write_text("")  # not a server's info
    assert not doctor_module._jupyterlab_running()
    (tmp_path / f"jpserver-{os.getpid()}.json").write_text("{}")
    assert doctor_module._jupyterlab_running()


@pytest.mark.parametrize("files", [
    {"memory.max": "max\n", "memory.current": "1073741824\n"},
    {"memory/memory.limit_in_bytes": "9223372036854771712\n",
     "memory/memory.usage_in_bytes": "1073741824\n"},
    {"memory.max": f"{64 * 10**9}\n", "memory.current": f"{10**9}\n"},
], ids=["v2 no limit", "v1 no limit", "limit above the machine's free memory"])
def test_memory_ignores_an_absent_or_larger_limit(tmp_path, monkeypatch, files, ample_machine):
    monkeypatch.setattr(doctor_module, "CGROUP", fake_cgroup(tmp_path / "cg", files))
    assert doctor_module._memory().startswith("16.0 GB free of 32.0 GB")


@pytest.mark.parametrize("files", [
    {"memory.max": f"{3 * 10**9}\n", "memory.current": f"{19 * 10**8}\n",
     "memory.stat": f"anon 500000000\ninactive_file {10**9}\nactive_file 400000000\n"},
    {"memory/memory.limit_in_bytes": f"{3 * 10**9}\n",
     "memory/memory.usage_in_bytes": f"{19 * 10**8}\n",
     "memory/memory.stat": f"cache 1400000000\ntotal_inactive_file {10**9}\n"},
], ids=["cgroup v2", "cgroup v1"])
def test_memory_counts_reclaimable_file_cache_as_free(tmp_path, monkeypatch, files,
                                                      ample_machine):
    """A pod that has read many files is not full: the kernel drops inactive file cache first."""
    monkeypatch.setattr(doctor_module, "CGROUP", fake_cgroup(tmp_path / "cg", files))
    assert doctor_module._memory().startswith(
        "2.1 GB free under this container's memory limit (the machine has 16.0 GB free)")
