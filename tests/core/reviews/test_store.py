"""The review store: privacy, files, limits, concurrency, damage and restarts."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from fairness_core.errors import InvalidInputError
from fairness_core.report import make_finding
from fairness_core.reviews import (
    SCHEMA_VERSION,
    FileTooLargeError,
    ReviewNotFoundError,
    ReviewStore,
    ReviewSummary,
    StoredFile,
    decode,
    encode,
)

ALICE = "token-alice-9f8e"
BOB = "token-bob-1a2b"
CONTENT = {"dataset": {"name": "loan.csv", "sha256": "ab" * 32}, "findings": [], "step": 1}


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "fairness-explorer" / "reviews.sqlite3"


@pytest.fixture
def store(path: Path) -> ReviewStore:
    return ReviewStore(path)


def test_create_load_and_save_keep_the_document(store: ReviewStore) -> None:
    """What is saved is what loads; the summary says whose and when."""
    made = store.create(ALICE, "  Loan model, Q3  ", CONTENT)
    assert isinstance(made, ReviewSummary)
    assert made.name == "Loan model, Q3"
    assert made.owner == ALICE
    assert made.created == made.updated
    loaded = store.load(ALICE, made.id)
    assert loaded.content == CONTENT
    assert loaded.summary == made
    saved = store.save(ALICE, made.id, {**CONTENT, "step": 2})
    assert saved.updated > made.updated
    assert saved.created == made.created
    assert store.load(ALICE, made.id).content["step"] == 2


def test_ids_are_unguessable_and_distinct(store: ReviewStore) -> None:
    """token_urlsafe(18): 24 URL-safe characters, 144 random bits, never repeated."""
    ids = {store.create(ALICE, f"r{i}", {}).id for i in range(20)}
    assert len(ids) == 20
    assert all(len(i) == 24 and i.replace("-", "").replace("_", "").isalnum() for i in ids)


def test_a_review_holding_encoded_objects_reloads_equal(store: ReviewStore) -> None:
    """The codec's output stores as it is and decodes to the same finding and table."""
    table = pd.DataFrame({"group": ["a", "b"], "rate": [0.5, float("nan")], "n": [10, 0]})
    finding = make_finding(
        title="Gap", page="Subgroups", data_name="loan.csv", data_sha256="0" * 64, table=table
    )
    made = store.create(ALICE, "With a finding", {"findings": encode([finding])})
    (back,) = decode(store.load(ALICE, made.id).content["findings"])
    assert back == finding
    assert_frame_equal(back.table, finding.table, check_exact=True)


def test_list_is_newest_first_and_only_the_owners(store: ReviewStore) -> None:
    """Most recently changed first; another owner's reviews are not listed."""
    first = store.create(ALICE, "first", {})
    second = store.create(ALICE, "second", {})
    store.create(BOB, "bob's", {})
    assert [r.name for r in store.list(ALICE)] == ["second", "first"]
    store.save(ALICE, first.id, {"changed": True})
    assert [r.id for r in store.list(ALICE)] == [first.id, second.id]
    assert [r.name for r in store.list(BOB)] == ["bob's"]
    assert store.list("nobody") == []


def test_another_owner_cannot_touch_a_review(store: ReviewStore) -> None:
    """Bob gets the same error as for an id that does not exist, for every operation."""
    review = store.create(ALICE, "private", CONTENT)
    sha = store.put_file(ALICE, review.id, "loan.csv", b"a,b\n1,2\n")
    with pytest.raises(ReviewNotFoundError) as missing:
        store.load(BOB, "no-such-id-at-all-123456")
    calls = {
        "load": lambda: store.load(BOB, review.id),
        "save": lambda: store.save(BOB, review.id, {"stolen": True}),
        "rename": lambda: store.rename(BOB, review.id, "mine now"),
        "delete": lambda: store.delete(BOB, review.id),
        "duplicate": lambda: store.duplicate(BOB, review.id),
        "get_file": lambda: store.get_file(BOB, review.id, sha),
        "put_file": lambda: store.put_file(BOB, review.id, "x.csv", b"x"),
        "list_files": lambda: store.list_files(BOB, review.id),
        "remove_file": lambda: store.remove_file(BOB, review.id, sha),
    }
    for name, call in calls.items():
        with pytest.raises(ReviewNotFoundError) as foreign:
            call()
        # Same words as a missing id (only the id differs): ids cannot be probed.
        assert str(foreign.value).replace(review.id, "ID") == str(missing.value).replace(
            "no-such-id-at-all-123456", "ID"
        ), name
        assert ALICE not in str(foreign.value)
    assert isinstance(missing.value, InvalidInputError)
    loaded = store.load(ALICE, review.id)
    assert loaded.content == CONTENT
    assert loaded.name == "private"
    assert store.get_file(ALICE, review.id, sha) == b"a,b\n1,2\n"
    assert store.list(BOB) == []


