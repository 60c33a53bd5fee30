"""Training of MLP surrogates with PyTorch (Adam, mini-batches streamed from the HDF5 shards of
``data.py``), after DeVries et al. (2017); target transforms of docs/design.md ("Surrogate
accuracy").

The net sees the engine's input features (log10 of the viscosities, affine map of the domain
box to [-1, 1]) and learns a scaled target: the full field (the seed's choice), the
postseismic remainder u(t) - u(0), to which the engine adds the exact Okada field back, or
(the "radial" form) the remainder of the source's radial functions g(r, depth, t, eta_M,
eta_K), to which the engine applies the azimuthal factors exactly. A run writes the model file
itself (the file is the only spec: its metadata holds every transform, and the features are
formed from it by :func:`viscoann.reference.features`); its checkpoint adds the optimiser
state beside it. torch is imported inside the functions only (``import viscoann`` never
loads it).
"""

from __future__ import annotations

import io
import json
import math
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from . import __version__, atomic, export, reference
from .conventions import INPUT_NAMES, R_MAX, YEAR
from .data import load_manifest, read_shard, shard_name

TARGETS = ("full", "remainder", "radial")
MODEL_FILE = "model.safetensors"  # a run directory's model
CHECKPOINT = "checkpoint.pt"  # beside it: the model file's bytes, optimiser state, history


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
    init_from : a model file (or a run directory holding one) whose weights start the run
        (fine-tuning; same architecture), or None for the seeded random initialisation.
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
        bad = [a for a in self.activations if a not in export.ACTIVATIONS]
        if bad or not self.activations:
            raise ValueError(
                f"activations must be a non-empty list of {export.ACTIVATIONS}, "
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


def model_document(config: TrainConfig) -> dict:
    """The model file a run of ``config`` writes, without weights and output scales: the
    canonical inputs and outputs, the exact elastic part of the remainder targets and, for the
    radial target, the time feature log10(t + time_shift) and the radial_strike_slip geometry
    (r over [0, R_MAX] mapped to [-1, 1])."""
    inputs = [dict(e) for e in export.CANONICAL_INPUTS]
    geometry = None
    if config.target == "radial":
        t = INPUT_NAMES.index("t")
        inputs[t] = dict(inputs[t], log10=True, shift=float(config.time_shift))
        geometry = {"kind": "radial_strike_slip", "r_scale": 2.0 / R_MAX, "r_offset": -1.0}
    return {
        "activations": config.layer_activations(),
        "inputs": inputs,
        "outputs": [dict(e) for e in export.CANONICAL_OUTPUTS],
        "geometry": geometry,
        "elastic_part": "none" if config.target == "full" else "okada_point_strike_slip",
    }


def with_output_scale(model: dict, scale) -> dict:
    """``model`` with its outputs scaled by ``scale`` (one factor per output)."""
    outs = [dict(e, scale=float(s)) for e, s in zip(model["outputs"], scale, strict=True)]
    return dict(model, outputs=outs)


def model_path(run) -> Path:
    """The model file of a training run directory, or ``run`` itself if it is a file."""
    run = Path(run)
    return run / MODEL_FILE if run.is_dir() else run


def _features(model: dict, X: np.ndarray) -> np.ndarray:
    return reference.features(model, X).astype(np.float32)


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


def _load_weights(net, model: dict, what: str) -> None:
    """Copy a model document's weights into ``net`` (same architecture, else ValueError)."""
    import torch

    lin = [m for m in net if isinstance(m, torch.nn.Linear)]
    have = [tuple(np.shape(W)) for W in model["weights"]]
    want = [tuple(m.weight.shape) for m in lin]
    if have != want:
        raise ValueError(f"{what} has layers {have}, this config {want}")
    with torch.no_grad():
        for m, W, b in zip(lin, model["weights"], model["biases"], strict=True):
            m.weight.copy_(torch.from_numpy(np.asarray(W, np.float32)))
            m.bias.copy_(torch.from_numpy(np.asarray(b, np.float32)))


# ---- batches --------------------------------------------------------------------------------


class ShardStream:
    """Training and validation samples of a data directory, streamed shard by shard.

    A fixed random subset of the surface points (``val_fraction``) is held out of training;
    validation uses those points at every depth, time and viscosity (capped at ``val_max``
    samples, a fixed random subset). Targets are scaled by the RMS of each component, the
    model's output scale (``model``: the document the run writes, without weights).
    """

    def __init__(self, data_dir, config: TrainConfig, elastic: Callable | None = None):
        self.dir = Path(data_dir)
        self.man = load_manifest(self.dir)
        self.grid = g = self.man["grid"]
        self.config = config
        model = model_document(config)
        D, E, T, P = g.shape
        self.elastic = None
        if config.target == "remainder":
            self.elastic = elastic or reference.ELASTIC_FIELDS[model["elastic_part"]]
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
        self.model = with_output_scale(model, self.out_scale)
        self.provenance = _data_provenance(self.man)
        self.val_X = np.concatenate(Xv)
        self.val_Y = np.concatenate(Yv)
        self.val_F = _features(self.model, self.val_X)
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
            F = _features(self.model, np.concatenate([p[0] for p in parts]))
            Y = (np.concatenate([p[1] for p in parts]) / self.out_scale).astype(np.float32)
            perm = rng.permutation(len(F))
            for j in range(0, len(F), b):
                idx = perm[j : j + b]
                yield F[idx], Y[idx]


def _data_provenance(man: dict) -> dict:
    """What a model file records of its training data (from the data directory's manifest)."""
    keys = ("kind", "shape", "n_samples", "solver", "grid_sha256")
    return {k: man[k] for k in keys}


class ArrayStream:
    """Training batches from arrays in memory (features F, scaled targets Y); same protocol
    as :class:`ShardStream` (used by the elastic warm-up and the radial form). ``model`` is
    the document a run on it writes (without weights), ``provenance`` its data record."""

    def __init__(self, F, Y, val_F, val_T, config: TrainConfig, model: dict, provenance=None):
        self.F, self.Y = np.asarray(F, np.float32), np.asarray(Y, np.float32)
        self.val_F, self.val_T = np.asarray(val_F, np.float32), np.asarray(val_T, np.float32)
        self.config = config
        self.model = model
        self.provenance = dict(provenance or {})

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
    samples at full size, 0.5 GB): the radial model's features
    (:func:`viscoann.reference.features`), targets g(t) - g(0) scaled by the RMS of each
    component. A fixed random subset of the (depth, viscosity) shards (``val_fraction``) is
    held out for validation, so the validation loss measures generalisation to unseen sources
    and rheologies."""

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
        model = model_document(config)
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
            F.append(_features(model, X.reshape(-1, 6)))
            Y.append((u[1:] - u[0]).reshape(-1, 3))
        Ft, Yt = np.concatenate(parts[False][0]), np.concatenate(parts[False][1])
        self.out_scale = np.sqrt(np.mean(Yt**2, axis=0))
        self.out_scale[self.out_scale == 0] = 1.0
        Fv, Yv = np.concatenate(parts[True][0]), np.concatenate(parts[True][1])
        pick = np.sort(rng.choice(len(Fv), size=min(config.val_max, len(Fv)), replace=False))
        super().__init__(
            Ft,
            Yt / self.out_scale,
            Fv[pick],
            Yv[pick] / self.out_scale,
            config,
            with_output_scale(model, self.out_scale),
            _data_provenance(self.man),
        )


# ---- the loop -------------------------------------------------------------------------------


def _document(stream, config: TrainConfig, net, history: list[dict]) -> dict:
    """The model document of the net now: the stream's model, the weights, the provenance."""
    layers = net_layers(net)
    prov = {
        "trainer": f"viscoann {__version__} train.py",
        "config": config.to_json(),
        "target": config.target,
        "data": stream.provenance,
        "epochs_run": len(history),
        "final_epoch": history[-1] if history else None,
        "final_val_loss": history[-1]["val_loss"] if history else None,
        "train_seconds": sum(h["seconds"] for h in history),
    }
    return dict(
        stream.model,
        weights=[W for W, _ in layers],
        biases=[b for _, b in layers],
        provenance=prov,
    )


