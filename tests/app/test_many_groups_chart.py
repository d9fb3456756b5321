"""Many groups on the Subgroups page: bars sorted by value and coloured by verdict."""

from __future__ import annotations

import base64
import json

import numpy as np
from streamlit.testing.v1 import AppTest

from components import state
from fairness_core.metrics import VERDICTS
from fairness_core.plots import MANY_GROUPS, VERDICT_COLOURS


def _numbers(value: object) -> list[float]:
    """A plotly JSON array as numbers: a plain list or a typed array (dtype + base64)."""
    if isinstance(value, dict):
        raw = base64.b64decode(str(value["bdata"]))
        return np.frombuffer(raw, dtype=str(value["dtype"])).tolist()
    return [float("nan") if v is None else float(v) for v in value]  # type: ignore[union-attr]


def test_race_by_age_bars_are_sorted_and_coloured_by_verdict(app: AppTest) -> None:
    """race × age on the loan demo gives more than eight groups: the bar chart is sorted,
    highest first, each bar in its verdict's colour, and the legend names the verdicts."""
    app.switch_page("pages/subgroups.py").run()
    app.multiselect(key=state.SUBGROUPS_ATTRIBUTES).set_value(["race", "age"]).run()
    assert not app.exception, [e.value for e in app.exception]
    charts = {c.key: json.loads(c.proto.spec) for c in app.get("plotly_chart")}
    spec = charts["subgroups.bar_chart"]
    bars = spec["data"][0]
    assert len(bars["x"]) > MANY_GROUPS
    assert bars["x"] == spec["layout"]["xaxis"]["categoryarray"]
    values = [v for v in _numbers(bars["y"]) if np.isfinite(v)]
    assert len(values) > MANY_GROUPS
    assert values == sorted(values, reverse=True)
    legend = {t["name"]: t["marker"]["color"] for t in spec["data"][1:]}
    assert legend
    assert set(legend) <= {*VERDICTS, "reference group"}
    assert all(VERDICT_COLOURS[word] == colour for word, colour in legend.items())
    assert set(bars["marker"]["color"]) == set(legend.values())
