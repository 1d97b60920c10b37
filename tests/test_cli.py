import json
import shutil
import subprocess

import pytest
from PIL import Image

from helpers import photo_path
from legoremix import cli


def run(*args):
    return cli.main([str(a) for a in args])


def test_cli_writes_png_csv_json(tmp_path, capsys):
    assert run(photo_path("chelsea.png"), "--set", "31197", "--out", tmp_path) == 0
    d = json.loads((tmp_path / "mosaic.json").read_text())
    for key in ("width", "height", "grid", "counts", "stock", "mean_delta_e"):
        assert key in d
    assert (d["width"], d["height"]) == (48, 48)
    assert all(d["counts"][h] <= d["stock"][h] for h in d["counts"])
    with Image.open(tmp_path / "mosaic.png") as im:
        assert im.size == (48 * 20, 48 * 20)
    lines = (tmp_path / "parts.csv").read_text().splitlines()
    assert lines[0].startswith("color_name,bricklink_color_id,part,count")
    assert sum(int(l.split(",")[3]) for l in lines[1:]) == 2304
    assert "mean CIEDE2000" in capsys.readouterr().out


def test_cli_options(tmp_path):
    assert run(photo_path("coffee.png"), "--set", "31197", "--set", "31197", "--size", "64x48",
               "--dither", "atkinson", "--metric", "oklab", "--piece", "square-plate", "--out", tmp_path,
               "--brightness", "10") == 0
    d = json.loads((tmp_path / "mosaic.json").read_text())
    assert (d["width"], d["height"], d["piece"]) == (64, 48, "square-plate")
    assert d["stock"]["#212121"] == 2 * 629  # two copies of the set


def test_cli_unlimited_reports_missing(tmp_path, capsys):
    assert run(photo_path("astronaut.png"), "--set", "31197", "--unlimited", "--out", tmp_path) == 0
    assert "missing from your pieces" in capsys.readouterr().out
    assert json.loads((tmp_path / "mosaic.json").read_text())["stock"] is None


@pytest.mark.parametrize("args,msg", [
    (["{bad}", "--set", "31197"], "cannot read the image"),
    (["{img}", "--set", "99999"], "unknown set"),
    (["{img}", "--set", "31197", "--size", "48by48"], "bad size"),
    (["{img}", "--set", "31197", "--size", "0x10"], "bad size"),
    (["{img}", "--set", "41948"], "studs are missing"),
    (["{img}"], "no inventory"),
    (["{missing}", "--set", "31197"], "no such file"),
])
def test_cli_errors_are_one_line(tmp_path, capsys, args, msg):
    bad = tmp_path / "x.jpg"
    bad.write_text("not an image")
    subst = {"{bad}": bad, "{img}": photo_path("coffee.png"), "{missing}": tmp_path / "nope.png"}
    assert run(*[subst.get(a, a) for a in args], "--out", tmp_path / "o") == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("legoremix: error:") and msg in err and "\n" not in err


def test_list_sets(capsys):
    assert run("--list-sets") == 0
    out = capsys.readouterr().out
    assert "31197" in out and "Marilyn" in out and len(out.splitlines()) == 19


def test_console_script_is_installed():
    """``pip install .`` (the README's test command does it) provides ``legoremix``."""
    exe = shutil.which("legoremix")
    assert exe, "legoremix console script not installed (pip install .)"
    r = subprocess.run([exe, "--list-sets"], capture_output=True, text=True)
    assert r.returncode == 0 and "31203" in r.stdout
    r = subprocess.run([exe, "nope.png", "--set", "31197"], capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.startswith("legoremix: error:")
