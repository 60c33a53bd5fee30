"""Training and test data on the seed paper's grids (DeVries et al. 2017; docs/design.md), computed
with the exact solver and written as HDF5 shards, one per (source depth, viscosity structure).

Each shard is written to a temporary name and renamed when complete, so an interrupted run
resumes where it stopped and never leaves a corrupt shard. Shards are independent: a Dask
distributed cluster runs them unchanged (docs/design.md). h5py, tqdm and dask are imported lazily.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import __version__, atomic
from .conventions import DOMAIN, R_MAX

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# The seed's axis sizes: (points per horizontal axis, depths, times, eta_M values, eta_K values)
TRAIN_SIZES = (103, 20, 31, 6, 6)  # 103^2 = 10,609 points x 20 x 31 x 36 = 236,792,880 samples
TEST_SIZES = (100, 13, 81, 5, 5)  # 100^2 = 10,000 points x 13 x 81 x 25 = 263,250,000 samples
# The radial form's grid (docs/design.md): (radii, depths, times, eta_M values, eta_K values)
RADIAL_SIZES = (96, 24, 48, 12, 12)  # 96 x 24 x 48 x 144 = 15,925,248 samples


@dataclass(frozen=True)
class Grid:
    """A structured sample grid: every surface point at every depth, time and viscosity.

    Attributes
    ----------
    kind : str
        ``"train"`` or ``"test"`` (or any label).
    x, y : ndarray (P,)
        Surface observation points, m (x east, y north).
    depths : ndarray (D,)
        Source depths, m (positive down).
    times : ndarray (T,)
        Times after the event, s.
    etas : ndarray (E, 2)
        Viscosity structures, rows (eta_M, eta_K) in Pa s.
    """

    kind: str
    x: np.ndarray
    y: np.ndarray
    depths: np.ndarray
    times: np.ndarray
    etas: np.ndarray

    @property
    def shape(self) -> tuple[int, int, int, int]:
        """(D, E, T, P): depths, viscosity structures, times, points."""
        return (len(self.depths), len(self.etas), len(self.times), len(self.x))

    @property
    def n_samples(self) -> int:
        return int(np.prod(self.shape))

    @property
    def shard_samples(self) -> int:
        return len(self.times) * len(self.x)

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "x_m": self.x.tolist(),
            "y_m": self.y.tolist(),
            "depths_m": self.depths.tolist(),
            "times_s": self.times.tolist(),
            "etas_Pa_s": self.etas.tolist(),
        }

    @classmethod
    def from_json(cls, d: dict) -> Grid:
        return cls(
            d["kind"],
            np.asarray(d["x_m"], float),
            np.asarray(d["y_m"], float),
            np.asarray(d["depths_m"], float),
            np.asarray(d["times_s"], float),
            np.asarray(d["etas_Pa_s"], float).reshape(-1, 2),
        )

    def digest(self) -> str:
        """SHA-256 of the grid values: shards record it so a resume never mixes grids."""
        return hashlib.sha256(json.dumps(self.to_json(), sort_keys=True).encode()).hexdigest()

    def inputs(self, d: int, e: int) -> np.ndarray:
        """Surrogate inputs of shard (d, e): (T*P, 6) rows (x, y, depth, t, eta_M, eta_K),
        time-major (row t*P + p), the order of the shard's ``u`` array."""
        T, P = len(self.times), len(self.x)
        X = np.empty((T, P, 6))
        X[..., 0] = self.x
        X[..., 1] = self.y
        X[..., 2] = self.depths[d]
        X[..., 3] = self.times[:, None]
        X[..., 4:] = self.etas[e]
        return X.reshape(T * P, 6)


def _n(n: int, scale: float, least: int) -> int:
    return max(least, int(round(n * scale)))


def _check_scale(scale: float) -> None:
    if not (np.isfinite(scale) and 0 < scale <= 1):
        raise ValueError(f"scale must be in (0, 1], got {scale}")


def _log10_range(name: str) -> tuple[float, float]:
    """log10 of the domain of a viscosity (Pa s): the axis its values are spaced on."""
    lo, hi = DOMAIN[name]
    return float(np.log10(lo)), float(np.log10(hi))


def _etas(n_M: int, n_K: int, offset: float) -> np.ndarray:
    """Viscosity structures (eta_M, eta_K), log-spaced over the domain; ``offset`` in (0, 1)
    moves every value by that fraction of a step towards the interior (test grid)."""
    (a0, a1), (b0, b1) = _log10_range("eta_M"), _log10_range("eta_K")
    lm = _axis(a0, a1, n_M, offset)
    lk = _axis(b0, b1, n_K, offset)
    M, K = np.meshgrid(lm, lk, indexing="ij")
    return 10.0 ** np.stack([M.ravel(), K.ravel()], axis=1)


