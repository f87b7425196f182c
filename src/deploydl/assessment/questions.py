"""The assessment's questions: twelve, two per skill area, asked before and after the course.

Declarative on purpose: each question names its skill area, its options, the right letter and
an explanation shown only after the capstone (Module 08). The right answers sit at varied
positions, so a learner who always picks "a" scores about a quarter, like a coin-flipper.
"""

from __future__ import annotations

from dataclasses import dataclass

LETTERS = "abcd"

#: The six skill areas of the course, in the order the modules teach them.
SKILLS = ("data governance", "model evaluation", "responsible AI", "deployment",
          "efficient inference", "monitoring")


@dataclass(frozen=True)
class Question:
    """One multiple-choice question.

    Parameters
    ----------
    id : str
        Stable key under which answers are stored ("q01"); never reuse one for a new question.
    skill : str
        One of :data:`SKILLS`.
    text : str
        The question, in plain words.
    options : tuple of str
        Two to four options, shown as a, b, c, d in this order.
    correct : str
        The letter of the right option.
    explanation : str
        Why it is right, shown after the capstone.
    """

    id: str
    skill: str
    text: str
    options: tuple[str, ...]
    correct: str
    explanation: str

    def __post_init__(self) -> None:
        if self.skill not in SKILLS:
            raise ValueError(f"Question {self.id}: skill {self.skill!r} is not one of {SKILLS}.")
        if not 2 <= len(self.options) <= len(LETTERS):
            raise ValueError(f"Question {self.id}: give 2 to 4 options, got {len(self.options)}.")
        if self.correct not in LETTERS[:len(self.options)]:
            raise ValueError(f"Question {self.id}: correct={self.correct!r} is not the letter "
                             f"of one of its {len(self.options)} options.")

    @property
    def answer(self) -> str:
        """The text of the right option."""
        return self.options[LETTERS.index(self.correct)]


