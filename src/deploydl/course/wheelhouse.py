"""The offline room kit's licence inventory (``make wheelhouse``, ``make kit-check``).

A wheelhouse handed out on a USB stick redistributes every wheel in it, so it carries each
wheel's licence: :func:`write_inventory` writes ``THIRD_PARTY_LICENSES.md`` into the wheelhouse,
one row per wheel (name, version, licence expression and the licence files the wheel ships,
all read from its ``.dist-info``), and adds the full licence text that a wheel's licence asks
to be given to recipients when the wheel itself ships none (the Apache License 2.0, section
4(a): flatbuffers' wheel, for one, has no licence file). :func:`unlicensed` names the wheels
that have neither a licence file nor a row in the inventory, so ``make kit-check`` fails on a
kit that was copied without it. A wheel that cannot be read (no ``METADATA``, a damaged zip)
stops both with one line naming it (:class:`WheelError`). :func:`prune_kits` removes the test
kits no run has used for two weeks.

Standard library only: the Makefile runs it (``python -m deploydl.course.wheelhouse``, with
``src`` on the path) in a venv that may hold nothing but pip.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path

INVENTORY = "THIRD_PARTY_LICENSES.md"
#: The Apache License 2.0, verbatim (https://www.apache.org/licenses/LICENSE-2.0.txt).
APACHE_TEXT = Path(__file__).with_name("Apache-2.0.txt")
_LICENCE_FILE = re.compile(r"^(licen[cs]e|copying|notice|thirdpartynotices)", re.IGNORECASE)
#: Never a licence file, whatever its name (jupyterlab_server's licenses_app.py is code).
_CODE = frozenset({".py", ".pyc", ".pyi", ".pyd", ".so", ".dll", ".dylib", ".exe", ".js",
                   ".c", ".h", ".cpp"})
#: Outside ``.dist-info`` a licence file is text: LICENSE, LICENSE.txt, LICENSE.APACHE, ...
_TEXT = frozenset({"", ".txt", ".md", ".rst", ".text"})
#: The Apache License 2.0 alone, however a wheel spells it (matched on lower case words):
#: "Apache-2.0", "Apache 2", "Apache License v2.0", "Apache License, Version 2.0", ...
_APACHE = re.compile(r"apache( software)?( licen[cs]e)?( version| v)? ?v?(2(\.0)*)?"
                     r"( licen[cs]e)?")
#: Rows list at most this many licence files (torch ships hundreds); the count says the rest.
_SHOWN = 5
#: A cached kit's folder name: the first 12 hex digits of its dependency lists' sha256.
_KIT_NAME = re.compile(r"[0-9a-f]{12}")
#: Days after which a cached kit no run has used is removed (:func:`prune_kits`).
UNUSED_DAYS = 14


@dataclass(frozen=True)
class WheelLicence:
    """What one wheel says about its licence."""

    wheel: str
    name: str
    version: str
    expression: str
    files: tuple[str, ...]

    @property
    def apache(self) -> bool:
        """The licence is the Apache License 2.0 alone."""
        words = " ".join(re.sub(r"[-_,()]", " ", self.expression.lower()).split())
        return _APACHE.fullmatch(words) is not None


class WheelError(ValueError):
    """A wheel in the wheelhouse cannot be read; the message names it and what to do."""


def _one_line(text: object) -> str:
    """``text`` with every run of whitespace (a folded header's line breaks) as one space."""
    return " ".join(str(text).split())


def _expression(meta) -> str:
    """The licence as the metadata states it: ``License-Expression`` (PEP 639), else a short
    ``License`` field, else the ``License ::`` classifiers; "unknown" when none says. Always
    on one line, so the inventory's row stays one row."""
    if meta.get("License-Expression"):
        return _one_line(meta["License-Expression"])
    field = _one_line(meta.get("License") or "")
    if field and len(field) <= 60 and field.upper() != "UNKNOWN":
        return field
    classifiers = [str(c).split("::")[-1].strip() for c in meta.get_all("Classifier") or []
                   if str(c).startswith("License ::")]
    return _one_line(" AND ".join(classifiers)) or "unknown"


def _licence_file(name: str) -> bool:
    """Whether the wheel member ``name`` is a licence file: in the top ``.dist-info`` folder,
    anything under ``licenses/`` (PEP 639) or named LICENSE*, COPYING*, NOTICE*; elsewhere a
    text file so named at the top of the wheel or of its package folder (onnxruntime/LICENSE).
    Never code: licenses_app.py is a module, not a licence."""
    parts = name.split("/")
    suffix = Path(parts[-1]).suffix.lower()
    if name.endswith("/") or suffix in _CODE:
        return False
    named = _LICENCE_FILE.match(parts[-1]) is not None
    if len(parts) > 1 and parts[0].endswith(".dist-info"):
        return named or parts[1] == "licenses"
    return named and len(parts) <= 2 and (suffix in _TEXT or suffix[1:].isupper())


def read_wheel(path: Path) -> WheelLicence:
    """The licence of the wheel at ``path``, from its ``.dist-info/METADATA``, and the licence
    files it ships (:func:`_licence_file`). Raises :class:`WheelError` for a wheel without
    ``METADATA`` or one that is not a readable zip."""
    again = ("delete it and run make wheelhouse again on a connected machine (it fetches what "
             "is missing)")
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            metadata = next((n for n in names if n.count("/") == 1
                             and n.endswith(".dist-info/METADATA")), None)
            if metadata is None:
                raise WheelError(f"{path.name}: no .dist-info/METADATA, so not a wheel pip can "
                                 f"install; {again}")
            meta = Parser().parsestr(archive.read(metadata).decode("utf-8", "replace"),
                                     headersonly=True)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise WheelError(f"{path.name}: not a readable wheel ({type(exc).__name__}: "
                         f"{_one_line(exc)}); {again}") from None
    files = tuple(n for n in names if _licence_file(n))
    return WheelLicence(path.name, _one_line(meta["Name"]), _one_line(meta["Version"]),
                        _expression(meta), files)


def inventory(wheelhouse: Path) -> list[WheelLicence]:
    """Every wheel in ``wheelhouse``, sorted by file name."""
    return [read_wheel(p) for p in sorted(wheelhouse.glob("*.whl"))]


def render_inventory(wheels: list[WheelLicence]) -> str:
    """``THIRD_PARTY_LICENSES.md``: a table of every wheel, then the Apache License 2.0 in full
    when a wheel under it ships no licence file of its own."""
    def cell(text: str) -> str:
        return _one_line(text).replace("|", "\\|")

    rows = []
    for w in wheels:
        shown = ", ".join(f"`{f}`" for f in w.files[:_SHOWN])
        more = f" and {len(w.files) - _SHOWN} more" if len(w.files) > _SHOWN else ""
        files = shown + more if w.files else (
            "none in the wheel: the Apache License 2.0 is below" if w.apache
            else "none in the wheel")
        rows.append(f"| `{w.wheel}` | {cell(w.name)} | {cell(w.version)} | "
                    f"{cell(w.expression)} | {files} |")
    text = ("# Third-party licences of this wheelhouse\n\n"
            "Written by `make wheelhouse` from each wheel's `.dist-info` (METADATA and the licence "
            "files it ships). Hand this file on with the wheels. The course's own licences are in "
            "its `LICENSE` and `LICENSES/`.\n\n"
            "| wheel | name | version | licence | licence files in the wheel |\n"
            "|---|---|---|---|---|\n" + "\n".join(rows) + "\n")
    bare = [w.name for w in wheels if w.apache and not w.files]
    if bare:
        text += (f"\n## Apache License 2.0\n\nFor {', '.join(bare)}, whose wheels ship no "
                 "licence file (the licence, section 4(a), asks that recipients get a copy):\n\n"
                 "```text\n" + APACHE_TEXT.read_text(encoding="utf-8").strip("\n") + "\n```\n")
    return text


def write_inventory(wheelhouse: Path) -> Path:
    """Write ``THIRD_PARTY_LICENSES.md`` into ``wheelhouse`` and return its path."""
    out = wheelhouse / INVENTORY
    out.write_text(render_inventory(inventory(wheelhouse)), encoding="utf-8")
    return out


def unlicensed(wheelhouse: Path) -> list[str]:
    """The wheels in ``wheelhouse`` with neither a licence file nor a row in its inventory."""
    listed = wheelhouse / INVENTORY
    text = listed.read_text(encoding="utf-8") if listed.exists() else ""
    return [w.wheel for w in inventory(wheelhouse)
            if not w.files and f"| `{w.wheel}` |" not in text]


def prune_kits(keep: Path, *, unused_days: float = UNUSED_DAYS,
               say: Callable[[str], object] = print) -> list[Path]:
    """Mark the kit ``keep`` used now, and delete the kits cached beside it that no run has
    used for ``unused_days``; return the folders removed.

    The offline kit's tests (``tests/course/test_offline_kit.py``) cache one wheelhouse per
    set of dependency lists, in a folder named by the lists' digest, about 400 MB each, shared
    by every checkout of the course on the machine. Each run marks its own kit used (the kit
    tests do so before they build it, too), so a checkout on other dependency lists that
    still runs keeps its kit, and a kit being built is never old. Only folders named like a
    kit (12 hex digits) are removed, never ``keep``. ``say`` gets one line naming them and
    the megabytes that came back, and one naming any it could not remove; nothing when there
    was nothing to do.
    """
    if keep.is_dir():
        os.utime(keep)
    cache, cutoff = keep.parent, time.time() - unused_days * 86_400
    old = sorted(p for p in (cache.iterdir() if cache.is_dir() else ())
                 if p != keep and _KIT_NAME.fullmatch(p.name) and p.is_dir()
                 and not p.is_symlink() and p.stat().st_mtime < cutoff)
    removed, failed, freed = [], [], 0
    for folder in old:
        size = _folder_bytes(folder)
        try:
            shutil.rmtree(folder)
        except FileNotFoundError:  # a second test worker removed it first
            continue
        except OSError as exc:
            failed.append(f"{folder.name} ({exc.strerror or exc})")
            continue
        removed.append(folder)
        freed += size
    if removed:
        say(f"wheelhouse cache: removed the kits no run has used for {unused_days:g} days from "
            f"{cache} ({', '.join(p.name for p in removed)}): {freed / 1e6:,.0f} MB freed")
    if failed:
        say(f"wheelhouse cache: could not remove {', '.join(failed)} from {cache}; delete "
            "them by hand if no checkout uses them")
    return removed


def _folder_bytes(folder: Path) -> int:
    """Bytes in the files under ``folder`` (links not followed; a file gone meanwhile: 0)."""
    total = 0
    for parent, _, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(FileNotFoundError):
                total += os.lstat(os.path.join(parent, name)).st_size
    return total


def main(argv: list[str] | None = None) -> int:
    """``write DIR``: write the inventory; ``check DIR``: exit 1 naming unlicensed wheels."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or args[0] not in ("write", "check"):
        print("usage: python -m deploydl.course.wheelhouse write|check WHEELHOUSE",
              file=sys.stderr)
        return 2
    wheelhouse = Path(args[1])
    command = "wheelhouse" if args[0] == "write" else "kit-check"
    if not wheelhouse.is_dir() or not any(wheelhouse.glob("*.whl")):
        what = "holds no wheel (*.whl)" if wheelhouse.is_dir() else "is not a folder"
        print(f"{command}: {wheelhouse} {what}; run make wheelhouse WHEELHOUSE={wheelhouse} on a "
              "connected machine, or give the folder that holds the wheels", file=sys.stderr)
        return 1
    try:
        if args[0] == "write":
            print(f"wheelhouse: wrote {write_inventory(wheelhouse)}")
            return 0
        missing = unlicensed(wheelhouse)
    except WheelError as exc:
        print(f"{command}: {exc}", file=sys.stderr)
        return 1
    if missing:
        print(f"kit-check: no licence file in the wheel and no row in {wheelhouse / INVENTORY}"
              f" for {', '.join(missing)}: run make wheelhouse WHEELHOUSE={wheelhouse} to "
              "write the inventory", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
