"""``deploydl serve``: the case-study model, or another artifact, over HTTP."""

from __future__ import annotations

import argparse
import sys

from deploydl.cli.arguments import _Commands, _int_arg, _sha256_arg


def _serve(args: argparse.Namespace) -> int:
    from deploydl.serving.server import ServeError, Trust, read_secret, serve

    try:
        key = read_secret(env=args.signing_key_env, file=args.signing_key_file,
                          option="--signing-key")
        serve(args.model, host=args.host, port=args.port, api_key_env=args.api_key_env,
              api_key_file=args.api_key_file, workers=args.workers, log_path=args.log,
              runtime=args.runtime, trust=Trust(signing_key=key, expect_sha256=args.expect_sha256),
              stop_when_stdin_closes=args.stop_when_stdin_closes, no_api_key=args.no_api_key,
              reference_path=args.reference)
    except ServeError as exc:
        print(f"deploydl serve: {exc}", file=sys.stderr)
        return 1
    return 0


def _add_serve_command(commands: _Commands) -> None:
    """``deploydl serve``: the case-study model over HTTP."""
    serve = commands.add_parser("serve", help="serve the model over HTTP until Ctrl-C")
    serve.add_argument("--model", metavar="PATH", help="artifact folder (default: the "
                       "case-study model, built once and cached)")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1, or "
                       "DEPLOYDL_HOST when it is set)")
    serve.add_argument("--port", type=_int_arg(0, 65535, "a port: give 0 to 65535 (0 picks a "
                       "free one)"), help="port (default 8000, or DEPLOYDL_PORT when it is "
                       "set; 0 picks a free one)")
    key = serve.add_mutually_exclusive_group()
    key.add_argument("--api-key-env", metavar="NAME",
                     help="require the API key held in this environment variable (default: "
                     "DEPLOYDL_API_KEY, when it is set)")
    key.add_argument("--api-key-file", metavar="PATH",
                     help="require the API key held in this file (a mounted secret)")
    key.add_argument("--no-api-key", action="store_true",
                     help="serve without an API key on an address other machines can reach "
                     "(refused otherwise): only when a gateway in front already checks callers")
    signing = serve.add_mutually_exclusive_group()
    signing.add_argument("--signing-key-env", metavar="NAME", help="serve only an artifact "
                         "signed with the key held in this environment variable")
    signing.add_argument("--signing-key-file", metavar="PATH", help="serve only an artifact "
                         "signed with the key held in this file (a mounted secret)")
    serve.add_argument("--expect-sha256", metavar="HASH", type=_sha256_arg,
                       help="serve only weights with exactly this sha256 (the released one)")
    serve.add_argument("--log", metavar="PATH",
                       help="keep every prediction in this SQLite prediction log (Module 06)")
    serve.add_argument("--reference", metavar="CSV",
                       help="needs --log: the model's training applicants (one numeric column per "
                       "feature, no gaps), stored in the log for its drift check (default for the "
                       "case-study model: its own training applicants)")
    # serve() refuses more workers than cores (deploydl.serving.server._check_workers)
    serve.add_argument("--workers", type=_int_arg(1, None, "a number of worker processes: give "
                       "1 or more"), default=1, help="worker processes (default 1; at most one "
                       "per CPU core this process may use, 2 on one core: each worker holds its "
                       "own copy of the model, and workers beyond the cores only compete for "
                       "them)")
    serve.add_argument("--runtime", choices=["torch", "onnx"], default="torch",
                       help="what scores requests: torch (default) or ONNX Runtime, exported "
                       "and checked against torch at start-up (needs the 'export' extra)")
    serve.add_argument("--stop-when-stdin-closes", action="store_true",
                       help="also stop when standard input closes: how a program that starts "
                       "the server with a pipe on its standard input (ServiceProcess) makes sure "
                       "it never outlives it; refused when standard input is not a pipe")
    serve.set_defaults(run=_serve)
