"""The neural kernel's C++ engine (_core.Kernel) on random-weight format-3 files: coefficients
against a float64 numpy evaluation of the format (export.py, "Format version 3"), the remainder
against an independent path (radial tables of g on the basis grid through
_core.tables_displacement: its own interpolation and azimuthal factors), the full field's
Okada part against the solver's homogeneous half-space, every derivative against central
differences of the numpy evaluation, t = 0, the out-of-family count and each error."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from conftest import DATA
from viscoann import _core, export
from viscoann.earth import EarthModel, Elastic, Layer

_spec = importlib.util.spec_from_file_location("make_kernel_tiny", DATA / "make_kernel_tiny.py")
tiny = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tiny)

K, N_R, DRHO = 3, 160, 0.2
YEAR = 3.15576e7


@pytest.fixture(scope="module")
def data():
    return tiny.kernel_bytes([3, 16, 16, 10 * K], K=K, n_r=N_R, rho_spacing=DRHO, seed=7)


@pytest.fixture(scope="module")
def kernel(data):
    return _core.Kernel.from_bytes(data)


@pytest.fixture(scope="module")
def doc(data):
    return export.read(data)


def ref_coefficients(doc, depth, eta_M, eta_K, H, t):
    """g's coefficients (10, K), w and H^-2 included, in float64 numpy from the file's
    contents."""
    geo = doc["geometry"]
    k = geo["n_modes"]
    if t == 0:
        return np.zeros((10, k))
    tau_M, tau_K = eta_M / geo["mu_M"], eta_K / geo["mu_K"]
    ins, outs = doc["inputs"], doc["outputs"]
    q = np.array(
        [depth / H, max(np.log10(t / tau_M), ins[1]["domain"][0]), np.log10(1 + t / tau_K)]
    )
    z = np.array([e["scale"] for e in ins]) * q + np.array([e["offset"] for e in ins])
    acts = {"tanh": np.tanh, "identity": lambda v: v, "relu": lambda v: np.maximum(v, 0)}
    for W, b, a in zip(doc["weights"], doc["biases"], doc["activations"], strict=True):
        z = acts[a](W.astype(float) @ z + b.astype(float))
    c = np.array([e["scale"] for e in outs]) * z + np.array([e["offset"] for e in outs])
    x = t / tau_M + t / tau_K
    return (x / (1 + x) / H**2 * c).reshape(10, k)


MODELS = dict(eta_M=np.array([1e19, 3e20, 2e18]), eta_K=np.array([1e18, np.inf, 5e19]))
MODELS["H"] = np.array([15e3, 30e3, 45e3])
TIMES = np.array([0.0, 3600.0, 86400 * 30, 5 * YEAR, 300 * YEAR])
DEPTH = 8e3


def test_coefficients_match_numpy(kernel, doc):
    c = kernel.coefficients(DEPTH, **MODELS, times=TIMES)
    assert c.shape == (3, 1, len(TIMES), 10, K)
    for e in range(3):
        for it, t in enumerate(TIMES):
            ref = ref_coefficients(doc, DEPTH, *(MODELS[k][e] for k in ("eta_M", "eta_K", "H")), t)
            scale = np.abs(ref).max() if t > 0 else 1.0
            np.testing.assert_allclose(c[e, 0, it], ref, rtol=0, atol=1e-12 * scale)
    # t = 0: exactly zero, so u(0) is Okada's exactly.
    assert np.all(c[:, :, 0] == 0.0)


def test_shipped_coefficients_match_numpy():
    """The shipped net's wide layer feeds sums that cancel by ~1e4, so the engine's tanh and
    product kernels must be float64-accurate: every row within 1e-9 of its norm."""
    data = (Path(export.__file__).parent / "models" / "kernel.safetensors").read_bytes()
    doc, kernel = export.read(data), _core.Kernel.from_bytes(data)
    k = doc["geometry"]["n_modes"]
    times = np.array([3600.0, 86400 * 30, 5 * YEAR, 300 * YEAR])
    for depth, H in ((1.2e3, 12e3), (8e3, 15e3), (40e3, 48e3)):
        c = kernel.coefficients(depth, **{**MODELS, "H": np.full(3, H)}, times=times)
        assert c.shape == (3, 1, len(times), 10, k)
        for e in range(3):
            for it, t in enumerate(times):
                ref = ref_coefficients(doc, depth, MODELS["eta_M"][e], MODELS["eta_K"][e], H, t)
                err = np.linalg.norm(c[e, 0, it] - ref) / np.linalg.norm(ref)
                assert err < 1e-9, (depth, H, e, t, err)


def test_clamp_below_the_feature_domain(kernel, doc):
    """Times earlier than the feature domain's lower end share its shape; w carries the size."""
    t = np.array([1.0, 10.0])  # log10(t/tau_M) < -7 for eta_M = 1e19 (tau_M = 3.3e8 s)
    c = kernel.coefficients(DEPTH, [1e19], [np.inf], [15e3], t)
    r0, r1 = (ref_coefficients(doc, DEPTH, 1e19, np.inf, 15e3, v) for v in t)
    np.testing.assert_allclose(c[0, 0, 0], r0, rtol=1e-12, atol=1e-12 * np.abs(r0).max())
    np.testing.assert_allclose(c[0, 0, 1] / c[0, 0, 0], 10.0, rtol=1e-6)  # w ~ x, one shape


