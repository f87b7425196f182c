"""What ``verify`` refuses before anything is loaded: an artifact of another format, and a
path that is not an artifact folder (a file, or the folder above artifacts)."""

import json
import shutil

import pytest

from deploydl.registry import ArtifactError, verify, write_manifest


@pytest.mark.parametrize(("found", "says"), [
    (99, "written by a newer deploydl (format 99; this one reads format 1). Upgrade deploydl"),
    (0, "written by an older deploydl (format 0; this one reads format 1). Re-save the model"),
    ("1", "'format' is \"1\", not a format number"),
    (None, "'format' is null, not a format number"),
])
def test_an_artifact_of_another_format_is_refused_even_with_a_matching_manifest(
        artifact_dir, tmp_path, found, says):
    assert verify(artifact_dir).metadata["format"] == 1  # the format save_model writes
    copy = shutil.copytree(artifact_dir, tmp_path / "copy")
    metadata = json.loads((copy / "metadata.json").read_text(encoding="utf-8"))
    if found is None:
        del metadata["format"]
    else:
        metadata["format"] = found
    (copy / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    write_manifest(copy)  # every hash matches again: only the format number is wrong
    with pytest.raises(ArtifactError) as refused:
        verify(copy)
    assert says in str(refused.value) and "metadata.json" in str(refused.value)


def test_a_file_given_as_the_artifact_is_called_a_file(tmp_path):
    given = tmp_path / "x.txt"
    given.write_text("not a model", encoding="utf-8")
    with pytest.raises(ArtifactError, match=r"x\.txt is a file, not a model artifact folder\. "
                                            r"Give the folder that holds manifest\.json"):
        verify(given)


def test_the_folder_above_artifacts_names_the_artifacts_in_it(artifact_dir, tmp_path):
    models = tmp_path / "models"
    shutil.copytree(artifact_dir, models / "loan-default" / "1.0.0")
    with pytest.raises(ArtifactError) as refused:
        verify(models)
    assert str(refused.value) == (f"{models} is not a model artifact; it holds one: "
                                  f"{models / 'loan-default' / '1.0.0'}. Give that folder.")
    shutil.copytree(artifact_dir, models / "loan-default" / "1.1.0")
    with pytest.raises(ArtifactError) as refused:
        verify(models)
    assert str(refused.value) == (
        f"{models} is not a model artifact; it holds 2: {models / 'loan-default' / '1.0.0'}, "
        f"{models / 'loan-default' / '1.1.0'}. Give the one to serve.")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ArtifactError, match=r"manifest\.json is missing"):
        verify(tmp_path / "empty")  # no artifact inside to name: the missing file is named

