"""NYC Local Law 144: rates, impact ratios, the unknown category and the under-2% exclusion."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fairness_core.policies import compute_ll144_tables, evaluate_policy, load_policy
from tests.core.policies.hiring import audit, rows

UNKNOWN = ("unknown",)
# (sex, race) → (selected, people); 400 people. Native is 7 people (1.75%, under 2%);
# 20 people have an unknown sex and 13 an unknown race.
HIRING = {
    ("Male", "White"): (40, 100), ("Male", "Black"): (15, 50), ("Male", "Asian"): (12, 30),
    ("Male", "Native"): (1, 4), ("Female", "White"): (30, 100), ("Female", "Black"): (10, 50),
    ("Female", "Asian"): (9, 30), ("Female", "Native"): (1, 3), ("Unknown", "White"): (5, 20),
    ("Female", "Unknown"): (3, 13),
}  # fmt: skip


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return rows(HIRING, ("sex", "race"))


def _brute(frame: pd.DataFrame, keys: list[str], outcome: str) -> pd.DataFrame:
    """Rates and impact ratios by pandas, straight from the rules' definitions."""
    known = frame[~frame[keys].isin(["Unknown"]).any(axis=1)]
    table = known.groupby(keys)[outcome].agg(people="size", selected="sum")
    table["rate"] = table["selected"] / table["people"]
    table["excluded"] = table["people"] / len(frame) < 0.02
    table["impact_ratio"] = table["rate"] / table.loc[~table["excluded"], "rate"].max()
    table.loc[table["excluded"], "impact_ratio"] = np.nan
    return table.reset_index()


def test_selection_rates_and_impact_ratios_match_a_brute_force_count(frame) -> None:
    """By sex, by race and by both, every number equals the pandas count."""
    tables = compute_ll144_tables(audit(frame, ("sex", "race")), sex="sex", race="race",
                                  scoring=False, unknown_values=UNKNOWN)  # fmt: skip
    assert tables.rate_name == "selection rate"
    assert tables.median_score is None
    for ours, keys in ((tables.by_sex, ["sex"]), (tables.by_race, ["race"])):
        expected = _brute(frame, keys, "hired")
        assert ours["category"].tolist() == expected[keys[0]].tolist()
        for column in ("people", "selected", "excluded"):
            assert ours[column].tolist() == expected[column].tolist()
        np.testing.assert_allclose(ours["rate"], expected["rate"])
        np.testing.assert_allclose(ours["impact_ratio"], expected["impact_ratio"])
    both = _brute(frame, ["sex", "race"], "hired")
    ours = tables.intersectional
    assert list(zip(ours["sex"], ours["race"], strict=True)) == list(
        zip(both["sex"], both["race"], strict=True)
    )
    np.testing.assert_allclose(ours["impact_ratio"], both["impact_ratio"])


def test_hand_numbers(frame) -> None:
    """A few numbers worked out by hand from the table above."""
    tables = compute_ll144_tables(audit(frame, ("sex", "race")), sex="sex", race="race",
                                  scoring=False, unknown_values=UNKNOWN)  # fmt: skip
    sex = tables.by_sex.set_index("category")
    assert sex.loc["Male", "rate"] == pytest.approx(68 / 184)
    assert sex.loc["Female", "rate"] == pytest.approx(53 / 196)
    assert sex.loc["Female", "impact_ratio"] == pytest.approx(0.7317, abs=1e-4)
    race = tables.by_race.set_index("category")
    assert race.loc["Asian", "impact_ratio"] == 1.0  # 21 / 60 = 0.35 is the highest rate
    assert race.loc["Black", "impact_ratio"] == pytest.approx(0.25 / 0.35)
    assert race.loc["Native", "rate"] == pytest.approx(2 / 7)  # reported, not compared
    assert bool(race.loc["Native", "excluded"])
    assert np.isnan(race.loc["Native", "impact_ratio"])
    assert dict(tables.unknown) == {"sex": 20, "race": 13, "intersectional": 33}
    assert set(tables.excluded) == {"Native", "Male · Native", "Female · Native"}
    both = tables.intersectional.set_index("category")
    assert both.loc["Female · White", "impact_ratio"] == pytest.approx(0.3 / 0.4)


def test_without_the_exclusion_small_categories_are_compared(frame) -> None:
    """exclude_below_share=None keeps Native in the impact ratios."""
    tables = compute_ll144_tables(audit(frame, ("sex", "race")), sex="sex", race="race",
                                  scoring=False, exclude_below_share=None,
                                  unknown_values=UNKNOWN)  # fmt: skip
    race = tables.by_race.set_index("category")
    assert not race["excluded"].any()
    assert tables.excluded == ()
    assert race.loc["Native", "impact_ratio"] == pytest.approx((2 / 7) / 0.35)


def test_scoring_rates_use_the_whole_sample_median(frame) -> None:
    """A scoring rate is the share of a category scoring above everyone's median score."""
    data = audit(frame, ("sex", "race"), score=True)
    tables = compute_ll144_tables(data, sex="sex", race="race", scoring=True,
                                  unknown_values=UNKNOWN)  # fmt: skip
    assert tables.rate_name == "scoring rate"
    assert tables.median_score == pytest.approx(float(np.median(frame["score"])))
    scored = frame.assign(above=(frame["score"] > np.median(frame["score"])).astype(int))
    for ours, keys in ((tables.by_sex, ["sex"]), (tables.by_race, ["race"])):
        expected = _brute(scored, keys, "above")
        assert ours["selected"].tolist() == expected["selected"].tolist()
        np.testing.assert_allclose(ours["impact_ratio"], expected["impact_ratio"])


def test_the_policy_judges_each_table_and_lists_left_out_categories(frame) -> None:
    """The LL144 policy: sex, race and sex × race judged; unknown and small categories listed."""
    result = evaluate_policy(load_policy("nyc-ll144"), audit(frame, ("sex", "race")),
                             columns={"race_ethnicity": "race"})  # fmt: skip
    selection = {r.attribute: r for r in result.requirements
                 if r.requirement == "selection_impact_ratio"}  # fmt: skip
    assert set(selection) == {"sex", "race", "sex × race"}
    assert selection["sex"].status == "not met"  # 0.73 < 0.8; no significance asked
    assert selection["sex"].value == pytest.approx(0.7317, abs=1e-4)
    assert selection["race"].value == pytest.approx(0.25 / 0.35)
    groups = selection["race"].groups.set_index("group")
    assert bool(groups.loc["Native", "excluded"])
    assert "under 2%" in groups.loc["Native", "verdict"]
    assert bool(groups.loc["Unknown", "excluded"])
    assert "unknown" in groups.loc["Unknown", "verdict"]
    # A tool that selects is judged on selection rates only (no "not assessed" scoring row).
    assert not [r for r in result.requirements if r.requirement == "scoring_impact_ratio"]
    assert result.ll144 is not None
    assert result.ll144.rate_name == "selection rate"
    assert result.status == "not met"
    assert result.failed