def _tables_field(basis, c, depth, tensors, x, y, H, homogeneous=False, factors=None):
    """The field of coefficients c (T, 10, K) on the basis (10, K, n_r) in rho = r/H through
    radial tables on the basis grid's radii H rho_j and the solver's tables_displacement (the
    independent path)."""
    g = np.einsum("tfk,fkr->trf", c, np.asarray(basis, dtype=float))
    nt = len(c)
    r, kap, kr, const = (np.zeros(nt), np.zeros(nt), np.zeros(nt), 0.0)
    if factors is not None:
        r, kap, kr, const = factors
    return _core.tables_displacement(
        depth,
        H * DRHO,
        np.zeros(nt),
        [g],
        [1.0],
        r,
        kap,
        kr,
        const,
        tensors,
        x,
        y,
        homogeneous=homogeneous,
    )


def _sources(rng, m, n, r_max=250e3):
    tensors = rng.normal(size=(m, 6))
    rad, ang = r_max * np.sqrt(rng.uniform(size=(m, n))), rng.uniform(0, 2 * np.pi, (m, n))
    x, y = rad * np.cos(ang), rad * np.sin(ang)
    x[0, 0] = y[0, 0] = 0.0  # the axis
    return tensors, x, y


QUANTITIES = ("u", "v", "d_log10_eta_M", "d_log10_eta_K", "d_H")


def test_remainder_matches_tables_path(kernel, doc):
    """Every quantity but d_H (whose basis term rho psi' the tables path cannot form: checked
    against differences below) through the independent path."""
    rng = np.random.default_rng(1)
    tensors, x, y = _sources(rng, 3, 150)
    times = TIMES[1:]
    out = kernel.remainder(
        DEPTH, **MODELS, times=times, tensors=tensors, x=x, y=y, quantities=QUANTITIES
    )
    assert out.shape == (3, 5, len(times), 150, 3)
    c = kernel.coefficients(DEPTH, **MODELS, times=times, quantities=QUANTITIES)
    for e in range(3):
        for iq in range(4):
            ref = _tables_field(doc["basis"], c[e, iq], DEPTH, tensors, x, y, MODELS["H"][e])
            scale = np.abs(ref).max()
            if QUANTITIES[iq] == "d_log10_eta_K" and e == 1:  # Maxwell: no eta_K dependence
                assert scale == 0.0 and np.all(out[e, iq] == 0.0)
                continue
            np.testing.assert_allclose(out[e, iq], ref, rtol=0, atol=1e-10 * scale)


@pytest.mark.parametrize("e", [0, 1, 2])
def test_remainder_d_H_matches_differences(kernel, e):
    """d_H of the whole remainder (the net's H via d/H, the scale H^-2 and psi(r/H)) against
    central differences of the engine's own u in H."""
    rng = np.random.default_rng(11)
    tensors, x, y = _sources(rng, 2, 80, r_max=200e3)
    args = dict(times=TIMES[1:], tensors=tensors, x=x, y=y)
    p = {k: MODELS[k][e : e + 1] for k in ("eta_M", "eta_K", "H")}
    d = kernel.remainder(DEPTH, **p, quantities=("u", "d_H"), **args)[0, 1]
    h = 1e-5
    up, um = (
        kernel.remainder(DEPTH, p["eta_M"], p["eta_K"], p["H"] * (1 + s), **args)[0, 0]
        for s in (h, -h)
    )
    fd = (up - um) / (2 * h * p["H"][0])
    # d_H alone (its u part through the net again) equals d_H beside u (u's coefficients reused)
    alone = kernel.remainder(DEPTH, **p, quantities=("d_H",), **args)[0, 0]
    np.testing.assert_allclose(alone, d, rtol=0, atol=1e-13 * np.abs(d).max())
    for it in range(len(TIMES) - 1):
        scale = np.abs(fd[it]).max()
        np.testing.assert_allclose(d[it], fd[it], rtol=0, atol=1e-6 * scale)


