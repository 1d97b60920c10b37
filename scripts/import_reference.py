"""Regenerate py/legoremix/data/{colors,sets}.json from ../shared/reference.

The reference files were gathered from the public Lego Art Remix app. We keep our own
copies because we correct them: some hex values are off, inventories are keyed by
BrickLink colour id (not by hex), and we add LDraw/Rebrickable ids.

Usage: python3 scripts/import_reference.py [REFERENCE_DIR]
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "py" / "legoremix" / "data"

# BrickLink id -> corrected hex, with the reason. BrickLink's own colour guide values;
# the reference copies what Lego Art Remix used, which differs for these.
HEX_FIXES = {
    150: ("#aa7d55", "Medium Nougat: BrickLink/Rebrickable value; #e3a05b was far too light"),
    47: ("#c870a0", "Dark Pink: BrickLink/Rebrickable value; #c87080 lacked the purple cast"),
    86: ("#a0a5a9", "Light Bluish Gray: BrickLink value; #afb5c7 was too blue"),
    85: ("#6c6e68", "Dark Bluish Gray: BrickLink value; #595d60 was too dark"),
}

# BrickLink id -> LDraw colour code. For these solid colours Rebrickable's colour id
# equals the LDraw code. Only ids we are sure of; unknown ones stay null.
LDRAW = {
    1: 15, 2: 19, 3: 14, 4: 25, 5: 4, 6: 2, 7: 1, 8: 6, 9: 7, 10: 8, 11: 0,
    23: 13, 24: 22, 25: 12, 26: 100, 27: 216, 28: 92, 29: 366, 31: 462, 32: 125,
    33: 18, 34: 27, 35: 120, 36: 10, 37: 74, 38: 17, 39: 3, 40: 11, 41: 118, 42: 73,
    43: 110, 44: 20, 47: 5, 48: 378, 49: 503, 54: 373, 55: 379, 56: 77, 58: 335,
    59: 320, 62: 9, 63: 272, 68: 484, 69: 28, 71: 26, 72: 313, 73: 112, 76: 115,
    77: 148, 80: 288, 85: 72, 86: 71, 87: 232, 88: 70, 89: 85, 90: 78, 93: 69,
    94: 351, 95: 179, 96: 68, 99: 151, 103: 226, 104: 29, 105: 212, 106: 450,
    109: 23, 110: 191, 115: 297, 120: 308, 150: 84, 152: 323, 153: 321, 154: 31,
    155: 330, 156: 322, 157: 30, 158: 326, 220: 353, 225: 128,
}

# BrickLink id -> Rebrickable colour id where it differs from the LDraw code (checked
# against Rebrickable's colours table: id, name, RGB). Newer colours got Rebrickable ids
# of their own; Olive Green and Yellowish Green are swapped against LDraw's numbers.
REBRICKABLE_FIXES = {155: 326, 158: 158, 220: 1050, 225: 1067, 236: 1062}

PIECE_SCOPE = {
    None: "round-tile",
    "round plates and round tiles combined": "round-mixed",
    "1x1 square tiles only": "square-tile",
    "1x1 round tiles only": "round-tile",
}


def main(ref_dir: Path) -> None:
    colors_in = json.loads((ref_dir / "bricklink_colors.json").read_text())
    sets_in = json.loads((ref_dir / "stud_sets.json").read_text())
    by_hex = {}
    colors = []
    for c in colors_in:
        cid = int(c["id"])
        ref_hex = c["hex"].lower()
        by_hex[ref_hex] = cid
        fixed = HEX_FIXES.get(cid)
        families = []
        if c.get("round_tile_1x1_known"):
            families.append("round-tile")
        if c.get("round_plate_1x1_known"):
            families.append("round-plate")
        entry = {
            "bricklink_id": cid,
            "name": c["name"],
            "hex": fixed[0] if fixed else ref_hex,
            "ldraw_id": LDRAW.get(cid),
            "rebrickable_id": REBRICKABLE_FIXES.get(cid, LDRAW.get(cid)),
            "families": families,
        }
        if fixed:
            entry["reference_hex"] = ref_hex
            entry["note"] = fixed[1]
        colors.append(entry)
    sets = []
    for s in sets_in:
        studs = {}
        for hex_, n in s["studs"].items():
            studs[str(by_hex[hex_.lower()])] = int(n)
        canvas = s.get("canvas_studs_wxh")
        entry = {
            "id": s["id"],
            "set_number": s["set_number"],
            "name": s["official_name"],
            "short_name": s["name"],
            "canvas": list(canvas) if canvas else None,
            "piece": PIECE_SCOPE[s.get("piece_scope")],
            "studs": studs,
        }
        if s.get("note"):
            entry["note"] = s["note"]
        sets.append(entry)
    (DATA / "colors.json").write_text(json.dumps(colors, indent=1) + "\n")
    (DATA / "sets.json").write_text(json.dumps(sets, indent=1) + "\n")
    print(f"{len(colors)} colours, {len(sets)} sets written to {DATA}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "reference")
