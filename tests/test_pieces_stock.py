"""Bigger parts in an inventory (settings ``custom_parts``) and each piece family drawn as it
looks: the packing never uses more of a size and colour than owned in limited mode, every
stud is still covered once in its own colour, the counts, missing and wanted lists speak in
parts, and the PNG / PDF overview draw round vs square, tile vs plate vs brick differently."""
import csv
import io
import json
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from legoremix import cli, export, instructions, palettes, pieces, pipeline
from legoremix.match import InventoryError
from legoremix.settings import Settings, SettingsError

PLATES = ("1x1", "1x2", "1x4", "2x2", "2x4")
RED, BLACK, WHITE = 5, 11, 1


def assert_sentence(msg):
    assert msg[0].isupper() and msg.endswith(".") and "\n" not in msg, msg


def check_cover(parts, labels, w, h, palette, piece, section):
    """Every stud covered once by a part of its own colour, made in it, within one section."""
    owner = {}
    for k, p in enumerate(parts):
        c = next(c for c in palette.colors if c.hex == p["color"])
        assert pieces.exists(piece, pieces.name_of(p["w"], p["h"]), c.bricklink_id)
        assert p["part"] == pieces.part_number(piece, p["w"], p["h"])
        assert p["x"] // section == (p["x"] + p["w"] - 1) // section
        assert p["y"] // section == (p["y"] + p["h"] - 1) // section
        for y in range(p["y"], p["y"] + p["h"]):
            for x in range(p["x"], p["x"] + p["w"]):
                assert (x, y) not in owner
                owner[(x, y)] = k
                assert palette.colors[labels[y * w + x]].hex == p["color"]
    assert len(owner) == w * h


def used(parts, palette):
    """(BrickLink id, size name) -> parts of it."""
    by_hex = {c.hex: c.bricklink_id for c in palette.colors}
    out = {}
    for p in parts:
        key = (by_hex[p["color"]], pieces.name_of(p["w"], p["h"]))
        out[key] = out.get(key, 0) + 1
    return out


# -- the data model ---------------------------------------------------------------------------

def test_only_the_familys_parts_in_allowed_sizes_count():
    owned = {"3020": {RED: 4}, "87079": {RED: 2}, "3024": {RED: 10}, "3001": {RED: 3}}
    assert pieces.owned_parts(owned, "square-plate", ("1x1", "2x4")) == ({RED: 10}, {(RED, "2x4"): 4})
    assert pieces.owned_parts(owned, "square-tile", ("1x1", "2x4")) == ({}, {(RED, "2x4"): 2})
    assert pieces.owned_parts(owned, "brick", ("1x1", "2x4")) == ({}, {(RED, "2x4"): 3})
    assert pieces.owned_parts(owned, "square-plate", ("1x1",)) == ({RED: 10}, {})  # 2x4 not allowed
    # round plates borrow the square plates for flat areas, but their 1x1 is the round one
    assert pieces.owned_parts(owned, "round-plate", ("1x1", "2x4")) == ({}, {(RED, "2x4"): 4})
    custom, stock = pieces.with_parts({RED: 1, BLACK: 2}, owned, "square-plate", ("1x1", "2x4"))
    assert custom == {RED: 1 + 10 + 4 * 8, BLACK: 2} and stock == {(RED, "2x4"): 4}


def test_settings_read_and_check_bigger_parts():
    s = Settings.from_dict({"custom_parts": {"3020": {"5": 20, 11: 3}, " 3022 ": {"5": 0}}, "sets": {}})
    assert s.custom_parts == {"3020": {RED: 20, BLACK: 3}}
    assert s.inventory_problem() is None  # bigger parts alone are something to build with
    assert Settings.from_dict(json.loads(json.dumps(s.to_dict()))) == s
    for bad in ({"3020": {"5": -1}}, {"3020": {"5": 1.5}}, {"9999": {"5": 1}}, {"3020": {"nope": 1}},
                {"3020": [1]}, [1]):
        with pytest.raises(SettingsError) as e:
            Settings.from_dict({"custom_parts": bad})
        assert e.value.fields == ["custom_parts"]
        assert_sentence(str(e.value))


# -- the packing within the parts owned ---------------------------------------------------------

