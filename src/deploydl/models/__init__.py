"""Northbridge Bank's models (Module 02), one file per family.

* :mod:`~deploydl.models.tabular`: the applicant network and the logistic-regression baseline;
* :mod:`~deploydl.models.vision`: the cheque digit reader, a small CNN;
* :mod:`~deploydl.models.sequence`: a GRU on monthly balance sequences;
* :mod:`~deploydl.models.gan`: a GAN that writes synthetic applicant rows;
* :mod:`~deploydl.models.training`: the seeded training loop they share (progress bar,
  early stopping).
"""

from deploydl.models.gan import (
    GAN_COLUMNS,
    ApplicantGAN,
    compare_synthetic,
    copied_rows,
    reference_applicant_gan,
    train_applicant_gan,
)
from deploydl.models.sequence import BalanceGRU, train_balance_gru
from deploydl.models.tabular import (
    ApplicantModel,
    ApplicantNet,
    BaselineModel,
    describe_risk,
    feature_matrix,
    train_applicant_model,
    train_baseline_model,
)
from deploydl.models.training import History, fit, one_thread, seeded
from deploydl.models.vision import DigitsCNN, train_digits_cnn

__all__ = [
    "GAN_COLUMNS", "ApplicantGAN", "ApplicantModel", "ApplicantNet", "BalanceGRU",
    "BaselineModel", "DigitsCNN", "History", "compare_synthetic", "copied_rows",
    "describe_risk", "feature_matrix", "fit", "one_thread", "reference_applicant_gan", "seeded",
    "train_applicant_gan",
    "train_applicant_model", "train_balance_gru", "train_baseline_model", "train_digits_cnn",
]
