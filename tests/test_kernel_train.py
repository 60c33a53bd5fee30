"""The neural kernel's data and training pieces: the learned quantity against the exact tables,
the early-time factor, reproducible and resumable shards, the SVD basis, and a trained file that
the engine evaluates as the net."""

import json
import math

import numpy as np
import pytest
import viscoann as va
from viscoann import _core, export, kernel_data, kernel_train
from viscoann.earth import EarthModel


def test_early_factor_is_linear_then_one():
    tau_M, tau_K = 1e9, 1e8
    t = np.array([0.0, 1.0, 1e20])
    w = kernel_data.early_factor(t, tau_M, tau_K)
    assert w[0] == 0.0
    assert w[1] == pytest.approx(1 / tau_M + 1 / tau_K, rel=1e-8)  # x for small x
    assert w[2] == pytest.approx(1.0, rel=1e-9)
    assert kernel_data.early_factor(1.0, tau_M, math.inf) == pytest.approx(1 / tau_M, rel=1e-8)


def test_draw_is_reproducible_and_in_range():
    a, b = kernel_data.draw(5, 3, 10), kernel_data.draw(5, 3, 10)
    assert a["H"] == b["H"] and np.array_equal(a["q2"], b["q2"])
    assert kernel_data.draw(6, 3, 10)["H"] != a["H"]
    lo, hi = kernel_data.Q2_RANGE
    for i in range(50):
        p = kernel_data.draw(i, 0, 10)
        assert kernel_data.H_RANGE[0] <= p["H"] <= kernel_data.H_RANGE[1]
        assert kernel_data.DEPTH_MARGIN <= p["depth"] <= p["H"] - kernel_data.DEPTH_MARGIN
        assert lo <= p["q2"].min() and p["q2"].max() <= hi
        # Stratified: one time per tenth of the range.
        assert np.all(np.floor((p["q2"] - lo) / ((hi - lo) / 10)) == np.arange(10))


def test_sample_is_the_exact_remainder_over_w():
    p = {"H": 20e3, "depth": 8e3, "kappa": 3.0, "q2": np.array([-3.0, 0.5])}
    S = kernel_data.sample(p)
    assert S.shape == (2, 10, kernel_data.N_R)
    eta_K = kernel_data.ETA_M / 3.0
    model = EarthModel.family(kernel_data.ETA_M, eta_K, 20e3)
    t = kernel_data.TAU_M * 10.0 ** p["q2"]
    tab = _core.elementary_tables(*model.columns(), 8e3, 330e3, t)
    w = kernel_data.early_factor(t, kernel_data.TAU_M, eta_K / kernel_data.MU)
    r_tab = tab["h"] * np.arange(tab["g"].shape[1])
    r = kernel_data.radii()
    # Where the grids share radii the spline is the table itself.
    common = np.isin(np.round(r_tab, 6), np.round(r, 6))
    j = np.searchsorted(r, r_tab[common])
    ref = np.transpose(tab["g"][:, common] / w[:, None, None], (0, 2, 1))
    scale = np.abs(ref).max()
    np.testing.assert_allclose(S[:, :, j], ref, rtol=0, atol=1e-9 * scale)


def test_generate_resumes_and_refuses_other_settings(tmp_path):
    out = tmp_path / "d"
    kernel_data.generate(out, 2, shard_size=1, times_per_sample=2, progress=False)
    first = (out / "shard_00000.npz").stat().st_mtime_ns
    kernel_data.generate(out, 3, shard_size=1, times_per_sample=2, progress=False)
    assert (out / "shard_00000.npz").stat().st_mtime_ns == first  # kept, not redone
    d = kernel_data.load(out)
    assert d["S"].shape == (3, 2, 10, kernel_data.N_R)
    ref = kernel_data.draw(2, 0, 2)
    assert d["H"][2] == ref["H"]
    with pytest.raises(ValueError, match="other settings"):
        kernel_data.generate(out, 3, shard_size=1, times_per_sample=4, progress=False)
    with pytest.raises(ValueError, match="n_shards = 0"):
        kernel_data.generate(out, 0)


def test_svd_basis_is_orthonormal_and_exact_on_low_rank_data():
    rng = np.random.default_rng(1)
    modes = rng.normal(size=(10, 3, 50))
    S = np.einsum("ntfk,fkr->ntfr", rng.normal(size=(20, 4, 10, 3)), modes)
    B = kernel_train.svd_basis(S, 3)
    for f in range(10):
        np.testing.assert_allclose(B[f] @ B[f].T, np.eye(3), atol=1e-12)
    assert kernel_train.truncation_error(S, B).max() < 1e-12
    assert kernel_train.truncation_error(S, kernel_train.svd_basis(S, 2)).max() > 1e-3


def test_features_of_maxwell_and_kelvin():
    q = kernel_train.features(20e3, 5e3, 0.0, -2.0)
    np.testing.assert_allclose(q, [0.25, 20e3, -2.0, 0.0])
    q = kernel_train.features(20e3, 5e3, 100.0, 0.0)  # t/tau_K = 100
    assert q[3] == pytest.approx(math.log10(101.0))
    dom = kernel_train.feature_domain()
    assert dom.shape == (4, 2) and np.all(dom[:, 1] > dom[:, 0])


def test_train_writes_a_kernel_the_engine_evaluates_as_the_net(tmp_path):
    import torch

    data = tmp_path / "d"
    kernel_data.generate(data, 3, shard_size=1, times_per_sample=4, progress=False)
    cfg = kernel_train.KernelTrainConfig(n_modes=3, layers=1, width=8, epochs=2, batch_size=4)
    path = kernel_train.train(data, tmp_path / "run", cfg, progress=False)
    net = va.NeuralKernel.load(path)
    assert net.info["n_modes"] == 3 and net.family == kernel_train.FAMILY | {
        "H": (10e3, 50e3),
        "eta_M": (1e18, 1e21),
        "eta_K": (1e17, 1e20),
    }
    # The engine's coefficients are the torch net's on the file's features (float32 weights).
    doc = export.read(path)
    W = [torch.tensor(w, dtype=torch.float64) for w in doc["weights"]]
    b = [torch.tensor(v, dtype=torch.float64) for v in doc["biases"]]
    H, depth, eta_M, eta_K, t = 20e3, 7e3, 1e19, 1e18, 3e8
    q = kernel_train.features(H, depth, eta_M / eta_K, math.log10(t / (eta_M / 30e9)))
    z = torch.tensor(q * [e["scale"] for e in doc["inputs"]] + [e["offset"] for e in doc["inputs"]])
    z = torch.tanh(W[0] @ z + b[0])
    y = (W[1] @ z + b[1]).numpy() * [e["scale"] for e in doc["outputs"]]
    w = kernel_data.early_factor(t, eta_M / 30e9, eta_K / 30e9)
    c = net._engine.coefficients(depth, [eta_M], [eta_K], [H], [t])[0, 0, 0]
    np.testing.assert_allclose(c.ravel(), w * y, rtol=1e-12, atol=1e-12 * np.abs(w * y).max())
    # Resumed: the checkpoint's epochs are kept, more are added.
    cfg.epochs = 3
    kernel_train.train(data, tmp_path / "run", cfg, progress=False)
    hist = json.loads((tmp_path / "run" / "history.json").read_text())
    assert [h["epoch"] for h in hist] == [1, 2, 3]
