"""Fitting rheology to observed time series: weighted least squares with the kernel's
Jacobian (scipy.optimize.least_squares) and a posterior by MCMC (emcee).

The model: the displacement of ``fault`` (slip as a step at ``event_time``) at the
observations' stations and times, from a kernel over the family of Earth models
(:class:`viscoann.backends.ExactKernel` by default: the exact solver of
:meth:`viscoann.EarthModel.family`, Jacobian by central differences; the neural kernel has its
own). Parameters among ``eta_M``, ``eta_K`` [Pa s], ``H`` [m] and ``slip`` (a free scale on the
coseismic slip); the fit works in log10 eta, H in km and the plain slip scale, and reports:

- ``values``: the estimates in SI (eta in Pa s, H in m, slip as a factor);
- ``sigma``: 1-sigma of log10 eta, of H [m] and of the slip scale (least squares: from the
  Gauss-Newton covariance (J^T W J)^-1 at the solution, not rescaled by the misfit; MCMC:
  the samples' standard deviations);
- ``samples`` (MCMC): (n, K) in the fit's coordinates (log10 eta, H [m], slip);
- ``predicted`` (T, S, 3) and ``misfit`` (chi-square: sum of squared weighted residuals;
  ``reduced`` = misfit / (values - parameters)).

Priors of the MCMC (stated): uniform in log10 eta_M and log10 eta_K, in H and in the slip
scale, within ``bounds`` (default: eta in [1e16, 1e23] Pa s, H in [1, 200] km, slip in
[0, 10]); zero outside.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field

import numpy as np

from .observations import Observations
from .stations import Stations

__all__ = ["rheology", "Fit", "PARAMS", "DEFAULT_BOUNDS"]

PARAMS = ("eta_M", "eta_K", "H", "slip")
DEFAULT_INITIAL = {"eta_M": 1e19, "eta_K": 1e18, "H": 15e3, "slip": 1.0}
DEFAULT_BOUNDS = {
    "eta_M": (1e16, 1e23),
    "eta_K": (1e16, 1e23),
    "H": (1e3, 200e3),
    "slip": (0.0, 10.0),
}


@dataclass
class Fit:
    """The result of :func:`rheology` (see the module docstring)."""

    names: tuple
    values: dict
    sigma: dict
    covariance: np.ndarray
    predicted: np.ndarray
    misfit: float
    reduced: float
    method: str
    n_forward: int
    samples: np.ndarray | None = None
    info: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        parts = []
        for k in self.names:
            v, s = self.values[k], self.sigma[k]
            if k.startswith("eta"):
                parts.append(f"{k}=10^({math.log10(v):.3f} +- {s:.3f})")
            else:
                parts.append(f"{k}={v:.6g} +- {s:.3g}")
        return f"Fit({self.method}: {', '.join(parts)}; chi2 {self.misfit:.4g})"


def _to_coord(name, v):
    if name.startswith("eta"):
        return math.log10(v)
    return v / 1e3 if name == "H" else float(v)


def _from_coord(name, x):
    if name.startswith("eta"):
        return 10.0**x
    return x * 1e3 if name == "H" else float(x)


class _Problem:
    """Weighted residuals and their Jacobian in the fit's coordinates, one forward solve (and
    its Jacobian) per distinct point, cached."""

    def __init__(
        self, obs, fault, stations, names, kernel, fixed, event_time, reference, bar, H_bounds
    ):
        self.obs, self.fault, self.stations, self.names = obs, fault, stations, names
        self.kernel, self.fixed, self.bar = kernel, fixed, bar
        self.lags = obs.times - event_time
        self.mask = obs.mask.copy()
        sigma, data = obs.sigma, obs.u
        self.reference = reference
        if reference == "first":
            # Both data and model relative to each station's first epoch with data: that epoch
            # drops out and its error adds in quadrature to the others (their correlation
            # through it is neglected).
            self.first = np.argmax(self.mask.all(axis=2), axis=0)  # (S,)
            s = np.arange(data.shape[1])
            data = data - data[self.first, s][None]
            sigma = np.hypot(sigma, sigma[self.first, s][None])
            self.mask[self.first, s] = False
            self.mask &= np.isfinite(data) & np.isfinite(sigma)
        self.w = np.where(self.mask, 1.0 / np.where(self.mask, sigma, 1.0), 0.0)
        self.data = np.where(self.mask, data, 0.0)
        self.n_forward, self._cache = 0, {}
        self.prepared = None
        if hasattr(kernel, "prepare"):
            # A kernel that binds the geometry once (NeuralKernel.prepare) serves every point,
            # and many at once (the MCMC's walkers); its quadrature is for the thinnest lid the
            # fit may ask. Its tolerance is the kernel's accuracy, not the exact solver's: on
            # tests/test_fit.py's case u(t) - u(0) at tol 1e-3 (4 source depths) is within
            # 7e-4 of its max of tol 1e-8's, as close as the default 1e-5's (6 depths).
            H_min = H_bounds[0] if "H" in names else fixed["H"]
            self.prepared = kernel.prepare(fault, stations, self.lags, H_min=H_min, tol=1e-3)

    def _displacement(self, rheo, jacobian):
        if self.prepared is not None:
            return self.prepared.displacement(jacobian=jacobian, **rheo)
        return self.kernel.displacement(
            self.fault, self.stations, self.lags, jacobian=jacobian, **rheo
        )

    def rheology(self, x):
        out = {k: v for k, v in self.fixed.items() if k != "slip"}
        for n, xi in zip(self.names, x, strict=True):
            if n != "slip":
                out[n] = _from_coord(n, xi)
        return out

    def _ref(self, a):
        """``a`` (..., T, S, 3) relative to each station's first epoch (reference "first")."""
        if self.reference != "first":
            return a
        s = np.arange(a.shape[-2])
        return a - a[..., self.first, s, :][..., None, :, :]

    def _slip(self, x):
        """The coseismic slip scale at coordinates x (..., K)."""
        if "slip" in self.names:
            return x[..., self.names.index("slip")]
        return np.full(np.shape(x)[:-1], float(self.fixed.get("slip", 1.0)))

    def forward(self, x, jacobian):
        key = (tuple(np.round(x, 14)), jacobian)
        if key in self._cache:
            return self._cache[key]
        rheo = self.rheology(x)
        slip = float(self._slip(np.asarray(x)))
        physical = [n for n in self.names if n != "slip"]
        if jacobian and physical:
            g, J = self._displacement(rheo, tuple(physical))
            self.n_forward += 1 + 2 * len(physical)
        else:
            g, J = self._displacement(rheo, None), None
            self.n_forward += 1
        if self.bar is not None:
            self.bar.update(1)
        pred = self._ref(slip * g)
        cols = []
        if jacobian:
            k = 0
            for n, xi in zip(self.names, x, strict=True):
                if n == "slip":
                    cols.append(self._ref(g))
                    continue
                dj = self._ref(slip * J[..., k])  # d / d log10 p
                k += 1
                # coordinates: log10 eta (as is), H in km (d/dH_km = d/dlog10 H / (H_km ln 10))
                cols.append(dj if n.startswith("eta") else dj / (xi * math.log(10.0)))
        out = (pred, np.stack(cols, axis=-1) if jacobian else None)
        self._cache = {key: out}  # least_squares asks fun then jac at the same point
        return out

    def residuals(self, x):
        pred, _ = self.forward(x, True)
        return ((pred - self.data) * self.w)[self.mask]

    def jac(self, x):
        _, J = self.forward(x, True)
        return (J * self.w[..., None])[self.mask]

    def chi2(self, x):
        pred, _ = self.forward(x, False)
        return float(np.sum((((pred - self.data) * self.w)[self.mask]) ** 2))

    def chi2_many(self, X):
        """chi2 of each row of X (n, K), the models in one call of the prepared kernel."""
        arrays = {}
        for k in ("eta_M", "eta_K", "H"):
            if k in self.names:
                arrays[k] = _from_coord(k, X[:, self.names.index(k)])
            else:
                arrays[k] = np.full(len(X), float(self.fixed[k]))
        g = self.prepared.displacement(**arrays)  # (n, T, S, 3)
        self.n_forward += len(X)
        if self.bar is not None:
            self.bar.update(len(X))
        pred = self._ref(self._slip(X)[:, None, None, None] * g)
        r = (pred - self.data[None]) * self.w[None]
        return np.sum(np.where(self.mask[None], r, 0.0) ** 2, axis=(1, 2, 3))


