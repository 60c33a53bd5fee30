"""The store of radial tables (viscoann.store): build -> open round trip, served fields equal
the direct solve, depth interpolation to its stated tolerance, atomic and resumable builds,
bad requests named."""

import h5py
import numpy as np
import pytest
import viscoann as va
from viscoann import _core, store

YR = 365.25 * 86400.0
MODEL = va.EarthModel.canonical(1e19, 1e18)
TIMES = np.array([0.0, 0.5 * YR, 5 * YR, 30 * YR])
DEPTHS = np.arange(4e3, 10.25e3, 0.5e3)  # 0.5 km grid in the 15 km lid
ST = va.Stations([-20e3, 0.0, 4e3, 35e3], [6e3, 0.0, -9e3, 12e3])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("store") / "canon.h5"
    return va.exact.Store.build(MODEL, DEPTHS, TIMES, path, r_max=80e3)


def test_round_trip(built):
    s = va.exact.Store.open(built.path)
    assert np.array_equal(s.times, TIMES) and np.array_equal(s.depths, DEPTHS)
    assert s.r_max == 80e3 and s.resolution == built.resolution
    assert all(
        np.array_equal(a, b) for a, b in zip(s.model.columns(), MODEL.columns(), strict=True)
    )
    with h5py.File(built.path) as f:
        assert f.attrs["format"] == "viscoann-store" and f.attrs["version"] == 1
        assert f["d3/g"].shape[0] == TIMES.size and f["d3/g"].shape[2] == 10
        assert f["d3/velocity/g"].shape[0] == TIMES.size - 1  # times > 0
        h = {f[f"d{i}"].attrs["h"] for i in range(DEPTHS.size)}
        assert len(h) == 1  # one radial grid: tables combine in depth


def test_store_equals_direct_solve_on_the_grid(built):
    src = va.PointSource(depth=6e3, strike=30.0, dip=50.0, rake=80.0, potency=1.0, opening=0.3)
    # The store's tables reach 80 km, the direct solve's only its stations: two wavenumber
    # rules, equal to the solver's resolution (1e-7 of the displacement; the velocity of a
    # source in the elastic lid is all remainder, so 1e-5 of its own maximum).
    for field, bar in (("displacement", 1e-7), ("velocity", 1e-5)):
        t = TIMES if field == "displacement" else TIMES[1:]
        a = getattr(built, field)(src, ST)
        b = getattr(va.exact, field)(MODEL, src, ST, t)
        assert np.abs(a - b).max() < bar * np.abs(b).max(), field
    sub = built.displacement(src, ST, times=TIMES[[3, 1]])
    assert np.array_equal(sub, built.displacement(src, ST)[[3, 1]])


def test_depth_interpolation_tolerance(built):
    # Off-grid depths (and a fault whose quadrature nodes fall anywhere): interpolated in
    # depth (6-point Lagrange, 0.5 km) to 1e-6 of the largest displacement.
    srcs = [
        va.PointSource(depth=d, strike=s, dip=dip, rake=r, potency=1.0)
        for d, s, dip, r in ((4.37e3, 10.0, 80.0, 0.0), (7.71e3, 200.0, 30.0, 90.0))
    ]
    srcs.append(va.RectangularFault(3e3, -2e3, 8e3, 60.0, 45.0, 10e3, 5e3, 45.0, 1.0))
    for src in srcs:
        a = built.displacement(src, ST)
        b = va.exact.displacement(MODEL, src, ST, TIMES)
        post = np.abs(b[1:] - b[0]).max()
        assert np.abs(a - b).max() < 1e-6 * np.abs(b).max()
        assert np.abs((a[1:] - a[0]) - (b[1:] - b[0])).max() < 1e-5 * post


def test_tables_combine_in_the_core_linearly(built):
    """The core's weighted sum of tables (what the store's depth interpolation calls) is the
    same weighted sum of the tables' fields."""
    t3, t4 = (built._tables[i][0] for i in (3, 4))
    rng = np.random.default_rng(3)
    p = rng.normal(size=(2, 6))
    x, y = rng.uniform(-50e3, 50e3, (2, 2, 7))
    w = np.array([0.3, -1.7])

    def field(gs, ws):
        return _core.tables_displacement(
            6e3,
            t3["h"],
            t3["times"],
            gs,
            ws,
            t3["r"],
            t3["kappa"],
            t3["kappa_r"],
            t3["constant"],
            p,
            x,
            y,
            homogeneous=False,
        )

    mixed = field([t3["g"], t4["g"]], w)
    ref = w[0] * field([t3["g"]], [1.0]) + w[1] * field([t4["g"]], [1.0])
    assert np.abs(mixed - ref).max() < 1e-12 * np.abs(ref).max()
    with pytest.raises(ValueError, match="one weight each"):
        field([t3["g"], t4["g"]], [1.0])


