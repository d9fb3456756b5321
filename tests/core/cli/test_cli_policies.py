"""`fairness-explorer audit --policy`: a user's policy file end to end, exit codes 0/1/2."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from fairness_core.cli import _main as cli
from fairness_core.cli._policies import builtin_policy_ids
from fairness_core.policies import builtin_policies
from tests.core.policies.hiring import rows

POLICY = """\
id = "acme"
name = "Acme hiring policy"
version = "2"
source = "Acme HR handbook"
summary = "Selection-rate ratio at least LINE."
not_covered = "Everything else."

[attributes]
sex = ["sex"]

[[requirements]]
id = "ratio"
title = "Selection-rate ratio at least LINE"
metric = "selection_rate"
kind = "ratio"
line = LINE
harmful = "lower"
attributes = ["sex"]
"""


@pytest.fixture
def hiring(tmp_path: Path) -> Path:
    """Women selected at 0.3, men at 0.45 (ratio 0.67), 400 people each."""
    frame = rows({("Women",): (120, 400), ("Men",): (180, 400)}, ("gender",))
    path = tmp_path / "hiring.csv"
    frame.to_csv(path, index=False)
    return path


def _policy(tmp_path: Path, line: str, text: str = POLICY) -> Path:
    path = tmp_path / "acme.toml"
    text = text.replace("line = LINE", f"line = {line}").replace("LINE", "the line")
    path.write_text(text, encoding="utf-8")
    return path


def _audit(data: Path, *extra: str) -> list[str]:
    return ["audit", "--data", str(data), "--target", "qualified", "--positive-label", "1",
            "--prediction", "hired", "--protected", "gender", *extra]  # fmt: skip


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_met_policy_exits_0_and_a_failed_one_1(hiring, tmp_path, capsys) -> None:
    """Line 0.6: met (exit 0); line 0.8: not met (exit 1); the JSON says which and why."""
    lenient = _policy(tmp_path, "0.6")
    code, out, err = run(_audit(hiring, "--policy", str(lenient),
                                "--policy-column", "sex=gender"), capsys)  # fmt: skip
    assert code == 0, err
    doc = json.loads(out)["policies"]
    assert doc["policies"][0]["status"] == "met"
    assert "Policy Acme hiring policy: met" in err
    strict = _policy(tmp_path, "0.8")
    code, out, err = run(_audit(hiring, "--policy", str(strict),
                                "--policy-column", "sex=gender"), capsys)  # fmt: skip
    assert code == 1
    entry = json.loads(out)["policies"]["policies"][0]["requirements"][0]
    assert entry["status"] == "not met"
    assert entry["attribute"] == "gender"
    assert entry["value"] == pytest.approx(0.3 / 0.45)
    assert "Women's impact ratio" in entry["reason"]
    assert "Policy Acme hiring policy: not met (gender: Women's" in err


def test_several_policies_and_the_built_ins(hiring, tmp_path, capsys) -> None:
    """A built-in and a file together; the gender column is suggested for 'sex'."""
    code, out, _ = run(_audit(hiring, "--policy", "four-fifths",
                              "--policy", str(_policy(tmp_path, "0.6"))), capsys)  # fmt: skip
    assert code == 1  # four-fifths: 0.67 is below 0.8 and significant
    statuses = {p["id"]: p["status"] for p in json.loads(out)["policies"]["policies"]}
    assert statuses == {"four-fifths": "not met", "acme": "not assessed"}


def test_a_bad_policy_file_exits_2_naming_key_and_line(hiring, tmp_path, capsys) -> None:
    """A malformed policy stops the audit with the key and the line, no traceback."""
    bad = _policy(tmp_path, '"high"')
    code, out, err = run(_audit(hiring, "--policy", str(bad)), capsys)
    assert code == 2
    assert out == ""
    assert "line 16, key requirements[1].line: must be a number. Got 'high'." in err
    assert "Traceback" not in err
    code, _, err = run(_audit(hiring, "--policy", "four-fifth"), capsys)
    assert code == 2
    assert "Did you mean 'four-fifths'?" in err
    code, _, err = run(_audit(hiring, "--policy", "four-fifths", "--policy-column", "sex"),
                       capsys)  # fmt: skip
    assert code == 2
    assert "ATTRIBUTE=COLUMN" in err
    code, _, err = run(_audit(hiring, "--policy", "four-fifths", "--policy-column",
                              "sex=nope"), capsys)  # fmt: skip
    assert code == 2
    assert "not a --protected column" in err


def test_markdown_and_csv_carry_a_policy_table(hiring, tmp_path, capsys) -> None:
    """--format md has a Policies section; csv a second table after an empty row."""
    code, out, _ = run(_audit(hiring, "--policy", "four-fifths", "--format", "md"), capsys)
    assert code == 1
    assert "## Policies" in out
    assert "| not met |" in out
    code, out, _ = run(_audit(hiring, "--policy", "four-fifths", "--format", "csv"), capsys)
    table = list(csv.reader(io.StringIO(out)))
    start = table.index([]) + 1
    assert table[start][:4] == ["policy", "requirement", "attribute", "status"]
    assert table[start + 1][:4] == ["four-fifths", "impact_ratio", "gender", "not met"]


def test_policies_command_lists_the_built_ins(capsys) -> None:
    """`fairness-explorer policies` prints each built-in id and source; --help names them."""
    code, out, _ = run(["policies"], capsys)
    assert code == 0
    for policy in builtin_policies().values():
        assert policy.id in out
        assert policy.source in out
    assert builtin_policy_ids() == tuple(sorted(builtin_policies()))
