"""Module 05's package code: inference helpers, compression, costs, the planner, the report."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from torch import nn
from widget_checks import assert_sliders_keep_their_values, assert_sliders_named

from deploydl.efficiency.compress import (
    compare_variants,
    int8_gain_in_words,
    make_variants,
    measure_variants,
    points_lost_in_words,
    quantize_int8,
    size_in_memory,
    size_on_disk,
)
from deploydl.efficiency.costs import CostPlanner, cents, cost_per_million, plan_serving
from deploydl.efficiency.inference import (
    accuracy,
    prepare_for_inference,
    time_forward,
    token_wait_in_words,
    tokens_chart,
    torch_threads,
)


@pytest.fixture(scope="module")
def tiny():
    """A small CNN of the digits shape (the real one is trained in the notebooks)."""
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Flatten(),
                        nn.Linear(256, 64), nn.ReLU(), nn.Linear(64, 10))
    images = np.random.default_rng(0).random((64, 1, 8, 8), dtype=np.float32)
    labels = net(torch.from_numpy(images)).argmax(1).numpy()  # the net is right by definition
    return prepare_for_inference(net), images, labels


def test_prepare_for_inference_sets_eval_and_freezes(tiny):
    net, _, _ = tiny
    assert not net.training and not any(p.requires_grad for p in net.parameters())


def test_torch_threads_restores_the_previous_setting():
    before = torch.get_num_threads()
    with torch_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with pytest.raises(ValueError, match="at least 1 thread; got 0"), torch_threads(0):
        pass


def test_time_forward_reports_per_batch_and_per_image(tiny):
    net, images, _ = tiny
    timing = time_forward(net, images[:8], repeats=3, warmup=1)
    assert timing["batch"] == 8 and timing["p50_ms"] > 0
    assert timing["ms_per_image"] == pytest.approx(timing["p50_ms"] / 8, rel=0.01)


@pytest.mark.parametrize("calibrate", [False, True], ids=["dynamic", "static"])
def test_int8_is_smaller_keeps_accuracy_and_warns_nothing(tiny, calibrate):
    net, images, labels = tiny
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        small = quantize_int8(net, calibration=images if calibrate else None)
    assert size_in_memory(small) < size_in_memory(net) / 2
    assert accuracy(small, images, labels) >= 0.8


def test_static_int8_skips_the_compiler_import_and_gives_the_same_network():
    """Static int8 traces the network without recording stack traces, so torch's compiler
    (torch._dynamo, about 3 s to import) is never loaded; the network is the one that
    tracing with them gives, and the setting is restored afterwards."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent("""
        import sys
        import numpy as np, torch
        from torch import nn
        from torch.ao.quantization import get_default_qconfig_mapping
        from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx
        from deploydl.efficiency.compress import quantize_int8
        torch.manual_seed(0)
        net = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Flatten(),
                            nn.Linear(256, 10)).eval()
        images = torch.from_numpy(np.random.default_rng(0).random((64, 1, 8, 8),
                                                                  dtype=np.float32))
        small = quantize_int8(net, calibration=images.numpy())
        print("dynamo loaded:", "torch._dynamo" in sys.modules,
              "| setting kept:", torch.fx.config.do_not_emit_stack_traces)
        observed = prepare_fx(net, get_default_qconfig_mapping("x86"), (images[:1],))
        observed(images)
        traced = convert_fx(observed)
        print("same outputs:", torch.equal(small(images), traced(images)))
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120, check=True)
    assert run.stdout.split("\n")[:2] == ["dynamo loaded: False | setting kept: False",
                                           "same outputs: True"], run.stderr


