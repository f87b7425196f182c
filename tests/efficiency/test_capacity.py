"""The capacity planner's queueing maths (Module 05): pure, fast, checked against known values."""

import math
import re

import numpy as np
import pytest

from deploydl.efficiency.capacity import (
    BelowModelFloor,
    ReplicaModel,
    benchmark_cores,
    check_in_words,
    check_prediction,
    closed_p99_ms,
    curve_from_results,
    erlang_c,
    fit_replica,
    floor_in_words,
    open_exceeds,
    open_p99_ms,
    plan_replicas,
    prediction_check,
)


def direct_erlang_c(c, a):
    """The textbook formula, term by term (only fine for small c)."""
    top = a ** c / math.factorial(c) * c / (c - a)
    return top / (sum(a ** k / math.factorial(k) for k in range(c)) + top)


@pytest.mark.parametrize(("servers", "offered", "expected"), [
    (1, 0.7, 0.7),          # M/M/1: P(wait) is the utilisation
    (2, 1.0, 1 / 3),        # exact: (1/2 * 2) / (1 + 1 + 1)
    (3, 2.0, 4 / 9),        # exact: (8/6 * 3) / (1 + 2 + 2 + 4)
    (12, 10.0, direct_erlang_c(12, 10.0)),
    # textbook call centre: 120 customers an hour, 3 minutes each (6 Erlangs), 10 assistants;
    # the Erlang C curve gives a probability of waiting of about 0.10
    (10, 6.0, pytest.approx(0.10, abs=0.005)),
    (5, 0.0, 0.0),
])
def test_erlang_c_matches_known_values(servers, offered, expected):
    if not hasattr(expected, "expected"):  # an exact value
        expected = pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert erlang_c(servers, offered) == expected


def test_erlang_c_refuses_an_overloaded_queue():
    with pytest.raises(ValueError, match=r"below the 2 servers .* got 2.5 Erlangs"):
        erlang_c(2, 2.5)


def test_mm1_p99_is_the_closed_form():
    # M/M/1: the response time is exponential with rate mu - lambda.
    model = ReplicaModel(servers=1, rate_per_server=100.0)
    assert open_p99_ms(model, 60.0) == pytest.approx(1000 * math.log(100) / 40, rel=1e-6)


def test_mm2_tail_matches_a_simulation():
    rng = np.random.default_rng(0)
    model, rate, n = ReplicaModel(servers=2, rate_per_server=1.0), 1.5, 60_000
    arrivals = np.cumsum(rng.exponential(1 / rate, n))
    service = rng.exponential(1.0, n)
    free, response = [0.0, 0.0], np.empty(n)
    for i in range(n):  # first come, first served on the server that frees first
        k = 0 if free[0] <= free[1] else 1
        start = max(arrivals[i], free[k])
        free[k] = start + service[i]
        response[i] = free[k] - arrivals[i]
    for t in (1.0, 3.0, 6.0):
        assert open_exceeds(t, model, rate) == pytest.approx((response > t).mean(), abs=0.01)


def test_closed_loop_p99_matches_little_and_a_sample():
    model = ReplicaModel(servers=2, rate_per_server=1000.0)
    sample = (np.random.default_rng(1).gamma(14, 1 / 2000, 200_000)
              + np.random.default_rng(2).exponential(1 / 1000, 200_000))
    assert closed_p99_ms(model, 16) == pytest.approx(1000 * np.percentile(sample, 99), rel=0.02)
    # one client: only its own service time
    assert closed_p99_ms(model, 1) == pytest.approx(1000 * math.log(100) / 1000)
    # 2,000 clients: no overflow; the mean is 2,000 / 2,000 per s (Little), the tail narrow
    assert 1000 < closed_p99_ms(model, 2000) < 1100


CURVE = [{"concurrency": 1, "rps": 1000.0, "p50_ms": 1.0, "p99_ms": 2.0},
         {"concurrency": 4, "rps": 1900.0, "p50_ms": 2.0, "p99_ms": 5.0},
         {"concurrency": 8, "rps": 2100.0, "p50_ms": 3.8, "p99_ms": 7.0},
         {"concurrency": 16, "rps": 2150.0, "p50_ms": 7.4, "p99_ms": 12.0}]


def test_fit_counts_parallel_servers_and_keeps_the_busiest_throughput():
    model = fit_replica(CURVE, below=16)
    assert model.servers == 2
    assert model.capacity_rps == pytest.approx(2100.0)


