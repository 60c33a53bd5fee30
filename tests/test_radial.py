"""The radial form (docs/design.md, "Surrogate accuracy"): radial-function data
(data.radial_grid), its training stream (train.py), its model's features and reference
predictions (reference.py), checked against the exact solver."""

import numpy as np
import pytest
import viscoann as va
from viscoann import cli, data, exact, export, reference, train
from viscoann.conventions import R_MAX, YEAR


@pytest.fixture(scope="module")
def radial_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("radial")
    g = data.radial_grid(sizes=[12, 2, 5, 2, 2])  # 12 distances x 2 depths x 5 times x 4 etas
    data.generate(root, g, progress=False)
    return root


def _cfg(**kw):
    base = dict(
        hidden_layers=2,
        width=12,
        activations=("tanh",),
        target="radial",
        epochs=60,
        batch_size=32,
        lr=1e-2,
        lr_final=1e-4,
        seed=5,
        val_fraction=0.25,
    )
    base.update(kw)
    return train.TrainConfig(**base)


def test_radial_grid_covers_the_domain():
    g = data.radial_grid()
    D, E, T, P = g.shape
    assert (D, E, T, P) == (24, 144, 48, 96) and g.n_samples == 15_925_248
    assert g.x[0] == 0 and g.x[-1] == pytest.approx(np.hypot(100e3, 100e3)) and not g.y.any()
    assert g.times[0] == 0 and g.times[-1] == pytest.approx(100 * YEAR)
    assert np.all(np.diff(g.times) > 0) and np.diff(g.times)[0] < np.diff(g.times)[-1] / 40
    assert g.depths.min() == 1e3 and g.depths.max() == 14e3
    le = np.log10(g.etas)
    np.testing.assert_allclose(
        [le[:, 0].min(), le[:, 0].max(), le[:, 1].min(), le[:, 1].max()], [18, 21, 17, 20]
    )
    with pytest.raises(ValueError, match="radial"):
        data.grid("sideways")
    # the shipped model's test metrics are measured off its training values on every axis
    differ = data.test_values_differ(g, data.test_grid())
    assert differ["depth"] and differ["t"] and differ["eta_M"] and differ["eta_K"], differ


def test_radial_shards_hold_the_exact_radial_functions(radial_dir):
    man = data.load_manifest(radial_dir)
    g = man["grid"]
    assert man["kind"] == "radial" and man["solver"]["name"] == "viscoann.data.radial_solver"
    d, e = 1, 3
    got = data.read_shard(radial_dir / data.shard_name(d, e)).astype(float)  # (T, P, 3)
    # the radial functions rebuild the Cartesian field anywhere on the circle of radius r
    phi = 0.7
    x, y = g.x * np.cos(phi), g.x * np.sin(phi)
    u = exact.grid(x, y, g.depths[d : d + 1], g.times, g.etas[e : e + 1])[0, 0]
    scale = np.abs(u).max()
    np.testing.assert_allclose(exact.from_radial(x, y, got), u, rtol=0, atol=2e-6 * scale)
    with pytest.raises(
        ValueError, match=r"y = 1\d+\.\d+ is invalid: radial grids have points at y = 0"
    ):
        data.radial_solver(g.x, g.x, g.depths, g.times, g.etas)
    with pytest.raises(ValueError, match="x = -5.0 is invalid"):
        data.radial_solver(g.x - 5.0, 0 * g.x, g.depths, g.times, g.etas)


def test_radial_features_map_the_domain_to_the_unit_cube():
    shift = 0.01 * YEAR
    X = np.array(
        [
            [0.0, 0.0, 1e3, 0.0, 1e18, 1e17],
            [100e3, -100e3, 14e3, 100 * YEAR, 1e21, 1e20],
            [
                3e3,
                4e3,
                7.5e3,
                np.sqrt(shift * (100 * YEAR + shift)) - shift,
                10**19.5,
                10**18.5,
            ],
        ]
    )
    model = train.model_document(train.TrainConfig(target="radial", time_shift=shift))
    F = reference.features(model, X)
    np.testing.assert_allclose(F[0], -1.0, atol=1e-12)
    np.testing.assert_allclose(F[1], 1.0, atol=1e-12)
    np.testing.assert_allclose(F[2], [2 * 5e3 / R_MAX - 1, 0, 0, 0, 0], atol=1e-12)


