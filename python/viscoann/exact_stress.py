"""Strain, stress and traction kernels at depth from the exact layered solver.

The core observes a point source at any depth in any layer (``_core.depth_field``): the
propagator's solution at the receiver depth, its z-derivative and the horizontal derivatives
from the Bessel recurrences, minus the source layer's homogeneous half-space there, inverted on
Talbot's contour; the stress is formed in the Laplace domain with the receiver layer's
mu(s), lam(s) before the inversion (in a viscoelastic layer it is not Hooke's law of the current
strain). The homogeneous part is Okada at depth in closed form: for a fixed moment per unit mu
his point source and rectangle are linear in (1, alpha, 1/alpha), so three elastic
evaluations (alpha = 1/2, 2/3, 4/5) and six time factors per basis function (the core's
``depth_factors``) give it at every time exactly. Rectangles: Okada DC3D at depth for the
homogeneous part, Gauss-Legendre quadrature of the smooth layered remainder over the patch
(as :mod:`viscoann.exact_sources` at the surface). Shear slip only at depth (opening: its moment
per unit mu depends on lam/mu, not built).

Traction convention (:func:`traction_kernels`): t = sigma n on the receiver plane, n its unit
normal into the hanging wall; components (t . strike, t . up-dip, t . n): shear along strike
(positive drives left-lateral slip), shear along dip (positive drives reverse slip), normal
(positive = tension, unclamping). Pa per metre of slip.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from . import _core, frames
from .conventions import threads_count
from .earth import EarthModel
from .exact_sources import (
    _check_times,
    _sources,
    _split_at_interfaces,
    dc3d0_tensor,
    potency_tensor,
    quadrature_rule,
)
from .okada import SingularPointWarning
from .okada import rectangle as okada_rectangle
from .sources import Fault, PointSource, RectangularFault

__all__ = ["strain", "stress", "displacement_gradient", "traction_kernels"]

_ALPHAS = (0.5, 2.0 / 3.0, 0.8)


def _points(points) -> np.ndarray:
    p = np.asarray(points, dtype=float)
    if p.ndim == 1 and p.size == 3:
        p = p[None]
    if p.ndim != 2 or p.shape[1] != 3:
        raise ValueError(f"points has shape {p.shape}; allowed: (P, 3) east, north, up [m]")
    bad = ~np.isfinite(p).all(axis=1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"points[{i}] = {p[i].tolist()} is invalid; allowed: finite")
    above = p[:, 2] > 0
    if above.any():
        i = int(np.flatnonzero(above)[0])
        raise ValueError(
            f"points[{i}] has z = {p[i, 2]} > 0: above the free surface; allowed: z <= 0 m"
        )
    return p


def _factors(layer, times, talbot_nodes):
    cols = EarthModel([], type(layer)(None, layer.rheology, lam=layer.lame_lambda)).columns()
    return _core.depth_factors(*cols, times, talbot_nodes=talbot_nodes)


def _decay(model: EarthModel, top: float, bottom: float, z: np.ndarray) -> float:
    """Smallest decay depth [m] of the remainder between sources in [top, bottom] (one layer)
    and receivers at depths z (down): reflections inside a common layer, else the vertical
    distance through the interface between them."""
    zi = model.interfaces()
    mid = 0.5 * (top + bottom)
    ls = model.layer_index(mid)
    best = math.inf
    for zr in np.unique(z):
        lr = model.layer_index(zr) if zr > 0 else 0
        if lr != ls:
            best = min(best, max(top - zr, zr - bottom, 0.0))
            continue
        if ls < len(zi):
            best = min(best, 2.0 * zi[ls] - bottom - zr)
        if ls > 0:
            best = min(best, top + zr - 2.0 * zi[ls - 1])
    return max(best, 1e-3 * max(bottom - top, 1.0), 1.0)


class _Accumulator:
    """Point sources (remainder only, or with the homogeneous part) grouped by depth."""

    def __init__(self):
        self.rows = {}  # (depth, with_homogeneous) -> list of (east, north, tensor, column)

    def add(self, depth, east, north, tensor, column, homogeneous):
        self.rows.setdefault((float(depth), homogeneous), []).append(
            (east, north, np.asarray(tensor, float), column)
        )


def _evaluate(model, acc, pts, t, n_cols, opts):
    """Sum the accumulated point sources' (grad, stress) per column: (T, C, P, 3, 3) each."""
    grad = np.zeros((t.size, n_cols, len(pts), 3, 3))
    sig = np.zeros_like(grad)
    cols = model.columns()
    for (depth, hom), rows in acc.rows.items():
        e = np.array([r[0] for r in rows])
        n = np.array([r[1] for r in rows])
        x = pts[None, :, 0] - e[:, None]
        y = pts[None, :, 1] - n[:, None]
        p = np.array([r[2] for r in rows])
        out = _core.depth_field(
            *cols, depth, p, x, y, np.ascontiguousarray(pts[:, 2]), t, homogeneous=hom, **opts
        )
        idx = np.array([r[3] for r in rows])
        np.add.at(grad, (slice(None), idx), out["grad"])
        np.add.at(sig, (slice(None), idx), out["stress"])
    return grad, sig


