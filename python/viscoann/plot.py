"""Figures, one function per figure, named for it; matplotlib is imported inside the functions.

Exact-solver and Okada maps use pyplot on the Agg backend; the training figures use the object
API (no pyplot state). Training figures reproduce DeVries et al. (2017): Fig. 2 (elastic
warm-up) and Fig. 3 (canonical viscoelastic surrogate against the exact solver on the test grid).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .conventions import YEAR


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _savefig(fig, path) -> Path:
    # Written beside the target and renamed, so a reader never sees half an image.
    from .field_io import replacing

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path) as tmp:
        fig.savefig(tmp, dpi=110)
    return path


def power_of_ten(v: float) -> str:
    """Mathtext for a viscosity-like number: 1e19 -> $10^{19}$, 3e18 -> $3\\times10^{18}$."""
    if not np.isfinite(v):
        return "∞"
    e = int(np.floor(np.log10(v)))
    m = v / 10.0**e
    if abs(m - 1.0) < 1e-9:
        return f"$10^{{{e}}}$"
    return f"${m:.3g}\\times10^{{{e}}}$"


def time_label(t_s: float) -> str:
    """A time after the event in the unit a reader expects: hours, days or years."""
    if t_s < 86400.0 and t_s > 0:
        return f"{t_s / 3600.0:.3g} h"
    if t_s < 0.1 * YEAR and t_s > 0:
        return f"{t_s / 86400.0:.3g} days"
    return f"{t_s / YEAR:.4g} yr"


def canonical_title(solver: str, depth: float, eta_M: float, eta_K: float, t=None) -> str:
    """Two-line title naming the solver, the canonical Earth model and the parameters.

    depth [m], eta_M and eta_K [Pa s], t [s] (omitted when None)."""
    when = "" if t is None else f", t = {time_label(t)}"
    return (
        f"{solver}: canonical source (vertical strike-slip, potency 1 m³) at depth "
        f"{depth / 1e3:g} km{when}\n15 km elastic layer over a Burgers half-space, "
        f"$\\eta_M$ = {power_of_ten(eta_M)} Pa s, $\\eta_K$ = {power_of_ten(eta_K)} Pa s"
    )


def _map_panel(fig, ax, x_km, y_km, v, title, unit, xlabel, ylabel):
    lim = float(np.nanmax(np.abs(v))) if np.isfinite(v).any() else 0.0
    lim = lim or 1.0
    im = ax.pcolormesh(x_km, y_km, v, cmap="RdBu_r", vmin=-lim, vmax=lim, shading="auto")
    if np.ptp(v[np.isfinite(v)]) > 0:
        ax.contour(
            x_km, y_km, v, levels=np.linspace(-lim, lim, 11)[1:-1], colors="k", linewidths=0.3
        )
    ax.set_aspect("equal")
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.plot([0], [0], "k*", ms=8)
    cb = fig.colorbar(im, ax=ax, shrink=0.85, format="%.2g")
    cb.set_label(unit)


def displacement_maps(
    x,
    y,
    u,
    path,
    title: str = "",
    unit: str = "m",
    axes=("x along strike (km)", "y across strike (km)"),
) -> Path:
    """Draw ux, uy, uz maps side by side and save them to ``path``.

    Parameters
    ----------
    x : array_like, shape (nx,)
        Grid x coordinates (m).
    y : array_like, shape (ny,)
        Grid y coordinates (m).
    u : array_like, shape (ny, nx, 3)
        Displacement (ux, uy, uz) on the grid, in ``unit``.
    path : str or Path
        Output image file (format from its suffix, e.g. .png).
    axes : (str, str)
        Labels of the x and y axes (the frame), with units.
    """
    plt = _pyplot()
    x, y, u = np.asarray(x) / 1e3, np.asarray(y) / 1e3, np.asarray(u)
    fig, panels = plt.subplots(1, 3, figsize=(14, 4.6), constrained_layout=True)
    for k, (ax, name) in enumerate(zip(panels, ("u_x", "u_y", "u_z (up)"), strict=True)):
        _map_panel(fig, ax, x, y, u[..., k], f"${name[:3]}$" + name[3:], unit, *axes)
    if title:
        fig.suptitle(title)
    path = _savefig(fig, path)
    plt.close(fig)
    return path


def field_maps(
    x_km, y_km, u, u0, path, *, title: str = "", unit: str = "m", post: str = "u(t) − u(0)"
) -> Path:
    """Maps of (ux, uy, uz) at one time (top row) and of the postseismic part u - u0 (bottom).

    Parameters
    ----------
    x_km, y_km : ndarray, (nx,), (ny,)
        Grid axes [km] (x east, y north).
    u, u0 : ndarray, (ny, nx, 3)
        Displacement at time t and at t = 0, in ``unit``.
    path : str or Path
        Output image file.
    post : str
        Label of the bottom row (how u0 was computed).
    """
    plt = _pyplot()
    fig, axes = plt.subplots(2, 3, figsize=(14, 8.6), constrained_layout=True)
    names = ("$u_x$ (east)", "$u_y$ (north)", "$u_z$ (up)")
    for row, (field, label) in enumerate(((u, "u(t)"), (u - u0, post))):
        for c in range(3):
            _map_panel(
                fig,
                axes[row, c],
                x_km,
                y_km,
                field[..., c],
                f"{label}: {names[c]}",
                unit,
                "x east (km)",
                "y north (km)",
            )
    if title:
        fig.suptitle(title)
    path = _savefig(fig, path)
    plt.close(fig)
    return path


def point_maps(x, y, u, path, *, title: str = "", unit: str = "m") -> Path:
    """Displacement at scattered surface points, as a geodesist draws it: horizontal motion
    as arrows (with a key), vertical motion as the colour of each point.

    Parameters
    ----------
    x, y : ndarray (N,)
        Points [m] (x east, y north).
    u : ndarray (N, 3)
        Displacement in ``unit``.
    """
    plt = _pyplot()
    x, y, u = np.asarray(x) / 1e3, np.asarray(y) / 1e3, np.asarray(u)
    fig, ax = plt.subplots(figsize=(8, 7), constrained_layout=True)
    span = max(float(np.ptp(np.r_[x, 0.0])), float(np.ptp(np.r_[y, 0.0])), 10.0)
    uh = float(np.nanmax(np.hypot(u[:, 0], u[:, 1]))) if len(u) else 0.0
    uh = uh or 1.0
    scale = uh / (0.15 * span)  # the longest arrow is 15 % of the map
    q = ax.quiver(x, y, u[:, 0], u[:, 1], angles="xy", scale_units="xy", scale=scale, width=0.004)
    key = float(f"{uh:.1g}")
    ax.quiverkey(q, 0.85, 1.02, key, f"{key:g} {unit} horizontal", labelpos="W")
    lim = float(np.nanmax(np.abs(u[:, 2]))) if len(u) else 0.0
    sc = ax.scatter(
        x, y, c=u[:, 2], cmap="RdBu_r", vmin=-(lim or 1), vmax=lim or 1, s=40, edgecolors="k"
    )
    ax.plot([0], [0], "k*", ms=12)
    pad = 0.2 * span
    ax.set_xlim(min(x.min(), 0) - pad, max(x.max(), 0) + pad)
    ax.set_ylim(min(y.min(), 0) - pad, max(y.max(), 0) + pad)
    ax.set_aspect("equal")
    ax.set_xlabel("x east (km)")
    ax.set_ylabel("y north (km)")
    fig.colorbar(sc, ax=ax, shrink=0.8, format="%.2g").set_label(f"$u_z$ (up) ({unit})")
    if title:
        fig.suptitle(title)
    path = _savefig(fig, path)
    plt.close(fig)
    return path


def time_series(t, series, labels, path, *, title: str = "", unit: str = "m", marks=()) -> Path:
    """Time series u(t) - u(0) at chosen points, on a logarithmic time axis.

    Parameters
    ----------
    t : ndarray, (T,)
        Times [s], increasing, t[0] = 0 (the reference; the axis shows t > 0).
    series : ndarray, (Q, T, 3)
        Displacement in ``unit`` at Q points.
    labels : list of str, (Q,)
    marks : sequence of (float, str)
        Times [s] to mark with a dotted line and a label (e.g. relaxation times).
    """
    plt = _pyplot()
    t_yr = np.asarray(t) / YEAR
    show = t_yr > 0
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.4), constrained_layout=True)
    for c, name in enumerate(("u_x", "u_y", "u_z")):
        ax = axes[c]
        for q, lab in enumerate(labels):
            ax.semilogx(
                t_yr[show],
                (series[q, :, c] - series[q, 0, c])[show],
                marker="o" if show.sum() < 40 else None,  # sparse samples: show where they are
                ms=3,
                label=lab,
            )
        for tm, text in marks:
            if t_yr[show].min() <= tm / YEAR <= t_yr.max():
                ax.axvline(tm / YEAR, color="0.5", ls=":", lw=1)
                ax.text(
                    tm / YEAR,
                    0.02,
                    text,
                    rotation=90,
                    fontsize=7,
                    color="0.3",
                    transform=ax.get_xaxis_transform(),
                    ha="right",
                    va="bottom",
                )
        ax.axhline(0.0, color="0.8", lw=0.8, zorder=0)
        ax.set_xlabel("time after the event (yr)")
        ax.set_ylabel(f"${name}(t) - {name}(0)$ ({unit})")
        ax.grid(True, which="major", alpha=0.3)
    axes[0].legend(fontsize=8)
    if title:
        fig.suptitle(title)
    path = _savefig(fig, path)
    plt.close(fig)
    return path


def seed_table_figure(rows, path, *, title: str = "The seed paper's table on this machine") -> None:
    """Bar chart (log scale) of the full-test-set seconds of each ``bench seed`` row, and the
    accuracy of each surrogate row against the exact solver (relative to the postseismic
    signal and to the total field)."""
    plt = _pyplot()
    timed = [r for r in rows if r.get("extrapolated_full_seconds")]
    labels = [
        f"{r['impl']}\n{r['device']} {r['threads']} thr"
        if r["impl"] != "seed-paper"
        else f"seed paper\n{r['notes'].split(',')[0]}"
        for r in timed
    ]
    colours = {
        "seed-paper": "0.6",
        "exact": "tab:red",
        "viscoann": "tab:blue",
        "torch": "tab:orange",
        "onnxruntime": "tab:green",
    }
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
    bx.bar(
        range(len(acc)),
        [100 * r["relative_to_postseismic"] for r in acc],
        label="vs postseismic |u(t) - u(0)|",
    )
    bx.bar(
        range(len(acc)),
        [100 * r["relative_to_total"] for r in acc],
        alpha=0.7,
        label="vs total |u|",
    )
    bx.set_xticks(range(len(acc)), [f"{r['device']} {r['threads']}" for r in acc], fontsize=7)
    bx.set_ylabel("mean |residual| vs exact (%)")
    bx.legend(fontsize=7)
    bx.set_title("accuracy on the exact pairs")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


# ---- training figures (seed Figs. 2 and 3) --------------------------------------------


def _figure(w: float, h: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(w, h), layout="constrained")


def _save(fig, path) -> Path:
    return _savefig(fig, path)


def training_curves(histories: dict[str, list[dict]], path) -> Path:
    """Training and validation loss per epoch, one colour per run.

    histories : {label: [{"epoch", "train_loss", "val_loss"}, ...]} (``history.json``).
    """
    fig = _figure(6.5, 4.0)
    ax = fig.add_subplot()
    for i, (label, hist) in enumerate(histories.items()):
        ep = [h["epoch"] + 1 for h in hist]
        c = f"C{i}"
        ax.semilogy(ep, [h["train_loss"] for h in hist], "o-", color=c, label=f"{label} train")
        ax.semilogy(ep, [h["val_loss"] for h in hist], "s--", color=c, label=f"{label} val")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss (scaled target)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    return _save(fig, path)


def _map(ax, fig, x, y, v, title, vmax=None, cmap="RdBu_r"):
    n = int(round(np.sqrt(len(x))))
    vmax = float(np.max(np.abs(v))) if vmax is None else vmax
    im = ax.pcolormesh(
        x.reshape(n, n) / 1e3,
        y.reshape(n, n) / 1e3,
        v.reshape(n, n),
        cmap=cmap,
        vmin=-vmax,
        vmax=vmax,
        shading="auto",
    )
    ax.set_aspect("equal")
    ax.set_title(title, fontsize=9)
    ax.tick_params(labelsize=7)
    fig.colorbar(im, ax=ax, shrink=0.8).ax.tick_params(labelsize=7)


def elastic_warmup(result: dict, path, component: int = 2) -> Path:
    """Seed Fig. 2: Okada truth, ANN predictions and residuals for each training-set size,
    and mean absolute residual against the number of training points.

    result : output of :func:`viscoann.experiments.elastic_warmup`.
    component : 0, 1, 2 for ux, uy, uz.
    """
    names = ("u_x", "u_y", "u_z")
    runs = result["runs"]
    x, y, truth = result["x"], result["y"], result["truth"][:, component]
    fig = _figure(4.0 * (len(runs) + 1), 7.0)
    axs = fig.subplots(2, len(runs) + 1)
    vmax = float(np.max(np.abs(truth)))
    _map(
        axs[0, 0],
        fig,
        x,
        y,
        truth,
        f"Okada ${names[component]}$ (m/m³), depth {result['depth'] / 1e3:g} km",
        vmax,
    )
    for i, r in enumerate(runs):
        _map(
            axs[0, i + 1],
            fig,
            x,
            y,
            r["pred"][:, component],
            f"ANN, {r['n_points']:,} points",
            vmax,
        )
        res = r["pred"][:, component] - truth
        _map(axs[1, i + 1], fig, x, y, res, f"residual, {r['n_points']:,} points")
    ax = axs[1, 0]
    n = [r["n_points"] for r in runs]
    ax.loglog(n, [r["mean_abs_residual"] for r in runs], "o-", label="mean |residual|")
    ax.axhline(result["mean_abs_u"], color="k", ls=":", label="mean |u|")
    ax.set_xlabel("training points")
    ax.set_ylabel("m per m³ potency")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    for a in axs[:, 1:].ravel():
        a.set_xlabel("x (km)", fontsize=8)
    return _save(fig, path)


def canonical_residuals(metrics: dict[str, dict], path, time_index: int = -1) -> Path:
    """Seed Fig. 3: mean absolute residual against the exact solver on the test grid per
    depth, per time and per viscosity structure (one line per surrogate, the mean
    postseismic signal |u(t) - u(0)| dashed), and residual maps of each surrogate.

    metrics : {label: output of :func:`viscoann.evaluate.evaluate` (or ``evaluate.load``)}.
    """
    labels = list(metrics)
    first = metrics[labels[0]]
    fig = _figure(4.2 * max(3, len(labels) + 1), 8.0)
    gs = fig.add_gridspec(2, max(3, len(labels) + 1))
    panels = [
        ("per_depth", first["depths"] / 1e3, "source depth (km)"),
        ("per_time", first["times"] / YEAR, "time (yr)"),
        ("per_eta", np.arange(len(first["etas"])), "viscosity structure"),
    ]
    for j, (key, xv, xl) in enumerate(panels):
        ax = fig.add_subplot(gs[0, j])
        for i, lab in enumerate(labels):
            m = metrics[lab]
            ax.semilogy(
                xv, m[key], "o-", ms=3, color=f"C{i}", label=f"{lab}: {m['mean_abs_residual']:.2e}"
            )
        ax.semilogy(xv, first[key + "_postseismic"], "k--", label="mean |u(t) - u(0)|")
        ax.set_xlabel(xl)
        ax.set_ylabel("mean |residual| (m/m³)")
        ax.grid(True, which="both", alpha=0.3)
        if key == "per_eta":
            ax.set_xticks(xv)
            ax.set_xticklabels(
                [f"{np.log10(a):.1f} / {np.log10(b):.1f}" for a, b in first["etas"]],
                fontsize=6,
                rotation=90,
            )
            ax.set_xlabel("log10 η_M / log10 η_K")
        ax.legend(fontsize=7)
    shard = next(iter(first["maps"]), None)
    if shard is not None:
        d, e = (int(v) for v in shard.split(","))
        t = time_index % len(first["times"])
        truth = first["maps"][shard]["truth"][t, :, 1]
        ax = fig.add_subplot(gs[1, 0])
        _map(
            ax,
            fig,
            first["x"],
            first["y"],
            truth,
            f"exact $u_y$, depth {first['depths'][d] / 1e3:g} km, "
            f"t = {first['times'][t] / YEAR:.3g} yr",
            None,
        )
        for i, lab in enumerate(labels):
            mp = metrics[lab]["maps"].get(shard)
            if mp is None:
                continue
            ax = fig.add_subplot(gs[1, i + 1])
            _map(
                ax,
                fig,
                first["x"],
                first["y"],
                mp["pred"][t, :, 1] - truth,
                f"{lab}: residual $u_y$",
            )
    return _save(fig, path)


def fault_postseismic_map(east, north, du, fault, path, *, names=None, title: str = "") -> Path:
    """Map of the postseismic displacement u(t) - u(0) at stations, with the fault.

    Horizontal components as arrows, the vertical as the colour of each station; each patch's
    surface projection is outlined and its top edge (the trace when it reaches the surface)
    drawn thick.

    Parameters
    ----------
    east, north : ndarray, (S,)
        Stations [m], ENU.
    du : ndarray, (S, 3)
        u(t) - u(0) [m] (east, north, up).
    fault : iterable of RectangularFault
    path : str or Path
    names : list of str, optional
        Station labels.
    """
    e, n, du = np.asarray(east) / 1e3, np.asarray(north) / 1e3, np.asarray(du)
    fig = _figure(7.5, 6.5)
    ax = fig.subplots()
    for k, patch in enumerate(fault):
        c = patch.corners() / 1e3
        ring = np.vstack([c, c[:1]])
        ax.plot(ring[:, 0], ring[:, 1], color="0.5", lw=0.6)
        ax.plot(c[:2, 0], c[:2, 1], color="k", lw=2.0, label="fault top" if k == 0 else None)
    lim = float(np.nanmax(np.abs(du[:, 2]))) or 1.0
    sc = ax.scatter(e, n, c=du[:, 2], cmap="RdBu_r", vmin=-lim, vmax=lim, s=40, ec="k", lw=0.4)
    h = np.hypot(du[:, 0], du[:, 1])
    ref = float(np.nanmax(h)) or 1.0
    # The longest arrow is a tenth of the axes' width; the margins keep arrows inside.
    q = ax.quiver(e, n, du[:, 0], du[:, 1], angles="xy", scale_units="width", scale=10 * ref)
    ax.quiverkey(q, 0.12, 0.94, ref, f"{ref:.2e} m", labelpos="E", coordinates="axes")
    ax.margins(0.15)
    if names is not None:
        for x, y, s in zip(e, n, names, strict=True):
            ax.annotate(s, (x, y), xytext=(3, 3), textcoords="offset points", fontsize=7)
    fig.colorbar(sc, ax=ax, shrink=0.8, label="up [m]")
    ax.set_aspect("equal")
    ax.set_xlabel("east [km]")
    ax.set_ylabel("north [km]")
    ax.legend(loc="lower left", fontsize=8)
    if title:
        ax.set_title(title)
    return _save(fig, path)


def station_series(t_yr, u, names, path, *, title: str = "", max_stations: int = 12) -> Path:
    """Time series u(t) - u(0) per station (east, north, up), one panel per station.

    Parameters
    ----------
    t_yr : ndarray, (T,)
        Times [yr].
    u : ndarray, (T, S, 3)
        Displacement [m] (east, north, up).
    names : list of str, (S,)
    path : str or Path
    max_stations : int
        Panels drawn (the first stations).
    """
    u = np.asarray(u)
    s = min(u.shape[1], max_stations)
    cols = min(s, 3)
    rows = -(-s // cols)
    fig = _figure(4.0 * cols, 2.8 * rows)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    for k in range(s):
        ax = axes[k]
        for c, (lab, col) in enumerate((("east", "C0"), ("north", "C1"), ("up", "C2"))):
            ax.plot(t_yr, u[:, k, c] - u[0, k, c], color=col, label=lab)
        ax.set_title(names[k], fontsize=9)
        ax.set_xlabel("t [yr]")
        ax.set_ylabel("u(t) − u(0) [m]")
    for ax in axes[s:]:
        ax.set_visible(False)
    axes[0].legend(fontsize=7)
    if title:
        fig.suptitle(title)
    return _save(fig, path)


# ---- workflows: cycles and fits ----------------------------------------------------------


def cycle_profiles(y_km, curves, path, *, title: str = "", reference=None) -> Path:
    """Savage & Prescott's figure: velocity v T / b against distance from the fault at several
    phases of the cycle, one panel per T/tau.

    ``curves``: {panel title: {phase label: (v T/b (Y,))}}; ``reference``: the same layout
    (e.g. the 2-D image series), drawn as dashed lines.
    """
    n = len(curves)
    fig = _figure(3.6 * n, 3.4)
    axes = np.atleast_1d(fig.subplots(1, n, squeeze=False)).ravel()
    for ax, (panel, rows) in zip(axes, curves.items(), strict=True):
        for k, (label, v) in enumerate(rows.items()):
            ax.plot(y_km, v, color=f"C{k}", marker="o", ms=3, label=label)
            if reference is not None:
                ax.plot(y_km, reference[panel][label], color=f"C{k}", ls="--", lw=1)
        ax.set_title(panel, fontsize=10)
        ax.set_xlabel("distance from the fault [km]")
        ax.set_ylabel("v T / b")
    legend = "t / T (— 3-D, -- 2-D)" if reference is not None else "t / T"
    axes[0].legend(fontsize=7, title=legend, title_fontsize=7)
    if title:
        fig.suptitle(title, fontsize=10)
    return _save(fig, path)


def fit_series(t_yr, u, sigma, predicted, names, path, *, title: str = "", max_stations=6):
    """Per station: data with 1-sigma bars and the model (east, north, up), and below the
    residuals in units of sigma."""
    u, sigma, predicted = (np.asarray(a) for a in (u, sigma, predicted))
    s = min(u.shape[1], max_stations)
    fig = _figure(3.4 * s, 5.0)
    axes = fig.subplots(2, s, squeeze=False, sharex=True)
    for k in range(s):
        top, bot = axes[0, k], axes[1, k]
        for c, lab in enumerate(("east", "north", "up")):
            col = f"C{c}"
            top.errorbar(t_yr, u[:, k, c], sigma[:, k, c], fmt="o", ms=2, color=col, lw=0.6)
            top.plot(t_yr, predicted[:, k, c], color=col, label=lab)
            bot.plot(t_yr, (u[:, k, c] - predicted[:, k, c]) / sigma[:, k, c], "o", ms=2, color=col)
        top.set_title(names[k], fontsize=9)
        bot.axhline(0.0, color="k", lw=0.5)
        bot.set_xlabel("t [yr]")
    axes[0, 0].set_ylabel("u [m]")
    axes[1, 0].set_ylabel("residual / σ")
    axes[0, 0].legend(fontsize=7)
    if title:
        fig.suptitle(title, fontsize=10)
    return _save(fig, path)


def posterior_corner(samples, labels, path, *, truths=None) -> Path:
    """Posterior corner plot of MCMC samples (n, K): the ``corner`` package's when it is
    installed, else histograms and pairwise scatter drawn here."""
    samples = np.asarray(samples)
    try:
        import corner
    except ImportError:
        corner = None
    if corner is not None:
        _pyplot()
        fig = corner.corner(samples, labels=list(labels), truths=truths)
        return _savefig(fig, path)
    k = samples.shape[1]
    fig = _figure(2.4 * k, 2.4 * k)
    axes = fig.subplots(k, k, squeeze=False)
    for i in range(k):
        for j in range(k):
            ax = axes[i, j]
            if j > i:
                ax.set_visible(False)
            elif i == j:
                ax.hist(samples[:, i], bins=40, color="C0")
                if truths is not None:
                    ax.axvline(truths[i], color="C3")
            else:
                ax.plot(samples[:, j], samples[:, i], ",", alpha=0.3, color="C0")
                if truths is not None:
                    ax.plot(truths[j], truths[i], "s", color="C3", ms=4)
            if i == k - 1:
                ax.set_xlabel(labels[j])
            if j == 0 and i > 0:
                ax.set_ylabel(labels[i])
    return _save(fig, path)
