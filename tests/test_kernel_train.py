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
    assert a["depth"] == b["depth"] and np.array_equal(a["q2"], b["q2"])
    assert kernel_data.draw(6, 3, 10)["depth"] != a["depth"]
    lo, hi = kernel_data.Q2_RANGE
    for i in range(50):
        p = kernel_data.draw(i, 0, 10)
        assert p["H"] == kernel_data.H_REF  # H is a unit of length (module docstring)
        d0, d1 = kernel_data.DEPTH_RATIO
        assert d0 <= p["depth"] / p["H"] <= d1
        assert lo <= p["q2"].min() and p["q2"].max() <= hi
        # Stratified: one time per tenth of the range.
        assert np.all(np.floor((p["q2"] - lo) / ((hi - lo) / 10)) == np.arange(10))


def test_sample_is_the_exact_remainder_over_w():
    """S = H^2 g / w on rho = r / H, against the exact tables at another H (so the scaling
    with H is checked too: H is the family's only length)."""
    H, p = 20e3, {"H": 20e3, "depth": 8e3, "kappa": 3.0, "q2": np.array([-3.0, 0.5])}
    S = kernel_data.sample(p)
    assert S.shape == (2, 10, kernel_data.N_R)
    eta_K = kernel_data.ETA_M / 3.0
    t = kernel_data.TAU_M * 10.0 ** p["q2"]
    w = kernel_data.early_factor(t, kernel_data.TAU_M, eta_K / kernel_data.MU)
    H2 = 30e3  # the same d/H at 1.5 times the length
    model = EarthModel.family(kernel_data.ETA_M, eta_K, H2)
    tab = _core.elementary_tables(*model.columns(), 8e3 * H2 / H, 330e3, t)
    rho_tab = tab["h"] * np.arange(tab["g"].shape[1]) / H2
    rho = kernel_data.rhos()
    # Where the grids share points the spline is the table itself.
    common = np.isin(np.round(rho_tab, 9), np.round(rho, 9)) & (rho_tab <= rho[-1])
    assert common.sum() > 40
    j = np.searchsorted(rho, rho_tab[common] - 1e-12)
    ref = np.transpose(H2**2 * tab["g"][:, common] / w[:, None, None], (0, 2, 1))
    scale = np.abs(ref).max()
    np.testing.assert_allclose(S[:, :, j], ref, rtol=0, atol=1e-6 * scale)


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
    np.testing.assert_allclose(q, [0.25, -2.0, 0.0])
    q = kernel_train.features(20e3, 5e3, 100.0, 0.0)  # t/tau_K = 100
    assert q[2] == pytest.approx(math.log10(101.0))
    dom = kernel_train.feature_domain()
    assert dom.shape == (3, 2) and np.all(dom[:, 1] > dom[:, 0])


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
    ref = w * y / H**2  # g's coefficients in rho = r / H carry H^-2 (export.py, format 3)
    np.testing.assert_allclose(c.ravel(), ref, rtol=1e-12, atol=1e-12 * np.abs(ref).max())
    # Resumed: the checkpoint's epochs are kept, more are added.
    cfg.epochs = 3
    kernel_train.train(data, tmp_path / "run", cfg, progress=False)
    hist = json.loads((tmp_path / "run" / "history.json").read_text())
    assert [h["epoch"] for h in hist] == [1, 2, 3]


def test_random_features_fit_is_the_least_squares_net(tmp_path):
    """The file holds the fitted net: the engine's coefficients equal the numpy tanh net of
    the file's float32 weights; the fit's output layer solves the weighted least squares (its
    residual is orthogonal to the hidden features); an interrupted fit resumes bit for bit."""
    data = tmp_path / "d"
    kernel_data.generate(data, 3, shard_size=1, times_per_sample=6, progress=False)
    cfg = kernel_train.RandomFeatureConfig(n_modes=3, hidden=12, validation=0.34)
    path = kernel_train.fit_random_features(data, tmp_path / "run", cfg, progress=False)
    doc = export.read(path)
    assert doc["widths"] == [3, 12, 30] and doc["activations"] == ["tanh", "identity"]
    W1, W2 = (w.astype(float) for w in doc["weights"])
    b1, b2 = (b.astype(float) for b in doc["biases"])
    net = va.NeuralKernel.load(path)
    H, depth, eta_M, eta_K, t = 20e3, 7e3, 1e19, 1e18, 3e8
    q = kernel_train.features(H, depth, eta_M / eta_K, math.log10(t / (eta_M / 30e9)))
    z = q * [e["scale"] for e in doc["inputs"]] + [e["offset"] for e in doc["inputs"]]
    y = W2 @ np.tanh(W1 @ z + b1) + b2
    w = kernel_data.early_factor(t, eta_M / 30e9, eta_K / 30e9)
    c = net._engine.coefficients(depth, [eta_M], [eta_K], [H], [t])[0, 0, 0]
    ref = w * y / H**2
    np.testing.assert_allclose(c.ravel(), ref, rtol=1e-12, atol=1e-12 * np.abs(ref).max())
    # Normal equations of E3's weighted fit on the training rows (float64 solve, saved).
    d = kernel_data.load(data)
    basis = np.load(tmp_path / "run" / "basis.npy")
    coef = kernel_train.project(d["S"], basis)
    tr = np.random.default_rng(0).permutation(3)[1:]
    zz = kernel_train.features(
        d["H"][tr, None], d["depth"][tr, None], d["kappa"][tr, None], d["q2"][tr]
    )
    zz = zz * [e["scale"] for e in doc["inputs"]] + [e["offset"] for e in doc["inputs"]]
    h = np.tanh(zz.reshape(-1, 3) @ W1.T + b1)
    h = np.hstack([h, np.ones((h.shape[0], 1))])
    yy = coef[tr][:, :, [7, 8, 9]].reshape(h.shape[0], -1)
    wt = 1 / np.linalg.norm(yy, axis=1)
    sol = np.load(tmp_path / "run" / "rf_group3.npz")["sol"]
    grad = (h * wt[:, None]).T @ ((h @ sol - yy) * wt[:, None])
    assert np.abs(grad).max() <= 1e-8 * np.abs((h * wt[:, None]).T @ (yy * wt[:, None])).max()
    # Resume: the saved solves are reused, the file is the same.
    first = path.read_bytes()
    (tmp_path / "run" / "kernel.safetensors").unlink()
    again = kernel_train.fit_random_features(data, tmp_path / "run", cfg, progress=False)
    d1, d2 = export.read(first), export.read(again)
    for key in ("weights", "biases"):
        assert all(np.array_equal(u, v) for u, v in zip(d1[key], d2[key], strict=True))
    assert np.array_equal(d1["basis"], d2["basis"])
