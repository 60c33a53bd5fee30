"""The neural kernel's front door (va.NeuralKernel) on the random-weight test kernel: u(0) is
Okada's exactly, the Python superposition equals the engine's own, the Jacobian and the
velocity equal differences of the displacement, many models in one call equal one at a time,
and bad or untrained input is refused or flagged. (Accuracy against the exact solver belongs to
a trained kernel: bench/RESULTS.md, "Neural kernel".)"""

import numpy as np
import pytest
import viscoann as va
from conftest import DATA
from viscoann import _core, exact_sources

YEAR = 3.15576e7
RHEO = dict(eta_M=3e19, eta_K=2e18, H=25e3)


@pytest.fixture(scope="module")
def net():
    return va.NeuralKernel.load(DATA / "kernel_tiny.safetensors")


@pytest.fixture(scope="module")
def stations():
    rng = np.random.default_rng(4)
    r, phi = rng.uniform(2e3, 150e3, 12), rng.uniform(0, 2 * np.pi, 12)
    return va.Stations(east=r * np.cos(phi), north=r * np.sin(phi))


SOURCES = {
    "point": va.PointSource(depth=9e3, strike=30, dip=60, rake=110, potency=2.0),
    "rectangle": va.RectangularFault(1e3, -2e3, 10e3, 40, 50, 12e3, 8e3, 80, 1.5),
    "fault": va.Fault(
        [
            va.RectangularFault(0, 0, 6e3, 0, 70, 6e3, 5e3, 0, 1.0),
            va.RectangularFault(0, 6e3, 8e3, 0, 70, 6e3, 5e3, 30, 0.5),
        ]
    ),
}


@pytest.mark.parametrize("kind", sorted(SOURCES))
def test_t0_is_okada_exactly(net, stations, kind):
    src = SOURCES[kind]
    u = net.displacement(src, stations, [0.0], **RHEO)[0]
    okada = va.exact.displacement(va.EarthModel.family(**RHEO), src, stations, [0.0])[0]
    np.testing.assert_allclose(u, okada, rtol=0, atol=1e-12 * np.abs(okada).max())


def test_point_source_equals_the_engines_full_field(net, stations):
    src = SOURCES["point"]
    t = np.array([0.0, 3600.0, YEAR, 100 * YEAR])
    u = net.displacement(src, stations, t, **RHEO)
    model = va.EarthModel.family(**RHEO)
    p = exact_sources.potency_tensor(model, src)[None]
    x = (stations.east - src.east)[None]
    y = (stations.north - src.north)[None]
    eng = net._engine.displacement(
        src.depth, *(np.array([RHEO[k]]) for k in ("eta_M", "eta_K", "H")), t, p, x, y
    )[0, 0]
    np.testing.assert_allclose(u, eng, rtol=0, atol=1e-10 * np.abs(eng).max())
    assert np.abs(u[1:] - u[0]).max() > 1e-6 * np.abs(u).max()  # the remainder is not nil


@pytest.mark.parametrize("kind", ["point", "rectangle"])
def test_jacobian_equals_differences(net, stations, kind):
    src, t = SOURCES[kind], np.array([86400.0, 3 * YEAR, 200 * YEAR])
    names = ("eta_M", "eta_K", "H")
    u, J = net.displacement(src, stations, t, jacobian=names, **RHEO)
    assert J.shape == (*u.shape, 3)
    h = 1e-5  # the random basis is rough: a step of 1e-4 leaves 2e-5 of truncation error in H
    for i, n in enumerate(names):
        up = net.displacement(src, stations, t, **{**RHEO, n: RHEO[n] * 10**h})
        dn = net.displacement(src, stations, t, **{**RHEO, n: RHEO[n] * 10**-h})
        fd = (up - dn) / (2 * h)
        np.testing.assert_allclose(J[..., i], fd, rtol=0, atol=1e-6 * np.abs(fd).max())
        assert np.abs(fd).max() > 0


def test_velocity_equals_differences_in_time(net, stations):
    src, t = SOURCES["rectangle"], np.array([3600.0, 30 * 86400.0, 10 * YEAR])
    v = net.velocity(src, stations, t, **RHEO)
    h = 1e-4
    fd = (
        net.displacement(src, stations, t * (1 + h), **RHEO)
        - net.displacement(src, stations, t * (1 - h), **RHEO)
    ) / (2 * h * t)[:, None, None]
    np.testing.assert_allclose(v, fd, rtol=0, atol=1e-6 * np.abs(fd).max())