def test_all_variants_agree_and_the_table_has_ratios(tiny):
    net, images, labels = tiny
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        variants = make_variants(net, images)
        rows = compare_variants(variants, images, labels, batch=16, repeats=2)
    assert [r["variant"] for r in rows] == ["fp32", "int8", "TorchScript", "ONNX"]
    assert rows[0]["smaller_x"] == 1.0 and rows[0]["faster_x_batch16"] == 1.0
    assert all(r["accuracy"] >= 0.8 for r in rows) and rows[3]["accuracy"] == 1.0
    assert size_on_disk(variants["ONNX"]) > 0 and size_on_disk(variants["TorchScript"]) > 0


def test_measure_variants_needs_no_labels_and_gives_what_compare_adds_accuracy_to(tiny):
    net, images, labels = tiny
    variants = {"fp32": net, "int8": quantize_int8(net)}
    with torch_threads(1):  # int8 kernels on contended threads: seconds instead of ms
        rows = measure_variants(variants, images, batch=8, repeats=2)
        compared = compare_variants(variants, images, labels, batch=8, repeats=2)
    assert [r["variant"] for r in rows] == ["fp32", "int8"] and "accuracy" not in rows[1]
    assert rows[0]["smaller_x"] == 1.0 and rows[1]["smaller_x"] > 2
    assert rows[1]["size_bytes"] == size_on_disk(variants["int8"])
    assert [list(r) for r in compared] == [["variant", "accuracy", *list(r)[1:]] for r in rows]
    assert compared[0]["accuracy"] == 1.0  # the labels are the net's own answers


def test_speed_ups_are_the_first_variants_time_over_each_variants_time(tiny, monkeypatch):
    net, images, labels = tiny
    variants = {"fp32": net, "int8": quantize_int8(net)}
    times = {id(net): 8.0, id(variants["int8"]): 2.0}  # ms per batch, whatever the batch

    def timed(model, batch, *, repeats):
        return {"p50_ms": times[id(model)]}

    monkeypatch.setattr("deploydl.efficiency.compress.time_forward", timed)
    rows = compare_variants(variants, images, labels, batch=8, repeats=2)
    assert [r["faster_x_batch8"] for r in rows] == [1.0, 4.0]  # 8 ms / 2 ms: 4x faster
    assert [r["p50_ms_batch8"] for r in rows] == [8.0, 2.0]


def test_cost_per_million_from_throughput():
    # 1,000 predictions/s on 2 cores at $0.05 per core-hour: $0.10 per 3.6M predictions.
    assert cost_per_million(1000, price_per_core_hour=0.05, cores=2) == pytest.approx(0.10 / 3.6)
    with pytest.raises(ValueError, match="must be above 0; got 0"):
        cost_per_million(0, price_per_core_hour=0.05)


@pytest.mark.parametrize(("dollars", "shown"), [
    (0.0181, "1.8"), (0.0043, "0.43"), (0.1493, "15"), (0.0014041, "0.14"),
    (0.0995, "10"),  # rounds up to 10 cents: two figures, not "10.0"
    (12.34, "1,200"), (0.0, "0"),
    (0.0125, "1.3"), (0.0135, "1.4"),  # a half rounds up, as money does (round() gave 1.2)
    (0.0185, "1.9"), (0.0725, "7.3")])  # as written, though 0.0185 * 100 is 1.8499999...
def test_cents_shows_two_significant_figures(dollars, shown):
    assert cents(dollars) == shown


def test_cents_refuses_what_is_not_an_amount():
    with pytest.raises(ValueError, match="finite amount of 0 or more; got -0.01"):
        cents(-0.01)
    with pytest.raises(ValueError, match="got nan"):
        cents(float("nan"))


def test_plan_serving_keeps_the_cost_per_million_unrounded():
    plan = plan_serving({1: 1.0, 32: 4.0}, batch_size=32, predictions_per_month=1e9,
                        price_per_core_hour=0.05, http_ms=0.5)
    # 1,600 predictions/s per core at USD 0.05 per core-hour: USD 0.0086805... per million.
    assert plan.cost_per_million == pytest.approx(0.05 / (1600 * 3600) * 1e6, rel=1e-12)


