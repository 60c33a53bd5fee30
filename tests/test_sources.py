"""Sources (viscoann.sources): mechanisms to DC3D0 potencies and moment tensors, rectangles,
fault files, and every bad input named."""

import json
import math

import numpy as np
import pytest
import viscoann as va
from viscoann import frames

MU = 30e9
TWO_LAYER = va.EarthModel(
    [va.Layer(10e3, va.Elastic(20e9), lam=25e9)], va.Layer(None, va.Maxwell(40e9, 1e19), lam=40e9)
)


def test_canonical_point_source_is_dc3d0_pot1():
    src = va.PointSource(depth=10e3, strike=90, dip=90, rake=0, potency=1.0)
    [(strike, dip, pot)] = src.dc3d0(va.EarthModel.canonical(1e19))
    assert (strike, dip) == (90.0, 90.0)
    assert np.abs(pot - [1, 0, 0, 0]).max() < 1e-16


def test_rake_splits_into_okada_components():
    src = va.PointSource(depth=5e3, strike=10, dip=30, rake=-60, potency=2.0, opening=0.5)
    [(_, _, pot)] = src.dc3d0(TWO_LAYER)
    assert np.allclose(pot, [2 * 0.5, -2 * math.sqrt(3) / 2, 0.5, 0.0], atol=1e-15)


def test_moment_uses_unrelaxed_mu_at_source_depth():
    shallow = va.PointSource(depth=5e3, strike=0, dip=45, rake=90, moment=4e16)
    deep = va.PointSource(depth=12e3, strike=0, dip=45, rake=90, moment=4e16)
    on_interface = va.PointSource(depth=10e3, strike=0, dip=45, rake=90, moment=4e16)
    assert shallow.scalar_potency(TWO_LAYER) == pytest.approx(4e16 / 20e9, rel=1e-15)
    assert deep.scalar_potency(TWO_LAYER) == pytest.approx(4e16 / 40e9, rel=1e-15)
    assert on_interface.scalar_potency(TWO_LAYER) == pytest.approx(4e16 / 20e9, rel=1e-15)


def test_moment_tensor_of_slip_matches_frames():
    src = va.PointSource(depth=5e3, strike=123, dip=37, rake=71, moment=1e18)
    m = src.moment_tensor(TWO_LAYER)
    assert np.abs(m - frames.moment_tensor_ned(123, 37, 71, 1e18)).max() < 1e-12 * 1e18


def test_tensile_and_inflation_moment_tensors():
    # Tensile on a vertical N-S plane: lam P I + 2 mu P n n^T with n east; inflation mu P I.
    src = va.PointSource(depth=5e3, strike=0, dip=90, rake=0, potency=0.0, opening=1.0)
    m = src.moment_tensor(TWO_LAYER)  # source layer mu 20 GPa, lam 25 GPa
    assert np.allclose(m, [25e9, 25e9 + 40e9, 25e9, 0, 0, 0], rtol=0, atol=1e-3)
    src = va.PointSource(depth=5e3, strike=0, dip=90, rake=0, potency=0.0, inflation=1.0)
    assert np.allclose(src.moment_tensor(TWO_LAYER), [20e9, 20e9, 20e9, 0, 0, 0], atol=1e-3)


def test_moment_tensor_decomposition_rebuilds_the_potency_tensor():
    rng = np.random.default_rng(3)
    m6 = rng.normal(size=6) * 1e17
    src = va.PointSource.from_moment_tensor(1e3, -2e3, 12e3, m6)
    mu, lam = 40e9, 40e9  # the half-space of TWO_LAYER at 12 km
    want = frames.potency_tensor_from_moment(frames.tensor_from_ned6(m6), mu, lam)
    got = np.zeros((3, 3))
    for strike, dip, pot in src.dc3d0(TWO_LAYER):
        assert pot[0] == pot[1] == pot[3] == 0.0
        n = frames.fault_vectors(strike, dip)[2]
        got += pot[2] * np.outer(n, n)
    assert np.abs(got - want).max() < 1e-13 * np.abs(want).max()
    assert np.abs(src.moment_tensor(TWO_LAYER) - m6).max() == 0.0


