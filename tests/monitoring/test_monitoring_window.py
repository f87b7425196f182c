"""The maintenance window (Module 06): the registry, the service and the workflow honour it."""

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from deploydl.monitoring import (
    MaintenanceWindow,
    OutsideMaintenanceWindow,
    SimulatedClock,
    window_from_settings,
)
from deploydl.monitoring.window import refusal
from deploydl.registry import ModelRegistry
from deploydl.settings import Settings

WEDNESDAY = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)
SUNDAY_3AM = datetime(2026, 3, 8, 3, 0, tzinfo=UTC)
REASON = "fraud rule is approving stolen identities every hour"


def test_next_opening_and_wait_are_measured_from_the_moment_asked():
    window = MaintenanceWindow()
    assert window.next_opening(WEDNESDAY) == datetime(2026, 3, 8, 2, 0, tzinfo=UTC)
    assert window.wait(WEDNESDAY) == timedelta(days=3, hours=12)
    assert window.wait(SUNDAY_3AM) == timedelta(0)
    assert window.next_opening(SUNDAY_3AM) == SUNDAY_3AM
    assert window.wait(datetime(2026, 3, 8, 6, 0, tzinfo=UTC)) == timedelta(days=6, hours=20)


def test_parse_reads_a_window_over_midnight_and_refuses_nonsense():
    window = MaintenanceWindow.parse("Sat 22:00-02:00")
    assert (window.weekday, window.start_hour, window.hours) == (5, 22, 4)
    assert str(window) == "Sat 22:00-02:00 UTC"
    assert window.is_open(datetime(2026, 3, 8, 1, 0, tzinfo=UTC))       # Sunday 01:00
    assert not window.is_open(datetime(2026, 3, 8, 2, 0, tzinfo=UTC))
    for text in ("Sunday 2am", "Xyz 02:00-06:00", "Sun 02:00-02:00", "Sun 02:00-25:00"):
        with pytest.raises(ValueError, match="reads like 'Sun 02:00-06:00'.*got"):
            MaintenanceWindow.parse(text)
    with pytest.raises(ValueError, match="hours must be a whole number from 1 to 167; got 0"):
        MaintenanceWindow(hours=0)


def test_check_refuses_outside_the_window_saying_when_it_opens_and_how_to_declare():
    with pytest.raises(OutsideMaintenanceWindow) as refused:
        MaintenanceWindow().check(WEDNESDAY, what="Promoting loan-default 1.1.0")
    message = str(refused.value)
    assert message.startswith("Promoting loan-default 1.1.0 was refused: it is Wed 2026-03-04 "
                              "14:00 UTC, outside the maintenance window (Sun 02:00-06:00 UTC)")
    assert "next window opens Sun 2026-03-08 02:00 UTC, in 3 days, 12 hours" in message
    assert "emergency=" in message
    with pytest.raises(OutsideMaintenanceWindow, match=r"opens Sun 2026-03-08 02:00 UTC, in 1 "
                                                       r"day, 9 hours, 30 minutes\."):
        MaintenanceWindow().check(datetime(2026, 3, 6, 16, 30, tzinfo=UTC))


def test_an_emergency_needs_a_real_reason_and_is_logged(caplog):
    window = MaintenanceWindow()
    for weak in ("", "urgent", "   asap   "):
        with pytest.raises(ValueError, match="reason of at least 15 characters"):
            window.check(WEDNESDAY, emergency=weak)
    with caplog.at_level(logging.WARNING, logger="deploydl.releases"):
        permit = window.check(WEDNESDAY.timestamp(), emergency=REASON)
    assert (permit.in_window, permit.emergency) == (False, REASON)
    assert REASON in caplog.text and "emergency release outside the window" in caplog.text
    assert window.check(SUNDAY_3AM).in_window
    with pytest.raises(ValueError, match="time zone"):
        window.check(datetime(2026, 3, 4, 14, 0))


def test_settings_carry_the_window_and_refuse_a_bad_one():
    assert window_from_settings(Settings(release_window="Sun 02:00-06:00")) == MaintenanceWindow()
    assert window_from_settings(Settings(release_window="")) is None
    assert window_from_settings(Settings()) is None
    with pytest.raises(ValidationError, match="release_window"):
        Settings(release_window="weekends")