def _rotation(strike) -> np.ndarray:
    """Columns: Okada's axes for ``strike`` in ENU."""
    (xe, xn), (ye, yn) = frames.okada_axes(strike)
    return np.array([[xe, ye, 0.0], [xn, yn, 0.0], [0.0, 0.0, 1.0]])


def _rectangle(model, patch, slip, pts, t, tol, acc, column, grad, sig, opts):
    """The patch's homogeneous part (DC3D at depth, exact in time) added to grad, sig
    [:, column]; its quadrature nodes' remainder to ``acc``. Returns the singular points."""
    if patch.opening != 0.0 or slip[2] != 0.0:
        raise ValueError(
            f"opening = {patch.opening} is invalid at depth; allowed: 0 (shear slip only)"
        )
    along, updip, _, _ = frames.fault_vectors(patch.strike, patch.dip)
    sd = math.sin(math.radians(patch.dip))
    rot = _rotation(patch.strike)
    singular = np.zeros(len(pts), dtype=bool)
    for lo, hi, j in _split_at_interfaces(model, patch):
        layer = model.layers[j] if j < len(model.layers) else model.halfspace
        eta_c, w = 0.5 * (lo + hi), hi - lo
        c = np.array([patch.east, patch.north, -patch.depth]) + eta_c * updip
        depth = -c[2]
        x, y = frames.enu_to_okada(pts[:, 0] - c[0], pts[:, 1] - c[1], patch.strike)
        gs = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SingularPointWarning)
            for a in _ALPHAS:
                _, g, fl = okada_rectangle(
                    x,
                    y,
                    pts[:, 2],
                    depth,
                    patch.dip,
                    -0.5 * patch.length,
                    0.5 * patch.length,
                    -0.5 * w,
                    0.5 * w,
                    slip,
                    alpha=a,
                    gradients=True,
                    return_flags=True,
                    threads=opts["threads"],
                )
                gs.append(rot @ g @ rot.T)  # Okada frame -> ENU
                singular |= fl
        # alpha g(alpha) = c0 + c1 alpha + c2 alpha^2 (Lagrange): g = c1 + c2 alpha + c0/alpha.
        basis = [np.zeros_like(gs[0]) for _ in range(3)]
        for q in range(3):
            a1, a2 = _ALPHAS[(q + 1) % 3], _ALPHAS[(q + 2) % 3]
            wq = _ALPHAS[q] / ((_ALPHAS[q] - a1) * (_ALPHAS[q] - a2)) * gs[q]
            basis[0] -= wq * (a1 + a2)
            basis[1] += wq
            basis[2] += wq * a1 * a2
        f, mf, lf = _factors(layer, t, opts["talbot_nodes"])
        for b in range(3):
            gb = basis[b]
            grad[:, column] += f[:, b, None, None, None] * gb[None]
            sym = gb + np.swapaxes(gb, -1, -2)
            tr = np.trace(gb, axis1=-2, axis2=-1)[..., None, None] * np.eye(3)
            sig[:, column] += mf[:, b, None, None, None] * sym[None]
            sig[:, column] += lf[:, b, None, None, None] * tr[None]
        if len(model.layers) == 0:
            continue
        scale = _decay(model, depth - 0.5 * w * sd, depth + 0.5 * w * sd, -pts[:, 2])
        xi, wx = quadrature_rule(patch.length, scale, tol)
        eta, we = quadrature_rule(w, scale, tol)
        unit = dc3d0_tensor(layer, patch.strike, patch.dip, [*slip, 0.0])
        for q_eta, w_eta in zip(eta, we, strict=True):
            for q_xi, w_xi in zip(xi, wx, strict=True):
                p = c + q_xi * along + q_eta * updip
                acc.add(-p[2], p[0], p[1], unit * (w_xi * w_eta), column, False)
    return singular


