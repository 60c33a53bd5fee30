"""Fitting rheology (viscoann.fit): synthetic GNSS series made by the exact solver for a finite
fault and 30 stations with noise; least squares with the exact backend recovers the truth
within 2 sigma; MCMC (emcee) against the least-squares covariance on a closed-form kernel
(the exact backend is too slow for 1e4 evaluations in CI); bad input named."""

import math

import numpy as np
import pytest
import viscoann as va
from viscoann import backends, fit

YR = va.conventions.YEAR
TRUTH = dict(eta_M=5e18, eta_K=1e18, H=20e3)
FAULT = va.RectangularFault(0.0, 0.0, 7e3, 0.0, 90.0, 40e3, 12e3, 180.0, 2.0)
COARSE = dict(tol=1e-3, k_refine=0.5, r_refine=0.5)


def _synthetic(seed=3, times=(0.0, 0.2, 1.0, 2.5, 5.0, 10.0)):
    rng = np.random.default_rng(seed)
    st = va.Stations(rng.uniform(-60e3, 60e3, 30), rng.uniform(-60e3, 60e3, 30))
    t = np.asarray(times) * YR
    # the truth at the solver's default resolution; the fit runs at a coarser one
    u = va.exact.displacement(va.EarthModel.family(**TRUTH), FAULT, st, t)
    sig = np.broadcast_to(np.array([1e-3, 1e-3, 3e-3]), u.shape)
    return va.Observations(t, u + sig * rng.standard_normal(u.shape), sig), st


def _within(f, truth, k=2.0):
    out = {}
    for n in f.names:
        v, tv = f.values[n], truth[n]
        d = math.log10(v) - math.log10(tv) if n.startswith("eta") else v - tv
        out[n] = abs(d) / f.sigma[n]
    assert all(z < k for z in out.values()), out
    return out


def test_least_squares_recovers_truth_from_exact_synthetics():
    obs, st = _synthetic()
    kernel = backends.ExactKernel(**COARSE)
    f = fit.rheology(obs, FAULT, st, kernel=kernel, initial=dict(eta_M=1e19, eta_K=3e18, H=15e3))
    _within(f, TRUTH)
    assert 0.7 < f.reduced < 1.3  # the noise is what is left
    assert f.sigma["eta_M"] < 0.05 and f.sigma["H"] < 1e3  # the data constrain all three
    assert f.predicted.shape == obs.u.shape


def test_least_squares_with_the_neural_kernel_recovers_truth():
    """The same exact synthetics fitted with the shipped neural kernel (its own Jacobian)."""
    obs, st = _synthetic()
    net = va.NeuralKernel.pretrained()
    f = fit.rheology(obs, FAULT, st, kernel=net, initial=dict(eta_M=1e19, eta_K=3e18, H=15e3))
    _within(f, TRUTH)
    assert 0.7 < f.reduced < 1.3  # the kernel's error is below the noise


def test_mcmc_with_the_neural_kernel_agrees_with_least_squares():
    """The MCMC's walkers go through the prepared kernel together (one call per move); their
    chi2 equals the one-point path's, and the posterior agrees with least squares."""
    pytest.importorskip("emcee")
    obs, st = _synthetic()
    net = va.NeuralKernel.pretrained()
    init = dict(eta_M=1e19, eta_K=3e18, H=15e3)
    lsq = fit.rheology(obs, FAULT, st, kernel=net, initial=init)
    prob = fit._Problem(obs, FAULT, st, lsq.names, net, {}, 0.0, None, None, (1e3, 200e3))
    X = np.array([[19.0, 18.2, 21.0], [18.6, 18.0, 16.5], [18.7, 18.1, 19.0]])
    many = prob.chi2_many(X)
    one = np.array([prob.chi2(x) for x in X])
    np.testing.assert_allclose(many, one, rtol=1e-12)
    mc = fit.rheology(obs, FAULT, st, kernel=net, initial=init, method="mcmc", steps=300, seed=2)
    assert mc.samples.shape == (16 * (300 - 75), 3)
    for n in lsq.names:
        a = math.log10(mc.values[n]) if n.startswith("eta") else mc.values[n]
        b = math.log10(lsq.values[n]) if n.startswith("eta") else lsq.values[n]
        assert abs(a - b) < 0.5 * lsq.sigma[n], n
        assert 0.6 < mc.sigma[n] / lsq.sigma[n] < 1.6, n
    _within(mc, TRUTH)


