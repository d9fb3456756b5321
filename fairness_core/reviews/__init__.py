"""Reviews: saving what a reviewer decided, and reopening it later.

Words used here:

- A *review* is one dataset (and, if they have it, one model) with every choice the
  reviewer made (column roles, bands, settings per page, cohorts), their findings and their
  named operating points. It is stored as one JSON document (its *content*) under an
  unguessable id, with a name the reviewer chooses. The app saves it as it changes and
  reopens it after a browser reload or a server restart.
- The *owner* of a review is an opaque text: the secret token kept in the reviewer's browser,
  or the id of a signed-in user. Every call names the owner; a review is visible only to its
  owner, and another owner's review is reported exactly like one that does not exist, so ids
  cannot be probed.
- The *shared workspace* is the operator's choice (``ReviewStore(path, shared=True)``): every
  owner lists, opens and edits every review, and each review says who created it.
- A *stored file* is a file kept with a review (the dataset, the model), stored once by its
  SHA-256 however many reviews use it, and deleted when no review uses it any more. Files
  above the operator's limit (200 MB by default) are not kept: the review is saved without
  them and asks for them again when reopened.

:class:`ReviewStore` keeps reviews in an embedded SQLite database (docs/reviews.md says
where and how). :func:`encode` and :func:`decode` turn the objects a review holds —
findings, operating points, cohorts, column roles, subgroup settings, tables — into JSON and
back, building only the classes a review may hold. Nothing here imports Streamlit.
"""

from fairness_core.reviews._codec import allowed_classes, decode, encode
from fairness_core.reviews._paths import (
    DEFAULT_MAX_FILE_BYTES,
    MAX_FILE_MB_ENV,
    SHARED_ENV,
    STORE_PATH_ENV,
    default_store_path,
    max_file_bytes_from_env,
    max_file_bytes_from_mb,
    shared_from_env,
)
from fairness_core.reviews._store import (
    SCHEMA_VERSION,
    FileTooLargeError,
    ReviewNotFoundError,
    ReviewStore,
    ReviewSummary,
    StoredFile,
    StoredReview,
)

__all__ = [
    "DEFAULT_MAX_FILE_BYTES",
    "MAX_FILE_MB_ENV",
    "SCHEMA_VERSION",
    "SHARED_ENV",
    "STORE_PATH_ENV",
    "FileTooLargeError",
    "ReviewNotFoundError",
    "ReviewStore",
    "ReviewSummary",
    "StoredFile",
    "StoredReview",
    "allowed_classes",
    "decode",
    "default_store_path",
    "encode",
    "max_file_bytes_from_env",
    "max_file_bytes_from_mb",
    "shared_from_env",
]
