"""A review that holds together (issue 13), in a real browser against the real server.

A reviewer makes non-default choices on several pages; they follow the reviewer into the
report and its downloads, and they survive page changes, a reload and a server restart.
Another browser (its own cookies) cannot open or list the review.

The servers keep their reviews in temporary folders, never in the user's data directory.
"""

from __future__ import annotations

import csv
import json
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import (
    STEP_TIMEOUT_MS,
    Server,
    go_to,
    open_app,
    reviews_env,
    screenshot,
    shown_exceptions,
    start_server,
    stop_server,
    wait_idle,
    watch_console,
)

ROOT = Path(__file__).resolve().parents[2]
SIDEBAR = '[data-testid="stSidebar"]'
NOTE = "Race gaps at the chosen thresholds need a second look (journey note 7f3a)."
MIN_PEOPLE = 45  # the Subgroups page's default is 30
MIN_PEOPLE_LABEL = "Minimum people to judge a group"
WARNING = "does not exist, or it belongs to someone else"


@pytest.fixture(scope="module")
def review_server(
    browser_type_launch_args: dict[str, object], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """The app on a reviews database of this module's own (each test is its own browser,
    so its own reviewer; sharing the server shares only its caches)."""
    del browser_type_launch_args  # no browser, no server: skip early
    running = start_server(env=reviews_env(tmp_path_factory.mktemp("reviews") / "db.sqlite3"))
    yield running
    stop_server(running)


def _new_context(browser: Browser) -> BrowserContext:
    """A browser of its own: a new cookie jar, so a new owner secret."""
    context = browser.new_context(viewport={"width": 1400, "height": 2200}, accept_downloads=True)
    context.set_default_timeout(STEP_TIMEOUT_MS)
    return context


#: What the browser logs when a page's own address is reloaded or opened directly: Streamlit's
#: frontend first looks for the server under the page's path (``/report/_stcore/health``),
#: gets a 404, then finds it at the root. Only these exact requests are let through.
_DEEP_LINK_PROBE = re.compile(
    r"^console: Failed to load resource: the server responded with a status of 404 \(Not "
    r"Found\) @ http://127\.0\.0\.1:\d+/[a-z-]+/_stcore/(health|host-config)$"
)


def _unexpected(errors: list[str]) -> list[str]:
    """The console errors other than Streamlit's deep-link probes."""
    return [error for error in errors if not _DEEP_LINK_PROBE.match(error)]


@contextmanager
def _screenshots_on_failure(name: str, pages: list[Page]) -> Iterator[None]:
    """Keep a screenshot of every open page of the test when a step fails."""
    try:
        yield
    except BaseException:
        for index, page in enumerate(pages):
            if not page.is_closed():
                path = screenshot(page, f"{name}-failed-{index}")
                print(f"Screenshot of {page.url} at failure: {path}")
        raise


def _sidebar(page: Page) -> str:
    return page.locator(SIDEBAR).inner_text()


def _pick(page: Page, label: str, option: str) -> None:
    """Add ``option`` to the multiselect labelled ``label``."""
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")  # close the list, so it covers nothing
    wait_idle(page)


def _unpick(page: Page, option: str) -> None:
    """Take ``option`` out of the (only) multiselect that holds it."""
    page.get_by_role("button", name=f"Remove {option}", exact=True).click()
    wait_idle(page)


def _expect_chosen(page: Page, label: str, values: list[str]) -> None:
    """Wait until the multiselect labelled ``label`` shows exactly ``values`` as chosen."""
    box = page.locator('[data-testid="stMultiSelect"]').filter(
        has=page.get_by_role("combobox", name=label)
    )
    expect(box.locator('[data-testid="stMultiSelectTagsContainer"] [data-tag]')).to_have_text(
        values
    )


def _choose_race_on_subgroups(page: Page) -> None:
    """Subgroups: race instead of gender, and a non-default minimum of people."""
    go_to(page, "Subgroups")
    _pick(page, "Protected attributes", "race")
    _unpick(page, "gender")
    expect(page.get_by_role("button", name="Remove race", exact=True)).to_be_visible()
    minimum = page.get_by_role("spinbutton", name=MIN_PEOPLE_LABEL)
    minimum.fill(str(MIN_PEOPLE))
    minimum.press("Enter")
    # The page has run with the new minimum (and race) once its caption says so. Only then
    # does a button on it act on these settings: "Add this analysis to the report" clicked
    # while the page still runs adds the settings of the run before (its on_click args
    # are bound by the last run that drew it).
    expect(page.get_by_text(f"at least {MIN_PEOPLE} people measured")).to_be_visible()
    wait_idle(page)


def _pin_with_note(page: Page, note: str) -> None:
    """Pin the page's first view as a finding, with ``note``."""
    page.get_by_role("button", name="Add to findings").first.click()
    page.get_by_label("Your note").fill(note)
    page.get_by_role("button", name="Add", exact=True).click()
    wait_idle(page)


def _review_id(page: Page) -> str:
    """The review id the address carries (waits until the review has been saved)."""
    page.wait_for_url(re.compile(r"[?&]review="))
    return parse_qs(urlsplit(page.url).query)["review"][0]


def _download(page: Page, label: str, folder: Path) -> Path:
    """Click a download button on the Report page and keep the file."""
    with page.expect_download() as info:
        page.get_by_role("button", name=label).click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def _races_in_demo() -> set[str]:
    """The race groups of the loan demo, read straight from its file (an empty cell is the
    group the app calls "(missing)")."""
    with (ROOT / "demo_data" / "loan" / "test.csv").open(newline="") as file:
        return {row["race"] or "(missing)" for row in csv.DictReader(file)}


def _bundle_findings(bundle: Path) -> list[dict[str, object]]:
    """The findings an audit bundle holds (from whichever of its JSON files lists them)."""
    with zipfile.ZipFile(bundle) as archive:
        for name in archive.namelist():
            if not name.endswith(".json"):
                continue
            document = json.loads(archive.read(name))
            if isinstance(document, dict) and isinstance(document.get("findings"), list):
                return list(document["findings"])
            if isinstance(document, list) and name.rsplit("/", 1)[-1].startswith("findings"):
                return list(document)
    raise AssertionError(f"no findings in the bundle: {zipfile.ZipFile(bundle).namelist()}")


def test_choices_follow_the_reviewer_into_the_report_and_survive_a_reload(
    browser: Browser, review_server: Server, tmp_path: Path
) -> None:
    """Race (not gender) on Subgroups and Trade-offs, a finding with a note, one analysis
    added: the report and its JSON say race; after a reload everything is still there."""
    context = _new_context(browser)
    page = context.new_page()
    errors = watch_console(page)
    try:
        with _screenshots_on_failure("review-journey", [page]):
            open_app(page, review_server)
            _choose_race_on_subgroups(page)
            page.get_by_role("button", name="Add this analysis to the report").click()
            wait_idle(page)
            expect(page.get_by_text("This analysis is number 1 of 1 in the report")).to_be_visible()

            go_to(page, "Trade-offs")
            _pick(page, "Protected attributes", "race")
            _unpick(page, "gender")
            expect(page.get_by_text("Per 10,000 decisions").first).to_be_visible()
            _pin_with_note(page, NOTE)
            expect(page.locator(SIDEBAR)).to_contain_text("Findings pinned: 1")

            # Leaving a page and coming back keeps what was chosen there.
            go_to(page, "Subgroups")
            _expect_chosen(page, "Protected attributes", ["race"])
            expect(page.get_by_role("spinbutton", name=MIN_PEOPLE_LABEL)).to_have_value(
                str(MIN_PEOPLE)
            )

            go_to(page, "Report")
            expect(page.get_by_text("Analyses in the report (1)")).to_be_visible()
            expect(page.get_by_text("1. By race").first).to_be_visible()
            screenshot(page, "review-journey-report")
            document = json.loads(_download(page, "Metrics JSON", tmp_path).read_text())
            assert document["settings"]["attributes"] == ["race"]
            assert document["settings"]["min_n"] == MIN_PEOPLE
            assert [list(g["attributes"]) for g in document["groups"]] == [["race"]] * len(
                document["groups"]
            )
            assert {g["attributes"]["race"] for g in document["groups"]} == _races_in_demo()
            findings = _bundle_findings(_download(page, "Audit bundle", tmp_path))
            assert [f["note"] for f in findings] == [NOTE]
            assert "race" in str(findings[0]["settings"]["attributes"])
            assert "gender" not in str(findings[0]["settings"]["attributes"])

            # A reload reopens the review from its address.
            review_id = _review_id(page)
            page.reload()
            page.get_by_role("heading", name="Report").first.wait_for()
            wait_idle(page)
            assert parse_qs(urlsplit(page.url).query)["review"] == [review_id]
            expect(page.locator(SIDEBAR)).to_contain_text("Findings pinned: 1")
            expect(page.get_by_text("Analyses in the report (1)")).to_be_visible()
            expect(page.get_by_text("1. By race").first).to_be_visible()
            expect(page.get_by_text(NOTE).first).to_be_visible()
            go_to(page, "Subgroups")
            _expect_chosen(page, "Protected attributes", ["race"])
            expect(page.get_by_role("spinbutton", name=MIN_PEOPLE_LABEL)).to_have_value(
                str(MIN_PEOPLE)
            )
            expect(page.get_by_text("This analysis is number 1 of 1 in the report")).to_be_visible()
            go_to(page, "Trade-offs")
            _expect_chosen(page, "Protected attributes", ["race"])
            screenshot(page, "review-journey-after-reload")
            assert shown_exceptions(page) == []
            assert _unexpected(errors) == []
    finally:
        context.close()


def test_a_saved_review_comes_back_after_a_server_restart(
    browser: Browser, tmp_path: Path, browser_type_launch_args: dict[str, object]
) -> None:
    """Stop the server, start another on the same database: the address reopens the review."""
    del browser_type_launch_args  # no browser, no server: skip early
    reviews_db = tmp_path / "reviews.sqlite3"
    context = _new_context(browser)
    pages: list[Page] = []
    try:
        with _screenshots_on_failure("review-restart", pages):
            first = start_server(env=reviews_env(reviews_db))
            try:
                page = context.new_page()
                pages.append(page)
                open_app(page, first)
                _choose_race_on_subgroups(page)
                _pin_with_note(page, NOTE)
                expect(page.locator(SIDEBAR)).to_contain_text("Findings pinned: 1")
                review_id = _review_id(page)
                page.close()  # before the server goes, so it does not try to reconnect
            finally:
                stop_server(first)

            second = start_server(env=reviews_env(reviews_db))
            try:
                # The same browser (its cookie belongs to the site, whatever the port) opens
                # the address it had.
                page = context.new_page()
                pages.append(page)
                errors = watch_console(page)
                page.goto(f"{second.url}/?review={review_id}")
                page.get_by_role("heading", name="Data & model").wait_for()
                wait_idle(page)
                expect(page.locator(SIDEBAR)).to_contain_text("Findings pinned: 1")
                assert _review_id(page) == review_id
                go_to(page, "Subgroups")
                _expect_chosen(page, "Protected attributes", ["race"])
                expect(page.get_by_role("spinbutton", name=MIN_PEOPLE_LABEL)).to_have_value(
                    str(MIN_PEOPLE)
                )
                go_to(page, "Report")
                expect(page.get_by_text(NOTE).first).to_be_visible()
                screenshot(page, "review-journey-after-restart")
                assert page.get_by_text(WARNING).count() == 0
                assert shown_exceptions(page) == []
                assert _unexpected(errors) == []
            finally:
                stop_server(second)
    finally:
        context.close()


def test_another_browser_cannot_open_or_list_the_review(
    browser: Browser, review_server: Server
) -> None:
    """A second browser given the first one's address sees a warning and none of the work,
    and its "My reviews" lists nothing of the first's."""
    alice_context = _new_context(browser)
    bob_context = _new_context(browser)
    alice = alice_context.new_page()
    bob = bob_context.new_page()
    errors = watch_console(alice) + watch_console(bob)
    try:
        with _screenshots_on_failure("review-privacy", [alice, bob]):
            open_app(alice, review_server)
            _choose_race_on_subgroups(alice)
            _pin_with_note(alice, NOTE)
            expect(alice.locator(SIDEBAR)).to_contain_text("Findings pinned: 1")
            review_id = _review_id(alice)
            alice.locator(SIDEBAR).get_by_text("My reviews").click()
            alice_name = alice.get_by_label("Name of this review").input_value()
            assert alice_name  # the review has a name to look for in Bob's list

            bob.bring_to_front()
            bob.goto(f"{review_server.url}/?review={review_id}")
            bob.get_by_role("heading", name="Data & model").wait_for()
            wait_idle(bob)
            expect(bob.get_by_text(WARNING).first).to_be_visible()
            expect(bob.locator(SIDEBAR)).to_contain_text("No findings pinned yet")
            assert "review=" not in bob.url
            bob.locator(SIDEBAR).get_by_text("My reviews").click()
            expect(
                bob.locator(SIDEBAR).get_by_role("button", name="Start a new review")
            ).to_be_visible()
            assert alice_name not in _sidebar(bob)
            assert "Other saved reviews" not in _sidebar(bob)  # Bob has none, and sees none
            go_to(bob, "Subgroups")
            _expect_chosen(bob, "Protected attributes", ["gender"])  # the default, not Alice's
            screenshot(bob, "review-journey-other-browser")

            # Alice's review is untouched by Bob's attempt.
            alice.bring_to_front()
            alice.reload()
            alice.get_by_role("heading", name="Subgroups").first.wait_for()
            wait_idle(alice)
            expect(alice.locator(SIDEBAR)).to_contain_text("Findings pinned: 1")
            for page in (alice, bob):
                assert shown_exceptions(page) == []
            assert _unexpected(errors) == []
    finally:
        alice_context.close()
        bob_context.close()
