"""What-if sections 3 and 4: would the decision change for another group, and what would
have to differ (the nearest person with the other decision, the smallest change)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from components import cache, state, whatif_cache
from components.errors import render_error
from components.findings import render_add_to_findings
from components.privacy import rows_hidden, show_rows
from components.state import AuditInputs
from components.view import render_view
from components.whatif_cache import Edits
from components.whatif_tables import (
    AFFECTED_COLUMNS,
    CANDIDATE_COLUMNS,
    CHANGE_COLUMNS,
    DECOMPOSITION_COLUMNS,
    FLIP_TEST_COLUMNS,
    KIND_OF_PROBE,
    NEAREST_COLUMNS,
    PROBE_COLUMNS,
    SCOPES,
    as_text,
    in_words,
    select_titled,
)
from fairness_core.data import AuditData
from fairness_core.dataset_check import top_proxy_features
from fairness_core.errors import FairnessCoreError
from fairness_core.escaping import escape_markdown
from fairness_core.plots import (
    decision_word,
    describe_flip_test,
    describe_row_flips,
    plot_flip_test,
    plot_row_flips,
)
from fairness_core.whatif import CREDIT_WORDS, FeatureSpec, RowFlipResult

PAGE = "What-if"
_SCORE = st.column_config.NumberColumn(format="%.3f")
_CHANGE = st.column_config.NumberColumn(format="%+.3f")
_ROW = st.column_config.NumberColumn(format="%d")


def render_flip_tests(
    inputs: AuditInputs, audit: AuditData, row: int, features: Sequence[str]
) -> tuple[str, ...]:
    """Section 3: this person and everyone moved to each other group; returns the proxies."""
    st.header("3. Would the decision change for another group?")
    protected = [g.name for g in audit.groups]
    proxy_options = [f for f in features if f not in protected]
    proxies = st.multiselect(
        "Proxy features (optional)",
        proxy_options,
        # Proxies found on the Dataset check page ("Use in the What-if flip tests").
        default=[f for f in state.get_whatif_proxy_default() if f in proxy_options],
        key=state.WHATIF_PROXIES,
        persist_state="session",
        help="Features that stand in for a protected attribute, such as a zip code for race. "
        "They are set to what is typical of the new group along with the attribute.",
    )
    try:
        flips = whatif_cache.whatif_row_flips(inputs, audit, row, tuple(proxies))
    except FairnessCoreError as exc:
        render_error(exc)
        st.stop()
    st.subheader("This person")
    probes = in_words(flips.table, ["decision"]).assign(kind=flips.table["kind"].map(KIND_OF_PROBE))
    render_view(
        "whatif.row_flips",
        page=PAGE,
        title=f"Flip probes for row {row + 1}",
        sentence=describe_row_flips(flips),
        note="(The row as it is in the data, without edits.)",
        figure=plot_row_flips(flips),
        table=select_titled(probes, PROBE_COLUMNS),
        columns={PROBE_COLUMNS["score"]: _SCORE, PROBE_COLUMNS["score_change"]: _CHANGE},
        settings={"row": row + 1, "proxies": proxies},
        individuals=True,
    )
    _not_model_inputs(inputs, audit, flips, proxy_options)
    _decomposition(flips, row)

    st.subheader("Everyone")
    attribute = st.selectbox(
        "Move everyone to each other group of",
        protected,
        key=state.WHATIF_FLIP_ATTRIBUTE,
        persist_state="session",
    )
    try:
        flip_test = whatif_cache.whatif_flip_test(inputs, audit, attribute, tuple(proxies))
    except FairnessCoreError as exc:
        render_error(exc)
        st.stop()
    percent = st.column_config.NumberColumn(format="percent")
    render_view(
        "whatif.flip_test",
        page=PAGE,
        title=f"Dataset flip test: {attribute}",
        sentence=describe_flip_test(flip_test),
        note="Bars show 95% intervals. Proxy features, when chosen, take values drawn from "
        "the new group's own rows.",
        figure=plot_flip_test(flip_test),
        table=select_titled(flip_test.by_group, FLIP_TEST_COLUMNS),
        columns={
            **{t: percent for c, t in FLIP_TEST_COLUMNS.items() if c.startswith("changed_")},
            **{FLIP_TEST_COLUMNS[c]: _CHANGE for c in FLIP_TEST_COLUMNS if "score" in c},
        },
        settings={"attribute": attribute, "proxies": proxies},
    )
    st.markdown("**Most affected rows**")
    affected = select_titled(
        in_words(
            flip_test.rows.assign(row=flip_test.rows["row"] + 1),
            ["decision_before", "decision_after"],
        ),
        AFFECTED_COLUMNS,
    )
    render_view(
        "whatif.flip_rows",
        page=PAGE,
        title=f"Rows most affected by changing {attribute}",
        sentence=f"The {len(affected)} rows whose score changes most when {attribute} changes.",
        table=affected,
        columns={
            AFFECTED_COLUMNS["row"]: _ROW,
            AFFECTED_COLUMNS["score_before"]: _SCORE,
            AFFECTED_COLUMNS["score_after"]: _SCORE,
            AFFECTED_COLUMNS["score_change"]: _CHANGE,
        },
        settings={"attribute": attribute, "proxies": proxies},
        individuals=True,
    )
    return tuple(proxies)


def _use_proxies(options: Sequence[str]) -> None:
    """Put the proxies handed over (or just found) into the proxy picker (a callback)."""
    found = [f for f in state.get_whatif_proxy_default() if f in options]
    st.session_state[state.WHATIF_PROXIES] = found


def _not_model_inputs(
    inputs: AuditInputs, audit: AuditData, flips: RowFlipResult, options: Sequence[str]
) -> None:
    """Say plainly which attributes the model does not take, and offer their proxies."""
    blind = flips.not_model_inputs
    if not blind or flips.proxies:
        return
    names = " and ".join(blind)
    st.info(
        escape_markdown(
            f"{names} {'is not one' if len(blind) == 1 else 'are not any'} of the model's "
            f"inputs, so changing {'it' if len(blind) == 1 else 'them'} alone cannot change "
            "the decision. That does not show the model ignores "
            f"{names}: it can treat people by {names} through features that stand in for "
            f"{'it' if len(blind) == 1 else 'them'} (proxies). Choose proxy features above."
        )
    )
    handed = [f for f in state.get_whatif_proxy_default() if f in options]
    if handed:
        st.markdown(
            escape_markdown(
                f"The Dataset check found these proxies: {', '.join(handed)}. Test them with "
                f"{names}:"
            )
        )
        st.button(
            "Use these proxies",
            key=state.WHATIF_USE_FOUND_PROXIES,
            on_click=_use_proxies,
            args=(list(options),),
            icon=":material/swap_horiz:",
        )
        return
    st.button(
        "Find the proxies",
        key=state.WHATIF_FIND_PROXIES,
        on_click=_find_proxies,
        args=(inputs, audit, tuple(options)),
        icon=":material/search:",
        help="Checks, for each model input, how well it reveals each protected attribute "
        "(as on the Dataset check page), and tests the proxies it finds. Takes a few seconds.",
    )
    note = st.session_state.get(state.WHATIF_PROXY_SEARCH_NOTE)
    if note:
        st.caption(escape_markdown(str(note)))


def _find_proxies(inputs: AuditInputs, audit: AuditData, options: tuple[str, ...]) -> None:
    """Run proxy detection on the model's inputs and test what it finds (a callback)."""
    try:
        report = cache.proxies(inputs, audit, options)
    except FairnessCoreError as exc:
        st.session_state[state.WHATIF_PROXY_SEARCH_NOTE] = str(exc)
        return
    found = top_proxy_features(report)
    state.set_whatif_proxy_default(found)
    st.session_state[state.WHATIF_PROXIES] = [f for f in found if f in options]
    st.session_state[state.WHATIF_PROXY_SEARCH_NOTE] = (
        ""
        if found
        else "No model input reveals a protected attribute better than weakly, so there is "
        "no proxy to test."
    )


