"""Training of MLP surrogates with PyTorch (Adam, mini-batches streamed from the HDF5 shards of
``data.py``), after DeVries et al. (2017); target transforms of docs/design.md §8.

The net sees the engine's input features (log10 of the viscosities, affine map of the domain
box to [-1, 1]) and learns a scaled target: the full field (the seed's choice), the
postseismic remainder u(t) - u(0), to which the engine adds the exact Okada field back, or
(the "radial" form, docs/design.md §8) the remainder of the source's radial functions
g(r, depth, t, eta_M, eta_K), to which the engine applies the azimuthal factors exactly.
torch is imported inside the functions only (``import viscoann`` never loads it).
"""

from __future__ import annotations

import json
import math
import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from . import __version__, export
from .data import DOMAIN, R_MAX, YEAR, load_manifest, read_shard, shard_name

INPUT_NAMES = ("x", "y", "depth", "t", "eta_M", "eta_K")
INPUT_UNITS = ("m", "m", "m", "s", "Pa s", "Pa s")
OUTPUT_NAMES = ("ux", "uy", "uz")
ACTIVATIONS = ("tanh", "relu", "identity", "sigmoid")
TARGETS = ("full", "remainder", "radial")
LOG10_INPUTS = (4, 5)  # the viscosities enter as log10


def canonical_box() -> tuple[np.ndarray, np.ndarray]:
    """(lo, hi) of the canonical domain in feature space (viscosities as log10), (6,) each."""
    keys = ("x", "y", "depth", "t", "log10_eta_M", "log10_eta_K")
    lo = np.array([DOMAIN[k][0] for k in keys])
    hi = np.array([DOMAIN[k][1] for k in keys])
    return lo, hi


def features(
    X: np.ndarray, lo: np.ndarray, hi: np.ndarray, log10: tuple = LOG10_INPUTS, dtype=np.float32
) -> np.ndarray:
    """The engine's input transform: log10 of the ``log10`` columns, then the affine map of
    the box [lo, hi] to [-1, 1]. X (N, n_in) in SI -> (N, n_in) ``dtype``."""
    F = np.array(X, dtype=np.float64, copy=True)
    for j in log10:
        F[:, j] = np.log10(F[:, j])
    return (2.0 * (F - lo) / (hi - lo) - 1.0).astype(dtype)


def radial_transforms(time_shift: float) -> dict:
    """The radial form's feature maps as model-spec keys (see :func:`spec_features`): r over
    [0, R_MAX], depth, log10(t + time_shift) and log10 of the viscosities, each mapped to
    [-1, 1] over the canonical domain."""
    lo, hi = canonical_box()
    lo[3], hi[3] = np.log10(np.array(DOMAIN["t"]) + time_shift)
    return {
        "log10_inputs": [3, 4, 5],
        "input_shift": [0.0, 0.0, 0.0, float(time_shift), 0.0, 0.0],
        "feature_lo": lo.tolist(),
        "feature_hi": hi.tolist(),
        "geometry": {"kind": "radial_strike_slip", "r_scale": 2.0 / R_MAX, "r_offset": -1.0},
    }


def radial_features(X: np.ndarray, time_shift: float, dtype=np.float32) -> np.ndarray:
    """The radial form's input features, as the engine forms them for a radial_strike_slip
    model: X (N, 6) canonical inputs in SI -> (N, 5) ``dtype`` rows
    (r, depth, log10(t + time_shift), log10 eta_M, log10 eta_K) mapped to [-1, 1]."""
    return spec_features(radial_transforms(time_shift), X, dtype)


def okada_canonical(x: np.ndarray, y: np.ndarray, depth: float | np.ndarray) -> np.ndarray:
    """u(t = 0) of the canonical source: Okada DC3D0, DIP = 90°, POT1 = 1 m^3, alpha = 2/3, on
    the free surface (``va.okada.canonical_surface``; the engine's elastic part
    "okada_point_strike_slip" is the same field). x, y (N,) m, depth m -> (N, 3) m."""
    from . import okada

    return okada.canonical_surface(np.asarray(x, float), np.asarray(y, float), depth)


