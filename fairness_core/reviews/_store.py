"""The review store: reviews and their files in one embedded SQLite database.

One connection per call (Streamlit runs sessions on several threads, and two server
processes may share the file), write-ahead logging so readers never wait for a writer, and
``BEGIN IMMEDIATE`` for every write so two writers queue on the busy timeout instead of
failing. Every sqlite3 error becomes an :class:`~fairness_core.errors.InvalidInputError`
naming the file and what to do.
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import json
import os
import secrets
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fairness_core.errors import InvalidInputError
from fairness_core.reviews._paths import (
    DEFAULT_MAX_FILE_BYTES,
    MAX_FILE_MB_ENV,
    SQLITE_MAX_BLOB_BYTES,
)

__all__ = [
    "SCHEMA_VERSION",
    "FileTooLargeError",
    "ReviewNotFoundError",
    "ReviewStore",
    "ReviewSummary",
    "StoredFile",
    "StoredReview",
]

#: The layout of the database this code writes (see docs/reviews.md).
SCHEMA_VERSION = 1
#: Longest review name kept, in characters.
MAX_NAME_CHARS = 200
#: How long a call waits for another writer before giving up, in seconds.
BUSY_TIMEOUT_SECONDS = 30.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS reviews (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    content TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reviews_by_owner ON reviews (owner, updated);
CREATE TABLE IF NOT EXISTS files (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    content BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS review_files (
    review_id TEXT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL REFERENCES files (sha256),
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    added TEXT NOT NULL,
    PRIMARY KEY (review_id, sha256)
);
CREATE INDEX IF NOT EXISTS review_files_by_file ON review_files (sha256);
"""


class ReviewNotFoundError(InvalidInputError):
    """No review with this id is visible to this owner (missing, deleted, or someone else's)."""


class FileTooLargeError(InvalidInputError):
    """A file is larger than the operator allows to keep with a review."""


@dataclass(frozen=True)
class ReviewSummary:
    """One line of the list of reviews: which review, whose, and when.

    ``owner`` is who created it (in a shared workspace, another person's token or id).
    ``created`` and ``updated`` are ISO 8601 times in UTC.
    """

    id: str
    name: str
    owner: str
    created: str
    updated: str


@dataclass(frozen=True)
class StoredReview:
    """A review as saved: its summary fields and its JSON document (``content``)."""

    id: str
    name: str
    owner: str
    created: str
    updated: str
    content: Mapping[str, Any] = field(repr=False)

    @property
    def summary(self) -> ReviewSummary:
        """The review's line in the list."""
        return ReviewSummary(self.id, self.name, self.owner, self.created, self.updated)


@dataclass(frozen=True)
class StoredFile:
    """A file kept with a review: its SHA-256, the name it was uploaded under, its role."""

    sha256: str
    name: str
    role: str
    size: int


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _not_found(review_id: object) -> ReviewNotFoundError:
    # The same words whether the id is unknown or belongs to another owner: ids cannot be probed.
    shown = str(review_id)[:60]
    return ReviewNotFoundError(
        f"There is no saved review {shown!r} for you. It may have been deleted, or the link "
        "was made in another browser or by another person. Open the list of your reviews, "
        "or start a new review from your data."
    )


def _content_json(content: Mapping[str, Any]) -> str:
    if not isinstance(content, Mapping):
        raise ValueError(
            f"A review's content must be a dict (its JSON document). Got {type(content).__name__}."
        )
    try:
        return json.dumps(dict(content), allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError) as exc:
        raise ValueError(
            f"A review's content must be plain JSON ({exc}). Encode findings, operating points "
            "and tables with fairness_core.reviews.encode first."
        ) from exc


def _check_owner(owner: object) -> str:
    if not isinstance(owner, str) or not owner:
        raise InvalidInputError(
            "A review's owner must be a non-empty text (the browser's token or the signed-in "
            f"user's id). Got {type(owner).__name__} instead."
        )
    return owner


def _check_name(name: object) -> str:
    text = name.strip() if isinstance(name, str) else ""
    if not text:
        raise InvalidInputError("A review needs a name. Type a few words saying what it reviews.")
    if len(text) > MAX_NAME_CHARS:
        raise InvalidInputError(
            f"A review's name is at most {MAX_NAME_CHARS} characters long; this one has "
            f"{len(text):,}. Shorten it."
        )
    return text


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f} MB"


