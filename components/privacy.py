"""Hiding individuals' rows: one switch in the sidebar, one helper every table of people uses.

Some views list individual people: the What-if page's rows, one person's values as edited,
the nearest person with the other decision, the rows a flip test changes most. When the
reviewer turns on "Hide individuals' rows" (a choice kept with the review), or while
Present mode runs, each of those tables shows a plain message in its place.

Every table of individual people is drawn through :func:`show_rows` (or
:func:`components.view.render_view` with ``individuals=True``, which calls it);
tests/app/test_privacy.py scans ``pages/`` and ``components/`` so no table of people is drawn
any other way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import streamlit as st

from components import state

if TYPE_CHECKING:
    import pandas as pd

    from fairness_core.report import Finding

SWITCH_LABEL = "Hide individuals' rows"
SWITCH_HELP = (
    "For screen sharing and meetings: tables that list individual people (on What-if, and "
    "pinned What-if findings) show a short message instead. Charts and tables of groups stay. "
    "Always on in Present mode."
)


def rows_hidden() -> bool:
    """True when tables of individual people must not be shown (the switch, or Present mode)."""
    return bool(st.session_state.get(state.PRESENTING)) or bool(
        st.session_state.get(state.PRIVACY_HIDE_ROWS, False)
    )


def render_privacy_switch(*, presenting: bool) -> None:
    """The sidebar switch; ``presenting`` (the Present page runs) turns rows off regardless.

    Drawn by app.py before the page runs, so the page already sees this run's value.
    """
    st.session_state[state.PRESENTING] = presenting
    if presenting:
        st.sidebar.toggle(
            SWITCH_LABEL,
            value=True,
            disabled=True,
            key=state.PRIVACY_HIDE_ROWS_PRESENTING,
            help=SWITCH_HELP,
        )
        return
    st.sidebar.toggle(
        SWITCH_LABEL,
        key=state.PRIVACY_HIDE_ROWS,
        persist_state="session",
        help=SWITCH_HELP,
    )


#: Shown in place of a table of individual people.
HIDDEN_MESSAGE = (
    "This table shows individual people and is hidden: "
    f"“{SWITCH_LABEL}” is on. Turn it off in the sidebar to see it "
    "(it is always on in Present mode)."
)


def show_rows(table: pd.DataFrame, *, key: str, **options: Any) -> Any:
    """``st.dataframe(table, key=key, **options)`` unless rows are hidden; then a message.

    Returns what ``st.dataframe`` returns (the selection of a selectable table), or None
    when the table is hidden.
    """
    if rows_hidden():
        st.info(HIDDEN_MESSAGE, icon=":material/visibility_off:")
        return None
    return st.dataframe(table, key=key, **options)


#: Pages whose pinned tables may list individual people (What-if pins one person's values,
#: the rows matching its filters, the nearest person with the other decision, …).
PAGES_WITH_INDIVIDUALS = frozenset({"What-if"})


def holds_individuals(finding: Finding) -> bool:
    """True when a finding's table or chart may show individual people (a What-if pin)."""
    return finding.page in PAGES_WITH_INDIVIDUALS
