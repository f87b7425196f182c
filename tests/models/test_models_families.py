import pytest
import torch
from sklearn.metrics import roc_auc_score

from deploydl.data import make_applicants, make_balance_sequences
from deploydl.models import (
    GAN_COLUMNS,
    compare_synthetic,
    copied_rows,
    train_applicant_gan,
    train_applicant_model,
    train_balance_gru,
    train_baseline_model,
)


@pytest.fixture(scope="module")
def train_test():
    return make_applicants(5000, seed=0), make_applicants(3000, seed=1)


def test_applicant_net_is_within_one_auc_point_of_the_baseline(train_test):
    train, test = train_test
    net = train_applicant_model(train, seed=0, weight_decay=0.01)
    baseline = train_baseline_model(train)
    auc_net = roc_auc_score(test["default"], net.predict_proba(test))
    auc_base = roc_auc_score(test["default"], baseline.predict_proba(test))
    assert auc_net >= auc_base - 0.01


def test_baseline_has_the_same_interface_as_the_network(train_test, model, one_applicant):
    baseline = train_baseline_model(train_test[0])
    p = baseline.predict_proba(one_applicant)
    assert p.shape == model.predict_proba(one_applicant).shape == (1,)
    with pytest.raises(ValueError, match="missing the feature columns"):
        baseline.predict_proba({"income": 1.0})


def test_early_stopping_stops_and_keeps_the_best_epoch(applicants):
    m = train_applicant_model(applicants, seed=0, epochs=200, patience=3, lr=1e-2)
    h = m.history
    assert h.stopped_early and h.epochs_run < 200
    assert h.val_loss[h.best_epoch] == min(h.val_loss)
    with pytest.raises(ValueError, match="patience must be 1 or more"):
        train_applicant_model(applicants, patience=0)


def test_early_stopping_is_reproducible(applicants):
    a = train_applicant_model(applicants, seed=2, epochs=4, patience=2)
    b = train_applicant_model(applicants, seed=2, epochs=4, patience=2)
    for wa, wb in zip(a.net.state_dict().values(), b.net.state_dict().values(), strict=True):
        assert torch.equal(wa, wb)


def test_training_leaves_the_callers_random_state_and_threads_alone(applicants):
    threads = torch.get_num_threads()
    torch.manual_seed(123)
    expected = torch.rand(1)
    torch.manual_seed(123)
    train_applicant_model(applicants, seed=0, epochs=1)
    assert torch.equal(torch.rand(1), expected) and torch.get_num_threads() == threads


def test_gru_sees_the_draining_balances():
    x, y = make_balance_sequences(1000, seed=0)
    x_test, y_test = make_balance_sequences(500, seed=1)
    gru = train_balance_gru(x, y, seed=0, epochs=5)
    assert roc_auc_score(y_test, gru.predict_proba(x_test)) > 0.9
    same = train_balance_gru(x[:100], y[:100], seed=1, epochs=1)
    again = train_balance_gru(x[:100], y[:100], seed=1, epochs=1)
    assert torch.equal(same.head.weight, again.head.weight)


def test_gan_writes_plausible_rows_that_copy_nobody(applicants):
    gan = train_applicant_gan(applicants, seed=0, steps=300)
    fake = gan.sample(1000, seed=0)
    assert list(fake.columns) == list(GAN_COLUMNS) and len(fake) == 1000
    assert set(fake["home_owner"]) <= {0, 1} and (fake["income"] > 0).all()
    table = compare_synthetic(applicants, fake)
    assert table["KS distance"].between(0, 1).all()
    assert copied_rows(applicants, fake) == 0
    assert gan.sample(5, seed=3).equals(gan.sample(5, seed=3))
    with pytest.raises(ValueError, match=r"missing the columns \['default'\]"):
        train_applicant_gan(applicants.drop(columns="default"))


def test_the_shipped_gan_is_the_lessons_generator_and_round_trips(tmp_path, train_test):
    from deploydl.models.gan import REFERENCE_RECIPE, load_gan, reference_applicant_gan, save_gan

    train, _ = train_test
    gan = reference_applicant_gan()
    fake = gan.sample(2000, seed=1)
    assert copied_rows(train, fake) == 0
    assert compare_synthetic(train, fake)["KS distance"].max() < 0.3  # the broad shape
    copy = load_gan(save_gan(gan, tmp_path / "gan.safetensors", recipe=REFERENCE_RECIPE))
    assert copy.sample(50, seed=4).equals(gan.sample(50, seed=4))


PORTABLE_SCRIPT = """
from deploydl.data import make_applicants
from deploydl.models import train_applicant_model
model = train_applicant_model(make_applicants(1500, seed=0), seed=0, epochs=8)
print(" ".join(f"{p:.9f}" for p in model.predict_proba(make_applicants(20, seed=5))))
"""


@pytest.mark.slow
def test_training_gives_the_same_probabilities_on_cpu_kernels_without_simd():
    """Float64 training is portable: the stored notebook outputs hold on a learner's CPU."""
    import os
    import subprocess
    import sys

    def run(**env) -> list[float]:
        done = subprocess.run([sys.executable, "-c", PORTABLE_SCRIPT], capture_output=True,
                              text=True, timeout=300, env={**os.environ, **env}, check=True)
        return [float(p) for p in done.stdout.split()]

    here = run()
    perturbed = run(ATEN_CPU_CAPABILITY="default", MKL_ENABLE_INSTRUCTIONS="SSE4_2",
                    DNNL_MAX_CPU_ISA="SSE41")
    assert len(here) == 20
    assert max(abs(a - b) for a, b in zip(here, perturbed, strict=True)) < 1e-6


def test_training_runs_in_float64_and_hands_back_float32(train_test):
    from deploydl.models.training import fit

    seen = []
    net = torch.nn.Linear(3, 1)
    net.register_forward_hook(lambda module, args, out: seen.append(out.dtype))
    x, y = torch.randn(64, 3), torch.rand(64, 1)
    fit(net, x, y, loss_fn=torch.nn.MSELoss(), seed=0, epochs=1, batch_size=32, lr=0.01)
    assert set(seen) == {torch.float64}
    assert all(p.dtype == torch.float32 for p in net.parameters())