def test_the_planner_shows_the_cost_per_million_in_cents():
    planner = CostPlanner({"fp32": {1: 1.0, 32: 4.0}, "int8": {1: 1.0, 32: 2.0}},
                          http_ms=0.5)
    # 1 / (1.0 + 0.5) ms -> 666.7 predictions/s per core: USD 0.0208 per million, 2.1 cents.
    assert "2.1 US cents per million" in planner.output.value


def test_plan_serving_sizes_cores_and_refuses_unmeasured_batches():
    profile = {1: 1.0, 32: 4.0}
    plan = plan_serving(profile, batch_size=32, predictions_per_month=1e9,
                        price_per_core_hour=0.05, http_ms=0.5)
    # 0.125 + 0.5 ms per prediction -> 1,600 per s per core; peak 3 x 380.5/s -> 1 core.
    assert plan.predictions_per_s_per_core == 1600.0 and plan.cores == 1
    assert plan.monthly_cost == 36.5 and plan.latency_ms == 4.5
    with pytest.raises(ValueError, match="batch_size 8 was not measured"):
        plan_serving(profile, batch_size=8, predictions_per_month=1, price_per_core_hour=1)


def test_cost_planner_widget_updates_without_a_browser():
    planner = CostPlanner({"fp32": {1: 2.0, 32: 8.0}, "int8": {1: 2.0, 32: 4.0}}, http_ms=0.5)
    single = planner.result
    planner.batch.value = 32
    batched = planner.result
    planner.quantised.value = True
    assert batched.cost_per_million < single.cost_per_million
    assert planner.result.latency_ms < batched.latency_ms
    planner.traffic.value = 1e11
    assert planner.result.cores > 1
    assert f"Compute only: {planner.result.cores} cores" in planner.output.value
    with pytest.raises(ValueError, match="missing \\['int8'\\]"):
        CostPlanner({"fp32": {1: 1.0}}, http_ms=0.5)
    with pytest.raises(ValueError, match="share no batch size: fp32 has \\[1\\], int8 \\[8\\]"):
        CostPlanner({"fp32": {1: 1.0}, "int8": {8: 1.0}}, http_ms=0.5)


def test_the_planners_sliders_have_number_boxes_a_screen_reader_names():
    planner = CostPlanner({"fp32": {1: 2.0}, "int8": {1: 1.0}}, http_ms=0.5)
    assert_sliders_named(planner.widget, sliders=2)
    traffic = planner.widget.children[1]
    assert traffic.box.value == 1e8  # the predictions a month, not the log slider's exponent


@pytest.mark.parametrize("price", [0.05, 0.0425], ids=["default", "between-cents"])
def test_drawing_the_planner_in_a_browser_keeps_its_price_and_traffic(price):
    planner = CostPlanner({"fp32": {1: 2.0}, "int8": {1: 1.0}}, http_ms=0.5,
                          price_per_core_hour=price)
    answer = planner.output.value

    assert_sliders_keep_their_values(planner.widget)
    assert planner.price.value == pytest.approx(price, rel=1e-12)  # not 0.04
    assert planner.output.value == answer


def test_the_planner_offers_only_batch_sizes_timed_for_both_precisions():
    planner = CostPlanner({"fp32": {1: 2.0, 8: 4.0, 32: 8.0}, "int8": {1: 1.0, 32: 3.0}},
                          http_ms=0.5)
    assert planner.batch.options == (1, 32) and planner.batch.value == 1


def test_the_planner_adds_the_measured_cost_outside_the_model_to_each_request():
    profiles = {"fp32": {1: 1.0, 32: 4.0}, "int8": {1: 1.0, 32: 2.0}}
    planner = CostPlanner(profiles, http_ms=0.2)
    planner.batch.value = 32
    # 4.0 / 32 + 0.2 ms per prediction -> 3,076.9 per s per core; latency 0.2 + 4.0 ms.
    assert planner.result.predictions_per_s_per_core == 3076.9
    assert planner.result.latency_ms == 4.2
    planner = CostPlanner(profiles, http_ms=0.5)
    planner.batch.value = 32
    assert planner.result.predictions_per_s_per_core == 1600.0


