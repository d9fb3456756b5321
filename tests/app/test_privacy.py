"""'Hide individuals' rows': every table of people goes through one helper, and the switch
hides them on the What-if and Report pages while tables of groups stay."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components import privacy, state

ROOT = Path(__file__).resolve().parents[2]
#: Drawing a table directly (st.dataframe / st.table / st.data_editor, or a column's).
DIRECT_TABLE = re.compile(r"\.(dataframe|table|data_editor)\(")
#: Files that may draw tables directly because every such table holds groups, options or
#: settings, never individual people (each with the reason). Any other file draws its
#: tables through components.privacy.show_rows or render_view(..., individuals=...).
GROUP_TABLES_ONLY = {
    "components/privacy.py": "the helper itself",
    "components/view.py": "tables of groups; tables of people go to show_rows (individuals=True)",
    "components/mitigation_panel.py": "per-group metrics of each mitigation method",
    "components/tradeoffs_sections.py": "per-group thresholds and metrics",
    "components/monitoring_sections.py": "per-period, per-group counts and changes",
    "components/subgroup_extras.py": "per-group odds, inequality and calibration",
    "components/present_view.py": "a finding's table of groups (What-if findings are skipped)",
    "pages/data.py": "who is in the data, per group",
    "pages/subgroups.py": "per-group metrics",
    "pages/tradeoffs.py": "per-group thresholds and rates",
    "pages/report.py": "settings, options compared; What-if findings' tables use show_rows",
    "components/compliance_sections.py": "policy requirements and NYC LL144 categories",
    "components/learn_sections.py": "the practice population's two groups and the glossary",
}
#: What-if tables that hold groups, not people (their first columns): these stay.
GROUP_TABLE_STARTS = {("Group", "Moved to", "People"), ("Feature", "Overall (whole population)")}


def _direct_table_files() -> dict[str, int]:
    found = {}
    for path in [*ROOT.glob("pages/*.py"), *ROOT.glob("components/*.py")]:
        lines = [
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if DIRECT_TABLE.search(line) and not line.lstrip().startswith(("#", "-", '"'))
        ]
        if lines:
            found[str(path.relative_to(ROOT))] = len(lines)
    return found


def test_tables_are_drawn_directly_only_where_they_hold_groups() -> None:
    """A new table elsewhere must go through show_rows, or be listed here with its reason."""
    found = _direct_table_files()
    assert "pages/data.py" in found, "the scan found no tables: the pattern is broken"
    unlisted = sorted(set(found) - set(GROUP_TABLES_ONLY))
    assert not unlisted, (
        f"{unlisted} draw tables directly. Draw tables of people with "
        "components.privacy.show_rows (or render_view(..., individuals=True)); if every "
        "table of the file holds groups, list it in GROUP_TABLES_ONLY with the reason."
    )


def test_the_what_if_files_draw_no_table_directly() -> None:
    found = _direct_table_files()
    assert not {f for f in found if "whatif" in f}, found


def _hidden_messages(at: AppTest) -> list[str]:
    return [i.value for i in at.info if i.value == privacy.HIDDEN_MESSAGE]


def _starts(at: AppTest) -> list[tuple[str, ...]]:
    """Each table's first column titles (as many as the group tables' starts have)."""
    return [tuple(d.value.columns[:3]) for d in at.dataframe]


def _is_group_table(start: tuple[str, ...]) -> bool:
    return any(start[: len(known)] == known for known in GROUP_TABLE_STARTS)


@pytest.mark.parametrize("hide", [False, True])
def test_the_switch_hides_the_what_if_tables_of_people(app: AppTest, hide: bool) -> None:
    app.toggle(key=state.PRIVACY_HIDE_ROWS).set_value(hide).run()
    app.switch_page("pages/whatif.py").run()
    assert not app.exception, [e.value for e in app.exception]
    starts = _starts(app)
    people = [s for s in starts if not _is_group_table(s)]
    assert sum(_is_group_table(s) for s in starts) == 2  # the tables of groups stay
    if hide:
        assert not people, people
        # The rows, the edit, the history, the probes, the most affected rows, the
        # nearest person and the other candidates, the explanation and the feature curve.
        assert len(_hidden_messages(app)) == 9
        assert app.selectbox(key=state.WHATIF_FILTER_ATTRIBUTE).value  # the page still works
        # The person's line (groups, outcome, score) is hidden, and their values are folded.
        lines = [m.value for m in app.markdown]
        assert not [line for line in lines if "actual outcome" in line]
        assert any("this person's details are hidden" in line for line in lines)
        assert any(e.label.startswith("This person's values") for e in app.expander)
    else:
        assert ("Row", "gender", "race") in starts  # the rows table lists people
        assert len(people) == 9
        assert not _hidden_messages(app)
        assert any("actual outcome" in m.value for m in app.markdown)


def test_the_switch_is_kept_across_pages_and_leaves_the_data_page_tables(app: AppTest) -> None:
    app.toggle(key=state.PRIVACY_HIDE_ROWS).set_value(True).run()
    app.switch_page("pages/subgroups.py").run()
    app.switch_page("pages/data.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.toggle(key=state.PRIVACY_HIDE_ROWS).value is True
    overview = [d.value for d in app.dataframe]
    assert overview
    assert all(len(t) <= 10 for t in overview)
    assert list(overview[0].columns[:2]) == ["group", "rows"]
    assert not _hidden_messages(app)


def test_a_what_if_finding_shows_no_rows_on_the_report_while_the_switch_is_on(
    app: AppTest,
) -> None:
    """Pinned before the switch: the Report page hides its rows; pinned after: none kept."""
    app.switch_page("pages/whatif.py").run()
    app.button(key="whatif.rows.finding_add").click().run()
    assert not app.exception, [e.value for e in app.exception]
    pinned = app.session_state[state.FINDINGS]
    assert pinned[-1].table is not None
    assert len(pinned[-1].table) == 200
    app.toggle(key=state.PRIVACY_HIDE_ROWS).set_value(True).run()
    app.button(key="whatif.rows.finding_add").click().run()
    assert app.session_state[state.FINDINGS][-1].table is None
    app.switch_page("pages/report.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert not [d for d in app.dataframe if "Row" in d.value.columns]
    assert len(_hidden_messages(app)) == 1  # the first pin's table; the second has none
    app.toggle(key=state.PRIVACY_HIDE_ROWS).set_value(False).run()
    assert [d for d in app.dataframe if len(d.value) == 200]
