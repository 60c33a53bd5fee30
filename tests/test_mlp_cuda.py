"""The CUDA engine against a float64 reference (GPU tests skip, saying why, without a GPU), and
the structured-grid path that the CUDA engine shares with the CPU engine."""

import numpy as np
import pytest
import viscoann as va
from conftest import random_net
from viscoann import export, reference
from viscoann.conventions import YEAR

NETS = [  # (widths, hidden activations cycled; the output layer is linear)
    ((6, 20, 20, 20, 20, 20, 20, 3), ("tanh", "relu")),  # the seed's best net
    ((6, 10, 10, 3), ("tanh",)),
    ((6, 40, 40, 40, 40, 3), ("relu", "tanh")),
    ((6, 7, 13, 5, 3), ("sigmoid", "relu", "tanh")),
    ((6, 64, 64, 3), ("tanh",)),
    ((6, 100, 3), ("tanh",)),
]
NET_IDS = ["x".join(map(str, w)) + "-" + "-".join(a) for w, a in NETS]


def load(tmp_path, widths, acts, seed=0):
    ws, bs, names = random_net(widths, acts, seed)
    path = export.save(
        tmp_path / "net.safetensors",
        ws,
        bs,
        names,
        inputs=export.CANONICAL_INPUTS,
        outputs=export.CANONICAL_OUTPUTS,
    )
    return va.Surrogate.load(path), (ws, bs, names)


def canonical_axes(P=37, D=3, T=5, E=2, seed=1):
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(-100e3, 100e3, (2, P))
    depths = np.linspace(1e3, 14e3, D)
    times = np.linspace(0.0, 100 * YEAR, T)
    etas = 10.0 ** np.column_stack([rng.uniform(18, 21, E), rng.uniform(17, 20, E)])
    return x, y, depths, times, etas


def expand(x, y, depths, times, etas):
    """The grid's points in the (E, D, T, P) order of exact.grid, as rows of X."""
    E, D, T, P = len(etas), len(depths), len(times), len(x)
    e, d, t, p = np.meshgrid(np.arange(E), np.arange(D), np.arange(T), np.arange(P), indexing="ij")
    e, d, t, p = (a.ravel() for a in (e, d, t, p))
    return np.column_stack([x[p], y[p], depths[d], times[t], etas[e, 0], etas[e, 1]])


# ---- CPU: the grid path (shared with the GPU's on-device grid generation) ------------------


@pytest.mark.parametrize("widths,acts", NETS[:3], ids=NET_IDS[:3])
def test_cpu_grid_equals_points(tmp_path, widths, acts):
    model, _ = load(tmp_path, widths, acts)
    axes = canonical_axes()
    g = model.predict_grid(*axes, threads=2)
    assert g.shape == (2, 3, 5, 37, 3)
    p = model.predict(expand(*axes), threads=1).reshape(g.shape)
    np.testing.assert_allclose(g, p, rtol=0, atol=1e-6 * np.abs(p).max())


def test_cpu_grid_float32_and_threads(tmp_path):
    model, _ = load(tmp_path, *NETS[0])
    axes = canonical_axes(P=1001, D=2, T=3, E=1)  # 6006 points: not a multiple of any block
    g1 = model.predict_grid(*axes, threads=1)
    g2 = model.predict_grid(*axes, threads=2, dtype=np.float32)
    assert g2.dtype == np.float32
    np.testing.assert_allclose(g2, g1, rtol=1e-6, atol=1e-7 * np.abs(g1).max())


@pytest.mark.parametrize("axis,index", [("depths", 2), ("times", 3), ("etas", 4)])
def test_grid_rejects_bad_axis_values(tmp_path, axis, index):
    model, _ = load(tmp_path, *NETS[1])
    x, y, depths, times, etas = canonical_axes()
    arrays = {"depths": depths, "times": times, "etas": etas}
    arrays[axis] = arrays[axis].copy()
    arrays[axis].flat[0] = np.nan
    with pytest.raises(ValueError, match=r"\[0\] = nan is invalid; allowed: finite"):
        model.predict_grid(
            x, y, arrays["depths"], arrays["times"], arrays["etas"], check_domain=False
        )


def test_grid_rejects_mismatched_points(tmp_path):
    model, _ = load(tmp_path, *NETS[1])
    x, y, depths, times, etas = canonical_axes()
    with pytest.raises(ValueError, match="x has shape"):
        model.predict_grid(x, y[:-1], depths, times, etas)


def test_grid_warns_outside_domain(tmp_path):
    model, _ = load(tmp_path, *NETS[1])
    x, y, depths, times, etas = canonical_axes()
    with pytest.warns(va.OutOfDomainWarning, match="depth"):
        model.predict_grid(x, y, depths * 2, times, etas)


def test_unknown_precision_is_refused(tmp_path):
    model, _ = load(tmp_path, *NETS[1])
    with pytest.raises(ValueError, match="precision = 'fp8'"):
        model.predict(expand(*canonical_axes())[:4], precision="fp8")