def _decomposition(flips: RowFlipResult, row: int) -> None:
    """The attribute's own effect, the proxies' effect and both, per move."""
    table = flips.decomposition
    if table.empty:
        return
    st.markdown("**The attribute's own effect, and its proxies'**")
    shown = table.assign(credit=table["credit"].map(CREDIT_WORDS))
    turned = table[table["credit"] != "none"]
    listed = ", ".join(flips.proxies)
    if turned.empty:
        sentence = (
            f"No move to another group turns the decision around: not the attribute alone, not "
            f"{listed} alone, and not both."
        )
    else:
        by_proxies = int((turned["credit"] == "proxies").sum())
        sentence = (
            f"{len(turned)} of {len(table)} moves turn the decision around; in {by_proxies} of "
            f"them the change comes from {listed} alone, not from the attribute itself."
        )
    render_view(
        "whatif.flip_decomposition",
        page=PAGE,
        title=f"Attribute alone, proxies alone and both for row {row + 1}",
        sentence=sentence,
        note="Each row makes the same move three ways, so a change that comes from the "
        "proxies is never credited to the attribute.",
        table=select_titled(shown, DECOMPOSITION_COLUMNS),
        columns={
            DECOMPOSITION_COLUMNS[c]: _CHANGE
            for c in ("attribute_change", "proxies_change", "both_change")
        },
        settings={"row": row + 1, "proxies": list(flips.proxies)},
        individuals=True,
    )


