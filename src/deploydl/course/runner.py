"""Executing notebooks headless with nbclient: for grading labs and refreshing outputs.

What makes a refreshed notebook stable (:func:`stable`, :data:`WIDGET_TEXT`) lives in
:mod:`~deploydl.course.stable_outputs`; both are imported here.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import json
import os
import uuid
from collections.abc import Mapping
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.reader import NotJSONError

from deploydl.course.stable_outputs import WIDGET_TEXT, stable

__all__ = ["GRADER_CELL", "MEASURED_CODE", "MEASUREMENT_TAG", "WIDGET_TEXT", "CellTimedOut",
           "NotebookUnreadable", "execute", "execute_file", "read_notebook", "refresh_outputs",
           "stable"]

#: Cell metadata that marks a cell ``deploydl grade`` added to a lab: messages that name a cell
#: count only the lab's own.
GRADER_CELL = "deploydl_grader"


class NotebookUnreadable(ValueError):
    """The file is not a notebook that can be run; the message says which file and why."""


class CellTimedOut(CellTimeoutError):
    """A cell ran longer than the timeout per cell; ``cell_index`` is its place in the
    notebook (0 for the first cell, markdown cells counted), ``timeout`` the limit in seconds
    and ``first_line`` the first line of its code, shortened (how a reader finds the cell:
    Jupyter shows no cell numbers). With ``grader``, what ran too long is the check that
    ``deploydl grade`` runs after that cell (:data:`GRADER_CELL`), not the cell itself."""

    def __init__(self, cell_index: int, timeout: int, source: str = "", *,
                 grader: bool = False) -> None:
        self.cell_index = cell_index
        self.timeout = timeout
        self.first_line = _first_line(source)
        self.grader = grader
        super().__init__(f"{self.cell} ran longer than {timeout} s")

    @property
    def cell(self) -> str:
        """The cell in words: 'cell 3 (starting "import time")', or 'the grader's check
        after cell 3 (...)'."""
        shown = f' (starting "{self.first_line}")' if self.first_line else ""
        before = "the grader's check after " if self.grader else ""
        return f"{before}cell {self.cell_index + 1}{shown}"


#: The most characters of a cell's first line that a message quotes.
_FIRST_LINE_CHARS = 40


