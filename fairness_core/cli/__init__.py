"""The ``fairness-explorer`` command line: ``app``, ``audit`` and ``replay``."""

from __future__ import annotations

from fairness_core.cli._main import (
    build_parser,
    main,
)
from fairness_core.cli._serve import app_command

__all__ = [
    "app_command",
    "build_parser",
    "main",
]
