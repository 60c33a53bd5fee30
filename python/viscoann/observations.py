"""Observed station time series (GNSS): displacements and their 1-sigma errors, ENU, aligned
with a :class:`viscoann.Stations`; read from the files users have (CSV, tenv3) and written
as NetCDF or CSV (:func:`viscoann.field_io.write_series`).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from .conventions import DAY, YEAR
from .stations import Stations

__all__ = ["Observations", "MJD_J2000"]

#: tenv3 times are MJD; they become seconds since J2000.0 (MJD 51544.5).
MJD_J2000 = 51544.5
_TIME_UNITS = {"s": 1.0, "day": DAY, "yr": YEAR}
_LENGTH_UNITS = {"m": 1.0, "mm": 1e-3}


class Observations:
    """Displacements ``u`` (T, S, 3) [m] ENU at ``times`` (T,) [s] with 1-sigma errors
    ``sigma`` (T, S, 3) [m]; NaN in ``u`` (or a NaN/inf sigma) marks a missing value.

    Raises
    ------
    ValueError
        Naming the argument: shapes that do not agree, times not finite or not increasing,
        sigma <= 0 where u is given.
    """

    def __init__(self, times, u, sigma):
        t = np.atleast_1d(np.asarray(times, dtype=float))
        u = np.asarray(u, dtype=float)
        sigma = np.broadcast_to(np.asarray(sigma, dtype=float), u.shape).copy()
        if t.ndim != 1 or t.size == 0 or not np.isfinite(t).all():
            raise ValueError(f"times has shape {t.shape}; allowed: 1-D, finite, >= 1 value")
        if np.any(np.diff(t) <= 0):
            i = int(np.flatnonzero(np.diff(t) <= 0)[0]) + 1
            raise ValueError(f"times[{i}] = {t[i]} is invalid; allowed: increasing times")
        if u.ndim != 3 or u.shape[0] != t.size or u.shape[2] != 3:
            raise ValueError(f"u has shape {u.shape}; allowed: ({t.size}, S, 3)")
        given = np.isfinite(u) & np.isfinite(sigma)
        bad = given & ~(sigma > 0)
        if bad.any():
            i = tuple(int(a) for a in np.argwhere(bad)[0])
            raise ValueError(f"sigma{list(i)} = {sigma[i]} is invalid; allowed: > 0 m")
        self.times, self.u, self.sigma = t, u, sigma

    @property
    def mask(self) -> np.ndarray:
        """(T, S, 3) bool: the values given (finite u and finite sigma)."""
        return np.isfinite(self.u) & np.isfinite(self.sigma)

    def __repr__(self) -> str:
        T, S, _ = self.u.shape
        return f"Observations({T} times, {S} stations, {int(self.mask.sum())} values)"

    def write(self, path, stations, attrs=None, predicted=None):
        """NetCDF (``.nc``) or CSV of ``u``, ``sigma`` (and ``predicted``) [m]."""
        from .field_io import write_series

        fields = {"u": self.u, "sigma": self.sigma}
        if predicted is not None:
            fields["predicted"] = predicted
        write_series(path, self.times, stations, fields, "m", attrs)

    @classmethod
    def from_csv(cls, path, stations=None, origin=None):
        """Read a CSV series: one row per (station, time) with a header naming the columns and
        their units: ``station``, ``t_s``/``t_day``/``t_yr``, ``east_m``, ``north_m``,
        ``up_m``, ``sigma_east_m``, ``sigma_north_m``, ``sigma_up_m`` (``_mm`` for mm).
        Positions come from ``stations`` (a :class:`Stations` or a stations CSV, see
        :meth:`Stations.from_file`) or, when None, from per-row ``lon_deg, lat_deg``
        (with ``origin``), ``east_km, north_km`` or ``station_east_m, station_north_m``
        columns (as :meth:`write` makes them).

        Returns
        -------
        (Observations, Stations)
            Times are the union of the rows' times; values a station lacks are NaN.

        Raises
        ------
        ValueError
            Naming the file, row and column of a missing or bad value.
        """
        path = Path(path)
        with path.open(newline="") as f:
            lines = [ln for ln in f if ln.strip() and not ln.lstrip().startswith("#")]
        rows = list(csv.DictReader(lines, skipinitialspace=True))
        if not rows:
            raise ValueError(f"{path}: no rows")
        keys = list(rows[0])

        def column(q, units):
            for k in keys:
                for u, f in units.items():
                    if k == f"{q}_{u}":
                        return k, f
            names = ", ".join(f"{q}_{u}" for u in units)
            raise ValueError(f"{path}: no column for {q}; allowed: {names}")

        def number(i, row, col):
            try:
                return float(row[col])
            except (TypeError, ValueError):
                raise ValueError(
                    f"{path}: row {i + 1} column {col} = {row[col]!r} is invalid; allowed: a number"
                ) from None

        if "station" not in keys:
            raise ValueError(f"{path}: no column 'station'")
        tcol, tf = column("t", _TIME_UNITS)
        comps = []
        for q in ("east", "north", "up"):
            comps.append(column(q, _LENGTH_UNITS))
        sig = [column(f"sigma_{q}", _LENGTH_UNITS) for q in ("east", "north", "up")]
        names = list(dict.fromkeys(r["station"] for r in rows))
        if stations is None:
            pos = {}
            for i, r in enumerate(rows):
                if {"lon_deg", "lat_deg"} <= set(keys):
                    pos.setdefault(r["station"], (number(i, r, "lon_deg"), number(i, r, "lat_deg")))
                elif {"east_km", "north_km"} <= set(keys):
                    pos.setdefault(
                        r["station"], (number(i, r, "east_km"), number(i, r, "north_km"))
                    )
                elif {"station_east_m", "station_north_m"} <= set(keys):
                    pos.setdefault(
                        r["station"],
                        (
                            number(i, r, "station_east_m") / 1e3,
                            number(i, r, "station_north_m") / 1e3,
                        ),
                    )
                else:
                    raise ValueError(
                        f"{path}: no station positions; give stations=, or lon_deg, lat_deg "
                        "(with an origin) or east_km, north_km columns"
                    )
            a = np.array([pos[n] for n in names])
            if "lon_deg" in keys:
                if origin is None:
                    raise ValueError(f"{path}: lon_deg/lat_deg columns need an origin (lon, lat)")
                stations = Stations.from_lonlat(a[:, 0], a[:, 1], origin, names)
            else:
                stations = Stations(a[:, 0] * 1e3, a[:, 1] * 1e3, names)
        elif not isinstance(stations, Stations):
            stations = Stations.from_file(stations, origin)
        where = {n: j for j, n in enumerate(stations.names)}
        t = np.array([number(i, r, tcol) * tf for i, r in enumerate(rows)])
        times = np.unique(t)
        u = np.full((times.size, len(stations), 3), np.nan)
        s = np.full_like(u, np.nan)
        ti = np.searchsorted(times, t)
        for i, r in enumerate(rows):
            j = where.get(r["station"])
            if j is None:
                raise ValueError(
                    f"{path}: row {i + 1} names station {r['station']!r}, which the stations lack"
                )
            for c in range(3):
                u[ti[i], j, c] = number(i, r, comps[c][0]) * comps[c][1]
                s[ti[i], j, c] = number(i, r, sig[c][0]) * sig[c][1]
        return cls(times, u, s), stations

    @classmethod
    def from_tenv3(cls, paths, origin=None, reference="first"):
        """Read tenv3 files (one a station; the Nevada Geodetic Laboratory's format): columns
        site, YYMMMDD, decimal year, MJD, GPS week, day, reflon, e0, east, n0, north, u0, up,
        antenna, sig_e, sig_n, sig_u, corr_en, corr_eu, corr_nu, lat, lon, height (metres,
        degrees); a header line starting with ``site`` is skipped. Positions are e0 + east
        etc.; with ``reference="first"`` each station's first epoch is subtracted (GNSS
        positions have no absolute zero; a fit compares changes). Times: seconds since J2000.0,
        (MJD - 51544.5) x 86400. Stations at their mean lon/lat, projected around ``origin``
        (default: the mean of the stations).

        Returns
        -------
        (Observations, Stations)
        """
        if isinstance(paths, str | Path):
            paths = [paths]
        series = []
        for p in paths:
            p = Path(p)
            rows = []
            with p.open() as f:
                for k, line in enumerate(f):
                    parts = line.split()
                    if not parts or parts[0].lower() == "site":
                        continue
                    if len(parts) < 23:
                        raise ValueError(
                            f"{p}: line {k + 1} has {len(parts)} columns; allowed: 23 (tenv3)"
                        )
                    try:
                        rows.append([float(x) for x in parts[3:4] + parts[7:20] + parts[20:23]])
                    except ValueError:
                        raise ValueError(f"{p}: line {k + 1} has a non-number column") from None
                    name = parts[0]
            if not rows:
                raise ValueError(f"{p}: no epochs")
            series.append((name, np.array(rows)))
        names = [n for n, _ in series]
        if len(set(names)) != len(names):
            raise ValueError(f"tenv3 files repeat a station: {names}")
        # row layout: mjd, e0, east, n0, north, u0, up, ant, se, sn, su, cen, ceu, cnu, lat, lon, h
        lon = np.array([np.mean(r[:, 15]) for _, r in series])
        lon = (lon + 180.0) % 360.0 - 180.0
        lat = np.array([np.mean(r[:, 14]) for _, r in series])
        if origin is None:
            origin = (float(np.mean(lon)), float(np.mean(lat)))
        stations = Stations.from_lonlat(lon, lat, origin, names)
        mjd = np.unique(np.concatenate([r[:, 0] for _, r in series]))
        u = np.full((mjd.size, len(series), 3), np.nan)
        s = np.full_like(u, np.nan)
        for j, (_, r) in enumerate(series):
            i = np.searchsorted(mjd, r[:, 0])
            pos = np.stack([r[:, 1] + r[:, 2], r[:, 3] + r[:, 4], r[:, 5] + r[:, 6]], axis=-1)
            if reference == "first":
                pos = pos - pos[np.argmin(r[:, 0])]
            elif reference is not None:
                raise ValueError(f"reference = {reference!r} is invalid; allowed: 'first', None")
            u[i, j] = pos
            s[i, j] = r[:, 8:11]
        return cls((mjd - MJD_J2000) * DAY, u, s), stations