QUESTIONS: tuple[Question, ...] = (
    Question(
        "q01", "data governance",
        "A customer asks Northbridge to erase their personal data (GDPR). Which copies must "
        "the erasure reach?",
        ("Only the production database: backups and training extracts are internal.",
         "Every copy: the database, backups, analytics extracts and training sets, unless "
         "the law gives a reason to keep one.",
         "Only copies made in the last twelve months.",
         "None once a model has been trained, because the model no longer needs the data."),
        "b",
        "Retention and erasure follow the data, not the system: every copy anyone can reach "
        "counts, which is why Module 01 keeps a catalog of where each copy lives."),
    Question(
        "q02", "data governance",
        "Why record lineage: which data, which version and which code trained each model?",
        ("It makes training faster.",
         "Regulators require it for image models only.",
         "So you can say what a model was trained on, and find every model to rebuild when "
         "a source turns out to be wrong.",
         "It replaces access controls on the training data."),
        "c",
        "Lineage answers 'what went into this model?' in minutes. When a source is found "
        "faulty, it lists every dataset and model to rebuild (Module 01)."),
    Question(
        "q03", "model evaluation",
        "A loan model is 90% accurate, and 10% of applicants default. What can you conclude?",
        ("It is an excellent model, ready to deploy.",
         "It will lose money, because 10% of its answers are wrong.",
         "It is unfair, because accuracy ignores groups.",
         "Nothing yet: a model that approves everyone is also 90% accurate, so ask for "
         "recall, precision and the cost of each kind of error."),
        "d",
        "With rare defaults, accuracy flatters: approving everyone scores 90% and catches no "
        "defaulter. Module 02 turns the two kinds of error into money."),
    Question(
        "q04", "model evaluation",
        "Who should choose the approval threshold of a credit model?",
        ("The business, from what a missed default and a lost good customer each cost, "
         "with the data team showing the trade-off.",
         "The data scientists, and they should keep the standard 0.5.",
         "The software vendor, since it built the model.",
         "Nobody: use the threshold with the highest accuracy."),
        "a",
        "The threshold trades one kind of error for the other, so it is a business decision "
        "priced in money (Module 02), not a technical default."),
    Question(
        "q05", "responsible AI",
        "The model approves 60% of one age group and 40% of another. What does the "
        "four-fifths rule of thumb say?",
        ("Nothing, because age is not one of the model's inputs.",
         "The model is illegal and must be switched off today.",
         "The ratio is 0.67, below 0.8: a warning sign to investigate and explain.",
         "The data must be wrong, because a model cannot be biased."),
        "c",
        "40% / 60% = 0.67, under the 0.8 rule of thumb. It is a flag that calls for a look at "
        "the causes and the remedies (Module 03), not an automatic verdict."),
    Question(
        "q06", "responsible AI",
        "Does removing the protected attribute (for example age) from the model's inputs make "
        "it fair?",
        ("Yes: a model cannot discriminate on a column it never sees.",
         "No: other inputs, such as region or years of credit history, can stand in for it, "
         "so outcomes must be measured group by group.",
         "Only if the model is a neural network.",
         "Yes, and it is also what the law requires in every country."),
        "b",
        "Proxies carry the attribute back in. Module 03 measures outcomes by group, which is "
        "why the data keeps the attribute for auditing while the model does not use it."),
    Question(
        "q07", "deployment",
        "What lets a team roll a bad model release back in minutes?",
        ("Versioned artifacts in a registry, each with its hash, and the previous version "
         "kept ready to serve.",
         "Engineers who can retrain a model quickly.",
         "A bigger server with spare capacity.",
         "A clear email to the data team when something goes wrong."),
        "a",
        "Rollback is a switch back to a known artifact. Module 04's registry keeps every "
        "version with its hash, so 'production' can point at the last good one."),
    Question(
        "q08", "deployment",
        "What is the job of a quality gate in the release pipeline (CI/CD)?",
        ("To make the model faster before release.",
         "To replace monitoring once the model is live.",
         "To have a senior executive sign every release by hand.",
         "To block a release automatically when the new model falls below agreed limits on "
         "accuracy, fairness or tests."),
        "d",
        "A gate turns the agreed limits into an automatic 'no' (Module 04); people then "
        "decide on the exceptions instead of checking every release."),
    Question(
        "q09", "efficient inference",
        "A service starts answering requests in batches of 32 instead of one at a time. What "
        "usually happens?",
        ("Every request gets its answer sooner and every answer costs less.",
         "More answers per second and a lower cost per prediction, at the price of a little "
         "waiting for each request.",
         "The model's answers change, so it must be re-evaluated for fairness.",
         "Nothing changes unless the model runs on a GPU."),
        "b",
        "Batching trades a short wait per request for throughput and cost; whether it pays "
        "depends on how much compute each prediction needs (Module 05)."),
    Question(
        "q10", "efficient inference",
        "What does quantizing a model to 8-bit integers (int8) do?",
        ("It makes the model smaller and often faster, with an accuracy change you measure "
         "before shipping.",
         "It keeps accuracy exactly the same in every case.",
         "It retrains the model on more recent data.",
         "It is a requirement of the fairness review."),
        "a",
        "Smaller numbers mean smaller and often faster models; the accuracy cost is small but "
        "not zero, so Module 05 measures it before choosing."),
    Question(
        "q11", "monitoring",
        "Inflation lifts applicants' incomes by 20%. Whether they default will only be known "
        "months later. What do you watch now?",
        ("Nothing until the outcomes arrive.",
         "The model's accuracy, every day.",
         "The servers' CPU and memory.",
         "The inputs and the model's scores, with drift tests: they move long before the "
         "outcomes arrive."),
        "d",
        "Outcomes (labels) arrive late; inputs and scores arrive with every request. Drift "
        "tests on them are the early warning (Module 06)."),
    Question(
        "q12", "monitoring",
        "A retrained model beats the current one by 0.3 points in an A/B test on 500 "
        "applicants, and the difference is not statistically significant. What do you do?",
        ("Ship it: a win is a win.",
         "Roll both models back and start again.",
         "Keep the current model and let the test run to its planned size.",
         "Retrain once more and ship the result without a test."),
        "c",
        "A difference the test cannot tell from noise is not yet a win. Stopping early on a "
        "lucky streak is how teams ship changes they later roll back (Modules 06 and 08)."),
)
