"""The assessment's questions, asked before and after the course: two or three per skill area.

Declarative on purpose: each question names its skill area, its options, the right letter and
an explanation shown only after the capstone (Module 08). The right answers sit at varied
positions, so a learner who always picks "a" scores about a quarter, like a coin-flipper. The
wrong options are the mistakes the labs' debriefs see most, written to sound as reasonable as
the right one and about as long, so picking the longest option scores no better than chance
either. Hedged words ("often", "may") and absolutes ("only", "every") appear in right and wrong
options alike, and the right option does not repeat the question's words, so neither of those
habits beats chance (tests/assessment checks all of these).
"""

from __future__ import annotations

from dataclasses import dataclass

LETTERS = "abcd"

#: The skill areas of the course, in the order the modules teach them (Modules 01 to 07).
SKILLS = ("data governance", "model evaluation", "responsible AI", "deployment",
          "efficient inference", "monitoring", "communication")


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
        "A customer asks Northbridge to erase their personal data under the GDPR. Which copies "
        "must the erasure reach?",
        ("The live database and its backups; training extracts may stay, being pseudonymised.",
         "Every copy it may delete, training sets too; a record the law requires is kept, "
         "locked.",
         "Every copy, even the credit record the law obliges the bank to keep: erasure comes "
         "first.",
         "The live systems only; backups and extracts are cleared by their own retention "
         "schedule."),
        "b",
        "Erasure follows the data, not the system, and it is not unconditional: every copy the "
        "bank may delete goes (pseudonymised extracts are still personal data), while a record "
        "the law obliges it to keep stays under a legal hold with access restricted (Module 01)."),
    Question(
        "q02", "data governance",
        "Why record lineage: which data version and which code produced each dataset and model?",
        ("So an auditor can see each training file's name and date, which identify its data.",
         "So the model retrains by itself whenever one of its data sources changes.",
         "To show what trained a model, and what may need rebuilding if a source is wrong.",
         "It proves the training data was correct, so the model needs no quality checks."),
        "c",
        "Lineage answers 'what went into this model?' in one query. File names and dates can "
        "change without the data changing, and the other way round, so Module 01 names each "
        "version by a content hash; when a source proves wrong, lineage lists what to rebuild."),
    Question(
        "q03", "model evaluation",
        "A loan model is 90% accurate, and 10% of applicants default. What can you conclude?",
        ("It is a strong model: 90% is far above the 50% a coin toss would score.",
         "It is good if its F1 score is high too, since F1 weighs both kinds of error.",
         "It loses money on one applicant in ten, since 10% of its answers are wrong.",
         "Not much: approving every applicant scores 90% too; ask what errors cost."),
        "d",
        "With rare defaults, accuracy flatters: approving everyone scores 90% and catches no "
        "defaulter. F1 ignores what each error costs, so it picks the same threshold whatever a "
        "bad loan costs. Module 02 turns the two kinds of error into money."),
    Question(
        "q04", "model evaluation",
        "Who should set the approval threshold of a credit model, and how?",
        ("The business, from what each error costs; the data team shows the trade-off.",
         "The data team, at the threshold with the best F1 score on the test applicants.",
         "The data team, at the threshold with the lowest cost on the test applicants.",
         "Nobody needs to: 0.5 is where a default becomes more likely than not."),
        "a",
        "The threshold trades one kind of error for the other, so it is a business decision "
        "priced in money and fixed before the test (Module 02). The cheapest threshold on the "
        "test applicants is hindsight: the test only reports how the chosen one holds."),
    Question(
        "q05", "responsible AI",
        "The model approves 40% of applicants under 30 and 60% of those over 50. What does the "
        "four-fifths screen say?",
        ("Nothing: age is not one of the model's inputs, so the gap cannot be its doing.",
         "It passes: the gap is 20 points, within the 20% that the rule allows.",
         "The ratio is 0.67, under 0.8: a warning sign the bank must look into and explain.",
         "The ratio is 0.67, under 0.8: the model breaks fair-lending law and must be stopped."),
        "c",
        "The screen divides the lowest approval rate by the highest: 40% / 60% = 0.67, under "
        "0.8. It is a screen borrowed from US employment guidance, not a fair-lending test: a "
        "question the bank must answer (Module 03), not an automatic verdict."),
    Question(
        "q06", "responsible AI",
        "Does removing age from the model's inputs make the model fair to every age group?",
        ("Yes: a model cannot treat people differently by a column it has never seen.",
         "No: columns such as region can carry it back in; compare approvals by band.",
         "Yes, and the data should drop age too, so that nobody can misuse it later.",
         "No: replace it with a neutral input instead, such as years of credit history."),
        "b",
        "Proxies carry the attribute back in: in Module 03, region carries age, and years of "
        "credit history grow with age too. So outcomes are measured group by group, which is "
        "why the data keeps age for auditing while the model does not use it."),
    Question(
        "q13", "responsible AI",
        "Where does a bank's credit-scoring model stand under the EU AI Act and US model-risk "
        "guidance?",
        ("Outside the AI Act, which aims at chatbots; US guidance leaves AI models out entirely.",
         "Limited risk: the AI Act asks only for a notice to applicants; US guidance binds "
         "every bank.",
         "High-risk, but the bank's duties usually end once the vendor has had the model "
         "certified.",
         "High-risk in the EU; US guidance: an inventory, independent validation, effective "
         "challenge."),
        "d",
        "The AI Act classes credit scoring as high-risk, with duties that apply from 2 "
        "December 2027. A bank that builds its own model, as Northbridge does, is its "
        "provider and its deployer: it will owe risk management, documentation, a conformity "
        "assessment and registration, and also trained oversight, kept logs and a "
        "fundamental-rights impact assessment; a bank that buys a vendor's model will still "
        "owe the deployer's duties. US guidance (SR 26-2, "
        "which replaced SR 11-7 in 2026) does not bind, but keeping every model in an "
        "inventory, validated independently and open to effective challenge remains sound "
        "practice (Module 03)."),
    Question(
        "q07", "deployment",
        "What lets a team roll a bad model release back in minutes?",
        ("A registry of versioned, hashed artifacts, with the last good one ready to serve.",
         "A fast training pipeline that can rebuild the previous model from its data.",
         "Nightly backups of the production servers, restored by the platform team.",
         "The previous model's code in version control, ready to be rebuilt and redeployed."),
        "a",
        "Rollback is a switch back to a known artifact, not a rebuild: retraining or rebuilding "
        "from code gives a different model. Module 04's registry keeps every version with its "
        "hash, so 'production' can point at the last good one."),
    Question(
        "q08", "deployment",
        "What is the job of a quality gate in the release pipeline (CI/CD)?",
        ("To have a senior manager check every model release by hand, in place of agreed limits.",
         "To replace live monitoring: a model that passed its gates cannot degrade.",
         "To record who released each model, so a bad release can usually be traced later.",
         "To block a release by itself when a model misses agreed accuracy or fairness limits."),
        "d",
        "A gate says 'no' by itself when a model misses the agreed limits (Module 04). A named "
        "person still approves each release and reviews the close calls the gate flags, "
        "judging against those limits, not in their place, and monitoring watches the model "
        "once it is live (Module 06)."),
    Question(
        "q09", "efficient inference",
        "A service now holds incoming requests until 32 have arrived, then scores the 32 "
        "together. What usually happens?",
        ("Each request is answered sooner, because the model works on many at once.",
         "More answers a second at lower cost each, but each request waits for its batch.",
         "The bill usually falls with each larger batch, so the largest batch allowed is best.",
         "The model's answers change, so it must be validated again for fairness."),
        "b",
        "Batching trades waiting for throughput and cost: a batcher that holds requests to "
        "fill a batch adds that wait to each of them. Module 05's micro-batcher holds none: it "
        "groups the requests that arrive while the model is busy, which is why its p99 fell "
        "under load. Servers are paid in whole cores, so past some size a larger batch costs "
        "no less (Module 05)."),
    Question(
        "q10", "efficient inference",
        "What does quantising a model to 8-bit integers (int8) do?",
        ("It makes it smaller, often faster; always check its accuracy again before shipping.",
         "It makes it faster with exactly the same answers: only the storage format changes.",
         "It makes it four times smaller, so each prediction usually costs a quarter as much.",
         "It compresses the training data, so the model can be retrained in less time."),
        "a",
        "Smaller numbers mean smaller and often faster models; the accuracy cost is small but "
        "not zero, and the cost per prediction also pays for the service around the model, so "
        "Module 05 measures size, speed and accuracy again before choosing."),
    Question(
        "q11", "monitoring",
        "Inflation lifts applicants' incomes by 20% this month. How do you check that the credit "
        "model still works?",
        ("Track its accuracy on this month's applicants every day, and act when it drops.",
         "Nothing yet: wait for this month's loans to default or repay, then compare.",
         "Watch the servers' error rate and response time: a failing model usually shows there.",
         "Watch drift in its inputs and scores; judge its accuracy as outcomes arrive."),
        "d",
        "Whether a loan defaults is known months or years later; inputs and scores arrive with "
        "every request. Drift tests on them are the early warning, and accuracy on arrived "
        "outcomes is the final word (Module 06)."),
    Question(
        "q12", "monitoring",
        "An A/B test of a retrained model was planned at 4,724 approved loans a version. After "
        "500 a version, the new model earns more per applicant. What do you do?",
        ("Ship it now: it is ahead, and every week of waiting costs the bank money.",
         "Check its p-value now; if it is below 0.05 it may ship, and if not, keep testing.",
         "Change nothing yet: keep testing until the sample reaches its full size.",
         "Send it all the traffic and keep measuring: a canary can roll it back anyway."),
        "c",
        "A test stopped early on a lead is how teams ship changes they later roll back: checking "
        "the p-value as results arrive manufactures wins. 'Not proven yet' is the answer while "
        "a test is short of its planned size (Modules 06 and 08)."),
    Question(
        "q14", "communication",
        "A brief asks the board to replace the bank's current scorecard with the new network. "
        "Which number should it lead with?",
        ("The ROC AUC of both models: the standard measure of a credit model's quality.",
         "Net value a year against the process in use now, with its assumptions.",
         "The money saved against approving everyone: the clearest sign of the benefit.",
         "Accuracy on new applicants: a percentage that any board member can repeat."),
        "b",
        "The board's question is 'better than what we run today?'. Anything beats approving "
        "everyone, and ranking scores and accuracy do not say what the switch is worth; money "
        "comes with its assumptions (Module 07)."),
    Question(
        "q15", "communication",
        "The brief says: net value USD 400,000 a year against today's scorecard, 95% range "
        "-USD 500,000 to USD 1.3M. Which line may not be cut?",
        ("The uncertainty around it: it crosses zero, so the switch may lose money.",
         "The training settings (learning rate, epochs), so the board sees how it was built.",
         "The ROC AUC, so the board sees that the model ranks risk well above a coin toss.",
         "The list of its inputs, so the board can see that age is not among them."),
        "a",
        "A value whose range spans zero could be a loss: the board must know before it decides. "
        "Training settings are for the engineers, the AUC does not say what the model is "
        "worth, and leaving age out does not make a model fair (Modules 03 and 07)."),
)
