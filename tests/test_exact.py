"""The exact layered viscoelastic solver against references, invariants and limits
(issue 4 checks 1-7). Tolerances are relative to the largest component of each row / snapshot."""

import math

import numpy as np
import pytest
import viscoann as va
from viscoann.conventions import YEAR as YR

MU = 30e9


def _rel_rows(u, ref):
    return np.max(np.abs(u - ref), axis=1) / np.max(np.abs(ref), axis=1)


@pytest.fixture(scope="module")
def okada_rows(data_dir):
    return np.loadtxt(data_dir / "okada" / "canonical_surface.csv", delimiter=",", skiprows=1)


# ---- check 1: t = 0 equals Okada DC3D0 ------------------------------------------------------
def test_t0_equals_okada(okada_rows):
    rows = okada_rows[::4]  # 125 rows, every depth 1-14 km, distances to 140 km
    X = np.column_stack(
        [rows[:, :3], np.zeros(len(rows)), np.full(len(rows), 1e19), np.full(len(rows), 1e18)]
    )
    u = va.exact.canonical(X)
    # Equal moduli at t = 0: the remainder vanishes and u is Okada's closed form (float64 ref).
    assert _rel_rows(u, rows[:, 3:6]).max() < 1e-9


def test_t0_grid_equals_okada(okada_rows):
    x, y, depths = okada_rows[:200, 0], okada_rows[:200, 1], [2.5e3, 9e3]
    u = va.exact.grid(x, y, depths, [0.0], [[1e19, 1e18]])[0, :, 0]  # (depth, point, 3)
    for d, ud in zip(depths, u, strict=True):
        ref = va.okada.canonical_surface(x, y, d)  # Okada's closed form, not the solver's
        assert np.max(np.abs(ud - ref)) <= 1e-12 * np.abs(ref).max()


# ---- check 4: homogeneous viscoelastic half-space, closed form ------------------------------
@pytest.fixture(scope="module")
def homogeneous_rows(data_dir):
    return np.loadtxt(data_dir / "homogeneous_viscoelastic.csv", delimiter=",", skiprows=1)


def _half(row):
    eta_M, eta_K = row[4], row[5]
    return va.Layer(None, va.Burgers(MU, eta_M, MU, eta_K), lam=MU)


def test_homogeneous_halfspace_closed_form(homogeneous_rows):
    u = np.array(
        [
            va.exact.canonical_displacement(va.EarthModel([], _half(r)), r[0], r[1], r[2], r[3])[0]
            for r in homogeneous_rows
        ]
    )
    assert _rel_rows(u, homogeneous_rows[:, 6:9]).max() < 1e-6


def test_surface_layer_of_same_material_closed_form(homogeneous_rows):
    # Full layered machinery (remainder computed, not skipped) on a model that reduces to 4.
    rows = homogeneous_rows[::10]
    u = []
    for r in rows:
        half = _half(r)
        layer = va.Layer(0.4 * r[2], half.rheology, lam=MU)
        u.append(
            va.exact.canonical_displacement(va.EarthModel([layer], half), r[0], r[1], r[2], r[3])[0]
        )
    assert _rel_rows(np.array(u), rows[:, 6:9]).max() < 1e-6


