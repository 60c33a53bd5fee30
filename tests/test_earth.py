"""Rheologies and Earth models: Laplace-domain moduli, limits, validation messages."""

import math

import numpy as np
import pytest
import viscoann as va


def test_burgers_modulus_limits():
    b = va.Burgers(30e9, 1e19, 20e9, 1e18)
    # s -> inf: unrelaxed mu_M; the compliance is the sum of the three elements.
    assert abs(b.shear_modulus(1e12) - 30e9) / 30e9 < 1e-6
    s = 1e-8 + 2e-8j
    expect = 1 / (1 / 30e9 + 1 / (1e19 * s) + 1 / (20e9 + 1e18 * s))
    assert abs(b.shear_modulus(s) - expect) <= 1e-15 * abs(expect)
    assert b.relaxed == 0.0 and b.unrelaxed == 30e9


def test_special_cases():
    assert va.Maxwell(30e9, 1e19) == va.Burgers(30e9, 1e19, math.inf, math.inf)
    sls = va.StandardLinearSolid(30e9, 10e9, 1e18)
    assert sls.relaxed == pytest.approx(30e9 * 10e9 / 40e9, rel=1e-15)
    assert abs(sls.shear_modulus(1e-14) - 7.5e9) / 7.5e9 < 1e-3  # s -> 0: relaxed
    assert va.Elastic(5e9).shear_modulus(1e-30 + 0j) == pytest.approx(5e9)


def test_canonical_model_columns():
    m = va.EarthModel.canonical(1e19, 1e18)
    th, lam, mu_M, eta_M, mu_K, eta_K = m.columns()
    np.testing.assert_array_equal(th, [15e3, 0.0])
    np.testing.assert_array_equal(lam, [30e9, 30e9])
    np.testing.assert_array_equal(mu_M, [30e9, 30e9])
    assert eta_M[1] == 1e19 and eta_K[1] == 1e18 and math.isinf(eta_M[0])


@pytest.mark.parametrize(
    ("model", "needle"),
    [
        (
            va.EarthModel([va.Layer(-1.0, va.Elastic(30e9))], va.Layer(None, va.Elastic(30e9))),
            "layers[0].thickness",
        ),
        (va.EarthModel([], va.Layer(None, va.Maxwell(30e9, -1.0))), "eta_M"),
        (va.EarthModel([], va.Layer(None, va.Elastic(0.0))), "mu_M"),
        (va.EarthModel([], va.Layer(None, va.Burgers(30e9, 1e19, 30e9, math.nan))), "eta_K"),
        (va.EarthModel([], va.Layer(None, va.Elastic(30e9), lam=-30e9)), "halfspace.lam"),
    ],
)
def test_bad_models_name_the_field(model, needle):
    with pytest.raises(ValueError, match=needle.replace("[", r"\[").replace("]", r"\]")):
        va.exact.canonical_displacement(model, 1e3, 1e3, 5e3, 0.0)


def test_halfspace_required():
    with pytest.raises(ValueError, match="halfspace"):
        va.EarthModel([va.Layer(1e3, va.Elastic(30e9))])
