"""``viscoann okada``: the elastic half-space field of an Okada point source or rectangle on a
surface grid (Okada 1992), in Okada's frame."""

from __future__ import annotations

import math

from .cli_options import (
    DATA_SUFFIXES,
    FLAT_EARTH_KM,
    FLAT_WHY,
    OUTPUT_RULES,
    UsageError,
    available_memory,
    check_count,
    check_extent,
    check_memory,
    check_outputs,
    check_values,
    command_line,
    fmt,
    modules_for,
    require,
    warnings_to_stderr,
    wrote,
)


def add(sub):
    p = sub.add_parser(
        "okada",
        help="elastic half-space field of a source on a surface grid (Okada 1992)",
        description="Displacement of an Okada point source (DC3D0) or rectangle (DC3D) on a "
        "square grid of the free surface, in Okada's frame (x along strike, y across, z up). "
        "Defaults: the canonical source, vertical strike-slip, potency 1 m^3. A singular grid "
        "point (on a fault edge) is NaN, with a warning.",
        epilog=OUTPUT_RULES,
    )
    p.add_argument("--depth-km", type=float, default=10.0, help="source depth (km, > 0)")
    p.add_argument("--dip", type=float, default=90.0, help="dip (degrees, 0-90)")
    p.add_argument(
        "--potency",
        type=float,
        nargs=4,
        default=[1.0, 0.0, 0.0, 0.0],
        metavar=("SS", "DS", "TENS", "INFL"),
        help="potencies (m^3): strike-slip, dip-slip, tensile, inflation",
    )
    p.add_argument(
        "--rectangle-km",
        type=float,
        nargs=4,
        metavar=("AL1", "AL2", "AW1", "AW2"),
        help="a finite rectangle instead of a point source (DC3D): extent along "
        "strike and up-dip from the reference point at --depth-km (km)",
    )
    p.add_argument(
        "--slip",
        type=float,
        nargs=3,
        default=[1.0, 0.0, 0.0],
        metavar=("SS", "DS", "TENS"),
        help="rectangle slip (m): strike-slip, dip-slip, tensile",
    )
    p.add_argument("--alpha", type=float, default=2 / 3, help="(lambda+mu)/(lambda+2mu), in (0, 1)")
    p.add_argument(
        "--extent-km",
        type=float,
        default=50.0,
        help=f"grid half-width (km, at most {FLAT_EARTH_KM / math.sqrt(2):.0f})",
    )
    p.add_argument("--n", type=int, default=101, help="grid points per axis")
    p.add_argument("--out", help="the field: .h5/.hdf5, .csv, or - (default: CSV on stdout)")
    p.add_argument("--plot", help="image of the ux, uy, uz maps (e.g. map.png)")
    p.set_defaults(func=_cmd_okada)


def _check_okada(args) -> None:
    check_values(
        "--depth-km", args.depth_km, unit="km", lo=0, lo_open=True, hi=FLAT_EARTH_KM, why=FLAT_WHY
    )
    check_values("--dip", args.dip, unit="degrees", lo=0, hi=90)
    check_values("--alpha", args.alpha, lo=0, lo_open=True, hi=1, hi_open=True)
    check_values("--potency", args.potency, unit="m^3")
    if args.rectangle_km:
        check_values("--rectangle-km", args.rectangle_km, unit="km")
        check_values("--slip", args.slip, unit="m")
        aw2 = args.rectangle_km[3]
        top = args.depth_km - aw2 * math.sin(math.radians(args.dip))
        if top < 0:
            raise UsageError(
                f"--rectangle-km AW2 = {fmt(aw2)} puts the fault's top {fmt(-top)} km above "
                f"the surface; allowed: AW2 <= depth / sin(dip) = "
                f"{fmt(args.depth_km / max(math.sin(math.radians(args.dip)), 1e-300))} km"
            )
    check_extent(args.extent_km)
    n = check_count("--n", args.n, 2)
    if not (args.out or args.plot):
        args.out = "-"
    require("okada", *modules_for(args, (args.plot,)))
    check_outputs([("--out", args.out, DATA_SUFFIXES), ("--plot", args.plot, "image")])
    per_point = 24 * 2 + 16
    check_memory(
        f"--n {n}",
        per_point * n * n,
        per_point,
        f"grid points, i.e. --n <= {int(math.sqrt(0.8 * available_memory() / per_point)):,}",
        "a smaller --n",
    )


def _cmd_okada(args) -> int:
    import numpy as np

    from . import field_io, okada
    from .field_io import Field, Variable

    _check_okada(args)
    depth, extent = args.depth_km * 1e3, args.extent_km * 1e3  # km -> m, here at the edge
    x = np.linspace(-extent, extent, args.n)
    y = np.linspace(-extent, extent, args.n)
    gx, gy = np.meshgrid(x, y, indexing="xy")
    params = {
        "depth": Variable(np.float64(depth), "m", "source depth (positive down)"),
        "dip": Variable(np.float64(args.dip), "degree", "dip of the source plane"),
        "alpha": Variable(np.float64(args.alpha), "1", "(lambda + mu) / (lambda + 2 mu)"),
    }
    with warnings_to_stderr("okada"):
        if args.rectangle_km:
            al1, al2, aw1, aw2 = (v * 1e3 for v in args.rectangle_km)
            u = okada.rectangle(
                gx, gy, 0.0, depth, args.dip, al1, al2, aw1, aw2, args.slip, alpha=args.alpha
            )
            box = ", ".join(f"{v:g}" for v in args.rectangle_km)
            slip = ", ".join(f"{v:g}" for v in args.slip)
            source = f"rectangle (AL1, AL2, AW1, AW2) = ({box}) km, slip ({slip}) m"
            params["rectangle"] = Variable(
                np.asarray(args.rectangle_km) * 1e3,
                "m",
                "AL1, AL2 (along strike), AW1, AW2 (up dip)",
            )
            params["slip"] = Variable(np.asarray(args.slip), "m", "strike-slip, dip-slip, tensile")
        else:
            u = okada.point(gx, gy, 0.0, depth, args.dip, args.potency, alpha=args.alpha)
            pot = ", ".join(f"{v:g}" for v in args.potency)
            source = f"point source, potency (SS, DS, tensile, inflation) = ({pot}) m³"
            params["potency"] = Variable(
                np.asarray(args.potency), "m^3", "strike-slip, dip-slip, tensile, inflation"
            )
    frame = "Okada 1992: x along strike, y across strike, z up; points on the free surface"
    if args.out:
        field = Field(
            Variable(u, "m", "displacement", ("y", "x")),
            {
                "x": Variable(x, "m", "x, along strike", ("x",)),
                "y": Variable(y, "m", "y, across strike", ("y",)),
                **params,
            },
            "grid",
            ("x", "y"),
            attrs={"frame": frame, "source": f"Okada {source}", "command": command_line(args)},
        )
        field_io.write(args.out, field)
    if args.plot:
        from .plot import displacement_maps

        title = (
            f"Okada (1992) elastic half-space, {source}\ndepth {args.depth_km:g} km, "
            f"dip {args.dip:g}°, (λ+μ)/(λ+2μ) = {args.alpha:.3g}"
        )
        displacement_maps(x, y, u, args.plot, title=title)
        wrote("okada", args.plot)
    if args.out:
        wrote("okada", args.out)
    return 0