class ReviewStore:
    """Reviews and their files in the SQLite database at ``path``.

    With ``shared=False`` (the default) a review is visible only to its owner: loading,
    saving, renaming, duplicating or deleting another owner's review raises
    :class:`ReviewNotFoundError` with the same message as an unknown id. With
    ``shared=True`` (the operator's shared workspace) every owner lists, opens, saves,
    renames, duplicates and deletes every review; each summary says who created it. Files
    above ``max_file_bytes`` are refused with :class:`FileTooLargeError`.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        shared: bool = False,
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    ) -> None:
        if (
            not isinstance(max_file_bytes, int)
            or isinstance(max_file_bytes, bool)
            or not 0 < max_file_bytes <= SQLITE_MAX_BLOB_BYTES
        ):
            raise InvalidInputError(
                f"The largest file kept with a review must be a whole number of bytes above 0 "
                f"and at most {SQLITE_MAX_BLOB_BYTES:,}. Got {max_file_bytes!r} instead."
            )
        self.path = Path(path)
        self.shared = shared
        self.max_file_bytes = max_file_bytes
        self._create_file()
        self._initialise()

    def __repr__(self) -> str:
        return f"ReviewStore({str(self.path)!r}, shared={self.shared})"

    # ----------------------------------------------------------------- database plumbing

    def _create_file(self) -> None:
        """The parent folders (0o700) and an empty database file (0o600), when missing."""
        missing = []
        parent = self.path.parent
        while not parent.exists() and parent != parent.parent:
            missing.append(parent)
            parent = parent.parent
        try:
            for folder in reversed(missing):
                folder.mkdir(mode=0o700, exist_ok=True)
                os.chmod(folder, 0o700)  # mkdir's mode is reduced by the umask
            if not self.path.exists():
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                os.close(fd)
                os.chmod(self.path, 0o600)
        except FileExistsError:
            pass  # another process created it between our check and our open
        except OSError as exc:
            raise InvalidInputError(
                f"The reviews database {str(self.path)!r} cannot be created ({exc.strerror}). "
                "Check that the folder can be written by the user running the app, or point "
                "FAIRNESS_EXPLORER_REVIEWS at another file."
            ) from None

    def _unreadable(self, exc: sqlite3.Error) -> InvalidInputError:
        text = str(exc)
        if isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
            return InvalidInputError(
                f"The reviews database {str(self.path)!r} stayed busy for more than "
                f"{BUSY_TIMEOUT_SECONDS:.0f} seconds (another app or program is writing to it). "
                "Your last change was not saved; try again in a moment."
            )
        if isinstance(exc, sqlite3.OperationalError) and "unable to open" in text:
            return InvalidInputError(
                f"The reviews database {str(self.path)!r} cannot be opened ({text}). Check that "
                "the file and its folder can be read and written by the user running the app."
            )
        return InvalidInputError(
            f"The reviews database {str(self.path)!r} cannot be read ({text}): it is damaged "
            "or is not a reviews database. Stop the app, move the file aside (rename it, and "
            "keep it: a specialist may recover reviews from it), and start the app again; it "
            "starts a new, empty database."
        )

    @contextlib.contextmanager
    def _connect(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        """A fresh connection, in a transaction that commits on success (``write``: at once
        taking the write lock, so concurrent writers wait rather than fail)."""
        connection: sqlite3.Connection | None = None
        try:
            connection = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None
            )
            connection.execute("PRAGMA foreign_keys = ON")
            # With WAL, NORMAL never corrupts the file; a power cut may lose the last save.
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
        except sqlite3.Error as exc:
            raise self._unreadable(exc) from None
        finally:
            if connection is not None:
                connection.close()

    def _initialise(self) -> None:
        """Tables created when missing (idempotent), WAL on, the schema version checked."""
        try:
            connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS)
        except sqlite3.Error as exc:
            raise self._unreadable(exc) from None
        try:
            # Set before the first table exists; ignored afterwards. Deleted files give their
            # pages back with `PRAGMA incremental_vacuum`.
            connection.execute("PRAGMA auto_vacuum = INCREMENTAL")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.executescript(f"BEGIN IMMEDIATE;\n{_SCHEMA}\nCOMMIT;")
            with connection:
                rows = connection.execute("SELECT version FROM schema_version").fetchall()
                if not rows:
                    connection.execute(
                        "INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,)
                    )
                    version = SCHEMA_VERSION
                else:
                    version = max(int(r[0]) for r in rows)
        except sqlite3.Error as exc:
            raise self._unreadable(exc) from None
        finally:
            connection.close()
        if version > SCHEMA_VERSION:
            raise InvalidInputError(
                f"The reviews database {str(self.path)!r} was written by a newer version of "
                f"Fairness Explorer (layout {version}; this version reads up to "
                f"{SCHEMA_VERSION}). Upgrade the app, or point FAIRNESS_EXPLORER_REVIEWS at "
                "another file."
            )

    def _row(
        self, connection: sqlite3.Connection, owner: str, review_id: object
    ) -> tuple[Any, ...]:
        """The review's row if ``owner`` may see it, else ReviewNotFoundError."""
        _check_owner(owner)
        if not isinstance(review_id, str):
            raise _not_found(review_id)
        row = connection.execute(
            "SELECT id, name, owner, created, updated, content FROM reviews WHERE id = ?",
            (review_id,),
        ).fetchone()
        if row is None or (not self.shared and row[2] != owner):
            raise _not_found(review_id)
        return tuple(row)

    # ----------------------------------------------------------------- reviews

    def create(self, owner: str, name: str, content: Mapping[str, Any]) -> ReviewSummary:
        """A new review owned by ``owner``, with an unguessable id."""
        _check_owner(owner)
        name = _check_name(name)
        text = _content_json(content)
        now = _now()
        review_id = secrets.token_urlsafe(18)
        with self._connect(write=True) as db:
            db.execute(
                "INSERT INTO reviews (id, owner, name, created, updated, content) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (review_id, owner, name, now, now, text),
            )
        return ReviewSummary(review_id, name, owner, now, now)

    def save(self, owner: str, review_id: str, content: Mapping[str, Any]) -> ReviewSummary:
        """Replace the review's content (the whole JSON document)."""
        text = _content_json(content)
        now = _now()
        with self._connect(write=True) as db:
            row = self._row(db, owner, review_id)
            db.execute(
                "UPDATE reviews SET content = ?, updated = ? WHERE id = ?", (text, now, row[0])
            )
        return ReviewSummary(row[0], row[1], row[2], row[3], now)

    def load(self, owner: str, review_id: str) -> StoredReview:
        """The review with its content, if ``owner`` may open it."""
        with self._connect() as db:
            row = self._row(db, owner, review_id)
        try:
            content = json.loads(row[5])
        except (ValueError, RecursionError):
            content = None
        if not isinstance(content, dict):
            raise InvalidInputError(
                f"The saved review {row[1]!r} in {str(self.path)!r} is damaged: its content is "
                "not a JSON document. Start a new review from the same data."
            )
        return StoredReview(row[0], row[1], row[2], row[3], row[4], content)

    def list(self, owner: str) -> builtins.list[ReviewSummary]:
        """The reviews ``owner`` may open (every review in a shared workspace), newest first."""
        _check_owner(owner)
        query = "SELECT id, name, owner, created, updated FROM reviews"
        params: tuple[str, ...] = ()
        if not self.shared:
            query += " WHERE owner = ?"
            params = (owner,)
        query += " ORDER BY updated DESC, created DESC, id"
        with self._connect() as db:
            rows = db.execute(query, params).fetchall()
        return [ReviewSummary(*row) for row in rows]

    def rename(self, owner: str, review_id: str, name: str) -> ReviewSummary:
        """Give the review a new name."""
        name = _check_name(name)
        now = _now()
        with self._connect(write=True) as db:
            row = self._row(db, owner, review_id)
            db.execute("UPDATE reviews SET name = ?, updated = ? WHERE id = ?", (name, now, row[0]))
        return ReviewSummary(row[0], name, row[2], row[3], now)

    def duplicate(self, owner: str, review_id: str, name: str | None = None) -> ReviewSummary:
        """A copy of the review (content and file references), owned by ``owner``.

        Files are not copied: the copy refers to the same stored files.
        """
        new_id = secrets.token_urlsafe(18)
        now = _now()
        with self._connect(write=True) as db:
            row = self._row(db, owner, review_id)
            new_name = _check_name(
                name if name is not None else f"Copy of {row[1]}"[:MAX_NAME_CHARS]
            )
            db.execute(
                "INSERT INTO reviews (id, owner, name, created, updated, content) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (new_id, owner, new_name, now, now, row[5]),
            )
            db.execute(
                "INSERT INTO review_files (review_id, sha256, name, role, added) "
                "SELECT ?, sha256, name, role, added FROM review_files WHERE review_id = ?",
                (new_id, row[0]),
            )
        return ReviewSummary(new_id, new_name, owner, now, now)

    def delete(self, owner: str, review_id: str) -> None:
        """Delete the review, and every file no other review uses."""
        with self._connect(write=True) as db:
            row = self._row(db, owner, review_id)
            hashes = [
                r[0]
                for r in db.execute(
                    "SELECT sha256 FROM review_files WHERE review_id = ?", (row[0],)
                )
            ]
            db.execute("DELETE FROM review_files WHERE review_id = ?", (row[0],))
            db.execute("DELETE FROM reviews WHERE id = ?", (row[0],))
            self._collect(db, hashes)

    # ----------------------------------------------------------------- files

    def put_file(
        self, owner: str, review_id: str, name: str, content: bytes, *, role: str = ""
    ) -> str:
        """Keep ``content`` with the review under ``name``; returns its SHA-256.

        The same bytes are stored once however many reviews use them. A non-empty ``role``
        (``"dataset"``, ``"model"``) holds one file per review: a new dataset replaces the
        review's old one.
        """
        if not isinstance(content, (bytes, bytearray, memoryview)):
            raise ValueError(f"A file's content must be bytes. Got {type(content).__name__}.")
        data = bytes(content)
        if len(data) > self.max_file_bytes:
            raise FileTooLargeError(
                f"The file {str(name)[:200]!r} is {_megabytes(len(data))}; files kept with a "
                f"review may be at most {_megabytes(self.max_file_bytes)}. The review itself "
                "is still saved, but this file is not kept with it, so you will be asked for "
                "it again when you reopen the review. The operator can raise the limit by "
                f"starting the app with --reviews-max-file-mb or by setting {MAX_FILE_MB_ENV}."
            )
        digest = hashlib.sha256(data).hexdigest()
        with self._connect(write=True) as db:
            row = self._row(db, owner, review_id)
            db.execute(
                "INSERT OR IGNORE INTO files (sha256, size, content) VALUES (?, ?, ?)",
                (digest, len(data), data),
            )
            replaced: builtins.list[str] = []
            if role:
                replaced = [
                    r[0]
                    for r in db.execute(
                        "SELECT sha256 FROM review_files WHERE review_id = ? AND role = ? "
                        "AND sha256 != ?",
                        (row[0], role, digest),
                    )
                ]
                db.execute(
                    "DELETE FROM review_files WHERE review_id = ? AND role = ? AND sha256 != ?",
                    (row[0], role, digest),
                )
            db.execute(
                "INSERT OR REPLACE INTO review_files (review_id, sha256, name, role, added) "
                "VALUES (?, ?, ?, ?, ?)",
                (row[0], digest, str(name), role, _now()),
            )
            self._collect(db, replaced)
        return digest

    def get_file(self, owner: str, review_id: str, sha256: str) -> bytes:
        """The bytes of a file kept with the review."""
        with self._connect() as db:
            row = self._row(db, owner, review_id)
            found = db.execute(
                "SELECT f.content FROM review_files AS r JOIN files AS f ON f.sha256 = r.sha256 "
                "WHERE r.review_id = ? AND r.sha256 = ?",
                (row[0], sha256),
            ).fetchone()
        if found is None:
            raise InvalidInputError(
                f"The review {row[1]!r} keeps no file with SHA-256 {str(sha256)[:64]!r}. Load "
                "the file again; it will be kept with the review."
            )
        return bytes(found[0])

    def list_files(self, owner: str, review_id: str) -> builtins.list[StoredFile]:
        """The files kept with the review, in the order they were added."""
        with self._connect() as db:
            row = self._row(db, owner, review_id)
            rows = db.execute(
                "SELECT r.sha256, r.name, r.role, f.size FROM review_files AS r "
                "JOIN files AS f ON f.sha256 = r.sha256 WHERE r.review_id = ? "
                "ORDER BY r.added, r.name",
                (row[0],),
            ).fetchall()
        return [StoredFile(*r) for r in rows]

    def remove_file(self, owner: str, review_id: str, sha256: str) -> None:
        """Stop keeping a file with the review (deleted when no other review uses it)."""
        with self._connect(write=True) as db:
            row = self._row(db, owner, review_id)
            db.execute(
                "DELETE FROM review_files WHERE review_id = ? AND sha256 = ?", (row[0], sha256)
            )
            self._collect(db, [sha256])

    @staticmethod
    def _collect(db: sqlite3.Connection, hashes: builtins.list[str]) -> None:
        """Delete those of ``hashes`` no review refers to any more."""
        for digest in set(hashes):
            db.execute(
                "DELETE FROM files WHERE sha256 = ? AND NOT EXISTS "
                "(SELECT 1 FROM review_files WHERE sha256 = ?)",
                (digest, digest),
            )
        if hashes:
            db.execute("PRAGMA incremental_vacuum")
