"""`deploydl capacity`: a plan from benchmark results, and its autoscaler (Module 05)."""

from __future__ import annotations

import json
import re

import kubernetes_validate
import pytest
import yaml

from deploydl.cli import main
from deploydl.efficiency.capacity import fit_replica, plan_replicas

CURVE = [{"concurrency": c, "rps": rps, "p50_ms": 1.0, "p99_ms": p99}
         for c, rps, p99 in ((1, 1000.0, 2.0), (4, 1900.0, 5.0), (8, 2100.0, 7.0),
                             (16, 2150.0, 12.0))]


def write_results(tmp_path, **extra):
    path = tmp_path / "serving.json"
    path.write_text(json.dumps({"config": {"cores": 2}, "summary": [],
                                "capacity_curve": CURVE, **extra}))
    return path


def test_capacity_renders_a_valid_autoscaler_with_the_planned_numbers(tmp_path, artifact_dir,
                                                                      capsys):
    results = write_results(tmp_path)
    code = main(["capacity", "--peak-rps", "12000", "--p99-ms", "20", "--results",
                 str(results), "--k8s-out", str(tmp_path / "k8s"), "--model", str(artifact_dir)])
    out = capsys.readouterr().out
    assert code == 0, out
    plan = plan_replicas(fit_replica(CURVE), peak_rps=12000, p99_ms=20)
    assert f"{plan.replicas} replicas" in out and "Model check: p99 at 16 clients" in out
    manifest = tmp_path / "k8s" / "k8s.yaml"
    kinds = {d["kind"]: d for d in yaml.safe_load_all(manifest.read_text(encoding="utf-8"))}
    hpa = kinds["HorizontalPodAutoscaler"]["spec"]
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (2, plan.replicas)
    assert hpa["metrics"][0]["resource"]["target"]["averageUtilization"] == plan.hpa_cpu_percent
    assert hpa["scaleTargetRef"]["name"] == kinds["Deployment"]["metadata"]["name"]
    assert "replicas" not in kinds["Deployment"]["spec"]  # the autoscaler owns the count
    # the same strict offline schema check as the Deployment's (tests/deploy), in-process
    version = kubernetes_validate.latest_version()
    for document in kinds.values():
        kubernetes_validate.validate(document, version, strict=True)  # raises if invalid
    hpa["behavior"] = {"scaleUp": {"window": 60}}  # not in the schema: must be refused
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(kinds["HorizontalPodAutoscaler"], version, strict=True)


