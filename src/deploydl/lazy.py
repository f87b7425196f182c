"""Package attributes imported on first use (PEP 562), so a server imports only what it needs.

``from deploydl.serving import create_app`` must keep working, but a process that serves the
digits CNN should not pay for the loan service's monitoring, pandas and scikit-learn at
start-up (Module 05 measures start-up time and memory). A package lists what it offers and
where each name lives; :func:`lazy_exports` imports the module the first time a name is read.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(package: str, where: dict[str, str]) -> tuple[Callable[[str], Any],
                                                                Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``: ``where`` maps a name to its module.

    Examples
    --------
    >>> __getattr__, __dir__ = lazy_exports(__name__, {"create_app": ".app"})  # doctest: +SKIP
    """

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(where[name], package), name)
        globals_of(package)[name] = value  # cached: the next read is a plain attribute
        return value

    def __dir__() -> list[str]:
        return sorted({*globals_of(package), *where})

    return __getattr__, __dir__


def globals_of(package: str) -> dict[str, Any]:
    """The namespace of the already-imported module ``package``."""
    import sys

    return vars(sys.modules[package])
