"""The ``viscoann`` command line: it checks every option before any work (messages in the
CLI's units, exit status 2, no traceback), ``predict``, the one HDF5/CSV field layout, progress
bars, the dependency checks and the plots. Each test calls ``cli.main([...])`` and reads back
the files it writes."""

import sys

import h5py
import numpy as np
import pytest
import tomllib
import viscoann as va
from conftest import DATA, ROOT
from viscoann import cli, field_io

YR = 365.25 * 86400.0
GRID = ["--depth-km", "8", "--time-yr", "0", "20", "--eta-m", "1e19", "--eta-k", "1e18"]
SMALL = ["--n", "5", "--extent-km", "40"]


@pytest.fixture
def no_solver(monkeypatch):
    """Any exact solve fails the test: the command must refuse before computing."""

    def called(*a, **k):
        raise AssertionError("the solver ran before the options were checked")

    monkeypatch.setattr(va.exact, "grid", called)
    monkeypatch.setattr(va.okada, "point", called)
    monkeypatch.setattr(va.okada, "rectangle", called)


def _refused(argv, capsys, *needles):
    code = cli.main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, (needle, err)
    return err


# ---- 1. every option is checked before any work --------------------------------------


@pytest.mark.parametrize(
    "argv, needles",
    [
        (["solve", "--time-yr", "-1"], ["--time-yr -1 is invalid", ">= 0 yr"]),
        (["solve", "--time-yr", "0", "nan"], ["--time-yr nan", ">= 0 yr"]),
        (["solve", "--eta-m", "0"], ["--eta-m 0 is invalid", "> 0 Pa s, or inf"]),
        (["solve", "--eta-m", "-1e19"], ["--eta-m -1e+19 is invalid", "> 0 Pa s"]),
        (["solve", "--eta-k", "-inf"], ["--eta-k -inf is invalid"]),
        (["solve", "--depth-km", "-5"], ["--depth-km -5 is invalid", "> 0 km"]),
        (["solve", "--depth-km", "5000"], ["--depth-km 5000", "flat Earth"]),
        (["solve", "--extent-km", "1e5"], ["--extent-km 100000 is invalid", "flat Earth"]),
        (["solve", "--extent-km", "-3"], ["--extent-km -3 is invalid", "> 0 km"]),
        (["solve", "--n", "1"], ["--n 1 is invalid", ">= 2"]),
        (["solve", "--n", "-4"], ["--n -4 is invalid"]),
        (["solve", "--n", "30000000"], ["--n 30000000", "GB of memory", "--n <="]),
        (["solve", "--profile", "-20,10,5"], ["--profile '-20,10,5' is invalid", "X_KM,Y_KM"]),
        (["solve", "--profile", "2000,0"], ["--profile 2000,0", "1000 km"]),
        (["solve", "--profile-plot", "p.png"], ["--profile-plot needs --profile"]),
        (["okada", "--depth-km", "0"], ["--depth-km 0 is invalid", "> 0 km"]),
        (["okada", "--dip", "91"], ["--dip 91 is invalid", "<= 90 degrees"]),
        (["okada", "--alpha", "1"], ["--alpha 1 is invalid", "< 1"]),
        (["okada", "--extent-km", "1e5"], ["--extent-km 100000", "flat Earth"]),
        (["okada", "--n", "2000000000"], ["--n 2000000000", "GB of memory"]),
        (
            ["okada", "--depth-km", "2", "--dip", "30", "--rectangle-km", "-1", "1", "-1", "5"],
            ["--rectangle-km AW2 = 5", "above the surface", "AW2 <= depth / sin(dip) = 4 km"],
        ),
        (["predict", "--time-yr", "-2"], ["--time-yr -2 is invalid"]),
        (["predict", "--threads", "-1"], ["--threads -1 is invalid", ">= 0"]),
        (["predict", "--eta-k", "inf"], ["--eta-k inf is invalid", "model takes log10 of eta_K"]),
    ],
)
def test_bad_options_refused_before_any_work(argv, needles, capsys, no_solver, tmp_path):
    _refused([*argv, "--out", str(tmp_path / "f.csv")], capsys, *needles)
    assert not (tmp_path / "f.csv").exists()


