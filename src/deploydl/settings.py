"""One settings object for the whole course, read from ``DEPLOYDL_*`` environment variables.

Nothing is read at import time: call :func:`get_settings` (tests and notebooks may also build a
:class:`Settings` directly, e.g. ``Settings(api_key="s3cret")``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The most applicants one request may hold, whatever ``max_batch`` says: a longer list is
#: refused before any applicant in it is validated (:class:`deploydl.serving.schemas.Batch`).
MOST_APPLICANTS = 1000
#: The longest ``read_timeout_s``. At a graceful shutdown uvicorn closes at once a connection
#: still sending its headers; a request whose body is still arriving may take this long more,
#: and then be scored: 12 s leaves 18 s of the server's 30 s
#: (``deploydl.serving.server.GRACEFUL_SECONDS``) to score it before SIGTERM cuts it off.
MOST_READ_TIMEOUT_S = 12.0


def _default_home() -> Path:
    return Path.home() / ".cache" / "deploydl"


class Settings(BaseSettings):
    """Settings shared by the service, the command line and the notebooks.

    Every field can be set from the environment, e.g. ``DEPLOYDL_PORT=8080``.
    """

    model_config = SettingsConfigDict(env_prefix="DEPLOYDL_", extra="ignore")

    host: str = Field("127.0.0.1", description="Address the service listens on.")
    port: int = Field(8000, ge=0, le=65535, description="Port; 0 picks a free one.")
    api_key: str | None = Field(None, repr=False, description=(
        "If set, requests must send it as X-API-Key. Never shown in the settings' repr."))
    max_body_bytes: int = Field(1_000_000, gt=0, description="Largest request body accepted.")
    max_batch: int = Field(MOST_APPLICANTS, gt=0, le=MOST_APPLICANTS,
                           description="Most applicants in one /predict request.")
    torch_threads: int = Field(1, gt=0, description="Threads torch uses per request.")
    read_timeout_s: float = Field(10.0, gt=0, description=(
        "Seconds a client may take to send its request headers, and again its body; a "
        "slower client gets a 408 and the connection is closed."))
    home: Path = Field(default_factory=_default_home,
                       description="Where cached models and logs are kept.")
    release_window: str | None = Field(None, description=(
        "The weekly maintenance window in UTC, e.g. 'Sun 02:00-06:00': outside it the "
        "registry and the service refuse a release unless an emergency is declared with a "
        "reason (Module 06). Empty: every hour is open, as in a sandbox."))

    @field_validator("read_timeout_s")
    @classmethod
    def _fits_graceful_shutdown(cls, value: float) -> float:
        if value > MOST_READ_TIMEOUT_S:
            raise ValueError(
                f"read_timeout_s is {value:g}; the most is {MOST_READ_TIMEOUT_S:g} s. A body "
                "still arriving at shutdown may take that long, and its scoring must fit in "
                "the rest of the 30 s graceful shutdown, or SIGTERM cuts the request off. "
                f"Set DEPLOYDL_READ_TIMEOUT_S to {MOST_READ_TIMEOUT_S:g} or less.")
        return value

    @field_validator("release_window")
    @classmethod
    def _window_reads(cls, value: str | None) -> str | None:
        if not value:
            return None
        from deploydl.monitoring.window import MaintenanceWindow

        MaintenanceWindow.parse(value)
        return value


def get_settings(**overrides: Any) -> Settings:
    """Build the settings from the environment, with keyword ``overrides`` on top.

    pydantic validates and converts each override as it would the environment's text
    (``port="8080"`` is accepted), so the values are typed ``Any`` here.
    """
    return Settings(**overrides)


def without_settings(environ: Mapping[str, str]) -> dict[str, str]:
    """``environ`` less the variables that set one of the course's settings
    (``DEPLOYDL_API_KEY``, ``DEPLOYDL_PORT`` and the rest, in any case, as :class:`Settings`
    reads them): what a run needs whose results must not depend on the shell that started it,
    such as the stored outputs of a notebook. Other ``DEPLOYDL_*`` variables stay."""
    names = {f"DEPLOYDL_{field.upper()}" for field in Settings.model_fields}
    return {name: value for name, value in environ.items() if name.upper() not in names}


def settings_problems(exc: Exception) -> list[str] | None:
    """One line per wrong ``DEPLOYDL_*`` variable if ``exc`` is the settings' ValidationError
    (what ``deploydl`` prints, and ``deploydl doctor`` reports); None for any other error."""
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError) or exc.title != "Settings":
        return None
    return [f"- DEPLOYDL_{'_'.join(map(str, e['loc'])).upper()}={e.get('input')!r}: "
            f"{e['msg'][0].lower()}{e['msg'][1:]}" for e in exc.errors()]
