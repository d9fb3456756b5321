"""Data on the server, limited to the folders the operator allows.

The app never opens a path typed in a browser. The operator names folders when starting
it (``fairness-explorer app --server-data DIR``, or :data:`SERVER_DATA_ENV`); the app lists
the CSV / Parquet files and folders below them (a bounded walk) and opens only those.
Every path is resolved with symlinks followed, and refused when its real location (or any
file it reads) leaves the allowed folders, so a symlink cannot reach elsewhere.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from fairness_core.engines._source import _SUFFIXES, DataSource, open_source
from fairness_core.errors import InvalidInputError

__all__ = [
    "SERVER_DATA_ENV",
    "ServerEntry",
    "list_server_data",
    "open_server_source",
    "server_roots_from_env",
]

#: The environment variable naming the folders the app may read data from
#: (``os.pathsep``-separated; ``fairness-explorer app --server-data DIR`` sets it).
SERVER_DATA_ENV = "FAIRNESS_EXPLORER_SERVER_DATA"
#: How deep the listing walks below each allowed folder, and how many entries it lists.
MAX_DEPTH = 4
MAX_ENTRIES = 500


@dataclass(frozen=True)
class ServerEntry:
    """One file or folder of data below an allowed folder."""

    root: Path
    relative: str
    is_folder: bool

    @property
    def path(self) -> Path:
        """The path as listed (below the allowed folder, symlinks not resolved)."""
        return self.root / self.relative

    @property
    def label(self) -> str:
        """The allowed folder's name and the path below it, e.g. ``logs/2024/``."""
        return f"{self.root.name}/{self.relative}" + ("/" if self.is_folder else "")


def server_roots_from_env(environ: Mapping[str, str] | None = None) -> tuple[Path, ...]:
    """The allowed folders, resolved; folders that do not exist are left out."""
    env = os.environ if environ is None else environ
    roots: list[Path] = []
    for part in env.get(SERVER_DATA_ENV, "").split(os.pathsep):
        if not part.strip():
            continue
        path = Path(part.strip()).expanduser().resolve()
        if path.is_dir() and path not in roots:
            roots.append(path)
    return tuple(roots)


def _inside(path: Path, roots: Sequence[Path]) -> bool:
    real = path.resolve()
    return any(real == root or real.is_relative_to(root) for root in roots)


def _is_data_file(path: Path) -> bool:
    return path.suffix.lower() in _SUFFIXES


def list_server_data(
    roots: Sequence[Path], *, max_depth: int = MAX_DEPTH, max_entries: int = MAX_ENTRIES
) -> list[ServerEntry]:
    """CSV / Parquet files and folders holding them, below ``roots`` (real paths inside only).

    Hive partition folders (``year=2024``) are part of their parent folder's data and are
    not listed on their own. The walk stops ``max_depth`` folders down and after
    ``max_entries`` entries.
    """
    resolved = [Path(r).resolve() for r in roots]
    entries: list[ServerEntry] = []
    for root in resolved:
        pending = [(root, 0)]
        while pending and len(entries) < max_entries:
            folder, depth = pending.pop(0)
            try:
                children = sorted(folder.iterdir())
            except OSError:
                continue
            for child in children:
                if len(entries) >= max_entries:
                    break
                if child.name.startswith(".") or not _inside(child, resolved):
                    continue
                relative = child.relative_to(root).as_posix()
                if child.is_file() and _is_data_file(child) and "=" not in folder.name:
                    entries.append(ServerEntry(root, relative, is_folder=False))
                elif child.is_dir() and "=" not in child.name and depth < max_depth:
                    if _holds_data(child, resolved, max_depth - depth):
                        entries.append(ServerEntry(root, relative, is_folder=True))
                    pending.append((child, depth + 1))
    return entries


def _holds_data(folder: Path, roots: Sequence[Path], depth: int) -> bool:
    """True when data files lie below ``folder`` (up to ``depth`` levels, inside the roots)."""
    try:
        children = list(folder.iterdir())
    except OSError:
        return False
    for child in children:
        if not _inside(child, roots):
            continue
        if child.is_file() and _is_data_file(child):
            return True
        if child.is_dir() and depth > 0 and _holds_data(child, roots, depth - 1):
            return True
    return False


def open_server_source(roots: Sequence[Path], path: str | os.PathLike[str]) -> DataSource:
    """The data at ``path``, only when it and every file it reads lie inside ``roots``."""
    resolved = [Path(r).resolve() for r in roots]
    given = Path(path)
    refusal = InvalidInputError(
        f"'{given.name}' is not in a folder this app may read. Expected a file or folder "
        "listed under 'A large file or folder on the server'. Choose one from the list, or "
        "ask the operator to allow its folder."
    )
    if not resolved or not given.is_absolute() or not given.exists():
        raise refusal
    if not _inside(given, resolved):
        raise refusal
    source = open_source(given.resolve())
    if not all(_inside(f, resolved) for f in source.files):
        raise refusal
    return source
