"""A small GAN that invents applicant rows (Module 02; privacy in Modules 01 and 03).

A generative adversarial network trains two networks against each other: a *generator* turns
random noise into fake rows, a *discriminator* tries to tell fake rows from real ones. When the
discriminator can no longer tell, the fake rows share the real data's statistics without
being anyone's record, which is why synthetic data is a privacy tool. GANs are also famously
fiddly: this one trains in seconds and gets the broad shape right, not every detail.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import nn

from deploydl.data import FEATURES, LABEL
from deploydl.models.training import one_thread, seeded

#: The columns the GAN learns: the model features and the label.
GAN_COLUMNS: tuple[str, ...] = (*FEATURES, LABEL)
_LOG_COLUMNS = ("income", "loan_amount")
_WHOLE_COLUMNS = ("late_payments", "home_owner", LABEL)
_NOISE = 8


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
        with seeded(seed), torch.inference_mode():
            raw = self.generator(torch.randn(n, _NOISE)).numpy()
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
        _adversarial_loop(gen, disc, x, steps=steps, batch_size=batch_size, lr=lr,
                          progress=progress)
    gen.eval()
    return ApplicantGAN(generator=gen, mean=mean, std=std)


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
    opt_g = torch.optim.Adam(gen.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(disc.parameters(), lr=lr, betas=(0.5, 0.999))
    ones, zeros = torch.ones(batch_size), torch.zeros(batch_size)
    for _ in _steps(steps, progress):
        real = x[torch.randint(len(x), (batch_size,))]
        fake = gen(torch.randn(batch_size, _NOISE))
        opt_d.zero_grad()
        d_loss = (loss_fn(disc(real).squeeze(-1), ones)
                  + loss_fn(disc(fake.detach()).squeeze(-1), zeros))
        d_loss.backward()
        opt_d.step()
        opt_g.zero_grad()
        loss_fn(disc(fake).squeeze(-1), ones).backward()
        opt_g.step()


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
