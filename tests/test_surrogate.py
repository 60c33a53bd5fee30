"""The fused CPU engine against PyTorch float64 on the same exported nets, across depths,
widths, activation patterns, thread counts, batch sizes and every CPU path; in_domain and
the out-of-domain warning; bad inputs; torch never imported by prediction."""

import subprocess
import sys
import threading
import warnings

import numpy as np
import pytest
import viscoann as va
from viscoann import export

torch = pytest.importorskip("torch")

ISAS = [isa for isa in ("scalar", "avx2", "avx512") if va._core.cpu_isa_supported(isa)]
TORCH_ACT = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid}


def make_net(widths, acts, seed):
    """A random float64 torch MLP: hidden layers use `acts` cyclically, the last is linear."""
    torch.manual_seed(seed)
    mods = []
    for li in range(len(widths) - 1):
        mods.append(torch.nn.Linear(widths[li], widths[li + 1]))
        if li < len(widths) - 2:
            mods.append(TORCH_ACT[acts[li % len(acts)]]())
    return torch.nn.Sequential(*mods).double()


def canonical_points(n, seed=0, margin=0.0):
    """n points inside the canonical domain (viscosities uniform in log10)."""
    rng = np.random.default_rng(seed)
    dom = np.array([e["domain"] for e in export.CANONICAL_INPUTS])
    lo, hi = dom[:, 0].copy(), dom[:, 1].copy()
    lo[4:], hi[4:] = np.log10(lo[4:]), np.log10(hi[4:])
    X = lo + (hi - lo) * (margin + (1 - 2 * margin) * rng.random((n, 6)))
    X[:, 4:] = 10.0 ** X[:, 4:]
    return X


def torch_reference(net, surrogate, X):
    """The exported net in float64: the file's input transform, the torch net, output scaling."""
    meta = surrogate.metadata
    Z = X.copy()
    for i, e in enumerate(meta["inputs"]):
        if e["log10"]:
            Z[:, i] = np.log10(Z[:, i])
        Z[:, i] = e["scale"] * Z[:, i] + e["offset"]
    with torch.no_grad():
        y = net(torch.from_numpy(Z)).numpy()
    s = np.array([e["scale"] for e in meta["outputs"]])
    o = np.array([e["offset"] for e in meta["outputs"]])
    return y * s + o


def exported(tmp_path, net, name="m", **kw):
    outputs = kw.pop("outputs", export.CANONICAL_OUTPUTS)
    path = export.save_torch(
        tmp_path / f"{name}.safetensors", net, inputs=export.CANONICAL_INPUTS, outputs=outputs, **kw
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
    net = make_net(widths, acts, seed=len(widths) * 7 + widths[1])
    outputs = [
        dict(e, scale=1e-6 * (k + 1), offset=1e-7 * k)
        for k, e in enumerate(export.CANONICAL_OUTPUTS)
    ]
    s = exported(tmp_path, net, outputs=outputs)
    X = canonical_points(1003, seed=1)  # not a multiple of any block or SIMD width
    ref = torch_reference(net, s, X)
    y = s.predict(X, threads=2, isa=isa)
    assert y.shape == (1003, 3) and y.dtype == np.float64
    scale = np.abs(ref).max(axis=0)
    assert (np.abs(y - ref) / scale).max() <= 1e-5


@pytest.mark.parametrize("isa", ISAS)
def test_threads_and_batch_sizes_give_identical_results(tmp_path, isa):
    s = exported(tmp_path, make_net(NETS[0][0], NETS[0][1], seed=3))
    X = canonical_points(5000, seed=2)
    y1 = s.predict(X, threads=1, isa=isa)
    for threads in (2, 3, 7):
        np.testing.assert_array_equal(s.predict(X, threads=threads, isa=isa), y1)
    for n in (0, 1, 15, 17, 63, 65, 129):  # below, at and past block / SIMD widths
        np.testing.assert_array_equal(s.predict(X[:n], threads=2, isa=isa), y1[:n])
    assert s.predict(X[:0]).shape == (0, 3)


def test_float32_output_and_broadcast_shapes(tmp_path):
    s = exported(tmp_path, make_net((6, 8, 3), ("tanh",), seed=4))
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
    s = exported(tmp_path, make_net(NETS[0][0], NETS[0][1], seed=5))
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
    s = exported(tmp_path, make_net((6, 5, 3), ("relu",), seed=6))
    X = canonical_points(10, seed=5, margin=0.01)
    X[2, 0] = 150e3  # x beyond 100 km
    X[5, 4] = 1e17  # eta_M below 1e18
    X[7, 2] = np.nan  # NaN is outside
    mask = s.in_domain(X)
    np.testing.assert_array_equal(mask, [k not in (2, 5, 7) for k in range(10)])
    X[7, 2] = 5e3
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
    s = exported(tmp_path, make_net((6, 5, 3), ("tanh",), seed=7))
    X = canonical_points(100, seed=6)
    bad = X.copy()
    bad[37, 3] = np.inf
    with pytest.raises(ValueError, match=r"X\[37, 3\] \(t\) = inf"):
        s.predict(bad, check_domain=False)
    bad = X.copy()
    bad[41, 5] = -1e19
    with pytest.raises(ValueError, match=r"X\[41, 5\] \(eta_K\).*log10"):
        s.predict(bad, check_domain=False)
    with pytest.raises(ValueError, match="last axis must have 6 inputs"):
        s.predict(X[:, :5])
    with pytest.raises(ValueError, match="threads = 0"):
        s.predict(X, threads=0)
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
    point source (odd/even symmetries of DESIGN §4.3 hold exactly for a zero net)."""
    net = make_net((6, 4, 3), ("tanh",), seed=9)
    with torch.no_grad():
        for p in net.parameters():
            p.zero_()
    s = exported(tmp_path, net, elastic_part="okada_point_strike_slip")
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
    s = exported(tmp_path, make_net((6, 5, 3), ("tanh",), seed=10))
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
    monkeypatch.chdir(ROOT)
    ns: dict = {}
    exec(compile(code, "README.md", "exec"), ns)
    expected = np.loadtxt(
        ROOT / "tests/data/surrogate_tiny_expected.csv", delimiter=",", skiprows=1
    )[0, 6:]
    np.testing.assert_allclose(ns["u"][0], expected, rtol=0, atol=1e-5 * np.abs(expected).max())
    assert ns["ok"].tolist() == [True]
