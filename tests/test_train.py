"""Training (train.py), the warm-up experiment (experiments.py), test-grid evaluation
(evaluate.py) and the training figures (plot.py).

A tiny end-to-end run on a closed-form stand-in solver checks the machinery in seconds:
the loss falls, predictions approach the data, runs are deterministic and resumable.
"""

import json

import numpy as np
import pytest
import viscoann as va
from test_data import standin_solver
from viscoann import cli, data, evaluate, export, reference, train
from viscoann.conventions import YEAR


def standin_elastic(x, y, depth):
    """u(t = 0) of the stand-in solver (its field at t = 0 does not depend on viscosity)."""
    return standin_solver(x, y, [depth], [0.0], np.array([[1e19, 1e18]]))[0, 0, 0]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny")
    g = data.training_grid(0.1, [12, 3, 6, 2, 2])  # 144 points x 3 depths x 6 times x 4 etas
    data.generate(root / "train", g, solver=standin_solver, progress=False)
    data.generate(
        root / "test", data.test_grid(0.1, [10, 2, 4, 2, 2]), solver=standin_solver, progress=False
    )
    return root


def _cfg(**kw):
    base = dict(
        hidden_layers=3,
        width=16,
        epochs=20,
        batch_size=64,
        lr=1e-2,
        lr_final=1e-4,
        seed=3,
        val_fraction=0.1,
    )
    base.update(kw)
    return train.TrainConfig(**base)


def test_config_rejects_bad_values_naming_them():
    for kw, match in [
        ({"activations": ("tanh", "gelu")}, "activations"),
        ({"target": "log"}, "target must be one of"),
        ({"hidden_layers": 0}, "hidden_layers"),
        ({"loss": "huber"}, "loss"),
        ({"val_fraction": 1.0}, "val_fraction"),
        ({"lr": -1.0}, "lr"),
    ]:
        with pytest.raises(ValueError, match=match):
            train.TrainConfig(**kw).check()
    assert train.TrainConfig(hidden_layers=5).layer_activations() == [
        "tanh",
        "relu",
        "tanh",
        "relu",
        "tanh",
        "identity",
    ]


@pytest.mark.parametrize(("target", "bound"), [("remainder", 0.03), ("full", 0.15)])
def test_end_to_end_loss_falls_and_predictions_approach_data(tiny, target, bound):
    cfg = _cfg(target=target)
    run = train.train(tiny / "train", None, cfg, elastic=standin_elastic, progress=False)
    h = run.history
    assert len(h) == 20
    assert h[-1]["train_loss"] < 0.2 * h[0]["train_loss"], [r["train_loss"] for r in h]
    assert h[-1]["val_loss"] < 0.2, [r["val_loss"] for r in h]  # targets have unit RMS
    # the reference evaluation of the run's model reproduces training data to a loose bound
    g = data.load_manifest(tiny / "train")["grid"]
    X = g.inputs(1, 2)
    u = data.read_shard(tiny / "train" / data.shard_name(1, 2)).reshape(-1, 3)
    pred = reference.predict(run.model, X, elastic=standin_elastic)
    err = np.abs(pred - u).mean() / np.abs(u).mean()
    assert err < bound, err  # the exact elastic part makes the remainder net ~10x closer
    # the float32 engine on the model file agrees with the float64 reference to float32
    # rounding (the net's part: the engine's elastic part is Okada's, not the stand-in's)
    bare = dict(run.model, elastic_part="none")
    fast = va.Surrogate.from_bytes(export.model_bytes(bare)).predict(X)
    np.testing.assert_allclose(
        fast, reference.predict(bare, X), rtol=0, atol=1e-5 * np.abs(pred).max()
    )
    assert run.model["elastic_part"] == (
        "okada_point_strike_slip" if target == "remainder" else "none"
    )
    assert [w.shape for w in run.model["weights"]] == [(16, 6), (16, 16), (16, 16), (3, 16)]