def test_the_not_found_message_says_what_to_do(store: ReviewStore) -> None:
    """Plain words for a reviewer following an old link."""
    with pytest.raises(ReviewNotFoundError, match="There is no saved review 'abc' for you") as e:
        store.load(ALICE, "abc")
    assert "Open the list of your reviews" in str(e.value)


def test_the_shared_workspace_lets_everyone_open_everything(path: Path) -> None:
    """shared=True: every owner lists, opens and edits every review, and sees who made it."""
    ReviewStore(path).create(ALICE, "alice's", CONTENT)
    shared = ReviewStore(path, shared=True)
    bobs = shared.create(BOB, "bob's", {})
    listed = shared.list(BOB)
    assert {(r.name, r.owner) for r in listed} == {("alice's", ALICE), ("bob's", BOB)}
    alices = next(r for r in listed if r.owner == ALICE)
    assert shared.load(BOB, alices.id).content == CONTENT
    shared.save(BOB, alices.id, {"edited by": "bob"})
    assert shared.load(ALICE, alices.id).owner == ALICE  # still Alice's
    copy = shared.duplicate(BOB, alices.id)
    assert copy.owner == BOB
    # The same file opened without sharing is private again.
    private = ReviewStore(path)
    assert [r.id for r in private.list(ALICE)] == [alices.id]
    with pytest.raises(ReviewNotFoundError):
        private.load(ALICE, bobs.id)


def test_rename_and_its_checks(store: ReviewStore) -> None:
    """A new name is kept; an empty or very long one is refused with the reason."""
    review = store.create(ALICE, "old", {})
    assert store.rename(ALICE, review.id, "new").name == "new"
    assert store.load(ALICE, review.id).name == "new"
    with pytest.raises(InvalidInputError, match="needs a name"):
        store.rename(ALICE, review.id, "   ")
    with pytest.raises(InvalidInputError, match="at most 200 characters"):
        store.rename(ALICE, review.id, "x" * 201)


def test_duplicate_copies_content_and_file_references(store: ReviewStore) -> None:
    """The copy has the same document and files (stored once), and its own life."""
    review = store.create(ALICE, "original", CONTENT)
    sha = store.put_file(ALICE, review.id, "loan.csv", b"data", role="dataset")
    copy = store.duplicate(ALICE, review.id)
    assert copy.name == "Copy of original"
    assert copy.id != review.id
    assert store.load(ALICE, copy.id).content == CONTENT
    assert store.list_files(ALICE, copy.id) == [StoredFile(sha, "loan.csv", "dataset", 4)]
    assert _count(store.path, "files") == 1
    store.save(ALICE, copy.id, {"changed": True})
    assert store.load(ALICE, review.id).content == CONTENT
    named = store.duplicate(ALICE, review.id, "Second try")
    assert named.name == "Second try"


def _count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])  # noqa: S608


def test_delete_collects_unused_files_and_keeps_shared_ones(store: ReviewStore) -> None:
    """A file two reviews use outlives the first deletion and goes with the second."""
    first = store.create(ALICE, "first", {})
    second = store.create(ALICE, "second", {})
    shared_sha = store.put_file(ALICE, first.id, "loan.csv", b"shared bytes")
    assert store.put_file(ALICE, second.id, "same.csv", b"shared bytes") == shared_sha
    own_sha = store.put_file(ALICE, first.id, "model.onnx", b"only first")
    assert _count(store.path, "files") == 2
    store.delete(ALICE, first.id)
    assert _count(store.path, "files") == 1
    assert store.get_file(ALICE, second.id, shared_sha) == b"shared bytes"
    with pytest.raises(ReviewNotFoundError):
        store.get_file(ALICE, first.id, own_sha)
    with pytest.raises(ReviewNotFoundError):
        store.load(ALICE, first.id)
    store.delete(ALICE, second.id)
    assert _count(store.path, "files") == 0
    assert _count(store.path, "review_files") == 0