def test_radial_stream_targets_are_the_scaled_remainder_and_hold_out_whole_sources(radial_dir):
    cfg = _cfg()
    s = train.RadialStream(radial_dir, cfg)
    g = s.man["grid"]
    D, E, T, P = g.shape
    assert len(s.val_shards) == 2  # 25 % of 8 sources
    assert len(s.F) == (D * E - 2) * (T - 1) * P
    assert np.all(np.abs(s.F) <= 1 + 1e-6) and np.all(np.abs(s.val_F) <= 1 + 1e-6)
    np.testing.assert_allclose(np.sqrt(np.mean(s.Y.astype(float) ** 2, axis=0)), 1, rtol=1e-5)
    # the validation source is none of the training ones: its (depth, eta) features differ
    tr = {tuple(r) for r in np.round(s.F[:, [1, 3, 4]], 5)}
    held = {tuple(r) for r in np.round(s.val_F[:, [1, 3, 4]], 5)}
    assert len(held) == 2 and not tr & held
    # a training row equals g(t) - g(0) of its shard, scaled
    d, e = next((d, e) for d in range(D) for e in range(E) if (d, e) not in s.val_shards)
    u = data.read_shard(radial_dir / data.shard_name(d, e)).astype(float)
    rem = (u[1:] - u[0]).reshape(-1, 3) / s.out_scale
    X = np.zeros(((T - 1) * P, 6))
    X[:, 0] = np.tile(g.x, T - 1)
    X[:, 2], X[:, 3], X[:, 4:] = g.depths[d], np.repeat(g.times[1:], P), g.etas[e]
    F = reference.features(s.model, X).astype(np.float32)  # the stream's float32 features
    rows = {tuple(f): i for i, f in enumerate(s.F[:, :].tolist())}
    idx = [rows[tuple(f)] for f in F.tolist()]
    np.testing.assert_allclose(s.Y[idx], rem, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="time_shift must be > 0 s, got 0.0"):
        train.TrainConfig(target="radial", time_shift=0.0).check()


def test_radial_training_learns_and_references_agree(radial_dir, tmp_path):
    cfg = _cfg()
    run = train.train(radial_dir, None, cfg, progress=False)
    h, model = run.history, run.model
    assert h[-1]["train_loss"] < 0.2 * h[0]["train_loss"]
    assert model["provenance"]["target"] == "radial"
    assert model["inputs"][3]["shift"] == cfg.time_shift and model["inputs"][3]["log10"]
    assert model["elastic_part"] == "okada_point_strike_slip"
    # reference prediction = from_radial of the net's radial functions + exact Okada
    rng = np.random.default_rng(4)
    X = np.column_stack(
        [
            rng.uniform(-100e3, 100e3, (40, 2)),
            rng.uniform(1e3, 14e3, 40),
            rng.uniform(0, 100 * YEAR, 40),
            10 ** rng.uniform(18, 21, 40),
            10 ** rng.uniform(17, 20, 40),
        ]
    )
    ref = reference.predict(model, X)
    F = reference.features(model, X)
    layers = list(zip(model["weights"], model["biases"], strict=True))
    scale = [e["scale"] for e in model["outputs"]]
    gfun = reference.forward(layers, model["activations"], F) * scale
    want = exact.from_radial(X[:, 0], X[:, 1], gfun) + np.concatenate(
        [va.okada.canonical_surface(X[i : i + 1, 0], X[i : i + 1, 1], X[i, 2]) for i in range(40)]
    )
    np.testing.assert_allclose(ref, want, rtol=1e-12, atol=1e-12 * np.abs(want).max())
    # the azimuthal pattern holds by construction (net and Okada alike): mirroring x gives
    # (ux, -uy, -uz)
    mirrored = reference.predict(model, X * [-1, 1, 1, 1, 1, 1])
    np.testing.assert_allclose(mirrored, ref * [1, -1, -1], rtol=0, atol=1e-12 * np.abs(ref).max())
    # the exported model file on the engine: r, log-time and the azimuthal factors fused
    path = export.write(tmp_path / "radial.safetensors", model)
    net = va.Surrogate.load(path)
    assert net.geometry["kind"] == "radial_strike_slip" and net.widths[0] == 5
    np.testing.assert_allclose(net.predict(X), ref, rtol=0, atol=1e-5 * np.abs(ref).max())


def test_cli_generate_train_export_predict_radial(tmp_path):
    """The radial form end to end from the command line, at a tiny size (seconds)."""
    assert (
        cli.main(
            [
                "generate",
                str(tmp_path / "d"),
                "--grid",
                "radial",
                "--sizes",
                "10,2,4,2,2",
                "--no-progress",
            ]
        )
        == 0
    )
    model = tmp_path / "m.safetensors"
    args = [
        "train",
        str(tmp_path / "d"),
        str(tmp_path / "run"),
        "--target",
        "radial",
        "--layers",
        "2",
        "--width",
        "8",
        "--activations",
        "tanh",
        "--epochs",
        "3",
        "--batch-size",
        "32",
        "--model",
        str(model),
        "--no-progress",
    ]
    assert cli.main(args) == 0
    doc = export.read(tmp_path / "run" / "model.safetensors")
    assert doc["geometry"]["kind"] == "radial_strike_slip"
    assert doc["inputs"][3]["shift"] == pytest.approx(0.01 * YEAR)
    assert model.read_bytes() == (tmp_path / "run" / "model.safetensors").read_bytes()
    X = np.array(
        [
            [30e3, -20e3, 5e3, 3 * YEAR, 1e19, 1e18],
            [-70e3, 60e3, 12e3, 80 * YEAR, 3e20, 2e17],
        ]
    )
    got = va.Surrogate.load(model).predict(X)
    ref = reference.predict(doc, X)
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-5 * np.abs(ref).max())
