"""The serving benchmark and the capacity plan drawn from it (Module 05): ``deploydl bench``
and ``deploydl capacity``, with the results file they share."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deploydl.cli.arguments import _Commands, _float_arg, _int_arg
from deploydl.cli.paths import _course_or_none, _writable
from deploydl.cli.refusals import _RESTORE, _Refused

if TYPE_CHECKING:
    from deploydl.efficiency.capacity import CapacityPlan


def _bench(args: argparse.Namespace) -> int:
    import dataclasses
    import shlex

    from deploydl.efficiency.bench_tools import missing_bench_tools

    missing = missing_bench_tools()
    if missing:
        print("deploydl bench: cannot start; it needs:\n" + "\n".join(f"- {m}" for m in missing),
              file=sys.stderr)
        return 1
    import matplotlib

    matplotlib.use("Agg")
    from deploydl.efficiency.bench import QUICK, BenchConfig, run_bench
    from deploydl.efficiency.bench_report import (
        add_costs,
        check_targets,
        format_table,
        write_results,
    )
    from deploydl.settings import get_settings

    config = QUICK if args.quick else BenchConfig()
    config = dataclasses.replace(config, price_per_core_hour=args.price_per_core_hour,
                                 **({"reps": args.reps} if args.reps is not None else {}))
    from deploydl.serving.server import ServeError, home_folder

    try:
        home = home_folder(get_settings())
    except ServeError as exc:
        print(f"deploydl bench: {exc}", file=sys.stderr)
        return 1
    out = Path(args.out or ("benchmarks/results/quick" if args.quick else "benchmarks/results"))
    _results_folder(out)
    results = run_bench(config, cache_dir=home / "bench")
    results["command"] = shlex.join(["deploydl", *sys.argv[1:]])
    add_costs(results)
    results["targets"] = check_targets(results)
    print(format_table(results))
    paths = write_results(results, out, name="serving")
    print("Wrote " + ", ".join(str(p) for p in paths.values()))
    return 0


def _results_folder(out: Path) -> None:
    """Make sure bench can write its results in ``out`` before it measures anything (minutes of
    work that a folder it cannot write would lose), as ``deploydl demo --out`` does:
    :class:`_Refused` (exit 1) when ``out`` is a file or cannot be created or written. A
    folder that exists, files in it or not, is fine: bench writes its serving.json, .md and
    .png there, replacing those of an earlier run."""
    file = next((p for p in (out, *out.parents) if p.exists() and not p.is_dir()), None)
    if file is not None:
        where = "" if file == out else f", so the folder {out} cannot be created in it"
        raise _Refused(f"{file} is a file{where}; give a folder for the results with --out (a "
                       "new one, or one that exists: bench writes serving.json, serving.md "
                       "and serving.png in it). Nothing was measured.", status=1)
    try:
        _writable(out)
    except OSError as exc:
        raise _Refused(f"cannot write the results in {out}: {exc.strerror or exc}; give a "
                       "folder you can write to with --out. Nothing was measured.",
                       status=1) from exc


#: Where `deploydl bench` writes its results, under the folder it runs in, and where
#: `deploydl capacity` reads them by default: under the folder it runs in if bench wrote
#: there, else under the course folder (the course's measured curve).
DEFAULT_RESULTS = "benchmarks/results/serving.json"


def _default_results(course: Path | None) -> Path:
    """The results file ``capacity`` reads without ``--results``: this folder's
    :data:`DEFAULT_RESULTS` (`deploydl bench` run here), else the course folder's."""
    here = Path.cwd() / DEFAULT_RESULTS
    return here if here.exists() or course is None else course / DEFAULT_RESULTS


