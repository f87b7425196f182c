"""The capstone run's own rules: one server at a time in a process, keyword-only options."""

import gc
import inspect
import re
import threading
from dataclasses import replace

import httpx
import pytest

from deploydl.capstone.project import LESSON_SCENARIO, NAME, Capstone, Scenario, StageResult
from deploydl.data import FEATURES

TINY = Scenario(n_train=400, n_calibration=400, n_test=400, epochs=1)


def _deployed(folder, *, scenario: Scenario = TINY) -> Capstone:
    run = Capstone(folder, scenario=scenario)
    try:
        for method in ("data", "train", "gate", "package"):
            getattr(run, method)()
        if run.registry.stage(NAME, "production") is None:  # too close to call: a review decides
            run.fairness_review(approver="Fairness review board (test)",
                                reason="range straddles 0.80; approval rates checked monthly")
        run.deploy()
    except BaseException:
        run.close()  # a stage that fails leaves no server running
        raise
    return run


def test_a_failed_fairness_gate_never_reaches_production(tmp_path):
    with Capstone(tmp_path, scenario=LESSON_SCENARIO) as run:  # Module 07's run: it fails
        for method in ("data", "train", "gate"):
            getattr(run, method)()
        assert not run.verdict["passed"]
        result = run.package()
        assert not run.awaits_review  # a FAILED gate is never reviewed into production
        assert run.registry.stage(NAME, "staging") == "1.0.0"
        assert run.registry.stage(NAME, "production") is None
        assert not run.registry.releases(NAME)
        assert "NOT in production" in result.summary and "in production" not in (
            result.summary.replace("NOT in production", ""))
        with pytest.raises(RuntimeError, match="FAILED the fairness gate: a review cannot"):
            run.fairness_review(approver="Someone", reason="we would like it released anyway")
        with pytest.raises(RuntimeError, match="waits in staging"):
            run.deploy()
        assert run.registry.stage(NAME, "production") is None


def test_the_demo_releases_nothing_after_a_failed_gate(tmp_path):
    from deploydl.capstone.project import run_demo

    lines: list[str] = []
    paths = run_demo(tmp_path, scenario=LESSON_SCENARIO, echo=lines.append)
    assert [line for line in lines if "skipped, nothing is in production" in line] == [
        "- 5/8 deploy: skipped, nothing is in production",
        "- 6/8 traffic and drift: skipped, nothing is in production",
        "- 7/8 retrain and A/B test: skipped, nothing is in production"]
    brief = paths["brief"].read_text(encoding="utf-8")
    assert "Do not release version" in brief and "it fails the fairness gate" in brief
    assert "until the fairness review decides" not in brief  # a failed gate is not reviewed
    assert not (tmp_path / "registry" / NAME / "releases.jsonl").exists()


def test_a_gate_too_close_to_call_waits_for_a_recorded_fairness_review(tmp_path):
    with Capstone(tmp_path, scenario=TINY) as run:
        summaries = [run.data().summary, run.train().summary]
        gate = run.gate().summary
        assert "errors cost USD " in gate and "$" not in gate  # the course's money rule
        assert run.verdict["passed"] and run.verdict["too_close_to_call"]  # TINY's gate
        assert not run.awaits_review  # nothing packaged yet
        summaries.append(run.package().summary)
        assert "waits for a fairness review" in summaries[-1]
        for summary in [*summaries, gate]:  # plain words: no hash, no code name
            assert not re.search(r"\b[0-9a-f]{8,}\b|\w_\w", summary), summary
        assert "percentage points off the share that did default" in summaries[1]
        assert run.awaits_review
        assert run.registry.stage(NAME, "production") is None
        reason = "range straddles 0.80; approval rates checked monthly"
        result = run.fairness_review(approver="Fairness review board", reason=reason)
        assert not run.awaits_review
        assert run.registry.stage(NAME, "production") == "1.0.0"
        (release,) = run.registry.releases(NAME)
        assert (release["approver"], release["override"]) == ("Fairness review board", reason)
        assert "released to production on the fairness review" in result.summary


