"""The inequality, consistency and calibration sections, drawn by a tiny script on a demo.

The lead calls these render functions from pages/subgroups.py; until then a small script
loads a demo the way the app does (components.demo) and draws the three sections.
"""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from components import subgroup_extras as extras
from fairness_core.data import check_audit_data, get_demo
from fairness_core.metrics import compute_calibration_by_group, compute_inequality


def sections(demo: str, attributes: list[str], decisions_only: bool = False) -> None:
    """The script AppTest runs: load ``demo`` once, then draw every section."""
    from dataclasses import replace

    from components import cache, state
    from components.demo import activate_demo
    from components.subgroup_extras import (
        render_calibration_section,
        render_consistency_section,
        render_inequality_section,
    )

    if state.get_inputs() is None:
        activate_demo(demo)
        if decisions_only:
            roles = state.get_inputs().roles
            state.set_roles(replace(roles, source="prediction", features=()))
    inputs = state.get_inputs()
    _, audit = cache.validate(inputs)
    render_inequality_section(inputs, audit, attributes, reference="best")
    render_consistency_section(inputs, audit, attributes)
    render_calibration_section(inputs, audit, attributes)


def run(demo: str, attributes: list[str], *, decisions_only: bool = False) -> AppTest:
    at = AppTest.from_function(
        sections, args=(demo, attributes, decisions_only), default_timeout=60
    )
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def numbers(values: object) -> list[float]:
    """Plotly's typed-array JSON ({dtype, bdata}) or a plain list, as numbers."""
    if isinstance(values, dict):
        decoded = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
        return decoded.tolist()
    return list(values)  # type: ignore[call-overload]


def chart(at: AppTest, title: str) -> dict:
    """The plotly figure whose title is ``title``."""
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        if spec["layout"]["title"]["text"].startswith(title):
            return spec
    raise AssertionError(f"no chart titled {title!r}")


@pytest.mark.parametrize(("demo", "attribute"), [("loan", "gender"), ("resume", "gender")])
def test_sections_show_the_core_numbers(demo: str, attribute: str) -> None:
    """Charts carry the core's values; captions and tables are there; nothing fails."""
    at = run(demo, [attribute])
    scenario = get_demo(demo)
    data = check_audit_data(scenario.load_test().frame, scenario.roles)
    expected = compute_inequality(data, [attribute])
    bars = chart(at, "Average odds difference")["data"][0]
    assert bars["x"] == list(expected.odds["group"])
    assert numbers(bars["y"]) == pytest.approx(list(expected.odds["average_odds_difference"]))
    stacked = chart(at, "Inequality of benefit")["data"]
    assert sum(numbers(t["y"])[0] for t in stacked) == pytest.approx(
        expected.generalized_entropy.overall
    )
    calibration = compute_calibration_by_group(data, [attribute])
    curves = chart(at, "Calibration by group")["data"]
    assert [t["name"] for t in curves[:-1]] == list(calibration.names)
    chart(at, "Consistency by group")
    captions = " ".join(c.value for c in at.caption)
    assert "expected calibration error over everyone" in captions
    assert "Theil index" in captions
    assert "Compared with the largest group" in captions
    assert len(at.dataframe) == 5
    shown = at.dataframe[-1].value  # the calibration table
    assert shown["ece"].tolist() == pytest.approx(calibration.groups["ece"].tolist())
    assert [s.value for s in at.subheader] == [
        "Same true outcome, same odds?",
        "How unequally is the model's benefit spread?",
        "Are people who look alike decided alike?",
        "Do the scores mean the same for every group?",
    ]


def test_decisions_only_explain_what_is_missing() -> None:
    """Without scores or features: the sections say why and where to fix it."""
    at = run("loan", ["gender"], decisions_only=True)
    infos = " ".join(i.value for i in at.info)
    assert "No feature columns are marked" in infos
    assert "this data has decisions only" in infos
    assert len(at.get("plotly_chart")) == 2  # average odds and inequality still shown


def test_add_to_findings_keeps_the_calibration_view() -> None:
    """The pop-over adds a finding with the figure and the titled table."""
    from components import state

    at = run("credit", ["age"])
    at.button(key=f"{extras.CALIBRATION_CHART}.finding_add").click().run()
    assert not at.exception
    findings = at.session_state[state.FINDINGS]
    assert len(findings) == 1
    assert findings[0].title == "Calibration by age"
    assert "Expected calibration error" in findings[0].table.columns