def render_nearest(inputs: AuditInputs, audit: AuditData, row: int, decision: int) -> None:
    """Section 4, first part: the most similar person with the other decision."""
    st.header("4. What would have to differ?")
    st.subheader("The most similar person with the other decision")
    protected = [g.name for g in audit.groups]
    scope_col, attribute_col = st.columns(2)
    with scope_col:
        scope = st.radio(
            "Search among",
            list(SCOPES),
            format_func=SCOPES.__getitem__,
            key=state.WHATIF_CF_SCOPE,
            persist_state="session",
            horizontal=True,
        )
    with attribute_col:
        attribute = st.selectbox(
            "Group by",
            protected,
            key=state.WHATIF_CF_ATTRIBUTE,
            persist_state="session",
            disabled=scope == "any",
        )
    try:
        nearest = whatif_cache.whatif_nearest(
            inputs, audit, row, scope, None if scope == "any" else attribute
        )
    except FairnessCoreError as exc:
        render_error(exc)
        st.stop()
    if not nearest.found:
        st.info(escape_markdown(nearest.message))
        return
    differs = nearest.comparison[nearest.comparison["differs"]]["feature"].tolist()
    differences = ", ".join(differs) or "nothing the model reads"
    sentence = (
        f"Row {int(nearest.nearest or 0) + 1} is the most similar person with the "
        f"{decision_word(1 - decision)} decision (distance "
        f"{nearest.distance:.2f}); they differ in {differences}."
    )
    table = select_titled(
        as_text(nearest.comparison, ["original", "counterfactual"]), NEAREST_COLUMNS
    )
    show_rows(table, hide_index=True, key="whatif.nearest_table")
    st.caption(
        escape_markdown(sentence)
        + " Distance adds, for each feature, the difference as a share of its observed range "
        "(numbers) or 1 (a different category)."
    )
    candidates = select_titled(
        in_words(nearest.candidates.assign(row=nearest.candidates["row"] + 1), ["decision"]),
        CANDIDATE_COLUMNS,
    )
    show_rows(
        candidates,
        hide_index=True,
        key="whatif.nearest_candidates",
        column_config={
            CANDIDATE_COLUMNS["row"]: _ROW,
            CANDIDATE_COLUMNS["distance"]: _SCORE,
        },
    )
    render_add_to_findings(
        "whatif.nearest",
        title=f"Nearest counterfactual of row {row + 1}",
        page=PAGE,
        summary=sentence,
        table=None if rows_hidden() else table,
        settings={"row": row + 1, "scope": SCOPES[scope], "attribute": attribute},
    )


def render_minimal_change(
    inputs: AuditInputs,
    audit: AuditData,
    row: int,
    edits: Edits,
    specs: Sequence[FeatureSpec],
    features: Sequence[str],
) -> None:
    """Section 4, second part: the cheapest change that turns the decision (on request)."""
    st.subheader("The smallest change that turns the decision around")
    protected = [g.name for g in audit.groups]
    options = [f for f in features if f not in protected]
    changeable = st.multiselect(
        "Features that may change",
        options,
        default=[s.name for s in specs if s.kind == "number" and s.name in options],
        key=state.WHATIF_CHANGEABLE,
        persist_state="session",
        help="Protected attributes always keep their values. Leave out anything the person "
        "cannot change (such as their credit history).",
    )
    time_limit = st.slider(
        "Time allowed (seconds)", 1, 10, 3, key=state.WHATIF_TIME_LIMIT, persist_state="session"
    )
    request = (row, edits, tuple(changeable), float(time_limit))
    if st.button("Search", key=state.WHATIF_SEARCH):
        st.session_state[state.WHATIF_SEARCH_REQUEST] = request
    if st.session_state.get(state.WHATIF_SEARCH_REQUEST) != request:
        st.caption("Choose the features that may change, then press Search.")
        return
    try:
        change = whatif_cache.whatif_minimal_change(
            inputs, audit, row, edits, tuple(changeable), float(time_limit)
        )
    except FairnessCoreError as exc:
        render_error(exc)
        st.stop()
    if not change.found:
        st.warning(escape_markdown(change.message))
        return
    sentence = (
        f"{change.message} The score moves from {change.score_before:.3f} to "
        f"{change.score_after:.3f} ({decision_word(change.decision_after)} decision); "
        f"{change.evaluated:,} versions tried in {change.seconds:.1f} s"
        + (", stopped by the time limit." if change.timed_out else ".")
    )
    st.success(escape_markdown(sentence))
    table: pd.DataFrame = select_titled(
        as_text(change.changes, ["original", "new"]), CHANGE_COLUMNS
    )
    show_rows(
        table,
        hide_index=True,
        key="whatif.minimal_table",
        column_config={CHANGE_COLUMNS["cost"]: _SCORE},
    )
    st.caption(
        "The cheapest change the search found, not a guarantee that no smaller one "
        "exists. Cost adds each change as a share of the feature's observed range."
    )
    render_add_to_findings(
        "whatif.minimal",
        title=f"Minimal change for row {row + 1}",
        page=PAGE,
        summary=sentence,
        table=None if rows_hidden() else table,
        settings={"row": row + 1, "changeable": changeable, "time_limit": time_limit},
    )
