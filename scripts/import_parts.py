"""Regenerate py/legoremix/data/parts.json: the part sizes of each piece family and the
colours each exists in.

The 1x1 round tile (98138) and round plate (4073) colours come from
../shared/reference/bricklink_colors.json (its ``round_*_1x1_known`` flags). Square
parts and bricks exist in far more colours than the reference records; their colours
are grouped in tiers from the BrickLink catalogue (colours a size has been made in,
as we know them: the common small parts in nearly every colour, big parts in the core
colours only). The tiers are approximate, not a scrape: correct a size's list here
when you know better, and rerun.

Usage: python3 scripts/import_parts.py [REFERENCE_DIR]
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "py" / "legoremix" / "data"

#: Made in the core colours (current and classic solid colours, big plates and bricks).
CORE = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 34, 36, 48, 55, 59, 63, 68, 69, 80, 85, 86, 88, 120, 150, 156]
#: Made in most solid colours (small plates, tiles and bricks of the last decades).
COMMON = CORE + [28, 39, 42, 47, 71, 103, 104, 105, 110, 152, 153, 154, 155, 157, 158, 220, 89, 24, 76, 90]
#: Big tiles and long bricks: fewer colours still.
FEW = [1, 2, 3, 4, 5, 6, 7, 11, 36, 59, 63, 69, 85, 86, 88]

#: family -> size -> (BrickLink part number = LDraw file name, colour tier); "ALL" = the
#: family's 1x1 colours. Parts: Plate 3024/3023/3623/3710/3666/3460/3022/3021/3020/3795/
#: 3034/3031, Tile 3070b/3069b/63864/2431/6636/4162/3068b/26603/87079/69729/10202,
#: Brick 3005/3004/3622/3010/3009/3008/6111/3003/3002/3001/2456/3007.
SIZES = {
    "square-plate": {
        "1x1": ("3024", "ALL"), "1x2": ("3023", "ALL"), "1x3": ("3623", "ALL"), "1x4": ("3710", "ALL"),
        "1x6": ("3666", "COMMON"), "1x8": ("3460", "COMMON"), "2x2": ("3022", "ALL"), "2x3": ("3021", "COMMON"),
        "2x4": ("3020", "COMMON"), "2x6": ("3795", "CORE"), "2x8": ("3034", "CORE"), "4x4": ("3031", "CORE"),
    },
    "square-tile": {
        "1x1": ("3070b", "ALL"), "1x2": ("3069b", "ALL"), "1x3": ("63864", "COMMON"), "1x4": ("2431", "COMMON"),
        "1x6": ("6636", "CORE"), "1x8": ("4162", "CORE"), "2x2": ("3068b", "ALL"), "2x3": ("26603", "FEW"),
        "2x4": ("87079", "CORE"), "2x6": ("69729", "FEW"), "6x6": ("10202", "FEW"),
    },
    "brick": {
        "1x1": ("3005", "ALL"), "1x2": ("3004", "ALL"), "1x3": ("3622", "COMMON"), "1x4": ("3010", "COMMON"),
        "1x6": ("3009", "CORE"), "1x8": ("3008", "CORE"), "1x10": ("6111", "FEW"), "2x2": ("3003", "COMMON"),
        "2x3": ("3002", "CORE"), "2x4": ("3001", "COMMON"), "2x6": ("2456", "CORE"), "2x8": ("3007", "FEW"),
    },
}
#: Round 1x1 pieces have no bigger rectangular versions: flat areas take the square
#: parts of the same height (tiles next to round tiles, plates next to round plates).
ROUND = {"round-tile": ("98138", "round_tile_1x1_known", "square-tile"),
         "round-plate": ("4073", "round_plate_1x1_known", "square-plate")}


def main(ref_dir: Path) -> None:
    ref = json.loads((ref_dir / "bricklink_colors.json").read_text())
    known_round = sorted({int(c["id"]) for c in ref if any(c.get(f) for _, f, _ in ROUND.values())})
    tiers = {"CORE": set(CORE), "COMMON": set(COMMON), "FEW": set(FEW)}
    out = {"note": __doc__.split("\n\n")[1].replace("\n", " "), "families": {}}
    for fam, table in SIZES.items():
        base = sorted(set(known_round) | set(COMMON))  # 1x1 square parts: every colour we offer
        sizes = {}
        for size, (part, tier) in table.items():
            cols = base if tier == "ALL" else sorted(set(base) & tiers[tier])
            sizes[size] = {"part": part, "colors": cols}
        out["families"][fam] = {"sizes": sizes}
    for fam, (part, flag, bigger) in ROUND.items():
        cols = sorted(int(c["id"]) for c in ref if c.get(flag))
        sizes = {"1x1": {"part": part, "colors": cols}}
        for size, entry in out["families"][bigger]["sizes"].items():
            if size != "1x1":
                sizes[size] = entry
        out["families"][fam] = {"sizes": sizes, "bigger_parts": bigger}
    (DATA / "parts.json").write_text(json.dumps(out, indent=1) + "\n")
    print(f"{sum(len(f['sizes']) for f in out['families'].values())} family sizes written to {DATA / 'parts.json'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "reference")
