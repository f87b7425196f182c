"""``deploydl serve``: the service as a real uvicorn process (Module 04).

With no model path it builds the course's default model once, saves it as an artifact under
``Settings.home`` and serves that; later runs reuse the cached artifact. Every artifact is
verified (sha256) before it is loaded, so a tampered file stops start-up with a message; with
a signing key (:class:`Trust`) it must also carry a valid signature, and with an expected
sha256 it must be exactly the released weights.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import os
import re
import signal
import socket
import stat
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypedDict

import uvicorn
from fastapi import FastAPI

from deploydl.atomic import NotDurableError, replace_folder
from deploydl.integrity import MAKE_KEY, MIN_KEY_BYTES, read_json_object
from deploydl.registry import ArtifactError, load_artifact, save_model
from deploydl.serving import guard
from deploydl.serving.app import create_app
from deploydl.serving.events import log_to_stdout, uvicorn_log_config
from deploydl.serving.heap import freeze_start_up_objects
from deploydl.serving.process import BindError, bind_socket, start_listening
from deploydl.settings import Settings, get_settings

if TYPE_CHECKING:
    import pandas as pd

    from deploydl.monitoring import PredictionStore

#: Name and version of the default case-study model that ``deploydl serve`` builds.
DEFAULT_NAME, DEFAULT_VERSION = "loan-default", "1.0.0"
#: Seconds uvicorn waits for in-flight requests after SIGTERM or Ctrl-C before it closes them.
GRACEFUL_SECONDS = 30
#: Seconds a worker of ``--workers N`` may go without answering uvicorn's health check before
#: uvicorn kills it and starts another. A new worker answers only once it has imported the
#: app, torch with it: about 2 s on an idle 2-core machine, 11 to 18 s on a busy one. With
#: uvicorn's default, 5 s, a busy machine killed and replaced starting workers for minutes.
#: The price: a worker that hangs whole is replaced after this long, not after 5 s.
WORKER_HEALTHCHECK_S = 60
#: What scores the requests: torch (default) or ONNX Runtime (``--runtime onnx``, Module 05).
RUNTIMES = ("torch", "onnx")
#: uvicorn's HTTP protocol with a header deadline and logged parser refusals.
_PROTOCOL = "deploydl.serving.guard:GuardedHTTP"


class _UvicornOptions(TypedDict):
    """The uvicorn.Config options one process and ``--workers`` processes share."""

    log_level: str
    log_config: dict[str, Any]
    access_log: bool
    lifespan: Literal["on"]
    timeout_graceful_shutdown: int
    http: str


class ServeError(RuntimeError):
    """The service cannot start; the message says why and what to do."""


def default_artifact(settings: Settings | None = None) -> Path:
    """The default model's artifact folder, trained and saved on first use (a few seconds).

    It is trained on 5,000 generated applicants (seed 0), calibrated and given its decision
    threshold on 2,000 set aside (seed 2), and its ROC AUC is measured on 2,000 others
    (seed 1) and stored in the metadata (:func:`deploydl.serving.packaging.train_measured`).
    """
    settings = settings or get_settings()
    folder = default_artifact_folder(settings)
    if folder.exists() and not _uncalibrated(folder):
        return folder
    import torch

    from deploydl.serving.packaging import train_measured

    torch.set_num_threads(settings.torch_threads)  # more threads than cores is much slower
    model, table, _ = train_measured()
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ServeError(f"Cannot cache the default model in {folder.parent} "
                         f"({exc.strerror or exc}): make it a folder you can write to, or point "
                         "DEPLOYDL_HOME at one.") from None
    # atomic: never a half-written cache; an older deploydl's cache there is replaced whole
    try:
        return replace_folder(folder, lambda new: save_model(model, new, training_data=table))
    except NotDurableError:  # in place; a cache lost to a power cut is only trained again
        return folder


def default_artifact_folder(settings: Settings) -> Path:
    """Where :func:`default_artifact` caches the default model (it may not exist yet)."""
    return home_folder(settings) / "models" / DEFAULT_NAME / DEFAULT_VERSION


def home_folder(settings: Settings) -> Path:
    """``settings.home``, refused with a :class:`ServeError` when it is not a folder."""
    home = Path(settings.home)
    if home.exists() and not home.is_dir():
        raise ServeError(f"DEPLOYDL_HOME is {home}, which is a file; it must be a folder (the "
                         "course caches models and benchmark data there). Point DEPLOYDL_HOME "
                         "at a folder, or unset it to use ~/.cache/deploydl.")
    return home


def _uncalibrated(folder: Path) -> bool:
    """True for a cached default artifact built before the model was calibrated and carried
    its threshold and the reference of its reason codes (an older deploydl): it is rebuilt.
    A damaged one (unreadable, or holding no JSON object) is left for verification to
    report."""
    path = folder / "metadata.json"
    try:
        metadata = read_json_object(path.read_bytes(), source=path, advice="")
    except (OSError, ValueError):  # read_json_object's ValueError: deep nesting included
        return False
    return not {"threshold", "reason_reference"} <= set(metadata)


@dataclass(frozen=True)
class Trust:
    """What an artifact must prove before it is served (Module 04).

    Parameters
    ----------
    signing_key : str, optional
        Require a valid signature made with this key (:mod:`deploydl.integrity`).
    expect_sha256 : str, optional
        Require exactly these weights (the hash the release recorded).
    """

    signing_key: str | None = field(default=None, repr=False)  # a secret: never in a repr
    expect_sha256: str | None = None


def app_from_artifact(path: str | Path, settings: Settings | None = None, *,
                      threshold: float | None = None, trust: Trust | None = None,
                      runtime: str = "torch", log_path: str | Path | None = None) -> FastAPI:
    """Verify and load the artifact at ``path`` and build the service for it.

    ``threshold`` defaults to the one recorded in the artifact (see :func:`create_app`).
    ``log_path`` opens the SQLite prediction log there only once the model has passed its
    checks, so a refused model leaves no log file behind.
    With ``runtime="onnx"`` the network is exported to ONNX (cached under ``Settings.home``
    by weights sha256) and checked against torch's outputs before it serves
    (:mod:`deploydl.efficiency.runtime`); onnxruntime is imported only then.

    Raises :class:`deploydl.registry.ArtifactError` when the artifact fails a check, and
    :class:`ServeError` when the ONNX export is unavailable or disagrees with torch.
    """
    trust = trust or Trust()
    settings = settings or get_settings()
    model, artifact = load_artifact(path, signing_key=trust.signing_key,
                                    expect_sha256=trust.expect_sha256)
    if runtime == "onnx":
        model = _onnx_model(model, artifact.sha256, settings)
    elif runtime != "torch":
        raise ServeError(f"--runtime {runtime!r} is not known; choose one of {list(RUNTIMES)}.")
    prediction_log = None if log_path is None else _prediction_log(log_path)
    return create_app(model, settings, threshold=threshold, artifact=artifact,
                      prediction_log=prediction_log)


def serve(model_path: str | Path | None = None, *, host: str | None = None,
          port: int | None = None, api_key_env: str | None = None,
          api_key_file: str | Path | None = None, workers: int = 1,
          trust: Trust | None = None, log_path: str | Path | None = None,
          runtime: str = "torch", stop_when_stdin_closes: bool = False,
          no_api_key: bool = False, reference_path: str | Path | None = None) -> None:
    """Serve until stopped (Ctrl-C or SIGTERM finish in-flight requests, then "Stopped.").

    Standard output carries the log stream only, one JSON object a line; the banner ("Serving
    ... at URL", "Press Ctrl-C to stop.", "Stopped.") and warnings go to standard error
    (:func:`tell`).

    The address is taken first, so a busy port or a wrong host is reported at once, before the
    API-key checks (a missing key, the ``--no-api-key`` warning) and before the model loads, a
    port another server has bound but does not yet listen on included
    (:func:`~deploydl.serving.process.held_without_listening`);
    then the model is verified and loaded, before the service listens (a connection meanwhile
    is refused, not left waiting), says where it serves or answers a request. A refused
    start-up releases the address again.
    With ``log_path`` every prediction is kept in that SQLite prediction log (Module 06), with
    reference data for its drift check (:func:`store_reference`), stored once the model has
    passed its checks and before any worker opens the log; ``reference_path`` needs a
    ``log_path``. With
    ``runtime="onnx"`` ONNX Runtime scores the requests, after its export has matched torch.
    With ``stop_when_stdin_closes`` the server also stops when its standard input closes
    (:func:`watch_stdin`): how the program that started it makes sure it never outlives it.

    The API key comes from ``api_key_env``, ``api_key_file`` or else ``DEPLOYDL_API_KEY``. It
    is optional on a loopback address (127.0.0.1, this machine only). On any other address
    the service fails closed: it refuses to start without a key unless ``no_api_key`` says
    that serving without one is a conscious choice (something in front of it checks callers).

    Raises
    ------
    ServeError
        The artifact is missing, damaged, unsigned or not the expected one, the API key is
        not set, or missing on an address other machines can reach, the port is busy,
        ``stop_when_stdin_closes`` without a pipe on stdin, the reference data is unusable
        or given without ``log_path``, or ``workers`` is below 1 or above the CPU cores this
        process may use (2 on one core; each worker holds its own copy of the model), checked
        first, before anything starts.
    """
    # arguments first, before anything starts (the stdin watcher, the address, a worker)
    _check_workers(workers)
    if reference_path is not None and log_path is None:
        raise ServeError("--reference needs --log PATH: the reference data is stored in the "
                         "prediction log, for its drift check. Add --log PATH, or leave "
                         "--reference out.")
    if stop_when_stdin_closes:
        watch_stdin()
    settings = get_settings(**_api_key(api_key_env, api_key_file))
    host = host or settings.host
    port = settings.port if port is None else port
    trust = trust or Trust()
    # before the key checks and the model (seconds): a busy port or a wrong host is told first
    sock = _bind(host, port)
    previous = None
    try:
        warning = _check_key_for_host(host, has_key=bool(settings.api_key),
                                      no_api_key=no_api_key)
        _check_key_length(host, settings.api_key)
        log_to_stdout()
        if warning:
            tell(warning)
        path, app = _checked_app(model_path, settings, trust=trust, log_path=log_path,
                                 runtime=runtime, reference_path=reference_path)
        _listen(sock)  # only now: a connection while the model loaded was refused, not held
        artifact = app.state.artifact
        url = f"http://{host}:{sock.getsockname()[1]}"
        early = threading.Event()  # from here on a SIGTERM is a clean stop, however early
        previous = _quiet_sigterm(early)
        signed = "signed, " if artifact.signed else ""
        onnx = ", ONNX Runtime" if runtime == "onnx" else ""
        tell(f"Serving {artifact.metadata['name']} {artifact.version} ({signed}weights "
             f"sha256 {artifact.sha256[:12]}{onnx}) at {url}\nAPI docs: {url}/docs\nPress "
             "Ctrl-C to stop.")
    except BaseException:
        _release(sock, previous)  # nothing is left holding the port
        raise
    common: _UvicornOptions = {"log_level": "warning", "log_config": uvicorn_log_config(),
                               "access_log": False, "lifespan": "on",
                               "timeout_graceful_shutdown": GRACEFUL_SECONDS, "http": _PROTOCOL}
    try:
        if workers == 1:
            guard.configure(header_timeout=settings.read_timeout_s, metrics=app.state.metrics)
            freeze_start_up_objects()
            if not early.is_set():
                server = uvicorn.Server(uvicorn.Config(app, **common))
                _stop_if_asked_early(server, early)
                server.run(sockets=[sock])
        else:
            _serve_workers(path, settings, sock, workers, common, trust, log_path, runtime,
                           early=early)
    except KeyboardInterrupt:  # uvicorn re-raises Ctrl-C once in-flight requests are done
        pass
    finally:
        _release(sock, previous)
    tell("Stopped.")


def _check_workers(workers: int) -> None:
    """Refuse a number of worker processes that :func:`serve` must not start: fewer than 1,
    or more than :func:`_max_workers`, with what to do instead."""
    if workers < 1:
        raise ServeError(f"--workers {workers}: give 1 or more worker processes.")
    most, cores = _max_workers(), _usable_cores()
    if workers > most:
        raise ServeError(
            f"--workers {workers}: give 1 to {most} worker processes (this process may use "
            f"{cores} CPU core{'' if cores == 1 else 's'}; each worker holds its own copy of the "
            "model, and workers beyond the cores only compete for them); for more traffic, "
            "serve on more machines (`deploydl capacity` plans how many).")


def _max_workers() -> int:
    """The most worker processes :func:`serve` starts: the cores this process may use
    (:func:`_usable_cores`), and at least 2, so a one-core machine can still try two. Each
    worker loads its own copy of the model (torch included), so workers beyond the cores add
    memory, not throughput: a typing slip of 100000 once filled 24 GiB with hundreds of
    workers."""
    return max(_usable_cores(), 2)


def _usable_cores() -> int:
    """The CPU cores this process may run on: its affinity where the system says (a container
    or ``taskset`` may allow fewer than the machine has), else the machine's count."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def tell(text: str) -> None:
    """Write ``text`` for the person who started ``deploydl serve``, on standard error.

    Standard output is the log stream, every line of it one JSON object
    (:mod:`deploydl.serving.events`); the banner (where the service serves, how to stop it,
    "Stopped.") and the warnings are plain text, so they go to the other stream, like the
    refusals the command line prints.
    """
    print(text, file=sys.stderr, flush=True)


def _release(sock: socket.socket, previous_sigterm) -> None:
    """Give back what :func:`serve` took: the address, and SIGTERM's handler before it."""
    if previous_sigterm is not None:
        signal.signal(signal.SIGTERM, previous_sigterm)
    sock.close()


def _onnx_model(model, sha256: str, settings: Settings):
    cache = Path(settings.home) / "onnx" / f"{model.name}-{sha256}.onnx"
    try:
        from deploydl.efficiency.runtime import OnnxMismatch, onnx_applicant_model

        try:
            return onnx_applicant_model(model, cache=cache, threads=settings.torch_threads)
        except OnnxMismatch as exc:
            raise ServeError(f"Refusing to start with --runtime onnx: {exc} (cached export: "
                             f"{cache})") from None
    except ImportError as exc:
        # torch's exporter raises some ImportErrors without a module name, only a message.
        missing = f"{exc.name} is missing" if exc.name else exc
        raise ServeError(f"--runtime onnx needs the 'export' extra ({missing}): "
                         "pip install -e '.[export]', or serve with --runtime torch.") from None


def watch_stdin() -> threading.Thread:
    """Stop this server when its standard input closes (``--stop-when-stdin-closes``).

    :class:`~deploydl.serving.process.ServiceProcess` starts ``deploydl serve`` with a pipe
    from itself as standard input and never writes to it. When that Python ends, however it
    ends (a kernel restarted, or killed), the system closes the pipe, the read here returns
    end-of-file and the server stops itself the graceful way (SIGTERM to itself, as
    Kubernetes stops a pod). A server still running :data:`GRACEFUL_SECONDS` + 10 s later is
    killed, with its worker processes when it leads its own process group.

    Raises :class:`ServeError` when standard input is not a pipe (a terminal, ``/dev/null``
    under nohup or systemd): it would read as closed at once and stop the server.
    """
    try:
        piped = stat.S_ISFIFO(os.fstat(0).st_mode)
    except OSError:  # no standard input at all
        piped = False
    if not piped:
        raise ServeError("--stop-when-stdin-closes needs a pipe on standard input, held open by "
                         "the program that started the server (ServiceProcess gives one); here "
                         "standard input is not a pipe, so the server would stop at once. Start "
                         "it without that option.")

    def watch() -> None:
        with contextlib.suppress(OSError):  # a pipe that breaks has closed too
            while os.read(0, 4096):
                pass
        signal.raise_signal(signal.SIGTERM)  # uvicorn's own handler, on every platform
        time.sleep(GRACEFUL_SECONDS + 10)
        if hasattr(os, "killpg") and os.getpgrp() == os.getpid():
            os.killpg(0, signal.SIGKILL)
        os._exit(1)

    thread = threading.Thread(target=watch, daemon=True, name="deploydl-stdin-watch")
    thread.start()
    return thread


def _quiet_sigterm(early: threading.Event):
    """Make SIGTERM a clean stop: uvicorn drains, then re-raises the signal it caught; with
    this handler in place that re-raise returns, so serve() prints "Stopped." and exits 0.

    A SIGTERM that arrives before uvicorn has put its own handler in place (Kubernetes
    stopping a pod that has just started) sets ``early``; the server then stops as soon as
    it is up (:class:`_Server`), or never starts serving."""
    if threading.current_thread() is not threading.main_thread():
        return None  # signals belong to the main thread; uvicorn skips them here too
    return signal.signal(signal.SIGTERM, lambda signum, frame: early.set())


def _stop_if_asked_early(server: uvicorn.Server, early: threading.Event) -> None:
    """Make ``server`` honour a SIGTERM that came before uvicorn installed its own handler.

    uvicorn's main loop starts after its handler is in place and the app has started: a
    SIGTERM caught before then (``early``) makes it stop at once, by uvicorn's own graceful
    shutdown, exactly as if the signal had come a moment later."""
    main_loop = server.main_loop

    async def main_loop_unless_asked_to_stop() -> None:
        if early.is_set():
            server.should_exit = True
        await main_loop()

    server.main_loop = main_loop_unless_asked_to_stop  # type: ignore[method-assign]


def _prediction_log(log_path: str | Path):
    import sqlite3

    from deploydl.monitoring import PredictionLog

    if Path(log_path).is_dir():
        raise ServeError(f"--log {log_path} is a folder; --log takes the path of a file (the "
                         "prediction log, created if new), e.g. "
                         f"--log {Path(log_path) / 'predictions.sqlite'}.")
    foreign = _not_a_prediction_log(Path(log_path))
    if foreign:
        raise ServeError(f"--log {log_path}: that file is not a prediction log ({foreign}); it "
                         "is left untouched. Give a new file path (it is created) or an "
                         "existing prediction log.")
    try:
        return PredictionLog(log_path)
    except sqlite3.DatabaseError as exc:
        raise ServeError(f"--log {log_path}: that file is not a prediction log "
                         f"({type(exc).__name__}: {exc}). Give a new file path (it is created) "
                         "or an existing prediction log.") from None
    except Exception as exc:  # noqa: BLE001 - sqlite3 and the filesystem raise several types
        raise ServeError(f"--log {log_path}: cannot open the prediction log there "
                         f"({type(exc).__name__}: {exc}). Pick a writable file path.") from None


def _checked_app(model_path: str | Path | None, settings: Settings, *, trust: Trust,
                 log_path: str | Path | None, runtime: str,
                 reference_path: str | Path | None) -> tuple[Path, FastAPI]:
    """The artifact's folder (``model_path``, else the cached case-study model) and its
    service, verified, with its prediction log (if any) holding its reference data; a
    :class:`ServeError` that says what to do otherwise.

    A reference the drift check cannot use is refused before anything is loaded or made, and
    the log is opened only once the model has passed its checks.
    """
    case_study = model_path is None
    try:
        path = Path(model_path) if model_path else default_artifact(settings)
        given = None if reference_path is None else _read_reference(Path(reference_path))
        app = app_from_artifact(path, settings, trust=trust, log_path=log_path, runtime=runtime)
    except ArtifactError as exc:
        if case_study and trust == Trust():  # deploydl's own cache: rebuild it
            folder = default_artifact_folder(settings)
            reason = re.split(r"\.\s", str(exc), maxsplit=1)[0]
            raise ServeError(f"Refusing to start: the cached default model is damaged ({reason})."
                             f" It is only a cache: delete the folder {folder} and run "
                             "`deploydl serve` again; it is rebuilt in a few seconds.") from None
        raise ServeError(f"Refusing to start: {exc}") from None
    if app.state.prediction_log is not None:  # this process's own log, before workers open it
        store_reference(app.state.prediction_log, given, case_study=case_study)
    return path, app


def store_reference(log: PredictionStore, reference: pd.DataFrame | None, *,
                    case_study: bool) -> None:
    """Give the open prediction ``log`` the reference data its drift check compares today's
    applicants with (Module 06): ``reference`` (the model's training applicants, one column
    per feature, as :func:`_read_reference` returns them), replacing any reference the log
    held; without one, for the case-study model (``case_study``), its own 5,000 training
    applicants, if the log has no reference yet. Otherwise the log is left as it is, and its
    dashboard says that the drift rule cannot fire without reference data.
    """
    if reference is not None:
        log.set_reference(reference)
    elif case_study and log.reference() is None:
        from deploydl.data import FEATURES, make_applicants
        from deploydl.serving.packaging import TRAINING_ROWS, TRAINING_SEED

        log.set_reference(make_applicants(TRAINING_ROWS, seed=TRAINING_SEED)[list(FEATURES)])


def _read_reference(path: Path) -> pd.DataFrame:
    """The reference CSV's feature columns, or a :class:`ServeError` that says what to fix:
    each must be there, numeric and complete, or the drift check would compare nothing."""
    import numpy as np
    import pandas as pd

    from deploydl.data import FEATURES as features

    try:
        table = pd.read_csv(path)
    except FileNotFoundError:
        raise ServeError(f"--reference {path}: no such file. Give the CSV of the applicants "
                         "the model was trained on.") from None
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise ServeError(f"--reference {path}: not a readable CSV ({type(exc).__name__}: "
                         f"{exc}). Give the CSV of the applicants the model was trained "
                         "on.") from None
    missing = [f for f in features if f not in table.columns]
    if missing:
        raise ServeError(f"--reference {path}: no column {', '.join(missing)}. It needs one "
                         f"column per feature the service scores: {', '.join(features)}.")
    if len(table) < 30:
        raise ServeError(f"--reference {path}: {len(table)} rows; the drift check needs at "
                         "least 30 (the model's training applicants, ideally all of them).")
    table = table[list(features)].copy()
    for feature in features:
        column = table[feature]
        if pd.api.types.is_bool_dtype(column):  # True/False: read as 1/0
            column = table[feature] = column.astype(int)
        if not pd.api.types.is_numeric_dtype(column):
            numbers = pd.to_numeric(column, errors="coerce")
            text = column[numbers.isna() & column.notna()]
            example = f" ({text.iloc[0]!r} on line {int(text.index[0]) + 2})" if len(text) else ""
            raise ServeError(f"--reference {path}: column {feature} is not numeric{example}. "
                             "The drift check compares numbers: write each value as a number "
                             "(0 or 1 for yes/no), or drop the rows without one.")
        gaps = int((~np.isfinite(column.to_numpy(dtype=float))).sum())
        if gaps:
            raise ServeError(f"--reference {path}: column {feature} has {gaps} missing value(s) "
                             "(empty, n/a, NA or infinite). The drift check needs every value: "
                             "drop those rows or fill them in from the training data.")
    return table


def _not_a_prediction_log(path: Path) -> str:
    """Why an existing, non-empty file is not a prediction log ("" if it may be one or is new):
    a log is only ever opened on a file it made, never on another program's database."""
    import sqlite3

    try:
        if not path.is_file() or path.stat().st_size == 0:
            return ""
        with path.open("rb") as file:
            if file.read(16) != b"SQLite format 3\x00":
                return "not an SQLite database"
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            connection.close()
    except (OSError, sqlite3.Error):
        return ""  # opening it says what is wrong
    if tables and "predictions" not in tables:
        return f"an SQLite database with other tables: {', '.join(sorted(tables)[:5])}"
    return ""


def worker_app(*, model_path: str, settings: Settings, trust: Trust,
               log_path: str | None, runtime: str = "torch",
               parent_pid: int | None = None) -> FastAPI:
    """The app each ``--workers`` process builds, from the parent's settings object.

    uvicorn pickles its config, this factory and its arguments included, into each worker
    process, so the workers get the very :class:`~deploydl.settings.Settings`, trust and log
    path the parent resolved; nothing travels through ``os.environ``. With ``parent_pid``
    (the ``deploydl serve`` that started the worker) the worker stops when that process dies,
    however it dies (:func:`exit_with_parent`).
    """
    if parent_pid is not None:
        exit_with_parent(parent_pid)
    log_to_stdout()
    app = app_from_artifact(model_path, settings, trust=trust, log_path=log_path,
                            runtime=runtime)
    guard.configure(header_timeout=settings.read_timeout_s, metrics=app.state.metrics)
    freeze_start_up_objects()
    return app


def exit_with_parent(parent_pid: int) -> None:
    """Send this process SIGTERM (uvicorn's graceful stop) when process ``parent_pid`` dies.

    A ``--workers`` parent killed with SIGKILL cannot stop its workers; without this they
    would go on serving, and holding the port, as orphans. On Linux the kernel sends the
    signal (``prctl(PR_SET_PDEATHSIG)``, set by the thread that started this worker: uvicorn's
    main thread); elsewhere a daemon thread checks the parent once a second. A parent that
    died before either was in place is caught by comparing ``os.getppid()`` with
    ``parent_pid``.
    """
    if sys.platform.startswith("linux") and _parent_death_signal(signal.SIGTERM):
        if os.getppid() != parent_pid:  # it died before the kernel was told to watch it
            signal.raise_signal(signal.SIGTERM)
        return

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1)
        # raise_signal runs this process's SIGTERM handler (uvicorn's) everywhere; on Windows
        # os.kill(own pid, SIGTERM) would end the process at once (TerminateProcess)
        signal.raise_signal(signal.SIGTERM)

    threading.Thread(target=watch, daemon=True, name="deploydl-parent-watch").start()


