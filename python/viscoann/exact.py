"""Exact surface displacement of point sources in a layered viscoelastic Earth.

Names (docs/design.md): the *canonical* source is the seed paper's, a vertical strike-slip
point source striking along +x, left-lateral, unit potency (Okada DC3D0 with DIP = 90°,
POT1 = 1 m³); the *seed* case is that source in the seed's Earth family
(``EarthModel.canonical``). Sources lie below the origin at ``depth`` [m], slip a step at
t = 0. Output (ux, uy, uz) [m, per m³ of potency for the canonical source] on the free
surface, x east, y north, z up, t [s] after the event. Method (README "Exact solver"):
correspondence principle, global-matrix wavenumber kernels minus the homogeneous half-space
(Okada's closed form), Talbot inversion per wavenumber, Hankel transforms to radial functions.

Resolution keywords (all functions): ``talbot_nodes`` (20), ``k_refine`` (1), ``r_refine``
(1); larger refines. ``threads``: None or 0 = all cores.
"""

from __future__ import annotations

import warnings

import numpy as np

from . import _core
from .conventions import threads_count
from .earth import EarthModel
from .store import Store

__all__ = [
    "Store",
    "canonical_displacement",
    "displacement",
    "velocity",
    "canonical",
    "grid",
    "point_source",
    "radial",
    "radial_grid",
    "from_radial",
    "strain",
    "stress",
    "displacement_gradient",
    "traction_kernels",
]


def _as_1d(name: str, value) -> np.ndarray:
    a = np.ascontiguousarray(np.asarray(value, dtype=float))
    if a.ndim > 1:
        raise ValueError(f"{name} must be a scalar or 1-D array, got shape {a.shape}")
    return a.reshape(-1)


def _model(model) -> EarthModel:
    if not isinstance(model, EarthModel):
        raise ValueError(f"model must be a viscoann.EarthModel, got {type(model).__name__}")
    return model


def _by_depth(x, y, depth, t, solve) -> np.ndarray:
    """Broadcast (x, y, depth, t) to N and call solve(depth, x, y, t) once per distinct depth
    (every time of a depth in one call: one set of time kernels and Bessel rows)."""
    arrays = np.broadcast_arrays(
        *(_as_1d(n, v) for n, v in (("x", x), ("y", y), ("depth", depth), ("t", t)))
    )
    xs, ys, ds, ts = (np.ascontiguousarray(a) for a in arrays)
    out = np.empty((xs.size, 3))
    for d in np.unique(ds):
        sel = np.flatnonzero(ds == d) if np.isfinite(d) else np.flatnonzero(~np.isfinite(ds))
        out[sel] = solve(float(d), xs[sel], ys[sel], ts[sel])
        if not np.isfinite(d):
            break
    return out


def canonical_displacement(
    model, x, y, depth, t, *, talbot_nodes=20, k_refine=1.0, r_refine=1.0, threads=None
) -> np.ndarray:
    """Surface displacement of the canonical source in ``model``.

    Parameters
    ----------
    model : EarthModel
    x, y : array_like, (N,) or scalar
        Surface point [m], x east, y north; source below (0, 0).
    depth : array_like, (N,) or scalar
        Source depth [m], > 0.
    t : array_like, (N,) or scalar
        Time after the event [s], >= 0. All times of one depth share one set of time kernels,
        so a station time series costs about what :func:`grid` costs.
    threads : int or None
        None or 0: all cores.

    Returns
    -------
    ndarray, (N, 3)
        (ux, uy, uz) [m per m³ of potency]; inputs broadcast to N.
    """
    cols = _model(model).columns()
    return _by_depth(
        x,
        y,
        depth,
        t,
        lambda d, xs, ys, ts: _core.canonical_displacement(
            *cols,
            d,
            xs,
            ys,
            ts,
            talbot_nodes=talbot_nodes,
            k_refine=k_refine,
            r_refine=r_refine,
            threads=threads_count(threads),
        ),
    )