def test_build_is_atomic_and_resumes(tmp_path, monkeypatch):
    path = tmp_path / "s.h5"
    calls, real = [], _core.elementary_tables

    def failing(*args, **kw):
        calls.append(args[6])
        if len(calls) == 5:  # the third depth's displacement tables
            raise RuntimeError("interrupted")
        return real(*args, **kw)

    monkeypatch.setattr(store._core, "elementary_tables", failing)
    with pytest.raises(RuntimeError, match="interrupted"):
        va.exact.Store.build(MODEL, [3e3, 5e3, 7e3], TIMES, path, r_max=50e3)
    assert not path.exists() and (tmp_path / "s.h5.partial").exists()
    monkeypatch.setattr(store._core, "elementary_tables", real)
    calls.clear()
    monkeypatch.setattr(
        store._core, "elementary_tables", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    s = va.exact.Store.build(MODEL, [3e3, 5e3, 7e3], TIMES, path, r_max=50e3)
    assert len(calls) == 2  # only the third depth (displacement and velocity) was computed
    assert path.exists() and not (tmp_path / "s.h5.partial").exists()
    fresh = va.exact.Store.build(MODEL, [3e3, 5e3, 7e3], TIMES, tmp_path / "f.h5", r_max=50e3)
    src = va.PointSource(depth=5e3, strike=0.0, dip=90.0, rake=0.0, potency=1.0)
    assert np.array_equal(s.displacement(src, ST), fresh.displacement(src, ST))
    # Reopening through build checks that it is the same store.
    with pytest.raises(ValueError, match="times differs"):
        va.exact.Store.build(MODEL, [3e3, 5e3, 7e3], TIMES[:2], path, r_max=50e3)


def test_bad_requests_named(built, tmp_path):
    src = va.PointSource(depth=6e3, strike=0.0, dip=45.0, rake=0.0, potency=1.0)
    with pytest.raises(ValueError, match=r"times\[0\] = 1.0 is invalid; allowed: one of"):
        built.displacement(src, ST, times=[1.0])
    with pytest.raises(ValueError, match=r"allowed: <= the store's r_max"):
        built.displacement(src, va.Stations([100e3], [0.0]))
    for d in (20e3, 12e3):  # below the lid; in it but outside the grid
        deep = va.PointSource(depth=d, strike=0.0, dip=45.0, rake=0.0, potency=1.0)
        with pytest.raises(ValueError, match="never interpolate across an interface"):
            built.displacement(deep, ST)
    with pytest.raises(ValueError, match="talbot_nodes = 30 is invalid"):
        built.displacement(src, ST, talbot_nodes=30)
    with pytest.raises(ValueError, match=r"depths\[0\] = -1.0 is invalid"):
        va.exact.Store.build(MODEL, [-1.0, 2e3], TIMES, tmp_path / "x.h5", r_max=1e4)
    with pytest.raises(ValueError, match="r_max = 0 is invalid"):
        va.exact.Store.build(MODEL, [1e3], TIMES, tmp_path / "x.h5", r_max=0)
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f.attrs["format"] = "something"
    with pytest.raises(ValueError, match="not a viscoann-store file"):
        va.exact.Store.open(other)


def test_grid_across_an_interface(tmp_path):
    # Depths crossing the lid's base (15 km) gain 15 km and 15 km + 1 mm: sources just above
    # and just below it are served within their own layer.
    grid = np.arange(12e3, 18.01e3, 0.5e3)
    s = va.exact.Store.build(MODEL, grid, TIMES, tmp_path / "i.h5", r_max=60e3)
    assert 15e3 in s.depths and 15e3 + 1e-3 in s.depths
    for d in (14.8e3, 15.3e3):
        src = va.PointSource(depth=d, strike=20.0, dip=60.0, rake=30.0, potency=1.0)
        a, b = s.displacement(src, ST), va.exact.displacement(MODEL, src, ST, TIMES)
        assert np.abs(a - b).max() < 3e-6 * np.abs(b).max(), d
