"""Earthquake cycles: the superposition of a fault's step response over an event catalogue,
plus steady slip on chosen patches (deep creep, back-slip of locked patches).

u(t) = sum_j sum_p s_jp G_p(t - e_j) + steady part, with G_p the step response of patch p per
unit of its slip (the backend's, :mod:`viscoann.backends`), e_j the event times and s_jp the
slip scale of patch p in event j (1: the fault's own slip). The step response is computed once
on a set of lag nodes and every (time, event) pair takes it from them through one linear map:

- ``lags="exact"``: the nodes are the distinct lags t_i - e_j themselves (no approximation);
- ``lags="grid"``: nodes log-spaced at ``per_decade`` a decade between the smallest and the
  largest positive lag (and lag 0 for the coseismic step), each lag interpolated by 4-point
  Lagrange in log(lag). Measured on the canonical model (Burgers, lags 1 day - 100 yr,
  tests/test_cycles.py): with 16 nodes a decade the error is 6e-6 (displacement) and 8e-6
  (velocity) of the largest postseismic field, with 8 a decade 1.0e-4 and 1.4e-4 (4th order:
  ~17x less when the density doubles);
- ``lags="auto"`` (default): exact when there are at most ``max_exact`` distinct lags.

A backend that answers only at its own times (a Store) uses them as the nodes.
Cost: the backend's work for N nodes (x P patches when slips are per patch), plus
T x E x 4 weights and one (T, P N) x (P N, 3 S) product.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass

import numpy as np

from .backends import as_backend
from .earth import EarthModel
from .sources import Fault, PointSource, RectangularFault
from .stations import Stations

__all__ = ["displacement", "velocity", "Steady", "lag_nodes"]

_STENCIL = 4


@dataclass(frozen=True)
class Steady:
    """Steady slip at ``rate`` [m/s] along each patch's own rake (negative: back-slip) on the
    patches ``patches`` (indices into the fault; None: all), established long ago: the
    medium is fully relaxed to it, so its velocity is rate x the relaxed response, constant in
    time. Its displacement is counted from ``since`` [s] (default: the first output time)."""

    rate: float | np.ndarray
    patches: tuple | None = None
    since: float | None = None


def _patches(fault) -> list:
    if isinstance(fault, PointSource | RectangularFault):
        return [fault]
    if isinstance(fault, Fault):
        return list(fault.patches)
    if isinstance(fault, list | tuple) and fault:
        out = []
        for f in fault:
            out.extend(_patches(f))
        return out
    raise ValueError(
        f"fault is a {type(fault).__name__}; allowed: viscoann.Fault, RectangularFault, "
        "PointSource or a list of them"
    )


def _vector(name, value, allowed="finite seconds") -> np.ndarray:
    a = np.atleast_1d(np.asarray(value, dtype=float))
    if a.ndim != 1 or a.size == 0:
        raise ValueError(f"{name} has shape {a.shape}; allowed: 1-D with >= 1 value")
    bad = ~np.isfinite(a)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{name}[{i}] = {a[i]} is invalid; allowed: {allowed}")
    return a


def _slips(slips, n_events, n_patches) -> tuple[np.ndarray, bool]:
    """(E, P) slip scales and whether they differ between patches."""
    if slips is None:
        return np.ones((n_events, 1)), False
    s = np.asarray(slips, dtype=float)
    if s.ndim == 1 and s.size == n_events:
        s = s[:, None]
        per_patch = False
    elif s.shape == (n_events, n_patches):
        per_patch = n_patches > 1
    else:
        raise ValueError(
            f"slips has shape {s.shape}; allowed: ({n_events},) a scale per event or "
            f"({n_events}, {n_patches}) a scale per event and patch"
        )
    if not np.isfinite(s).all():
        i = np.argwhere(~np.isfinite(s))[0]
        raise ValueError(f"slips[{', '.join(map(str, i))}] is not finite; allowed: finite")
    return s, per_patch


def lag_nodes(lags, mode="auto", per_decade=16, max_exact=4096, fixed=None):
    """The lag nodes [s] and, for every lag, the node indices (L, 4) and weights (L, 4) of
    the map from the nodes to it (see the module docstring)."""
    lags = np.asarray(lags, dtype=float)
    if fixed is not None:
        nodes = np.asarray(fixed, dtype=float)
        return nodes, *_weights(nodes, lags, grid=True)
    uniq, inv = np.unique(lags, return_inverse=True)
    if mode == "exact" or (mode == "auto" and uniq.size <= max_exact):
        idx = np.zeros((lags.size, _STENCIL), dtype=np.int64)
        w = np.zeros((lags.size, _STENCIL))
        idx[:, 0], w[:, 0] = inv.ravel(), 1.0
        return uniq, idx, w
    pos = uniq[uniq > 0]
    lo, hi = float(pos.min()), float(pos.max())
    n = max(_STENCIL, math.ceil(per_decade * math.log10(hi / lo)) + 1)
    nodes = np.geomspace(lo, hi, n)
    nodes[0], nodes[-1] = lo, hi
    if uniq[0] == 0.0:
        nodes = np.concatenate([[0.0], nodes])
    return nodes, *_weights(nodes, lags, grid=True)


def _weights(nodes, lags, grid):
    """4-point Lagrange weights in log(lag) over the positive nodes; lag 0 maps to node 0."""
    pos0 = 1 if nodes[0] == 0.0 else 0
    x = np.log(nodes[pos0:])
    if x.size < _STENCIL:
        raise ValueError(f"{x.size} positive lag nodes; allowed: >= {_STENCIL} to interpolate")
    idx = np.zeros((lags.size, _STENCIL), dtype=np.int64)
    w = np.zeros((lags.size, _STENCIL))
    zero = lags == 0.0
    if zero.any():
        if not pos0:
            raise ValueError("a lag of 0 (an output time at an event) has no node; allowed: > 0")
        w[zero, 0] = 1.0
    p = ~zero
    lp = np.log(lags[p])
    if lp.size:
        tol = 1e-9
        if lp.min() < x[0] - tol or lp.max() > x[-1] + tol:
            bad = lags[p][(lp < x[0] - tol) | (lp > x[-1] + tol)][0]
            raise ValueError(
                f"a lag of {bad:.6g} s lies outside the backend's times "
                f"[{nodes[pos0]:.6g}, {nodes[-1]:.6g}] s"
            )
        k = np.clip(np.searchsorted(x, lp) - 2, 0, x.size - _STENCIL)
        st = k[:, None] + np.arange(_STENCIL)[None, :]
        xs = x[st]
        wp = np.ones_like(xs)
        for a in range(_STENCIL):
            for b in range(_STENCIL):
                if a != b:
                    wp[:, a] *= (lp - xs[:, b]) / (xs[:, a] - xs[:, b])
        idx[p], w[p] = st + pos0, wp
    return idx, w


def displacement(
    model_or_kernel,
    fault,
    stations,
    times,
    event_times,
    slips=None,
    steady=None,
    *,
    lags="auto",
    per_decade=16,
    max_exact=4096,
    progress=False,
    chunk_stations=None,
    dask=None,
    **rheology,
) -> np.ndarray:
    """Surface displacement (T, S, 3) [m] of an earthquake cycle.

    Parameters
    ----------
    model_or_kernel : EarthModel, Store, or a kernel (:mod:`viscoann.backends`)
    fault : Fault, RectangularFault, PointSource or a list of them
        Each event repeats its slip (scaled by ``slips``).
    stations : Stations
    times : array_like (T,)
        Output times [s], absolute.
    event_times : array_like (E,)
        Event times [s], absolute; an event contributes from its time on (its coseismic step
        included at t = e).
    slips : None, (E,) or (E, P)
        Slip scale per event, or per event and patch (1: the fault's own slip).
    steady : Steady or None
        Steady slip on chosen patches, fully relaxed (see :class:`Steady`).
    lags, per_decade, max_exact
        The lag nodes (see the module docstring).
    progress : bool
        Progress bars on stderr (needs tqdm).
    chunk_stations, dask
        Stations in chunks of ``chunk_stations`` (default with ``dask``: 8 chunks), each
        chunk a task on a Dask cluster when ``dask`` is given ("local": a LocalCluster; a
        scheduler address; or a distributed.Client); every chunk uses the tables of the whole
        station set's reach, so the result equals the one-process result.
    **rheology
        For a kernel: its rheology (eta_M, eta_K, H); for an EarthModel: solver options
        (tol, talbot_nodes, k_refine, r_refine, threads).

    Raises
    ------
    ValueError
        Naming the argument and its allowed range, before any solving.
    """
    return _cycle(
        model_or_kernel,
        fault,
        stations,
        times,
        event_times,
        slips,
        steady,
        velocity=False,
        spinup=False,
        lags=lags,
        per_decade=per_decade,
        max_exact=max_exact,
        progress=progress,
        chunk_stations=chunk_stations,
        dask=dask,
        rheology=rheology,
    )


def velocity(
    model_or_kernel,
    fault,
    stations,
    times,
    event_times,
    slips=None,
    steady=None,
    *,
    spinup=False,
    lags="auto",
    per_decade=16,
    max_exact=4096,
    progress=False,
    chunk_stations=None,
    dask=None,
    **rheology,
) -> np.ndarray:
    """Surface velocity (T, S, 3) [m/s] of an earthquake cycle; arguments as
    :func:`displacement`. An output time equal to an event time is refused (the step's
    velocity is a delta there).

    spinup : bool
        Continue the catalogue into the past at its mean spacing dT with the first event's
        slip, summed in closed form (the midpoint rule of the sum over those events:
        (s_0/dT) [u_relaxed - G(t - e_0 + dT/2)]; error ~ G''/24 of the first omitted event),
        so that a periodic catalogue of K events stands for the periodic steady state; without
        it the sum over past events converges only like 1/K.
    """
    return _cycle(
        model_or_kernel,
        fault,
        stations,
        times,
        event_times,
        slips,
        steady,
        velocity=True,
        spinup=spinup,
        lags=lags,
        per_decade=per_decade,
        max_exact=max_exact,
        progress=progress,
        chunk_stations=chunk_stations,
        dask=dask,
        rheology=rheology,
    )


def _cycle(
    model_or_kernel,
    fault,
    stations,
    times,
    event_times,
    slips,
    steady,
    *,
    velocity,
    spinup,
    lags,
    per_decade,
    max_exact,
    progress,
    chunk_stations,
    dask,
    rheology,
):
    # Every argument is checked before the backend solves anything.
    patches = _patches(fault)
    if not isinstance(stations, Stations):
        raise ValueError(f"stations is a {type(stations).__name__}; allowed: viscoann.Stations")
    t = _vector("times", times)
    e = _vector("event_times", event_times)
    s, per_patch = _slips(slips, e.size, len(patches))
    if lags not in ("auto", "exact", "grid"):
        raise ValueError(f"lags = {lags!r} is invalid; allowed: 'auto', 'exact', 'grid'")
    if not (isinstance(per_decade, int | float) and 4 <= per_decade <= 1000):
        raise ValueError(f"per_decade = {per_decade!r} is invalid; allowed: [4, 1000]")
    if not (isinstance(max_exact, int) and max_exact >= 1):
        raise ValueError(f"max_exact = {max_exact!r} is invalid; allowed: an integer >= 1")
    if steady is not None and not isinstance(steady, Steady):
        raise ValueError(f"steady is a {type(steady).__name__}; allowed: viscoann.cycles.Steady")
    if progress and isinstance(model_or_kernel, EarthModel):
        rheology = {**rheology, "progress": True}
    backend = as_backend(model_or_kernel, **rheology)

    lag = t[:, None] - e[None, :]  # (T, E)
    if velocity:
        at = np.argwhere(lag == 0.0)
        if at.size:
            i, j = at[0]
            raise ValueError(
                f"times[{i}] = {t[i]} equals event_times[{j}]; allowed: velocity times other "
                "than the event times (the step's velocity is a delta there)"
            )
    if spinup and e.size < 2:
        raise ValueError("spinup needs >= 2 events (their mean spacing); allowed: E >= 2")
    steady_rate = _steady_rates(steady, len(patches))
    since = None if steady is None or steady.since is None else float(steady.since)
    if chunk_stations is not None and not (
        isinstance(chunk_stations, int | np.integer) and chunk_stations >= 1
    ):
        raise ValueError(f"chunk_stations = {chunk_stations!r} is invalid; allowed: integer >= 1")
    job = dict(
        t=t,
        e=e,
        s=s,
        per_patch=per_patch,
        velocity=velocity,
        spinup=spinup,
        steady_rate=steady_rate,
        since=since,
        lags=lags,
        per_decade=per_decade,
        max_exact=max_exact,
        progress=progress,
    )
    if dask is None and chunk_stations is None:
        return _compute(backend, patches, stations, **job)
    return _chunked(backend, patches, stations, job, chunk_stations, dask)


def _chunked(backend, patches, stations, job, chunk, dask):
    """Stations in chunks, here or as Dask tasks; every chunk's tables span every station
    (one radial reach), so the result is the one-process result."""
    from .backends import _reach

    job = {**job, "reach": _reach(patches, stations), "progress": False}
    S = len(stations)
    if chunk is None:
        chunk = -(-S // 8)
    parts = [np.arange(a, min(S, a + chunk)) for a in range(0, S, chunk)]
    subs = [Stations(stations.east[i], stations.north[i]) for i in parts]
    if dask is None:
        blocks = [_compute(backend, patches, sub, **job) for sub in subs]
    else:
        from dask.distributed import Client, LocalCluster

        cluster = None
        if isinstance(dask, str):
            if dask == "local":
                cluster = LocalCluster(threads_per_worker=1, dashboard_address=None)
                client = Client(cluster)
            else:
                client = Client(dask)
        else:
            client = dask
        try:
            b, p = client.scatter([backend, patches], broadcast=True)
            futures = [client.submit(_compute, b, p, sub, pure=False, **job) for sub in subs]
            blocks = client.gather(futures)
        finally:
            if client is not dask:
                client.close()
                if cluster is not None:
                    cluster.close()
    return np.concatenate(blocks, axis=1)


def _compute(
    backend,
    patches,
    stations,
    *,
    t,
    e,
    s,
    per_patch,
    velocity,
    spinup,
    steady_rate,
    since,
    lags,
    per_decade,
    max_exact,
    progress,
    reach=None,
):
    """The cycle at ``stations`` (checked arguments): (T, S, 3)."""
    lag = t[:, None] - e[None, :]  # (T, E)
    live = lag > 0 if velocity else lag >= 0
    ti, ej = np.nonzero(live)
    pair_lags = lag[ti, ej]
    if spinup:
        first = int(np.argmin(e))
        dT = float((e.max() - e.min()) / (e.size - 1))

    def field(rows, lag_values, scale, vel):
        """sum over (row, lag, scale) of scale . G(lag) into (T, S, 3)."""
        fixed = getattr(backend, "lag_nodes", lambda v: None)(vel)
        nodes, idx, w = lag_nodes(lag_values, lags, per_decade, max_exact, fixed)
        if fixed is not None:  # only the nodes some lag uses
            used = np.unique(idx[w != 0])
            remap = np.full(nodes.size, -1, dtype=np.int64)
            remap[used] = np.arange(used.size)
            nodes, idx = nodes[used], np.where(w != 0, remap[idx], 0)
        G = _responses(backend, patches, stations, nodes, vel, per_patch, progress, reach)
        return _superpose(G, rows, idx, w, scale, t.size)

    out = np.zeros((t.size, len(stations), 3))
    if pair_lags.size:
        out += field(ti, pair_lags, s[ej], velocity)
    if spinup:
        # The virtual events before the first: (s_0/dT) [u_relaxed - u(t - e_0 + dT/2)], the
        # displacement step response at one lag per output time.
        scale = np.broadcast_to(-s[first] / dT, (t.size, s.shape[1]))
        out += field(np.arange(t.size), t - e[first] + 0.5 * dT, scale, False)
    if spinup or steady_rate is not None:
        rate = np.zeros(len(patches)) if steady_rate is None else steady_rate.copy()
        if spinup:  # the virtual events' relaxed part: s_0 / dT as a steady rate
            rate += np.broadcast_to(s[first], (len(patches),)) / dT
        v_rel = _relaxed(backend, patches, stations, rate, reach)
        if velocity:
            out += v_rel[None]
        else:
            out += (t - (t[0] if since is None else since))[:, None, None] * v_rel[None]
    return out


def _steady_rates(steady, n):
    if steady is None:
        return None
    rate = np.broadcast_to(np.asarray(steady.rate, dtype=float), (n,)).copy()
    if not np.isfinite(rate).all():
        raise ValueError(f"steady.rate = {steady.rate!r} is invalid; allowed: finite m/s")
    if steady.patches is not None:
        sel = np.zeros(n, dtype=bool)
        for p in steady.patches:
            if not (isinstance(p, int | np.integer) and 0 <= p < n):
                raise ValueError(
                    f"steady.patches has {p!r}; allowed: patch indices in [0, {n - 1}]"
                )
            sel[p] = True
        rate[~sel] = 0.0
    return rate


def _responses(backend, patches, stations, nodes, velocity, per_patch, progress, reach=None):
    """(P or 1, N, S, 3) step responses at the lag nodes (per unit slip scale); with
    ``reach`` (chunked stations) through the backend's ``responses`` at that radial reach."""
    if reach is not None and hasattr(backend, "responses"):
        groups = patches if per_patch else [patches]
        return backend.responses(groups, stations, nodes, velocity, reach=reach)
    if not per_patch:
        fn = backend.velocity if velocity else backend.displacement
        return fn(patches, stations, nodes)[None]
    if hasattr(backend, "responses"):
        return backend.responses(patches, stations, nodes, velocity)
    fn = backend.velocity if velocity else backend.displacement
    it = patches
    if progress:
        from tqdm import tqdm

        it = tqdm(patches, desc="patches", unit="patch", file=sys.stderr)
    return np.stack([fn(p, stations, nodes) for p in it])


def _superpose(G, rows, idx, w, scale, n_times):
    """u[i] = sum over pairs of scale . (w . G[:, idx]): one sparse map (T P N x pairs) and one
    matrix product."""
    from scipy import sparse

    P, N = G.shape[0], G.shape[1]
    m = rows.size
    # A[(i, p, n)] = sum_pairs scale[pair, p] w[pair, k] [idx[pair, k] = n]
    r = np.repeat(rows, _STENCIL)
    c = idx.ravel()
    wk = w.ravel()
    keep = wk != 0
    r, c, wk = r[keep], c[keep], wk[keep]
    pair = np.repeat(np.arange(m), _STENCIL)[keep]
    if P == 1:  # one response for the whole fault
        A = sparse.coo_matrix((wk * scale[pair, 0], (r, c)), shape=(n_times, N)).toarray()
    else:
        M = sparse.coo_matrix((wk, (r * N + c, pair)), shape=(n_times * N, m)).tocsr()
        A = (M @ scale).reshape(n_times, N, P).transpose(0, 2, 1)
    S = G.shape[2]
    u = A.reshape(n_times, P * N) @ G.reshape(P * N, S * 3)
    return u.reshape(n_times, S, 3)


def _relaxed(backend, patches, stations, rate, reach=None):
    """sum_p rate_p x relaxed response of patch p (S, 3)."""
    if not hasattr(backend, "relaxed"):
        raise ValueError(
            f"the backend {getattr(backend, 'name', type(backend).__name__)!r} has no relaxed "
            "field; allowed: steady slip and spinup with a backend that has one (the exact solver)"
        )
    out = np.zeros((len(stations), 3))
    live = np.flatnonzero(rate != 0)
    if live.size == 0:
        return out
    kw = {} if reach is None else {"reach": reach}
    if np.allclose(rate[live], rate[live[0]]) and live.size == len(patches):
        return rate[live[0]] * backend.relaxed(patches, stations, **kw)
    for p in live:
        out += rate[p] * backend.relaxed(patches[p], stations, **kw)
    return out
