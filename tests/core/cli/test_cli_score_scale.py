"""`fairness-explorer audit --score-range MIN MAX --higher-score-unfavourable` on a risk score."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fairness_core.cli import _main as cli
from tests.core.data.test_score_scale import compas_like


@pytest.fixture
def compas(tmp_path: Path) -> Path:
    path = tmp_path / "compas.csv"
    compas_like(1500).to_csv(path, index=False)
    return path


def _args(path: Path, *extra: str) -> list[str]:
    return [
        "audit", "--data", str(path), "--target", "two_year_recid", "--positive-label", "0",
        "--score", "decile_score", "--protected", "race", *extra,
    ]  # fmt: skip


def test_the_flags_rescale_flip_and_are_recorded(
    compas: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Selection rates are the share of deciles 1-5 per race; the JSON records the scale."""
    code = cli.main(_args(compas, "--score-range", "1", "10", "--higher-score-unfavourable"))
    out = capsys.readouterr().out
    assert code == 0
    document = json.loads(out)
    frame = compas_like(1500)
    for group in document["groups"]:
        race = group["attributes"]["race"]
        expected = (frame.loc[frame["race"] == race, "decile_score"] <= 5).mean()
        assert group["metrics"]["selection_rate"]["value"] == pytest.approx(expected, abs=1e-12)
    decisions = document["decisions"]
    assert decisions["score_range"] == [1.0, 10.0]
    assert decisions["higher_score_favourable"] is False
    assert decisions["threshold"] == 0.5
    assert decisions["rule"].startswith(
        "a 'decile_score' of 5.5 or less gets the favourable decision"
    )


def test_without_the_range_the_message_names_the_flag(
    compas: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 2 with the observed range and the exact flag to add."""
    code = cli.main(_args(compas))
    err = capsys.readouterr().err
    assert code == 2
    assert "values from 1 to 10" in err
    assert "--score-range 1 10" in err


def test_a_range_without_a_score_column_is_refused(
    compas: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--score-range applies to --score only; with --prediction it is refused, exit 2."""
    args = _args(compas, "--score-range", "1", "10")
    args[args.index("--score") : args.index("--score") + 2] = ["--prediction", "two_year_recid"]
    assert cli.main(args) == 2
    assert "--score-range" in capsys.readouterr().err
