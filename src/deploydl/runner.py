"""Executing notebooks headless with nbclient: for grading labs and refreshing outputs."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.reader import NotJSONError


class NotebookUnreadable(ValueError):
    """The file is not a notebook that can be run; the message says which file and why."""


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read and validate a notebook, or raise :class:`NotebookUnreadable` with a clear reason."""
    try:
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
    except FileNotFoundError:
        raise NotebookUnreadable(f"{path}: no such file.") from None
    except (json.JSONDecodeError, NotJSONError, UnicodeDecodeError, nbformat.ValidationError,
            AttributeError, KeyError, TypeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise NotebookUnreadable(f"{path}: not a Jupyter notebook ({reason}).") from None
    return notebook


def execute(notebook: nbformat.NotebookNode, *, cwd: Path, timeout: int = 120,
            allow_errors: bool = False) -> nbformat.NotebookNode:
    """Run every cell in a fresh ``python3`` kernel started in ``cwd``; returns the notebook."""
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            allow_errors=allow_errors, record_timing=False,
                            resources={"metadata": {"path": str(cwd)}}, **_quiet_kernel())
    client.execute()
    return notebook


def _quiet_kernel() -> dict:
    """Options that keep ipykernel's "running over TCP without encryption" warning away.

    The kernel talks to us over local sockets only. On macOS and Linux it uses Unix-domain
    (ipc) sockets, which the warning does not concern; Windows has no ipc transport, so there
    the kernel keeps loopback TCP and its start-up log is limited to errors.
    """
    from jupyter_core.paths import jupyter_runtime_dir
    from traitlets.config import Config

    if os.name == "nt":
        return {"extra_arguments": ["--IPKernelApp.log_level=ERROR"]}
    # An absolute socket path: the kernel runs in the notebook's folder, not in ours.
    runtime = Path(jupyter_runtime_dir())
    runtime.mkdir(parents=True, exist_ok=True)
    sockets = str(runtime / f"deploydl-{uuid.uuid4().hex[:12]}-ipc")
    return {"config": Config({"KernelManager": {"transport": "ipc", "ip": sockets}})}


def refresh_outputs(path: Path) -> None:
    """Re-execute a committed notebook and store its outputs (the only way outputs change)."""
    notebook = read_notebook(path)
    execute(notebook, cwd=path.parent)
    path.write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")
