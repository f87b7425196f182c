"""The README's figure for every kernel kept open is the committed run's, not a hand-typed one."""

import json


def test_readme_quotes_the_committed_run_of_all_eighteen_kernels(root):
    run = json.loads((root / "benchmarks/results/kernels_kept_alive_all.json").read_text())
    last = run["rows"][-1]
    assert len(run["rows"]) == len(last["kernels_pss_mib"]) == 18
    readme = " ".join((root / "README.md").read_text(encoding="utf-8").split())
    assert (f"all eighteen, lessons and labs 00 to 08 kept open in one sitting, "
            f"{last['total_pss_mib']:,} MiB, about {last['total_pss_mib'] * 2**20 / 1e9:.1f} GB "
            f"(their proportional memory") in readme, (
        "README.md's Kernels line should quote benchmarks/results/kernels_kept_alive_all.json")