def _first_line(source: str) -> str:
    """The first line of ``source`` that is not blank, cut to :data:`_FIRST_LINE_CHARS`."""
    line = next((line.strip() for line in source.splitlines() if line.strip()), "")
    return line if len(line) <= _FIRST_LINE_CHARS else line[:_FIRST_LINE_CHARS - 1] + "…"


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read and validate a notebook, or raise :class:`NotebookUnreadable` with a clear reason."""
    try:
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
    except FileNotFoundError:
        raise NotebookUnreadable(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise NotebookUnreadable(f"{path}: is a folder, not a notebook.") from None
    except OSError as exc:
        raise NotebookUnreadable(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    except (json.JSONDecodeError, NotJSONError, UnicodeDecodeError, nbformat.ValidationError,
            AttributeError, KeyError, TypeError) as exc:
        # nbformat's NotJSONError quotes the file's first bytes: never echo a file's content.
        reason = ("its content is not JSON" if isinstance(exc, NotJSONError | json.JSONDecodeError)
                  else str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        raise NotebookUnreadable(f"{path}: not a Jupyter notebook ({reason}).") from None
    return notebook


def execute(notebook: nbformat.NotebookNode, *, cwd: Path, timeout: int = 120,
            allow_errors: bool = False,
            env: Mapping[str, str] | None = None) -> nbformat.NotebookNode:
    """Run every cell in a fresh ``python3`` kernel started in ``cwd``; returns the notebook.

    The kernel inherits this process's environment, or gets ``env`` instead when given.

    The client runs in an event loop of its own that is closed afterwards. (nbclient's
    synchronous ``execute`` keeps a loop per context in jupyter_core and leaves it, with its
    sockets, to the garbage collector, whose warnings then land on whatever runs next.)

    Raises :class:`CellTimedOut`, naming the cell, when a cell runs longer than ``timeout``
    seconds.
    """
    started: list[int] = []  # the index of each cell as it starts: the last one is running
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            allow_errors=allow_errors, record_timing=False,
                            resources={"metadata": {"path": str(cwd)}},
                            on_cell_start=lambda cell, cell_index: started.append(cell_index),
                            **_quiet_kernel())
    try:
        asyncio.run(client.async_execute() if env is None else
                    client.async_execute(env=dict(env)))
    except CellTimeoutError:
        cells = notebook.cells[:started[-1] + 1]
        own = [cell for cell in cells if not cell.metadata.get(GRADER_CELL)]
        raise CellTimedOut(len(own) - 1, timeout, own[-1].source,
                           grader=own[-1] is not cells[-1]) from None
    return notebook


def execute_file(notebook: nbformat.NotebookNode, path: Path, *, timeout: int = 120,
                 allow_errors: bool = False,
                 env: Mapping[str, str] | None = None) -> nbformat.NotebookNode:
    """:func:`execute` ``notebook``, read from ``path``, in the folder of ``path`` (with
    ``env``, if given, as the kernel's environment).

    Raises :class:`NotebookUnreadable`, its message one line that starts with ``path``, when
    it cannot be run: a cell ran longer than ``timeout`` seconds (the command's ``--timeout``;
    the cell named by its first line) or the kernel died or could not start.
    """
    try:
        return execute(notebook, cwd=path.parent.resolve(), timeout=timeout,
                       allow_errors=allow_errors, env=env)
    except CellTimedOut as exc:
        what = "raise --timeout" if exc.grader else "raise --timeout or make the cell finish sooner"
        raise NotebookUnreadable(f"{path}: {exc.cell} ran longer than --timeout {exc.timeout} s; "
                                 f"{what}.") from None
    except (DeadKernelError, RuntimeError) as exc:
        what = ("run it in JupyterLab to see which cell stops its kernel; `deploydl doctor` "
                "checks memory, the usual cause" if isinstance(exc, DeadKernelError) else
                "`deploydl doctor` checks that a kernel starts")
        raise NotebookUnreadable(f"{path}: the notebook could not be run ({exc}); "
                                 f"{what}.") from None


def _quiet_kernel() -> dict:
    """Options that keep the kernel's own log off our stderr.

    The kernel talks to us over local sockets only. On macOS and Linux it uses Unix-domain
    (ipc) sockets, so ipykernel's "running over TCP without encryption" warning does not
    arise; Windows has no ipc transport, so there the kernel keeps loopback TCP. Everywhere its
    log is limited to critical errors: a cell stopped for running too long otherwise leaves the
    kernel's traceback of the reply it could no longer send (ZMQError) on the command's stderr.
    What a notebook's cells print and raise reaches their outputs, not this log.
    """
    from jupyter_core.paths import jupyter_runtime_dir
    from traitlets.config import Config

    quiet = {"extra_arguments": ["--IPKernelApp.log_level=CRITICAL"]}
    if os.name == "nt":
        return quiet
    # An absolute socket path: the kernel runs in the notebook's folder, not in ours.
    runtime = Path(jupyter_runtime_dir())
    runtime.mkdir(parents=True, exist_ok=True)
    sockets = str(runtime / f"deploydl-{uuid.uuid4().hex[:12]}-ipc")
    return {**quiet, "config": Config({"KernelManager": {"transport": "ipc", "ip": sockets}})}


#: The tag of cells whose output is a measurement (timings, throughput) that nbval skips.
MEASUREMENT_TAG = "nbval-ignore-output"
#: Cell metadata of a measurement cell: a fingerprint of the code its stored output came from.
MEASURED_CODE = "deploydl_measured_code"


def refresh_outputs(path: Path, *, remeasure: bool = False, timeout: int = 120) -> None:
    """Re-execute a committed notebook and store its outputs (the only way outputs change).

    The stored file is :func:`stable`, and a cell tagged :data:`MEASUREMENT_TAG` keeps the
    measurement it stored while its code is the code that measured it (unless ``remeasure``):
    a timing differs on every run, so refreshing twice in a row changes nothing. Edit such a
    cell and the next refresh measures every measurement of the notebook again. Re-record
    every measurement deliberately, on a quiet machine, with ``remeasure=True`` (``deploydl
    refresh --remeasure``).

    The kernel runs without the course's settings from this shell
    (:func:`deploydl.settings.without_settings`): an API key exported for a workshop's
    service would otherwise change the stored outputs, which the tests then compare in an
    environment without it.

    Raises :class:`NotebookUnreadable` when the file cannot be read or run, or a cell runs
    longer than ``timeout`` seconds (:func:`execute_file`).
    """
    from deploydl.settings import without_settings

    stored = read_notebook(path)
    notebook = execute_file(copy.deepcopy(stored), path, timeout=timeout,
                            env=without_settings(os.environ))
    _keep_measurements(notebook, {} if remeasure else _measurements(stored))
    path.write_text(nbformat.writes(stable(notebook)) + "\n", encoding="utf-8", newline="\n")


def _measurements(notebook: nbformat.NotebookNode) -> dict[str, tuple[str, list]]:
    """Each stored measurement cell's id: the fingerprint of the code that measured it and its
    outputs. A cell stored before fingerprints were kept is taken to match its code."""
    return {cell.get("id"): (cell.metadata.get(MEASURED_CODE, _fingerprint(cell.source)),
                             cell.outputs)
            for cell in _measurement_cells(notebook)
            if cell.outputs or MEASURED_CODE in cell.metadata}


def _measurement_cells(notebook: nbformat.NotebookNode) -> list:
    return [cell for cell in notebook.cells
            if cell.cell_type == "code" and MEASUREMENT_TAG in cell.metadata.get("tags", [])]


def _keep_measurements(notebook: nbformat.NotebookNode,
                       stored: dict[str, tuple[str, list]]) -> None:
    """Put back the stored outputs of the measurement cells while each one's code is the code
    that measured it; stamp every measurement cell with the fingerprint of the code behind its
    output. Once one is new or edited, all of the notebook's are recorded again: one can read
    another's values (lesson 05's reading of its load test), and a kept output would then
    disagree with the fresh one beside it."""
    cells = _measurement_cells(notebook)
    unchanged = all(stored.get(cell.get("id"), (None, None))[0] == _fingerprint(cell.source)
                    for cell in cells)
    for cell in cells:
        if unchanged:
            cell.outputs = stored[cell.get("id")][1]
        cell.metadata[MEASURED_CODE] = _fingerprint(cell.source)


def _fingerprint(source: str) -> str:
    """A short fingerprint of a cell's code (16 hex digits of its SHA-256)."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]
