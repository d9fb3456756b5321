"""skops model files: size and type checks before anything is built, then loading.

An *entry* is one file inside the skops zip archive (``schema.json`` and the stored arrays);
a *type name* is the dotted name (``module.Class``) the schema asks skops to build. Both
come from the file's author, so both are checked before use (see :mod:`fairness_core.models`).
"""

from __future__ import annotations

import io
import re
import shlex
import zipfile
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from fairness_core.errors import ModelLoadError, UntrustedModelError
from fairness_core.models._loaded_model import short_detail
from fairness_core.models._worker import MAX_UNPACKED_MB_ENV, ModelLimits

if TYPE_CHECKING:
    from fairness_core.models._loading import ModelPolicy

__all__ = ["is_type_name", "read_skops"]

_SKOPS_FILE_REFERENCE = re.compile(r'"file"\s*:\s*"([^"\\]+)"')
_TYPE_NAME = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+")
TRUSTED_TYPES_ENV = "FAIRNESS_EXPLORER_TRUSTED_TYPES"


def is_type_name(name: str) -> bool:
    """Whether ``name`` is a dotted Python name such as ``numpy.nan_to_num``."""
    return _TYPE_NAME.fullmatch(name) is not None


# --------------------------------------------------------------------------------------
# skops
# --------------------------------------------------------------------------------------


def read_skops(data: bytes, name: str, policy: ModelPolicy) -> object:
    """The estimator in a skops archive, after the size and type checks."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.namelist()
            sizes = {info.filename: info.file_size for info in archive.infolist()}
            limit = (policy.limits or ModelLimits()).max_unpacked_mb
            schema_ok = sizes.get("schema.json", 0) <= limit * 1_000_000
            schema = archive.read("schema.json") if "schema.json" in sizes and schema_ok else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise ModelLoadError(
            f"'{name}' looks like a zip archive but cannot be opened: it is damaged or "
            "incomplete. Upload the file again, or save the model again with skops.io.dump. "
            f"Details: {short_detail(exc)}"
        ) from exc
    if "schema.json" not in members:
        raise ModelLoadError(
            f"'{name}' is a zip archive but not a skops model file (it has no schema.json). "
            "Save the model with skops.io.dump and upload that file."
        )

    _check_skops_size(name, sizes, schema, limit)

    import skops.io as sio  # deferred: importing skops imports all of scikit-learn

    try:
        found = sio.get_untrusted_types(data=data)
    except Exception as exc:  # a hostile archive can fail in many ways
        raise ModelLoadError(_skops_failed_message(name, exc)) from exc
    allowed = set(policy.trusted_types)
    refused = sorted({str(t) for t in found} - allowed)
    if refused:
        raise UntrustedModelError(_untrusted_types_message(name, refused))
    try:
        # Only the operator's allow-list is trusted; never the file's own list of types.
        obj = sio.loads(data, trusted=sorted(allowed) or None)
    except sio.exceptions.UntrustedTypesFoundException as exc:
        raise UntrustedModelError(
            f"The model file '{name}' uses types that are not on the list of safe types, so "
            "it was not loaded. If you trust the author of this file, ask the operator to "
            "allow-list the types with `fairness-explorer app --trust-type TYPE`. "
            f"Details: {short_detail(exc)}"
        ) from exc
    except Exception as exc:  # a hostile archive can fail in many ways
        raise ModelLoadError(_skops_failed_message(name, exc)) from exc
    return obj


def _check_skops_size(name: str, sizes: Mapping[str, int], schema: bytes, limit_mb: int) -> None:
    """Refuse an archive that unpacks past ``limit_mb``, each entry counted once per reference.

    skops builds one array per reference to an entry, so a small archive that refers to one
    large entry many times would take that entry's size each time.
    """
    try:
        text = schema.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    references = Counter(_SKOPS_FILE_REFERENCE.findall(text))
    total = sum(sizes.values()) + sum(
        sizes.get(entry, 0) * (count - 1) for entry, count in references.items() if count > 1
    )
    if not schema or total > limit_mb * 1_000_000:
        raise ModelLoadError(
            f"The skops file '{name}' unpacks to {total / 1e6:,.0f} MB (each stored array "
            f"counted once per use), more than the limit of {limit_mb:,} MB, so it was not "
            "opened. A small file that unpacks to this much may have been made to exhaust "
            "the server. If the model is known and just large, the operator can raise the "
            "limit with `fairness-explorer app --max-unpacked-mb MB` (or "
            f"{MAX_UNPACKED_MB_ENV}=MB)."
        )


def _skops_failed_message(name: str, exc: BaseException) -> str:
    return (
        f"The skops file '{name}' could not be loaded. It may be damaged, made with a newer "
        "skops version, or refer to Python code that is not installed here. Save the model "
        "again with the same scikit-learn and skops versions as this app, or export it to "
        f"ONNX. Details: {short_detail(exc)}"
    )


def _untrusted_types_message(name: str, types: Sequence[str]) -> str:
    """The refusal of untrusted skops types; never a command built from unchecked file text.

    A type name comes from the file, so its author chooses it. Only names that are dotted
    Python identifiers are named and offered in a command (shell-quoted even so); any other
    name is refused as malformed and left out of every suggested command.
    """
    valid = [t for t in types if is_type_name(t)]
    malformed = [t for t in types if not is_type_name(t)]
    lines = [f"- {t}" for t in valid]
    lines += [f"- {_shown(t)} (malformed: not a Python type name)" for t in malformed]
    listed = "\n".join(lines)
    text = (
        f"The model file '{name}' uses {len(types)} type(s) that are not on the list of safe "
        f"types, so it was not loaded:\n{listed}\n"
        "Loading unknown types can run code chosen by the file's author."
    )
    if malformed:
        return text + (
            " Some type names in this file are not valid Python type names (a normal model "
            "never has these), so they cannot be allow-listed: the file is damaged or was "
            "made to attack this app. Do not use it; ask its author for an ONNX export or a "
            "model built from standard scikit-learn parts."
        )
    flags = " ".join(f"--trust-type {shlex.quote(t)}" for t in valid)
    return text + (
        " Only if you trust the author of this file, the operator can allow-list these "
        f"types by starting the app with `fairness-explorer app {flags}` (or by setting "
        f"{TRUSTED_TYPES_ENV}={shlex.quote(','.join(valid))}). Otherwise ask the author for a "
        "model built from standard scikit-learn parts, or for an ONNX export."
    )


def _shown(text: str, limit: int = 80) -> str:
    """A file's text as a quoted Python literal: control characters visible, cut to ``limit``."""
    shown = ascii(text[:limit])
    return shown + ("…" if len(text) > limit else "")
