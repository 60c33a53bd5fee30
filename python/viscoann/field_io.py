"""Field files of the ``viscoann`` command (okada, solve, predict): one HDF5 layout, one CSV
layout, one writer, and the reader of point files for ``predict --points``.

HDF5: a dataset ``u`` (..., 3) = (ux, uy, uz) and one dataset per coordinate and parameter,
each with a ``units`` and a ``long_name`` attribute. Every axis of ``u`` is labelled
(``u.dims[i].label``) and has a 1-D dataset of that name attached as an HDF5 dimension
scale, as netCDF-4 readers (xarray's h5netcdf engine) expect: on a grid (root attribute
``layout = "grid"``) the coordinates x, y, depth, t; in a ``"samples"`` file an index
``sample``, along which every coordinate is 1-D; always ``component`` (ux, uy, uz). Other
root attributes: ``frame``, ``source``, ``command``, ``model``, ``viscoann_version``.
CSV: one row per sample, a header naming every column with its unit (``x_m,y_m,...,ux_m``),
values written with 17 significant digits (they read back to the same float64).
Every file is written under a temporary name beside the target and renamed when complete.
"""

from __future__ import annotations

import contextlib
import os
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .conventions import YEAR

# Column-name unit suffixes read by `read_samples`, as factors to SI.
_UNIT_FACTORS = {
    "x": {"m": 1.0, "km": 1e3},
    "y": {"m": 1.0, "km": 1e3},
    "depth": {"m": 1.0, "km": 1e3},
    "t": {"s": 1.0, "yr": YEAR, "day": 86400.0},
    "eta_M": {"Pa_s": 1.0},
    "eta_K": {"Pa_s": 1.0},
}
_SI = {"x": "m", "y": "m", "depth": "m", "t": "s", "eta_M": "Pa s", "eta_K": "Pa s"}


@dataclass
class Variable:
    """One dataset: values, units, a description and the names of its axes."""

    values: np.ndarray
    units: str
    long_name: str
    dims: tuple[str, ...] = ()


@dataclass
class Column:
    """One quantity of a points file: values in SI, and the column's name, unit and the
    factor from its unit to SI (for messages in the file's own units)."""

    values: np.ndarray
    name: str
    unit: str
    factor: float


@dataclass
class Field:
    """A displacement field and everything needed to read it without the command line.

    Attributes
    ----------
    u : Variable
        (..., 3): ux, uy, uz; ``u.dims`` names the leading axes, e.g. ("depth", "t", "y",
        "x") on a grid or ("sample",).
    coords : dict of Variable
        Coordinates (1-D along an axis of ``u``) and parameters (0-d).
    layout : {"grid", "samples"}
    csv : tuple of str
        The coordinates written as CSV columns (broadcast to every sample), before u.
    extra : dict of Variable
        Further per-sample data with ``u``'s leading axes (e.g. ``in_domain``).
    attrs : dict
        Root attributes (strings or numbers).
    """

    u: Variable
    coords: dict[str, Variable]
    layout: str
    csv: tuple[str, ...]
    extra: dict[str, Variable] = field(default_factory=dict)
    attrs: dict = field(default_factory=dict)