def test_files_are_content_addressed(store: ReviewStore) -> None:
    """put_file returns the SHA-256; the same bytes are stored once; a role holds one file."""
    review = store.create(ALICE, "r", {})
    data = b"x,y\n1,0\n"
    sha = store.put_file(ALICE, review.id, "a.csv", data, role="dataset")
    assert sha == hashlib.sha256(data).hexdigest()
    assert store.get_file(ALICE, review.id, sha) == data
    newer = store.put_file(ALICE, review.id, "b.csv", b"x,y\n0,1\n", role="dataset")
    model = store.put_file(ALICE, review.id, "m.onnx", b"onnx", role="model")
    assert [(f.sha256, f.role) for f in store.list_files(ALICE, review.id)] == [
        (newer, "dataset"),
        (model, "model"),
    ]
    assert _count(store.path, "files") == 2  # the replaced dataset is gone
    with pytest.raises(InvalidInputError, match="keeps no file with SHA-256"):
        store.get_file(ALICE, review.id, sha)
    store.remove_file(ALICE, review.id, model)
    assert [f.role for f in store.list_files(ALICE, review.id)] == ["dataset"]
    assert _count(store.path, "files") == 1


def test_a_file_over_the_limit_is_refused_with_the_remedy(path: Path) -> None:
    """The message gives the size, the limit, what happens to the review, and the settings."""
    store = ReviewStore(path, max_file_bytes=1024 * 1024)
    review = store.create(ALICE, "r", CONTENT)
    with pytest.raises(FileTooLargeError) as error:
        store.put_file(ALICE, review.id, "big.csv", b"x" * (3 * 1024 * 1024 // 2))
    message = str(error.value)
    assert "'big.csv' is 1.5 MB" in message
    assert "at most 1.0 MB" in message
    assert "review itself is still saved" in message
    assert "asked for it again when you reopen" in message
    assert "--reviews-max-file-mb" in message
    assert "FAIRNESS_EXPLORER_REVIEWS_MAX_FILE_MB" in message
    assert isinstance(error.value, InvalidInputError)
    assert store.load(ALICE, review.id).content == CONTENT
    assert store.list_files(ALICE, review.id) == []
    store.put_file(ALICE, review.id, "fits.csv", b"x" * (1024 * 1024))  # exactly the limit


def test_the_default_limit_is_200_mb(path: Path) -> None:
    """Streamlit's upload limit, so any uploaded file can be kept by default."""
    assert ReviewStore(path).max_file_bytes == 200 * 1024 * 1024


@pytest.mark.parametrize("limit", [0, -1, 2_000_000_000, 1.5, True])
def test_an_impossible_limit_is_refused(path: Path, limit: object) -> None:
    """Above SQLite's largest value, zero or not a whole number: said at start-up."""
    with pytest.raises(InvalidInputError, match="largest file kept with a review"):
        ReviewStore(path, max_file_bytes=limit)  # type: ignore[arg-type]


@pytest.mark.parametrize("content", [{"x": {1, 2}}, {"x": float("nan")}, {"x": object()}, [1]])
def test_content_that_is_not_json_is_refused(store: ReviewStore, content: object) -> None:
    """A programming error: the message says to encode first; nothing is stored."""
    with pytest.raises(ValueError, match=r"JSON|must be a dict"):
        store.create(ALICE, "bad", content)  # type: ignore[arg-type]
    assert store.list(ALICE) == []


@pytest.mark.parametrize("owner", ["", None, 3])
def test_an_owner_must_be_text(store: ReviewStore, owner: object) -> None:
    """An empty or missing owner would make reviews everybody's: refused."""
    with pytest.raises(InvalidInputError, match="owner must be a non-empty text"):
        store.create(owner, "r", {})  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="owner must be a non-empty text"):
        store.list(owner)  # type: ignore[arg-type]


def test_reviews_survive_a_restart(path: Path) -> None:
    """A second store on the same file (a server restart) sees everything the first saved."""
    before = ReviewStore(path)
    review = before.create(ALICE, "kept", CONTENT)
    sha = before.put_file(ALICE, review.id, "loan.csv", b"rows")
    del before
    after = ReviewStore(path)
    assert after.load(ALICE, review.id).content == CONTENT
    assert after.get_file(ALICE, review.id, sha) == b"rows"
    assert [r.id for r in after.list(ALICE)] == [review.id]


def test_opening_twice_is_idempotent_and_records_the_schema(path: Path) -> None:
    """Tables are created once; the schema version is written once; WAL is on."""
    ReviewStore(path)
    ReviewStore(path)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_database_from_a_newer_version_is_refused(path: Path) -> None:
    """A newer layout is not overwritten: the message says to upgrade."""
    ReviewStore(path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(InvalidInputError, match="written by a newer version"):
        ReviewStore(path)


def test_the_database_and_its_folders_are_private(path: Path) -> None:
    """Folders 0o700, the database and its WAL files 0o600, whatever the umask."""
    old = os.umask(0o022)
    try:
        store = ReviewStore(path)
        # A reader kept open keeps the write-ahead log files in place while we look at them.
        with contextlib.closing(sqlite3.connect(path)) as reader:
            reader.execute("SELECT COUNT(*) FROM reviews").fetchone()
            store.create(ALICE, "r", CONTENT)
            for side in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                assert side.exists(), side.name
                assert stat.S_IMODE(side.stat().st_mode) == 0o600, side.name
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700


def test_a_damaged_database_gives_a_message_naming_the_file(tmp_path: Path) -> None:
    """Not a raw sqlite3 error: the file, what is wrong, and to move it aside."""
    path = tmp_path / "reviews.sqlite3"
    path.write_bytes(b"this is not a database, just text " * 200)
    with pytest.raises(InvalidInputError) as error:
        ReviewStore(path)
    message = str(error.value)
    assert str(path) in message
    assert "damaged or is not a reviews database" in message
    assert "move the file aside" in message
    assert error.value.__cause__ is None
    assert error.value.__suppress_context__


def test_a_database_damaged_while_running_gives_the_same_message(path: Path) -> None:
    """Damage after start-up (a disk fault, another program) is reported on the next call."""
    store = ReviewStore(path)
    store.create(ALICE, "r", CONTENT)
    for side in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        side.unlink(missing_ok=True)
    path.write_bytes(b"\x00garbage" * 1000)
    with pytest.raises(InvalidInputError, match="move the file aside"):
        store.list(ALICE)


def test_a_folder_that_cannot_be_written_is_explained(tmp_path: Path) -> None:
    """A path under a file (so no folder can be made) says what to check."""
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(InvalidInputError, match="cannot be created"):
        ReviewStore(blocker / "reviews.sqlite3")


def test_concurrent_saves_from_threads_all_land(store: ReviewStore) -> None:
    """Eight threads saving and creating at once: no 'database is locked' escapes."""
    reviews = [store.create(ALICE, f"r{i}", {"n": 0}) for i in range(4)]
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for n in range(1, 26):
                review = reviews[(worker + n) % len(reviews)]
                store.save(ALICE, review.id, {"n": n, "worker": worker, "pad": "x" * 2000})
                store.load(ALICE, review.id)
                if n % 5 == 0:
                    created = store.create(ALICE, f"w{worker}-{n}", {})
                    store.put_file(ALICE, created.id, "f.bin", os.urandom(10_000))
                    store.list(ALICE)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(store.list(ALICE)) == 4 + 8 * 5
    assert _count(store.path, "files") == 8 * 5


_WRITER = """
import sys
from fairness_core.reviews import ReviewStore
store = ReviewStore(sys.argv[1])
review_id = sys.argv[2]
for n in range(40):
    store.save("owner", review_id, {"n": n, "process": sys.argv[3]})
    store.create("owner", f"p{sys.argv[3]}-{n}", {})
print("done")
"""


def test_two_server_processes_share_one_file(path: Path) -> None:
    """Two processes writing the same database at once both finish, nothing lost."""
    store = ReviewStore(path)
    review = store.create("owner", "shared", {})
    root = Path(__file__).resolve().parents[3]
    processes = [
        subprocess.Popen(  # noqa: S603 - fixed interpreter and code
            [sys.executable, "-c", _WRITER, str(path), review.id, str(p)],
            cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for p in range(2)
    ]  # fmt: skip
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert out.strip() == "done"
    assert len(store.list("owner")) == 1 + 2 * 40
    assert store.load("owner", review.id).content["n"] == 39


def test_importing_the_store_is_cheap() -> None:
    """The server can open the store early: no pandas, numpy or other sub-package is loaded."""
    code = (
        "import sys, fairness_core.reviews; "
        "heavy = ('pandas', 'numpy', 'pyarrow', 'streamlit'); "
        "print(sorted(m for m in heavy if m in sys.modules)); "
        "print(sorted(m.split('.')[1] for m in sys.modules if m.count('.') == 1 "
        "and m.startswith('fairness_core.') and not m.split('.')[1].startswith('_')))"
    )
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(  # noqa: S603 - fixed interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    heavy, packages = result.stdout.strip().splitlines()
    assert heavy == "[]"
    assert packages == "['errors', 'reviews']"
