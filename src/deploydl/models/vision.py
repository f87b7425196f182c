"""The cheque digit reader (Module 02; Module 05 makes it fast): a small CNN on 8x8 digits.

A convolutional network (CNN) looks at small patches of an image with shared filters, so it
learns strokes and corners wherever they appear. That is why CNNs are the default for images,
scans and documents.

:class:`WideDigitsCNN` is the same task at the cost of a realistic model (Module 05): the
scans are enlarged to 32x32 and read by a wider network, about 6 million weights.

The trained small CNN the lessons share ships with the course (:func:`reference_digits_cnn`):
Module 02 trains it in front of the learner; Modules 03 and 05 and the Module 05 lab load the
same weights and start at once. Training runs in float64, so the recipe gives the same weights
on any CPU; a unit test retrains it and compares. A maintainer rebuilds the file with
``safetensors.torch.save_model(train_reference_digits_cnn(), str(REFERENCE_CNN),
metadata={"recipe": REFERENCE_RECIPE})`` and commits it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn

from deploydl.models.shipped import load_shipped
from deploydl.models.training import History, fit, seeded

#: The trained small CNN the lessons share: :data:`REFERENCE_RECIPE`, trained once and shipped.
REFERENCE_CNN = Path(__file__).with_name("digits_cnn.safetensors")
#: The seed and epochs of :data:`REFERENCE_CNN` (Module 02 trains it live with the same).
REFERENCE_SEED, REFERENCE_EPOCHS = 0, 6
#: How :data:`REFERENCE_CNN` was made (stored in the file's metadata too).
REFERENCE_RECIPE = (f"train_digits_cnn(x_train, y_train, seed={REFERENCE_SEED}, "
                    f"epochs={REFERENCE_EPOCHS}) on the training digits of load_digits_split()")
_RETRAIN = ("Or train the same weights again, in a few seconds: `from deploydl.models.vision "
            "import train_reference_digits_cnn; net = train_reference_digits_cnn().eval()` "
            "(deploydl.models.vision's docstring shows how to write it back to the file).")


class DigitsCNN(nn.Module):
    """Two convolution blocks and a small classifier: images ``(N, 1, 8, 8)`` in, 10 logits out.

    The input is float32 pixel intensity scaled to 0..1 (as :func:`deploydl.data.load_digits_split`
    returns it); the output holds one unnormalised score (logit) per digit 0..9.
    """

    def __init__(self, channels: int = 16, hidden: int = 64) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, channels, 3, padding=1), nn.ReLU(),
            nn.Conv2d(channels, 2 * channels, 3, padding=1), nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(2 * channels * 16, hidden), nn.ReLU(), nn.Linear(hidden, 10),
        )
        self.history: History | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))

    def predict(self, images: np.ndarray | torch.Tensor) -> np.ndarray:
        """The most likely digit (0..9) for each image of shape ``(N, 1, 8, 8)``."""
        x = torch.as_tensor(_check_images(np.asarray(images)))
        self.eval()
        with torch.inference_mode():
            return self(x).argmax(dim=1).numpy()


class WideDigitsCNN(nn.Module):
    """The cheque digits at 32x32 read by a wider network: the benchmark's model (Module 05).

    Images ``(N, 1, 8, 8)`` in (as for :class:`DigitsCNN`, so clients send the same JSON),
    enlarged to 32x32 inside the network, two convolution blocks, then a wide classifier:
    about 6.3 million weights (25 MB in float32), against 38 thousand for :class:`DigitsCNN`.

    At batch 1 a CPU spends most of its time reading those weights from memory; a batch of
    32 reads them once for all 32 images, so batching pays here, as it does for most real
    models. The cost of a forward pass depends on the shapes, not on the weights' values, so
    Module 05 times an untrained copy (:func:`wide_digits_cnn`) instead of training one.
    """

    def __init__(self, channels: int = 16, widths: tuple[int, ...] = (2048, 1024),
                 scale: int = 4) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Upsample(scale_factor=scale, mode="bilinear", align_corners=False),
            nn.Conv2d(1, channels, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(channels, 2 * channels, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(),
        )
        layers: list[nn.Module] = []
        width = 2 * channels * (8 * scale // 4) ** 2
        for out in widths:
            layers += [nn.Linear(width, out), nn.ReLU()]
            width = out
        self.classifier = nn.Sequential(*layers, nn.Linear(width, 10))
        # Convolution weights in channels-last order: oneDNN's convolutions on CPU are faster
        # in it (a 16-image pass 6.7 ms instead of 8.3 ms, measured for Module 05). The answers
        # are the same up to rounding, and the flattened features keep their order.
        self.to(memory_format=torch.channels_last)  # type: ignore[call-overload]  # not in stubs

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


def wide_digits_cnn(*, seed: int = 0) -> WideDigitsCNN:
    """An untrained :class:`WideDigitsCNN` with seeded random weights, in eval mode.

    Fair for timing: every forward pass does the same multiplications whatever the weights
    hold (no early exit, no sparsity), so a trained copy costs the same. Its answers are
    meaningless; use it to measure speed, never accuracy.
    """
    with seeded(seed):
        return WideDigitsCNN().eval()


def train_digits_cnn(x_train: np.ndarray, y_train: np.ndarray, *, seed: int = 0,
                     epochs: int = 15, batch_size: int = 64, lr: float = 3e-3,
                     patience: int | None = None, progress: bool = False) -> DigitsCNN:
    """Train :class:`DigitsCNN` on images ``(N, 1, 8, 8)`` (float32, 0..1) and labels 0..9.

    Seeded: the same data and ``seed`` give identical weights. With the 1,347 training digits of
    :func:`deploydl.data.load_digits_split` and the defaults it reaches about 97-98% accuracy on
    the held-out digits in a few seconds on a 2-core laptop. The training losses are kept on the
    returned network as ``.history``.
    """
    images = _check_images(np.asarray(x_train))
    labels = np.asarray(y_train)
    if len(labels) != len(images):
        raise ValueError(f"x_train has {len(images)} images but y_train has {len(labels)} "
                         f"labels; pass one label per image.")
    with seeded(seed):
        net = DigitsCNN()
        net.history = fit(net, torch.from_numpy(images), torch.as_tensor(labels, dtype=torch.long),
                          loss_fn=nn.CrossEntropyLoss(), seed=seed, epochs=epochs,
                          batch_size=batch_size, lr=lr, patience=patience, progress=progress,
                          desc="digits CNN")
    return net


def train_reference_digits_cnn() -> DigitsCNN:
    """Train the lessons' small CNN from scratch by :data:`REFERENCE_RECIPE` (a few seconds)."""
    from deploydl.data import load_digits_split

    x_train, _, y_train, _ = load_digits_split()
    return train_digits_cnn(x_train, y_train, seed=REFERENCE_SEED, epochs=REFERENCE_EPOCHS)


def reference_digits_cnn() -> DigitsCNN:
    """The trained small CNN the lessons share, read from :data:`REFERENCE_CNN`, in eval mode.

    The same weights :func:`train_reference_digits_cnn` gives, without the seconds of training:
    about 97% of the held-out cheque digits read correctly. A missing or damaged file raises
    :class:`~deploydl.models.shipped.ShippedModelMissing` or
    :class:`~deploydl.models.shipped.ShippedModelDamaged`, saying how to restore it.
    """
    from safetensors.torch import load_model

    net = DigitsCNN()
    load_shipped(REFERENCE_CNN, lambda path: load_model(net, str(path)), retrain=_RETRAIN)
    return net.eval()


def _check_images(images: np.ndarray) -> np.ndarray:
    if images.ndim != 4 or images.shape[1:] != (1, 8, 8):
        raise ValueError(f"Digit images must have shape (N, 1, 8, 8); got {images.shape}. "
                         f"Use deploydl.data.load_digits_split(), which returns that shape.")
    return images.astype(np.float32, copy=False)