@pytest.mark.parametrize(
    "model",
    [
        va.EarthModel([], va.Layer(None, va.Elastic(MU), lam=MU)),
        va.EarthModel(
            [va.Layer(12e3, va.Elastic(20e9), lam=25e9)], va.Layer(None, va.Elastic(45e9), lam=50e9)
        ),
        va.EarthModel.canonical(1e19, 1e18),
        va.EarthModel(
            [va.Layer(5e3, va.Elastic(MU), lam=MU)], va.Layer(None, va.Maxwell(MU, 1e19), lam=MU)
        ),
    ],
    ids=["homogeneous", "elastic-contrast", "canonical", "source-in-maxwell"],
)
def test_subtraction_equals_full_wavenumber_integral(model):
    # Hankel-transforming the whole layered kernel (no homogeneous part subtracted, no Okada
    # added) must give the same field: checks the kernel normalisation against Okada, the
    # A + r(s) B split and G(t) of a viscoelastic source layer.
    from viscoann import _core

    rng = np.random.default_rng(2)
    x, y, t = rng.uniform(-6e4, 6e4, 12), rng.uniform(-6e4, 6e4, 12), np.full(12, 20 * YR)
    a = _core.canonical_displacement(*model.columns(), 8e3, x, y, t)
    b = _core.canonical_displacement(
        *model.columns(), 8e3, x, y, t, subtract_homogeneous=False, k_refine=2.0
    )
    assert np.abs(a - b).max() < 1e-9 * np.abs(a).max()


# ---- check 2: elastic limits ------------------------------------------------------------------
def test_sls_relaxes_to_elastic_layered_model():
    mu_K, eta_K = 20e9, 1e17  # tau = eta_K/(mu_M + mu_K) = 2e6 s
    K = MU + 2 * MU / 3
    mu_r = MU * mu_K / (MU + mu_K)
    top = va.Layer(15e3, va.Elastic(MU), lam=MU)
    sls = va.EarthModel([top], va.Layer(None, va.StandardLinearSolid(MU, mu_K, eta_K), lam=MU))
    relaxed = va.EarthModel([top], va.Layer(None, va.Elastic(mu_r), lam=K - 2 * mu_r / 3))
    x, y = np.array([3e3, -20e3, 45e3, 90e3]), np.array([8e3, 11e3, -30e3, 5e3])
    u_late = va.exact.canonical_displacement(sls, x, y, 9e3, 1e6 * 2e6)
    u_el = va.exact.canonical_displacement(relaxed, x, y, 9e3, 0.0)
    u0 = va.exact.canonical_displacement(sls, x, y, 9e3, 0.0)
    assert np.abs(u_late - u0).max() > 0.05 * np.abs(u0).max()  # it did relax
    assert np.abs(u_late - u_el).max() < 1e-6 * np.abs(u_el).max()


def test_infinite_viscosities_never_relax(okada_rows):
    rows = okada_rows[:40]
    for t in (0.0, 10 * YR, 1e4 * YR):
        X = np.column_stack([rows[:, :3], np.full(40, t), np.full(40, np.inf), np.full(40, np.inf)])
        assert _rel_rows(va.exact.canonical(X), rows[:, 3:6]).max() < 1e-6


def test_thick_elastic_layer_is_okada_at_all_times(okada_rows):
    # 100,000 km: at 10,000 km a fully relaxed Maxwell half-space still moves the surface by
    # ~(r/H)^3 ~ 1e-6 of the field at r = 75 km after 1000 yr (physics, not error).
    rows = okada_rows[:30]
    model = va.EarthModel(
        [va.Layer(1e8, va.Elastic(MU), lam=MU)], va.Layer(None, va.Maxwell(MU, 1e18), lam=MU)
    )
    for t in (0.0, 1 * YR, 1e3 * YR):
        u = va.exact.canonical_displacement(model, rows[:, 0], rows[:, 1], rows[:, 2], t)
        assert _rel_rows(u, rows[:, 3:6]).max() < 1e-6


# ---- check 3: symmetry, continuity, convergence ----------------------------------------------
def test_strike_slip_symmetries():
    rng = np.random.default_rng(3)
    x, y = rng.uniform(1e3, 9e4, 50), rng.uniform(1e3, 9e4, 50)
    X = np.concatenate([x, -x, x, -x])
    Y = np.concatenate([y, y, -y, -y])
    u = va.exact.grid(X, Y, [6e3], [0.0, 3 * YR, 50 * YR], [[1e19, 1e18]])[0, 0]
    pp, mp, pm, mm = (u[:, i * 50 : (i + 1) * 50] for i in range(4))
    scale = np.abs(u).max()
    # ux even in x, odd in y; uy odd in x, even in y; uz odd in both.
    sx = np.array([1, -1, -1])
    sy = np.array([-1, 1, -1])
    assert np.abs(mp - pp * sx).max() < 1e-13 * scale
    assert np.abs(pm - pp * sy).max() < 1e-13 * scale
    assert np.abs(mm - pp * sx * sy).max() < 1e-13 * scale


