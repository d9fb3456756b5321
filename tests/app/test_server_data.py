"""A large file or folder on the server: offered only when the operator allows folders,
counted whole for the group numbers, sampled by group for the row-level pages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components import review_session, server_data, state
from components.identity import OWNER
from fairness_core.data import check_audit_data
from fairness_core.engines import SERVER_DATA_ENV
from fairness_core.metrics import compute_group_counts, compute_subgroup_report, metric_table

APP = str(Path(__file__).resolve().parents[2] / "app.py")
ROWS_PER_PART = 3000


def _write_log(folder: Path, *, scores: bool = False) -> pd.DataFrame:
    """Hive-partitioned Parquet (region=…): a rare group, a gap in approval between groups."""
    rng = np.random.default_rng(7)
    frames = []
    for region in ("north", "south"):
        sex = rng.choice(["female", "male", "nonbinary"], ROWS_PER_PART, p=[0.5, 0.48, 0.02])
        race = rng.choice(["a", "b"], ROWS_PER_PART)
        chance = np.where(sex == "female", 0.35, 0.55)
        frame = pd.DataFrame(
            {
                "sex": sex,
                "race": race,
                "income": rng.normal(50_000, 10_000, ROWS_PER_PART).round(),
                "approved": rng.integers(0, 2, ROWS_PER_PART),
                "model_decision": (rng.random(ROWS_PER_PART) < chance).astype(int),
            }
        )
        if scores:  # a float32 score instead of the decision
            score = np.clip(rng.normal(chance, 0.2), 0, 1).astype(np.float32)
            frame = frame.drop(columns="model_decision").assign(model_score=score)
        (folder / f"region={region}").mkdir(parents=True)
        frame.to_parquet(folder / f"region={region}" / "part-0.parquet")
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(params=["decisions"])
def allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Path:
    """An allowed folder with a log, a symlink out of it, and the app configured for it."""
    root, outside = tmp_path / "allowed", tmp_path / "outside"
    _write_log(root / "loans", scores=request.param == "scores")
    outside.mkdir()
    pd.DataFrame({"secret": [1, 2]}).to_parquet(outside / "secret.parquet")
    (root / "escape.parquet").symlink_to(outside / "secret.parquet")
    (root / "escape_dir").symlink_to(outside, target_is_directory=True)
    monkeypatch.setenv(SERVER_DATA_ENV, str(root))
    monkeypatch.setenv("FAIRNESS_EXPLORER_REVIEWS", str(tmp_path / "reviews.sqlite3"))
    monkeypatch.setattr(server_data, "SAMPLE_ROWS", 1000)
    monkeypatch.setattr(server_data, "MIN_PER_GROUP", 60)
    return root


def _browser(review: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[OWNER] = "alice"
    if review is not None:
        at.query_params["review"] = review
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _load_log(at: AppTest) -> AppTest:
    at.radio(key=state.DATA_ORIGIN).set_value(server_data.SERVER).run()
    picker = at.selectbox(key=state.DATA_SERVER_PATH)
    loans = next(o for o in picker.options if o.endswith("loans/"))
    picker.set_value(loans).run()  # formatted label; AppTest maps it back
    at.button(key=server_data.LOAD_SERVER).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_source_is_offered_only_when_the_operator_allows_folders(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(SERVER_DATA_ENV, raising=False)
    at = _browser()
    assert server_data.SERVER not in at.radio(key=state.DATA_ORIGIN).options


def test_the_listing_never_includes_paths_outside_the_allowed_folders(allowed: Path) -> None:
    at = _browser()
    assert server_data.SERVER in at.radio(key=state.DATA_ORIGIN).options
    at.radio(key=state.DATA_ORIGIN).set_value(server_data.SERVER).run()
    options = at.selectbox(key=state.DATA_SERVER_PATH).options
    assert options == ["allowed/loans/"]


@pytest.mark.parametrize("allowed", ["decisions", "scores"], indirect=True)
def test_group_numbers_count_every_row_and_row_pages_say_they_use_a_sample(
    allowed: Path,
) -> None:
    at = _load_log(_browser())
    assert at.session_state[state.SOURCE] == "server:allowed/loans/"
    sample = at.session_state[state.DATASET].frame
    assert 1000 <= len(sample) < 2 * ROWS_PER_PART
    at.switch_page("pages/subgroups.py").run()
    assert not at.exception, [e.value for e in at.exception]
    captions = [c.value for c in at.caption]
    assert any(f"computed on all {2 * ROWS_PER_PART:,} rows" in c for c in captions)
    shown = at.dataframe[0].value  # the metric table, first on the page

    # The oracle: every row read with pandas, counted in memory.
    rows = pd.read_parquet(allowed / "loans")
    roles = at.session_state[state.ROLES]
    settings = at.session_state[state.REPORT_SUBGROUP_SETTINGS]
    assert roles.source == ("score" if "model_score" in rows else "prediction")
    audit = check_audit_data(rows, roles)
    counts = compute_group_counts(
        [audit.group(a) for a in settings.attributes],
        audit.y_true,
        audit.y_pred,
        y_score=audit.y_score,
    )
    expected = metric_table(
        compute_subgroup_report(counts, **settings.options()),
        at.selectbox(key=state.SUBGROUPS_METRIC).value,
    )
    assert list(shown["group"]) == list(expected["group"])
    assert shown["n"].tolist() == expected["n"].tolist()
    assert sum(shown["n"]) == 2 * ROWS_PER_PART
    np.testing.assert_allclose(shown["value"], expected["value"], rtol=0, atol=1e-12)

    note = f"These charts use a sample of {len(sample):,} of {2 * ROWS_PER_PART:,} rows"
    for page in ("pages/whatif.py", "pages/dataset_audit.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert any(c.value.startswith(note) for c in at.caption), page
    # Trade-offs sweeps every row's scores (tests/app/test_tradeoffs_server_data.py).
    at.switch_page("pages/tradeoffs.py").run()
    assert not at.exception, [e.value for e in at.exception]
    whole = f"count all {2 * ROWS_PER_PART:,} rows"
    assert any(whole in c.value for c in at.caption) == (roles.source == "score")
    at.switch_page("pages/report.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"computed on all {2 * ROWS_PER_PART:,} rows" in c.value for c in at.caption)
    # replay checks one file's bytes: the page must not promise it for data on the server
    captions = " ".join(c.value.replace("\\", "") for c in at.caption)
    assert "cannot be replayed from the bundle yet" in captions
    assert "replay fairness-review-bundle.zip --data FILE" not in captions


def test_the_server_source_survives_a_reload_and_a_changed_or_disallowed_one_is_refused(
    allowed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _load_log(_browser())
    review_id = at.session_state[review_session.REVIEW_ID]
    sample = at.session_state[state.DATASET].frame

    again = _browser(review_id)
    assert again.session_state[state.SOURCE] == "server:allowed/loans/"
    pd.testing.assert_frame_equal(again.session_state[state.DATASET].frame, sample)
    assert again.session_state[state.SERVER_DATA].relative == "loans"

    monkeypatch.setenv(SERVER_DATA_ENV, str(allowed / "loans" / "region=north"))
    refused = _browser(review_id)
    assert refused.session_state[state.SOURCE] != "server:allowed/loans/"
    assert any("no longer in a folder this app may read" in e.value for e in refused.error)

    monkeypatch.setenv(SERVER_DATA_ENV, str(allowed))
    part = allowed / "loans" / "region=north" / "part-0.parquet"
    pd.read_parquet(part).head(10).to_parquet(part)
    changed = _browser(review_id)
    assert changed.session_state[state.SOURCE] != "server:allowed/loans/"
    assert any("has changed since this review was made" in e.value for e in changed.error)
