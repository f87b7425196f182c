import json
import os
import re
import warnings
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from deploydl.registry import (
    MANIFEST,
    METADATA,
    WEIGHTS,
    ArtifactError,
    ModelRegistry,
    TornRecordWarning,
    check_release,
    data_hash,
    load_artifact,
    load_model,
    save_model,
    verify,
    write_manifest,
)
from deploydl.registry import artifact as artifact_module


def test_round_trip_gives_identical_predictions_and_metadata(model, applicants, artifact_dir):
    loaded, artifact = load_artifact(artifact_dir)
    rows = applicants.head(50)
    assert np.array_equal(loaded.predict_proba(rows), model.predict_proba(rows))
    assert (loaded.name, loaded.version, loaded.features) == (model.name, model.version,
                                                              model.features)
    meta = artifact.metadata
    assert meta["training_data_sha256"] == data_hash(applicants)
    assert set(meta) >= {"name", "version", "created", "metrics", "features", "preprocessing"}
    assert sorted(p.name for p in artifact_dir.iterdir()) == [MANIFEST, METADATA, WEIGHTS]


def test_weights_are_safetensors_not_pickle(artifact_dir):
    header_size = int.from_bytes((artifact_dir / WEIGHTS).read_bytes()[:8], "little")
    header = json.loads((artifact_dir / WEIGHTS).read_bytes()[8:8 + header_size])
    assert "layers.0.weight" in header


@pytest.fixture
def copy(artifact_dir, tmp_path):
    import shutil

    return shutil.copytree(artifact_dir, tmp_path / "copy")


def test_tampered_weights_are_refused_before_loading(copy, monkeypatch):
    """The hashes are checked before any byte of the weights is parsed."""
    monkeypatch.setattr(artifact_module, "load",
                        lambda *args, **kwargs: pytest.fail("loaded before the hash check"))
    data = bytearray((copy / WEIGHTS).read_bytes())
    data[-1] ^= 0xFF
    (copy / WEIGHTS).write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match=r"weights.safetensors does not match its manifest"
                                            r".*restore the artifact"):
        load_model(copy)


def _swap_after_its_check(monkeypatch, name: str, replacement: bytes, *,
                          swapped: str | None = None) -> None:
    """Replace the artifact's file ``swapped`` (``name`` itself by default) with
    ``replacement`` right after ``name``'s hash check."""
    check = artifact_module.check_file

    def check_then_swap(folder, manifest, checked, **kwargs):
        result = check(folder, manifest, checked, **kwargs)
        if checked == name:
            (folder / (swapped or name)).write_bytes(replacement)
        return result

    monkeypatch.setattr(artifact_module, "check_file", check_then_swap)


def test_weights_swapped_after_their_hash_check_are_never_loaded(model, applicants, copy,
                                                                 monkeypatch):
    """The tensors are built from the very bytes hashed, not from the file read again."""
    import torch
    from safetensors.torch import load_file, save

    zeros = save({k: torch.zeros_like(v) for k, v in load_file(copy / WEIGHTS).items()})
    _swap_after_its_check(monkeypatch, WEIGHTS, zeros)
    loaded = load_model(copy)
    assert (copy / WEIGHTS).read_bytes() == zeros  # the swap did happen
    rows = applicants.head(50)
    assert np.array_equal(loaded.predict_proba(rows), model.predict_proba(rows))


def test_metadata_swapped_after_its_hash_check_is_never_used(copy, monkeypatch):
    released = json.loads((copy / METADATA).read_text(encoding="utf-8"))
    _swap_after_its_check(monkeypatch, METADATA,
                          json.dumps({**released, "metrics": {"auc": 0.99}}).encode())
    assert verify(copy).metadata == released


def test_truncated_weights_are_refused(copy):
    (copy / WEIGHTS).write_bytes((copy / WEIGHTS).read_bytes()[:100])
    with pytest.raises(ArtifactError, match="weights.safetensors does not match"):
        verify(copy)


def test_edited_metadata_is_refused(copy):
    meta = json.loads((copy / METADATA).read_text(encoding="utf-8"))
    meta["metrics"] = {"auc": 0.99}
    (copy / METADATA).write_text(json.dumps(meta))
    with pytest.raises(ArtifactError, match="metadata.json does not match"):
        load_model(copy)


@pytest.mark.parametrize("name", [WEIGHTS, METADATA, MANIFEST])
def test_missing_file_is_named(copy, name):
    (copy / name).unlink()
    with pytest.raises(ArtifactError, match=f"{name} is missing. Restore"):
        load_model(copy)


