"""Inventories read from where people keep them (legoremix.inventory_io): our JSON, BrickLink
XML and Rebrickable CSV; round trips through our own exports; bad files as sentences; colours
switched off; the CLI flag and the worker entry."""
import json
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from helpers import photo_path
from legoremix import _array, browser, cli, export, inventory_io as io, palettes, pieces, pipeline, project
from legoremix.settings import Settings, SettingsError

KNOWN = sorted(palettes.colors())
REBRICKABLE = sorted(k for k, c in palettes.colors().items() if c.rebrickable_id is not None)


def read(text, name="list"):
    return io.parse(text.encode() if isinstance(text, str) else text, name)


# --- our JSON ------------------------------------------------------------------------------

BIGGER = sorted(p for p in pieces.known_parts() if p not in io.one_by_one_parts())


@hsettings(max_examples=40, deadline=None)
@given(custom=st.dictionaries(st.sampled_from(KNOWN), st.integers(0, 10_000), max_size=12),
       disabled=st.lists(st.sampled_from(KNOWN), max_size=5),
       sets=st.dictionaries(st.sampled_from(sorted(palettes.sets())), st.integers(0, 50), max_size=3),
       parts=st.dictionaries(st.sampled_from(BIGGER), st.dictionaries(st.sampled_from(KNOWN), st.integers(1, 500),
                                                                      min_size=1, max_size=3), max_size=3))
def test_json_round_trip_gives_the_same_inventory(custom, disabled, sets, parts):
    r = read(io.dumps(sets, custom, disabled, parts))
    assert r.kind == "json" and r.notes == []
    assert r.custom == custom and r.sets == sets and r.disabled == sorted(set(disabled)) and r.parts == parts


def test_json_is_checked_like_settings():
    bad = json.dumps({"format": io.FORMAT, "version": 1, "sets": {"nope": 1}, "custom": {"11": -3}})
    with pytest.raises(io.InventoryFileError) as e:
        read(bad, "mine.json")
    assert "“mine.json” cannot be used" in str(e.value)
    assert "nope" in str(e.value) and "Black" in str(e.value)  # every problem, in words


@pytest.mark.parametrize("text, words", [
    ('{"sets": {}}', "not a legoremix inventory"),
    ('[1, 2]', "not a legoremix inventory"),
    ('{"format": "legoremix-inventory", "version": 99, "custom": {}}', "newer version"),
    ('{"format": "legoremix-inventory", "version": 1, ', "not valid JSON"),
])
def test_json_that_is_not_ours(text, words):
    with pytest.raises(io.InventoryFileError, match=words):
        read(text)


# --- BrickLink / Rebrickable: our own exports read back -------------------------------------

@pytest.fixture(scope="module")
def mosaics():
    owned = {11: 100, 1: 50, 86: 40}  # Black, White, Light Bluish Gray loose pieces
    out = {}
    for piece in ("round-tile", "square-plate"):
        out[piece] = pipeline.make_mosaic(photo_path("astronaut.png"), custom=owned, unlimited=True,
                                          size=(24, 16), piece=piece)
    return out


@pytest.mark.parametrize("piece", ["round-tile", "square-plate"])
@pytest.mark.parametrize("only_missing", [False, True])
def test_bricklink_and_rebrickable_exports_read_back_as_the_same_counts(mosaics, piece, only_missing):
    m = mosaics[piece]
    want = dict(m.missing) if only_missing else {c.bricklink_id: n for c, n in zip(m.palette, m.counts) if n}
    assert want
    xml = read(export.bricklink_xml(m, only_missing), "bricklink.xml")
    assert xml.kind == "bricklink" and xml.custom == want and xml.notes == []
    if all(palettes.colors()[k].rebrickable_id is not None for k in want):
        rb = read(export.rebrickable_csv(m, only_missing), "rebrickable.csv")
        assert rb.kind == "rebrickable" and rb.custom == want and rb.notes == []


def test_shopping_lists_with_bigger_parts_read_back_as_loose_pieces_and_parts():
    m = pipeline.make_mosaic(photo_path("astronaut.png"), unlimited=True, size=(24, 16), piece="square-plate",
                             sizes=("1x1", "1x2", "2x2", "2x4"))
    rows = export.wanted_parts(m, False)
    ones = {c.bricklink_id: n for c, p, n in rows if p == "3024"}
    bigger: dict = {}
    for c, p, n in rows:
        if p != "3024":
            bigger.setdefault(p, {})[c.bricklink_id] = bigger.get(p, {}).get(c.bricklink_id, 0) + n
    assert bigger, "the packing used no bigger parts"
    for text in (export.bricklink_xml(m, False), export.rebrickable_csv(m, False)):
        r = read(text)
        assert r.custom == ones and r.parts == bigger and r.notes == []
    # and they are valid settings: the engine takes them as they are
    s = Settings.from_dict({"custom": r.custom, "custom_parts": r.parts})
    assert s.custom_parts == bigger


