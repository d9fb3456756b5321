"""Count tables per period × group: the seam a larger-than-memory engine can fill.

:func:`check_monitoring_data` validates the log with the audit's own checks
(:func:`fairness_core.data.check_audit_data`) and keeps every row: rows whose outcome is not
known yet (*late outcomes*, an empty target cell) still count for the decisions.

:func:`compute_period_counts` counts once, in one vectorized pass, into arrays indexed
``[period, group, cell]``:

- ``known_*``: rows whose outcome is known, by confusion cell (tp, fp, fn, tn) — as row
  counts, sums of weights and sums of squared weights, as
  :class:`~fairness_core.metrics.GroupCounts` holds them;
- ``pending_*``: rows whose outcome is not known yet, by decision (positive, negative).

Every monitoring number comes from these tables (and, for score drift, from the scores),
never from the rows again. An engine that runs ``GROUP BY period, group, outcome known,
outcome, decision`` with ``count(*)``, ``sum(w)`` and ``sum(w*w)`` (DuckDB over files larger
than memory, Spark) can fill a :class:`PeriodCounts` and nothing downstream changes. A
period's :class:`~fairness_core.metrics.GroupCounts` for the subgroup report is a slice of it:
:meth:`PeriodCounts.decisions` (all rows; only the decision split is meaningful, rows without
an outcome sit in the negative-outcome cells) and :meth:`PeriodCounts.outcomes` (rows with a
known outcome).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from fairness_core.data import AuditData, ColumnRoles, GroupColumn, check_audit_data
from fairness_core.errors import InvalidInputError, Problem
from fairness_core.metrics import GroupCounts, combine_group_codes, decode_group_labels
from fairness_core.monitoring._log import DecisionLog, LogFile

__all__ = [
    "MonitoringData",
    "PeriodCounts",
    "check_monitoring_data",
    "compute_period_counts",
    "data_notes",
    "group_codes",
]

#: The stand-in target column when the log has no outcome column.
_DECISION_AS_TARGET = "(decision)"
_ALL_ROWS = "(all rows)"


@dataclass(frozen=True)
class MonitoringData:
    """A validated log: per-row arrays aligned with ``log.frame``.

    ``outcome_known`` is False for rows whose outcome has not arrived (their ``y_true`` is
    a placeholder and never used); with no outcome column at all, ``has_outcome`` is False.
    ``period_codes`` index ``log.periods``.
    """

    log: DecisionLog
    roles: ColumnRoles
    period_codes: np.ndarray = field(repr=False, compare=False)
    groups: tuple[GroupColumn, ...]
    y_pred: np.ndarray = field(repr=False, compare=False)
    y_true: np.ndarray = field(repr=False, compare=False)
    outcome_known: np.ndarray = field(repr=False, compare=False)
    y_score: np.ndarray | None = field(repr=False, compare=False)
    sample_weight: np.ndarray | None = field(repr=False, compare=False)
    has_outcome: bool = True
    warnings: tuple[str, ...] = ()

    @property
    def periods(self) -> tuple[str, ...]:
        """Period labels in time order."""
        return self.log.periods

    @property
    def files(self) -> tuple[LogFile, ...]:
        """The files the rows came from."""
        return self.log.files

    def audit_data(self, mask: np.ndarray) -> AuditData:
        """The rows under ``mask`` as :class:`~fairness_core.data.AuditData` (for checks)."""
        return AuditData(
            frame=self.log.frame.loc[mask].reset_index(drop=True),
            roles=self.roles,
            positive_label=1,
            y_true=self.y_true[mask],
            y_pred=self.y_pred[mask],
            y_score=None if self.y_score is None else self.y_score[mask],
            sample_weight=None if self.sample_weight is None else self.sample_weight[mask],
            groups=tuple(
                GroupColumn(g.name, g.labels, g.codes[mask], g.binned) for g in self.groups
            ),
        )


def check_monitoring_data(log: DecisionLog, roles: ColumnRoles) -> MonitoringData:
    """Validate the log under ``roles`` (as ``audit`` does) and keep rows without an outcome.

    ``roles.target`` may be ``""``: the log then has decisions only, and only
    selection-rate metrics can be monitored.
    """
    frame = log.frame
    has_outcome = bool(roles.target)
    notes: list[str] = []
    if has_outcome:
        if roles.target not in frame.columns:
            check_audit_data(frame, roles)  # raises the audit's own "missing column" message
        known = frame[roles.target].notna().to_numpy()
        if not known.any():
            raise InvalidInputError(
                f"No row has an outcome in the target column '{roles.target}' yet. Expected "
                "the true outcome for at least some rows. Leave out the target (--target) to "
                "monitor decisions only, or add the outcomes that are known."
            )
        filled = frame.copy()
        first_known = frame[roles.target][known].iloc[0]
        filled[roles.target] = frame[roles.target].where(known, first_known)
        checked = check_audit_data(filled, roles)
    else:
        filled = frame.copy()
        if roles.source == "score" and roles.score and roles.score in frame.columns:
            scores = pd.to_numeric(frame[roles.score], errors="coerce")
            filled[_DECISION_AS_TARGET] = (scores >= roles.threshold).astype("int8")
            stand_in = replace(roles, target=_DECISION_AS_TARGET, positive_label=1)
        elif roles.prediction and roles.prediction in frame.columns:
            filled[_DECISION_AS_TARGET] = frame[roles.prediction]
            stand_in = replace(roles, target=_DECISION_AS_TARGET)
        else:
            stand_in = replace(roles, target=_DECISION_AS_TARGET)
            filled[_DECISION_AS_TARGET] = 0
        checked = check_audit_data(filled, stand_in)
        known = np.zeros(len(frame), dtype=bool)
    index = {label: i for i, label in enumerate(log.periods)}
    codes = np.fromiter((index[p] for p in log.period_of_row), dtype=np.int64, count=log.n_rows)
    notes += data_notes(has_outcome, int(known.sum()), len(known), checked.warnings)
    return MonitoringData(
        log=log,
        roles=roles,
        period_codes=codes,
        groups=checked.groups,
        y_pred=checked.y_pred,
        y_true=np.where(known, checked.y_true, 0).astype(np.int8),
        outcome_known=known,
        y_score=checked.y_score,
        sample_weight=checked.sample_weight,
        has_outcome=has_outcome,
        warnings=tuple(notes),
    )


def data_notes(
    has_outcome: bool, n_known: int, n_rows: int, problems: Sequence[Problem]
) -> list[str]:
    """The report's notes on a validated log: late outcomes, no outcome column, and the
    validation warnings (shared by every engine, so each says the same)."""
    notes = []
    if has_outcome and n_known < n_rows:
        notes.append(
            f"The outcome is known for {n_known:,} of {n_rows:,} rows; "
            "error-rate metrics use those rows, selection rates use every row."
        )
    if not has_outcome:
        notes.append("The log has no outcome column: only selection rates are monitored.")
    return notes + [p.message() for p in problems if p.code != "target_one_class"]


@dataclass(frozen=True)
class PeriodCounts:
    """Count tables indexed ``[period, group, …]`` (see the module docstring)."""

    periods: tuple[str, ...]
    attributes: tuple[str, ...]
    labels: tuple[tuple[str, ...], ...]
    known_cells: np.ndarray = field(repr=False, compare=False)
    known_weighted: np.ndarray = field(repr=False, compare=False)
    known_squared: np.ndarray = field(repr=False, compare=False)
    pending_cells: np.ndarray = field(repr=False, compare=False)
    pending_weighted: np.ndarray = field(repr=False, compare=False)
    pending_squared: np.ndarray = field(repr=False, compare=False)
    weighted: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        """Display name per group: its labels joined with " · "."""
        return tuple(" · ".join(labels) for labels in self.labels)

    def decisions(self, period: int | None = None, *, keep_empty: bool = False) -> GroupCounts:
        """All rows of one period (None: every period) as group counts.

        Rows whose outcome is not known are counted in the negative-outcome cells (fp, tn)
        by their decision, so only decision-based metrics (selection rate, count, share)
        may be read from these counts.
        """
        cells = self._take(self.known_cells, period) + self._spread(
            self._take(self.pending_cells, period)
        )
        weighted = self._take(self.known_weighted, period) + self._spread(
            self._take(self.pending_weighted, period)
        )
        squared = self._take(self.known_squared, period) + self._spread(
            self._take(self.pending_squared, period)
        )
        return self._counts(cells, weighted, squared, keep_empty)

    def outcomes(self, period: int | None = None, *, keep_empty: bool = False) -> GroupCounts:
        """Rows of one period (None: every period) whose outcome is known, as group counts."""
        return self._counts(
            self._take(self.known_cells, period),
            self._take(self.known_weighted, period),
            self._take(self.known_squared, period),
            keep_empty,
        )

    def n_rows(self) -> np.ndarray:
        """Rows per period × group."""
        return self.known_cells.sum(axis=-1) + self.pending_cells.sum(axis=-1)

    def n_known(self) -> np.ndarray:
        """Rows with a known outcome per period × group."""
        return self.known_cells.sum(axis=-1)

    @staticmethod
    def _take(table: np.ndarray, period: int | None) -> np.ndarray:
        return table.sum(axis=0) if period is None else table[period]

    @staticmethod
    def _spread(pending: np.ndarray) -> np.ndarray:
        """(groups, 2: positive, negative decision) → (groups, 4) cells with fp and tn."""
        out = np.zeros((*pending.shape[:-1], 4), dtype=pending.dtype)
        out[..., 1] = pending[..., 0]
        out[..., 3] = pending[..., 1]
        return out

    def _counts(
        self, cells: np.ndarray, weighted: np.ndarray, squared: np.ndarray, keep_empty: bool
    ) -> GroupCounts:
        keep = np.arange(len(self.labels)) if keep_empty else np.flatnonzero(cells.sum(axis=1) > 0)
        counts = GroupCounts(
            attributes=self.attributes,
            labels=tuple(self.labels[i] for i in keep),
            cells=cells[keep],
            weighted_cells=weighted[keep] if self.weighted else cells[keep].astype(np.float64),
            squared_weight_cells=squared[keep] if self.weighted else cells[keep].astype(np.float64),
            weighted=self.weighted,
        )
        overall = GroupCounts(
            attributes=self.attributes,
            labels=((_ALL_ROWS,) * len(self.attributes),),
            cells=counts.cells.sum(axis=0, keepdims=True),
            weighted_cells=counts.weighted_cells.sum(axis=0, keepdims=True),
            squared_weight_cells=counts.squared_weight_cells.sum(axis=0, keepdims=True),
            weighted=self.weighted,
        )
        return replace(counts, overall=overall)


def compute_period_counts(data: MonitoringData, *, attributes: tuple[str, ...]) -> PeriodCounts:
    """Count the log per period × group (the intersection of ``attributes``) in one pass."""
    group, labels = group_codes(data, attributes)
    n_periods, n_groups = len(data.periods), len(labels)
    known = data.outcome_known
    weight = data.sample_weight
    base = data.period_codes * n_groups + group
    cell = 3 - 2 * data.y_pred.astype(np.int64) - data.y_true.astype(np.int64)
    known_index = (base * 4 + cell)[known]
    pending_index = (base * 2 + 1 - data.y_pred.astype(np.int64))[~known]

    def table(index: np.ndarray, width: int, w: np.ndarray | None) -> np.ndarray:
        size = n_periods * n_groups * width
        counted = np.bincount(index, weights=w, minlength=size)
        return counted.reshape(n_periods, n_groups, width)

    wk = None if weight is None else weight[known]
    wp = None if weight is None else weight[~known]
    known_cells = table(known_index, 4, None).astype(np.int64)
    pending_cells = table(pending_index, 2, None).astype(np.int64)
    return PeriodCounts(
        periods=data.periods,
        attributes=tuple(attributes),
        labels=tuple(labels),
        known_cells=known_cells,
        known_weighted=known_cells.astype(np.float64) if wk is None else table(known_index, 4, wk),
        known_squared=known_cells.astype(np.float64)
        if wk is None
        else table(known_index, 4, wk * wk),
        pending_cells=pending_cells,
        pending_weighted=pending_cells.astype(np.float64)
        if wp is None
        else table(pending_index, 2, wp),
        pending_squared=pending_cells.astype(np.float64)
        if wp is None
        else table(pending_index, 2, wp * wp),
        weighted=weight is not None,
    )


def group_codes(
    data: MonitoringData, attributes: tuple[str, ...]
) -> tuple[np.ndarray, tuple[tuple[str, ...], ...]]:
    """Each row's group position and the groups' labels (ordered as the subgroup report's)."""
    by_name = {g.name: g for g in data.groups}
    unknown = [a for a in attributes if a not in by_name]
    if unknown or not attributes:
        raise InvalidInputError(
            f"Monitoring needs protected attributes of the log. Expected one or more of "
            f"{', '.join(repr(n) for n in by_name)}. Got {list(attributes)}. Choose from those."
        )
    columns = [by_name[a] for a in attributes]
    code, present, radices = combine_group_codes(columns)
    found, group = np.unique(code, return_inverse=True)
    combined = found if present is None else present[found]
    return group.astype(np.int64), tuple(decode_group_labels(combined, columns, radices))