def test_a_long_stage_result_prints_wrapped_with_its_continuation_lines_indented():
    """On a slide a printed result wraps at the box's edge; wrapped here, at 88 characters,
    with the lines after the first indented, its continuation lines do not read as items."""
    result = StageResult("fairness gate", "passed: " + "a long clause; " * 12
                         + "95% range 0.757-0.881")
    lines = str(result).splitlines()
    assert len(lines) > 2 and max(map(len, lines)) <= 88
    assert not lines[0].startswith(" ") and all(line.startswith("  ") for line in lines[1:])
    assert " ".join(str(result).split()) == f"{result.stage}: {result.summary}"
    assert "0.757-0.881" in str(result)  # a range is never split at its hyphen


def test_a_result_printed_after_a_prefix_continues_under_its_text_not_under_the_prefix():
    """The demo prints each stage after a tick and its number ("✓ 3/8 "): the continuation
    lines sit two spaces past that prefix, and every line keeps within 88 characters."""
    result = StageResult("fairness gate", "passed: " + "a long clause; " * 12)
    lines = result.printed("✓ 3/8 ").splitlines()
    assert len(lines) > 2 and max(map(len, lines)) <= 88
    assert lines[0].startswith("✓ 3/8 fairness gate: ")
    assert all(line.startswith(" " * 8) and line[8] != " " for line in lines[1:])


def test_the_demo_says_where_the_model_is(tmp_path):
    from deploydl.capstone.project import run_demo

    lines: list[str] = []
    small = Scenario(n_train=400, n_calibration=400, n_test=400, epochs=1, days=2, per_day=20,
                     opens_day=1, ab_requests=20)
    run_demo(tmp_path, scenario=small, echo=lines.append)
    lines = [" ".join(line.split()) for line in lines]  # a long result prints wrapped
    package = next(line for line in lines if "4/8 package" in line)
    assert "NOT in production yet" in package and "waits for a fairness review" in package
    review = lines[lines.index(package) + 1]
    assert "released to production on the fairness review" in review and "simulated" in review


def test_a_new_run_stops_the_server_an_earlier_run_left_running(tmp_path):
    run = _deployed(tmp_path / "first")  # a lab cell run once ...
    url = run.server.url
    assert httpx.get(f"{url}/health").status_code == 200
    run = _deployed(tmp_path / "second")  # ... and again: `run` now names only the new one
    gc.collect()
    try:
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{url}/health", timeout=2)
        assert run.client.health()["status"] == "ok"
        assert Capstone._serving == {run}
        assert not [t for t in threading.enumerate() if t.name.startswith("deploydl-server")
                    and run.server.url.rsplit(":", 1)[1] not in t.name]
    finally:
        run.close()
    assert not Capstone._serving


def test_options_are_keyword_only():
    from deploydl.efficiency.compress import quantize_int8

    for function, option in ((Capstone.deploy, "model"), (quantize_int8, "calibration")):
        kind = inspect.signature(function).parameters[option].kind
        assert kind is inspect.Parameter.KEYWORD_ONLY, function.__qualname__


def _profit_win(monkeypatch, *, guardrail_ok: bool) -> None:
    """Make every A/B test a clear, significant profit win for version B, its approval-rate
    guardrail as given."""
    from deploydl.monitoring import profit_test

    real = profit_test.profit_test

    def a_clear_win(*args, **kwargs):
        result = real(*args, **kwargs)
        return replace(result, significant=True, difference=abs(result.difference) + 1.0,
                       guardrail_ok=guardrail_ok)

    monkeypatch.setattr(profit_test, "profit_test", a_clear_win)


def _force_verdict(monkeypatch, run: Capstone, *, passed: bool, too_close: bool) -> None:
    """From now on, each version's fairness verdict in ``run`` is as given."""
    real_verdict = run._release_verdict

    def forced(*args):
        verdict, on_test = real_verdict(*args)
        return {**verdict, "passed": passed, "too_close_to_call": too_close}, on_test

    monkeypatch.setattr(run, "_release_verdict", forced)


#: The A/B test winner's own fairness verdict, forced: (passed, too close to call).
WINNER_VERDICTS = {"clear pass": (True, False), "too close to call": (True, True),
                   "too close, server stopped": (True, True), "FAILED": (False, False)}


