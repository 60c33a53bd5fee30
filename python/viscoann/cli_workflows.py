"""``viscoann cycle`` and ``viscoann fit``: earthquake cycles of a user's fault at stations,
and rheology fitted to GNSS time series (the exact backend; the neural kernel plugs in
through :mod:`viscoann.backends`). Options in km, yr and Pa s, checked before any work."""

from __future__ import annotations

import json
import math
import sys

import numpy as np

from .cli_options import UsageError, check_count, check_outputs, check_values, require, wrote
from .conventions import YEAR
from .field_io import SERIES_SUFFIXES


def _floats(option, text):
    try:
        return [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise UsageError(
            f"{option} {text!r} is invalid; allowed: comma-separated numbers"
        ) from None


def _add_common(p):
    p.add_argument("--fault", required=True, help="fault patches, CSV or JSON (viscoann.Fault)")
    p.add_argument("--origin", metavar="LON,LAT", help="projection origin for lon/lat files [deg]")
    p.add_argument("--tol", type=float, default=1e-4, help="quadrature tolerance (default 1e-4)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")


def _origin(args):
    from .solve_fault import _origin

    try:
        return _origin(args.origin)
    except ValueError as err:
        raise UsageError(str(err)) from None


# ---- cycle ------------------------------------------------------------------------------
def add_cycle(sub):
    p = sub.add_parser(
        "cycle",
        help="earthquake cycles: a fault's slip repeated every period, at stations",
        description="Events repeat the fault's slip every --period-yr; the last is at t = 0. "
        "Model: an elastic lid (--lid-km, mu = lambda = 30 GPa) over a Burgers half-space "
        "(--eta-m, --eta-k; inf: Maxwell). Output: displacement, or with --velocity the "
        "velocity (m/s), at --times-yr after the last event or at --phases of the cycle.",
    )
    _add_common(p)
    p.add_argument("--stations", required=True, help="stations CSV (viscoann.Stations)")
    p.add_argument("--eta-m", type=float, default=1e19, help="Maxwell viscosity [Pa s]")
    p.add_argument("--eta-k", type=float, default=math.inf, help="Kelvin viscosity [Pa s]")
    p.add_argument("--lid-km", type=float, default=15.0, help="elastic lid thickness [km]")
    p.add_argument("--period-yr", type=float, required=True, help="time between events [yr]")
    p.add_argument("--events", type=int, default=100, help="number of events (default 100)")
    p.add_argument("--times-yr", help="output times after the last event [yr], comma-separated")
    p.add_argument("--phases", help="output times as fractions of the period, in (0, 1)")
    p.add_argument("--velocity", action="store_true", help="velocity instead of displacement")
    p.add_argument("--spinup", action="store_true", help="periodic events before the first")
    p.add_argument("--out", help="time series: .nc/.h5 (NetCDF-4) or .csv")
    p.add_argument("--plot", help="image: velocity/displacement profiles against distance")
    p.set_defaults(func=run_cycle)


def run_cycle(args) -> int:
    from . import cycles
    from .earth import EarthModel
    from .sources import Fault
    from .stations import Stations

    check_values("--eta-m", args.eta_m, unit="Pa s", lo=0, lo_open=True)
    check_values("--eta-k", args.eta_k, unit="Pa s", lo=0, lo_open=True, inf_ok=True)
    check_values("--lid-km", args.lid_km, unit="km", lo=0, lo_open=True, hi=1000)
    check_values("--period-yr", args.period_yr, unit="yr", lo=0, lo_open=True, hi=1e6)
    check_values("--tol", args.tol, lo=0, lo_open=True, hi=0.1)
    check_count("--events", args.events, 1)
    if (args.times_yr is None) == (args.phases is None):
        raise UsageError("give one of --times-yr and --phases")
    if args.phases is not None:
        ph = _floats("--phases", args.phases)
        check_values("--phases", ph, lo=0, lo_open=True, hi=1, hi_open=True)
        t = np.array(ph) * args.period_yr * YEAR
    else:
        ty = _floats("--times-yr", args.times_yr)
        check_values("--times-yr", ty, unit="yr", lo=0, lo_open=args.velocity, hi=1e6)
        t = np.array(ty) * YEAR
    if args.spinup and not args.velocity:
        raise UsageError(
            "--spinup needs --velocity (the displacement of endless past events grows)"
        )
    if args.spinup and args.events < 2:
        raise UsageError(f"--events {args.events} is invalid with --spinup; allowed: >= 2")
    if not (args.out or args.plot):
        raise UsageError("give --out and/or --plot")
    check_outputs([("--out", args.out, SERIES_SUFFIXES), ("--plot", args.plot, "image")])
    require("cycle", *(["matplotlib"] if args.plot else []))
    origin = _origin(args)
    fault = Fault.from_file(args.fault, origin=origin)
    stations = Stations.from_file(args.stations, origin=origin)
    model = EarthModel.family(args.eta_m, args.eta_k, H=args.lid_km * 1e3)
    T = args.period_yr * YEAR
    events = -T * np.arange(args.events)[::-1]
    kind = "velocity" if args.velocity else "displacement"
    print(
        f"viscoann cycle: {args.events} events x {len(fault)} patch(es) x {len(stations)} "
        f"station(s) x {t.size} time(s), {kind}",
        file=sys.stderr,
    )
    opts = dict(tol=args.tol, progress=not args.no_progress)
    if args.velocity:
        u = cycles.velocity(model, fault, stations, t, events, spinup=args.spinup, **opts)
    else:
        u = cycles.displacement(model, fault, stations, t, events, **opts)
    attrs = {
        "model": repr(model),
        "backend": "exact",
        "fault": str(args.fault),
        "quantity": kind,
        "period_s": T,
        "events": args.events,
        "event_times": "every period_s, the last at time 0",
    }
    if args.out:
        from .field_io import write_series

        write_series(args.out, t, stations, {kind: u}, "m/s" if args.velocity else "m", attrs)
        wrote("cycle", args.out)
    if args.plot:
        from . import plot

        d, along = _across(fault, stations)
        order = np.argsort(d)
        scale = T if args.velocity else 1.0
        label = "v_parallel T / b" if args.velocity else "u_parallel / b"
        slip = max(float(p.slip) for p in fault) or 1.0
        curves = {
            label: {
                f"{ti / T:.3g}": (u[i][:, :2] @ along)[order] * scale / slip
                for i, ti in enumerate(t)
            }
        }
        title = (
            f"{args.events} events every {args.period_yr:g} yr; lid {args.lid_km:g} km, "
            f"η_M = {args.eta_m:g}, η_K = {args.eta_k:g} Pa s"
        )
        plot.cycle_profiles(d[order] / 1e3, curves, args.plot, title=title)
        wrote("cycle", args.plot)
    return 0


def _across(fault, stations):
    """Signed distance [m] of stations from the first patch's strike line, and its unit
    strike vector (east, north)."""
    p = fault[0]
    s = math.radians(p.strike)
    along = np.array([math.sin(s), math.cos(s)])
    normal = np.array([along[1], -along[0]])  # to the right of the strike
    d = (stations.east - p.east) * normal[0] + (stations.north - p.north) * normal[1]
    return d, along


# ---- fit --------------------------------------------------------------------------------
def add_fit(sub):
    p = sub.add_parser(
        "fit",
        help="fit (eta_M, eta_K, H) to GNSS time series (least squares or MCMC)",
        description="The model: the fault's slip as a step at --event-time-yr, an elastic lid "
        "over a Burgers half-space, solved exactly (Jacobian by central differences). Reads "
        "--obs (CSV: station, t_yr, east_m, ..., sigma_up_m) or --tenv3 files.",
    )
    _add_common(p)
    p.add_argument("--obs", help="series CSV (viscoann.Observations.from_csv)")
    p.add_argument("--stations", help="stations CSV for --obs (else positions in --obs)")
    p.add_argument("--tenv3", nargs="+", help="tenv3 files, one a station")
    p.add_argument("--event-time-yr", type=float, default=0.0, help="event time [yr]")
    p.add_argument("--params", default="eta_M,eta_K,H", help="among eta_M,eta_K,H,slip")
    p.add_argument("--method", choices=["lsq", "mcmc"], default="lsq")
    p.add_argument("--eta-m", type=float, default=1e19, help="start (or fixed) eta_M [Pa s]")
    p.add_argument("--eta-k", type=float, default=1e18, help="start (or fixed) eta_K [Pa s]")
    p.add_argument("--lid-km", type=float, default=15.0, help="start (or fixed) H [km]")
    p.add_argument("--reference", choices=["none", "first"], default=None)
    p.add_argument("--steps", type=int, default=2000, help="MCMC steps (default 2000)")
    p.add_argument("--out", help="the estimates: .json")
    p.add_argument("--predicted", help="data and model series: .nc or .csv")
    p.add_argument("--plot", help="image: data, model and residuals per station")
    p.add_argument("--corner", help="image: the posterior (with --method mcmc)")
    p.set_defaults(func=run_fit)


def run_fit(args) -> int:
    from . import backends, fit
    from .observations import Observations
    from .sources import Fault

    names = tuple(n.strip() for n in args.params.split(",") if n.strip())
    for n in names:
        if n not in fit.PARAMS:
            raise UsageError(f"--params {n} is invalid; allowed: among {', '.join(fit.PARAMS)}")
    check_values("--eta-m", args.eta_m, unit="Pa s", lo=1e16, hi=1e23, lo_open=True, hi_open=True)
    check_values(
        "--eta-k",
        args.eta_k,
        unit="Pa s",
        lo=1e16,
        lo_open=True,
        hi=1e23,
        hi_open=True,
        inf_ok="eta_K" not in names,
    )
    check_values("--lid-km", args.lid_km, unit="km", lo=1, hi=200, lo_open=True, hi_open=True)
    check_values("--event-time-yr", args.event_time_yr, unit="yr")
    check_values("--tol", args.tol, lo=0, lo_open=True, hi=0.1)
    check_count("--steps", args.steps, 10)
    if (args.obs is None) == (args.tenv3 is None):
        raise UsageError("give one of --obs and --tenv3")
    if args.corner and args.method != "mcmc":
        raise UsageError("--corner needs --method mcmc")
    check_outputs(
        [
            ("--out", args.out, (".json",)),
            ("--predicted", args.predicted, SERIES_SUFFIXES),
            ("--plot", args.plot, "image"),
            ("--corner", args.corner, "image"),
        ]
    )
    require("fit", *(["matplotlib"] if args.plot or args.corner else []))
    if args.method == "mcmc":
        try:
            import emcee  # noqa: F401
        except ImportError:
            raise UsageError(
                "viscoann fit --method mcmc needs emcee; pip install 'viscoann[workflows]'"
            ) from None
    origin = _origin(args)
    fault = Fault.from_file(args.fault, origin=origin)
    if args.obs:
        obs, stations = Observations.from_csv(args.obs, args.stations, origin)
        reference = args.reference
    else:
        obs, stations = Observations.from_tenv3(args.tenv3, origin)
        reference = args.reference or "first"
    reference = None if reference == "none" else reference
    start = {"eta_M": args.eta_m, "eta_K": args.eta_k, "H": args.lid_km * 1e3, "slip": 1.0}
    print(
        f"viscoann fit: {', '.join(names)} ({args.method}) to {int(obs.mask.sum())} values at "
        f"{len(stations)} station(s), {obs.times.size} epoch(s)",
        file=sys.stderr,
    )
    f = fit.rheology(
        obs,
        fault,
        stations,
        params=names,
        kernel=backends.ExactKernel(tol=args.tol),
        method=args.method,
        fixed={k: v for k, v in start.items() if k not in names},
        initial={k: v for k, v in start.items() if k in names},
        event_time=args.event_time_yr * YEAR,
        reference=reference,
        steps=args.steps,
        progress=not args.no_progress,
    )
    print(repr(f))
    result = {
        "method": f.method,
        "values": f.values,
        "sigma": f.sigma,
        "sigma_is": "log10 for eta_M, eta_K; metres for H; the factor for slip",
        "misfit_chi2": f.misfit,
        "reduced_chi2": f.reduced,
        "forward_solves": f.n_forward,
        "backend": "exact (central differences)",
    }
    if args.out:
        from .field_io import replacing

        with replacing(args.out) as tmp:
            tmp.write_text(json.dumps(result, indent=2) + "\n")
        wrote("fit", args.out)
    if args.predicted:
        obs.write(args.predicted, stations, {"fit": json.dumps(result)}, predicted=f.predicted)
        wrote("fit", args.predicted)
    if args.plot:
        from . import plot

        plot.fit_series(
            (obs.times - args.event_time_yr * YEAR) / YEAR,
            obs.u,
            obs.sigma,
            f.predicted,
            stations.names,
            args.plot,
            title=repr(f)[:140],
        )
        wrote("fit", args.plot)
    if args.corner:
        from . import plot

        plot.posterior_corner(f.samples, _labels(names), args.corner)
        wrote("fit", args.corner)
    return 0


def _labels(names):
    return [
        {"eta_M": "log10 η_M", "eta_K": "log10 η_K", "H": "H [m]", "slip": "slip scale"}[n]
        for n in names
    ]