@st.composite
def owned_mosaics(draw):
    w, h = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    ids = (RED, BLACK, WHITE)
    n = draw(st.integers(1, 3))
    # blocks of colour so that bigger parts fit, with some noise
    block = draw(st.integers(1, 4))
    base = draw(st.lists(st.integers(0, n - 1), min_size=w * h, max_size=w * h))
    labels = [base[(y // block * block) * w + (x // block * block)] for y in range(h) for x in range(w)]
    stock = {(ids[j], s): draw(st.integers(0, 4)) for j in range(n) for s in PLATES[1:]}
    section = draw(st.sampled_from([4, 8, 16]))
    return w, h, labels, [ids[j] for j in range(n)], stock, section


@hsettings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(owned_mosaics())
def test_owned_sizes_never_exceeded_and_every_stud_covered_once(case):
    w, h, labels, ids, stock, section = case
    pal = palettes.palette_from_inventory({bl: w * h for bl in ids})
    labels = [pal.colors.index(palettes.colors()[ids[j]]) for j in labels]
    parts = pieces.pack_mosaic(labels, (w, h), pal, "square-plate", PLATES, section, None, None, stock)
    check_cover(parts, labels, w, h, pal, "square-plate", section)
    got = used(parts, pal)
    if any(stock.values()):  # limited to what is owned
        for (bl, size), n in got.items():
            if size != "1x1":
                assert n <= stock.get((bl, size), 0), (bl, size, n)
    # never fewer parts than the unlimited packing: the limit only takes parts away
    free = pieces.pack_mosaic(labels, (w, h), pal, "square-plate", PLATES, section)
    assert len(parts) >= len(free)


def test_without_owned_bigger_parts_limited_mode_packs_freely():
    pal = palettes.palette_from_inventory({RED: 64})
    labels = [0] * 64
    free = pieces.pack_mosaic(labels, (8, 8), pal, "square-plate", PLATES, 8)
    assert pieces.pack_mosaic(labels, (8, 8), pal, "square-plate", PLATES, 8, None, None, {}) == free
    assert len(free) == 8  # eight 2x4 plates (to buy)
    limited = pieces.pack_mosaic(labels, (8, 8), pal, "square-plate", PLATES, 8, None, None,
                                 {(RED, "2x4"): 1, (RED, "2x2"): 2})
    assert used(limited, pal) == {(RED, "2x4"): 1, (RED, "2x2"): 2, (RED, "1x1"): 48}  # sizes not owned: unused
    # unlimited palettes buy whatever fits: the parts owned do not limit them
    unl = palettes.unlimited_palette("square-plate")
    j = [c.bricklink_id for c in unl.colors].index(RED)
    assert len(pieces.pack_mosaic([j] * 64, (8, 8), unl, "square-plate", PLATES, 8, None, None,
                                  {(RED, "2x4"): 1})) == 8


# -- the whole engine: stock check, counts, missing and wanted lists in parts ----------------

@pytest.fixture(scope="module")
def owned(photos):
    """A set plus bigger plates in its two most used colours (limited mode)."""
    free = pipeline.make_mosaic(photos["astronaut.png"], sets=["31197"], size=(48, 48), piece="square-plate",
                                sizes=PLATES)
    tally = used(free.parts, palettes.Palette(free.palette, [0] * len(free.palette)))
    top = sorted(((n, k) for k, n in tally.items() if k[1] != "1x1"), reverse=True)[:2]
    custom_parts = {}
    for n, (bl, size) in top:
        custom_parts.setdefault(pieces.part_number("square-plate", *pieces.size_of(size)), {})[bl] = max(1, n // 3)
    m = pipeline.make_mosaic(photos["astronaut.png"], sets=["31197"], size=(48, 48), piece="square-plate",
                             sizes=PLATES, custom_parts=custom_parts)
    return free, m, custom_parts, top


def test_engine_uses_no_more_bigger_parts_than_owned(owned):
    free, m, custom_parts, top = owned
    pal = palettes.Palette(m.palette, m.stock)
    labels = [j for row in m.grid for j in row]
    check_cover(m.parts, labels, 48, 48, pal, "square-plate", 16)
    got = used(m.parts, pal)
    limit = {(bl, size): n for n, (bl, size) in ((custom_parts[pieces.part_number("square-plate", *pieces.size_of(s))][bl],
                                                  (bl, s)) for _, (bl, s) in top)}
    for (bl, size), n in got.items():
        if size != "1x1":
            assert n <= limit.get((bl, size), 0)
    assert any(got.get(k) for k in limit)  # the parts owned are used
    # the colour's stock counts the studs of its owned parts (what the matcher may use)
    for bl, parts in ((bl, {s: n for (b, s), n in limit.items() if b == bl}) for bl, _ in limit):
        j = [c.bricklink_id for c in m.palette].index(bl)
        set_studs = palettes.find_set("31197").studs.get(bl, 0)
        assert m.stock[j] == set_studs + sum(pieces.size_of(s)[0] * pieces.size_of(s)[1] * n for s, n in parts.items())


def test_counts_missing_and_wanted_lists_speak_in_parts(owned):
    _, m, _, _ = owned
    d = m.to_dict()
    rows = d["part_list"]
    by_key = {(r["color"], r["size"]): r for r in rows}
    tally = {}
    for p in m.parts:
        key = (p["color"], pieces.name_of(p["w"], p["h"]))
        tally[key] = tally.get(key, 0) + 1
    assert {k: r["used"] for k, r in by_key.items() if r["used"]} == tally
    owned_rows = {(r["color"], r["size"]): r["count"] for r in d["part_stock"]}
    for key, r in by_key.items():
        assert r["missing"] == max(0, r["used"] - r["have"])
        if key[1] != "1x1":
            assert r["have"] == owned_rows.get(key, 0) and r["missing"] == 0  # limited: never beyond the owned
    # 1x1s: the colour's studs less those of its owned bigger parts
    for c, s in zip(m.palette, m.stock):
        big = sum(pieces.size_of(sz)[0] * pieces.size_of(sz)[1] * n for (hx, sz), n in owned_rows.items() if hx == c.hex)
        if (c.hex, "1x1") in by_key:
            assert by_key[(c.hex, "1x1")]["have"] == s - big
    # the CSV, BrickLink and Rebrickable lists: exactly these parts, per size and colour
    csv_rows = list(csv.DictReader(io.StringIO(export.parts_csv(m))))
    assert {(r["hex"], r["size"]): int(r["count"]) for r in csv_rows} == tally
    assert {(r["hex"], r["size"]): int(r["missing"]) for r in csv_rows} == \
        {k: r["missing"] for k, r in by_key.items() if r["used"]}
    items = ET.fromstring(export.bricklink_xml(m, only_missing=False)).findall("ITEM")
    by_id = {c.bricklink_id: c.hex for c in m.palette}
    assert {(by_id[int(i.find("COLOR").text)], i.find("ITEMID").text): int(i.find("MINQTY").text) for i in items} == \
        {(k[0], pieces.part_number("square-plate", *pieces.size_of(k[1])) if k[1] != "1x1" else "3024"): n
         for k, n in tally.items()}
    missing = [r for r in rows if r["missing"]]
    if missing:
        wanted = export.wanted_parts(m, only_missing=True)
        assert {(c.hex, p): n for c, p, n in wanted} == {(r["color"], r["part"]): r["missing"] for r in missing}
    # mosaic.json round trip keeps the owned parts
    again = pipeline.Mosaic.from_dict(json.loads(m.to_json()))
    assert again.to_dict()["part_list"] == rows


def test_unlimited_mode_buys_what_is_not_owned(photos):
    owned = {"3020": {BLACK: 2}}
    m = pipeline.make_mosaic(photos["astronaut.png"], unlimited=True, custom={BLACK: 10}, size=(32, 32),
                             piece="square-plate", sizes=PLATES, custom_parts=owned)
    free = pipeline.make_mosaic(photos["astronaut.png"], unlimited=True, custom={BLACK: 10}, size=(32, 32),
                                piece="square-plate", sizes=PLATES)
    assert len(m.parts) == len(free.parts)  # the packing is not limited
    black = palettes.colors()[BLACK].hex
    row = next(r for r in m.to_dict()["part_list"] if r["color"] == black and r["size"] == "2x4")
    assert row["have"] == 2 and row["missing"] == max(0, row["used"] - 2)
    one = next(r for r in m.to_dict()["part_list"] if r["color"] == black and r["size"] == "1x1")
    assert one["have"] == 10


def test_studs_running_out_is_the_usual_inventory_error(photos):
    with pytest.raises(InventoryError) as e:
        pipeline.make_mosaic(photos["coffee.png"], size=(16, 16), piece="square-plate", sizes=PLATES,
                             custom={RED: 10}, custom_parts={"3020": {RED: 5}})  # 10 + 40 studs < 256
    assert_sentence(str(e.value))


def test_cli_custom_part(tmp_path, capsys):
    from helpers import photo_path
    out = tmp_path / "o"
    assert cli.main([photo_path("coffee.png"), "--set", "31197", "--sizes", "1x1,1x2,2x2,2x4", "--piece",
                     "square-plate", "--custom-part", "3020:11=3", "--custom-part", "3020:11=2",
                     "--out", str(out)]) == 0
    d = json.loads((out / "mosaic.json").read_text())
    black = palettes.colors()[BLACK].hex
    assert {(r["color"], r["part"], r["count"]) for r in d["part_stock"]} == {(black, "3020", 5)}
    assert sum(1 for p in d["parts"] if p["part"] == "3020" and p["color"] == black) <= 5
    assert sum(p["w"] * p["h"] for p in d["parts"]) == d["width"] * d["height"]
    capsys.readouterr()
    assert cli.main([photo_path("coffee.png"), "--set", "31197", "--custom-part", "3020=5", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("legoremix: error: ") and "PART:BRICKLINK_COLOR_ID=COUNT" in err


# -- each family drawn as it looks ---------------------------------------------------------------

FAMILIES = list(palettes.PIECES)


def test_every_family_has_its_own_look():
    looks = {f: pieces.looks(f) for f in FAMILIES}
    assert len(set(looks.values())) == len(FAMILIES)
    assert looks["round-tile"][0] and looks["round-plate"][0] and not looks["square-plate"][0]
    assert not looks["round-tile"][1] and looks["round-plate"][1] and looks["brick"][2]
    assert pieces.looks("round-plate", 2, 4)[0] is False  # bigger parts of round families are square


@pytest.mark.parametrize("hex_", ["#212121", "#c91a09", "#ffffff"])
def test_png_studs_differ_between_families_and_black_shows(hex_):
    rgb = tuple(int(hex_[i:i + 2], 16) for i in (1, 3, 5))
    base = (27, 27, 27)
    sprites = {}
    for f in FAMILIES:
        round_, stud, tall = pieces.looks(f)
        rows = export.piece_sprite(rgb, base, 20, round_, stud, 15, tall)
        assert rows[10][30:33] == bytes(rgb)  # the centre pixel is the piece's own colour
        sprites[f] = b"".join(rows)
        # light and shadow: some pixels clearly lighter than the colour, some darker
        px = [tuple(sprites[f][i:i + 3]) for i in range(0, len(sprites[f]), 3)]
        assert max(sum(p) for p in px) > sum(rgb) + 60 or sum(rgb) > 700
        assert min(sum(p) for p in px if p != base) < sum(rgb) - 20 or sum(rgb) < 120
    assert len(set(sprites.values())) == len(FAMILIES)
    # a black piece stands out on the dark baseplate: its highlight is far lighter than the plate
    if hex_ == "#212121":
        for f, data in sprites.items():
            assert max(data) > 100, f


def test_png_and_pdf_overview_draw_each_family(photos):
    pytest.importorskip("fpdf")
    pypdf = pytest.importorskip("pypdf")
    m = pipeline.make_mosaic(photos["coffee.png"], sets=["31197"], size=(16, 16))
    pngs, overviews = {}, {}
    for f in FAMILIES:
        mf = replace(m, piece=f)  # the same studs, drawn as another family
        pngs[f] = export.render_png(mf, cell=12)
        reader = pypdf.PdfReader(io.BytesIO(instructions.pdf(mf, section=16)))
        overviews[f] = reader.pages[1].get_contents().get_data()
    assert len(set(pngs.values())) == len(FAMILIES)
    assert len(set(overviews.values())) == len(FAMILIES)
    ops = {f: [line.split()[-1] for line in d.decode("latin-1").splitlines() if line.split()]
           for f, d in overviews.items()}
    # plates and bricks: a stud ring (two strokes) on every stud; tiles: smooth, a highlight fill
    for f in ("square-plate", "round-plate", "brick"):
        assert ops[f].count("S") >= 2 * 256, f
    for f in ("square-tile", "round-tile"):
        assert ops[f].count("S") < 10 and ops[f].count("f") >= 2 * 256, f
    assert ops["brick"].count("f") >= ops["square-plate"].count("f") + 2 * 256  # the taller sides' shade
