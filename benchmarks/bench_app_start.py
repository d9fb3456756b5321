"""Benchmark: how long a freshly started app server takes to show its first page.

Measured in one run, each side started the same way (``streamlit run`` on a free loopback
port, a temporary reviews database, headless Debian Chromium driven by Playwright):

1. a one-line Streamlit app (``st.title``) — the floor: Streamlit itself;
2. Fairness Explorer's ``app.py`` — the first page ("Data & model" with the demo loaded on
   the first visit) must be visible in under 8 s after the server process is started.

Each side prints three times: the server process start → ``/_stcore/health`` answers "ok",
the health answer → the page's main heading is visible, and the whole (the bar).

Python normally keeps compiled bytecode (``__pycache__``) after a module's first import;
this sandbox sets ``PYTHONDONTWRITEBYTECODE``, which makes every start compile every
module again (about 3× slower). The script therefore gives the servers a bytecode cache in
a temporary folder (``PYTHONPYCACHEPREFIX``) and reports the first, cold start (which fills
it, as the first start after an install does) and the median of ``--repeats`` warm starts.

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
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

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


def start_and_show(
    browser: Browser, script: Path, heading: str, env: dict[str, str]
) -> tuple[float, float]:
    """(start → healthy, healthy → heading visible) in seconds for one fresh server."""
    port = free_port()
    command = [
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
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 - fixed command line
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
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
        page.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return healthy - started, shown - healthy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="warm starts per side")
    args = parser.parse_args()
    if CHROMIUM is None:
        raise SystemExit("No Chromium found: install it with `apt-get install -y chromium`.")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        floor = folder / "hello.py"
        floor.write_text(FLOOR_APP, encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(folder / "bytecode")
        env["FAIRNESS_EXPLORER_REVIEWS"] = str(folder / "reviews.sqlite3")
        sides = [
            ("one-line Streamlit app", floor, "Hello"),
            ("Fairness Explorer", ROOT / "app.py", "Data & model"),
        ]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            results: dict[str, list[tuple[float, float]]] = {}
            for label, script, heading in sides:
                runs = [start_and_show(browser, script, heading, env)]  # cold: fills the cache
                runs += [start_and_show(browser, script, heading, env) for _ in range(args.repeats)]
                results[label] = runs
            browser.close()
    print(
        f"Python {sys.version.split()[0]}, {os.cpu_count()} cores; warm = median of {args.repeats}"
    )
    print(f"{'':26}{'start→healthy':>15}{'→heading':>10}{'total':>8}")
    totals: dict[str, float] = {}
    for label, runs in results.items():
        cold, warm = runs[0], runs[1:]
        health = statistics.median(r[0] for r in warm)
        heading = statistics.median(r[1] for r in warm)
        total = statistics.median(r[0] + r[1] for r in warm)
        totals[label] = total
        print(f"{label + ', cold':26}{cold[0]:14.2f}s{cold[1]:9.2f}s{sum(cold):7.2f}s")
        print(f"{label + ', warm':26}{health:14.2f}s{heading:9.2f}s{total:7.2f}s")
    ours = totals["Fairness Explorer"]
    verdict = "within" if ours < BAR_SECONDS else "OVER"
    print(
        f"\nFirst page {ours:.2f} s after the server starts ({verdict} the {BAR_SECONDS:g} s bar); "
        f"{ours / totals['one-line Streamlit app']:.1f}× a one-line Streamlit app."
    )


if __name__ == "__main__":
    main()
