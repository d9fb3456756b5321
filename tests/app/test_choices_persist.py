"""Choices survive leaving a page: the widgets show them again and the analyses use them."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from components import choices, state

ROOT = Path(__file__).resolve().parents[2]


def test_every_widget_key_of_the_app_is_kept_or_says_why_not() -> None:
    """A new widget keyed by a state constant must be classified, or its choice is lost."""
    used: set[str] = set()
    for path in [*ROOT.glob("pages/*.py"), *ROOT.glob("components/*.py")]:
        used |= set(re.findall(r"key=state\.([A-Z_]+)\b", path.read_text(encoding="utf-8")))
    assert used, "the scan found no widget keys: the pattern is broken"
    unclassified = {
        name
        for name in used
        if getattr(state, name) not in choices.KEPT_CHOICES
        and getattr(state, name) not in choices.NOT_CHOICES
    }
    assert not unclassified


def test_every_kept_widget_is_drawn_with_session_persistence() -> None:
    """Without ``persist_state="session"`` Streamlit drops the value on a page switch."""
    missing = []
    for path in [*ROOT.glob("pages/*.py"), *ROOT.glob("components/*.py")]:
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"key=state\.([A-Z_]+)\b([^\n]*)", text):
            if getattr(state, match.group(1)) not in choices.KEPT_CHOICES:
                continue
            following = text[match.end() : match.end() + 80]
            if 'persist_state="session"' not in match.group(2) + following:
                missing.append(f"{path.name}: {match.group(1)}")
    assert not missing


def _go(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_choices_on_every_page_survive_visiting_the_others(app: AppTest) -> None:
    # Data & model: a different favourable value would break the demo; change the
    # threshold and the overview attribute instead.
    app.slider(key=state.DATA_THRESHOLD).set_value(0.6).run()
    app.selectbox(key=state.DATA_OVERVIEW_ATTRIBUTE).set_value("race").run()
    _go(app, "pages/subgroups.py")
    app.multiselect(key=state.SUBGROUPS_ATTRIBUTES).set_value(["race"]).run()
    app.number_input(key=state.SUBGROUPS_MIN_N).set_value(40).run()
    _go(app, "pages/tradeoffs.py")
    attributes = app.multiselect(key=state.TRADEOFFS_ATTRIBUTES)
    other = [next(o for o in attributes.options if o not in attributes.value)]
    attributes.set_value(other).run()
    _go(app, "pages/report.py")
    _go(app, "pages/dataset_audit.py")

    _go(app, "pages/tradeoffs.py")
    assert app.multiselect(key=state.TRADEOFFS_ATTRIBUTES).value == other
    _go(app, "pages/subgroups.py")
    assert app.multiselect(key=state.SUBGROUPS_ATTRIBUTES).value == ["race"]
    assert app.number_input(key=state.SUBGROUPS_MIN_N).value == 40
    _go(app, "pages/data.py")
    assert app.slider(key=state.DATA_THRESHOLD).value == 0.6
    assert app.selectbox(key=state.DATA_OVERVIEW_ATTRIBUTE).value == "race"
    inputs = app.session_state[state.ROLES]
    assert inputs.threshold == 0.6


def test_what_if_filters_survive_visiting_another_page(app: AppTest) -> None:
    _go(app, "pages/whatif.py")
    app.slider(key=state.WHATIF_FILTER_SCORE).set_value((0.2, 0.7)).run()
    _go(app, "pages/subgroups.py")
    _go(app, "pages/whatif.py")
    assert tuple(app.slider(key=state.WHATIF_FILTER_SCORE).value) == (0.2, 0.7)
