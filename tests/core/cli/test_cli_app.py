"""`fairness-explorer app`: the command the README's run step ends in."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from fairness_core.cli import _main as cli
from fairness_core.models._loading import ALLOW_PICKLE_ENV, TRUSTED_TYPES_ENV


def test_app_command_binds_to_loopback() -> None:
    """The app is served on 127.0.0.1 only, headless, without usage statistics."""
    command = cli.app_command(8600)
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
    assert command[command.index("--server.port") + 1] == "8600"
    assert command[command.index("--browser.gatherUsageStats") + 1] == "false"
    assert Path(command[4]).name == "app.py"


def test_trust_options_reach_the_app_only_through_the_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """--allow-pickle and --trust-type become the environment the app reads its policy from."""
    seen: dict[str, str] = {}

    def fake_call(command: list[str], *, cwd: Path, env: dict[str, str]) -> int:
        seen.update(env)
        return 0

    monkeypatch.setenv(ALLOW_PICKLE_ENV, "1")  # a stale shell setting must not leak through
    monkeypatch.setattr(cli.subprocess, "call", fake_call)
    assert cli.main(["app", "--port", "8601"]) == 0
    assert seen[ALLOW_PICKLE_ENV] == "0"
    assert seen[TRUSTED_TYPES_ENV] == ""
    assert cli.main(["app", "--allow-pickle", "--trust-type", "a.B", "--trust-type", "c.D"]) == 0
    assert seen[ALLOW_PICKLE_ENV] == "1"
    assert seen[TRUSTED_TYPES_ENV] == "a.B,c.D"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_app_starts_and_answers_on_loopback() -> None:
    """The real command starts a server that reports healthy on 127.0.0.1."""
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(  # noqa: S603 - fixed interpreter and arguments
        [sys.executable, "-m", "fairness_core.cli", "app", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        body = b""
        while time.monotonic() < deadline:
            try:
                url = f"http://127.0.0.1:{port}/_stcore/health"
                with urllib.request.urlopen(url, timeout=2) as response:
                    body = response.read()
                    break
            except OSError:
                time.sleep(0.5)
        assert body == b"ok"
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)
