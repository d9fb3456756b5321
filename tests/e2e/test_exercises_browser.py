"""Workshop exercises in a real browser: no answer in the page until the trainer key is on."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from fairness_core.exercises import load_exercises
from tests.e2e.conftest import Server, go_to, open_app, screenshot, shown_exceptions, wait_idle


def test_answers_are_absent_until_the_trainer_key_is_switched_on(
    watched_page: tuple[Page, list[str]], server: Server
) -> None:
    """By default the answer text is not in the page at all (not merely hidden)."""
    page, errors = watched_page
    first = load_exercises("loan").exercises[0]
    fragment = first.answer.split(",")[0]  # "Black applicants: 46.5% are approved"
    open_app(page, server)
    go_to(page, "Workshop exercises")
    expect(page.get_by_text(first.question.split(".")[0]).first).to_be_visible()
    assert fragment not in page.content()
    toggle = page.get_by_text("Trainer key: show the answers")
    expect(toggle).to_be_hidden()  # inside the collapsed "For the trainer" panel
    screenshot(page, "exercises-trainee-view")

    page.get_by_text("For the trainer").click()
    toggle.click()
    wait_idle(page)
    expect(page.get_by_text(fragment).first).to_be_visible()
    screenshot(page, "exercises-trainer-view")
    assert shown_exceptions(page) == []
    assert errors == []