def test_rectangle_geometry():
    f = va.RectangularFault(1e3, 2e3, 8e3, 30.0, 60.0, 20e3, 10e3, 90.0, 2.0)
    assert f.top == pytest.approx(8e3 - 5e3 * math.sin(math.radians(60)), rel=1e-15)
    c = f.corners()
    assert np.allclose(c.mean(axis=0), [1e3, 2e3, -8e3], atol=1e-9)
    assert np.linalg.norm(c[1] - c[0]) == pytest.approx(20e3, rel=1e-14)
    assert np.linalg.norm(c[3] - c[0]) == pytest.approx(10e3, rel=1e-14)
    assert -c[0, 2] == pytest.approx(f.top, rel=1e-14)
    quarters = f.subdivide(2, 2)
    assert len(quarters) == 4 and sum(q.area for q in quarters) == pytest.approx(f.area)
    assert np.allclose(np.mean([[q.east, q.north, q.depth] for q in quarters], 0), [1e3, 2e3, 8e3])
    assert min(q.top for q in quarters) == pytest.approx(f.top, rel=1e-12)


def test_surface_breaking_rectangle_is_allowed():
    f = va.RectangularFault(0, 0, 5e3, 0.0, 90.0, 10e3, 10e3, 0.0, 1.0)
    assert f.top == 0.0


def _write_csv(path, rows, header):
    path.write_text(header + "\n" + "\n".join(",".join(str(v) for v in r) for r in rows) + "\n")


HEADER = "east_km,north_km,depth_km,strike_deg,dip_deg,length_km,width_km,rake_deg,slip_m"


def test_fault_from_csv_and_json(tmp_path):
    rows = [(0, 0, 5, 10, 80, 10, 8, 180, 1.5), (1, 9.8, 5, 10, 80, 10, 8, 170, 0.7)]
    p = tmp_path / "f.csv"
    _write_csv(p, rows, "# a comment line\n" + HEADER)
    fault = va.Fault.from_file(p)
    assert len(fault) == 2
    assert fault[1] == va.RectangularFault(1e3, 9.8e3, 5e3, 10, 80, 10e3, 8e3, 170, 0.7)
    keys = HEADER.split(",")
    j = tmp_path / "f.json"
    j.write_text(json.dumps({"patches": [dict(zip(keys, r, strict=True)) for r in rows]}))
    assert va.Fault.from_file(j).patches == fault.patches
    j.write_text(json.dumps([dict(zip(keys, r, strict=True)) | {"opening_m": 0.1} for r in rows]))
    assert va.Fault.from_file(j)[0].opening == 0.1


def test_fault_from_lonlat_csv(tmp_path):
    pytest.importorskip("pyproj")
    p = tmp_path / "f.csv"
    header = HEADER.replace("east_km,north_km", "lon_deg,lat_deg")
    _write_csv(p, [(142.5, 38.2, 20, 200, 15, 40, 30, 90, 5.0)], header)
    with pytest.raises(ValueError, match="origin"):
        va.Fault.from_file(p)
    f = va.Fault.from_file(p, origin=(142.5, 38.0))[0]
    assert abs(f.east) < 1.0 and f.north == pytest.approx(22.2e3, rel=2e-3)


