"""``viscoann solve``: exit codes and the numbers in the files it writes."""

import numpy as np
import viscoann as va
from viscoann import cli
from viscoann.conventions import YEAR as YR


def test_solve_csv_and_hdf5(tmp_path):
    csv, h5 = tmp_path / "f.csv", tmp_path / "f.h5"
    base = [
        "solve",
        "--depth-km",
        "8",
        "--time-yr",
        "0",
        "20",
        "--eta-m",
        "1e19",
        "--eta-k",
        "1e18",
        "--n",
        "5",
        "--extent-km",
        "40",
    ]
    assert cli.main([*base, "--out", str(csv)]) == 0
    assert cli.main([*base, "--out", str(h5)]) == 0
    rows = np.loadtxt(csv, delimiter=",", skiprows=1)
    assert rows.shape == (2 * 25, 9)
    m = va.EarthModel.canonical(1e19, 1e18)
    ref = va.exact.canonical_displacement(m, rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3])
    np.testing.assert_allclose(rows[:, 6:9], ref, rtol=0, atol=1e-6 * np.abs(ref).max())
    np.testing.assert_array_equal(rows[:25, 3], 0.0)
    np.testing.assert_allclose(rows[25:, 3], 20 * YR)
    import h5py

    with h5py.File(h5) as f:
        assert f["u"].shape == (1, 2, 5, 5, 3)  # (depth, t, y, x, component)
        np.testing.assert_allclose(f["u"][0].reshape(-1, 3), rows[:, 6:9], rtol=1e-12, atol=0)
        assert f["depth"][0] == 8e3


def test_solve_plot_and_profile(tmp_path):
    png, prof, prof_png = tmp_path / "m.png", tmp_path / "p.csv", tmp_path / "p.png"
    code = cli.main(
        [
            "solve",
            "--n",
            "9",
            "--time-yr",
            "0",
            "30",
            "--plot",
            str(png),
            "--profile",
            "20,10",
            "--profile-out",
            str(prof),
            "--profile-plot",
            str(prof_png),
        ]
    )
    assert code == 0
    assert png.stat().st_size > 10_000 and prof_png.stat().st_size > 5_000
    p = np.loadtxt(prof, delimiter=",", skiprows=1)
    assert p.shape == (121, 9)  # t = 0 and 120 log-spaced times; x..eta_K, ux, uy, uz
    m = va.EarthModel.canonical(1e19, 1e18)
    ref = va.exact.canonical_displacement(m, 20e3, 10e3, 10e3, p[[0, -1], 3])
    np.testing.assert_allclose(p[[0, -1], 6:9], ref, rtol=0, atol=1e-6 * np.abs(ref).max())
    assert p[-1, 3] == 30 * YR


def test_solve_bad_input(tmp_path, capsys):
    assert cli.main(["solve", "--n", "3", "--out", str(tmp_path / "f.txt")]) == 2
    assert "--out" in capsys.readouterr().err
    assert cli.main(["solve", "--n", "3", "--depth-km", "-1"]) == 2
    assert "depth" in capsys.readouterr().err
    assert cli.main(["solve", "--n", "3", "--profile", "nonsense"]) == 2
    assert "--profile" in capsys.readouterr().err
