"""How much memory a learner's kernels hold when none is shut down (docs/jupyterhub.md).

JupyterLab keeps a notebook's kernel running after its tab closes, unless told otherwise. This
runs notebooks in order with nbclient, one kernel each, keeps every kernel alive, and after each
notebook records the resident memory (RSS, MiB, with child processes) of every kernel so far:
the figure a user pod's memory limit is compared with, on a day when nobody closes anything.

Usage (from the repository root)::

    python benchmarks/kernels_kept_alive.py --json benchmarks/results/kernels_kept_alive.json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

MIB = 1024 * 1024
#: The morning of day 1: lessons and solved labs of modules 00 to 02, in teaching order.
MORNING = ["notebooks/00_welcome.ipynb", "solutions/00_welcome_lab.ipynb",
           "notebooks/01_data_governance.ipynb", "solutions/01_data_governance_lab.ipynb",
           "notebooks/02_model_evaluation.ipynb", "solutions/02_model_evaluation_lab.ipynb"]


def rss_mib(pid: int) -> int:
    """Resident memory of process ``pid`` and its children, in MiB."""
    process = psutil.Process(pid)
    return round(sum(p.memory_info().rss for p in [process, *process.children(recursive=True)])
                 / MIB)


def run_kept(path: Path) -> NotebookClient:
    """Execute ``path`` in a kernel of its own and leave that kernel running."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.km = client.create_kernel_manager()
    client.start_new_kernel()
    client.start_new_kernel_client()
    for index, cell in enumerate(notebook.cells):
        client.execute_cell(cell, index)
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", default=MORNING)
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args()
    clients: list[NotebookClient] = []
    rows = []
    try:
        for name in args.notebooks:
            clients.append(run_kept(Path(name)))
            time.sleep(3)  # let the last kernel settle to its idle size
            per_kernel = [rss_mib(c.km.provisioner.pid) for c in clients]
            rows.append({"after": name, "kernels_mib": per_kernel, "total_mib": sum(per_kernel)})
            print(rows[-1], flush=True)
    finally:
        for client in clients:
            client.km.shutdown_kernel(now=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