def _axis(lo: float, hi: float, n: int, offset: float) -> np.ndarray:
    """n values: the end points and equal steps (offset 0) or the n cell centres of n equal
    cells (offset 0.5), both covering [lo, hi]."""
    if offset == 0:
        return np.linspace(lo, hi, n)
    return lo + (hi - lo) * (np.arange(n) + offset) / n


def _sizes(seed_sizes, scale: float, sizes, least) -> tuple[int, ...]:
    """Axis sizes: the seed's shrunk by ``scale``, or ``sizes`` where given (None entries
    keep the scaled value)."""
    _check_scale(scale)
    out = [_n(n, scale, lo) for n, lo in zip(seed_sizes, least, strict=True)]
    if sizes is not None:
        if len(sizes) != 5:
            raise ValueError(
                f"sizes must have 5 entries (points per axis, depths, times, "
                f"eta_M values, eta_K values), got {sizes}"
            )
        for i, v in enumerate(sizes):
            if v is not None:
                if int(v) < least[i]:
                    raise ValueError(f"sizes[{i}] must be >= {least[i]}, got {v}")
                out[i] = int(v)
    return tuple(out)


LAYOUTS = ("uniform", "stretched")
STRETCH = 3.0  # x = 100 km sinh(a s) / sinh(a): spacing 0.30x uniform at the centre, 3x at edges


def _points_axis(n: int, layout: str) -> np.ndarray:
    lo, hi = DOMAIN["x"]
    if layout == "uniform":
        return _axis(lo, hi, n, 0)
    if layout == "stretched":
        s = np.linspace(-1.0, 1.0, n)
        return hi * np.sinh(STRETCH * s) / np.sinh(STRETCH)
    raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")


def training_grid(scale: float = 1.0, sizes=None, layout: str = "uniform") -> Grid:
    """The seed's training grid (docs/design.md), every axis shrunk by ``scale``.

    103 x 103 surface points on [-100, 100] km (end points included), 20 depths on
    [1, 14] km, 31 times on the quadratic sequence t_k = 100 yr (k/30)^2 (dense near t = 0,
    t = 0 included), 6 x 6 viscosity structures log-spaced over log10 eta_M in [18, 21] and
    log10 eta_K in [17, 20]: 236,792,880 samples at scale 1. ``sizes`` = (points per
    horizontal axis, depths, times, eta_M values, eta_K values) overrides single axes.
    ``layout="stretched"`` places the points of each axis at 100 km sinh(3 s)/sinh(3),
    s uniform in [-1, 1]: 0.6 km apart near the source, 6 km at the edges, where the field
    is smooth (the same count as the seed's uniform 2 km grid).
    """
    nxy, nd, nt, nm, nk = _sizes(TRAIN_SIZES, scale, sizes, (2, 2, 3, 2, 2))
    g = _points_axis(nxy, layout)
    X, Y = np.meshgrid(g, g, indexing="xy")
    times = DOMAIN["t"][1] * (np.arange(nt) / (nt - 1)) ** 2
    return Grid(
        "train", X.ravel(), Y.ravel(), _axis(*DOMAIN["depth"], nd, 0), times, _etas(nm, nk, 0)
    )


def test_grid(scale: float = 1.0, sizes=None) -> Grid:
    """The seed's test grid (docs/design.md) at values different from the training grid.

    100 x 100 surface points at the centres of 100 x 100 equal cells of the domain (2 km
    apart), 13 depths at cell centres of [1, 14] km, 81 times at cell centres of
    [0, 100] yr (linear), 5 x 5 viscosity structures at cell centres of the log10 ranges:
    263,250,000 samples at scale 1. At a reduced scale an axis that would share a value with
    the training grid of the same scale gets one more value. ``sizes`` as in
    :func:`training_grid`; values are kept off the training grids (both layouts) of scale 1
    and ``scale``.
    """
    nxy, nd, nt, nm, nk = _sizes(TEST_SIZES, scale, sizes, (2, 2, 2, 2, 2))
    tr = [training_grid(sc, layout=lay) for sc in (1.0, scale) for lay in LAYOUTS]
    xs = _disjoint_axis(*DOMAIN["x"], nxy, np.concatenate([g.x for g in tr]))
    X, Y = np.meshgrid(xs, xs, indexing="xy")
    depths = _disjoint_axis(*DOMAIN["depth"], nd, np.concatenate([g.depths for g in tr]))
    times = _disjoint_axis(*DOMAIN["t"], nt, np.concatenate([g.times for g in tr]))
    lm = np.log10(np.concatenate([g.etas[:, 0] for g in tr]))
    lk = np.log10(np.concatenate([g.etas[:, 1] for g in tr]))
    log_m = _disjoint_axis(*_log10_range("eta_M"), nm, lm)
    log_k = _disjoint_axis(*_log10_range("eta_K"), nk, lk)
    M, K = np.meshgrid(log_m, log_k, indexing="ij")
    etas = 10.0 ** np.stack([M.ravel(), K.ravel()], axis=1)
    return Grid("test", X.ravel(), Y.ravel(), depths, times, etas)


