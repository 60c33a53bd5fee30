"""`viscoann cycle` and `viscoann fit`: files written with the stated layout and values equal to
the library's, errors naming the option (exit 2), a fit from a CSV of exact synthetics."""

import json

import numpy as np
import pytest
import viscoann as va
from conftest import ROOT
from viscoann import cli, cycles, field_io

FAULT = ROOT / "examples" / "fault" / "fault.csv"
STATIONS = ROOT / "examples" / "fault" / "stations.csv"
ORIGIN = (30.0, 40.7)
YR = va.conventions.YEAR


def test_cycle_writes_netcdf_equal_to_library(tmp_path):
    pytest.importorskip("h5netcdf")
    out, img = tmp_path / "c.nc", tmp_path / "c.png"
    argv = ["cycle", "--fault", str(FAULT), "--stations", str(STATIONS), "--origin", "30,40.7"]
    argv += ["--period-yr", "50", "--events", "4", "--phases", "0.1,0.5", "--velocity"]
    argv += ["--spinup", "--tol", "1e-3", "--out", str(out), "--plot", str(img), "--no-progress"]
    assert cli.main(argv) == 0
    got = field_io.read_series(out)
    fault = va.Fault.from_file(FAULT)
    st = va.Stations.from_file(STATIONS, origin=ORIGIN)
    T = 50 * YR
    ref = cycles.velocity(
        va.EarthModel.family(1e19),
        fault,
        st,
        [0.1 * T, 0.5 * T],
        -T * np.arange(4)[::-1],
        spinup=True,
        tol=1e-3,
    )
    assert np.abs(got["velocity"] - ref).max() <= 1e-12 * np.abs(ref).max()
    assert got["units"] == "m/s" and got["names"] == list(st.names)
    assert "Burgers" in got["attrs"]["model"] and got["attrs"]["events"] == 4
    assert img.stat().st_size > 10_000


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--period-yr", "0", "--phases", "0.5"], "--period-yr 0 is invalid; allowed: > 0 yr"),
        (["--period-yr", "10", "--phases", "1.5"], "--phases 1.5 is invalid; allowed: > 0"),
        (["--period-yr", "10", "--phases", "0.5", "--events", "0"], "--events 0 is invalid"),
        (["--period-yr", "10", "--phases", "0.5", "--spinup"], "--spinup needs --velocity"),
        (["--period-yr", "10"], "give one of --times-yr and --phases"),
        (["--period-yr", "10", "--phases", "0.5", "--lid-km", "-1"], "--lid-km -1 is invalid"),
    ],
)
def test_cycle_errors_name_the_option(tmp_path, capsys, extra, message):
    argv = ["cycle", "--fault", str(FAULT), "--stations", str(STATIONS), "--origin", "30,40.7"]
    argv += [*extra, "--out", str(tmp_path / "c.csv")]
    assert cli.main(argv) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "c.csv").exists()


def test_fit_from_csv_recovers_eta(tmp_path):
    # Exact synthetics of a small fault at 8 stations, written as a series CSV; the command
    # fits eta_M (eta_K, H held) and writes its estimate, the series and the figure.
    pytest.importorskip("h5netcdf")
    fault = va.RectangularFault(0.0, 0.0, 7e3, 0.0, 90.0, 30e3, 12e3, 180.0, 2.0)
    (tmp_path / "fault.csv").write_text(
        "east_km,north_km,depth_km,strike_deg,dip_deg,length_km,width_km,rake_deg,slip_m\n"
        "0,0,7,0,90,30,12,180,2\n"
    )
    rng = np.random.default_rng(2)
    st = va.Stations(rng.uniform(-40e3, 40e3, 8), rng.uniform(-40e3, 40e3, 8))
    t = np.array([0.0, 0.5, 2.0, 5.0]) * YR
    u = va.exact.displacement(va.EarthModel.family(3e18, 1e18, 15e3), fault, st, t)
    sig = np.full(u.shape, 1e-3)
    obs = va.Observations(t, u + sig * rng.standard_normal(u.shape), sig)
    obs.write(tmp_path / "obs.csv", st)
    out = tmp_path / "fit.json"
    argv = ["fit", "--fault", str(tmp_path / "fault.csv"), "--obs", str(tmp_path / "obs.csv")]
    argv += ["--params", "eta_M", "--tol", "1e-3", "--out", str(out), "--no-progress"]
    argv += ["--predicted", str(tmp_path / "p.nc"), "--plot", str(tmp_path / "s.png")]
    assert cli.main(argv) == 0
    r = json.loads(out.read_text())
    assert abs(np.log10(r["values"]["eta_M"]) - np.log10(3e18)) < 2 * r["sigma"]["eta_M"]
    got = field_io.read_series(tmp_path / "p.nc")
    assert got["predicted"].shape == u.shape and np.allclose(got["u"], obs.u)
    assert (tmp_path / "s.png").stat().st_size > 10_000


def test_fit_errors_name_the_option(tmp_path, capsys):
    argv = ["fit", "--fault", str(FAULT), "--obs", "x.csv", "--params", "eta_X"]
    assert cli.main(argv) == 2
    assert "--params eta_X is invalid" in capsys.readouterr().err
    argv = ["fit", "--fault", str(FAULT), "--obs", "x.csv", "--eta-m", "1e30"]
    assert cli.main(argv) == 2
    assert "--eta-m 1e+30 is invalid" in capsys.readouterr().err
    assert cli.main(["fit", "--fault", str(FAULT), "--corner", "c.png", "--obs", "x.csv"]) == 2
    assert "--corner needs --method mcmc" in capsys.readouterr().err