@pytest.mark.parametrize("command", ["solve", "okada", "predict"])
def test_output_paths_checked_first_one_rule(command, capsys, no_solver, tmp_path):
    # unknown extension: today `solve` solved first and `okada` silently wrote CSV
    _refused([command, "--out", str(tmp_path / "f.txt")], capsys, "--out", "f.txt", ".h5")
    # a missing folder is refused by every command, never created
    _refused(
        [command, "--plot", str(tmp_path / "newdir" / "m.png")], capsys, "--plot", "does not exist"
    )
    assert not (tmp_path / "newdir").exists()
    _refused([command, "--plot", str(tmp_path / "m.xyz")], capsys, "--plot", ".png")
    _refused([command, "--out", str(tmp_path)], capsys, "is a folder")
    same = str(tmp_path / "a.csv")
    _refused([command, "--out", same, "--plot", same], capsys, "--plot")
    assert not list(tmp_path.iterdir())


def test_one_output_on_stdout(capsys, no_solver):
    _refused(["solve", "--out", "-", "--profile", "20,10"], capsys, "--profile-out - (stdout)")


def test_argparse_errors_return_2_not_exit(capsys):
    assert cli.main(["solve", "--n", "many"]) == 2
    assert "--n" in capsys.readouterr().err
    assert cli.main(["--version"]) == 0
    assert va.__version__ in capsys.readouterr().out


def test_negative_values_parse(tmp_path):
    out = tmp_path / "o.csv"
    # argparse alone takes "-2e0" and "-1e-3,5" for options ("expected one argument")
    argv = ["okada", "--depth-km", "5", "--potency", "-2e0", "0", "0", "0", "--n", "3"]
    assert cli.main([*argv, "--extent-km", "10", "--out", str(out)]) == 0
    t = np.genfromtxt(out, delimiter=",", names=True)
    u = va.okada.point(t["x_m"], t["y_m"], 0.0, 5e3, 90.0, [-2.0, 0, 0, 0])
    np.testing.assert_allclose(np.stack([t["ux_m"], t["uy_m"], t["uz_m"]], -1), u, rtol=1e-12)


# ---- 2. predict ----------------------------------------------------------------------


def test_predict_grid_matches_the_engine_and_the_exact_solver(tmp_path, capsys):
    h5 = tmp_path / "p.h5"
    argv = ["predict", *GRID, "--n", "9", "--extent-km", "60", "--out", str(h5)]
    assert cli.main([*argv, "--no-progress"]) == 0
    assert f"wrote {h5}" in capsys.readouterr().err
    f = field_io.read(h5)
    assert f["u"].values.shape == (1, 2, 9, 9, 3)
    assert f["u"].dims == ("depth", "t", "y", "x", "component")
    axis = np.linspace(-60e3, 60e3, 9)
    np.testing.assert_array_equal(f["x"].values, axis)
    X, Y = np.meshgrid(axis, axis)
    net = va.Surrogate.pretrained()
    ref = net.predict_grid(X.ravel(), Y.ravel(), [8e3], [0.0, 20 * YR], [[1e19, 1e18]])
    np.testing.assert_allclose(f["u"].values.reshape(2, 81, 3), ref[0, 0], rtol=1e-12, atol=0)
    assert f["in_domain"].values.all()
    exact = va.exact.grid(X.ravel(), Y.ravel(), [8e3], [20 * YR], [[1e19, 1e18]])[0, 0, 0]
    post = exact - va.okada.canonical_surface(X.ravel(), Y.ravel(), 8e3)
    err = np.abs(f["u"].values[0, 1].reshape(-1, 3) - exact).mean()
    assert err < 0.02 * np.abs(post).mean()


