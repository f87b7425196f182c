"""The ``deploydl`` command. Names and exit codes are a contract (see DESIGN.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _doctor(args: argparse.Namespace) -> int:
    from deploydl.course.doctor import doctor

    ok, table = doctor(Path(args.root).resolve())
    print(table)
    return 0 if ok else 1


def _labs(args: argparse.Namespace) -> int:
    from deploydl.course.curriculum import project_root
    from deploydl.course.labs import build_labs, check_labs

    root = project_root(Path(args.root))
    if args.action == "build":
        written = build_labs(root)
        print(f"Wrote {len(written)} lab(s) to {root / 'labs'}.")
        return 0
    problems = check_labs(root)
    for problem in problems:
        print(problem)
    if problems:
        print(f"labs/ is out of sync with solutions/ ({len(problems)} file(s)).")
        return 1
    print("labs/ is in sync with solutions/.")
    return 0


def _grade(args: argparse.Namespace) -> int:
    if args.assessment:
        return _grade_assessment(args)
    from deploydl.course.runner import NotebookUnreadable
    from deploydl.exercises.grading import as_json, as_markdown, as_table, grade_lab

    fmt = "json" if args.json else args.format
    grades = []
    for path in args.paths:
        try:
            grades.append(grade_lab(Path(path), timeout=args.timeout))
        except NotebookUnreadable as exc:
            print(f"deploydl grade: {exc}", file=sys.stderr)
            return 2
    print({"json": as_json, "markdown": as_markdown, "table": as_table}[fmt](grades))
    broken = [(g.path, r) for g in grades for r in g.broken_checks]
    for path, r in broken:
        print(f"deploydl grade: {path}: the check of exercise {r.id} itself failed; this is "
              f"the course's fault, not the learner's ({r.message})", file=sys.stderr)
    if broken:
        return 2
    return 0 if all(g.all_passed for g in grades) else 1


def _grade_assessment(args: argparse.Namespace) -> int:
    """A cohort's assessment scores: 0 all took both, 1 some did not, 2 a path unreadable."""
    from deploydl.assessment import cohort

    try:
        rows = cohort.collect([Path(p) for p in args.paths])
    except ValueError as exc:
        print(f"deploydl grade --assessment: {exc}", file=sys.stderr)
        return 2
    print(cohort.as_json(rows) if args.json or args.format == "json" else cohort.as_table(rows))
    return 0 if cohort.complete(rows) else 1


def _refresh(args: argparse.Namespace) -> int:
    from deploydl.course.curriculum import project_root
    from deploydl.course.runner import refresh_outputs

    root = project_root(Path.cwd())
    paths = [Path(p) for p in args.paths] or sorted(
        [*root.glob("notebooks/*.ipynb"), *root.glob("solutions/*.ipynb")])
    for path in paths:
        print(f"executing {path} ...", flush=True)
        refresh_outputs(path, remeasure=args.remeasure)
    return 0


def _slides(args: argparse.Namespace) -> int:
    from deploydl.course.curriculum import project_root
    from deploydl.course.slides import SlidesError, build_decks, print_handouts

    root = project_root(Path(args.root))
    try:
        decks = build_decks(root)
        handouts = print_handouts(decks, out=root / "slides/_build/pdf") if args.pdf else []
    except SlidesError as exc:
        print(f"deploydl slides: {exc}", file=sys.stderr)
        return 1
    for deck in decks:
        print(f"{deck.path.relative_to(root)}: {deck.slides} slides")
    for pdf in handouts:
        print(f"{pdf.relative_to(root)}: handout")
    print(f"Open {(root / 'slides/_build/index.html').as_uri()} (works offline; S: speaker notes).")
    return 0


def _agenda(args: argparse.Namespace) -> int:
    from deploydl.course.agenda import sync_guide
    from deploydl.course.curriculum import project_root

    root = project_root(Path(args.root))
    guide = root / "docs" / "instructors.md"
    current = sync_guide(guide, root, check=args.check)
    if args.check and not current:
        print(f"{guide.relative_to(root)}: the agenda is out of date with the lessons' "
              "metadata; run `deploydl agenda`.")
        return 1
    print(f"{guide.relative_to(root)}: agenda {'up to date' if current else 'updated'}.")
    return 0


