"""A surrogate's accuracy as a user meets it, per time after the event: random (depth, eta_M,
eta_K) sources and surface points in the training domain, against the exact solver.

Per time t and source s (its points and components pooled), three errors of the surrogate:

- total field: mean |predict(t) - exact(t)| / mean |exact(t)|;
- postseismic as a user forms it: mean |(predict(t) - predict(0)) - (exact(t) - exact(0))|
  / mean |exact(t) - exact(0)|;
- postseismic from the engine: the same with ``predict(t, postseismic=True)`` (the exact Okada
  u(0) removed inside the engine) in place of predict(t) - predict(0);

and at t = 0, mean |predict(0) - Okada| / mean |Okada| per source-depth band. Each figure is the
ratio of the means over all sources (``value``) with the spread over sources: the 10th and
90th percentiles of the per-source ratios (``p10``, ``p90``). ``viscoann accuracy`` runs it.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np

from .conventions import YEAR

#: The times of the table: label, seconds after the event.
TIMES = (
    ("1 h", 3600.0),
    ("1 d", 86400.0),
    ("1 wk", 7 * 86400.0),
    ("1 mo", YEAR / 12),
    ("0.25 yr", 0.25 * YEAR),
    ("1 yr", YEAR),
    ("3 yr", 3 * YEAR),
    ("10 yr", 10 * YEAR),
    ("30 yr", 30 * YEAR),
    ("100 yr", 100 * YEAR),
)
#: Source-depth bands of the t = 0 figures, m.
DEPTH_BANDS = ((1e3, 4e3), (4e3, 7e3), (7e3, 10e3), (10e3, 14e3))
#: The shipped model's measured table, recomputed by ``viscoann accuracy --out``.
RECORD = Path(__file__).resolve().parent / "models" / "canonical_accuracy.json"
#: The three errors per time, in table order.
ERRORS = ("total", "postseismic_user", "postseismic_engine")


def sources(n_sets: int, n_points: int, domain: np.ndarray, seed: int = 0):
    """Random sources and points in ``domain`` (the surrogate's (6, 2) training domain):
    x, y uniform, depth uniform, log10 eta_M and log10 eta_K uniform. Source k draws from
    ``default_rng([seed, k])``, so a smaller sample is a prefix of a larger one.

    Returns
    -------
    list of (depth, eta_M, eta_K, x (n_points,), y (n_points,))
    """
    out = []
    for k in range(n_sets):
        rng = np.random.default_rng([seed, k])
        depth = rng.uniform(*domain[2])
        eta_m, eta_k = (10.0 ** rng.uniform(*np.log10(domain[i])) for i in (4, 5))
        x = rng.uniform(*domain[0], n_points)
        y = rng.uniform(*domain[1], n_points)
        out.append((depth, eta_m, eta_k, x, y))
    return out


def measure(
    net=None,
    *,
    n_sets: int = 80,
    n_points: int = 200,
    seed: int = 0,
    times=TIMES,
    threads: int = 0,
    progress: bool = False,
) -> dict:
    """Measure ``net`` (default ``Surrogate.pretrained()``) against the exact solver.

    Parameters
    ----------
    net : Surrogate, optional
        A canonical surrogate with an exact elastic part (``postseismic=True`` works).
    n_sets, n_points, seed
        Sources and points per source (:func:`sources`).
    times : sequence of (label, seconds)
        Times after the event, all > 0.
    threads : int
        Threads for the exact solver and the engine (0: all cores).

    Returns
    -------
    dict
        ``times``: one entry per time {"label", "t_s", and per error of ``ERRORS`` a dict
        {"value", "p10", "p90"}}; ``t0``: one entry per depth band {"depth_m": [lo, hi],
        "n_sets", "value", "p10", "p90"} (the t = 0 field against Okada); ``sample``: the
        arguments.
    """
    from . import exact, okada
    from .surrogate import Surrogate

    net = net or Surrogate.pretrained()
    ts = np.array([0.0] + [float(t) for _, t in times])
    if not (ts[1:] > 0).all():
        raise ValueError("times must all be > 0 (t = 0 is measured separately)")
    srcs = sources(n_sets, n_points, net.domain, seed)
    # per source: mean |residual| and mean |signal| per time for each error
    res = {e: np.zeros((n_sets, ts.size - 1)) for e in ERRORS}
    sig = {e: np.zeros((n_sets, ts.size - 1)) for e in ERRORS}
    res0, sig0, depths = np.zeros(n_sets), np.zeros(n_sets), np.zeros(n_sets)
    it = srcs
    if progress:
        from tqdm.auto import tqdm

        it = tqdm(srcs, desc="accuracy", unit="source")
    th = threads or None
    for k, (depth, eta_m, eta_k, x, y) in enumerate(it):
        u = exact.grid(x, y, [depth], ts, [[eta_m, eta_k]], threads=threads)[0, 0]  # (T, P, 3)
        X = np.empty((ts.size, n_points, 6))
        X[..., 0], X[..., 1], X[..., 2] = x, y, depth
        X[..., 3] = ts[:, None]
        X[..., 4], X[..., 5] = eta_m, eta_k
        X = X.reshape(-1, 6)
        pred = net.predict(X, threads=th).reshape(ts.size, n_points, 3)
        post = net.predict(X, threads=th, postseismic=True).reshape(ts.size, n_points, 3)
        ps_exact = u[1:] - u[0]
        for name, p, ref in (
            ("total", pred[1:], u[1:]),
            ("postseismic_user", pred[1:] - pred[0], ps_exact),
            ("postseismic_engine", post[1:], ps_exact),
        ):
            res[name][k] = np.abs(p - ref).mean(axis=(1, 2))
            sig[name][k] = np.abs(ref).mean(axis=(1, 2))
        el = okada.canonical_surface(x, y, depth)
        res0[k] = np.abs(pred[0] - el).mean()
        sig0[k] = np.abs(el).mean()
        depths[k] = depth

    def figure(r, s) -> dict:
        per = r / s
        return {
            "value": float(r.sum() / s.sum()),
            "p10": float(np.percentile(per, 10)),
            "p90": float(np.percentile(per, 90)),
        }

    rows = [
        {"label": label, "t_s": float(t)} | {e: figure(res[e][:, j], sig[e][:, j]) for e in ERRORS}
        for j, (label, t) in enumerate(times)
    ]
    bands = []
    for lo, hi in DEPTH_BANDS:
        m = (depths >= lo) & (depths < hi) if hi < DEPTH_BANDS[-1][1] else depths >= lo
        if m.any():
            bands.append({"depth_m": [lo, hi], "n_sets": int(m.sum())} | figure(res0[m], sig0[m]))
    bands.append({"depth_m": [DEPTH_BANDS[0][0], DEPTH_BANDS[-1][1]], "n_sets": n_sets})
    bands[-1] |= figure(res0, sig0)
    return {
        "times": rows,
        "t0": bands,
        "sample": {"n_sets": n_sets, "n_points": n_points, "seed": seed},
    }


def _pct(v: float) -> str:
    p = 100 * v
    return f"{p:.2g} %" if p < 10 else f"{p:.0f} %"


def _cell(f: dict) -> str:
    return f"{_pct(f['value'])} ({_pct(f['p10'])}–{_pct(f['p90'])})"


def markdown(result: dict) -> str:
    """The per-time table and the t = 0 line as Markdown (the README's and models/README's)."""
    lines = [
        "| t | total field | postseismic, predict(t) − predict(0) | "
        "postseismic, `predict(..., postseismic=True)` |",
        "|---:|---:|---:|---:|",
    ]
    for r in result["times"]:
        lines.append(f"| {r['label']} | " + " | ".join(_cell(r[e]) for e in ERRORS) + " |")
    t0 = ", ".join(
        f"{b['depth_m'][0] / 1e3:g}–{b['depth_m'][1] / 1e3:g} km {_cell(b)}"
        for b in result["t0"][:-1]
    )
    lines.append("")
    lines.append(
        f"At t = 0, predict(0) against Okada: {_cell(result['t0'][-1])} of mean |u| "
        f"(by source depth: {t0})."
    )
    return "\n".join(lines)


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parent,
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parent,
        ).stdout.strip()
        return out.stdout.strip() + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return None


def add_arguments(p) -> None:
    """The options of ``viscoann accuracy``."""
    p.add_argument("--model", help="model file (default: the shipped model)")
    p.add_argument("--sets", type=int, default=80, help="random (depth, eta) sources")
    p.add_argument("--points", type=int, default=200, help="random surface points per source")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=0, help="0: all cores")
    p.add_argument("--out", help="write the result as JSON here (e.g. the models/ record)")
    p.add_argument("--no-progress", action="store_true")


def run(args) -> int:
    """``viscoann accuracy``: measure, print the Markdown table, optionally write JSON."""
    from .surrogate import Surrogate

    if args.sets < 1 or args.points < 1:
        raise ValueError(f"--sets {args.sets} and --points {args.points} must be >= 1")
    out = Path(args.out) if args.out else None
    if out is not None and not out.parent.is_dir():
        raise OSError(f"--out {out}: folder {out.parent} does not exist")
    net = Surrogate.load(args.model) if args.model else Surrogate.pretrained()
    result = measure(
        net,
        n_sets=args.sets,
        n_points=args.points,
        seed=args.seed,
        threads=args.threads,
        progress=not args.no_progress,
    )
    cmd = f"viscoann accuracy --sets {args.sets} --points {args.points} --seed {args.seed}"
    result["command"] = cmd + (f" --model {args.model}" if args.model else "")
    result["commit"] = _git_commit()
    print(markdown(result))
    if out is not None:
        tmp = out.with_suffix(out.suffix + ".tmp")
        tmp.write_text(json.dumps(result, indent=1) + "\n")
        tmp.replace(out)
    return 0