def test_registry_refuses_production_outside_the_window_and_records_every_change(model,
                                                                                tmp_path):
    clock = SimulatedClock(start=WEDNESDAY.timestamp())
    registry = ModelRegistry(tmp_path, window=MaintenanceWindow(), clock=clock)
    for version in ("1.0.0", "1.1.0"):
        registry.register(replace(model, version=version))
    registry.promote(model.name, "1.0.0", stage="staging")   # staging is not a release
    with pytest.raises(OutsideMaintenanceWindow, match="Promoting loan-default 1.0.0 to "
                                                       "production was refused"):
        registry.promote(model.name, "1.0.0", stage="production")
    assert registry.stage(model.name, "production") is None and not registry.releases(model.name)
    registry.promote(model.name, "1.0.0", stage="production", emergency=REASON)
    clock.now = SUNDAY_3AM.timestamp()
    registry.promote(model.name, "1.1.0", stage="production")
    clock.now = (SUNDAY_3AM + timedelta(hours=10)).timestamp()
    assert registry.rollback(model.name, stage="production") == "1.0.0"  # never refused
    assert [(r["action"], r["version"], r["in_window"], r["emergency"])
            for r in registry.releases(model.name)] == [
        ("promote", "1.0.0", False, REASON), ("promote", "1.1.0", True, None),
        ("rollback", "1.0.0", None, None)]
    assert registry.releases(model.name)[0]["time"] == "2026-03-04T14:00:00+00:00"


def test_service_keeps_the_old_model_when_a_release_is_refused(model):
    from deploydl.serving.app import create_app, release_model

    app = create_app(model, Settings(release_window="Sun 02:00-06:00"))
    newer = replace(model, version="1.1.0")
    with pytest.raises(OutsideMaintenanceWindow, match="Releasing loan-default 1.1.0 to the "
                                                       "service was refused"):
        release_model(app, newer, when=WEDNESDAY.timestamp())
    assert app.state.model is model and app.state.releases == []
    record = release_model(app, newer, when=WEDNESDAY.timestamp(), emergency=REASON)
    assert app.state.model is newer
    assert record == {"version": "loan-default 1.1.0", "time": "2026-03-04T14:00:00+00:00",
                      "in_window": False, "emergency": REASON}
    sandbox = create_app(model, Settings())
    assert release_model(sandbox, newer, when=WEDNESDAY.timestamp())["in_window"] is None


def test_release_tradeoff_prices_waiting_at_what_the_fix_saves(model):
    from dataclasses import replace

    from deploydl.data import APPLICATIONS_PER_DAY
    from deploydl.monitoring.drift_cost import decision_cost, release_tradeoff
    from deploydl.monitoring.faulty import ForgotPreprocessing
    from deploydl.monitoring.traffic import simulate_clean_and_drifted

    wait = MaintenanceWindow().wait(WEDNESDAY)
    _, drifted = simulate_clean_and_drifted(days=1, per_day=2000, scenario="inflation",
                                            start_day=0, strength=2.0)
    # two versions with the same scores and other thresholds: one costs more on these applicants
    worse, better = sorted((replace(model, threshold=0.05), model),
                           key=lambda m: -decision_cost(m, drifted))
    assert decision_cost(worse, drifted) > decision_cost(better, drifted)
    broken = ForgotPreprocessing(model)
    trade = release_tradeoff(worse, broken, candidate=better, wait=wait, priced_on=2000,
                             strength=2.0)
    scale = APPLICATIONS_PER_DAY / 2000
    assert trade["saving_per_day"] == pytest.approx(
        (decision_cost(worse, drifted) - decision_cost(better, drifted)) * scale)
    assert trade["wait_days"] == 3.5
    assert trade["cost_per_day_waiting"] == trade["saving_per_day"] > 0
    assert trade["cost_of_waiting"] == pytest.approx(3.5 * trade["cost_per_day_waiting"])
    assert trade["cost_per_day_broken"] == pytest.approx(
        (decision_cost(broken, drifted) - decision_cost(worse, drifted)) * scale)
    if trade["cost_per_day_broken"] > 0:
        assert trade["break_even_hours"] == pytest.approx(
            24 * trade["cost_of_waiting"] / trade["cost_per_day_broken"])
    # priced on the same applicants, a day of twice the traffic costs twice as much
    busier = release_tradeoff(worse, broken, candidate=better, wait=wait, priced_on=2000,
                              strength=2.0, per_day=2 * APPLICATIONS_PER_DAY)
    for cost in ("cost_per_day_waiting", "cost_per_day_broken"):
        assert busier[cost] == pytest.approx(2 * trade[cost])
    # a fix that saves nothing, or costs more, makes waiting free: rushing gains nothing
    for fix in (better, worse):
        free = release_tradeoff(better, broken, candidate=fix, wait=wait, priced_on=2000,
                                strength=2.0)
        assert free["saving_per_day"] <= 0 and free["cost_of_waiting"] == 0
        assert free["break_even_hours"] in (0, float("inf"))
    same = release_tradeoff(model, model, candidate=model, wait=wait, priced_on=2000)
    assert same["cost_per_day_broken"] == 0 and same["break_even_hours"] == float("inf")


