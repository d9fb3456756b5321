"""Score drift's count table from an engine: rows per period, group and distinct score.

Exact while the table has at most :data:`MAX_SCORE_CELLS` rows; above that the scores are
rounded down to 1/1000 in SQL (at most 1,001 values per period and group) and the table says
so (``ScoreCounts.rounded``), so the report can tell the reader.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fairness_core.data import ColumnRoles
from fairness_core.engines._runners import TABLE, Runner
from fairness_core.engines._sql import GRID_STEPS, audit_score, double

if TYPE_CHECKING:
    from fairness_core.monitoring import ScoreCounts

__all__ = ["MAX_SCORE_CELLS", "score_counts"]

#: Most (period, group, distinct score) rows fetched exactly; above, scores are rounded
#: down to 1/1000 and the report says so.
MAX_SCORE_CELLS = 2_000_000
#: approx_count_distinct errs by a few per cent: only a clearly larger estimate skips the
#: exact query (which checks the limit itself).
_ESTIMATE_MARGIN = 1.2


def score_counts(
    runner: Runner,
    roles: ColumnRoles,
    attributes: tuple[tuple[str, str], ...],
    groups: pd.DataFrame,
    *,
    period_sql: str,
    label_of: Callable[[pd.Series], np.ndarray] | None,
    periods: tuple[str, ...],
    rows: int,
    limit: int | None = None,
) -> ScoreCounts:
    """Rows per (period, group, score) of the log.

    ``attributes`` are (alias, column) of the protected columns, ``groups`` the distinct
    values of those aliases with each combination's group position (column ``group``).
    ``period_sql`` is the SQL of each row's period: its position (then ``label_of`` is
    None) or a value that ``label_of`` turns into the period label. ``rows``: the log's rows.
    ``limit``: most rows fetched exactly (default :data:`MAX_SCORE_CELLS`).
    """
    from fairness_core.monitoring import ScoreCounts

    limit = MAX_SCORE_CELLS if limit is None else limit
    q = runner.dialect.ident
    score = audit_score(roles, f"TRY_CAST({q(roles.score or '')} AS DOUBLE)")
    keys = ", ".join(f"{q(column)} AS {alias}" for alias, column in attributes)
    names = ", ".join(["kt", *(alias for alias, _ in attributes), "sv"])

    def fetch(value: str, most: int | None) -> pd.DataFrame:
        cut = "" if most is None else f" LIMIT {int(most) + 1}"
        return runner.query(
            f"SELECT {period_sql} AS kt, {keys}, {value} AS sv, COUNT(*) AS n "  # noqa: S608 - identifiers quoted
            f"FROM {TABLE} GROUP BY {names}{cut}"
        )

    # A HyperLogLog estimate first (constant memory): a log with far too many distinct
    # scores goes straight to the rounded table instead of hashing every score.
    estimate = 0.0  # a log of at most ``limit`` rows cannot have more cells
    if rows > limit:
        estimate = runner.query(
            f"SELECT approx_count_distinct(hash({names})) AS cells FROM (SELECT "  # noqa: S608 - identifiers quoted
            f"{period_sql} AS kt, {keys}, {score} AS sv FROM {TABLE}) AS keyed"
        )["cells"].iloc[0]
    exact = None if float(estimate) > _ESTIMATE_MARGIN * limit else fetch(score, limit)
    rounded = exact is None or len(exact) > limit
    table = exact
    if rounded or table is None:  # at most 1,001 scores per period and group: fetched whole
        step = double(float(GRID_STEPS))
        table = fetch(f"(CAST(FLOOR(({score}) * {step}) AS DOUBLE) / {step})", None)
    aliases = [alias for alias, _ in attributes]
    joined = table.merge(groups, on=aliases, how="left", validate="many_to_one")
    if label_of is None:
        period = joined["kt"].to_numpy(dtype=np.int64)
    else:
        labels = label_of(joined["kt"])
        position = {label: i for i, label in enumerate(periods)}
        period = np.fromiter((position[v] for v in labels), dtype=np.int64, count=len(labels))
    return ScoreCounts.aggregate(
        period,
        joined["group"].to_numpy(dtype=np.int64),
        joined["sv"].to_numpy(dtype=np.float64),
        joined["n"].to_numpy(dtype=np.int64),
        rounded=rounded,
    )
