"""What every command of the ``viscoann`` command line shares: checks that refuse bad input
before any work (values in the option's own units and ranges, output paths, packages, memory),
one line per error or warning on stderr, progress bars, and the canonical model's options."""

from __future__ import annotations

import contextlib
import importlib.util
import math
import os
import sys
import warnings
from pathlib import Path

from .conventions import YEAR

OUTPUT_RULES = (
    "Outputs: --out takes .h5/.hdf5 (one HDF5 layout: the field u and its coordinates, a "
    "'units' attribute on every dataset) or .csv (one row per sample, units in the column "
    "names, e.g. x_m,y_m,ux_m), or '-' for CSV on stdout; a command given no output option "
    "writes CSV to stdout. Images (--plot ...) take any format matplotlib writes (.png, .pdf, "
    ".svg, ...). The folder of an output file must exist (it is never created); an existing "
    "file is replaced once the new one is complete. Every option is checked before any work "
    "(distances and depths at most 1000 km, where a flat Earth is still a fair model; sizes "
    "that fit in memory); a user error exits with status 2 and a message on stderr."
)


# A flat, non-gravitating Earth is used up to this epicentral distance and source depth: at
# 1000 km (9 degrees of arc) the surface lies 78 km below the tangent plane.
FLAT_EARTH_KM = 1000.0
DATA_SUFFIXES = (".h5", ".hdf5", ".csv")


class UsageError(ValueError):
    """A user error; the message names the option, its value and what is allowed."""


def fmt(v) -> str:
    return f"{v:g}"


def allowed(lo, lo_open, hi, hi_open, unit, inf_ok) -> str:
    unit = f" {unit}" if unit else ""
    parts = []
    if lo is not None:
        parts.append(f"{'>' if lo_open else '>='} {fmt(lo)}{unit}")
    if hi is not None:
        parts.append(f"{'<' if hi_open else '<='} {fmt(hi)}{unit}")
    text = " and ".join(parts) or "a finite number"
    return text + (", or inf" if inf_ok else "")


def check_values(
    option,
    values,
    *,
    unit="",
    lo=None,
    lo_open=False,
    hi=None,
    hi_open=False,
    inf_ok=False,
    why="",
) -> list[float]:
    """Every value is a number in the range (``inf_ok``: +inf too); else UsageError."""
    values = [float(v) for v in (values if isinstance(values, (list, tuple)) else [values])]
    for v in values:
        ok = not math.isnan(v) and (math.isfinite(v) or (inf_ok and v > 0))
        ok = ok and (lo is None or (v > lo if lo_open else v >= lo) or not math.isfinite(v))
        ok = ok and (hi is None or (v < hi if hi_open else v <= hi))
        if not ok:
            text = allowed(lo, lo_open, hi, hi_open, unit, inf_ok)
            raise UsageError(f"{option} {fmt(v)} is invalid; allowed: {text}{why}")
    return values


FLAT_WHY = f" (a flat Earth is no longer valid beyond {FLAT_EARTH_KM:g} km)"


def check_count(option, n, least) -> int:
    if n < least:
        raise UsageError(f"{option} {n} is invalid; allowed: an integer >= {least}")
    return n


# module -> (what it is, the extra that installs it; None: a default dependency)
_PACKAGES = {
    "h5py": ("h5py", None),
    "matplotlib": ("matplotlib", None),
    "tqdm": ("tqdm", None),
    "torch": ("PyTorch", "train"),
    "distributed": ("Dask distributed", "dist"),
}


def require(command: str, *modules: str) -> None:
    """Refuse before any work when a package the command needs is not installed."""
    for m in modules:
        try:
            found = importlib.util.find_spec(m) is not None
        except (ImportError, ValueError):
            found = False
        if found:
            continue
        what, extra = _PACKAGES[m]
        fix = (
            f'pip install "viscoann[{extra}]"'
            if extra
            else "reinstall viscoann with its dependencies: pip install viscoann"
        )
        raise UsageError(
            f"viscoann {command} needs {what} (module {m!r}), which is not installed; {fix}"
        )


def _image_suffixes() -> tuple[str, ...]:
    from matplotlib.backend_bases import FigureCanvasBase

    return tuple(f".{k}" for k in FigureCanvasBase.get_supported_filetypes())


