"""Where reviews are stored by default, and the operator's file size limit."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from fairness_core.errors import InvalidInputError

__all__ = [
    "DEFAULT_MAX_FILE_BYTES",
    "MAX_FILE_MB_ENV",
    "SHARED_ENV",
    "SQLITE_MAX_BLOB_BYTES",
    "STORE_PATH_ENV",
    "default_store_path",
    "max_file_bytes_from_env",
    "max_file_bytes_from_mb",
    "shared_from_env",
]

#: The environment variable naming the reviews database file.
STORE_PATH_ENV = "FAIRNESS_EXPLORER_REVIEWS"
#: The environment variable that makes the reviews a shared workspace ("1"): everyone using
#: the app lists and opens every review (``fairness-explorer app --shared-reviews``).
SHARED_ENV = "FAIRNESS_EXPLORER_SHARED_REVIEWS"
#: The environment variable setting the largest file kept with a review, in megabytes.
MAX_FILE_MB_ENV = "FAIRNESS_EXPLORER_REVIEWS_MAX_FILE_MB"
#: Largest file kept with a review unless the operator says otherwise: 200 MB, Streamlit's
#: default upload limit.
DEFAULT_MAX_FILE_BYTES = 200 * 1024 * 1024
#: SQLite refuses a value longer than this (its compiled-in SQLITE_MAX_LENGTH).
SQLITE_MAX_BLOB_BYTES = 1_000_000_000

_APP_DIR = "fairness-explorer"
_FILE_NAME = "reviews.sqlite3"


def default_store_path(
    environ: Mapping[str, str] | None = None, *, platform: str | None = None
) -> Path:
    """The reviews database file for this user.

    ``$FAIRNESS_EXPLORER_REVIEWS`` when set; otherwise ``fairness-explorer/reviews.sqlite3``
    in the user's data directory: ``$XDG_DATA_HOME`` or ``~/.local/share`` on Linux,
    ``~/Library/Application Support`` on macOS, ``%APPDATA%`` on Windows.
    """
    env = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    explicit = env.get(STORE_PATH_ENV, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    home = Path(env.get("HOME") or env.get("USERPROFILE") or Path.home())
    if platform.startswith("win"):
        appdata = env.get("APPDATA", "").strip()
        base = Path(appdata) if appdata else home / "AppData" / "Roaming"
    elif platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        xdg = env.get("XDG_DATA_HOME", "").strip()
        # The XDG specification says a relative path is invalid and must be ignored.
        base = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".local" / "share"
    return base / _APP_DIR / _FILE_NAME


def max_file_bytes_from_env(environ: Mapping[str, str] | None = None) -> int:
    """The largest file kept with a review: ``$FAIRNESS_EXPLORER_REVIEWS_MAX_FILE_MB`` or 200 MB."""
    env = os.environ if environ is None else environ
    text = env.get(MAX_FILE_MB_ENV, "").strip()
    if not text:
        return DEFAULT_MAX_FILE_BYTES
    return max_file_bytes_from_mb(text, source=MAX_FILE_MB_ENV)


def shared_from_env(environ: Mapping[str, str] | None = None) -> bool:
    """True when the operator started the app with a shared workspace."""
    env = os.environ if environ is None else environ
    return env.get(SHARED_ENV, "").strip().lower() in {"1", "true", "yes"}


def max_file_bytes_from_mb(value: float | str, *, source: str = "--reviews-max-file-mb") -> int:
    """Megabytes (as typed by the operator) as bytes, checked against SQLite's limit."""
    limit_mb = SQLITE_MAX_BLOB_BYTES // (1024 * 1024)
    try:
        megabytes = float(value)
    except (TypeError, ValueError):
        megabytes = float("nan")
    if not 0 < megabytes <= limit_mb:  # also refuses NaN
        raise InvalidInputError(
            f"{source} must be a number of megabytes above 0 and at most {limit_mb:,} "
            f"(the largest value the reviews database can hold). Got {str(value)[:40]!r} "
            "instead."
        )
    return int(megabytes * 1024 * 1024)
