"""A small GAN that invents applicant rows (Module 02; privacy in Modules 01 and 03).

A generative adversarial network trains two networks against each other: a *generator* turns
random noise into fake rows, a *discriminator* tries to tell fake rows from real ones. When the
discriminator can no longer tell, the fake rows share the real data's statistics without
being anyone's record, which is why synthetic data is a privacy tool. GANs are also famously
fiddly: this one trains in seconds and gets the broad shape right, not every detail.

GAN training is also chaotic: two players chasing each other amplify the last-bit differences
between CPUs (AVX2, AVX-512, Apple's NEON) instead of damping them, so the same seed on another
laptop gives a visibly different generator, even in float64. The course therefore ships the
generator it trained as a versioned artifact (:func:`reference_applicant_gan`), the way a team
keeps the weights it validated rather than the recipe alone. A maintainer rebuilds it with
``save_gan(train_applicant_gan(make_applicants(5000, seed=0), seed=0), REFERENCE_GAN,
recipe=REFERENCE_RECIPE)`` and commits the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch import nn

from deploydl.data import FEATURES, LABEL
from deploydl.models.shipped import load_shipped
from deploydl.models.training import Adam, as_float64, in_float64, one_thread, seeded

#: The columns the GAN learns: the model features and the label.
GAN_COLUMNS: tuple[str, ...] = (*FEATURES, LABEL)
_LOG_COLUMNS = ("income", "loan_amount")
_WHOLE_COLUMNS = ("late_payments", "home_owner", LABEL)
_NOISE = 8
#: The generator the lessons use: :data:`REFERENCE_RECIPE`, trained once and shipped.
REFERENCE_GAN = Path(__file__).with_name("applicant_gan.safetensors")
#: How :data:`REFERENCE_GAN` was made (stored in the file's metadata too).
REFERENCE_RECIPE = "train_applicant_gan(make_applicants(5000, seed=0), seed=0)"
_RETRAIN = (f"Retraining is a last resort here: {REFERENCE_RECIPE} (deploydl.models.gan, "
            "deploydl.data) gives a different generator on a CPU with other vector units than "
            "the course's, so its synthetic rows will not match the lessons'.")


def _mlp(n_in: int, n_out: int, hidden: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(n_in, hidden), nn.LeakyReLU(0.2),
                         nn.Linear(hidden, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, n_out))


@dataclass
class ApplicantGAN:
    """A trained generator with the scaling it needs to write rows in dollars and years."""

    generator: nn.Sequential
    mean: np.ndarray
    std: np.ndarray

    def sample(self, n: int, *, seed: int = 0) -> pd.DataFrame:
        """``n`` synthetic applicants: the :data:`GAN_COLUMNS`, rounded like the real data."""
        with seeded(seed), in_float64(self.generator), torch.inference_mode():
            raw = self.generator(_noise(n)).numpy()
        table = pd.DataFrame(raw * self.std + self.mean, columns=list(GAN_COLUMNS))
        for column in _LOG_COLUMNS:
            table[column] = np.round(np.exp(table[column]), -2)
        for column in _WHOLE_COLUMNS:
            table[column] = table[column].round().clip(lower=0).astype(int)
        table[["home_owner", LABEL]] = table[["home_owner", LABEL]].clip(upper=1)
        return table.clip(lower=0)


def train_applicant_gan(table: pd.DataFrame, *, seed: int = 0, steps: int = 1000,
                        batch_size: int = 256, hidden: int = 64, lr: float = 2e-3,
                        progress: bool = False) -> ApplicantGAN:
    """Train a GAN on the applicants' :data:`GAN_COLUMNS`; seeded, a few seconds on a laptop.

    ``steps`` is the number of generator updates (one discriminator update each). Incomes and
    loan amounts are learnt on a log scale, everything standardised.
    """
    real = _encode(table)
    mean, std = real.mean(axis=0), real.std(axis=0) + 1e-6
    x = torch.from_numpy(((real - mean) / std).astype(np.float32))
    with seeded(seed), one_thread():
        gen, disc = _mlp(_NOISE, x.shape[1], hidden), _mlp(x.shape[1], 1, hidden)
        with in_float64(gen, disc):
            _adversarial_loop(gen, disc, as_float64(x), steps=steps, batch_size=batch_size,
                              lr=lr, progress=progress)
    gen.eval()
    return ApplicantGAN(generator=gen, mean=mean, std=std)


def save_gan(gan: ApplicantGAN, path: Path, *, recipe: str) -> Path:
    """Write ``gan`` (generator weights and scaling) to ``path`` as safetensors, never pickle."""
    from safetensors.torch import save_file

    tensors = {f"generator.{k}": v.contiguous() for k, v in gan.generator.state_dict().items()}
    tensors["mean"], tensors["std"] = torch.from_numpy(gan.mean), torch.from_numpy(gan.std)
    hidden = gan.generator[0].out_features
    save_file(tensors, str(path), metadata={"recipe": recipe, "hidden": str(hidden)})
    return path


def load_gan(path: Path) -> ApplicantGAN:
    """Read a generator written by :func:`save_gan`."""
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as artifact:
        hidden = int(artifact.metadata()["hidden"])
        tensors = {k: artifact.get_tensor(k) for k in artifact.keys()}  # noqa: SIM118
    generator = _mlp(_NOISE, len(GAN_COLUMNS), hidden)
    generator.load_state_dict({k.removeprefix("generator."): v for k, v in tensors.items()
                               if k.startswith("generator.")})
    generator.eval()
    return ApplicantGAN(generator=generator, mean=tensors["mean"].numpy(),
                        std=tensors["std"].numpy())


def reference_applicant_gan() -> ApplicantGAN:
    """The generator the lessons use, trained once by :data:`REFERENCE_RECIPE` and shipped.

    Retraining gives a different generator on a CPU with other vector units (see the module's
    docstring); loading this one gives every learner the same synthetic rows. A missing or
    damaged file raises :class:`~deploydl.models.shipped.ShippedModelMissing` or
    :class:`~deploydl.models.shipped.ShippedModelDamaged`, saying how to restore it.
    """
    return load_shipped(REFERENCE_GAN, load_gan, retrain=_RETRAIN)


def _encode(table: pd.DataFrame) -> np.ndarray:
    missing = [c for c in GAN_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"The table is missing the columns {missing}; the GAN learns "
                         f"{list(GAN_COLUMNS)}. Use deploydl.data.make_applicants().")
    frame = table.loc[:, list(GAN_COLUMNS)].astype(float)
    for column in _LOG_COLUMNS:
        frame[column] = np.log(frame[column].clip(lower=1))
    return frame.to_numpy()


def _adversarial_loop(gen: nn.Module, disc: nn.Module, x: torch.Tensor, *, steps: int,
                      batch_size: int, lr: float, progress: bool) -> None:
    """Alternate one discriminator step and one generator step, ``steps`` times."""
    loss_fn = nn.BCEWithLogitsLoss()
    opt_g = Adam(gen.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = Adam(disc.parameters(), lr=lr, betas=(0.5, 0.999))
    ones = torch.ones(batch_size, dtype=x.dtype)
    zeros = torch.zeros(batch_size, dtype=x.dtype)
    for _ in _steps(steps, progress):
        real = x[torch.randint(len(x), (batch_size,))]
        fake = gen(_noise(batch_size))
        opt_d.zero_grad()
        d_loss = (loss_fn(disc(real).squeeze(-1), ones)
                  + loss_fn(disc(fake.detach()).squeeze(-1), zeros))
        d_loss.backward()
        opt_d.step()
        opt_g.zero_grad()
        loss_fn(disc(fake).squeeze(-1), ones).backward()
        opt_g.step()


def _noise(n: int) -> torch.Tensor:
    """The generator's input: ``n`` rows of standard normal noise, drawn in float64.

    Torch draws float32 normals with a vectorised kernel whose last bits depend on the CPU
    (AVX2 or not); its float64 draws are the same everywhere, so samples are portable.
    """
    return torch.randn(n, _NOISE, dtype=torch.float64)


def _steps(steps: int, progress: bool):
    if not progress:
        return range(steps)
    from tqdm.auto import trange

    return trange(steps, desc="GAN", unit="step")


def compare_synthetic(real: pd.DataFrame, synthetic: pd.DataFrame) -> pd.DataFrame:
    """Per column: real and synthetic mean and standard deviation, and the KS distance.

    The Kolmogorov-Smirnov distance is the largest gap between the two cumulative
    distributions: 0 means identical, 1 means no overlap; below about 0.1 is close.
    """
    from scipy.stats import ks_2samp

    rows = {}
    for column in GAN_COLUMNS:
        a, b = real[column].to_numpy(float), synthetic[column].to_numpy(float)
        rows[column] = {"real mean": a.mean(), "synthetic mean": b.mean(), "real std": a.std(),
                        "synthetic std": b.std(), "KS distance": ks_2samp(a, b).statistic}
    return pd.DataFrame.from_dict(rows, orient="index")


def copied_rows(real: pd.DataFrame, synthetic: pd.DataFrame) -> int:
    """How many synthetic rows are exact copies of a real row (a privacy leak if above 0)."""
    merged = synthetic.loc[:, list(GAN_COLUMNS)].merge(
        real.loc[:, list(GAN_COLUMNS)].drop_duplicates(), how="inner")
    return len(merged)