def test_http_ms_is_the_servers_cpu_per_request_less_the_models_share_of_a_group():
    from deploydl.efficiency.costs import http_ms_from_cpu_use

    results = {"concurrency": 16, "forward_ms_per_batch": {"1": 0.07, "16": 0.24},
               "summary": [{"server": "course", "cpu_us_per_request": 214}]}
    assert http_ms_from_cpu_use(results) == 0.199  # 0.214 - 0.24 / 16
    results["forward_ms_per_batch"] = {16: 0.24}  # as measured, before JSON made keys strings
    assert http_ms_from_cpu_use(results) == 0.199
    with pytest.raises(ValueError, match="no 'naive' row.*--servers naive"):
        http_ms_from_cpu_use(results, server="naive")


def test_variants_chart_puts_speed_size_and_accuracy_side_by_side():
    import matplotlib.pyplot as plt

    from deploydl.efficiency.compress import variants_chart

    rows = [{"variant": "fp32", "accuracy": 0.969, "size_bytes": 156_000, "p50_ms_batch32": 0.64,
             "faster_x_batch32": 1.0, "smaller_x": 1.0},
            {"variant": "int8", "accuracy": 0.971, "size_bytes": 49_000, "p50_ms_batch32": 0.43,
             "faster_x_batch32": 1.49, "smaller_x": 3.18},
            {"variant": "ONNX", "accuracy": 0.969, "size_bytes": 167_000, "p50_ms_batch32": 0.23,
             "faster_x_batch32": 2.78, "smaller_x": 0.93}]
    ax = variants_chart(rows).axes[0]
    assert ax.get_title(loc="left") == ("ONNX is 2.8x faster than fp32, int8 3.2x smaller;\n"
                                        "accuracy stays between 96.9% and 97.1%")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["fp32", "int8", "ONNX"]
    assert ax.get_xlim()[0] == 0 and ax.get_xscale() == "linear"
    assert "0.43 ms, 49 KB, 97.1% accurate" in [t.get_text() for t in ax.texts]
    plt.close("all")


def test_cost_planner_shows_the_replicas_deploydl_capacity_plans():
    from deploydl.efficiency.capacity import ReplicaModel, plan_replicas

    replica = ReplicaModel(servers=2, rate_per_server=500.0)
    planner = CostPlanner({"fp32": {1: 2.0}, "int8": {1: 1.0}}, http_ms=0.5, replica=replica,
                          p99_ms=40)
    planner.traffic.value = 1e10  # 3,805 requests/s on average, 3x that at the busiest hour
    peak = 1e10 / (730 * 3600) * 3
    expected = plan_replicas(replica, peak_rps=peak, p99_ms=40)
    assert planner.capacity == expected and expected.replicas > 2
    assert planner.peak_rps == pytest.approx(peak)
    assert (f"<b>Replicas that keep the p99 under 40 ms: {expected.replicas} of 2 cores, USD "
            f"{expected.replicas * 2 * 0.05 * 730:,.2f} a month.</b>") in planner.output.value
    alone = CostPlanner({"fp32": {1: 2.0}, "int8": {1: 1.0}}, http_ms=0.5)
    assert "Replicas" not in alone.output.value and alone.explain() == ""


def _wide_planner(**options):
    from deploydl.efficiency.capacity import ReplicaModel

    return CostPlanner({"fp32": {1: 1.3, 32: 8.56}, "int8": {1: 0.24, 32: 1.67}}, http_ms=0.2,
                       replica=ReplicaModel(servers=4, rate_per_server=409.0), p99_ms=50,
                       model="The wide CNN <as benchmarked>", **options)


