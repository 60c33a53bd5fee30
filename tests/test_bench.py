"""``viscoann bench engine`` (viscoann.bench.engine): the rows' structure and the engine's
accuracy column (timings themselves are not tested)."""

import json

import numpy as np
import pytest
from viscoann import cli


@pytest.mark.parametrize("geometry", ["cartesian", "radial"])
def test_bench_engine_rows_and_accuracy(capsys, geometry):
    argv = [
        "bench",
        "engine",
        "--json",
        "--points",
        "3000",
        "--threads",
        "1",
        "--widths",
        "10",
        "--depth",
        "2",
        "--repeats",
        "1",
        "--no-baselines",
        "--geometry",
        geometry,
    ]
    assert cli.main(argv) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert [(r["impl"], r["net"], r["threads"], r["n_points"]) for r in rows] == [
        ("viscoann", "2x10", 1, 3000)
    ]
    # float32 engine against float64 on the same net (viscoann.reference.predict)
    assert rows[0]["max_rel_error_vs_float64"] <= 1e-5
    assert ("radial geometry" in rows[0]["notes"]) == (geometry == "radial")


def test_bench_engine_cuda_refuses_the_radial_geometry(capsys):
    argv = ["bench", "engine", "--device", "cuda", "--geometry", "radial", "--points", "100"]
    assert cli.main(argv) == 2
    assert "--geometry radial is measured on the CPU" in capsys.readouterr().err


def test_bench_cycles_rows(capsys):
    argv = ["bench", "cycles", "--json", "--events", "10", "--patches", "4", "--stations", "5"]
    argv += ["--times", "6", "--no-growth", "--no-kernel", "--repeats", "1", "--threads", "1"]
    assert cli.main(argv) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert [r["path"] for r in rows] == ["scaled", "superposition-full"]
    scaled, full = rows
    assert (scaled["events"], scaled["patches"], scaled["stations"], scaled["times"]) == (
        10,
        4,
        5,
        6,
    )
    assert scaled["n_points"] == 30 and scaled["lag_nodes"] >= 4
    # The rows carry their timings (speed itself is the benchmark's, never asserted here).
    assert {"responses_seconds", "seconds_median"} <= scaled.keys()
    assert full["events"] == full["stations"] == full["times"] == 1000 and full["patches"] == 100


def test_bench_cycles_kernel_backend_equals_cycles_with_the_kernel():
    """The kernel row's wrapped backend (its responses) gives what cycles gives the kernel."""
    import viscoann as va
    from viscoann import cycles
    from viscoann.backends import as_backend
    from viscoann.bench.cycles import _Timed, job

    kernel, rheology = va.NeuralKernel.pretrained(), dict(eta_M=1e19, eta_K=1e18, H=25e3)
    fault, st, t, e, slips = job(events=5, patches=4, stations=6, times=4)
    timed = _Timed(as_backend(kernel, **rheology))
    a = cycles.displacement(timed, fault, st, t, e, slips, lags="grid")
    b = cycles.displacement(kernel, fault, st, t, e, slips, lags="grid", **rheology)
    assert timed.nodes >= 4  # the lag nodes went through the wrapped backend
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12 * np.abs(b).max())


def test_bench_stress_rows_and_per_point_equal_block():
    # A 4-patch case: five rows (handle, first block, cached block, from a store, per-point);
    # the store's block equals the handle's bit for bit; the direct 1 x 1 entries equal the
    # tables' block to the interpolation's 1e-5; no timing asserted.
    import argparse

    from viscoann.bench import TOPICS

    add_arguments, run = TOPICS["stress"]
    p = argparse.ArgumentParser()
    add_arguments(p)
    rows = run(p.parse_args(["--patches", "4", "--times", "3", "--subset", "2"]))
    paths = ["handle", "block", "block-cached", "from-store", "per-point"]
    assert [r["path"] for r in rows] == paths
    assert rows[1]["n_points"] == rows[2]["n_points"] == 16 and "seconds_per_entry" in rows[2]
    assert rows[3]["bitwise_equal"] and rows[3]["store_bytes"] > 0
    assert 0.0 < rows[4]["max_deviation"] <= 1e-5