def test_canonical_source_and_single_functions(kernel, doc):
    """Sources that use a subset of the functions (the engine skips the others) match the
    tables path, one elementary source at a time."""
    rng = np.random.default_rng(2)
    _, x, y = _sources(rng, 1, 97)
    c = kernel.coefficients(DEPTH, [1e19], [1e18], [20e3], [YEAR])
    for tensor in np.eye(6)[[0, 2, 3, 4, 5]].tolist() + [[0, 0, 0, -0.5, 0, 0], [1, 1, 0, 0, 0, 0]]:
        t = np.array([tensor])
        out = kernel.remainder(DEPTH, [1e19], [1e18], [20e3], [YEAR], t, x, y)
        ref = _tables_field(doc["basis"], c[0, 0], DEPTH, t, x, y, 20e3)
        np.testing.assert_allclose(out[0, 0], ref, rtol=0, atol=1e-10 * np.abs(ref).max())


def test_basis_synthesis_binding(kernel, doc):
    rng = np.random.default_rng(3)
    tensors, x, y = _sources(rng, 4, 70)
    C = rng.normal(size=(5, 10, K))
    dr = 2000.0  # any basis on any radii: here the kernel's at H = 10 km
    out = _core.basis_synthesis(doc["basis"], dr, C, tensors, x, y)
    assert out.shape == (5, 70, 3)
    ref = _tables_field(doc["basis"], C, DEPTH, tensors, x, y, dr / DRHO)
    np.testing.assert_allclose(out, ref, rtol=0, atol=1e-10 * np.abs(ref).max())
    with pytest.raises(ValueError, match=r"radius|beyond"):
        _core.basis_synthesis(doc["basis"], dr, C, tensors, x * 10, y * 10)


def test_displacement_adds_the_lids_okada(kernel, doc):
    """u = the lid's elastic half-space (lambda = mu = 30 GPa; time factors from the solver's
    own homogeneous half-space) + the remainder; the other quantities have no Okada part."""
    rng = np.random.default_rng(4)
    tensors, x, y = _sources(rng, 2, 60, r_max=100e3)
    x[0, 0] = 1e3  # Okada is singular only at the source itself; the surface is fine
    times = np.array([0.0, YEAR])
    out = kernel.displacement(
        DEPTH, [1e19], [1e18], [20e3], times, tensors, x, y, quantities=("u", "d_H")
    )
    rem = kernel.remainder(
        DEPTH, [1e19], [1e18], [20e3], times, tensors, x, y, quantities=("u", "d_H")
    )
    cols = EarthModel([], Layer(None, Elastic(3e10), lam=3e10)).columns()
    lid = _core.elementary_tables(*cols, 1.0, 0.0, times)
    factors = (lid["r"], lid["kappa"], lid["kappa_r"], lid["constant"])
    okada = _tables_field(
        doc["basis"], np.zeros((2, 10, K)), DEPTH, tensors, x, y, 20e3, True, factors
    )
    np.testing.assert_allclose(
        out[0, 0] - rem[0, 0], okada, rtol=1e-12, atol=1e-12 * np.abs(okada).max()
    )
    np.testing.assert_array_equal(out[0, 1], rem[0, 1])
    np.testing.assert_array_equal(out[0, 0, 0], okada[0])  # t = 0: Okada exactly


@pytest.mark.parametrize("e", [0, 1, 2])
def test_derivatives_match_central_differences(kernel, doc, e):
    eta_M, eta_K, H = (MODELS[k][e] for k in ("eta_M", "eta_K", "H"))
    times = np.array([86400 * 30, 5 * YEAR])
    c = kernel.coefficients(DEPTH, [eta_M], [eta_K], [H], times, quantities=QUANTITIES)
    for it, t in enumerate(times):

        def f(t=t, **kw):
            p = dict(depth=DEPTH, eta_M=eta_M, eta_K=eta_K, H=H, t=t) | kw
            return ref_coefficients(doc, **p)

        h = 1e-4
        fd = {
            "v": (f(t=t * (1 + h)) - f(t=t * (1 - h))) / (2 * h * t),
            "d_log10_eta_M": (f(eta_M=eta_M * 10**h) - f(eta_M=eta_M * 10**-h)) / (2 * h),
            "d_log10_eta_K": (f(eta_K=eta_K * 10**h) - f(eta_K=eta_K * 10**-h)) / (2 * h),
            "d_H": (f(H=H * (1 + h)) - f(H=H * (1 - h))) / (2 * h * H),
        }
        for iq, name in enumerate(QUANTITIES[1:], start=1):
            scale = np.abs(fd[name]).max()
            if name == "d_log10_eta_K" and np.isinf(eta_K):
                assert np.all(c[0, iq, it] == 0.0)
                continue
            np.testing.assert_allclose(c[0, iq, it], fd[name], rtol=0, atol=1e-6 * scale)