def test_continuity_in_time():
    m = va.EarthModel.canonical(1e19, 1e18)
    x, y = np.array([5e3, 30e3, -60e3]), np.array([12e3, -20e3, 40e3])
    u0 = va.exact.canonical_displacement(m, x, y, 10e3, 0.0)
    u_small = va.exact.canonical_displacement(m, x, y, 10e3, 1.0)  # one second after
    assert np.abs(u_small - u0).max() < 1e-7 * np.abs(u0).max()
    # Changes shrink linearly with the step (no jumps, no noise floor from the inversion).
    t = 7.3 * YR
    a, b, c = (
        va.exact.canonical_displacement(m, x, y, 10e3, t * f) for f in (1.0, 1 + 1e-3, 1 + 1e-6)
    )
    big, small = np.abs(b - a).max(), np.abs(c - a).max()
    assert big < 1e-3 * np.abs(a).max()
    assert 0.5e-3 * big < small < 2e-3 * big


def test_convergence_on_doubling_resolution():
    rng = np.random.default_rng(7)
    x, y = rng.uniform(-1e5, 1e5, 300), rng.uniform(-1e5, 1e5, 300)
    args = (x, y, [2e3, 13e3], [0.5 * YR, 20 * YR, 100 * YR], [[1e18, 1e17], [1e21, 1e20]])
    u = va.exact.grid(*args)
    fine = va.exact.grid(*args, talbot_nodes=48, k_refine=2.0, r_refine=2.0)
    for e in range(2):
        for d in range(2):
            scale = np.abs(u[e, d]).max()
            assert np.abs(u[e, d] - fine[e, d]).max() < 1e-5 * scale


def test_grid_matches_scattered_path():
    rng = np.random.default_rng(11)
    x, y = rng.uniform(-1e5, 1e5, 400), rng.uniform(-1e5, 1e5, 400)
    times = np.array([0.0, 2 * YR, 30 * YR])
    g = va.exact.grid(x, y, [8e3], times, [[3e19, 2e18]])[0, 0]
    m = va.EarthModel.canonical(3e19, 2e18)
    idx = np.arange(0, 400, 40)
    for it, t in enumerate(times):
        ref = va.exact.canonical_displacement(m, x[idx], y[idx], 8e3, t)
        assert np.abs(g[it, idx] - ref).max() < 1e-5 * np.abs(ref).max()


def test_viscosity_time_scaling():
    # Scaling both viscosities by c scales time by c (the moduli are unchanged).
    X = np.array([[20e3, 15e3, 7e3, 3 * YR, 1e19, 1e18], [-40e3, 9e3, 12e3, 10 * YR, 1e19, 1e18]])
    X2 = X.copy()
    X2[:, 3:] *= 10.0
    a, b = va.exact.canonical(X), va.exact.canonical(X2)
    assert np.abs(a - b).max() < 1e-9 * np.abs(a).max()


def test_radial_functions_rebuild_the_field():
    rng = np.random.default_rng(13)
    x, y = rng.uniform(-8e4, 8e4, 30), rng.uniform(-8e4, 8e4, 30)
    times, etas = [0.0, 12 * YR], [[2e19, 5e18]]
    u = va.exact.grid(x, y, [6e3], times, etas)
    g = va.exact.radial_grid(np.hypot(x, y), [6e3], times, etas)
    assert g.shape == (1, 1, 2, 30, 3)
    rebuilt = va.exact.from_radial(x, y, g)
    assert np.abs(rebuilt - u).max() < 1e-7 * np.abs(u).max()  # interpolation in r
    g2 = va.exact.radial(np.hypot(x[:5], y[:5]), 6e3, 12 * YR, 2e19, 5e18)
    assert np.abs(g2 - g[0, 0, 1, :5]).max() < 1e-7 * np.abs(g2).max()