def test_missing_folder_and_overwrite_are_refused(artifact_dir, model, tmp_path):
    with pytest.raises(ArtifactError) as missing:
        verify(tmp_path / "nowhere")
    assert str(missing.value) == (f"No model artifact folder at {tmp_path / 'nowhere'}. Check "
                                  "the path, or save one with "
                                  "deploydl.registry.save_model(model, folder).")
    with pytest.raises(ArtifactError, match=r"Published versions never change: give this model "
                                            r"a new version \(model.version\) and save it into "
                                            r"a new folder"):
        save_model(model, artifact_dir)


def test_saving_the_same_model_again_returns_the_artifact_already_there(model, applicants,
                                                                      tmp_path):
    """A notebook cell run twice: the same weights and metadata (only the creation time
    differs) give back the artifact as it was; nothing is written."""
    first = save_model(model, tmp_path / "a", training_data=applicants)
    before = {p.name: p.stat().st_mtime_ns for p in first.path.iterdir()}
    again = save_model(model, tmp_path / "a", training_data=applicants)
    assert again == first
    assert {p.name: p.stat().st_mtime_ns for p in first.path.iterdir()} == before


@pytest.mark.parametrize("first_key, how", [("key-one-" + "1" * 16, "signed with another key"),
                                             (None, "not signed")])
def test_saving_the_same_model_again_with_another_key_says_so_plainly(
        model, applicants, tmp_path, first_key, how):
    """A re-run with a different key (or a key where the first run had none) holds the very
    same model: the refusal says so and how to get a copy signed with this key, without the
    tampering alarm or "serve only signed releases" that verify() gives a service."""
    folder = save_model(model, tmp_path / "a", training_data=applicants,
                        signing_key=first_key).path
    with pytest.raises(ArtifactError, match=rf"already holds this very model \(loan-default "
                                            rf"1\.0\.0, the same weights and metadata\), {how}\. "
                                            r"Nothing is wrong with it.*save into a new folder"
                       ) as refused:
        save_model(model, folder, training_data=applicants, signing_key="key-two-" + "2" * 16)
    assert "Do not serve" not in str(refused.value)
    assert "Serve only signed" not in str(refused.value)
    assert save_model(model, folder, training_data=applicants, signing_key=first_key).path == folder
    with pytest.raises(ArtifactError, match="the signing key has 5 bytes"):
        save_model(model, folder, training_data=applicants, signing_key="short")
    assert save_model(model, tmp_path / "b", training_data=applicants,
                      signing_key="key-two-" + "2" * 16).signed


def test_saving_over_another_model_or_version_is_refused_with_the_way_out(model, applicants,
                                                                        tmp_path):
    import copy

    import torch

    folder = tmp_path / "loan-default-1.1.0"
    save_model(model, folder, training_data=applicants)  # saved before setting the version
    with pytest.raises(ArtifactError, match=r"holds loan-default 1\.0\.0, saved earlier, not "
                                            r"loan-default 1\.1\.0.*new folder.*shutil\.rmtree"):
        save_model(replace(model, version="1.1.0"), folder, training_data=applicants)
    other = replace(model, net=copy.deepcopy(model.net))
    with torch.no_grad():
        other.net.layers[0].bias += 0.01  # another model at the same version: never hidden
    with pytest.raises(ArtifactError, match="holds loan-default 1.0.0 with other weights. "
                                            "Published versions never change"):
        save_model(other, folder, training_data=applicants)
    with pytest.raises(ArtifactError, match="with other metadata"):
        save_model(replace(model, metrics={"auc": 0.99}), folder, training_data=applicants)
    assert load_model(folder).metrics == model.metrics


def test_a_damaged_artifact_is_never_taken_for_the_same_model(model, applicants, tmp_path):
    folder = save_model(model, tmp_path / "a", training_data=applicants).path
    (folder / WEIGHTS).write_bytes((folder / WEIGHTS).read_bytes()[:-1] + b"x")
    with pytest.raises(ArtifactError, match="does not verify"):
        save_model(model, folder, training_data=applicants)


