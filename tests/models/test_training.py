"""The training loop's optimiser: torch's Adam arithmetic, without torch._dynamo's import."""

import subprocess
import sys

import pytest
import torch
from torch import nn

from deploydl.models.training import Adam, in_float64, seeded


def _steps(net: nn.Module, optimiser, x: torch.Tensor, y: torch.Tensor, n: int) -> None:
    for _ in range(n):
        optimiser.zero_grad()
        nn.functional.mse_loss(net(x), y).backward()
        optimiser.step()


@pytest.mark.parametrize("weight_decay", [0.0, 1e-3])
def test_adam_moves_the_weights_exactly_as_torch_optim_adam_does(weight_decay):
    x, y = torch.randn(64, 5, generator=torch.Generator().manual_seed(1)), torch.randn(64, 1)
    nets = []
    for make in (lambda p: Adam(p, lr=0.01, weight_decay=weight_decay),
                 lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=weight_decay, fused=True)):
        with seeded(0):
            net = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 1))
        net[0].bias.requires_grad_(False)  # a frozen weight gets no gradient and stays put
        with in_float64(net):
            _steps(net, make(net.parameters()), x.double(), y.double(), 200)
        nets.append(net)
    ours, torchs = (net.state_dict() for net in nets)
    for name in ours:
        assert torch.equal(ours[name], torchs[name]), name
    with seeded(0):
        untouched = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 1))
    assert torch.equal(ours["0.bias"], untouched[0].bias)
    assert not torch.equal(ours["0.weight"], untouched[0].weight)


def test_training_does_not_import_torch_dynamo():
    """torch.optim.Optimizer imports torch._dynamo (2 to 4 s) on first use; fit must not."""
    script = ("import sys\n"
              "from deploydl.data import make_applicants\n"
              "from deploydl.models import train_applicant_model\n"
              "train_applicant_model(make_applicants(300, seed=0), seed=0, epochs=2)\n"
              "print('torch._dynamo' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"
