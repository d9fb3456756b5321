"""Findings and the operating-point record: validation and a lossless JSON round trip."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from fairness_core.errors import InvalidInputError
from fairness_core.report import (
    OperatingPointRecord,
    finding_from_dict,
    finding_to_dict,
    make_finding,
    operating_point_from_dict,
    operating_point_to_dict,
)
from fairness_core.report._findings import MAX_NOTE_CHARS, MAX_TABLE_ROWS


def _finding(**changes: object):  # type: ignore[no-untyped-def]
    arguments: dict[str, object] = {
        "title": "Selection rate by gender",
        "page": "Subgroups",
        "severity": "concern",
        "note": "  women are approved less often  ",
        "summary": "The rate of group female is 0.71 times that of male.",
        "data_name": "loan.csv",
        "data_sha256": "ab" * 32,
        "settings": {"protected attributes": ["gender", "race"], "minimum people": 30},
        "figure": '{"data": []}',
        "table": pd.DataFrame(
            {"group": ["female", "=cmd", "male"], "value": [0.41, np.nan, 0.58], "n": [10, 3, 12]}
        ),
    }
    arguments.update(changes)
    return make_finding(**arguments)  # type: ignore[arg-type]


def test_make_finding_cleans_text_and_formats_settings() -> None:
    finding = _finding()
    assert finding.note == "women are approved less often"
    assert finding.settings == {"protected attributes": "gender, race", "minimum people": "30"}
    assert len(finding.id) == 12
    assert finding.created.endswith("+00:00")
    assert _finding().id != finding.id


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"severity": "urgent"}, "severity must be one of info, concern, critical"),
        ({"title": "   "}, "needs a title"),
        ({"note": "x" * (MAX_NOTE_CHARS + 1)}, "Shorten it"),
    ],
)
def test_bad_findings_are_refused_with_advice(changes: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        _finding(**changes)


def test_large_tables_are_cut_to_the_limit() -> None:
    table = pd.DataFrame({"value": np.arange(MAX_TABLE_ROWS + 10)})
    assert len(_finding(table=table).table) == MAX_TABLE_ROWS


def test_finding_round_trips_through_json() -> None:
    finding = _finding()
    text = json.dumps(finding_to_dict(finding))
    back = finding_from_dict(json.loads(text))
    assert back == finding  # every field but the table
    pd.testing.assert_frame_equal(back.table, finding.table, check_dtype=False)
    assert back.table["group"].tolist() == ["female", "=cmd", "male"]


def test_finding_without_figure_or_table_round_trips() -> None:
    finding = _finding(figure=None, table=None)
    back = finding_from_dict(json.loads(json.dumps(finding_to_dict(finding))))
    assert back == finding
    assert back.table is None


def test_a_damaged_finding_is_refused_with_advice() -> None:
    data = finding_to_dict(_finding())
    data["severity"] = "maybe"
    with pytest.raises(InvalidInputError, match="export the findings again"):
        finding_from_dict(data)
    del data["title"]
    with pytest.raises(InvalidInputError, match="could not be read"):
        finding_from_dict(data)


def test_operating_point_round_trips_through_json() -> None:
    record = OperatingPointRecord(
        title="Equal opportunity",
        criterion="equal_opportunity",
        strategy="equal opportunity",
        randomized=False,
        thresholds=pd.DataFrame({"group": ["female", "male"], "threshold": [0.42, 0.55]}),
        per_group=pd.DataFrame({"group": ["female", "male"], "tpr": [0.8, 0.8]}),
        change_summary="+312 approvals for women, −95 for men per 10,000 decisions",
        rationale="Equal chances for qualified applicants",
        settings={"cost ratio": "1"},
    )
    back = operating_point_from_dict(json.loads(json.dumps(operating_point_to_dict(record))))
    assert back == record
    pd.testing.assert_frame_equal(back.thresholds, record.thresholds)
    pd.testing.assert_frame_equal(back.per_group, record.per_group)
    with pytest.raises(InvalidInputError, match="Record it again"):
        operating_point_from_dict({"title": "x"})