def displacement(model, *args, **options) -> np.ndarray:
    """Surface displacement (T, S, 3) [m, ENU] of any source at stations over time:
    ``displacement(model, source, stations, times, ...)``, the general solver of
    :func:`viscoann.exact_sources.displacement` (sources: PointSource, RectangularFault, Fault
    or a list of them; stations: Stations; times [s]).

    The older form ``displacement(model, x, y, depth, t)`` (the canonical source) still works
    and emits a DeprecationWarning: use :func:`canonical_displacement` for it.
    """
    from . import exact_sources
    from .sources import Fault, PointSource, RectangularFault

    kinds = (PointSource, RectangularFault, Fault)
    first = args[0] if args else options.get("source")
    if isinstance(first, kinds) or (
        isinstance(first, list | tuple) and first and all(isinstance(s, kinds) for s in first)
    ):
        return exact_sources.displacement(model, *args, **options)
    warnings.warn(
        "viscoann.exact.displacement(model, x, y, depth, t) is deprecated; use "
        "viscoann.exact.canonical_displacement (same arguments)",
        DeprecationWarning,
        stacklevel=2,
    )
    return canonical_displacement(model, *args, **options)


def velocity(model, source, stations, times, **options) -> np.ndarray:
    """Surface velocity (T, S, 3) [m/s, ENU] of any source at stations, times > 0 [s]: the
    Laplace-domain derivative (never a difference in time); see
    :func:`viscoann.exact_sources.velocity`."""
    from . import exact_sources

    return exact_sources.velocity(model, source, stations, times, **options)


def strain(model, source, points, times, **options) -> np.ndarray:
    """Strain (T, P, 3, 3) at points (P, 3) ENU [m], z <= 0, any depth and layer; see
    :func:`viscoann.exact_stress.strain`."""
    from . import exact_stress

    return exact_stress.strain(model, source, points, times, **options)


def stress(model, source, points, times, **options) -> np.ndarray:
    """Stress change (T, P, 3, 3) [Pa] at points at depth, formed in the Laplace domain with
    each layer's mu(s), lam(s); see :func:`viscoann.exact_stress.stress`."""
    from . import exact_stress

    return exact_stress.stress(model, source, points, times, **options)


def displacement_gradient(model, source, points, times, **options) -> np.ndarray:
    """du_a/dx_b (T, P, 3, 3) at points at depth; see :mod:`viscoann.exact_stress`."""
    from . import exact_stress

    return exact_stress.displacement_gradient(model, source, points, times, **options)


def traction_kernels(model, sources, receivers, times, **options):
    """Traction (T, R, S, 3) [Pa per m of slip] on receiver patch centres from unit slip in
    each source patch's rake; see :func:`viscoann.exact_stress.traction_kernels`."""
    from . import exact_stress

    return exact_stress.traction_kernels(model, sources, receivers, times, **options)


def point_source(
    model,
    x,
    y,
    depth,
    t,
    *,
    dip=None,
    potency=None,
    potency_tensor=None,
    talbot_nodes=20,
    k_refine=1.0,
    r_refine=1.0,
    threads=None,
) -> np.ndarray:
    """Surface displacement of a point source in ``model``: Okada's DC3D0 mechanisms
    (``dip``, ``potency``) or any potency tensor (``potency_tensor``).

    With ``dip`` and ``potency`` the source plane strikes along +x and dips ``dip`` degrees
    (Okada's frame: x along strike, y across, z up; rotate the points for another strike);
    ``potency`` = (strike-slip, left-lateral positive; dip-slip, reverse positive; tensile,
    opening positive; inflation) [m³], exactly DC3D0's POT1..POT4 (inflation: moment
    pot4 μ I in the unrelaxed source layer). ``potency_tensor`` = (xx, yy, zz, xy, xz, yz)
    [m³] in x east, y north, z up: slip s on area A with unit normal n is A (s nᵀ + n sᵀ)/2;
    the canonical source is xy = -1/2. The source is a step in potency at t = 0 (its moment
    follows the source layer's moduli). Harmonics m = 0, 1, 2 are transformed at each
    distinct radius, so the cost grows with the number of distinct radii: use :func:`grid`
    for the canonical source on large grids.

    Parameters
    ----------
    model : EarthModel
    x, y, depth, t : array_like, (N,) or scalar
        Surface point [m], source depth [m] > 0, time [s] >= 0; broadcast to N.
    dip : float
        Dip [degrees] in [0, 90] (with ``potency``).
    potency : array_like, (4,)
        (pot1, pot2, pot3, pot4) [m³].
    potency_tensor : array_like, (6,)
        (xx, yy, zz, xy, xz, yz) [m³], instead of ``dip`` and ``potency``.
    threads : int or None
        None or 0: all cores.

    Returns
    -------
    ndarray, (N, 3)
        (ux, uy, uz) [m].
    """
    cols = _model(model).columns()
    if (potency_tensor is None) == (potency is None) or (potency is None) != (dip is None):
        raise ValueError("give either dip and potency, or potency_tensor")
    kw = dict(
        talbot_nodes=talbot_nodes,
        k_refine=k_refine,
        r_refine=r_refine,
        threads=threads_count(threads),
    )
    if potency is not None:
        pot = np.ascontiguousarray(np.asarray(potency, dtype=float).reshape(-1))
        if pot.size != 4:
            raise ValueError(f"potency must have 4 values (pot1..pot4), got {pot.size}")
        kw.update(dip=float(dip), potency=pot)
    else:
        pot = np.ascontiguousarray(np.asarray(potency_tensor, dtype=float).reshape(-1))
        if pot.size != 6:
            raise ValueError(
                f"potency_tensor must have 6 values (xx, yy, zz, xy, xz, yz), got {pot.size}"
            )
        kw.update(potency_tensor=pot)
    return _by_depth(
        x,
        y,
        depth,
        t,
        lambda d, xs, ys, ts: _core.point_source_displacement(*cols, d, xs, ys, ts, **kw),
    )


