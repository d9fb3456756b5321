"""Generate the monitoring demo: a seeded year of monthly loan decisions.

Run from the repository root::

    .venv/bin/python demo_data/generate_monitoring.py

Writes ``demo_data/monitoring/decisions/2025-01.csv`` … ``2025-12.csv`` (one file per month,
about 1,500 decisions each). Columns: ``application_id``, ``decided_at`` (date and time),
``race``, ``gender``, ``score`` (the model's probability of repayment, 4 decimals),
``approved`` (1 when ``score >= 0.5``) and ``repaid`` (1 repaid, 0 defaulted, empty while
the outcome is not known yet).

What was injected (demo_data/README.md says what a trainee should find): from August 2025
on, a new data source lowers the scores of Black applicants (−0.8 on the log-odds scale), so
their approvals drop from about the same rate as everyone else's to well below; their true
repayment does not change. Before August nothing changes. Outcomes arrive late: every loan
decided before October 2025 has its outcome, about half of October's, a fifth of
November's and none of December's.

All randomness comes from one fixed seed, so rerunning writes byte-identical files. Every
row is made up.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
OUT = HERE / "monitoring" / "decisions"
SEED = 20250801
YEAR = 2025
ROWS_PER_MONTH = 1500
RACES = ("White", "Black", "Hispanic", "Asian")
RACE_SHARES = (0.52, 0.24, 0.16, 0.08)
CHANGE_MONTH = 8
SCORE_SHIFT = -0.8
KNOWN_SHARE = {10: 0.5, 11: 0.2, 12: 0.0}


def _logistic(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def make_month(month: int, rng: np.random.Generator, start_id: int) -> pd.DataFrame:
    """One month of decisions (see the module docstring)."""
    n = ROWS_PER_MONTH
    race = rng.choice(RACES, size=n, p=RACE_SHARES)
    gender = rng.choice(("female", "male"), size=n)
    worth = rng.normal(0.0, 1.0, size=n)
    repaid = (rng.random(n) < _logistic(1.3 * worth + 0.4)).astype(int)
    logit = 1.3 * worth + 0.4 + rng.normal(0.0, 0.6, size=n) - 0.25
    if month >= CHANGE_MONTH:
        logit = logit + np.where(race == "Black", SCORE_SHIFT, 0.0)
    score = np.round(_logistic(logit), 4)
    approved = (score >= 0.5).astype(int)
    days = pd.Timestamp(YEAR, month, 1).days_in_month
    seconds = rng.integers(0, days * 86_400, size=n)
    decided = pd.Timestamp(YEAR, month, 1) + pd.to_timedelta(np.sort(seconds), unit="s")
    known = rng.random(n) < KNOWN_SHARE.get(month, 1.0)
    return pd.DataFrame(
        {
            "application_id": [f"A{i:06d}" for i in range(start_id, start_id + n)],
            "decided_at": decided.strftime("%Y-%m-%dT%H:%M:%S"),
            "race": race,
            "gender": gender,
            "score": score,
            "approved": approved,
            "repaid": pd.Series(repaid, dtype="Int64").where(known),
        }
    )


def main() -> int:
    """Write the twelve monthly files and print the approval rate per race and month."""
    rng = np.random.default_rng(SEED)
    OUT.mkdir(parents=True, exist_ok=True)
    frames = []
    for month in range(1, 13):
        frame = make_month(month, rng, start_id=1 + (month - 1) * ROWS_PER_MONTH)
        frame.to_csv(OUT / f"{YEAR}-{month:02d}.csv", index=False, lineterminator="\n")
        frames.append(frame.assign(month=f"{YEAR}-{month:02d}"))
    table = pd.concat(frames).pivot_table(
        index="month", columns="race", values="approved", aggfunc="mean"
    )
    print("Approval rate by month and race:")
    print(table[list(RACES)].round(3).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
