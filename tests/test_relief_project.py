"""The 3D relief in project files (the depth map stored whole, checked whole on load) and the
relief plates' stock columns in the parts CSV."""
import base64
import csv
import io
import json
import struct
import xml.etree.ElementTree as ET
import zlib

import pytest

import depth_models
from legoremix import browser, cli, depth, export, image, pipeline, project, relief

RELIEF = {"size": [40, 28], "unlimited": True, "levels": 4, "thresholds": [0.3, 0.55, 0.8],
          "relief_pins": [[0, 0, 3], [5, 4, 0]], "plate_color": 11}


@pytest.fixture(scope="module")
def moto():
    """The Middlebury "Motorcycle" photo reduced to 741 x 500 and its real depth map reduced to
    a 512-pixel side (as the page and CLI keep depth map pictures)."""
    from PIL import Image
    photo, dm = depth_models.motorcycle()
    small = Image.frombytes("RGBA", (photo.width, photo.height), photo.data).resize((741, 500), Image.BOX)
    w, h = 512, round(dm.height * 512 / dm.width)
    dm = depth.DepthMap(w, h, tuple(depth._box(dm, (0, 0, dm.width, dm.height), w, h)))
    return image.RGBA(741, 500, small.tobytes()), dm


def make(img, settings, dm):
    p = pipeline.Pipeline()
    p.set_image(img)
    project.configure(p, settings)
    p.set_depth(dm)
    return p.run()


def test_a_project_keeps_its_depth_map_exactly(moto):
    img, dm = moto
    text = project.dumps(project.Project(img, RELIEF, dm))
    back = project.loads(text)
    assert back.depth == dm  # every value, exactly (doubles)
    a, b = make(img, RELIEF, dm), make(back.image, back.settings, back.depth)
    assert a.heights == b.heights and a.plates == b.plates and a.plates
    assert a.heights[0][0] == 3  # the stud raised by hand is kept too


def test_flat_projects_have_no_depth(photos):
    text = project.dumps(project.Project(photos["coffee.png"], {"unlimited": True}))
    assert "depth" not in json.loads(text)
    assert project.loads(text).depth is None
    d = json.loads(text)
    d["depth"] = None  # written as null: flat too
    assert project.loads(json.dumps(d)).depth is None


def _with_depth(photos, depth_json):
    d = json.loads(project.dumps(project.Project(photos["coffee.png"], {"unlimited": True})))
    d["depth"] = depth_json
    return json.dumps(d)


def _values(raw: bytes) -> str:
    return base64.b64encode(zlib.compress(raw)).decode()


