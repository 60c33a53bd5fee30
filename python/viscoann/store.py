"""A store of exact radial tables: the elementary sources' tables of one Earth model at a grid
of source depths, for all of its times (and their velocities), in one HDF5 file — built once,
then serving the displacement and velocity of any source at any station without solving.

Layout (format ``viscoann-store``, version 1): attributes ``r_max`` [m] and the resolution
(``talbot_nodes``, ``k_refine``, ``r_refine``); datasets ``model/<column>`` (the model's
per-layer columns, half-space last), ``times`` [s], ``depths`` [m]; per depth a group
``d<index>`` with the displacement tables ``g`` (T, n_r, 10) and factors ``r``, ``kappa``,
``kappa_r`` (attributes ``depth``, ``h``, ``constant``) and the same for the velocity under
``d<index>/velocity`` (times > 0). The file is built under ``<path>.partial`` and renamed
when complete; a build that stops resumes from the depths already written.

Sources between grid depths take the remainder interpolated in depth (6-point Lagrange over
the nearest depths of the same layer, never across an interface; every depth shares one
radial grid, so the tables combine before evaluating) and the homogeneous part exactly at
their own depth. Measured against direct solves in the canonical model (point sources at
2.4-12.6 km and a rectangle, 4 stations, 0-30 yr): with 0.5 km spacing the error is at most
1e-7 of the largest displacement and 2e-6 of the largest postseismic displacement (the floor
set by the two solves' wavenumber rules), 1.5e-6 within 0.2 km of the lid's base; with
1 km, 3e-6 and 2e-5 away from interfaces but 4e-4 within 0.2 km of one: use 0.5 km.
tests/test_store.py asserts 1e-6, 1e-5 and (at the interface) 3e-6 on 0.5 km grids.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from . import _core
from .conventions import threads_count
from .earth import EarthModel, Layer

__all__ = ["Store"]

FORMAT, VERSION = "viscoann-store", 1
_TABLE_KEYS = ("g", "r", "kappa", "kappa_r")
_POINTS = 6  # Lagrange points in depth (fewer where the layer has fewer depths)


def _model_from_columns(cols) -> EarthModel:
    from .earth import Burgers

    thick, lam, mu_M, eta_M, mu_K, eta_K = (np.asarray(c, dtype=float) for c in cols)
    layers = [
        Layer(float(thick[i]), Burgers(mu_M[i], eta_M[i], mu_K[i], eta_K[i]), lam=float(lam[i]))
        for i in range(thick.size - 1)
    ]
    hs = Burgers(mu_M[-1], eta_M[-1], mu_K[-1], eta_K[-1])
    return EarthModel(layers, Layer(None, hs, lam=float(lam[-1])))


_COLUMNS = ("thickness", "lam", "mu_M", "eta_M", "mu_K", "eta_K")


class Store:
    """Radial tables of one model at a grid of source depths; see the module docstring.

    Use :meth:`build` or :meth:`open`; then :meth:`displacement` and :meth:`velocity` take the
    arguments of :func:`viscoann.exact.displacement` without the model.
    """

    def __init__(self, path, model, times, depths, r_max, resolution, tables):
        self.path, self.model, self.times, self.depths = Path(path), model, times, depths
        self.r_max, self.resolution, self._tables = r_max, resolution, tables

    def __repr__(self) -> str:
        return (
            f"Store({str(self.path)!r}: {self.depths.size} depths, {self.times.size} times, "
            f"r_max {self.r_max:g} m)"
        )

    @classmethod
    def build(
        cls,
        model,
        depths,
        times,
        path,
        *,
        r_max,
        talbot_nodes=20,
        k_refine=1.0,
        r_refine=1.0,
        threads=None,
        progress=False,
    ) -> Store:
        """Build (or resume, or reopen) the store of ``model`` at ``depths`` [m] and ``times``
        [s] for epicentral distances up to ``r_max`` [m], written to ``path`` (HDF5). Where the
        depths cross an interface, it and a depth 1 mm below it are added.

        Raises
        ------
        ValueError
            Naming the argument: depths not finite > 0 or repeated, times not finite >= 0,
            r_max not finite > 0; an existing (partial) file built for something else.
        """
        import h5py

        if not isinstance(model, EarthModel):
            raise ValueError(f"model is a {type(model).__name__}; allowed: viscoann.EarthModel")
        depths = np.sort(np.atleast_1d(np.asarray(depths, dtype=float)))
        times = np.atleast_1d(np.asarray(times, dtype=float))
        for name, a, ok in (
            ("depths", depths, np.isfinite(depths) & (depths > 0)),
            ("times", times, np.isfinite(times) & (times >= 0)),
        ):
            if a.ndim != 1 or a.size == 0:
                raise ValueError(f"{name} has shape {a.shape}; allowed: 1-D with >= 1 value")
            if not ok.all():
                i = int(np.flatnonzero(~ok)[0])
                raise ValueError(f"{name}[{i}] = {a[i]} is invalid; allowed: finite > 0 (>= 0 s)")
        if np.unique(depths).size != depths.size:
            raise ValueError("depths are repeated; allowed: distinct depths")
        # A grid crossing an interface gets a depth on it (the upper layer's) and 1 mm below
        # (the lower layer's), so that sources on either side are bracketed within their layer.
        inner = [z for z in model.interfaces() if depths[0] < z < depths[-1]]
        depths = np.unique(np.concatenate([depths, inner, np.add(inner, 1e-3)]))
        if not (np.isfinite(r_max) and r_max > 0):
            raise ValueError(f"r_max = {r_max} is invalid; allowed: finite > 0 m")
        res = dict(
            talbot_nodes=int(talbot_nodes), k_refine=float(k_refine), r_refine=float(r_refine)
        )
        opts = dict(res, threads=threads_count(threads))
        path = Path(path)
        want = dict(model=model.columns(), times=times, depths=depths, r_max=float(r_max), **res)
        if path.exists():
            store = cls.open(path)
            _require_same(path, store._meta(), want)
            return store
        partial = path.with_name(path.name + ".partial")
        mode = "a" if partial.exists() else "w"
        cols = model.columns()
        with h5py.File(partial, mode) as f:
            if mode == "w":
                f.attrs["format"], f.attrs["version"] = FORMAT, VERSION
                f.attrs["r_max"] = float(r_max)
                for k, v in res.items():
                    f.attrs[k] = v
                for name, c in zip(_COLUMNS, cols, strict=True):
                    f.create_dataset(f"model/{name}", data=c)
                f.create_dataset("times", data=times)
                f.create_dataset("depths", data=depths)
            else:
                _require_same(partial, _meta_of(f), want)
            todo = [i for i in range(depths.size) if f"d{i}/velocity" not in f]
            if progress:
                from tqdm import tqdm

                todo = tqdm(todo, desc="store depths", unit="depth")
            live = times[times > 0]
            h = _common_spacing(model, depths, float(r_max), res["r_refine"])
            for i in todo:
                grp = f.require_group(f"d{i}")
                for key in list(grp):
                    del grp[key]  # an interrupted depth starts again
                tab = _core.elementary_tables(
                    *cols, float(depths[i]), float(r_max), times, spacing=h, **opts
                )
                _write(grp, tab)
                vel = _core.elementary_tables(
                    *cols, float(depths[i]), float(r_max), live, velocity=True, spacing=h, **opts
                )
                _write(grp.create_group("velocity"), vel)  # written last: marks the depth done
                f.flush()
        os.replace(partial, path)
        return cls.open(path)

    @classmethod
    def open(cls, path) -> Store:
        """Open a store built by :meth:`build`.

        Raises
        ------
        ValueError
            The file is not a complete store of this format and version.
        """
        import h5py

        path = Path(path)
        with h5py.File(path, "r") as f:
            if f.attrs.get("format") != FORMAT or int(f.attrs.get("version", -1)) != VERSION:
                raise ValueError(
                    f"{path}: not a {FORMAT} file of version {VERSION} "
                    f"(format {f.attrs.get('format')!r}, version {f.attrs.get('version')!r})"
                )
            meta = _meta_of(f)
            tables = []
            for i in range(meta["depths"].size):
                if f"d{i}/velocity" not in f:
                    raise ValueError(f"{path}: depth {i} is missing (an incomplete store)")
                tables.append((_read(f[f"d{i}"]), _read(f[f"d{i}/velocity"])))
        res = {k: meta[k] for k in ("talbot_nodes", "k_refine", "r_refine")}
        return cls(
            path,
            _model_from_columns(meta["model"]),
            meta["times"],
            meta["depths"],
            meta["r_max"],
            res,
            tables,
        )

    def _meta(self):
        return dict(
            model=self.model.columns(),
            times=self.times,
            depths=self.depths,
            r_max=self.r_max,
            **self.resolution,
        )

    def displacement(self, source, stations, times=None, **options) -> np.ndarray:
        """Displacement (T, S, 3) [m] of ``source`` at ``stations``, at ``times`` [s] (a subset
        of the store's; default all), from the stored tables; ``options`` as
        :func:`viscoann.exact.displacement` (tol, threads, progress)."""
        return self._field(source, stations, times, False, options)

    def velocity(self, source, stations, times=None, **options) -> np.ndarray:
        """Velocity (T, S, 3) [m/s] at ``times`` (> 0, a subset of the store's; default all
        positive ones), from the stored velocity tables."""
        return self._field(source, stations, times, True, options)

    def _field(self, source, stations, times, velocity, options):
        from . import exact_sources

        have = self.times[self.times > 0] if velocity else self.times
        if times is None:
            times = have
        times = np.atleast_1d(np.asarray(times, dtype=float))
        pos = {float(v): i for i, v in enumerate(have)}
        idx = np.array([pos.get(float(t), -1) for t in times.ravel()], dtype=int)
        if (idx < 0).any():
            i = int(np.flatnonzero(idx < 0)[0])
            raise ValueError(
                f"times[{i}] = {times.ravel()[i]} is invalid; allowed: one of the store's "
                f"{'positive ' if velocity else ''}times"
            )
        for k in ("talbot_nodes", "k_refine", "r_refine"):
            if k in options and options[k] != self.resolution[k]:
                raise ValueError(
                    f"{k} = {options[k]} is invalid: the store was built with {self.resolution[k]}"
                )
        provider = _StoreTables(self, idx, velocity, threads_count(options.get("threads")))
        opts = {
            k: v for k, v in options.items() if k not in ("talbot_nodes", "k_refine", "r_refine")
        }
        return exact_sources._field(
            self.model,
            source,
            stations,
            times,
            velocity=velocity,
            tables=provider,
            **self.resolution,
            **opts,
        )


class _StoreTables:
    """The store as a tables provider for exact_sources: the remainder at any depth of the
    grid's range, interpolated in depth within the layer."""

    def __init__(self, store, idx, velocity, threads):
        self.store, self.idx, self.velocity, self.threads = store, idx, velocity, threads
        self._cache = {}

    def _table(self, i):
        """Grid depth i's tables at the requested times (sliced once per call)."""
        if i not in self._cache:
            t = dict(self.store._tables[i][1 if self.velocity else 0])
            whole = self.idx.size == t["times"].size and np.array_equal(
                self.idx, np.arange(self.idx.size)
            )
            if not whole:
                for k in (*_TABLE_KEYS, "times"):
                    t[k] = np.ascontiguousarray(t[k][self.idx])
            self._cache[i] = t
        return self._cache[i]

    def remainder(self, depth, tensors, x, y, r_max):
        from .exact_sources import _apply

        s = self.store
        far = float(np.hypot(x, y).max())
        if far > s.r_max:
            raise ValueError(
                f"a station lies {far:.6g} m from a source; allowed: <= the store's r_max "
                f"{s.r_max:.6g} m"
            )
        # Every depth shares one radial grid: the tables combine in depth (in the core, read in
        # place) before evaluating.
        idx, w = _depth_weights(s.model, s.depths, depth)
        t = dict(self._table(idx[0]))
        t["depth"] = float(depth)
        mix = ([self._table(i)["g"] for i in idx], w)
        return _apply(t, tensors, x, y, False, self.threads, mix)


def _common_spacing(model, depths, r_max, r_refine) -> float:
    """One radial spacing for every depth: the finest the resolution asks at any of them
    (D/(40 r_refine), D the remainder's decay depth; never coarser than each depth's own)."""
    from .exact_sources import _remainder_scale

    own = [
        _remainder_scale(model, d, d, j) / (40.0 * r_refine) * (0.5 if j > 0 else 1.0)
        for d, j in ((d, model.layer_index(d)) for d in depths)
    ]
    return min(min(own), max(r_max, 1.0) / 8.0)


def _depth_weights(model, depths, depth):
    """Grid indices and 6-point Lagrange weights (fewer where the layer has fewer depths) for
    ``depth``, from the grid depths in its layer only."""
    layer = model.layer_index(depth)
    same = np.flatnonzero([model.layer_index(d) == layer for d in depths])
    hit = same[depths[same] == depth]
    if hit.size:
        return hit[:1], np.ones(1)
    grid = depths[same]
    if grid.size < 2 or not grid[0] < depth < grid[-1]:
        lo, hi = (grid[0], grid[-1]) if grid.size else (np.nan, np.nan)
        raise ValueError(
            f"source depth {depth:.6g} m is invalid for this store: allowed between its depths "
            f"{lo:.6g} and {hi:.6g} m in that layer (tables never interpolate across an "
            "interface)"
        )
    j = int(np.searchsorted(grid, depth))  # grid[j-1] < depth < grid[j]
    lo = max(0, min(j - _POINTS // 2, grid.size - _POINTS))
    sel = np.arange(lo, min(lo + _POINTS, grid.size))
    z = grid[sel]
    w = np.ones(z.size)
    for a in range(z.size):
        for b in range(z.size):
            if b != a:
                w[a] *= (depth - z[b]) / (z[a] - z[b])
    return same[sel], w


def _write(grp, tab):
    for k in _TABLE_KEYS:
        grp.create_dataset(k, data=tab[k])
    grp.create_dataset("times", data=tab["times"])
    for k in ("depth", "h", "constant"):
        grp.attrs[k] = float(tab[k])


def _read(grp):
    t = {k: grp[k][()] for k in (*_TABLE_KEYS, "times")}
    t.update({k: float(grp.attrs[k]) for k in ("depth", "h", "constant")})
    return t


def _meta_of(f):
    return dict(
        model=[f[f"model/{c}"][()] for c in _COLUMNS],
        times=f["times"][()],
        depths=f["depths"][()],
        r_max=float(f.attrs["r_max"]),
        talbot_nodes=int(f.attrs["talbot_nodes"]),
        k_refine=float(f.attrs["k_refine"]),
        r_refine=float(f.attrs["r_refine"]),
    )


def _require_same(path, have, want):
    for k, v in want.items():
        a = have[k]
        same = (
            all(np.array_equal(x, y) for x, y in zip(a, v, strict=True)) and len(a) == len(v)
            if k == "model"
            else np.array_equal(np.asarray(a), np.asarray(v))
        )
        if not same:
            raise ValueError(
                f"{path}: {k} differs from the store on disk (remove it or use another path)"
            )
