"""Package-level invariants: import stays torch-free, the README layout matches the tree."""

import re
import subprocess
import sys

import viscoann as va
from conftest import ROOT


def test_import_does_not_load_torch():
    code = "import sys, viscoann; assert 'torch' not in sys.modules, 'torch imported'; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_version_matches_pyproject():
    text = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'^version = "([^"]+)"', text, re.M).group(1) == va.__version__


def test_readme_layout_paths_exist():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    paths = re.findall(r"^`([^`]+)`", section, re.M)
    assert len(paths) >= 10
    missing = [p for p in paths if not (ROOT / p).exists()]
    assert not missing, f"README layout lists missing paths: {missing}"


def test_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```", 2)[1].split("\n", 1)[1]  # drop the language tag line
    assert first_block.split() == ["make", "demo", "make", "test"]


def test_cmake_dir_has_package_config():
    from viscoann.cmake_package import cmake_dir

    assert (cmake_dir() / "viscoannConfig.cmake").is_file()
    assert (cmake_dir() / "viscoannTargets.cmake").is_file()


def test_cli_info_runs(capsys):
    from viscoann import cli

    assert cli.main(["info"]) == 0
    assert f"viscoann {va.__version__}" in capsys.readouterr().out