def _disjoint_axis(lo: float, hi: float, n: int, train_values: np.ndarray) -> np.ndarray:
    """n cell centres of [lo, hi], n raised until no value equals a training value."""
    while True:
        v = _axis(lo, hi, n, 0.5)
        if _disjoint(v, train_values):
            return v
        n += 1


def _disjoint(a, b, rtol: float = 1e-9) -> bool:
    a, b = np.unique(a), np.unique(b)
    scale = max(np.abs(a).max(), np.abs(b).max(), 1e-300)
    return bool(np.min(np.abs(a[:, None] - b[None, :])) > rtol * scale)


def test_values_differ(train: Grid, test: Grid) -> dict[str, bool]:
    """For each axis, whether no test value equals a training value."""
    return {
        "x": _disjoint(train.x, test.x),
        "y": _disjoint(train.y, test.y),
        "depth": _disjoint(train.depths, test.depths),
        "t": _disjoint(train.times, test.times),
        "eta_M": _disjoint(train.etas[:, 0], test.etas[:, 0]),
        "eta_K": _disjoint(train.etas[:, 1], test.etas[:, 1]),
    }


test_values_differ.__test__ = False  # not a pytest test, despite its name
test_grid.__test__ = False


def radial_grid(scale: float = 1.0, sizes=None) -> Grid:
    """Training grid of the radial form (docs/design.md): the radial functions (g_r, g_φ, g_z) of
    the canonical source, which depend on the epicentral distance r only.

    The points lie on the x axis (x = r, y = 0), each shard holds (g_r, g_φ, g_z) instead of
    (ux, uy, uz) (see :func:`radial_solver`). Default 96 distances on [0, R_MAX] (equal
    steps, R_MAX = 141.4 km, the domain's corner), 24 depths on [1, 14] km, 48 times on the
    quadratic sequence 100 yr (k/47)^2 (t = 0 included: the remainder's reference),
    12 x 12 log-spaced viscosity structures: 15,925,248 samples. ``sizes`` as in
    :func:`training_grid`, its first entry the number of distances.
    """
    nr, nd, nt, nm, nk = _sizes(RADIAL_SIZES, scale, sizes, (3, 2, 3, 2, 2))
    r = np.linspace(0.0, R_MAX, nr)
    times = DOMAIN["t"][1] * (np.arange(nt) / (nt - 1)) ** 2
    return Grid(
        "radial", r, np.zeros_like(r), _axis(*DOMAIN["depth"], nd, 0), times, _etas(nm, nk, 0)
    )


def radial_solver(x, y, depths, times, etas):
    """The solver of radial grids: ``va.exact.radial_grid`` at r = x, (E, D, T, P, 3) rows
    (g_r, g_φ, g_z) [m per m^3 potency]; y must be 0 (the points lie on the x axis)."""
    from . import exact

    x, y = np.asarray(x, float), np.asarray(y, float)
    if np.any(y != 0):
        raise ValueError(f"y = {y[y != 0][0]} is invalid: radial grids have points at y = 0")
    if np.any(~(x >= 0)):
        raise ValueError(f"x = {x[~(x >= 0)][0]} is invalid: radial grids have x = r >= 0 m")
    return exact.radial_grid(x, depths, times, etas)


def grid(kind: str, scale: float = 1.0, sizes=None, layout: str = "uniform") -> Grid:
    """``training_grid`` for ``"train"``, ``test_grid`` for ``"test"`` (always uniform),
    ``radial_grid`` for ``"radial"``."""
    if kind == "train":
        return training_grid(scale, sizes, layout)
    if kind == "test":
        return test_grid(scale, sizes)
    if kind == "radial":
        return radial_grid(scale, sizes)
    raise ValueError(f"grid kind must be 'train', 'test' or 'radial', got {kind!r}")


# ---- shards ------------------------------------------------------------------------------


def shard_name(d: int, e: int) -> str:
    return f"shard_d{d:03d}_e{e:03d}.h5"


