"""viscoann.okada against Okada's Fortran (tests/data/okada), finite differences, symmetry,
the singular flags, broadcasting and input validation."""

import numpy as np
import pytest
import viscoann as va
from viscoann import cli

# The reference is Okada's Fortran with a REAL*8 interface (tests/data/README.md): a correct
# float64 implementation agrees to 1e-9 of the largest component at each point (of u, and of
# the gradient), which also bounds the components that vanish by symmetry.
TOL = 1e-9


def _load(data_dir, name):
    path = data_dir / "okada" / name
    return np.genfromtxt(path, delimiter=",", names=True)


def _rel_err(u, g, ref_u, ref_g):
    eu = np.abs(u - ref_u).max(axis=-1) / np.abs(ref_u).max(axis=-1)
    eg = np.abs(g - ref_g).reshape(len(g), -1).max(axis=-1) / np.abs(ref_g).reshape(len(g), -1).max(
        axis=-1
    )
    return np.maximum(eu, eg)


GRAD = ["uxx", "uxy", "uxz", "uyx", "uyy", "uyz", "uzx", "uzy", "uzz"]


def test_point_matches_okada_fortran(data_dir):
    t = _load(data_dir, "dc3d0.csv")
    assert len(t) == 400
    pot = np.stack([t[f"pot{i}"] for i in range(1, 5)], axis=-1)
    u, g = va.okada.point(
        t["x_m"], t["y_m"], t["z_m"], t["depth_m"], t["dip_deg"], pot, t["alpha"], gradients=True
    )
    ref_u = np.stack([t["ux"], t["uy"], t["uz"]], axis=-1)
    ref_g = np.stack([t[c] for c in GRAD], axis=-1).reshape(-1, 3, 3)
    err = _rel_err(u, g, ref_u, ref_g)
    assert err.max() <= TOL, err.max()


def test_rectangle_matches_okada_fortran(data_dir):
    t = _load(data_dir, "dc3d.csv")
    assert len(t) == 400
    slip = np.stack([t[f"disl{i}_m"] for i in range(1, 4)], axis=-1)
    u, g = va.okada.rectangle(
        t["x_m"],
        t["y_m"],
        t["z_m"],
        t["depth_m"],
        t["dip_deg"],
        t["al1_m"],
        t["al2_m"],
        t["aw1_m"],
        t["aw2_m"],
        slip,
        alpha=t["alpha"],
        gradients=True,
    )
    ref_u = np.stack([t["ux"], t["uy"], t["uz"]], axis=-1)
    ref_g = np.stack([t[c] for c in GRAD], axis=-1).reshape(-1, 3, 3)
    err = _rel_err(u, g, ref_u, ref_g)
    assert err.max() <= TOL, err.max()


def test_canonical_matches_okada_fortran(data_dir):
    t = _load(data_dir, "canonical_surface.csv")
    ref = np.stack([t["ux"], t["uy"], t["uz"]], axis=-1)
    x, y, dep, alpha = t["x_m"], t["y_m"], t["depth_m"], 2 / 3
    fast = va.okada.canonical_surface(x, y, dep, alpha)
    general = va.okada.point(x, y, np.zeros_like(x), dep, 90.0, [1.0, 0, 0, 0], alpha=alpha)
    for u in (fast, general):
        err = np.abs(u - ref).max(axis=-1) / np.abs(ref).max(axis=-1)
        assert err.max() <= TOL, err.max()
    np.testing.assert_allclose(fast, general, rtol=1e-13, atol=1e-13 * np.abs(ref).max())


@pytest.mark.parametrize("dip", [0.0, 35.0, 90.0])
def test_gradients_equal_central_differences(dip):
    rng = np.random.default_rng(7)
    x, y, z = 3100.0, -1700.0, -800.0
    pot = rng.normal(size=4)
    slip = rng.normal(size=3)
    h = 0.5

    def both(px, py, pz):
        up = va.okada.point(px, py, pz, 4000.0, dip, pot, alpha=0.6)
        ur = va.okada.rectangle(
            px, py, pz, 4000.0, dip, -2000.0, 1500.0, -1000.0, 800.0, slip, alpha=0.6
        )
        return up, ur

    _, gp = va.okada.point(x, y, z, 4000.0, dip, pot, alpha=0.6, gradients=True)
    _, gr = va.okada.rectangle(
        x, y, z, 4000.0, dip, -2000.0, 1500.0, -1000.0, 800.0, slip, alpha=0.6, gradients=True
    )
    for j in range(3):
        step = np.zeros(3)
        step[j] = h
        p_plus, r_plus = both(*(np.array([x, y, z]) + step))
        p_minus, r_minus = both(*(np.array([x, y, z]) - step))
        np.testing.assert_allclose(
            (p_plus - p_minus) / (2 * h), gp[:, j], rtol=0, atol=1e-6 * np.abs(gp).max()
        )
        np.testing.assert_allclose(
            (r_plus - r_minus) / (2 * h), gr[:, j], rtol=0, atol=1e-6 * np.abs(gr).max()
        )


