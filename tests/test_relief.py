"""The 3D relief: levels in the pipeline, plates under raised studs, and every output
(mosaic.json, parts lists, LDraw, PDF, CLI) on a real depth map."""
import csv
import io
import json
import random
import xml.etree.ElementTree as ET

import pytest

import depth_models
from legoremix import _array, cli, export, packing, pipeline, project, relief
from legoremix.settings import Settings, SettingsError


@pytest.fixture(scope="module")
def moto():
    return depth_models.motorcycle()


def relief_mosaic(photo, dm, **settings):
    p = pipeline.Pipeline()
    p.set_image(photo)
    project.configure(p, {"unlimited": True, **settings})
    p.set_depth(dm)
    return p.run()


def check_plates(heights, plates, section):
    """Every raised cell covered exactly once per layer, no overhang, no section crossed."""
    layers = max((max(r) for r in heights), default=0)
    for level in range(1, layers + 1):
        covered = {}
        for p in plates:
            if p["level"] != level:
                continue
            assert p["part"] == relief.part(p["w"], p["h"])
            assert p["x"] // section == (p["x"] + p["w"] - 1) // section
            assert p["y"] // section == (p["y"] + p["h"] - 1) // section
            for y in range(p["y"], p["y"] + p["h"]):
                for x in range(p["x"], p["x"] + p["w"]):
                    assert (x, y) not in covered, "two plates overlap"
                    assert heights[y][x] >= level, "a plate overhangs a lower stud"
                    covered[(x, y)] = p
        raised = {(x, y) for y, r in enumerate(heights) for x, n in enumerate(r) if n >= level}
        assert set(covered) == raised
    assert all(1 <= p["level"] <= layers for p in plates)


@pytest.mark.parametrize("levels,section", [(2, 16), (3, 16), (4, 8), (3, 32)])
def test_plates_cover_each_layer_exactly(moto, levels, section):
    photo, dm = moto
    m = relief_mosaic(photo, dm, size=[48, 32], levels=levels, section=section)
    assert len(m.heights) == 32 and len(m.heights[0]) == 48
    assert max(max(r) for r in m.heights) == levels - 1  # the motorcycle is near, the wall far
    assert min(min(r) for r in m.heights) == 0
    check_plates(m.heights, m.plates, section)
    for level in range(1, levels):
        cells = [(x, y) for y, r in enumerate(m.heights) for x, n in enumerate(r) if n >= level]
        ours = [p for p in m.plates if p["level"] == level]
        greedy = packing.greedy(cells, [relief.size_of(s) for s in relief.SIZES], section)
        assert len(ours) <= len(greedy)


def test_random_heights_and_restricted_sizes():
    rng = random.Random(4)
    sizes = ("1x1", "1x2", "2x2", "2x4")
    for _ in range(20):
        w, h = rng.randint(1, 20), rng.randint(1, 20)
        heights = [[rng.choice((0, 1, 1, 2, 3)) for _ in range(w)] for _ in range(h)]
        plates = relief.plates(heights, sizes, 8)
        check_plates(heights, plates, 8)
        assert {(min(p["w"], p["h"]), max(p["w"], p["h"])) for p in plates} <= {(1, 1), (1, 2), (2, 2), (2, 4)}
    assert relief.plates([[0, 0], [0, 0]]) == []


def test_levels_thresholds_and_raised_studs(moto):
    photo, dm = moto
    base = relief_mosaic(photo, dm, size=[32, 32])
    low = relief_mosaic(photo, dm, size=[32, 32], thresholds=[0.1, 0.2])
    assert sum(map(sum, low.heights)) > sum(map(sum, base.heights))  # lower thresholds raise more studs
    pins = [[0, 0, 2], [31, 31, 0]]
    raised = relief_mosaic(photo, dm, size=[32, 32], relief_pins=pins)
    assert raised.heights[0][0] == 2 and raised.heights[31][31] == 0
    assert raised.grid == base.grid  # colours do not change
    with pytest.raises(SettingsError, match="rise"):
        Settings.from_dict({"levels": 3, "thresholds": [0.7, 0.3]})
    with pytest.raises(SettingsError, match="3 levels needs 2 thresholds, not 1"):
        Settings.from_dict({"levels": 3, "thresholds": [0.5]})
    with pytest.raises(SettingsError, match="1 x 1 plate"):
        Settings.from_dict({"plate_sizes": ["2x2"]})
    with pytest.raises(SettingsError, match="0 to 3 plates"):
        Settings.from_dict({"relief_pins": [[1, 1, 4]]})