def test_predict_points_csv_with_times_from_the_options(tmp_path):
    pts = tmp_path / "stations.csv"
    pts.write_text("name_ignored,x_km,y_km\n1,20,10\n2,-35,5\n3,150,0\n")
    out = tmp_path / "u.csv"
    argv = ["predict", "--points", str(pts), "--time-yr", "1", "10", "--depth-km", "12"]
    assert cli.main([*argv, "--eta-k", "3e20", "--out", str(out), "--no-progress"]) == 0
    t = np.genfromtxt(out, delimiter=",", names=True)
    assert t.dtype.names == (
        "x_m",
        "y_m",
        "depth_m",
        "t_s",
        "eta_M_Pa_s",
        "eta_K_Pa_s",
        "ux_m",
        "uy_m",
        "uz_m",
        "in_domain",
    )
    np.testing.assert_array_equal(t["x_m"], [20e3, -35e3, 150e3] * 2)
    np.testing.assert_array_equal(t["t_s"], np.repeat([YR, 10 * YR], 3))
    X = np.column_stack([t[k] for k in t.dtype.names[:6]])
    with pytest.warns(va.OutOfDomainWarning):
        ref = va.Surrogate.pretrained().predict(X)
    np.testing.assert_allclose(np.column_stack([t["ux_m"], t["uy_m"], t["uz_m"]]), ref, rtol=1e-15)
    # eta_K = 3e20 Pa s and x = 150 km are outside the shipped model's training domain
    np.testing.assert_array_equal(t["in_domain"], 0)


def test_predict_points_hdf5_round_trip_and_model_file(tmp_path, capsys):
    pts = tmp_path / "pts.csv"
    pts.write_text(
        "x_m,y_m,depth_km,t_yr,eta_M_Pa_s,eta_K_Pa_s\n"
        "10000,5000,7.9,10,1e19,1e18\n-30000,20000,3,0.5,3e19,1e18\n"
    )
    model = DATA / "surrogate_tiny.safetensors"
    first, second = tmp_path / "a.h5", tmp_path / "b.csv"
    base = ["predict", "--model", str(model), "--no-progress"]
    assert cli.main([*base, "--points", str(pts), "--out", str(first)]) == 0
    f = field_io.read(first)
    assert f["u"].dims == ("sample", "component")
    X = np.array(
        [[10e3, 5e3, 7.9e3, 10 * YR, 1e19, 1e18], [-30e3, 20e3, 3e3, 0.5 * YR, 3e19, 1e18]]
    )
    for k, name in enumerate(["x", "y", "depth", "t", "eta_M", "eta_K"]):
        np.testing.assert_allclose(f[name].values, X[:, k], rtol=1e-15)
    ref = va.Surrogate.load(model).predict(X)
    np.testing.assert_allclose(f["u"].values, ref, rtol=1e-15)
    # the samples file it wrote is a valid points file
    assert cli.main([*base, "--points", str(first), "--out", str(second)]) == 0
    t = np.loadtxt(second, delimiter=",", skiprows=1)
    np.testing.assert_allclose(t[:, 6:9], ref, rtol=1e-15)
    capsys.readouterr()
    _refused([*base, "--points", str(first), "--depth-km", "5"], capsys, "--depth-km", "column")
    _refused(["predict", "--model", str(tmp_path), "--out", "-"], capsys, "--model", "not a file")
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{}")
    _refused(["predict", "--model", str(bad)], capsys, f"--model {bad} cannot be read")


@pytest.mark.parametrize(
    "text, needles",
    [
        ("1,2\n3,4\n", ["no header line", "x_km"]),
        ("x_km,z_km\n1,2\n", ["no y column"]),
        ("x_km,y_miles\n1,2\n", ["y_miles", "y_m, y_km"]),
        ("x_km,y_km,depth_km\n1,2,5\n3,4,-1\n", ["depth_km = -1 in row 2", "> 0 km"]),
        ("x_km,y_km,t_yr\n1,2,-3\n", ["t_yr = -3 in row 1", ">= 0 yr"]),
        ("x_m,y_m,eta_K_Pa_s\n1,2,0\n", ["eta_K_Pa_s = 0 in row 1", "> 0 Pa s"]),
        ("x_km,y_km\n3000,0\n", ["row 1 lies 3000 km", "flat Earth"]),
        ("x_km,y_km\n1,nan\n", ["y_km = nan in row 1"]),
    ],
)
def test_predict_points_file_refused_with_the_files_units(text, needles, tmp_path, capsys):
    pts = tmp_path / "p.csv"
    pts.write_text(text)
    _refused(["predict", "--points", str(pts), "--out", str(tmp_path / "o.csv")], capsys, *needles)
    assert not (tmp_path / "o.csv").exists()