def _check(obs, fault, stations, params, method, fixed, initial, bounds, event_time, reference):
    if not isinstance(obs, Observations):
        raise ValueError(f"obs is a {type(obs).__name__}; allowed: viscoann.Observations")
    if not isinstance(stations, Stations):
        raise ValueError(f"stations is a {type(stations).__name__}; allowed: viscoann.Stations")
    if obs.u.shape[1] != len(stations):
        raise ValueError(
            f"obs has {obs.u.shape[1]} stations and stations {len(stations)}; allowed: equal"
        )
    names = tuple(params)
    for n in names:
        if n not in PARAMS:
            raise ValueError(f"params has {n!r}; allowed: {PARAMS}")
    if len(set(names)) != len(names) or not names:
        raise ValueError(f"params = {names!r} is invalid; allowed: distinct names, >= 1")
    if method not in ("lsq", "mcmc"):
        raise ValueError(f"method = {method!r} is invalid; allowed: 'lsq', 'mcmc'")
    if reference not in (None, "first"):
        raise ValueError(f"reference = {reference!r} is invalid; allowed: None, 'first'")
    if not math.isfinite(event_time):
        raise ValueError(f"event_time = {event_time!r} is invalid; allowed: finite s")
    if obs.times[0] < event_time:
        raise ValueError(
            f"obs.times[0] = {obs.times[0]} is before event_time = {event_time}; allowed: "
            "observations from the event on"
        )
    b = {**DEFAULT_BOUNDS, **(bounds or {})}
    x0 = {**DEFAULT_INITIAL, **(initial or {})}
    for n in names:
        lo, hi = b[n]
        if not (lo < x0[n] < hi):
            raise ValueError(
                f"initial {n} = {x0[n]!r} is invalid; allowed: inside bounds ({lo:g}, {hi:g})"
            )
    fixed = {k: v for k, v in {**DEFAULT_INITIAL, **(fixed or {})}.items() if k not in names}
    return names, fixed, x0, b


