"""--max-rows, --max-cells and --max-unpacked-mb: the data limits as command-line options."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from fairness_core.cli import _main as cli
from fairness_core.data import MAX_CELLS_ENV, MAX_ROWS_ENV, MAX_UNPACKED_MB_ENV, get_demo
from fairness_core.report import build_bundle, build_review, identify_data

LOAN = get_demo("loan")

SMALL_CSV = "gender,repaid,score\n" + "".join(
    f"{g},{i % 2},0.{i % 10}\n" for i, g in enumerate(["female", "male"] * 3)
)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _audit(data: Path, *extra: str) -> list[str]:
    return [
        "audit",
        "--data",
        str(data),
        "--target",
        "repaid",
        "--positive-label",
        "1",
        "--protected",
        "gender",
        "--score",
        "score",
        *extra,
    ]


@pytest.fixture
def small_csv(tmp_path: Path) -> Path:
    path = tmp_path / "six_rows.csv"
    path.write_text(SMALL_CSV, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _no_operator_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    for env in (MAX_ROWS_ENV, MAX_CELLS_ENV, MAX_UNPACKED_MB_ENV):
        monkeypatch.delenv(env, raising=False)


def test_max_rows_refuses_a_small_file_naming_the_option(
    small_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--max-rows 5 refuses a 6-row file with exit 2, naming --max-rows; the limit is undone."""
    code, _, err = run(_audit(small_csv, "--max-rows", "5"), capsys)
    assert code == 2
    # A CSV is counted by its lines (header and 6 rows) before it is parsed.
    assert "'six_rows.csv' has 7 lines, more than the limit of 5 rows" in err
    assert "(--max-rows when starting fairness-explorer, or FAIRNESS_EXPLORER_MAX_ROWS)" in err
    assert MAX_ROWS_ENV not in os.environ  # nothing leaks into the next command
    assert run(_audit(small_csv, "--max-rows", "6"), capsys)[0] == 0


def test_max_cells_refuses_a_small_file_naming_the_option(
    small_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """6 rows × 3 columns = 18 cells: over --max-cells 17, within 18."""
    code, _, err = run(_audit(small_csv, "--max-cells", "17"), capsys)
    assert code == 2
    assert "has 18 cells (6 rows × 3 columns), more than the limit of 17 cells" in err
    assert "--max-cells when starting fairness-explorer" in err
    assert run(_audit(small_csv, "--max-cells", "18"), capsys)[0] == 0


def test_max_unpacked_mb_refuses_an_xlsx_naming_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An .xlsx whose entries unpack past --max-unpacked-mb 1 is refused before parsing."""
    frame = pd.DataFrame({"gender": ["female", "male"] * 3, "repaid": [0, 1] * 3})
    frame["score"] = 0.5
    frame["pad"] = "x" * 30_000  # about 180 KB per column of text before compression…
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    with zipfile.ZipFile(buffer, "a") as archive:  # …and a 1.5 MB entry that zips to little
        archive.writestr("xl/padding.bin", b"\0" * 1_500_000, zipfile.ZIP_DEFLATED)
    path = tmp_path / "padded.xlsx"
    path.write_bytes(buffer.getvalue())
    code, _, err = run(_audit(path, "--max-unpacked-mb", "1"), capsys)
    assert code == 2
    assert "'padded.xlsx' unpacks to 2 MB, more than the limit of 1 MB" in err
    assert "--max-unpacked-mb when starting fairness-explorer" in err


def test_replay_applies_max_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """replay reads the data within --max-rows too (lines: the header and every row)."""
    from fairness_core.data import check_audit_data
    from fairness_core.metrics import compute_subgroup_report

    dataset = LOAN.load_test()
    audit = check_audit_data(dataset.frame, LOAN.roles)
    report = compute_subgroup_report(audit, attributes=["gender"], n_bootstrap=20)
    bundle = tmp_path / "bundle.zip"
    bundle.write_bytes(
        build_bundle(build_review(report, roles=LOAN.roles, data=identify_data(dataset, audit)))
    )
    args = ["replay", str(bundle), "--data", str(LOAN.test_path)]
    code, _, err = run([*args, "--max-rows", "100"], capsys)
    assert code == 2
    assert f"has {dataset.n_rows + 1:,} lines, more than the limit of 100 rows" in err
    assert "--max-rows when starting fairness-explorer" in err
    assert run([*args, "--max-rows", str(dataset.n_rows)], capsys)[0] == 0


def test_bad_limit_value_is_exit_2_naming_the_option(
    small_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """0 is not a limit: exit 2 with the option's name, never a traceback."""
    code, _, err = run(_audit(small_csv, "--max-rows", "0"), capsys)
    assert code == 2
    assert "must be a whole number greater than 0. Got 0 instead. Fix --max-rows" in err
    assert "Traceback" not in err


def test_app_passes_the_data_limits_to_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's options become the environment variables the server's loaders read."""
    seen: dict[str, str] = {}

    def fake_serve(command: list[str], *, cwd: Path, env: dict[str, str]) -> int:
        seen.clear()
        seen.update(env)
        return 0

    monkeypatch.setattr(cli, "serve", fake_serve)
    monkeypatch.setenv(MAX_CELLS_ENV, "777")  # the operator's environment is kept
    code = cli.main(["app", "--max-rows", "1000", "--max-unpacked-mb", "50"])
    assert code == 0
    assert (seen[MAX_ROWS_ENV], seen[MAX_CELLS_ENV], seen[MAX_UNPACKED_MB_ENV]) == (
        "1000",
        "777",
        "50",
    )
    assert cli.main(["app", "--max-cells", "0"]) == 2  # refused before the server starts
