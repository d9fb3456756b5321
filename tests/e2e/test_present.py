"""Present mode on a projector-sized window (1280×720), in a real browser.

A reviewer pins two findings and records an operating point, opens Present mode and steps
through it with the keyboard. On every screen: nothing is cut off (no text box narrower
than its text, no element wider than the window), no two text boxes overlap, the chart and
the buttons lie inside the window, and no table of people is drawn. The speaker view,
opened in a second window of the same browser, follows the step. Screenshots go to
``test-artifacts/present/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.conftest import (
    ROOT,
    STEP_TIMEOUT_MS,
    Server,
    go_to,
    open_app,
    reviews_env,
    start_server,
    stop_server,
    wait_idle,
    watch_console,
)

ARTIFACTS = ROOT / "test-artifacts" / "present"
VIEWPORT = {"width": 1280, "height": 720}
NOTES = (
    "Women are approved less often (present note 1).",
    # A long note beside a chart (smaller type) must still fit the screen.
    "Odds differ too (present note 2). "
    + "Among applicants who repaid, women were approved less often than men, and among "
    "those who did not repay, men were approved more often than women. The gap on both "
    "rates points the same way, so the average odds difference sums two harms rather than "
    "cancelling them. We will ask the model owners whether income was recorded the same "
    "way for both groups before the next review meeting in March.",
)
POINT = "Equal chances for the qualified"
OTHER_POINT = "One cut-off for all"

#: Measures the screen in the browser: text boxes narrower than their text, elements wider
#: than the window or outside it, overlapping text boxes, the chart's and buttons' boxes.
MEASURE = """
() => {
  const vw = window.innerWidth, vh = window.innerHeight;
  const shown = (e) => {
    const r = e.getBoundingClientRect();
    const s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
  };
  const main = document.querySelector('[data-testid="stMain"]');
  const texts = [...main.querySelectorAll("h1, h2, h3, p, li, td, th, button")].filter(shown);
  const name = (e) => `${e.tagName} "${e.textContent.trim().slice(0, 60)}"`;
  const cut = texts.filter((e) => e.scrollWidth > e.clientWidth + 1).map(name);
  const wide = [...main.querySelectorAll("*")].filter(shown).filter((e) => {
    const r = e.getBoundingClientRect();
    return r.width > vw + 1 || r.left < -1 || r.right > vw + 1;
  }).map(name);
  const leaves = texts.filter((e) => !texts.some((o) => o !== e && e.contains(o)));
  const overlaps = [];
  for (let i = 0; i < leaves.length; i++) {
    for (let j = i + 1; j < leaves.length; j++) {
      const a = leaves[i].getBoundingClientRect(), b = leaves[j].getBoundingClientRect();
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 2 && h > 2) overlaps.push(`${name(leaves[i])} / ${name(leaves[j])}`);
    }
  }
  const box = (sel) => [...document.querySelectorAll(sel)].filter(shown).map((e) => {
    const r = e.getBoundingClientRect();
    return {top: r.top, bottom: r.bottom, left: r.left, right: r.right};
  });
  return {
    vw, vh, cut, wide, overlaps,
    charts: box('[data-testid="stPlotlyChart"]'),
    buttons: box('[data-testid="stMain"] button'),
    sidebar: box('[data-testid="stSidebar"]').length,
    tables: document.querySelectorAll('[data-testid="stDataFrame"]').length,
    scrolls: main.scrollHeight > main.clientHeight + 1,
  };
}
"""


@pytest.fixture(scope="module")
def present_server(
    browser_type_launch_args: dict[str, object], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """The app on a reviews database of this module's own."""
    del browser_type_launch_args  # no browser, no server: skip early
    running = start_server(env=reviews_env(tmp_path_factory.mktemp("reviews") / "db.sqlite3"))
    yield running
    stop_server(running)


def _shot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))  # the window as the audience sees it
    return path


def _pin(page: Page, index: int, note: str) -> None:
    """Pin the page's ``index``-th view as a finding, with ``note``."""
    page.get_by_role("button", name="Add to findings").nth(index).click()
    page.get_by_label("Your note").fill(note)
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text(f"Findings pinned: {index + 1}")).to_be_visible()
    wait_idle(page)


def _choose(page: Page, box: str, option: str) -> None:
    """Pick ``option`` in the select box ``box``; a rerun that closes the open list (the
    page still settling after the last click) is met by opening it again."""
    for attempt in range(3):
        page.get_by_role("combobox", name=box).click()
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=15_000)
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            wait_idle(page)
    wait_idle(page)


def _record_points(page: Page) -> None:
    """Two options on Trade-offs: the page's suggestion, then one threshold for everyone."""
    go_to(page, "Trade-offs")
    for strategy, name in ((None, POINT), ("One threshold for everyone", OTHER_POINT)):
        if strategy is not None:
            _choose(page, "Strategy", strategy)
        page.get_by_label("Name of this option").first.fill(name)
        page.get_by_label("Why this operating point? (rationale)").first.fill(f"Because: {name}.")
        page.get_by_role("button", name="Record this operating point").click()
        expect(page.get_by_text(name).first).to_be_visible()
        wait_idle(page)