def _capacity(args: argparse.Namespace) -> int:
    from deploydl.efficiency.capacity import (
        BelowModelFloor,
        benchmark_cores,
        curve_from_results,
        describe_plan,
        fit_replica,
        floor_in_words,
        plan_replicas,
        prediction_check,
    )

    course = _course_or_none()
    source = Path(args.results).absolute() if args.results else _default_results(course)
    named = args.results or os.path.relpath(source)
    out = Path(args.k8s_out) if args.k8s_out else None
    if out is not None and out.exists() and not out.is_dir():
        raise _Refused(f"--k8s-out {out} is a file; give a folder (k8s.yaml is written "
                       "inside it).", status=1)
    results = _read_results(source, course)
    try:
        curve = curve_from_results(results)
        model = fit_replica(curve)
    except ValueError as exc:
        raise _Refused(f"{source}: {exc}", status=1) from exc
    try:
        plan = plan_replicas(model, peak_rps=args.peak_rps, p99_ms=args.p99_ms,
                             min_replicas=args.min_replicas)
    except BelowModelFloor as exc:
        raise _Refused(f"{exc} {floor_in_words(exc, curve)} No plan was written.",
                       status=1) from exc
    except ValueError as exc:
        raise _Refused(str(exc), status=1) from exc
    try:
        cores = benchmark_cores(results)
    except ValueError as exc:
        raise _Refused(f"{source}: {exc}", status=1) from exc
    try:
        described = describe_plan(plan, cores_per_replica=cores,
                                  price_per_core_hour=args.price_per_core_hour)
    except ValueError as exc:  # a cost too large to be a number
        raise _Refused(f"{exc} No plan was written.", status=1) from exc
    print(f"From the single-replica curve in {named} "
          f"({', '.join(str(p['concurrency']) for p in curve)} clients):")
    print(described)
    c = prediction_check(curve, clients=16)
    if c is not None:
        print(f"Model check: p99 at 16 clients predicted {c['predicted_p99_ms']} ms from "
              f"{c['fitted_on']} clients, measured {c['measured_p99_ms']} ms "
              f"({c['error_pct']:+.1f}%).")
    if out is not None:
        return _write_autoscaled_k8s(out / "k8s.yaml", plan, cores=cores, model=args.model,
                                     results=named)
    return 0


def _read_results(source: Path, course: Path | None) -> dict[str, Any]:
    """The JSON object in the benchmark results file ``source``, as it is
    (``curve_from_results`` checks its shape); :class:`_Refused` (exit 1) when it is missing, a
    folder or unreadable, or holds no JSON object (said in the words every JSON file gets,
    :func:`deploydl.integrity.read_json_object`), saying what a results file is. ``course`` is
    the course checkout, if any."""
    from deploydl.integrity import read_json_object

    ours = f"{course / DEFAULT_RESULTS}" if course else f"<course folder>/{DEFAULT_RESULTS}"
    what = (f"A benchmark results file is the JSON that `deploydl bench` writes (the "
            f"course's measured one: {ours}), or a curve of your own in its shape "
            "(docs/capacity.md).")
    if source.is_dir():
        raise _Refused(f"--results {source}: a folder, not a benchmark results file. {what}",
                       status=1)
    try:
        raw = source.read_bytes()
    except FileNotFoundError:
        raise _Refused(f"no benchmark results at {source}: {_no_results_advice(source, course)}",
                       status=1) from None
    except OSError as exc:
        raise _Refused(f"{source}: cannot be read ({exc.strerror or exc}); give a results file "
                       "you can read.", status=1) from None
    return read_json_object(raw, source=source, advice=what,
                            error=lambda message: _Refused(message, status=1))


def _no_results_advice(source: Path, course: Path | None) -> str:
    """What to do when the results file ``source`` does not exist. Never `deploydl bench` in
    the course folder: it would overwrite the course's committed results."""
    if course is None:
        return (f"pass --results <course folder>/{DEFAULT_RESULTS} (the course's measured "
                "curve), or run `deploydl bench` in a folder of your own to measure this "
                f"machine (it writes {DEFAULT_RESULTS} there).")
    if source == course / DEFAULT_RESULTS:
        return f"the course ships this file; {_RESTORE}."
    return (f"check the path, or pass --results {course / DEFAULT_RESULTS} (the course's "
            "measured curve).")


