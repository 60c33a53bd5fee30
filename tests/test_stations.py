"""Stations (viscoann.stations) and the local projection (viscoann.projection): distances
and azimuths from the origin against pyproj's geodesic, the small-region limits, bad input."""

import math

import numpy as np
import pytest
import viscoann as va


def test_stations_enu():
    s = va.Stations([0.0, 1e3], [2e3, -5e3], names=["A", "B"])
    assert len(s) == 2 and s.names == ("A", "B")
    assert va.Stations([1.0], [2.0]).names == ("S0",)


@pytest.mark.parametrize(
    "args, match",
    [
        (([0.0, math.nan], [0.0, 1.0]), r"east\[1\] = nan"),
        (([0.0, 1.0], [0.0, math.inf]), r"north\[1\] = inf"),
        (([0.0, 1.0], [0.0]), "lengths 2 and 1"),
        (([], []), "lengths 0 and 0"),
        (([[0.0]], [[1.0]]), "east has shape"),
    ],
)
def test_stations_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        va.Stations(*args)


def test_station_names_checked():
    with pytest.raises(ValueError, match="names has 1 entries"):
        va.Stations([0.0, 1.0], [0.0, 1.0], names=["A"])
    with pytest.raises(ValueError, match="'A' is repeated"):
        va.Stations([0.0, 1.0], [0.0, 1.0], names=["A", "A"])


def test_lonlat_projection_keeps_distance_and_azimuth_from_origin():
    pyproj = pytest.importorskip("pyproj")
    origin = (-122.3, 37.8)
    lon = np.array([-122.3, -121.9, -123.1, -122.0, -120.5])
    lat = np.array([37.8, 37.85, 37.2, 38.6, 36.9])
    s = va.Stations.from_lonlat(lon, lat, origin=origin)
    o_lon, o_lat = np.full(5, origin[0]), np.full(5, origin[1])
    az, _, dist = pyproj.Geod(ellps="WGS84").inv(o_lon, o_lat, lon, lat)
    assert np.abs(np.hypot(s.east, s.north) - dist).max() < 1e-6 * dist.max()
    az_enu = np.degrees(np.arctan2(s.east, s.north))
    assert np.abs((az_enu[1:] - az[1:] + 180) % 360 - 180).max() < 1e-7
    assert abs(s.east[0]) < 1e-6 and abs(s.north[0]) < 1e-6
    assert np.array_equal(s.lon, lon)


def test_large_region_warns_then_fails():
    pytest.importorskip("pyproj")
    with pytest.warns(va.LargeRegionWarning, match="km from the origin"):
        va.Stations.from_lonlat([0.0, 7.0], [0.0, 0.0], origin=(0.0, 0.0))  # ~780 km
    with pytest.raises(ValueError, match=r"km from the origin; allowed: <= 2000 km"):
        va.Stations.from_lonlat([0.0, 20.0], [0.0, 0.0], origin=(0.0, 0.0))


@pytest.mark.parametrize(
    "lon, lat, origin, match",
    [
        ([0.0], [91.0], (0.0, 0.0), r"lat\[0\] = 91"),
        ([math.nan], [0.0], (0.0, 0.0), r"lon\[0\] = nan"),
        ([0.0], [0.0], (0.0, -95.0), r"origin\.lat\[0\] = -95"),
        ([0.0], [0.0], (0.0,), "origin = "),
    ],
)
def test_lonlat_bad_input(lon, lat, origin, match):
    pytest.importorskip("pyproj")
    with pytest.raises(ValueError, match=match):
        va.Stations.from_lonlat(lon, lat, origin=origin)


def test_stations_from_file(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("name,east_km,north_km\n# comment\nA,1.5,-2\nB,0,3\n")
    s = va.Stations.from_file(p)
    assert s.names == ("A", "B") and np.array_equal(s.east, [1500.0, 0.0])
    p.write_text("name,lon_deg,lat_deg\nA,10.0,45.0\n")
    with pytest.raises(ValueError, match="need an origin"):
        va.Stations.from_file(p)
    p.write_text("name,east_km,north_km\nA,x,1\n")
    with pytest.raises(ValueError, match="row 0 column east_km = 'x'"):
        va.Stations.from_file(p)
    p.write_text("name,e,n\nA,1,1\n")
    with pytest.raises(ValueError, match="missing columns"):
        va.Stations.from_file(p)
