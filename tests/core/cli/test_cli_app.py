"""`fairness-explorer app`: the command the README's run step ends in."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from fairness_core.cli import _main as cli
from fairness_core.cli import _serve as serving
from fairness_core.models._loading import ALLOW_PICKLE_ENV, TRUSTED_TYPES_ENV


def test_app_command_binds_to_loopback() -> None:
    """The app is served on 127.0.0.1 only, headless, without usage statistics."""
    command = cli.app_command(8600)
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
    assert command[command.index("--server.port") + 1] == "8600"
    assert command[command.index("--browser.gatherUsageStats") + 1] == "false"
    assert Path(command[4]).name == "app.py"
    assert command[command.index("--server.fileWatcherType") + 1] == "none"
    assert cli.app_command(8600, Path("other.py"))[4] == "other.py"  # tests and benchmarks


def test_trust_options_reach_the_app_only_through_the_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """--allow-pickle and --trust-type become the environment the app reads its policy from."""
    seen: dict[str, str] = {}

    def fake_serve(command: list[str], *, cwd: Path, env: dict[str, str]) -> int:
        seen.update(env)
        return 0

    monkeypatch.setenv(ALLOW_PICKLE_ENV, "1")  # a stale shell setting must not leak through
    monkeypatch.setattr(cli, "serve", fake_serve)
    assert cli.main(["app", "--port", "8601"]) == 0
    assert seen[ALLOW_PICKLE_ENV] == "0"
    assert seen[TRUSTED_TYPES_ENV] == ""
    assert cli.main(["app", "--allow-pickle", "--trust-type", "a.B", "--trust-type", "c.D"]) == 0
    assert seen[ALLOW_PICKLE_ENV] == "1"
    assert seen[TRUSTED_TYPES_ENV] == "a.B,c.D"


def test_review_options_reach_the_app_as_its_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--reviews-db, --shared-reviews and --reviews-max-file-mb set what the app reads."""
    seen: dict[str, str] = {}

    def fake_serve(command: list[str], *, cwd: Path, env: dict[str, str]) -> int:
        seen.clear()
        seen.update(env)
        return 0

    for name in (cli.REVIEWS_PATH_ENV, cli.SHARED_REVIEWS_ENV, cli.REVIEWS_MAX_FILE_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(cli, "serve", fake_serve)
    assert cli.main(["app"]) == 0
    assert cli.SHARED_REVIEWS_ENV not in seen
    assert cli.REVIEWS_PATH_ENV not in seen
    database = tmp_path / "team.sqlite3"
    args = ["app", "--reviews-db", str(database), "--shared-reviews", "--reviews-max-file-mb", "50"]
    assert cli.main(args) == 0
    assert seen[cli.REVIEWS_PATH_ENV] == str(database)
    assert seen[cli.SHARED_REVIEWS_ENV] == "1"
    assert seen[cli.REVIEWS_MAX_FILE_ENV] == "50"
    assert cli.main(["app", "--reviews-max-file-mb", "5000"]) == 2
    assert "--reviews-max-file-mb must be" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _health(port: int) -> bytes:
    url = f"http://127.0.0.1:{port}/_stcore/health"
    with urllib.request.urlopen(url, timeout=1) as response:
        return bytes(response.read())


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _group_members(group: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group and fields[0] != "Z":
                members.append(int(entry.name))
    return members


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_stopping_the_command_stops_the_server(signum: int) -> None:
    """The real command serves on 127.0.0.1; a signal to its pid stops that server."""
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - fixed interpreter and arguments
        [sys.executable, "-m", "fairness_core.cli", "app", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if _health(port) == b"ok":
                    break
            except OSError:
                time.sleep(0.2)
        assert _health(port) == b"ok"
        servers = _children(process.pid)
        assert len(servers) == 1
        os.kill(process.pid, signum)  # the command only, as `kill PID` does
        assert process.wait(timeout=20) == 0
        with pytest.raises(urllib.error.URLError, match="Connection refused"):
            _health(port)
        assert not _alive(servers[0])
        assert _group_members(servers[0]) == []
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl and /proc are Linux")
def test_the_server_dies_with_a_killed_command() -> None:
    """When the command is killed outright (SIGKILL), the guard makes its child exit too."""
    parent_code = (
        "import os, subprocess, sys, time\n"
        f"child = subprocess.Popen([sys.executable, {str(serving.PARENT_GUARD)!r}, "
        "str(os.getpid()), '/bin/sleep', '60'])\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen(  # noqa: S603 - fixed interpreter and code
        [sys.executable, "-c", parent_code], stdout=subprocess.PIPE, start_new_session=True
    )
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        deadline = time.monotonic() + 10
        cmdline = Path(f"/proc/{child}/cmdline")
        while time.monotonic() < deadline and "sleep" not in cmdline.read_text():
            time.sleep(0.05)  # wait for the guard to exec the command
        assert _alive(child)
        parent.kill()
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _alive(child):
            time.sleep(0.05)
        assert not _alive(child)
    finally:
        if parent.poll() is None:
            os.killpg(parent.pid, signal.SIGKILL)
            parent.wait(timeout=10)
        if parent.stdout is not None:
            parent.stdout.close()
