"""The conventions' one Python home (conventions.py): its values are the ones the model file
format, the data grids and the shipped model use, and ``threads`` means the same everywhere."""

import numpy as np
import pytest
import viscoann as va
from viscoann import conventions, data, export
from viscoann.conventions import DOMAIN, INPUT_NAMES, R_MAX, YEAR, threads_count


def test_year_and_the_canonical_domain_are_the_ones_in_use():
    assert YEAR == 365.25 * 86400 == 31_557_600.0
    assert [e["name"] for e in export.CANONICAL_INPUTS] == list(INPUT_NAMES)
    assert [tuple(e["domain"]) for e in export.CANONICAL_INPUTS] == [DOMAIN[n] for n in INPUT_NAMES]
    # the shipped model was trained on this domain
    np.testing.assert_array_equal(
        va.Surrogate.pretrained().domain, [DOMAIN[n] for n in INPUT_NAMES]
    )
    g = data.training_grid(0.1)
    assert (g.x.min(), g.x.max()) == DOMAIN["x"] and g.times[-1] == DOMAIN["t"][1]
    assert (g.etas.min(axis=0) == [DOMAIN["eta_M"][0], DOMAIN["eta_K"][0]]).all()
    assert R_MAX == pytest.approx(np.hypot(100e3, 100e3), rel=1e-15)
    assert data.radial_grid(0.1).x[-1] == R_MAX


def test_threads_none_and_zero_mean_all_cores_negative_is_refused():
    assert threads_count(None) == threads_count(0) == 0
    assert threads_count(3) == 3 and threads_count(np.int64(2)) == 2
    for bad in (-1, 1.5, "2"):
        with pytest.raises(ValueError, match="threads = .* is invalid; allowed: None or 0"):
            threads_count(bad)
    x = np.linspace(1e3, 5e4, 50)
    u = va.okada.point(x, 2e3, 0.0, 5e3, 60.0, [1.0, 0.2, 0, 0])
    np.testing.assert_array_equal(
        va.okada.point(x, 2e3, 0.0, 5e3, 60.0, [1.0, 0.2, 0, 0], threads=0), u
    )
    with pytest.raises(ValueError, match="threads = -1 is invalid"):
        va.okada.canonical_surface(x, x, 5e3, threads=-1)
    assert conventions.FRAME.startswith("x east, y north, z up")