def test_the_planner_names_its_model_and_batch_and_int8_change_only_the_compute_line():
    planner = _wide_planner()
    assert planner.lines()[0].startswith("<b>The wide CNN &lt;as benchmarked&gt;.</b> Busiest "
                                         "hour: 114 requests/s (3x the month's average)")
    assert all(line in planner.output.value for line in planner.lines())
    planner.traffic.value = 1e10
    replicas, compute = planner.lines()[2], planner.result
    planner.batch.value, planner.quantised.value = 32, True
    assert planner.lines()[2] == replicas  # the measured service: batch and int8 do not move it
    assert planner.result.cores < compute.cores
    assert "int8, in batches of 32" in planner.lines()[1]
    planner.price.value = 0.10  # price and traffic move both lines
    assert planner.lines()[2] != replicas


def test_the_planner_says_why_its_two_lines_differ():
    planner = _wide_planner()  # 114 requests/s at the peak: two replicas, almost idle
    assert planner.capacity.replicas == planner.capacity.min_replicas == 2
    assert planner.result.monthly_cost == 36.5 and planner.replicas_cost() == 146.0
    # 3.49% busy: shown as 3%, not as the 4% a utilisation stored rounded to 0.035 gave
    assert "at its minimum of 2 replicas, each 3% busy at the peak: you pay for a spare" in (
        planner.explain())
    # at its minimum the plan is not sized by load, so no replica is added for M/M/c's error
    assert planner.explain().startswith("Budget for the replica plan. The compute-only line")
    planner.traffic.value = 1e6  # 1 request/s at the peak: not "0% busy"
    assert "at its minimum of 2 replicas, each under 1% busy at the peak" in planner.explain()
    planner.traffic.value = 1e10  # 11,416 requests/s
    planner.batch.value = 32
    assert planner.replicas_cost() > planner.result.monthly_cost
    assert "keeps each replica 87% busy at the peak" in planner.explain()
    # sized by load: the lesson's advice ("How far to trust the plan"), one replica more
    assert planner.explain().startswith("Budget for the replica plan plus one replica")
    planner.batch.value = 1  # one at a time, fp32: more core time than the batching service
    assert planner.replicas_cost() < planner.result.monthly_cost
    assert planner.explain().startswith("Here the compute-only line costs more")
    assert "Budget for the replica plan, which is what was measured, plus one replica" in (
        planner.explain())
    assert planner.explain() in planner.output.value


def test_profiles_from_results_reads_the_wide_cnns_fp32_and_int8_times():
    from deploydl.efficiency.costs import profiles_from_results

    results = {"int8_wide": [
        {"variant": "fp32", "size_bytes": 9, "p50_ms_batch1": 1.3, "p50_ms_batch32": 8.5},
        {"variant": "int8", "size_bytes": 3, "p50_ms_batch1": 0.2, "p50_ms_batch32": 1.6}]}
    assert profiles_from_results(results) == {"fp32": {1: 1.3, 32: 8.5},
                                              "int8": {1: 0.2, 32: 1.6}}
    with pytest.raises(ValueError, match="no int8_wide row for \\['int8'\\]; run `deploydl"):
        profiles_from_results({"int8_wide": results["int8_wide"][:1]})


def test_int8_speed_by_engine_reads_each_engines_int8_row_of_either_cnn():
    from deploydl.efficiency.compress import int8_speed_by_engine

    torch_rows = [{"variant": "fp32", "faster_x_batch32": 1.0},
                  {"variant": "int8 dynamic", "faster_x_batch32": 1.04},
                  {"variant": "int8", "faster_x_batch32": 0.75}]
    onnx_rows = [{"variant": "ONNX fp32", "faster_x_batch32": 1.0},
                 {"variant": "ONNX int8", "faster_x_batch32": 0.82}]
    wide = [{"variant": "int8", "faster_x_batch32": 5.12}]  # the wide CNN: not these figures
    onnx_wide = [{"variant": "ONNX int8", "faster_x_batch32": 2.51}]
    results = {"int8": torch_rows, "int8_wide": wide,
               "onnx": {"int8": onnx_rows, "int8_wide": onnx_wide}}
    assert int8_speed_by_engine(results) == {"PyTorch": 0.75, "ONNX Runtime": 0.82}
    assert int8_speed_by_engine({"int8": torch_rows, "onnx": None}) == {"PyTorch": 0.75}
    assert int8_speed_by_engine({"int8": torch_rows[:1]}) == {}  # int8 not measured
    assert int8_speed_by_engine(results, model="wide") == {"PyTorch": 5.12, "ONNX Runtime": 2.51}
    assert int8_speed_by_engine({"int8": torch_rows}, model="wide") == {}
    with pytest.raises(ValueError, match="'small' and 'wide'"):
        int8_speed_by_engine(results, model="large")


