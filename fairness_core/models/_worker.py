"""Loading and scoring an uploaded model in a separate worker process, within limits.

Words used here:

- The *worker* is a child Python process (``python -m fairness_core.models._worker_main``)
  that loads one model file and scores tables with it. It is started with a *memory limit*
  (the child sets ``RLIMIT_AS`` on itself before it imports anything heavy) and every request
  to it has a *time limit* (the parent waits at most that long, then kills the child).
- Exceeding a limit stops the worker, never the app: the caller gets a
  :class:`ModelLimitError` that names the limit and how the operator raises it. The next
  request starts a fresh worker.

The parent sends requests as pickles (the parent is trusted; the child only reads them).
The child answers with a JSON header and, for scores, the raw bytes of a float64 array, so
nothing a model does in the child can make the parent unpickle anything. Scores come from
the same loader and scoring code as in-process scoring, so they are bit-identical.

A persistent worker (rather than one process per request) is used because starting Python
with scikit-learn, skops and onnxruntime costs seconds; the what-if pages score a few rows
many times.

*Watching* a wait: inside ``with watch_model(on_wait, on_done):`` every wait for the worker
calls ``on_wait(seconds_waited)`` about every :data:`POLL_SECONDS` and ``on_done()`` when
the wait ends. If ``on_wait`` raises (the app ends its script run there when the reviewer
presses Stop), the worker is killed and reaped before the exception goes on, so a cancelled
model stops at once; the next request starts a fresh worker. The watcher is held in a
context variable, so callers between the app and the worker (validation, metrics) need no
extra argument, and each session's thread sees only its own.
"""

from __future__ import annotations

import json
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fairness_core.errors import (
    DataFormatError,
    FairnessCoreError,
    InvalidInputError,
    ModelLoadError,
    UntrustedModelError,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "MEMORY_LIMIT_ENV",
    "TIME_LIMIT_ENV",
    "ModelLimitError",
    "ModelLimits",
    "ModelWorker",
    "watch_model",
]

TIME_LIMIT_ENV = "FAIRNESS_EXPLORER_MODEL_TIME_LIMIT"
MEMORY_LIMIT_ENV = "FAIRNESS_EXPLORER_MODEL_MEMORY_MB"
#: Shared with the data files' limit of the same name (fairness_core.data).
MAX_UNPACKED_MB_ENV = "FAIRNESS_EXPLORER_MAX_UNPACKED_MB"

#: Seconds between two calls of a watcher's ``on_wait`` while the worker works.
POLL_SECONDS = 0.25

_HEADER = struct.Struct("!Q")
_ERRORS: dict[str, type[FairnessCoreError]] = {
    "ModelLoadError": ModelLoadError,
    "UntrustedModelError": UntrustedModelError,
    "InvalidInputError": InvalidInputError,
    "DataFormatError": DataFormatError,
}


class ModelLimitError(ModelLoadError):
    """Loading or scoring a model went past the operator's time or memory limit."""


@dataclass(frozen=True)
class _Watcher:
    on_wait: Callable[[float], None]
    on_done: Callable[[], None] | None


_WATCHER: ContextVar[_Watcher | None] = ContextVar("fairness_core_model_watcher", default=None)


@contextmanager
def watch_model(
    on_wait: Callable[[float], None], on_done: Callable[[], None] | None = None
) -> Iterator[None]:
    """Call ``on_wait(seconds)`` while a model loads or scores in the worker, in this context.

    ``on_wait`` is called about every 0.25 s with the seconds since the request started;
    ``on_done`` once the request ends (answered, failed or cancelled). An exception raised
    by ``on_wait`` cancels the request: the worker process is killed, then it propagates.
    Models loaded without a worker (no limits) are not watched.
    """
    token = _WATCHER.set(_Watcher(on_wait, on_done))
    try:
        yield
    finally:
        _WATCHER.reset(token)