def _options(talbot_nodes, k_refine, r_refine, threads):
    return dict(
        talbot_nodes=talbot_nodes,
        k_refine=k_refine,
        r_refine=r_refine,
        threads=threads_count(threads),
    )


def _fields(model, columns, pts, t, tol, opts, slips=None):
    """(grad, sig, singular) of each column (a list of sources superposed) at pts."""
    grad = np.zeros((t.size, len(columns), len(pts), 3, 3))
    sig = np.zeros_like(grad)
    singular = np.zeros((len(columns), len(pts)), dtype=bool)
    acc = _Accumulator()
    for col, srcs in enumerate(columns):
        for src in srcs:
            if isinstance(src, PointSource):
                acc.add(src.depth, src.east, src.north, potency_tensor(model, src), col, True)
                continue
            if slips is not None:
                slip = slips[col]
            else:
                cr, sr = math.cos(math.radians(src.rake)), math.sin(math.radians(src.rake))
                slip = np.array([src.slip * cr, src.slip * sr, src.opening])
            singular[col] |= _rectangle(model, src, slip, pts, t, tol, acc, col, grad, sig, opts)
    g2, s2 = _evaluate(model, acc, pts, t, len(columns), opts)
    return grad + g2, sig + s2, singular


def _check(model, tol):
    if not isinstance(model, EarthModel):
        raise ValueError(f"model is a {type(model).__name__}; allowed: viscoann.EarthModel")
    if not (isinstance(tol, int | float) and 0 < tol <= 0.1):
        raise ValueError(f"tol = {tol!r} is invalid; allowed: (0, 0.1]")


def _warn_singular(mask, what):
    if mask.any():
        idx = np.flatnonzero(mask)
        shown = ", ".join(str(i) for i in idx[:5]) + (" ..." if idx.size > 5 else "")
        warnings.warn(
            f"{idx.size} {what} on a fault edge ({shown}): Okada's elastic part is singular "
            "there; their values are NaN",
            SingularPointWarning,
            stacklevel=3,
        )


def displacement_gradient(
    model,
    source,
    points,
    times,
    *,
    tol=1e-6,
    talbot_nodes=20,
    k_refine=1.0,
    r_refine=1.0,
    threads=None,
) -> np.ndarray:
    """Displacement gradient (T, P, 3, 3), g[..., a, b] = du_a/dx_b, of ``source`` at
    ``points`` (P, 3) ENU [m], z <= 0 (any depth, any layer), ``times`` [s] >= 0.
    Arguments as :func:`strain`."""
    g, _ = _strain_stress(
        model, source, points, times, tol, talbot_nodes, k_refine, r_refine, threads
    )
    return g


def _strain_stress(model, source, points, times, tol, talbot_nodes, k_refine, r_refine, threads):
    _check(model, tol)
    t = _check_times(times, False)
    pts = _points(points)
    srcs = _sources(source)
    opts = _options(talbot_nodes, k_refine, r_refine, threads)
    g, s, singular = _fields(model, [srcs], pts, t, tol, opts)
    _warn_singular(singular[0], "point(s)")
    return g[:, 0], s[:, 0]


