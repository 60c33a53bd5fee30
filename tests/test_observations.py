"""Observations and time-series files: CSV and tenv3 readers (values, units, stations, missing
epochs), NetCDF through xarray (dims, units, attributes) and CSV written and read back."""

import numpy as np
import pytest
import viscoann as va
from viscoann import field_io
from viscoann.observations import MJD_J2000

YR = va.conventions.YEAR


def test_csv_series_with_lonlat_columns(tmp_path):
    p = tmp_path / "gnss.csv"
    p.write_text(
        "# a comment\n"
        "station,lon_deg,lat_deg,t_yr,east_mm,north_mm,up_mm,sigma_east_mm,sigma_north_mm,"
        "sigma_up_mm\n"
        "AAA,10.0,45.0,0.5,1,2,3,0.5,0.5,1.5\n"
        "BBB,10.2,45.1,0.5,4,5,6,0.5,0.5,1.5\n"
        "AAA,10.0,45.0,1.5,7,8,9,0.6,0.6,1.8\n"
    )
    obs, st = va.Observations.from_csv(p, origin=(10.0, 45.0))
    assert st.names == ("AAA", "BBB")
    assert abs(st.east[0]) < 1e-6 and 15e3 < st.east[1] < 16e3  # 0.2 deg of lon at 45 N
    assert np.allclose(obs.times, [0.5 * YR, 1.5 * YR])
    assert np.allclose(obs.u[1, 0], [7e-3, 8e-3, 9e-3]) and np.allclose(obs.sigma[0, 1, 2], 1.5e-3)
    assert np.isnan(obs.u[1, 1]).all() and obs.mask.sum() == 9


def test_csv_series_errors_name_the_column(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("station,east_km,north_km,t_s,east_m,north_m,up_m\nA,0,0,0,1,2,3\n")
    with pytest.raises(ValueError, match="no column for sigma_east"):
        va.Observations.from_csv(p)
    p.write_text(
        "station,east_km,north_km,t_s,east_m,north_m,up_m,sigma_east_m,sigma_north_m,sigma_up_m\n"
        "A,0,0,0,1,x,3,1,1,1\n"
    )
    with pytest.raises(ValueError, match="row 1 column north_m = 'x'"):
        va.Observations.from_csv(p)


def _tenv3_line(site, mjd, e, n, u, lat, lon):
    # site YYMMMDD decyr MJD week day reflon e0 east n0 north u0 up ant sig_e sig_n sig_u
    # corr_en corr_eu corr_nu lat lon height
    return (
        f"{site} 20JAN01 2020.0014 {mjd} 2086 3 -118 -2 {e} 4000123 {n} 0 {u} 0.0 "
        f"0.0011 0.0012 0.0045 0.01 -0.02 0.03 {lat} {lon} 100.0\n"
    )


def test_tenv3(tmp_path):
    a, b = tmp_path / "P001.tenv3", tmp_path / "P002.tenv3"
    head = "site YYMMMDD yyyy.yyyy __MJD week d reflon _e0(m) __east(m) ...\n"
    a.write_text(
        head
        + _tenv3_line("P001", 58849, 0.500, 0.250, 0.100, 34.0, -118.0)
        + _tenv3_line("P001", 58850, 0.503, 0.249, 0.104, 34.0, -118.0)
    )
    b.write_text(_tenv3_line("P002", 58850, 0.700, 0.100, 0.200, 34.1, 241.9))
    obs, st = va.Observations.from_tenv3([a, b], origin=(-118.0, 34.0))
    assert st.names == ("P001", "P002") and np.isclose(st.lon[1], -118.1)
    assert np.allclose(obs.times, (np.array([58849, 58850]) - MJD_J2000) * 86400.0)
    assert np.allclose(obs.u[1, 0], [0.003, -0.001, 0.004])  # relative to the first epoch
    assert np.allclose(obs.u[1, 1], 0.0) and np.isnan(obs.u[0, 1]).all()
    assert np.allclose(obs.sigma[0, 0], [0.0011, 0.0012, 0.0045])
    raw, _ = va.Observations.from_tenv3([a], reference=None)
    assert np.isclose(raw.u[0, 0, 0], -2 + 0.5) and np.isclose(raw.u[0, 0, 1], 4000123.25)


def test_series_netcdf_and_csv_round_trip(tmp_path):
    pytest.importorskip("xarray")
    pytest.importorskip("h5netcdf")
    st = va.Stations([1e3, 2e3], [3e3, -4e3], names=["A", "B"])
    t = np.array([0.0, YR, 2 * YR])
    rng = np.random.default_rng(0)
    u, s = rng.normal(size=(3, 2, 3)), np.full((3, 2, 3), 1e-3)
    obs = va.Observations(t, u, s)
    obs.write(tmp_path / "o.nc", st, attrs={"model": "lid 20 km", "backend": "exact"})
    back = field_io.read_series(tmp_path / "o.nc")
    assert np.array_equal(back["u"], u) and np.array_equal(back["times"], t)
    assert back["names"] == ["A", "B"] and back["attrs"]["model"] == "lid 20 km"
    import xarray as xr

    with xr.open_dataset(tmp_path / "o.nc", engine="h5netcdf", decode_timedelta=False) as ds:
        assert ds["u"].dims == ("time", "station", "component")
        assert ds["u"].attrs["units"] == "m" and ds["time"].attrs["units"] == "s"
        assert list(ds["component"].values) == ["east", "north", "up"]
    obs.write(tmp_path / "o.csv", st)
    rows = (tmp_path / "o.csv").read_text().splitlines()
    assert rows[0] == (
        "station,station_east_m,station_north_m,t_s,east_m,north_m,up_m,sigma_east_m,"
        "sigma_north_m,sigma_up_m"
    )
    assert len(rows) == 7 and rows[2].startswith("B,2000,-4000,0,")
    o2, st2 = va.Observations.from_csv(tmp_path / "o.csv")
    assert st2.names == ("A", "B") and np.allclose(st2.north, st.north)
    assert np.array_equal(o2.u, u) and np.array_equal(o2.sigma, s) and np.array_equal(o2.times, t)


def test_observations_bad_input():
    with pytest.raises(ValueError, match="increasing"):
        va.Observations([1.0, 1.0], np.zeros((2, 1, 3)), 1.0)
    with pytest.raises(ValueError, match=r"sigma\[0, 0, 1\] = 0.0"):
        va.Observations([1.0], np.zeros((1, 1, 3)), [[[1.0, 0.0, 1.0]]])