def test_registry_lists_promotes_and_rolls_back(model, tmp_path):
    registry = ModelRegistry(tmp_path)
    for version in ("1.0.0", "1.10.0", "1.2.0"):
        registry.register(replace(model, version=version))
    assert registry.versions("loan-default") == ["1.0.0", "1.2.0", "1.10.0"]
    assert registry.stage("loan-default", "production") is None
    registry.promote("loan-default", "1.0.0", stage="production")
    registry.promote("loan-default", "1.2.0", stage="production")
    assert registry.load("loan-default").version == "1.2.0"
    assert registry.rollback("loan-default", stage="production") == "1.0.0"
    assert registry.load("loan-default", stage="production").version == "1.0.0"
    with pytest.raises(ArtifactError, match="no earlier production version"):
        registry.rollback("loan-default", stage="production")
    with pytest.raises(ArtifactError, match="no version '9.9.9'"):
        registry.promote("loan-default", "9.9.9", stage="staging")
    with pytest.raises(ValueError, match="stage must be one of"):
        registry.promote("loan-default", "1.0.0", stage="prod")
    with pytest.raises(ArtifactError, match="No loan-default version is in staging"):
        registry.load("loan-default", stage="staging")


def test_a_release_that_overrides_a_gate_records_who_approved_it_and_why(model, tmp_path):
    registry = ModelRegistry(tmp_path)
    registry.register(model)
    with pytest.raises(ValueError, match="An override needs an approver"):
        registry.promote(model.name, model.version, stage="production",
                         override="the range straddles 0.80; fairness checked monthly")
    with pytest.raises(ValueError, match="too short to audit"):
        registry.promote(model.name, model.version, stage="production", override="fine",
                         approver="Fairness review board")
    with pytest.raises(ValueError, match="promoting to staging releases nothing"):
        registry.promote(model.name, model.version, stage="staging", approver="A. Chen")
    assert registry.stage(model.name, "production") is None and not registry.releases(model.name)
    registry.promote(model.name, model.version, stage="production",
                     override="the range straddles 0.80; fairness checked monthly",
                     approver="Fairness review board")
    (release,) = registry.releases(model.name)
    assert release["override"] == "the range straddles 0.80; fairness checked monthly"
    assert release["approver"] == "Fairness review board"
    registry.register(replace(model, version="1.1.0"))
    registry.promote(model.name, "1.1.0", stage="production")  # a plain release: no keys
    assert "override" not in registry.releases(model.name)[-1]


def _registry_of(model, root, *versions):
    """A registry at ``root`` holding ``model`` under each of ``versions``."""
    registry = ModelRegistry(root)
    for version in versions:
        registry.register(replace(model, version=version))
    return registry


@pytest.mark.parametrize("stage", ["staging", "production"])
def test_promoting_the_version_already_in_a_stage_changes_and_records_nothing(model, tmp_path,
                                                                              stage):
    """A promotion run again (a notebook cell, a workflow) leaves one entry, so a rollback
    still returns to the version before it instead of "rolling back" to the same one."""
    registry = _registry_of(model, tmp_path, "1.0.0", "1.1.0")
    for version in ("1.0.0", "1.1.0", "1.1.0"):
        assert registry.promote(model.name, version, stage=stage) == version
    assert [r["version"] for r in registry.releases(model.name)] == (
        ["1.0.0", "1.1.0"] if stage == "production" else [])
    assert registry.rollback(model.name, stage=stage) == "1.0.0"
    assert registry.stage(model.name, stage) == "1.0.0"


def test_a_rollback_that_would_change_nothing_is_refused(model, tmp_path):
    """A history written when a repeated promotion was still recorded ends with the same
    version twice: rolling back would leave it in production, so it is refused, saying so."""
    registry = _registry_of(model, tmp_path, "1.0.0", "1.1.0")
    (tmp_path / model.name / "stages.json").write_text(json.dumps(
        {"staging": [], "production": ["1.0.0", "1.1.0", "1.1.0"]}))
    with pytest.raises(ArtifactError, match="ends with 1.1.0 twice.*change nothing.*Promote"):
        registry.rollback(model.name, stage="production")
    assert registry.stage(model.name, "production") == "1.1.0" and not registry.releases(
        model.name)


@pytest.mark.parametrize("text, problem", [
    ('{"production": ["1.0.0"]}', "has no list of versions under 'staging'"),
    ('{"staging": [], "production": ["1.0', "is not valid JSON"),
    ('["1.0.0"]', "holds a JSON list, not an object"),
    ('{"staging": [], "production": [1]}', "lists 1 under 'production', which is not a version"),
    ("[" * 100_000 + "]" * 100_000, "is not valid JSON (its arrays or objects are nested too "
                                    "deeply to read)"),
    ("1" * 5_000, "is not valid JSON (a number in it has more than 4,300 digits, too many to "
                  "read)")],
    ids=["no-staging", "cut-short", "list", "not-a-version", "nested", "long-number"])
