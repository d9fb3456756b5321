"""The command line on hostile input: exit 2 with a message, never a traceback or raw codes."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from fairness_core.cli import _main as cli
from fairness_core.data import check_audit_data, get_demo
from fairness_core.metrics import compute_subgroup_report
from fairness_core.models import MEMORY_LIMIT_ENV, TIME_LIMIT_ENV
from fairness_core.report import build_bundle, build_review, identify_data

ROOT = Path(__file__).resolve().parents[3]
LOAN = get_demo("loan")
CORPUS = ROOT / "tests" / "data" / "bad_inputs"


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
        *extra,
    ]


def test_replay_of_a_bundle_with_rows_1e999_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A row count of 1e999 is refused with a message (it was an OverflowError traceback)."""
    dataset = LOAN.load_test()
    audit = check_audit_data(dataset.frame, LOAN.roles)
    report = compute_subgroup_report(audit, attributes=["gender"], n_bootstrap=20)
    good = build_bundle(build_review(report, roles=LOAN.roles, data=identify_data(dataset, audit)))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "inputs.json":
                inputs = json.loads(content)
                inputs["data"]["rows"] = "ROWS"
                content = json.dumps(inputs).replace('"ROWS"', "1e999").encode()
            target.writestr(name, content)
    bundle = tmp_path / "huge.zip"
    bundle.write_bytes(out.getvalue())
    code, stdout, err = run(["replay", str(bundle), "--data", str(LOAN.test_path)], capsys)
    assert code == 2
    assert "Traceback" not in err + stdout
    assert "rows must be a whole number of rows, not inf" in err


def test_printed_file_names_carry_no_terminal_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Escape codes and bidi overrides in a file name are printed as their codes."""
    hostile = tmp_path / "\x1b[2K\x1b[1A1 values differ\u202e.csv"
    hostile.write_bytes(b"")
    code, _, err = run(_audit(hostile, "--score", "score"), capsys)
    assert code == 2
    assert "\x1b" not in err
    assert "\u202e" not in err
    assert "\\u001b[2K\\u001b[1A1 values differ\\u202e.csv" in err


def test_malformed_skops_type_name_never_becomes_a_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A type name with shell syntax is refused as malformed; no --trust-type is suggested."""
    code, _, err = run(
        _audit(LOAN.test_path, "--model", str(CORPUS / "type_name_shell.skops")), capsys
    )
    assert code == 2
    assert "(malformed: not a Python type name)" in err
    assert "--trust-type" not in err


def test_valid_untrusted_type_is_suggested_shell_quoted() -> None:
    """A valid type name is offered in a command, quoted for the shell all the same."""
    from fairness_core.models._skops import _untrusted_types_message

    message = _untrusted_types_message("m.skops", ["numpy.nan_to_num"])
    assert "`fairness-explorer app --trust-type numpy.nan_to_num`" in message
    message = _untrusted_types_message("m.skops", ["a.b", "x.y$(id)"])
    assert "--trust-type" not in message
    assert "- 'x.y$(id)' (malformed: not a Python type name)" in message


def test_model_time_limit_flag_stops_a_slow_model(capsys: pytest.CaptureFixture[str]) -> None:
    """--model-time-limit bounds loading the model; going past it is exit 2 with the remedy."""
    model = ROOT / "demo_data" / "loan" / "model.skops"
    code, _, err = run(
        _audit(LOAN.test_path, "--model", str(model), "--model-time-limit", "0.05"), capsys
    )
    assert code == 2
    assert "took longer than the time limit of 0.05 seconds while loading" in err
    assert "Traceback" not in err


def test_app_passes_the_model_limits_to_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """--model-time-limit and --model-memory-limit become the app's environment."""
    seen: dict[str, str] = {}

    def fake_serve(command: list[str], *, cwd: Path, env: dict[str, str]) -> int:
        seen.update(env)
        return 0

    monkeypatch.delenv(TIME_LIMIT_ENV, raising=False)
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "1234")
    monkeypatch.setattr(cli, "serve", fake_serve)
    assert cli.main(["app", "--model-time-limit", "9"]) == 0
    assert (seen[TIME_LIMIT_ENV], seen[MEMORY_LIMIT_ENV]) == ("9", "1234")
    assert cli.main(["app", "--model-memory-limit", "800"]) == 0
    assert seen[MEMORY_LIMIT_ENV] == "800"


def test_bad_limit_is_exit_2_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    """A limit that is not a positive number is explained, not a traceback."""
    code, _, err = run(
        _audit(LOAN.test_path, "--score", "score", "--model-time-limit", "0"), capsys
    )
    assert code == 2
    assert "must be a number of seconds greater than 0" in err


def test_nested_parquet_column_as_a_group_is_exit_2_with_the_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A Parquet list column named with --protected gets the plain message, exit 2."""
    args = ["audit", "--data", str(CORPUS / "nested_columns.parquet"), "--target", "y",
            "--positive-label", "1", "--score", "score", "--protected", "tags"]  # fmt: skip
    code, _, err = run(args, capsys)
    assert code == 2
    assert err == (
        "fairness-explorer audit: Column 'tags' holds lists or records (a nested Parquet "
        "column), not one value per row, so it cannot be the outcome, a decision, a score, a "
        "weight, a protected attribute or a feature. Choose another column, or flatten it "
        "into plain columns (one value per row) before exporting the file.\n"
    )


@pytest.mark.parametrize("fmt", ["md", "csv"])
def test_one_group_attribute_never_prints_a_traceback(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An attribute with a single group ends in exit 2 (or a report), never a traceback."""
    data = tmp_path / "one_group.csv"
    data.write_text("g,y,p\n" + "".join(f"a,{i % 2},{i // 2 % 2}\n" for i in range(40)))
    args = ["audit", "--data", str(data), "--target", "y", "--positive-label", "1",
            "--prediction", "p", "--protected", "g", "--format", fmt]  # fmt: skip
    code, out, err = run(args, capsys)
    assert code == 2, err
    assert "Traceback" not in out + err
    assert err.startswith("fairness-explorer audit: ")
    assert "g has only one group in this data ('a')" in err