@pytest.mark.parametrize("name", ["serving.json", "serving_epyc_avx2.json"])
@pytest.mark.parametrize("model", ["small", "wide"])
def test_int8_speed_by_engine_gives_the_benchmarks_own_target_figures(name, model):
    """The lesson quotes these as the runs' targets: the same numbers as the runs' tables."""
    import json
    from pathlib import Path

    from deploydl.efficiency.bench_report import check_targets
    from deploydl.efficiency.compress import int8_speed_by_engine

    root = Path(__file__).resolve().parents[2]
    results = json.loads((root / "benchmarks/results" / name).read_text(encoding="utf-8"))
    targets = {t["target"]: t["measured"] for t in check_targets(results)}
    assert int8_speed_by_engine(results, model=model) == {
        "PyTorch": targets[f"int8 faster at batch 32, {model} model (x)"],
        "ONNX Runtime": targets[f"ONNX int8 faster at batch 32, {model} model (x)"]}


def _speed(waits):
    import pandas as pd

    return pd.DataFrame({"batch": [1, 4, 64], "tokens_per_second": [5000.0, 18000.0, 160000.0],
                         "ms_per_token": waits}).set_index("batch")


def test_token_wait_in_words_gives_the_gain_and_both_waits():
    text = token_wait_in_words(_speed([0.2, 0.22, 0.5]))
    assert text == ("Tokens per second for all conversations: up to 32x one conversation's. The "
                    "wait between one conversation's tokens: 0.200 ms alone, 0.500 ms with 64 "
                    "together (2.5x).")


def test_tokens_chart_labels_each_bar_and_separates_thousands():
    import matplotlib.pyplot as plt

    fig = tokens_chart(_speed([0.2, 0.22, 0.5]))
    ax = fig.axes[0]
    assert "up to 32x" in ax.get_title(loc="left")
    assert [t.get_text() for t in ax.texts] == ["5,000", "18,000", "160,000"]
    fig.canvas.draw()
    assert "100,000" in [t.get_text() for t in ax.get_yticklabels()]
    plt.close(fig)


def test_int8_gain_in_words_reads_the_rows_ratios_and_sizes():
    rows = [{"variant": "ONNX fp32", "size_bytes": 25_240_000, "smaller_x": 1.0,
             "faster_x_batch32": 1.0},
            {"variant": "ONNX int8", "size_bytes": 6_410_000, "smaller_x": 3.97,
             "faster_x_batch32": 2.46}]
    assert int8_gain_in_words(rows, fp32="ONNX fp32", int8="ONNX int8") == (
        "file 4.0x smaller (25 MB to 6.4 MB), a batch of 32 images scored 2.5x faster")
    with pytest.raises(ValueError, match=r"no row for \['fp32', 'int8'\] among the variants"):
        int8_gain_in_words(rows)


@pytest.mark.parametrize(("lost", "words"), [(0.5, "0.5 points"), (1.26, "1.3 points"),
                                             (0.04, "none"), (0.0, "none"), (-0.3, "none")])
def test_points_lost_in_words_says_none_when_nothing_shows_at_one_decimal(lost, words):
    assert points_lost_in_words(lost) == words


