import csv
import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

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


def wanted_files(out):
    """(BrickLink id -> MINQTY, Rebrickable id -> Quantity, mosaic.json) of a CLI run."""
    items = ET.fromstring((out / "bricklink.xml").read_text()).findall("ITEM")
    bl = {int(i.find("COLOR").text): int(i.find("MINQTY").text) for i in items}
    rows = list(csv.DictReader(io.StringIO((out / "rebrickable.csv").read_text())))
    rb = {int(r["Color"]): int(r["Quantity"]) for r in rows}
    assert len(bl) == len(items) and len(rb) == len(rows)
    return bl, rb, json.loads((out / "mosaic.json").read_text())


def test_cli_wanted_lists_only_missing_by_default(tmp_path):
    assert run(photo_path("astronaut.png"), "--unlimited", "--set", "31197", "--bricklink",
               "--rebrickable", "--out", tmp_path) == 0
    bl, rb, d = wanted_files(tmp_path)
    by_hex = {c["hex"]: c for c in d["palette"]}
    assert d["missing"] and bl == {by_hex[h]["id"]: n for h, n in d["missing"].items()}
    assert rb == {by_hex[h]["rebrickable_id"]: n for h, n in d["missing"].items()}
    assert 11 not in bl and d["counts"]["#212121"] <= d["owned"]["#212121"]  # Black is covered


def test_cli_wanted_all(tmp_path):
    assert run(photo_path("astronaut.png"), "--unlimited", "--set", "31197", "--bricklink",
               "--rebrickable", "--wanted", "all", "--out", tmp_path) == 0
    bl, rb, d = wanted_files(tmp_path)
    by_hex = {c["hex"]: c for c in d["palette"]}
    assert bl == {by_hex[h]["id"]: n for h, n in d["counts"].items()}
    assert sum(bl.values()) == sum(rb.values()) == 48 * 48


def test_cli_limited_without_wanted_lists_everything(tmp_path):
    """Nothing is missing in limited mode, so the default writes the full list."""
    assert run(photo_path("astronaut.png"), "--set", "31197", "--bricklink", "--rebrickable",
               "--out", tmp_path) == 0
    bl, rb, _ = wanted_files(tmp_path)
    assert sum(bl.values()) == sum(rb.values()) == 48 * 48


def test_cli_wanted_missing_with_nothing_missing_is_an_error(tmp_path, capsys):
    assert run(photo_path("astronaut.png"), "--set", "31197", "--bricklink", "--wanted", "missing",
               "--out", tmp_path) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("legoremix: error: Nothing is missing") and "\n" not in err
    assert not (tmp_path / "bricklink.xml").exists()


@pytest.mark.parametrize("args,msg", [
    (["{bad}", "--set", "31197"], "could not be read as an image"),
    (["{img}", "--set", "99999"], "The set “99999” is not known."),
    (["{img}", "--set", "31197", "--size", "48by48"], "The size “48by48” is not understood"),
    (["{img}", "--set", "31197", "--size", "0x10"], "The size 0 x 10 is not possible"),
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
    """The README's test command installs the project into the repo's own environment,
    which provides the ``legoremix`` command next to its Python (never one from PATH)."""
    exe = Path(sys.executable).with_name("legoremix")
    assert exe.is_file(), f"no legoremix console script next to {sys.executable} (pip install -e .)"
    r = subprocess.run([exe, "--list-sets"], capture_output=True, text=True)
    assert r.returncode == 0 and "31203" in r.stdout
    r = subprocess.run([exe, "nope.png", "--set", "31197"], capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.startswith("legoremix: error:")


def test_cli_prints_instructions_with_many_colours(tmp_path):
    """Issue 7: unlimited 96x48 (dozens of colours) used to fail with "too many colours"."""
    from pypdf import PdfReader
    assert run(photo_path("astronaut.png"), "--unlimited", "--size", "96x48", "--pdf", "--out", tmp_path) == 0
    d = json.loads((tmp_path / "mosaic.json").read_text())
    assert len(d["counts"]) > 20
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "instructions.pdf").pages)
    assert all(c["name"] in text for c in d["palette"] if c["hex"] in d["counts"])
