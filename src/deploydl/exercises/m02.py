"""Module 02 (Model selection and evaluation): five exercises on metrics, thresholds and CV.

The expected numbers come from the lab's data: the logistic baseline trained on
``make_applicants(5000, seed=0)`` and scored on ``make_applicants(2000, seed=1)``.
"""

from __future__ import annotations

from deploydl.exercises.core import Exercise

EXERCISES = [
    Exercise(
        id="02.1", title="Recall from a confusion matrix",
        expected=0.6,
        hints=("Recall asks: of the loans that really defaulted, what share did the model "
               "catch (decline)? Only the 'defaulted' row of the matrix matters.",
               "recall = bad loans declined / (bad loans declined + bad loans approved) "
               "= 120 / (120 + 80)"),
    ),
    Exercise(
        id="02.2", title="The threshold that meets the credit policy",
        expected=0.24, rel_tol=0.01,
        hints=("Keep the rows of the sweep where bad_rate_approved is at most 0.10, then take "
               "the highest threshold among them: the highest threshold approves the most.",
               "sweep.loc[sweep['bad_rate_approved'] <= 0.10, 'threshold'].max()"),
    ),
    Exercise(
        id="02.3", title="Choose between two models from cross-validation",
        expected="B",
        hints=("Compare the gap between the two means with the spread (std) across folds. "
               "Is a gap smaller than the spread evidence of a better model?",
               "The network's 0.002 lead is far inside its ±0.030 spread: no real difference. "
               "With equal performance, prefer the simpler, steadier model."),
    ),
    Exercise(
        id="02.4", title="Spot the accuracy paradox",
        expected=0.8325, rel_tol=1e-3,
        hints=("A model that approves everyone is right exactly on the loans that were repaid. "
               "What share of the test loans were repaid?",
               "approve_everyone_accuracy = 1 - test['default'].mean()"),
    ),
    Exercise(
        id="02.5", title="When turning customers away costs more",
        expected=0.32, rel_tol=0.07,
        hints=("Build ErrorCosts(good_customer_turned_away=4_000) and pass it as costs= to "
               "cost_minimising_threshold with the test labels and the baseline's scores.",
               "cost_minimising_threshold(test['default'], scores, "
               "costs=ErrorCosts(good_customer_turned_away=4_000))"),
    ),
]
