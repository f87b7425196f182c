"""Module 02's exercises: what the learner is told for the near misses."""

from __future__ import annotations

from deploydl.evaluation.metrics import DECISIONS
from deploydl.exercises.m02 import _approve_everyone, _recall, lab_data
from deploydl.exercises.registry import find_exercise


def test_an_answer_rounded_too_far_is_told_to_give_three_significant_digits():
    test, _ = lab_data()
    repaid = 1 - float(test["default"].mean())
    assert _approve_everyone(repaid) is None
    assert _approve_everyone(round(repaid, 3)) is None
    for rounded in (round(repaid, 2), round(repaid, 1)):
        message = _approve_everyone(rounded)
        assert message is not None and "three significant digits" in message
    assert "defaulted" in _approve_everyone(1 - repaid)
    assert _approve_everyone(0.5) == "you gave 0.5."


def test_the_cross_validation_exercise_teaches_the_paired_comparison():
    exercise = find_exercise("02.3")
    text = " ".join([*exercise.hints, *exercise.choices.values()])
    assert "fold by fold" in text
    assert "smaller than the spread" not in text


def test_lab_02_reads_the_sweeps_row_from_the_metrics_not_from_the_checker(root):
    """The fifth review's: the lab imported ``on_grid`` from the module that holds 02's answer
    logic; the grid and its nearest threshold belong with the sweep."""
    from deploydl.evaluation.metrics import nearest_threshold

    assert nearest_threshold(4000 / 12000) == 0.33
    assert nearest_threshold(0.2249) == 0.22 and nearest_threshold(0.999) == 0.99
    lab = (root / "solutions" / "02_model_evaluation_lab.ipynb").read_text(encoding="utf-8")
    assert "deploydl.exercises.m02" not in lab
    assert "from deploydl.evaluation.metrics import nearest_threshold" in lab


def test_02_4_the_vendors_figure_from_the_prompt_is_named_and_never_confirmed(root):
    """A review's: 83 was told it was a percentage and 0.83 that it was the right number
    rounded too far, so a learner could reach 0.833 from the vendor's claim alone."""
    import json

    from deploydl.exercises.core import FAILED, evaluate
    from deploydl.exercises.m02 import VENDOR_ACCURACY

    lab = json.loads((root / "solutions" / "02_model_evaluation_lab.ipynb").read_text("utf-8"))
    prompt = next("".join(c["source"]) for c in lab["cells"]
                  if "".join(c["source"]).startswith("## Exercise 02.4"))
    assert f'"over {VENDOR_ACCURACY:.0%} accuracy!"' in prompt
    for copied in (VENDOR_ACCURACY, 100 * VENDOR_ACCURACY, round(100 * VENDOR_ACCURACY)):
        result = evaluate(find_exercise("02.4"), copied)
        assert result.status == FAILED and "vendor's figure" in result.message, copied
        assert "percentage" not in result.message and "right number" not in result.message
        assert "copied" not in result.message, "a learner who rounded 0.832 copied nothing"
        assert "three significant digits" in result.message


def _aside_sweep():
    from deploydl.evaluation.metrics import threshold_sweep
    from deploydl.exercises.m02 import lab_aside

    aside, scores = lab_aside()
    return threshold_sweep(aside["default"], scores)


def test_02_2_a_share_copied_from_the_sweep_is_told_it_is_not_a_threshold():
    """The red team's: 0.0974 (bad_rate_approved at the right threshold) was snapped to the
    grid and told "0.10 meets the policy", 0.703 (the share approved there) "at 0.70..."."""
    from deploydl.exercises.core import FAILED, evaluate

    sweep = _aside_sweep()
    best = sweep.loc[sweep["bad_rate_approved"] <= 0.10, "threshold"].max()
    row = sweep.loc[sweep["threshold"] == best].iloc[0]
    for column in ("bad_rate_approved", "approved"):
        for copied in (float(row[column]), round(float(row[column]), 3)):
            result = evaluate(find_exercise("02.2"), copied)
            assert result.status == FAILED, copied
            assert result.message.startswith(f"{copied:g} is not a threshold"), result.message
            assert f"{column} column at the threshold {best:.2f}" in result.message
            assert "'threshold' column" in result.message
    # a threshold on the grid is a threshold, whatever share happens to lie near it
    for threshold in (0.10, 0.70, round(float(row["approved"]), 2)):
        assert "not a threshold" not in find_exercise("02.2").checker(threshold)