# ---- check 5: PSGRN for the canonical model --------------------------------------------------
@pytest.mark.parametrize("name", ["psgrn_maxwell_1e19.csv", "psgrn_burgers_1e19_1e18.csv"])
def test_psgrn_canonical_model(data_dir, name):
    R = np.loadtxt(data_dir / name, delimiter=",", skiprows=1)
    u = va.exact.canonical(R[:, :6])
    for d in np.unique(R[:, 2]):
        s0 = (R[:, 2] == d) & (R[:, 3] == 0)
        for t in np.unique(R[:, 3]):
            s = (R[:, 2] == d) & (R[:, 3] == t)
            ref = R[s, 6:9]
            # Tolerance of refs/psgrn/README.md: 2% of the snapshot's largest |u| (total) and
            # 10% of its largest |u(t) - u(0)| (postseismic part).
            assert np.abs(u[s] - ref).max() < 0.02 * np.abs(ref).max()
            if t > 0:
                post_ref, post = ref - R[s0, 6:9], u[s] - u[s0]
                assert np.abs(post - post_ref).max() < 0.10 * np.abs(post_ref).max()


# ---- check 6: finite everywhere in the canonical domain --------------------------------------
def test_no_nan_or_inf_in_domain():
    rng = np.random.default_rng(5)
    n = 60
    X = np.column_stack(
        [
            rng.uniform(-1e5, 1e5, n),
            rng.uniform(-1e5, 1e5, n),
            rng.uniform(1e3, 14e3, n),
            rng.uniform(0, 1000 * YR, n),
            10 ** rng.uniform(17, 22, n),
            10 ** rng.uniform(17, 22, n),
        ]
    )
    X[:4, :2] = 0.0  # the epicentre
    X[4:8, 3] = [0.0, 1e-3, 1000 * YR, 1.0]
    u = va.exact.canonical(X)
    assert np.isfinite(u).all()
    assert np.abs(u[:4]).max() == 0.0  # the m = 2 field vanishes on the axis
    g = va.exact.grid(
        [0.0, 1e5, -1e5],
        [0.0, 1e5, 3.0],
        [1e3, 14e3],
        [0.0, 1000 * YR],
        [[1e17, 1e17], [1e22, 1e22]],
    )
    assert np.isfinite(g).all()


