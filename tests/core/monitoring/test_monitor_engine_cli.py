"""`fairness-explorer monitor --engine`: DuckDB gives the memory path's report and exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from fairness_core.cli import main

DEMO = Path(__file__).resolve().parents[3] / "demo_data" / "monitoring" / "decisions"
ROLES = ["--time-column", "decided_at", "--target", "repaid", "--positive-label", "1",
         "--score", "score", "--protected", "race"]  # fmt: skip


def run(args: list[str], out: Path) -> tuple[int, dict[str, object]]:
    code = main(["monitor", *args, *ROLES, "--out", str(out)])
    return code, json.loads(out.read_text(encoding="utf-8"))


def without_files(document: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in document.items() if k != "files"}


def test_duckdb_on_the_demo_year_gives_the_memory_report_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The demo year (an alert in 2025-08): the same JSON, alerts and exit code."""
    memory_code, memory = run(["--data", str(DEMO), "--engine", "memory"], tmp_path / "m.json")
    memory_err = capsys.readouterr().err
    duck_code, duck = run(["--log", str(DEMO), "--engine", "duckdb"], tmp_path / "d.json")
    duck_err = capsys.readouterr().err
    assert memory_code == duck_code == 1
    assert duck_err == memory_err
    assert memory["has_alert"] is True
    _close(without_files(duck), without_files(memory))
    assert duck["files"] == memory["files"]


def _close(got: object, want: object) -> bool:
    """Equal JSON, numbers to 1e-12."""
    if isinstance(want, dict):
        assert isinstance(got, dict)
        assert set(got) == set(want)
        return all(_close(got[k], want[k]) for k in want)
    if isinstance(want, list):
        assert isinstance(got, list)
        assert len(got) == len(want)
        return all(_close(g, w) for g, w in zip(got, want, strict=True))
    if isinstance(want, float) and not isinstance(want, bool):
        assert got == pytest.approx(want, rel=1e-12, abs=1e-15)
        return True
    assert got == want
    return True


def test_auto_takes_duckdb_for_a_hive_partitioned_pattern(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Parquet files in month=…/ folders, named by a ** pattern: the demo's report again."""
    for path in sorted(DEMO.glob("*.csv"))[:8]:
        folder = tmp_path / "logs" / f"month={path.stem}"
        folder.mkdir(parents=True)
        pd.read_csv(path).to_parquet(folder / "part-0.parquet", index=False)
    pattern = str(tmp_path / "logs" / "**" / "*.parquet")
    code, auto = run(["--log", pattern], tmp_path / "a.json")
    err = capsys.readouterr().err
    assert ("No alert" in err) == (code == 0)
    memory_code, memory = run(
        ["--engine", "memory", *(x for p in sorted(DEMO.glob("*.csv"))[:8]
                                 for x in ("--data", str(p)))],
        tmp_path / "m.json",
    )  # fmt: skip
    assert code == memory_code
    _close(without_files(auto), without_files(memory))
    assert [f["rows"] for f in auto["files"]] == [f["rows"] for f in memory["files"]]  # type: ignore[attr-defined, index]
    assert [f["periods"] for f in auto["files"]] == [f["periods"] for f in memory["files"]]  # type: ignore[attr-defined, index]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--data", str(DEMO), "--data", str(DEMO), "--engine", "duckdb"], "monitors one log"),
        (["--data", str(DEMO), "--baseline-data", str(DEMO), "--engine", "duckdb"],
         "monitors one log"),
        (["--data", "no/such/*.parquet", "--engine", "duckdb"], "holds no files"),
        (["--data", str(DEMO / "2025-0[1-2].csv"), "--engine", "duckdb", "--baseline",
          "2024-01"], "baseline must be"),
    ],
)  # fmt: skip
def test_engine_bad_input_exits_2_with_a_message(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = main(["monitor", *args, *ROLES, "--out", str(tmp_path / "x.json")])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert "Traceback" not in err
