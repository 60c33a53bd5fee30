"""The fused CPU engine against PyTorch float64 on the same exported nets, across depths,
widths, activation patterns, thread counts, batch sizes and every CPU path; in_domain and
the out-of-domain warning; bad inputs; torch never imported by prediction. Only the
comparison with PyTorch needs torch (skipped without it)."""

import subprocess
import sys
import threading
import warnings

import numpy as np
import pytest
import viscoann as va
from conftest import random_net
from viscoann import export, reference
from viscoann.conventions import YEAR

ISAS = [isa for isa in ("scalar", "avx2", "avx512") if va._core.cpu_isa_supported(isa)]


def torch_net(net):
    """The net as a float64 torch ``nn.Sequential`` (skips the test without torch)."""
    torch = pytest.importorskip("torch")
    act = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid}
    mods = []
    for w, b, a in zip(*net, strict=True):
        lin = torch.nn.Linear(w.shape[1], w.shape[0]).double()
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(w))
            lin.bias.copy_(torch.from_numpy(b))
        mods.append(lin)
        if a != "identity":
            mods.append(act[a]())
    return torch.nn.Sequential(*mods)


def canonical_points(n, seed=0, margin=0.0):
    """n points inside the canonical domain (viscosities uniform in log10)."""
    rng = np.random.default_rng(seed)
    dom = np.array([e["domain"] for e in export.CANONICAL_INPUTS])
    lo, hi = dom[:, 0].copy(), dom[:, 1].copy()
    lo[4:], hi[4:] = np.log10(lo[4:]), np.log10(hi[4:])
    X = lo + (hi - lo) * (margin + (1 - 2 * margin) * rng.random((n, 6)))
    X[:, 4:] = 10.0 ** X[:, 4:]
    return X


def torch_reference(tnet, surrogate, X):
    """The exported net in float64: the file's features, the torch net, the file's output
    transform (viscoann.reference)."""
    import torch

    with torch.no_grad():
        y = tnet(torch.from_numpy(reference.features(surrogate.path, X))).numpy()
    return reference.outputs(surrogate.path, X, y)


def exported(tmp_path, net, name="m", **kw):
    outputs = kw.pop("outputs", export.CANONICAL_OUTPUTS)
    path = export.save(
        tmp_path / f"{name}.safetensors",
        *net,
        inputs=export.CANONICAL_INPUTS,
        outputs=outputs,
        **kw,
    )
    return va.Surrogate.load(path)


NETS = [  # (widths, hidden activation pattern)
    ((6, 20, 20, 20, 20, 20, 20, 3), ("tanh", "relu")),  # the seed's best net
    ((6, 10, 10, 3), ("tanh",)),
    ((6, 40, 40, 40, 40, 3), ("relu", "tanh")),
    ((6, 7, 13, 5, 3), ("sigmoid", "relu", "tanh")),
    ((6, 128, 128, 3), ("tanh",)),
    ((6, 3), ()),
    ((6, 33, 1, 17, 3), ("relu",)),
]


@pytest.mark.parametrize("isa", ISAS)
@pytest.mark.parametrize(
    "widths,acts",
    NETS,
    ids=["x".join(map(str, w)) + "-" + ("-".join(a) or "linear") for w, a in NETS],
)
def test_engine_matches_torch_float64(tmp_path, widths, acts, isa):
    tnet = torch_net(random_net(widths, acts, seed=len(widths) * 7 + widths[1]))
    outputs = [
        dict(e, scale=1e-6 * (k + 1), offset=1e-7 * k)
        for k, e in enumerate(export.CANONICAL_OUTPUTS)
    ]
    path = export.save_torch(
        tmp_path / "m.safetensors", tnet, inputs=export.CANONICAL_INPUTS, outputs=outputs
    )
    s = va.Surrogate.load(path)
    X = canonical_points(1003, seed=1)  # not a multiple of any block or SIMD width
    ref = torch_reference(tnet, s, X)
    y = s.predict(X, threads=2, isa=isa)
    assert y.shape == (1003, 3) and y.dtype == np.float64
    scale = np.abs(ref).max(axis=0)
    assert (np.abs(y - ref) / scale).max() <= 1e-5


