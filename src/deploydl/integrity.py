"""Integrity checks for model artifacts: names, metadata, hashes and signatures (Module 04).

A sha256 in the manifest shows that a file is the one the manifest describes: it catches a
flipped bit, a truncated copy or a file replaced by mistake. It does **not** stop someone who
can write to the artifact, because they can recompute the manifest for their own weights.
A **signature** does: :func:`sign_artifact` writes an HMAC-SHA256 of the manifest made with a
secret key kept outside the artifact (a secret store, a Kubernetes Secret), and
:func:`check_signature` refuses any manifest that the key did not sign. HMAC uses one shared
key for signing and checking; a public-key signature (Ed25519) would let the server hold only
a key that can check, not sign.

Every JSON file the course reads back (an artifact's files, the registry's records, a dataset
card, an assessment store, the benchmark results ``deploydl capacity`` plans from, the
progress cache) goes through :func:`read_json_object`, so damaged or hostile content is
refused in the same words everywhere; the service's request bodies get the same words too
(:func:`json_problem`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

SIGNATURE = "signature.json"
SHA256_PATTERN = re.compile(r"[0-9a-f]{64}")
#: Shortest signing key accepted, in bytes (HMAC-SHA256 keys should hold at least 128 bits).
MIN_KEY_BYTES = 16
#: The command that makes a random key of 64 hex characters (32 random bytes), for messages.
MAKE_KEY = 'python -c "import secrets; print(secrets.token_hex(32))"'


class ArtifactError(RuntimeError):
    """An artifact is missing, damaged or not what it claims; the message says what to do."""


#: A model name: lower-case letters, digits and dashes, starting with a letter (it becomes a
#: folder, a container image name and a Kubernetes object name, so nothing else is allowed).
NAME_PATTERN = re.compile(r"[a-z]([a-z0-9-]{0,61}[a-z0-9])?")
#: A version: letters, digits, dots, dashes and underscores, starting and ending with a letter
#: or digit, at most 63 characters (a folder, an image tag and a Kubernetes label value).
VERSION_PATTERN = re.compile(r"[0-9A-Za-z]([0-9A-Za-z._-]{0,61}[0-9A-Za-z])?")

def check_name(name: object, *, what: str = "model name") -> str:
    """Return ``name`` if it matches :data:`NAME_PATTERN`, else raise :class:`ArtifactError`."""
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise ArtifactError(f"{what} {name!r} is not allowed: use 1 to 63 lower-case letters, "
                            "digits and dashes, starting with a letter (e.g. 'loan-default').")
    return name


def check_version(version: object) -> str:
    """Return ``version`` if it matches :data:`VERSION_PATTERN`, else raise ArtifactError."""
    if not isinstance(version, str) or not VERSION_PATTERN.fullmatch(version):
        raise ArtifactError(f"version {version!r} is not allowed: use 1 to 63 letters, digits, "
                            "dots, dashes or underscores, starting and ending with a letter or "
                            "digit (e.g. '1.1.0').")
    return version


def _finite_number(value: object) -> bool:
    """A JSON number that is finite (true and false are not numbers here)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and \
        math.isfinite(value)


def check_metadata(meta: dict[str, Any], *, source: Path | str = "metadata.json") -> None:
    """Refuse metadata that :func:`load_artifact` could not turn into a working model, or
    that the service would fail on later (a 500 on /model or on every /predict): features the
    request schema does not have, metrics that are not numbers, a creation time or data hash
    that is not text, training ranges that are not [low, high] of a feature.

    Raises
    ------
    ArtifactError
        Naming the missing or wrong entry, the value found and how to fix it.
    """
    def bad(what: str, got: object) -> ArtifactError:
        return ArtifactError(f"{source}: {what} (found {str(got)[:80]!r}). The artifact was "
                             "not written by deploydl.registry.save_model or was edited by "
                             "hand: re-save the model with save_model.")

    for key in ("name", "version", "features", "preprocessing", "architecture", "metrics"):
        if key not in meta:
            raise bad(f"'{key}' is missing", sorted(meta))
    check_name(meta["name"])
    check_version(meta["version"])
    features, arch = meta["features"], meta["architecture"]
    if not isinstance(features, list) or not features or \
            not all(isinstance(f, str) for f in features):
        raise bad("'features' must be a non-empty list of names", features)
    if not isinstance(arch, dict) or arch.get("class") != "ApplicantNet" or \
            arch.get("n_features") != len(features) or \
            not (isinstance(arch.get("hidden"), int) and arch["hidden"] > 0):
        raise bad(f"'architecture' must be {{'class': 'ApplicantNet', 'n_features': "
                  f"{len(features)}, 'hidden': a positive integer}}", arch)
    pre = meta["preprocessing"]
    for key in ("mean", "std"):
        values = pre.get(key) if isinstance(pre, dict) else None
        if not isinstance(values, list) or len(values) != len(features) or not all(
                map(_finite_number, values)):
            raise bad(f"preprocessing '{key}' must hold {len(features)} finite numbers", values)
    zero = [f for f, s in zip(features, pre["std"], strict=True) if s <= 0]
    if zero:
        raise bad(f"preprocessing 'std' must be above 0 (it divides every input); it is "
                  f"{pre['std'][features.index(zero[0])]} for {zero[0]}", pre["std"])
    if not isinstance(meta["metrics"], dict):
        raise bad("'metrics' must be an object of numbers", meta["metrics"])
    threshold = meta.get("threshold")
    if threshold is not None and not (isinstance(threshold, int | float) and
                                      0.0 < threshold < 1.0):
        raise bad("'threshold' must be a chance of default between 0 and 1", threshold)
    if not isinstance(meta.get("calibration", {}), dict):
        raise bad("'calibration' must be an object (the Platt scaling folded into the "
                  "weights)", meta["calibration"])
    _check_served_entries(meta, bad)