def test_plan_serving_rounds_a_part_of_a_core_up_to_a_whole_core():
    # 1.5 ms of model + 0.5 ms of HTTP: 500 predictions/s per core. 1e9 a month is 380.5/s on
    # average over 730 hours, 1,141.6/s at the 3x peak: 2.28 cores, so 3 cores, billed all
    # month at USD 0.05 an hour: 3 x 0.05 x 730 = USD 109.50.
    plan = plan_serving({1: 1.5}, batch_size=1, predictions_per_month=1e9,
                        price_per_core_hour=0.05, http_ms=0.5)
    assert plan.predictions_per_s_per_core == 500.0
    assert (plan.cores, plan.monthly_cost) == (3, 109.5)


def test_the_planner_bills_each_replica_for_its_own_cores():
    from deploydl.efficiency.capacity import ReplicaModel

    planner = CostPlanner({"fp32": {1: 2.0}, "int8": {1: 1.0}}, http_ms=0.5,
                          replica=ReplicaModel(servers=2, rate_per_server=500.0), p99_ms=40,
                          cores_per_replica=4)
    # 1e8 predictions a month: 114 requests/s at the peak, the minimum of 2 replicas;
    # 2 replicas x 4 cores x USD 0.05 x 730 hours = USD 292 a month
    assert planner.capacity.replicas == 2 and planner.replicas_cost() == 292.0
    assert "2 of 4 cores, USD 292.00 a month" in planner.output.value


def test_weights_smaller_x_is_the_first_variants_weights_over_each_variants(monkeypatch):
    from deploydl.efficiency import compress

    disk = {"a": 40_000, "b": 16_000}  # bytes saved, file format included
    memory = {"a": 4_000, "b": 1_000}  # bytes of weights held in memory
    monkeypatch.setattr(compress, "size_on_disk", disk.__getitem__)
    monkeypatch.setattr(compress, "size_in_memory", memory.__getitem__)
    monkeypatch.setattr(compress, "time_forward", lambda model, batch, *, repeats: {"p50_ms": 1.0})
    rows = measure_variants({"fp32": "a", "int8": "b"}, np.zeros((8, 1, 8, 8)), batch=8)
    assert [(r["smaller_x"], r["weights_smaller_x"]) for r in rows] == [(1.0, 1.0), (2.5, 4.0)]
    assert [r["memory_bytes"] for r in rows] == [4_000, 1_000]


def test_time_forward_reports_the_median_the_95th_percentile_and_images_per_second(
        monkeypatch):
    """21 calls timed by a fake clock at 1, 2, ..., 20 ms and one of 100 ms: the median is the
    11th, 11 ms (the mean would be 14.8); the 95th percentile the 20th, 20 ms; 4 images in
    11 ms are 2.75 ms an image, 363.6 images a second."""
    from types import SimpleNamespace

    from deploydl.efficiency import inference

    durations = [100.0, *range(20, 0, -1)]  # out of order: the statistics must sort
    ticks = iter([t for i, ms in enumerate(durations)
                  for t in (sum(durations[:i]) / 1000, sum(durations[:i + 1]) / 1000)])
    monkeypatch.setattr(inference, "time", SimpleNamespace(perf_counter=lambda: next(ticks)))
    timing = time_forward(lambda x: x, np.zeros((4, 1, 8, 8)), repeats=21, warmup=0)
    assert timing == {"batch": 4, "p50_ms": pytest.approx(11.0), "p95_ms": pytest.approx(20.0),
                      "ms_per_image": pytest.approx(2.75), "images_per_s": 363.6}


def test_token_gain_is_the_best_batch_not_the_largest():
    # 16,000 tokens/s at batch 64 after 18,000 at batch 4: "up to" 18,000 / 5,000 = 3.6x
    text = token_wait_in_words(_speed([0.2, 0.22, 0.5]).assign(
        tokens_per_second=[5000.0, 18000.0, 16000.0]))
    assert text.startswith("Tokens per second for all conversations: up to 4x one "
                           "conversation's.")
