"""One reader for the JSON files the course reads back (deploydl.integrity.read_json_object):
damaged or hostile content is refused in the same words by each of them, each with its own
error type and its own advice."""

import sys
from pathlib import Path

import pytest

from deploydl.assessment.scoring import read_store
from deploydl.cli.benchmark import _read_results
from deploydl.cli.refusals import _Refused
from deploydl.course.progress import ProgressCacheError, _read_cache
from deploydl.governance.catalog import CardError, load_card
from deploydl.integrity import ArtifactError, check_signature, read_json_object
from deploydl.registry import ModelRegistry
from deploydl.serving.server import default_artifact
from deploydl.settings import Settings


def _stages(folder: Path) -> Path:
    """The registry's stages.json, read by asking for the production version."""
    path = folder / "loan" / "stages.json"
    path.parent.mkdir()
    return path


def _read_stages(path: Path) -> None:
    ModelRegistry(path.parent.parent).stage("loan", "production")


def _read_signature(path: Path) -> None:
    check_signature(path.parent, key="a key of at least sixteen bytes")


#: Each reader: where its file lives, how it is read, what it raises, and its own advice.
READERS = {
    "stages": (_stages, _read_stages, ArtifactError, "Restore it from version control"),
    "card": (lambda folder: folder / "card.json", load_card, CardError,
             "A card is a flat mapping of fields"),
    "store": (lambda folder: folder / "assessment.json", read_store, ValueError,
              "An assessment file is the learner's"),
    "signature": (lambda folder: folder / "signature.json", _read_signature, ArtifactError,
                  "is not a signature file"),
    "capacity results": (lambda folder: folder / "serving.json",
                         lambda path: _read_results(path, None), _Refused,
                         "A benchmark results file is the JSON that `deploydl bench` writes"),
    "progress cache": (lambda folder: folder / "progress.json", _read_cache, ProgressCacheError,
                       "It only caches lab results: delete it"),
}


@pytest.mark.parametrize(("raw", "problem"), [
    (b'{"a": ', "is not valid JSON (Expecting value: line 1 column 7 (char 6))"),
    (b"[" * 100_000, "is not valid JSON (its arrays or objects are nested too deeply to read)"),
    (b"1" * 5_000, f"is not valid JSON (a number in it has more than "
                   f"{sys.get_int_max_str_digits():,} digits, too many to read)"),
    (b'{\n "a": "\xe9"}', "is not valid JSON (it is not UTF-8 text; the byte at line 2, "
                              "column 8 cannot be decoded)"),
    (b'["a"]', "holds a JSON list, not an object"),
], ids=["cut-short", "nested", "long-number", "latin-1", "list"])
@pytest.mark.parametrize("reader", READERS)
def test_every_reader_refuses_damaged_json_in_the_same_words(tmp_path, raw, problem, reader):
    where, read, error, advice = READERS[reader]
    path = where(tmp_path)
    path.write_bytes(raw)
    with pytest.raises(error) as refused:
        read(path)
    message = str(refused.value)
    assert f"{path.name} {problem}. " in message and advice in message


def test_the_reader_returns_the_object_and_raises_the_error_it_is_given():
    assert read_json_object(b'{"a": [1]}', source="x", advice="") == {"a": [1]}
    with pytest.raises(CardError, match=r"^card\.json holds a JSON str, not an object\. Fix "
                                        r"it\.$"):
        read_json_object('"a"', source="card.json", advice="Fix it.", error=CardError)


@pytest.mark.parametrize("raw", [b"[" * 100_000, b'{"threshold": ' + b"1" * 5_000 + b"}"],
                         ids=["nested", "long-number"])
def test_a_damaged_cached_default_model_is_left_for_verification(tmp_path, raw):
    """`deploydl serve` checks whether the cached default model predates calibration; damaged
    metadata is not its to report: the cache is returned for verification to refuse."""
    folder = tmp_path / "models" / "loan-default" / "1.0.0"
    folder.mkdir(parents=True)
    (folder / "metadata.json").write_bytes(raw)
    assert default_artifact(Settings(home=tmp_path)) == folder
