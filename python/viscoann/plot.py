"""Figures (matplotlib, imported lazily inside each function; Agg backend, files only)."""

from __future__ import annotations

import numpy as np


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