# ---- check 7: bad input --------------------------------------------------------------------
M = va.EarthModel.canonical(1e19, 1e18)


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (lambda: va.exact.canonical_displacement(M, 1e3, 1e3, 5e3, -1.0), "t"),
        (lambda: va.exact.canonical_displacement(M, 1e3, 1e3, -5e3, 1.0), "depth"),
        (lambda: va.exact.canonical_displacement(M, 1e3, 1e3, 0.0, 1.0), "depth"),
        (lambda: va.exact.canonical_displacement(M, math.nan, 1e3, 5e3, 1.0), "x"),
        (lambda: va.exact.canonical_displacement(M, 1e3, math.inf, 5e3, 1.0), "y"),
        (lambda: va.exact.canonical_displacement(M, 1e3, 1e3, math.nan, 1.0), "depth"),
        (lambda: va.exact.canonical(np.zeros((2, 5))), "X"),
        (lambda: va.exact.canonical([[1e3, 1e3, 5e3, 0.0, -1e19, 1e18]]), "eta_M"),
        (lambda: va.exact.canonical([[1e3, 1e3, 5e3, 0.0, 1e19, math.nan]]), "eta_K"),
        (lambda: va.exact.grid([0.0], [0.0], [5e3], [-1.0], [[1e19, 1e18]]), "times"),
        (lambda: va.exact.grid([0.0], [0.0], [5e3], [1.0], [[1e19, 0.0]]), "eta_K"),
        (lambda: va.exact.grid([0.0], [0.0], [-5e3], [1.0], [[1e19, 1e18]]), "depth"),
        (lambda: va.exact.grid([0.0], [0.0, 1.0], [5e3], [1.0], [[1e19, 1e18]]), "x and y"),
        (lambda: va.exact.grid([0.0], [0.0], [5e3], [1.0], [[1e19, 1e18, 1.0]]), "etas"),
        (lambda: va.exact.canonical_displacement("canonical", 0.0, 0.0, 5e3, 1.0), "model"),
        (
            lambda: va.exact.canonical_displacement(M, 1e3, 1e3, 5e3, 1.0, talbot_nodes=7),
            "talbot_nodes",
        ),
        (lambda: va.exact.canonical_displacement(M, 1e3, 1e3, 5e3, 1.0, threads=-1), "threads"),
        (lambda: va.exact.grid([0.0], [0.0], [5e3], [1.0], [[1e19, 1e18]], threads=-2), "threads"),
        (lambda: va.exact.canonical([[1e3, 1e3, 5e3, 0.0, 1e19, 1e18]], threads=-1), "threads"),
        (
            lambda: va.exact.point_source(
                M, 1e3, 1e3, 5e3, 1.0, potency_tensor=[1.0] * 6, threads=-1
            ),
            "threads",
        ),
    ],
)
def test_bad_input_names_the_argument(call, needle):
    with pytest.raises(ValueError, match=needle):
        call()


# ---- general point sources (DC3D0 mechanisms) -------------------------------------------------
MECHANISMS = [
    (90.0, 0),
    (90.0, 1),
    (90.0, 2),
    (90.0, 3),
    (30.0, 0),
    (30.0, 1),
    (30.0, 2),
    (30.0, 3),
]


@pytest.mark.parametrize(("dip", "q"), MECHANISMS)
def test_point_source_t0_equals_okada(dip, q):
    rng = np.random.default_rng(q)
    x, y = rng.uniform(-5e4, 5e4, 10), rng.uniform(-5e4, 5e4, 10)
    pot = np.eye(4)[q]
    ok = va.okada.point(x, y, 0 * x, 6e3, dip, pot)
    for model in (
        va.EarthModel.canonical(1e19, 1e18),
        va.EarthModel([], va.Layer(None, va.Elastic(MU), lam=MU)),
    ):
        u = va.exact.point_source(model, x, y, 6e3, 0.0, dip=dip, potency=pot)
        assert np.abs(u - ok).max() < 1e-12 * np.abs(ok).max()


@pytest.mark.parametrize(("dip", "q"), MECHANISMS)
def test_point_source_subtraction_equals_full_integral(dip, q):
    # Layered elastic contrast, viscous half-space below the source layer, and a homogeneous
    # Burgers half-space (G(t) of the closed form for every mechanism).
    from viscoann import _core

    rng = np.random.default_rng(10 + q)
    x, y = rng.uniform(-6e4, 6e4, 6), rng.uniform(-6e4, 6e4, 6)
    t = np.array([0.0, 2 * YR, 15 * YR, 15 * YR, 80 * YR, 80 * YR])
    pot = np.eye(4)[q]
    for model in (
        va.EarthModel(
            [va.Layer(12e3, va.Elastic(20e9), lam=25e9)], va.Layer(None, va.Elastic(45e9), lam=50e9)
        ),
        va.EarthModel.canonical(1e19, 1e18),
        va.EarthModel([], va.Layer(None, va.Burgers(MU, 1e19, 20e9, 1e18), lam=40e9)),
    ):
        a = _core.point_source_displacement(*model.columns(), 8e3, x, y, t, dip=dip, potency=pot)
        b = _core.point_source_displacement(
            *model.columns(),
            8e3,
            x,
            y,
            t,
            dip=dip,
            potency=pot,
            subtract_homogeneous=False,
            k_refine=2.0,
        )
        assert np.abs(a - b).max() < 1e-9 * np.abs(a).max()


