"""Data generation machinery: the seed's grids, shards, manifest, resume, Dask (data.py).

The pipeline tests use a deterministic closed-form stand-in for the exact solver, so they
check the machinery (every shard holds exactly the solver's values, in the documented order)
independently of the physics.
"""

import inspect
import json
import re

import numpy as np
import pytest
import viscoann as va
from viscoann import cli, data
from viscoann.conventions import YEAR


def standin_solver(x, y, depths, times, etas):
    """Smooth closed-form field with the solver's signature and (E, D, T, P, 3) output."""
    x, y, depths, times, etas = (np.asarray(a, float) for a in (x, y, depths, times, etas))
    d = depths[None, :, None, None]
    tau = etas[:, None, 0, None, None] / 30e9 + etas[:, None, 1, None, None] / 60e9
    t = times[None, None, :, None]
    r2 = x**2 + y**2 + d**2
    relax = 1.0 - np.exp(-t / tau)
    ux = x * y / r2**1.5 * (1.0 + 0.3 * relax)
    uy = (x**2 - y**2) / r2**1.5 * (1.0 + 0.2 * relax)
    uz = x * y * d / r2**2 * (1.0 - 0.5 * relax)
    return np.stack(np.broadcast_arrays(ux, uy, uz), axis=-1)


standin_solver.settings = {"stand_in": True, "tolerance": 0.0}


def test_seed_grid_sizes_and_values():
    tr, te = data.training_grid(), data.test_grid()
    assert tr.shape == (20, 36, 31, 10609) and tr.n_samples == 236_792_880
    assert te.shape == (13, 25, 81, 10000) and te.n_samples == 263_250_000
    # quadratic time sequence from 0 to 100 yr: dense near t = 0
    yr = YEAR
    assert tr.times[0] == 0 and tr.times[-1] == pytest.approx(100 * yr)
    np.testing.assert_allclose(np.sqrt(tr.times / tr.times[-1]), np.linspace(0, 1, 31), atol=1e-15)
    assert tr.times[1] == pytest.approx(100 * yr / 900)
    np.testing.assert_allclose(np.log10(tr.etas[[0, -1]]), [[18, 17], [21, 20]], atol=1e-12)
    assert (
        tr.x.min() == -100e3 and tr.x.max() == 100e3 and tr.depths[[0, -1]].tolist() == [1e3, 14e3]
    )
    # test values lie inside the domain and differ from every training value on every axis
    assert te.x.min() == pytest.approx(-99e3) and te.depths[0] == pytest.approx(1.5e3)
    assert 0 < te.times.min() and te.times.max() < 100 * yr
    for scale in (1.0, 0.25, 0.1, 0.05):
        differ = data.test_values_differ(data.training_grid(scale), data.test_grid(scale))
        assert all(differ.values()), (scale, differ)


def test_scale_shrinks_every_axis_and_rejects_bad_values():
    g = data.training_grid(0.1)
    assert g.shape == (2, 4, 3, 100)  # depths 2, etas 2x2, times 3, points 10x10
    assert data.test_grid(0.1).shape == (2, 4, 8, 100)
    for bad in (0.0, -1.0, 1.5, float("nan")):
        with pytest.raises(ValueError, match="scale"):
            data.training_grid(bad)
    with pytest.raises(ValueError, match="grid kind"):
        data.grid("validation")


def _small_grid():
    return data.training_grid(0.06)  # 6x6 points, 2 depths, 3 times, 2x2 viscosities


