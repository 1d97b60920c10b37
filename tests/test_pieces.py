"""Bigger pieces through the whole engine: the packing stage, settings, CLI and every
export list exactly the parts of the packing."""
import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest

from legoremix import _array, cli, export, instructions, packing, pieces, pipeline, project
from legoremix.settings import Settings, SettingsError

ALL = tuple(pieces.all_sizes())


def assert_sentence(msg):
    assert msg[0].isupper() and msg.endswith(".") and "\n" not in msg, msg


def check_parts(m, section=16):
    """Every stud covered once by a part of its own colour, no part across a section, every
    part made in its colour and size, and never more parts than greedy largest-first."""
    owner = {}
    by_hex = {c.hex: c for c in m.palette}
    for k, p in enumerate(m.parts):
        size = pieces.name_of(p["w"], p["h"])
        assert pieces.exists(m.piece, size, by_hex[p["color"]].bricklink_id), p
        assert p["part"] == pieces.part_number(m.piece, p["w"], p["h"])
        assert p["x"] // section == (p["x"] + p["w"] - 1) // section
        assert p["y"] // section == (p["y"] + p["h"] - 1) // section
        for y in range(p["y"], p["y"] + p["h"]):
            for x in range(p["x"], p["x"] + p["w"]):
                assert (x, y) not in owner
                owner[(x, y)] = k
                assert m.palette[m.grid[y][x]].hex == p["color"]
    assert len(owner) == m.width * m.height
    greedy = 0
    for j, c in enumerate(m.palette):
        cells = [(x, y) for y, row in enumerate(m.grid) for x, v in enumerate(row) if v == j]
        allowed = [pieces.size_of(s) for s in m.options["sizes"] if pieces.exists(m.piece, s, c.bricklink_id)]
        greedy += len(packing.greedy(cells, allowed, section)) if cells else 0
    assert len(m.parts) <= greedy


@pytest.fixture(scope="module")
def plates(photos):
    return pipeline.make_mosaic(photos["astronaut.png"], unlimited=True, size=(48, 48), piece="square-plate",
                                sizes=ALL)


@pytest.mark.parametrize("piece", ["square-plate", "square-tile", "brick", "round-tile", "round-plate"])
def test_every_family_packs_correctly(photos, piece):
    m = pipeline.make_mosaic(photos["coffee.png"], unlimited=True, size=(40, 24), piece=piece, sizes=ALL,
                             dither="floyd-steinberg")
    check_parts(m)
    assert len(m.parts) < 40 * 24


def test_flat_areas_save_most_parts(plates):
    check_parts(plates)
    assert pieces.summary(plates)["saving"] > 50


def test_one_by_one_only_has_no_parts(photos):
    m = pipeline.make_mosaic(photos["coffee.png"], sets=["31197"], size=(32, 32))
    assert m.parts is None and "parts" not in m.to_dict()


def test_sizes_not_made_in_a_colour_are_not_used():
    # Coral (220) is made as a 1x1 and 1x2 tile but not as a 2x4 tile in the catalogue
    assert pieces.exists("square-tile", "1x2", 220) and not pieces.exists("square-tile", "2x4", 220)
    from legoremix.image import RGBA
    img = RGBA(16, 16, bytes([0xf8, 0x83, 0x79, 255]) * 256)
    m = pipeline.make_mosaic(img, unlimited=True, size=(16, 16), piece="square-tile", sizes=("1x1", "1x2", "2x4"))
    assert {p["color"] for p in m.parts} == {"#f88379"}
    assert {(p["w"], p["h"]) for p in m.parts} <= {(1, 1), (1, 2), (2, 1)}
    check_parts(m)


def test_same_parts_on_both_paths(photos):
    out = []
    for path in ("numpy", "pure"):
        with _array.force(path):
            out.append(pipeline.make_mosaic(photos["chelsea.png"], unlimited=True, size=(32, 32),
                                            piece="brick", sizes=ALL).parts)
    assert out[0] == out[1]


