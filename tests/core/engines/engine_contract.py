"""The contract every engine keeps: the same count tables as the memory engine, to 1e-12."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairness_core.engines import EngineCounts

RTOL = 1e-12


def assert_same_counts(expected: EngineCounts, got: EngineCounts) -> None:
    """Group labels, cells, weights, score sums, histograms and calibration agree."""
    assert got.rows == expected.rows
    assert got.audited_rows == expected.audited_rows
    assert got.roles == expected.roles
    assert [p.message() for p in got.warnings] == [p.message() for p in expected.warnings]
    for want, have in zip(expected.counts, got.counts, strict=True):
        assert have.labels == want.labels
        assert have.weighted == want.weighted
        np.testing.assert_array_equal(have.cells, want.cells)
        assert want.overall is not None
        assert have.overall is not None
        np.testing.assert_array_equal(have.overall.cells, want.overall.cells)
        for name in ("weighted_cells", "squared_weight_cells"):
            np.testing.assert_allclose(getattr(have, name), getattr(want, name), rtol=RTOL)
            np.testing.assert_allclose(
                getattr(have.overall, name), getattr(want.overall, name), rtol=RTOL
            )
        assert (have.scores is None) == (want.scores is None)
        if want.scores is not None and have.scores is not None:
            assert want.overall.scores is not None
            assert have.overall.scores is not None
            for name in ("score", "squared_error", "log_loss", "ranked_pairs"):
                np.testing.assert_allclose(
                    getattr(have.scores, name), getattr(want.scores, name), rtol=RTOL
                )
                np.testing.assert_allclose(
                    getattr(have.overall.scores, name),
                    getattr(want.overall.scores, name),
                    rtol=RTOL,
                )
    for want_h, have_h in zip(expected.histograms, got.histograms, strict=True):
        assert (want_h is None) == (have_h is None)
        if want_h is None or have_h is None:
            continue
        assert have_h.labels == want_h.labels
        for name in (
            "sweep_rows",
            "sweep_weight",
            "sweep_squared",
            "distribution_rows",
            "distribution_weight",
        ):
            np.testing.assert_allclose(getattr(have_h, name), getattr(want_h, name), rtol=RTOL)
        for key, values in want_h.calibration.items():
            np.testing.assert_allclose(have_h.calibration[key], values, rtol=RTOL)
    for want_c, have_c in zip(expected.calibration, got.calibration, strict=True):
        assert (want_c is None) == (have_c is None)
        if want_c is None or have_c is None:
            continue
        pd.testing.assert_frame_equal(have_c.bins, want_c.bins, rtol=RTOL, check_dtype=False)
        pd.testing.assert_frame_equal(have_c.groups, want_c.groups, rtol=RTOL, check_dtype=False)
        np.testing.assert_allclose(have_c.overall_ece, want_c.overall_ece, rtol=RTOL)
