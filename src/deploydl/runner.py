"""Executing notebooks headless with nbclient: for grading labs and refreshing outputs."""

from __future__ import annotations

import json
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
                            resources={"metadata": {"path": str(cwd)}})
    client.execute()
    return notebook


def refresh_outputs(path: Path) -> None:
    """Re-execute a committed notebook and store its outputs (the only way outputs change)."""
    notebook = read_notebook(path)
    execute(notebook, cwd=path.parent)
    path.write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")