def test_generate_shards_hold_solver_values_in_documented_order(tmp_path):
    g = _small_grid()
    man = data.generate(tmp_path, g, solver=standin_solver, progress=False)
    D, E, T, P = g.shape
    assert sorted(p.name for p in tmp_path.glob("shard_*.h5")) == sorted(
        data.shard_name(d, e) for d in range(D) for e in range(E)
    )
    full = standin_solver(g.x, g.y, g.depths, g.times, g.etas)
    for d, e, u in data.iter_shards(tmp_path):
        assert u.dtype == np.float32 and u.shape == (T, P, 3)
        np.testing.assert_array_equal(u, full[e, d].astype(np.float32))
        # inputs rows follow u's (time, point) order
        X = g.inputs(d, e)
        np.testing.assert_array_equal(X[:P, 0], g.x)
        np.testing.assert_array_equal(X[::P, 3], g.times)
        one = standin_solver(X[:P, 0], X[:P, 1], X[:1, 2], X[::P, 3], X[:1, 4:])
        np.testing.assert_allclose(u.reshape(-1, 3), one.reshape(-1, 3), rtol=1e-6)
    # manifest: grid round trip, sizes, solver identity and accuracy settings
    saved = json.loads((tmp_path / "manifest.json").read_text())
    assert data.solver_info(lambda x, y, d, t, e, *, nodes=24, refine=1.5: 0)["settings"] == {
        "nodes": 24,
        "refine": 1.5,
    }
    back = data.load_manifest(tmp_path)["grid"]
    np.testing.assert_array_equal(back.times, g.times)
    np.testing.assert_array_equal(back.etas, g.etas)
    assert saved["n_samples"] == g.n_samples == man["n_samples"]
    assert saved["solver"]["settings"] == {"stand_in": True, "tolerance": 0.0}
    assert saved["solver"]["name"].endswith("standin_solver")
    assert saved["solver"]["viscoann_version"] == va.__version__


def test_interrupted_run_leaves_no_corrupt_shard_and_resumes(tmp_path):
    g = _small_grid()
    calls = []

    def failing(*args):
        if len(calls) == 3:
            raise KeyboardInterrupt  # interruption in the middle of a shard
        calls.append(1)
        return standin_solver(*args)

    with pytest.raises(KeyboardInterrupt):
        data.generate(tmp_path, g, solver=failing, progress=False)
    assert len(list(tmp_path.glob("shard_*.h5"))) == 3
    assert not list(tmp_path.glob(".*tmp"))
    # a truncated shard under its final name (e.g. a disk that filled up) is redone too
    victim = tmp_path / data.shard_name(0, 0)
    victim.write_bytes(victim.read_bytes()[:100])
    calls2 = []

    def counting(*args):
        calls2.append(args[2][0])
        return standin_solver(*args)

    data.generate(tmp_path, g, solver=counting, progress=False)
    D, E, _, _ = g.shape
    assert len(calls2) == D * E - 3 + 1  # only missing and corrupt shards were computed
    ref = tmp_path / "ref"
    data.generate(ref, g, solver=standin_solver, progress=False)
    for d in range(D):
        for e in range(E):
            name = data.shard_name(d, e)
            np.testing.assert_array_equal(
                data.read_shard(tmp_path / name), data.read_shard(ref / name)
            )


def test_generate_refuses_to_mix_grids(tmp_path):
    data.generate(tmp_path, _small_grid(), solver=standin_solver, progress=False)
    with pytest.raises(ValueError, match="out_dir .* different"):
        data.generate(tmp_path, data.test_grid(0.06), solver=standin_solver, progress=False)


def test_solver_with_wrong_shape_is_refused(tmp_path):
    def bad(x, y, depths, times, etas):
        return np.zeros((1, 1, len(times), len(x)))

    with pytest.raises(ValueError, match="solver returned shape"):
        data.generate(tmp_path, _small_grid(), solver=bad, progress=False)
    assert not list(tmp_path.glob("*.h5")) and not list(tmp_path.glob(".*tmp"))


def test_dask_local_cluster_of_two_workers_gives_identical_shards(tmp_path):
    from dask.distributed import Client, LocalCluster

    g = _small_grid()
    data.generate(tmp_path / "serial", g, solver=standin_solver, progress=False)
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=None, processes=True
        ) as cluster,
        Client(cluster) as client,
    ):
        data.generate(tmp_path / "dask", g, solver=standin_solver, dask=client, progress=False)
        assert len(client.scheduler_info()["workers"]) == 2
    D, E, _, _ = g.shape
    for d in range(D):
        for e in range(E):
            name = data.shard_name(d, e)
            np.testing.assert_array_equal(
                data.read_shard(tmp_path / "serial" / name),
                data.read_shard(tmp_path / "dask" / name),
            )


