"""Rheologies and Earth models: the constructors, and the C++ rheology (through the exact
solver on a homogeneous half-space) against analytic limits and the closed-form relaxation of
the homogeneous viscoelastic half-space (tests/data/homogeneous_viscoelastic.README.md)."""

import math

import numpy as np
import pytest
import viscoann as va

MU, LAM = 30e9, 30e9
K = LAM + 2 * MU / 3  # purely elastic bulk modulus, Pa
X = np.array([3e3, -12e3, 25e3, 60e3])
Y = np.array([4e3, 7e3, -18e3, 35e3])
DEPTH = 10e3
#: The solver's accuracy on the homogeneous half-space (tests/test_exact.py uses the same bar).
TOL = 1e-6
# The canonical source's solver, under its newer name where the package has it.
_displacement = va.exact.canonical_displacement


def _halfspace(rheology, lam=LAM):
    return va.EarthModel([], va.Layer(None, rheology, lam=lam))


def _rel(u, ref):
    return float(np.max(np.abs(u - ref) / np.abs(ref).max(axis=1, keepdims=True)))


def _okada(alpha):
    return va.okada.canonical_surface(X, Y, DEPTH, alpha)


def _closed_form_G(b: va.Burgers, t: float) -> float:
    """G(t) = L^-1[f(s)/s], f = mu(s)/(K + mu(s)/3), by partial fractions of
    f(s)/s = (mu_K + eta_K s) / (a s^2 + b s + c) (two decaying exponentials; the Maxwell body's
    one exponential; a standard linear solid's root s = 0 is its relaxed state)."""
    mu_M, eta_M, mu_K, eta_K = b.params()
    c0 = K / mu_M + 1 / 3
    k_eta = 0.0 if math.isinf(eta_M) else K / eta_M
    if math.isinf(eta_K):  # Maxwell: f(s)/s = 1 / (c0 s + K/eta_M)
        return math.exp(-k_eta * t / c0) / c0
    qa, qb, qc = c0 * eta_K, c0 * mu_K + eta_K * k_eta + K, mu_K * k_eta
    disc = math.sqrt(qb * qb - 4 * qa * qc)
    roots = ((-qb + disc) / (2 * qa), (-qb - disc) / (2 * qa))
    return sum((mu_K + eta_K * s) / (2 * qa * s + qb) * math.exp(s * t) for s in roots)


def test_constructors_are_burgers_bodies_with_their_own_signature():
    m, s, e = va.Maxwell(30e9, 1e19), va.StandardLinearSolid(30e9, 10e9, 1e18), va.Elastic(5e9)
    for body in (m, s, e):
        assert isinstance(body, va.Burgers)
    assert m.params() == (30e9, 1e19, math.inf, math.inf) and (m.mu, m.eta) == (30e9, 1e19)
    assert s.params() == (30e9, math.inf, 10e9, 1e18)
    assert e.params() == (5e9, math.inf, math.inf, math.inf) and e.mu == 5e9
    assert repr(m) == "Maxwell(mu=30000000000.0, eta=1e+19)"
    assert repr(s) == "StandardLinearSolid(mu_M=30000000000.0, mu_K=10000000000.0, eta_K=1e+18)"
    assert repr(e) == "Elastic(mu=5000000000.0)"
    assert m == va.Burgers(30e9, 1e19, math.inf, math.inf) and m != va.Maxwell(30e9, 2e19)
    assert len({m, va.Burgers(30e9, 1e19, math.inf, math.inf), e}) == 2
    with pytest.raises(TypeError):
        va.Maxwell(30e9, 1e19, 1e9)


def test_unrelaxed_modulus_gives_okada_at_t0():
    # mu(s -> inf) = mu_M: at t = 0 the half-space is Okada's with alpha from (lam, mu_M).
    lam = 45e9
    alpha = (lam + MU) / (lam + 2 * MU)
    for body in (va.Maxwell(MU, 1e19), va.Burgers(MU, 1e19, 20e9, 1e18)):
        u = _displacement(_halfspace(body, lam), X, Y, DEPTH, 0.0)
        assert _rel(u, _okada(alpha)) < TOL


def test_standard_linear_solid_relaxes_to_its_relaxed_modulus():
    # mu(s -> 0) = mu_M mu_K / (mu_M + mu_K), lambda(0) = K - 2 mu_R / 3 (bulk stays elastic).
    mu_K, eta_K = 10e9, 1e18
    mu_R = MU * mu_K / (MU + mu_K)
    lam_R = K - 2 * mu_R / 3
    tau = eta_K / (MU + mu_K)
    u = _displacement(_halfspace(va.StandardLinearSolid(MU, mu_K, eta_K)), X, Y, DEPTH, 1e3 * tau)
    assert _rel(u, _okada((lam_R + mu_R) / (lam_R + 2 * mu_R))) < TOL


def test_elastic_body_never_relaxes():
    model = _halfspace(va.Elastic(MU))
    u = _displacement(model, X, Y, DEPTH, [0.0, 1e9, 1e12, 1e15])
    np.testing.assert_allclose(u, _okada(2 / 3), rtol=0, atol=TOL * np.abs(u).max())


@pytest.mark.parametrize(
    "body",
    [va.Maxwell(MU, 1e19), va.Burgers(MU, 1e19, MU, 1e18), va.StandardLinearSolid(MU, MU, 1e18)],
    ids=repr,
)
def test_halfspace_relaxation_equals_the_closed_form(body):
    """u(t) = A + G(t) B on the surface (refs/homogeneous/README.md): A and B from Okada at two
    alphas (u is linear in r = (1 - alpha)/alpha), G(t) from the rheology in closed form."""
    r1, r2 = 0.5, 0.25  # alpha = 2/3, 0.8
    u1, u2 = _okada(1 / (1 + r1)), _okada(1 / (1 + r2))
    B = (u1 - u2) / (r1 - r2)
    A = u1 - r1 * B
    model = _halfspace(body)
    for t in (0.0, 3e8, 3e9, 3e10):
        u = _displacement(model, X, Y, DEPTH, t)
        assert _rel(u, A + _closed_form_G(body, t) * B) < TOL, t
    assert _closed_form_G(body, 0.0) == pytest.approx(0.5, rel=1e-14)  # alpha = 2/3 at t = 0


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
        _displacement(model, 1e3, 1e3, 5e3, 0.0)


def test_halfspace_required():
    with pytest.raises(ValueError, match="halfspace"):
        va.EarthModel([va.Layer(1e3, va.Elastic(30e9))])
