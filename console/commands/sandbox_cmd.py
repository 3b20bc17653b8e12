"""`ghaecr-console sandbox serve`: run the sandbox alone for other processes (scripts, the bench)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("sandbox", help="run the local GitHub + ECR sandbox on its own")
    sub = parser.add_subparsers(dest="sandbox_command", metavar="ACTION", required=True)
    serve = sub.add_parser(
        "serve",
        help="serve the sandbox on 127.0.0.1 and print `export` lines for other processes",
        description="Starts the GitHub stand-in and moto's ECR server on 127.0.0.1, prints shell "
        "`export NAME=value` lines (eval them in another shell), and serves until Ctrl-C.",
    )
    serve.add_argument("--port", type=_port, default=0, help="GitHub stand-in port (default: a free one)")
    serve.add_argument("--images", type=_positive, default=None, metavar="N", help="seed N images (default: the demo history)")
    serve.add_argument("--runs", type=_positive, default=None, metavar="N", help="seed N workflow runs")
    serve.add_argument("--seed", type=int, default=7, metavar="S", help="random seed (default 7)")
    serve.add_argument("--production-repo", default=None, metavar="NAME",
                       help="seed the two-repository layout: production's tags in this ECR repository")
    serve.set_defaults(handler=_serve, wiring="none")


def _port(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a port number") from None
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"{number} is not a port number (0-65535; 0 picks a free one)")
    return number


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _serve(args: argparse.Namespace) -> int:
    from console.sandbox.serve import serve

    return serve(port=args.port, images=args.images, runs=args.runs, seed=args.seed,
                 production_repository=args.production_repo) or 0
