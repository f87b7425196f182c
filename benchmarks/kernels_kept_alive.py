"""How much memory a learner's kernels hold when none is shut down (docs/jupyterhub.md).

JupyterLab keeps a notebook's kernel running after its tab closes, unless told otherwise. This
runs notebooks in order with nbclient, one kernel each, keeps every kernel alive, and after each
notebook records the memory of every kernel so far (MiB, with child processes):

- resident memory (RSS): the figure a user pod's memory limit is compared with, on a day when
  nobody closes anything; it counts the libraries the kernels share once per kernel;
- proportional memory (PSS, Linux only): each shared page divided among the processes that map
  it, so the kernels' sum is what they take from the machine together (a laptop's figure).

Usage (from the repository root)::

    python benchmarks/kernels_kept_alive.py --json benchmarks/results/kernels_kept_alive.json
    python benchmarks/kernels_kept_alive.py --all \
        --json benchmarks/results/kernels_kept_alive_all.json

Without notebook paths it runs the morning of day 1 (modules 00 to 02); ``--all`` runs all
eighteen, every lesson and its solved lab, 00 to 08 in teaching order.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient
from nbclient.util import run_sync

from deploydl.course.curriculum import MODULES
from deploydl.efficiency.bench import machine_info

MIB = 1024 * 1024
#: The morning of day 1: lessons and solved labs of modules 00 to 02, in teaching order.
MORNING = ["notebooks/00_welcome.ipynb", "solutions/00_welcome_lab.ipynb",
           "notebooks/01_data_governance.ipynb", "solutions/01_data_governance_lab.ipynb",
           "notebooks/02_model_evaluation.ipynb", "solutions/02_model_evaluation_lab.ipynb"]


def all_in_teaching_order() -> list[str]:
    """Every module's lesson, each followed by its solved lab, 00 to 08 (the course map)."""
    return [path for m in MODULES for path in (m.lesson, f"solutions/{m.lab}")]


def _process_bytes(process: psutil.Process) -> dict[str, int]:
    """RSS and PSS of one process, in bytes (PSS absent off Linux); empty if it has exited."""
    try:
        memory = {"rss": process.memory_info().rss}
        if sys.platform.startswith("linux"):
            memory["pss"] = process.memory_full_info().pss
    except psutil.NoSuchProcess:  # a server child that exited mid-sample: nothing to count
        return {}
    return memory


def memory_mib(pid: int) -> dict[str, int]:
    """RSS and PSS of process ``pid`` and its children, in MiB (PSS absent off Linux); a child
    that exits while it is read counts for nothing."""
    process = psutil.Process(pid)
    try:
        tree = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        tree = [process]
    samples = [_process_bytes(p) for p in tree]
    keys = ["rss", "pss"] if sys.platform.startswith("linux") else ["rss"]
    return {key: round(sum(s.get(key, 0) for s in samples) / MIB) for key in keys}


def run_kept(path: Path, notebook: nbformat.NotebookNode) -> NotebookClient:
    """Execute ``notebook``, read from ``path``, in a kernel of its own; leave it running."""
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.km = client.create_kernel_manager()
    client.start_new_kernel()
    client.start_new_kernel_client()
    for index, cell in enumerate(notebook.cells):
        client.execute_cell(cell, index)
    return client


def row_after(name: str, clients: list[NotebookClient]) -> dict:
    """Every kept kernel's memory after ``name`` ran, and the totals, in MiB."""
    per_kernel = [memory_mib(c.km.provisioner.pid) for c in clients]
    row: dict = {"after": name, "kernels_mib": [m["rss"] for m in per_kernel],
                 "total_mib": sum(m["rss"] for m in per_kernel)}
    if all("pss" in m for m in per_kernel):
        row["kernels_pss_mib"] = [m["pss"] for m in per_kernel]
        row["total_pss_mib"] = sum(m["pss"] for m in per_kernel)
    return row


def machine() -> dict:
    """Where and when it ran (the CPU matters: torch's libraries take more memory on some)."""
    return {**machine_info(), "date": datetime.date.today().isoformat()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*")
    parser.add_argument("--all", action="store_true",
                        help="all eighteen lessons and solved labs (default: the morning's six)")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args()
    names = args.notebooks or (all_in_teaching_order() if args.all else MORNING)
    # Read them all first: the run then measures one version of the course, start to end.
    notebooks = {name: nbformat.read(name, as_version=4) for name in names}
    at_start = machine()
    clients: list[NotebookClient] = []
    rows = []
    try:
        for name, notebook in notebooks.items():
            clients.append(run_kept(Path(name), notebook))
            time.sleep(3)  # let the last kernel settle to its idle size
            rows.append(row_after(name, clients))
            print(rows[-1], flush=True)
    finally:
        for client in clients:
            run_sync(client.km.shutdown_kernel)(now=True)
    if args.json:
        load_at_end = round(os.getloadavg()[0], 1)
        args.json.write_text(json.dumps({"machine": {**at_start, "load_average_1min_at_end":
                                                     load_at_end}, "rows": rows}, indent=1)
                             + "\n")


if __name__ == "__main__":
    main()
