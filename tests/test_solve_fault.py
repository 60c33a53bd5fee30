"""`viscoann solve --fault --stations` (viscoann.solve_fault): exit codes, the written time
series against the library call, CSV/HDF5 contents, figures, bad input named."""

import h5py
import numpy as np
import pytest
import viscoann as va
from conftest import ROOT
from viscoann import cli

FAULT = ROOT / "examples" / "fault" / "fault.csv"
STATIONS = ROOT / "examples" / "fault" / "stations.csv"
YR = 365.25 * 86400.0


def _args(*extra):
    return [
        "solve",
        "--fault",
        str(FAULT),
        "--stations",
        str(STATIONS),
        "--origin",
        "30.0,40.7",
        "--time-yr",
        "0",
        "2",
        "--eta-m",
        "1e19",
        "--eta-k",
        "1e18",
        *extra,
    ]


@pytest.fixture(scope="module")
def expected():
    fault = va.Fault.from_file(FAULT)
    stations = va.Stations.from_file(STATIONS, origin=(30.0, 40.7))
    model = va.EarthModel.canonical(1e19, 1e18)
    return stations, va.exact_sources.displacement(model, fault, stations, [0.0, 2 * YR])


def test_hdf5_series_and_figures(tmp_path, expected):
    stations, u = expected
    out, fig, ser = tmp_path / "s.h5", tmp_path / "map.png", tmp_path / "ts.png"
    assert cli.main(_args("--out", str(out), "--plot", str(fig), "--series-plot", str(ser))) == 0
    with h5py.File(out) as f:  # NetCDF-4 (field_io's series layout) is an HDF5 file
        assert f["u"].shape == (2, 10, 3) and f["u"].attrs["units"] == "m"
        assert np.array_equal(f["time"][()], [0.0, 2 * YR])
        assert [s.decode() for s in f["station"][()]] == list(stations.names)
        assert np.abs(f["u"][()] - u).max() == 0.0
        assert np.allclose(f["lon"][()], stations.lon)
    assert fig.stat().st_size > 20_000 and ser.stat().st_size > 20_000
    assert not list(tmp_path.glob(".*.tmp"))


def test_csv_series(tmp_path, expected):
    stations, u = expected
    out = tmp_path / "s.csv"
    assert cli.main(_args("--out", str(out))) == 0
    lines = out.read_text().splitlines()
    assert lines[0] == "station,station_east_m,station_north_m,t_s,east_m,north_m,up_m"
    assert len(lines) == 21
    name, *vals = lines[3].split(",")  # rows time-major: the first time, third station
    assert name == stations.names[2]
    assert np.allclose([float(v) for v in vals[3:]], u[0, 2], rtol=1e-15, atol=0)


@pytest.mark.parametrize(
    "extra, match",
    [
        (["--origin", "30.0"], "--origin = '30.0' is invalid"),
        (["--lid-km", "0"], "--lid-km = 0.0 is invalid"),
        (["--out", "x.txt"], "--out x.txt is invalid"),
    ],
)
def test_bad_options_named(capsys, extra, match):
    assert cli.main(_args(*extra)) == 2
    assert match in capsys.readouterr().err


def test_bad_files_named(tmp_path, capsys):
    bad = tmp_path / "f.csv"
    bad.write_text(FAULT.read_text().replace(",90,10,7.5,180,1.2", ",95,10,7.5,180,1.2"))
    assert (
        cli.main(["solve", "--fault", str(bad), "--stations", str(STATIONS), "--origin", "30,40.7"])
        == 2
    )
    assert "row 0.dip = 95.0 is invalid" in capsys.readouterr().err
    assert cli.main(["solve", "--fault", str(FAULT)]) == 2
    assert "--fault and --stations go together" in capsys.readouterr().err
