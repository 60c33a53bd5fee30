"""Training data of the neural kernel (docs/design.md, "The neural kernel"): the exact solver's
elementary remainder radial functions over the kernel's family of Earth models.

A sample is one (source depth / H, kappa = eta_M / eta_K) with the exact tables
(``_core.elementary_tables``: the ten radial functions of the four elementary sources, the
field minus the lid's Okada) at ``times_per_sample`` times spread log-uniformly in t / tau_M.
Only dimensionless quantities matter, so the family is three-dimensional:
- time: with mu_M = mu_K fixed, eta_M scales time, so the tables are computed at
  eta_M = 1e19 Pa s and stored against q2 = log10(t / tau_M);
- length: the elastic moduli are uniform, so H is the only length and a unit point source's
  remainder is g(r; d, H) = H^-2 G(r / H; d / H) exactly. The tables are computed at
  H = H_REF and stored as G = H^2 g against rho = r / H.
Each table is divided by the kernel's early-time factor w(x) = x / (1 + x),
x = t / tau_M + t / tau_K (what the net learns, :mod:`viscoann.export` format v3) and resampled
by cubic splines onto the kernel's uniform grid in rho.

Shards of ``shard_size`` samples are written as ``.npz`` (a temporary name, then renamed): an
interrupted run resumes at the first missing shard and never leaves a corrupt one. Shards are
independent and seeded by their index, so a Dask cluster may run them unchanged (``dask=``).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np

from . import _core, atomic
from .earth import EarthModel

MU = 30e9  # the family's moduli [Pa] (EarthModel.family)
ETA_M = 1e19  # the tables' eta_M [Pa s]; every other eta_M is a change of time unit
TAU_M = ETA_M / MU
H_REF = 10e3  # the tables' H [m]; every other H is a change of length unit
# Sampled ranges, a margin beyond the family's (depth/H 1/50 .. 49/50 for H 10-50 km and
# depth 1 km .. H - 1 km, log10 kappa -2 .. 4, log10 t/tau_M -7 .. 3) so the net is not judged
# at its edges.
DEPTH_RATIO = (0.01, 0.99)
LOG10_KAPPA = (-2.3, 4.3)
Q2_RANGE = (-7.3, 3.3)
MAXWELL_FRACTION = 0.2
RHO_SPACING = 0.05  # the basis grid in rho = r / H
N_R = 646  # rho 0 .. 32.25: the family's 300 km at H = 10 km and the cubic stencil's margin
FORMAT_VERSION = 2
MANIFEST = "manifest.json"


def early_factor(t, tau_M, tau_K):
    """w(x) = x / (1 + x), x = t/tau_M + t/tau_K (tau_K = inf: Maxwell); zero at t = 0."""
    x = np.asarray(t, dtype=float) / tau_M + np.asarray(t, dtype=float) / tau_K
    return x / (1.0 + x)


def rhos() -> np.ndarray:
    """The kernel's radial grid in rho = r / H."""
    return RHO_SPACING * np.arange(N_R)


def draw(index: int, seed: int, times_per_sample: int) -> dict:
    """Sample ``index``'s parameters (reproducible from (seed, index) alone)."""
    rng = np.random.default_rng([seed, index])
    # Denser towards the lid's surface and base, where the remainder changes fastest with depth.
    lo, hi = DEPTH_RATIO
    depth = H_REF * (lo + (hi - lo) * 0.5 * (1.0 - math.cos(math.pi * rng.uniform())))
    maxwell = rng.uniform() < MAXWELL_FRACTION
    kappa = 0.0 if maxwell else 10.0 ** rng.uniform(*LOG10_KAPPA)
    # Stratified in q2: one time per equal interval, so every sample spans the whole range.
    lo, hi = Q2_RANGE
    edges = np.linspace(lo, hi, times_per_sample + 1)
    q2 = edges[:-1] + np.diff(edges) * rng.uniform(size=times_per_sample)
    return {"H": H_REF, "depth": depth, "kappa": kappa, "q2": q2}