def test_remainder_target_is_postseismic_part_exactly(tiny):
    s = train.ShardStream(tiny / "train", _cfg(target="remainder"), elastic=standin_elastic)
    X, Y = s._samples(0, 1, np.arange(5))
    g = s.grid
    np.testing.assert_array_equal(X[:5, 3], 0.0)  # first time is t = 0 ...
    # ... so u - u0 = 0, up to the float32 rounding of the stored u
    np.testing.assert_allclose(Y[:5], 0.0, atol=1e-7 * np.abs(s.u0(0)).max())
    u = data.read_shard(tiny / "train" / data.shard_name(0, 1))[:, :5].astype(float)
    np.testing.assert_allclose(Y.reshape(len(g.times), 5, 3), u - s.u0(0)[:5])
    # validation points are never used for training
    assert not set(s.val_points) & set(s.train_points)
    assert len(s.val_points) + len(s.train_points) == len(g.x)


def test_same_seed_gives_identical_weights_and_resume_matches(tiny, tmp_path):
    cfg = _cfg(target="remainder", epochs=4, batch_size=256)
    a = train.train(tiny / "train", tmp_path / "a", cfg, elastic=standin_elastic, progress=False)
    b = train.train(tiny / "train", None, cfg, elastic=standin_elastic, progress=False)
    _assert_same_weights(a.model, b.model)
    # the run directory's model file is the run's model
    assert a.path == tmp_path / "a" / "model.safetensors"
    _assert_same_weights(export.read(a.path), a.model)
    other = train.train(
        tiny / "train",
        None,
        _cfg(epochs=4, batch_size=256, seed=4),
        elastic=standin_elastic,
        progress=False,
    )
    assert not np.array_equal(other.model["weights"][0], a.model["weights"][0])

    # interrupted after epoch 2, then resumed from the checkpoint: same weights as one run
    class Stop(Exception):
        pass

    def stop_after_two(rec):
        if rec["epoch"] == 1:
            raise Stop

    stream = train.ShardStream(tiny / "train", cfg, elastic=standin_elastic)
    with pytest.raises(Stop):
        train.fit(stream, cfg, tmp_path / "c", progress=False, log=stop_after_two)
    assert not list((tmp_path / "c").glob(".*tmp"))
    hist = json.loads((tmp_path / "c" / "history.json").read_text())
    assert len(hist) == 1  # the epoch that raised is not checkpointed
    c = train.train(tiny / "train", tmp_path / "c", cfg, elastic=standin_elastic, progress=False)
    assert [h["epoch"] for h in c.history] == [0, 1, 2, 3]
    _assert_same_weights(a.model, c.model)
    with pytest.raises(ValueError, match="another config"):
        train.train(
            tiny / "train", tmp_path / "c", _cfg(epochs=5), elastic=standin_elastic, progress=False
        )


def test_checkpoint_without_a_model_file_is_refused(tiny, tmp_path):
    torch = pytest.importorskip("torch")
    cfg = _cfg(epochs=1)
    (tmp_path / "old").mkdir()
    torch.save({"config": cfg.to_json(), "net": {}, "epoch": 0}, tmp_path / "old" / "checkpoint.pt")
    with pytest.raises(ValueError, match="holds a checkpoint without a model file"):
        train.train(tiny / "train", tmp_path / "old", cfg, elastic=standin_elastic, progress=False)


def _assert_same_weights(a: dict, b: dict) -> None:
    for key in ("weights", "biases"):
        for wa, wb in zip(a[key], b[key], strict=True):
            np.testing.assert_array_equal(wa, wb)


def test_evaluate_metrics_are_exact_for_a_perfect_and_a_biased_predictor(tiny):
    g = data.load_manifest(tiny / "test")["grid"]

    def exact(X):
        out = np.empty((len(X), 3))
        for dep in np.unique(X[:, 2]):
            for em, ek in np.unique(X[:, 4:], axis=0):
                m = (X[:, 2] == dep) & (X[:, 4] == em) & (X[:, 5] == ek)
                P = len(g.x)
                tt = X[m, 3][::P]
                out[m] = standin_solver(g.x, g.y, [dep], tt, [[em, ek]]).reshape(-1, 3)
        return out

    m0 = evaluate.evaluate(exact, tiny / "test", elastic=standin_elastic, progress=False)
    assert m0["mean_abs_residual"] < 1e-7 * m0["mean_abs_u"]  # float32 storage only
    bias = 1e-9
    m1 = evaluate.evaluate(
        lambda X: exact(X) + bias, tiny / "test", elastic=standin_elastic, progress=False
    )
    assert m1["mean_abs_residual"] == pytest.approx(bias, rel=1e-4)
    np.testing.assert_allclose(m1["per_depth"], bias, rtol=1e-4)
    np.testing.assert_allclose(m1["per_time"], bias, rtol=1e-4)
    assert m1["p99_abs_residual"] == pytest.approx(bias, rel=0.03)  # histogram bin width
    assert m1["rel_total"] == pytest.approx(bias / m1["mean_abs_u"], rel=1e-4)
    # the postseismic signal: u(t) - u(0) of the stand-in, mean over the grid
    D, E, T, P = g.shape
    full = standin_solver(g.x, g.y, g.depths, g.times, g.etas)  # (E, D, T, P, 3)
    u0 = standin_solver(g.x, g.y, g.depths, [0.0], g.etas)
    assert m1["mean_abs_postseismic"] == pytest.approx(np.abs(full - u0).mean(), rel=1e-5)