def test_capacity_plans_without_a_model_check_when_too_few_loads_lie_below_16(tmp_path,
                                                                              capsys):
    # 1, 16 and 32 clients: only one point below 16, so nothing to fit the check from
    path = tmp_path / "serving.json"
    path.write_text(json.dumps({"config": {"cores": 2}, "summary": [], "capacity_curve": [
        {**CURVE[0]}, {**CURVE[3]}, {**CURVE[3], "concurrency": 32}]}))
    code = main(["capacity", "--peak-rps", "1000", "--p99-ms", "20", "--results", str(path)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "replicas" in out and "Model check" not in out and err == ""


def test_capacity_refuses_cores_that_are_not_a_number(tmp_path, capsys):
    path = write_results(tmp_path, config={"cores": "two"})
    assert main(["capacity", "--peak-rps", "100", "--p99-ms", "20", "--results",
                 str(path)]) == 1
    assert (f"{path}: config.cores must be a number of cores; found 'two'. Run `deploydl "
            "bench` again." in capsys.readouterr().err)


def test_capacity_says_why_a_target_cannot_be_met(tmp_path, capsys):
    code = main(["capacity", "--peak-rps", "100", "--p99-ms", "0.5", "--results",
                 str(write_results(tmp_path))])
    assert code == 1
    err = capsys.readouterr().err
    assert "the model cannot plan a p99 of 0.5 ms" in err
    assert "measured a p99 of 2 ms at 1 client (1,000 requests/s), above the target too" in err


def test_capacity_blames_its_model_not_the_service_for_a_target_the_service_met(tmp_path,
                                                                                capsys):
    # the curve's p99 at 1 client is 2 ms; the fitted model's idle floor is 4.3 ms
    code = main(["capacity", "--peak-rps", "100", "--p99-ms", "3", "--results",
                 str(write_results(tmp_path)), "--k8s-out", str(tmp_path / "k8s")])
    err = capsys.readouterr().err
    assert code == 1 and not (tmp_path / "k8s").exists()
    assert "the model cannot plan a p99 of 3 ms" in err and "4.3 ms in the model" in err
    assert ("measured a p99 of 2 ms at 1 client (1,000 requests/s), within the target, so the "
            "service may meet it. Measure one replica" in err)
    assert "More replicas do not help" not in err and "No plan was written." in err


def test_a_curve_of_load_generator_results_is_one_capacity_reads(tmp_path, capsys):
    """docs/capacity.md tells a team to measure another service with `run_load` (or
    benchmarks/load_test.py) at 1, 2, 4, 8 and 16 clients and put the results, as they are,
    in `capacity_curve`: the command must read them."""
    from deploydl.efficiency.loadgen import summarise

    curve = [summarise([p["p50_ms"]] * 98 + [p["p99_ms"]] * 2, [200] * 100, sent=100,
                       seconds=100 / p["rps"], concurrency=p["concurrency"], engine="python")
             for p in CURVE]
    path = tmp_path / "loan.json"
    path.write_text(json.dumps({"config": {"cores": 2}, "capacity_curve": curve}))
    assert main(["capacity", "--peak-rps", "12000", "--p99-ms", "20", "--results",
                 str(path)]) == 0
    plan = plan_replicas(fit_replica(CURVE), peak_rps=12000, p99_ms=20)
    assert f"{plan.replicas} replicas" in capsys.readouterr().out


def test_capacity_names_a_missing_results_file(tmp_path, capsys):
    assert main(["capacity", "--peak-rps", "100", "--p99-ms", "20", "--results",
                 str(tmp_path / "nope.json")]) == 1
    assert "nope.json" in capsys.readouterr().err


@pytest.mark.parametrize("args, message", [
    (["--peak-rps", "inf"], "--peak-rps: 'inf' is not a number of requests per second"),
    (["--p99-ms", "-1"], "--p99-ms: '-1' is not a latency target"),
    (["--min-replicas", "0"], "--min-replicas: '0' is not a number of replicas"),
    (["--price-per-core-hour", "-1"], "--price-per-core-hour: '-1' is not a price"),
])
def test_capacity_blames_a_wrong_argument_on_the_argument(tmp_path, capsys, args, message):
    base = {"--peak-rps": "100", "--p99-ms": "20", "--results": str(write_results(tmp_path))}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    with pytest.raises(SystemExit) as exit_:
        main(["capacity", *[x for pair in base.items() for x in pair]])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and message in err and "serving.json" not in err


@pytest.mark.parametrize("content, message", [
    ({"capacity_curve": [5]}, "each point must be an object"),
    ({"capacity_curve": [{"concurrency": 1, "rps": "fast"}]}, "each point must have"),
])
def test_capacity_says_a_file_is_not_benchmark_results(tmp_path, capsys, content, message):
    path = tmp_path / "results.json"
    path.write_text(json.dumps(content))
    assert main(["capacity", "--peak-rps", "100", "--p99-ms", "20", "--results", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}: not `deploydl bench` results: {message}" in err
    assert "run `deploydl bench`" in err


def test_capacity_without_results_says_to_run_bench_with_the_absolute_path(tmp_path, capsys,
                                                                           monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["capacity", "--peak-rps", "100", "--p99-ms", "20"]) == 1
    err = capsys.readouterr().err
    assert f"no benchmark results at {tmp_path / 'benchmarks/results/serving.json'}" in err
    assert "run `deploydl bench`" in err and "--results" in err


def test_capacity_refuses_a_k8s_out_that_is_a_file_before_planning(tmp_path, capsys):
    (tmp_path / "taken").write_text("mine")
    assert main(["capacity", "--peak-rps", "100", "--p99-ms", "20", "--results",
                 str(write_results(tmp_path)), "--k8s-out", str(tmp_path / "taken")]) == 1
    assert "--k8s-out" in capsys.readouterr().err
    assert (tmp_path / "taken").read_text(encoding="utf-8") == "mine"


def test_plan_and_description_refuse_impossible_numbers():
    from deploydl.efficiency.capacity import describe_plan

    model = fit_replica(CURVE)
    with pytest.raises(ValueError, match="peak_rps must be a finite number"):
        plan_replicas(model, peak_rps=float("inf"), p99_ms=20)
    with pytest.raises(ValueError, match="p99_ms must be a finite number above 0"):
        plan_replicas(model, peak_rps=100, p99_ms=-1)
    with pytest.raises(ValueError, match="price_per_core_hour must be"):
        describe_plan(plan_replicas(model, peak_rps=100, p99_ms=20), cores_per_replica=2,
                      price_per_core_hour=-1)


def test_capacity_doc_quotes_the_committed_curve_and_shows_the_shape_capacity_reads(root):
    """docs/capacity.md's floor, 1-client p99, /health p99 and JSON example are the committed
    results' (`benchmarks/results/serving.json`), and the example is a curve the command reads."""
    from deploydl.efficiency.capacity import curve_from_results, open_p99_ms

    doc = (root / "docs" / "capacity.md").read_text(encoding="utf-8")
    results = json.loads((root / "benchmarks/results/serving.json").read_text(encoding="utf-8"))
    curve = curve_from_results(results)
    floor = open_p99_ms(fit_replica(curve), 0.0)
    assert f"`ln(100) / mu` in the model ({floor:.1f} ms for the committed curve)" in doc
    assert f"measured a p99 of {curve[0]['p99_ms']:.1f} ms at 1 client" in doc
    health = next(r["health_p99_ms"] for r in results["summary"]
                  if (r["server"], r["batch"], r["concurrency"]) == ("course", 1, 16))
    assert f"16 clients: a p99 of {health} ms" in doc
    example = json.loads(re.search(r"```json\n(.*?)```", doc, re.S).group(1))
    assert curve_from_results(example) == curve[:2]
    assert results["config"]["model"] == "wide" and '(`config.model` is `"wide"`)' in doc


def test_capacity_says_a_replica_at_a_tiny_peak_is_under_1_percent_busy(tmp_path, capsys):
    assert main(["capacity", "--peak-rps", "0.01", "--p99-ms", "20", "--results",
                 str(write_results(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "Peak 0.01 req/s: 2 replicas, each under 1% busy" in out and "0% busy" not in out
