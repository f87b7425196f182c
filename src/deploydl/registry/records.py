"""The registry's two records of each model, read and checked (Modules 04 and 06).

``stages.json`` holds each stage's versions, oldest first (the last is the current one, the
ones before it are what a rollback returns to); ``releases.jsonl`` holds one JSON line per
change to production. A file that cannot be read is refused with what is wrong and what to do;
a last release line cut off as it was written (a crash, a power cut, a full disk) is left out
with a :class:`TornRecordWarning`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from deploydl.integrity import VERSION_PATTERN, ArtifactError
from deploydl.registry.artifact import _load_object

STAGES = ("staging", "production")


class TornRecordWarning(UserWarning):
    """A release record in ``releases.jsonl`` was cut off as it was written, so that release
    did not happen; the record is left out. Silence it with
    ``warnings.simplefilter("ignore", deploydl.registry.TornRecordWarning)``."""


#: What to do about a ``stages.json`` that cannot be read.
_STAGES_ADVICE = (
    "It is the registry's record of the version in each stage and of the ones before it (for "
    "rollbacks), so nothing is loaded, promoted or rolled back from it. Restore it from "
    "version control or a backup (the deployment workflow commits it after each release); "
    "without one, delete it and promote again the version that should be in each stage (the "
    "rollback history then starts afresh).")
#: What to do about a ``releases.jsonl`` that cannot be read.
_RELEASES_ADVICE = (
    "It is the registry's record of every change to production. Restore it from version "
    "control or a backup (the deployment workflow commits it after each release); do not "
    "edit it by hand.")
#: What to do about a line of ``releases.jsonl`` that stops before its closing brace yet ends
#: in its newline: an earlier deploydl wrote the next record after one cut off.
_TORN_RECORD_ADVICE = (
    "The line ends before its closing brace: a release record cut short by a crash while it "
    "was written, so that release is not recorded whole. Restore it from version control "
    "or a backup if you can; if not, delete that one line (the records after it are "
    "whole) and check the production stage with registry.stage(NAME, 'production').")


def _torn_line_left_out(path: Path, number: int, copy: Path, *, name: str) -> str:
    """The warning for a last line of ``path`` (line ``number``) whose write was cut off."""
    return (f"{path}, line {number}, ends without a newline: it is the start of a release "
            "record whose write was cut off (a crash, a power cut or a full disk), so that "
            "release did not happen, and it is left out. Check the version in production "
            f"with registry.stage({name!r}, 'production') and promote again if that release "
            f"is still wanted. Nothing is lost: the next release moves the cut-off bytes to "
            f"{copy} and writes its own record on line {number}.")


def _read_stages(path: Path) -> dict[str, list[str]]:
    """The history in ``stages.json``, refused with what is wrong and what to do unless it
    holds a list of versions for each stage."""
    history = _load_object(path.read_bytes(), source=path, advice=_STAGES_ADVICE)
    problem = _stages_problem(history)
    if problem is not None:
        raise ArtifactError(f"{path} {problem}. {_STAGES_ADVICE}")
    return history


def _stages_problem(history: dict[str, Any]) -> str | None:
    """What is wrong with the content of ``stages.json``, or None if nothing is."""
    for stage in STAGES:
        versions = history.get(stage)
        if not isinstance(versions, list):
            return f"has no list of versions under {stage!r} (got {versions!r:.80})"
        wrong = [v for v in versions if not (isinstance(v, str)
                                             and VERSION_PATTERN.fullmatch(v))]
        if wrong:
            return f"lists {wrong[0]!r} under {stage!r}, which is not a version"
    return None


def _cut_off(last: bytes) -> bool:
    """True for a last line of ``releases.jsonl`` (no newline after it) that an interrupted
    append left: the start of a record as :meth:`ModelRegistry._record` writes it (an object,
    on one line, no carriage return) that is not a whole JSON object."""
    if not last.startswith(b"{") or b"\r" in last:
        return False
    try:
        return not isinstance(json.loads(last), dict)
    except (ValueError, RecursionError):  # not UTF-8, not JSON, nested too deeply
        return True


def _torn(line: bytes) -> bool:
    """True for a release record begun but not finished: it opens an object and does not
    close it (a record cut off, then followed by another by an earlier deploydl)."""
    text = line.strip()
    return text.startswith(b"{") and not text.endswith(b"}")
