import csv
import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from helpers import photo_path
from legoremix import export, pipeline


@pytest.fixture(scope="module")
def mosaic(photos):
    return pipeline.make_mosaic(photos["astronaut.png"], sets=["31197"], size=(40, 24))


@pytest.fixture(scope="module")
def owned_mosaic():
    """Unlimited mode with a set: some colours used beyond what the set holds, some not."""
    return pipeline.make_mosaic(photo_path("astronaut.png"), sets=["31197"], unlimited=True)


def assert_sentence(excinfo):
    msg = str(excinfo.value)
    assert msg[0].isupper() and msg.endswith(".") and "\n" not in msg, msg


def bricklink_items(text):
    """BrickLink colour id -> MINQTY of a wanted list (one ITEM per colour)."""
    items = ET.fromstring(text).findall("ITEM")
    got = {int(i.find("COLOR").text): int(i.find("MINQTY").text) for i in items}
    assert len(got) == len(items)
    return got


def rebrickable_items(text):
    """Rebrickable colour id -> quantity of a part-list CSV (one row per colour)."""
    rows = list(csv.DictReader(io.StringIO(text)))
    got = {int(r["Color"]): int(r["Quantity"]) for r in rows}
    assert len(got) == len(rows)
    return got


def used_and_owned(m):
    """Rows (Color, used, owned) of the colours a mosaic uses."""
    return [(c, n, o) for c, n, o in zip(m.palette, m.counts, m.owned) if n > 0]


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
    with pytest.raises(export.ExportError) as e:
        export.render_png(mosaic, cell=500)
    assert_sentence(e)


def test_parts_csv_totals(mosaic):
    rows = list(csv.DictReader(io.StringIO(export.parts_csv(mosaic))))
    assert sum(int(r["count"]) for r in rows) == 40 * 24
    assert {r["part"] for r in rows} == {"98138"}


def test_bricklink_xml(mosaic):
    text = export.bricklink_xml(mosaic, only_missing=False)
    assert not text.startswith("<?xml")
    root = ET.fromstring(text)
    items = root.findall("ITEM")
    assert sum(int(i.find("MINQTY").text) for i in items) == 40 * 24
    assert all(i.find("ITEMTYPE").text == "P" and i.find("ITEMID").text == "98138" for i in items)
    black = [i for i in items if i.find("COLOR").text == "11"]
    assert black  # BrickLink Black is 11 (LDraw 0)


def test_rebrickable_csv(mosaic):
    rows = list(csv.DictReader(io.StringIO(export.rebrickable_csv(mosaic, only_missing=False))))
    assert list(rows[0]) == ["Part", "Color", "Quantity"]
    assert sum(int(r["Quantity"]) for r in rows) == 40 * 24
    assert "0" in {r["Color"] for r in rows}  # Rebrickable/LDraw Black


def test_wanted_lists_only_what_is_missing_when_pieces_are_owned(owned_mosaic):
    rows = used_and_owned(owned_mosaic)
    missing = {c.bricklink_id: n - o for c, n, o in rows if n > o}
    covered = {c.bricklink_id for c, n, o in rows if n <= o}
    assert missing and covered and 11 in covered  # Black: 416 used, 629 owned
    assert missing == owned_mosaic.missing
    for only_missing in (None, True):  # the default, as the user owns pieces
        got = bricklink_items(export.bricklink_xml(owned_mosaic, only_missing=only_missing))
        assert got == missing and not covered & set(got)
        got = rebrickable_items(export.rebrickable_csv(owned_mosaic, only_missing=only_missing))
        assert got == {c.rebrickable_id: n - o for c, n, o in rows if n > o}
    assert [(c.bricklink_id, q) for c, q in export.wanted(owned_mosaic)] == sorted(
        missing.items(), key=lambda kv: (-kv[1], kv[0]))


def test_wanted_everything_lists_every_colour_used(owned_mosaic):
    rows = used_and_owned(owned_mosaic)
    got = bricklink_items(export.bricklink_xml(owned_mosaic, only_missing=False))
    assert got == {c.bricklink_id: n for c, n, _ in rows}
    assert sum(got.values()) == sum(owned_mosaic.counts) == 48 * 48
    got = rebrickable_items(export.rebrickable_csv(owned_mosaic, only_missing=False))
    assert got == {c.rebrickable_id: n for c, n, _ in rows}
    assert sum(q for _, q in export.wanted(owned_mosaic, only_missing=False)) == 48 * 48


def test_wanted_without_owned_pieces_lists_everything():
    m = pipeline.make_mosaic(photo_path("astronaut.png"), unlimited=True, size=(32, 24))
    assert m.stock is None and not any(m.owned)
    used = {c.bricklink_id: n for c, n in zip(m.palette, m.counts) if n}
    assert bricklink_items(export.bricklink_xml(m)) == used
    assert sum(rebrickable_items(export.rebrickable_csv(m)).values()) == 32 * 24


@pytest.mark.parametrize("fmt", [export.bricklink_xml, export.rebrickable_csv])
def test_nothing_missing_is_an_error_sentence(mosaic, fmt):
    """Limited mode never uses more than the stock, so "only missing" has nothing to list."""
    assert mosaic.stock is not None and not export.missing_rows(mosaic)
    with pytest.raises(export.ExportError, match="Nothing is missing") as e:
        fmt(mosaic, only_missing=True)
    assert_sentence(e)


def test_nothing_missing_default_lists_everything(mosaic):
    """The default never fails: with nothing missing it lists every colour used."""
    used = {c.bricklink_id: n for c, n in zip(mosaic.palette, mosaic.counts) if n}
    assert bricklink_items(export.bricklink_xml(mosaic)) == used
    assert sum(rebrickable_items(export.rebrickable_csv(mosaic)).values()) == 40 * 24


def test_parts_csv_owned_column(owned_mosaic, mosaic):
    rows = list(csv.DictReader(io.StringIO(export.parts_csv(owned_mosaic))))
    assert list(rows[0]) == ["color_name", "bricklink_color_id", "part", "count", "hex", "stock",
                             "missing", "owned"]
    assert sum(int(r["count"]) for r in rows) == 48 * 48  # still every colour used
    for c, n, o in used_and_owned(owned_mosaic):
        r = next(r for r in rows if int(r["bricklink_color_id"]) == c.bricklink_id)
        assert (int(r["count"]), int(r["owned"]), int(r["missing"]), r["stock"]) == (n, o, max(0, n - o), "")
    rows = list(csv.DictReader(io.StringIO(export.parts_csv(mosaic))))
    assert all(r["owned"] == "" and int(r["stock"]) >= int(r["count"]) for r in rows)


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
