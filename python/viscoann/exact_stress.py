"""Strain, stress and traction kernels at depth from the exact layered solver.

The core observes a point source at any depth in any layer (``_core.depth_field``): the
propagator's solution at the receiver depth, its z-derivative and the horizontal derivatives
from the Bessel recurrences, minus the source layer's homogeneous half-space there, inverted on
Talbot's contour; the stress is formed in the Laplace domain with the receiver layer's
mu(s), lam(s) before the inversion (in a viscoelastic layer it is not Hooke's law of the current
strain). The homogeneous part is Okada at depth in closed form: for a fixed moment per unit mu
his point source and rectangle are linear in (1, alpha, 1/alpha), so three elastic
evaluations (alpha = 1/2, 2/3, 4/5) and six time factors per basis function (the core's
``depth_factors``) give it at every time exactly. Rectangles are the core's
(``_core.patches_at_depth``, ``_core.TractionKernels``; viscoann/traction.hpp): Okada DC3D at
depth for the homogeneous part, Gauss-Legendre quadrature of the smooth layered remainder over
the patch; ``TractionKernels`` (and so :func:`traction_kernels`) takes that remainder from
radial tables on a source-depth grid shared by all patches, built once per set of times and
interpolated (within 1e-5 of the largest entry of the direct evaluation; tests assert it).
Shear slip only at depth (opening: its moment per unit mu depends on lam/mu, not
built).

Traction convention (:func:`traction_kernels`): t = sigma n on the receiver plane, n its unit
normal into the hanging wall; components (t . strike, t . up-dip, t . n): shear along strike
(positive drives left-lateral slip), shear along dip (positive drives reverse slip), normal
(positive = tension, unclamping). Pa per metre of slip.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from . import _core
from .conventions import threads_count
from .earth import EarthModel
from .exact_sources import (
    _check_times,
    _sources,
    potency_tensor,
)
from .okada import SingularPointWarning
from .sources import Fault, PointSource, RectangularFault

__all__ = ["strain", "stress", "displacement_gradient", "traction_kernels"]


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


def _patch_row(p: RectangularFault) -> list:
    return [p.east, p.north, p.depth, p.strike, p.dip, p.rake, p.length, p.width]


def _rectangles(model, patches, slips, pts, t, tol, opts):
    """(grad, stress (T, m, P, 3, 3), singular (m, P)) of rectangles with shear slips (m, 2)."""
    out = _core.patches_at_depth(
        *model.columns(),
        np.array([_patch_row(p) for p in patches], dtype=float),
        np.asarray(slips, dtype=float),
        pts,
        t,
        tol=tol,
        talbot_nodes=opts["talbot_nodes"],
        k_refine=opts["k_refine"],
        r_refine=opts["r_refine"],
        threads=opts["threads"],
    )
    return out["grad"], out["stress"], out["flags"] == 2


def _options(talbot_nodes, k_refine, r_refine, threads):
    return dict(
        talbot_nodes=talbot_nodes,
        k_refine=k_refine,
        r_refine=r_refine,
        threads=threads_count(threads),
    )


def _fields(model, columns, pts, t, tol, opts):
    """(grad, sig, singular) of each column (a list of sources superposed) at pts."""
    grad = np.zeros((t.size, len(columns), len(pts), 3, 3))
    sig = np.zeros_like(grad)
    singular = np.zeros((len(columns), len(pts)), dtype=bool)
    acc = _Accumulator()
    rects, slips, owner = [], [], []
    for col, srcs in enumerate(columns):
        for src in srcs:
            if isinstance(src, PointSource):
                acc.add(src.depth, src.east, src.north, potency_tensor(model, src), col, True)
                continue
            if src.opening != 0.0:
                raise ValueError(
                    f"opening = {src.opening} is invalid at depth; allowed: 0 (shear slip only)"
                )
            cr, sr = math.cos(math.radians(src.rake)), math.sin(math.radians(src.rake))
            rects.append(src)
            slips.append([src.slip * cr, src.slip * sr])
            owner.append(col)
    if rects:
        g, s, sing = _rectangles(model, rects, slips, pts, t, tol, opts)
        idx = np.array(owner)
        np.add.at(grad, (slice(None), idx), g)
        np.add.at(sig, (slice(None), idx), s)
        np.logical_or.at(singular, idx, sing)
    if acc.rows:
        g2, s2 = _evaluate(model, acc, pts, t, len(columns), opts)
        grad, sig = grad + g2, sig + s2
    return grad, sig, singular


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
    store=None,
    progress=False,
):
    """Traction (T, R, S, 3) [Pa per m of slip] on receiver patch centres from unit slip in
    each source patch's rake: (shear along strike, shear along dip, normal) of t = sigma n on
    the receiver plane (n into its hanging wall; along dip = up dip; see the module).

    ``store``: a path (HDF5, :mod:`viscoann.traction_store`). The radial tables (the layered
    solves: nearly all of a first call's cost) are read from it when it exists, else built,
    written there and used; a build shows its progress with ``progress=True`` and resumes where
    it stopped. A store serves the same sources and receivers (as one set of patches), model,
    times and resolution only; anything else is an error naming what differs.

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
    _points(np.array([[p.east, p.north, -p.depth] for p in rec]))
    # One handle over the distinct patches; rows and columns index it.
    index, rows_ = {}, []
    for p in rec + src:
        key = tuple(_patch_row(p))
        if key not in index:
            index[key] = len(rows_)
            rows_.append(key)
    kernels = _core.TractionKernels(
        *model.columns(),
        np.array(rows_, dtype=float),
        tol=tol,
        talbot_nodes=talbot_nodes,
        k_refine=k_refine,
        r_refine=r_refine,
        threads=threads_count(threads),
    )
    if store is not None:
        from . import traction_store

        traction_store.attach(
            kernels,
            store,
            model_columns=model.columns(),
            patches=np.array(rows_, dtype=float),
            times=t,
            resolution=dict(
                tol=float(tol),
                talbot_nodes=int(talbot_nodes),
                k_refine=float(k_refine),
                r_refine=float(r_refine),
            ),
            progress=progress,
        )
    r_idx = np.array([index[tuple(_patch_row(p))] for p in rec], dtype=np.int64)
    s_idx = np.array([index[tuple(_patch_row(p))] for p in src], dtype=np.int64)
    out, flags = kernels.block(r_idx, s_idx, t)
    _warn_singular((flags == 2).any(axis=1), "receiver centre(s)")
    return (out, flags) if return_flags else out