@pytest.mark.parametrize("gate", list(WINNER_VERDICTS))
def test_an_ab_test_winner_reaches_production_only_through_the_fairness_gate(tmp_path,
                                                                             monkeypatch, gate):
    """A profit win says nothing about who is approved: the retrained 1.1.0 goes to production
    and is served only on a clear pass of its own fairness gate; too close to call, it waits in
    staging until a review releases and serves it; FAILED, no review can release it. The brief
    says which, and never asks to keep a decided test running."""
    from deploydl.communication.brief_text import decision_text
    from deploydl.evaluation import decision as rule

    test_scorings: list[str] = []  # the retrained version scoring the test applicants
    aside_scorings: list[str] = []  # ... and the set-aside ones, once it has its threshold

    def counted(model, aside):
        made, choice = real_decide(model, aside)
        predict = made.predict_proba

        def predict_proba(rows):
            if rows is run.test:
                test_scorings.append(made.version)
            if rows is run.calibration:
                aside_scorings.append(made.version)
            return predict(rows)

        made.predict_proba = predict_proba
        return made, choice

    real_decide = rule.calibrate_and_decide
    monkeypatch.setattr(rule, "calibrate_and_decide", counted)

    _profit_win(monkeypatch, guardrail_ok=True)
    small = replace(TINY, days=2, per_day=20, opens_day=1, ab_requests=20)
    passed, too_close = WINNER_VERDICTS[gate]
    with Capstone(tmp_path, scenario=small) as run:
        for method in ("data", "train", "gate", "package"):
            getattr(run, method)()
        run.fairness_review(approver="Fairness review board", reason="1.0.0 reviewed (test)")
        run.deploy()
        run.traffic()
        applicant = {f: run.test[f].iloc[0].item() for f in FEATURES}  # asks who answers
        # the candidate's verdict, as the case needs it
        _force_verdict(monkeypatch, run, passed=passed, too_close=too_close)
        result = run.ab_test().summary
        assert test_scorings == ["1.1.0"]  # scored once: its scorecard's scores judge it too
        assert aside_scorings == []  # the screen that chose its threshold is its gate's
        served = run.client.predict(applicant)["model_version"]
        decision = decision_text(_brief_inputs(run))
        assert "Keep the A/B test" not in decision
        assert run.awaits_review is (gate != "clear pass" and gate != "FAILED")
        if gate == "clear pass":
            assert "stays in staging" not in result and "held" not in run.ab
            assert run.registry.stage(NAME, "production") == served == "1.1.0"
            return
        assert run.registry.stage(NAME, "production") == served == "1.0.0"
        assert run.registry.stage(NAME, "staging") == "1.1.0"
        if gate == "FAILED":
            assert "1.1.0 won but stays in staging: its fairness gate FAILED" in result
            assert "Version {ab_version_b} won the A/B test" in decision and "FAILED" in decision
            with pytest.raises(RuntimeError, match="FAILED the fairness gate: a review cannot"):
                run.fairness_review(approver="Fairness review board", reason="1.1.0 (test)")
            assert run.registry.stage(NAME, "production") == "1.0.0"
            return
        assert "1.1.0 won but stays in staging: its fairness gate is too close to call" in result
        assert "waits in staging for a fairness review" in decision
        run.brief()
        assert "waits in staging for a fairness review" in run.paths["brief"].read_text(
            encoding="utf-8")
        if gate == "too close, server stopped":  # reviewed after the service was stopped
            run.close_server()
        review = run.fairness_review(approver="Fairness review board",
                                     reason="1.1.0 reviewed (test)").summary
        assert not run.awaits_review
        assert run.registry.stage(NAME, "production") == "1.1.0"
        if gate == "too close, server stopped":
            assert review.endswith("Run deploy() to serve it.") and run.server is None
            run.deploy()
        else:
            assert "local service now serves 1.1.0" in review
        assert run.client.predict(applicant)["model_version"] == "1.1.0"
        assert [r["version"] for r in run.registry.releases(NAME)] == ["1.0.0", "1.1.0"]
        assert "won the A/B test" not in decision_text(_brief_inputs(run))


def test_an_ab_win_that_broke_the_approval_guardrail_is_not_released(tmp_path, monkeypatch):
    """More profit per applicant from approving too few is no win: 1.1.0 stays out of
    production even though its own fairness gate passes clearly."""
    _profit_win(monkeypatch, guardrail_ok=False)
    small = replace(TINY, days=2, per_day=20, opens_day=1, ab_requests=20)
    with _deployed(tmp_path, scenario=small) as run:
        run.traffic()
        _force_verdict(monkeypatch, run, passed=True, too_close=False)
        run.ab_test()
        assert run.registry.stage(NAME, "production") == "1.0.0" and "held" not in run.ab
        assert [r["version"] for r in run.registry.releases(NAME)] == ["1.0.0"]


