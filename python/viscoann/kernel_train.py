"""Training of the neural kernel (docs/design.md, "The neural kernel") from the exact data of
:mod:`viscoann.kernel_data`.

1. Basis: per radial function f, the leading K right singular vectors psi_fk(r) of the samples'
   rows S_f(rho) (each row scaled to unit maximum, so shapes count, not sizes).
2. Targets: the rows' coefficients c_fk = S_f . psi_fk (orthonormal basis).
3. Net: tanh MLP from the three features q (:data:`viscoann.export.KERNEL_FEATURES`) to the
   10 K coefficients, loss the squared error of each elementary source's coefficients relative
   to their norm in that row (a relative L2 error of its radial functions), Adam with a cosine
   decay. Checkpoints (atomic) every epoch; a run resumes from its checkpoint.
4. The model file (format v3) with the basis, the family and the measured validation errors.
torch is imported lazily.
"""

from __future__ import annotations

import io
import json
import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from . import atomic, export, kernel_data

#: The elementary sources' radial functions (sources.hpp's order): E0 (0, 1), E1 (2, 3),
#: E2 (4, 5, 6), E3 (7, 8, 9).
GROUPS = ((0, 1), (2, 3), (4, 5, 6), (7, 8, 9))
#: The family the shipped kernel claims (docs/design.md): SI.
FAMILY = {
    "H": [10e3, 50e3],
    "depth_margin": 1e3,
    "eta_M": [1e18, 1e21],
    "eta_K": [1e17, 1e20],
    "maxwell": True,
    "r_max": 300e3,
    "t_max": 1000 * 365.25 * 86400.0,
}


def features(H, depth, kappa, q2) -> np.ndarray:
    """Raw features q (..., 3) of samples (H, depth, kappa = eta_M/eta_K) at q2 = log10 t/tau_M:
    t / tau_K = 10^q2 kappa (mu_M = mu_K); H enters only as depth / H (export.py, format 3)."""
    H, depth, kappa, q2 = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (H, depth, kappa, q2))
    )
    return np.stack([depth / H, q2, np.log10(1.0 + 10.0**q2 * kappa)], axis=-1)


def feature_domain() -> np.ndarray:
    """(3, 2) ranges of the sampled features: the inputs' affine maps send them to [-1, 1]."""
    d = kernel_data
    q3_hi = math.log10(1.0 + 10.0 ** (d.Q2_RANGE[1] + d.LOG10_KAPPA[1]))
    return np.array([[0.0, 1.0], list(d.Q2_RANGE), [0.0, q3_hi]])


def _inputs_map():
    """The inputs' affine maps (scale, offset) sending feature_domain() to [-1, 1]."""
    dom = feature_domain()
    return 2.0 / (dom[:, 1] - dom[:, 0]), -(dom[:, 1] + dom[:, 0]) / (dom[:, 1] - dom[:, 0])


def svd_basis(S: np.ndarray, K: int, rows: int = 20000, seed: int = 0) -> np.ndarray:
    """(10, K, N_R) orthonormal radial basis from S (N, T, 10, N_R), on up to ``rows`` rows."""
    rng = np.random.default_rng(seed)
    flat = S.reshape(-1, S.shape[2], S.shape[3])
    pick = rng.choice(flat.shape[0], size=min(rows, flat.shape[0]), replace=False)
    out = np.empty((S.shape[2], K, S.shape[3]))
    for f in range(S.shape[2]):
        A = flat[pick, f].astype(float)
        A /= np.maximum(np.abs(A).max(axis=1, keepdims=True), 1e-300)
        _, _, vt = np.linalg.svd(A, full_matrices=False)
        out[f] = vt[:K]
    return out