def test_point_source_strike_slip_is_the_canonical_source():
    m = va.EarthModel.canonical(2e19, 3e18)
    x, y, t = np.array([7e3, -30e3, 55e3]), np.array([2e3, 25e3, -60e3]), 9 * YR
    a = va.exact.point_source(m, x, y, 9e3, t, dip=90.0, potency=[1.0, 0, 0, 0])
    b = va.exact.canonical_displacement(m, x, y, 9e3, t)
    assert np.abs(a - b).max() < 1e-13 * np.abs(b).max()


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"dip": 95.0, "potency": [1, 0, 0, 0]}, "dip"),
        ({"dip": 45.0, "potency": [1, 0, 0]}, "potency"),
        ({"dip": 45.0, "potency": [1, 0, math.nan, 0]}, "potency"),
    ],
)
def test_point_source_bad_input(kwargs, needle):
    with pytest.raises(ValueError, match=needle):
        va.exact.point_source(M, 1e3, 1e3, 5e3, 1.0, **kwargs)


# ---- names, threads ----------------------------------------------------------------------------
def test_displacement_is_deprecated_for_canonical_displacement():
    x, y = np.array([12e3, -30e3]), np.array([5e3, 44e3])
    with pytest.warns(DeprecationWarning, match="canonical_displacement"):
        a = va.exact.displacement(M, x, y, 7e3, 3 * YR)
    assert np.array_equal(a, va.exact.canonical_displacement(M, x, y, 7e3, 3 * YR))


def test_threads_none_and_zero_mean_all_cores():
    x, y = np.array([12e3, -30e3, 50e3]), np.array([5e3, 44e3, -1e3])
    a = va.exact.canonical_displacement(M, x, y, 7e3, 3 * YR, threads=None)
    for threads in (0, 1, 3):
        b = va.exact.canonical_displacement(M, x, y, 7e3, 3 * YR, threads=threads)
        assert np.abs(a - b).max() <= 1e-15 * np.abs(a).max()
    g0 = va.exact.grid(x, y, [7e3], [3 * YR], [[1e19, 1e18]], threads=0)
    assert np.array_equal(g0, va.exact.grid(x, y, [7e3], [3 * YR], [[1e19, 1e18]]))


# ---- station time series: every time of a (depth, viscosity) group in one call ---------------
def test_time_series_equal_one_time_at_a_time():
    # Few stations: the Bessel rows at the stations' own radii, shared by all their times; the
    # same numbers as solving each time alone.
    rng = np.random.default_rng(21)
    x, y = rng.uniform(-8e4, 8e4, 40), rng.uniform(-8e4, 8e4, 40)
    times = np.array([0.0, 0.1, 1.0, 5.0, 30.0]) * YR
    X = np.column_stack(
        [np.tile(x, 5), np.tile(y, 5), np.full(200, 9e3), np.repeat(times, 40)]
        + [np.full(200, 2e19), np.full(200, 3e18)]
    )
    series = va.exact.canonical(X).reshape(5, 40, 3)
    m = va.EarthModel.canonical(2e19, 3e18)
    for it, t in enumerate(times):
        one = va.exact.canonical_displacement(m, x, y, 9e3, t)
        assert np.abs(series[it] - one).max() <= 1e-12 * np.abs(one).max()


