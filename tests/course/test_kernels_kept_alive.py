"""The README's and the instructor guide's figures for kernels kept open are the committed run's,
not hand-typed ones, and both count the same memory (proportional, PSS)."""

import json

import pytest

#: The row after which every lesson and lab kernel of modules 00 to 02 is open.
END_OF_MODULE_02 = "solutions/02_model_evaluation_lab.ipynb"


def _gb(mib: int) -> str:
    return f"{mib * 2**20 / 1e9:.1f} GB"


@pytest.fixture
def run(root):
    return json.loads((root / "benchmarks/results/kernels_kept_alive_all.json").read_text())


def _one_line(path) -> str:
    return " ".join(path.read_text(encoding="utf-8").split())


def test_readme_quotes_the_committed_run_to_module_02_and_of_all_eighteen_kernels(root, run):
    last = run["rows"][-1]
    assert len(run["rows"]) == len(last["kernels_pss_mib"]) == 18
    to_02 = next(row for row in run["rows"] if row["after"] == END_OF_MODULE_02)
    readme = _one_line(root / "README.md")
    assert (f"every lesson and lab kernel from 00 to 02 held {to_02['total_pss_mib']:,} MiB, "
            f"about {_gb(to_02['total_pss_mib'])}, and all eighteen, lessons and labs 00 to 08 "
            f"kept open in one sitting, {last['total_pss_mib']:,} MiB, about "
            f"{_gb(last['total_pss_mib'])} (their proportional memory") in readme, (
        "README.md's Kernels line should quote benchmarks/results/kernels_kept_alive_all.json")


def test_the_instructor_guide_quotes_the_same_run_as_the_readme(root, run):
    to_02 = next(row for row in run["rows"] if row["after"] == END_OF_MODULE_02)
    guide = _one_line(root / "docs/instructors.md")
    assert (f"lessons and labs 00 to 02 held about {_gb(to_02['total_pss_mib'])} by the end of "
            f"Module 02, and all eighteen, 00 to 08, about {_gb(run['rows'][-1]['total_pss_mib'])}"
            ", both of proportional memory") in guide, (
        "docs/instructors.md's 'Between modules, kernels off' should quote "
        "benchmarks/results/kernels_kept_alive_all.json, as README.md does")