def test_cli_generate_writes_manifest_and_shards(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(data, "_default_solver", lambda grid: standin_solver)
    out = tmp_path / "train"
    assert cli.main(["generate", str(out), "--scale", "0.06", "--no-progress"]) == 0
    g = data.training_grid(0.06)
    assert "36 points x 2 depths x 3 times x 4 viscosities = 864 samples" in capsys.readouterr().err
    assert len(list(out.glob("shard_*.h5"))) == 8
    assert data.load_manifest(out)["grid"].digest() == g.digest()
    assert cli.main(["generate", str(out), "--scale", "2"]) == 2
    assert "scale must be in (0, 1], got 2.0" in capsys.readouterr().err


def test_cli_generate_sizes_override_single_axes(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(data, "_default_solver", lambda grid: standin_solver)
    out = tmp_path / "test"
    assert (
        cli.main(
            [
                "generate",
                str(out),
                "--grid",
                "test",
                "--scale",
                "0.1",
                "--sizes",
                "5,-,4,-,3",
                "--no-progress",
            ]
        )
        == 0
    )
    g = data.load_manifest(out)["grid"]
    # 2 depths (scaled), 2 x 3 viscosities, 4 times, and 6 x 6 points, not 5 x 5: 5 cell
    # centres would put a point on x = 0, a training value, so the axis gets one more
    assert g.shape == (2, 6, 4, 36)
    assert all(data.test_values_differ(data.training_grid(0.1), g).values())
    for bad, msg in [
        ("5,4", "sizes must have 5 entries"),
        ("5,x,4,2,2", "--sizes must be"),
        ("1,-,-,-,-", r"sizes\[0\] must be >= 2"),
    ]:
        assert cli.main(["generate", str(tmp_path / "x"), "--sizes", bad]) == 2
        assert re.search(msg, capsys.readouterr().err)


def test_stretched_layout_is_denser_near_the_source_with_the_seed_count():
    g = data.training_grid(layout="stretched")
    xs = np.unique(g.x)
    assert len(xs) == 103 and g.n_samples == 236_792_880
    assert xs[0] == pytest.approx(-100e3) and xs[-1] == pytest.approx(100e3)
    np.testing.assert_allclose(xs, -xs[::-1], atol=1e-9)  # symmetric about the source
    step = np.diff(xs)
    assert step[51] == pytest.approx(200e3 / 102 * 3 / np.sinh(3), rel=1e-3)  # 0.59 km
    assert step[0] == pytest.approx(5742, rel=1e-3) and np.all(np.diff(step[:51]) < 0)
    assert all(data.test_values_differ(g, data.test_grid()).values())
    with pytest.raises(ValueError, match="layout must be one of"):
        data.training_grid(layout="random")


def test_generate_with_the_exact_solver_records_its_settings(tmp_path):
    g = data.training_grid(0.05, [4, 2, 3, 2, 2])  # 16 points x 2 depths x 3 times x 4 etas
    data.generate(tmp_path, g, progress=False)  # default solver: va.exact.grid
    man = json.loads((tmp_path / "manifest.json").read_text())
    assert man["solver"]["name"] == "viscoann.exact.grid"
    sig = inspect.signature(va.exact.grid).parameters
    for key in ("talbot_nodes", "k_refine", "r_refine"):  # the solver's accuracy settings
        assert man["solver"]["settings"][key] == sig[key].default
    full = va.exact.grid(g.x, g.y, g.depths, g.times, g.etas)  # (E, D, T, P, 3)
    for d, e, u in data.iter_shards(tmp_path):
        # one call per shard vs one call for all: the solver's radial tables span each call's
        # range, so the two agree to its accuracy, not bit for bit
        np.testing.assert_allclose(u, full[e, d], rtol=0, atol=1e-6 * np.abs(full[e, d]).max())
    # t = 0 is the elastic Okada field (docs/design.md, solver check 1), so the remainder
    # target starts at 0
    u0 = va.okada.canonical_surface(g.x, g.y, g.depths[1])
    np.testing.assert_allclose(
        data.read_shard(tmp_path / data.shard_name(1, 3))[0],
        u0,
        rtol=0,
        atol=1e-6 * np.abs(u0).max(),
    )
