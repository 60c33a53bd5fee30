"""What the benchmarks time: random seed-style nets, points of the canonical domain, and the
seed paper's test grid (DeVries et al. 2017), shared by the topic modules."""

from __future__ import annotations

import numpy as np

#: The seed's test grid: points, depths, viscosity structures, times.
SEED_TEST = {"points": 10_000, "depths": 13, "etas": 25, "times": 81}


def random_net(width: int, depth: int, seed: int = 0):
    """Random seed-style net: 6 inputs, ``depth`` hidden layers of ``width`` alternating
    tanh/ReLU, 3 outputs; returns weights (out, in), biases, activations."""
    rng = np.random.default_rng(seed)
    ws = [6] + [width] * depth + [3]
    W = [rng.normal(size=(ws[i + 1], ws[i])) / np.sqrt(ws[i]) for i in range(len(ws) - 1)]
    B = [0.1 * rng.normal(size=ws[i + 1]) for i in range(len(ws) - 1)]
    acts = ["tanh" if li % 2 == 0 else "relu" for li in range(depth)] + ["identity"]
    return W, B, acts


def random_model(path, width: int, depth: int, geometry=None):
    """A :func:`random_net` written as a canonical model file at ``path`` (in the radial
    geometry its first layer takes one feature r in place of x, y); returns path, W, B, acts."""
    from .. import export

    W, B, acts = random_net(width, depth)
    if geometry is not None and geometry.get("kind") == "radial_strike_slip":
        W[0] = W[0][:, 1:]
    path = export.save(
        path,
        W,
        B,
        acts,
        inputs=export.CANONICAL_INPUTS,
        outputs=export.CANONICAL_OUTPUTS,
        geometry=geometry,
    )
    return path, W, B, acts


def flops_per_point(W) -> float:
    """2 fan_in fan_out per layer."""
    return float(sum(2 * w.shape[0] * w.shape[1] for w in W))


def canonical_inputs(n: int, seed: int = 1, geometry=None):
    """n random points of the canonical domain (viscosities uniform in log10): the SI rows X
    the engines take, and the float32 features Z the baselines take (the engines form the
    same features fused: :func:`viscoann.reference.features`, for ``geometry`` None or a
    model file's geometry entry)."""
    from .. import export, reference

    model = {
        "inputs": export.CANONICAL_INPUTS,
        "outputs": export.CANONICAL_OUTPUTS,
        "geometry": geometry,
    }
    rng = np.random.default_rng(seed)
    dom = np.array([e["domain"] for e in export.CANONICAL_INPUTS])
    lo, hi = dom[:, 0], dom[:, 1]
    X = lo + (hi - lo) * rng.random((n, 6))
    X[:, 4:] = 10 ** (np.log10(lo[4:]) + np.log10(hi[4:] / lo[4:]) * rng.random((n, 2)))
    return X, reference.features(model, X).astype(np.float32)


def seed_test_grid(n_points: int = 10_000, n_times: int = 81):
    """The seed's test grid (:func:`viscoann.data.test_grid`, at values away from the training
    grid) with about ``n_points`` points: returns x, y, depths, times, etas (SI)."""
    from ..data import test_grid

    side = max(2, int(round(np.sqrt(n_points))))
    g = test_grid(sizes=(side, SEED_TEST["depths"], n_times, 5, 5))
    return g.x, g.y, g.depths, g.times, g.etas
