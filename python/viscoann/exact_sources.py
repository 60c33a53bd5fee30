"""Exact displacement and velocity of any source (point sources, rectangles, faults) at
stations over time.

Every source reduces to point sources with a potency tensor (frame x east, y north, z up,
:mod:`viscoann.frames`); the field of each is the source layer's homogeneous half-space in
closed form (Okada) plus the layered remainder from the radial tables of the four elementary
sources at its depth (``_core.elementary_tables``: ten radial functions for all times with
exact azimuthal factors, built once per depth and reused by every station, time and patch
there; velocities from the Laplace domain, never by differences). A rectangle's homogeneous
part is Okada's DC3D, exact: at the surface it is A + r B in r = mu/(lam + mu) (Okada 1985),
so with the source layer's r(s) it becomes A + G(t) B (G the core's homogeneous factor). The
remainder is smooth on the decay depth D (2H - d below an interface at H) and is integrated
over the rectangle by Gauss-Legendre quadrature of point sources: panels of half-length <= D,
order from the Bernstein-ellipse bound for a relative error ``tol`` of the postseismic field
(measured, see :func:`quadrature_rule`). Rectangles crossing an interface are split there.
Tables come from a provider: built here per distinct source depth, or served by a
:class:`viscoann.store.Store` (interpolated in depth).
"""

from __future__ import annotations

import functools
import math
import sys
import warnings

import numpy as np

from . import _core, frames
from .conventions import threads_count
from .earth import EarthModel, Layer
from .okada import SingularPointWarning
from .okada import rectangle as okada_rectangle
from .sources import Fault, PointSource, RectangularFault
from .stations import Stations

__all__ = ["displacement", "velocity", "quadrature_rule", "potency_tensor", "dc3d0_tensor"]

# Okada at two alphas gives A and B of u = A + r B: r = 1/2 (alpha 2/3) and r = 1/4 (0.8).
_ALPHA_HALF, _ALPHA_QUARTER = 2.0 / 3.0, 0.8
# Bound on (sources x stations) per native call (the offsets' memory, ~32 MB).
_CHUNK = 2_000_000


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


def _check_times(times, velocity) -> np.ndarray:
    t = np.atleast_1d(np.asarray(times, dtype=float))
    if t.ndim != 1 or t.size == 0:
        raise ValueError(f"times has shape {t.shape}; allowed: 1-D (T,) with T >= 1")
    bad = ~(np.isfinite(t) & ((t > 0) if velocity else (t >= 0)))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        allowed = (
            "finite > 0 s (a velocity: the step is a delta at t = 0)"
            if velocity
            else ("finite >= 0 s")
        )
        raise ValueError(f"times[{i}] = {t[i]} is invalid; allowed: {allowed}")
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


def _unrelaxed(layer: Layer) -> tuple[float, float]:
    return float(layer.rheology.params()[0]), float(layer.lame_lambda)


def _rotate_tensor(p_okada, strike) -> np.ndarray:
    """A potency tensor (xx, yy, zz, xy, xz, yz) in Okada's frame of ``strike`` -> ENU."""
    xx, yy, zz, xy, xz, yz = p_okada
    m = np.array([[xx, xy, xz], [xy, yy, yz], [xz, yz, zz]])
    (xe, xn), (ye, yn) = frames.okada_axes(strike)
    r = np.array([[xe, ye, 0.0], [xn, yn, 0.0], [0.0, 0.0, 1.0]])  # columns: Okada's axes
    e = r @ m @ r.T
    return np.array([e[0, 0], e[1, 1], e[2, 2], e[0, 1], e[0, 2], e[1, 2]])


def dc3d0_tensor(layer: Layer, strike, dip, pot) -> np.ndarray:
    """Potency tensor (xx, yy, zz, xy, xz, yz) [m^3], ENU, of DC3D0's potencies ``pot`` (4,) on
    the plane (strike, dip) [deg] in ``layer`` (its unrelaxed moduli fix the inflation's)."""
    mu, lam = _unrelaxed(layer)
    p = _core.okada_potency(float(dip), np.asarray(pot, dtype=float), mu, lam)
    return _rotate_tensor(p, strike)


