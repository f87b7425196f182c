"""One seeded training loop for every network in the course (Module 02).

Every model family (the applicant network, the digits CNN, the balance GRU) trains through
:func:`fit`, so they share the same three habits a team should insist on:

* **Seeded:** the same seed gives the same weights, bit for bit, on the same machine.
* **Visible:** ``progress=True`` shows a progress bar (a widget in notebooks, text in terminals).
* **Early stopping:** with ``patience`` set, a validation split is held out and training stops
  once its loss has not improved for ``patience`` epochs; the best weights are kept.
* **Portable:** training runs in float64 and hands back float32 weights. Float32 training gives
  different weights on CPUs with different vector units (AVX2, AVX-512, Apple's NEON), because
  sums run in another order and training amplifies the last-bit differences; in float64 those
  differences stay far below the precision the lessons print, so a stored notebook output
  reproduces on a learner's laptop (Module 02, "Reproducible training").

Training runs on one CPU thread. These networks are so small that a second thread only adds
synchronisation: on the course's 2-core machine, with another process keeping the second core
busy, the applicant network took a median of 0.43 s on one thread and 1.80 s on two (up to
12.5 s), with identical weights (``benchmarks/results/training_threads.json``).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.optim.adam import adam


@dataclass
class History:
    """What happened during training: losses per epoch and where it stopped.

    ``train_loss`` and ``val_loss`` are mean losses per epoch (the loss function's units, e.g.
    binary cross-entropy in nats); ``val_loss`` is empty without early stopping.
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    best_epoch: int | None = None
    stopped_early: bool = False

    @property
    def epochs_run(self) -> int:
        return len(self.train_loss)


@contextmanager
def one_thread() -> Iterator[None]:
    """Run torch on one thread inside a ``with`` block, then restore the caller's setting."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@contextmanager
def in_float64(*nets: nn.Module) -> Iterator[None]:
    """Hold ``nets`` in float64 inside a ``with`` block, then hand them back in float32.

    Build optimisers inside the block: converting a module replaces its parameters' data.
    """
    for net in nets:
        net.to(torch.float64)
    try:
        yield
    finally:
        for net in nets:
            net.to(torch.float32)


def as_float64(tensor: torch.Tensor) -> torch.Tensor:
    """``tensor`` in float64 if it holds floating-point numbers; class labels stay integers."""
    return tensor.to(torch.float64) if tensor.is_floating_point() else tensor


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Seed torch inside a ``with`` block and restore the caller's random state afterwards."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


def validation_split(n: int, *, fraction: float,
                     seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Seeded row indices ``(train, validation)``, with ``fraction`` of ``n`` rows held out."""
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"validation must be a fraction between 0 and 1; got {fraction}. "
                         f"Try 0.2 (hold out 20% of the rows).")
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed + 1))
    n_val = max(1, round(n * fraction))
    return order[n_val:], order[:n_val]


class Adam:
    """The Adam optimiser: ``torch.optim.Adam(..., fused=True)``'s update, without its class.

    The arithmetic is torch's own (:func:`torch.optim.adam.adam`, the function
    ``torch.optim.Adam.step`` calls, on its fused kernel: one kernel per weight tensor and step
    instead of about ten). Only the bookkeeping is here. The reason is time:
    ``torch.optim.Optimizer`` imports ``torch._dynamo`` (about 800 modules) the first time an
    optimiser is built, 2 to 4 s on a 2-core machine, longer than a lesson's network takes to
    train. ``tests/models/test_training.py`` checks the weights equal torch.optim.Adam's, bit
    for bit.

    Build it inside :func:`in_float64`: its moving averages take the parameters' dtype.
    """

    def __init__(self, params: Iterable[nn.Parameter], *, lr: float,
                 betas: tuple[float, float] = (0.9, 0.999), weight_decay: float = 0.0,
                 eps: float = 1e-8) -> None:
        self.params = list(params)
        self.lr, self.betas, self.weight_decay, self.eps = lr, betas, weight_decay, eps
        self._mean = [torch.zeros_like(p) for p in self.params]  # of the gradients
        self._square = [torch.zeros_like(p) for p in self.params]  # of their squares
        self._steps = [torch.zeros((), dtype=torch.float32) for _ in self.params]

    def zero_grad(self) -> None:
        """Forget the last gradients (the next backward pass writes new ones)."""
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        """Move every parameter that has a gradient one Adam step downhill."""
        moving = [i for i, p in enumerate(self.params) if p.grad is not None]

        def pick(tensors: list) -> list[torch.Tensor]:
            return [tensors[i] for i in moving]

        adam(pick(self.params), pick([p.grad for p in self.params]), pick(self._mean),
             pick(self._square), [], pick(self._steps), fused=True, amsgrad=False,
             beta1=self.betas[0], beta2=self.betas[1], lr=self.lr,
             weight_decay=self.weight_decay, eps=self.eps, maximize=False)