def sample(params: dict, threads: int = 0) -> np.ndarray:
    """The learned quantity S = H^2 g / w (T, 10, N_R) on rhos() of one sample (float64)."""
    from scipy.interpolate import CubicSpline

    kappa = params["kappa"]
    eta_K = math.inf if kappa == 0 else ETA_M / kappa
    model = EarthModel.family(ETA_M, eta_K, params["H"])
    t = TAU_M * 10.0 ** np.asarray(params["q2"])
    H = params["H"]
    r = H * rhos()
    # A margin beyond the grid's end so the spline interpolates there.
    r_max = float(r[-1]) + 4.0 * RHO_SPACING * H
    tab = _core.elementary_tables(
        *model.columns(), float(params["depth"]), r_max, t, threads=threads
    )
    g = tab["g"]  # (T, n_r, 10) on the tables' own grid
    r_tab = tab["h"] * np.arange(g.shape[1])
    s = CubicSpline(r_tab, g, axis=1)(r)  # (T, N_R, 10)
    w = early_factor(t, TAU_M, eta_K / MU)
    return np.transpose(H**2 * s / w[:, None, None], (0, 2, 1))


def write_shard(out_dir, shard: int, shard_size: int, seed: int, times_per_sample: int) -> str:
    """Compute and write shard ``shard`` (samples shard*shard_size ...); returns its path."""
    rows = [draw(shard * shard_size + i, seed, times_per_sample) for i in range(shard_size)]
    S = np.stack([sample(p) for p in rows]).astype(np.float32)
    cols = {k: np.array([p[k] for p in rows]) for k in ("H", "depth", "kappa", "q2")}
    path = Path(out_dir) / f"shard_{shard:05d}.npz"
    import io

    buf = io.BytesIO()
    np.savez(buf, S=S, **cols)
    atomic.write_bytes(path, buf.getvalue())
    return str(path)


def generate(
    out_dir,
    n_shards: int,
    *,
    shard_size: int = 8,
    seed: int = 0,
    times_per_sample: int = 40,
    progress: bool = True,
    dask=None,
) -> Path:
    """Write ``n_shards`` shards into ``out_dir`` (resuming: complete shards are kept).

    ``dask``: None (in this process), "local" (a LocalCluster) or a distributed Client.
    Raises ValueError naming a bad size, or when ``out_dir`` holds data of other settings.
    """
    for name, v, lo in (("n_shards", n_shards, 1), ("shard_size", shard_size, 1)):
        if not (isinstance(v, int) and v >= lo):
            raise ValueError(f"{name} = {v!r} is invalid; allowed: an integer >= {lo}")
    if not (isinstance(times_per_sample, int) and 2 <= times_per_sample <= 1000):
        raise ValueError(f"times_per_sample = {times_per_sample!r} is invalid; allowed: 2..1000")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    man = {
        "format_version": FORMAT_VERSION,
        "seed": seed,
        "shard_size": shard_size,
        "times_per_sample": times_per_sample,
        "H": H_REF,
        "rho_spacing": RHO_SPACING,
        "n_r": N_R,
        "eta_M": ETA_M,
        "mu": MU,
    }
    mpath = out / MANIFEST
    if mpath.is_file():
        have = json.loads(mpath.read_text())
        if have != man:
            raise ValueError(f"out_dir {out} holds data of other settings: {have}")
    else:
        atomic.write_text(mpath, json.dumps(man, indent=1))
    todo = [i for i in range(n_shards) if not (out / f"shard_{i:05d}.npz").is_file()]
    from tqdm.auto import tqdm

    bar = tqdm(total=n_shards, initial=n_shards - len(todo), unit="shard", disable=not progress)
    args = (shard_size, seed, times_per_sample)
    if dask is None:
        for i in todo:
            write_shard(out, i, *args)
            bar.update()
    else:
        from dask.distributed import Client, LocalCluster, as_completed

        owned = isinstance(dask, str)
        cluster = (
            LocalCluster(n_workers=os.cpu_count() or 1, threads_per_worker=1)
            if dask == "local"
            else None
        )
        client = Client(cluster or dask) if owned else dask
        try:
            futures = [client.submit(write_shard, str(out), i, *args, pure=False) for i in todo]
            for fut in as_completed(futures):
                fut.result()
                bar.update()
        finally:
            if owned:
                client.close()
                if cluster is not None:
                    cluster.close()
    bar.close()
    return out


def load(*data_dirs) -> dict:
    """Every shard of the ``data_dirs`` concatenated: S (N, T, 10, N_R) float32, H, depth,
    kappa (N,), q2 (N, T)."""
    paths = [p for d in data_dirs for p in sorted(Path(d).glob("shard_*.npz"))]
    if not paths:
        raise ValueError(f"data_dirs {data_dirs} hold no shards")
    parts = [dict(np.load(p)) for p in paths]
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