@dataclass(frozen=True)
class ModelLimits:
    """How long and how much memory one model request may take in the worker process.

    ``time_seconds`` bounds each load or scoring request (the worker is killed after it);
    ``memory_mb`` is the worker's address-space limit, which includes about 700 MB for
    Python, scikit-learn and onnxruntime themselves. ``max_unpacked_mb`` bounds what a skops
    archive unpacks to, each entry counted once per reference to it (checked before any type
    is looked at). ``worker`` false applies the size limit only and runs in this process
    (what the worker itself uses).
    """

    time_seconds: float = 120.0
    memory_mb: int = 4096
    max_unpacked_mb: int = 2000
    worker: bool = True

    def __post_init__(self) -> None:
        time_ok = (
            isinstance(self.time_seconds, (int, float))
            and not isinstance(self.time_seconds, bool)
            and 0 < float(self.time_seconds) < 1e6
        )
        memory_ok = (
            isinstance(self.memory_mb, int)
            and not isinstance(self.memory_mb, bool)
            and 0 < self.memory_mb < 10**7
        )
        if not time_ok:
            raise InvalidInputError(
                "The model time limit must be a number of seconds greater than 0, for example "
                f"120. Got {self.time_seconds!r} instead. Fix {TIME_LIMIT_ENV} or "
                "--model-time-limit."
            )
        if (
            isinstance(self.max_unpacked_mb, bool)
            or not isinstance(self.max_unpacked_mb, int)
            or self.max_unpacked_mb <= 0
        ):
            raise InvalidInputError(
                "The unpacked-size limit must be a whole number of megabytes greater than 0, "
                f"for example 2000. Got {self.max_unpacked_mb!r} instead. Fix "
                f"--max-unpacked-mb or {MAX_UNPACKED_MB_ENV}."
            )
        if not memory_ok:
            raise InvalidInputError(
                "The model memory limit must be a whole number of megabytes greater than 0, "
                f"for example 4096. Got {self.memory_mb!r} instead. Fix {MEMORY_LIMIT_ENV} "
                "or --model-memory-limit."
            )


def _time_message(name: str, limits: ModelLimits, action: str) -> str:
    return (
        f"The model '{name}' took longer than the time limit of {limits.time_seconds:g} "
        f"seconds while {action}, so it was stopped. A model that never finishes may have been "
        "made to block the app. If the model is known and just slow, the operator can raise "
        f"the limit with `fairness-explorer app --model-time-limit SECONDS` (or "
        f"{TIME_LIMIT_ENV}=SECONDS); otherwise try fewer rows."
    )