@contextlib.contextmanager
def replacing(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` (same suffix); rename it to ``path`` on success,
    remove it on failure, so a reader never sees a half-written file."""
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:8]}.tmp{path.suffix}")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def csv_name(name: str, units: str) -> str:
    """CSV column name of a quantity: ``x`` in ``m`` -> ``x_m``; ``Pa s`` -> ``Pa_s``."""
    return f"{name}_{units.replace(' ', '_')}" if units and units != "1" else name


def write(path: str, f: Field) -> None:
    """Write ``f`` to ``path``: ``.h5``/``.hdf5`` (HDF5), ``.csv``, or ``-`` (CSV on stdout)."""
    if path == "-":
        _write_csv(sys.stdout, f)
        return
    suffix = Path(path).suffix.lower()
    if suffix not in (".h5", ".hdf5", ".csv"):
        raise ValueError(f"path = {path!r} is invalid; allowed: a .h5, .hdf5 or .csv file")
    with replacing(path) as tmp:
        if suffix == ".csv":
            with open(tmp, "w", newline="") as stream:
                _write_csv(stream, f)
        else:
            _write_hdf5(tmp, f)


def _write_hdf5(path: Path, f: Field) -> None:
    import h5py

    from . import __version__

    lead = f.u.values.shape[:-1]
    # Every axis of u is a dimension scale (netCDF-4 readers take all or none): the grid's
    # coordinates, an index for a samples axis, and the component names.
    index = {
        dim: Variable(np.arange(n), "1", f"{dim} index (row of the CSV layout)", (dim,))
        for dim, n in zip(f.u.dims, lead, strict=True)
        if dim not in f.coords
    }
    names = np.array(["ux", "uy", "uz"], dtype=h5py.string_dtype())
    component = Variable(names, "1", "ux, uy, uz: the frame's x, y and up", ("component",))
    with h5py.File(path, "w") as h:
        h.attrs["layout"] = f.layout
        h.attrs["viscoann_version"] = __version__
        for key, value in f.attrs.items():
            h.attrs[key] = value
        every = {**index, "component": component, **f.coords, "u": f.u, **f.extra}
        for name, var in every.items():
            d = h.create_dataset(name, data=var.values)
            d.attrs["units"] = var.units
            d.attrs["long_name"] = var.long_name
        axes = (*f.u.dims, "component")
        for dim in axes:
            h[dim].make_scale(dim)
        for name in ("u", *f.extra):
            for i, dim in enumerate(axes[: h[name].ndim]):
                h[name].dims[i].attach_scale(h[dim])
                h[name].dims[i].label = dim
        for name, var in f.coords.items():
            if var.dims and name != var.dims[0]:  # a per-sample coordinate
                h[name].dims[0].attach_scale(h[var.dims[0]])
                h[name].dims[0].label = var.dims[0]


def _broadcast(var: Variable, dims: tuple[str, ...], shape: tuple[int, ...]) -> np.ndarray:
    v = np.asarray(var.values)
    if v.ndim == 0:
        return np.broadcast_to(v, shape)
    axis = dims.index(var.dims[0])
    return np.broadcast_to(v.reshape([-1 if i == axis else 1 for i in range(len(dims))]), shape)


def _write_csv(stream, f: Field, chunk: int = 1 << 16) -> None:
    lead = f.u.values.shape[:-1]
    cols = [_broadcast(f.coords[c], f.u.dims, lead).reshape(-1) for c in f.csv]
    names = [csv_name(c, f.coords[c].units) for c in f.csv]
    u = f.u.values.reshape(-1, 3)
    names += [csv_name(c, f.u.units) for c in ("ux", "uy", "uz")]
    extra = [np.asarray(v.values).reshape(-1) for v in f.extra.values()]
    names += [csv_name(k, v.units) for k, v in f.extra.items()]
    stream.write(",".join(names) + "\n")
    n = u.shape[0]
    for a in range(0, n, chunk):  # chunks: the table never exists whole in memory
        b = min(n, a + chunk)
        rows = np.column_stack([*(c[a:b] for c in cols), u[a:b], *(e[a:b] for e in extra)])
        np.savetxt(stream, rows, delimiter=",", fmt="%.17g")


def read(path: str | os.PathLike) -> dict[str, Variable]:
    """Every dataset of an HDF5 field file as a :class:`Variable` (axes from the labels)."""
    import h5py

    out = {}
    with h5py.File(path, "r") as h:
        for name, d in h.items():
            out[name] = Variable(
                d[()],
                str(d.attrs.get("units", "")),
                str(d.attrs.get("long_name", "")),
                tuple(dim.label for dim in d.dims),
            )
    return out


def read_samples(path: str | os.PathLike) -> dict[str, Column]:
    """The sample columns of a points file, in SI units (m, s, Pa s).

    A CSV file needs a header line; columns are named ``<quantity>_<unit>``: ``x`` and ``y``
    (``m`` or ``km``, required), ``depth`` (``m``, ``km``), ``t`` (``s``, ``yr``, ``day``),
    ``eta_M`` and ``eta_K`` (``Pa_s``); other columns (e.g. ``ux_m``) are ignored. An HDF5
    file holds 1-D datasets ``x``, ``y`` (and optionally ``depth``, ``t``, ``eta_M``,
    ``eta_K``) of one length with SI ``units`` attributes: the ``"samples"`` layout that
    ``viscoann predict`` writes.

    Returns
    -------
    dict of Column
        Keys among x, y, depth, t, eta_M, eta_K (x and y always); values (N,) in SI.

    Raises
    ------
    ValueError
        Missing header or columns, unknown units, ragged or non-numeric rows; the message
        names the column.
    """
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return _read_csv_samples(path)
    return _read_hdf5_samples(path)


def _read_csv_samples(path: Path) -> dict[str, Column]:
    with open(path) as stream:
        header = stream.readline().strip()
    names = [n.strip() for n in header.split(",")]
    if not header or all(_is_number(n) for n in names):
        raise ValueError(
            f"{path} has no header line; name the columns with their units, e.g. "
            "x_km,y_km or x_m,y_m,depth_m,t_s,eta_M_Pa_s,eta_K_Pa_s"
        )
    wanted = {}
    for i, col in enumerate(names):
        for q, units in _UNIT_FACTORS.items():
            if col.startswith(q + "_") and col != q + "_":
                unit = col[len(q) + 1 :]
                if unit not in units:
                    raise ValueError(
                        f"{path}: column {col!r} has unit {unit!r}; allowed for {q}: "
                        + ", ".join(f"{q}_{u}" for u in units)
                    )
                if q in wanted:
                    raise ValueError(f"{path}: {q} is given twice ({names[wanted[q][0]]}, {col})")
                wanted[q] = (i, unit, units[unit])
    for q in ("x", "y"):
        if q not in wanted:
            raise ValueError(f"{path}: no {q} column; name it {q}_m or {q}_km")
    try:
        table = np.loadtxt(
            path,
            delimiter=",",
            skiprows=1,
            usecols=[w[0] for w in wanted.values()],
            ndmin=2,
        )
    except ValueError as err:
        raise ValueError(f"{path}: {err}") from None
    return {
        q: Column(table[:, k] * f, names[i], unit, f)
        for k, (q, (i, unit, f)) in enumerate(wanted.items())
    }


def _read_hdf5_samples(path: Path) -> dict[str, Column]:
    import h5py

    out = {}
    with h5py.File(path, "r") as h:
        if h.attrs.get("layout") == "grid":
            raise ValueError(
                f"{path} holds a grid (layout 'grid'); --points needs one row per point: "
                "give the grid's options instead, or a 'samples' file"
            )
        for q, unit in _SI.items():
            if q not in h:
                continue
            d = h[q]
            got = str(d.attrs.get("units", unit))
            if got != unit:
                raise ValueError(f"{path}: dataset {q} has units {got!r}; allowed: {unit!r}")
            if d.ndim != 1:
                raise ValueError(f"{path}: dataset {q} has shape {d.shape}; allowed: 1-D")
            out[q] = Column(np.asarray(d[()], dtype=np.float64), q, unit, 1.0)
    for q in ("x", "y"):
        if q not in out:
            raise ValueError(f"{path}: no dataset {q!r} (1-D, units 'm')")
    sizes = {q: c.values.size for q, c in out.items()}
    if len(set(sizes.values())) > 1:
        raise ValueError(f"{path}: datasets have different lengths {sizes}")
    return out


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# ---- station time series (cycles, fits, observations) --------------------------------------
#: Components of a station time series, ENU.
SERIES_COMPONENTS = ("east", "north", "up")


#: Suffixes of station time series files: NetCDF-4 (an HDF5 file, so .h5 and .hdf5 name the
#: same layout) or CSV.
SERIES_SUFFIXES = (".nc", ".h5", ".hdf5", ".csv")


def write_series(path, times, stations, fields: dict, units: str, attrs: dict | None = None):
    """Write station time series to ``path``: ``.nc``, ``.h5``, ``.hdf5`` (NetCDF-4, an HDF5
    file, through xarray, engine h5netcdf) or ``.csv``.

    ``fields`` maps a name (e.g. ``u``, ``predicted``, ``sigma``) to an array (T, S, 3) ENU in
    ``units``. NetCDF: dims (time, station, component) with coordinates ``time`` [s],
    ``station`` (names), ``component`` (east, north, up), per-station ``east``, ``north`` [m]
    (and ``lon``, ``lat`` [deg] when known); every variable has ``units`` and ``long_name``;
    ``attrs`` (strings or numbers: the model, the backend, ...) become global attributes.
    CSV: one row per (time, station): ``station,station_east_m,station_north_m,t_s``, then
    ``<component>_<units>`` for ``u`` and ``<field>_<component>_<units>`` for the others (the
    columns :meth:`viscoann.Observations.from_csv` reads).
    """
    from . import __version__

    times = np.asarray(times, dtype=float)
    arrays = {k: np.asarray(v, dtype=float) for k, v in fields.items()}
    for k, v in arrays.items():
        if v.shape != (times.size, len(stations), 3):
            raise ValueError(
                f"{k} has shape {v.shape}; allowed: ({times.size}, {len(stations)}, 3)"
            )
    attrs = {**(attrs or {}), "frame": "ENU: east, north, up", "viscoann_version": __version__}
    suffix = Path(path).suffix.lower()
    if suffix not in SERIES_SUFFIXES:
        raise ValueError(
            f"path = {str(path)!r} is invalid; allowed: a {', '.join(SERIES_SUFFIXES)} file"
        )
    with replacing(path) as tmp:
        if suffix == ".csv":
            with open(tmp, "w", newline="") as f:
                write_series_csv(f, times, stations, arrays, units)
        else:
            _series_dataset(times, stations, arrays, units, attrs).to_netcdf(tmp, engine="h5netcdf")


def _series_dataset(times, stations, arrays, units, attrs):
    import xarray as xr

    coords = {
        "time": ("time", times, {"units": "s", "long_name": "time"}),
        "station": ("station", np.array(stations.names, dtype=object)),
        "component": ("component", np.array(SERIES_COMPONENTS, dtype=object)),
        "east": ("station", stations.east, {"units": "m", "long_name": "station east"}),
        "north": ("station", stations.north, {"units": "m", "long_name": "station north"}),
    }
    if stations.lon is not None:
        coords["lon"] = ("station", stations.lon, {"units": "degrees_east"})
        coords["lat"] = ("station", stations.lat, {"units": "degrees_north"})
    data = {
        k: (("time", "station", "component"), v, {"units": units, "long_name": k})
        for k, v in arrays.items()
    }
    return xr.Dataset(data, coords=coords, attrs={k: _attr(v) for k, v in attrs.items()})


def _attr(v):
    return v if isinstance(v, int | float | str) else str(v)


def write_series_csv(f, times, stations, arrays, units):
    """The CSV layout of :func:`write_series` onto an open text file ``f`` (e.g. stdout)."""
    T, S = np.size(times), len(stations)
    names = ["station", "station_east_m", "station_north_m", "t_s"]
    for k in arrays:
        names += [csv_name(c if k == "u" else f"{k}_{c}", units) for c in SERIES_COMPONENTS]
    f.write(",".join(names) + "\n")
    for i in range(T):
        for j in range(S):
            vals = [stations.east[j], stations.north[j], times[i]]
            for v in arrays.values():
                vals.extend(v[i, j])
            f.write(stations.names[j] + "," + ",".join(f"{x:.17g}" for x in vals) + "\n")


def read_series(path) -> dict:
    """A NetCDF file written by :func:`write_series`: {"times", "names", "east", "north",
    "attrs", "units", and each field (T, S, 3)}."""
    import xarray as xr

    with xr.open_dataset(path, engine="h5netcdf", decode_timedelta=False) as ds:
        out = {
            "times": ds["time"].values.astype(float),
            "names": [str(s) for s in ds["station"].values],
            "east": ds["east"].values,
            "north": ds["north"].values,
            "attrs": dict(ds.attrs),
        }
        for k, v in ds.data_vars.items():
            out[k] = v.values
            out["units"] = v.attrs.get("units")
    return out