def test_predict_warns_outside_the_training_domain(tmp_path, capsys):
    out = tmp_path / "o.h5"
    argv = ["predict", "--depth-km", "16", "--time-yr", "1", *SMALL, "--out", str(out)]
    assert cli.main([*argv, "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert "warning: 25 of 25 grid samples lie outside the model's training domain" in err
    assert "depth 1..14 km" in err
    with h5py.File(out) as f:
        assert f["in_domain"].shape == (1, 1, 5, 5) and not f["in_domain"][()].any()


def test_predict_plots(tmp_path):
    grid_png, series_png = tmp_path / "g.png", tmp_path / "s.png"
    assert cli.main(["predict", *GRID, *SMALL, "--plot", str(grid_png), "--no-progress"]) == 0
    pts = tmp_path / "p.csv"
    pts.write_text("x_km,y_km\n20,10\n-5,30\n")
    argv = ["predict", "--points", str(pts), "--time-yr", "0", "0.01", "0.1", "1", "10", "50"]
    assert cli.main([*argv, "--plot", str(series_png), "--no-progress"]) == 0
    assert grid_png.stat().st_size > 30_000 and series_png.stat().st_size > 20_000


# ---- 3. one HDF5 layout, CSV with units ---------------------------------------------


def _assert_layout(path, layout):
    with h5py.File(path) as f:
        assert f.attrs["layout"] == layout
        assert "frame" in f.attrs and "command" in f.attrs and "source" in f.attrs
        for name, d in f.items():
            assert "units" in d.attrs and "long_name" in d.attrs, name
        u = f["u"]
        assert u.attrs["units"] == "m"
        labels = [dim.label for dim in u.dims]
        assert labels[-1] == "component"
        for i, label in enumerate(labels):  # every axis has its dimension scale
            assert u.dims[i][0].name == f"/{label}"
            assert u.shape[i] == f[label].shape[0]
        assert [c.decode() for c in f["component"][()]] == ["ux", "uy", "uz"]
        if layout == "samples":
            for name in ("x", "y", "depth", "t", "eta_M", "eta_K", "in_domain"):
                assert f[name].dims[0].label == "sample" and f[name].shape == u.shape[:1]
        return labels


def test_one_hdf5_layout_for_okada_solve_and_predict(tmp_path):
    paths = {c: tmp_path / f"{c}.h5" for c in ("okada", "solve", "predict")}
    assert cli.main(["okada", "--depth-km", "6", *SMALL, "--out", str(paths["okada"])]) == 0
    for c in ("solve", "predict"):
        assert cli.main([c, *GRID, *SMALL, "--out", str(paths[c]), "--no-progress"]) == 0
    samples = tmp_path / "samples.h5"
    (tmp_path / "p.csv").write_text("x_km,y_km\n20,10\n-5,30\n")
    argv = ["predict", "--points", str(tmp_path / "p.csv"), "--time-yr", "1", "2", "3"]
    assert cli.main([*argv, "--out", str(samples)]) == 0
    assert _assert_layout(samples, "samples") == ["sample", "component"]
    assert _assert_layout(paths["okada"], "grid") == ["y", "x", "component"]
    for c in ("solve", "predict"):
        assert _assert_layout(paths[c], "grid") == ["depth", "t", "y", "x", "component"]
    ok, so = field_io.read(paths["okada"]), field_io.read(paths["solve"])
    assert ok["depth"].values == 6e3 and ok["depth"].units == "m"
    assert ok["dip"].units == "degree" and ok["potency"].units == "m^3"
    np.testing.assert_array_equal(so["t"].values, [0.0, 20 * YR])
    assert so["t"].units == "s" and so["eta_M"].units == "Pa s" and so["eta_K"].values == 1e18
    # t = 0 of the canonical model is Okada's canonical field
    X, Y = np.meshgrid(so["x"].values, so["y"].values)
    np.testing.assert_allclose(
        so["u"].values[0, 0], va.okada.canonical_surface(X, Y, 8e3), rtol=0, atol=1e-16
    )


def test_csv_names_every_column_with_its_unit(tmp_path):
    okada_csv, solve_csv = tmp_path / "o.csv", tmp_path / "s.csv"
    assert cli.main(["okada", *SMALL, "--out", str(okada_csv)]) == 0
    assert cli.main(["solve", *GRID, *SMALL, "--out", str(solve_csv), "--no-progress"]) == 0
    assert okada_csv.read_text().splitlines()[0] == "x_m,y_m,ux_m,uy_m,uz_m"
    head = "x_m,y_m,depth_m,t_s,eta_M_Pa_s,eta_K_Pa_s,ux_m,uy_m,uz_m"
    assert solve_csv.read_text().splitlines()[0] == head
    rows = np.loadtxt(solve_csv, delimiter=",", skiprows=1)
    ref = va.exact.canonical(rows[:, :6])
    np.testing.assert_allclose(rows[:, 6:], ref, rtol=0, atol=1e-6 * np.abs(ref).max())


def test_no_output_option_writes_csv_to_stdout(capsys):
    assert cli.main(["okada", "--n", "3", "--extent-km", "5"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "x_m,y_m,ux_m,uy_m,uz_m" and len(lines) == 10


# ---- 4. progress bars ----------------------------------------------------------------


class _Bars:
    def __init__(self):
        self.made = []

    def __call__(self, **kw):
        bar = {"kw": kw, "done": 0}
        self.made.append(bar)

        class Bar:
            def update(self, n=1):
                bar["done"] += n

            def close(self):
                pass

        return Bar()


@pytest.mark.parametrize("command", ["solve", "predict"])
def test_progress_bars_on_stderr_and_off_with_no_progress(command, monkeypatch, tmp_path):
    import tqdm

    bars = _Bars()
    monkeypatch.setattr(tqdm, "tqdm", bars)
    argv = [command, *GRID, "--depth-km", "6", "9", *SMALL, "--out", str(tmp_path / "f.h5")]
    assert cli.main(argv) == 0
    assert len(bars.made) == 1
    bar = bars.made[0]
    assert bar["kw"]["file"] is sys.stderr
    assert bar["done"] == bar["kw"]["total"] == (4 if command == "solve" else 4 * 25)
    assert cli.main([*argv, "--no-progress"]) == 0
    assert len(bars.made) == 1


# ---- 5. dependencies -----------------------------------------------------------------


def test_light_io_packages_are_dependencies_heavy_ones_extras():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = {d.split(">")[0].split("=")[0].split("[")[0] for d in meta["dependencies"]}
    assert {"numpy", "h5py", "matplotlib", "tqdm", "safetensors"} <= deps
    assert not deps & {"torch", "onnx", "onnxruntime", "dask"}
    extras = meta["optional-dependencies"]
    assert any(d.startswith("torch") for d in extras["train"])
    assert any(d.startswith("dask") for d in extras["dist"])


def test_missing_packages_refused_before_any_work(monkeypatch, tmp_path, capsys, no_solver):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    out = tmp_path / "f.csv"
    argv = ["okada", "--n", "3", "--out", str(out), "--plot", str(tmp_path / "m.png")]
    _refused(argv, capsys, "matplotlib", "not installed", "pip install viscoann")
    monkeypatch.setitem(sys.modules, "tqdm", None)
    _refused(
        ["generate", str(tmp_path / "train"), "--scale", "0.06", "--no-progress"], capsys, "tqdm"
    )
    monkeypatch.setitem(sys.modules, "torch", None)
    _refused(
        ["train", str(tmp_path), str(tmp_path / "run")], capsys, 'pip install "viscoann[train]"'
    )
    monkeypatch.setitem(sys.modules, "distributed", None)
    monkeypatch.delitem(sys.modules, "tqdm")
    _refused(
        ["generate", str(tmp_path / "d"), "--dask", "local"], capsys, 'pip install "viscoann[dist]"'
    )
    assert not list(tmp_path.iterdir())  # no manifest, no run folder, no field


# ---- 6. plots ------------------------------------------------------------------------


@pytest.fixture
def figures(monkeypatch):
    """The figures the CLI saves, kept open for inspection."""
    from matplotlib.figure import Figure

    saved = []
    real = Figure.savefig

    def keep(self, *a, **k):
        saved.append(self)
        return real(self, *a, **k)

    monkeypatch.setattr(Figure, "savefig", keep)
    return saved


def _labelled(fig):
    """Every map axis has km labels and every colour bar a unit; returns the title."""
    axes = [a for a in fig.axes if a.get_label() != "<colorbar>"]
    bars = [a for a in fig.axes if a.get_label() == "<colorbar>"]
    assert len(bars) == len(axes)
    for a in axes:
        assert "(km)" in a.get_xlabel() and "(km)" in a.get_ylabel()
    for b in bars:
        assert b.get_ylabel() == "m"
    return fig._suptitle.get_text()


def test_maps_label_axes_units_and_parameters(tmp_path, figures):
    png = tmp_path / "m.png"
    assert cli.main(["solve", *GRID, *SMALL, "--plot", str(png), "--no-progress"]) == 0
    title = _labelled(figures[-1])
    for needle in (
        "depth 8 km",
        "t = 20 yr",
        r"$\eta_M$ = $10^{19}$ Pa s",
        r"$\eta_K$ = $10^{18}$",
    ):
        assert needle in title
    assert cli.main(["okada", "--dip", "45", *SMALL, "--plot", str(tmp_path / "o.png")]) == 0
    assert "dip 45°" in _labelled(figures[-1])


def test_time_series_dense_near_t0_on_a_log_axis(tmp_path, figures):
    prof, png = tmp_path / "p.csv", tmp_path / "p.png"
    argv = ["solve", *GRID, "--n", "3", "--profile", "20,10", "--profile-out", str(prof)]
    assert cli.main([*argv, "--profile-plot", str(png), "--no-progress"]) == 0
    t = np.loadtxt(prof, delimiter=",", skiprows=1)[:, 3]
    assert t[0] == 0.0 and t[-1] == pytest.approx(20 * YR, rel=1e-12)
    assert np.all(np.diff(t) > 0) and t.size >= 100
    assert t[1] < 1e-3 * t[-1]  # the first hours-days are resolved
    assert np.sum(t < 0.1 * t[-1]) > 0.7 * t.size
    fig = figures[-1]
    assert all(a.get_xscale() == "log" for a in fig.axes)
    assert all("yr" in a.get_xlabel() and "(m)" in a.get_ylabel() for a in fig.axes)
    assert r"$\eta_M$ = $10^{19}$ Pa s" in fig._suptitle.get_text()


# ---- 7. the README's and Makefile's command lines parse --------------------------------


def _command_lines():
    """``viscoann ...`` lines of the README's code blocks and of the Makefile's recipes."""
    blocks = (ROOT / "README.md").read_text().split("```")[1::2]
    blocks.append((ROOT / "Makefile").read_text().replace("\\\n", " ").replace("$(BIN)/", ""))
    lines = []
    for block in blocks:
        for line in block.splitlines():
            for part in line.split("&&"):
                part = part.split("|")[0].strip()
                if part.startswith("viscoann "):
                    lines.append(part.split()[1:])
    return lines


def test_readme_and_makefile_command_lines_parse():
    lines = _command_lines()
    commands = {line[0] for line in lines}
    assert {"okada", "solve", "predict", "generate", "train"} <= commands
    parser = cli.build_parser()
    for line in lines:
        parser.parse_args(cli._as_values(line))
    readme = (ROOT / "README.md").read_text()
    assert "pip install ." in readme