@pytest.mark.skipif(va.cuda_available(), reason="checks the error raised when no GPU is present")
def test_cuda_without_gpu_is_a_clear_error(tmp_path):
    model, _ = load(tmp_path, *NETS[1])
    X = expand(*canonical_axes())[:10]
    with pytest.raises(RuntimeError, match="device = 'cuda'"):
        model.predict(X, device="cuda")
    with pytest.raises(RuntimeError, match="device = 'cuda'"):
        model.predict_grid(*canonical_axes(), device="cuda")


# ---- GPU ------------------------------------------------------------------------------------


@pytest.mark.cuda
@pytest.mark.parametrize("widths,acts", NETS, ids=NET_IDS)
@pytest.mark.parametrize("n", [1, 17, 4099, 2_100_001])  # the last spans two pipelined chunks
def test_cuda_fp32_matches_float64(tmp_path, widths, acts, n):
    model, _ = load(tmp_path, widths, acts)
    X = expand(*canonical_axes(P=n // 30 + 1, D=3, T=5, E=2))[:n]
    ref = reference.predict(model.path, X)
    got = model.predict(X, device="cuda")
    scale = np.abs(ref).max()
    assert np.abs(got - ref).max() <= 1e-5 * scale


@pytest.mark.cuda
@pytest.mark.parametrize(
    "widths,acts",
    [n for n in NETS if max(n[0]) <= 64],
    ids=[i for i, n in zip(NET_IDS, NETS, strict=True) if max(n[0]) <= 64],
)
def test_cuda_tensor_cores_within_stated_bound(tmp_path, widths, acts):
    model, _ = load(tmp_path, widths, acts)
    X = expand(*canonical_axes(P=501))
    ref = reference.predict(model.path, X)
    got = model.predict(X, device="cuda", precision="tensor_fp16")
    # FP16 operands (11-bit significands), FP32 accumulation: stated bound 1e-2 of the scale.
    assert np.abs(got - ref).max() <= 1e-2 * np.abs(ref).max()


@pytest.mark.cuda
@pytest.mark.parametrize("precision", ["fp32", "tensor_fp16"])
def test_cuda_grid_equals_cuda_points(tmp_path, precision):
    model, _ = load(tmp_path, *NETS[0])
    axes = canonical_axes(P=2003, D=3, T=7, E=3)
    g = model.predict_grid(*axes, device="cuda", precision=precision)
    p = model.predict(expand(*axes), device="cuda", precision=precision).reshape(g.shape)
    np.testing.assert_array_equal(g, p)


@pytest.mark.cuda
def test_cuda_state_kept_between_calls(tmp_path):
    """The weights and buffers a model keeps on the GPU between calls: a small call after a
    chunk-spanning one, the other precision in between, grids and points interleaved, and a
    second model's calls beside it all give each call's own answer."""
    model, _ = load(tmp_path, *NETS[0])
    (tmp_path / "b").mkdir()
    other, _ = load(tmp_path / "b", *NETS[1])
    axes = canonical_axes(P=2003, D=3, T=7, E=3)
    X = expand(*axes)
    big = np.concatenate([X] * 20)[:2_100_001]
    first = model.predict(X[:5], device="cuda")
    model.predict(big, device="cuda")
    model.predict(X[:5], device="cuda", precision="tensor_fp16")
    other.predict(X[:7], device="cuda")
    np.testing.assert_array_equal(model.predict(X[:5], device="cuda"), first)
    g = model.predict_grid(*axes, device="cuda")
    np.testing.assert_array_equal(model.predict(X, device="cuda").reshape(g.shape), g)
    ref = reference.predict(model.path, X[:5])
    assert np.abs(first - ref).max() <= 1e-5 * np.abs(ref).max()


@pytest.mark.cuda
def test_cuda_float32_output_and_bad_input(tmp_path):
    model, _ = load(tmp_path, *NETS[0])
    X = expand(*canonical_axes())
    got = model.predict(X, device="cuda", dtype=np.float32)
    assert got.dtype == np.float32
    ref = reference.predict(model.path, X)
    assert np.abs(got - ref).max() <= 1e-5 * np.abs(ref).max()
    X[5, 4] = -1.0
    with pytest.raises(ValueError, match=r"X\[5, 4\]"):
        model.predict(X, device="cuda", check_domain=False)


@pytest.mark.skipif(va.cuda_available(), reason="checks the error raised when no GPU is present")
def test_bench_engine_cuda_without_gpu_is_a_clear_error(capsys):
    from viscoann import cli

    assert cli.main(["bench", "engine", "--device", "cuda", "--points", "1000"]) == 2
    assert "no CUDA GPU is present" in capsys.readouterr().err


# ---- radial geometry (format version 2) on the GPU: mirrors of test_surrogate's CPU tests ---
RADIAL_INPUTS = [
    dict(e, log10=True, shift=86400.0) if e["name"] == "t" else e for e in export.CANONICAL_INPUTS
]


def radial_load(widths=(5, 20, 20, 20, 20, 3), acts=("tanh", "relu"), seed=0, **kw):
    ws, bs, names = random_net(widths, acts, seed)
    model = {
        "weights": ws,
        "biases": bs,
        "activations": names,
        "inputs": RADIAL_INPUTS,
        "outputs": [
            dict(e, scale=1e-6 * (k + 1), offset=1e-7 * k)
            for k, e in enumerate(export.CANONICAL_OUTPUTS)
        ],
        "geometry": {"kind": "radial_strike_slip", "r_scale": 1 / 70e3, "r_offset": -1.0},
        **kw,
    }
    data = export.to_bytes(
        ws,
        bs,
        names,
        **{k: v for k, v in model.items() if k not in ("weights", "biases", "activations")},
    )
    return va.Surrogate.from_bytes(data), model


def radial_X(n, seed=2):
    X = expand(*canonical_axes(P=n // 30 + 1, D=3, T=5, E=2, seed=seed))[:n]
    X[::5, 3] = 0.0
    return X


def test_cpu_radial_grid_equals_points():
    model, _ = radial_load()
    axes = canonical_axes()
    g = model.predict_grid(*axes, threads=2)
    p = model.predict(expand(*axes), threads=1).reshape(g.shape)
    np.testing.assert_array_equal(g, p)


@pytest.mark.cuda
@pytest.mark.parametrize("elastic_part", ["none", "okada_point_strike_slip"])
@pytest.mark.parametrize("n", [1, 4099, 2_100_001])
def test_cuda_radial_fp32_matches_float64(n, elastic_part):
    model, spec = radial_load(elastic_part=elastic_part)
    X = radial_X(n)
    ref = reference.predict(spec, X)
    net = reference.predict(dict(spec, elastic_part="none"), X)
    for dtype in (np.float64, np.float32):
        got = model.predict(X, device="cuda", dtype=dtype)
        assert (np.abs(got - ref) / np.abs(net).max(axis=0)).max() <= 1e-5


@pytest.mark.cuda
def test_cuda_radial_tensor_cores_within_stated_bound():
    model, spec = radial_load()
    X = radial_X(5001)
    ref = reference.predict(spec, X)
    got = model.predict(X, device="cuda", precision="tensor_fp16")
    assert np.abs(got - ref).max() <= 1e-2 * np.abs(ref).max()


@pytest.mark.cuda
@pytest.mark.parametrize("precision", ["fp32", "tensor_fp16"])
def test_cuda_radial_symmetries_and_grid(precision):
    model, _ = radial_load(seed=3)
    X = radial_X(1000, seed=3)
    u = model.predict(X, device="cuda", precision=precision)
    for col, sign in ((1, [-1, 1, -1]), (0, [1, -1, -1])):
        Xm = X.copy()
        Xm[:, col] *= -1
        np.testing.assert_array_equal(
            model.predict(Xm, device="cuda", precision=precision), u * sign
        )
    X0 = X[:10].copy()
    X0[:, :2] = 0.0
    u0 = model.predict(X0, device="cuda", precision=precision)
    assert (u0 == 0).all()  # the epicentre is the r -> 0 limit, 0
    axes = canonical_axes(P=503, D=2, T=3, E=2)
    g = model.predict_grid(*axes, device="cuda", precision=precision)
    p = model.predict(expand(*axes), device="cuda", precision=precision).reshape(g.shape)
    np.testing.assert_array_equal(g, p)


@pytest.mark.cuda
def test_cuda_radial_shift_bound_is_enforced():
    model, _ = radial_load()
    X = radial_X(100)
    X[7, 3] = -1e5
    with pytest.raises(ValueError, match=r"X\[7, 3\] \(t\) = -100000 is invalid.*>= 0 s"):
        model.predict(X, device="cuda", check_domain=False)


@pytest.mark.cuda
@pytest.mark.parametrize("precision", ["fp32", "tensor_fp16"])
def test_cuda_postseismic_leaves_out_okada_on_points_and_grids(precision):
    """The shipped model on the GPU: postseismic=True is predict - Okada (the engine's own
    Okada, float64) to rounding, on points and on device-generated grids; r = 0 gives 0."""
    net = va.Surrogate.pretrained()
    X = radial_X(3001, seed=5)
    X[::11, :2] = 0.0
    kw = {"device": "cuda", "precision": precision}
    u, ps = net.predict(X, **kw), net.predict(X, postseismic=True, **kw)
    el = va.okada.canonical_surface(X[:, 0], X[:, 1], X[:, 2])
    assert (np.abs(ps - (u - el)) <= 4.5e-16 * np.abs(u) + 1e-13 * np.abs(el)).all()
    assert (ps[::11] == 0).all() and (u[::11] == 0).all()
    cpu = net.predict(X, postseismic=True)
    assert np.abs(ps - cpu).max() <= (1e-5 if precision == "fp32" else 1e-2) * np.abs(cpu).max()
    axes = canonical_axes(P=101, D=2, T=3, E=2, seed=6)
    g = net.predict_grid(*axes, postseismic=True, **kw)
    p = net.predict(expand(*axes), postseismic=True, **kw).reshape(g.shape)
    np.testing.assert_array_equal(g, p)
    bad = X.copy()
    bad[4, 2] = -5e3
    with pytest.raises(ValueError, match=r"X\[4, 2\] \(depth\) = -5000 is invalid"):
        net.predict(bad, **kw)
