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