def test_02_2_the_pick_on_the_training_applicants_is_named_without_blame():
    """The red team's: the pick on the training sweep was told only "a higher threshold does
    too"; it is also a plain cautious pick, so the message says where else it comes from."""
    from deploydl.data import make_applicants
    from deploydl.exercises.m02 import TRAIN_ROWS, TRAIN_SEED, _baseline, _policy_pick

    train = make_applicants(TRAIN_ROWS, seed=TRAIN_SEED)
    on_train = _policy_pick(train, _baseline().predict_proba(train))
    message = find_exercise("02.2").checker(on_train)
    assert message.startswith(f"{on_train:.2f} meets the policy, but a higher threshold")
    assert "training applicants" in message and "set-aside applicants" in message
    assert "training" not in find_exercise("02.2").checker(round(on_train - 0.02, 2))


def test_02_6_an_amount_in_another_unit_is_echoed_as_given_and_told_the_unit():
    """The red team's: 1.072 (the extra in millions) was told "you gave 1", 0.415 (the extra
    over the cheapest cost) "you gave 0"."""
    from deploydl.exercises.m02 import f1_prices

    at_f1, cheapest = f1_prices()
    extra = at_f1 - cheapest
    check = find_exercise("02.6").checker
    assert check(extra) is None
    for given, unit in ((round(extra / 1e6, 3), "in millions of dollars"),
                        (round(extra / 1e3), "in thousands of dollars"),
                        (round(extra / cheapest, 3), "as a share of the cheapest")):
        message = check(given)
        assert message.startswith(f"{given:g} matches the extra cost {unit}"), message
        assert "in US dollars" in message
    assert check(12.345).startswith("you gave 12.345;")
    assert "and subtract" not in check(12.345)


def test_02_6_the_extra_at_the_usual_price_of_a_bad_loan_is_told_the_price():
    """The red team's: 0, the extra at USD 8,000 a bad loan, was told "...and subtract",
    though the learner had subtracted: the price of a bad loan was what was off."""
    from deploydl.evaluation.metric_choice import f1_against_money
    from deploydl.evaluation.metrics import DEFAULT_COSTS

    test, scores = lab_data()
    usual = f1_against_money(test["default"], scores, costs={"usual": DEFAULT_COSTS})
    message = find_exercise("02.6").checker(float(usual["cost: usual"].iloc[0]
                                                  - usual["cost: usual"].iloc[1]))
    assert "usual price of a bad loan (USD 8,000)" in message and "USD 20,000" in message
    assert "subtract" not in message


def test_02_6_a_small_figure_is_not_told_the_usual_price():
    """A review's: at the usual price F1's threshold is also the cheapest, so the gap there is
    USD 0, and every answer under 0.5 (0.41, the extra as a share of the cheapest cost to two
    digits) was told to use the column the learner had used. Only 0 is that gap; and two
    significant digits read a unit (0.41 is 1.2% off 0.4149, 1.1 2.6% off 1.072)."""
    check = find_exercise("02.6").checker
    assert check(0.41).startswith("0.41 matches the extra cost as a share of the cheapest")
    assert check(1.1).startswith("1.1 matches the extra cost in millions of dollars")
    for small in (0.3, 0.04, 0.4):
        message = check(small)
        assert "usual price" not in message and message.startswith(f"you gave {small:g};")
    assert "usual price of a bad loan" in check(0)


def test_02_2_an_answer_off_the_grid_is_named_as_given():
    """A review's: 0.0965 was told "0.10 meets the policy", naming the nearest grid threshold,
    not the value given."""
    message = find_exercise("02.2").checker(0.0965)
    assert message.startswith("0.0965, not one of the sweep's thresholds (read as 0.10), meets "
                              "the policy"), message
    assert find_exercise("02.2").checker(0.1).startswith("0.10 meets the policy")


def test_02_1_speaks_of_referrals_as_its_lab_and_lesson_do(root):
    """The model approves or refers to an underwriter; it never declines on its own (Modules 02
    and 03), so the lab's matrix, the hints and the feedback all say "referred"."""
    lab = (root / "solutions" / "02_model_evaluation_lab.ipynb").read_text(encoding="utf-8")
    assert f"| | {' | '.join(DECISIONS)} |" in lab
    told = [*find_exercise("02.1").hints, _recall(120 / 220), _recall(80 / 200)]
    assert all("referred" in text or "refer " in text for text in told)
    assert not any("declin" in text for text in told)