def rheology(
    obs,
    fault,
    stations,
    params=("eta_M", "eta_K", "H"),
    kernel=None,
    method="lsq",
    *,
    fixed=None,
    initial=None,
    bounds=None,
    event_time=0.0,
    reference=None,
    walkers=None,
    steps=2000,
    burn=None,
    seed=0,
    progress=False,
) -> Fit:
    """Fit ``params`` to ``obs`` at ``stations`` for the slip of ``fault`` at ``event_time``.

    Parameters
    ----------
    obs : Observations
    fault : Fault, RectangularFault, PointSource (or a list)
    stations : Stations
        Aligned with ``obs`` (its second axis).
    params : names among eta_M, eta_K, H, slip
    kernel : a kernel with ``displacement(source, stations, times, jacobian=..., **rheology)``
        Default :class:`viscoann.backends.ExactKernel` (exact, central-difference Jacobian).
    method : "lsq" | "mcmc"
        "mcmc" starts its walkers around the least-squares solution.
    fixed, initial, bounds : dict
        Values of the parameters not fitted (default eta_K = 1e18, H = 15 km, slip 1; eta_K =
        inf for a Maxwell half-space), starting values, and (lo, hi) per parameter in SI.
    reference : None | "first"
        None: ``obs`` are displacements since before the event (coseismic step included);
        "first": positions with an arbitrary reference (as :meth:`Observations.from_tenv3`):
        data and model are taken relative to each station's first complete epoch.
    walkers, steps, burn, seed : MCMC controls (walkers default 4 K + 4, burn steps // 4).
    progress : bool
        A progress bar on stderr over the forward solves (LSQ) or steps (MCMC).

    Returns
    -------
    Fit

    Raises
    ------
    ValueError
        Naming the argument and the allowed range, before any solving.
    """
    from scipy.optimize import least_squares

    from .backends import ExactKernel

    names, fixed, x0d, b = _check(
        obs, fault, stations, params, method, fixed, initial, bounds, float(event_time), reference
    )
    kernel = ExactKernel() if kernel is None else kernel
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(desc="forward solves", unit="solve", file=sys.stderr)
    prob = _Problem(
        obs, fault, stations, names, kernel, fixed, float(event_time), reference, bar, b["H"]
    )
    x0 = np.array([_to_coord(n, x0d[n]) for n in names])
    lo = np.array([_to_coord(n, b[n][0]) if b[n][0] > 0 or n == "slip" else -np.inf for n in names])
    hi = np.array([_to_coord(n, b[n][1]) for n in names])
    if prob.prepared is not None and "H" in names:
        # Not below the prepared quadrature's thinnest lid (the deepest source + the margin).
        i = names.index("H")
        lo[i] = max(lo[i], prob.prepared.H_quadrature / 1e3)
        x0[i] = max(x0[i], lo[i] + 0.1)
    res = least_squares(
        prob.residuals, x0, jac=prob.jac, bounds=(lo, hi), method="trf", x_scale=1.0
    )
    x = res.x
    J = prob.jac(x)
    cov = np.linalg.pinv(J.T @ J)
    pred, _ = prob.forward(x, True)
    chi2 = float(np.sum(res.fun**2))
    dof = max(1, int(prob.mask.sum()) - len(names))
    samples = None
    if method == "mcmc":
        samples = _mcmc(prob, x, cov, lo, hi, walkers, steps, burn, seed, progress)
        cov = np.atleast_2d(np.cov(samples.T))
        x = np.median(samples, axis=0)
        pred, _ = prob.forward(x, False)
        chi2 = prob.chi2(x)
    if bar is not None:
        bar.close()
    values = {n: _from_coord(n, xi) for n, xi in zip(names, x, strict=True)}
    sd = np.sqrt(np.diag(cov))
    sigma = {n: (s * 1e3 if n == "H" else s) for n, s in zip(names, sd, strict=True)}
    if samples is not None:
        samples = samples.copy()
        if "H" in names:
            samples[:, names.index("H")] *= 1e3
    return Fit(
        names=names,
        values=values,
        sigma=sigma,
        covariance=cov,
        predicted=pred,
        misfit=chi2,
        reduced=chi2 / dof,
        method=method,
        n_forward=prob.n_forward,
        samples=samples,
        info={"lsq_status": int(res.status), "lsq_message": str(res.message), "fixed": fixed},
    )