def test_time_series_of_many_stations_equal_grid():
    # Many stations within 30 km: the radial tables of exact.grid, built once for all times.
    rng = np.random.default_rng(22)
    x, y = rng.uniform(-2e4, 2e4, 150), rng.uniform(-2e4, 2e4, 150)
    times = np.array([0.0, 2.0, 20.0]) * YR
    g = va.exact.grid(x, y, [9e3], times, [[2e19, 3e18]])[0, 0]
    m = va.EarthModel.canonical(2e19, 3e18)
    u = va.exact.canonical_displacement(m, np.tile(x, 3), np.tile(y, 3), 9e3, np.repeat(times, 150))
    assert np.abs(u.reshape(3, 150, 3) - g).max() <= 1e-12 * np.abs(g).max()


def test_from_radial_is_the_azimuthal_factors():
    x, y = np.array([0.0, 3e3, -4e3, 0.0]), np.array([0.0, 4e3, 0.0, -2e3])
    g = np.arange(24.0).reshape(2, 4, 3) + 1.0
    u = va.exact.from_radial(x, y, g)
    phi = np.arctan2(y, x)
    ur, up = g[..., 0] * np.sin(2 * phi), g[..., 1] * np.cos(2 * phi)
    ref = np.stack(
        [
            ur * np.cos(phi) - up * np.sin(phi),
            ur * np.sin(phi) + up * np.cos(phi),
            g[..., 2] * np.sin(2 * phi),
        ],
        axis=-1,
    )
    ref[:, 0] = 0.0  # on the axis the m = 2 field is its r -> 0 limit, 0 (docs/design.md §3)
    assert np.abs(u - ref).max() < 1e-14 * np.abs(g).max()
    with pytest.raises(ValueError, match="g must have shape"):
        va.exact.from_radial(x, y, g[:, :3])


# ---- potency tensors ---------------------------------------------------------------------------
def _okada_tensor(dip, q, mu, lam):
    """The potency tensor (xx, yy, zz, xy, xz, yz) of DC3D0's unit mechanism q on a plane
    striking along +x with `dip`: P = (s nᵀ + n sᵀ)/2, n = (0, -sin δ, cos δ); inflation
    P = μ/(3λ + 2μ) I (moment μ I)."""
    d = np.radians(dip)
    n = np.array([0.0, -np.sin(d), np.cos(d)])
    s = [np.array([1.0, 0, 0]), np.array([0, np.cos(d), np.sin(d)]), n][q] if q < 3 else None
    P = 0.5 * (np.outer(s, n) + np.outer(n, s)) if q < 3 else mu / (3 * lam + 2 * mu) * np.eye(3)
    return [P[0, 0], P[1, 1], P[2, 2], P[0, 1], P[0, 2], P[1, 2]]


SOURCE_LAYER_MODELS = [
    va.EarthModel.canonical(1e19, 1e18),
    va.EarthModel([], va.Layer(None, va.Burgers(MU, 1e19, 20e9, 1e18), lam=40e9)),
]


@pytest.mark.parametrize(("dip", "q"), [(90.0, 0), (30.0, 1), (30.0, 2), (60.0, 3)])
def test_okada_potencies_are_their_potency_tensor(dip, q):
    rng = np.random.default_rng(30 + q)
    x, y = rng.uniform(-5e4, 5e4, 8), rng.uniform(-5e4, 5e4, 8)
    t = np.array([0.0, 1.0, 3.0, 3.0, 20.0, 20.0, 80.0, 80.0]) * YR
    for model in SOURCE_LAYER_MODELS:  # the source in an elastic layer, in a Burgers body
        src = model.layers[0] if model.layers else model.halfspace
        mu, lam = src.rheology.mu_M, src.lam
        a = va.exact.point_source(model, x, y, 8e3, t, dip=dip, potency=np.eye(4)[q])
        b = va.exact.point_source(
            model, x, y, 8e3, t, potency_tensor=_okada_tensor(dip, q, mu, lam)
        )
        assert np.abs(a - b).max() <= 1e-12 * np.abs(a).max()