@dataclass
class TrainConfig:
    """Options of one training run (all recorded in the checkpoint and the model file).

    hidden_layers, width : the MLP's hidden layers, all ``width`` neurons wide.
    activations : pattern repeated over the hidden layers (the seed's tanh/ReLU alternation).
    target : "full" (the seed's), "remainder" (u(t) - u(0), exact Okada added back) or
        "radial" (g(t) - g(0) of the radial functions; data from ``viscoann generate --grid
        radial``).
    time_shift : s; the radial form's time feature is log10(t + time_shift).
    epochs, batch_size, lr, lr_final : Adam with a cosine decay from lr to lr_final.
    loss : "mse" or "l1" on the scaled target.
    val_fraction : surface points held out of optimisation for the validation loss.
    val_max : at most this many validation samples (a fixed random subset).
    buffer_shards : shards shuffled together in memory while streaming.
    init_from : path of a ``spec.json`` whose weights start the run (fine-tuning; same
        architecture), or None for the seeded random initialisation.
    """

    hidden_layers: int = 6
    width: int = 20
    activations: tuple[str, ...] = ("tanh", "relu")
    target: str = "remainder"
    epochs: int = 10
    batch_size: int = 1024
    lr: float = 3e-3
    lr_final: float = 3e-5
    loss: str = "mse"
    seed: int = 0
    val_fraction: float = 0.05
    val_max: int = 200_000
    buffer_shards: int = 8
    init_from: str | None = None
    time_shift: float = 0.01 * YEAR
    extra: dict = field(default_factory=dict)

    def check(self) -> None:
        if self.hidden_layers < 1 or self.width < 1:
            raise ValueError(
                f"hidden_layers and width must be >= 1, got {self.hidden_layers}, {self.width}"
            )
        bad = [a for a in self.activations if a not in ACTIVATIONS]
        if bad or not self.activations:
            raise ValueError(
                f"activations must be a non-empty list of {ACTIVATIONS}, "
                f"got {list(self.activations)}"
            )
        if self.target not in TARGETS:
            raise ValueError(f"target must be one of {TARGETS}, got {self.target!r}")
        if self.loss not in ("mse", "l1"):
            raise ValueError(f"loss must be 'mse' or 'l1', got {self.loss!r}")
        if self.epochs < 1 or self.batch_size < 1 or not (self.lr > 0 and self.lr_final > 0):
            raise ValueError(
                "epochs, batch_size, lr and lr_final must be positive, got "
                f"{self.epochs}, {self.batch_size}, {self.lr}, {self.lr_final}"
            )
        if not 0 < self.val_fraction < 1:
            raise ValueError(f"val_fraction must be in (0, 1), got {self.val_fraction}")
        if not (np.isfinite(self.time_shift) and self.time_shift > 0):
            raise ValueError(f"time_shift must be > 0 s, got {self.time_shift}")

    def layer_activations(self) -> list[str]:
        """Activation of every layer, the output layer's ("identity") last."""
        pat = list(self.activations)
        return [pat[i % len(pat)] for i in range(self.hidden_layers)] + ["identity"]

    def to_json(self) -> dict:
        d = asdict(self)
        d["activations"] = list(self.activations)
        return d

    @classmethod
    def from_json(cls, d: dict) -> TrainConfig:
        d = dict(d)
        d["activations"] = tuple(d["activations"])
        return cls(**d)

    @property
    def name(self) -> str:
        return f"{self.hidden_layers}x{self.width}"


# ---- the net --------------------------------------------------------------------------------


def build_net(n_in: int, n_out: int, config: TrainConfig):
    """torch MLP: Linear layers with the config's activations; initialised from the seed."""
    import torch

    acts = {
        "tanh": torch.nn.Tanh,
        "relu": torch.nn.ReLU,
        "sigmoid": torch.nn.Sigmoid,
        "identity": torch.nn.Identity,
    }
    torch.manual_seed(config.seed)
    layers, width_in = [], n_in
    for act in config.layer_activations()[:-1]:
        layers += [torch.nn.Linear(width_in, config.width), acts[act]()]
        width_in = config.width
    layers.append(torch.nn.Linear(width_in, n_out))
    return torch.nn.Sequential(*layers)  # float32 weights, as exported