def test_imported_pieces_build_the_same_mosaic_as_typed_ones(mosaics):
    """The counts of a wanted list, imported as loose pieces, are exactly enough for it."""
    m = mosaics["round-tile"]
    inv = read(export.bricklink_xml(m, False))
    again = pipeline.make_mosaic(photo_path("astronaut.png"), custom=inv.custom, size=(24, 16))
    assert sum(again.counts) == 24 * 16
    assert all(n <= inv.custom[c.bricklink_id] for c, n in zip(again.palette, again.counts))


def test_bricklink_inventory_upload_spellings_and_other_items():
    text = """<?xml version="1.0" encoding="UTF-8"?>
<INVENTORY>
 <ITEM><ITEMTYPE>P</ITEMTYPE><ITEMID>98138</ITEMID><COLOR>11</COLOR><QTY>30</QTY></ITEM>
 <ITEM><ITEMTYPE>P</ITEMTYPE><ITEMID>6141</ITEMID><COLOR>11</COLOR><MINQTY>5</MINQTY></ITEM>
 <ITEM><ITEMTYPE>P</ITEMTYPE><ITEMID>3024</ITEMID><COLOR>5</COLOR><QTY>7</QTY></ITEM>
 <ITEM><ITEMTYPE>P</ITEMTYPE><ITEMID>3001</ITEMID><COLOR>5</COLOR><QTY>4</QTY></ITEM>
 <ITEM><ITEMTYPE>P</ITEMTYPE><ITEMID>3039</ITEMID><COLOR>5</COLOR><QTY>1</QTY></ITEM>
 <ITEM><ITEMTYPE>S</ITEMTYPE><ITEMID>31197-1</ITEMID><QTY>1</QTY></ITEM>
 <ITEM><ITEMTYPE>P</ITEMTYPE><ITEMID>98138</ITEMID><COLOR>9999</COLOR><QTY>2</QTY></ITEM>
</INVENTORY>"""
    r = read(text, "upload.xml")
    assert r.custom == {11: 35, 5: 7}  # 6141 is the old number of the round plate 4073
    notes = " ".join(r.notes)
    assert "2 parts that are not mosaic pieces (1x1 pieces, plates, tiles or bricks) were left out " \
           "(3039 and 31197-1 (item type S))" in notes
    assert r.parts == {"3001": {5: 4}}  # a 2x4 brick: one of the bigger parts
    assert "2 pieces in BrickLink colour 9999 were left out" in notes
    assert "counted together" in notes  # round and square pieces share a colour's count


def test_rebrickable_own_export_spelling():
    text = "part_num,color_id,quantity,is_spare\n98138,0,12,False\n98138,0,1,True\n3070b,71,4,False\n"
    r = read(text, "set.csv")
    assert r.custom == {11: 13, 86: 4}  # Rebrickable 0 = Black (BrickLink 11), 71 = Light Bluish Gray (86)


def test_rebrickable_semicolon_csv():
    assert read("Part;Color;Quantity\n98138;15;3\n").custom == {1: 3}


# --- bad files -----------------------------------------------------------------------------

@pytest.mark.parametrize("data, words", [
    (b"\x89PNG\r\n\x1a\n\x00\xff\xfe", "not text"),
    (b"", "empty"),
    (b"   \n", "empty"),
    (b"<html><body>hi</body></html>", "not a BrickLink list"),
    (b"<INVENTORY><ITEM>", "not well-formed XML"),
    (b'<!DOCTYPE x [<!ENTITY a "aaaa">]><INVENTORY/>', "document type"),
    (b"name,age\nann,3\n", "no Part, Color or Quantity column"),
    (b"Part,Color,Quantity\n98138,0,many\n", "quantity on line 2 is “many”"),
    (b"Part,Color,Quantity\n98138,black,3\n", "colour on line 2 is “black”"),
    (b"Part,Color,Quantity\n98138,0,-3\n", "negative"),
    (b"Part,Color,Quantity\n3039,4,3\n3040,4,1\n", "no mosaic pieces .* 4 parts .* \\(3039 and 3040\\)"),
    (b"Part,Color,Quantity\n98138,9999,3\n98138,8888,1\n", "Rebrickable colours 8888 and 9999 were left out"),
    (b"<INVENTORY></INVENTORY>", "lists no parts"),
    (b"Part,Color,Quantity\n98138,0,2000000\n", "more than 1,000,000 Black pieces"),
])
def test_bad_files_get_a_sentence(data, words):
    with pytest.raises(io.InventoryFileError, match=words) as e:
        io.parse(data, "pieces.csv")
    msg = str(e.value)
    assert (msg[0].isupper() or msg.startswith("“pieces.csv”")) and msg.rstrip().endswith((".", ")")) and "Traceback" not in msg


def test_huge_files_are_refused_before_reading():
    with pytest.raises(io.InventoryFileError, match="5.0 MB"):
        io.parse(b"Part,Color,Quantity\n" + b"98138,0,1\n" * 500_001, "huge.csv")
    with pytest.raises(io.InventoryFileError, match="at most 100,000"):
        io.parse(("<INVENTORY>" + "<ITEM/>" * (io.MAX_ROWS + 1) + "</INVENTORY>").encode(), "many.xml")
    with pytest.raises(io.InventoryFileError, match="at most 100,000"):
        io.parse(b"Part,Color,Quantity\n" + b"1,1,1\n" * (io.MAX_ROWS + 1), "many.csv")