@pytest.mark.parametrize("screen", [False, None])
def test_a_threshold_that_failed_its_screen_fails_the_gate_whatever_the_test_set_says(
        tmp_path, monkeypatch, screen):
    """The screen on the set-aside applicants where the threshold was chosen (None: nothing
    to screen) must pass as well as the gate on the test applicants."""
    from deploydl.evaluation import decision

    real = decision.threshold_for

    def screened(*args, **kwargs):
        threshold, choice = real(*args, **kwargs)
        return threshold, replace(choice, passed=screen)

    monkeypatch.setattr(decision, "threshold_for", screened)
    with Capstone(tmp_path, scenario=TINY) as run:
        run.data()
        run.train()
        result = run.gate()
        assert result.data["passed_on_test"]  # TINY's test applicants pass the gate
        assert not run.verdict["passed"] and result.summary.startswith("FAILED")


def _brief_inputs(run: Capstone):
    """The brief's inputs for ``run`` now, as brief() gathers them (without writing it)."""
    from deploydl.communication.brief import collect_brief_inputs

    version = run.registry.stage(NAME, "production") or run.registry.stage(NAME, "staging")
    return collect_brief_inputs(run.registry, NAME, run.test, version=version,
                                validation=run.calibration, monitoring=run.monitoring,
                                ab=run.ab, current=run.current_process)


def test_a_stage_run_again_in_the_same_run_says_so_and_changes_nothing(tmp_path):
    """A notebook cell run twice: package(), traffic() and ab_test() each run once per run;
    a second call says so, and the registry and the prediction log stay as they were."""
    small = replace(TINY, days=2, per_day=20, opens_day=1, ab_requests=20)
    with Capstone(tmp_path, scenario=small) as run:
        for method in ("data", "train", "gate", "package"):
            getattr(run, method)()
        with pytest.raises(RuntimeError, match=r"package\(\) was already done in this run: "
                                               "loan-default 1.0.0 is registered"):
            run.package()
        run.fairness_review(approver="Fairness review board", reason="1.0.0 reviewed (test)")
        run.deploy()
        first = run.traffic()
        count = run.log.count()
        with pytest.raises(RuntimeError, match=r"traffic\(\) was already done in this run: the "
                                               r"prediction log holds 40 of its 40 applicants"):
            run.traffic()
        assert run.log.count() == count and run.monitoring == first.data
        run.ab_test()
        ab, count = dict(run.ab), run.log.count()
        with pytest.raises(RuntimeError, match=r"ab_test\(\) was already done in this run: "
                                               "loan-default 1.1.0 is registered"):
            run.ab_test()
        assert run.ab == ab and run.log.count() == count
        assert run.registry.stage(NAME, "staging") == "1.0.0"  # lost: a held 1.1.0 would be here
        assert [r["version"] for r in run.registry.releases(NAME)] == ["1.0.0"]


def test_the_new_regions_screen_comes_with_its_95_percent_range(tmp_path):
    """The traffic stage records the new region's approval ratio with the range the fairness
    gate would give it, recomputed here from the decisions in the prediction log."""
    from deploydl.data import NEW_REGION, PROTECTED_ATTRIBUTE
    from deploydl.responsible.fairness import selection_ratio, selection_ratio_range

    small = replace(TINY, days=4, per_day=60, opens_day=2)
    with _deployed(tmp_path, scenario=small) as run:
        m = run.traffic().data
        rows = run.new_region[run.new_region["region"] == NEW_REGION]
        logged = run.log.frame().set_index("applicant_id")["decision"]
        approved = (logged.loc[[f"D{d}-{i}" for d, i in zip(rows["day"], rows.index,
                                                             strict=True)]]
                    == "approve").astype(int).to_numpy()
        groups = rows[PROTECTED_ATTRIBUTE]
        assert m["region_parity_ratio"] == selection_ratio(approved, groups)
        assert (m["region_ratio_low"], m["region_ratio_high"]) == selection_ratio_range(
            approved, groups)
        assert m["region_ratio_low"] <= m["region_parity_ratio"] <= m["region_ratio_high"]
        assert (m["region_n"], m["region_smallest_n"]) == (len(rows),
                                                           groups.value_counts().min())