GOOD = struct.pack("<6d", 0, 1, 2, 3, 4, 5)
HOSTILE = {
    "not an object": ([1, 2], "depth map inside this project file is damaged."),
    "no values": ({"width": 2, "height": 3}, "is damaged."),
    "values not text": ({"width": 2, "height": 3, "values": 7}, "is damaged."),
    "not base64": ({"width": 2, "height": 3, "values": "@@@@"}, "is damaged."),
    "not deflated": ({"width": 2, "height": 3, "values": base64.b64encode(GOOD).decode()}, "is damaged."),
    "width a string": ({"width": "2", "height": 3, "values": _values(GOOD)}, "its size is not possible"),
    "width true": ({"width": True, "height": 6, "values": _values(GOOD)}, "its size is not possible"),
    "zero height": ({"width": 2, "height": 0, "values": _values(GOOD)}, "its size is not possible"),
    "negative": ({"width": -2, "height": -3, "values": _values(GOOD)}, "its size is not possible"),
    "huge": ({"width": 100_000, "height": 100_000, "values": _values(GOOD)}, "its size is not possible"),
    "truncated values": ({"width": 2, "height": 3, "values": _values(GOOD[:-8])}, "part of it is missing"),
    "cut stream": ({"width": 2, "height": 3, "values": base64.b64encode(zlib.compress(GOOD)[:-6]).decode()},
                   "part of it is missing"),
    "too many values": ({"width": 2, "height": 3, "values": _values(GOOD + GOOD)}, "more than its size allows"),
    # a deflate bomb (100 MB of zeros in about 100 kB): refused after inflating one value too many
    "bomb": ({"width": 2, "height": 3, "values": _values(bytes(100_000_000))}, "more than its size allows"),
    "not numbers": ({"width": 2, "height": 3, "values": _values(struct.pack("<6d", 0, 1, float("nan"), 3, 4,
                                                                            float("inf")))}, "not numbers"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_damaged_depth_maps_are_refused_in_a_sentence(photos, case):
    depth_json, words = HOSTILE[case]
    with pytest.raises(project.ProjectError) as e:
        project.loads(_with_depth(photos, depth_json))
    msg = str(e.value)
    assert msg.startswith("The 3D relief's depth map inside this project file is damaged") and msg.endswith(".")
    assert words in msg


def test_a_truncated_project_with_a_relief_is_refused(moto):
    img, dm = moto
    text = project.dumps(project.Project(img, RELIEF, dm))
    for cut in (len(text) // 2, len(text) - 40, len(text) - 2):
        with pytest.raises(project.ProjectError, match="could not be read"):
            project.loads(text[:cut])


def test_cli_saves_and_reopens_a_project_with_its_relief(moto, tmp_path):
    from PIL import Image
    img, dm = moto
    photo = tmp_path / "photo.png"
    Image.frombytes("RGBA", (img.width, img.height), img.data).save(photo)
    dpng = depth_models.depth_png(tmp_path / "depth.png", dm)
    assert cli.main([str(photo), "--unlimited", "--size", "40x28", "--depth", str(dpng), "--levels", "3",
                     "--project", "saved.legoremix", "--out", str(tmp_path / "a")]) == 0
    first = json.loads((tmp_path / "a" / "mosaic.json").read_text())
    assert first["plates"]
    assert cli.main([str(tmp_path / "a" / "saved.legoremix"), "--out", str(tmp_path / "b")]) == 0
    again = json.loads((tmp_path / "b" / "mosaic.json").read_text())
    assert again["heights"] == first["heights"] and again["plates"] == first["plates"]


def test_the_page_api_round_trips_the_depth_map(moto):
    """browser.py as the worker calls it: a model's float32 depth map, saved with the project,
    reopened (the page gets the values back as float64 for its autosave), the same relief."""
    from array import array
    img, dm = moto
    f32 = array("f", dm.values)
    browser.set_image(img.width, img.height, img.data)
    assert "error" not in json.loads(browser.set_depth_map(dm.width, dm.height, f32.tobytes()))
    settings = json.dumps(RELIEF)
    first = json.loads(browser.compute(settings))
    saved = bytes(browser.project_file(settings))
    browser.clear_depth()
    browser.set_image(img.width, img.height, img.data)  # another photo in between
    r = json.loads(browser.load_project(saved))
    assert r["depth"] == {"width": dm.width, "height": dm.height}
    values = bytes(browser.depth_values())
    assert array("d", values).tolist() == f32.tolist()
    again = json.loads(browser.compute(settings))
    assert again["heights"] == first["heights"] and again["plates"] == first["plates"]
    # the autosave hands the float64 values back: the engine reads them as doubles
    browser.set_depth_map(dm.width, dm.height, values)
    assert json.loads(browser.compute(settings))["heights"] == first["heights"]
    # a flat project clears the relief of the one before
    browser.clear_depth()
    assert json.loads(browser.load_project(bytes(browser.project_file(settings))))["depth"] is None
    assert json.loads(browser.compute(settings))["heights"] is None


# --- the plates' rows of the parts CSV -------------------------------------------------------

def _plate_rows(m):
    rows = list(csv.DictReader(io.StringIO(export.parts_csv(m))))
    return [r for r in rows if r["part"] in relief.PLATES.values()], rows


@pytest.mark.parametrize("mode", ["unlimited", "sets"])
def test_plates_in_the_csv_are_owned_0_and_all_missing(moto, mode):
    img, dm = moto
    inv = {"unlimited": True} if mode == "unlimited" else {"unlimited": False, "sets": {"31197": 1}}
    m = make(img, {**RELIEF, **inv}, dm)
    plates, rows = _plate_rows(m)
    assert sum(int(r["count"]) for r in plates) == len(m.plates)
    for r in plates:
        assert r["missing"] == r["count"]
        if mode == "sets":  # limited to sets: the stock column, which holds no plates
            assert (r["stock"], r["owned"]) == ("0", "")
        else:
            assert (r["stock"], r["owned"]) == ("", "0")
    # the same plates, the same counts on the shopping lists, even when only what is missing is listed
    for only_missing in (None, True) if mode == "sets" else (None,):
        items = ET.fromstring(export.bricklink_xml(m, only_missing)).findall("ITEM")
        listed = {i.find("ITEMID").text: int(i.find("MINQTY").text) for i in items
                  if i.find("ITEMID").text in relief.PLATES.values()}
        assert listed == {r["part"]: int(r["missing"]) for r in plates}


def test_plates_in_the_csv_with_bigger_pieces_name_their_size(moto):
    img, dm = moto
    m = make(img, {**RELIEF, "piece": "square-tile", "sizes": ["1x1", "1x2", "2x2"]}, dm)
    plates, rows = _plate_rows(m)
    assert plates and "size" in rows[0]
    sizes = {v: f"{a}x{b}" for (a, b), v in relief.PLATES.items()}
    for r in plates:
        assert r["size"] == sizes[r["part"]] and r["owned"] == "0" and r["missing"] == r["count"]


def test_shopping_lists_have_one_row_per_part_and_colour(moto):
    """Square plates as the pieces and black plates under the relief are the same part in the
    same colour (3024, black): the BrickLink and Rebrickable lists add them up in one row."""
    img, dm = moto
    m = make(img, {**RELIEF, "piece": "square-plate", "plate_color": 11}, dm)
    used_black = dict(zip((c.bricklink_id for c in m.palette), m.counts)).get(11, 0)
    plates_1x1 = sum(1 for p in m.plates if p["part"] == "3024")
    assert used_black and plates_1x1
    items = ET.fromstring(export.bricklink_xml(m, False)).findall("ITEM")
    keys = [(i.find("ITEMID").text, i.find("COLOR").text) for i in items]
    assert len(keys) == len(set(keys))
    qty = {k: int(i.find("MINQTY").text) for k, i in zip(keys, items)}
    assert qty[("3024", "11")] == used_black + plates_1x1
    reb = list(csv.DictReader(io.StringIO(export.rebrickable_csv(m, False))))
    assert len({(r["Part"], r["Color"]) for r in reb}) == len(reb)
    assert sum(int(r["Quantity"]) for r in reb) == sum(m.counts) + len(m.plates)
