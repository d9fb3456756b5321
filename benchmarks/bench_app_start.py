"""Benchmark: how long a freshly started app server takes to show its first page.

Measured in one run, each side started the same way (``streamlit run`` on a free loopback
port, a temporary reviews database, headless Debian Chromium driven by Playwright):

1. a one-line Streamlit app (``st.title``) — the floor: Streamlit itself;
2. Fairness Explorer's ``app.py`` — the first page ("Data & model" with the demo loaded on
   the first visit) must be visible in under 8 s after the server process is started.

For each start it prints the server process start → ``/_stcore/health`` answers "ok", the
health answer → the page's main heading is visible, and the whole (the bar); for Fairness
Explorer also the whole until the page has checked the demo ("Ready to audit …", the end
of the page's first screen).

Bytecode: Python compiles each module it imports and normally keeps the result
(``__pycache__``); this sandbox sets ``PYTHONDONTWRITEBYTECODE``, so every start would
compile every module again. The servers here get a bytecode cache in a temporary folder
(``PYTHONPYCACHEPREFIX``) and run a fresh copy of the project (its tracked files, no
``__pycache__``), so one run measures Fairness Explorer:

- cold, nothing compiled: packages and project compiled on this first start (a fresh clone
  whose packages were installed without bytecode);
- cold, packages compiled: the packages compiled first, as ``python3 dev.py setup`` does
  when it installs them (``uv sync --compile-bytecode``, timed and printed), the project
  not (what a first start after ``git pull`` compiles; ``dev.py setup`` compiles the
  project too, so a fresh clone's first ``dev.py run`` starts as warm);
- warm: the median of ``--repeats`` further starts.

    .venv/bin/python benchmarks/bench_app_start.py
    .venv/bin/python benchmarks/bench_app_start.py --repeats 1   # a quicker run
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from fairness_core.cli import app_command

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FLOOR_APP = 'import streamlit as st\n\nst.title("Hello")\n'
BAR_SECONDS = 8.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Start:
    """One server start: seconds to healthy, then to the heading, then to "ready" (or None)."""

    def __init__(self, healthy: float, heading: float, ready: float | None) -> None:
        self.healthy, self.heading, self.ready = healthy, heading, ready

    @property
    def total(self) -> float:
        return self.healthy + self.heading

    @property
    def total_ready(self) -> float | None:
        return None if self.ready is None else self.total + self.ready


def start_and_show(
    browser: Browser, script: Path, heading: str, ready: str | None, env: dict[str, str]
) -> Start:
    """Start a fresh server for ``script``; time it until ``heading`` (then ``ready``) shows."""
    port = free_port()
    command = app_command(port, script)  # the flags `fairness-explorer app` serves with
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 - fixed command line
        command, cwd=script.parent, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{script.name}: streamlit exited early")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:  # noqa: S310
                    if response.read() == b"ok":
                        break
            except OSError:
                time.sleep(0.05)
        healthy = time.perf_counter()
        page = browser.new_page()
        page.goto(url)
        page.get_by_role("heading", name=heading).first.wait_for(timeout=120_000)
        shown = time.perf_counter()
        done = None
        if ready is not None:
            page.get_by_text(ready).first.wait_for(timeout=120_000)
            done = time.perf_counter() - shown
        page.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return Start(healthy - started, shown - healthy, done)


def copy_project(target: Path) -> Path:
    """The project's files as a fresh clone has them (tracked and new, no ``__pycache__``)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def compile_packages(env: dict[str, str]) -> float:
    """Compile the environment's packages into ``env``'s bytecode cache; seconds taken.

    What ``uv sync --compile-bytecode`` (``python3 dev.py setup``) does at install time.
    """
    folders = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 - fixed command line; a few packages ship files that
        [sys.executable, "-m", "compileall", "-q", "-j", "0", *folders],  # do not compile
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return time.perf_counter() - started


def row(label: str, start: Start) -> str:
    ready = "" if start.total_ready is None else f"{start.total_ready:9.2f}s"
    return f"{label:44}{start.healthy:8.2f}s{start.heading:9.2f}s{start.total:8.2f}s{ready}"


def median(starts: list[Start]) -> Start:
    readies = [s.ready for s in starts if s.ready is not None]
    return Start(
        statistics.median(s.healthy for s in starts),
        statistics.median(s.heading for s in starts),
        statistics.median(readies) if readies else None,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="warm starts per side")
    args = parser.parse_args()
    if CHROMIUM is None:
        raise SystemExit("No Chromium found: install it with `apt-get install -y chromium`.")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        floor = folder / "floor" / "hello.py"
        floor.parent.mkdir()
        floor.write_text(FLOOR_APP, encoding="utf-8")
        base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        base["FAIRNESS_EXPLORER_REVIEWS"] = str(folder / "reviews.sqlite3")

        def env(cache: str, project: Path | None = None) -> dict[str, str]:
            paths = {"PYTHONPYCACHEPREFIX": str(folder / cache)}
            if project is not None:  # the copy's own modules, never an installed copy's
                paths["PYTHONPATH"] = str(project)
            return {**base, **paths}

        nothing = copy_project(folder / "clone-nothing-compiled")
        fresh = copy_project(folder / "clone-packages-compiled")
        compiled = compile_packages(env("bytecode-packages"))
        heading, ready = "Data & model", "Ready to audit"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            floor_env = env("bytecode-floor")
            floor_cold = start_and_show(browser, floor, "Hello", None, floor_env)
            floor_warm = [
                start_and_show(browser, floor, "Hello", None, floor_env)
                for _ in range(args.repeats)
            ]
            ours_nothing = start_and_show(
                browser, nothing / "app.py", heading, ready, env("bytecode-none", nothing)
            )
            warm_env = env("bytecode-packages", fresh)
            ours_cold = start_and_show(browser, fresh / "app.py", heading, ready, warm_env)
            ours_warm = [
                start_and_show(browser, fresh / "app.py", heading, ready, warm_env)
                for _ in range(args.repeats)
            ]
            browser.close()
    print(
        f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f}; warm = median of {args.repeats}; packages compiled "
        f"in {compiled:.0f} s"
    )
    print(f"{'':44}{'→healthy':>9}{'→heading':>10}{'total':>9}{'→ready':>10}")
    ours = {
        "cold: nothing compiled": ours_nothing,
        "cold: packages compiled": ours_cold,
        "warm": median(ours_warm),
    }
    print(row("one-line Streamlit app, cold", floor_cold))
    print(row("one-line Streamlit app, warm", median(floor_warm)))
    for label, start in ours.items():
        print(row(f"Fairness Explorer, {label}", start))
    print()
    for label, start in ours.items():
        verdicts = [
            f"heading {start.total:.2f} s ({'within' if start.total < BAR_SECONDS else 'OVER'})"
        ]
        if start.total_ready is not None:
            within = "within" if start.total_ready < BAR_SECONDS else "OVER"
            verdicts.append(f"ready {start.total_ready:.2f} s ({within})")
        print(f"First page, {label}: {', '.join(verdicts)} the {BAR_SECONDS:g} s bar")
    floor_total = median(floor_warm).total
    print(f"Warm: {ours['warm'].total / floor_total:.1f}× a one-line Streamlit app (heading).")


if __name__ == "__main__":
    main()
