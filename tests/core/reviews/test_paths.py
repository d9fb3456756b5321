"""Where the reviews database lives by default, and the operator's file size limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from fairness_core.errors import InvalidInputError
from fairness_core.reviews import (
    DEFAULT_MAX_FILE_BYTES,
    default_store_path,
    max_file_bytes_from_env,
    max_file_bytes_from_mb,
)

HOME = {"HOME": "/home/ana"}


@pytest.mark.parametrize(
    ("environ", "platform", "expected"),
    [
        (HOME, "linux", "/home/ana/.local/share/fairness-explorer/reviews.sqlite3"),
        ({**HOME, "XDG_DATA_HOME": "/data/ana"}, "linux",
         "/data/ana/fairness-explorer/reviews.sqlite3"),
        ({**HOME, "XDG_DATA_HOME": "relative/ignored"}, "linux",
         "/home/ana/.local/share/fairness-explorer/reviews.sqlite3"),
        ({"HOME": "/Users/ana"}, "darwin",
         "/Users/ana/Library/Application Support/fairness-explorer/reviews.sqlite3"),
        ({**HOME, "APPDATA": "/c/Users/ana/AppData/Roaming"}, "win32",
         "/c/Users/ana/AppData/Roaming/fairness-explorer/reviews.sqlite3"),
        ({**HOME, "FAIRNESS_EXPLORER_REVIEWS": "/srv/team/reviews.db",
          "XDG_DATA_HOME": "/data/ana"}, "linux", "/srv/team/reviews.db"),
    ],
    ids=["linux", "xdg", "xdg-relative", "macos", "windows", "explicit"],
)  # fmt: skip
def test_default_store_path(environ: dict[str, str], platform: str, expected: str) -> None:
    """The user's data folder per platform; the environment variable wins."""
    assert default_store_path(environ, platform=platform) == Path(expected)


def test_the_limit_comes_from_the_environment() -> None:
    """200 MB unless FAIRNESS_EXPLORER_REVIEWS_MAX_FILE_MB says otherwise."""
    assert max_file_bytes_from_env({}) == DEFAULT_MAX_FILE_BYTES == 200 * 1024 * 1024
    assert max_file_bytes_from_env({"FAIRNESS_EXPLORER_REVIEWS_MAX_FILE_MB": "500"}) == (
        500 * 1024 * 1024
    )
    assert max_file_bytes_from_mb(0.5) == 512 * 1024


@pytest.mark.parametrize("value", ["lots", "0", "-3", "nan", "5000"])
def test_a_bad_limit_names_the_setting(value: str) -> None:
    """The message names the variable, the range and what was found."""
    with pytest.raises(InvalidInputError) as error:
        max_file_bytes_from_env({"FAIRNESS_EXPLORER_REVIEWS_MAX_FILE_MB": value})
    message = str(error.value)
    assert message.startswith("FAIRNESS_EXPLORER_REVIEWS_MAX_FILE_MB must be a number")
    assert "at most 953" in message
    assert f"Got {value!r} instead." in message