@pytest.mark.parametrize("isa", ISAS)
def test_threads_and_batch_sizes_give_identical_results(tmp_path, isa):
    s = exported(tmp_path, random_net(NETS[0][0], NETS[0][1], seed=3))
    X = canonical_points(5000, seed=2)
    y1 = s.predict(X, threads=1, isa=isa)
    for threads in (2, 3, 7):
        np.testing.assert_array_equal(s.predict(X, threads=threads, isa=isa), y1)
    for n in (0, 1, 15, 17, 63, 65, 129):  # below, at and past block / SIMD widths
        np.testing.assert_array_equal(s.predict(X[:n], threads=2, isa=isa), y1[:n])
    assert s.predict(X[:0]).shape == (0, 3)
    # None and 0 both mean all cores
    np.testing.assert_array_equal(s.predict(X, threads=0, isa=isa), y1)
    np.testing.assert_array_equal(s.predict(X, threads=None, isa=isa), y1)


def test_float32_output_and_broadcast_shapes(tmp_path):
    s = exported(tmp_path, random_net((6, 8, 3), ("tanh",), seed=4))
    X = canonical_points(60, seed=3)
    y64 = s.predict(X)
    y32 = s.predict(X, dtype=np.float32)
    assert y32.dtype == np.float32
    np.testing.assert_allclose(y32, y64, rtol=1e-6, atol=1e-6 * np.abs(y64).max())
    assert s.predict(X.reshape(3, 4, 5, 6)).shape == (3, 4, 5, 3)
    assert s.predict(X[0]).shape == (3,)
    np.testing.assert_array_equal(s.predict(X.reshape(3, 20, 6)).reshape(60, 3), y64)
    buf = np.full((60, 3), np.nan)
    assert s.predict(X, out=buf) is buf
    np.testing.assert_array_equal(buf, y64)
    buf32 = np.empty((60, 3), np.float32)
    np.testing.assert_array_equal(s.predict(X, out=buf32), y32)
    with pytest.raises(ValueError, match=r"out must be .* shape \(60, 3\)"):
        s.predict(X, out=np.empty((60, 4)))


def test_concurrent_predictions_from_threads(tmp_path):
    """One model, several Python threads at once (the GIL is released): same results."""
    s = exported(tmp_path, random_net(NETS[0][0], NETS[0][1], seed=5))
    X = canonical_points(20000, seed=4)
    expected = s.predict(X, threads=1)
    results, errors = [None] * 4, []

    def work(k):
        try:
            results[k] = s.predict(X, threads=1)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    ts = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not errors
    for r in results:
        np.testing.assert_array_equal(r, expected)


def test_in_domain_and_out_of_domain_warning(tmp_path):
    s = exported(tmp_path, random_net((6, 5, 3), ("relu",), seed=6))
    X = canonical_points(10, seed=5, margin=0.01)
    X[2, 0] = 150e3  # x beyond 100 km
    X[5, 4] = 1e17  # eta_M below 1e18
    X[7, 2] = np.nan  # NaN is no point at all: an error, not "outside"
    with pytest.raises(ValueError, match=r"X\[7, 2\] \(depth\) = nan is invalid"):
        s.in_domain(X)
    X[7, 2] = 5e3
    mask = s.in_domain(X)
    np.testing.assert_array_equal(mask, [k not in (2, 5) for k in range(10)])
    with pytest.warns(va.OutOfDomainWarning, match="2 of 10 points") as rec:
        y = s.predict(X)
    w = rec[0].message
    assert w.count == 2
    np.testing.assert_array_equal(w.mask, s.in_domain(X))
    assert np.isfinite(y).all()
    inside = X[s.in_domain(X)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s.predict(inside)
        s.predict(X, check_domain=False)
    assert s.in_domain(X.reshape(2, 5, 6)).shape == (2, 5)


def test_bad_inputs_are_refused_with_names(tmp_path):
    s = exported(tmp_path, random_net((6, 5, 3), ("tanh",), seed=7))
    X = canonical_points(100, seed=6)
    bad = X.copy()
    bad[37, 3] = np.inf
    with pytest.raises(ValueError, match=r"X\[37, 3\] \(t\) = inf"):
        s.predict(bad, check_domain=False)
    bad = X.copy()
    bad[41, 5] = -1e19
    with pytest.raises(ValueError, match=r"X\[41, 5\] \(eta_K\) = -1e\+19 is invalid.*> 0 Pa s"):
        s.predict(bad, check_domain=False)
    with pytest.raises(ValueError, match="last axis must have 6 inputs"):
        s.predict(X[:, :5])
    with pytest.raises(ValueError, match="threads = -1 is invalid"):
        s.predict(X, threads=-1)
    with pytest.raises(ValueError, match="threads = -2 is invalid"):
        s.predict_grid(X[:3, 0], X[:3, 1], [5e3], [1e8], [[1e19, 1e18]], threads=-2)
    with pytest.raises(ValueError, match="isa = 'sse9'"):
        s.predict(X, isa="sse9")
    with pytest.raises(ValueError, match="device = 'tpu'"):
        s.predict(X, device="tpu")


def test_isa_forced_by_environment_variable(tmp_path):
    code = "import viscoann._core as c; print(c.cpu_isa_selected())"
    for isa in ISAS:
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={"VISCOANN_CPU_ISA": isa, "PATH": ""},
        )
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == isa