def check_outputs(outputs) -> None:
    """``outputs``: (option, path or None, allowed suffixes or "image"); one rule for all
    commands: a known suffix, an existing writable folder, not a folder itself, and no path
    given to two options ('-' is CSV on stdout where .csv is allowed)."""
    seen: dict = {}  # resolved path (or '-') -> option
    for option, path, kinds in outputs:
        if path is None:
            continue
        kinds = _image_suffixes() if kinds == "image" else kinds
        if path == "-":
            if ".csv" not in kinds:
                raise UsageError(f"{option} - is invalid; allowed: a file ending in {kinds[0]}")
            if "-" in seen:
                raise UsageError(
                    f"{option} - (stdout) is also given to {seen['-']}; allowed: one output on "
                    "stdout (give the other a file)"
                )
            seen["-"] = option
            continue
        p = Path(path)
        if p.is_dir():
            raise UsageError(f"{option} {path} is a folder; allowed: a file name")
        if p.suffix.lower() not in kinds:
            shown = ", ".join(kinds)
            if len(kinds) > 4:  # images: the usual ones first
                rest = [k for k in kinds if k not in (".png", ".pdf", ".svg")]
                shown = f".png, .pdf, .svg or another format matplotlib writes ({', '.join(rest)})"
            raise UsageError(f"{option} {path} is invalid; allowed: a file ending in {shown}")
        folder = p.parent
        if not folder.is_dir():
            raise UsageError(
                f"{option} {path}: the folder {str(folder)!r} does not exist; create it first "
                "(output folders are never created)"
            )
        if not os.access(folder, os.W_OK | os.X_OK) or (p.exists() and not os.access(p, os.W_OK)):
            raise UsageError(f"{option} {path} is not writable")
        key = p.resolve()
        if key in seen:
            raise UsageError(f"{option} {path} is also given to {seen[key]}; one file per output")
        seen[key] = option


def available_memory() -> float:
    """Bytes this process may still allocate (MemAvailable; inf when unknown)."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024.0
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, OSError, ValueError):
        return math.inf


def check_memory(what: str, nbytes: float, bytes_per_unit: float, unit: str, fix: str) -> None:
    """Refuse work whose arrays would not fit in 80 % of the available memory."""
    avail = 0.8 * available_memory()
    if nbytes > avail:
        most = int(avail // bytes_per_unit)
        raise UsageError(
            f"{what} needs {nbytes / 1e9:.3g} GB of memory, more than the "
            f"{avail / 1e9:.3g} GB available; allowed here: {fix} (at most {most:,} {unit})"
        )


class _NoBar:
    def update(self, n=1):
        pass

    def close(self):
        pass


def progress_bar(enabled: bool, total: int, desc: str, unit: str):
    """A tqdm progress bar on stderr (shown once the work has taken 0.5 s), or nothing."""
    if not enabled:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(
        total=total, desc=desc, unit=unit, unit_scale=total > 10_000, file=sys.stderr, delay=0.5
    )


@contextlib.contextmanager
def warnings_to_stderr(command: str):
    """The library's warnings (singular points, out of domain) as one line each on stderr."""
    from .okada import SingularPointWarning
    from .surrogate import OutOfDomainWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    shown = set()
    for w in caught:
        if issubclass(w.category, (SingularPointWarning, OutOfDomainWarning)):
            if str(w.message) not in shown:
                print(f"viscoann {command}: warning: {w.message}", file=sys.stderr)
                shown.add(str(w.message))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def wrote(command: str, path) -> None:
    if path != "-":
        print(f"viscoann {command}: wrote {path}", file=sys.stderr)


# ---- the canonical model's options (solve, predict) -----------------------------------

CANONICAL_DEFAULTS = {
    "depth_km": [10.0],
    "time_yr": [0.0, 1.0, 10.0, 100.0],
    "eta_m": 1e19,
    "eta_k": 1e18,
    "extent_km": 100.0,
    "n": 81,
}


def add_canonical_options(p, *, grid_help: str) -> None:
    d = CANONICAL_DEFAULTS
    p.add_argument(
        "--depth-km",
        type=float,
        nargs="+",
        help=f"source depth(s), km (default {d['depth_km'][0]:g})",
    )
    p.add_argument(
        "--time-yr",
        type=float,
        nargs="+",
        help="time(s) after the event, yr (default "
        + " ".join(f"{t:g}" for t in d["time_yr"])
        + ")",
    )
    p.add_argument("--eta-m", type=float, help=f"Maxwell viscosity, Pa s (default {d['eta_m']:g})")
    p.add_argument(
        "--eta-k",
        type=float,
        help=f"Kelvin viscosity, Pa s (default {d['eta_k']:g}; inf: a Maxwell half-space)",
    )
    p.add_argument(
        "--extent-km",
        type=float,
        help=f"{grid_help}: half-width, km (default {d['extent_km']:g}, "
        f"at most {FLAT_EARTH_KM / math.sqrt(2):.0f})",
    )
    p.add_argument("--n", type=int, help=f"{grid_help}: points per axis (default {d['n']})")