def test_canonical_source_is_left_lateral_and_symmetric():
    u = va.okada.point(0.0, 2000.0, 0.0, 5000.0, 90.0, [1.0, 0, 0, 0])
    assert u[0] < 0  # north of a left-lateral fault striking east, the ground moves west
    # ux even in x, odd in y; uy odd in x, even in y; uz odd in both (DESIGN §4 check 3).
    x, y = 3000.0, 7000.0
    s = va.okada.canonical_surface(np.array([x, -x, x]), np.array([y, y, -y]), 6000.0)
    np.testing.assert_allclose(s[1], s[0] * [1, -1, -1], rtol=1e-13)
    np.testing.assert_allclose(s[2], s[0] * [-1, 1, -1], rtol=1e-13)


def test_surface_point_equals_limit_from_below():
    # The z = 0 shortcut (image and real source coincide) agrees with z -> 0-.
    args = (1234.0, -2345.0)
    kw = dict(depth=3000.0, dip=40.0, potency=[0.3, 1.0, -0.4, 0.2], alpha=0.55, gradients=True)
    u0, g0 = va.okada.point(*args, 0.0, **kw)
    u1, g1 = va.okada.point(*args, -1e-6, **kw)
    np.testing.assert_allclose(u0, u1, rtol=0, atol=1e-8 * np.abs(u0).max())
    np.testing.assert_allclose(g0, g1, rtol=0, atol=1e-8 * np.abs(g0).max())


def test_broadcasting_shapes():
    x = np.linspace(-1e4, 1e4, 5)[:, None]
    y = np.linspace(-1e4, 1e4, 4)[None, :]
    u, g = va.okada.point(x, y, 0.0, 5000.0, 60.0, [1.0, 0, 0, 0], gradients=True)
    assert u.shape == (5, 4, 3) and g.shape == (5, 4, 3, 3)
    np.testing.assert_array_equal(
        u[2, 3], va.okada.point(x[2, 0], y[0, 3], 0.0, 5000.0, 60.0, [1.0, 0, 0, 0])
    )
    # Many sources at one point: depth and potency broadcast too.
    u = va.okada.point(1000.0, 2000.0, 0.0, np.array([1e3, 2e3, 3e3]), 45.0, np.eye(4)[:3])
    assert u.shape == (3, 3)
    np.testing.assert_array_equal(
        u[1], va.okada.point(1000.0, 2000.0, 0.0, 2e3, 45.0, np.eye(4)[1])
    )
    assert va.okada.point(1.0, 2.0, 0.0, 5.0, 45.0, [1, 0, 0, 0]).shape == (3,)
    r = va.okada.rectangle(x, y, 0.0, 5000.0, 60.0, -1e3, 1e3, -1e3, 1e3, [1.0, 0, 0])
    assert r.shape == (5, 4, 3)


def test_singular_points_are_nan_flagged_and_warned():
    x = np.array([0.0, 1000.0, 0.0])
    z = np.array([-5000.0, -5000.0, 0.0])
    with pytest.warns(va.SingularPointWarning, match="1 of 3 points"):
        u, flags = va.okada.point(x, 0.0, z, 5000.0, 45.0, [1.0, 0, 0, 0], return_flags=True)
    assert flags.tolist() == [True, False, False]
    assert np.isnan(u[0]).all() and np.isfinite(u[1:]).all()
    # On the surface trace of a vertical fault that reaches the surface (an edge): singular;
    # just beside it and beyond its end (Okada's R + xi -> 0 limit rule): finite.
    xs = np.array([200.0, 200.0, 1500.0])
    ys = np.array([0.0, 10.0, 0.0])
    with pytest.warns(va.SingularPointWarning, match="1 of 3"):
        u, g, flags = va.okada.rectangle(
            xs,
            ys,
            0.0,
            3000.0,
            90.0,
            -1e3,
            1e3,
            -3e3,
            3e3,
            [1.0, 0, 0],
            gradients=True,
            return_flags=True,
        )
    assert flags.tolist() == [True, False, False]
    assert np.isnan(g[0]).all() and np.isfinite(u[1:]).all() and np.isfinite(g[1:]).all()


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        (dict(depth=0.0), "depth > 0"),
        (dict(depth=-5.0), "depth"),
        (dict(z=1.0), "z <= 0"),
        (dict(dip=91.0), "[0, 90]"),
        (dict(dip=-0.1), "dip"),
        (dict(alpha=1.0), "alpha"),
        (dict(alpha=0.0), "(0, 1)"),
        (dict(x=np.nan), "x = nan"),
        (dict(y=np.inf), "y = inf"),
        (dict(potency=[np.nan, 0, 0, 0]), "pot1"),
        (dict(potency=[1, 0, 0]), "potency"),
        (dict(x=np.zeros(3), y=np.zeros(4)), "broadcast"),
    ],
)
def test_point_rejects_bad_input(kwargs, needle):
    args = dict(x=1.0, y=2.0, z=0.0, depth=1000.0, dip=45.0, potency=[1.0, 0, 0, 0])
    alpha = kwargs.pop("alpha", 0.5)
    args.update(kwargs)
    with pytest.raises(ValueError, match=None) as err:
        va.okada.point(**args, alpha=alpha)
    assert needle in str(err.value)


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        (dict(al1=2.0, al2=1.0), "al1 <= al2"),
        (dict(aw1=2.0, aw2=1.0), "aw1 <= aw2"),
        (dict(aw2=2000.0), "aw2"),
        (dict(slip=[1.0, np.inf, 0]), "slip[1]"),
        (dict(depth=np.array([1e3, -1.0])), "depth"),
    ],
)
def test_rectangle_rejects_bad_input(kwargs, needle):
    args = dict(
        x=1.0,
        y=2.0,
        z=0.0,
        depth=1000.0,
        dip=90.0,
        al1=-1.0,
        al2=1.0,
        aw1=-1.0,
        aw2=1.0,
        slip=[1.0, 0, 0],
    )
    args.update(kwargs)
    with pytest.raises(ValueError) as err:
        va.okada.rectangle(**args)
    assert needle in str(err.value)