def test_elastic_part_adds_okada_point_source(tmp_path):
    """With elastic_part, the engine adds Okada's surface field of the vertical strike-slip
    point source (the odd/even symmetries of docs/design.md, solver check 3, hold exactly for a
    zero net)."""
    ws, bs, acts = random_net((6, 4, 3), ("tanh",), seed=9)
    zero = ([0 * w for w in ws], [0 * b for b in bs], acts)
    s = exported(tmp_path, zero, elastic_part="okada_point_strike_slip")
    X = canonical_points(200, seed=8)
    u = s.predict(X)
    ref = va.okada.point(X[:, 0], X[:, 1], 0.0, X[:, 2], 90.0, [1.0, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(u, ref, rtol=0, atol=1e-12 * np.abs(ref).max())
    Xm = X.copy()
    Xm[:, 0] *= -1
    um = s.predict(Xm)
    np.testing.assert_allclose(um[:, 0], u[:, 0], rtol=1e-12)  # ux even in x
    np.testing.assert_allclose(um[:, 1], -u[:, 1], rtol=1e-12)  # uy odd in x
    np.testing.assert_allclose(um[:, 2], -u[:, 2], rtol=1e-12)  # uz odd in x


def test_prediction_does_not_import_torch(tmp_path):
    s = exported(tmp_path, random_net((6, 5, 3), ("tanh",), seed=10))
    code = (
        "import sys, numpy as np, viscoann as va\n"
        f"s = va.Surrogate.load({str(s.path)!r})\n"
        "X = np.tile([1e3, 2e3, 5e3, 1e8, 1e19, 1e18], (10, 1))\n"
        "y = s.predict(X)\n"
        "assert y.shape == (10, 3)\n"
        "assert 'torch' not in sys.modules, 'torch imported'\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_readme_surrogate_snippet_runs(monkeypatch):
    from conftest import ROOT

    section = (ROOT / "README.md").read_text().split("## Surrogate engine", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(ROOT / "tests")  # the snippet reads no file of the source tree
    ns: dict = {}
    exec(compile(code, "README.md", "exec"), ns)
    X = ns["X"]
    u = va.exact.canonical(np.vstack([X, X * [1, 1, 1, 0, 1, 1]]))
    # within the recorded accuracy at 10 yr (models/canonical_accuracy.json): ~0.1 %, 1 %
    np.testing.assert_allclose(ns["u"][0], u[0], rtol=0, atol=3e-3 * np.abs(u[0]).max())
    post = u[0] - u[1]
    np.testing.assert_allclose(ns["du"][0], post, rtol=0, atol=3e-2 * np.abs(post).max())
    assert ns["ok"].tolist() == [True]


# ---- radial geometry (format version 2): the net learns g(r, ...), the engine rotates -------
RADIAL_INPUTS = [
    dict(e, log10=True, shift=86400.0) if e["name"] == "t" else dict(e)
    for e in export.CANONICAL_INPUTS
]
RADIAL_GEOMETRY = {"kind": "radial_strike_slip", "r_scale": 1 / 70e3, "r_offset": -1.0}


def radial_model(widths=(5, 20, 20, 20, 3), acts=("tanh", "relu"), seed=0, **kw):
    """A random radial model (log10(t + 1 day) feature) as a dict of export.to_bytes's
    arguments plus the Surrogate it loads as."""
    rng = np.random.default_rng(seed)
    layers = range(len(widths) - 1)
    model = {
        "weights": [
            rng.normal(0, 1 / np.sqrt(widths[i]), (widths[i + 1], widths[i])) for i in layers
        ],
        "biases": [rng.normal(0, 0.2, widths[i + 1]) for i in layers],
        "activations": [acts[i % len(acts)] for i in range(len(widths) - 2)] + ["identity"],
        "inputs": RADIAL_INPUTS,
        "outputs": [
            dict(e, scale=1e-6 * (k + 1), offset=2e-7 * (1 - k))
            for k, e in enumerate(export.CANONICAL_OUTPUTS)
        ],
        "geometry": RADIAL_GEOMETRY,
        **kw,
    }
    data = export.to_bytes(
        model["weights"],
        model["biases"],
        model["activations"],
        **{k: v for k, v in model.items() if k not in ("weights", "biases", "activations")},
    )
    return model, va.Surrogate.from_bytes(data)


def radial_points(n, seed=0):
    X = canonical_points(n, seed=seed)
    X[::7, 3] = 0.0  # t = 0 lies in the domain: log10(0 + shift)
    return X


def radial_functions(model, X):
    """(g_r, g_phi, g_z) of the net in float64: the file's features and the MLP with its output
    transform, before the azimuthal factors (viscoann.reference)."""
    layers = [
        (np.float32(W), np.float32(b))
        for W, b in zip(model["weights"], model["biases"], strict=True)
    ]
    y = reference.forward(layers, model["activations"], reference.features(model, X))
    outs = model["outputs"]
    return y * [o["scale"] for o in outs] + [o["offset"] for o in outs]


@pytest.mark.parametrize("isa", ISAS)
def test_radial_engine_equals_from_radial_of_the_radial_functions(isa):
    model, s = radial_model()
    assert s.n_inputs == 6 and s.widths == [5, 20, 20, 20, 3]
    assert s.geometry == RADIAL_GEOMETRY and "radial_strike_slip" in repr(s)
    X = radial_points(1003, seed=1)
    ref = va.exact.from_radial(X[:, 0], X[:, 1], radial_functions(model, X))
    scale = np.abs(ref).max(axis=0)
    y64 = s.predict(X, threads=2, isa=isa)
    y32 = s.predict(X, threads=2, isa=isa, dtype=np.float32)
    assert y64.dtype == np.float64 and y32.dtype == np.float32
    assert (np.abs(y64 - ref) / scale).max() <= 1e-5
    assert (np.abs(y32 - ref) / scale).max() <= 1e-5
    # the model-file reference (viscoann.reference.predict) is the same function
    np.testing.assert_allclose(
        reference.predict(model, X), ref, rtol=1e-12, atol=1e-12 * scale.max()
    )


@pytest.mark.parametrize("isa", ISAS)
def test_radial_engine_with_elastic_part_matches_reference(isa):
    model, s = radial_model(seed=2, elastic_part="okada_point_strike_slip")
    X = radial_points(517, seed=2)
    ref = reference.predict(model, X)
    net = reference.predict(dict(model, elastic_part="none"), X)
    y = s.predict(X, threads=1, isa=isa)
    assert (np.abs(y - ref) / np.abs(net).max(axis=0)).max() <= 1e-5
    el = va.okada.point(X[:, 0], X[:, 1], 0.0, X[:, 2], 90.0, [1.0, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(ref - net, el, rtol=1e-9, atol=1e-12 * np.abs(el).max())


@pytest.mark.parametrize("isa", ISAS)
def test_radial_symmetries_hold_by_construction(isa):
    """u(x, -y) = (-ux, uy, -uz), u(-x, y) = (ux, -uy, -uz) bit for bit (r and the rotation are
    exactly symmetric), u(y, x) = (uy, ux, uz) to float rounding of r, and u(0, 0) = 0, the
    r -> 0 limit (a learned g_phi(0) != 0 does not leak into uy)."""
    model, s = radial_model(seed=3)
    X = radial_points(300, seed=3)
    u = s.predict(X, isa=isa)
    Xm = X.copy()
    Xm[:, 1] *= -1
    np.testing.assert_array_equal(s.predict(Xm, isa=isa), u * [-1, 1, -1])
    Xm = X.copy()
    Xm[:, 0] *= -1
    np.testing.assert_array_equal(s.predict(Xm, isa=isa), u * [1, -1, -1])
    Xs = X.copy()
    Xs[:, [0, 1]] = X[:, [1, 0]]
    np.testing.assert_allclose(
        s.predict(Xs, isa=isa), u[:, [1, 0, 2]], rtol=0, atol=2e-6 * np.abs(u).max()
    )
    X0 = X[:20].copy()
    X0[:, :2] = 0.0
    u0 = s.predict(X0, isa=isa)
    assert np.abs(radial_functions(model, X0)[:, 1]).min() > 0  # the net's g_phi(0) is not 0
    assert (u0 == 0).all()


def test_radial_grid_equals_points():
    _, s = radial_model(seed=4)
    rng = np.random.default_rng(4)
    x, y = rng.uniform(-100e3, 100e3, (2, 41))
    x[0] = y[0] = 0.0  # r = 0 on the grid too
    times = np.array([0.0, 1e6, 3e8, 3e9])
    etas = np.array([[1e19, 1e18], [3e20, 5e17]])
    g = s.predict_grid(x, y, [2e3, 9e3], times, etas, threads=2)
    E, D, T, P = np.meshgrid(range(2), range(2), range(4), range(41), indexing="ij")
    X = np.column_stack(
        [
            x[P.ravel()],
            y[P.ravel()],
            np.array([2e3, 9e3])[D.ravel()],
            times[T.ravel()],
            etas[E.ravel(), 0],
            etas[E.ravel(), 1],
        ]
    )
    np.testing.assert_array_equal(g.reshape(-1, 3), s.predict(X, threads=1))


def test_radial_shift_bounds_are_enforced_at_predict_time():
    """t + shift > 0 is the log feature's bound; t >= 0, the tighter one, is what is checked for
    t, and the shift bound for a log10 input of another name."""
    _, s = radial_model(seed=5)
    X = radial_points(40, seed=5)
    for t in (-80000.0, -1e5):
        X[3, 3] = t
        for isa in ISAS:
            with pytest.raises(ValueError, match=r"X\[3, 3\] \(t\) = -[0-9]+ is invalid.*>= 0 s"):
                s.predict(X, check_domain=False, isa=isa)
    with pytest.raises(ValueError, match=r"times\[1\] = -100000 is invalid; allowed: .*>= 0 s"):
        s.predict_grid(X[:2, 0], X[:2, 1], [5e3], [0.0, -1e5], [[1e19, 1e18]], check_domain=False)
    ins = [dict(e, name="age") if e["name"] == "t" else e for e in RADIAL_INPUTS]
    model, _ = radial_model(seed=5)
    data = export.to_bytes(
        model["weights"],
        model["biases"],
        model["activations"],
        inputs=ins,
        outputs=model["outputs"],
        geometry=RADIAL_GEOMETRY,
    )
    s = va.Surrogate.from_bytes(data)
    X[3, 3] = -80000.0  # age + shift = 6400 s > 0: allowed (outside the domain)
    assert np.isfinite(s.predict(X, check_domain=False)).all()
    X[3, 3] = -1e5
    with pytest.raises(ValueError, match=r"X\[3, 3\] \(age\) = -100000 .*> -shift = -86400"):
        s.predict(X, check_domain=False)


def test_version_1_model_still_loads_and_matches_its_reference():
    from conftest import DATA

    s = va.Surrogate.load(DATA / "canonical_v1.safetensors")  # shipped before format v2
    assert s.metadata["version"] == 1 and s.geometry == "cartesian" and s.n_inputs == 6
    X = canonical_points(2000, seed=9)
    ref = reference.predict(s.path, X)
    net = reference.predict(dict(export.read(s.path), elastic_part="none"), X)
    for isa in ISAS:
        assert (np.abs(s.predict(X, isa=isa) - ref) / np.abs(net).max(axis=0)).max() <= 1e-5


# ---- what a user meets: impossible inputs, the training domain, postseismic, r = 0 ----------
YR = YEAR
INSIDE = [10e3, 5e3, 5e3, 10 * YR, 1e19, 1e18]


@pytest.mark.parametrize(
    "col,value,message",
    [
        (2, -5e3, r"X\[1, 2\] \(depth\) = -5000 is invalid; allowed: finite and > 0 m"),
        (2, 0.0, r"X\[1, 2\] \(depth\) = 0 is invalid; allowed: finite and > 0 m"),
        (3, -1.0, r"X\[1, 3\] \(t\) = -1 is invalid; allowed: finite and >= 0 s"),
        (4, 0.0, r"X\[1, 4\] \(eta_M\) = 0 is invalid; allowed: finite and > 0 Pa s"),
        (5, -1e18, r"X\[1, 5\] \(eta_K\) = -1e\+18 is invalid; allowed: finite and > 0 Pa s"),
        (0, np.nan, r"X\[1, 0\] \(x\) = nan is invalid; allowed: finite"),
        (1, np.inf, r"X\[1, 1\] \(y\) = inf is invalid; allowed: finite"),
    ],
)
def test_impossible_inputs_raise_before_any_warning(col, value, message):
    """Physically impossible is an error naming column, index, value and range, raised before
    the out-of-domain warning (pytest turns a warning into an error, so an early warning fails
    this test): in predict (points and grid) and in_domain, on every engine path."""
    net = va.Surrogate.pretrained()
    X = np.array([INSIDE, INSIDE, [150e3, 0, 5e3, YR, 1e19, 1e18]])  # row 2: outside
    X[1, col] = value
    for kw in [{}, {"postseismic": True}, {"strict": True}] + [{"isa": i} for i in ISAS]:
        with pytest.raises(ValueError, match=message):
            net.predict(X, **kw)
    with pytest.raises(ValueError, match=message):
        net.in_domain(X)
    axes = [X[:, 0], X[:, 1], [5e3], [YR], [[1e19, 1e18]]]
    axis = {2: 2, 3: 3, 4: 4, 5: 4}.get(col)
    if axis is not None:
        grid_axes = [np.array(a, dtype=float) for a in axes]
        grid_axes[axis].flat[0 if col != 5 else 1] = value
        with pytest.raises(ValueError, match=r"\[0\] = .* is invalid; allowed: finite and"):
            net.predict_grid(*grid_axes)


def test_untrained_inputs_warn_with_count_and_mask_and_strict_raises():
    net = va.Surrogate.pretrained()
    X = np.array(
        [
            INSIDE,
            [10e3, 5e3, 16e3, 10 * YR, 1e19, 1e18],  # depth 16 km: physical, untrained
            [150e3, 0.0, 5e3, 10 * YR, 1e19, 1e18],  # r = 150 km > 141 km
            [10e3, 5e3, 5e3, 200 * YR, 1e19, 1e18],  # t = 200 yr
            INSIDE,
        ]
    )
    mask = [True, False, False, False, True]
    assert net.in_domain(X).tolist() == mask
    with pytest.warns(va.OutOfDomainWarning, match="3 of 5 points") as rec:
        u = net.predict(X)
    assert rec[0].message.count == 3 and rec[0].message.mask.tolist() == mask
    assert np.isfinite(u).all()
    with pytest.raises(va.OutOfDomainError, match="3 of 5 points.*strict=True") as info:
        net.predict(X, strict=True)
    assert info.value.count == 3 and info.value.mask.tolist() == mask
    assert issubclass(va.OutOfDomainError, ValueError)
    grid = (X[:, 0], X[:, 1], [5e3, 16e3], [YR], [[1e19, 1e18]])
    with pytest.warns(va.OutOfDomainWarning, match=r"x \(1 of 5\), depths \(1 of 2\)"):
        net.predict_grid(*grid)
    with pytest.raises(va.OutOfDomainError, match=r"depths \(1 of 2\)"):
        net.predict_grid(*grid, strict=True)


def test_domain_bounds_met_up_to_rounding_are_inside():
    """np.logspace(..., log10(100 yr)) ends at 3.1557600000000005e9 s, one ulp past 100 yr."""
    net = va.Surrogate.pretrained()
    t = np.logspace(0, np.log10(100 * YR), 30)
    assert t[-1] > 100 * YR
    X = np.tile(INSIDE, (30, 1))
    X[:, 3] = t
    assert net.in_domain(X).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net.predict(X, strict=True)
        net.predict_grid(X[:1, 0], X[:1, 1], [14e3 * (1 + 1e-12)], t, [[1e21, 1e20]])
    X[-1, 3] = 100 * YR * (1 + 1e-8)  # beyond the 1e-9 relative tolerance: outside
    assert net.in_domain(X).tolist() == [True] * 29 + [False]


@pytest.mark.parametrize("isa", ISAS)
def test_postseismic_is_predict_minus_okada(isa):
    """postseismic=True leaves Okada's u(0) out inside the engine: it equals predict - Okada to
    float64 rounding, for the shipped (radial) model and a cartesian remainder model, on points
    and on grids; a model without an elastic part refuses it."""
    rng = np.random.default_rng(11)
    X = canonical_points(301, seed=11)
    X[::10, 3] = 0.0
    el = va.okada.canonical_surface(X[:, 0], X[:, 1], X[:, 2])
    radial = va.Surrogate.pretrained()
    model, _ = radial_model(seed=12, elastic_part="okada_point_strike_slip")
    cart = exported_bytes(random_net((6, 9, 3), ("tanh",), seed=12), "okada_point_strike_slip")
    for s in (radial, cart, va.Surrogate.from_bytes(export.to_bytes(**model_args(model)))):
        u = s.predict(X, isa=isa)
        ps = s.predict(X, isa=isa, postseismic=True)
        # float64 rounding of u = ps + Okada, and two Okada codes (engine, va.okada) to ~1e-14
        assert (np.abs(ps - (u - el)) <= 4.5e-16 * np.abs(u) + 1e-13 * np.abs(el)).all()
        ps32 = s.predict(X, isa=isa, postseismic=True, dtype=np.float32)
        np.testing.assert_allclose(ps32, ps, rtol=1e-6, atol=1e-7 * np.abs(ps).max())
        out = np.empty((301, 3))
        s.predict(X, isa=isa, postseismic=True, out=out)
        np.testing.assert_array_equal(out, ps)
    x, y = rng.uniform(-100e3, 100e3, (2, 17))
    times, etas = [0.0, YR, 50 * YR], [[1e19, 1e18], [1e20, 1e19]]
    g = radial.predict_grid(x, y, [3e3, 9e3], times, etas, isa=isa)
    gp = radial.predict_grid(x, y, [3e3, 9e3], times, etas, isa=isa, postseismic=True)
    for d, dep in enumerate((3e3, 9e3)):
        eld = va.okada.canonical_surface(x, y, dep)
        bound = 4.5e-16 * np.abs(g[:, d]) + 1e-13 * np.abs(eld)
        assert (np.abs(gp[:, d] - (g[:, d] - eld)) <= bound).all()
    plain = exported_bytes(random_net((6, 5, 3), ("tanh",), seed=13), "none")
    with pytest.raises(ValueError, match="postseismic = true needs a model whose engine adds"):
        plain.predict(X, postseismic=True)


def exported_bytes(net, elastic_part):
    ws, bs, acts = net
    return va.Surrogate.from_bytes(
        export.to_bytes(
            ws,
            bs,
            acts,
            inputs=export.CANONICAL_INPUTS,
            outputs=[dict(e, scale=1e-12) for e in export.CANONICAL_OUTPUTS],
            elastic_part=elastic_part,
        )
    )


def model_args(model):
    return {
        "weights": model["weights"],
        "biases": model["biases"],
        "activations": model["activations"],
        **{k: v for k, v in model.items() if k not in ("weights", "biases", "activations")},
    }


@pytest.mark.parametrize("isa", ISAS)
def test_epicentre_is_the_r0_limit_as_the_exact_solver(isa):
    """At x = y = 0 the shipped model gives the r -> 0 limit, 0 in every component, as the
    exact solver does (its uy there is 0 to rounding), at every time and depth."""
    net = va.Surrogate.pretrained()
    times = np.array([0.0, 86400.0, YR, 30 * YR])
    X = np.array([[0.0, 0.0, d, t, 1e19, 1e18] for d in (1e3, 7e3, 14e3) for t in times])
    for kw in ({}, {"postseismic": True}):
        assert (net.predict(X, isa=isa, **kw) == 0).all()
        assert (
            net.predict_grid([0.0], [0.0], [7e3], times, [[1e19, 1e18]], isa=isa, **kw) == 0
        ).all()
    ex = va.exact.grid([0.0, 1.0], [0.0, 0.0], [7e3], times, [[1e19, 1e18]])[0, 0]
    scale = np.abs(ex[:, 1]).max()  # the field 1 m away
    assert np.abs(ex[:, 0]).max() <= 1e-9 * scale, ex[:, 0]