def fit(
    stream,
    config: TrainConfig,
    out_dir=None,
    *,
    progress: bool = True,
    threads: int | None = 1,
    log=None,
) -> dict:
    """Train a fresh MLP (or resume from ``out_dir``) on ``stream``.

    Parameters
    ----------
    stream : ShardStream, ArrayStream or RadialStream
        Mini-batches (``batches(epoch)``), validation ``val_F``/``val_T``, and the ``model``
        document the run writes (``provenance``: its data record).
    config : TrainConfig
    out_dir : path, optional
        Where the model file ``model.safetensors``, ``checkpoint.pt`` (the model file's bytes
        and the optimiser state) and ``history.json`` go, each atomically replaced every
        epoch. A checkpoint there from the same config is resumed; another config is refused.
    threads : int or None, optional
        torch intra-op threads; None or 0: all cores. Default 1: a net this small gains
        nothing from intra-op threads, and they spin against other processes.

    Returns
    -------
    dict
        ``net`` (torch module), ``model`` (the model document, as :func:`viscoann.export.read`
        returns), ``history`` (list of per-epoch dicts: train_loss, val_loss, lr, seconds).
    """
    import torch

    from .conventions import threads_count

    config.check()
    torch.set_num_threads(threads_count(threads) or (os.cpu_count() or 1))
    torch.use_deterministic_algorithms(True)
    net = build_net(stream.val_F.shape[1], stream.val_T.shape[1], config)
    if config.init_from:
        init = export.read(model_path(config.init_from))
        _load_weights(net, init, f"init_from {config.init_from!r}")
    opt = torch.optim.Adam(net.parameters(), lr=config.lr)
    lossf = torch.nn.MSELoss() if config.loss == "mse" else torch.nn.L1Loss()
    history, start = [], 0
    out = Path(out_dir) if out_dir is not None else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        if (out / CHECKPOINT).is_file():
            state = torch.load(out / CHECKPOINT, weights_only=False)
            if "model" not in state:
                raise ValueError(
                    f"out_dir {str(out_dir)!r} holds a checkpoint without a model file (written "
                    "by an older viscoann); use another directory"
                )
            if state["config"] != config.to_json():
                raise ValueError(
                    f"out_dir {str(out_dir)!r} holds a checkpoint of another "
                    "config; use another directory"
                )
            _load_weights(net, export.read(state["model"]), f"{out / CHECKPOINT}")
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
            if out is not None:
                doc = _document(stream, config, net, history)
                _checkpoint(out, config, export.model_bytes(doc), opt, epoch, history)
    finally:
        bar.close()
    return {"net": net, "model": _document(stream, config, net, history), "history": history}