def _default_solver(grid: Grid) -> Callable:
    if grid.kind == "radial":
        return radial_solver
    from . import exact

    return exact.grid


def solver_info(solver: Callable) -> dict:
    """Name, package version and accuracy settings of a solver, for the manifest.

    The settings are the solver's ``settings`` attribute (dict) if it has one, else the
    defaults of its keyword arguments (``va.exact.grid``: talbot_nodes, k_refine, r_refine).
    """
    import inspect

    name = f"{getattr(solver, '__module__', '?')}.{getattr(solver, '__qualname__', repr(solver))}"
    settings = getattr(solver, "settings", None)
    if settings is None:
        try:
            params = inspect.signature(solver).parameters.values()
        except (TypeError, ValueError):
            params = []
        settings = {
            p.name: p.default
            for p in params
            if p.default is not inspect.Parameter.empty
            and isinstance(p.default, (int, float, str, bool))
        }
    return {"name": name, "viscoann_version": __version__, "settings": settings}


def write_shard(out_dir: str | os.PathLike, grid: Grid, d: int, e: int, solver: Callable) -> str:
    """Compute shard (depth ``d``, viscosity structure ``e``) and write it atomically.

    The solver is called as ``solver(x, y, depths, times, etas)`` with one depth and one
    viscosity structure and must return (E=1, D=1, T, P, 3) displacements (m per m^3
    potency), the layout of ``va.exact.grid``.
    The file appears under its final name only when complete (temporary name + rename).

    Returns
    -------
    str
        The shard's file name.
    """
    import h5py

    out_dir = Path(out_dir)
    name = shard_name(d, e)
    D, E, T, P = grid.shape
    u = np.asarray(solver(grid.x, grid.y, grid.depths[d : d + 1], grid.times, grid.etas[e : e + 1]))
    if u.shape != (1, 1, T, P, 3):
        raise ValueError(f"solver returned shape {u.shape}, expected {(1, 1, T, P, 3)}")
    if not np.all(np.isfinite(u)):
        raise ValueError(f"solver returned non-finite displacements for shard {name}")
    tmp = out_dir / f".{name}.{uuid.uuid4().hex}.tmp"
    try:
        with h5py.File(tmp, "w") as f:
            # float32 keeps 7 digits, far below the solver's and the surrogate's errors.
            ds = f.create_dataset("u", data=u[0, 0].astype(np.float32))
            ds.attrs["units"] = "m per m^3 potency; axes (time, point, component east/north/up)"
            f.attrs["d_index"] = d
            f.attrs["e_index"] = e
            f.attrs["depth_m"] = grid.depths[d]
            f.attrs["eta_M_Pa_s"] = grid.etas[e, 0]
            f.attrs["eta_K_Pa_s"] = grid.etas[e, 1]
            f.attrs["grid_sha256"] = grid.digest()
            f.attrs["format_version"] = FORMAT_VERSION
        os.replace(tmp, out_dir / name)
    finally:
        if tmp.exists():
            tmp.unlink()
    return name


def read_shard(path: str | os.PathLike) -> np.ndarray:
    """Displacements of one shard: (T, P, 3) float32, m per m^3 potency."""
    import h5py

    with h5py.File(path, "r") as f:
        return f["u"][...]


def _shard_complete(path: Path, digest: str) -> bool:
    """A shard counts as complete when it opens and records this grid's digest."""
    import h5py

    if not path.is_file():
        return False
    try:
        with h5py.File(path, "r") as f:
            return f.attrs.get("grid_sha256") == digest and "u" in f
    except OSError:
        return False


def load_manifest(data_dir: str | os.PathLike) -> dict:
    """The manifest of a data directory, with its ``"grid"`` as a :class:`Grid`."""
    path = Path(data_dir) / MANIFEST
    if not path.is_file():
        raise ValueError(f"data_dir {str(data_dir)!r} has no {MANIFEST}: run `viscoann generate`")
    man = json.loads(path.read_text())
    man["grid"] = Grid.from_json(man["grid"])
    return man


def missing_shards(data_dir: str | os.PathLike, grid: Grid) -> list[tuple[int, int]]:
    """(d, e) of the shards of ``grid`` not yet complete in ``data_dir``."""
    data_dir, digest = Path(data_dir), grid.digest()
    D, E, _, _ = grid.shape
    return [
        (d, e)
        for d in range(D)
        for e in range(E)
        if not _shard_complete(data_dir / shard_name(d, e), digest)
    ]