def test_cli_okada_writes_csv(tmp_path):
    out = tmp_path / "field.csv"
    code = cli.main(
        ["okada", "--depth-km", "5", "--extent-km", "10", "--n", "11", "--out", str(out)]
    )
    assert code == 0
    t = np.genfromtxt(out, delimiter=",", names=True)
    assert len(t) == 121
    u = va.okada.point(t["x_m"], t["y_m"], 0.0, 5000.0, 90.0, [1.0, 0, 0, 0])
    np.testing.assert_allclose(np.stack([t["ux_m"], t["uy_m"], t["uz_m"]], -1), u, rtol=1e-12)
    row = t[(t["x_m"] == 0) & (t["y_m"] == 2000)][0]
    assert row["ux_m"] < 0


def test_cli_okada_writes_hdf5_and_plot(tmp_path):
    h5py = pytest.importorskip("h5py")
    out, png = tmp_path / "field.h5", tmp_path / "map.png"
    code = cli.main(
        [
            "okada",
            "--depth-km",
            "8",
            "--dip",
            "45",
            "--potency",
            "0",
            "1",
            "0",
            "0",
            "--extent-km",
            "20",
            "--n",
            "9",
            "--out",
            str(out),
            "--plot",
            str(png),
        ]
    )
    assert code == 0
    with h5py.File(out) as f:
        x, y, u = f["x"][()], f["y"][()], f["u"][()]
        assert f.attrs["depth_m"] == 8000.0
    assert u.shape == (9, 9, 3)
    X, Y = np.meshgrid(x, y, indexing="xy")
    np.testing.assert_allclose(
        u, va.okada.point(X, Y, 0.0, 8000.0, 45.0, [0, 1.0, 0, 0]), rtol=1e-12
    )
    assert png.stat().st_size > 10_000


def test_cli_okada_bad_input_exits_2(capsys):
    assert cli.main(["okada", "--depth-km", "-1"]) == 2
    assert "depth" in capsys.readouterr().err


def test_cli_okada_rectangle(tmp_path):
    out = tmp_path / "rect.csv"
    argv = [
        "okada",
        "--depth-km",
        "6",
        "--dip",
        "60",
        "--rectangle-km",
        "-5",
        "5",
        "-2",
        "2",
        "--slip",
        "0",
        "1",
        "0",
        "--extent-km",
        "30",
        "--n",
        "7",
        "--out",
        str(out),
    ]
    assert cli.main(argv) == 0
    t = np.genfromtxt(out, delimiter=",", names=True)
    u = va.okada.rectangle(t["x_m"], t["y_m"], 0.0, 6e3, 60.0, -5e3, 5e3, -2e3, 2e3, [0, 1.0, 0])
    np.testing.assert_allclose(np.stack([t["ux_m"], t["uy_m"], t["uz_m"]], -1), u, rtol=1e-12)


def test_readme_okada_snippet_runs():
    from conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Okada elastic half-space", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    env: dict = {}
    exec(compile(code, "README.md", "exec"), env)
    assert env["u"].shape == (201, 201, 3)
    assert np.isfinite(env["g"]).all()


def test_edge_extension_uses_the_limit_and_is_continuous():
    # On the extension of the surface trace beyond its end (q = 0, eta = 0, xi < 0 at both
    # corners: R + xi = 0) Okada's limit rule applies; the field is continuous there.
    kw = dict(z=0.0, depth=3000.0, dip=90.0, al1=-1e3, al2=1e3, aw1=-3e3, aw2=3e3)
    slip = [1.0, 0.3, 0.2]
    on, g_on = va.okada.rectangle(-1500.0, 0.0, slip=slip, gradients=True, **kw)
    off, g_off = va.okada.rectangle(-1500.0, 1e-3, slip=slip, gradients=True, **kw)
    assert np.isfinite(on).all() and np.isfinite(g_on).all()
    np.testing.assert_allclose(on, off, rtol=0, atol=1e-5 * np.abs(on).max())