def test_a_damaged_stages_record_says_what_is_wrong_and_how_to_restore_it(model, tmp_path, text,
                                                                         problem):
    registry = _registry_of(model, tmp_path, "1.0.0")
    (tmp_path / model.name / "stages.json").write_text(text)
    for use in (lambda: registry.stage(model.name, "staging"),
                lambda: registry.promote(model.name, "1.0.0", stage="staging")):
        with pytest.raises(ArtifactError) as caught:
            use()
        assert problem in str(caught.value)
        assert "Restore it from version control or a backup" in str(caught.value)
        assert "Restore the artifact" not in str(caught.value)


def test_a_damaged_release_record_names_the_line_and_how_to_restore_it(model, tmp_path):
    registry = _registry_of(model, tmp_path, "1.0.0")
    registry.promote(model.name, "1.0.0", stage="production")
    record = tmp_path / model.name / "releases.jsonl"
    with record.open("a") as out:
        out.write('{"action": "promote", "vers\n')  # a write cut short
    with pytest.raises(ArtifactError, match=r"releases.jsonl, line 2, is not valid JSON \("
                                            r".*cut short by a crash.*Restore it from version "
                                            r"control or a backup"):
        registry.releases(model.name)


def _cut_short(write, given):
    """``write`` made to write half of what it is given and then fail as a full disk does
    (or a crash part-way would); each thing it is given is added to the list ``given``."""

    def cut_short(target, data, *args, **kwargs):
        given.append(data)
        write(target, data[:len(data) // 2])
        raise OSError("No space left on device")

    return cut_short


@pytest.mark.parametrize("line", ["[1, 2]", '"1.0.0"'], ids=["list", "string"])
def test_a_release_record_line_that_is_not_an_object_is_refused_by_its_number(model, tmp_path,
                                                                              line):
    registry = _registry_of(model, tmp_path, "1.0.0")
    registry.promote(model.name, "1.0.0", stage="production")
    with (tmp_path / model.name / "releases.jsonl").open("a") as out:
        out.write(line + "\n")  # valid JSON, but not a record
    kind = type(json.loads(line)).__name__
    with pytest.raises(ArtifactError, match=rf"releases.jsonl, line 2, holds a JSON {kind}, "
                                            r"not an object\. .*Restore it from version "
                                            "control or a backup"):
        registry.releases(model.name)


def _torn_promotion(model, root, monkeypatch) -> tuple[ModelRegistry, bytes]:
    """A registry of 1.0.0 (in production) and 1.1.0, whose promotion of 1.1.0 to production
    was cut off half-way through writing its record; returns it and the half written."""
    registry = _registry_of(model, root, "1.0.0", "1.1.0")
    registry.promote(model.name, "1.0.0", stage="production")
    writes: list[bytes] = []
    with monkeypatch.context() as patch:
        patch.setattr(os, "write", _cut_short(os.write, writes))
        with pytest.raises(OSError, match="No space left"):
            registry.promote(model.name, "1.1.0", stage="production")
    (record,) = writes  # the whole record, handed over at once
    assert json.loads(record)["version"] == "1.1.0" and record.endswith(b"}\n")
    return registry, record[:len(record) // 2]


def test_a_release_record_cut_off_at_the_end_is_left_out_with_a_warning(model, tmp_path,
                                                                        monkeypatch):
    """A last line that begins a record and stops before its end is what an interrupted
    append leaves: that release did not happen (production moves after its record), so
    releases() reads the others and says which line it left out, why and what to do."""
    registry, torn = _torn_promotion(model, tmp_path, monkeypatch)
    path = tmp_path / model.name / "releases.jsonl"
    assert path.read_bytes().endswith(b"\n" + torn)
    assert registry.stage(model.name, "production") == "1.0.0"
    with pytest.warns(TornRecordWarning, match=(
            rf"^{re.escape(str(path))}, line 2, ends without a newline: it is the start of a "
            r"release record whose write was cut off .*so that release did not happen, and it "
            r"is left out\. Check the version in production with registry\.stage\("
            r"'loan-default', 'production'\) and promote again .*the next release moves the "
            r"cut-off bytes to .*releases\.jsonl\.torn-[0-9a-f]{12} and writes its own record "
            r"on line 2\.$")):
        assert [r["version"] for r in registry.releases(model.name)] == ["1.0.0"]


def test_the_next_release_sets_a_cut_off_record_aside_and_starts_a_line_of_its_own(
        model, tmp_path, monkeypatch):
    """Nothing is glued onto the cut-off bytes and nothing is lost: they move, whole, to the
    file the warning named, and every line left is a whole record."""
    registry, torn = _torn_promotion(model, tmp_path, monkeypatch)
    path = tmp_path / model.name / "releases.jsonl"
    with pytest.warns(TornRecordWarning) as read:
        registry.releases(model.name)
    named = Path(re.search(r"moves the cut-off bytes to (\S+) and", str(read[0].message))[1])
    with pytest.warns(TornRecordWarning, match=(
            rf"^The last line of {re.escape(str(path))} was the start of a release record "
            rf"whose write was cut off .* Its bytes are now in {re.escape(str(named))}, and")):
        registry.promote(model.name, "1.1.0", stage="production")
    assert named.read_bytes() == torn
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the record is whole again: nothing to warn about
        assert [r["version"] for r in registry.releases(model.name)] == ["1.0.0", "1.1.0"]
    assert [json.loads(line)["version"] for line in path.read_bytes().splitlines()] == [
        "1.0.0", "1.1.0"]


def test_a_whole_last_record_saved_without_its_newline_is_read_and_kept(model, tmp_path):
    """An editor or a hand-resolved merge may drop the file's final newline: that record is
    whole, so it is read, with no warning, and the next release ends its line first."""
    registry = _registry_of(model, tmp_path, "1.0.0", "1.1.0", "1.2.0")
    registry.promote(model.name, "1.0.0", stage="production")
    registry.promote(model.name, "1.1.0", stage="production")
    path = tmp_path / model.name / "releases.jsonl"
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [r["version"] for r in registry.releases(model.name)] == ["1.0.0", "1.1.0"]
        registry.promote(model.name, "1.2.0", stage="production")
        assert [r["version"] for r in registry.releases(model.name)] == [
            "1.0.0", "1.1.0", "1.2.0"]
    assert list((tmp_path / model.name).glob("releases.jsonl.torn-*")) == []


def _crash_before_truncating(descriptor: int, length: int) -> None:
    raise OSError("crashed before truncating")


def test_a_cut_off_record_copied_aside_but_not_yet_removed_is_copied_again(model, tmp_path,
                                                                          monkeypatch):
    """A crash between copying the cut-off bytes aside and cutting them off the file leaves
    the file as it was; the next release makes the same copy and goes on."""
    registry, torn = _torn_promotion(model, tmp_path, monkeypatch)
    path = tmp_path / model.name / "releases.jsonl"
    before = path.read_bytes()
    with monkeypatch.context() as patch:
        patch.setattr(os, "ftruncate", _crash_before_truncating)
        with pytest.raises(OSError, match="crashed"):
            registry.promote(model.name, "1.1.0", stage="production")
    assert path.read_bytes() == before
    assert registry.stage(model.name, "production") == "1.0.0"
    (copy,) = (tmp_path / model.name).glob("releases.jsonl.torn-*")  # made before the cut
    assert copy.read_bytes() == torn
    with pytest.warns(TornRecordWarning):
        registry.promote(model.name, "1.1.0", stage="production")
    assert list((tmp_path / model.name).glob("releases.jsonl.torn-*")) == [copy]
    assert copy.read_bytes() == torn
    assert [r["version"] for r in registry.releases(model.name)] == ["1.0.0", "1.1.0"]


def test_a_cut_off_record_followed_by_another_is_refused_by_its_line(model, tmp_path):
    """A line that ends in its newline was not left by an interrupted append (an earlier
    deploydl wrote the next record after a cut-off one): it stops releases() with its line
    number and what to do, rather than being skipped."""
    registry = _registry_of(model, tmp_path, "1.0.0")
    registry.promote(model.name, "1.0.0", stage="production")
    path = tmp_path / model.name / "releases.jsonl"
    whole = path.read_bytes()
    path.write_bytes(whole + whole[:20] + b"\n" + whole)
    with pytest.raises(ArtifactError, match=rf"^{re.escape(str(path))}, line 2, is not valid "
                                            r"JSON .*cut short by a crash.*delete that one "
                                            r"line"):
        registry.releases(model.name)


@pytest.mark.skipif(not hasattr(os, "O_DIRECTORY"), reason="folders are synced on POSIX")
def test_a_release_record_is_flushed_to_the_disk_before_the_stage_moves(model, tmp_path,
                                                                        monkeypatch):
    """The record's line, then stages.json, then the folder that names them both: a power
    cut after promote returns loses neither."""
    registry = _registry_of(model, tmp_path, "1.0.0")
    flushed, fsync = [], os.fsync
    monkeypatch.setattr(os, "fsync", lambda descriptor: (
        flushed.append(os.fstat(descriptor).st_ino), fsync(descriptor))[1])
    registry.promote(model.name, "1.0.0", stage="production")
    folder = tmp_path / model.name
    assert flushed == [(folder / name).stat().st_ino
                       for name in ("releases.jsonl", "stages.json", ".")]


def test_load_if_any_gives_the_model_in_a_stage_or_none(model, tmp_path):
    registry = _registry_of(model, tmp_path, "1.0.0")
    assert registry.load_if_any(model.name, stage="staging") is None
    registry.promote(model.name, "1.0.0", stage="staging")
    assert registry.load_if_any(model.name, stage="staging").version == "1.0.0"


def test_a_crash_while_saving_the_stages_keeps_the_record_before_it(model, tmp_path,
                                                                    monkeypatch):
    """stages.json is written beside itself and renamed over: a write cut short (a full disk,
    a crash) leaves the previous record whole, and no temporary file behind."""
    registry = _registry_of(model, tmp_path, "1.0.0", "1.1.0")
    registry.promote(model.name, "1.0.0", stage="production")
    monkeypatch.setattr(Path, "write_text", _cut_short(Path.write_text, []))
    with pytest.raises(OSError, match="No space left"):
        registry.promote(model.name, "1.1.0", stage="staging")
    monkeypatch.undo()
    assert registry.stage(model.name, "production") == "1.0.0"
    assert registry.stage(model.name, "staging") is None
    assert sorted(p.name for p in (tmp_path / model.name).iterdir()) == [
        "1.0.0", "1.1.0", "releases.jsonl", "stages.json"]


def test_two_saves_at_once_do_not_write_into_each_others_temporary_file(model, tmp_path,
                                                                         monkeypatch):
    """Another writer saves stages.json while this one is between writing its temporary file
    and renaming it: each has its own, so both renames succeed and no temporary file stays."""
    import deploydl.atomic as module  # where stages.json is renamed into place

    registry = _registry_of(model, tmp_path, "1.0.0", "1.1.0")
    other = ModelRegistry(tmp_path)
    real_replace = module.os.replace

    def other_writer_first(source, target):
        monkeypatch.setattr(module.os, "replace", real_replace)
        other.promote(model.name, "1.1.0", stage="staging")
        real_replace(source, target)

    monkeypatch.setattr(module.os, "replace", other_writer_first)
    registry.promote(model.name, "1.0.0", stage="production")
    assert registry.stage(model.name, "production") == "1.0.0"  # the last rename wins:
    assert registry.stage(model.name, "staging") is None  # the other's promotion is lost,
    # which is why releases go one at a time (the docstring says so)
    assert sorted(p.name for p in (tmp_path / model.name).iterdir()) == [
        "1.0.0", "1.1.0", "releases.jsonl", "stages.json"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_a_new_stages_file_takes_the_umask_as_the_release_record_does(model, tmp_path):
    registry = _registry_of(model, tmp_path, "1.0.0")
    saved = os.umask(0o002)  # a team's registry: the group may write
    try:
        registry.promote(model.name, "1.0.0", stage="production")
    finally:
        os.umask(saved)
    folder = tmp_path / model.name
    assert (folder / "stages.json").stat().st_mode & 0o777 == 0o664
    assert (folder / "releases.jsonl").stat().st_mode & 0o777 == 0o664


def test_production_never_moves_without_its_release_record(model, tmp_path):
    """The release record is written before production moves: when it cannot be written,
    neither a promotion nor a rollback changes what is served."""
    registry = _registry_of(model, tmp_path, "1.0.0", "1.1.0", "1.2.0")
    for version in ("1.0.0", "1.1.0"):
        registry.promote(model.name, version, stage="production")
    record = tmp_path / model.name / "releases.jsonl"
    record.unlink()
    record.mkdir()  # cannot be appended to
    for change in (lambda: registry.promote(model.name, "1.2.0", stage="production"),
                   lambda: registry.rollback(model.name, stage="production")):
        with pytest.raises(OSError):
            change()
        assert registry.stage(model.name, "production") == "1.1.0"


SUNDAY_5_50 = datetime(2026, 3, 8, 5, 50, tzinfo=UTC)   # ten minutes before the window shuts
REVIEW = "1.0.0: the range straddles 0.80; fairness checked monthly"


def test_the_check_before_a_rollout_refuses_what_promote_would_refuse():
    """The workflow calls check_release before its rollout: a short reason, a missing
    approver, a shut window, or a reason written for another version fail there, before any
    pod changes."""
    from deploydl.monitoring import MaintenanceWindow, OutsideMaintenanceWindow

    window = MaintenanceWindow()
    with pytest.raises(ValueError, match="too short to audit"):
        check_release(window, SUNDAY_5_50, override="approved", approver="Jane Doe")
    with pytest.raises(ValueError, match="needs an approver"):
        check_release(window, SUNDAY_5_50, override=REVIEW)
    with pytest.raises(OutsideMaintenanceWindow):
        check_release(window, SUNDAY_5_50 + timedelta(hours=1))
    with pytest.raises(ValueError, match="does not name the version it releases, 1.1.0"):
        check_release(window, SUNDAY_5_50, override=REVIEW, approver="Jane Doe",
                      version="1.1.0")
    permit, review = check_release(window, SUNDAY_5_50, override=REVIEW, approver=" Jane Doe",
                                   version="1.0.0")
    assert permit.in_window and review == {"override": REVIEW, "approver": "Jane Doe"}


def test_a_rollout_that_ends_after_the_window_shut_is_still_recorded(model, tmp_path):
    """promote(checked_at=...) is judged at the check before the rollout, records both times,
    and refuses a check from the future or more than an hour old."""
    from deploydl.monitoring import MaintenanceWindow, OutsideMaintenanceWindow, SimulatedClock

    clock = SimulatedClock(start=(SUNDAY_5_50 + timedelta(minutes=15)).timestamp())  # shut
    registry = ModelRegistry(tmp_path, window=MaintenanceWindow(), clock=clock)
    registry.register(model)
    with pytest.raises(OutsideMaintenanceWindow):
        registry.promote(model.name, model.version, stage="production")
    for stale in (SUNDAY_5_50 - timedelta(hours=2), SUNDAY_5_50 + timedelta(hours=1)):
        with pytest.raises(ValueError, match="checked_at"):
            registry.promote(model.name, model.version, stage="production",
                             checked_at=stale.timestamp())
    with pytest.raises(ValueError, match="promoting to staging releases nothing"):
        registry.promote(model.name, model.version, stage="staging", checked_at=SUNDAY_5_50)
    assert registry.stage(model.name, "production") is None
    registry.promote(model.name, model.version, stage="production",
                     checked_at=SUNDAY_5_50.timestamp())
    (release,) = registry.releases(model.name)
    assert (release["in_window"], release["checked_at"], release["time"]) == (
        True, "2026-03-08T05:50:00+00:00", "2026-03-08T06:05:00+00:00")


@pytest.mark.parametrize("stage", ["staging", "production"])
def test_a_version_whose_weights_changed_is_never_promoted(model, tmp_path, stage):
    registry = ModelRegistry(tmp_path)
    registry.register(model)
    weights = registry.path(model.name, model.version) / WEIGHTS
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0x01  # one byte
    weights.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match="weights.safetensors does not match its manifest"):
        registry.promote(model.name, model.version, stage=stage)
    assert registry.stage(model.name, stage) is None


KEY = "a-release-signing-key-of-32-chars"


def test_a_signed_artifact_verifies_with_its_key_only(model, applicants, tmp_path):
    artifact = save_model(model, tmp_path / "signed", training_data=applicants,
                          signing_key=KEY)
    assert artifact.signed and (artifact.path / "signature.json").is_file()
    assert verify(artifact.path, signing_key=KEY, expect_sha256=artifact.sha256).signed
    assert not verify(artifact.path).signed  # without a key, only the hashes are checked
    with pytest.raises(ArtifactError, match="signed with another key"):
        verify(artifact.path, signing_key=KEY.upper())
    with pytest.raises(ArtifactError, match="the signing key has 5 bytes; use at least 16"):
        verify(artifact.path, signing_key="short")
    with pytest.raises(ArtifactError, match="this is not the model that was released"):
        verify(artifact.path, expect_sha256="0" * 64)


def test_the_signature_covers_the_manifest_the_files_were_checked_against(model, applicants,
                                                                         tmp_path, monkeypatch):
    """Weights and a manifest rewritten for them, with the signed manifest put back once the
    hashes were checked, are refused: the signature is checked on the manifest bytes read."""
    import torch
    from safetensors.torch import load_file, save

    from deploydl.integrity import bytes_sha256

    folder = save_model(model, tmp_path / "signed", training_data=applicants,
                        signing_key=KEY).path
    signed = (folder / MANIFEST).read_bytes()
    zeros = save({k: torch.zeros_like(v) for k, v in load_file(folder / WEIGHTS).items()})
    (folder / WEIGHTS).write_bytes(zeros)
    forged = {**json.loads(signed), WEIGHTS: bytes_sha256(zeros)}
    (folder / MANIFEST).write_text(json.dumps(forged))
    _swap_after_its_check(monkeypatch, METADATA, signed, swapped=MANIFEST)  # the signed one back
    with pytest.raises(ArtifactError, match="does not match .*manifest.json under the signing"):
        verify(folder, signing_key=KEY)
    assert (folder / MANIFEST).read_bytes() == signed  # the swap did happen


def test_unsigned_or_broken_signature_is_refused_when_a_key_is_given(copy):
    with pytest.raises(ArtifactError, match="this release is unsigned"):
        verify(copy, signing_key=KEY)
    (copy / "signature.json").write_text("[1, 2]")
    with pytest.raises(ArtifactError, match="is not a signature file"):
        verify(copy, signing_key=KEY)


def test_training_ranges_are_recorded_for_the_service(artifact_dir, applicants):
    ranges = verify(artifact_dir).metadata["training_range"]
    assert ranges["debt_ratio"] == [applicants["debt_ratio"].min(),
                                    applicants["debt_ratio"].max()]
    metadata = json.loads((artifact_dir / METADATA).read_text(encoding="utf-8"))
    assert list(ranges) == list(metadata["features"])


def test_the_reference_of_the_reasons_is_recorded_for_the_service(model, artifact_dir,
                                                                  applicants):
    """A model without one (not calibrated and decided) gets the median training applicant
    it approves (at 0.5, having no threshold); a loaded model carries it."""
    from deploydl.responsible.explain import approved_reference

    reference = verify(artifact_dir).metadata["reason_reference"]
    assert reference == approved_reference(model, applicants)
    assert load_model(artifact_dir).reason_reference == reference


@pytest.mark.parametrize("name, ok", [("loan-default", True), ("a", True), ("a-", False),
                                      ("1abc", False), ("Loan", False), ("a_b", False),
                                      ("a" * 63, True), ("a" * 64, False)])
def test_model_names_are_safe_as_folders_images_and_kubernetes_names(name, ok):
    from deploydl.registry import check_name

    if ok:
        assert check_name(name) == name
    else:
        with pytest.raises(ArtifactError, match=f"model name {name!r} is not allowed"):
            check_name(name)


@pytest.mark.parametrize("version, ok", [("1.0.0", True), ("2024.10-rc_1", True),
                                         ("1.0.", False), (".1", False), ("../1", False),
                                         ("1 0", False), ('1"', False), ("1\n", False)])
def test_versions_are_safe_as_folders_tags_and_labels(version, ok):
    from deploydl.registry import check_version

    if ok:
        assert check_version(version) == version
    else:
        with pytest.raises(ArtifactError, match="is not allowed"):
            check_version(version)


def test_a_rewritten_manifest_fools_the_fingerprints_but_not_the_signature(artifact_dir, copy):
    from deploydl.integrity import sign_artifact

    sign_artifact(copy, key="release-key-of-the-bank")
    weights = bytearray((copy / WEIGHTS).read_bytes())
    weights[-1] ^= 1
    (copy / WEIGHTS).write_bytes(bytes(weights))
    with pytest.raises(ArtifactError, match="does not match its manifest"):
        verify(copy)
    assert write_manifest(copy) == copy / MANIFEST
    assert json.loads((copy / MANIFEST).read_text(encoding="utf-8")) != json.loads(
        (artifact_dir / MANIFEST).read_text(encoding="utf-8"))
    verify(copy)  # every fingerprint matches again
    with pytest.raises(ArtifactError, match="signature"):
        verify(copy, signing_key="release-key-of-the-bank")


@pytest.mark.parametrize("edit, message", [
    (lambda m: m["metrics"].update(auc="high"), "metric 'auc' must be a finite number"),
    (lambda m: m.update(created=5), "'created' must be text"),
    (lambda m: m["training_range"].update(income=[1]), "training_range of 'income' must be"),
    (lambda m: m.update(training_range="x"), "'training_range' must be an object"),
    (lambda m: m["training_range"].update(zzz=[0, 1]), "names 'zzz', which is not one of"),
    (lambda m: m["reason_reference"].update(income="high"), "'reason_reference' must be an"),
    (lambda m: m["reason_reference"].update(zzz=1.0), "'reason_reference' must be an"),
    (lambda m: m.update(features=[f"{f}_x" for f in m["features"]]),
     "'features' must be distinct applicant fields"),
])
def test_metadata_rewritten_with_its_manifest_is_refused_if_the_service_cannot_use_it(
        copy, edit, message):
    """Without a signing key a rewritten manifest matches again; what the service would fail
    on later (a 500 on /model or on every /predict) is refused at load, with what to do."""
    meta = json.loads((copy / METADATA).read_text(encoding="utf-8"))
    edit(meta)
    (copy / METADATA).write_text(json.dumps(meta))
    write_manifest(copy)
    with pytest.raises(ArtifactError, match=f"{message}.*re-save the model with save_model"):
        load_model(copy)