def potency_tensor(model: EarthModel, source: PointSource) -> np.ndarray:
    """The potency tensor (xx, yy, zz, xy, xz, yz) [m^3], ENU, of a point source in ``model``:
    slip, opening and inflation on its plane (DC3D0's, inflation as a volume step), or its
    moment tensor's with the unrelaxed moduli at its depth."""
    layer = model.layer_at(source.depth)
    if source.m_ned is not None:
        mu, lam = _unrelaxed(layer)
        p = frames.potency_tensor_from_moment(frames.tensor_from_ned6(source.m_ned), mu, lam)
        return np.array([p[0, 0], p[1, 1], p[2, 2], p[0, 1], p[0, 2], p[1, 2]])
    [(strike, dip, pot)] = source.dc3d0(model)
    return dc3d0_tensor(layer, strike, dip, pot)


class DirectTables:
    """Tables built on demand per source depth, cached for one call. At t = 0 in a model of
    uniform unrelaxed moduli (homogeneous then) the remainder is zero exactly: not tabulated."""

    def __init__(self, model, times, velocity, opts):
        self.model, self.times, self.velocity, self.opts = model, times, velocity, opts
        self._cols = model.columns()
        self._cache = {}
        uniform = all(np.all(c == c[0]) for c in self._cols[1:3])
        self._live = times > 0 if uniform else np.ones(times.size, dtype=bool)

    def remainder(self, depth, tensors, x, y, r_max):
        """Σ_q remainder field (T, S, 3) of potency tensors (m, 6) at offsets x, y (m, S);
        ``r_max`` [m]: the largest offset (of every call at this depth)."""
        out = np.zeros((self.times.size, x.shape[1], 3))
        if not self._live.any():
            return out
        t = self._cache.get(depth)
        if t is None or t["r_max"] < r_max:
            t = _core.elementary_tables(
                *self._cols,
                float(depth),
                float(r_max),
                self.times[self._live],
                velocity=self.velocity,
                **self.opts,
            )
            t["r_max"] = r_max
            self._cache[depth] = t
        out[self._live] = _apply(t, tensors, x, y, homogeneous=False, threads=self.opts["threads"])
        return out


def _apply(t, tensors, x, y, homogeneous, threads, mix=None):
    """The field of tables t; ``mix`` = (tables' g, weights): their weighted sum replaces
    t["g"] (combined in the core, read in place)."""
    gs, ws = mix if mix is not None else ([t["g"]], [1.0])
    return _core.tables_displacement(
        t["depth"],
        t["h"],
        t["times"],
        list(gs),
        np.asarray(ws, dtype=float),
        t["r"],
        t["kappa"],
        t["kappa_r"],
        t["constant"],
        np.ascontiguousarray(tensors, dtype=float),
        np.ascontiguousarray(x, dtype=float),
        np.ascontiguousarray(y, dtype=float),
        homogeneous=homogeneous,
        threads=threads,
    )


class _Factors:
    """The homogeneous half-space's time factors (r, kappa, kappa_r, constant) per layer: the
    core's, from a model of that layer alone (no remainder to compute)."""

    def __init__(self, times, velocity, opts):
        self.times, self.velocity, self.opts = times, velocity, opts
        self._cache = {}

    def __call__(self, layer: Layer):
        key = (layer.rheology.params(), layer.lame_lambda)
        if key not in self._cache:
            cols = EarthModel([], Layer(None, layer.rheology, lam=layer.lame_lambda)).columns()
            t = _core.elementary_tables(
                *cols, 1.0, 0.0, self.times, velocity=self.velocity, **self.opts
            )
            self._cache[key] = t
        return self._cache[key]

    def homogeneous(self, layer, depth, tensors, x, y):
        """Σ_q homogeneous half-space field (T, S, 3) of point sources (m, 6) at offsets x, y."""
        f = dict(self(layer))
        r = float(np.hypot(x, y).max(initial=0.0))
        # The homogeneous part alone: zero remainder tables spanning every offset.
        f.update(depth=float(depth), h=r + 1.0, g=np.zeros((self.times.size, 4, 10)))
        return _apply(f, tensors, x, y, homogeneous=True, threads=self.opts["threads"])


