"""Findings: what a reviewer pinned during a review, and the operating point they chose.

A *finding* is one pinned view — a chart and/or the table behind it — with the reviewer's
note and a severity. The *operating point record* is the decision rule chosen on the
Trade-offs page (per-group thresholds) with its consequences and the rationale. Both are
plain frozen values that the Report page, every export and the audit bundle read; they
round-trip through JSON (:func:`finding_to_dict` / :func:`finding_from_dict`), so a bundle
carries exactly what the reviewer saw.

Severities, in increasing order: ``info`` (worth knowing), ``concern`` (needs a look or a
decision), ``critical`` (blocks release until addressed).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, cast

import pandas as pd

from fairness_core.errors import InvalidInputError

__all__ = [
    "SEVERITIES",
    "SEVERITY_TITLES",
    "Finding",
    "OperatingPointRecord",
    "Severity",
    "finding_from_dict",
    "finding_to_dict",
    "make_finding",
    "new_operating_point_id",
    "operating_point_from_dict",
    "operating_point_to_dict",
]

Severity = Literal["info", "concern", "critical"]
SEVERITIES: tuple[Severity, ...] = ("info", "concern", "critical")
SEVERITY_TITLES: Mapping[str, str] = {
    "info": "Info — worth knowing",
    "concern": "Concern — needs a look or a decision",
    "critical": "Critical — blocks release until addressed",
}
#: Longest note kept, in characters (a note is a paragraph, not a document).
MAX_NOTE_CHARS = 5_000
#: Most table rows kept with a finding (the export shows them all; a pin is not a dump).
MAX_TABLE_ROWS = 2_000


@dataclass(frozen=True)
class Finding:
    """One pinned view with the reviewer's note.

    ``figure`` is the plotly figure as JSON text (``Figure.to_json()``), so it needs no
    plotly object to store or compare; ``table`` is the data behind the view. ``settings``
    are the page settings that produced it (attributes, metric, reference, …) as text.
    ``data_name``/``data_sha256`` say which data it was computed on: findings survive loading
    other data, and the report says when they came from different files.
    """

    id: str
    title: str
    page: str
    severity: Severity
    note: str
    summary: str
    created: str
    data_name: str
    data_sha256: str
    settings: Mapping[str, str] = field(default_factory=dict)
    figure: str | None = field(default=None, repr=False)
    table: pd.DataFrame | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class OperatingPointRecord:
    """The decision rule chosen on the Trade-offs page, with what it changes and why.

    ``thresholds`` has one row per group (``group``, ``threshold`` and, for randomized
    rules, the second threshold and mixing probability, plus a plain ``note``);
    ``per_group`` holds each group's metrics at this point with intervals;
    ``change_summary`` states the change from today per 10,000 decisions.

    ``rules`` keeps each group's rule exactly, as plain values: ``group``, ``thresholds``
    (ascending), ``probabilities`` (the mixing probability of each threshold) and
    ``sentence``. ``warnings`` are the sentences shown with the point (degenerate, fitted on
    too few people, the protected attribute used at decision time); ``degenerate`` and
    ``group_specific`` say which apply. Records written before these fields existed read
    back with none of them.

    ``id`` names the record among several (a stable hex string; "" in records written
    before a review could hold several); ``title`` is its name ("Option A: one threshold").
    ``overall`` holds the measures over everyone (``measure``: accuracy, balanced accuracy,
    …; ``today``, ``chosen``, ``change``), or None in records written without it.
    """

    title: str
    criterion: str
    strategy: str
    randomized: bool
    thresholds: pd.DataFrame = field(repr=False, compare=False)
    per_group: pd.DataFrame = field(repr=False, compare=False)
    change_summary: str
    rationale: str
    settings: Mapping[str, str] = field(default_factory=dict)
    created: str = ""
    data_name: str = ""
    data_sha256: str = ""
    rules: tuple[Mapping[str, Any], ...] = field(default=(), compare=False)
    warnings: tuple[str, ...] = ()
    degenerate: bool = False
    group_specific: bool = False
    id: str = ""
    overall: pd.DataFrame | None = field(default=None, repr=False, compare=False)


def new_operating_point_id() -> str:
    """A fresh, stable id for an operating point record (32 hex characters)."""
    return uuid.uuid4().hex


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _text_settings(settings: Mapping[str, object] | None) -> dict[str, str]:
    """Settings as text: values that are sequences are joined, others formatted with str()."""
    out: dict[str, str] = {}
    for key, value in (settings or {}).items():
        if isinstance(value, (list, tuple)):
            out[str(key)] = ", ".join(str(v) for v in value)
        else:
            out[str(key)] = str(value)
    return out


def make_finding(
    *,
    title: str,
    page: str,
    severity: str = "info",
    note: str = "",
    summary: str = "",
    data_name: str,
    data_sha256: str,
    settings: Mapping[str, object] | None = None,
    figure: str | None = None,
    table: pd.DataFrame | None = None,
) -> Finding:
    """A new finding with a fresh id and the current time; checks severity and sizes."""
    if severity not in SEVERITIES:
        raise InvalidInputError(
            f"A finding's severity must be one of {', '.join(SEVERITIES)}. Got {severity!r}."
        )
    if not title.strip():
        raise InvalidInputError("A finding needs a title. Type a few words saying what it shows.")
    if len(note) > MAX_NOTE_CHARS:
        raise InvalidInputError(
            f"The note is {len(note):,} characters long; the limit is {MAX_NOTE_CHARS:,}. "
            "Shorten it, or keep the long text in a document and refer to it."
        )
    if table is not None:
        table = table.head(MAX_TABLE_ROWS).reset_index(drop=True).copy()
    return Finding(
        id=uuid.uuid4().hex[:12],
        title=title.strip(),
        page=page,
        severity=cast(Severity, severity),
        note=note.strip(),
        summary=summary,
        created=_now(),
        data_name=data_name,
        data_sha256=data_sha256,
        settings=_text_settings(settings),
        figure=figure,
        table=table,
    )


def _table_to_json(table: pd.DataFrame | None) -> Any:
    if table is None:
        return None
    # pandas' "split" orientation keeps column order and turns NaN into null.
    return json.loads(table.to_json(orient="split", index=False, date_format="iso"))


def _table_from_json(data: Any) -> pd.DataFrame | None:
    """The table :func:`_table_to_json` wrote, cells kept as written (no type guessing)."""
    if data is None:
        return None
    if not isinstance(data, Mapping):
        raise ValueError("a table must be an object with columns and data")
    columns, rows = data.get("columns"), data.get("data")
    if not isinstance(columns, list) or not isinstance(rows, list):
        raise ValueError("a table needs a list of columns and a list of rows")
    if len(rows) > MAX_TABLE_ROWS:
        raise ValueError(f"a table holds more than {MAX_TABLE_ROWS:,} rows")
    plain = (str, int, float, bool, type(None))
    for row in rows:
        if not isinstance(row, list) or len(row) != len(columns):
            raise ValueError("a table row does not match its columns")
        if not all(isinstance(cell, plain) for cell in row):
            raise ValueError("a table cell is not text or a number")
    return pd.DataFrame(rows, columns=[str(c) for c in columns])


def _figure_text(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ValueError("a finding's figure must be plotly JSON text")
    return value


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    """A JSON-ready dict of a finding (the figure stays JSON text)."""
    return {
        "id": finding.id,
        "title": finding.title,
        "page": finding.page,
        "severity": finding.severity,
        "note": finding.note,
        "summary": finding.summary,
        "created": finding.created,
        "data_name": finding.data_name,
        "data_sha256": finding.data_sha256,
        "settings": dict(finding.settings),
        "figure": finding.figure,
        "table": _table_to_json(finding.table),
    }


def finding_from_dict(data: Mapping[str, Any]) -> Finding:
    """The finding :func:`finding_to_dict` wrote."""
    try:
        severity = data["severity"]
        if severity not in SEVERITIES:
            raise ValueError(f"unknown severity {severity!r}")
        return Finding(
            id=str(data["id"]),
            title=str(data["title"]),
            page=str(data["page"]),
            severity=severity,
            note=str(data["note"]),
            summary=str(data["summary"]),
            created=str(data["created"]),
            data_name=str(data["data_name"]),
            data_sha256=str(data["data_sha256"]),
            settings={str(k): str(v) for k, v in dict(data.get("settings") or {}).items()},
            figure=_figure_text(data.get("figure")),
            table=_table_from_json(data.get("table")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInputError(
            f"A saved finding could not be read ({exc}). The file was changed or comes from "
            "another program; export the findings again from the app."
        ) from None


def operating_point_to_dict(record: OperatingPointRecord) -> dict[str, Any]:
    """A JSON-ready dict of an operating point record."""
    return {
        "id": record.id,
        "title": record.title,
        "criterion": record.criterion,
        "strategy": record.strategy,
        "randomized": record.randomized,
        "thresholds": _table_to_json(record.thresholds),
        "per_group": _table_to_json(record.per_group),
        "change_summary": record.change_summary,
        "rationale": record.rationale,
        "settings": dict(record.settings),
        "created": record.created,
        "data_name": record.data_name,
        "data_sha256": record.data_sha256,
        # Floats as Python writes them (shortest exact form), unlike the tables above.
        "rules": [_rule_to_json(rule) for rule in record.rules],
        "warnings": list(record.warnings),
        "degenerate": record.degenerate,
        "group_specific": record.group_specific,
        "overall": _table_to_json(record.overall),
    }


def operating_point_warnings(record: OperatingPointRecord) -> tuple[str, ...]:
    """The warnings to print with a recorded point.

    A record written before warnings were recorded gets the disparate-treatment sentence
    whenever its strategy gives groups their own rules (all but one threshold for everyone).
    """
    if record.warnings or record.strategy == "single_threshold":
        return record.warnings
    if record.group_specific or record.randomized or not record.rules:
        from fairness_core.tradeoffs import DISPARATE_TREATMENT_NOTE

        return (DISPARATE_TREATMENT_NOTE,)
    return ()


def exact_rule_lines(record: OperatingPointRecord) -> list[str]:
    """One line per group with its exact thresholds and mixing probabilities."""
    lines = []
    for rule in record.rules:
        pairs = [
            f"{t!r} with probability {p!r}"
            for t, p in zip(rule["thresholds"], rule["probabilities"], strict=True)
        ]
        used = "; ".join(pairs) if pairs else "no threshold (nobody gets the positive decision)"
        lines.append(f"{rule['group']}: {used}. In words: {rule['sentence']}.")
    return lines


def _rule_to_json(rule: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "group": str(rule["group"]),
        "thresholds": [float(v) for v in rule["thresholds"]],
        "probabilities": [float(v) for v in rule["probabilities"]],
        "sentence": str(rule["sentence"]),
    }


def operating_point_from_dict(data: Mapping[str, Any]) -> OperatingPointRecord:
    """The record :func:`operating_point_to_dict` wrote."""
    try:
        thresholds = _table_from_json(data["thresholds"])
        per_group = _table_from_json(data["per_group"])
        if thresholds is None or per_group is None:
            raise ValueError("tables missing")
        return OperatingPointRecord(
            title=str(data["title"]),
            criterion=str(data["criterion"]),
            strategy=str(data["strategy"]),
            randomized=bool(data["randomized"]),
            thresholds=thresholds,
            per_group=per_group,
            change_summary=str(data["change_summary"]),
            rationale=str(data["rationale"]),
            settings={str(k): str(v) for k, v in dict(data.get("settings") or {}).items()},
            created=str(data.get("created", "")),
            data_name=str(data.get("data_name", "")),
            data_sha256=str(data.get("data_sha256", "")),
            rules=tuple(_rule_to_json(rule) for rule in data.get("rules") or ()),
            warnings=tuple(str(w) for w in data.get("warnings") or ()),
            degenerate=bool(data.get("degenerate", False)),
            group_specific=bool(data.get("group_specific", False)),
            id=str(data.get("id") or ""),
            overall=_table_from_json(data.get("overall")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInputError(
            f"The saved operating point could not be read ({exc}). Record it again on the "
            "Trade-offs page."
        ) from None
