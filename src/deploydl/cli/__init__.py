"""The ``deploydl`` command. Names and exit codes are a contract (see DESIGN.md).

This package holds the parser and :func:`main`; each group of commands lives in its own module:

* :mod:`~deploydl.cli.learner`: doctor, progress, demo;
* :mod:`~deploydl.cli.instructor`: labs, grade, refresh, slides, agenda, kit;
* :mod:`~deploydl.cli.benchmark`: bench, capacity;
* :mod:`~deploydl.cli.serving`: serve;

with what they share in :mod:`~deploydl.cli.arguments` (option types),
:mod:`~deploydl.cli.paths` (the course folder, wildcards) and :mod:`~deploydl.cli.refusals`
(a command that cannot run: its message and exit code).
"""

from __future__ import annotations

import argparse
import os
import sys

from deploydl.cli.benchmark import DEFAULT_RESULTS, _add_bench_commands
from deploydl.cli.instructor import _add_instructor_commands
from deploydl.cli.learner import _add_learner_commands
from deploydl.cli.refusals import _Refused
from deploydl.cli.serving import _add_serve_command

__all__ = ["DEFAULT_RESULTS", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="deploydl", description=(
        "Deploying Deep Learning: the course's command line."))
    # not required=True: argparse would then say only "the following arguments are required:
    # command" for `deploydl --bogus`, never naming --bogus; main asks for a command instead
    commands = parser.add_subparsers(dest="command")
    for add_commands in (_add_learner_commands, _add_instructor_commands, _add_bench_commands,
                         _add_serve_command):
        add_commands(commands)
    return parser


def _setup_output() -> None:
    """Make printing never fail on the characters the course prints (✓ ✅ ❌ ⏳).

    Where stdout or stderr cannot encode them (Windows writes to a file or a pipe in its
    ANSI code page, cp1252), a file or a pipe gets UTF-8: ``deploydl grade --format markdown
    > report.md`` then holds the real marks, which every editor and Git host shows; a
    terminal that cannot show them gets ``?`` in their place (``errors="replace"``), not a
    UnicodeEncodeError halfway through a command.
    """
    import contextlib
    import io

    for stream in (sys.stdout, sys.stderr):
        if not isinstance(stream, io.TextIOWrapper):
            continue  # replaced by a caller (a test, a notebook): not ours to change
        try:
            "\u2713\u2705\u274c\u23f3".encode(stream.encoding)
            continue
        except (UnicodeEncodeError, LookupError):
            pass
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
            if stream.isatty():
                stream.reconfigure(errors="replace")
            else:
                stream.reconfigure(encoding="utf-8", errors="replace")


def main(argv: list[str] | None = None) -> int:
    _setup_output()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # checked here, not by argparse: an unknown option is named first
        parser.error("give a command, one of those in braces above (deploydl --help says "
                     "what each does)")
    try:
        status: int = args.run(args)
        sys.stdout.flush()  # a reader that left shows here, not as "Exception ignored" at exit
        return status
    except BrokenPipeError:
        _stop_writing_to_stdout()
        return 1
    except _Refused as exc:
        print(f"deploydl {args.command}: {exc}", file=sys.stderr)
        return exc.status
    except Exception as exc:
        from deploydl.settings import settings_problems

        problems = settings_problems(exc)
        if problems is None:
            raise
        print(f"deploydl {args.command}: the environment sets a DEPLOYDL_* variable wrongly:\n"
              + "\n".join(problems) + "\nFix or unset it and run the command again.",
              file=sys.stderr)
        return 2


def _stop_writing_to_stdout() -> None:
    """End quietly when the reader of a pipe stops early (``deploydl demo | head``).

    Python's documented recipe: point stdout at the null device, so the final flush at
    exit cannot raise a second BrokenPipeError. The exit status is 1, as Python's own.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