def _checkpoint(out: Path, config: TrainConfig, model: bytes, opt, epoch: int, history) -> None:
    """The resumable state first (one file: the model file's bytes beside the optimiser
    state), then the run's model file and history for their readers."""
    import torch

    state = {
        "config": config.to_json(),
        "model": model,
        "opt": opt.state_dict(),
        "epoch": epoch,
        "history": history,
    }
    buf = io.BytesIO()
    torch.save(state, buf)
    atomic.write_bytes(out / CHECKPOINT, buf.getvalue())
    atomic.write_bytes(out / MODEL_FILE, model)
    atomic.write_text(out / "history.json", json.dumps(history, indent=1))


@dataclass
class Run:
    """A training run's result: the model document (as :func:`viscoann.export.read` returns;
    :func:`viscoann.reference.predict` evaluates it, :func:`viscoann.export.write` writes it),
    the per-epoch history, and the run's model file when it has a directory."""

    model: dict
    history: list[dict]
    path: Path | None = None


def train(
    data_dir,
    out_dir,
    config: TrainConfig,
    *,
    elastic: Callable | None = None,
    progress: bool = True,
    threads: int | None = 1,
) -> Run:
    """Train on the shards of ``data_dir`` (from ``viscoann generate``), checkpointing to
    ``out_dir`` (its ``model.safetensors`` is the run's model file; see :func:`fit`)."""
    config.check()
    if config.target == "radial":
        stream = RadialStream(data_dir, config, progress=progress)
    else:
        stream = ShardStream(data_dir, config, elastic=elastic)
    result = fit(stream, config, out_dir, progress=progress, threads=threads)
    path = Path(out_dir) / MODEL_FILE if out_dir is not None else None
    return Run(result["model"], result["history"], path)