def test_cli_train_writes_history_model_and_curves(tiny, tmp_path, monkeypatch):
    monkeypatch.setitem(reference.ELASTIC_FIELDS, "okada_point_strike_slip", standin_elastic)
    out = tmp_path / "run"
    rc = cli.main(
        [
            "train",
            str(tiny / "train"),
            str(out),
            "--layers",
            "2",
            "--width",
            "8",
            "--epochs",
            "3",
            "--batch-size",
            "256",
            "--seed",
            "1",
            "--no-progress",
        ]
    )
    assert rc == 0
    hist = json.loads((out / "history.json").read_text())
    assert [h["epoch"] for h in hist] == [0, 1, 2]
    model = export.read(out / "model.safetensors")
    assert model["provenance"]["config"]["hidden_layers"] == 2
    assert model["provenance"]["epochs_run"] == 3
    assert model["activations"] == ["tanh", "relu", "identity"]
    assert va.Surrogate.load(out / "model.safetensors").widths == [6, 8, 8, 3]
    assert (out / "training_curves.png").stat().st_size > 10_000
    assert cli.main(["train", str(tiny / "train"), str(out), "--activations", "tanh,swish"]) == 2


def test_cli_plot_warmup_canonical_and_curves(tiny, tmp_path, monkeypatch):
    monkeypatch.setitem(reference.ELASTIC_FIELDS, "okada_point_strike_slip", standin_elastic)
    out = tmp_path / "figs"
    assert (
        cli.main(
            [
                "plot",
                "warmup",
                str(out),
                "--points",
                "30,2000",
                "--steps",
                "300",
                "--layers",
                "2",
                "--width",
                "8",
                "--no-progress",
            ]
        )
        == 0
    )
    w = json.loads((out / "elastic_warmup.json").read_text())
    assert [r["n_points"] for r in w["runs"]] == [30, 2000] and w["depth_m"] == 7.9e3
    assert all(0 < r["mean_abs_residual"] < w["mean_abs_u"] for r in w["runs"])
    assert (out / "elastic_warmup.png").stat().st_size > 20_000

    run = tmp_path / "run"
    assert (
        cli.main(
            [
                "train",
                str(tiny / "train"),
                str(run),
                "--layers",
                "2",
                "--width",
                "8",
                "--epochs",
                "2",
                "--no-progress",
            ]
        )
        == 0
    )
    assert (
        cli.main(
            [
                "plot",
                "canonical",
                str(tiny / "test"),
                f"small={run}",
                "--out",
                str(out),
                "--no-progress",
            ]
        )
        == 0
    )
    saved = evaluate.load(out / "canonical_small.json")
    direct = evaluate.evaluate(evaluate.predictor(run), tiny / "test", progress=False)
    assert saved["mean_abs_residual"] == pytest.approx(direct["mean_abs_residual"], rel=1e-12)
    np.testing.assert_allclose(saved["per_time"], direct["per_time"], rtol=1e-12)
    assert set(saved["maps"]) == {"1,2"}  # middle depth and viscosity of the 2 x 4 test shards
    assert (out / "canonical_residuals.png").stat().st_size > 20_000
    assert cli.main(["plot", "curves", str(out / "curves.png"), f"small={run}"]) == 0
    assert (out / "curves.png").stat().st_size > 10_000


