"""Two reviewers at once: neither sees the other's data, findings or settings."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import (
    Server,
    go_to,
    new_session,
    shown_exceptions,
    wait_idle,
    watch_console,
)

ROOT = Path(__file__).resolve().parents[2]


SIDEBAR = '[data-testid="stSidebar"]'


def _sidebar(page: Page) -> str:
    return page.locator(SIDEBAR).inner_text()


def _choose(page: Page, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox labelled ``label``."""
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def test_two_sessions_never_share_data_findings_or_settings(
    browser: Browser, server: Server
) -> None:
    alice = new_session(browser, server)
    bob = new_session(browser, server)
    errors = watch_console(alice) + watch_console(bob)
    try:
        # Alice switches to the resume demo, compares by race, and pins a finding.
        _choose(alice, "Demo scenario", "Resume screening")
        expect(alice.locator(SIDEBAR)).to_contain_text("Demo: resume")
        go_to(alice, "Subgroups")
        alice.get_by_role("button", name="Add to findings").first.click()
        alice.get_by_role("button", name="Add", exact=True).click()
        wait_idle(alice)
        expect(alice.get_by_text("Findings pinned: 1")).to_be_visible()

        # Bob, at the same time, uploads a file of his own.
        bob.get_by_text("My own files").click()
        wait_idle(bob)
        bob.locator('input[type="file"]').nth(0).set_input_files(
            str(ROOT / "demo_data" / "credit" / "test.csv")
        )
        expect(bob.locator(SIDEBAR)).to_contain_text("Upload: test.csv")

        # Each sees only their own work, while both sessions are alive.
        go_to(bob, "Subgroups")
        expect(bob.get_by_text("Disparate impact ratio (four-fifths rule)").first).to_be_visible()
        alice.bring_to_front()
        expect(alice.get_by_text("Findings pinned: 1")).to_be_visible()
        assert "resume" not in _sidebar(bob)
        assert "Upload: test.csv" in _sidebar(bob)
        assert "No findings pinned yet" in _sidebar(bob)
        assert "test.csv" not in _sidebar(alice)
        for page in (alice, bob):
            assert shown_exceptions(page) == []
        assert errors == []
    finally:
        alice.context.close()
        bob.context.close()


def _upload_as(page: Page, data: bytes, name: str) -> None:
    """Upload ``data`` as the data file called ``name``."""
    page.get_by_text("My own files").click()
    wait_idle(page)
    page.locator('input[type="file"]').nth(0).set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": data}
    )
    expect(page.locator(SIDEBAR)).to_contain_text(f"Upload: {name}")
    wait_idle(page)


def _title_report(page: Page, title: str) -> None:
    """Give the report ``title`` (the same for both reviewers, as a team template would)."""
    field = page.get_by_label("Report title")
    field.fill(title)
    field.press("Enter")
    wait_idle(page)


def _download(page: Page, label: str, folder: Path) -> bytes:
    """Click a download button on the Report page and return the file's bytes."""
    with page.expect_download() as info:
        page.get_by_role("button", name=label).click()
    path = folder / f"{label}-{info.value.suggested_filename}"
    info.value.save_as(path)
    return path.read_bytes()


def test_the_same_bytes_under_another_name_export_only_that_name(
    browser: Browser, server: Server, tmp_path: Path
) -> None:
    """Reviewer B uploads A's bytes as bob.csv: B's report, JSON and bundle never name A's file.

    Issue 20 item 2: the cached exports were keyed without file names and times, so two
    reviews with the same title, bytes and settings shared their files.
    """
    data = (ROOT / "demo_data" / "credit" / "test.csv").read_bytes()
    alice_file = "alice_confidential_salaries.csv"
    alice = new_session(browser, server)
    bob = new_session(browser, server)
    errors = watch_console(alice) + watch_console(bob)
    try:
        _upload_as(alice, data, alice_file)
        go_to(alice, "Report")
        _title_report(alice, "Quarterly review")
        alice_html = _download(alice, "HTML report", tmp_path).decode()
        assert alice_file in alice_html

        bob.bring_to_front()
        _upload_as(bob, data, "bob.csv")
        go_to(bob, "Report")
        _title_report(bob, "Quarterly review")
        html = _download(bob, "HTML report", tmp_path)
        document = _download(bob, "Metrics JSON", tmp_path)
        bundle = _download(bob, "Audit bundle", tmp_path)
        for payload in (html, document, bundle):
            assert alice_file.encode() not in payload
        assert "bob.csv" in html.decode()
        assert json.loads(document)["data"]["file"] == "bob.csv"
        with zipfile.ZipFile(tmp_path / "Audit bundle-fairness-review-bundle.zip") as archive:
            texts = [archive.read(name) for name in archive.namelist()]
        assert not any(alice_file.encode() in text for text in texts)
        assert any(b"bob.csv" in text for text in texts)
        for page in (alice, bob):
            assert shown_exceptions(page) == []
        assert errors == []
    finally:
        alice.context.close()
        bob.context.close()
