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
    import numpy as np

    for copied in (VENDOR_ACCURACY, 100 * VENDOR_ACCURACY, round(100 * VENDOR_ACCURACY),
                   np.float32(VENDOR_ACCURACY)):  # a float32 copy too (a review's)
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
    assert find_exercise("02.2").checker(0.15).startswith("0.15 meets the policy")


def test_02_1_speaks_of_referrals_as_its_lab_and_lesson_do(root):
    """The model approves or refers to an underwriter; it never declines on its own (Modules 02
    and 03), so the lab's matrix, the hints and the feedback all say "referred"."""
    lab = (root / "solutions" / "02_model_evaluation_lab.ipynb").read_text(encoding="utf-8")
    assert f"| | {' | '.join(DECISIONS)} |" in lab
    told = [*find_exercise("02.1").hints, _recall(120 / 220), _recall(80 / 200)]
    assert all("referred" in text or "refer " in text for text in told)
    assert not any("declin" in text for text in told)


def _lab_cell(root, starts: str) -> str:
    """The source of the solved lab 02's first cell that starts with ``starts``."""
    import json

    lab = json.loads((root / "solutions" / "02_model_evaluation_lab.ipynb").read_text("utf-8"))
    return next("".join(c["source"]) for c in lab["cells"]
                if "".join(c["source"]).startswith(starts))


def test_02_5_the_cost_put_in_the_first_field_is_told_which_cost_goes_where(root):
    """The red team's: at USD 4,000, ErrorCosts(4000) (a bad loan at 4,000, a lost customer
    still at 2,000) had the right break-even, 2,000 / 6,000 = 4,000 / 12,000, and passed. The
    lab's figure is one where the slip and the right answer differ, and the slip is named."""
    from deploydl.evaluation.decision import decision_threshold
    from deploydl.evaluation.metrics import DEFAULT_COSTS, ErrorCosts
    from deploydl.exercises.core import FAILED, PASSED, evaluate
    from deploydl.exercises.m02 import TURNED_AWAY_COST

    right = decision_threshold(costs=ErrorCosts(good_customer_turned_away=TURNED_AWAY_COST))
    slip = decision_threshold(costs=ErrorCosts(TURNED_AWAY_COST)).threshold
    assert len({right.threshold, slip, decision_threshold().threshold}) == 3
    assert f"**USD {TURNED_AWAY_COST:,}**" in _lab_cell(root, "## Exercise 02.5")
    assert (f"ErrorCosts(good_customer_turned_away={TURNED_AWAY_COST:_})"
            in _lab_cell(root, "### BEGIN SOLUTION\nnew_threshold"))
    assert evaluate(find_exercise("02.5"), right.threshold).status == PASSED
    result = evaluate(find_exercise("02.5"), slip)
    assert result.status == FAILED
    assert result.message.startswith(f"{slip:.2f} is the break-even when a bad loan costs USD "
                                     f"{TURNED_AWAY_COST:,} and a turned-away customer still USD "
                                     f"{DEFAULT_COSTS.good_customer_turned_away:,.0f}")
    assert "wrong field" in result.message and "good_customer_turned_away" in result.message
    assert f"{right.threshold:.2f}" not in result.message


def test_02_5_the_whole_threshold_choice_is_told_to_take_its_threshold():
    """The red team's: the ThresholdChoice itself was told "give a threshold ... you gave
    ThresholdChoice(threshold=0.33, ...)", its repr showing the answer."""
    from deploydl.evaluation.decision import decision_threshold
    from deploydl.evaluation.metrics import ErrorCosts
    from deploydl.exercises.core import FAILED, FormProblem, evaluate
    from deploydl.exercises.m02 import TURNED_AWAY_COST

    choice = decision_threshold(costs=ErrorCosts(good_customer_turned_away=TURNED_AWAY_COST))
    result = evaluate(find_exercise("02.5"), choice)
    assert result.status == FAILED and ".threshold" in result.message
    assert "ThresholdChoice(" not in result.message
    assert f"{choice.threshold:.2f}" not in result.message
    assert isinstance(find_exercise("02.5").checker(choice), FormProblem)


def test_02_4_the_share_that_defaulted_as_the_lab_prints_it_is_named():
    """The red team's: the lab's first cell prints "16.8% of them defaulted", and 0.168 and
    16.8, copied from it, were told only "you gave 0.168"."""
    from deploydl.exercises.core import FAILED, PASSED, evaluate

    test, _ = lab_data()
    defaulted = float(test["default"].mean())
    printed = f"{defaulted:.1%}"
    for given in (defaulted, 100 * defaulted, float(printed[:-1]) / 100, float(printed[:-1])):
        result = evaluate(find_exercise("02.4"), given)
        assert result.status == FAILED, given
        what = "percentage" if given > 1 else "share"
        assert result.message.startswith(f"{given:g} is the {what} of test loans that "
                                         "defaulted"), given
        assert f"prints {printed}" in result.message and "repaid" in result.message
    # 1 - 0.168 is the right answer to the three significant digits the prompt asks for
    assert evaluate(find_exercise("02.4"), round(1 - float(printed[:-1]) / 100, 3)).status == PASSED


def test_02_2_the_policy_cap_given_as_the_threshold_is_told_it_is_the_cap():
    """The red team's: 0.10, the policy's cap on the default rate, was told "0.10 meets the
    policy, but a higher threshold does too", as if it were a threshold the learner chose."""
    from deploydl.exercises.core import FAILED, evaluate
    from deploydl.exercises.m02 import MAX_BAD_RATE

    for cap in (MAX_BAD_RATE, 100 * MAX_BAD_RATE):
        result = evaluate(find_exercise("02.2"), cap)
        assert result.status == FAILED, cap
        assert result.message.startswith(f"{cap:g} is the policy's cap"), result.message
        assert "'threshold' column" in result.message and "meets the policy" not in result.message


def test_02_5_the_debrief_gives_the_labs_break_even(root):
    from deploydl.evaluation.decision import decision_threshold
    from deploydl.evaluation.metrics import ErrorCosts
    from deploydl.exercises.m02 import TURNED_AWAY_COST

    right = decision_threshold(costs=ErrorCosts(good_customer_turned_away=TURNED_AWAY_COST))
    guide = " ".join((root / "docs" / "instructors.md").read_text(encoding="utf-8").split())
    assert (f"the break-even rises ({decision_threshold().threshold:.2f} to "
            f"{right.threshold:.2f})") in guide
