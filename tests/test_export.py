import csv
import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from legoremix import export, pipeline


@pytest.fixture(scope="module")
def mosaic(photos):
    return pipeline.make_mosaic(photos["astronaut.png"], sets=["31197"], size=(40, 24))


def test_png_size_and_colours(mosaic, artifacts):
    data = export.render_png(mosaic, cell=10, grid=True, section=16)
    (artifacts / "export-mosaic.png").write_bytes(data)
    im = Image.open(io.BytesIO(data)).convert("RGB")
    assert im.size == (400, 240)
    # the centre pixel of each stud is the piece colour
    for y in range(0, 24, 5):
        for x in range(0, 40, 7):
            hexc = "#%02x%02x%02x" % im.getpixel((x * 10 + 5, y * 10 + 5))
            assert hexc == mosaic.palette[mosaic.grid[y][x]].hex
    with pytest.raises(export.ExportError):
        export.render_png(mosaic, cell=500)


def test_parts_csv_totals(mosaic):
    rows = list(csv.DictReader(io.StringIO(export.parts_csv(mosaic))))
    assert sum(int(r["count"]) for r in rows) == 40 * 24
    assert {r["part"] for r in rows} == {"98138"}


def test_bricklink_xml(mosaic):
    text = export.bricklink_xml(mosaic)
    assert not text.startswith("<?xml")
    root = ET.fromstring(text)
    items = root.findall("ITEM")
    assert sum(int(i.find("MINQTY").text) for i in items) == 40 * 24
    assert all(i.find("ITEMTYPE").text == "P" and i.find("ITEMID").text == "98138" for i in items)
    black = [i for i in items if i.find("COLOR").text == "11"]
    assert black  # BrickLink Black is 11 (LDraw 0)


def test_rebrickable_csv(mosaic):
    rows = list(csv.DictReader(io.StringIO(export.rebrickable_csv(mosaic))))
    assert list(rows[0]) == ["Part", "Color", "Quantity"]
    assert sum(int(r["Quantity"]) for r in rows) == 40 * 24
    assert "0" in {r["Color"] for r in rows}  # Rebrickable/LDraw Black


@pytest.mark.parametrize("section", [8, 16])
def test_ldraw_every_stud_once(mosaic, section):
    text = export.ldraw(mosaic, section=section)
    studs = {}
    for line in text.splitlines():
        f = line.split()
        if f and f[0] == "1" and f[-1] == "98138.dat":
            x, y, z = int(f[2]), int(f[3]), int(f[4])
            key = ((x - 10) // 20, (z - 10) // 20)
            assert key not in studs
            assert y == -8
            studs[key] = int(f[1])
    assert len(studs) == 40 * 24
    for (x, y), col in studs.items():
        assert col == mosaic.palette[mosaic.grid[y][x]].ldraw_id
    sections = -(-40 // section) * -(-24 // section)
    assert text.count("0 STEP") == sections + 1
    assert text.count("91405.dat") == 3 * 2