def net_layers(net) -> list[tuple[np.ndarray, np.ndarray]]:
    """[(W (out, in) float32, b (out,) float32), ...] of a torch MLP from ``build_net``."""
    import torch

    return [
        (m.weight.detach().cpu().numpy().copy(), m.bias.detach().cpu().numpy().copy())
        for m in net
        if isinstance(m, torch.nn.Linear)
    ]


# The float64 MLP forward pass lives with the model file format (export.py).
forward_reference = export.forward_reference


# ---- batches --------------------------------------------------------------------------------


class ShardStream:
    """Training and validation samples of a data directory, streamed shard by shard.

    A fixed random subset of the surface points (``val_fraction``) is held out of training;
    validation uses those points at every depth, time and viscosity (capped at ``val_max``
    samples, a fixed random subset). Targets are scaled by the RMS of each component.
    """

    def __init__(self, data_dir, config: TrainConfig, elastic: Callable | None = None):
        self.dir = Path(data_dir)
        self.man = load_manifest(self.dir)
        self.grid = g = self.man["grid"]
        self.config = config
        self.lo, self.hi = canonical_box()
        D, E, T, P = g.shape
        self.elastic = (elastic or okada_canonical) if config.target == "remainder" else None
        rng = np.random.default_rng([config.seed, 7])
        perm = rng.permutation(P)
        n_val = max(1, int(round(config.val_fraction * P)))
        self.val_points = np.sort(perm[:n_val])
        self.train_points = np.sort(perm[n_val:])
        self.shards = [(d, e) for d in range(D) for e in range(E)]
        self._u0 = {}
        # one pass over the shards: validation subset and target scale
        per_shard = max(1, config.val_max // len(self.shards))
        Xv, Yv, sq, n = [], [], np.zeros(3), 0
        for d, e in self.shards:
            X, Y = self._samples(d, e, self.val_points)
            pick = rng.choice(len(X), size=min(per_shard, len(X)), replace=False)
            Xv.append(X[pick])
            Yv.append(Y[pick])
            _, Yt = self._samples(d, e, self.train_points[:: max(1, len(self.train_points) // 512)])
            sq += np.sum(Yt**2, axis=0)
            n += len(Yt)
        self.out_scale = np.sqrt(sq / n)
        self.out_scale[self.out_scale == 0] = 1.0
        self.val_X = np.concatenate(Xv)
        self.val_Y = np.concatenate(Yv)
        self.val_F = features(self.val_X, self.lo, self.hi)
        self.val_T = (self.val_Y / self.out_scale).astype(np.float32)

    def u0(self, d: int) -> np.ndarray:
        """Exact elastic field (P, 3) at depth index d (cached)."""
        if d not in self._u0:
            g = self.grid
            self._u0[d] = np.asarray(self.elastic(g.x, g.y, g.depths[d]), float).reshape(-1, 3)
        return self._u0[d]

    def _samples(self, d: int, e: int, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Inputs (n, 6) SI and unscaled targets (n, 3) of shard (d, e) at ``points``."""
        g = self.grid
        u = read_shard(self.dir / shard_name(d, e))[:, points].astype(np.float64)  # (T, p, 3)
        if self.elastic is not None:
            u = u - self.u0(d)[points]
        T, p = len(g.times), len(points)
        X = np.empty((T, p, 6))
        X[..., 0] = g.x[points]
        X[..., 1] = g.y[points]
        X[..., 2] = g.depths[d]
        X[..., 3] = g.times[:, None]
        X[..., 4:] = g.etas[e]
        return X.reshape(-1, 6), u.reshape(-1, 3)

    @property
    def n_train(self) -> int:
        return len(self.shards) * len(self.grid.times) * len(self.train_points)

    def n_batches(self) -> int:
        b, per = self.config.batch_size, len(self.grid.times) * len(self.train_points)
        k = self.config.buffer_shards
        groups = [min(k, len(self.shards) - i) for i in range(0, len(self.shards), k)]
        return sum(math.ceil(gsz * per / b) for gsz in groups)

    def batches(self, epoch: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Shuffled (features, scaled targets) float32 mini-batches of one epoch; the order
        depends only on (seed, epoch), so a resumed run repeats it exactly."""
        rng = np.random.default_rng([self.config.seed, 11, epoch])
        order = [self.shards[i] for i in rng.permutation(len(self.shards))]
        k, b = self.config.buffer_shards, self.config.batch_size
        for i in range(0, len(order), k):
            parts = [self._samples(d, e, self.train_points) for d, e in order[i : i + k]]
            F = features(np.concatenate([p[0] for p in parts]), self.lo, self.hi)
            Y = (np.concatenate([p[1] for p in parts]) / self.out_scale).astype(np.float32)
            perm = rng.permutation(len(F))
            for j in range(0, len(F), b):
                idx = perm[j : j + b]
                yield F[idx], Y[idx]


class ArrayStream:
    """Training batches from arrays in memory (features F, scaled targets Y); same protocol
    as :class:`ShardStream` (used by the elastic warm-up and the radial form)."""

    def __init__(self, F, Y, val_F, val_T, config: TrainConfig):
        self.F, self.Y = np.asarray(F, np.float32), np.asarray(Y, np.float32)
        self.val_F, self.val_T = np.asarray(val_F, np.float32), np.asarray(val_T, np.float32)
        self.config = config

    @property
    def n_train(self) -> int:
        return len(self.F)

    def n_batches(self) -> int:
        return math.ceil(len(self.F) / self.config.batch_size)

    def batches(self, epoch: int):
        rng = np.random.default_rng([self.config.seed, 11, epoch])
        perm, b = rng.permutation(len(self.F)), self.config.batch_size
        for j in range(0, len(perm), b):
            idx = perm[j : j + b]
            yield self.F[idx], self.Y[idx]


class RadialStream(ArrayStream):
    """The samples of a radial data directory (``data.radial_grid``), held in memory (16 M
    samples at full size, 0.5 GB): features of :func:`radial_features`, targets
    g(t) - g(0) scaled by the RMS of each component. A fixed random subset of the
    (depth, viscosity) shards (``val_fraction``) is held out for validation, so the
    validation loss measures generalisation to unseen sources and rheologies."""

    def __init__(self, data_dir, config: TrainConfig, progress: bool = False):
        from tqdm.auto import tqdm

        self.dir = Path(data_dir)
        self.man = load_manifest(self.dir)
        g = self.man["grid"]
        if g.kind != "radial" or g.times[0] != 0:
            raise ValueError(
                f"data_dir {str(data_dir)!r} holds a {g.kind!r} grid; the radial "
                "target needs `viscoann generate --grid radial` data"
            )
        D, E, T, P = g.shape
        rng = np.random.default_rng([config.seed, 7])
        shards = [(d, e) for d in range(D) for e in range(E)]
        perm = rng.permutation(len(shards))
        n_val = max(1, int(round(config.val_fraction * len(shards))))
        val = set(perm[:n_val].tolist())
        self.val_shards = [shards[k] for k in sorted(val)]
        X = np.empty((T - 1, P, 6))
        X[..., 0], X[..., 1], X[..., 3] = g.x, 0.0, g.times[1:, None]
        parts = {True: ([], []), False: ([], [])}
        for k, (d, e) in enumerate(
            tqdm(shards, desc="load radial shards", unit="shard", disable=not progress)
        ):
            u = read_shard(self.dir / shard_name(d, e)).astype(np.float64)  # (T, P, 3)
            X[..., 2], X[..., 4:] = g.depths[d], g.etas[e]
            F, Y = parts[k in val]
            F.append(radial_features(X.reshape(-1, 6), config.time_shift))
            Y.append((u[1:] - u[0]).reshape(-1, 3))
        Ft, Yt = np.concatenate(parts[False][0]), np.concatenate(parts[False][1])
        self.out_scale = np.sqrt(np.mean(Yt**2, axis=0))
        self.out_scale[self.out_scale == 0] = 1.0
        Fv, Yv = np.concatenate(parts[True][0]), np.concatenate(parts[True][1])
        pick = np.sort(rng.choice(len(Fv), size=min(config.val_max, len(Fv)), replace=False))
        super().__init__(Ft, Yt / self.out_scale, Fv[pick], Yv[pick] / self.out_scale, config)


# ---- the loop -------------------------------------------------------------------------------


def _save_atomic(obj, path: Path) -> None:
    import torch

    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def fit(
    stream,
    config: TrainConfig,
    out_dir=None,
    *,
    n_in: int = 6,
    n_out: int = 3,
    progress: bool = True,
    threads: int | None = None,
    log=None,
) -> dict:
    """Train a fresh MLP (or resume from ``out_dir/checkpoint.pt``) on ``stream``.

    Parameters
    ----------
    stream : ShardStream or ArrayStream
        Mini-batches (``batches(epoch)``), validation ``val_F``/``val_T``.
    config : TrainConfig
    out_dir : path, optional
        Where ``checkpoint.pt`` (every epoch, atomically replaced) and ``history.json`` go.
        A checkpoint there from the same config is resumed; another config is refused.
    threads : int, optional
        torch intra-op threads (default 1: a net this small gains nothing from intra-op
        threads, and they spin against other processes on a shared machine).

    Returns
    -------
    dict
        ``net`` (torch module), ``layers`` [(W, b)], ``activations``, ``history`` (list of
        per-epoch dicts: train_loss, val_loss, lr, seconds).
    """
    import torch

    config.check()
    torch.set_num_threads(int(threads or 1))
    torch.use_deterministic_algorithms(True)
    net = build_net(n_in, n_out, config)
    if config.init_from:
        init = load_spec(config.init_from)["layers"]
        lin = [m for m in net if isinstance(m, torch.nn.Linear)]
        if [W.shape for W, _ in init] != [tuple(m.weight.shape) for m in lin]:
            raise ValueError(
                f"init_from {config.init_from!r} has layers "
                f"{[W.shape for W, _ in init]}, this config "
                f"{[tuple(m.weight.shape) for m in lin]}"
            )
        with torch.no_grad():
            for m, (W, b) in zip(lin, init, strict=True):
                m.weight.copy_(torch.from_numpy(W))
                m.bias.copy_(torch.from_numpy(b))
    opt = torch.optim.Adam(net.parameters(), lr=config.lr)
    lossf = torch.nn.MSELoss() if config.loss == "mse" else torch.nn.L1Loss()
    history, start = [], 0
    ckpt = Path(out_dir) / "checkpoint.pt" if out_dir is not None else None
    if ckpt is not None:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        if ckpt.is_file():
            state = torch.load(ckpt, weights_only=False)
            if state["config"] != config.to_json():
                raise ValueError(
                    f"out_dir {str(out_dir)!r} holds a checkpoint of another "
                    "config; use another directory"
                )
            net.load_state_dict(state["net"])
            opt.load_state_dict(state["opt"])
            history, start = state["history"], state["epoch"] + 1
    n_batches = stream.n_batches()
    total = config.epochs * n_batches
    val_F, val_T = torch.from_numpy(stream.val_F), torch.from_numpy(stream.val_T)
    from tqdm.auto import tqdm

    bar = tqdm(
        total=total,
        initial=start * n_batches,
        unit="batch",
        desc=f"train {config.name}",
        disable=not progress,
        smoothing=0.05,
    )
    try:
        for epoch in range(start, config.epochs):
            t0, acc, cnt = time.perf_counter(), 0.0, 0
            net.train()
            for i, (fb, yb) in enumerate(stream.batches(epoch)):
                step = epoch * n_batches + i
                lr = config.lr_final + 0.5 * (config.lr - config.lr_final) * (
                    1 + math.cos(math.pi * min(step / total, 1.0))
                )
                for grp in opt.param_groups:
                    grp["lr"] = lr
                fb, yb = torch.from_numpy(fb), torch.from_numpy(yb)
                opt.zero_grad(set_to_none=True)
                loss = lossf(net(fb), yb)
                loss.backward()
                opt.step()
                acc += float(loss.detach()) * len(fb)
                cnt += len(fb)
                bar.update(1)
            net.eval()
            with torch.no_grad():
                val = float(lossf(net(val_F), val_T))
            rec = {
                "epoch": epoch,
                "train_loss": acc / max(cnt, 1),
                "val_loss": val,
                "lr": lr,
                "seconds": time.perf_counter() - t0,
                "samples": cnt,
            }
            history.append(rec)
            bar.set_postfix(train=f"{rec['train_loss']:.3g}", val=f"{val:.3g}")
            if log is not None:
                log(rec)
            if ckpt is not None:
                _save_atomic(
                    {
                        "config": config.to_json(),
                        "net": net.state_dict(),
                        "opt": opt.state_dict(),
                        "epoch": epoch,
                        "history": history,
                    },
                    ckpt,
                )
                (Path(out_dir) / "history.json").write_text(json.dumps(history, indent=1))
    finally:
        bar.close()
    return {
        "net": net,
        "layers": net_layers(net),
        "activations": config.layer_activations(),
        "history": history,
    }


def model_spec(result: dict, config: TrainConfig, stream: ShardStream, **provenance) -> dict:
    """Everything the model file needs: layers, activations, transforms, domain, provenance."""
    lo, hi = canonical_box()
    maps = {
        "log10_inputs": list(LOG10_INPUTS),
        "feature_lo": lo.tolist(),
        "feature_hi": hi.tolist(),
    }
    if config.target == "radial":
        maps = radial_transforms(config.time_shift)
    return {
        "layers": result["layers"],
        "activations": result["activations"],
        "inputs": list(INPUT_NAMES),
        "input_units": list(INPUT_UNITS),
        "outputs": list(OUTPUT_NAMES),
        "output_units": ["m per m^3 potency"] * 3,
        **maps,
        "output_scale": stream.out_scale.tolist(),
        "target": config.target,
        # the exact part the engine adds back, named as in the model file (export.py)
        "elastic_part": "none" if config.target == "full" else "okada_point_strike_slip",
        "provenance": {
            "trainer": f"viscoann {__version__} train.py",
            "config": config.to_json(),
            "data": {
                "kind": stream.man["kind"],
                "shape": stream.man["shape"],
                "n_samples": stream.man["n_samples"],
                "solver": stream.man["solver"],
                "grid_sha256": stream.man["grid_sha256"],
            },
            "epochs_run": len(result["history"]),
            "final_val_loss": result["history"][-1]["val_loss"] if result["history"] else None,
            **provenance,
        },
    }


def spec_features(spec: dict, X: np.ndarray, dtype=np.float64) -> np.ndarray:
    """The net's features of a model spec at X (N, 6) SI, as the engine forms them: the
    :func:`features` of the spec's box, the optional ``spec["input_shift"]`` (6 values, added
    before log10) and, for ``spec["geometry"]`` radial_strike_slip, x, y replaced by the one
    feature r_scale * hypot(x, y) + r_offset (export.py, format version 2)."""
    X = np.asarray(X, float)
    shift = spec.get("input_shift")
    if shift is not None and np.any(shift):
        X = X + np.where(np.isin(np.arange(X.shape[1]), spec["log10_inputs"]), shift, 0.0)
    F = features(
        X,
        np.array(spec["feature_lo"]),
        np.array(spec["feature_hi"]),
        tuple(spec["log10_inputs"]),
        dtype=np.float64,
    )
    geo = spec.get("geometry") or {"kind": "cartesian"}
    if geo["kind"] == "radial_strike_slip":
        r = geo["r_scale"] * np.hypot(X[:, 0], X[:, 1]) + geo["r_offset"]
        F = np.column_stack([r, F[:, 2:]])
    return F.astype(dtype)


def spec_outputs(spec: dict, X: np.ndarray, u: np.ndarray, elastic: Callable | None = None):
    """The scaled net outputs u (N, 3) of a model spec at X turned into (ux, uy, uz) in place:
    the azimuthal factors of the radial geometry, then the exact elastic part."""
    geo = spec.get("geometry") or {"kind": "cartesian"}
    if geo["kind"] == "radial_strike_slip":
        from .exact import from_radial

        u[:] = from_radial(X[:, 0], X[:, 1], u)
    if spec.get("elastic_part", "none") != "none":
        el = elastic or okada_canonical
        for dep in np.unique(X[:, 2]):
            m = X[:, 2] == dep
            u[m] += np.asarray(el(X[m, 0], X[m, 1], dep)).reshape(-1, 3)
    return u


def predict_reference(spec: dict, X: np.ndarray, elastic: Callable | None = None) -> np.ndarray:
    """Reference float64 evaluation of a model spec at X (N, 6) SI -> (N, 3) m: transforms,
    MLP, output scale, azimuthal factors (radial geometry), plus the exact elastic field for a
    "remainder" target. (The same for a model file: :func:`viscoann.export.reference_predict`.)"""
    X = np.asarray(X, float)
    F = spec_features(spec, X)
    u = forward_reference(spec["layers"], spec["activations"], F) * np.array(spec["output_scale"])
    return spec_outputs(spec, X, u, elastic)


def predictor_torch(
    spec: dict, elastic: Callable | None = None, threads: int = 1, batch: int = 1 << 18
) -> Callable[[np.ndarray], np.ndarray]:
    """``predict(X)`` of a model spec with a float32 PyTorch forward pass (fast evaluation of
    training runs before export; the native engine does the same in C++).
    Transforms in float64 as in the engine; X (N, 6) SI -> (N, 3) float64 m."""
    import torch

    torch.set_num_threads(int(threads))
    layers, acts = spec["layers"], spec["activations"]
    Ws = [torch.from_numpy(np.ascontiguousarray(W.T, np.float32)) for W, _ in layers]
    bs = [torch.from_numpy(np.asarray(b, np.float32)) for _, b in layers]
    f = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid, "identity": lambda a: a}
    scale = np.array(spec["output_scale"])

    def predict(X):
        X = np.asarray(X, float)
        F = torch.from_numpy(spec_features(spec, X, dtype=np.float32))
        out = np.empty((len(X), 3))
        with torch.no_grad():
            for i in range(0, len(X), batch):
                h = F[i : i + batch]
                for W, b, a in zip(Ws, bs, acts, strict=True):
                    h = f[a](torch.addmm(b, h, W))
                out[i : i + batch] = h.numpy()
        out *= scale
        return spec_outputs(spec, X, out, elastic)

    return predict


def export_spec(spec: dict, path, *, metrics: dict | None = None) -> Path:
    """Write a model spec as a model file (``viscoann.export``; the canonical inputs, whose
    affine maps equal :func:`features`), with provenance and optional test ``metrics``."""
    lo, hi = np.array(spec["feature_lo"]), np.array(spec["feature_hi"])
    shift = np.asarray(spec.get("input_shift") or np.zeros(6), float)
    inputs = []
    for i, e in enumerate(export.CANONICAL_INPUTS):  # the spec's log10 choice and shifts
        e = dict(e, log10=i in spec["log10_inputs"])
        if e["log10"] and shift[i]:
            e["shift"] = float(shift[i])
        inputs.append(e)
    box = np.array(
        [
            np.log10(np.add(e["domain"], e.get("shift", 0.0))) if e["log10"] else e["domain"]
            for e in inputs
        ]
    )
    if not (np.allclose(lo, box[:, 0]) and np.allclose(hi, box[:, 1])):
        raise ValueError(
            "export_spec writes canonical-domain models only; this spec's box "
            f"is {lo.tolist()} .. {hi.tolist()}"
        )
    scales = spec["output_scale"]
    outputs = [
        {**o, "scale": float(s)} for o, s in zip(export.CANONICAL_OUTPUTS, scales, strict=True)
    ]
    prov = dict(spec["provenance"])
    prov["target"] = spec["target"]
    prov["final_epoch"] = spec["history"][-1] if spec.get("history") else None
    if metrics is not None:
        prov["test_metrics"] = metrics
    return export.save(
        path,
        [W for W, _ in spec["layers"]],
        [b for _, b in spec["layers"]],
        spec["activations"],
        inputs=inputs,
        outputs=outputs,
        elastic_part=spec["elastic_part"],
        geometry=spec.get("geometry"),
        provenance=prov,
    )


def train(
    data_dir,
    out_dir,
    config: TrainConfig,
    *,
    elastic: Callable | None = None,
    progress: bool = True,
    threads: int | None = None,
) -> dict:
    """Train on the shards of ``data_dir`` (from ``viscoann generate``), checkpointing to
    ``out_dir``; returns the model spec (see :func:`model_spec`) with ``history``."""
    config.check()
    if config.target == "radial":
        stream = RadialStream(data_dir, config, progress=progress)
    else:
        stream = ShardStream(data_dir, config, elastic=elastic)
    t0 = time.perf_counter()
    n_in = 5 if config.target == "radial" else 6
    result = fit(stream, config, out_dir, n_in=n_in, progress=progress, threads=threads)
    spec = model_spec(result, config, stream, train_seconds=time.perf_counter() - t0)
    spec["history"] = result["history"]
    return spec


# ---- experiment 1: the seed's elastic warm-up (DeVries et al. 2017, Fig. 2) ----------------


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
        ``history``.
    """
    elastic = elastic or okada_canonical
    base = config or TrainConfig(target="full", batch_size=256, lr=3e-3, lr_final=1e-5)
    lo, hi = np.array([-100e3, -100e3]), np.array([100e3, 100e3])
    g = np.linspace(-100e3, 100e3, n_map)
    MX, MY = np.meshgrid(g, g, indexing="xy")
    mx, my = MX.ravel(), MY.ravel()
    truth = np.asarray(elastic(mx, my, depth), float).reshape(-1, 3)
    rng = np.random.default_rng([base.seed, 3])
    vx, vy = rng.uniform(-100e3, 100e3, (2, 2000))
    val_u = np.asarray(elastic(vx, vy, depth), float).reshape(-1, 3)
    runs = []
    for n in n_points:
        px, py = np.random.default_rng([base.seed, 5, n]).uniform(-100e3, 100e3, (2, n))
        u = np.asarray(elastic(px, py, depth), float).reshape(-1, 3)
        scale = np.sqrt(np.mean(u**2, axis=0))
        epochs = max(1, math.ceil(steps / math.ceil(n / base.batch_size)))
        cfg = TrainConfig.from_json(
            {**base.to_json(), "epochs": epochs, "extra": {"n_points": int(n)}}
        )
        stream = ArrayStream(
            features(np.stack([px, py], 1), lo, hi, ()),
            u / scale,
            features(np.stack([vx, vy], 1), lo, hi, ()),
            val_u / scale,
            cfg,
        )
        res = fit(stream, cfg, None, n_in=2, n_out=3, progress=progress)
        F = features(np.stack([mx, my], 1), lo, hi, (), dtype=np.float64)
        pred = forward_reference(res["layers"], res["activations"], F) * scale
        r = np.abs(pred - truth)
        runs.append(
            {
                "n_points": int(n),
                "pred": pred,
                "mean_abs_residual": float(r.mean()),
                "max_abs_residual": float(r.max()),
                "epochs": epochs,
                "history": res["history"],
            }
        )
    return {
        "depth": depth,
        "x": mx,
        "y": my,
        "truth": truth,
        "mean_abs_u": float(np.abs(truth).mean()),
        "net": base.name,
        "activations": base.layer_activations(),
        "steps": steps,
        "runs": runs,
    }


def save_spec(spec: dict, path) -> Path:
    """Write a model spec as JSON (weights as exact float32 values), atomically."""
    path = Path(path)
    js = dict(spec)
    js["layers"] = [
        {"W": np.asarray(W, np.float32).tolist(), "b": np.asarray(b, np.float32).tolist()}
        for W, b in spec["layers"]
    ]
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(json.dumps(js))
    os.replace(tmp, path)
    return path


def load_spec(path) -> dict:
    """Inverse of :func:`save_spec`: layers as float32 arrays."""
    spec = json.loads(Path(path).read_text())
    spec["layers"] = [
        (np.asarray(L["W"], np.float32), np.asarray(L["b"], np.float32)) for L in spec["layers"]
    ]
    return spec
