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


def test_the_wide_cnn_reads_the_same_8x8_images_and_is_seeded():
    import torch

    from deploydl.models import DigitsCNN, WideDigitsCNN, wide_digits_cnn

    net = wide_digits_cnn(seed=0)
    assert isinstance(net, WideDigitsCNN) and not net.training
    weights = sum(p.numel() for p in net.parameters())
    small = sum(p.numel() for p in DigitsCNN().parameters())
    assert weights > 100 * small and 5e6 < weights < 8e6  # about 6.3 million, 25 MB
    with torch.inference_mode():
        out = net(torch.zeros(3, 1, 8, 8))
    assert out.shape == (3, 10)
    same = wide_digits_cnn(seed=0).state_dict()
    assert all(torch.equal(v, same[k]) for k, v in net.state_dict().items())


def test_the_wide_cnn_keeps_channels_last_weights_and_the_same_answers():
    import torch

    from deploydl.models import wide_digits_cnn

    net = wide_digits_cnn(seed=0)
    convs = [m for m in net.modules() if isinstance(m, torch.nn.Conv2d)]
    assert convs and all(c.weight.is_contiguous(memory_format=torch.channels_last)
                         for c in convs)
    plain = wide_digits_cnn(seed=0).to(memory_format=torch.contiguous_format)
    assert not convs[1].weight.is_contiguous()  # the 16-channel layer's order really differs
    x = torch.rand(4, 1, 8, 8, generator=torch.Generator().manual_seed(1))
    with torch.inference_mode():
        torch.testing.assert_close(net(x), plain(x), rtol=1e-4, atol=1e-5)


def test_the_shipped_cnn_is_what_its_recipe_trains(digits):
    from safetensors import safe_open

    from deploydl.models import reference_digits_cnn
    from deploydl.models.vision import (
        REFERENCE_CNN,
        REFERENCE_RECIPE,
        train_reference_digits_cnn,
    )

    shipped, retrained = reference_digits_cnn(), train_reference_digits_cnn()
    assert not shipped.training
    for name, weights in retrained.state_dict().items():
        torch.testing.assert_close(shipped.state_dict()[name], weights, rtol=0, atol=1e-6)
    with safe_open(str(REFERENCE_CNN), framework="pt") as artifact:
        assert artifact.metadata() == {"recipe": REFERENCE_RECIPE}
    _, x_test, _, y_test = digits
    assert (shipped.predict(x_test) == y_test).mean() >= 0.95
