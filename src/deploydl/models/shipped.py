"""Reading the trained models the course ships as files (Modules 02, 03 and 05).

:mod:`~deploydl.models.charlm`, :mod:`~deploydl.models.vision` and :mod:`~deploydl.models.gan`
each ship one ``.safetensors`` file beside their code. :func:`load_shipped` reads one, and
turns a missing or damaged file into an error that names it and says how to get the model back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

_Model = TypeVar("_Model")


class ShippedModelMissing(FileNotFoundError):
    """A model file the course ships is not there; the message says how to restore it."""


class ShippedModelDamaged(ValueError):
    """A model file the course ships cannot be loaded (cut short, or another model's
    tensors); the message says how to restore it."""


def load_shipped(path: Path, read: Callable[[Path], _Model], *, retrain: str) -> _Model:
    """``read(path)``, or an error that names ``path`` and says what to do if it fails.

    Parameters
    ----------
    path
        The shipped file; its name is the one it has in the course's ``src/deploydl/models/``.
    read
        Reads the model from ``path``.
    retrain
        One or two sentences: how to make the model again without the file.

    Raises
    ------
    ShippedModelMissing
        ``path`` is not a file.
    ShippedModelDamaged
        ``read`` failed on it: safetensors cannot parse it, or its tensors do not fit the
        network (another model's file, or one cut short).
    """
    if not path.is_file():
        raise ShippedModelMissing(_advice(path, "is missing", retrain))
    try:
        return read(path)
    except OSError:
        raise  # not the file's content (no permission to read it, say): its own message fits
    except Exception as exc:  # noqa: BLE001 - safetensors, torch and the metadata raise several
        cause = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        raise ShippedModelDamaged(_advice(path, f"is damaged and cannot be loaded ({cause})",
                                          retrain)) from None


def _advice(path: Path, what: str, retrain: str) -> str:
    return (f"{path} {what}. The course ships this file with the deploydl package; restore "
            f"it: in a clone of the course's repository run `git checkout -- "
            f"src/deploydl/models/{path.name}`, or reinstall the deploydl package the way you "
            f"installed it. {retrain}")