def _parent_death_signal(signum: int) -> bool:
    """Ask Linux to send ``signum`` to this process when its parent dies; False if it refused."""
    import ctypes

    pr_set_pdeathsig = 1  # from <linux/prctl.h>
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(pr_set_pdeathsig, signum, 0, 0, 0) == 0
    except (OSError, AttributeError):  # no C library or no prctl in it
        return False


def _serve_workers(path: Path, settings: Settings, sock: socket.socket, workers: int,
                   common: _UvicornOptions, trust: Trust, log_path: str | Path | None,
                   runtime: str = "torch", *, early: threading.Event | None = None) -> None:
    from uvicorn.supervisors import Multiprocess

    factory = functools.partial(worker_app, model_path=str(path.resolve()), settings=settings,
                                trust=trust, runtime=runtime, parent_pid=os.getpid(),
                                log_path=str(Path(log_path).resolve()) if log_path else None)
    config = uvicorn.Config(factory, factory=True, workers=workers,
                            timeout_worker_healthcheck=WORKER_HEALTHCHECK_S, **common)
    supervisor = Multiprocess(config, sockets=[sock])  # its own signal handlers from here on
    if early is not None and early.is_set():
        return  # SIGTERM came before the supervisor could catch it: start no workers
    supervisor.run()


def read_secret(*, env: str | None = None, file: str | Path | None = None,
                option: str) -> str | None:
    """A secret from an environment variable or a file (a mounted Kubernetes Secret).

    Returns None when neither is given; raises :class:`ServeError` when the one given is
    unset, unreadable or empty (fail closed: never start without a secret that was asked for).
    """
    if env is not None:
        value = os.environ.get(env, "")
        if not value:
            raise ServeError(f"{option}-env {env}: that environment variable is not set "
                             f"or empty. Set it (e.g. export {env}=...) and start again.")
        return value
    if file is not None:
        try:
            value = Path(file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ServeError(f"{option}-file {file}: cannot read it ({exc.strerror}). Check "
                             "the path and that the secret is mounted.") from None
        if not value:
            raise ServeError(f"{option}-file {file}: the file is empty. Put the secret in "
                             "it, or mount the right Secret.")
        return value
    return None


def _api_key(env_name: str | None, file: str | Path | None) -> dict[str, str]:
    value = read_secret(env=env_name, file=file, option="--api-key")
    return {} if value is None else {"api_key": value}


def is_loopback(host: str) -> bool:
    """True for an address only this machine can reach: ``localhost`` or a loopback IP.

    Any other name counts as reachable from the network (fail closed): a name is not resolved
    here, since what it resolves to can change.
    """
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip()).is_loopback
    except ValueError:
        return False


