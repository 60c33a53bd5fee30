"""Frames and angles (viscoann.frames): round trips, the canonical source, Aki & Richards'
moment-tensor formulas (Box 4.4, written out here independently), bad angles."""

import math

import numpy as np
import pytest
from viscoann import frames

RNG = np.random.default_rng(14)


def _aki_richards_ned(strike, dip, rake, m0):
    # Aki & Richards (2002) Box 4.4, x north, y east, z down.
    f, d, r = (math.radians(a) for a in (strike, dip, rake))
    sd, cd, s2d, c2d = math.sin(d), math.cos(d), math.sin(2 * d), math.cos(2 * d)
    sr, cr = math.sin(r), math.cos(r)
    mxx = -m0 * (sd * cr * math.sin(2 * f) + s2d * sr * math.sin(f) ** 2)
    mxy = m0 * (sd * cr * math.cos(2 * f) + 0.5 * s2d * sr * math.sin(2 * f))
    mxz = -m0 * (cd * cr * math.cos(f) + c2d * sr * math.sin(f))
    myy = m0 * (sd * cr * math.sin(2 * f) - s2d * sr * math.cos(f) ** 2)
    myz = -m0 * (cd * cr * math.sin(f) - c2d * sr * math.cos(f))
    mzz = m0 * s2d * sr
    return np.array([mxx, myy, mzz, mxy, mxz, myz])


def test_okada_enu_round_trip():
    e, n = RNG.normal(size=(2, 50)) * 1e4
    for strike in RNG.uniform(0, 360, 7):
        x, y = frames.enu_to_okada(e, n, strike)
        e2, n2 = frames.okada_to_enu(x, y, strike)
        assert np.abs(e2 - e).max() < 1e-10 and np.abs(n2 - n).max() < 1e-10
        assert np.allclose(np.hypot(x, y), np.hypot(e, n), rtol=1e-14)


def test_canonical_strike_is_enu():
    # Strike 90 (east): Okada's x is east and y north, the seed's frame.
    e, n = RNG.normal(size=(2, 20))
    x, y = frames.enu_to_okada(e, n, 90.0)
    assert np.abs(x - e).max() < 1e-15 and np.abs(y - n).max() < 1e-15
    along, updip, normal, slip = frames.fault_vectors(90.0, 90.0, 0.0)
    assert np.allclose(along, [1, 0, 0], atol=1e-15) and np.allclose(slip, [1, 0, 0], atol=1e-15)
    # DC3D0's normal for dip 90 is (0, -1, 0) in Okada's frame: here (0, -1, 0) in ENU.
    assert np.allclose(normal, [0, -1, 0], atol=1e-15)


def test_dip_direction_is_right_of_strike():
    for strike in (0.0, 30.0, 90.0, 200.0):
        along, updip, normal, _ = frames.fault_vectors(strike, 40.0)
        down = -updip
        right = np.array([math.cos(math.radians(strike)), -math.sin(math.radians(strike)), 0])
        assert down[2] < 0 and np.dot(down[:2], right[:2]) > 0.7
        assert normal[2] > 0  # into the hanging wall, upward
        assert abs(np.dot(normal, along)) < 1e-15 and abs(np.dot(normal, updip)) < 1e-15


def test_ned_round_trip():
    v = RNG.normal(size=(5, 3))
    assert np.array_equal(frames.ned_to_enu(frames.enu_to_ned(v)), v)
    m6 = RNG.normal(size=6)
    assert np.abs(frames.tensor_to_ned6(frames.tensor_from_ned6(m6)) - m6).max() < 1e-15
    # An up-going vector is -d in NED.
    assert np.array_equal(frames.enu_to_ned([0, 0, 1.0]), [0, 0, -1.0])


def test_thrust_moment_tensor_matches_aki_richards():
    # Pure thrust, strike 30, dip 40: Mdd = M0 sin 2 dip > 0 (vertical compression released).
    m = frames.moment_tensor_ned(30.0, 40.0, 90.0, 2e18)
    ref = _aki_richards_ned(30.0, 40.0, 90.0, 2e18)
    assert np.abs(m - ref).max() < 1e-12 * 2e18
    assert m[2] > 0 and abs(m[2] - 2e18 * math.sin(math.radians(80))) < 1e4


def test_random_mechanisms_match_aki_richards():
    for _ in range(20):
        s, d, r = RNG.uniform(0, 360), RNG.uniform(0, 90), RNG.uniform(-180, 180)
        m = frames.moment_tensor_ned(s, d, r, 1.0)
        assert np.abs(m - _aki_richards_ned(s, d, r, 1.0)).max() < 1e-14
        t = frames.tensor_from_ned6(m)
        assert abs(np.trace(t)) < 1e-14 and abs(np.linalg.det(t)) < 1e-14  # double couple


def test_plane_from_normal_round_trip():
    for _ in range(30):
        s, d = RNG.uniform(0, 360), RNG.uniform(0.5, 89.5)
        normal = frames.fault_vectors(s, d)[2]
        for sign in (1.0, -1.0):
            s2, d2 = frames.plane_from_normal(sign * normal)
            assert abs(d2 - d) < 1e-10 and abs((s2 - s + 180) % 360 - 180) < 1e-10
    assert frames.plane_from_normal([0, 0, -1.0]) == (0.0, 0.0)


def test_potency_tensor_inverts_hooke():
    mu, lam = 30e9, 45e9
    p = RNG.normal(size=(3, 3))
    p = 0.5 * (p + p.T)
    m = lam * np.trace(p) * np.eye(3) + 2 * mu * p
    assert np.abs(frames.potency_tensor_from_moment(m, mu, lam) - p).max() < 1e-14


@pytest.mark.parametrize(
    "args, name",
    [
        ((360.0, 45.0, 0.0), "strike"),
        ((-1.0, 45.0, 0.0), "strike"),
        ((10.0, 90.5, 0.0), "dip"),
        ((10.0, -0.1, 0.0), "dip"),
        ((10.0, 45.0, 181.0), "rake"),
        ((10.0, math.nan, 0.0), "dip"),
        ((math.inf, 45.0, 0.0), "strike"),
        ((10.0, 45.0, "x"), "rake"),
    ],
)
def test_bad_angles_named(args, name):
    with pytest.raises(ValueError, match=rf"^p\.{name} ="):
        frames.check_angles(*args, where="p")