def canonical(X, **options) -> np.ndarray:
    """The seed's case (canonical source, ``EarthModel.canonical``) at scattered samples.

    Parameters
    ----------
    X : array_like, (N, 6)
        Rows (x [m], y [m], depth [m], t [s], eta_M [Pa s], eta_K [Pa s]) in any order;
        eta_K = inf is a Maxwell half-space.
    **options
        Resolution keywords of :func:`canonical_displacement`.

    Returns
    -------
    ndarray, (N, 3)
        (ux, uy, uz) [m per m³ of potency].
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 6:
        raise ValueError(f"X must have shape (N, 6), got {X.shape}")
    out = np.empty((X.shape[0], 3))
    if X.shape[0] == 0:
        return out
    keys = X[:, 4:6]
    for col, name in ((4, "eta_M"), (5, "eta_K")):
        bad = np.isnan(X[:, col]) | (X[:, col] <= 0)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(f"X[{i}, {col}] ({name}) = {X[i, col]} is invalid; allowed: > 0")
    uniq, inv = np.unique(keys, axis=0, return_inverse=True)
    for g, (eta_M, eta_K) in enumerate(uniq):
        sel = np.flatnonzero(inv.reshape(-1) == g)
        out[sel] = canonical_displacement(
            EarthModel.canonical(eta_M, eta_K),
            X[sel, 0],
            X[sel, 1],
            X[sel, 2],
            X[sel, 3],
            **options,
        )
    return out


def grid(
    x,
    y,
    depths,
    times,
    etas,
    *,
    talbot_nodes=20,
    k_refine=1.0,
    r_refine=1.0,
    threads=None,
    return_stages=False,
):
    """The seed's case on a structured grid (the fast path).

    Radial Green's-function tables are computed once per (depth, viscosity structure) and
    evaluated at every point and time with the exact azimuthal factors of the point source.

    Parameters
    ----------
    x, y : array_like, (P,)
        Surface points [m] (x east, y north).
    depths : array_like, (D,)
        Source depths [m], > 0.
    times : array_like, (T,)
        Times after the event [s], >= 0.
    etas : array_like, (E, 2)
        Rows (eta_M, eta_K) [Pa s].
    return_stages : bool
        Also return seconds spent per stage (kernels, transforms, evaluation).

    Returns
    -------
    ndarray, (E, D, T, P, 3)
        (ux, uy, uz) [m per m³ of potency]; with ``return_stages`` a tuple (array, dict).
    """
    x, y = _as_1d("x", x), _as_1d("y", y)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length, got {x.size} and {y.size}")
    etas = np.ascontiguousarray(np.asarray(etas, dtype=float))
    if etas.ndim == 1 and etas.size == 2:
        etas = etas.reshape(1, 2)
    if etas.ndim != 2 or etas.shape[1] != 2:
        raise ValueError(f"etas must have shape (E, 2) rows (eta_M, eta_K), got {etas.shape}")
    out, stages = _core.seed_grid(
        x,
        y,
        _as_1d("depths", depths),
        _as_1d("times", times),
        np.ascontiguousarray(etas[:, 0]),
        np.ascontiguousarray(etas[:, 1]),
        talbot_nodes=talbot_nodes,
        k_refine=k_refine,
        r_refine=r_refine,
        threads=threads_count(threads),
    )
    return (out, stages) if return_stages else out


_SQRT_HALF = np.sqrt(0.5)


def _radial_from_two(u45, u0):
    # At φ = 45° sin2φ = 1, cos2φ = 0: u_r = g_r, u_z = g_z; at φ = 0, u_φ = u_y = g_φ.
    g_r = _SQRT_HALF * (u45[..., 0] + u45[..., 1])
    return np.stack([g_r, u0[..., 1], u45[..., 2]], axis=-1)


def radial(r, depth, t, eta_M, eta_K, **options) -> np.ndarray:
    """Radial functions of the canonical source in the canonical model.

    The surface field is u_r = g_r(r) sin 2φ, u_φ = g_φ(r) cos 2φ, u_z = g_z(r) sin 2φ
    (φ from +x towards +y); these three functions carry all of it (docs/design.md).

    Parameters
    ----------
    r, depth, t, eta_M, eta_K : array_like, (N,) or scalar
        Epicentral distance [m] >= 0, source depth [m], time [s], viscosities [Pa s];
        broadcast to N.

    Returns
    -------
    ndarray, (N, 3)
        (g_r, g_φ, g_z) [m per m³ of potency].
    """
    r, d, t, em, ek = np.broadcast_arrays(
        *(
            _as_1d(n, v)
            for n, v in (("r", r), ("depth", depth), ("t", t), ("eta_M", eta_M), ("eta_K", eta_K))
        )
    )
    if np.any(r < 0):
        raise ValueError(f"r = {r[r < 0][0]} is invalid; allowed: >= 0 m")
    z = np.zeros_like(r)
    u45 = canonical(np.column_stack([r * _SQRT_HALF, r * _SQRT_HALF, d, t, em, ek]), **options)
    u0 = canonical(np.column_stack([r, z, d, t, em, ek]), **options)
    return _radial_from_two(u45, u0)


def radial_grid(r, depths, times, etas, **options) -> np.ndarray:
    """Radial functions (g_r, g_φ, g_z) on a structured grid (see :func:`radial`).

    Parameters
    ----------
    r : array_like, (R,)
        Epicentral distances [m] >= 0.
    depths, times, etas
        As in :func:`grid`.

    Returns
    -------
    ndarray, (E, D, T, R, 3)
    """
    r = _as_1d("r", r)
    if np.any(r < 0):
        raise ValueError(f"r = {r[r < 0][0]} is invalid; allowed: >= 0 m")
    x = np.concatenate([r * _SQRT_HALF, r])
    y = np.concatenate([r * _SQRT_HALF, np.zeros_like(r)])
    u = grid(x, y, depths, times, etas, **options)
    return _radial_from_two(u[..., : r.size, :], u[..., r.size :, :])


def from_radial(x, y, g) -> np.ndarray:
    """Surface field (ux, uy, uz) of the canonical source from its radial functions at points
    (x, y) [m]: the azimuthal factors of the solver and the engines (φ = 0 on the axis, so
    (0, g_φ, 0) there).

    Parameters
    ----------
    x, y : array_like, (N,)
    g : array_like, (..., N, 3)
        (g_r, g_φ, g_z) at r = hypot(x, y).

    Returns
    -------
    ndarray, (..., N, 3)
    """
    x, y = _as_1d("x", x), _as_1d("y", y)
    g = np.ascontiguousarray(np.asarray(g, dtype=float))
    if x.shape != y.shape or g.ndim < 2 or g.shape[-2:] != (x.size, 3):
        raise ValueError(
            f"g must have shape (..., N, 3) with N = len(x) = len(y), got {g.shape} for "
            f"{x.size} and {y.size} points"
        )
    return _core.canonical_from_radial(x, y, g)
