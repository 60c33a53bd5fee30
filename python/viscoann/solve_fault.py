"""The ``viscoann solve --fault`` workflow: a fault and stations from files, time series out.

Reads the fault (:meth:`viscoann.Fault.from_file`) and the stations
(:meth:`viscoann.Stations.from_file`), solves an elastic lid over a Burgers half-space
(:func:`viscoann.exact_sources.displacement`) and writes the time series (HDF5 or CSV, each
written to a temporary file and renamed) and the figures (a postseismic map at the last time
with the fault, the time series per station). cli.py only wires the arguments.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

from .cli_options import DATA_SUFFIXES, canonical_values, check_outputs, require
from .conventions import YEAR as YEAR_S

__all__ = ["add_arguments", "run", "write_series"]


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
            ("--out", args.out, DATA_SUFFIXES),
            ("--plot", args.plot, "image"),
            ("--series-plot", args.series_plot, "image"),
        ]
    )
    images = args.plot or args.series_plot
    require("solve", "pyproj", *(["matplotlib"] if images else []), *(["h5py"] if args.out else []))
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
    if args.out:
        write_series(args.out, stations, times, u, attrs={"model": title, "fault": args.fault})
    else:
        sys.stdout.write(_csv_text(stations, times, u))
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


def _csv_text(stations, times, u) -> str:
    lines = ["station,east_m,north_m,t_s,ue_m,un_m,uz_m"]
    for s, name in enumerate(stations.names):
        for it, t in enumerate(times):
            vals = (stations.east[s], stations.north[s], t, *u[it, s])
            lines.append(name + "," + ",".join(f"{v:.17g}" for v in vals))
    return "\n".join(lines) + "\n"


def write_series(path, stations, times, u, attrs=None) -> Path:
    """Write time series u (T, S, 3) [m] at ``stations`` and ``times`` [s]: HDF5 (.h5, .hdf5;
    datasets t, station, east, north, (lon, lat), u) or CSV (one row per station and time).
    The file appears complete or not at all (temporary file, then rename)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".h5", ".hdf5", ".csv"):
        raise ValueError(f"--out = {str(path)!r} is invalid; allowed: a .h5, .hdf5 or .csv file")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if suffix == ".csv":
            tmp.write_text(_csv_text(stations, times, u))
        else:
            import h5py

            with h5py.File(tmp, "w") as f:
                f.create_dataset("t", data=times).attrs["units"] = "s"
                f.create_dataset("station", data=np.array(stations.names, dtype="S"))
                for name, val, unit in (
                    ("east", stations.east, "m"),
                    ("north", stations.north, "m"),
                    ("lon", stations.lon, "degrees"),
                    ("lat", stations.lat, "degrees"),
                ):
                    if val is not None:
                        f.create_dataset(name, data=val).attrs["units"] = unit
                d = f.create_dataset("u", data=u)
                d.attrs["units"] = "m"
                d.attrs["axes"] = "t, station, (east, north, up)"
                for k, v in (attrs or {}).items():
                    f.attrs[k] = str(v)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path