def strain(
    model,
    source,
    points,
    times,
    *,
    tol=1e-6,
    talbot_nodes=20,
    k_refine=1.0,
    r_refine=1.0,
    threads=None,
) -> np.ndarray:
    """Strain (T, P, 3, 3) [-], ENU, of ``source`` at ``points`` and ``times``.

    Parameters
    ----------
    model : EarthModel
    source : PointSource, RectangularFault (shear slip), Fault, or a list of them
    points : array_like, (P, 3)
        Receivers (east, north, up) [m], up <= 0: at the surface or at depth in any layer.
    times : array_like, (T,)
        Times after the step [s], >= 0.
    tol, talbot_nodes, k_refine, r_refine, threads
        As :func:`viscoann.exact_sources.displacement`.

    Raises
    ------
    ValueError
        A receiver above the surface (z > 0) or on a point source (naming it), bad times,
        tol, model or source (the solver's own checks name the argument).
    """
    g, _ = _strain_stress(
        model, source, points, times, tol, talbot_nodes, k_refine, r_refine, threads
    )
    return 0.5 * (g + np.swapaxes(g, -1, -2))


def stress(
    model,
    source,
    points,
    times,
    *,
    tol=1e-6,
    talbot_nodes=20,
    k_refine=1.0,
    r_refine=1.0,
    threads=None,
) -> np.ndarray:
    """Stress change (T, P, 3, 3) [Pa], ENU, of ``source`` at ``points`` and ``times``: formed
    in the Laplace domain with the receiver layer's mu(s), lam(s), then inverted (not Hooke's
    law of the current strain in a viscoelastic layer). Arguments as :func:`strain`."""
    _, s = _strain_stress(
        model, source, points, times, tol, talbot_nodes, k_refine, r_refine, threads
    )
    return s


def _patches(x, name) -> list:
    if isinstance(x, RectangularFault):
        return [x]
    if isinstance(x, Fault):
        return list(x.patches)
    if isinstance(x, list | tuple) and x and all(isinstance(p, RectangularFault) for p in x):
        return list(x)
    raise ValueError(
        f"{name} is a {type(x).__name__}; allowed: RectangularFault, Fault or a list of them"
    )


def traction_kernels(
    model,
    sources,
    receivers,
    times,
    *,
    tol=1e-6,
    talbot_nodes=20,
    k_refine=1.0,
    r_refine=1.0,
    threads=None,
    return_flags=False,
):
    """Traction (T, R, S, 3) [Pa per m of slip] on receiver patch centres from unit slip in
    each source patch's rake: (shear along strike, shear along dip, normal) of t = sigma n on
    the receiver plane (n into its hanging wall; along dip = up dip; see the module).

    A receiver's centre on its own patch takes the self-term from that centre (Okada's DC3D is
    regular inside the plane; the remainder is smooth): flagged in ``flags[r, s]`` = 1. A
    centre on a source patch's edge is singular in Okada's elastic part: NaN, flag 2, and a
    SingularPointWarning. ``return_flags=True`` returns (kernels, flags (R, S) uint8).

    Raises
    ------
    ValueError
        Sources or receivers not rectangles, a receiver centre above the surface, opening != 0,
        bad times or tol.
    """
    _check(model, tol)
    t = _check_times(times, False)
    src = _patches(sources, "sources")
    rec = _patches(receivers, "receivers")
    pts = np.array([[p.east, p.north, -p.depth] for p in rec])
    pts = _points(pts)
    opts = _options(talbot_nodes, k_refine, r_refine, threads)
    slips = [
        np.array([math.cos(math.radians(p.rake)), math.sin(math.radians(p.rake)), 0.0]) for p in src
    ]
    _, sig, singular = _fields(model, [[p] for p in src], pts, t, tol, opts, slips=slips)
    out = np.empty((t.size, len(rec), len(src), 3))
    for i, p in enumerate(rec):
        along, updip, normal, _ = frames.fault_vectors(p.strike, p.dip)
        tr = sig[:, :, i] @ normal  # (T, S, 3)
        out[:, i, :, 0] = tr @ along
        out[:, i, :, 1] = tr @ updip
        out[:, i, :, 2] = tr @ normal
    flags = np.zeros((len(rec), len(src)), dtype=np.uint8)
    for i, p in enumerate(rec):
        for j, q in enumerate(src):
            if p is q or _same_patch(p, q):
                flags[i, j] = 1
    flags[singular.T] = 2
    _warn_singular(singular.T.any(axis=1), "receiver centre(s)")
    return (out, flags) if return_flags else out


def _same_patch(a: RectangularFault, b: RectangularFault) -> bool:
    return (
        a.east == b.east
        and a.north == b.north
        and a.depth == b.depth
        and a.strike == b.strike
        and a.dip == b.dip
    )