def generate(
    out_dir: str | os.PathLike,
    grid: Grid,
    *,
    solver: Callable | None = None,
    dask: object = None,
    progress: bool = True,
) -> dict:
    """Compute every missing shard of ``grid`` into ``out_dir`` and write the manifest.

    Parameters
    ----------
    out_dir : path
        Created if needed. Holds ``manifest.json`` and ``shard_dDDD_eEEE.h5``.
    grid : Grid
        E.g. ``training_grid(scale)`` or ``test_grid(scale)``.
    solver : callable, optional
        ``solver(x, y, depths, times, etas) -> (E, D, T, P, 3)``; default ``va.exact.grid``
        (``radial_solver`` for a radial grid).
    dask : None, "local", str or distributed.Client
        None runs shards here, one after another; ``"local"`` starts a Dask LocalCluster;
        any other string is a scheduler address; a Client is used as is.
    progress : bool
        tqdm progress bar (samples, with ETA) on stderr.

    Returns
    -------
    dict
        The manifest. Raises ValueError if ``out_dir`` holds a different grid.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    solver = _default_solver(grid) if solver is None else solver
    man_path = out_dir / MANIFEST
    if man_path.is_file():
        old = json.loads(man_path.read_text())
        if old.get("grid_sha256") != grid.digest():
            raise ValueError(
                f"out_dir {str(out_dir)!r} already holds a different {old['grid']['kind']!r} "
                "grid; use another directory"
            )
    D, E, T, P = grid.shape
    manifest = {
        "format_version": FORMAT_VERSION,
        "kind": grid.kind,
        "shape": {"depths": D, "etas": E, "times": T, "points": P},
        "n_samples": grid.n_samples,
        "shard_layout": "one HDF5 file per (depth d, viscosity e): dataset u (T, P, 3) float32"
        + (" holding (g_r, g_phi, g_z) at r = x" if grid.kind == "radial" else ""),
        "units": "SI: m, s, Pa s; u in m per m^3 potency (canonical point source)",
        "solver": solver_info(solver),
        "grid_sha256": grid.digest(),
        "grid": grid.to_json(),
    }
    atomic.write_text(man_path, json.dumps(manifest, indent=1))
    for stale in out_dir.glob(".shard_*.tmp"):  # left by a killed run
        stale.unlink(missing_ok=True)
    todo = missing_shards(out_dir, grid)
    bar = _progress(len(todo) * grid.shard_samples, grid.kind, progress)
    try:
        if dask is None:
            for d, e in todo:
                write_shard(out_dir, grid, d, e, solver)
                bar.update(grid.shard_samples)
        else:
            _run_dask(dask, out_dir, grid, todo, solver, bar)
    finally:
        bar.close()
    still = missing_shards(out_dir, grid)
    if still:
        raise OSError(f"{len(still)} shards still missing in {out_dir} after generate")
    manifest["grid"] = grid
    return manifest


def _progress(total: int, kind: str, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(
        total=total,
        unit="sample",
        unit_scale=True,
        desc=f"generate {kind}",
        disable=not enabled,
        smoothing=0.1,
    )


def _run_dask(dask, out_dir: Path, grid: Grid, todo, solver, bar) -> None:
    """Run shards as independent Dask tasks; each worker writes its shard to ``out_dir``
    (a file system every worker sees)."""
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = client = None
    if isinstance(dask, str):
        if dask == "local":
            cluster = LocalCluster(
                n_workers=os.cpu_count() or 1, threads_per_worker=1, dashboard_address=None
            )
            client = Client(cluster)
        else:
            client = Client(dask)
        owned = True
    else:
        client, owned = dask, False
    try:
        g = client.scatter(grid, broadcast=True)
        futures = [
            client.submit(
                write_shard,
                str(out_dir),
                g,
                d,
                e,
                solver,
                pure=False,
                key=f"shard-{grid.kind}-{d}-{e}-{uuid.uuid4().hex[:8]}",
            )
            for d, e in todo
        ]
        for fut in as_completed(futures):
            fut.result()  # re-raises a worker's error here
            bar.update(grid.shard_samples)
    finally:
        if owned:
            client.close()
            if cluster is not None:
                cluster.close()


def iter_shards(data_dir: str | os.PathLike, order=None) -> Iterator[tuple[int, int, np.ndarray]]:
    """Yield (d, e, u (T, P, 3) float32) for the shards of ``data_dir`` in ``order``
    (a sequence of (d, e); default: all, depth-major)."""
    man = load_manifest(data_dir)
    D, E, _, _ = man["grid"].shape
    order = [(d, e) for d in range(D) for e in range(E)] if order is None else order
    for d, e in order:
        yield d, e, read_shard(Path(data_dir) / shard_name(d, e))
