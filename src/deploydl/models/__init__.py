"""Northbridge Bank's models (Module 02), one file per family.

* :mod:`~deploydl.models.tabular`: the applicant network and the logistic-regression baseline;
* :mod:`~deploydl.models.vision`: the cheque digit reader, a small CNN, and a wide one that
  Module 05 uses to show when batching pays;
* :mod:`~deploydl.models.sequence`: a GRU on monthly balance sequences, and
  :mod:`~deploydl.models.payment_order` the case where the order of events matters;
* :mod:`~deploydl.models.gan`: a GAN that writes synthetic applicant rows;
* :mod:`~deploydl.models.charlm`: a tiny character-level language model (Module 05);
* :mod:`~deploydl.models.training`: the seeded training loop they share (progress bar,
  early stopping);
* :mod:`~deploydl.models.shipped`: reading the trained models the course ships as files, with
  the errors a missing or damaged file raises.

The names below are imported on first use (:mod:`deploydl.lazy`): a server that loads one
network does not import pandas and the other families.
"""

from typing import TYPE_CHECKING

from deploydl.lazy import lazy_exports

if TYPE_CHECKING:  # the same names, imported at once, for the type checker only (a test
    # checks they match _WHERE; pyproject.toml tells ruff they are the package's exports)
    from deploydl.models.gan import (
        GAN_COLUMNS,
        ApplicantGAN,
        compare_synthetic,
        copied_rows,
        reference_applicant_gan,
        train_applicant_gan,
    )
    from deploydl.models.sequence import BalanceGRU, train_balance_gru
    from deploydl.models.shipped import ShippedModelDamaged, ShippedModelMissing
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
    from deploydl.models.vision import (
        DigitsCNN,
        WideDigitsCNN,
        reference_digits_cnn,
        train_digits_cnn,
        wide_digits_cnn,
    )

_FAMILIES = {
    ".gan": ("GAN_COLUMNS", "ApplicantGAN", "compare_synthetic", "copied_rows",
             "reference_applicant_gan", "train_applicant_gan"),
    ".sequence": ("BalanceGRU", "train_balance_gru"),
    ".shipped": ("ShippedModelDamaged", "ShippedModelMissing"),
    ".tabular": ("ApplicantModel", "ApplicantNet", "BaselineModel", "describe_risk",
                 "feature_matrix", "train_applicant_model", "train_baseline_model"),
    ".training": ("History", "fit", "one_thread", "seeded"),
    ".vision": ("DigitsCNN", "WideDigitsCNN", "reference_digits_cnn", "train_digits_cnn",
                "wide_digits_cnn"),
}
_WHERE = {name: module for module, names in _FAMILIES.items() for name in names}
__all__ = sorted(_WHERE)
__getattr__, __dir__ = lazy_exports(__name__, _WHERE)
