"""The training loop's documented habits (deploydl.models.training), the small model files and
the package's lazy front door, checked where mutation testing found them unchecked."""

import numpy as np
import pytest
import torch
from torch import nn

from deploydl.models.payment_order import DUE, make_payment_histories, order_free_totals
from deploydl.models.training import fit, seeded, validation_split


def _data(n: int = 40, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(n, 3, generator=generator), torch.randn(n, 1, generator=generator)


def _net(*layers: nn.Module) -> nn.Module:
    with seeded(0):
        return nn.Sequential(nn.Linear(3, 4), nn.Tanh(), *layers, nn.Linear(4, 1))


def test_the_validation_split_holds_out_the_fraction_and_covers_every_row_once():
    train, val = validation_split(10, fraction=0.2, seed=0)
    assert (len(train), len(val)) == (8, 2)
    assert sorted(torch.cat([train, val]).tolist()) == list(range(10))
    assert len(validation_split(3, fraction=0.1, seed=0)[1]) == 1  # never an empty split


@pytest.mark.parametrize("fraction", [0.0, 1.0])
def test_a_validation_fraction_of_none_or_all_rows_is_refused(fraction):
    with pytest.raises(ValueError, match="fraction between 0 and 1"):
        validation_split(10, fraction=fraction, seed=0)


def test_zero_epochs_is_refused():
    x, y = _data()
    with pytest.raises(ValueError, match="epochs must be 1 or more"):
        fit(_net(), x, y, loss_fn=nn.MSELoss(), seed=0, epochs=0, batch_size=8, lr=0.01)


def test_training_stops_after_patience_epochs_without_a_lower_validation_loss():
    """With lr=0 the weights never move, so the validation loss never gets lower than after
    the first epoch: patience=2 gives that epoch and two more."""
    x, y = _data()
    history = fit(
        _net(), x, y, loss_fn=nn.MSELoss(), seed=0, epochs=10, batch_size=8, lr=0.0, patience=2
    )
    assert (history.epochs_run, history.best_epoch, history.stopped_early) == (3, 0, True)
    assert len(set(history.val_loss)) == 1


def test_patience_counts_again_from_each_new_best_epoch(monkeypatch):
    """Validation losses 1.0, 1.1, 0.9, 1.0, 1.05 with patience 2: the new best at the third
    epoch starts the count again, so training stops after the fifth epoch (two without a lower
    loss), not the fourth (the count never reset: three epochs since the first best)."""
    from deploydl.models import training

    losses = iter([1.0, 1.1, 0.9, 1.0, 1.05, 0.1, 0.1])
    monkeypatch.setattr(training, "_loss", lambda *args: next(losses))
    x, y = _data()
    history = fit(
        _net(), x, y, loss_fn=nn.MSELoss(), seed=0, epochs=10, batch_size=8, lr=0.0, patience=2
    )
    assert history.val_loss == [1.0, 1.1, 0.9, 1.0, 1.05]
    assert (history.best_epoch, history.stopped_early) == (2, True)


def test_early_stopping_hands_back_the_best_epochs_weights():
    x, y = _data(60)
    net = _net()
    history = fit(
        net, x, y, loss_fn=nn.MSELoss(), seed=0, epochs=60, batch_size=4, lr=0.3, patience=3
    )
    assert history.stopped_early and history.val_loss[-1] > min(history.val_loss) + 1e-3
    _, val = validation_split(len(x), fraction=0.2, seed=0)  # fit's default hold-out
    with torch.no_grad():
        final = nn.functional.mse_loss(net(x[val]), y[val]).item()
    assert final == pytest.approx(min(history.val_loss), rel=1e-5)


def test_the_training_loss_is_the_mean_over_rows_of_uneven_batches():
    """10 rows in batches of 3, 3, 3 and 1: each batch's mean loss is weighted by its rows."""
    x, y = _data(10)
    net = _net()
    with torch.no_grad():
        expected = nn.functional.mse_loss(net.double()(x.double()), y.double()).item()
    net.float()
    history = fit(net, x, y, loss_fn=nn.MSELoss(), seed=0, epochs=1, batch_size=3, lr=0.0)
    assert history.train_loss[0] == pytest.approx(expected, rel=1e-12)


def test_the_seed_shuffles_the_rows_the_same_way_each_time_and_another_seed_otherwise():
    x, y = _data()

    def weights(seed: int) -> torch.Tensor:
        net = _net()
        fit(net, x, y, loss_fn=nn.MSELoss(), seed=seed, epochs=2, batch_size=4, lr=0.05)
        return torch.cat([p.detach().flatten() for p in net.parameters()])

    assert torch.equal(weights(1), weights(1))
    assert not torch.equal(weights(1), weights(2))


def test_a_trained_network_is_handed_back_in_evaluation_mode():
    """So its dropout is off when it predicts."""
    x, y = _data()
    net = _net(nn.Dropout(0.5))
    fit(net, x, y, loss_fn=nn.MSELoss(), seed=0, epochs=1, batch_size=8, lr=0.01)
    assert not net.training


def test_no_progress_bar_unless_asked(capfd):
    x, y = _data()
    for progress in (False, True):
        fit(
            _net(),
            x,
            y,
            loss_fn=nn.MSELoss(),
            seed=0,
            epochs=2,
            batch_size=8,
            lr=0.01,
            progress=progress,
            desc="tiny net",
        )
        shown = capfd.readouterr().err
        assert ("tiny net" in shown) is progress


def test_the_gru_divides_balances_by_the_training_mean():
    from deploydl.models.sequence import train_balance_gru

    balances = np.array([[1.0, 2.0, 3.0], [3.0, 4.0, 5.0]], dtype=np.float32)
    net = train_balance_gru(balances, np.array([0, 1]), epochs=1)
    assert net.scale.item() == pytest.approx(3.0)
    with pytest.raises(ValueError, match="one label per sequence"):
        train_balance_gru(balances, np.array([1]), epochs=1)


def test_payment_histories_miss_1_to_3_payments_of_at_most_a_fifth():
    payments, _ = make_payment_histories(500, label_noise=0.0, seed=0)
    missed = payments < DUE / 2
    assert set(missed.sum(axis=1)) == {1, 2, 3}
    assert payments[missed].max() <= DUE / 5 + 1e-6
    assert (order_free_totals(payments)["months_missed"] == missed.sum(axis=1)).all()


def test_the_windows_may_be_half_the_months_each():
    payments, defaulted = make_payment_histories(200, months=12, window=6, label_noise=0.0)
    late = (payments[:, 6:] < DUE / 2).any(axis=1)
    assert (late == (defaulted == 1)).all()


@pytest.mark.parametrize("window", [1, 2])
def test_a_window_shorter_than_three_months_holds_as_many_misses_as_it_has_months(window):
    """Window 1 and 2 pass the check, so they must work (they crashed in numpy's choice)."""
    payments, _ = make_payment_histories(300, window=window, label_noise=0.0, seed=0)
    missed = (payments < DUE / 2).sum(axis=1)
    assert set(missed) == set(range(1, window + 1))


def test_the_lazy_front_door_lists_imports_caches_and_refuses_unknown_names():
    import deploydl.models as models

    assert "fit" in dir(models)  # listed before it is imported
    assert models.fit is fit and vars(models)["fit"] is fit  # cached in the module
    with pytest.raises(AttributeError, match="'deploydl.models' has no attribute 'nothing'"):
        models.nothing  # noqa: B018