@pytest.mark.parametrize(
    "row, match",
    [
        ((0, 0, 5, 360, 80, 10, 8, 0, 1), r"row 0\.strike = 360"),
        ((0, 0, 5, 10, 91, 10, 8, 0, 1), r"row 0\.dip = 91"),
        ((0, 0, 5, 10, 80, 10, 8, 190, 1), r"row 0\.rake = 190"),
        ((0, 0, 5, 10, 80, 0, 8, 0, 1), r"row 0\.length = 0.* zero area"),
        ((0, 0, 1, 10, 80, 10, 8, 0, 1), r"row 0\.depth = 1000.*above the surface"),
        ((0, 0, 5, 10, 80, 10, 8, 0, "nan"), r"row 0\.slip = nan"),
        ((0, 0, 5, 10, 80, 10, 8, 0, "x"), r"row 0 column slip_m = 'x'"),
    ],
)
def test_fault_file_bad_values_named(tmp_path, row, match):
    p = tmp_path / "f.csv"
    _write_csv(p, [row], HEADER)
    with pytest.raises(ValueError, match=match):
        va.Fault.from_file(p)


def test_fault_file_missing_column(tmp_path):
    p = tmp_path / "f.csv"
    _write_csv(p, [(0, 0, 5, 10, 80, 10, 8, 0)], HEADER.rsplit(",", 1)[0])
    with pytest.raises(ValueError, match="missing column slip_m"):
        va.Fault.from_file(p)
    with pytest.raises(ValueError, match="suffix"):
        va.Fault.from_file(tmp_path / "f.txt")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(depth=5e3, strike=0, dip=45, rake=0), "neither given"),
        (dict(depth=5e3, strike=0, dip=45, rake=0, potency=1.0, moment=3e10), "both given"),
        (dict(depth=0.0, strike=0, dip=45, rake=0, potency=1.0), r"^depth = 0.0"),
        (dict(depth=-1.0, strike=0, dip=45, rake=0, potency=1.0), r"^depth = -1.0"),
        (dict(depth=5e3, strike=360, dip=45, rake=0, potency=1.0), r"^strike = 360"),
        (dict(depth=5e3, strike=0, dip=95, rake=0, potency=1.0), r"^dip = 95"),
        (dict(depth=5e3, strike=0, dip=45, rake=-181, potency=1.0), r"^rake = -181"),
        (dict(depth=5e3, strike=0, dip=45, rake=0, potency=math.nan), r"^potency = nan"),
        (dict(depth=5e3, east=math.nan, strike=0, dip=45, rake=0, potency=1.0), r"^east = nan"),
        (dict(depth=5e3, strike=0, dip=45, rake=0, potency=1, inflation=math.inf), "inflation"),
        (dict(depth=5e3, dip=45, rake=0, potency=1.0), r"^strike = None"),
        (dict(depth=5e3, m_ned=(1, 2, 3)), "m_ned has 3 values"),
        (dict(depth=5e3, m_ned=(1, 2, 3, 4, 5, math.nan)), r"m_ned\.Med = nan"),
        (dict(depth=5e3, m_ned=(1,) * 6, potency=1.0), "potency is invalid with m_ned"),
    ],
)
def test_point_source_bad_input_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        va.PointSource(**kwargs)


@pytest.mark.parametrize(
    "args, match",
    [
        ((0, 0, 5e3, 0, 45, 1e3, -1.0, 0, 1.0), "width = -1.0 .* zero area"),
        ((0, 0, 5e3, 400, 45, 1e3, 1e3, 0, 1.0), "strike = 400"),
        ((0, 0, 5e3, 0, 45, 1e3, 1e3, 0, math.nan), "slip = nan"),
        ((0, math.inf, 5e3, 0, 45, 1e3, 1e3, 0, 1.0), "north = inf"),
        ((0, 0, 100.0, 0, 90, 1e3, 1e3, 0, 1.0), "above the surface"),
    ],
)
def test_rectangle_bad_input_named(args, match):
    with pytest.raises(ValueError, match=match):
        va.RectangularFault(*args)


def test_fault_rejects_non_patches():
    with pytest.raises(ValueError, match="patches is empty"):
        va.Fault([])
    with pytest.raises(ValueError, match=r"patches\[0\] is a PointSource"):
        va.Fault([va.PointSource(depth=1e3, strike=0, dip=0, rake=0, potency=1.0)])