def test_derivatives_where_clamped(kernel, doc):
    """Below the clamp q2 no longer depends on t or eta_M: only w's dependence remains."""
    t, eta_M = 10.0, 1e19
    c = kernel.coefficients(DEPTH, [eta_M], [np.inf], [15e3], [t], quantities=QUANTITIES)
    h = 1e-4
    fd = (
        ref_coefficients(doc, DEPTH, eta_M * 10**h, np.inf, 15e3, t)
        - ref_coefficients(doc, DEPTH, eta_M * 10**-h, np.inf, 15e3, t)
    ) / (2 * h)
    np.testing.assert_allclose(c[0, 2, 0], fd, rtol=0, atol=1e-6 * np.abs(fd).max())


def test_t0_gives_exactly_zero_remainder(kernel):
    rng = np.random.default_rng(5)
    tensors, x, y = _sources(rng, 2, 33)
    out = kernel.remainder(
        DEPTH,
        **MODELS,
        times=[0.0],
        tensors=tensors,
        x=x,
        y=y,
        quantities=("u", "d_H", "d_log10_eta_M"),
    )
    assert np.all(out == 0.0)


def test_out_of_domain_count(kernel):
    info = kernel.info
    assert info["n_modes"] == K and info["n_r"] == N_R and info["rho_spacing"] == DRHO
    assert info["H"] == (10e3, 50e3) and info["maxwell"] and info["r_max"] == 300e3
    t_in, t_out = [YEAR], [2000 * YEAR]
    assert kernel.out_of_domain(DEPTH, [1e19], [1e18], [15e3], t_in) == 0
    assert kernel.out_of_domain(DEPTH, [1e19], [1e18], [15e3], t_in + t_out) == 1
    assert kernel.out_of_domain(DEPTH, [1e19, 1e22], [1e18, 1e18], [15e3, 15e3], t_in) == 1
    assert kernel.out_of_domain(DEPTH, [1e19], [1e16], [15e3], t_in) == 1
    assert kernel.out_of_domain(DEPTH, [1e19], [1e18], [60e3], t_in * 3) == 3
    assert kernel.out_of_domain(500.0, [1e19], [1e18], [15e3], t_in) == 1  # within the margin
    assert kernel.out_of_domain(14.5e3, [1e19], [1e18], [15e3], t_in) == 1
    assert kernel.out_of_domain(DEPTH, [1e22, 1e19], [1e18, np.inf], [15e3, 15e3], t_in * 2) == 2


BAD = [
    (dict(eta_M=[-1.0]), r"eta_M\[0\] = -1 is invalid; allowed: finite > 0 Pa s"),
    (dict(eta_M=[np.nan]), r"eta_M\[0\] = nan is invalid"),
    (dict(eta_M=[np.inf]), r"eta_M\[0\] = inf is invalid"),
    (dict(eta_K=[0.0]), r"eta_K\[0\] = 0 is invalid; allowed: > 0 Pa s, or inf \(Maxwell\)"),
    (dict(eta_K=[np.nan]), r"eta_K\[0\] = nan is invalid"),
    (dict(H=[0.0]), r"H\[0\] = 0 is invalid; allowed: finite > 0 m"),
    (dict(depth=0.0), r"depth = 0 is invalid; allowed: finite > 0 m"),
    (dict(depth=15e3), r"depth = 15000 is invalid for H\[0\] = 15000; allowed: 0 < depth < H"),
    (dict(times=[-1.0]), r"times\[0\] = -1 is invalid; allowed: finite >= 0 s"),
    (dict(times=[np.nan]), r"times\[0\] = nan is invalid"),
    (dict(times=[0.0], quantities=("v",)), r"times\[0\] = 0 is invalid; allowed: > 0 s for the"),
    (dict(quantities=("w",)), r"quantity 'w' is invalid; allowed: u, v, d_log10_eta_M"),
    (
        dict(x=[[472e3]]),
        r"offset 472000 m beyond the kernel's basis; allowed: <= 471000 m \(rho = r/H <= 31.4",
    ),
    (dict(x=[[np.nan]]), r"x\[0\] = nan is invalid; allowed: finite m"),
    (dict(tensors=[[0, 0, 0, np.inf, 0, 0]]), r"potency\[0\]\[3\] = inf is invalid"),
    (dict(tensors=[[0, 0, 0, 1, 0]]), r"tensors must have shape \(m, 6\)"),
    (dict(x=[[1.0, 2.0]]), r"x and y must have shape \(m, S\)"),
    (dict(H=[15e3, 20e3]), r"eta_M, eta_K and H must be 1-D of one length"),
    (dict(threads=-1), r"threads = -1 is invalid; allowed: >= 0"),
]


