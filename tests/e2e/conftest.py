"""Real-browser fixtures: the app served by ``streamlit run`` on loopback, headless Chromium.

Playwright's own browser download is not reachable here, so the tests drive the system
Chromium (Debian's ``chromium`` package, which ``.ci/run`` installs). In CI (``CI=true``) a
missing browser fails the run; elsewhere the browser tests skip and say why.

Every page a test opens records the browser console: :func:`console_errors` returns what
was logged as an error, and journeys assert it is empty. Screenshots go to
``test-artifacts/e2e/`` (ignored by git, kept by CI as artifacts).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from fairness_core.cli import app_command

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
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
#: Time a page may take to show what a step expects (first runs import scikit-learn, and CI
#: machines are busy): for actions and for every ``expect`` assertion alike.
STEP_TIMEOUT_MS = 60_000
expect.set_options(timeout=STEP_TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, object]) -> dict[str, object]:
    """Launch the system Chromium; fail in CI when it is missing, skip elsewhere."""
    if CHROMIUM is None:
        reason = (
            "No Chromium browser found. Install it with `sudo apt-get install -y chromium` "
            "(the README's test command does this in CI)."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, object]) -> dict[str, object]:
    """A tall window: Streamlit scrolls inside its own container, so screenshots need height."""
    return {**browser_context_args, "viewport": {"width": 1400, "height": 2200}}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A running ``streamlit run app.py`` on 127.0.0.1."""

    url: str
    process: subprocess.Popen[bytes] = field(repr=False)


def start_server(*extra: str, env: dict[str, str] | None = None) -> Server:
    """Start the app with the flags STACK-NOTES recommends and wait until it is healthy."""
    port = _free_port()
    command = [*app_command(port, ROOT / "app.py"), *extra]
    process = subprocess.Popen(  # noqa: S603 - a fixed command line, no user input
        command,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            stderr = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"streamlit exited early:\n{stderr}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:  # noqa: S310
                if response.read() == b"ok":
                    return Server(url, process)
        except OSError:
            time.sleep(0.3)
    stop_server(Server(url, process))
    raise RuntimeError("streamlit did not become healthy within 60 s")


def reviews_env(database: Path) -> dict[str, str]:
    """The environment that points the app's saved reviews at ``database`` (not the user's)."""
    return {"FAIRNESS_EXPLORER_REVIEWS": str(database)}


def stop_server(server: Server) -> None:
    """Stop the server and close its pipes."""
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)
    if server.process.stderr is not None:
        server.process.stderr.close()


@pytest.fixture(scope="session")
def server(
    browser_type_launch_args: dict[str, object], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """The app as an operator starts it (default settings), shared by the journeys."""
    del browser_type_launch_args  # no browser, no server: skip early
    database = tmp_path_factory.mktemp("reviews") / "reviews.sqlite3"
    running = start_server(env=reviews_env(database))
    yield running
    stop_server(running)


@pytest.fixture(scope="session")
def small_upload_server(
    browser_type_launch_args: dict[str, object], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """The app with a 1 MB upload limit, to test the limit without 200 MB files."""
    del browser_type_launch_args
    database = tmp_path_factory.mktemp("reviews") / "reviews.sqlite3"
    running = start_server("--server.maxUploadSize", "1", env=reviews_env(database))
    yield running
    stop_server(running)


def watch_console(page: Page) -> list[str]:
    """Collect console errors and uncaught page errors of ``page`` into a list."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"console: {message.text} @ {message.location.get('url', '')}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    return errors


@pytest.fixture
def watched_page(page: Page) -> tuple[Page, list[str]]:
    """A page whose console errors are collected, with generous step timeouts."""
    page.set_default_timeout(STEP_TIMEOUT_MS)
    return page, watch_console(page)


def open_app(page: Page, server: Server) -> None:
    """Open the app at its root (deep links make Streamlit probe /<page>/_stcore/health)."""
    page.goto(server.url)
    page.get_by_role("heading", name="Data & model").wait_for()
    wait_idle(page)


def wait_idle(page: Page) -> None:
    """Wait until Streamlit has finished running the script (no "Running…" indicator)."""
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")


def go_to(page: Page, title: str) -> None:
    """Follow the sidebar link to a page and wait for its heading."""
    page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
    try:
        page.get_by_role("heading", name=title).first.wait_for()
    except PlaywrightTimeoutError:  # keep what the page showed, for whoever reads the failure
        screenshot(page, f"go-to-{title.lower().replace(' ', '-')}-timed-out")
        raise
    wait_idle(page)


def screenshot(page: Page, name: str) -> Path:
    """Keep a full-page screenshot as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def shown_exceptions(page: Page) -> list[str]:
    """Texts of any exception boxes Streamlit drew (there must never be one)."""
    return page.locator('[data-testid="stException"]').all_inner_texts()


def new_session(browser: Browser, server: Server) -> Page:
    """A separate browser context: another reviewer with their own cookies and session."""
    context = browser.new_context(viewport={"width": 1400, "height": 2200})
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    open_app(page, server)
    return page