def test_many_models_in_one_call(net, stations):
    src, t = SOURCES["point"], np.array([YEAR, 50 * YEAR])
    eta_M, eta_K, H = np.array([1e19, 5e20]), np.array([np.inf, 1e19]), np.array([15e3, 40e3])
    u = net.displacement(src, stations, t, eta_M=eta_M, eta_K=eta_K, H=H)
    assert u.shape == (2, 2, len(stations), 3)
    for e in range(2):
        one = net.displacement(src, stations, t, eta_M=eta_M[e], eta_K=eta_K[e], H=H[e])
        np.testing.assert_array_equal(u[e], one)


@pytest.mark.parametrize("kind", sorted(SOURCES))
def test_prepared_equals_the_kernel(net, stations, kind):
    """Prepared at the model's own H (the same quadrature) it is the kernel's call, for many
    models at once and with the Jacobian; a thinner lid than it was prepared for is refused."""
    src, t = SOURCES[kind], np.array([0.0, 86400.0, 3 * YEAR, 200 * YEAR])
    names = ("eta_M", "eta_K", "H")
    pk = net.prepare(src, stations, t, H_min=RHEO["H"])
    assert pk.H_quadrature == RHEO["H"]
    u, J = pk.displacement(**RHEO, jacobian=names)
    ref, Jref = net.displacement(src, stations, t, jacobian=names, **RHEO)
    np.testing.assert_allclose(u, ref, rtol=0, atol=1e-12 * np.abs(ref).max())
    np.testing.assert_allclose(J, Jref, rtol=0, atol=1e-12 * np.abs(Jref).max())
    many = pk.displacement(eta_M=[RHEO["eta_M"], 1e20], eta_K=[RHEO["eta_K"], np.inf], H=25e3)
    assert many.shape == (2, *u.shape)
    np.testing.assert_allclose(many[0], u, rtol=0, atol=1e-12 * np.abs(u).max())
    with pytest.raises(ValueError, match="H = 20000 m is invalid for this PreparedKernel"):
        pk.displacement(eta_M=1e19, H=20e3)


@pytest.mark.parametrize("velocity", [False, True])
def test_responses_share_rows_and_equal_per_patch_calls(net, stations, velocity):
    """All patches at once (a cycle's step responses) equal one call per patch."""
    patches = list(SOURCES["fault"]) + [SOURCES["rectangle"]]
    t = np.array([86400.0, 3 * YEAR, 200 * YEAR])
    G = net.responses(patches, stations, t, velocity, **RHEO)
    fn = net.velocity if velocity else net.displacement
    ref = np.stack([fn(p, stations, t, **RHEO) for p in patches])
    assert G.shape == ref.shape
    np.testing.assert_allclose(G, ref, rtol=0, atol=1e-12 * np.abs(ref).max())


def test_prepare_raises_the_lid_to_the_deepest_source(net, stations):
    pk = net.prepare(SOURCES["rectangle"], stations, [0.0, YEAR], H_min=5e3)
    bottom = max(SOURCES["rectangle"].top, SOURCES["rectangle"].bottom)
    assert pk.H_quadrature == bottom + net.family["depth_margin"]


def test_bad_and_untrained_input(net, stations):
    src = SOURCES["point"]
    with pytest.raises(ValueError, match="lid's base"):
        net.displacement(src, stations, [YEAR], eta_M=1e19, H=8e3)
    with pytest.raises(ValueError, match="eta_M = -1"):
        net.displacement(src, stations, [YEAR], eta_M=-1.0)
    with pytest.raises(ValueError, match="jacobian names 'mu'"):
        net.displacement(src, stations, [YEAR], eta_M=1e19, jacobian=("mu",))
    with pytest.raises(ValueError, match="times"):
        net.velocity(src, stations, [0.0], eta_M=1e19)
    with pytest.raises(ValueError, match="displacement only"):
        net.velocity(src, stations, [YEAR], eta_M=1e19, jacobian=("H",))
    with pytest.warns(va.OutOfDomainWarning, match="H outside"):
        net.displacement(src, stations, [YEAR], eta_M=1e19, H=60e3)
    with pytest.warns(va.OutOfDomainWarning, match="eta_M outside"):
        net.displacement(src, stations, [YEAR], eta_M=1e22)
    far = va.Stations(east=[800e3], north=[0.0])  # the basis reaches 30.2 H = 453 km
    with pytest.raises(ValueError, match="beyond the kernel's basis; allowed: <= 453000 m"):
        net.displacement(src, far, [YEAR], eta_M=1e19)


def test_pretrained_names_what_is_shipped():
    with pytest.raises(ValueError, match="not a shipped kernel"):
        va.NeuralKernel.pretrained("nope")


def test_a_surrogate_file_is_refused():
    with pytest.raises(_core.FormatError):
        va.NeuralKernel.load(DATA.parent.parent / "python/viscoann/models/canonical.safetensors")