def test_strike_slip_tensor_is_the_canonical_source():
    m = va.EarthModel.canonical(2e19, 3e18)
    x, y, t = np.array([7e3, -30e3, 55e3]), np.array([2e3, 25e3, -60e3]), 9 * YR
    a = va.exact.point_source(m, x, y, 9e3, t, potency_tensor=[0, 0, 0, -0.5, 0, 0])
    b = va.exact.canonical_displacement(m, x, y, 9e3, t)
    assert np.abs(a - b).max() < 1e-12 * np.abs(b).max()


def test_potency_tensor_t0_equals_okada_in_a_rotated_frame():
    # Opening of a vertical plane with normal x (P = e_x e_x): Okada's tensile source on a
    # plane striking along +y, i.e. DC3D0 at (x', y') = (y, -x), rotated back.
    rng = np.random.default_rng(40)
    x, y = rng.uniform(-5e4, 5e4, 10), rng.uniform(-5e4, 5e4, 10)
    hom = va.EarthModel([], va.Layer(None, va.Elastic(MU), lam=MU))
    u = va.exact.point_source(hom, x, y, 6e3, 0.0, potency_tensor=[1, 0, 0, 0, 0, 0])
    ok = va.okada.point(y, -x, 0 * x, 6e3, 90.0, [0, 0, 1, 0])
    ref = np.column_stack([-ok[:, 1], ok[:, 0], ok[:, 2]])
    assert np.abs(u - ref).max() < 1e-12 * np.abs(ref).max()


def test_general_tensor_subtraction_equals_full_integral():
    from viscoann import _core

    rng = np.random.default_rng(41)
    x, y = rng.uniform(-6e4, 6e4, 6), rng.uniform(-6e4, 6e4, 6)
    t = np.array([0.0, 2 * YR, 15 * YR, 15 * YR, 80 * YR, 80 * YR])
    P = rng.normal(size=6)
    for model in SOURCE_LAYER_MODELS:
        kw = dict(potency_tensor=P)
        a = _core.point_source_displacement(*model.columns(), 8e3, x, y, t, **kw)
        b = _core.point_source_displacement(
            *model.columns(), 8e3, x, y, t, subtract_homogeneous=False, k_refine=2.0, **kw
        )
        assert np.abs(a - b).max() < 1e-9 * np.abs(a).max()


def test_volume_step_in_a_maxwell_halfspace_keeps_its_moment():
    # A step in isotropic potency P = V I/3 has the moment K V I at every s (the bulk modulus is
    # elastic); the homogeneous surface field is M/(λ + μ) times a fixed shape, so once the
    # shear modulus has relaxed to 0 it is (λ0 + μ0)/K = 6/5 of the field at t = 0 (λ = μ).
    m = va.EarthModel([], va.Layer(None, va.Maxwell(MU, 1e17), lam=MU))
    x, y = np.array([3e3, -10e3, 25e3]), np.array([4e3, 2e3, -7e3])
    iso = [1 / 3, 1 / 3, 1 / 3, 0, 0, 0]
    u0 = va.exact.point_source(m, x, y, 5e3, 0.0, potency_tensor=iso)
    late = va.exact.point_source(m, x, y, 5e3, 1e4 * YR, potency_tensor=iso)
    assert np.abs(late - 1.2 * u0).max() < 1e-6 * np.abs(u0).max()


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"potency_tensor": [1, 0, 0]}, "potency_tensor must have 6"),
        ({"potency_tensor": [1, 0, 0, 0, math.inf, 0]}, "potency"),
        ({"dip": 45.0, "potency": [1, 0, 0, 0], "potency_tensor": [0] * 6}, "either"),
        ({"potency": [1, 0, 0, 0]}, "either"),
        ({}, "either"),
    ],
)
def test_potency_tensor_bad_input(kwargs, needle):
    with pytest.raises(ValueError, match=needle):
        va.exact.point_source(M, 1e3, 1e3, 5e3, 1.0, **kwargs)