def _mcmc(prob, x, cov, lo, hi, walkers, steps, burn, seed, progress):
    try:
        import emcee
    except ImportError:
        raise RuntimeError("method='mcmc' needs emcee: pip install 'viscoann[workflows]'") from None
    k = x.size
    walkers = walkers or 4 * k + 4
    if walkers < 2 * k or walkers % 2:
        raise ValueError(f"walkers = {walkers} is invalid; allowed: even, >= {2 * k}")
    if not (isinstance(steps, int) and steps >= 10):
        raise ValueError(f"steps = {steps!r} is invalid; allowed: an integer >= 10")
    burn = steps // 4 if burn is None else burn
    if not (0 <= burn < steps):
        raise ValueError(f"burn = {burn!r} is invalid; allowed: [0, {steps - 1}]")

    def log_prob(theta):
        if np.any(theta <= lo) or np.any(theta >= hi):
            return -np.inf
        return -0.5 * prob.chi2(theta)

    def log_prob_many(thetas):  # the walkers of a move in one call of the prepared kernel
        out = np.full(len(thetas), -np.inf)
        inside = np.all((thetas > lo) & (thetas < hi), axis=1)
        if inside.any():
            out[inside] = -0.5 * prob.chi2_many(thetas[inside])
        return out

    vectorize = prob.prepared is not None

    rng = np.random.default_rng(seed)
    sd = np.sqrt(np.clip(np.diag(cov), 1e-12, None))
    start = x + 0.5 * sd * rng.standard_normal((walkers, k))
    start = np.clip(start, lo + 1e-9 * (1 + np.abs(lo)), hi - 1e-9 * (1 + np.abs(hi)))
    sampler = emcee.EnsembleSampler(
        walkers, k, log_prob_many if vectorize else log_prob, vectorize=vectorize
    )
    sampler.random_state = np.random.RandomState(int(seed)).get_state()  # reproducible moves
    sampler.run_mcmc(start, steps, progress=progress)
    return sampler.get_chain(discard=burn, flat=True)