def _homogeneous_model(model: EarthModel) -> bool:
    """True when every layer is the half-space's material (the remainder is then zero)."""
    cols = model.columns()
    return all(np.all(c == c[0]) for c in cols[1:])


def displacement(model, source, stations, times, **options) -> np.ndarray:
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
        Relative error of the quadrature of the layered remainder over rectangles, in (0, 0.1]
        (default 1e-6).
    talbot_nodes, k_refine, r_refine, threads
        Resolution of the layered solver (see :mod:`viscoann.exact`); threads None or 0: all.
    progress : bool
        A progress bar on stderr over the source depths (needs tqdm).

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
    return _field(model, source, stations, times, velocity=False, **options)


def velocity(model, source, stations, times, **options) -> np.ndarray:
    """Surface velocity d/dt [m/s] of ``source`` at ``stations`` and ``times`` (> 0) in
    ``model``, from the Laplace domain (L^-1[F(s)] instead of L^-1[F(s)/s] on the same Talbot
    contour; never a difference in time). Arguments as :func:`displacement`.

    Returns
    -------
    ndarray, (T, S, 3)
        (east, north, up) velocity [m/s].
    """
    return _field(model, source, stations, times, velocity=True, **options)


def _field(
    model,
    source,
    stations,
    times,
    *,
    velocity,
    tol=1e-6,
    talbot_nodes=20,
    k_refine=1.0,
    r_refine=1.0,
    threads=None,
    progress=False,
    tables=None,
    factors=None,
) -> np.ndarray:
    if not isinstance(model, EarthModel):
        raise ValueError(f"model is a {type(model).__name__}; allowed: viscoann.EarthModel")
    if not isinstance(stations, Stations):
        raise ValueError(f"stations is a {type(stations).__name__}; allowed: viscoann.Stations")
    if not (isinstance(tol, int | float) and 0 < tol <= 0.1):
        raise ValueError(f"tol = {tol!r} is invalid; allowed: (0, 0.1]")
    t = _check_times(times, velocity)
    srcs = _sources(source)
    opts = dict(
        talbot_nodes=talbot_nodes,
        k_refine=k_refine,
        r_refine=r_refine,
        threads=threads_count(threads),
    )
    # The core validates the model (naming the bad field) and the options before any work.
    _core.elementary_tables(*model.columns(), 1.0, 0.0, t[:0], **opts)
    if tables is None:
        tables = DirectTables(model, t, velocity, opts)
    if factors is None:
        factors = _Factors(t, velocity, opts)

    out = np.zeros((t.size, len(stations), 3))
    singular = np.zeros(len(stations), dtype=bool)
    points, nodes = {}, {}  # depth -> [(east, north, tensor (6,))]
    hom = {}  # layer index -> (layer, A, B): the rectangles' Okada parts (S, 3), ENU
    for src in srcs:
        if isinstance(src, PointSource):
            points.setdefault(src.depth, []).append(
                (src.east, src.north, potency_tensor(model, src))
            )
        else:
            singular |= _rectangle(model, src, stations, tol, nodes, hom)
    for layer, a, b in hom.values():
        f = factors(layer)
        out += f["constant"] * a[None] + f["r"][:, None, None] * b[None]
    # One table per depth serves its point sources and quadrature nodes: the largest offset.
    reach = {}
    for group in (points, nodes):
        for d, rows in group.items():
            e, n = np.array([r[0] for r in rows]), np.array([r[1] for r in rows])
            far = np.hypot(
                np.maximum(np.abs(stations.east.max() - e), np.abs(stations.east.min() - e)),
                np.maximum(np.abs(stations.north.max() - n), np.abs(stations.north.min() - n)),
            ).max()
            reach[d] = max(reach.get(d, 0.0), float(far))
    work = [(d, rows, True) for d, rows in points.items()]
    work += [(d, rows, False) for d, rows in nodes.items()]
    if progress:
        from tqdm import tqdm

        work = tqdm(work, desc="source depths", unit="depth", file=sys.stderr)
    for depth, rows, with_homogeneous in work:
        _superpose(model, depth, rows, with_homogeneous, stations, out, tables, factors, reach)
    if singular.any():
        names = [stations.names[i] for i in np.flatnonzero(singular)]
        shown = ", ".join(names[:5]) + (" ..." if len(names) > 5 else "")
        warnings.warn(
            f"{len(names)} station(s) on a fault edge ({shown}): the elastic part (Okada DC3D) "
            "is singular there; their displacement is NaN",
            SingularPointWarning,
            stacklevel=3,
        )
    return out


