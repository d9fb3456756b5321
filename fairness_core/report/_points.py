"""Several operating points side by side, one of them recommended.

A review can hold several *options* — recorded operating points such as "Option A: one
threshold", "Option B: equal-opportunity thresholds" or a retrained model — each an
:class:`~fairness_core.report.OperatingPointRecord` with its name (``title``), rationale and
a stable ``id``. :func:`compare_operating_points` lays them out side by side, one column per
option and one row per number: overall accuracy and its change from today, each group's
rates (selection rate, true and false positive rates, as recorded), the change in positive
decisions per 10,000 decisions per group and in all, and the warnings that apply.

The *recommended* option is the one the reviewer marked, with its rationale. Options
recorded on other data than the report describes (another SHA-256, or none recorded) are
kept apart (:func:`split_by_data`) and never lead the executive summary
(:func:`lead_operating_point`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from fairness_core.metrics import METRICS
from fairness_core.report._findings import OperatingPointRecord, new_operating_point_id

if TYPE_CHECKING:
    from fairness_core.tradeoffs import MitigationResult

__all__ = [
    "COMPARED_RATES",
    "OperatingPointComparison",
    "compare_operating_points",
    "lead_operating_point",
    "record_retrained_model",
    "same_operating_point",
    "split_by_data",
    "strategy_title",
]

#: Per-group rates compared side by side (those a record holds; in this order).
COMPARED_RATES = ("selection_rate", "true_positive_rate", "false_positive_rate")
#: Plain names of the strategies that are not one-click strategies.
_OTHER_STRATEGIES = {
    "frontier": "A point on the frontier",
    "mitigation": "Retrained model",
}
ACCURACY_ROW = "Accuracy (overall)"
ACCURACY_CHANGE_ROW = "Accuracy change from today"
CHANGE_PREFIX = "Change in positive decisions per 10,000"


@dataclass(frozen=True)
class OperatingPointComparison:
    """Options side by side: ``table`` has one row per number and one column per option.

    ``table``'s index holds the plain row titles ("Accuracy (overall)", "Selection rate:
    women", …) and its columns the options' names (made unique with " (2)", " (3)" when two
    options share a name), in the order given; ``ids`` are the options' ids in that order.
    ``kinds`` says what each row holds: ``"recommended"``, ``"strategy"``, ``"accuracy"``,
    ``"accuracy_change"``, ``"rate"``, ``"change"``, ``"warnings"`` or ``"data"``.
    """

    ids: tuple[str, ...]
    titles: tuple[str, ...]
    recommended: str | None
    kinds: tuple[str, ...]
    table: pd.DataFrame = field(repr=False, compare=False)

    def text(self) -> pd.DataFrame:
        """The table as text for reading: a "What" column, then one column per option."""
        rows = []
        for label, kind in zip(self.table.index, self.kinds, strict=True):
            row = {"What": str(label)}
            for title in self.titles:
                row[title] = _shown(self.table.at[label, title], kind)
            rows.append(row)
        return pd.DataFrame(rows, columns=["What", *self.titles])


def strategy_title(strategy: str) -> str:
    """The plain name of a record's strategy ("equal_opportunity" → "Equal opportunity")."""
    from fairness_core.tradeoffs import STRATEGIES

    if strategy in STRATEGIES:
        return STRATEGIES[strategy].title
    return _OTHER_STRATEGIES.get(strategy, strategy)


def _unique(titles: Sequence[str]) -> tuple[str, ...]:
    seen: dict[str, int] = {}
    out = []
    for title in titles:
        name = title or "Unnamed option"
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return tuple(out)


def _overall(record: OperatingPointRecord, column: str) -> float:
    frame = record.overall
    if frame is None or "measure" not in frame or column not in frame:
        return math.nan
    rows = frame[frame["measure"] == "accuracy"]
    if rows.empty:
        return math.nan
    value = pd.to_numeric(rows[column], errors="coerce").iloc[0]
    return float(value) if pd.notna(value) else math.nan


def _by_group(record: OperatingPointRecord, column: str) -> dict[str, float]:
    frame = record.per_group
    if "group" not in frame or column not in frame:
        return {}
    values = pd.to_numeric(frame[column], errors="coerce")
    return {str(g): float(v) for g, v in zip(frame["group"], values, strict=True)}


