from deploydl.cli import main
from deploydl.course import doctor as doctor_module


def test_doctor_passes_in_the_course_folder(root, capsys):
    assert main(["doctor", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    for name in ("python", "packages", "torch", "loopback port", "jupyter kernel",
                 "course folders"):
        assert f"OK    {name}" in out


def test_doctor_fails_with_a_reason_and_keeps_checking(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(doctor_module, "REQUIRED_IMPORTS", ("numpy", "no_such_package_xyz"))
    assert main(["doctor", "--root", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "FAIL  packages" in out and "no_such_package_xyz" in out
    assert "FAIL  course folders" in out and "OK    torch" in out