def _superpose(model, depth, rows, with_homogeneous, stations, out, tables, factors, reach):
    """Point sources at one depth: the remainder from the tables, and for point sources (not
    quadrature nodes) the homogeneous part in closed form."""
    per = max(1, _CHUNK // len(stations))
    for start in range(0, len(rows), per):
        chunk = rows[start : start + per]
        x = stations.east[None, :] - np.array([r[0] for r in chunk])[:, None]  # (m, S)
        y = stations.north[None, :] - np.array([r[1] for r in chunk])[:, None]
        p = np.array([r[2] for r in chunk])
        out += tables.remainder(depth, p, x, y, reach[depth])
        if with_homogeneous:
            out += factors.homogeneous(model.layer_at(depth), depth, p, x, y)


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


def _okada_ab(fn, *args, **kw):
    """(A, B) of u = A + r B from Okada at r = 1/2 and r = 1/4, and the singular mask."""
    u2, f2 = fn(*args, alpha=_ALPHA_HALF, return_flags=True, **kw)
    u4, _ = fn(*args, alpha=_ALPHA_QUARTER, return_flags=True, **kw)
    b = 4.0 * (u2 - u4)
    return u2 - 0.5 * b, b, f2


def _rectangle(model, patch, stations, tol, nodes, hom) -> np.ndarray:
    """Add the patch's homogeneous part's (A, B) per layer to ``hom`` and its quadrature nodes
    (potency tensors per node, weights included) to ``nodes``; return the stations singular
    for it."""
    along, updip, _, _ = frames.fault_vectors(patch.strike, patch.dip)
    sd = math.sin(math.radians(patch.dip))
    cr, sr = math.cos(math.radians(patch.rake)), math.sin(math.radians(patch.rake))
    slip = np.array([patch.slip * cr, patch.slip * sr, patch.opening])
    singular = np.zeros(len(stations), dtype=bool)
    for lo, hi, j in _split_at_interfaces(model, patch):
        layer = model.layers[j] if j < len(model.layers) else model.halfspace
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
        # u = constant A + r(t) B per layer: the patches' A and B add up (in ENU) before the
        # times multiply them, once per layer (_field).
        parts = hom.setdefault(
            j, (layer, np.zeros((len(stations), 3)), np.zeros((len(stations), 3)))
        )
        for acc, v in zip(parts[1:], (a, b), strict=True):
            e, n = frames.okada_to_enu(v[..., 0], v[..., 1], patch.strike)
            acc[:, 0] += e
            acc[:, 1] += n
            acc[:, 2] += v[..., 2]
        if _homogeneous_model(model):
            continue  # the layered field is the homogeneous one: no remainder
        scale = _remainder_scale(model, depth - 0.5 * w * sd, depth + 0.5 * w * sd, j)
        xi, wx = quadrature_rule(patch.length, scale, tol)
        eta, we = quadrature_rule(w, scale, tol)
        unit = dc3d0_tensor(layer, patch.strike, patch.dip, [*slip, 0.0])
        for q_eta, w_eta in zip(eta, we, strict=True):
            row = nodes.setdefault(float(-(c[2] + q_eta * updip[2])), [])
            for q_xi, w_xi in zip(xi, wx, strict=True):
                p = c + q_xi * along + q_eta * updip
                row.append((p[0], p[1], unit * (w_xi * w_eta)))
    return singular
