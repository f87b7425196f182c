"""The tiny character-level model of Module 05's optional large-model section."""

from __future__ import annotations

import pytest
import torch

from deploydl.efficiency.costs import cost_per_million
from deploydl.models.charlm import CharModel, tokens_per_second, train_char_model, zen_text

TEXT = "abcab cabca bcabc " * 8


def test_the_zen_of_python_is_read_without_printing_it(capsys):
    text = zen_text()
    assert text.startswith("The Zen of Python") and "Beautiful is better than ugly." in text
    assert capsys.readouterr().out == ""


@pytest.fixture(scope="module")
def model():
    return train_char_model(TEXT, window=6, hidden=16, epochs=30, seed=0)


def test_training_is_seeded_and_learns_a_repeating_pattern(model):
    again = train_char_model(TEXT, window=6, hidden=16, epochs=30, seed=0)
    for a, b in zip(model.state_dict().values(), again.state_dict().values(), strict=True):
        assert torch.equal(a, b)
    assert model.history.train_loss[-1] < model.history.train_loss[0] / 4
    assert model.generate(["abcab "], tokens=10) == ["abcab cabca bcab"]


def test_a_batch_generates_the_same_text_as_one_at_a_time(model):
    prompts = ["abcab ", "bcabc ", "cabca "]
    together = model.generate(prompts, tokens=10)
    assert together == [model.generate([p], tokens=10)[0] for p in prompts]
    assert all(len(t) == 16 for t in together)


def test_bad_prompts_say_what_to_do(model):
    with pytest.raises(ValueError, match=r"same length.*got lengths \[2, 3\]"):
        model.generate(["ab", "abc"], tokens=2)
    with pytest.raises(ValueError, match=r"characters \['z'\] are not in the model's alphabet"):
        model.encode("abz")
    with pytest.raises(ValueError, match="give more than window=6"):
        train_char_model("abc", window=6)


def test_throughput_rows_carry_the_cost_per_thousand_tokens(model):
    table = tokens_per_second(model, batch_sizes=(1, 8), tokens=5, prompt="abcab ", repeats=1,
                              price_per_core_hour=0.05)
    assert list(table.index) == [1, 8]
    for _, row in table.iterrows():
        assert row["usd_per_1000_tokens"] == pytest.approx(
            cost_per_million(row["tokens_per_second"], price_per_core_hour=0.05) / 1000)
        assert row["ms_per_token"] > 0


def test_throughput_warms_up_each_batch_size_before_timing_it():
    """The first call of a batch size is slow (set-up); it must not be the one timed."""
    import time

    class FirstCallSlow:
        def __init__(self):
            self.seen = set()

        def generate(self, prompts, tokens):
            if len(prompts) not in self.seen:
                self.seen.add(len(prompts))
                time.sleep(0.2)
            return ["x" * tokens] * len(prompts)

    table = tokens_per_second(FirstCallSlow(), batch_sizes=(1, 4), tokens=10, repeats=1)
    assert (table["ms_per_token"] < 5).all(), table


def test_char_model_shapes():
    net = CharModel("ab", hidden=4)
    assert net(torch.zeros(3, 5, dtype=torch.long)).shape == (3, 2)


def test_the_shipped_model_is_what_its_recipe_trains():
    from safetensors import safe_open

    from deploydl.models.charlm import (
        REFERENCE_CHAR_MODEL,
        REFERENCE_RECIPE,
        REFERENCE_SEED,
        reference_char_model,
    )

    shipped, retrained = reference_char_model(), train_char_model(seed=REFERENCE_SEED)
    assert not shipped.training and shipped.alphabet == retrained.alphabet
    for name, weights in retrained.state_dict().items():
        torch.testing.assert_close(shipped.state_dict()[name], weights, rtol=0, atol=1e-6)
    with safe_open(str(REFERENCE_CHAR_MODEL), framework="pt") as artifact:
        assert artifact.metadata() == {"recipe": REFERENCE_RECIPE}
    assert shipped.generate(["Beautiful is"], tokens=18) == ["Beautiful is better than ugly."]
