"""``deploydl serve``: the service as a real uvicorn process (Module 04).

With no model path it builds the course's default model once, saves it as an artifact under
``Settings.home`` and serves that; later runs reuse the cached artifact. Every artifact is
verified (sha256) before it is loaded, so a tampered file stops start-up with a message.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from deploydl.registry import ArtifactError, load_artifact, save_model, verify
from deploydl.serving.app import create_app
from deploydl.serving.middleware import ACCESS_LOG
from deploydl.settings import Settings, get_settings

#: Name and version of the default case-study model that ``deploydl serve`` builds.
DEFAULT_NAME, DEFAULT_VERSION = "loan-default", "1.0.0"
#: Seconds uvicorn waits for in-flight requests after SIGTERM or Ctrl-C before it closes them.
GRACEFUL_SECONDS = 30
_MODEL_ENV = "DEPLOYDL_SERVE_MODEL"


class ServeError(RuntimeError):
    """The service cannot start; the message says why and what to do."""


def default_artifact(settings: Settings | None = None) -> Path:
    """The default model's artifact folder, trained and saved on first use (a few seconds).

    It is trained on 5,000 generated applicants (seed 0) and its ROC AUC is measured on
    2,000 others (seed 1) and stored in the metadata.
    """
    settings = settings or get_settings()
    folder = Path(settings.home) / "models" / DEFAULT_NAME / DEFAULT_VERSION
    if folder.exists():
        return folder
    import torch

    from deploydl.serving.packaging import train_measured

    torch.set_num_threads(settings.torch_threads)  # more threads than cores is much slower
    model, table, _ = train_measured()
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".building-"))
    try:
        save_model(model, staging / "artifact", training_data=table)
        os.replace(staging / "artifact", folder)  # atomic: never a half-written cache
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


def app_from_artifact(path: str | Path, settings: Settings | None = None, *,
                      threshold: float = 0.5) -> FastAPI:
    """Verify and load the artifact at ``path`` and build the service for it."""
    model, artifact = load_artifact(path)
    return create_app(model, settings, threshold=threshold, artifact=artifact)


def serve(model_path: str | Path | None = None, *, host: str | None = None,
          port: int | None = None, api_key_env: str | None = None, workers: int = 1) -> None:
    """Serve until stopped (Ctrl-C or SIGTERM finish in-flight requests first).

    Raises
    ------
    ServeError
        The artifact is missing or damaged, the API key variable is unset, or the port is busy.
    """
    settings = get_settings(**_api_key(api_key_env))
    host = host or settings.host
    port = settings.port if port is None else port
    try:
        path = Path(model_path) if model_path else default_artifact(settings)
        artifact = verify(path)
    except ArtifactError as exc:
        raise ServeError(f"Refusing to start: {exc}") from None
    sock = _bind(host, port)
    _log_access_to_stdout()
    url = f"http://{host}:{sock.getsockname()[1]}"
    print(f"Serving {artifact.metadata['name']} {artifact.version} (weights sha256 "
          f"{artifact.sha256[:12]}) at {url}\nAPI docs: {url}/docs\nPress Ctrl-C to stop.",
          flush=True)
    common = {"log_level": "warning", "access_log": False, "lifespan": "on",
              "timeout_graceful_shutdown": GRACEFUL_SECONDS}
    try:
        if workers == 1:
            app = app_from_artifact(path, settings)
            uvicorn.Server(uvicorn.Config(app, **common)).run(sockets=[sock])
        else:
            _serve_workers(path, settings, sock, workers, common)
    except KeyboardInterrupt:  # uvicorn re-raises Ctrl-C once in-flight requests are done
        pass
    finally:
        sock.close()
    print("Stopped.", flush=True)


def worker_app() -> FastAPI:
    """The app each ``--workers`` process builds (uvicorn imports this by name)."""
    _log_access_to_stdout()
    return app_from_artifact(os.environ[_MODEL_ENV])


def _serve_workers(path: Path, settings: Settings, sock: socket.socket, workers: int,
                   common: dict) -> None:
    from uvicorn.supervisors import Multiprocess

    os.environ[_MODEL_ENV] = str(path.resolve())
    if settings.api_key:
        os.environ["DEPLOYDL_API_KEY"] = settings.api_key
    config = uvicorn.Config("deploydl.serving.server:worker_app", factory=True,
                            workers=workers, **common)
    Multiprocess(config, sockets=[sock]).run()


def _api_key(env_name: str | None) -> dict[str, str]:
    if env_name is None:
        return {}
    value = os.environ.get(env_name)
    if not value:
        raise ServeError(f"--api-key-env {env_name}: that environment variable is not set "
                         f"or empty. Set it (e.g. export {env_name}=...) and start again.")
    return {"api_key": value}


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if sys.platform != "win32":
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ServeError(f"Port {port} on {host} is not available ({exc.strerror}). Stop the "
                         "program using it, or pick another with --port (0 picks a free one)."
                         ) from None
    sock.listen(2048)
    return sock


def _log_access_to_stdout() -> None:
    if not ACCESS_LOG.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        ACCESS_LOG.addHandler(handler)
    ACCESS_LOG.setLevel(logging.INFO)
    ACCESS_LOG.propagate = False