def _check_served_entries(meta: dict[str, Any], bad: Callable[[str, object], ArtifactError]
                          ) -> None:
    from deploydl.data import FEATURES

    features = meta["features"]
    unknown = [f for f in features if f not in FEATURES]
    if unknown or len(set(features)) != len(features):
        raise bad(f"'features' must be distinct applicant fields, from {list(FEATURES)}",
                  unknown or features)
    for key, value in meta["metrics"].items():
        if not _finite_number(value):
            raise bad(f"metric {key!r} must be a finite number", value)
    for key in ("created", "training_data_sha256"):
        if meta.get(key) is not None and not isinstance(meta[key], str):
            raise bad(f"'{key}' must be text", meta[key])
    reference = meta.get("reason_reference")
    if reference is not None and not (
            isinstance(reference, dict) and set(reference) <= set(features)
            and all(map(_finite_number, reference.values()))):
        raise bad("'reason_reference' must be an object of feature: finite number, naming "
                  "only the model's features", reference)
    ranges = meta.get("training_range")
    if ranges is None:
        return
    if not isinstance(ranges, dict):
        raise bad("'training_range' must be an object of feature: [low, high]", ranges)
    for feature, pair in ranges.items():
        if feature not in features:
            raise bad(f"'training_range' names {feature!r}, which is not one of the features",
                      sorted(ranges))
        if not (isinstance(pair, list) and len(pair) == 2 and all(map(_finite_number, pair))
                and pair[0] <= pair[1]):
            raise bad(f"training_range of {feature!r} must be [low, high], two finite numbers",
                      pair)


def read_json_object(data: str | bytes, *, source: object, advice: str,
                     error: Callable[[str], Exception] = ValueError) -> dict[str, Any]:
    """The JSON object in ``data``, or ``error`` saying why there is none.

    Parameters
    ----------
    data : str or bytes
        A file's content; bytes are read as UTF-8 (or UTF-16 or UTF-32 with their byte
        order mark, as :func:`json.loads` does).
    source : object
        What the message calls the file: its path, ``"Dataset card x.json"`` or
        ``"PATH, line 3,"``.
    advice : str
        What to do about it, ending the message.
    error : exception class
        What to raise: ValueError, or the caller's own error (an ArtifactError, a CardError).

    Raises
    ------
    error
        ``"SOURCE is not valid JSON (WHY). ADVICE"``, WHY being :func:`json_problem`'s words,
        or ``"SOURCE holds a JSON list, not an object. ADVICE"`` (or str, int, ...).
    """
    try:
        value = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise error(f"{source} is not valid JSON ({json_problem(exc)}). {advice}") from None
    if not isinstance(value, dict):
        raise error(f"{source} holds a JSON {type(value).__name__}, not an object. {advice}")
    return value


def json_problem(exc: ValueError | RecursionError) -> str:
    """Why :func:`json.loads` refused a text, in plain words: not UTF-8 (with the line and
    column, counted in bytes, of the first byte that cannot be decoded), nested deeper than
    Python's parser goes, a number longer than Python reads, or the parser's own words for
    text that is not JSON (what it expected, with line and column). Files and the service's
    request bodies are refused in these words."""
    if isinstance(exc, RecursionError):
        return "its arrays or objects are nested too deeply to read"
    if isinstance(exc, UnicodeDecodeError):
        data = exc.object if isinstance(exc.object, bytes) else b""
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return (f"it is not UTF-8 text; the byte at line {line}, column {column} cannot be "
                "decoded")
    if "integer string conversion" in str(exc):  # Python's limit on an integer's digits
        return (f"a number in it has more than {sys.get_int_max_str_digits():,} digits, too "
                "many to read")
    return str(exc)


