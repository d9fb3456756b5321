"""The ``fairness-explorer`` command line: ``app``, ``audit`` and ``replay``."""

from __future__ import annotations

from fairness_core.cli._main import (
    app_command,
    build_parser,
    main,
)

__all__ = [
    "app_command",
    "build_parser",
    "main",
]