@pytest.mark.parametrize("target", ["remainder", "full"])
def test_exported_model_on_the_engine_equals_the_reference(tiny, tmp_path, target):
    run = train.train(
        tiny / "train", tmp_path / "run", _cfg(target=target, epochs=2), progress=False
    )
    metrics = tmp_path / "metrics.json"
    metrics.write_text(json.dumps({"mean_abs_residual": 1e-12, "maps": "not recorded"}))
    path = tmp_path / "m.safetensors"
    assert cli.main(["export", str(tmp_path / "run"), str(path), "--metrics", str(metrics)]) == 0
    net = va.Surrogate.load(path)
    meta = net.metadata
    assert meta["elastic_part"] == run.model["elastic_part"]
    assert meta["provenance"]["test_metrics"] == {"mean_abs_residual": 1e-12}
    assert meta["provenance"]["config"]["seed"] == 3
    _assert_same_weights(export.read(path), run.model)
    g = data.load_manifest(tiny / "train")["grid"]
    X = np.concatenate([g.inputs(d, e) for d in range(2) for e in range(2)])
    ref = reference.predict(run.model, X)  # float64, elastic part from va.okada
    got = net.predict(X)  # float32 engine, its own elastic part
    np.testing.assert_allclose(got, ref, rtol=0, atol=2e-5 * np.abs(ref).max())


def test_shipped_model_predicts_within_its_recorded_test_error():
    net = va.Surrogate.pretrained()
    assert net.path.stat().st_size < 1_000_000
    meta = net.metadata
    rec = meta["provenance"]["test_metrics"]
    assert meta["elastic_part"] == "okada_point_strike_slip" and net.widths[0] == 5
    assert net.geometry["kind"] == "radial_strike_slip"  # the radial form of docs/design.md
    assert rec["n_samples"] == 263_250_000  # measured on the seed's full test grid
    # the accuracy targets, as recorded on that grid
    assert rec["rel_postseismic"] <= 0.01 and rec["rel_total"] <= 0.001, rec
    # a fresh random sample of the domain, exact solver vs the engine
    rng = np.random.default_rng(2027)
    x, y = rng.uniform(-100e3, 100e3, (2, 300))
    depths = rng.uniform(1e3, 14e3, 3)
    times = rng.uniform(0.5, 100, 4) * YEAR
    etas = 10 ** np.column_stack([rng.uniform(18, 21, 2), rng.uniform(17, 20, 2)])
    u = va.exact.grid(x, y, depths, times, etas)  # (E, D, T, P, 3)
    E, D, T, P = len(etas), len(depths), len(times), len(x)
    X = np.empty((E, D, T, P, 6))
    X[..., 0], X[..., 1] = x, y
    X[..., 2] = depths[None, :, None, None]
    X[..., 3] = times[None, None, :, None]
    X[..., 4:] = etas[:, None, None, None, :]
    pred = net.predict(X.reshape(-1, 6)).reshape(u.shape)
    res = np.abs(pred - u).mean()
    u0 = va.okada.canonical_surface(np.tile(x, D), np.tile(y, D), np.repeat(depths, P))
    post = np.abs(u - u0.reshape(1, D, 1, P, 3)).mean()
    # sampling noise of 21,600 values: well inside a factor 2 of the full test-grid numbers
    assert res < 2 * rec["mean_abs_residual"], (res, rec["mean_abs_residual"])
    assert res / post < 2 * rec["rel_postseismic"], (res / post, rec["rel_postseismic"])


def test_shipped_model_flags_out_of_domain_points():
    net = va.Surrogate.pretrained()
    yr = YEAR
    X = np.array(
        [
            [10e3, 5e3, 5e3, 10 * yr, 1e19, 1e18],  # inside
            [150e3, 5e3, 5e3, 10 * yr, 1e19, 1e18],  # x beyond 100 km
            [10e3, 5e3, 20e3, 10 * yr, 1e19, 1e18],  # depth beyond 14 km
            [10e3, 5e3, 5e3, 200 * yr, 1e19, 1e18],  # t beyond 100 yr
            [10e3, 5e3, 5e3, 10 * yr, 1e22, 1e18],
        ]
    )  # eta_M beyond 1e21
    assert net.in_domain(X).tolist() == [True, False, False, False, False]
    with pytest.warns(va.OutOfDomainWarning, match="4"):
        net.predict(X)
    with pytest.raises(ValueError, match="name = 'nope' is not a shipped model"):
        va.Surrogate.pretrained("nope")