def _kit(args: argparse.Namespace) -> int:
    from deploydl.course.curriculum import project_root
    from deploydl.course.roomkit import RoomKitError, build_room_kit
    from deploydl.present.report import find_chromium

    root = project_root(Path(args.root))
    pdf = not args.no_pdf and find_chromium() is not None
    try:
        written = build_room_kit(root, out=root / "slides/_build/kit", pdf=pdf)
    except RoomKitError as exc:
        print(f"deploydl kit: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path.relative_to(root))
    if not pdf and not args.no_pdf:
        print("No PDFs: Chromium is not installed (apt-get install chromium); print the HTML.")
    return 0


def _progress(args: argparse.Namespace) -> int:
    from deploydl.assessment.scoring import progress_line
    from deploydl.course.curriculum import project_root
    from deploydl.course.progress import ProgressCacheError, progress, render

    root = project_root(Path(args.root))
    try:
        print(render(progress(root, timeout=args.timeout), assessment=progress_line(root)))
    except ProgressCacheError as exc:
        print(f"deploydl progress: {exc}", file=sys.stderr)
        return 1
    return 0


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
                                 **({"reps": args.reps} if args.reps else {}))
    results = run_bench(config, cache_dir=get_settings().home / "bench")
    results["command"] = shlex.join(["deploydl", *sys.argv[1:]])
    add_costs(results)
    results["targets"] = check_targets(results)
    print(format_table(results))
    out = Path(args.out or ("benchmarks/results/quick" if args.quick else "benchmarks/results"))
    paths = write_results(results, out, name="serving")
    print("Wrote " + ", ".join(str(p) for p in paths.values()))
    return 0


def _capacity(args: argparse.Namespace) -> int:
    import json

    from deploydl.efficiency.capacity import (
        autoscaled_spec,
        check_prediction,
        curve_from_results,
        describe_plan,
        fit_replica,
        plan_replicas,
    )

    try:
        results = json.loads(Path(args.results).read_text())
        curve = curve_from_results(results)
        plan = plan_replicas(fit_replica(curve), peak_rps=args.peak_rps, p99_ms=args.p99_ms,
                             min_replicas=args.min_replicas)
    except (OSError, ValueError, KeyError) as exc:
        print(f"deploydl capacity: {args.results}: {exc}", file=sys.stderr)
        return 1
    cores = results.get("config", {}).get("cores", 2)
    print(f"From {args.results} (course server, batch 1, "
          f"{', '.join(str(p['concurrency']) for p in curve)} clients):")
    print(describe_plan(plan, cores_per_replica=cores,
                        price_per_core_hour=args.price_per_core_hour))
    if any(p["concurrency"] == 16 for p in curve) and len(curve) > 2:
        c = check_prediction(curve, clients=16)
        print(f"Model check: p99 at 16 clients predicted {c['predicted_p99_ms']} ms from "
              f"{c['fitted_on']} clients, measured {c['measured_p99_ms']} ms "
              f"({c['error_pct']:+.1f}%).")
    if args.k8s_out:
        from deploydl.deploy.bundle import DeploySpec, to_yaml
        from deploydl.deploy.kubernetes import render_manifests
        from deploydl.registry import ArtifactError, verify
        from deploydl.serving.server import default_artifact

        try:
            artifact = verify(args.model or default_artifact())
        except ArtifactError as exc:
            print(f"deploydl capacity: {exc}", file=sys.stderr)
            return 1
        spec = autoscaled_spec(plan, base=DeploySpec(cpu=f"{cores:g}"))
        out = Path(args.k8s_out) / "k8s.yaml"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(to_yaml(render_manifests(artifact, spec)))
        print(f"Wrote {out} (Deployment, HorizontalPodAutoscaler {spec.replicas}-"
              f"{spec.max_replicas} replicas at {spec.cpu_target_percent}% CPU, ...) for "
              f"{artifact.metadata['name']} {artifact.version}. The curve is the benchmark "
              "service's; plan another model from its own measured curve (docs/capacity.md).")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from deploydl.serving.server import ServeError, Trust, read_secret, serve

    try:
        key = read_secret(env=args.signing_key_env, file=args.signing_key_file,
                          option="--signing-key")
        serve(args.model, host=args.host, port=args.port, api_key_env=args.api_key_env,
              api_key_file=args.api_key_file, workers=args.workers, log_path=args.log,
              runtime=args.runtime, trust=Trust(signing_key=key, expect_sha256=args.expect_sha256))
    except ServeError as exc:
        print(f"deploydl serve: {exc}", file=sys.stderr)
        return 1
    return 0