@pytest.mark.parametrize("kind", [np.int64, np.float32, np.float64])
def test_fit_takes_a_curve_of_numpy_numbers(kind):
    curve = [{**point, "rps": kind(point["rps"])} for point in CURVE]
    assert fit_replica(curve, below=16) == fit_replica(CURVE, below=16)


def test_fit_needs_one_client_and_another_load():
    with pytest.raises(ValueError, match=r"a point at 1 client .* got concurrencies \[4\]"):
        fit_replica(CURVE[1:2])


def test_check_prediction_reports_signed_error_against_the_measurement():
    check = check_prediction(CURVE, clients=16)
    assert check["fitted_on"] == [1, 4, 8]
    expected = closed_p99_ms(fit_replica(CURVE, below=16), 16)
    assert check["predicted_p99_ms"] == pytest.approx(expected, abs=0.01)
    assert check["error_pct"] == pytest.approx(100 * (expected - 12.0) / 12.0, abs=0.1)
    assert check["measured_rps"] == next(p["rps"] for p in CURVE if p["concurrency"] == 16)


@pytest.mark.parametrize("clients", [(1, 4, 8), (1, 4), (4, 8, 16), (1, 16, 32), (1, 4, 8, 32)])
def test_prediction_check_runs_only_where_the_curve_allows_it(clients):
    curve = [{"concurrency": c, "rps": 100.0 * min(c, 2), "p50_ms": 1.0, "p99_ms": 2.0 * c}
             for c in clients]
    fits = 16 in clients and 1 in clients and sum(c < 16 for c in clients) >= 2
    check = prediction_check(curve, clients=16)
    assert (check is not None) == fits
    if fits:
        assert check == check_prediction(curve, clients=16)


@pytest.mark.parametrize(("results", "cores"), [
    ({"config": {"cores": 4}}, 4), ({"config": {"cores": 0.5}}, 0.5), ({"config": {}}, 2),
    ({}, 2)])
def test_benchmark_cores_reads_the_machine_with_a_default_of_two(results, cores):
    assert benchmark_cores(results) == cores


@pytest.mark.parametrize("cores", [True, "2", 0, -1, float("nan"), 1e9])
def test_benchmark_cores_refuses_what_is_not_a_number_of_cores(cores):
    with pytest.raises(ValueError, match=r"config\.cores must be a number of cores; found .*"
                                         r"Run `deploydl bench` again"):
        benchmark_cores({"config": {"cores": cores}})


CHECK = {"clients": 16, "fitted_on": [1, 2, 4, 8], "servers": 3, "rate_per_server": 372.3,
         "predicted_p99_ms": 26.46, "measured_p99_ms": 15.7, "error_pct": 68.6,
         "measured_rps": 1636.0}


def test_check_in_words_says_the_check_extrapolates_and_which_way_it_errs():
    assert check_in_words(CHECK) == (
        "The model's check fits it on 1 to 8 clients only and predicts the p99 at 16 clients: "
        "69% above the one measured. That check extrapolates from fewer clients than the plan "
        "is fitted on, so it does not show that the plan has machines to spare.")
    below = check_in_words({**CHECK, "error_pct": -12.4})
    assert "12% below the one measured" in below
    assert below.endswith("It under-predicts the wait: plan more replicas than it says.")
    assert "safe side" not in check_in_words(CHECK)


def test_check_in_words_computes_how_hard_the_plan_runs_each_replica_and_the_series_gap():
    model = ReplicaModel(servers=4, rate_per_server=409.0)  # the committed run's whole curve
    plan = plan_replicas(model, peak_rps=10_000, p99_ms=50)
    lower = plan_replicas(ReplicaModel(servers=4, rate_per_server=1453.2 / 4),
                          peak_rps=10_000, p99_ms=50)
    assert (plan.replicas, lower.replicas) == (7, 8)
    words = check_in_words(CHECK, plan, other_rps=1453.2)
    per_replica = 10_000 / plan.replicas
    assert (f"runs each of its 7 replicas at {per_replica:,.0f} requests/s, "
            f"{per_replica / 1636:.0%} of the best rate measured (1,636/s); there the model "
            f"predicts a p99 of {plan.predicted_p99_ms:.0f} ms, and it lets one replica take at "
            f"most {plan.max_rps_per_replica:,.0f}/s within the 50 ms promised.") in words
    assert "steeply" not in words
    assert f"1,636 requests/s in this series and 1,453 in the comparison of servers: " \
           f"{1636 / 1453.2 - 1:.0%} apart." in words
    assert words.endswith("Budget one replica more than the plan, or plan from the lower "
                          "series: 8 replicas at this peak.")
    # a higher other series gives the gap but no lower plan
    assert check_in_words(CHECK, plan, other_rps=1800).endswith(
        "Budget one replica more than the plan, or plan from the lower series.")
    assert "comparison" not in check_in_words(CHECK, plan)


