"""A large file or folder on the server: picked from the operator's folders, audited whole.

The operator allows folders (``fairness-explorer app --server-data DIR``); without them
this source is not offered. The reviewer picks a listed CSV / Parquet file or folder (never
a typed path). Roles are suggested from its first rows. The session's dataset is a sample
stratified by the protected attributes, so every page works as with an upload; the
Subgroups page and the report swap in DuckDB's counts of all rows
(:func:`components.cache.subgroup_report`), and the pages that work on rows say they use
a sample, with its size.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import streamlit as st

from components import server_cache, state
from fairness_core.data import Dataset, suggest_roles
from fairness_core.errors import FairnessCoreError
from fairness_core.escaping import escape_markdown

#: The source's name in the Data & model page's choice.
SERVER = "A large file or folder on the server"
LOAD_SERVER = "data.load_server"  # a button (not a choice)
#: Rows in the sample the row-level pages use, the least per group, and its seed.
SAMPLE_ROWS = 50_000
MIN_PER_GROUP = 200
SEED = 0
#: A protected column with more distinct values than this in the preview (an age in
#: years, say) does not stratify the sample: each value would claim its minimum.
MAX_STRATUM_VALUES = 50


def offered() -> bool:
    """True when the operator allowed folders of server data."""
    return bool(server_cache.server_roots())


def render_server_picker() -> tuple[str, str] | None:
    """The list of server data and a load button: (path, name) when the reviewer asks to load."""
    roots = server_cache.server_roots()
    entries = server_cache.server_listing(roots)
    if not entries:
        st.info(
            "The folders this app may read hold no CSV or Parquet files. Ask the operator "
            "to put the data there, or upload a file under My own files."
        )
        return None
    labels = {str(e.path): e.label for e in entries}
    current = state.get_server_data()
    options = list(labels)
    chosen = st.selectbox(
        "File or folder on the server",
        options,
        index=options.index(current.path) if current and current.path in options else None,
        format_func=lambda p: labels.get(p, p),
        placeholder="Choose a file or folder",
        key=state.DATA_SERVER_PATH,
        persist_state="session",
        help="Files and folders the operator allows this app to read. A folder is read "
        "whole, with its sub-folders (such as year=2024/) as columns. The app counts every "
        f"row for the group numbers and uses a sample of up to {SAMPLE_ROWS:,} rows, "
        "drawn by group, for pages that look at single rows.",
    )
    if chosen is None:
        return None
    if current is not None and current.path == str(Path(chosen).resolve()):
        st.caption(escape_markdown(f"Loaded now: {current.name}. {sample_sentence(current)}"))
        return None
    if state.get_findings() or state.get_operating_points() or state.get_cohorts():
        st.caption(
            "Loading other data starts a new review; the current one, with its findings, "
            'stays saved under "My reviews" in the sidebar.'
        )
    if st.button("Load this data", key=LOAD_SERVER, type="primary"):
        return chosen, labels[chosen]
    return None


def load(path: str, name: str) -> bool:
    """Read the source's first rows, suggest roles, draw the sample and make it the data.

    Problems become a notice on the Data & model page; True when the data was loaded.
    """
    try:
        sha256 = server_cache.server_sha256(path)
        preview = server_cache.server_preview(path, sha256)
        roles = suggest_roles(preview).to_roles()
        strata = tuple(
            c for c in roles.protected if preview[c].nunique(dropna=False) <= MAX_STRATUM_VALUES
        )
        dataset, server = _sample_dataset(path, name, sha256, strata, SAMPLE_ROWS, SEED)
    except FairnessCoreError as exc:
        state.push_notice("error", escape_markdown(str(exc)))
        return False
    state.set_inputs(dataset, None, roles, f"server:{name}")
    state.set_server_data(server)
    state.push_notice("success", escape_markdown(f"Read {name}. {sample_sentence(server)}"))
    return True


def _sample_dataset(
    path: str, name: str, sha256: str, strata: tuple[str, ...], size: int, seed: int
) -> tuple[Dataset, state.ServerData]:
    sample = server_cache.server_sample(path, sha256, strata, size, seed, MIN_PER_GROUP)
    resolved = Path(path).resolve()
    root = next(r for r in server_cache.server_roots() if resolved.is_relative_to(r))
    # The sample is its own table: its fingerprint names the source and how it was drawn.
    drawn = f"{sha256}\n{list(strata)}\n{size}\n{seed}\n{MIN_PER_GROUP}"
    dataset = Dataset(
        frame=sample.frame,
        name=name,
        sha256=hashlib.sha256(drawn.encode()).hexdigest(),
        format="csv" if resolved.suffix.lower() == ".csv" else "parquet",
    )
    server = state.ServerData(
        root=str(root),
        relative=resolved.relative_to(root).as_posix(),
        path=str(resolved),
        name=name,
        sha256=sha256,
        total_rows=sample.total_rows,
        sample_rows=sample.rows,
        strata=strata,
        sample_size=size,
        seed=seed,
    )
    return dataset, server


def sample_sentence(server: state.ServerData) -> str:
    """How many rows the row-level pages use, in words."""
    if server.sample_rows >= server.total_rows:
        return f"All {server.total_rows:,} rows fit in the app: no sample is needed."
    return (
        f"The group numbers count all {server.total_rows:,} rows; pages that look at single "
        f"rows use a sample of {server.sample_rows:,} rows, drawn by group."
    )


def render_sample_note() -> None:
    """On a page that works on rows: say it uses a sample, and its size (server data only)."""
    server = state.get_server_data()
    if server is not None and server.sample_rows < server.total_rows:
        st.caption(
            f"These charts use a sample of {server.sample_rows:,} of {server.total_rows:,} "
            "rows, drawn by group."
        )


def render_whole_note() -> None:
    """On the Subgroups page and the report: the group numbers count every row."""
    server = state.get_server_data()
    if server is not None:
        st.caption(
            escape_markdown(
                f"Group numbers are computed on all {server.total_rows:,} rows of "
                f"{server.name}. Groupings by a saved cohort, and the sections that look at "
                f"single rows, use the sample of {server.sample_rows:,} rows."
            )
        )


# -- the review --------------------------------------------------------------------------


def source_document() -> dict[str, Any] | None:
    """What a review records about the server source: where it lies, its SHA-256, the sample."""
    server = state.get_server_data()
    if server is None:
        return None
    return {
        "kind": "server",
        "root": server.root,
        "path": server.relative,
        "name": server.name,
        "sha256": server.sha256,
        "strata": list(server.strata),
        "sample_size": server.sample_size,
        "seed": server.seed,
    }


def reopen(source: Mapping[str, Any]) -> tuple[Dataset, str]:
    """The saved review's server source, again; refused when not allowed or changed."""
    name = str(source["name"])
    root = Path(str(source["root"]))
    path = root / str(source["path"])
    if root not in server_cache.server_roots() or not path.exists():
        raise FairnessCoreError(
            f"The data '{name}' is no longer in a folder this app may read. Ask the operator "
            "to allow its folder again, or start a new review."
        )
    sha256 = server_cache.server_sha256(str(path))
    if sha256 != source["sha256"]:
        raise FairnessCoreError(
            f"The data '{name}' has changed since this review was made (its SHA-256 was "
            f"{str(source['sha256'])[:16]}…, now {sha256[:16]}…), so its numbers would not "
            "match the review. Start a new review with the data as it is now."
        )
    strata = tuple(str(s) for s in source["strata"])
    dataset, server = _sample_dataset(
        str(path), name, sha256, strata, int(source["sample_size"]), int(source["seed"])
    )
    state.set_server_data(server)
    return dataset, f"server:{name}"
