"""Trade-offs on data read on the server: the numbers count every row, not the sample.

The oracle reads every row of the generated folder with the memory engine (pandas) and
builds the sweep from its histogram; the page's frontier, the chosen point's per-group
table and its rule must equal that sweep's, and differ from the sweep of the sample.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components import server_data, state
from components.identity import OWNER
from fairness_core.data import score_scale
from fairness_core.engines import SERVER_DATA_ENV, count_audit
from fairness_core.tradeoffs import (
    ThresholdSweep,
    evaluate_operating_point,
    find_frontier,
    find_strategy,
    sweep_audit,
    sweep_from_histogram,
)

APP = str(Path(__file__).resolve().parents[2] / "app.py")
ROWS_PER_PART = 3000
FRONTIER_COLUMNS = ["label", "disparity", "accuracy", "balanced_accuracy", "expected_cost"]


def _write_scores(folder: Path) -> None:
    """Hive-partitioned Parquet (region=…) with a float32 score and a gap between groups."""
    rng = np.random.default_rng(11)
    for region in ("north", "south"):
        sex = rng.choice(["female", "male", "nonbinary"], ROWS_PER_PART, p=[0.5, 0.47, 0.03])
        outcome = rng.integers(0, 2, ROWS_PER_PART)
        shift = np.where(sex == "female", -0.08, 0.05)
        score = np.clip(rng.normal(0.35 + 0.3 * outcome + shift, 0.2), 0, 1)
        frame = pd.DataFrame(
            {
                "sex": sex,
                "race": rng.choice(["a", "b"], ROWS_PER_PART),
                "approved": outcome,
                "model_score": score.astype(np.float32),
            }
        )
        (folder / f"region={region}").mkdir(parents=True)
        frame.to_parquet(folder / f"region={region}" / "part-0.parquet")


@pytest.fixture
def allowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "allowed"
    _write_scores(root / "loans")
    monkeypatch.setenv(SERVER_DATA_ENV, str(root))
    monkeypatch.setenv("FAIRNESS_EXPLORER_REVIEWS", str(tmp_path / "reviews.sqlite3"))
    monkeypatch.setattr(server_data, "SAMPLE_ROWS", 1000)
    monkeypatch.setattr(server_data, "MIN_PER_GROUP", 60)
    return root


def _load(at: AppTest) -> AppTest:
    at.radio(key=state.DATA_ORIGIN).set_value(server_data.SERVER).run()
    picker = at.selectbox(key=state.DATA_SERVER_PATH)
    picker.set_value(next(o for o in picker.options if o.endswith("loans/"))).run()
    at.button(key=server_data.LOAD_SERVER).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _table(at: AppTest, columns: list[str]) -> pd.DataFrame:
    """The one table on the page whose first columns are ``columns``."""
    found = [d.value for d in at.dataframe if list(d.value.columns[: len(columns)]) == columns]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def test_the_tradeoffs_count_every_row_and_retraining_uses_the_sample(allowed: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state[OWNER] = "alice"
    at.run()
    _load(at)
    roles = at.session_state[state.ROLES]
    assert roles.source == "score"
    at.switch_page("pages/tradeoffs.py").run()
    assert not at.exception, [e.value for e in at.exception]
    attributes = tuple(at.multiselect(key=state.TRADEOFFS_ATTRIBUTES).value)
    criterion = at.selectbox(key=state.TRADEOFFS_CRITERION).value

    # The oracle: every row read with pandas, its histogram made a sweep.
    whole = count_audit(allowed / "loans", roles, [attributes], engine="memory")
    assert whole.histograms[0] is not None
    sweep = sweep_from_histogram(
        whole.histograms[0], whole.counts[0], threshold=roles.threshold, scale=score_scale(roles)
    )

    captions = [c.value.replace("\\", "") for c in at.caption]  # undo escape_markdown
    total = 2 * ROWS_PER_PART
    assert any(f"count all {total:,} rows of" in c and "steps of 0.001" in c for c in captions)
    assert not any(c.startswith("These charts use a sample") for c in captions)
    in_sample = len(at.session_state[state.DATASET].frame)
    assert in_sample < total
    retraining = f"works on the sample of {in_sample:,} of the {total:,} rows"
    assert len(attributes) == 1  # the retraining panel shows for one attribute
    assert any(retraining in c for c in captions)

    shown = _table(at, FRONTIER_COLUMNS)
    expected = find_frontier(sweep, criterion, randomized=False).points[FRONTIER_COLUMNS]
    assert list(shown["label"]) == list(expected["label"])
    numbers = FRONTIER_COLUMNS[1:]
    np.testing.assert_allclose(shown[numbers], expected[numbers], rtol=1e-12, atol=1e-12)

    point = find_strategy(sweep, criterion, tolerance=0.01)
    evaluation = evaluate_operating_point(sweep, point, criterion=criterion)
    per_group = _table(at, ["group", "n"])
    assert per_group["n"].tolist() == evaluation.per_group["n"].tolist()
    assert sum(per_group["n"]) == total
    np.testing.assert_allclose(
        per_group["selection_rate"], evaluation.per_group["selection_rate"], rtol=1e-12
    )
    rules = _table(at, ["group", "threshold", "randomized", "note"])
    assert rules["note"].tolist() == evaluation.thresholds["note"].tolist()

    # The report compares the recorded point: the same all-rows numbers as the page.
    at.text_area(key=state.TRADEOFFS_RATIONALE).input("Every row counted.")
    next(b for b in at.button if b.label == "Record this operating point").click().run()
    assert not at.exception, [e.value for e in at.exception]
    record = at.session_state[state.OPERATING_POINTS][-1]
    assert record.per_group["n"].tolist() == evaluation.per_group["n"].tolist()
    np.testing.assert_allclose(
        record.per_group["selection_rate"], evaluation.per_group["selection_rate"], rtol=1e-12
    )
    at.switch_page("pages/report.py").run()
    assert not at.exception, [e.value for e in at.exception]

    # Not the sample's numbers: the sample's sweep gives another frontier.
    rows = _sample_sweep(at, attributes)
    assert rows.selected_rows[:, 0].sum() < total
    other = find_frontier(rows, criterion, randomized=False).points
    assert not np.allclose(other["accuracy"].iloc[0], expected["accuracy"].iloc[0], atol=1e-9)


def _sample_sweep(at: AppTest, attributes: tuple[str, ...]) -> ThresholdSweep:
    """The sweep of the sample in the session (what the page showed before)."""
    from fairness_core.data import check_audit_data

    audit = check_audit_data(at.session_state[state.DATASET].frame, at.session_state[state.ROLES])
    return sweep_audit(audit, attributes)