# --- colours switched off ------------------------------------------------------------------

def test_disabled_is_a_checked_setting():
    s = Settings.from_dict({"disabled": [11, 5, 11]})
    assert s.disabled == (5, 11) and s.to_dict()["disabled"] == [5, 11]
    assert Settings.from_dict(s.to_dict()) == s
    for bad in ([9999], "11", [True], [1.5]):
        with pytest.raises(SettingsError) as e:
            Settings.from_dict({"disabled": bad})
        assert e.value.fields == ["disabled"]


@pytest.mark.parametrize("path", ["numpy", "pure"])
@pytest.mark.parametrize("unlimited", [False, True])
def test_a_switched_off_colour_is_never_used(path, unlimited):
    if path == "numpy":
        pytest.importorskip("numpy")
    from legoremix.image import load
    img = load(photo_path("astronaut.png"), max_side=64)
    with _array.force(path):
        p = pipeline.Pipeline()
        p.set_image(img)
        base = {"size": [16, 16], "sets": {"31197": 1}, "unlimited": unlimited}
        project.configure(p, base)
        first = p.run()
        used = [c.bricklink_id for c, n in sorted(zip(first.palette, first.counts), key=lambda t: -t[1]) if n]
        off = used[:2]
        project.configure(p, {**base, "disabled": off})
        m = p.run()
    assert not set(off) & {c.bricklink_id for c in m.palette}
    assert sum(m.counts) == 16 * 16
    if not unlimited:
        assert all(n <= s for n, s in zip(m.counts, m.stock))


def test_switching_every_colour_off_says_what_to_do():
    s = {"size": [4, 4], "sets": {}, "custom": {"11": 20}, "disabled": [11]}
    p = pipeline.Pipeline()
    with pytest.raises(ValueError, match="switch at least one colour on"):
        project.configure(p, s)


# --- CLI and the worker entry --------------------------------------------------------------

def test_cli_inventory_flag(tmp_path, capsys):
    f = tmp_path / "mine.csv"
    f.write_text("Part,Color,Quantity\n98138,0,300\n98138,15,300\n3039,4,9\n")
    assert cli.main([photo_path("chelsea.png"), "--inventory", str(f), "--size", "16x16", "--out", str(tmp_path)]) == 0
    d = json.loads((tmp_path / "mosaic.json").read_text())
    assert set(d["stock"]) == {"#212121", "#ffffff"} and d["stock"]["#212121"] == 300
    assert "9 parts that are not mosaic pieces (1x1 pieces, plates, tiles or bricks) were left out (3039)" \
        in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("hello\n")
    assert cli.main([photo_path("chelsea.png"), "--inventory", str(bad), "--out", str(tmp_path)]) == 2
    assert "“bad.csv” is not a Rebrickable parts list" in capsys.readouterr().err


def test_cli_inventory_json_brings_sets_and_switched_off_colours(tmp_path):
    f = tmp_path / "inventory.json"
    f.write_text(io.dumps({"31197": 1}, {"59": 40}, [11]))
    assert cli.main([photo_path("chelsea.png"), "--inventory", str(f), "--size", "16x16", "--out", str(tmp_path)]) == 0
    d = json.loads((tmp_path / "mosaic.json").read_text())
    assert "#212121" not in d["stock"] and d["stock"]["#6a0e15"] >= 40  # Black off; Dark Red owned


def test_worker_entry_imports_exports_and_lists_what_to_buy():
    r = json.loads(browser.inventory("import", json.dumps({"name": "a.csv"}), b"Part,Color,Quantity\n98138,0,7\n"))
    assert r["custom"] == {"11": 7} and r["kind"] == "rebrickable" and r["pieces"] == 7
    assert "error" in json.loads(browser.inventory("import", "{}", b"nonsense"))
    s = Settings.from_dict({"sets": {"31197": 2}, "custom": {"11": 5}, "disabled": [1]}).to_dict()
    data = browser.inventory("export", json.dumps({"settings": s}))
    back = io.parse(data)
    assert (back.sets, back.custom, back.disabled) == (Settings.from_dict(s).sets, {11: 5}, [1])
    from legoremix.image import load
    browser._pipeline.set_image(load(photo_path("chelsea.png"), max_side=64))
    out = json.loads(browser.compute(json.dumps({"size": [12, 12], "sets": {}, "custom": {"11": 10},
                                                  "unlimited": True})))
    assert "error" not in out
    buy = json.loads(browser.inventory("buy", json.dumps({"only_missing": True})))["rows"]
    missing = {palettes.colors()[r["id"]].hex: r["quantity"] for r in buy}
    assert missing == out["missing"] and all(r["part"] == "98138" for r in buy)
    xml = ET.fromstring(browser.export_file("bricklink", json.dumps({"only_missing": True})).decode())
    assert {int(i.find("COLOR").text): int(i.find("MINQTY").text) for i in xml} == {r["id"]: r["quantity"] for r in buy}