def test_check_in_words_compares_the_series_at_the_checked_load_not_at_the_best_rate():
    # a curve whose best rate is at 8 clients: the comparison at 16 uses the rate at 16
    model = ReplicaModel(servers=4, rate_per_server=450.0)  # best rate 1,800/s
    plan = plan_replicas(model, peak_rps=10_000, p99_ms=50)
    words = check_in_words({**CHECK, "measured_rps": 1500.0}, plan, other_rps=1400.0)
    assert ("measured the service at 16 clients at 1,500 requests/s in this series and 1,400 "
            "in the comparison of servers: 7% apart.") in words
    assert "(1,800/s)" in words
    # a higher other series than the rate at 16 clients: no lower plan, though below the best
    assert check_in_words({**CHECK, "measured_rps": 1500.0}, plan, other_rps=1600.0).endswith(
        "Budget one replica more than the plan, or plan from the lower series.")
    # a check from an older bench, without the rate: refused, saying how to recompute it
    old = {k: v for k, v in CHECK.items() if k != "measured_rps"}
    assert check_in_words(old, plan).startswith("The model's check")
    with pytest.raises(ValueError, match=r"measured_rps.*prediction_check"):
        check_in_words(old, plan, other_rps=1400.0)


def test_plan_uses_the_fewest_replicas_that_meet_the_target():
    model = ReplicaModel(servers=2, rate_per_server=1000.0)
    plan = plan_replicas(model, peak_rps=10_000, p99_ms=10.0, min_replicas=1)
    assert plan.predicted_p99_ms <= 10.0
    fewer = plan.peak_rps / (plan.replicas - 1)
    assert fewer > 2 * 1000 or open_p99_ms(model, fewer) > 10.0
    assert open_p99_ms(model, plan.max_rps_per_replica) == pytest.approx(10.0, abs=0.01)
    assert 10 <= plan.hpa_cpu_percent <= 80


def test_plan_numbers_match_a_hand_computed_m_m_2_queue():
    """Worked by hand, independently of the module: M/M/2 with mu = 1,000/s waits with
    probability 2 rho^2 / (1 + rho), rho = lambda / 2,000 (Erlang C for c = 2), then for an
    exponential wait at rate 2,000 - lambda, plus the service. Solving p99 = 10 ms (the tail
    integrated numerically) gives lambda = 1,515.95 req/s per replica: 7 replicas for 10,000
    req/s, 1,428.57 each, p99 8.62 ms there; the autoscaler aims at 1,515.95 / 2,000 = 75% CPU
    (at the busiest a replica may be, not the 71% it runs at the peak)."""
    plan = plan_replicas(ReplicaModel(2, 1000.0), peak_rps=10_000, p99_ms=10.0)
    assert (plan.replicas, plan.max_rps_per_replica) == (7, 1516.0)
    assert plan.utilisation == pytest.approx(10_000 / 7 / 2_000, rel=1e-12)  # kept unrounded
    assert plan.hpa_cpu_percent == 75
    assert plan.predicted_p99_ms == 8.62


def test_plan_keeps_the_minimum_for_small_traffic():
    plan = plan_replicas(ReplicaModel(2, 1000.0), peak_rps=5, p99_ms=50, min_replicas=2)
    assert plan.replicas == 2


def test_plan_refuses_a_target_below_an_idle_replica_and_says_the_floor_is_the_models():
    with pytest.raises(BelowModelFloor, match=r"the model cannot plan a p99 of 1 ms: .* 4.6 ms "
                                              "in the model") as refused:
        plan_replicas(ReplicaModel(2, 1000.0), peak_rps=100, p99_ms=1)
    assert (refused.value.target_ms, round(refused.value.floor_ms, 2)) == (1, 4.61)


@pytest.mark.parametrize("measured_ms, says", [
    (0.8, "measured a p99 of 0.8 ms at 1 client (1,000 requests/s), within the target, so "
          "the service may meet it"),
    (2.0, "measured a p99 of 2 ms at 1 client (1,000 requests/s), above the target too: more "
          "replicas will not meet it"),
])
def test_a_target_below_the_models_floor_is_compared_with_the_service_at_one_client(
        measured_ms, says):
    curve = [{**CURVE[0], "p99_ms": measured_ms}, *CURVE[1:]]
    error = BelowModelFloor(1.0, 4.61, 1.0)
    assert says in floor_in_words(error, curve)


