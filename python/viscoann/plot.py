"""Figures (matplotlib, imported lazily inside each function, Agg backend)."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def displacement_maps(x, y, u, path, title: str = "", unit: str = "m") -> Path:
    """Draw ux, uy, uz maps side by side and save them to ``path``.

    Parameters
    ----------
    x : array_like, shape (nx,)
        Grid x coordinates (m), east / along strike.
    y : array_like, shape (ny,)
        Grid y coordinates (m), north.
    u : array_like, shape (ny, nx, 3)
        Displacement (ux, uy, uz) on the grid, in ``unit``.
    path : str or Path
        Output image file (format from its suffix, e.g. .png).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x, y, u = np.asarray(x) / 1e3, np.asarray(y) / 1e3, np.asarray(u)
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.2), constrained_layout=True)
    for k, (ax, name) in enumerate(zip(axes, ("u_x", "u_y", "u_z"), strict=True)):
        field = u[..., k]
        vmax = float(np.nanmax(np.abs(field))) or 1.0
        im = ax.pcolormesh(x, y, field, cmap="RdBu_r", vmin=-vmax, vmax=vmax, shading="auto")
        ax.contour(
            x, y, field, levels=np.linspace(-vmax, vmax, 11)[1:-1], colors="k", linewidths=0.4
        )
        ax.set_aspect("equal")
        ax.set_title(f"${name}$ ({unit})")
        ax.set_xlabel("x (km)")
        fig.colorbar(im, ax=ax, shrink=0.8, format="%.2e")
    axes[0].set_ylabel("y (km)")
    if title:
        fig.suptitle(title)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def exact_maps(x_km, y_km, u, u0, path, *, title: str = "") -> None:
    """Maps of (ux, uy, uz) at one time (top row) and of the postseismic part u - u0 (bottom).

    Parameters
    ----------
    x_km, y_km : ndarray, (nx,), (ny,)
        Grid axes [km] (x east, y north).
    u, u0 : ndarray, (ny, nx, 3)
        Displacement [m per m³ of potency] at time t and at t = 0.
    path : str or Path
        Output image file.
    """
    plt = _pyplot()
    fig, axes = plt.subplots(2, 3, figsize=(13, 8), constrained_layout=True)
    names = ("u_x (east)", "u_y (north)", "u_z (up)")
    for row, (field, label) in enumerate(((u, "u"), (u - u0, "u(t) − u(0)"))):
        for c in range(3):
            ax = axes[row, c]
            v = field[..., c]
            lim = float(np.nanmax(np.abs(v))) or 1.0
            im = ax.pcolormesh(x_km, y_km, v, cmap="RdBu_r", vmin=-lim, vmax=lim, shading="auto")
            ax.set_aspect("equal")
            ax.set_title(f"{label}: {names[c]}")
            ax.set_xlabel("x east [km]")
            ax.set_ylabel("y north [km]")
            ax.plot([0], [0], "k*", ms=8)
            fig.colorbar(im, ax=ax, shrink=0.8, label="m per m³")
    if title:
        fig.suptitle(title)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def exact_profile(t_yr, series, labels, path, *, title: str = "") -> None:
    """Time series u(t) - u(0) at chosen points.

    Parameters
    ----------
    t_yr : ndarray, (T,)
        Times [yr].
    series : ndarray, (Q, T, 3)
        Displacement [m per m³] at Q points.
    labels : list of str, (Q,)
    path : str or Path
    """
    plt = _pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(13, 4), constrained_layout=True)
    for c, name in enumerate(("u_x", "u_y", "u_z")):
        for q, lab in enumerate(labels):
            axes[c].plot(t_yr, series[q, :, c] - series[q, 0, c], label=lab)
        axes[c].set_xlabel("t [yr]")
        axes[c].set_ylabel(f"{name}(t) − {name}(0) [m per m³]")
    axes[0].legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def seed_table_figure(rows, path, *, title: str = "The seed paper's table on this machine") -> None:
    """Bar chart (log scale) of the full-test-set seconds of each ``bench seed`` row, and the
    accuracy of each surrogate row against the exact solver (relative to the postseismic
    signal and to the total field)."""
    plt = _pyplot()
    timed = [r for r in rows if r.get("extrapolated_full_seconds")]
    labels = [f"{r['impl']}\n{r['device']} {r['threads']} thr" if r["impl"] != "seed-paper"
              else f"seed paper\n{r['notes'].split(',')[0]}" for r in timed]  # fmt: skip
    colours = {"seed-paper": "0.6", "exact": "tab:red", "viscoann": "tab:blue",
               "torch": "tab:orange", "onnxruntime": "tab:green"}  # fmt: skip
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(13, 4.8), gridspec_kw={"width_ratios": [3, 1]})
    secs = [r["extrapolated_full_seconds"] for r in timed]
    ax.bar(range(len(timed)), secs, color=[colours.get(r["impl"], "k") for r in timed])
    ax.set_yscale("log")
    ax.set_xticks(range(len(timed)), labels, fontsize=7)
    ax.set_ylabel("seconds for 263,250,000 predictions")
    for i, s in enumerate(secs):
        ax.text(i, s, f"{s:.3g}", ha="center", va="bottom", fontsize=7)
    ax.set_title(title)
    acc = [r for r in rows if r.get("relative_to_postseismic") is not None]
    bx.bar(range(len(acc)), [100 * r["relative_to_postseismic"] for r in acc],
           label="vs postseismic |u(t) - u(0)|")  # fmt: skip
    bx.bar(range(len(acc)), [100 * r["relative_to_total"] for r in acc], alpha=0.7,
           label="vs total |u|")  # fmt: skip
    bx.set_xticks(range(len(acc)), [f"{r['device']} {r['threads']}" for r in acc], fontsize=7)
    bx.set_ylabel("mean |residual| vs exact (%)")
    bx.legend(fontsize=7)
    bx.set_title("accuracy on the exact pairs")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
