"""The worker process of :mod:`fairness_core.models._worker`: load one model, score tables.

Run as ``python -m fairness_core.models._worker_main MEMORY_MB``. It limits its own address
space first, then answers requests read from standard input (length-prefixed pickles from
the trusted parent) on standard output (a length-prefixed JSON header, then for scores the
raw float64 bytes). Anything the libraries print goes to standard error, never into the
answers.
"""

from __future__ import annotations

import json
import pickle
import resource
import struct
import sys
from typing import Any, BinaryIO

_HEADER = struct.Struct("!Q")


def _read(stream: BinaryIO) -> dict[str, Any] | None:
    head = stream.read(_HEADER.size)
    if len(head) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(head)
    message: dict[str, Any] = pickle.loads(stream.read(size))  # noqa: S301 - from our parent
    return message


def _write(stream: BinaryIO, header: dict[str, Any], payload: bytes | None = None) -> None:
    body = json.dumps({**header, "payload": payload is not None}).encode()
    stream.write(_HEADER.pack(len(body)) + body)
    if payload is not None:
        stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


def _is_memory_failure(exc: BaseException) -> bool:
    text = str(exc).lower()
    words = ("bad_alloc", "failed to allocate", "failed to map segment", "cannot allocate memory")
    return isinstance(exc, MemoryError) or any(word in text for word in words)


def main() -> None:
    limit = int(sys.argv[1]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a library's print() must not corrupt the answers
    model: Any = None
    while True:
        try:
            message = _read(requests)
        except MemoryError:
            _write(answers, {"error": "memory"})
            continue
        if message is None:
            return
        try:
            import numpy as np

            from fairness_core.errors import FairnessCoreError
            from fairness_core.models._loading import ModelPolicy, load_model
            from fairness_core.models._worker import ModelLimits

            if message["op"] == "load":
                sizes_only = ModelLimits(max_unpacked_mb=message["max_unpacked_mb"], worker=False)
                policy = ModelPolicy(
                    allow_pickle=message["allow_pickle"],
                    trusted_types=message["trusted_types"],
                    limits=sizes_only,
                )
                model = load_model(message["data"], filename=message["name"], policy=policy)
                _write(answers, {"ok": True})
            else:
                raw = model._runner.predict_proba(message["frame"])
                proba = np.ascontiguousarray(np.asarray(raw, dtype=np.float64))
                _write(answers, {"ok": True, "shape": list(proba.shape)}, proba.tobytes())
        except FairnessCoreError as exc:
            _write(answers, {"error": type(exc).__name__, "message": str(exc)})
        except Exception as exc:  # reported to the parent, which words it for the reviewer
            if _is_memory_failure(exc):
                _write(answers, {"error": "memory"})
            else:
                _write(answers, {"error": "raw", "message": str(exc)[:300]})


if __name__ == "__main__":
    main()
