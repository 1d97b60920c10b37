import json
from pathlib import Path

import pytest

from legoremix import palettes

REF = Path(__file__).resolve().parents[2] / "shared" / "reference"


def test_all_reference_colours_and_sets_are_present():
    assert len(palettes.colors()) >= 88
    assert len(palettes.sets()) == 19


def test_hex_lower_case_and_corrections():
    cols = palettes.colors()
    for c in cols.values():
        assert c.hex == c.hex.lower() and len(c.hex) == 7
    assert cols[150].name == "Medium Nougat" and cols[150].hex == "#aa7d55"
    assert cols[47].name == "Dark Pink" and cols[47].hex == "#c870a0"


def test_ldraw_ids_that_are_easy_to_get_wrong():
    cols = palettes.colors()
    assert (cols[11].name, cols[11].ldraw_id) == ("Black", 0)
    assert (cols[1].name, cols[1].ldraw_id) == ("White", 15)
    assert (cols[86].name, cols[86].ldraw_id) == ("Light Bluish Gray", 71)
    assert (cols[85].name, cols[85].ldraw_id) == ("Dark Bluish Gray", 72)
    ids = [c.ldraw_id for c in cols.values() if c.ldraw_id is not None]
    assert len(ids) == len(set(ids))


def test_set_inventory_matches_reference():
    s = palettes.find_set("31197")
    assert s.total == 3154 and s.canvas == (48, 48) and len(s.studs) == 7
    if REF.exists():
        ref = {r["id"]: r for r in json.loads((REF / "stud_sets.json").read_text())}
        for ls in palettes.sets().values():
            assert ls.total == ref[ls.id]["total_studs"]


def test_combine_sets_copies_and_custom():
    one = palettes.inventory(["31197"])
    two = palettes.inventory(["31197", "31198"], copies={"31197": 2}, custom={11: 5})
    b = palettes.find_set("31198").studs
    assert two[11] == 2 * one[11] + b[11] + 5
    assert sum(two.values()) == 2 * 3154 + 2746 + 5


@pytest.mark.parametrize("call,msg", [
    (lambda: palettes.find_set("99999"), "The set “99999” is not known. Check its number"),
    (lambda: palettes.find_set("41935"), "The set 41935 has several inventories: choose "),
    (lambda: palettes.palette_from_inventory({11: 0}), "Your inventory is empty"),
    (lambda: palettes.palette_from_inventory({11: 3, 99999: 2}), "BrickLink colour “99999” is not known"),
    (lambda: palettes.palette_from_inventory({99998: 3, 99999: 2}), "BrickLink colours “99998” and “99999” are"),
    (lambda: palettes.unlimited_palette("round-tile", [99999]), "BrickLink colour “99999” is not known"),
    (lambda: palettes.combine({11: -1}), "The number of Black pieces cannot be negative"),
    (lambda: palettes.family_colors("duplo"), "This is an unknown piece: “duplo”. Choose round-tile, "),
    (lambda: palettes.family_colors(["x"]), "This is an unknown piece"),
])
def test_errors(call, msg):
    with pytest.raises(ValueError) as e:
        call()
    text = str(e.value)
    assert text.startswith(msg), text
    assert text[0].isupper() and text.endswith(".") and "'" not in text and "--" not in text


def test_unlimited_palettes_per_family():
    tiles = palettes.unlimited_palette("round-tile")
    plates = palettes.unlimited_palette("round-plate")
    assert tiles.unlimited and len(tiles.colors) >= 30 and len(plates.colors) >= 30
    assert {c.bricklink_id for c in tiles.colors} != {c.bricklink_id for c in plates.colors}
    with pytest.raises(ValueError):
        palettes.unlimited_palette("duplo")


def test_rebrickable_colour_ids_follow_rebrickable_not_ldraw():
    """Rebrickable numbers newer colours its own way (checked against its colours table)."""
    cols = palettes.colors()
    expected = {11: 0, 1: 15, 86: 71, 85: 72, 220: 1050, 236: 1062, 158: 158, 155: 326, 225: 1067}
    assert {k: cols[k].rebrickable_id for k in expected} == expected
    ids = [c.rebrickable_id for c in cols.values() if c.rebrickable_id is not None]
    assert len(ids) == len(set(ids))  # no two colours share one (an order would mix them up)
