"""Five reviewers working on the demo at once: every page answers, nobody sees an error.

A bounded loop (ROUNDS rounds, then it stops by itself) on loopback: in each round all five
sessions start a page change at the same moment, then the test waits for each. The time from
the click to the page being idle is printed per round (run with ``-s`` to see it); the numbers
are recorded in docs/benchmarks.md. The only pass condition on time is the generous step
timeout of the fixtures: speed claims live in the docs, not in assertions.
"""

from __future__ import annotations

import statistics
import time

from playwright.sync_api import Browser, Page

from tests.e2e.conftest import Server, new_session, shown_exceptions, watch_console

SESSIONS = 5
ROUNDS = 4
PAGES = ("Subgroups", "Data & model")


def _start(page: Page, title: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()


def _finish(page: Page, title: str) -> None:
    page.get_by_role("heading", name=title).first.wait_for()
    page.wait_for_timeout(100)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")
    # The page is done when its last element is drawn: a chart on both pages.
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for()


def test_five_concurrent_sessions_stay_responsive(browser: Browser, server: Server) -> None:
    pages = [new_session(browser, server) for _ in range(SESSIONS)]
    errors = [error for page in pages for error in watch_console(page)]
    timings: list[float] = []
    try:
        for round_number in range(ROUNDS):
            title = PAGES[round_number % len(PAGES)]
            started = time.perf_counter()
            for page in pages:
                _start(page, title)
            for page in pages:
                _finish(page, title)
                timings.append(time.perf_counter() - started)
            print(
                f"round {round_number + 1} ({title}): all {SESSIONS} sessions done in "
                f"{time.perf_counter() - started:.2f} s"
            )
        for page in pages:
            assert shown_exceptions(page) == []
        assert errors == []
        assert len(timings) == SESSIONS * ROUNDS
        print(
            f"{SESSIONS} sessions x {ROUNDS} rounds: median {statistics.median(timings):.2f} s, "
            f"slowest {max(timings):.2f} s from click to a finished page"
        )
    finally:
        for page in pages:
            page.context.close()