def _warnings(record: OperatingPointRecord) -> str:
    from fairness_core.report._findings import operating_point_warnings

    words = []
    if record.degenerate:
        words.append("degenerate (hardly uses the scores)")
    if record.group_specific:
        words.append("group-specific thresholds (uses the protected attribute)")
    if record.randomized:
        words.append("randomized decisions")
    others = len(operating_point_warnings(record)) - len(words)
    if others > 0 and not words:
        words.append(f"{others} warning{'s' if others > 1 else ''}, see below")
    return "; ".join(words) or "none"


def compare_operating_points(
    records: Sequence[OperatingPointRecord], *, recommended: str | None = None
) -> OperatingPointComparison:
    """The options side by side, read from each record's own numbers (see the class).

    Rates are the per-group values at each option; the change per 10,000 decisions is the
    record's per-group change, and "all groups" its sum. A number a record does not hold
    (an older record without overall accuracy, a rate not recorded) is missing (NaN).
    """
    titles = _unique([r.title for r in records])
    groups: list[str] = []
    for record in records:
        for name in record.per_group.get("group", pd.Series(dtype=object)):
            if str(name) not in groups:
                groups.append(str(name))
    rates = [r for r in COMPARED_RATES if any(r in rec.per_group for rec in records)]
    rows: list[tuple[str, str, Sequence[object]]] = []
    if recommended is not None and any(r.id == recommended for r in records):
        rows.append(
            ("Recommended", "recommended",
             ["Recommended" if r.id == recommended else "" for r in records])
        )  # fmt: skip
    rows.append(("Strategy", "strategy", [strategy_title(r.strategy) for r in records]))
    rows.append((ACCURACY_ROW, "accuracy", [_overall(r, "chosen") for r in records]))
    rows.append((ACCURACY_CHANGE_ROW, "accuracy_change", [_overall(r, "change") for r in records]))
    per_rate = {rate: [_by_group(r, rate) for r in records] for rate in rates}
    for rate in rates:
        for group in groups:
            values = [found.get(group, math.nan) for found in per_rate[rate]]
            rows.append((f"{METRICS[rate].title}: {group}", "rate", values))
    changes = [_by_group(r, "change_per_10000") for r in records]
    for group in groups:
        values = [found.get(group, math.nan) for found in changes]
        rows.append((f"{CHANGE_PREFIX}: {group}", "change", values))
    totals = [math.fsum(found.values()) if found else math.nan for found in changes]
    rows.append((f"{CHANGE_PREFIX}: all groups", "change", totals))
    rows.append(("Warnings", "warnings", [_warnings(r) for r in records]))
    rows.append(("Data", "data", [r.data_name or "not recorded" for r in records]))
    table = pd.DataFrame(
        [values for _, _, values in rows],
        index=pd.Index([label for label, _, _ in rows], name="What"),
        columns=list(titles),
        dtype=object,
    )
    return OperatingPointComparison(
        ids=tuple(r.id for r in records),
        titles=titles,
        recommended=recommended if any(r.id == recommended for r in records) else None,
        kinds=tuple(kind for _, kind, _ in rows),
        table=table,
    )


def _shown(value: object, kind: str) -> str:
    if isinstance(value, str):
        return value
    if value is None or not isinstance(value, (int, float)) or not math.isfinite(value):
        return "n/a"
    if kind == "change":
        return f"{value:+,.0f}"
    if kind == "accuracy_change":
        return f"{value:+.3f}"
    return f"{value:.3f}"


def same_operating_point(a: OperatingPointRecord, b: OperatingPointRecord) -> bool:
    """True when two records hold the same rule on the same data (recording it again).

    Same data (SHA-256), strategy, criterion and exact rules per group; records without
    exact rules (a retrained model) are the same when their strategy and settings match.
    """
    if (a.data_sha256, a.strategy, a.criterion) != (b.data_sha256, b.strategy, b.criterion):
        return False
    if a.rules or b.rules:
        return [_rule_key(r) for r in a.rules] == [_rule_key(r) for r in b.rules]
    return dict(a.settings) == dict(b.settings)


def _rule_key(rule: Mapping[str, Any]) -> tuple[str, tuple[float, ...], tuple[float, ...]]:
    return (
        str(rule["group"]),
        tuple(float(v) for v in rule["thresholds"]),
        tuple(float(v) for v in rule["probabilities"]),
    )


def split_by_data(
    records: Sequence[OperatingPointRecord], data_sha256: str
) -> tuple[tuple[OperatingPointRecord, ...], tuple[OperatingPointRecord, ...]]:
    """(options recorded on this data, options from other data or with no data recorded)."""
    this = tuple(r for r in records if r.data_sha256 and r.data_sha256 == data_sha256)
    other = tuple(r for r in records if not (r.data_sha256 and r.data_sha256 == data_sha256))
    return this, other