def test_each_model_is_priced_at_its_own_threshold(model, applicants):
    from dataclasses import replace

    from deploydl.monitoring.drift_cost import decision_cost, release_tradeoff

    cautious = replace(model, threshold=0.05)  # refers almost everyone
    assert decision_cost(cautious, applicants) == decision_cost(model, applicants, threshold=0.05)
    assert decision_cost(cautious, applicants) != decision_cost(model, applicants)
    trade = release_tradeoff(model, cautious, candidate=model, wait=timedelta(days=1),
                             priced_on=2000)
    assert trade["cost_per_day_broken"] != 0  # same scores, another threshold: another cost


def _promote_program(artifact) -> str:
    """The Python program of the CI/CD workflow's promote step (Module 04's workflow)."""
    from deploydl.deploy.bundle import DeploySpec
    from deploydl.deploy.workflow import render_workflow

    flow = render_workflow(artifact, DeploySpec())
    assert flow["on"]["workflow_dispatch"] == {}  # no inputs: nothing typed changes the build
    assert (flow["jobs"]["promote"]["env"]["EMERGENCY_REASON"]
            == "${{ vars.DEPLOYDL_EMERGENCY_REASON }}")
    step = next(s for s in flow["jobs"]["promote"]["steps"] if "Promote" in s.get("name", ""))
    prefix = "python -c '"
    assert step["run"].startswith(prefix) and step["run"].endswith("'")
    return step["run"][len(prefix):-1]


def test_the_workflow_promote_step_honours_the_window_and_records_an_emergency(
        model, tmp_path, monkeypatch):
    later = datetime.now(UTC) + timedelta(hours=12)  # a one-hour window that is closed now
    closed = f"{later:%a} {later.hour:02d}:00-{(later.hour + 1) % 24:02d}:00"
    registry = ModelRegistry(tmp_path / "models")
    program = _promote_program(registry.register(model))
    monkeypatch.chdir(tmp_path)
    for name, value in {"MODEL_NAME": model.name, "MODEL_VERSION": model.version,
                        "DEPLOYDL_RELEASE_WINDOW": closed, "EMERGENCY_REASON": ""}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(OutsideMaintenanceWindow, match="to production was refused"):
        exec(program, {})  # noqa: S102 - the workflow's own step, run as CI would run it
    assert registry.stage(model.name, "production") is None
    monkeypatch.setenv("EMERGENCY_REASON", REASON)
    exec(program, {})  # noqa: S102
    assert registry.stage(model.name, "production") == model.version
    assert registry.releases(model.name)[-1]["emergency"] == REASON


def test_refusal_says_why_a_shut_window_refused_and_nothing_when_it_is_open():
    window = MaintenanceWindow()
    message = refusal(window.check, WEDNESDAY, what="Version 1.1.0")
    assert message is not None and message.startswith("Version 1.1.0") and "Sun" in message
    assert refusal(window.check, SUNDAY_3AM) is None
    with pytest.raises(ValueError, match="reason"):  # other errors are not swallowed
        refusal(window.check, WEDNESDAY, emergency="urgent")


@pytest.mark.parametrize("when", [WEDNESDAY, WEDNESDAY.timestamp(), "2026-03-04T14:00:00+00:00",
                                  "2026-03-04T15:00:00+01:00"])
def test_time_in_words_writes_a_release_time_as_the_refusal_does(when):
    from deploydl.monitoring.window import time_in_words

    assert time_in_words(when) == "Wed 2026-03-04 14:00 UTC"


def test_time_in_words_reads_the_time_a_release_record_keeps():
    from deploydl.monitoring.window import time_in_words

    record = MaintenanceWindow().check(WEDNESDAY, emergency=REASON).record()
    assert time_in_words(record["time"]) == "Wed 2026-03-04 14:00 UTC"


def test_time_in_words_refuses_a_time_without_a_time_zone():
    from deploydl.monitoring.window import time_in_words

    with pytest.raises(ValueError, match="with a time zone"):
        time_in_words("2026-03-04T14:00:00")
