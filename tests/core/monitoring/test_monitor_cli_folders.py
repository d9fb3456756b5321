"""`fairness-explorer monitor` on folders with sub-folders, on 1-10 risk scores, and over the
row limit: the memory path reads what DuckDB reads, and the messages name monitor's options."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from fairness_core.cli import main

DEMO = Path(__file__).resolve().parents[3] / "demo_data" / "monitoring" / "decisions"
OUTCOME = ["--target", "repaid", "--positive-label", "1", "--protected", "race"]
MONTHS = sorted(DEMO.glob("*.csv"))[:6]


def run(args: list[str], out: Path) -> tuple[int, dict[str, object]]:
    code = main(["monitor", *args, *OUTCOME, "--out", str(out)])
    return code, json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}


def same_report(got: dict[str, object], want: dict[str, object]) -> None:
    """Equal JSON but the file list (named differently by each engine), numbers to 1e-12."""
    got = {k: v for k, v in got.items() if k != "files"}
    want = {k: v for k, v in want.items() if k != "files"}
    assert json.loads(json.dumps(got), parse_float=lambda t: round(float(t), 12)) == json.loads(
        json.dumps(want), parse_float=lambda t: round(float(t), 12)
    )


def hive_folder(root: Path) -> Path:
    """year=2025/month=MM/part-0.parquet: the period only in the folder names."""
    for path in MONTHS:
        folder = root / "year=2025" / f"month={path.stem}"
        folder.mkdir(parents=True)
        pd.read_csv(path).to_parquet(folder / "part-0.parquet", index=False)
    return root


def test_memory_reads_hive_sub_folders_and_their_partition_columns_as_duckdb(
    tmp_path: Path,
) -> None:
    """The month exists only as a partition folder: memory and DuckDB give the same report."""
    logs = hive_folder(tmp_path / "logs")
    args = ["--data", str(logs), "--period-column", "month", "--score", "score"]
    memory_code, memory = run([*args, "--engine", "memory"], tmp_path / "m.json")
    duck_code, duck = run([*args, "--engine", "duckdb"], tmp_path / "d.json")
    assert memory_code == duck_code != 2
    assert [p["period"] for p in memory["periods"]] == [p.stem for p in MONTHS]  # type: ignore[attr-defined, index]
    same_report(memory, duck)
    assert [f["rows"] for f in memory["files"]] == [f["rows"] for f in duck["files"]]  # type: ignore[attr-defined, index]


def test_memory_reads_every_file_of_a_folder_with_sub_folders(tmp_path: Path) -> None:
    """Three months at the top, three in archive/: all six, as DuckDB reads them."""
    logs = tmp_path / "logs"
    (logs / "archive").mkdir(parents=True)
    for i, path in enumerate(MONTHS):
        target = logs / path.name if i % 2 else logs / "archive" / path.name
        target.write_bytes(path.read_bytes())
    args = ["--data", str(logs), "--time-column", "decided_at", "--score", "score"]
    memory_code, memory = run([*args, "--engine", "memory"], tmp_path / "m.json")
    duck_code, duck = run([*args, "--engine", "duckdb"], tmp_path / "d.json")
    assert memory_code == duck_code != 2
    assert len(memory["periods"]) == len(MONTHS)  # type: ignore[arg-type]
    same_report(memory, duck)


def risk_log(tmp_path: Path) -> Path:
    """The demo months with a 1-10 risk score (10 = least favourable) beside the 0-1 score."""
    frame = pd.concat([pd.read_csv(p) for p in MONTHS], ignore_index=True)
    frame["risk"] = 1 + 9 * (1 - frame["score"])
    path = tmp_path / "log.parquet"
    frame.to_parquet(path, index=False)
    return path


def test_monitor_takes_the_score_scale_as_audit_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 1-10 risk score: the message names --score-range, which monitor then takes, and
    every engine gives the report of the same score on 0 to 1."""
    log = risk_log(tmp_path)
    base = ["--data", str(log), "--time-column", "decided_at"]
    code, _ = run([*base, "--score", "risk"], tmp_path / "x.json")
    err = capsys.readouterr().err
    assert code == 2
    assert "with --score-range " in err
    assert "cannot be monitored yet" in err
    assert "Data & model page" not in err
    risk = [*base, "--score", "risk", "--score-range", "1", "10", "--higher-score-unfavourable"]
    memory_code, memory = run([*risk, "--engine", "memory"], tmp_path / "m.json")
    duck_code, duck = run([*risk, "--engine", "duckdb"], tmp_path / "d.json")
    plain_code, plain = run([*base, "--score", "score", "--engine", "memory"], tmp_path / "p.json")
    assert memory_code == duck_code == plain_code != 2
    same_report(memory, duck)
    assert memory["alerts"] == plain["alerts"]
    assert memory["periods"] == plain["periods"]


def test_score_range_without_score_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = risk_log(tmp_path)
    code, _ = run(
        ["--data", str(log), "--time-column", "decided_at", "--prediction", "repaid",
         "--score-range", "1", "10"], tmp_path / "x.json",
    )  # fmt: skip
    assert code == 2
    assert "no --score was given" in capsys.readouterr().err


def test_memory_checks_the_row_limit_on_the_whole_folder_and_points_to_duckdb(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every file is under --max-rows, the folder is not: memory refuses and names DuckDB,
    which monitors the same folder."""
    logs = tmp_path / "logs"
    logs.mkdir()
    rows = 0
    for path in MONTHS:
        (logs / path.name).write_bytes(path.read_bytes())
        rows += len(pd.read_csv(path))
    largest = max(len(pd.read_csv(p)) for p in MONTHS)
    limit = ["--max-rows", str(largest + 1)]
    args = ["--data", str(logs), "--time-column", "decided_at", "--score", "score", *limit]
    code, _ = run([*args, "--engine", "memory"], tmp_path / "m.json")
    err = capsys.readouterr().err
    assert code == 2
    assert f"{rows:,} rows" in err
    assert "--engine duckdb" in err
    duck_code, _ = run([*args, "--engine", "duckdb"], tmp_path / "d.json")
    assert duck_code != 2


def test_audit_over_the_row_limit_points_to_duckdb(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data.csv"
    data.write_bytes(MONTHS[0].read_bytes())
    code = main(
        ["audit", "--data", str(data), "--max-rows", "100", "--target", "repaid",
         "--positive-label", "1", "--score", "score", "--protected", "race"]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert "--engine duckdb" in err