def lead_operating_point(
    records: Sequence[OperatingPointRecord], recommended: str | None, data_sha256: str
) -> OperatingPointRecord | None:
    """The option the executive summary states: the recommended one, else the only one.

    Only options recorded on the report's data count; None when there is no such option, or
    several and none of them recommended.
    """
    this, _ = split_by_data(records, data_sha256)
    for record in this:
        if recommended is not None and record.id == recommended:
            return record
    return this[0] if len(this) == 1 else None


def record_retrained_model(
    result: MitigationResult,
    label: str,
    *,
    title: str,
    rationale: str,
    data_name: str,
    data_sha256: str,
    created: str = "",
    settings: Mapping[str, object] | None = None,
) -> OperatingPointRecord:
    """A retrained model from the mitigation panel as an option to compare.

    ``label`` names the model in ``result.points``. Its per-group rates come from
    ``result.by_group``; the change per 10,000 decisions is each group's change in
    favourable decisions from the original model, over all the test rows; ``overall``
    holds accuracy and balanced accuracy against the original model's.
    """
    from fairness_core.errors import InvalidInputError
    from fairness_core.tradeoffs import MITIGATION_CRITERIA

    points = result.points.set_index("label")
    if label not in points.index or str(points.at[label, "kind"]) == "original":
        raise InvalidInputError(
            f"'{label}' is not a retrained model of this run. Choose one of "
            + ", ".join(str(x) for x in points.index[points["kind"] != "original"])
            + "."
        )
    original = str(points.index[points["kind"] == "original"][0])
    wide = result.by_group.pivot_table(
        index=["label", "group"], columns="metric", values="value", sort=False
    )
    sizes = result.by_group.drop_duplicates(["label", "group"]).set_index(["label", "group"])["n"]
    groups = list(dict.fromkeys(result.by_group.loc[result.by_group["label"] == label, "group"]))
    total = float(sum(sizes[(label, g)] for g in groups))
    rows = []
    for group in groups:
        n = int(sizes[(label, group)])
        row: dict[str, object] = {"group": group, "n": n}
        for metric in wide.columns:
            row[str(metric)] = _float(wide.at[(label, group), metric])
        before = _float(wide.at[(original, group), "selection_rate"])
        row["today_selection_rate"] = before
        after = _float(wide.at[(label, group), "selection_rate"])
        row["change_per_10000"] = (after - before) * n / total * 10_000 if total else math.nan
        rows.append(row)
    per_group = pd.DataFrame(rows)
    overall = pd.DataFrame(
        {
            "measure": ["accuracy", "balanced_accuracy"],
            "today": [_float(points.at[original, m]) for m in ("accuracy", "balanced_accuracy")],
            "chosen": [_float(points.at[label, m]) for m in ("accuracy", "balanced_accuracy")],
        }
    )
    overall["change"] = overall["chosen"] - overall["today"]
    changes = ", ".join(f"{row['change_per_10000']:+,.0f} for {row['group']}" for row in rows)
    accuracy = overall.iloc[0]
    summary = (
        f"Per 10,000 decisions, the retrained model '{label}' against the original: "
        f"{changes} favourable decisions; accuracy {accuracy['chosen']:.1%} "
        f"(was {accuracy['today']:.1%}), on {int(total):,} test rows."
    )
    cut = result.threshold
    thresholds = pd.DataFrame(
        {
            "group": groups,
            "threshold": [cut] * len(groups),
            "note": [f"the retrained model's score of {cut:g} or more: yes; lower: no"]
            * len(groups),
        }
    )
    return OperatingPointRecord(
        title=title,
        criterion=str(result.criterion),
        strategy="mitigation",
        randomized="exponentiated" in label.lower(),
        thresholds=thresholds,
        per_group=per_group,
        change_summary=summary,
        rationale=rationale,
        settings={
            "model": label,
            "criterion": MITIGATION_CRITERIA.get(result.criterion, str(result.criterion)),
            **{str(k): str(v) for k, v in (settings or {}).items()},
        },
        created=created,
        data_name=data_name,
        data_sha256=data_sha256,
        warnings=tuple(result.notes),
        id=new_operating_point_id(),
        overall=overall,
    )


def _float(value: Any) -> float:
    """A table cell as a float (pandas types its cells loosely)."""
    return float(value)
