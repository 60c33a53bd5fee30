"""The ``viscoann solve --fault`` workflow: a fault and stations from files, time series out.

Reads the fault (:meth:`viscoann.Fault.from_file`) and the stations
(:meth:`viscoann.Stations.from_file`), solves an elastic lid over a Burgers half-space
(:func:`viscoann.exact_sources.displacement`) and writes the time series (the project's one
series layout, field_io.write_series: NetCDF-4/HDF5 or CSV, each written to a temporary file
and renamed) and the figures (a postseismic map at the last time
with the fault, the time series per station). cli.py only wires the arguments.
"""

from __future__ import annotations

import sys

import numpy as np

from . import field_io
from .cli_options import canonical_values, check_outputs, require
from .conventions import YEAR as YEAR_S
from .field_io import SERIES_SUFFIXES

__all__ = ["add_arguments", "run"]


def add_arguments(p) -> None:
    """The options of ``solve --fault`` (the rest are shared with ``solve``)."""
    p.add_argument("--fault", help="fault patches, CSV or JSON (columns: viscoann.Fault.from_file)")
    p.add_argument("--stations", help="stations CSV (name, east_km/north_km or lon_deg/lat_deg)")
    p.add_argument("--origin", metavar="LON,LAT", help="projection origin for lon/lat files [deg]")
    p.add_argument(
        "--lid-km", type=float, default=15.0, help="elastic layer thickness with --fault [km]"
    )
    p.add_argument("--tol", type=float, default=1e-6, help="quadrature tolerance with --fault")
    p.add_argument("--series-plot", help="PNG of the time series per station (with --fault)")


def _origin(text):
    if text is None:
        return None
    try:
        lon, lat = (float(v) for v in text.split(","))
    except ValueError:
        raise ValueError(f"--origin = {text!r} is invalid; allowed: LON,LAT in degrees") from None
    return lon, lat


def _model(lid_km, eta_m, eta_k):
    from .earth import EarthModel

    if not lid_km > 0:
        raise ValueError(f"--lid-km = {lid_km} is invalid; allowed: > 0")
    return EarthModel.family(eta_m, eta_k, H=lid_km * 1e3)


def run(args) -> int:
    """Run ``solve --fault``; ``args`` from the ``solve`` parser."""
    from . import exact_sources
    from .sources import Fault
    from .stations import Stations

    if not (args.fault and args.stations):
        raise ValueError("--fault and --stations go together; allowed: both files")
    # Every option and output is checked before any work (the CLI's one rule, cli_options).
    c = canonical_values(args)
    check_outputs(
        [
            ("--out", args.out, SERIES_SUFFIXES),
            ("--plot", args.plot, "image"),
            ("--series-plot", args.series_plot, "image"),
        ]
    )
    images = args.plot or args.series_plot
    netcdf = args.out and not args.out.lower().endswith(".csv")
    require(
        "solve",
        "pyproj",
        *(["matplotlib"] if images else []),
        *(["xarray", "h5netcdf"] if netcdf else []),
    )
    origin = _origin(args.origin)
    model = _model(args.lid_km, *c["eta"])
    fault = Fault.from_file(args.fault, origin=origin)
    stations = Stations.from_file(args.stations, origin=origin)
    times = np.array(sorted(set(c["times"])))
    print(
        f"solving {len(fault)} patch(es) x {len(stations)} station(s) x {times.size} time(s)",
        file=sys.stderr,
    )
    u = exact_sources.displacement(model, fault, stations, times, tol=args.tol, progress=True)
    title = f"eta_M = {c['eta'][0]:g}, eta_K = {c['eta'][1]:g} Pa s, lid {args.lid_km:g} km"
    # One layout for every station time series (field_io): NetCDF-4/HDF5 or CSV.
    if args.out:
        attrs = {"model": title, "fault": str(args.fault), "quantity": "displacement"}
        field_io.write_series(args.out, times, stations, {"u": u}, "m", attrs=attrs)
    else:
        field_io.write_series_csv(sys.stdout, times, stations, {"u": u}, "m")
    if args.plot:
        from . import plot

        plot.fault_postseismic_map(
            stations.east,
            stations.north,
            u[-1] - u[0],
            fault,
            args.plot,
            names=stations.names,
            title=f"u(t) − u(0) at t = {times[-1] / YEAR_S:g} yr; {title}",
        )
    if args.series_plot:
        from . import plot

        plot.station_series(times / YEAR_S, u, stations.names, args.series_plot, title=title)
    return 0
