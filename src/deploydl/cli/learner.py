"""The commands a learner runs: ``deploydl doctor``, ``progress`` and ``demo``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from deploydl.cli.arguments import _SECONDS_PER_CELL, _Commands, _root_argument
from deploydl.cli.paths import _course_or_none, _course_root, _writable
from deploydl.cli.refusals import _Refused


def _doctor(args: argparse.Namespace) -> int:
    from deploydl.course.doctor import doctor

    # the course checkout at or above --root, as `progress` and `labs` find it; outside one,
    # the "course folders" check says so
    root = _course_or_none(Path(args.root)) or Path(args.root).resolve()
    ok, table = doctor(root)
    print(table)
    return 0 if ok else 1


def _progress(args: argparse.Namespace) -> int:
    from deploydl.assessment.scoring import progress_line
    from deploydl.course.labs import LabSourceError
    from deploydl.course.progress import ProgressCacheError, progress, render

    root = _course_root(args.root)
    notes: list[str] = []
    try:
        print(render(progress(root, timeout=args.timeout, notes=notes),
                     assessment=progress_line(root)))
    except ProgressCacheError as exc:
        print(f"deploydl progress: {exc}", file=sys.stderr)
        return 1
    except LabSourceError as exc:
        print(f"deploydl progress: {exc}", file=sys.stderr)
        return 2
    for note in notes:
        print(f"deploydl progress: {note}", file=sys.stderr)
    return 0


def _demo(args: argparse.Namespace) -> int:
    import tempfile

    from deploydl.capstone.project import run_demo
    from deploydl.present.report import chromium_advice, find_chromium

    folder = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="deploydl-demo-"))
    if folder.exists() and not folder.is_dir():
        raise _Refused(f"{folder} is a file; give an empty or new folder with --out.",
                       status=1)
    if folder.exists() and any(folder.iterdir()):
        raise _Refused(f"{folder} is not empty; give an empty or new folder with --out.",
                       status=1)
    try:  # before any stage runs: a folder that cannot be written would fail after three
        _writable(folder)
    except OSError as exc:
        raise _Refused(f"cannot create --out {folder}: {exc.strerror or exc}; give a folder "
                       "you can write to.", status=1) from exc
    pdf = not args.no_pdf and find_chromium() is not None
    paths = run_demo(folder, pdf=pdf)
    print(f"\nThe executive brief: {paths['brief']}")
    print(f"Technical appendix (model card): {paths['model_card']}")
    print(f"PDF: {paths['pdf']}" if "pdf" in paths else "PDF: not written" + (
          " (--no-pdf)." if args.no_pdf else f": Chromium is not installed ({chromium_advice()}"
          "), or print the HTML from a browser."))
    return 0


def _add_learner_commands(commands: _Commands) -> None:
    """The commands a learner runs: doctor, progress, demo."""
    doctor = commands.add_parser("doctor", help="check this machine is ready for the course")
    _root_argument(doctor)
    doctor.set_defaults(run=_doctor)

    progress = commands.add_parser("progress", help="your progress through the course")
    _root_argument(progress)
    progress.add_argument("--timeout", type=_SECONDS_PER_CELL, default=120,
                          help="seconds per cell (default 120)")
    progress.set_defaults(run=_progress)

    demo = commands.add_parser("demo", help="the whole life cycle in under 20 seconds, in the "
                               "terminal")
    demo.add_argument("--out", metavar="DIR", help="an empty folder for the artifacts "
                      "(default: a new temporary folder)")
    demo.add_argument("--no-pdf", action="store_true", help="skip the PDF even if Chromium "
                      "is installed")
    demo.set_defaults(run=_demo)