def test_curve_prefers_the_measured_curve_and_falls_back_to_the_summary():
    summary = [{"server": "course", "batch": 1, "concurrency": 16, "rps": 9.0, "p50_ms": 1,
                "p99_ms": 2}, {"server": "naive", "batch": 1, "concurrency": 1, "rps": 1.0,
                               "p50_ms": 1, "p99_ms": 2}]
    assert [p["concurrency"] for p in curve_from_results({"summary": summary})] == [16]
    assert curve_from_results({"summary": summary, "capacity_curve": CURVE})[0]["rps"] == 1000
    with pytest.raises(ValueError, match="no curve for the course server"):
        curve_from_results({"summary": summary[1:]})


@pytest.mark.parametrize("rate", [1e-298, 5e-324, 1e300, float("inf"), float("nan"), 0.0])
def test_a_replica_refuses_a_rate_the_planner_cannot_resolve(rate):
    """A rate of 1e-298 requests/s used to reach the planner: with a target above its floor
    it divided by zero; infinity gave NaN times."""
    with pytest.raises(ValueError, match=r"rate_per_server must be from 0.001 to 1,000,000 "
                                         r"requests/s \(a mean service time from 1 microsecond "
                                         rf"to 1,000 s.*got {re.escape(repr(rate))}"):
        plan_replicas(ReplicaModel(1, rate), peak_rps=100, p99_ms=1e302)


@pytest.mark.parametrize("rps", [0, 1e-298, float("nan")])
def test_fit_refuses_a_curve_the_planner_cannot_use(rps):
    curve = [{**CURVE[0], "rps": rps}, *CURVE[1:]]
    with pytest.raises(ValueError, match="rps must be a finite number|rate_per_server must be"):
        fit_replica(curve)


def test_plan_refuses_a_target_too_close_to_the_floor_to_resolve():
    model = ReplicaModel(2, 1000.0)  # used to plan 103,790 replicas from a rate rounded to 0
    target = open_p99_ms(model, 0.0) * (1 + 1e-13)
    with pytest.raises(ValueError, match=r"so close to the model's floor \(4.60517 ms\) that one "
                                         r"replica may take only .* Relax the target"):
        plan_replicas(model, peak_rps=100, p99_ms=target)


def test_plan_refuses_a_peak_that_needs_more_replicas_than_a_number_holds():
    with pytest.raises(ValueError, match=r"a peak of 1e\+308 requests/s .* more replicas than a "
                                         "number can hold"):
        plan_replicas(ReplicaModel(1, 0.001), peak_rps=1e308, p99_ms=1e9)


def test_a_slow_replica_plan_shows_its_small_rates_not_zero():
    from deploydl.efficiency.capacity import describe_plan

    plan = plan_replicas(ReplicaModel(1, 0.001), peak_rps=1, p99_ms=1e9)
    assert plan.max_rps_per_replica == 0.000995  # was rounded to 0.0
    lines = describe_plan(plan, cores_per_replica=2, price_per_core_hour=0.05).splitlines()
    assert "at most 0.001 req/s" in lines[0] and "takes up to 0.000995 req/s" in lines[1]
    assert "each over 99% busy" in lines[2]
    words = check_in_words(CHECK, plan)
    assert "of the best rate measured (0.001/s)" in words  # was "(0/s)"


def test_check_in_words_refuses_a_comparison_rate_that_is_not_a_rate():
    plan = plan_replicas(ReplicaModel(4, 409.0), peak_rps=10_000, p99_ms=50)
    with pytest.raises(ValueError, match="other_rps must be a finite number of requests/s above "
                                         "0; got 0.0"):
        check_in_words(CHECK, plan, other_rps=0.0)


def test_check_prediction_refuses_a_measured_p99_of_zero():
    curve = [*CURVE[:3], {**CURVE[3], "p99_ms": 0.0}]
    with pytest.raises(ValueError, match="p99 measured at 16 clients must be a finite number"):
        check_prediction(curve, clients=16)