def test_no_depth_map_is_a_flat_mosaic(photos):
    p = pipeline.Pipeline()
    p.set_image(photos["chelsea.png"])
    project.configure(p, {"unlimited": True})
    m = p.run()
    assert m.heights is None and m.plates is None
    d = m.to_dict()
    assert d["heights"] is None and d["plates"] is None
    assert "3024" not in export.parts_csv(m)


def test_only_the_relief_stages_rerun(moto):
    photo, dm = moto
    p = pipeline.Pipeline()
    p.set_image(photo)
    project.configure(p, {"unlimited": True, "size": [32, 32]})
    p.set_depth(dm)
    p.run()
    before = dict(p.stage_runs)
    project.configure(p, {"unlimited": True, "size": [32, 32], "levels": 4})
    p.run()
    changed = {k for k in p.stage_runs if p.stage_runs[k] != before.get(k)}
    downstream = {"heights"}  # the stages that read the heights, directly or through another stage
    for stage in pipeline.STAGES:
        if downstream & set(stage.inputs):
            downstream.add(stage.name)
    assert {"heights", "relief"} <= changed <= downstream
    assert "match" not in changed and "depth" not in changed


def test_numpy_and_pure_give_the_same_relief(moto):
    photo, dm = moto
    out = []
    for backend in ("numpy", "pure"):
        with _array.force(backend):
            out.append(relief_mosaic(photo, dm, size=[40, 24]).to_dict())
    assert out[0]["heights"] == out[1]["heights"] and out[0]["plates"] == out[1]["plates"]


def test_json_round_trip_and_stable_names(moto):
    photo, dm = moto
    m = relief_mosaic(photo, dm, size=[32, 24], plate_color=5)
    d = json.loads(m.to_json())
    assert len(d["heights"]) == 24 and all(len(r) == 32 for r in d["heights"])
    assert set(d["plates"][0]) == {"level", "x", "y", "w", "h", "part"}
    assert d["plate_color"]["id"] == 5
    back = pipeline.Mosaic.from_dict(d)
    assert back.plates == m.plates and back.heights == m.heights
    assert back.plate_color.to_dict() == m.plate_color.to_dict()


def test_parts_lists_include_the_plates(moto):
    photo, dm = moto
    m = relief_mosaic(photo, dm, size=[32, 32], plate_color=11)
    n_plates = len(m.plates)
    rows = list(csv.DictReader(io.StringIO(export.parts_csv(m))))
    plate_rows = [r for r in rows if r["part"] in relief.PLATES.values()]
    assert sum(int(r["count"]) for r in plate_rows) == n_plates
    assert {r["bricklink_color_id"] for r in plate_rows} == {"11"}
    assert sum(int(r["count"]) for r in rows if r not in plate_rows) == 32 * 32
    items = ET.fromstring(export.bricklink_xml(m)).findall("ITEM")
    assert sum(int(i.find("MINQTY").text) for i in items if i.find("ITEMID").text in relief.PLATES.values()) \
        == n_plates
    reb = list(csv.DictReader(io.StringIO(export.rebrickable_csv(m))))
    assert sum(int(r["Quantity"]) for r in reb if r["Part"] in relief.PLATES.values()) == n_plates


def test_ldraw_plates_at_their_heights(moto):
    photo, dm = moto
    m = relief_mosaic(photo, dm, size=[32, 32])
    lines = [l.split() for l in export.ldraw(m).splitlines() if l.startswith("1 ")]
    plates = [l for l in lines if l[-1][:-4] in relief.PLATES.values() and l[-1] != "98138.dat"]
    assert len(plates) == len(m.plates)
    for l in plates:
        assert int(l[3]) in (-8, -16)  # layer k's top face at -8k LDU
    studs = [l for l in lines if l[-1] == "98138.dat"]
    assert len(studs) == 32 * 32
    for l in studs:  # a stud on n plates: its top 8 LDU (the tile) + 8 per plate above the baseplate
        x, z = (int(l[2]) - 10) // 20, (int(l[4]) - 10) // 20
        assert int(l[3]) == -8 - 8 * m.heights[z][x]
    # a plate lies under every raised stud
    for l in plates:
        assert int(l[2]) % 10 == 0 and int(l[4]) % 10 == 0