def test_only_the_pieces_stage_reruns_when_sizes_change(photos):
    p = pipeline.Pipeline()
    p.set_image(photos["chelsea.png"])
    project.configure(p, {"unlimited": True, "size": [32, 32], "piece": "square-plate"})
    p.run()
    before = dict(p.stage_runs)
    project.configure(p, {"unlimited": True, "size": [32, 32], "piece": "square-plate", "sizes": ["1x1", "2x2"]})
    m = p.run()
    assert {k for k in p.stage_runs if p.stage_runs[k] != before.get(k)} == {"pieces"}
    check_parts(m)


def test_weights_give_the_cheapest_packing(photos):
    kw = dict(unlimited=True, size=(32, 32), piece="square-plate", sizes=ALL)
    fewest = pipeline.make_mosaic(photos["chelsea.png"], **kw)
    weights = {s: 1 for s in ALL}
    weights["2x8"] = weights["4x4"] = 10  # big parts made expensive: hardly worth it
    cheap = pipeline.make_mosaic(photos["chelsea.png"], part_costs=weights, **kw)
    check_parts(cheap)
    cost = {pieces.size_of(k): v for k, v in weights.items()}
    total = lambda m: packing.total_cost([packing.Rect(p["x"], p["y"], p["w"], p["h"]) for p in m.parts], cost)
    assert total(cheap) < total(fewest)
    assert len(cheap.parts) >= len(fewest.parts)


