"""`fairness-explorer replay`: exit 0 on identical numbers, 1 on differences, 2 when refused."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from fairness_core.cli import _main as cli
from fairness_core.data import check_audit_data, get_demo
from fairness_core.metrics import compute_subgroup_report
from fairness_core.report import build_bundle, build_review, identify_data

LOAN = get_demo("loan")


@pytest.fixture(scope="module")
def bundle_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dataset = LOAN.load_test()
    audit = check_audit_data(dataset.frame, LOAN.roles)
    report = compute_subgroup_report(audit, attributes=["gender"], n_bootstrap=100)
    review = build_review(report, roles=LOAN.roles, data=identify_data(dataset, audit))
    path = tmp_path_factory.mktemp("bundle") / "audit-bundle.zip"
    path.write_bytes(build_bundle(review))
    return path


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(["replay", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_identical_replay_exits_0(bundle_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run([str(bundle_file), "--data", str(LOAN.test_path)], capsys)
    assert code == 0, err
    assert "numbers match the bundle exactly" in out


def test_changed_numbers_exit_1(
    bundle_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bundle whose summary was edited replays to different numbers: exit 1, path named."""
    out_zip = io.BytesIO()
    with zipfile.ZipFile(bundle_file) as source, zipfile.ZipFile(out_zip, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "results.json":
                results = json.loads(content)
                results["summary"]["disparate_impact_ratio"] = 0.99
                content = json.dumps(results).encode()
            target.writestr(name, content)
    tampered = tmp_path / "tampered.zip"
    tampered.write_bytes(out_zip.getvalue())
    code, out, _ = run([str(tampered), "--data", str(LOAN.test_path)], capsys)
    assert code == 1
    assert "summary.disparate_impact_ratio: 0.99 in the bundle" in out


def test_changed_data_is_refused_with_exit_2(
    bundle_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changed = tmp_path / "test.csv"
    changed.write_bytes(LOAN.test_path.read_bytes() + b"\n")
    code, out, err = run([str(bundle_file), "--data", str(changed)], capsys)
    assert code == 2
    assert out == ""
    assert err.startswith("fairness-explorer replay: refused. The data file 'test.csv'")
    assert LOAN.load_test().sha256 in err
    assert "Traceback" not in err


@pytest.mark.parametrize("what", ["not a bundle", "missing file", "model without need"])
def test_bad_input_exits_2_with_a_message(
    what: str, bundle_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [str(bundle_file), "--data", str(LOAN.test_path)]
    if what == "not a bundle":
        args[0] = str(LOAN.test_path)
        expected = "not a zip archive"
    elif what == "missing file":
        args[2] = str(tmp_path / "nowhere.csv")
        expected = "cannot read"
    else:
        args += ["--model", str(LOAN.model_path)]
        expected = "used no model file"
    code, _, err = run(args, capsys)
    assert code == 2
    assert expected in err
