"""Cached engine calls for data read on the server (the operator's allowed folders).

Every call is keyed by the source's resolved path and SHA-256 (so a changed file is read
again), plus what the call depends on: the roles and groupings of a count, the strata,
size and seed of a sample.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st

from components.keyed_cache import cached
from fairness_core.data import ColumnRoles
from fairness_core.engines import (
    RowSample,
    ScoreHistogram,
    ServerEntry,
    count_audit,
    list_server_data,
    open_server_source,
    preview_rows,
    sample_rows,
    server_roots_from_env,
)
from fairness_core.metrics import GroupCounts


def server_roots() -> tuple[Path, ...]:
    """The folders the operator allows (from the environment the app was started with)."""
    return server_roots_from_env(os.environ)


@st.cache_data(show_spinner="Listing the data on the server…", ttl=60, max_entries=8)
def server_listing(roots: tuple[Path, ...]) -> list[ServerEntry]:
    """The data files and folders below ``roots`` (read again after a minute)."""
    return list_server_data(roots)


def _stamp(path: str) -> tuple[tuple[str, int, int], ...]:
    source = open_server_source(server_roots(), path)
    return tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in source.files)


def server_sha256(path: str) -> str:
    """The source's SHA-256, computed again only when a file's size or time changed."""
    return _sha256(path, _stamp(path))


@st.cache_data(show_spinner="Computing the data's fingerprint (SHA-256)…", max_entries=32)
def _sha256(path: str, stamp: tuple[tuple[str, int, int], ...]) -> str:
    return open_server_source(server_roots(), path).sha256()


@cached(spinner="Reading the first rows…", max_entries=16)
def server_preview(path: str, sha256: str) -> pd.DataFrame:
    """The source's first rows, for suggesting roles."""
    return preview_rows(open_server_source(server_roots(), path))


@cached(spinner="Drawing a sample of the rows by group…", max_entries=8)
def server_sample(
    path: str, sha256: str, strata: tuple[str, ...], n: int, seed: int, min_per_group: int
) -> RowSample:
    """A sample of about ``n`` rows, stratified by ``strata``."""
    source = open_server_source(server_roots(), path)
    return sample_rows(source, strata, n, seed=seed, min_per_group=min_per_group)


def server_counts(
    path: str, sha256: str, roles: ColumnRoles, attributes: tuple[str, ...]
) -> GroupCounts:
    """The group counts of all rows of the source (DuckDB)."""
    return _server_tables(path, sha256, roles, attributes)[0]


def server_histogram(
    path: str, sha256: str, roles: ColumnRoles, attributes: tuple[str, ...]
) -> tuple[GroupCounts, ScoreHistogram | None]:
    """The group counts and the score histogram of all rows (None without scores).

    Both come from the one count :func:`server_counts` makes: the Subgroups and Trade-offs
    pages on the same groups read the data once.
    """
    return _server_tables(path, sha256, roles, attributes)


@cached(spinner="Counting every row of the data…", max_entries=32)
def _server_tables(
    path: str, sha256: str, roles: ColumnRoles, attributes: tuple[str, ...]
) -> tuple[GroupCounts, ScoreHistogram | None]:
    source = open_server_source(server_roots(), path)
    counted = count_audit(source, roles, [attributes], engine="duckdb")
    return counted.counts[0], counted.histograms[0]
