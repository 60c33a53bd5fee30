"""The seed paper's experiments (DeVries et al. 2017) run with the training machinery of
``train.py``: the elastic warm-up of their Fig. 2 (the canonical viscoelastic surrogate of
their Fig. 3 is ``viscoann train`` + ``viscoann plot canonical``; bench/seed_experiments.sh runs
both end to end). torch is imported inside ``train.fit`` only.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np

from . import atomic, reference
from .conventions import DOMAIN, OUTPUT_NAMES, OUTPUT_UNIT
from .train import ArrayStream, TrainConfig, fit


def warmup_model(activations, scale) -> dict:
    """The warm-up net's model document (without weights): inputs (x, y) over the canonical
    domain, outputs (ux, uy, uz) scaled by ``scale``, no exact part."""
    return {
        "activations": list(activations),
        "inputs": [
            {"name": n, "unit": "m", "log10": False, "domain": list(DOMAIN[n])} for n in ("x", "y")
        ],
        "outputs": [
            {"name": n, "unit": OUTPUT_UNIT, "scale": float(s)}
            for n, s in zip(OUTPUT_NAMES, scale, strict=True)
        ],
        "elastic_part": "none",
    }


def elastic_warmup(
    n_points=(500, 13_450, 42_200),
    *,
    depth: float = 7.9e3,
    config: TrainConfig | None = None,
    steps: int = 20_000,
    n_map: int = 101,
    elastic: Callable | None = None,
    progress: bool = True,
) -> dict:
    """Learn the Okada field of the canonical source at one depth from random surface points.

    One net per training-set size, inputs (x, y), outputs (ux, uy, uz), the same
    architecture and number of Adam steps for each; judged on an ``n_map`` x ``n_map`` grid
    over [-100, 100] km.

    Parameters
    ----------
    n_points : sequence of int
        Training-set sizes (the seed's 500, 13,450 and 42,200).
    depth : float
        Source depth, m.
    config : TrainConfig, optional
        Net and optimiser (default: the seed's 6 x 20 tanh/ReLU, full field, batch 256).
    steps : int
        Adam steps per net (rounded up to whole epochs).
    elastic : callable, optional
        ``elastic(x, y, depth) -> (N, 3)``; default the canonical Okada point source.

    Returns
    -------
    dict
        ``x``, ``y`` (M,) map points, ``truth`` (M, 3), ``mean_abs_u``, ``runs``: per size
        ``n_points``, ``pred`` (M, 3), ``mean_abs_residual``, ``max_abs_residual``,
        ``history``, ``model`` (the net's model document).
    """
    elastic = elastic or reference.ELASTIC_FIELDS["okada_point_strike_slip"]
    base = config or TrainConfig(target="full", batch_size=256, lr=3e-3, lr_final=1e-5)
    (x0, x1), (y0, y1) = DOMAIN["x"], DOMAIN["y"]
    MX, MY = np.meshgrid(np.linspace(x0, x1, n_map), np.linspace(y0, y1, n_map), indexing="xy")
    M = np.column_stack([MX.ravel(), MY.ravel()])
    truth = np.asarray(elastic(M[:, 0], M[:, 1], depth), float).reshape(-1, 3)
    rng = np.random.default_rng([base.seed, 3])
    V = np.column_stack([rng.uniform(x0, x1, 2000), rng.uniform(y0, y1, 2000)])
    val_u = np.asarray(elastic(V[:, 0], V[:, 1], depth), float).reshape(-1, 3)
    runs = []
    for n in n_points:
        px, py = np.random.default_rng([base.seed, 5, n]).uniform(x0, x1, (2, n))
        P = np.column_stack([px, py])
        u = np.asarray(elastic(px, py, depth), float).reshape(-1, 3)
        scale = np.sqrt(np.mean(u**2, axis=0))
        epochs = max(1, math.ceil(steps / math.ceil(n / base.batch_size)))
        cfg = TrainConfig.from_json(
            {**base.to_json(), "epochs": epochs, "extra": {"n_points": int(n)}}
        )
        model = warmup_model(cfg.layer_activations(), scale)
        stream = ArrayStream(
            reference.features(model, P),
            u / scale,
            reference.features(model, V),
            val_u / scale,
            cfg,
            model,
            {"kind": "okada_canonical_surface", "depth_m": depth, "n_points": int(n)},
        )
        res = fit(stream, cfg, None, progress=progress)
        pred = reference.predict(res["model"], M)
        r = np.abs(pred - truth)
        runs.append(
            {
                "n_points": int(n),
                "pred": pred,
                "mean_abs_residual": float(r.mean()),
                "max_abs_residual": float(r.max()),
                "epochs": epochs,
                "history": res["history"],
                "model": res["model"],
            }
        )
    return {
        "depth": depth,
        "x": M[:, 0],
        "y": M[:, 1],
        "truth": truth,
        "mean_abs_u": float(np.abs(truth).mean()),
        "net": base.name,
        "activations": base.layer_activations(),
        "steps": steps,
        "runs": runs,
    }


def save_warmup(result: dict, path) -> Path:
    """Write the warm-up's summary as JSON (per size: residuals, epochs, the final epoch)."""
    skip = ("pred", "history", "model")
    runs = [
        {**{k: v for k, v in run.items() if k not in skip}, "final_epoch": run["history"][-1]}
        for run in result["runs"]
    ]
    summary = {
        "depth_m": result["depth"],
        "net": result["net"],
        "activations": result["activations"],
        "steps": result["steps"],
        "mean_abs_u": result["mean_abs_u"],
        "runs": runs,
    }
    return atomic.write_text(path, json.dumps(summary, indent=1))
