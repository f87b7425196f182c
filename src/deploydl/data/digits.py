"""Cheque digits for the convolutional network (Module 02): real handwriting, not synthetic.

scikit-learn's bundled 8x8 handwritten digits: the test set of E. Alpaydin and C. Kaynak's
*Optical Recognition of Handwritten Digits* (UCI Machine Learning Repository, 1998,
doi:10.24432/C50P49), written by 13 people, shared under CC BY 4.0 (credit it when you share
it; ``docs/references.md``, ``uci-optdigits``). The course lets them stand in for the bank's
cheques.
"""

from __future__ import annotations

import numpy as np


def load_digits_split(*, test_size: float = 0.25,
                      seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cheque digits: scikit-learn's bundled 8x8 handwritten digits, ready for a CNN.

    Returns ``(X_train, X_test, y_train, y_test)`` with images of shape ``(N, 1, 8, 8)`` scaled
    to 0..1 (float32) and labels 0..9. The split is stratified and seeded.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[:, None, :, :]
    return train_test_split(images, digits.target, test_size=test_size,
                            random_state=seed, stratify=digits.target)