class ToyKernel:
    """Closed form: u = pattern (1/2 + h (1 - exp(-t mu/eta_M))), h = 1 + (H - 15 km)/50 km
    (a coseismic part and a postseismic part that H scales), with its exact Jacobian in log10
    eta_M and log10 H."""

    def __init__(self, n_stations, seed=0):
        self.a = np.random.default_rng(seed).normal(0, 0.01, (n_stations, 3))

    def displacement(self, source, stations, times, jacobian=None, eta_M=1e19, H=15e3, **_):
        tau = eta_M / 30e9
        e = np.exp(-np.asarray(times)[:, None, None] / tau)
        h = 1 + (H - 15e3) / 50e3
        u = self.a[None] * (0.5 + h * (1 - e))
        if jacobian is None:
            return u
        t = np.asarray(times)[:, None, None]
        cols = {
            "eta_M": self.a[None] * h * (-e * t / tau) * math.log(10),
            "H": self.a[None] * (1 - e) * (H * math.log(10) / 50e3),
        }
        return u, np.stack([cols[n] for n in jacobian], axis=-1)


def _toy_obs(slip=1.3, eta=3e18, H=22e3, reference=None, seed=5):
    k = ToyKernel(12)
    st = va.Stations(np.arange(12.0) * 1e3, np.zeros(12))
    t = np.linspace(0.0, 10.0, 15) * YR
    u = slip * k.displacement(None, st, t, eta_M=eta, H=H)
    rng = np.random.default_rng(seed)
    sig = np.full(u.shape, 2e-4)
    u = u + sig * rng.standard_normal(u.shape)
    if reference == "first":
        u = u - u[0] + 0.37  # an arbitrary reference position
    return k, st, va.Observations(t, u, sig)


def test_free_slip_scale_and_first_epoch_reference():
    k, st, obs = _toy_obs()
    f = fit.rheology(obs, None, st, params=("eta_M", "H", "slip"), kernel=k)
    _within(f, dict(eta_M=3e18, H=22e3, slip=1.3))
    # positions relative to the first epoch: the coseismic step is gone, slip and H then
    # trade off (both scale the postseismic part), so H is held
    k, st, obs = _toy_obs(reference="first")
    f = fit.rheology(
        obs, None, st, params=("eta_M", "slip"), kernel=k, reference="first", fixed=dict(H=22e3)
    )
    _within(f, dict(eta_M=3e18, slip=1.3))
    assert 0.7 < f.reduced < 1.3


def test_mcmc_posterior_agrees_with_least_squares(tmp_path):
    pytest.importorskip("emcee")
    k, st, obs = _toy_obs()
    lsq = fit.rheology(obs, None, st, params=("eta_M", "slip"), kernel=k, fixed=dict(H=22e3))
    mc = fit.rheology(
        obs,
        None,
        st,
        params=("eta_M", "slip"),
        kernel=k,
        method="mcmc",
        fixed=dict(H=22e3),
        steps=700,
        seed=1,
    )
    assert mc.samples.shape[1] == 2 and mc.samples.shape[0] == 12 * (700 - 175)
    for n in ("eta_M", "slip"):
        assert 0.8 < mc.sigma[n] / lsq.sigma[n] < 1.25  # nearly linear: Gaussian posterior
        a = math.log10(mc.values[n]) if n == "eta_M" else mc.values[n]
        b = math.log10(lsq.values[n]) if n == "eta_M" else lsq.values[n]
        assert abs(a - b) < 0.3 * lsq.sigma[n]
    _within(mc, dict(eta_M=3e18, slip=1.3))
    from viscoann import plot

    out = plot.posterior_corner(mc.samples, ["log10 eta_M", "slip"], tmp_path / "c.png")
    assert out.stat().st_size > 10_000


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(params=("eta_X",)), "params has 'eta_X'"),
        (dict(method="newton"), "method = 'newton'"),
        (dict(event_time=1.0), "before event_time"),
        (dict(initial=dict(eta_M=1e25)), "initial eta_M"),
        (dict(reference="last"), "reference = 'last'"),
    ],
)
def test_bad_input_named(kwargs, match):
    k, st, obs = _toy_obs()
    with pytest.raises(ValueError, match=match):
        fit.rheology(obs, None, st, kernel=k, **kwargs)
