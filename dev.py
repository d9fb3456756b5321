"""Set up and run Fairness Explorer from a fresh clone.

`python3 dev.py run` starts the app; `python3 dev.py test` runs every check.

Needs only Python 3.11+ with venv and pip. It creates `.tools/` (holding the uv installer),
installs the exact versions in uv.lock into `.venv/`, then starts the app or runs every check.
Rerunning is fast: installation is skipped while pyproject.toml and uv.lock are unchanged.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
TOOLS = ROOT / ".tools"
VENV = ROOT / ".venv"
UV_VERSION = "0.13.9"
BIN = "Scripts" if os.name == "nt" else "bin"
APP_CODE = ["fairness_core", "components", "pages"]


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - an older Python may start this script
        print(f"Fairness Explorer needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
        return 2
    if not argv or argv[0] not in {"run", "test", "setup"}:
        print("Usage: python3 dev.py run | test | setup [extra arguments]")
        return 2
    command, extra = argv[0], argv[1:]
    setup()
    if command == "run":
        return call([str(VENV / BIN / "fairness-explorer"), "app", *extra])
    if command == "test":
        return run_checks(extra)
    return 0


def setup() -> None:
    """Install uv into .tools, then the locked dependencies into .venv (once per lock)."""
    uv = TOOLS / BIN / "uv"
    if not uv.exists():
        print(f"Installing uv {UV_VERSION} into .tools/ ...", flush=True)
        check([sys.executable, "-m", "venv", str(TOOLS)])
        check([str(TOOLS / BIN / "python"), "-m", "pip", "install", "--quiet", f"uv=={UV_VERSION}"])
    stamp = VENV / ".lock-sha256"
    digest = hashlib.sha256(
        (ROOT / "uv.lock").read_bytes() + (ROOT / "pyproject.toml").read_bytes()
    ).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    print("Installing the locked dependencies into .venv/ ...", flush=True)
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "UV_PROJECT_ENVIRONMENT": str(VENV)}
    # Compiled now, the packages and the app's modules are not compiled on the app's first
    # start (seconds: docs/benchmarks.md, "Fast start"), nor on every start where
    # PYTHONDONTWRITEBYTECODE keeps Python from saving what it compiles.
    sync = [str(uv), "sync", "--frozen", "--extra", "dev", "--compile-bytecode"]
    check([*sync, "--python", sys.executable], env=env)
    code = [*APP_CODE, "app.py"]
    check([str(VENV / BIN / "python"), "-m", "compileall", "-q", *code])
    stamp.write_text(digest)


def run_checks(pytest_args: list[str]) -> int:
    """Lint, format check, type check, then every test. Stops at the first failing step."""
    py = str(VENV / BIN / "python")
    steps = [
        [py, "-m", "ruff", "check", "."],
        [py, "-m", "ruff", "format", "--check", "."],
        [py, "-m", "mypy", "fairness_core", "components", "pages", "app.py"],
        [py, "-m", "pytest", *pytest_args],
    ]
    for step in steps:
        print("$ " + " ".join(step[2:]), flush=True)
        code = call(step)
        if code != 0:
            return code
    return 0


def check(cmd: list[str], env: dict[str, str] | None = None) -> None:
    code = call(cmd, env=env)
    if code != 0:
        raise SystemExit(f"Setup step failed (exit {code}): {' '.join(cmd)}")


def call(cmd: list[str], env: dict[str, str] | None = None) -> int:
    return subprocess.call(cmd, cwd=ROOT, env=env)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
