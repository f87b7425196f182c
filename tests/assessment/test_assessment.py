"""The pre- and post-assessment (Modules 00 and 08): questions, scoring, storage, cohort."""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from datetime import UTC, datetime

import pytest

from deploydl.assessment import (
    QUESTIONS,
    SKILLS,
    STORE,
    Question,
    load,
    parse_answers,
    record,
    save,
    score,
    show_questions,
    summarize,
)
from deploydl.assessment.questions import LETTERS
from deploydl.assessment.scoring import AFTER_WHERE, OutOfOrder, progress_line
from deploydl.assessment.sheet import answer_key_html
from deploydl.cli import main
from deploydl.course import roomkit
from deploydl.course.progress import render

RIGHT = "".join(q.correct for q in QUESTIONS)
N = len(QUESTIONS)
ALL_A = sum(q.correct == "a" for q in QUESTIONS)


def test_the_questions_cover_every_skill_with_answers_at_varied_positions():
    """Every skill area, Modules 01 to 07, has at least two questions (the guide says every
    format covers every skill area, and the assessment measures each)."""
    assert len({q.id for q in QUESTIONS}) == N
    per_skill = Counter(q.skill for q in QUESTIONS)
    assert set(per_skill) == set(SKILLS) and min(per_skill.values()) >= 2
    assert SKILLS[-1] == "communication"
    positions = Counter(q.correct for q in QUESTIONS)
    assert set(positions) == set("abcd") and max(positions.values()) <= -(-N // 4) + 1
    assert all(q.explanation and len(q.options) == 4 for q in QUESTIONS)


def test_the_ai_act_and_model_risk_guidance_are_asked():
    """Module 03's last objective: where credit models stand under the EU AI Act and US
    model-risk guidance."""
    asked = [q for q in QUESTIONS if "AI Act" in q.text and "model-risk" in q.text]
    assert len(asked) == 1 and asked[0].skill == "responsible AI"
    assert "High-risk" in asked[0].answer and "validation" in asked[0].answer


def _question(qid: str) -> Question:
    return next(q for q in QUESTIONS if q.id == qid)


def test_the_batching_question_matches_module_05s_batcher():
    """The reported flaw: the key said batching makes each request wait, but Module 05's
    micro-batcher holds no request (it groups those that arrive while the model is busy), so
    its p99 fell under load. The stem now describes a batcher that holds requests until the
    batch is full, and the explanation tells the two apart."""
    q = _question("q09")
    assert "holds" in q.text and "until 32 have arrived" in q.text
    assert "waits" in q.answer and "sooner" in q.options[0] and q.correct != "a"
    assert "holds none" in q.explanation and "while the model is busy" in q.explanation
    assert "p99 fell under load" in q.explanation


def test_the_gate_question_keeps_the_named_approver_of_module_04(root):
    """The reported flaw: the explanation said people decide only on the exceptions, but
    Module 04's pipeline has a named person approve each release; the wrong option is a
    person checking by hand in place of agreed limits."""
    q = _question("q08")
    diagram = (root / "src" / "deploydl" / "deploy" / "diagram.py").read_text(encoding="utf-8")
    assert "a named person" in diagram
    assert "named person still approves each release" in q.explanation
    assert "close calls the gate flags" in q.explanation
    assert "exceptions" not in q.explanation
    assert "by hand, in place of agreed limits" in q.options[0] and q.correct != "a"


def test_the_brief_question_offers_nothing_the_course_brief_keeps_as_cuttable(root):
    """The reported flaw: "the model's version and hash" was a wrong option (cuttable), but
    the course's own brief keeps them."""
    q = _question("q15")
    brief = (root / "src" / "deploydl" / "communication" / "brief_page.py").read_text(
        encoding="utf-8")
    assert "Model version {model_version}, weights sha256 {sha256}" in brief
    for option in q.options:
        assert "hash" not in option and "version" not in option, option
    assert "training settings" in q.options[1].lower() and "hash" not in q.explanation


def test_the_ai_act_question_dates_the_duties_as_the_references_do(root):
    """The reported flaw: the explanation put the high-risk duties in the present tense; the
    amended Act applies them from the date docs/references.md gives (key eu-ai-act)."""
    references = (root / "docs" / "references.md").read_text(encoding="utf-8")
    entry = references.split("### eu-ai-act\n", 1)[1].split("\n### ", 1)[0]
    date = re.search(r"duties apply from (\d{1,2} \w+ \d{4})", " ".join(entry.split()))
    assert date, "the eu-ai-act entry no longer says when the duties apply"
    explanation = _question("q13").explanation
    assert f"apply from {date[1]}" in explanation and "it will owe" in explanation


def _longest(q: Question) -> str:
    """The letter a test-wise guesser picks: the longest option (the first, on a tie)."""
    lengths = [len(o) for o in q.options]
    return LETTERS[lengths.index(max(lengths))]


def test_the_right_option_is_rarely_the_longest_by_a_clear_margin():
    """The reported flaw: the right answer was the longest option in all twelve questions.
    Options are about as long as each other; the right one stands out in length (10% longer
    than every wrong one) in at most one question in ten."""
    def margin(q: Question) -> float:
        wrong = [len(o) for o in q.options if o != q.answer]
        return len(q.answer) / max(wrong)

    standing_out = [q.id for q in QUESTIONS if margin(q) > 1.1]
    assert len(standing_out) <= N // 10, f"the right option clearly the longest: {standing_out}"
    for q in QUESTIONS:
        lengths = [len(o) for o in q.options]
        assert max(lengths) <= 1.3 * min(lengths), f"{q.id}: options of very uneven length"


@pytest.mark.parametrize("pick", [
    _longest,
    lambda q: LETTERS[min(range(4), key=lambda i: len(q.options[i]))],  # the shortest
])
def test_picking_by_length_scores_at_chance(pick):
    """A learner who has not taken the course, picking the longest (or the shortest) option,
    scores about what a coin with four sides would: N/4, give or take one question."""
    score_by_length = sum(pick(q) == q.correct for q in QUESTIONS)
    assert score_by_length <= N / 4 + 1.5, f"{score_by_length}/{N} by option length"


#: Word lists fixed in advance, as a test-wise guesser would use them: prefer the cautious
#: option, avoid the absolute one (or the other way round). The reviewer's short lists first,
#: then longer ones.
HEDGES = frozenset({"often", "usually", "little", "may"})
ABSOLUTES = frozenset({"only", "every", "must", "exactly", "always", "never", "all"})
MORE_HEDGES = HEDGES | {"might", "can", "some", "most", "likely", "about", "perhaps", "probably"}
MORE_ABSOLUTES = ABSOLUTES | {"none", "cannot", "entirely", "any"}
#: Words too common to give anything away when an option repeats them from the stem.
STOPWORDS = frozenset({"a", "an", "the", "of", "to", "and", "or", "in", "on", "for", "is", "it",
                       "its", "be", "by", "at", "as", "so", "if", "that", "this", "what",
                       "which", "do", "does", "with", "from", "not", "you", "your"})


def _words(text: str) -> list[str]:
    """Lower-case words, keeping numbers such as "4,724" and "95%" whole."""
    return re.findall(r"[a-z0-9][a-z0-9,.%'-]*[a-z0-9%]|[a-z0-9]", text.lower())


def _hedging(option: str, hedges=HEDGES, absolutes=ABSOLUTES) -> int:
    words = re.findall(r"[a-z]+", option.lower())
    return sum(w in hedges for w in words) - sum(w in absolutes for w in words)


def _overlap(q: Question, option: str) -> int:
    return len((set(_words(q.text)) - STOPWORDS) & (set(_words(option)) - STOPWORDS))


def _expected_score(rate) -> float:
    """What a guesser who picks the option with the highest rate(q, option) scores, splitting
    ties at random (the expected number of right answers)."""
    total = 0.0
    for q in QUESTIONS:
        rates = [rate(q, o) for o in q.options]
        best = [i for i, r in enumerate(rates) if r == max(rates)]
        total += (LETTERS.index(q.correct) in best) / len(best)
    return total


@pytest.mark.parametrize("rate", [
    pytest.param(lambda q, o: _hedging(o), id="cautious"),
    pytest.param(lambda q, o: -_hedging(o), id="absolute"),
    pytest.param(lambda q, o: _hedging(o, MORE_HEDGES, MORE_ABSOLUTES), id="cautious-more"),
    pytest.param(lambda q, o: -_hedging(o, MORE_HEDGES, MORE_ABSOLUTES), id="absolute-more"),
    pytest.param(_overlap, id="echoes-the-stem"),
    pytest.param(lambda q, o: -_overlap(q, o), id="avoids-the-stem"),
    pytest.param(lambda q, o: len(o.split()), id="most-words"),
])
def test_test_wise_habits_score_near_chance(rate):
    """The reported flaw: preferring hedged options ("often", "a little") and avoiding
    absolutes ("only", "must") scored 7.1/15, and q12's right option repeated the stem's
    "4,724". Each habit, and its reverse, scores at most 5/15 (chance is 3.75)."""
    assert _expected_score(rate) <= 5, f"{_expected_score(rate):.2f}/{N}"


def test_no_right_option_alone_repeats_a_number_from_its_stem():
    """q12's right option was the only one to repeat the stem's "4,724"; q15's the only one to
    repeat its "95% range"."""
    for q in QUESTIONS:
        numbers = {w for w in _words(q.text) if any(ch.isdigit() for ch in w)}
        echoing = [o for o in q.options if numbers & set(_words(o))]
        assert echoing != [q.answer], f"{q.id}: only the answer echoes the stem's numbers"


def test_stems_do_not_say_the_answer():
    """The reported giveaways: a stem that says the outcomes come late, or that a difference
    is not significant, answers its own question."""
    for q in QUESTIONS:
        for phrase in ("statistically significant", "not significant", "known months later",
                       "will only be known"):
            assert phrase not in q.text.lower(), f"{q.id}: {phrase!r} gives the answer away"


def test_the_ab_question_gives_the_planned_size_and_the_count_so_far():
    """'Not proven yet' is right only while a test is short of its planned size (06.4): the
    stem must say both, or the key is ambiguous."""
    q = next(q for q in QUESTIONS if "A/B test" in q.text)
    assert "planned at 4,724" in q.text and "After 500" in q.text
    assert "keep testing" in q.answer and "full size" in q.answer


def test_a_question_with_a_missing_right_option_is_refused():
    with pytest.raises(ValueError, match=r"correct='c' is not the letter of one of its 2"):
        Question("q99", "monitoring", "?", ("yes", "no"), "c", "because")
    with pytest.raises(ValueError, match="skill 'cooking' is not one of"):
        Question("q99", "cooking", "?", ("yes", "no"), "a", "because")


def test_answers_parse_with_spaces_commas_and_dont_know():
    parsed = parse_answers("B, c d a ?b a d b a d c" + " a b c")
    assert parsed["q01"] == "b" and parsed["q05"] == "?" and len(parsed) == N == 15


@pytest.mark.parametrize(("answers", "message"), [
    ("abc", r"each of the 15 questions .*you gave 3 in 'abc'"),
    ("abcdeabcdabcabc", r"found 'e'"),
    (12, r"as text in quotes.*you gave 12"),
])
def test_bad_answers_say_what_was_wrong(answers, message):
    with pytest.raises(ValueError, match=message):
        parse_answers(answers)


def test_score_counts_per_skill_and_question_and_dont_know_is_wrong():
    assert score(parse_answers(RIGHT)).correct == N
    all_a = score(parse_answers("a" * N))
    assert all_a.correct == ALL_A == 4
    assert score(parse_answers("?" * N)).correct == 0
    assert sum(t for _, t in all_a.by_skill.values()) == N
    assert all_a.by_skill["deployment"] == (1, 2) and all_a.by_skill["communication"] == (1, 2)
    assert [i for i, right in all_a.by_question.items() if right] == [
        q.id for q in QUESTIONS if q.correct == "a"]


def test_an_unanswered_assessment_is_not_attempted_and_stores_nothing(tmp_path):
    shown = record("before", ..., root=tmp_path)
    assert shown.status == "Not attempted" and not (tmp_path / STORE).exists()
    shown = record("before", "ab", root=tmp_path)
    assert shown.status == "Not recorded" and "you gave 2" in shown.message
    assert not (tmp_path / STORE).exists()


def test_the_after_half_is_named_by_its_section_heading_in_lesson_08(root):
    """The reported slip: the 1-day wrap-up sent learners to the "last section" of lesson 08,
    which is followed by several slides; the section is named by its heading instead."""
    import nbformat

    capstone = nbformat.read(root / "notebooks" / "08_capstone.ipynb", as_version=4)
    headings = {c.source.splitlines()[0].lstrip("# ") for c in capstone.cells
                if c.cell_type == "markdown" and c.source.startswith("#")}
    assert AFTER_WHERE.split('"')[1] in headings
    guide = " ".join((root / "docs" / "instructors.md").read_text(encoding="utf-8").split())
    assert f'the section "{AFTER_WHERE.split(chr(34))[1]}"' in guide
    assert "last section" not in guide


def test_before_hides_the_answers_after_explains_the_misses_and_the_gain(tmp_path):
    before = record("before", "a" * N, root=tmp_path)
    assert before.status == "Recorded" and "4/15 before" in str(before)
    assert ("before the course; `make progress` (or `.venv/bin/deploydl progress`; on Windows "
            "`.venv\\Scripts\\deploydl progress`) shows it." in before.message)
    assert ('in the section "The fifteen questions again, after the course" of '
            "notebooks/08_capstone.ipynb") in before.message
    assert not before.details
    wrong_last = RIGHT[:-1] + ("a" if RIGHT[-1] != "a" else "b")
    after = record("after", wrong_last, root=tmp_path)
    assert "14/15 after the course, against 4/15 before (+10)" in after.message
    assert len(after.details) == 1
    assert after.details[0].startswith("Question 15 (communication): a) The uncertainty")
    assert "<li>Question 15" in after._repr_html_()
    assert load(tmp_path)["before"]["q01"] == "a"


def test_answering_again_after_the_explanations_keeps_the_first_score(tmp_path):
    """The reported flaw: a learner went from 9/12 to 11/12 by answering the "after" half
    again once it was explained, and the second try replaced the first."""
    save(tmp_path, "before", parse_answers("a" * N))
    first = RIGHT[:-2] + "??"
    record("after", first, root=tmp_path)
    again = record("after", RIGHT, root=tmp_path)
    assert again.status == "Recorded" and again.message.startswith("15/15 this time")
    assert "Your first answers after the course, 13/15, stay your score" in again.message
    assert not again.details
    assert load(tmp_path)["after"] == parse_answers(first)
    assert progress_line(tmp_path) == "Assessment: before 4/15 · after 13/15 · gain +9 question(s)"
    attempts = json.loads((tmp_path / STORE).read_text(encoding="utf-8"))["attempts"]
    assert [a["when"] for a in attempts] == ["before", "after", "after"]
    assert attempts[2]["answers"] == parse_answers(RIGHT) and attempts[2]["at"].endswith("+00:00")
    late = record("before", RIGHT, root=tmp_path)
    assert late.status == "Not recorded" and "already recorded" in late.message
    assert load(tmp_path)["before"] == parse_answers("a" * N), "the first 'before' counts too"


def test_a_before_after_the_after_half_is_refused_and_changes_nothing(tmp_path):
    """The reported flaw: a "before" given once the "after" half was recorded was stored with
    a message promising explanations later (already given), and counted as the starting
    point: progress showed gain +0 and the cohort counted it."""
    taken = datetime(2026, 12, 5, 14, 2, 7, tzinfo=UTC)
    save(tmp_path, "after", parse_answers(RIGHT), at=taken)
    stored = (tmp_path / STORE).read_bytes()
    late = record("before", RIGHT, root=tmp_path)
    assert late.status == "Not recorded" and not late.details
    assert late.message.startswith("Your after-course answers are already recorded (5 "
                                   "December 2026, 14:02 UTC); a before-course score taken "
                                   "now would not measure the course, so it was not saved")
    assert "explained" not in late.message
    assert "`make progress` (or `.venv/bin/deploydl progress`; on Windows" in late.message
    assert "deploydl progress`) shows your scores" in late.message
    assert (tmp_path / STORE).read_bytes() == stored
    assert progress_line(tmp_path).startswith(
        "Assessment: before: not taken (no gain can be measured now) · after 15/15")
    with pytest.raises(OutOfOrder, match=r"already recorded \(5 December 2026"):
        save(tmp_path, "before", parse_answers(RIGHT))
    assert (tmp_path / STORE).read_bytes() == stored
    legacy = tmp_path / "legacy"
    (legacy / STORE).parent.mkdir(parents=True)
    (legacy / STORE).write_text(json.dumps({"after": parse_answers(RIGHT)}), encoding="utf-8")
    with pytest.raises(OutOfOrder, match="already recorded; a before-course"):
        save(legacy, "before", parse_answers(RIGHT))
    assert "before" not in load(legacy)


def test_record_refuses_an_unknown_moment_naming_the_two(tmp_path, monkeypatch):
    """A mistyped ``when`` was scored as if it were "after" ("15/15 after the course")."""
    for folder in (tmp_path, None):
        monkeypatch.chdir(tmp_path)
        shown = record("middle", RIGHT, root=folder)
        assert shown.status == "Not recorded" and not shown.details
        assert shown.message == "when='middle': use 'before' (Module 00) or 'after' (Module 08)."
    assert not (tmp_path / STORE).exists()


def test_a_store_from_before_attempts_were_kept_still_reads(tmp_path):
    (tmp_path / STORE).parent.mkdir()
    (tmp_path / STORE).write_text(json.dumps({"before": parse_answers("a" * N)}),
                                  encoding="utf-8")
    save(tmp_path, "after", parse_answers(RIGHT))
    assert summarize(load(tmp_path)).gain == N - ALL_A
    (tmp_path / STORE).write_text('{"attempts": 3}', encoding="utf-8")
    with pytest.raises(ValueError, match="not an assessment file"):
        load(tmp_path)


def test_progress_shows_both_scores_and_the_gain(tmp_path):
    assert "not taken yet" in progress_line(tmp_path)
    save(tmp_path, "before", parse_answers("a" * N))
    assert progress_line(tmp_path) == (
        "Assessment: before 4/15 · after: not taken yet (at the end of the course, in the "
        'section "The fifteen questions again, after the course" of notebooks/08_capstone.ipynb)')
    save(tmp_path, "after", parse_answers(RIGHT))
    line = progress_line(tmp_path)
    assert line == "Assessment: before 4/15 · after 15/15 · gain +11 question(s)"
    assert line in render([], assessment=line).splitlines()
    (tmp_path / STORE).write_text("[1, 2]", encoding="utf-8")
    assert "holds a JSON list, not an object" in progress_line(tmp_path)


def test_outside_a_course_folder_the_score_is_shown_but_not_saved(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shown = record("after", RIGHT)
    assert shown.status == "Scored, not saved" and "15/15 after the course" in shown.message
    assert "No course checkout found" in shown.message and ".)" not in shown.message
    assert not (tmp_path / STORE).exists()


def test_save_refuses_an_unknown_moment(tmp_path):
    with pytest.raises(ValueError, match=r"when='during'"):
        save(tmp_path, "during", {})


def test_the_sheet_numbers_questions_and_hides_answers():
    text, page = str(show_questions()), show_questions()._repr_html_()
    assert text.startswith("1. ") and "\n15. " in text and "   d) " in text
    assert page.count("<li><b>a)</b>") == N
    assert not any(q.explanation in text for q in QUESTIONS)


def test_the_room_kits_answer_key_gives_every_questions_right_option(root):
    key = answer_key_html()
    assert key.count("<p><b>Answer:") == N
    for q in QUESTIONS:
        assert f"<b>{q.correct}) {html.escape(q.answer)}</b>" in key
    page = roomkit.answer_key_html(root)
    assert "The before-and-after assessment (Modules 00 and 08)" in page and key in page


def test_the_guide_and_lesson_00_state_the_number_of_questions(root):
    """The guide and lesson 00 write the count in words: a question added or removed must
    update them (and lesson 08's heading, "The fifteen questions again")."""
    import nbformat

    word = {15: "fifteen"}[N]
    guide = (root / "docs" / "instructors.md").read_text(encoding="utf-8")
    assert f"## The {word} questions before and after" in guide
    assert "twelve questions" not in guide
    welcome = nbformat.read(root / "notebooks" / "00_welcome.ipynb", as_version=4)
    prose = " ".join(c.source for c in welcome.cells if c.cell_type == "markdown")
    assert f"{word} questions" in prose and "twelve" not in prose


def _learner(folder, before=None, after=None):
    """A learner's course folder (it has notebooks/) with the answers given, if any."""
    (folder / "notebooks").mkdir(parents=True)
    if before:
        save(folder, "before", parse_answers(before))
    if after:
        save(folder, "after", parse_answers(after))
    return str(folder)


def test_grade_collects_a_cohort(tmp_path, capsys):
    ann = _learner(tmp_path / "ann", "a" * N, RIGHT)
    bob = _learner(tmp_path / "bob", RIGHT, RIGHT)
    assert main(["grade", "--assessment", ann, str(tmp_path / "bob" / STORE)]) == 0
    out = capsys.readouterr().out
    assert "+11" in out and "Mean gain: +5.5 question(s) over 2 learner(s)" in out
    cara = _learner(tmp_path / "cara", RIGHT)
    assert main(["grade", "--assessment", "--json", ann, bob, cara]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [x["gain"] for x in data["learners"]] == [11, 0, None]
    assert data["learners"][2]["after"] is None and data["mean_gain"] == 5.5
    assert data["learners"][0]["before"]["by_skill"]["monitoring"] == [0, 2]


def test_grade_shows_the_share_right_per_question_and_skill(tmp_path, capsys):
    """The capstone asks "which question moved most for the room?": the report answers it,
    over the learners who took both halves (cara took only one, so she is left out)."""
    ann = _learner(tmp_path / "ann", "a" * N, RIGHT)
    bob = _learner(tmp_path / "bob", RIGHT, RIGHT)
    cara = _learner(tmp_path / "cara", "?" * N)
    assert main(["grade", "--assessment", ann, bob, cara]) == 1
    out = capsys.readouterr().out
    assert ("Right answers per question, of those who shared (the 2 learner(s) who took both "
            "halves):") in out
    assert "Share of the room" not in out
    first = next(q for q in QUESTIONS if q.correct != "a")
    lines = [line.split() for line in out.splitlines() if line[:4].strip().isdigit()]
    assert lines[0][:8] == ["1", *first.skill.split(), "1/2", "(50%)", "2/2", "(100%)", "+50",
                            "pts"][:8]
    assert len(lines) == N
    assert "Right answers by skill area, over the same learners:" in out
    assert "communication           3/4 (75%)   4/4 (100%)" in out
    assert main(["grade", "--assessment", "--json", ann, bob, cara]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["questions"][0] == {"number": 1, "id": "q01", "skill": "data governance",
                                    "before": 0.5, "after": 1.0, "right_before": 1,
                                    "right_after": 2, "n_before": 2, "n_after": 2}
    assert data["skills"]["communication"] == {"before": [3, 4], "after": [4, 4]}


def test_with_nobody_through_both_halves_no_change_is_shown(tmp_path, capsys):
    """The module promises a change is the same people's: with nobody through both halves,
    the before and after columns are different people, so the change column shows "-"."""
    cara = _learner(tmp_path / "cara", "?" * N)
    dan = _learner(tmp_path / "dan", after=RIGHT)
    assert main(["grade", "--assessment", cara, dan]) == 1
    out = capsys.readouterr().out
    assert "(whoever took each half: before 1, after 1; nobody has taken both yet, so no " \
        "change is shown):" in out
    lines = [line.split() for line in out.splitlines() if line[:4].strip().isdigit()]
    assert len(lines) == N and all("pts" not in line for line in lines)
    assert lines[0][3:8] == ["0/1", "(0%)", "1/1", "(100%)", "-"]


def _gains_cohort(tmp_path, gains):
    """Learners whose gains are ``gains``: each starts with every answer "?" and then gets the
    first ``gain`` questions right."""
    return [_learner(tmp_path / f"l{i}", "?" * N, RIGHT[:g] + "?" * (N - g))
            for i, g in enumerate(gains)]


def test_the_mean_gain_has_a_95_percent_range_and_a_small_group_is_flagged(tmp_path, capsys):
    """The reported flaw: "+5.5 over 2 learners" read as firm. The mean gain comes with a
    paired t interval over the learners' gains, and under ten learners the report says the
    group is small."""
    from scipy.stats import ttest_1samp

    paths = _gains_cohort(tmp_path, [2, 4, 6])
    assert main(["grade", "--assessment", *paths]) == 0
    out = capsys.readouterr().out
    low, high = ttest_1samp([2, 4, 6], 0).confidence_interval(0.95)
    assert (f"Mean gain: +4.0 question(s) over 3 learner(s) who took both, 95% range "
            f"{low:+.1f} to {high:+.1f} (t interval over their gains).") in out
    assert (low, high) == pytest.approx((-0.97, 8.97), abs=0.01)
    assert "Fewer than 10 learners took both halves: a small group, so the range is wide" in out
    assert main(["grade", "--assessment", "--json", *paths]) == 0
    assert json.loads(capsys.readouterr().out)["mean_gain_range"] == pytest.approx([low, high])
    assert main(["grade", "--assessment", *paths[:1]]) == 0
    assert "+2.0 question(s) over 1 learner(s) who took both; one learner gives no range" \
        in capsys.readouterr().out


def test_a_range_stays_within_the_possible_gains_and_ten_learners_are_not_small(tmp_path,
                                                                                capsys):
    paths = _gains_cohort(tmp_path, [0, N])
    assert main(["grade", "--assessment", *paths]) == 0
    assert f"95% range {-N:+.1f} to {N:+.1f}" in capsys.readouterr().out
    (tmp_path / "ten").mkdir()
    paths = _gains_cohort(tmp_path / "ten", [3, 4, 5, 6, 7] * 2)
    assert main(["grade", "--assessment", *paths]) == 0
    out = capsys.readouterr().out
    assert "over 10 learner(s) who took both, 95% range" in out and "small group" not in out


def test_equal_gains_give_no_zero_width_range(tmp_path, capsys):
    """The reported flaw: gains [3, 3] printed "95% range +3.0 to +3.0" beside "the range is
    wide"; alike gains say nothing of the spread."""
    paths = _gains_cohort(tmp_path, [3, 3])
    assert main(["grade", "--assessment", *paths]) == 0
    out = capsys.readouterr().out
    assert ("Mean gain: +3.0 question(s) over 2 learner(s) who took both; every learner gained "
            "the same (2 learners: too few and too alike to give a range).") in out
    assert "95% range" not in out and "range is wide" not in out
    assert main(["grade", "--assessment", "--json", *paths]) == 0
    assert json.loads(capsys.readouterr().out)["mean_gain_range"] is None


def test_a_learner_without_answers_is_listed_and_exits_1(tmp_path, capsys):
    """The reported flaw: one folder without answers made the command print nothing and exit
    2; the guide says 1 when someone has not taken both halves."""
    ann = _learner(tmp_path / "ann", "a" * N, RIGHT)
    dan = _learner(tmp_path / "dan")
    assert main(["grade", "--assessment", ann, dan]) == 1
    out = capsys.readouterr().out
    assert re.search(r"^\S*dan +- +- +-$", out, re.M)
    assert "Mean gain: +11.0 question(s) over 1 learner(s)" in out
    assert main(["grade", "--assessment", dan]) == 1
    assert "nobody has taken both yet" in capsys.readouterr().out
    assert summarize({}).gain is None


def test_the_same_learner_given_twice_counts_once(tmp_path, capsys):
    ann = _learner(tmp_path / "ann", "a" * N, RIGHT)
    bob = _learner(tmp_path / "bob", RIGHT, RIGHT)
    assert main(["grade", "--assessment", "--json", ann, str(tmp_path / "ann" / STORE), bob,
                 str(tmp_path / "ann" / "." / ".deploydl" / "assessment.json")]) == 0
    captured = capsys.readouterr()
    assert [x["path"] for x in json.loads(captured.out)["learners"]] == [ann, bob]
    assert captured.err.count("the same learner as") == 2


def test_a_missing_or_foreign_path_exits_2_and_the_others_are_still_listed(tmp_path, capsys):
    ann = _learner(tmp_path / "ann", "a" * N, RIGHT)
    other = tmp_path / "notes.json"
    other.write_text("[1]", encoding="utf-8")
    assert main(["grade", "--assessment", ann, str(tmp_path / "nobody"), str(other)]) == 2
    captured = capsys.readouterr()
    assert "ann" in captured.out and "Mean gain: +11.0" in captured.out
    assert "nobody: no such folder or file" in captured.err
    assert "notes.json holds a JSON list, not an object. It is not a readable assessment " \
        "file" in captured.err


def test_a_notebook_a_store_folder_and_wrong_keys_or_answers(tmp_path, capsys):
    """The reported flaw: a lab notebook (a JSON object) was listed as a learner with "- -",
    a learner's .deploydl folder as "- -" although the answers were in it, and
    {"before": {"q01": 5}} scored 0/15 with no warning; the docs promise exit 2 for a file that
    is not an assessment file."""
    ann = _learner(tmp_path / "ann", "a" * N, RIGHT)
    lab = tmp_path / "lab.ipynb"
    lab.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4,
                               "nbformat_minor": 5}), encoding="utf-8")
    numbers, extra = tmp_path / "numbers.json", tmp_path / "extra.json"
    numbers.write_text('{"before": {"q01": 5}}', encoding="utf-8")
    extra.write_text(json.dumps({"before": parse_answers(RIGHT), "name": "x"}),
                     encoding="utf-8")
    for bad, why in [(lab, "other keys: 'cells'"), (numbers, "q01=5"), (extra, "'name'")]:
        assert main(["grade", "--assessment", ann, str(bad)]) == 2
        captured = capsys.readouterr()
        assert "Mean gain: +11.0" in captured.out and f"{bad.name}: not an assessment" \
            in captured.err and why in captured.err
        assert ".deploydl/assessment.json, in their course folder" in captured.err
        assert bad.name not in captured.out
    bob = _learner(tmp_path / "bob", RIGHT, RIGHT)
    assert main(["grade", "--assessment", "--json", str(tmp_path / "bob" / ".deploydl"),
                 bob]) == 0
    captured = capsys.readouterr()
    learners = json.loads(captured.out)["learners"]
    assert len(learners) == 1 and learners[0]["gain"] == 0
    assert "the same learner as" in captured.err


def test_grade_json_has_one_shape_and_says_what_the_exit_code_says(tmp_path, capsys):
    """The reported flaw: ``all_passed`` and ``error`` were in the JSON only when nothing could
    be read, so a machine reader could not tell a cohort with an unread path, or one where
    someone had not taken both halves, from a complete one without the exit code."""
    ann = _learner(tmp_path / "ann", "a" * N, RIGHT)
    cara = _learner(tmp_path / "cara", RIGHT)
    nobody = str(tmp_path / "nobody")
    reports = {}
    for paths, code in [([ann], 0), ([ann, cara], 1), ([ann, nobody], 2), ([nobody], 2)]:
        assert main(["grade", "--assessment", "--json", *paths]) == code
        reports[code, len(paths)] = json.loads(capsys.readouterr().out)
    keys = {"complete", "error", "learners", "mean_gain", "mean_gain_range", "questions",
            "skills"}
    assert [(set(r) == keys, r["complete"], r["error"] is not None)
            for r in reports.values()] == [(True, True, False), (True, False, False),
                                            (True, False, True), (True, False, True)]
    some = reports[2, 2]
    assert [x["path"] for x in some["learners"]] == [ann] and some["mean_gain"] == 11
    assert some["error"] == (f"1 path(s) could not be read; the learners listed are the "
                             f"others. {nobody}: no such folder or file; give the learner's "
                             f"course folder or its {STORE.as_posix()} file.")
    assert reports[2, 1]["error"].startswith("nothing was graded")


@pytest.mark.parametrize("data", [{"before": {"q01": "ab"}}, {"after": {"q01": None}},
                                  {"before": ["a"]}, {"attempts": 3}])
def test_a_store_with_wrong_answers_is_refused(tmp_path, data):
    (tmp_path / STORE).parent.mkdir()
    (tmp_path / STORE).write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="not an assessment file"):
        load(tmp_path)


@pytest.mark.parametrize(("raw", "message"), [
    (b"[" * 100_000, "nested too deeply"),
    (b"1" * 5000, "not a readable assessment file"),
    (b'{"before": "\xe9"}', "not a readable assessment file"),
])
def test_an_unparseable_store_is_refused_by_name(tmp_path, raw, message):
    (tmp_path / STORE).parent.mkdir()
    (tmp_path / STORE).write_bytes(raw)
    with pytest.raises(ValueError, match=message) as info:
        load(tmp_path)
    assert "assessment.json" in str(info.value)


def test_markdown_is_refused_for_the_assessment(tmp_path, capsys):
    ann = _learner(tmp_path / "ann", "a" * N, RIGHT)
    assert main(["grade", "--assessment", "--format", "markdown", ann]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "--format markdown is for lab reports" in captured.err
