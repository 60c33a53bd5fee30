"""Exact displacement of any source (point sources, rectangles, faults) at stations over time.

Superposition over the per-sample layered point-source solver (``_core.point_source_displacement``,
Okada's frame, DC3D0 mechanisms): stations are rotated into each source's frame and the
displacements rotated back to ENU (:mod:`viscoann.frames`). A rectangle's homogeneous part is
Okada's DC3D, exact: at the surface it is A + r B in r = mu/(lam + mu) (Okada 1985), so with
the source layer's r(s) it becomes A + G(t) B, G = L^-1[r(s)/s] in closed form (residues of a
Burgers body). The rest, the layered field minus that homogeneous part, is smooth on the decay
depth D of the remainder (2H - d below an interface at H) and is integrated over the rectangle
by Gauss-Legendre quadrature of point sources: panels of half-length <= D, order from the
Bernstein-ellipse bound for a relative error ``tol`` of the postseismic field (measured, see
:func:`quadrature_rule`; tested against a 1e-11 rule). Rectangles crossing an interface are
split there.
"""

from __future__ import annotations

import functools
import math
import sys
import warnings

import numpy as np

from . import _core, exact, frames
from .conventions import threads_count
from .earth import EarthModel, Layer
from .okada import SingularPointWarning
from .okada import point as okada_point
from .okada import rectangle as okada_rectangle
from .sources import Fault, PointSource, RectangularFault
from .stations import Stations

__all__ = ["displacement", "ratio_step_response", "quadrature_rule"]

# Okada at two alphas gives A and B of u = A + r B: r = 1/2 (alpha 2/3) and r = 1/4 (0.8).
_ALPHA_HALF, _ALPHA_QUARTER = 2.0 / 3.0, 0.8
# Samples per call of the native solver (bounds the memory of one call, ~100 MB).
_CHUNK = 2_000_000
# Vertical strike-slip sources in the seed's model structure go through its radial tables
# (exact.grid): equal to the per-sample path to the solver's tolerance (tested), far faster.
_CANONICAL_TABLES = True


def _canonical_viscosities(model: EarthModel):
    """(eta_M, eta_K) if ``model`` is EarthModel.canonical(eta_M, eta_K), else None."""
    hs = model.halfspace.rheology.params()
    ref = EarthModel.canonical(hs[1], hs[3]).columns()
    same = all(np.array_equal(a, b) for a, b in zip(model.columns(), ref, strict=True))
    return (hs[1], hs[3]) if same and len(model.layers) == 1 else None


def ratio_step_response(layer: Layer, times) -> np.ndarray:
    """G(t) = L^-1[r(s)/s], r = mu(s)/(lam(s) + mu(s)) of ``layer`` (bulk modulus elastic).

    With K = lam + 2 mu/3, r(s) = 1/h(s), h(s) = K/mu(s) + 1/3, and G is the sum of the
    residues of 1/(s h(s)): G(t) = G_inf + sum_p exp(p t) / (p h'(p)) over the zeros p of h (one for
    Maxwell and the standard linear solid, two for Burgers). G(0) is the unrelaxed r.

    Returns
    -------
    ndarray, (T,)
    """
    t = np.asarray(times, dtype=float).reshape(-1)
    mu_M, eta_M, mu_K, eta_K = layer.rheology.params()
    K = layer.lame_lambda + 2.0 * mu_M / 3.0
    a0 = K / mu_M + 1.0 / 3.0
    inf_M, inf_K = math.isinf(eta_M), math.isinf(eta_K)
    if inf_M and inf_K:
        return np.full(t.shape, 1.0 / a0)
    if inf_K:  # Maxwell
        poles = [-K / (eta_M * a0)]
    elif inf_M:  # standard linear solid
        poles = [-(a0 * mu_K + K) / (a0 * eta_K)]
    else:
        poles = np.roots([a0 * eta_K, a0 * mu_K + K * eta_K / eta_M + K, K * mu_K / eta_M])
    if inf_M:
        g_inf = 1.0 / (K * (1.0 / mu_M + 1.0 / mu_K) + 1.0 / 3.0)
    else:
        g_inf = 0.0
    out = np.full(t.shape, g_inf)
    for p in np.real_if_close(np.asarray(poles, dtype=complex)):
        dh = (0.0 if inf_M else -K / (eta_M * p * p)) + (
            0.0 if inf_K else -K * eta_K / (mu_K + eta_K * p) ** 2
        )
        out = out + np.real(np.exp(p * t) / (p * dh))
    return out