def project(S: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """Coefficients (N, T, 10, K) of S (N, T, 10, N_R) on the basis (10, K, N_R)."""
    return np.einsum("ntfr,fkr->ntfk", S, basis, optimize=True)


def truncation_error(S, basis) -> np.ndarray:
    """Per row and function: max |S - P S| / max |S| (N, T, 10)."""
    c = project(S, basis)
    back = np.einsum("ntfk,fkr->ntfr", c, basis, optimize=True)
    return np.abs(S - back).max(axis=-1) / np.maximum(np.abs(S).max(axis=-1), 1e-300)


@dataclass
class KernelTrainConfig:
    n_modes: int = 12
    layers: int = 3
    width: int = 128
    epochs: int = 200
    batch_size: int = 2048
    lr: float = 3e-3
    lr_final: float = 1e-5
    validation: float = 0.1
    seed: int = 0
    minutes: float = 0.0  # > 0: stop (and finish the cosine early) after this many minutes
    # Epochs between exact solves of the last layer (0: only at the end; measured: solving
    # during training upsets Adam's moments and the loss jumps).
    lsq_every: int = 0
    threads: int = 0  # torch threads (0: its default)


def _relative_loss(torch, pred, target, scale, eps):
    # Squared error of each elementary source's coefficients relative to their norm (per row).
    err = ((pred - target) * scale) ** 2
    ref = (target * scale) ** 2
    n_k = pred.shape[1] // 10
    err = err.view(-1, 10, n_k).sum(-1)
    ref = ref.view(-1, 10, n_k).sum(-1)
    total = 0.0
    for g in GROUPS:
        total = total + (err[:, list(g)].sum(-1) / (ref[:, list(g)].sum(-1) + eps)).mean()
    return total / len(GROUPS)


def _solve_last_layer(torch, hidden, last, z, y, scale):
    """The last layer that minimises the relative loss exactly for the current hidden layers:
    a weighted linear least-squares problem per elementary source (float64)."""
    with torch.no_grad():
        h = hidden(z).double()
        h = torch.cat([h, torch.ones(h.shape[0], 1, dtype=h.dtype)], 1)
        yt, s = y.double(), scale.double()
        W, b = last.weight.detach().double().clone(), last.bias.detach().double().clone()
        K = y.shape[1] // 10
        for g in GROUPS:
            cols = [f * K + k for f in g for k in range(K)]
            w = 1.0 / torch.sqrt(((yt[:, cols] * s[cols]) ** 2).sum(1) + 1e-60)
            sol = torch.linalg.lstsq(h * w[:, None], yt[:, cols] * s[cols] * w[:, None]).solution
            sol = sol / s[cols]
            W[cols], b[cols] = sol[:-1].T, sol[-1]
        last.weight.copy_(W.float())
        last.bias.copy_(b.float())


def _prepare(data_dir, out: Path, cfg):
    """What both fits start from: the data, the seeded generator (after the split's draw),
    training and validation samples, and the basis (``out/basis.npy``, kept on resume)."""
    out.mkdir(parents=True, exist_ok=True)
    data = kernel_data.load(*np.atleast_1d(data_dir))
    S = data["S"]
    rng = np.random.default_rng(cfg.seed)
    order = rng.permutation(S.shape[0])
    n_val = max(1, int(round(cfg.validation * S.shape[0])))
    val, tr = order[:n_val], order[n_val:]
    bpath = out / "basis.npy"
    if bpath.is_file():
        basis = np.load(bpath)
    else:
        basis = svd_basis(S[tr], cfg.n_modes, seed=cfg.seed)
        np.save(bpath, basis)
    return data, S, rng, tr, val, basis


def train(data_dir, out_dir, config: KernelTrainConfig | None = None, progress: bool = True):
    """Train (or resume) a kernel on ``data_dir``'s shards; writes ``out_dir/kernel.safetensors``
    and ``out_dir/history.json``. Returns the model file's path."""
    import torch

    cfg = config or KernelTrainConfig()
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    out = Path(out_dir)
    data, S, _, tr, val, basis = _prepare(data_dir, out, cfg)
    N, T = S.shape[:2]
    c = project(S, basis).reshape(N, T, -1)  # (N, T, 10 K)
    q = features(data["H"][:, None], data["depth"][:, None], data["kappa"][:, None], data["q2"])
    in_scale, in_offset = _inputs_map()
    z = q * in_scale + in_offset
    out_scale = c[tr].reshape(-1, c.shape[-1]).std(axis=0) + 1e-30
    y = c / out_scale

    def tensors(idx):
        return (
            torch.tensor(z[idx].reshape(-1, z.shape[-1]), dtype=torch.float32),
            torch.tensor(y[idx].reshape(-1, y.shape[-1]), dtype=torch.float32),
        )

    ztr, ytr = tensors(tr)
    zva, yva = tensors(val)
    scale = torch.tensor(out_scale, dtype=torch.float32)
    torch.manual_seed(cfg.seed)
    mods, w_in = [], z.shape[-1]
    for _ in range(cfg.layers):
        mods += [torch.nn.Linear(w_in, cfg.width), torch.nn.Tanh()]
        w_in = cfg.width
    mods.append(torch.nn.Linear(w_in, y.shape[-1]))
    net = torch.nn.Sequential(*mods)
    opt = torch.optim.Adam(net.parameters(), lr=cfg.lr)
    steps_per_epoch = max(1, ztr.shape[0] // cfg.batch_size)
    total = cfg.epochs * steps_per_epoch
    ckpt = out / "checkpoint.pt"
    history, epoch0, elapsed0 = [], 0, 0.0
    if ckpt.is_file():
        st = torch.load(ckpt, weights_only=False)
        net.load_state_dict(st["net"])
        opt.load_state_dict(st["opt"])
        history, epoch0, elapsed0 = st["history"], st["epoch"], st["elapsed"]
    eps = 1e-30
    t0 = time.monotonic() - elapsed0
    from tqdm.auto import tqdm

    bar = tqdm(total=cfg.epochs, initial=epoch0, unit="epoch", disable=not progress)
    g = torch.Generator().manual_seed(cfg.seed + epoch0)
    for epoch in range(epoch0, cfg.epochs):
        perm = torch.randperm(ztr.shape[0], generator=g)
        net.train()
        for s in range(steps_per_epoch):
            frac = (epoch * steps_per_epoch + s) / total
            if cfg.minutes > 0:
                frac = max(frac, (time.monotonic() - t0) / (60.0 * cfg.minutes))
            lr = cfg.lr_final + 0.5 * (cfg.lr - cfg.lr_final) * (
                1 + math.cos(math.pi * min(frac, 1.0))
            )
            for pg in opt.param_groups:
                pg["lr"] = lr
            idx = perm[s * cfg.batch_size : (s + 1) * cfg.batch_size]
            loss = _relative_loss(torch, net(ztr[idx]), ytr[idx], scale, eps)
            opt.zero_grad()
            loss.backward()
            opt.step()
        if cfg.lsq_every and (epoch + 1) % cfg.lsq_every == 0:
            _solve_last_layer(torch, net[:-1], net[-1], ztr, ytr, scale)
        with torch.no_grad():
            vl = float(_relative_loss(torch, net(zva), yva, scale, eps))
        history.append(
            {
                "epoch": epoch + 1,
                "train": float(loss.detach()),
                "val_rel_l2": math.sqrt(vl),
                "lr": lr,
            }
        )
        bar.update()
        bar.set_postfix(val=f"{math.sqrt(vl):.2e}")
        state = {"net": net.state_dict(), "opt": opt.state_dict(), "history": history}
        state |= {"epoch": epoch + 1, "elapsed": time.monotonic() - t0}
        tmp = ckpt.with_suffix(".tmp")
        torch.save(state, tmp)
        tmp.replace(ckpt)
        if cfg.minutes > 0 and time.monotonic() - t0 > 60.0 * cfg.minutes:
            break
    bar.close()
    # The exported last layer is always the exact solve for the trained hidden layers.
    _solve_last_layer(torch, net[:-1], net[-1], ztr, ytr, scale)
    with torch.no_grad():
        final = math.sqrt(float(_relative_loss(torch, net(zva), yva, scale, eps)))
    atomic.write_text(out / "history.json", json.dumps(history, indent=1))
    lin = [m for m in net if isinstance(m, torch.nn.Linear)]
    weights = [m.weight.detach().numpy() for m in lin]
    biases = [m.bias.detach().numpy() for m in lin]
    prov = {
        "data": {
            "dirs": [str(d) for d in np.atleast_1d(data_dir)],
            "samples": int(N),
            "times_per_sample": int(T),
        },
        "train": asdict(cfg),
        "validation_rel_l2": final,
        "minutes": (time.monotonic() - t0) / 60.0,
    }
    return _save(out, weights, biases, out_scale, basis, prov)


def _save(out, weights, biases, out_scale, basis, prov) -> Path:
    """``out/kernel.safetensors`` (format v3) of a tanh net with these layers; returns its
    path."""
    dom = feature_domain()
    in_scale, in_offset = _inputs_map()
    acts = ["tanh"] * (len(weights) - 1) + ["identity"]
    K = basis.shape[1]
    inputs = [
        {"name": n, "unit": u, "log10": False, "domain": list(d), "scale": s, "offset": o}
        for n, u, d, s, o in zip(
            export.KERNEL_FEATURES,
            export.KERNEL_FEATURE_UNITS,
            dom,
            in_scale,
            in_offset,
            strict=True,
        )
    ]
    outputs = [
        {"name": f"c_{f}_{k}", "unit": "1", "scale": float(out_scale[f * K + k])}
        for f in range(10)
        for k in range(K)
    ]
    geometry = {
        "kind": "elementary_kernel",
        "n_modes": K,
        "rho_spacing": kernel_data.RHO_SPACING,
        "n_r": kernel_data.N_R,
        "mu_M": kernel_data.MU,
        "mu_K": kernel_data.MU,
        "family": FAMILY,
    }
    path = Path(out) / "kernel.safetensors"
    export.save(
        path,
        weights,
        biases,
        acts,
        inputs=inputs,
        outputs=outputs,
        geometry=geometry,
        basis=basis,
        provenance=prov,
    )
    return path


@dataclass
class RandomFeatureConfig:
    n_modes: int = 16
    hidden: int = 6000
    # First layer on features in [-1, 1]: weights N(0, scale^2), biases U(-scale, scale).
    # Measured (validation, 4,000 units): 1.2 -> 0.5 %, 2.0 -> 0.3 %, 2.7 and 3.6 -> 0.25 %;
    # 6,000 units at 3.6 -> 0.12-0.20 % (bench/RESULTS.md).
    scale: float = 3.6
    rcond: float = 1e-10  # the least squares' cut-off of small singular values
    validation: float = 0.125
    seed: int = 0


def fit_random_features(data_dir, out_dir, config=None, progress: bool = True) -> Path:
    """A one-hidden-layer tanh net whose hidden layer is random and fixed and whose output
    layer is the exact least-squares fit of the coefficients, per elementary source relative
    to each row's norm (the loss of :func:`train`, solved instead of descended: measured,
    it fits 10-50x better than Adam on these data; bench/RESULTS.md). Each elementary source's
    solve is saved as it finishes (atomic), so an interrupted fit resumes at the next one.
    Writes ``out_dir/kernel.safetensors``; returns its path."""
    cfg = config or RandomFeatureConfig()
    out = Path(out_dir)
    t0 = time.monotonic()
    data, S, rng, tr, val, basis = _prepare(data_dir, out, cfg)
    N, T = S.shape[:2]
    K = cfg.n_modes
    c = project(S, basis)  # (N, T, 10, K)
    del S
    in_scale, in_offset = _inputs_map()
    q = features(data["H"][:, None], data["depth"][:, None], data["kappa"][:, None], data["q2"])
    z = (q * in_scale + in_offset).reshape(N, T, -1)
    # float32 first layer: the file stores float32, and the fit must be of the stored net.
    W1 = (rng.normal(size=(cfg.hidden, z.shape[-1])) * cfg.scale).astype(np.float32)
    b1 = rng.uniform(-cfg.scale, cfg.scale, cfg.hidden).astype(np.float32)

    def hidden(idx):
        h = np.tanh(z[idx].reshape(-1, z.shape[-1]) @ W1.T.astype(float) + b1.astype(float))
        return np.hstack([h, np.ones((h.shape[0], 1))])

    Ht, Hv = hidden(tr), hidden(val)
    W2 = np.zeros((10 * K, cfg.hidden))
    b2 = np.zeros(10 * K)
    errors = {}
    from tqdm.auto import tqdm

    for gi, g in enumerate(tqdm(GROUPS, unit="source", disable=not progress)):
        cols = [f * K + k for f in g for k in range(K)]
        part = out / f"rf_group{gi}.npz"
        if part.is_file():
            sol = np.load(part)["sol"]
        else:
            y = c[tr][:, :, list(g)].reshape(-1, len(cols))
            w = 1.0 / np.maximum(np.linalg.norm(y, axis=1), 1e-300)
            sol = np.linalg.lstsq(Ht * w[:, None], y * w[:, None], rcond=cfg.rcond)[0]
            buf = io.BytesIO()
            np.savez(buf, sol=sol)
            atomic.write_bytes(part, buf.getvalue())
        sol = sol.astype(np.float32).astype(float)
        W2[cols], b2[cols] = sol[:-1].T, sol[-1]
        yv = c[val][:, :, list(g)].reshape(-1, len(cols))
        rel = np.linalg.norm(Hv @ sol - yv, axis=1) / np.linalg.norm(yv, axis=1)
        errors[f"E{gi}"] = {
            "median": float(np.median(rel)),
            "mean": float(rel.mean()),
            "p99": float(np.percentile(rel, 99)),
        }
    prov = {
        "data": {
            "dirs": [str(d) for d in np.atleast_1d(data_dir)],
            "samples": int(N),
            "times_per_sample": int(T),
        },
        "fit": "random_features",
        "config": asdict(cfg),
        "validation_rel_l2": errors,
        "minutes": (time.monotonic() - t0) / 60.0,
    }
    atomic.write_text(out / "history.json", json.dumps(prov, indent=1))
    return _save(out, [W1, W2], [b1, b2], np.ones(10 * K), basis, prov)