def test_real_solver_end_to_end_generate_train_export_predict(tmp_path):
    g = data.training_grid(0.1, [12, 2, 6, 2, 2])  # 144 points x 2 depths x 6 times x 4 etas
    data.generate(tmp_path / "train", g, progress=False)  # va.exact.grid
    cfg = _cfg(target="remainder", epochs=40, hidden_layers=4, width=32)
    run = train.train(tmp_path / "train", tmp_path / "run", cfg, progress=False)
    h = run.history
    assert h[-1]["train_loss"] < 0.05 * h[0]["train_loss"], [r["train_loss"] for r in h]
    net = va.Surrogate.load(run.path)
    X = np.concatenate([g.inputs(d, e) for d in range(2) for e in range(4)])
    u = np.concatenate(
        [
            data.read_shard(tmp_path / "train" / data.shard_name(d, e)).reshape(-1, 3)
            for d in range(2)
            for e in range(4)
        ]
    )
    pred = net.predict(X)
    rel = np.abs(pred - u).mean() / np.abs(u).mean()
    assert rel < 0.1, rel  # a 4 x 32 net after a short training run (measured 0.065)


def test_init_from_fine_tunes_from_given_weights(tiny, tmp_path):
    a = train.train(
        tiny / "train", tmp_path / "a", _cfg(epochs=3), elastic=standin_elastic, progress=False
    )
    tiny_lr = _cfg(epochs=1, lr=1e-12, lr_final=1e-12, init_from=str(a.path))
    b = train.train(tiny / "train", None, tiny_lr, elastic=standin_elastic, progress=False)
    for key in ("weights", "biases"):
        for wa, wb in zip(a.model[key], b.model[key], strict=True):
            np.testing.assert_allclose(wb, wa, rtol=0, atol=1e-8)
    assert b.history[0]["val_loss"] == pytest.approx(a.history[-1]["val_loss"], rel=1e-5)
    # a run directory names its model file too
    assert train.model_path(tmp_path / "a") == a.path
    with pytest.raises(ValueError, match="init_from .* has layers"):
        train.train(
            tiny / "train",
            None,
            _cfg(width=8, init_from=tiny_lr.init_from),
            elastic=standin_elastic,
            progress=False,
        )


@pytest.mark.parametrize("elastic_part", ["none", "okada_point_strike_slip"])
def test_radial_model_reference_equals_its_file_and_the_engine(tmp_path, elastic_part):
    """A model document with geometry radial_strike_slip and a shifted log-time input (format
    version 2): the float64 reference of the document and of its file agree, and the engine
    on the file agrees to float32 rounding."""
    rng = np.random.default_rng(5)
    widths = (5, 12, 12, 3)
    cfg = train.TrainConfig(hidden_layers=2, width=12, target="radial", time_shift=86400.0)
    model = train.with_output_scale(train.model_document(cfg), [1e-11, 2e-11, 5e-12])
    assert model["inputs"][3]["shift"] == 86400.0 and model["inputs"][3]["log10"]
    model.update(
        geometry={"kind": "radial_strike_slip", "r_scale": 1 / 70e3, "r_offset": -1.0},
        elastic_part=elastic_part,
        weights=[
            rng.normal(0, 1 / np.sqrt(widths[i]), (widths[i + 1], widths[i])).astype(np.float32)
            for i in range(3)
        ],
        biases=[rng.normal(0, 0.1, widths[i + 1]).astype(np.float32) for i in range(3)],
    )
    g = data.test_grid(0.1, [10, 2, 4, 2, 2])
    X = np.concatenate([g.inputs(d, e) for d in range(2) for e in range(2)])
    ref = reference.predict(model, X)
    net = reference.predict(dict(model, elastic_part="none"), X)
    path = export.write(tmp_path / "radial.safetensors", model)
    s = va.Surrogate.load(path)
    assert s.geometry == model["geometry"] and s.metadata["inputs"][3]["shift"] == 86400.0
    np.testing.assert_allclose(
        reference.predict(path, X), ref, rtol=0, atol=1e-9 * np.abs(net).max()
    )
    np.testing.assert_allclose(s.predict(X), ref, rtol=0, atol=1e-5 * np.abs(net).max())
    assert ref.shape == (len(X), 3) and np.abs(net).max() > 0
