"""The seed's elastic warm-up (experiments.py; DeVries et al. 2017, Fig. 2) on a stand-in
elastic field: the residual falls with the number of training points."""

import numpy as np
from test_train import _cfg, standin_elastic
from viscoann import experiments, plot, reference


def test_elastic_warmup_residual_falls_with_training_points(tmp_path):
    r = experiments.elastic_warmup(
        (30, 2000),
        depth=7.9e3,
        steps=1500,
        n_map=21,
        config=_cfg(target="full", batch_size=64, lr=1e-2),
        elastic=standin_elastic,
        progress=False,
    )
    res = [run["mean_abs_residual"] for run in r["runs"]]
    assert res[1] < 0.5 * res[0], res
    assert res[1] < 0.15 * r["mean_abs_u"], (res, r["mean_abs_u"])
    png = plot.elastic_warmup(r, tmp_path / "warmup.png")
    assert png.stat().st_size > 20_000

    # each net is a model document: its float64 reference is the prediction reported
    run = r["runs"][1]
    M = np.column_stack([r["x"], r["y"]])
    np.testing.assert_array_equal(reference.predict(run["model"], M), run["pred"])
    assert [e["name"] for e in run["model"]["inputs"]] == ["x", "y"]
