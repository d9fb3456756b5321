"""The SQL every engine runs: one ``GROUP BY`` for the count table, one for the AUC pairs.

Both DuckDB and Spark SQL run the same text; only identifier quoting and string literals
differ (:class:`Dialect`). Every number that decides a bin is computed in DOUBLE: the score
is cast first (a FLOAT column times 1000 in FLOAT puts some rows in other bins), the bin
edges are written as the exact decimal of the float numpy uses, and a bin on the 1/1000
grid is checked against ``k / 1000`` both ways, so each engine puts every row in the bin
numpy puts it in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from fairness_core.data import ColumnRoles, score_scale

__all__ = [
    "CALIBRATION_BINS",
    "DISTRIBUTION_BINS",
    "GRID_STEPS",
    "Dialect",
    "count_query",
    "pairs_query",
    "score_stats_query",
]

#: Thresholds of the engines' sweep: k / GRID_STEPS for k = 0 … GRID_STEPS.
GRID_STEPS = 1000
#: Bins of the calibration table (as sklearn's calibration_curve) and of the distribution.
CALIBRATION_BINS = 10
DISTRIBUTION_BINS = 20
_EPS = float(np.finfo(np.float64).eps)


@dataclass(frozen=True)
class Dialect:
    """How one engine spells identifiers and string literals."""

    name: str
    identifier_quote: str
    backslash_escapes: bool

    def ident(self, name: str) -> str:
        q = self.identifier_quote
        return f"{q}{name.replace(q, q + q)}{q}"

    def text(self, value: str) -> str:
        if self.backslash_escapes:
            value = value.replace("\\", "\\\\").replace("'", "\\'")
        else:
            value = value.replace("'", "''")
        return f"'{value}'"

    def literal(self, value: object) -> str:
        """A value of the data as a literal of its own type."""
        if isinstance(value, (bool, np.bool_)):
            return "TRUE" if value else "FALSE"
        if isinstance(value, (int, np.integer)):
            return str(int(value))
        if isinstance(value, (float, np.floating)):
            return double(float(value))
        return self.text(str(value))


DUCKDB = Dialect("duckdb", '"', backslash_escapes=False)
SPARK = Dialect("spark", "`", backslash_escapes=True)


def double(value: float) -> str:
    """An exact DOUBLE literal (``repr`` round-trips)."""
    if math.isnan(value):
        return "CAST('NaN' AS DOUBLE)"
    if math.isinf(value):
        return f"CAST('{'-' if value < 0 else ''}Infinity' AS DOUBLE)"
    return f"CAST('{value!r}' AS DOUBLE)"


def _flag(condition: str) -> str:
    return f"(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _interior_edges(n_bins: int) -> list[float]:
    return [float(e) for e in np.linspace(0.0, 1.0, n_bins + 1)[1:-1]]


def audit_score(roles: ColumnRoles, raw: str) -> str:
    """The audit score (0 to 1, higher favourable) of the raw score, as ScoreScale does."""
    scale = score_scale(roles)
    if scale.is_unit:
        return raw
    unit = f"(({raw} - {double(scale.low)}) / {double(scale.high - scale.low)})"
    return unit if scale.higher_favourable else f"({double(1.0)} - {unit})"


def count_query(
    keys: Sequence[tuple[str, str]],
    roles: ColumnRoles,
    table: str,
    dialect: Dialect,
    *,
    score: str | None = None,
    weight: str | None = None,
    score_is_text: bool = False,
    weight_is_text: bool = False,
    bins: bool = True,
    checks: bool = True,
    score_sums: bool = True,
    expressions: Sequence[tuple[str, str]] = (),
    not_null: str | None = None,
    score_stats: tuple[float | None, float | None, float | None] = (None, None, None),
) -> str:
    """One GROUP BY over the role columns: every count the audit needs, and validation's.

    ``keys`` are (alias, column) pairs grouped on as they are (target, prediction,
    protected attributes). With a ``score`` column: its validation stand-in
    ``score_check`` (the smallest score in range stands for every score in range, the
    smallest and largest for those out of range, so validation finds the same counts,
    extremes and words), the decision ``d`` (audit score at or above the threshold), the
    sweep, calibration and distribution bins, and the weighted score, squared errors and
    log losses for either outcome. With a ``weight`` column: ``weight_check`` (empty,
    negative or not a number → NULL, zero → 0, else 1). Sums: rows ``n``, ``sw``, ``sw2``.
    ``bins=False`` leaves out the score bins and score sums (only ``score_check`` and ``d``);
    ``checks=False`` the validation stand-ins; ``score_sums=False`` every score sum but the
    weighted score. ``expressions`` are more keys, as (alias, SQL expression); ``not_null``
    keeps only rows where that column has a value. ``score_stats``: the smallest score,
    the largest and the smallest in range (:func:`score_stats_query`), for the stand-ins.
    """
    q = dialect.ident
    selects = [f"{q(column)} AS {alias}" for alias, column in keys]
    selects += [f"{expr} AS {alias}" for alias, expr in expressions]
    key_names = [alias for alias, _ in keys] + [alias for alias, _ in expressions]
    sums = ["COUNT(*) AS n"]
    w = "w"
    if weight:
        selects.append(f"TRY_CAST({q(weight)} AS DOUBLE) AS w")
        if weight_is_text:
            selects.append(f"{q(weight)} AS w_raw")
        sums += ["SUM(w) AS sw", "SUM(w * w) AS sw2"]
    else:
        w = double(1.0)
        sums += [f"SUM({w}) AS sw", f"SUM({w}) AS sw2"]
    outer: list[tuple[str, str]] = []
    if score:
        selects.append(f"TRY_CAST({q(score)} AS DOUBLE) AS sv")
        if score_is_text:
            selects.append(f"{q(score)} AS s_raw")
        scale = score_scale(roles)
        low, high = (scale.low, scale.high) if roles.score_range is not None else (0.0, 1.0)
        lo, hi, lo_in = (_maybe(v) for v in score_stats)
        check = (
            f"CASE WHEN sv IS NULL OR isnan(sv) THEN NULL WHEN sv < {double(low)} THEN {lo} "
            f"WHEN sv > {double(high)} THEN {hi} ELSE {lo_in} END"
        )
        if score_is_text:
            check = (
                "CASE WHEN s_raw IS NOT NULL AND sv IS NULL THEN s_raw "
                f"ELSE CAST({check} AS STRING) END"
            )
        selects.append(f"{audit_score(roles, f'TRY_CAST({q(score)} AS DOUBLE)')} AS s")
        s = "s"
        step = double(float(GRID_STEPS))
        # Each bin is guessed from s times the number of bins, then checked against its
        # edges both ways (the product can round across an edge): two comparisons per row.
        # The sweep's edges are k / 1000; numpy's linspace edges are i * (1 / n).
        cal_step, dist_step = double(1.0 / CALIBRATION_BINS), double(1.0 / DISTRIBUTION_BINS)
        last_cal, last_dist = CALIBRATION_BINS - 1, DISTRIBUTION_BINS - 1
        guesses = [
            ("b0", f"CAST(FLOOR(s * {step}) AS BIGINT)"),
            ("c0", f"LEAST(GREATEST(CAST(CEIL(s * {double(float(CALIBRATION_BINS))}) AS BIGINT)"
                   f" - 1, 0), {last_cal})"),
            ("q0", f"LEAST(GREATEST(CAST(FLOOR(s * {double(float(DISTRIBUTION_BINS))}) AS BIGINT)"
                   f", 0), {last_dist})"),
        ]  # fmt: skip
        sweep = (
            f"(b0 - {_flag(f's < CAST(b0 AS DOUBLE) / {step}')}"
            f" + {_flag(f's >= CAST(b0 + 1 AS DOUBLE) / {step}')})"
        )
        calibration = (  # bins (a, b]: s in (e_c, e_c+1]
            f"c0 - {_flag(f'c0 >= 1 AND s <= CAST(c0 AS DOUBLE) * {cal_step}')}"
            f" + {_flag(f'c0 < {last_cal} AND s > CAST(c0 + 1 AS DOUBLE) * {cal_step}')}"
        )
        distribution = (  # bins [a, b): s in [e_q, e_q+1)
            f"q0 - {_flag(f'q0 >= 1 AND s < CAST(q0 AS DOUBLE) * {dist_step}')}"
            f" + {_flag(f'q0 < {last_dist} AND s >= CAST(q0 + 1 AS DOUBLE) * {dist_step}')}"
        )
        if checks:
            outer.append(("score_check", check))
        outer.append(("d", _flag(f"{s} >= {double(roles.threshold)}")))
    if score and bins:
        outer += [
            ("sweep_bin", sweep),
            ("calibration_bin", f"({calibration})"),
            ("distribution_bin", f"({distribution})"),
        ]
        one = double(1.0)
        p1 = f"LEAST(GREATEST({s}, {double(_EPS)}), {double(1.0 - _EPS)})"
        p0 = f"LEAST(GREATEST({one} - {s}, {double(_EPS)}), {double(1.0 - _EPS)})"
        sums.append(f"SUM({w} * {s}) AS sws")
    if score and bins and score_sums:
        sums += [
            f"SUM({w} * (({one} - {s}) * ({one} - {s}))) AS se1",
            f"SUM({w} * ({s} * {s})) AS se0",
            f"SUM({w} * (-LN({p1}))) AS sl1",
            f"SUM({w} * (-LN({p0}))) AS sl0",
        ]
    if weight and checks:
        bad = f"w IS NULL OR isnan(w) OR w < {double(0.0)} OR w = {double(math.inf)}"
        weight_check = f"CASE WHEN {bad} THEN NULL WHEN w = {double(0.0)} THEN 0 ELSE 1 END"
        if weight_is_text:
            weight_check = (
                f"CASE WHEN w IS NULL AND w_raw IS NOT NULL THEN NULL ELSE {weight_check} END"
            )
        outer.append(("weight_check", weight_check))
    key_names += [alias for alias, _ in outer]
    where = f" WHERE {q(not_null)} IS NOT NULL" if not_null else ""
    computed = "".join(f", {expr} AS {alias}" for alias, expr in outer)
    guessed = ""
    if score and bins:
        guessed = ", guessed AS (SELECT *" + "".join(f", {e} AS {a}" for a, e in guesses)
        guessed += " FROM base)"
    # Identifiers go through Dialect.ident and values through Dialect.literal / double.
    return (
        f"WITH base AS (SELECT {', '.join(selects)} FROM {table}{where}){guessed}, "
        f"keyed AS (SELECT *{computed} FROM {'guessed' if guessed else 'base'}) "
        f"SELECT {', '.join(key_names)}, {', '.join(sums)} FROM keyed "
        f"GROUP BY {', '.join(key_names)}"
    )


def score_stats_query(roles: ColumnRoles, table: str, dialect: Dialect, score: str) -> str:
    """The smallest score, the largest, and the smallest inside the scale (one row).

    A query of its own: as a CTE beside the GROUP BY, DuckDB kept every row in memory.
    """
    scale = score_scale(roles)
    low, high = (scale.low, scale.high) if roles.score_range is not None else (0.0, 1.0)
    sv = f"TRY_CAST({dialect.ident(score)} AS DOUBLE)"
    inside = f"{sv} >= {double(low)} AND {sv} <= {double(high)}"
    return (
        f"SELECT MIN({sv}) AS lo, MAX({sv}) AS hi, "
        f"MIN(CASE WHEN {inside} THEN {sv} END) AS lo_in FROM {table}"
    )


def _maybe(value: float | None) -> str:
    return "NULL" if value is None or value != value else double(float(value))


def pairs_query(
    roles: ColumnRoles,
    table: str,
    dialect: Dialect,
    *,
    partitions: Sequence[str],
    positives: Sequence[object],
) -> str:
    """Per group: weighted (positive, negative) pairs ordered right, ties half (the AUC).

    ``partitions`` are SQL expressions naming each row's group (one per attribute; none for
    all rows together); ``positives`` the raw target values of the positive outcome. Rows
    are summed per (group, score) into tie blocks; each block's positives count the
    negatives in the blocks below it plus half its own, exactly as the memory engine.
    """
    q = dialect.ident
    s = audit_score(roles, f"CAST({q(roles.score or '')} AS DOUBLE)")
    w = f"CAST({q(roles.weight)} AS DOUBLE)" if roles.weight else double(1.0)
    positive = " OR ".join(f"{q(roles.target)} = {dialect.literal(v)}" for v in positives)
    y = f"({positive or 'FALSE'})"
    parts = [f"{expr} AS g{i}" for i, expr in enumerate(partitions)]
    names = [f"g{i}" for i in range(len(partitions))]
    zero = double(0.0)
    by = ", ".join([*names, "s"])
    over = f"PARTITION BY {', '.join(names)} " if names else ""
    group_by = f" GROUP BY {', '.join(names)}" if names else ""
    select_keys = "".join(f"{n}, " for n in names)
    return (
        f"WITH base AS (SELECT {''.join(p + ', ' for p in parts)}{s} AS s, "
        f"CASE WHEN {y} THEN {w} ELSE {zero} END AS pw, "
        f"CASE WHEN {y} THEN {zero} ELSE {w} END AS nw "
        f"FROM {table} WHERE {q(roles.target)} IS NOT NULL), "
        f"blocks AS (SELECT {by}, SUM(pw) AS pos, SUM(nw) AS neg FROM base GROUP BY {by}), "
        f"ranked AS (SELECT {select_keys}pos, neg, SUM(neg) OVER ({over}ORDER BY s "
        "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - neg AS below FROM blocks) "
        f"SELECT {select_keys}SUM(pos * (below + {double(0.5)} * neg)) AS pairs "
        f"FROM ranked{group_by}"
    )


def band_expression(column: str, edges: Sequence[float], dialect: Dialect) -> str:
    """The band index (0 … len(edges)) of a numeric column; NULL when missing."""
    v = f"CAST({dialect.ident(column)} AS DOUBLE)"
    if not edges:
        return f"CASE WHEN {v} IS NULL OR isnan({v}) THEN NULL ELSE 0 END"
    bands = " + ".join(_flag(f"{v} >= {double(e)}") for e in edges)
    return f"CASE WHEN {v} IS NULL OR isnan({v}) THEN NULL ELSE ({bands}) END"