def _check_screen(page: Page, name: str) -> dict[str, Any]:
    """Screenshot the screen and assert it is legible; returns the measurements."""
    page.wait_for_timeout(600)  # let the chart lay out
    _shot(page, name)
    seen: dict[str, Any] = page.evaluate(MEASURE)
    assert not seen["cut"], (name, seen["cut"])
    assert not seen["wide"], (name, seen["wide"])
    assert not seen["overlaps"], (name, seen["overlaps"])
    assert not seen["scrolls"], f"{name}: the screen does not fit the window"
    assert seen["sidebar"] == 0, f"{name}: the sidebar shows"
    assert seen["tables"] == 0, f"{name}: a data table is drawn"
    for box in [*seen["charts"], *seen["buttons"]]:
        inside = box["top"] >= 0 and box["left"] >= 0
        inside = inside and box["bottom"] <= seen["vh"] and box["right"] <= seen["vw"]
        assert inside, (name, box)
    return seen


def _heading(page: Page) -> str:
    return page.locator('[data-testid="stMain"] h1').first.inner_text()


def _press(page: Page, key: str, before: str) -> str:
    """Press ``key`` and wait until the screen's heading changed; returns the new one."""
    page.keyboard.press(key)
    expect(page.locator('[data-testid="stMain"] h1').first).not_to_have_text(before)
    page.wait_for_timeout(300)
    return _heading(page)


def test_present_mode_steps_with_the_keyboard_and_fits_1280_by_720(
    browser: Browser, present_server: Server
) -> None:
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = context.new_page()
    errors = watch_console(page)
    try:
        open_app(page, present_server)
        go_to(page, "Subgroups")
        _pin(page, 0, NOTES[0])
        _pin(page, 1, NOTES[1])
        _record_points(page)
        # Present has no heading of its own: it opens on the summary's first screen.
        page.locator('[data-testid="stSidebarNav"]').get_by_text("Present", exact=True).click()
        expect(page.locator('[data-testid="stMain"] h1').first).to_have_text(
            re.compile(r"^Summary")
        )
        review = re.search(r"review=([0-9a-zA-Z_-]+)", page.url)

        headings = [_heading(page)]
        measured = [_check_screen(page, "01-summary")]
        page.locator('[data-testid="stMain"] h1').first.click()  # focus the page, not a link
        while "of" in headings[-1] and headings[-1].startswith("Summary ("):
            number = re.search(r"\((\d+) of (\d+)\)", headings[-1])
            if number is None or number.group(1) == number.group(2):
                break
            headings.append(_press(page, "ArrowRight", headings[-1]))
            measured.append(_check_screen(page, f"0{len(headings)}-summary"))
        for number in (1, 2):  # the two findings, with their charts and notes
            headings.append(_press(page, "ArrowRight", headings[-1]))
            seen = _check_screen(page, f"1{number}-finding")
            assert len(seen["charts"]) == 1, headings[-1]
            expect(page.get_by_text(NOTES[number - 1])).to_be_visible()
        headings.append(_press(page, "ArrowRight", headings[-1]))
        assert headings[-1].startswith("The options compared")
        _check_screen(page, "20-options-compared")
        while re.search(r"\((\d+) of (?!\1\))", headings[-1]):  # more rows follow
            headings.append(_press(page, "ArrowRight", headings[-1]))
            _check_screen(page, f"2{len(headings)}-options-compared")
        for number, name in enumerate((POINT, OTHER_POINT), start=1):
            headings.append(_press(page, "ArrowRight", headings[-1]))
            assert headings[-1] == name
            _check_screen(page, f"2{number}-operating-point")
            expect(page.get_by_text(f"Because: {name}.")).to_be_visible()
        expect(page.get_by_role("button", name=re.compile("Next"))).to_be_disabled()

        back = _press(page, "ArrowLeft", headings[-1])
        assert back == headings[-2]

        # The speaker view in a second window follows the audience screen.
        speaker = context.new_page()
        address = f"{present_server.url}/present?speaker=1"
        speaker.goto(address + (f"&review={review.group(1)}" if review else ""))
        expect(speaker.locator('[data-testid="stMain"] h1').first).to_have_text(
            f"Speaker notes: {back}"
        )
        _shot(speaker, "30-speaker-view")
        page.bring_to_front()
        page.locator('[data-testid="stMain"] h1').first.click()
        forward = _press(page, "ArrowRight", back)
        expect(speaker.locator('[data-testid="stMain"] h1').first).to_have_text(
            f"Speaker notes: {forward}", timeout=15_000
        )
        assert not [e for e in errors if "404" not in e], errors
    except BaseException:
        _shot(page, "failed")
        raise
    finally:
        context.close()