def test_relief_parts_stay_at_one_height(photos):
    m = pipeline.make_mosaic(photos["astronaut.png"], unlimited=True, size=(16, 16), piece="square-tile", sizes=ALL)
    heights = [[(x // 3 + y // 5) % 3 for x in range(16)] for y in range(16)]
    labels = [j for row in m.grid for j in row]
    pal = pipeline.build_palette(unlimited=True, piece="square-tile")[0]
    parts = pieces.pack_mosaic(labels, (16, 16), pal, "square-tile", ALL, 16, None, heights)
    for p in parts:
        assert len({heights[y][x] for y in range(p["y"], p["y"] + p["h"]) for x in range(p["x"], p["x"] + p["w"])}) == 1


def test_settings_check_sizes_and_weights():
    s = Settings.from_dict({"sizes": ["2x1", "1x1", "2x2", "1x1"], "part_costs": {"1x2": 1.5}})
    assert s.sizes == ("1x1", "1x2", "2x2") and s.part_costs == {"1x2": 1.5}
    assert Settings.from_dict(s.to_dict()) == s
    for bad in ({"sizes": ["1x2"]}, {"sizes": ["3x3", "1x1"]}, {"sizes": "1x1"}, {"sizes": ["big", "1x1"]},
                {"part_costs": {"1x2": -1}}, {"part_costs": {"1x2": "cheap"}}, {"part_costs": [1]}):
        with pytest.raises(SettingsError) as e:
            Settings.from_dict(bad)
        assert_sentence(str(e.value))


# -- exports list exactly the parts -----------------------------------------------------

def part_tally(m):
    """(BrickLink colour id, part) -> count, from the packing itself."""
    by_hex = {c.hex: c for c in m.palette}
    out = {}
    for p in m.parts:
        key = (by_hex[p["color"]].bricklink_id, p["part"])
        out[key] = out.get(key, 0) + 1
    return out


def test_csv_bricklink_rebrickable_list_the_parts(plates):
    tally = part_tally(plates)
    rows = list(csv.DictReader(io.StringIO(export.parts_csv(plates))))
    assert {(int(r["bricklink_color_id"]), r["part"]): int(r["count"]) for r in rows} == tally
    assert sum(int(r["count"]) for r in rows) == len(plates.parts)
    items = ET.fromstring(export.bricklink_xml(plates, only_missing=False)).findall("ITEM")
    assert {(int(i.find("COLOR").text), i.find("ITEMID").text): int(i.find("MINQTY").text) for i in items} == tally
    by_rb = {c.rebrickable_id: c.bricklink_id for c in plates.palette}
    lines = export.rebrickable_csv(plates, only_missing=False).splitlines()[1:]
    got = {}
    for line in lines:
        part, col, n = line.split(",")
        got[(by_rb[int(col)], part)] = int(n)
    assert got == tally


def test_shopping_list_with_a_set_holds_every_bigger_part(photos):
    m = pipeline.make_mosaic(photos["astronaut.png"], sets=["31197"], size=(48, 48), sizes=("1x1", "1x2", "2x2"))
    check_parts(m)
    items = ET.fromstring(export.bricklink_xml(m)).findall("ITEM")
    missing = {(int(i.find("COLOR").text), i.find("ITEMID").text): int(i.find("MINQTY").text) for i in items}
    bigger = {k: n for k, n in part_tally(m).items() if k[1] != "98138"}
    assert missing == bigger  # the set's round tiles cover every 1x1; no set holds the tiles


def test_ldraw_places_each_part(plates):
    text = export.ldraw(plates)
    placed = [line.split() for line in text.splitlines() if line.startswith("1 ") and "91405.dat" not in line]
    assert len(placed) == len(plates.parts)
    by_ldraw = {c.ldraw_id: c.bricklink_id for c in plates.palette}
    got = {}
    for f in placed:
        key = (by_ldraw[int(f[1])], f[14].removesuffix(".dat"))
        got[key] = got.get(key, 0) + 1
    assert got == part_tally(plates)
    # a 2x4 lying along Y is turned a quarter; its centre is the middle of its footprint
    p = next(p for p in plates.parts if p["w"] < p["h"])
    line = next(f for f in placed if f[2] == str(p["x"] * 20 + p["w"] * 10) and f[4] == str(p["y"] * 20 + p["h"] * 10))
    assert line[5:14] == "0 0 1 0 1 0 -1 0 0".split()


def test_pdf_lists_the_parts(plates):
    pages = instructions.layout(plates, section=16)
    cover = [r for p in pages if p.kind.startswith("cover") for r in p.rows]
    sections = [r for p in pages if p.kind.startswith("section") for r in p.rows]
    assert sum(n for _, n, _ in cover) == len(plates.parts) == sum(n for _, n, _ in sections)
    by_size = {}
    for j, n, size in cover:
        key = (plates.palette[j].bricklink_id, pieces.part_number(plates.piece, *pieces.size_of(size)))
        by_size[key] = by_size.get(key, 0) + n
    assert by_size == part_tally(plates)
    pdf = instructions.pdf(plates, section=16)
    assert pdf.startswith(b"%PDF")


def test_png_draws_part_outlines(plates):
    pil = pytest.importorskip("PIL.Image")
    im = pil.open(io.BytesIO(export.render_png(plates, cell=20))).convert("RGB")
    p = next(p for p in plates.parts if p["w"] >= 2)
    y = p["y"] * 20 + 10
    inner = im.getpixel(((p["x"] + 1) * 20, y))  # where two studs of one part meet: no gap
    assert "#%02x%02x%02x" % inner == p["color"]
    end = im.getpixel(((p["x"] + p["w"]) * 20 - 1, y))  # the part's right end: the gap
    assert end != inner


# -- CLI --------------------------------------------------------------------------------

def test_cli_sizes_write_parts(tmp_path, capsys):
    from helpers import photo_path
    out = tmp_path / "o"
    assert cli.main([photo_path("coffee.png"), "--set", "31197", "--sizes", "1x1,1x2,2x2", "--out", str(out),
                     "--ldraw", "--bricklink"]) == 0
    d = json.loads((out / "mosaic.json").read_text())
    assert sum(p["w"] * p["h"] for p in d["parts"]) == d["width"] * d["height"]
    assert all(set(p) == {"x", "y", "w", "h", "color", "part"} for p in d["parts"])
    assert re.search(r"bigger pieces: \d+ parts instead of 2304 1x1 pieces \(\d+\.\d % fewer\)", capsys.readouterr().out)
    assert cli.main([photo_path("coffee.png"), "--set", "31197", "--out", str(tmp_path / "p")]) == 0
    assert "parts" not in json.loads((tmp_path / "p" / "mosaic.json").read_text())
    assert cli.main([photo_path("coffee.png"), "--set", "31197", "--sizes", "1x2,2x2", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "1x1" in err and err.startswith("legoremix: error: ")
