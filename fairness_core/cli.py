"""The `fairness-explorer` command line.

``fairness-explorer app`` starts the web app on this machine (127.0.0.1). The options
that widen what the app will load — pickle files, extra skops types — exist only here,
so an operator decides them when starting the app and no click in the browser can.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from fairness_core.models import ALLOW_PICKLE_ENV, TRUSTED_TYPES_ENV

__all__ = ["build_parser", "main"]

APP_FILE = Path(__file__).resolve().parent.parent / "app.py"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="fairness-explorer",
        description="See how a machine-learning model treats different groups of people.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    app = sub.add_parser("app", help="start the web app on this machine")
    app.add_argument("--port", type=int, default=8501, help="port to serve on (default 8501)")
    app.add_argument(
        "--allow-pickle",
        action="store_true",
        help="also load pickle/joblib model files. Pickle files can run any code when "
        "opened: use only on your own machine, alone, with files you made yourself.",
    )
    app.add_argument(
        "--trust-type",
        action="append",
        default=[],
        metavar="TYPE",
        help="allow one extra type inside skops model files (repeatable), e.g. "
        "xgboost.sklearn.XGBClassifier. Only for files from authors you trust.",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    args = build_parser().parse_args(argv)
    if args.command == "app":
        return _run_app(args)
    return 2  # pragma: no cover - argparse rejects unknown commands first


def app_command(port: int) -> list[str]:
    """The streamlit command that serves the app on 127.0.0.1."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP_FILE),
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]


def _run_app(args: argparse.Namespace) -> int:
    if not APP_FILE.exists():
        print(
            f"The app file {APP_FILE} is missing. Run the app from a checkout of the "
            "repository (python3 dev.py run).",
            file=sys.stderr,
        )
        return 2
    env = dict(os.environ)
    env[ALLOW_PICKLE_ENV] = "1" if args.allow_pickle else "0"
    env[TRUSTED_TYPES_ENV] = ",".join(args.trust_type)
    if args.allow_pickle:
        print(
            "Warning: pickle model files are allowed. Opening one runs its code on this "
            "machine. Load only files you made yourself.",
            file=sys.stderr,
        )
    print(f"Fairness Explorer: open http://127.0.0.1:{args.port} in your browser.", flush=True)
    try:
        return subprocess.call(app_command(args.port), cwd=APP_FILE.parent, env=env)  # noqa: S603 - fixed command
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
