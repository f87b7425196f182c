"""Northbridge Bank's models (Module 02), one file per family.

* :mod:`~deploydl.models.tabular`: the applicant network and the logistic-regression baseline;
* :mod:`~deploydl.models.vision`: the cheque digit reader, a small CNN;
* :mod:`~deploydl.models.training`: the seeded training loop they share (progress bar,
  early stopping).
"""

from deploydl.models.tabular import (
    ApplicantModel,
    ApplicantNet,
    BaselineModel,
    describe_risk,
    feature_matrix,
    train_applicant_model,
    train_baseline_model,
)
from deploydl.models.training import History, fit, seeded
from deploydl.models.vision import DigitsCNN, train_digits_cnn

__all__ = [
    "ApplicantModel", "ApplicantNet", "BaselineModel", "DigitsCNN", "History",
    "describe_risk", "feature_matrix", "fit", "seeded", "train_applicant_model",
    "train_baseline_model", "train_digits_cnn",
]