def _write_autoscaled_k8s(out: Path, plan: CapacityPlan, *, cores: float, model: str | None,
                          results: str) -> int:
    """Write the Deployment with the planned HorizontalPodAutoscaler beside it to ``out``, for
    the artifact at ``model`` (default: the case-study model), with the replicas planned from
    the curve in ``results``; 1 with a message if it cannot."""
    from deploydl.deploy.bundle import DeploySpec, to_yaml
    from deploydl.deploy.kubernetes import render_manifests
    from deploydl.efficiency.capacity import autoscaled_spec
    from deploydl.registry import ArtifactError, verify
    from deploydl.serving.server import ServeError, default_artifact

    try:
        artifact = verify(model or default_artifact())
    except (ArtifactError, ServeError) as exc:
        print(f"deploydl capacity: {exc}", file=sys.stderr)
        return 1
    spec = autoscaled_spec(plan, base=DeploySpec(cpu=f"{cores:g}"))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(to_yaml(render_manifests(artifact, spec)))
    except OSError as exc:
        print(f"deploydl capacity: --k8s-out: cannot write {out} ({exc.strerror or exc}); "
              "give a folder you can write to.", file=sys.stderr)
        return 1
    name = artifact.metadata["name"]
    print(f"Wrote {out} (Deployment, HorizontalPodAutoscaler {spec.replicas}-"
          f"{spec.max_replicas} replicas at {spec.cpu_target_percent}% CPU, ...) for {name} "
          f"{artifact.version}, with replicas planned from the curve in {results}. Unless that "
          f"curve was measured on {name}'s service, measure its curve and pass it with "
          "--results (docs/capacity.md, \"Planning another service\").")
    return 0


#: The plans ``deploydl capacity`` makes: a peak from one request every 1,000 seconds to ten
#: million a second, a price up to USD 1,000 per core-hour (hundreds of times a cloud's), and at
#: most 10,000 replicas kept at quiet times. Beyond these a plan is a typing slip (a replica
#: count of 300 digits, a cost of "USD inf"), not a plan.
_PEAK_RPS = (1e-3, 1e7)
_MAX_PRICE_PER_CORE_HOUR = 1000.0
_MAX_MIN_REPLICAS = 10_000


def _price_argument(command: argparse.ArgumentParser, priced: str) -> None:
    """``--price-per-core-hour``: USD per core-hour (default 0.05) for ``priced``, from 0 to
    :data:`_MAX_PRICE_PER_CORE_HOUR`."""
    most = f"{_MAX_PRICE_PER_CORE_HOUR:,.0f}"
    command.add_argument("--price-per-core-hour", type=_float_arg(
        f"a price in USD per core-hour from 0 to {most}", allow_zero=True,
        high=_MAX_PRICE_PER_CORE_HOUR), default=0.05,
        help=f"USD per core-hour for {priced} (default 0.05; at most {most})")


def _add_bench_commands(commands: _Commands) -> None:
    """The serving benchmark and the capacity plan drawn from it (Module 05)."""
    bench = commands.add_parser("bench", help="the serving benchmark (Module 05)")
    bench.add_argument("--quick", action="store_true", help="one short repetition (<= 60 s)")
    bench.add_argument("--reps", type=_int_arg(1, None, "a number of repetitions: give 1 or "
                       "more"), help="repetitions (default 3; quick 1)")
    _price_argument(bench, "cost per million predictions")
    bench.add_argument("--out", help="folder for the results (default benchmarks/results; "
                       "--quick: benchmarks/results/quick, which git ignores)")
    bench.set_defaults(run=_bench)

    capacity = commands.add_parser("capacity", help="replicas for a peak traffic and a p99 "
                                   "target, from the benchmark's curve (Module 05)")
    low, high = _PEAK_RPS
    capacity.add_argument("--peak-rps", type=_float_arg(
        f"a number of requests per second from {low:g} to {high:,.0f}", low=low, high=high),
        required=True, help=f"requests per second at the busiest moment ({low:g} to "
        f"{high:,.0f})")
    capacity.add_argument("--p99-ms", type=_float_arg("a latency target in milliseconds above "
                          "0"), required=True, help="the p99 latency target in milliseconds")
    capacity.add_argument("--results", help="JSON file holding the single-replica curve "
                          f"(default: {DEFAULT_RESULTS} here, where `deploydl bench` writes "
                          "it, else the course folder's, the benchmark's network; for another "
                          "service, its own measured curve: docs/capacity.md)")
    capacity.add_argument("--min-replicas", type=_int_arg(
        1, _MAX_MIN_REPLICAS, f"a number of replicas: give 1 to {_MAX_MIN_REPLICAS:,}"),
        default=2, help=f"replicas kept at quiet times (default 2: one may fail; at most "
        f"{_MAX_MIN_REPLICAS:,})")
    _price_argument(capacity, "the monthly cost")
    capacity.add_argument("--k8s-out", metavar="DIR", help="write k8s.yaml there: the "
                          "Deployment with the planned HorizontalPodAutoscaler beside it")
    capacity.add_argument("--model", metavar="PATH", help="artifact for --k8s-out (default: "
                          "the case-study model)")
    capacity.set_defaults(run=_capacity)