def _demo(args: argparse.Namespace) -> int:
    import tempfile

    from deploydl.capstone.project import run_demo
    from deploydl.present.report import find_chromium

    folder = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="deploydl-demo-"))
    if folder.exists() and any(folder.iterdir()):
        print(f"deploydl demo: {folder} is not empty; give an empty or new folder with --out.",
              file=sys.stderr)
        return 1
    pdf = not args.no_pdf and find_chromium() is not None
    paths = run_demo(folder, pdf=pdf)
    print(f"\nThe executive brief: {paths['brief']}")
    print(f"Technical appendix (model card): {paths['model_card']}")
    print(f"PDF: {paths['pdf']}" if "pdf" in paths else
          "PDF: not written (install Chromium, or print the HTML from a browser).")
    return 0


def _sha256_arg(text: str) -> str:
    if len(text) != 64 or any(c not in "0123456789abcdefABCDEF" for c in text):
        raise argparse.ArgumentTypeError(f"{text[:80]!r} is not a sha256: give the 64 "
                                         "hexadecimal characters the release recorded")
    return text.lower()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="deploydl", description=(
        "Deploying Deep Learning: the course's command line."))
    commands = parser.add_subparsers(dest="command", required=True)

    doctor = commands.add_parser("doctor", help="check this machine is ready for the course")
    doctor.add_argument("--root", default=".", help="the course folder (default: here)")
    doctor.set_defaults(run=_doctor)

    labs = commands.add_parser("labs", help="generate labs/ from solutions/, or check them")
    labs.add_argument("action", choices=["build", "check"])
    labs.add_argument("--root", default=".", help="the course folder (default: here)")
    labs.set_defaults(run=_labs)

    grade = commands.add_parser("grade", help="run lab notebooks and grade every exercise")
    grade.add_argument("paths", nargs="+", metavar="PATH", help="lab notebooks to grade "
                       "(with --assessment: learners' course folders or assessment files)")
    grade.add_argument("--assessment", action="store_true", help="collect the before/after "
                       "assessment scores (Modules 00 and 08) instead of grading labs")
    grade.add_argument("--format", choices=["table", "json", "markdown"], default="table")
    grade.add_argument("--json", action="store_true", help="same as --format json")
    grade.add_argument("--timeout", type=int, default=120, help="seconds per cell")
    grade.set_defaults(run=_grade)

    refresh = commands.add_parser("refresh", help="re-execute notebooks and store their outputs")
    refresh.add_argument("paths", nargs="*", metavar="PATH",
                         help="notebooks (default: all of notebooks/ and solutions/)")
    refresh.add_argument("--remeasure", action="store_true",
                         help="also re-record the timing cells (run it on a quiet machine)")
    refresh.set_defaults(run=_refresh)

    slides = commands.add_parser("slides", help="build every lesson's deck into slides/_build/")
    slides.add_argument("--root", default=".", help="the course folder (default: here)")
    slides.add_argument("--pdf", action="store_true", help="also print each deck to "
                        "slides/_build/pdf/ as a handout, one page per slide (needs Chromium)")
    slides.set_defaults(run=_slides)

    agenda = commands.add_parser("agenda", help="write the workshop agendas in docs/instructors.md")
    agenda.add_argument("--check", action="store_true", help="only check they are up to date")
    agenda.add_argument("--root", default=".", help="the course folder (default: here)")
    agenda.set_defaults(run=_agenda)

    kit = commands.add_parser("kit", help="print the room kit into slides/_build/kit/: "
                              "cheat sheets, the answer key, the feedback form")
    kit.add_argument("--root", default=".", help="the course folder (default: here)")
    kit.add_argument("--no-pdf", action="store_true", help="HTML only, even with Chromium")
    kit.set_defaults(run=_kit)

    progress = commands.add_parser("progress", help="your progress through the course")
    progress.add_argument("--root", default=".", help="the course folder (default: here)")
    progress.add_argument("--timeout", type=int, default=120, help="seconds per cell")
    progress.set_defaults(run=_progress)

    bench = commands.add_parser("bench", help="the serving benchmark (Module 05)")
    bench.add_argument("--quick", action="store_true", help="one short repetition (<= 60 s)")
    bench.add_argument("--reps", type=int, default=0, help="repetitions (default 3; quick 1)")
    bench.add_argument("--price-per-core-hour", type=float, default=0.05,
                       help="USD per core-hour for cost per million predictions")
    bench.add_argument("--out", help="folder for the results (default benchmarks/results; "
                       "--quick: benchmarks/results/quick, which git ignores)")
    bench.set_defaults(run=_bench)

    capacity = commands.add_parser("capacity", help="replicas for a peak traffic and a p99 "
                                   "target, from the benchmark's curve (Module 05)")
    capacity.add_argument("--peak-rps", type=float, required=True,
                          help="requests per second at the busiest moment")
    capacity.add_argument("--p99-ms", type=float, required=True,
                          help="the p99 latency target in milliseconds")
    capacity.add_argument("--results", default="benchmarks/results/serving.json",
                          help="`deploydl bench` results holding the single-replica curve")
    capacity.add_argument("--min-replicas", type=int, default=2,
                          help="replicas kept at quiet times (default 2: one may fail)")
    capacity.add_argument("--price-per-core-hour", type=float, default=0.05,
                          help="USD per core-hour for the monthly cost")
    capacity.add_argument("--k8s-out", metavar="DIR", help="write k8s.yaml there: the "
                          "Deployment with the planned HorizontalPodAutoscaler beside it")
    capacity.add_argument("--model", metavar="PATH", help="artifact for --k8s-out (default: "
                          "the case-study model)")
    capacity.set_defaults(run=_capacity)

    serve = commands.add_parser("serve", help="serve the model over HTTP until Ctrl-C")
    serve.add_argument("--model", metavar="PATH", help="artifact folder (default: the "
                       "case-study model, built once and cached)")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default 8000; 0 picks a free one)")
    key = serve.add_mutually_exclusive_group()
    key.add_argument("--api-key-env", metavar="NAME",
                     help="require the API key held in this environment variable")
    key.add_argument("--api-key-file", metavar="PATH",
                     help="require the API key held in this file (a mounted secret)")
    signing = serve.add_mutually_exclusive_group()
    signing.add_argument("--signing-key-env", metavar="NAME", help="serve only an artifact "
                         "signed with the key held in this environment variable")
    signing.add_argument("--signing-key-file", metavar="PATH", help="serve only an artifact "
                         "signed with the key held in this file (a mounted secret)")
    serve.add_argument("--expect-sha256", metavar="HASH", type=_sha256_arg,
                       help="serve only weights with exactly this sha256 (the released one)")
    serve.add_argument("--log", metavar="PATH",
                       help="keep every prediction in this SQLite prediction log (Module 06)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    serve.add_argument("--runtime", choices=["torch", "onnx"], default="torch",
                       help="what scores requests: torch (default) or ONNX Runtime, exported "
                       "and checked against torch at start-up (needs the 'export' extra)")
    serve.set_defaults(run=_serve)

    demo = commands.add_parser("demo", help="the whole life cycle in one minute, in the terminal")
    demo.add_argument("--out", metavar="DIR", help="an empty folder for the artifacts "
                      "(default: a new temporary folder)")
    demo.add_argument("--no-pdf", action="store_true", help="skip the PDF even if Chromium "
                      "is installed")
    demo.set_defaults(run=_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":  # pragma: no cover - `python -m deploydl.cli`
    sys.exit(main())
