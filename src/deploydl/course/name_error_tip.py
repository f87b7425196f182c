"""A tip under a NameError in the course's kernels: run the cells above first.

After a kernel restart, a learner who runs a cell in the middle of a lesson gets ``NameError:
name 'x' is not defined``: the cells above, which define ``x``, have not run in the new kernel.
This IPython extension shows that error exactly as before and prints one line of advice under
it, naming JupyterLab's menu item (Run → Run All Above Selected Cell). Other errors, and a
NameError raised inside a library rather than in the notebook's own code, get no tip.

How it reaches every kernel: ``make lab`` and ``make test`` run ``python -m
deploydl.course.name_error_tip install``, which writes an IPython configuration file into the
course's ``.venv`` (``.venv/etc/ipython/ipython_kernel_config.py``). IPython reads that folder
(``sys.prefix/etc/ipython``) in every kernel that the environment's Python starts, before any
cell runs: JupyterLab's kernels after a restart, nbval's and the grader's alike. The file loads
this module as an extension. The tip is printed as its own output after the error, so the
error's name, text and traceback (what ``deploydl grade`` records) stay as they were.

A kernel imports this module at start: it uses the standard library only.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import TracebackType
from typing import Any

#: The configuration file that IPython kernels (not the terminal IPython) read, in
#: ``<environment>/etc/ipython``.
CONFIG_FILE = "ipython_kernel_config.py"

#: This module's import name (``__name__`` is ``__main__`` when it runs as a command).
EXTENSION = "deploydl.course.name_error_tip"

#: The line that loads this module as an extension of every kernel of the environment.
LOAD = f'c.InteractiveShellApp.extensions.append("{EXTENSION}")'

#: What :func:`install` writes where there was no configuration file.
CONFIG = f'''\
# Written by `python -m {EXTENSION} install` (make lab, make test):
# every kernel of this environment prints a tip under a NameError (the cells above have not
# run). To turn the tip off, delete the line below (make lab writes it again when this file
# is missing or deploydl's tip module has changed).
{LOAD}
'''

#: The advice printed under a NameError; ``{name}`` is the missing name.
TIP = ("Tip: the cells above this one have probably not run since the kernel started (after a "
       "restart, or in a notebook just opened). Choose Run → Run All Above Selected Cell (in "
       "another editor, such as VS Code, run the cells above), then run this cell again. If "
       "they have run, check the spelling of '{name}'.")


def tip_for(error: BaseException, traceback: TracebackType | None,
            notebook_globals: dict[str, Any]) -> str | None:
    """The tip to print under ``error``, or None when it needs none.

    Only a plain NameError (not its subclass UnboundLocalError, a mistake inside one function)
    whose missing name was looked up in the notebook's own namespace ``notebook_globals`` (a
    cell, or a function a cell defined) gets the tip: a NameError inside a library is a bug
    there, which running the cells above would not fix.
    """
    name = getattr(error, "name", None)
    if type(error) is not NameError or name is None or traceback is None:
        return None
    while traceback.tb_next is not None:
        traceback = traceback.tb_next
    if traceback.tb_frame.f_globals is not notebook_globals:
        return None
    return TIP.format(name=name)


def _show_with_tip(shell: Any, etype: type[BaseException], value: BaseException,
                   tb: TracebackType | None, tb_offset: int | None = None) -> None:
    """IPython's handler for a NameError: the usual traceback, then the tip if one applies."""
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
    tip = tip_for(value, tb, shell.user_global_ns)
    if tip is not None:
        print(tip)


def load_ipython_extension(ipython: Any) -> None:
    """Show :data:`TIP` under each NameError in ``ipython`` (IPython calls this at load)."""
    ipython.set_custom_exc((NameError,), _show_with_tip)


def config_path(prefix: Path) -> Path:
    """Where IPython kernels of the environment at ``prefix`` (its ``sys.prefix``) read
    :data:`CONFIG_FILE`."""
    return prefix / "etc" / "ipython" / CONFIG_FILE


def install(prefix: Path) -> Path:
    """Load the tip in every kernel of the environment at ``prefix``; returns the file.

    Where the environment has no kernel configuration yet (the course's ``.venv``), or only
    the one this function wrote, it gets :data:`CONFIG`. One of its own (a JupyterHub's or an
    image's shared environment, with an administrator's settings) keeps every line, and gets
    :data:`LOAD` added at its end unless it has it already.
    """
    path = config_path(prefix)
    path.parent.mkdir(parents=True, exist_ok=True)
    ours = CONFIG.partition("\n")[0]
    if not path.exists() or path.read_text(encoding="utf-8").startswith(ours):
        path.write_text(CONFIG, encoding="utf-8")
    elif LOAD not in path.read_text(encoding="utf-8"):
        with path.open("a", encoding="utf-8") as config:
            config.write(f"\n# Added by `python -m {EXTENSION} install`: a tip under a "
                         f"NameError.\n{LOAD}\n")
    return path


def main(argv: list[str]) -> int:
    """``python -m deploydl.course.name_error_tip install``: install the tip into the running
    Python's environment; returns the exit status."""
    if argv != ["install"]:
        print(f"usage: python -m {EXTENSION} install (got {' '.join(argv) or 'no command'})",
              file=sys.stderr)
        return 2
    try:
        path = install(Path(sys.prefix))
    except OSError as error:
        print(f"Cannot write the NameError tip's configuration ({error}). Run this with the "
              "Python of an environment you can write (the course's .venv), or as its owner "
              "(sudo on a shared one).", file=sys.stderr)
        return 1
    print(f"NameError tip for this environment's kernels: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
