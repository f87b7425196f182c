import matplotlib
import pytest


def test_course_style_keeps_interactive_mode_switched_on_inside_it():
    """Jupyter's inline backend switches interactive mode on while the first figure is made;
    leaving the style block must not switch it off, or later figures are never shown."""
    from deploydl.present.charts import course_style

    before = matplotlib.is_interactive()
    try:
        matplotlib.interactive(False)
        with course_style():
            matplotlib.interactive(True)
        assert matplotlib.is_interactive()
    finally:
        matplotlib.interactive(before)


def test_money_puts_the_sign_before_the_dollar():
    from deploydl.present.charts import money

    assert [money(x) for x in (1234.6, 2_500_000, -3_110_000, -150)] == [
        "$1,235", "$2.5M", "-$3.1M", "-$150"]
    assert money(-3_110_000, unit="USD ") == "-USD 3.1M"


def test_human_label_writes_codes_as_people_do():
    from deploydl.present.charts import human_label, human_labels

    assert human_labels(["30_to_50", "under_30", "over_50"]) == ["30–50", "under 30", "over 50"]
    assert human_label("credit_history_years") == "credit history (years)"
    assert human_label("applicant_id") == "applicant ID"
    assert human_label("p99_ms") == "p99 (ms)"
    assert human_label("already plain") == "already plain"
    assert human_label(3) == "3"


def test_money_rounds_a_half_up_as_people_do():
    from deploydl.present.charts import money, usd

    # Python's round and format strings take a half to the even neighbour: 36.5 -> 36
    assert [money(x) for x in (36.5, 37.5, -36.5, 2_250_000, 0.5)] == [
        "$37", "$38", "-$37", "$2.3M", "$1"]
    assert [usd(x, nearest=1000) for x in (1500, 2500)] == ["USD 2,000", "USD 3,000"]
    assert money(-0.4) == "$0"  # rounds to nothing: no sign
    import numpy as np

    assert money(np.float64(36.5)) == "$37"  # numpy's repr is "np.float64(36.5)"
    with pytest.raises(ValueError, match="finite number; got nan"):
        money(float("nan"))
    with pytest.raises(ValueError, match="nearest is the step .* got nan"):
        money(1000, nearest=float("nan"))  # the step, not the amount, is named
    assert money(999_999.6) == "$1.0M"  # millions decided after rounding, not "$1,000,000"
    assert money(1e28) == "$10,000,000,000,000,000,000,000.0M"  # past decimal's 28 digits


def test_usd_is_money_as_a_lessons_own_text_writes_it():
    from deploydl.present.charts import usd

    assert [usd(x) for x in (8000, 2_400_000)] == ["USD 8,000", "USD 2.4M"]


@pytest.mark.parametrize("fraction, words", [
    (2.5e-6, "under 1%"), (0.005, "under 1%"), (0.0051, "1%"), (0.87, "87%"),
    (0.996, "over 99%"), (0.0, "0%"), (1.0, "100%")])
def test_share_stays_true_at_the_ends(fraction, words):
    from deploydl.present.charts import share

    assert share(fraction) == words


def test_money_to_the_nearest_step_writes_every_digit():
    from deploydl.present.charts import money, usd

    assert usd(1_021_333, nearest=1000) == "USD 1,021,000"
    assert usd(963_501, nearest=1000) == "USD 964,000"
    assert money(-2_480_400, nearest=1000) == "-$2,480,000"
    assert money(-400, nearest=1000) == "$0"  # rounds to nothing: no sign
    assert money(1_021_333) == "$1.0M"  # without it, as before
    with pytest.raises(ValueError, match="got 0"):
        usd(5, nearest=0)