def test_describe_plan_refuses_cores_that_are_not_a_number_of_cores():
    from deploydl.efficiency.capacity import describe_plan

    plan = plan_replicas(ReplicaModel(2, 1000.0), peak_rps=100, p99_ms=20)
    with pytest.raises(ValueError, match="cores_per_replica must be a finite number of cores "
                                         "above 0; got nan"):
        describe_plan(plan, cores_per_replica=float("nan"), price_per_core_hour=0.05)


def mm1_max_rps(mu, p99_ms):
    """M/M/1 by hand: the response time is exponential with rate mu - lambda, so its p99,
    ln(100) / (mu - lambda), meets ``p99_ms`` up to lambda = mu - ln(100) / (p99_ms / 1000)."""
    return mu - math.log(100) / (p99_ms / 1000)


def test_an_m_m_1_plan_matches_the_closed_form_and_rounds_replicas_up():
    """mu = 1,000/s and a 10 ms target: one replica may take 1,000 - 460.517 = 539.483 req/s,
    shown to 0.1 as 539.5. A peak of 1,200 req/s needs 2.22 of them: 3 replicas (2 would run at
    600/s, a p99 of 11.5 ms), 400/s each, a p99 of ln(100) / 600 s = 7.68 ms; the autoscaler aims
    at 53% CPU (539.483 / 1,000, rounded down)."""
    model = ReplicaModel(servers=1, rate_per_server=1000.0)
    plan = plan_replicas(model, peak_rps=1200, p99_ms=10.0, min_replicas=1)
    assert mm1_max_rps(1000, 10.0) == pytest.approx(539.483, abs=1e-3)
    assert plan.max_rps_per_replica == 539.5
    assert plan.replicas == 3  # ceil(2.22): two would miss the target
    assert plan.predicted_p99_ms == round(1000 * math.log(100) / (1000 - 400), 2) == 7.68
    assert plan.utilisation == pytest.approx(0.4)
    assert plan.hpa_cpu_percent == 53


@pytest.mark.parametrize(("p99_ms", "busy_percent", "percent"), [
    (1000.0, 99.5, 80),  # 995.4 of 1,000 req/s: capped at 80% (docs/capacity.md)
    (5.0, 7.9, 10),      # 79.0 of 1,000 req/s: raised to the 10% floor
])
def test_the_autoscaler_target_is_kept_between_10_and_80_percent(p99_ms, busy_percent,
                                                                 percent):
    assert 100 * mm1_max_rps(1000, p99_ms) / 1000 == pytest.approx(busy_percent, abs=0.05)
    plan = plan_replicas(ReplicaModel(1, 1000.0), peak_rps=100, p99_ms=p99_ms)
    assert plan.hpa_cpu_percent == percent


def test_describe_plan_gives_the_hand_computed_m_m_2_plan_and_both_monthly_costs():
    """The M/M/2 plan worked by hand above (7 replicas, at most 1,516 req/s each, p99 8.62 ms,
    75% CPU), on 2 cores a replica at USD 0.05 per core-hour for 730 hours: 7 x 2 x 0.05 x 730 =
    USD 511 at the peak, 2 x 2 x 0.05 x 730 = USD 146 at the minimum of 2 replicas. Each of the
    2 servers takes 1 / 1,000 s = 1.00 ms a request, 2,000 req/s together."""
    from deploydl.efficiency.capacity import describe_plan

    plan = plan_replicas(ReplicaModel(2, 1000.0), peak_rps=10_000, p99_ms=10.0)
    assert describe_plan(plan, cores_per_replica=2, price_per_core_hour=0.05).splitlines() == [
        "One replica (2 cores): 2 request(s) at a time, 1.00 ms each on average, at most 2,000 "
        "req/s.",
        "Within a p99 of 10 ms one replica takes up to 1,516 req/s (M/M/c, Erlang C; "
        "docs/capacity.md).",
        "Peak 10,000 req/s: 7 replicas, each 71% busy, predicted p99 8.6 ms.",
        "Autoscaler: 2 to 7 replicas at 75% CPU.",
        "Cost: USD 511.00 a month if the peak lasted all month; USD 146.00 at the minimum (USD "
        "0.05 per core-hour)."]


def test_describe_plan_shows_rates_under_10_requests_a_second_to_three_figures():
    from deploydl.efficiency.capacity import describe_plan

    plan = plan_replicas(ReplicaModel(1, 2.5), peak_rps=1, p99_ms=1e5)
    first = describe_plan(plan, cores_per_replica=2, price_per_core_hour=0.05).splitlines()[0]
    assert first.endswith("400.00 ms each on average, at most 2.5 req/s.")  # not "at most 2"