def check_file(folder: Path, manifest: dict, name: str, *, manifest_name: str) -> bytes:
    """The bytes of ``folder/name``, read once, if it is a real file whose sha256 the manifest
    lists; else an :class:`ArtifactError`. Parse these bytes, not the file: a file replaced
    after this check would otherwise be read unchecked."""
    path = folder / name
    if not isinstance(manifest.get(name), str) or not SHA256_PATTERN.fullmatch(manifest[name]):
        raise ArtifactError(f"{folder / manifest_name} lists no valid sha256 for {name} (got "
                            f"{str(manifest.get(name))[:80]!r}); the manifest is damaged. "
                            "Restore the artifact from the registry or re-save it.")
    if path.is_symlink():
        raise ArtifactError(f"{path} is a symbolic link (to {path.resolve()}); an artifact "
                            "holds real files only. Copy the artifact with its files "
                            "(shutil.copytree(..., symlinks=False)) or restore it.")
    if not path.is_file():
        raise ArtifactError(f"{path} is missing. Restore the artifact from the registry "
                            "(or re-save the model); a partial artifact is never served.")
    data = path.read_bytes()
    actual = bytes_sha256(data)
    if actual != manifest[name]:
        raise ArtifactError(
            f"{path} does not match its manifest (sha256 {actual[:12]}..., expected "
            f"{manifest[name][:12]}...): the file was changed, truncated or replaced. Do not "
            "serve it; restore the artifact from the registry and find out who changed it.")
    return data


def bytes_sha256(data: bytes) -> str:
    """The sha256 of ``data``, as 64 hexadecimal characters."""
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes, as 64 hexadecimal characters (the file is read whole: an
    artifact's files are small, a model's weights a few kilobytes)."""
    return bytes_sha256(path.read_bytes())


def key_bytes(key: str | bytes) -> bytes:
    """The signing key as bytes; an :class:`ArtifactError` that says how to make one when it
    is shorter than :data:`MIN_KEY_BYTES`."""
    raw = key.encode() if isinstance(key, str) else bytes(key)
    if len(raw) < MIN_KEY_BYTES:
        raise ArtifactError(f"the signing key has {len(raw)} bytes; use at least "
                            f"{MIN_KEY_BYTES} random bytes (e.g. {MAKE_KEY}) and keep it "
                            "outside the artifact.")
    return raw


def _mac(manifest: bytes, key: str | bytes) -> str:
    return hmac.new(key_bytes(key), manifest, hashlib.sha256).hexdigest()


def sign_artifact(folder: str | Path, *, key: str | bytes) -> Path:
    """Write ``folder/signature.json``: an HMAC-SHA256 of ``manifest.json`` under ``key``."""
    folder = Path(folder)
    path = folder / SIGNATURE
    path.write_text(json.dumps({"algorithm": "hmac-sha256", "signed": "manifest.json",
                                "signature": _mac((folder / "manifest.json").read_bytes(), key)},
                               indent=2) + "\n")
    return path


#: What a file in place of ``signature.json`` that holds no signature is, and what to do.
_NOT_SIGNED = ("is not a signature file (expected a JSON object with a 'signature' string of hex "
               "digits). Restore the artifact from the registry.")


def check_signature(folder: str | Path, *, key: str | bytes, manifest: bytes | None = None) -> None:
    """Refuse the artifact unless ``signature.json`` is a valid HMAC of its manifest.

    ``manifest`` is the manifest's bytes as the caller already read and checked the files
    against; without it, ``manifest.json`` is read here. Passing it means the signature covers
    the very manifest that was checked, even if the file is swapped in between.

    Raises
    ------
    ArtifactError
        The signature is missing, malformed, or made with another key or for another manifest.
    """
    folder = Path(folder)
    path = folder / SIGNATURE
    if not path.is_file() or path.is_symlink():
        raise ArtifactError(f"{path} is missing, but a signing key was given: this release "
                            "is unsigned. Serve only signed releases; sign it where the key "
                            "is kept with deploydl.integrity.sign_artifact(folder, key=...).")
    given = read_json_object(path.read_bytes(), source=path, advice=f"It {_NOT_SIGNED}",
                             error=ArtifactError).get("signature")
    if not isinstance(given, str) or not given.isascii():
        raise ArtifactError(f"{path} {_NOT_SIGNED}")
    signed = (folder / "manifest.json").read_bytes() if manifest is None else manifest
    if not hmac.compare_digest(given.encode(), _mac(signed, key).encode()):
        raise ArtifactError(f"{path} does not match {folder / 'manifest.json'} under the "
                            "signing key: the manifest was rewritten after signing, or it was "
                            "signed with another key. Do not serve it; restore the signed "
                            "release and find out who changed it.")