def _memory_message(name: str, limits: ModelLimits, action: str) -> str:
    return (
        f"The model '{name}' needed more memory than the limit of {limits.memory_mb:,} MB "
        f"while {action}, so it was stopped. A small file that needs this much memory may have "
        "been made to exhaust the server. If the model is known and just large, the operator "
        "can raise the limit with `fairness-explorer app --model-memory-limit MB` (or "
        f"{MEMORY_LIMIT_ENV}=MB); otherwise try fewer rows."
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
    process.wait()
    for stream in (process.stdin, process.stdout):
        if stream is not None:
            stream.close()


class ModelWorker:
    """One model file loaded in a worker process; :meth:`score` returns its probabilities.

    Thread-safe: requests from several sessions are served one at a time.
    """

    def __init__(
        self, data: bytes, *, name: str, policy: tuple[bool, tuple[str, ...]], limits: ModelLimits
    ) -> None:
        # The worker checks sizes with the same limits, and loads in its own process.
        self._data = data
        self._name = name
        self._policy = policy
        self.limits = limits
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._finalizer: weakref.finalize[Any, Any] | None = None

    def load(self) -> None:
        """Start the worker and load the model in it; raises the loader's error if any."""
        with self._lock:
            self._ensure_started(time.monotonic() + self.limits.time_seconds)

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        """The model's raw probabilities for ``frame``, computed in the worker."""
        with self._lock:
            deadline = time.monotonic() + self.limits.time_seconds
            self._ensure_started(deadline)
            header, payload = self._request({"op": "score", "frame": frame}, deadline, "scoring")
            shape = tuple(int(n) for n in header["shape"])
            import numpy as np  # here: the limits above are read by --help, without numpy

            return np.frombuffer(payload, dtype=np.float64).reshape(shape).copy()

    def close(self) -> None:
        """Stop the worker process (a later request starts a new one)."""
        if self._finalizer is not None:
            self._finalizer()
        self._process = None
        self._finalizer = None

    def _ensure_started(self, deadline: float) -> None:
        if self._process is not None and self._process.poll() is None:
            return
        self.close()
        package_root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (package_root, env.get("PYTHONPATH", "")) if p
        )
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = "1"  # each BLAS thread reserves address space under RLIMIT_AS
        process = subprocess.Popen(  # noqa: S603 - fixed command: this package's own module
            [
                sys.executable,
                "-m",
                "fairness_core.models._worker_main",
                str(self.limits.memory_mb),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        self._process = process
        self._finalizer = weakref.finalize(self, _stop, process)
        allow_pickle, trusted = self._policy
        self._request(
            {
                "op": "load",
                "data": self._data,
                "name": self._name,
                "allow_pickle": allow_pickle,
                "trusted_types": trusted,
                "max_unpacked_mb": self.limits.max_unpacked_mb,
            },
            deadline,
            "loading",
        )

    def _request(
        self, message: dict[str, Any], deadline: float, action: str
    ) -> tuple[dict[str, Any], bytes]:
        process = self._process
        watcher = _WATCHER.get()
        started = time.monotonic()
        try:
            if process is None or process.stdin is None:
                raise EOFError
            body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
            process.stdin.write(_HEADER.pack(len(body)) + body)
            process.stdin.flush()
            header = json.loads(self._read_frame(process, deadline, action, started))
            payload = (
                self._read_frame(process, deadline, action, started)
                if header.get("payload")
                else b""
            )
        except (BrokenPipeError, EOFError, OSError) as exc:
            self.close()
            raise ModelLimitError(
                "The process that runs the model ended unexpectedly. "
                + _memory_message(self._name, self.limits, action)
            ) from exc
        finally:
            if watcher is not None and watcher.on_done is not None:
                watcher.on_done()
        error = header.get("error")
        if error == "memory":
            self.close()
            raise ModelLimitError(_memory_message(self._name, self.limits, action))
        if error == "raw" and action == "scoring":  # LoadedModel.predict_proba words it
            raise RuntimeError(str(header.get("message", "")))
        if error == "raw":
            raise ModelLoadError(
                f"The model '{self._name}' could not be loaded. It may be damaged or need "
                "libraries that are not installed here. Export it again with skops or "
                f"skl2onnx. Details: {header.get('message', '')}"
            )
        if error is not None:
            raise _ERRORS.get(str(error), ModelLoadError)(str(header.get("message", "")))
        return header, payload

    def _read_frame(
        self, process: subprocess.Popen[bytes], deadline: float, action: str, started: float
    ) -> bytes:
        header = self._read_exact(process, _HEADER.size, deadline, action, started)
        size = _HEADER.unpack(header)[0]
        return self._read_exact(process, size, deadline, action, started)

    def _read_exact(
        self,
        process: subprocess.Popen[bytes],
        size: int,
        deadline: float,
        action: str,
        started: float,
    ) -> bytes:
        if process.stdout is None:
            raise EOFError
        fd = process.stdout.fileno()
        watcher = _WATCHER.get()
        chunks: list[bytes] = []
        remaining = size
        while remaining:
            left = deadline - time.monotonic()
            if left <= 0:
                self.close()
                raise ModelLimitError(_time_message(self._name, self.limits, action))
            wait = min(left, POLL_SECONDS) if watcher is not None else left
            if not select.select([fd], [], [], wait)[0]:
                if watcher is not None:
                    self._tell(watcher, time.monotonic() - started)
                continue
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def _tell(self, watcher: _Watcher, seconds: float) -> None:
        """Call the watcher; if it raises (the reviewer cancelled), kill the worker first."""
        try:
            watcher.on_wait(seconds)
        except BaseException:  # also the app's end-of-run signal, which is no Exception
            self.close()
            raise