@pytest.mark.parametrize(("change", "message"), BAD)
def test_errors_name_the_value(kernel, change, message):
    args = dict(depth=DEPTH, eta_M=[1e19], eta_K=[1e18], H=[15e3], times=[YEAR])
    args |= dict(tensors=[[0, 0, 0, 1, 0, 0]], x=[[1e3]], y=[[0.0]], quantities=("u",))
    args |= change
    for fn in (kernel.remainder, kernel.displacement):
        with pytest.raises(ValueError, match=message):
            fn(**args)


def _samples(rng, n):
    H = rng.uniform(10e3, 50e3, n)
    tensors, x, y = _sources(rng, n, 1, r_max=200e3)
    s = dict(depth=H * rng.uniform(0.05, 0.95, n), eta_M=10 ** rng.uniform(18, 21, n))
    s |= dict(eta_K=10 ** rng.uniform(17, 20, n), H=H, t=10 ** rng.uniform(3, 10.5, n))
    s["eta_K"][::4] = np.inf
    s["t"][1] = 0.0
    return s | dict(tensors=tensors, x=x[:, 0], y=y[:, 0])


def test_samples_equal_one_remainder_call_each(kernel):
    """Scattered samples (each its own depth, model, time, source and offset; more than one
    batch of the net, on two threads) equal remainder() called per sample; t = 0 gives 0."""
    s = _samples(np.random.default_rng(11), 300)
    out = kernel.samples(**s, threads=2)
    ref = np.array(
        [
            kernel.remainder(
                s["depth"][i],
                [s["eta_M"][i]],
                [s["eta_K"][i]],
                [s["H"][i]],
                [s["t"][i]],
                s["tensors"][i : i + 1],
                s["x"][i : i + 1, None],
                s["y"][i : i + 1, None],
            )[0, 0, 0, 0]
            for i in range(300)
        ]
    )
    assert out.shape == (300, 3) and np.all(out[1] == 0.0)
    scale = np.abs(ref).max(axis=1, keepdims=True)
    np.testing.assert_allclose(out, ref, rtol=0, atol=1e-12 * scale.max())
    assert np.all(np.abs(out - ref) <= 1e-12 * scale)


def test_remainder_depths_equal_the_sum_per_depth(kernel):
    """Sources at several depths in one call (every row through the net together, on one and
    two threads, the models over threads or the points) equal remainder() per depth, summed,
    for every quantity; the group bounds are checked."""
    rng = np.random.default_rng(5)
    depths = np.array([3e3, 8e3, 11e3])
    start = np.array([0, 2, 2, 5])  # an empty group too
    tensors, x, y = _sources(rng, 5, 40, r_max=150e3)
    tensors[2:, [0, 1, 2, 4, 5]] = 0.0  # one group uses the strike-slip functions only
    args = dict(times=TIMES, tensors=tensors, x=x, y=y, quantities=("u", "d_H"))

    def per_depth(models, threads):
        return sum(
            kernel.remainder(
                d,
                **models,
                times=TIMES,
                tensors=tensors[a:b],
                x=x[a:b],
                y=y[a:b],
                quantities=args["quantities"],
                threads=threads,
            )
            for d, a, b in zip(depths, start[:-1], start[1:], strict=True)
            if b > a
        )

    ref = per_depth(MODELS, 1)
    for threads in (1, 2):
        out = kernel.remainder_depths(depths, start, **MODELS, **args, threads=threads)
        np.testing.assert_allclose(out, ref, rtol=0, atol=1e-12 * np.abs(ref).max())
    one = {k: v[:1] for k, v in MODELS.items()}  # one model: threads over the points
    ref = per_depth(one, 2)
    out = kernel.remainder_depths(depths, start, **one, **args, threads=2)
    np.testing.assert_allclose(out, ref, rtol=0, atol=1e-12 * np.abs(ref).max())
    with pytest.raises(ValueError, match=r"start\[-1\] = 4 is invalid; allowed: the number"):
        kernel.remainder_depths(depths, [0, 2, 2, 4], **MODELS, **args)
    with pytest.raises(ValueError, match=r"start\[2\] = 1 is invalid; allowed: >= start\[1\]"):
        kernel.remainder_depths(depths, [0, 2, 1, 5], **MODELS, **args)
    with pytest.raises(ValueError, match=r"start\[0\] = 1 is invalid; allowed: 0"):
        kernel.remainder_depths(depths, [1, 2, 2, 5], **MODELS, **args)
    with pytest.raises(ValueError, match=r"depth = 16000 is invalid for H\[0\] = 15000"):
        kernel.remainder_depths([3e3, 16e3, 11e3], start, **MODELS, **args)