def _check_key_for_host(host: str, *, has_key: bool, no_api_key: bool) -> str | None:
    """Refuse to serve without an API key on an address other machines can reach, unless
    ``--no-api-key`` says so on purpose: then the warning to print, else None. A key and
    ``--no-api-key`` together are a contradiction, refused too."""
    if no_api_key and has_key:
        raise ServeError("--no-api-key, yet an API key is set (DEPLOYDL_API_KEY, --api-key-env "
                         "or --api-key-file): drop the key, or drop --no-api-key to require it.")
    if has_key or is_loopback(host):
        return None
    if not no_api_key:
        raise ServeError(
            f"Refusing to serve on --host {host} without an API key: anyone who can reach "
            "that address could score applicants and read /model. Give a key (set "
            "DEPLOYDL_API_KEY, or pass --api-key-env NAME or --api-key-file PATH), or serve "
            "on 127.0.0.1 (this machine only). If a gateway in front of the service already "
            "checks every caller, pass --no-api-key to serve without one on purpose.")
    return (f"Warning: serving on --host {host} without an API key (--no-api-key): anyone "
            "who can reach that address can score applicants.")


def _check_key_length(host: str, api_key: str | None) -> None:
    """Refuse an API key shorter than :data:`deploydl.integrity.MIN_KEY_BYTES` on an address
    other machines can reach (a short key can be guessed); on loopback any key is served."""
    if not api_key or is_loopback(host) or len(api_key.encode()) >= MIN_KEY_BYTES:
        return
    raise ServeError(
        f"Refusing to serve on --host {host} with an API key of {len(api_key.encode())} bytes: "
        f"on an address other machines can reach, use a random key of at least {MIN_KEY_BYTES} "
        f"bytes ({MAKE_KEY} makes one of 64), or serve on 127.0.0.1.")


#: The options that name the address in serve's messages.
_ADDRESS_OPTIONS = ("--host", "--port")


def _bind(host: str, port: int) -> socket.socket:
    """``host``:``port`` bound, not yet listening (:func:`_listen`); :class:`ServeError` if not."""
    try:
        return bind_socket(host, port, names=_ADDRESS_OPTIONS, backlog=None,
                           reuse_address=True)
    except BindError as exc:
        raise ServeError(str(exc)) from None


def _listen(sock: socket.socket) -> None:
    """Accept connections on ``sock`` from :func:`_bind`; :class:`ServeError` if its port was
    taken since."""
    try:
        start_listening(sock, 2048, names=_ADDRESS_OPTIONS)
    except BindError as exc:
        raise ServeError(str(exc)) from None
