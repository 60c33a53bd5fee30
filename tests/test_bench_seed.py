"""``viscoann bench seed``: the table's structure, its extrapolation, and that its accuracy
column is computed against the exact solver (timings themselves are not tested)."""

import json

import numpy as np
import pytest
from viscoann import cli, export, reference
from viscoann.bench import rows as bench_rows
from viscoann.bench import seed as bench_seed

N_IN, N_OUT = 6, 3


@pytest.fixture(scope="module")
def okada_only_model(tmp_path_factory):
    """A net whose output is exactly zero plus the engine's exact elastic part, u(0): its
    residual against the exact solver is the postseismic signal itself."""
    ws = [np.zeros((4, N_IN)), np.zeros((N_OUT, 4))]
    bs = [np.zeros(4), np.zeros(N_OUT)]
    path = tmp_path_factory.mktemp("seed") / "okada_only.safetensors"
    export.save(
        path,
        ws,
        bs,
        ["tanh", "identity"],
        inputs=export.CANONICAL_INPUTS,
        outputs=export.CANONICAL_OUTPUTS,
        elastic_part="okada_point_strike_slip",
    )
    return path


def test_bench_seed_json_rows(okada_only_model, capsys, tmp_path):
    png = tmp_path / "seed.png"
    rc = cli.main(
        [
            "bench",
            "seed",
            "--json",
            "--scale",
            "0.0004",
            "--exact-pairs",
            "2",
            "--repeats",
            "1",
            "--model",
            str(okada_only_model),
            "--plot",
            str(png),
        ]
    )
    assert rc == 0
    doc = json.loads(capsys.readouterr().out)
    assert {"cpu", "cores", "gpu"} <= doc["machine"].keys()
    rows = doc["rows"]
    for r in rows:
        assert set(bench_rows.ROW_KEYS) <= r.keys()
    impls = [r["impl"] for r in rows]
    assert impls.count("seed-paper") == 3 and impls.count("exact") == 1
    assert {"torch", "onnxruntime"} <= set(impls)
    # the seed's own numbers, on the full test set
    seed = {
        r["device"] + str(r["net"]): r["seconds_median"] for r in rows if r["impl"] == "seed-paper"
    }
    assert seed == {"cpuNone": 419_790.0, "cpuseed": 6_366.0, "cudaseed": 763.0}
    # 2 x 2 points x 13 depths x 25 viscosities x 81 times, extrapolated linearly
    ours = [r for r in rows if r["impl"] == "viscoann"]
    assert {r["threads"] for r in ours if r["device"] == "cpu"} >= {1}
    for r in ours:
        assert r["n_points"] == 4 * 13 * 25 * 81
        full, measured = r["extrapolated_full_seconds"], r["seconds_median"]
        assert full == pytest.approx(measured * 263_250_000 / r["n_points"])  # linear scaling
        # zero net + exact u(0): the residual IS the postseismic part, so its ratio is 1
        assert r["relative_to_postseismic"] == pytest.approx(1.0, rel=1e-5)
        assert r["mean_abs_residual"] > 0
        assert r["speedup_vs_seed"] == pytest.approx(
            bench_seed.SEED_SECONDS[r["device"]] / r["extrapolated_full_seconds"]
        )
    # the shipped neural kernel on the same points, judged against the same exact pairs
    (kern,) = [r for r in rows if r["impl"] == "viscoann-kernel"]
    assert kern["n_points"] == 4 * 13 * 25 * 81 and kern["device"] == "cpu"
    assert kern["relative_to_postseismic"] < 0.01 and kern["relative_to_total"] < 0.005
    exact = next(r for r in rows if r["impl"] == "exact")
    assert exact["n_points"] == 2 * 10_000 * 81  # timed on the full point set
    assert exact["speedup_vs_exact"] == pytest.approx(1.0)
    assert png.stat().st_size > 10_000


def test_bench_seed_rejects_bad_scale(okada_only_model, capsys):
    rc = cli.main(["bench", "seed", "--scale", "2", "--model", str(okada_only_model)])
    assert rc == 2
    assert "scale = 2.0 must be in (0, 1]" in capsys.readouterr().err


def test_baseline_features_of_a_radial_model_reproduce_its_reference(tmp_path):
    """The baselines' pre-transformed float32 inputs follow the file (log10(t + shift), r for
    x, y): the float64 MLP on them, scaled and rotated, equals viscoann.reference.predict."""
    rng = np.random.default_rng(0)
    ws = [rng.normal(size=(7, 5)), rng.normal(size=(3, 7))]
    bs = [rng.normal(size=7), rng.normal(size=3)]
    ins = [
        dict(e, log10=True, shift=86400.0) if e["name"] == "t" else e
        for e in export.CANONICAL_INPUTS
    ]
    path = export.save(
        tmp_path / "r.safetensors",
        ws,
        bs,
        ["tanh", "identity"],
        inputs=ins,
        outputs=export.CANONICAL_OUTPUTS,
        geometry="radial_strike_slip",
    )
    X = bench_seed._expand(*bench_seed.scaled_test_grid(1e-4))
    W, B, acts, Z = bench_seed.baseline_inputs(path, X)
    assert Z.shape == (len(X), 5) and Z.dtype == np.float32
    g = reference.forward(list(zip(W, B, strict=True)), acts, Z.astype(np.float64))
    from viscoann.exact import from_radial

    u = from_radial(X[:, 0], X[:, 1], g)
    ref = reference.predict(path, X)
    np.testing.assert_allclose(u, ref, rtol=0, atol=1e-5 * np.abs(ref).max())