SAMPLE_BAD = [
    (dict(depth=20e3), r"sample 2: depth = 20000 is invalid for H\[2\] = 15000; allowed: 0 <"),
    (dict(eta_M=-1.0), r"sample 2: eta_M\[2\] = -1 is invalid; allowed: finite > 0 Pa s"),
    (dict(t=np.nan), r"sample 2: times\[2\] = nan is invalid; allowed: finite >= 0 s"),
    (dict(x=472e3), r"sample 2: x\[2\], y\[2\] = 472000, 0 is invalid: offset 472000 m beyond"),
]


@pytest.mark.parametrize(("change", "message"), SAMPLE_BAD)
def test_samples_errors_name_the_sample(kernel, change, message):
    s = dict(depth=8e3, eta_M=1e19, eta_K=1e18, H=15e3, t=YEAR, x=1e3, y=0.0)
    s = {k: np.full(4, v) for k, v in s.items()}
    for k, v in change.items():
        s[k][2] = v
    with pytest.raises(ValueError, match=message):
        kernel.samples(**s, tensors=np.ones((4, 6)))
    with pytest.raises(ValueError, match=r"1-D of one length \(the samples\)"):
        kernel.samples(**(s | dict(t=s["t"][:3])), tensors=np.ones((4, 6)))


def test_files_of_the_other_kind_are_refused(data):
    surrogate = (DATA / "surrogate_tiny.safetensors").read_bytes()
    with pytest.raises(_core.FormatError, match="not a neural kernel"):
        _core.Kernel.from_bytes(surrogate)
    with pytest.raises(_core.FormatError, match="load it with NeuralKernel"):
        _core.Surrogate.from_bytes(data)


def test_shipped_test_file_loads():
    k = _core.Kernel.load(str(DATA / "kernel_tiny.safetensors"))
    assert k.info["n_modes"] == 2 and k.info["n_r"] == 154


def test_bench_kernel_rows():
    """The benchmark's three rows and their evaluation counts on a tiny case (no timing)."""
    import argparse

    from viscoann.bench import TOPICS

    add_arguments, run = TOPICS["kernel"]
    p = argparse.ArgumentParser()
    add_arguments(p)
    argv = ["--modes", "2", "--hidden", "8", "--rho-spacing", "0.2", "--patches", "4"]
    argv += ["--stations", "5", "--times", "3", "--seed-models", "1", "--samples", "3"]
    rows = run(p.parse_args(argv + ["--repeats", "1", "--threads", "1"]))
    paths = ["finite_fault", "finite_fault", "seed_grid", "scattered"]
    assert [r["path"] for r in rows] == paths
    assert rows[0]["n_points"] == 4 * 16 * 5 * 3 and rows[0]["net"] == "3-8-20"
    # PyTorch's row computes the same field (float64, the same net and inputs).
    assert rows[1]["impl"] == "torch" and rows[1]["n_points"] == rows[0]["n_points"]
    assert rows[1]["max_rel_diff"] <= 1e-12
    rows = [rows[0], *rows[2:]]
    # The seed row extrapolates its subset to the full 263,250,000 predictions (arithmetic of
    # the row, whatever the timing).
    seed = rows[1]
    assert seed["n_points"] == 10_000 * 81
    assert seed["extrapolated_full_seconds"] == pytest.approx(
        seed["seconds_median"] * 263_250_000 / seed["n_points"], rel=1e-12
    )
    assert rows[2]["n_points"] == 3 and all(r["impl"] == "viscoann-kernel" for r in rows)
