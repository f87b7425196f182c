"""How a command of ``deploydl`` refuses to run: :class:`_Refused` carries the message and the
exit code to ``main``, which prints it with no traceback; :func:`_failing` turns a command's
expected errors into one."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


class _Refused(Exception):
    """A command cannot run; ``main`` prints the message (no traceback) and exits ``status``."""

    def __init__(self, message: str, *, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


#: What to do when a file the course ships is missing (the error names the file).
_RESTORE = ("restore it from the course's repository (git checkout -- that file), then run the "
            "command again")


@contextlib.contextmanager
def _failing(advice: dict[type[Exception], str]) -> Iterator[None]:
    """Turn an expected error of a command into one line for ``main``, which exits 1.

    ``advice`` maps each expected error type (the first that matches wins) to what to do, ""
    when the error's own message says it already. The line is the error's message (for a file
    error: the file and what is wrong with it), on one line, then that advice.
    """
    try:
        yield
    except tuple(advice) as exc:
        what = (f"{exc.filename}: {exc.strerror}" if isinstance(exc, OSError) and exc.filename
                else " ".join(str(exc).split()))
        to_do = next(text for kind, text in advice.items() if isinstance(exc, kind))
        raise _Refused(f"{what}; {to_do}" if to_do else what, status=1) from None