def fit(net: nn.Module, x: torch.Tensor, y: torch.Tensor, *, loss_fn: nn.Module, seed: int,
        epochs: int, batch_size: int, lr: float, weight_decay: float = 0.0,
        patience: int | None = None, validation: float = 0.2, progress: bool = False,
        desc: str = "training") -> History:
    """Train ``net`` in place with Adam on mini-batches and return its :class:`History`.

    Parameters
    ----------
    net : torch.nn.Module
        The network, already built (build it inside :func:`seeded` for reproducible weights).
    x, y : torch.Tensor
        Inputs and targets; the first dimension is the row.
    loss_fn : torch.nn.Module
        For example ``nn.BCEWithLogitsLoss()`` or ``nn.CrossEntropyLoss()``.
    seed : int
        Seeds the shuffling of rows each epoch and the validation split.
    epochs : int
        The most passes over the training rows.
    weight_decay : float
        L2 penalty on the weights (Adam's ``weight_decay``): larger values keep the network
        simpler, which helps on small tables. 0 turns it off.
    patience : int, optional
        Early stopping: hold out ``validation`` of the rows and stop after ``patience`` epochs
        without a lower validation loss, restoring the best weights. None trains all epochs.
    progress : bool
        Show a progress bar with the current losses.
    """
    if epochs < 1:
        raise ValueError(f"epochs must be 1 or more; got {epochs}.")
    if patience is not None and patience < 1:
        raise ValueError(f"patience must be 1 or more epochs, or None; got {patience}.")
    history = History()
    x_val = y_val = None
    if patience is not None:
        train_idx, val_idx = validation_split(len(x), fraction=validation, seed=seed)
        x, y, x_val, y_val = x[train_idx], y[train_idx], x[val_idx], y[val_idx]
    generator = torch.Generator().manual_seed(seed)
    with one_thread(), in_float64(net):
        optimiser = Adam(net.parameters(), lr=lr, weight_decay=weight_decay)
        x, y = as_float64(x), as_float64(y)
        if x_val is not None and y_val is not None:
            x_val, y_val = as_float64(x_val), as_float64(y_val)
        _loop(net, x, y, x_val, y_val, history, loss_fn=loss_fn, optimiser=optimiser,
              generator=generator, batch_size=batch_size, patience=patience,
              bar=_epochs(epochs, progress, desc))
    net.eval()
    return history


def _loop(net, x, y, x_val, y_val, history: History, *, loss_fn, optimiser, generator,
          batch_size, patience, bar) -> None:
    """The epochs, with early stopping on the validation loss when ``x_val`` is given."""
    best_state, best_loss, waited = None, float("inf"), 0
    for epoch in bar:
        history.train_loss.append(_one_epoch(net, x, y, loss_fn, optimiser, generator,
                                             batch_size))
        if x_val is None:
            _show_loss(bar, history.train_loss[-1], None)
            continue
        val_loss = _loss(net, x_val, y_val, loss_fn)
        history.val_loss.append(val_loss)
        _show_loss(bar, history.train_loss[-1], val_loss)
        if val_loss < best_loss:
            best_state, best_loss, waited = copy.deepcopy(net.state_dict()), val_loss, 0
            history.best_epoch = epoch
        else:
            waited += 1
            if waited >= patience:
                history.stopped_early = True
                break
    if best_state is not None:
        net.load_state_dict(best_state)


def _one_epoch(net: nn.Module, x: torch.Tensor, y: torch.Tensor, loss_fn: nn.Module,
               optimiser: Adam, generator: torch.Generator,
               batch_size: int) -> float:
    """One pass over shuffled mini-batches; returns the mean training loss."""
    net.train()
    total = 0.0
    for idx in torch.randperm(len(x), generator=generator).split(batch_size):
        optimiser.zero_grad()
        loss = loss_fn(net(x[idx]), y[idx])
        loss.backward()
        optimiser.step()
        total += loss.item() * len(idx)
    return total / len(x)


def _loss(net: nn.Module, x: torch.Tensor, y: torch.Tensor, loss_fn: nn.Module) -> float:
    net.eval()
    with torch.inference_mode():
        return loss_fn(net(x), y).item()


def _epochs(epochs: int, progress: bool, desc: str):
    """The epoch counter, shown as a progress bar when ``progress`` is set."""
    if not progress:
        return range(epochs)
    from tqdm.auto import trange

    return trange(epochs, desc=desc, unit="epoch")


def _show_loss(bar, train_loss: float, val_loss: float | None) -> None:
    if hasattr(bar, "set_postfix"):
        losses = {"loss": f"{train_loss:.3f}"}
        if val_loss is not None:
            losses["val_loss"] = f"{val_loss:.3f}"
        bar.set_postfix(losses)
