"""``viscoann solve``: the exact solver's field of the canonical source on a grid, maps, and
time series at chosen points sampled densely near t = 0."""

from __future__ import annotations

import math
import sys

from . import solve_fault
from .cli_options import (
    CANONICAL_MODEL,
    CANONICAL_SOURCE,
    DATA_SUFFIXES,
    ENU,
    FLAT_EARTH_KM,
    FLAT_WHY,
    OUTPUT_RULES,
    UsageError,
    add_canonical_options,
    available_memory,
    canonical_grid_field,
    canonical_values,
    check_memory,
    check_outputs,
    command_line,
    fmt,
    modules_for,
    progress_bar,
    require,
    sample_coords,
    wrote,
)
from .conventions import YEAR


def add(sub):
    p = sub.add_parser(
        "solve",
        help="exact layered viscoelastic field of the canonical source on a grid",
        description="Canonical model (15 km elastic layer over a Burgers half-space, mu = 30 "
        "GPa), canonical source (vertical strike-slip along +x, potency 1 m^3): the exact "
        "solver's field on an n x n surface grid (x east, y north) at every depth and time, "
        "optional maps and time series at chosen points.",
        epilog=OUTPUT_RULES,
    )
    add_canonical_options(p, grid_help="grid")
    p.add_argument("--out", help="the field: .h5/.hdf5, .csv, or - (CSV on stdout)")
    p.add_argument("--plot", help="image: maps of u at the last time and of u(t) - u(0)")
    p.add_argument(
        "--profile",
        action="append",
        default=[],
        metavar="X_KM,Y_KM",
        help="time series at this point (repeatable), sampled densely near t = 0",
    )
    p.add_argument("--profile-out", help="the time series: .h5/.hdf5, .csv or - (default: -)")
    p.add_argument("--profile-plot", help="image of the time series (log time axis)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    solve_fault.add_arguments(p)  # --fault/--stations: a user's fault at stations
    p.set_defaults(func=_cmd_solve)


# A call costs a fixed part per depth (wavenumber kernels, tables; 0.4 s on an 81 x 81 grid)
# and little per time, so times are split into calls only when there are many of them.
_MIN_TIMES_PER_CALL = 16


def _check_solve(args) -> dict:
    c = canonical_values(args)
    c["profile"] = _profile_points(args.profile)
    for option in ("--profile-out", "--profile-plot"):
        if getattr(args, option[2:].replace("-", "_")) and not args.profile:
            raise UsageError(f"{option} needs --profile X_KM,Y_KM")
    if not (args.out or args.plot or args.profile):
        args.out = "-"
    if args.profile and not args.profile_out:
        args.profile_out = "-"
    require("solve", *modules_for(args, (args.plot, args.profile_plot)))
    check_outputs(
        [
            ("--out", args.out, DATA_SUFFIXES),
            ("--plot", args.plot, "image"),
            ("--profile-out", args.profile_out, DATA_SUFFIXES),
            ("--profile-plot", args.profile_plot, "image"),
        ]
    )
    D, T, n = len(c["depths"]), len(c["times"]), c["n"]
    per_point = 24 * D * T + (24 if args.plot else 0) + 64
    check_memory(
        f"--n {n} with {D} depth(s) x {T} time(s)",
        per_point * n * n,
        per_point,
        f"grid points, i.e. --n <= {int(math.sqrt(0.8 * available_memory() / per_point)):,}",
        "a smaller --n or fewer depths/times",
    )
    return c


def _profile_points(specs) -> list[tuple[float, float]]:
    pts = []
    for spec in specs:
        try:
            xk, yk = (float(v) for v in spec.split(","))
        except ValueError:
            raise UsageError(
                f"--profile {spec.strip()!r} is invalid; allowed: X_KM,Y_KM, e.g. 20,10"
            ) from None
        r = math.hypot(xk, yk)
        if not math.isfinite(r) or r > FLAT_EARTH_KM:
            raise UsageError(
                f"--profile {spec.strip()} is invalid ({fmt(r)} km from the source); allowed: "
                f"finite X_KM,Y_KM within {FLAT_EARTH_KM:g} km{FLAT_WHY}"
            )
        pts.append((xk * 1e3, yk * 1e3))
    return pts


def _exact_grid(x, y, depths, times, eta, progress: bool):
    """exact.grid, one call per depth (and per block of times when there are many), with a
    progress bar."""
    import numpy as np

    from . import exact

    u = np.empty((len(depths), len(times), len(x), 3))
    bar = progress_bar(progress, len(depths) * len(times), "solve", "time")
    try:
        for d, depth in enumerate(depths):
            step = max(_MIN_TIMES_PER_CALL, -(-len(times) // 8))
            for a in range(0, len(times), step):
                b = min(len(times), a + step)
                u[d, a:b] = exact.grid(x, y, [depth], times[a:b], [eta])[0, 0]
                bar.update(b - a)
    finally:
        bar.close()
    return u


def _cmd_solve(args) -> int:
    if args.fault or args.stations:
        return solve_fault.run(args)
    import numpy as np

    from . import field_io

    c = _check_solve(args)
    axis = np.linspace(-c["extent"], c["extent"], c["n"])
    X, Y = np.meshgrid(axis, axis)
    depths, times, eta = c["depths"], c["times"], c["eta"]
    D, T, P = len(depths), len(times), X.size
    print(f"solve: {D} depth(s) x {T} time(s) x {P:,} points", file=sys.stderr)
    progress = not args.no_progress
    u = _exact_grid(X.ravel(), Y.ravel(), depths, times, eta, progress)  # (D, T, P, 3)
    command = command_line(args)
    if args.out:
        field = canonical_grid_field(axis, depths, times, eta, u, ENU, CANONICAL_SOURCE, command)
        field.attrs["model"] = CANONICAL_MODEL
        field_io.write(args.out, field)
        wrote("solve", args.out)
    if args.plot:
        from . import plot

        u0 = (
            u[0, times.index(0.0)]
            if 0.0 in times
            else _exact_grid(X.ravel(), Y.ravel(), depths[:1], [0.0], eta, False)[0, 0]
        )
        shape = (c["n"], c["n"], 3)
        plot.field_maps(
            axis / 1e3,
            axis / 1e3,
            u[0, -1].reshape(shape),
            u0.reshape(shape),
            args.plot,
            title=plot.canonical_title("Exact solver", depths[0], *eta, t=times[-1]),
        )
        wrote("solve", args.plot)
    if args.profile:
        _profile(args, c["profile"], depths[0], eta, max(max(times), YEAR), command)
    return 0


def series_times(t_end: float, n: int = 120) -> list[float]:
    """t = 0 and ``n`` times log-spaced over four decades up to ``t_end`` [s]: dense where
    postseismic motion is fastest (a linear axis would put one sample in the first year)."""
    import numpy as np

    t = np.logspace(np.log10(t_end) - 4.0, np.log10(t_end), n)
    t[-1] = t_end  # exactly, not 10**log10(t_end)
    return [0.0, *t]


def _profile(args, pts, depth, eta, t_end, command) -> None:
    import numpy as np

    from . import field_io
    from .earth import EarthModel
    from .field_io import Field, Variable

    t = np.asarray(series_times(t_end))
    px, py = np.array([p[0] for p in pts]), np.array([p[1] for p in pts])
    u = _exact_grid(px, py, [depth], t, eta, not args.no_progress)[0]  # (T, Q, 3)
    Q, T = len(pts), t.size
    rows = {
        "x": np.tile(px, T),
        "y": np.tile(py, T),
        "depth": np.full(Q * T, depth),
        "t": np.repeat(t, Q),
        "eta_M": np.full(Q * T, eta[0]),
        "eta_K": np.full(Q * T, eta[1]),
    }
    field = Field(
        Variable(u.reshape(-1, 3), "m", "displacement of a source of potency 1 m^3", ("sample",)),
        sample_coords(rows),
        "samples",
        tuple(rows),
        attrs={"frame": ENU, "source": CANONICAL_SOURCE, "command": command},
    )
    field_io.write(args.profile_out, field)
    wrote("solve", args.profile_out)
    if args.profile_plot:
        from . import plot

        hs = EarthModel.canonical(*eta).halfspace.rheology
        marks = [(eta[0] / hs.mu_M, r"$\eta_M/\mu_M$"), (eta[1] / hs.mu_K, r"$\eta_K/\mu_K$")]
        plot.time_series(
            t,
            np.transpose(u, (1, 0, 2)),
            [f"({x / 1e3:g}, {y / 1e3:g}) km" for x, y in pts],
            args.profile_plot,
            title=plot.canonical_title("Exact solver", depth, *eta),
            marks=[m for m in marks if np.isfinite(m[0])],
        )
        wrote("solve", args.profile_plot)
