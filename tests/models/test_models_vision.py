import numpy as np
import pytest
import torch

from deploydl.data import load_digits_split
from deploydl.models import DigitsCNN, train_digits_cnn


@pytest.fixture(scope="module")
def digits():
    return load_digits_split()


@pytest.fixture(scope="module")
def cnn(digits):
    x_train, _, y_train, _ = digits
    return train_digits_cnn(x_train, y_train, seed=0)


def test_cnn_reaches_95_percent_on_held_out_digits(cnn, digits):
    _, x_test, _, y_test = digits
    assert isinstance(cnn, DigitsCNN)
    assert (cnn.predict(x_test) == y_test).mean() >= 0.95


def test_cnn_returns_ten_logits_per_image(cnn, digits):
    logits = cnn(torch.from_numpy(digits[1][:4]))
    assert logits.shape == (4, 10) and logits.dtype == torch.float32


def test_cnn_same_seed_gives_identical_weights(digits):
    x_train, _, y_train, _ = digits
    a = train_digits_cnn(x_train[:200], y_train[:200], seed=3, epochs=1)
    b = train_digits_cnn(x_train[:200], y_train[:200], seed=3, epochs=1)
    for wa, wb in zip(a.state_dict().values(), b.state_dict().values(), strict=True):
        assert torch.equal(wa, wb)


def test_cnn_names_bad_shapes():
    with pytest.raises(ValueError, match=r"shape \(N, 1, 8, 8\); got \(3, 64\)"):
        train_digits_cnn(np.zeros((3, 64)), np.zeros(3))
    with pytest.raises(ValueError, match="3 images but y_train has 2 labels"):
        train_digits_cnn(np.zeros((3, 1, 8, 8)), np.zeros(2))