def _remainder_scale(model: EarthModel, top: float, bottom: float, layer: int) -> float:
    """Decay depth D [m] of the remainder for sources between ``top`` and ``bottom`` in
    ``layer``: the surface sees the reflection off the layer's bottom at 2 z_b - d and, below
    the first layer, the transmitted field at d."""
    z = model.interfaces()
    d = []
    if layer < len(z):
        d.append(2.0 * z[layer] - bottom)
    if layer > 0 or not z:
        d.append(top)
    return max(min(d), 1e-3)


@functools.lru_cache(maxsize=64)
def _gauss_legendre(n: int):
    return np.polynomial.legendre.leggauss(n)


def quadrature_rule(length: float, scale: float, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Composite Gauss-Legendre nodes and weights on [-length/2, length/2] for a function
    analytic within ``scale`` [m] of the interval, relative error ~``tol``.

    Panels have half-length h <= scale; the order n solves (64/15) M rho^(-2n)/(rho^2 - 1) =
    tol, the Gauss-Legendre bound on the Bernstein ellipse of rho = a + sqrt(a^2 + 1),
    a = 0.8 scale/h (a 20 % margin on the distance to the nearest singularity) and M = 100
    (measured: with it the error of layered remainders over patches of 5-60 km, relative to
    the largest postseismic displacement, stayed below 0.8 tol for tol = 1e-4 ... 1e-8).
    """
    n_pan = max(1, math.ceil(length / (2.0 * scale)))
    h = 0.5 * length / n_pan
    a = 0.8 * scale / h
    rho = a + math.sqrt(a * a + 1.0)
    n = math.ceil(math.log(6400.0 / (15.0 * tol * (rho * rho - 1.0))) / (2.0 * math.log(rho)))
    n = min(max(n, 1), 40)
    x, w = _gauss_legendre(n)
    centres = -0.5 * length + h * (2.0 * np.arange(n_pan) + 1.0)
    nodes = (centres[:, None] + h * x[None, :]).ravel()
    weights = np.tile(h * w, n_pan)
    return nodes, weights


def _check_times(times) -> np.ndarray:
    t = np.atleast_1d(np.asarray(times, dtype=float))
    if t.ndim != 1 or t.size == 0:
        raise ValueError(f"times has shape {t.shape}; allowed: 1-D (T,) with T >= 1")
    bad = ~(np.isfinite(t) & (t >= 0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"times[{i}] = {t[i]} is invalid; allowed: finite >= 0 s")
    return t


def _sources(source) -> list:
    if isinstance(source, PointSource | RectangularFault):
        return [source]
    if isinstance(source, Fault):
        return list(source.patches)
    if isinstance(source, list | tuple):
        out = []
        for s in source:
            out.extend(_sources(s))
        if not out:
            raise ValueError("source is empty; allowed: a PointSource, RectangularFault, Fault")
        return out
    raise ValueError(
        f"source is a {type(source).__name__}; allowed: PointSource, RectangularFault, Fault or "
        "a list of them"
    )


class _Items:
    """Point sources to evaluate: position, plane, potency per unit weight, weight, and
    whether the homogeneous part of their layer is subtracted (quadrature nodes)."""

    def __init__(self):
        self.rows = []  # (east, north, depth, strike, dip, pot (4,), weight, subtract)

    def add(self, east, north, depth, strike, dip, pot, weight, subtract):
        pot = np.asarray(pot, dtype=float)
        norm = float(np.linalg.norm(pot))
        if norm == 0.0 or weight == 0.0:
            return
        self.rows.append((east, north, depth, strike, dip, pot / norm, weight * norm, subtract))

    def groups(self):
        """Rows sharing (depth, dip, potency direction, subtract): one solver call (each row's
        stations are rotated into its own strike)."""
        out = {}
        for r in self.rows:
            key = (r[2], r[4], *np.round(r[5], 13), r[7])
            out.setdefault(key, []).append(r)
        return out.values()


def _split_at_interfaces(model: EarthModel, patch: RectangularFault):
    """(eta_lo, eta_hi, layer) pieces of the patch (eta up dip from the centre) in one layer."""
    sd = math.sin(math.radians(patch.dip))
    half = 0.5 * patch.width
    cuts = [-half, half]
    if sd > 0:
        for z in model.interfaces():
            if patch.top < z < patch.bottom:
                cuts.append((patch.depth - z) / sd)
    cuts = sorted(cuts)
    out = []
    for lo, hi in zip(cuts[:-1], cuts[1:], strict=True):
        if hi - lo <= 1e-9 * patch.width:
            continue
        mid = patch.depth - 0.5 * (lo + hi) * sd
        out.append((lo, hi, model.layer_index(mid)))
    return out


def _layer(model: EarthModel, index: int) -> Layer:
    return model.layers[index] if index < len(model.layers) else model.halfspace


def _okada_ab(fn, *args, **kw):
    """(A, B) of u = A + r B from Okada at r = 1/2 and r = 1/4, and the singular mask."""
    u2, f2 = fn(*args, alpha=_ALPHA_HALF, return_flags=True, **kw)
    u4, _ = fn(*args, alpha=_ALPHA_QUARTER, return_flags=True, **kw)
    b = 4.0 * (u2 - u4)
    return u2 - 0.5 * b, b, f2


def displacement(
    model,
    source,
    stations,
    times,
    *,
    tol=1e-6,
    talbot_nodes=20,
    k_refine=1.0,
    r_refine=1.0,
    threads=None,
    progress=False,
) -> np.ndarray:
    """Surface displacement of ``source`` at ``stations`` and ``times`` in ``model``.

    Parameters
    ----------
    model : EarthModel
    source : PointSource, RectangularFault, Fault, or a list of them (superposed)
        Slip is a step at t = 0.
    stations : Stations
    times : array_like, (T,)
        Times after the event [s], >= 0.
    tol : float
        Relative error of the quadrature of the layered remainder over rectangles, in (0, 0.1].
    talbot_nodes, k_refine, r_refine, threads
        Resolution of the layered solver (see :mod:`viscoann.exact`).
    progress : bool
        A progress bar on stderr over the solver calls (needs tqdm).

    Returns
    -------
    ndarray, (T, S, 3)
        (east, north, up) displacement [m].

    Warns
    -----
    SingularPointWarning
        Stations on an edge of a rectangle (a fault trace): Okada's elastic part is singular
        there, and their displacement is NaN.

    Raises
    ------
    ValueError
        Naming the argument: a model, source or stations of the wrong type, times not finite
        or < 0, tol out of range; the solver's own checks.
    """
    if not isinstance(model, EarthModel):
        raise ValueError(f"model is a {type(model).__name__}; allowed: viscoann.EarthModel")
    if not isinstance(stations, Stations):
        raise ValueError(f"stations is a {type(stations).__name__}; allowed: viscoann.Stations")
    if not (isinstance(tol, int | float) and 0 < tol <= 0.1):
        raise ValueError(f"tol = {tol!r} is invalid; allowed: (0, 0.1]")
    t = _check_times(times)
    srcs = _sources(source)
    cols = model.columns()
    # The core validates the model (naming the bad field) before any work; no samples.
    empty = np.empty(0)
    _core.point_source_displacement(*cols, 1.0, empty, empty, empty, dip=0.0, potency=np.zeros(4))
    opts = dict(
        talbot_nodes=talbot_nodes,
        k_refine=k_refine,
        r_refine=r_refine,
        threads=threads_count(threads),
    )

    out = np.zeros((t.size, len(stations), 3))
    singular = np.zeros(len(stations), dtype=bool)
    items = _Items()
    for src in srcs:
        if isinstance(src, PointSource):
            for strike, dip, pot in src.dc3d0(model):
                items.add(src.east, src.north, src.depth, strike, dip, pot, 1.0, False)
        else:
            singular |= _rectangle(model, src, stations, t, tol, items, out)
    g_cache = {}
    groups = list(items.groups())
    if progress:
        from tqdm import tqdm

        groups = tqdm(groups, desc="point-source groups", unit="depth", file=sys.stderr)
    for rows in groups:
        _evaluate(model, cols, rows, stations, t, out, g_cache, opts)
    if singular.any():
        names = [stations.names[i] for i in np.flatnonzero(singular)]
        shown = ", ".join(names[:5]) + (" ..." if len(names) > 5 else "")
        warnings.warn(
            f"{len(names)} station(s) on a fault edge ({shown}): the elastic part (Okada DC3D) "
            "is singular there; their displacement is NaN",
            SingularPointWarning,
            stacklevel=2,
        )
    return out


def _rectangle(model, patch, stations, t, tol, items, out) -> np.ndarray:
    """Add the patch's homogeneous part to ``out`` and its quadrature nodes to ``items``;
    return the stations singular for it."""
    along, updip, _, _ = frames.fault_vectors(patch.strike, patch.dip)
    sd = math.sin(math.radians(patch.dip))
    cr, sr = math.cos(math.radians(patch.rake)), math.sin(math.radians(patch.rake))
    slip = np.array([patch.slip * cr, patch.slip * sr, patch.opening])
    pot = np.array([*slip, 0.0])
    singular = np.zeros(len(stations), dtype=bool)
    for lo, hi, j in _split_at_interfaces(model, patch):
        eta_c, w = 0.5 * (lo + hi), hi - lo
        c = np.array([patch.east, patch.north, -patch.depth]) + eta_c * updip
        depth = -c[2]
        x, y = frames.enu_to_okada(stations.east - c[0], stations.north - c[1], patch.strike)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SingularPointWarning)
            a, b, flags = _okada_ab(
                okada_rectangle,
                x,
                y,
                0.0,
                depth,
                patch.dip,
                -0.5 * patch.length,
                0.5 * patch.length,
                -0.5 * w,
                0.5 * w,
                slip,
            )
        singular |= flags
        g = ratio_step_response(_layer(model, j), t)
        hom = a[None] + g[:, None, None] * b[None]  # (T, S, 3) Okada frame
        e, n = frames.okada_to_enu(hom[..., 0], hom[..., 1], patch.strike)
        out[..., 0] += e
        out[..., 1] += n
        out[..., 2] += hom[..., 2]
        if _homogeneous(model):
            continue  # the layered field is the homogeneous one: no remainder
        scale = _remainder_scale(model, depth - 0.5 * w * sd, depth + 0.5 * w * sd, j)
        xi, wx = quadrature_rule(patch.length, scale, tol)
        eta, we = quadrature_rule(w, scale, tol)
        for q_eta, w_eta in zip(eta, we, strict=True):
            for q_xi, w_xi in zip(xi, wx, strict=True):
                p = c + q_xi * along + q_eta * updip
                items.add(p[0], p[1], -p[2], patch.strike, patch.dip, pot, w_xi * w_eta, True)
    return singular


def _homogeneous(model: EarthModel) -> bool:
    """True when every layer is the half-space's material (the remainder is then zero)."""
    cols = model.columns()
    return all(np.all(c == c[0]) for c in cols[1:])


def _uniform_unrelaxed(model: EarthModel) -> bool:
    """True when every layer has the same unrelaxed moduli: the model is then the homogeneous
    half-space at t = 0, and the remainder vanishes there exactly."""
    cols = model.columns()
    return all(np.all(c == c[0]) for c in (cols[1], cols[2]))


def _layered(model, cols, depth, dip, pot, x, y, t, opts):
    """The layered field (m, T, S, 3), Okada frame, of a unit point source shifted to give
    station offsets (x, y) (m, S)."""
    (m, ns), nt = x.shape, t.size
    etas = _canonical_viscosities(model) if _CANONICAL_TABLES else None
    if etas is not None and dip == 90.0 and pot[0] in (1.0, -1.0):
        # The canonical source (pot is a unit vector here, so pot = +-(1, 0, 0, 0)).
        u = exact.grid(x.ravel(), y.ravel(), [depth], t, [etas], **opts)[0, 0]
        return pot[0] * np.moveaxis(u.reshape(nt, m, ns, 3), 1, 0)
    xs = np.ascontiguousarray(np.broadcast_to(x[:, None, :], (m, nt, ns)).ravel())
    ys = np.ascontiguousarray(np.broadcast_to(y[:, None, :], (m, nt, ns)).ravel())
    ts = np.ascontiguousarray(np.broadcast_to(t[None, :, None], (m, nt, ns)).ravel())
    u = _core.point_source_displacement(
        *cols, float(depth), xs, ys, ts, dip=float(dip), potency=np.ascontiguousarray(pot), **opts
    )
    return u.reshape(m, nt, ns, 3)


def _evaluate(model, cols, rows, stations, t, out, g_cache, opts):
    """One group of point sources (same depth, plane and potency direction): one solver call
    per chunk, stations shifted to each source; the homogeneous part subtracted for nodes.
    At t = 0 in a model of uniform unrelaxed moduli the layered field is Okada's exactly, and
    is not solved for."""
    depth, dip, pot, subtract = rows[0][2], rows[0][4], rows[0][5], rows[0][7]
    nt, ns = t.size, len(stations)
    live = t > 0 if _uniform_unrelaxed(model) else np.ones(nt, dtype=bool)
    if subtract and not live.any():
        return  # quadrature nodes with a vanishing remainder
    j = model.layer_index(depth)
    if j not in g_cache:
        g_cache[j] = ratio_step_response(_layer(model, j), t)
    g = g_cache[j]
    per = max(1, _CHUNK // (nt * ns))
    for start in range(0, len(rows), per):
        chunk = rows[start : start + per]
        m = len(chunk)
        de = stations.east[None, :] - np.array([r[0] for r in chunk])[:, None]  # (m, S)
        dn = stations.north[None, :] - np.array([r[1] for r in chunk])[:, None]
        strike = np.array([r[3] for r in chunk])[:, None]
        x, y = frames.enu_to_okada(de, dn, strike)
        u = np.zeros((m, nt, ns, 3))
        if live.any():
            u[:, live] = _layered(model, cols, depth, dip, pot, x, y, t[live], opts)
        if subtract or not live.all():
            a, b, _ = _okada_ab(okada_point, x, y, 0.0, depth, dip, pot)  # (m, S, 3)
            hom = a[:, None] + g[None, :, None, None] * b[:, None]  # (m, T, S, 3)
            if subtract:
                u[:, live] -= hom[:, live]
            else:
                u[:, ~live] = hom[:, ~live]
        w = np.array([r[6] for r in chunk])[:, None, None]
        e, n = frames.okada_to_enu(u[..., 0], u[..., 1], strike[:, None])  # (m, T, S)
        out[..., 0] += np.sum(w * e, axis=0)
        out[..., 1] += np.sum(w * n, axis=0)
        out[..., 2] += np.sum(w * u[..., 2], axis=0)
