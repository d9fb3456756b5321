"""Rows pulled through DuckDB: the first rows (a preview) and a sample stratified by group.

The count tables cover every row; pages that need rows (what-if edits, proxies, slices)
work on a sample. A plain random sample can miss a small group entirely, so the sample is
*stratified*: each group (every combination of the strata columns, a missing value being
a group of its own) gets its share of the sample, and at least ``min_per_group`` rows (or
all of its rows when it has fewer).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fairness_core.engines._runners import TABLE, duckdb_runner
from fairness_core.engines._source import DataSource
from fairness_core.engines._sql import DUCKDB
from fairness_core.errors import InvalidInputError

__all__ = ["RowSample", "allocate_sample", "preview_rows", "sample_rows"]

#: Rows a preview reads (role suggestions look at these).
PREVIEW_ROWS = 1000


@dataclass(frozen=True)
class RowSample:
    """A stratified sample: its rows, and how many rows the whole source holds."""

    frame: pd.DataFrame = field(repr=False, compare=False)
    total_rows: int
    strata: tuple[str, ...]
    seed: int

    @property
    def rows(self) -> int:
        """Rows in the sample."""
        return len(self.frame)

    @property
    def is_whole(self) -> bool:
        """True when the sample holds every row of the source."""
        return self.rows == self.total_rows


def preview_rows(source: DataSource, n: int = PREVIEW_ROWS) -> pd.DataFrame:
    """The source's first ``n`` rows (DuckDB ``LIMIT``), for suggesting roles."""
    with duckdb_runner(source) as runner:
        return runner.query(f"SELECT * FROM {TABLE} LIMIT {int(n)}")  # noqa: S608 - a constant and an int


def allocate_sample(sizes: Sequence[int] | np.ndarray, n: int, min_per_group: int) -> np.ndarray:
    """Rows to draw per group: ``n`` shared in proportion to the groups' sizes.

    Each group gets ``floor(n * size / total)`` rows, raised to ``min_per_group`` and capped
    at its size (so the sample can exceed ``n`` by the raised groups' extra rows). When the
    source holds at most ``n`` rows, every row.
    """
    size = np.asarray(sizes, dtype=np.int64)
    total = int(size.sum())
    if total <= n:
        return size.copy()
    share = (n * size) // total  # integers: no rounding error at the floor
    return np.minimum(size, np.maximum(share, min_per_group))


def sample_rows(
    source: DataSource,
    strata: Sequence[str],
    n: int = 50_000,
    *,
    seed: int = 0,
    min_per_group: int = 200,
) -> RowSample:
    """A sample of about ``n`` rows stratified by ``strata``, drawn in DuckDB.

    Rows are ordered within each group by a hash of the seed and the row's values, and the
    first rows of each group are kept (:func:`allocate_sample`): the same source, strata,
    ``n`` and seed give the same rows on every run and every machine.
    """
    if n < 1 or min_per_group < 0:
        raise InvalidInputError(
            f"The sample size must be at least 1 and the minimum per group at least 0. Got "
            f"{n} and {min_per_group}. Choose a positive sample size."
        )
    with duckdb_runner(source) as runner:
        names = [name for name, _ in runner.columns()]
        unknown = [s for s in strata if s not in names]
        if unknown:
            raise InvalidInputError(
                f"The data has no column {', '.join(repr(s) for s in unknown)} to sample by. "
                f"Expected one of its columns: {', '.join(names[:10])}. Choose another column."
            )
        keys = [DUCKDB.ident(s) for s in strata]
        grouped = ", ".join(keys)
        if keys:
            sizes = runner.query(
                f"SELECT {grouped}, COUNT(*) AS _n FROM {TABLE} GROUP BY ALL"  # noqa: S608 - quoted identifiers
            )
        else:
            sizes = runner.query(f"SELECT COUNT(*) AS _n FROM {TABLE}")  # noqa: S608 - constant
        counts = sizes["_n"].to_numpy(dtype=np.int64)
        total = int(counts.sum())
        quota = sizes.drop(columns="_n").assign(_q=allocate_sample(counts, n, min_per_group))
        runner.con.register("_quota", quota)
        hashed = ", ".join([str(int(seed)), *(DUCKDB.ident(c) for c in names)])
        join = " AND ".join(f"a.{k} IS NOT DISTINCT FROM q.{k}" for k in keys) or "TRUE"
        partition = f"PARTITION BY {', '.join(f'a.{k}' for k in keys)}" if keys else ""
        frame = runner.query(
            f"SELECT a.* EXCLUDE (_h) FROM (SELECT *, hash({hashed}) AS _h FROM {TABLE}) a "  # noqa: S608 - quoted identifiers
            f"JOIN _quota q ON {join} "
            f"QUALIFY row_number() OVER ({partition} ORDER BY a._h) <= q._q "
            "ORDER BY a._h"
        )
    return RowSample(frame=frame, total_rows=total, strata=tuple(strata), seed=int(seed))
