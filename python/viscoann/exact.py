"""Exact surface displacement of the canonical point source in a layered viscoelastic Earth.

Source (DESIGN §3): vertical strike-slip point source striking along +x, left-lateral, unit
potency (Okada DC3D0 with DIP = 90°, POT1 = 1 m³), below the origin at ``depth`` [m], slip a
step at t = 0. Output (ux, uy, uz) [m per m³ of potency] on the free surface, x east, y north,
z up, t [s] after the event. Method (README "Exact solver"): correspondence principle,
global-matrix wavenumber kernels minus the homogeneous half-space (Okada's closed form),
Talbot inversion per wavenumber, Hankel transforms to radial tables.

Resolution keywords (all functions): ``talbot_nodes`` (20), ``k_refine`` (1), ``r_refine``
(1); larger refines. ``threads`` (0 = all cores).
"""

from __future__ import annotations

import numpy as np

from . import _core
from .earth import EarthModel

__all__ = [
    "displacement",
    "canonical",
    "grid",
    "point_source",
    "radial",
    "radial_grid",
    "from_radial",
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


def displacement(
    model, x, y, depth, t, *, talbot_nodes=20, k_refine=1.0, r_refine=1.0, threads=0
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
        Time after the event [s], >= 0.

    Returns
    -------
    ndarray, (N, 3)
        (ux, uy, uz) [m per m³ of potency]; inputs broadcast to N.
    """
    cols = _model(model).columns()
    arrays = np.broadcast_arrays(
        *(_as_1d(n, v) for n, v in (("x", x), ("y", y), ("depth", depth), ("t", t)))
    )
    xs, ys, ds, ts = (np.ascontiguousarray(a) for a in arrays)
    out = np.empty((xs.size, 3))
    for d in np.unique(ds):
        sel = np.flatnonzero(ds == d) if np.isfinite(d) else np.flatnonzero(~np.isfinite(ds))
        out[sel] = _core.strike_slip_surface(
            *cols,
            float(d),
            xs[sel],
            ys[sel],
            ts[sel],
            talbot_nodes=talbot_nodes,
            k_refine=k_refine,
            r_refine=r_refine,
            threads=threads,
        )
        if not np.isfinite(d):
            break
    return out


def point_source(
    model, x, y, depth, t, *, dip, potency, talbot_nodes=20, k_refine=1.0, r_refine=1.0, threads=0
) -> np.ndarray:
    """Surface displacement of an Okada-type point source (DC3D0 mechanisms) in ``model``.

    The source plane strikes along +x and dips ``dip`` degrees (Okada's frame: x along
    strike, y across, z up; rotate the points for another strike). ``potency`` =
    (strike-slip, left-lateral positive; dip-slip, reverse positive; tensile, opening
    positive; inflation) [m³], exactly DC3D0's POT1..POT4; a step at t = 0. Harmonics
    m = 0, 1, 2 are transformed at each sample's own radius, so the cost grows with N: use
    :func:`grid` for the canonical source on large grids.

    Parameters
    ----------
    model : EarthModel
    x, y, depth, t : array_like, (N,) or scalar
        Surface point [m], source depth [m] > 0, time [s] >= 0; broadcast to N.
    dip : float
        Dip [degrees] in [0, 90].
    potency : array_like, (4,)
        (pot1, pot2, pot3, pot4) [m³].

    Returns
    -------
    ndarray, (N, 3)
        (ux, uy, uz) [m].
    """
    cols = _model(model).columns()
    pot = np.ascontiguousarray(np.asarray(potency, dtype=float).reshape(-1))
    if pot.size != 4:
        raise ValueError(f"potency must have 4 values (pot1..pot4), got {pot.size}")
    arrays = np.broadcast_arrays(
        *(_as_1d(n, v) for n, v in (("x", x), ("y", y), ("depth", depth), ("t", t)))
    )
    xs, ys, ds, ts = (np.ascontiguousarray(a) for a in arrays)
    out = np.empty((xs.size, 3))
    for d in np.unique(ds):
        sel = np.flatnonzero(ds == d) if np.isfinite(d) else np.flatnonzero(~np.isfinite(ds))
        out[sel] = _core.point_source_surface(
            *cols,
            float(d),
            float(dip),
            pot,
            xs[sel],
            ys[sel],
            ts[sel],
            talbot_nodes=talbot_nodes,
            k_refine=k_refine,
            r_refine=r_refine,
            threads=threads,
        )
        if not np.isfinite(d):
            break
    return out


def canonical(X, **options) -> np.ndarray:
    """The canonical model at scattered samples.

    Parameters
    ----------
    X : array_like, (N, 6)
        Rows (x [m], y [m], depth [m], t [s], eta_M [Pa s], eta_K [Pa s]) in any order;
        eta_K = inf is a Maxwell half-space.
    **options
        Resolution keywords of :func:`displacement`.

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
        out[sel] = displacement(
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
    threads=0,
    return_stages=False,
):
    """The canonical model on a structured grid (the fast path).

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
    out, stages = _core.canonical_grid(
        x,
        y,
        _as_1d("depths", depths),
        _as_1d("times", times),
        np.ascontiguousarray(etas[:, 0]),
        np.ascontiguousarray(etas[:, 1]),
        talbot_nodes=talbot_nodes,
        k_refine=k_refine,
        r_refine=r_refine,
        threads=threads,
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
    (φ from +x towards +y); these three functions carry all of it (DESIGN §8).

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
    """Surface field (ux, uy, uz) from radial functions at points (x, y) [m].

    Parameters
    ----------
    x, y : array_like, (N,)
    g : array_like, (..., N, 3)
        (g_r, g_φ, g_z) at r = hypot(x, y).

    Returns
    -------
    ndarray, (..., N, 3)
    """
    x, y, g = np.asarray(x, float), np.asarray(y, float), np.asarray(g, float)
    r = np.hypot(x, y)
    safe = np.where(r > 0, r, 1.0)
    c, s = np.where(r > 0, x / safe, 1.0), np.where(r > 0, y / safe, 0.0)
    s2, c2 = 2 * s * c, np.where(r > 0, c * c - s * s, 0.0)  # r = 0: the limit, 0
    ur, up, uz = g[..., 0] * s2, g[..., 1] * c2, g[..., 2] * s2
    return np.stack([ur * c - up * s, ur * s + up * c, uz], axis=-1)
