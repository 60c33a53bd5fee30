"""Judging a surrogate on the seed's test grid against the exact solver (DeVries et al. 2017,
Fig. 3; docs/design.md): mean absolute residual overall and per depth, time and viscosity
structure, relative to the total and to the postseismic signal, worst 1 %, residual maps.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from . import export, reference
from .data import load_manifest, read_shard, shard_name

# log-spaced bins of |residual| (m per m^3) for streaming quantiles
_BINS = np.logspace(-24, -6, 1801)


def _quantile(hist: np.ndarray, q: float) -> float:
    c = np.cumsum(hist)
    i = int(np.searchsorted(c, q * c[-1]))
    return float(_BINS[min(i, len(_BINS) - 1)])


def evaluate(
    predict: Callable[[np.ndarray], np.ndarray],
    test_dir,
    *,
    elastic: Callable | None = None,
    progress: bool = True,
    map_shards: list[tuple[int, int]] | None = None,
) -> dict:
    """Stream the shards of ``test_dir`` through ``predict`` and compare with the exact values.

    Parameters
    ----------
    predict : callable
        X (N, 6) rows (x, y, depth, t, eta_M, eta_K) SI -> (N, 3) m per m^3 potency.
    test_dir : path
        Output of ``viscoann generate --grid test``.
    elastic : callable, optional
        u(t = 0) of the canonical source, ``elastic(x, y, depth) -> (P, 3)`` (default Okada),
        to measure the postseismic signal |u(t) - u(0)|.
    map_shards : list of (d, e), optional
        Shards whose truth/prediction maps are kept (default: middle depth and viscosity).

    Returns
    -------
    dict
        ``mean_abs_residual`` (m per m^3), ``mean_abs_u``, ``mean_abs_postseismic``, their
        ratios ``rel_total`` and ``rel_postseismic``, ``p99_abs_residual`` (worst 1 % starts
        here), ``max_abs_residual``; per-axis arrays ``per_depth``, ``per_time``, ``per_eta``
        (mean abs residual) with ``*_postseismic`` signal means; ``maps``; the grid axes.
    """
    from tqdm.auto import tqdm

    elastic = elastic or reference.ELASTIC_FIELDS["okada_point_strike_slip"]
    man = load_manifest(test_dir)
    g = man["grid"]
    D, E, T, P = g.shape
    map_shards = [(D // 2, E // 2)] if map_shards is None else map_shards
    res = np.zeros((D, E, T))
    tot = np.zeros((D, E, T))
    post = np.zeros((D, E, T))
    worst = np.zeros((D, E, T))
    hist = np.zeros(len(_BINS) + 1)
    maps = {}
    for d in tqdm(range(D), desc="evaluate", disable=not progress):
        u0 = np.asarray(elastic(g.x, g.y, g.depths[d]), float).reshape(P, 3)
        for e in range(E):
            u = read_shard(Path(test_dir) / shard_name(d, e)).astype(np.float64)
            pred = np.asarray(predict(g.inputs(d, e)), np.float64).reshape(T, P, 3)
            r = np.abs(pred - u)
            res[d, e] = r.mean(axis=(1, 2))
            worst[d, e] = r.max(axis=(1, 2))
            tot[d, e] = np.abs(u).mean(axis=(1, 2))
            post[d, e] = np.abs(u - u0).mean(axis=(1, 2))
            hist += np.bincount(np.searchsorted(_BINS, r.ravel()), minlength=len(_BINS) + 1)
            if (d, e) in map_shards:
                maps[f"{d},{e}"] = {"truth": u.astype(np.float32), "pred": pred.astype(np.float32)}
    mae = float(res.mean())
    out = {
        "n_samples": g.n_samples,
        "mean_abs_residual": mae,
        "mean_abs_u": float(tot.mean()),
        "mean_abs_postseismic": float(post.mean()),
        "rel_total": mae / float(tot.mean()),
        "rel_postseismic": mae / float(post.mean()),
        "p99_abs_residual": _quantile(hist, 0.99),
        "max_abs_residual": float(worst.max()),
        "per_depth": res.mean(axis=(1, 2)),
        "per_depth_postseismic": post.mean(axis=(1, 2)),
        "per_time": res.mean(axis=(0, 1)),
        "per_time_postseismic": post.mean(axis=(0, 1)),
        "per_eta": res.mean(axis=(0, 2)),
        "per_eta_postseismic": post.mean(axis=(0, 2)),
        "depths": g.depths,
        "times": g.times,
        "etas": g.etas,
        "x": g.x,
        "y": g.y,
        "maps": maps,
    }
    return out


def predictor(path) -> Callable[[np.ndarray], np.ndarray]:
    """``predict(X)`` of a model file (native engine) or of a training run directory (its
    model file, float64 reference evaluation: :func:`viscoann.reference.predict`)."""
    path = Path(path)
    if not path.is_dir():
        from .surrogate import Surrogate

        net = Surrogate.load(str(path))
        return lambda X: net.predict(X)
    from .train import model_path

    model = export.read(model_path(path))
    return lambda X: reference.predict(model, X)


#: The scalar metrics of :func:`evaluate`.
SCALARS = (
    "n_samples",
    "mean_abs_residual",
    "mean_abs_u",
    "mean_abs_postseismic",
    "rel_total",
    "rel_postseismic",
    "p99_abs_residual",
    "max_abs_residual",
)
#: What a model file's provenance records of its test metrics: the scalars and the per-axis
#: residuals with their axes.
RECORDED = (*SCALARS, "per_depth", "per_time", "per_eta", "depths", "times", "etas")


def summary(metrics: dict) -> dict:
    """The scalar metrics of :func:`evaluate` (JSON-ready)."""
    return {k: metrics[k] for k in SCALARS}


def recorded(metrics: dict) -> dict:
    """The metrics (of :func:`evaluate` or :func:`load`, or their JSON) a model file records."""
    return {k: metrics[k] for k in RECORDED if k in metrics}


def save(metrics: dict, path) -> None:
    """Write metrics (arrays as lists, maps to a sibling .npz) as JSON."""
    path = Path(path)
    js = {
        k: (v.tolist() if isinstance(v, np.ndarray) else v)
        for k, v in metrics.items()
        if k != "maps"
    }
    path.write_text(json.dumps(js, indent=1))
    if metrics.get("maps"):
        flat = {f"{k}/{n}": a for k, m in metrics["maps"].items() for n, a in m.items()}
        np.savez_compressed(path.with_suffix(".maps.npz"), **flat)


def load(path) -> dict:
    """Inverse of :func:`save`."""
    path = Path(path)
    m = json.loads(path.read_text())
    for k, v in list(m.items()):
        if isinstance(v, list):
            m[k] = np.asarray(v)
    maps_path = path.with_suffix(".maps.npz")
    m["maps"] = {}
    if maps_path.is_file():
        with np.load(maps_path) as z:
            for key in z.files:
                s, n = key.split("/")
                m["maps"].setdefault(s, {})[n] = z[key]
    return m
