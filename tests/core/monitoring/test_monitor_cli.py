"""`fairness-explorer monitor`: exit codes 0 (no alert), 1 (an alert), 2 (bad input)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fairness_core.cli import main

DEMO = Path(__file__).resolve().parents[3] / "demo_data" / "monitoring" / "decisions"
ROLES = ["--time-column", "decided_at", "--target", "repaid", "--positive-label", "1",
         "--score", "score", "--protected", "race"]  # fmt: skip


def test_the_months_before_the_change_exit_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """January to July of the demo (a glob): no alert, exit code 0."""
    out = tmp_path / "report.json"
    code = main(["monitor", "--data", str(DEMO / "2025-0[1-7].csv"), *ROLES, "--out", str(out)])
    assert code == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["has_alert"] is False
    assert len(document["files"]) == 7
    assert "No alert" in capsys.readouterr().err


def test_the_whole_demo_year_exits_1_and_names_the_alert(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The full year: exit code 1; each alert names metric, group, period, change, interval."""
    out = tmp_path / "report.html"
    code = main(["monitor", "--data", str(DEMO), *ROLES, "--format", "html", "--out", str(out)])
    assert code == 1
    err = capsys.readouterr().err
    first = next(line for line in err.splitlines() if line.startswith("ALERT: "))
    assert first.startswith("ALERT: Selection rate of Black (reference White) got worse in 2025-08")
    assert "a change of −0." in first
    assert "95% interval −0." in first
    assert "2025-07" not in "".join(line for line in err.splitlines() if "got worse in" in line)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--data", "no/such/folder/*.csv"], "No CSV or Parquet file"),
        (["--data", str(DEMO), "--baseline", "2024-01"], "baseline must be"),
        (["--data", str(DEMO), "--protected", "gender"], "--intersect"),
        (["--data", str(DEMO), "--metric", "accuracy_score"], "metrics must be"),
    ],
)
def test_bad_input_exits_2_with_a_message(
    extra: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad input: exit code 2, a plain message, never a traceback."""
    code = main(["monitor", *ROLES, *extra])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_a_missing_column_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """A protected column the log does not have: exit 2 naming it."""
    args = [a if a != "race" else "ethnicity" for a in ROLES]
    code = main(["monitor", "--data", str(DEMO / "2025-0[1-2].csv"), *args])
    err = capsys.readouterr().err
    assert code == 2
    assert "'ethnicity' is not in the file" in err
