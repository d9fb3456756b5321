"""Run a command that dies with the process that started it (run as a script, not imported).

``python _parent_guard.py PARENT_PID COMMAND...`` asks Linux to send this process SIGTERM
when its parent dies (``prctl(PR_SET_PDEATHSIG)``), checks the parent is still
``PARENT_PID`` (it may have died before the request was made), then replaces itself with
``COMMAND`` (``execv``). The request survives ``execv``, so the command — the Streamlit
server of ``fairness-explorer app`` — stops even when the command line is killed with
SIGKILL and cannot forward anything.

Why a separate script rather than ``preexec_fn``: ``preexec_fn`` runs Python between fork
and exec, which is unsafe when the parent has threads; this script runs in a fresh
interpreter and imports only the standard library (not the ``fairness_core`` package). On
systems without ``prctl`` (macOS, Windows) the command runs unguarded: the command line
still forwards SIGTERM/SIGINT/SIGHUP, only an abrupt kill of it leaves the server running.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    except (OSError, AttributeError):
        return  # no prctl here: run unguarded (see the module docstring)


def main(argv: list[str]) -> int:
    if len(argv) < 3 or not argv[1].isdigit():
        print("usage: _parent_guard.py PARENT_PID COMMAND [ARG...]", file=sys.stderr)
        return 2
    _die_with_parent()
    if os.getppid() != int(argv[1]):
        return 0  # the parent died before the guard was set: do not start the command
    os.execv(argv[2], argv[2:])  # noqa: S606 - the command line's own fixed command
    return 0  # not reached


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