def test_pdf_has_plate_pages_after_the_colour_pages(moto):
    pytest.importorskip("fpdf")
    from pypdf import PdfReader

    from legoremix import instructions
    photo, dm = moto
    m = relief_mosaic(photo, dm, size=[32, 32])
    pages = instructions.layout(m)
    kinds = [p.kind for p in pages]
    first = kinds.index("plates")
    assert all(k == "plates" for k in kinds[first:]) and "section" in kinds[:first]
    assert {(p.section[0], p.level) for p in pages if p.kind == "plates"} == \
        {(n, lv) for n in range(1, 5) for lv in (1, 2)
         if relief.in_section(m.plates, lv, *instructions.sections(32, 32, 16)[n - 1][1:])}
    data = instructions.pdf(m)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == len(pages)
    text = reader.pages[first].extract_text()
    assert "plate layer 1 of 2" in text and "part 3" in text
    assert len(data) / len(pages) < 40_000  # vector pages stay small


def test_cli_relief_from_a_depth_map_picture(moto, tmp_path, capsys):
    photo_png = tmp_path / "photo.png"
    from PIL import Image
    photo, dm = moto
    Image.frombytes("RGBA", (photo.width, photo.height), photo.data).save(photo_png)
    dpng = depth_models.depth_png(tmp_path / "depth.png", dm)
    assert cli.main([str(photo_png), "--unlimited", "--size", "48x32", "--depth", str(dpng), "--levels", "4",
                     "--thresholds", "0.3,0.5,0.8", "--ldraw", "--out", str(tmp_path / "out")]) == 0
    d = json.loads((tmp_path / "out" / "mosaic.json").read_text())
    assert max(max(r) for r in d["heights"]) == 3
    check_plates(d["heights"], d["plates"], 16)
    assert "relief:" in capsys.readouterr().out
    assert cli.main([str(photo_png), "--unlimited", "--depth", str(dpng), "--thresholds", "0.5,0.2",
                     "--out", str(tmp_path / "bad")]) == 2
    assert "rise" in capsys.readouterr().err


def test_cli_relief_from_an_onnx_model(tmp_path, photos, capsys):
    pytest.importorskip("onnxruntime")
    model = tmp_path / "model-small.onnx"
    model.write_bytes(depth_models.model_bytes())
    assert cli.main([str(depth_models_photo(tmp_path, photos)), "--unlimited", "--size", "32x32",
                     "--depth", str(model), "--out", str(tmp_path / "o")]) == 0
    d = json.loads((tmp_path / "o" / "mosaic.json").read_text())
    assert d["heights"] and d["plates"]
    bad = tmp_path / "wrong.onnx"
    bad.write_bytes(depth_models.model_bytes(channels=4))
    assert cli.main([str(depth_models_photo(tmp_path, photos)), "--unlimited", "--depth", str(bad),
                     "--out", str(tmp_path / "w")]) == 2
    assert "not a depth model legoremix knows" in capsys.readouterr().err


def depth_models_photo(tmp_path, photos):
    from PIL import Image
    img = photos["chelsea.png"]
    path = tmp_path / "chelsea.png"
    if not path.exists():
        Image.frombytes("RGBA", (img.width, img.height), img.data).save(path)
    return path


def test_plates_report_their_progress_and_the_same_plates():
    """``progress`` hears a rising fraction up to 1 as the raised studs are packed, at most once
    per per cent, and the plates are those made without it."""
    rng = random.Random(7)
    heights = [[rng.choice((0, 1, 1, 2, 3)) for _ in range(40)] for _ in range(40)]
    seen = []
    with_progress = relief.plates(heights, progress=seen.append)
    relief._memo.clear()
    assert with_progress == relief.plates(heights)
    assert seen and seen == sorted(seen) and seen[-1] == 1.0 and len(seen) <= 100
    assert len({int(100 * f) for f in seen}) == len(seen)
