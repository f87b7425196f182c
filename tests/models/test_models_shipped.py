"""The shipped models' loaders, when their file is missing or damaged: an error that names the
file and says how to restore it (or retrain it)."""

import shutil

import pytest
import torch

from deploydl.models import charlm, gan, vision
from deploydl.models.shipped import ShippedModelDamaged, ShippedModelMissing, load_shipped

# (module, its path constant, its loader, how its message says to retrain)
LOADERS = {
    "char": (charlm, "REFERENCE_CHAR_MODEL", charlm.reference_char_model,
             "`from deploydl.models.charlm import train_char_model; net = "
             "train_char_model(seed=0).eval()`"),
    "cnn": (vision, "REFERENCE_CNN", vision.reference_digits_cnn,
            "`from deploydl.models.vision import train_reference_digits_cnn; net = "
            "train_reference_digits_cnn().eval()`"),
    "gan": (gan, "REFERENCE_GAN", gan.reference_applicant_gan,
            "Retraining is a last resort here: train_applicant_gan(make_applicants(5000, "
            "seed=0), seed=0)"),
}
#: Another model's file for each: right format, wrong tensors.
OTHER = {"char": vision.REFERENCE_CNN, "cnn": charlm.REFERENCE_CHAR_MODEL,
         "gan": vision.REFERENCE_CNN}


def _moved(kind, folder, monkeypatch):
    """Point ``kind``'s loader at a file of the same name in ``folder``; return that path."""
    module, constant, _, _ = LOADERS[kind]
    shipped = getattr(module, constant)
    path = folder / shipped.name
    monkeypatch.setattr(module, constant, path)
    return shipped, path


def _assert_says_what_to_do(message, path, kind, problem):
    assert message.startswith(f"{path} {problem}")
    assert "The course ships this file with the deploydl package" in message
    assert f"`git checkout -- src/deploydl/models/{path.name}`" in message
    assert "reinstall the deploydl package the way you installed it" in message
    assert LOADERS[kind][3] in message


@pytest.mark.parametrize("kind", sorted(LOADERS))
def test_a_missing_model_file_says_how_to_restore_it(kind, tmp_path, monkeypatch):
    _, path = _moved(kind, tmp_path, monkeypatch)
    with pytest.raises(ShippedModelMissing) as caught:
        LOADERS[kind][2]()
    assert isinstance(caught.value, FileNotFoundError)  # caught as before
    _assert_says_what_to_do(str(caught.value), path, kind, "is missing.")


@pytest.mark.parametrize("kind", sorted(LOADERS))
def test_a_truncated_model_file_says_how_to_restore_it(kind, tmp_path, monkeypatch):
    shipped, path = _moved(kind, tmp_path, monkeypatch)
    path.write_bytes(shipped.read_bytes()[:5000])  # as `head -c 5000` leaves it
    with pytest.raises(ShippedModelDamaged) as caught:
        LOADERS[kind][2]()
    assert isinstance(caught.value, ValueError)
    _assert_says_what_to_do(str(caught.value), path, kind,
                            "is damaged and cannot be loaded (SafetensorError: Error while "
                            "deserializing header: incomplete metadata")


@pytest.mark.parametrize("kind", sorted(LOADERS))
def test_another_models_file_says_how_to_restore_it(kind, tmp_path, monkeypatch):
    _, path = _moved(kind, tmp_path, monkeypatch)
    shutil.copyfile(OTHER[kind], path)
    with pytest.raises(ShippedModelDamaged) as caught:
        LOADERS[kind][2]()
    _assert_says_what_to_do(str(caught.value), path, kind, "is damaged and cannot be loaded (")


@pytest.mark.parametrize(("kind", "network"), [
    ("char", lambda: charlm.CharModel(charlm.alphabet_of(charlm.zen_text()), hidden=8)),
    ("cnn", lambda: vision.DigitsCNN(channels=4)),
])
def test_tensors_of_the_wrong_shape_say_how_to_restore_them(kind, network, tmp_path,
                                                            monkeypatch):
    from safetensors.torch import save_model

    _, path = _moved(kind, tmp_path, monkeypatch)
    save_model(network(), str(path))  # the same names, smaller tensors
    with pytest.raises(ShippedModelDamaged, match="size mismatch") as caught:
        LOADERS[kind][2]()
    _assert_says_what_to_do(str(caught.value), path, kind,
                            "is damaged and cannot be loaded (RuntimeError: Error(s) in loading "
                            "state_dict")


def test_a_gan_file_whose_tensors_do_not_fit_its_metadata_says_how_to_restore_it(
        tmp_path, monkeypatch):
    from safetensors.torch import save_file

    _, path = _moved("gan", tmp_path, monkeypatch)
    tensors = {"generator.0.weight": torch.zeros(32, 8), "mean": torch.zeros(1),
               "std": torch.ones(1)}
    save_file(tensors, str(path), metadata={"recipe": gan.REFERENCE_RECIPE, "hidden": "64"})
    with pytest.raises(ShippedModelDamaged, match="RuntimeError: Error") as caught:
        LOADERS["gan"][2]()
    _assert_says_what_to_do(str(caught.value), path, "gan", "is damaged and cannot be loaded (")


@pytest.mark.parametrize("kind", sorted(LOADERS))
def test_a_folder_in_place_of_the_model_file_counts_as_missing(kind, tmp_path, monkeypatch):
    _, path = _moved(kind, tmp_path, monkeypatch)
    path.mkdir()
    with pytest.raises(ShippedModelMissing, match="is missing"):
        LOADERS[kind][2]()


def test_a_file_that_cannot_be_read_keeps_its_own_error(tmp_path):
    """Not the content's fault (no permission, say): restoring it would not help."""
    path = tmp_path / "model.safetensors"
    path.write_bytes(b"")

    def read(_):
        raise PermissionError(13, "Permission denied", str(path))

    with pytest.raises(PermissionError) as caught:
        load_shipped(path, read, retrain="")
    assert not isinstance(caught.value, ShippedModelMissing)
