"""The README's course map states each module's minutes; they must match the lessons' metadata."""

import re

from deploydl.course.curriculum import MODULES, course_map


def test_readme_course_map_minutes_match_the_lessons(root):
    readme = (root / "README.md").read_text(encoding="utf-8")
    stated = {m: int(t) for m, t in re.findall(r"^\| (\d\d) [^|]+\|[^|]+\| (\d+) min \|$",
                                               readme, flags=re.MULTILINE)}
    assert set(stated) == {m.number for m in MODULES}
    assert stated == course_map(root)["minutes"].to_dict()


def _package_map(readme: str) -> str:
    return readme.split("(the package map)\n", 1)[1].split("\n#", 1)[0]


def test_readme_package_map_lists_every_folder_and_nothing_else(root):
    """One line per folder of src/deploydl; a folder added, renamed or removed fails here."""
    listed = re.findall(r"^- `(\w+)/` – ", _package_map((root / "README.md").read_text(
        encoding="utf-8")), flags=re.MULTILINE)
    package = root / "src" / "deploydl"
    folders = {p.name for p in package.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert len(listed) == len(set(listed)), f"a folder is listed twice: {sorted(listed)}"
    assert set(listed) == folders, (
        f"README package map lists {sorted(set(listed) - folders)} that do not exist and misses "
        f"{sorted(folders - set(listed))}; update 'the package map' in README.md")


def test_readme_package_map_names_every_top_level_module(root):
    top = _package_map((root / "README.md").read_text(encoding="utf-8")).split("- top level", 1)[1]
    named = set(re.findall(r"`(\w+)\.py`", top))
    modules = {p.stem for p in (root / "src" / "deploydl").glob("*.py")} - {"__init__"}
    assert named == modules, (
        f"README package map's top level names {sorted(named - modules)} that do not exist and "
        f"misses {sorted(modules - named)}")


def test_readme_quotes_the_committed_benchmark_as_the_run_wrote_it(root):
    """The README's serving tables are benchmarks/results/serving.md, not a hand-edited copy:
    a new run that is not pasted in (or a figure touched by hand) fails here."""
    readme = (root / "README.md").read_text(encoding="utf-8")
    written = (root / "benchmarks" / "results" / "serving.md").read_text(encoding="utf-8")
    assert written.strip() in readme, (
        "README.md does not quote benchmarks/results/serving.md as it stands: paste the file "
        "into the 'Serving benchmark' section again after `deploydl bench`")


def test_readme_states_the_planners_measured_cost_outside_the_model(root):
    """The figure README gives for HTTP, JSON and protections per request is the one Module
    05's planner computes from the committed CPU run: a new run that is not quoted fails here."""
    import json

    from deploydl.efficiency.costs import http_ms_from_cpu_use

    results = json.loads((root / "benchmarks" / "results" / "cpu_use_small.json").read_text(
        encoding="utf-8"))
    readme = " ".join((root / "README.md").read_text(encoding="utf-8").split())
    stated = f"{http_ms_from_cpu_use(results):.2f} ms of one core"
    assert stated in readme, (f"README.md should say '{stated}' (benchmarks/results/"
                              "cpu_use_small.json through http_ms_from_cpu_use)")


def test_readme_states_the_demos_measured_time(root):
    """Both of the README's demo times are the median of the committed run of
    benchmarks/demo_time.py, and every run of it finished (a failed run is no time)."""
    import json

    results = root / "benchmarks" / "results" / "demo_time.json"
    assert results.exists(), ("no measured demo time: run `python benchmarks/demo_time.py "
                              "--json benchmarks/results/demo_time.json`")
    run = json.loads(results.read_text(encoding="utf-8"))
    assert run["summary"]["failed"] == 0 and run["summary"]["runs"] >= 3, run["summary"]
    assert run["warm_up"]["exit_code"] == 0, run["warm_up"]
    assert run["summary"]["max_s"] < 20, "the README promises the demo in under 20 seconds"
    readme = " ".join((root / "README.md").read_text(encoding="utf-8").split())
    stated = re.findall(r"under 20 seconds[^(]{0,25}\(([\d.]+) s", readme)
    assert f"the median of {run['summary']['runs']} runs" in readme
    assert stated == [f"{run['summary']['median_s']}"] * 2, (
        f"README gives the demo's time as {stated}; the committed run's median is "
        f"{run['summary']['median_s']} s (benchmarks/results/demo_time.md)")