def canonical_values(args, finite=()) -> dict:
    """The canonical options in SI, checked (defaults filled in for those not given);
    ``finite``: viscosities ("eta_M", "eta_K") that may not be inf (a model's log10 inputs)."""
    for key, value in CANONICAL_DEFAULTS.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    depths = check_values(
        "--depth-km", args.depth_km, unit="km", lo=0, lo_open=True, hi=FLAT_EARTH_KM, why=FLAT_WHY
    )
    times = check_values("--time-yr", args.time_yr, unit="yr", lo=0)
    eta = [
        check_values(
            o,
            v,
            unit="Pa s",
            lo=0,
            lo_open=True,
            inf_ok=q not in finite,
            why=f" (the model takes log10 of {q})" if q in finite else "",
        )[0]
        for o, v, q in (("--eta-m", args.eta_m, "eta_M"), ("--eta-k", args.eta_k, "eta_K"))
    ]
    extent = check_extent(args.extent_km)
    return {
        "depths": [d * 1e3 for d in depths],
        "times": [t * YEAR for t in times],
        "eta": eta,
        "extent": extent * 1e3,
        "n": check_count("--n", args.n, 2),
    }


def check_extent(extent_km: float) -> float:
    """--extent-km [km] of a square grid, whose corners must stay within the flat-Earth limit."""
    return check_values(
        "--extent-km",
        extent_km,
        unit="km",
        lo=0,
        lo_open=True,
        hi=FLAT_EARTH_KM / math.sqrt(2),
        why=f" (the grid's corners lie at sqrt(2) x extent; {FLAT_WHY[2:]}",
    )[0]


def canonical_grid_field(axis, depths, times, eta, u, frame: str, source: str, command: str):
    """The grid layout of solve and predict: u (depth, t, y, x, 3)."""
    import numpy as np

    from .field_io import Field, Variable

    coords = {
        "x": Variable(np.asarray(axis), "m", "x, east", ("x",)),
        "y": Variable(np.asarray(axis), "m", "y, north", ("y",)),
        "depth": Variable(np.asarray(depths), "m", "source depth (positive down)", ("depth",)),
        "t": Variable(np.asarray(times), "s", "time after the event", ("t",)),
        "eta_M": Variable(np.float64(eta[0]), "Pa s", "Maxwell viscosity of the half-space"),
        "eta_K": Variable(np.float64(eta[1]), "Pa s", "Kelvin viscosity of the half-space"),
    }
    n = len(axis)
    u = np.asarray(u).reshape(len(depths), len(times), n, n, 3)
    return Field(
        Variable(u, "m", "displacement of a source of potency 1 m^3", ("depth", "t", "y", "x")),
        coords,
        "grid",
        ("x", "y", "depth", "t", "eta_M", "eta_K"),
        attrs={"frame": frame, "source": source, "command": command},
    )


CANONICAL_SOURCE = "canonical: vertical strike-slip along +x, left-lateral, potency 1 m^3"
CANONICAL_MODEL = "canonical: 15 km elastic layer (mu = lambda = 30 GPa) over a Burgers half-space"
ENU = "x east, y north, z up; points on the free surface"


def modules_for(args, images) -> list[str]:
    """Packages needed for these outputs and options."""
    outs = [getattr(args, k, None) for k in ("out", "profile_out")]
    mods = ["h5py"] if any(o and o.lower().endswith((".h5", ".hdf5")) for o in outs) else []
    mods += ["matplotlib"] if any(images) else []
    return mods + ([] if getattr(args, "no_progress", True) else ["tqdm"])


_SAMPLE_NAMES = {
    "x": ("m", "x, east"),
    "y": ("m", "y, north"),
    "depth": ("m", "source depth (positive down)"),
    "t": ("s", "time after the event"),
    "eta_M": ("Pa s", "Maxwell viscosity of the half-space"),
    "eta_K": ("Pa s", "Kelvin viscosity of the half-space"),
}


def sample_coords(rows: dict) -> dict:
    from .field_io import Variable

    return {k: Variable(v, *_SAMPLE_NAMES[k], ("sample",)) for k, v in rows.items()}


def command_line(args) -> str:
    import shlex

    return shlex.join(["viscoann", *args.argv])
