"""Serving the app: the streamlit command line, and a child server that stops with us.

``fairness-explorer app`` runs :func:`app_command` through :func:`serve`; the browser tests
and the start-up benchmark start their servers with the same :func:`app_command`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

__all__ = [
    "APP_FILE",
    "FORWARDED_SIGNALS",
    "PARENT_GUARD",
    "STOP_GRACE_SECONDS",
    "app_command",
    "serve",
]

APP_FILE = Path(__file__).resolve().parents[2] / "app.py"
PARENT_GUARD = Path(__file__).resolve().with_name("_parent_guard.py")
#: Signals the command line passes on to the server it started.
FORWARDED_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)
#: Seconds the server has to stop after a forwarded signal before it is killed.
STOP_GRACE_SECONDS = 10.0


def app_command(port: int, script: Path = APP_FILE) -> list[str]:
    """The streamlit command that serves ``script`` (the app) on 127.0.0.1: headless, no
    usage statistics, no file watching (a served app does not reload its own code). The
    browser tests and the start-up benchmark start their servers with it too."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]


def serve(command: Sequence[str], *, cwd: Path, env: dict[str, str]) -> int:
    """Run the server ``command`` as a child and stop it when this process is stopped.

    The child runs in its own process group, so a Ctrl-C in the terminal reaches only this
    process, which forwards SIGTERM, SIGINT and SIGHUP to the whole group (the server and
    the model workers it started), waits :data:`STOP_GRACE_SECONDS`, then kills the group.
    If this process is killed outright (SIGKILL), :mod:`._parent_guard` makes the kernel
    send the server SIGTERM. Returns the server's exit code, or 0 after a forwarded stop.
    """
    stop_signals: list[int] = []
    child: list[subprocess.Popen[bytes]] = []

    def forward(signum: int, _frame: object) -> None:
        stop_signals.append(signum)
        if child:
            _signal_group(child[0].pid, signum)

    previous = _install_handlers(forward)
    try:
        guarded = [sys.executable, str(PARENT_GUARD), str(os.getpid()), *command]
        child.append(subprocess.Popen(guarded, cwd=cwd, env=env, process_group=0))  # noqa: S603 - fixed command
        process = child[0]
        if stop_signals:  # a signal arrived while the child was starting
            _signal_group(process.pid, stop_signals[0])
        stop_started: float | None = None
        while True:
            try:
                code = process.wait(timeout=0.25)
                break
            except subprocess.TimeoutExpired:
                if stop_signals and stop_started is None:
                    stop_started = time.monotonic()
                if stop_started is not None and (
                    time.monotonic() - stop_started > STOP_GRACE_SECONDS
                ):
                    _signal_group(process.pid, signal.SIGKILL)
    finally:
        if child:
            if child[0].poll() is None:
                _signal_group(child[0].pid, signal.SIGKILL)
                child[0].wait()
            # Anything the server left in its group (a model worker) goes with it.
            _signal_group(child[0].pid, signal.SIGKILL)
        _restore_handlers(previous)
    return 0 if stop_signals else code


def _signal_group(group: int, signum: int) -> None:
    with suppress(ProcessLookupError, PermissionError):  # the group is already gone
        os.killpg(group, signum)


def _install_handlers(handler: signal.Handlers | object) -> dict[int, object]:
    previous: dict[int, object] = {}
    for signum in FORWARDED_SIGNALS:
        try:
            previous[signum] = signal.signal(signum, handler)  # type: ignore[arg-type]
        except ValueError:  # not the main thread (a test calling main()): nothing to forward
            break
    return previous


def _restore_handlers(previous: dict[int, object]) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler)  # type: ignore[arg-type]
