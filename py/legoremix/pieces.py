"""Bigger pieces: the part sizes of each piece family, the colours each exists in, and
the mosaic's studs merged into the fewest parts (or the cheapest).

The catalogue is ``data/parts.json`` (written by ``scripts/import_parts.py``): per family,
per size ``"WxH"`` (W <= H), the BrickLink part number (also the LDraw file name) and the
BrickLink colours it is made in. Round 1x1 pieces have no bigger rectangular versions, so
their families borrow the square parts of the same height for flat areas.

A packing is a list of parts, plain dicts ``{"x", "y", "w", "h", "color", "part"}`` (top-left
stud, size in studs, hex colour, part number) covering every stud once; no part crosses a
section boundary, and every part exists in its colour (:func:`legoremix.packing.pack` per
colour with that colour's sizes).

Bigger parts a person owns (settings ``custom_parts``, see :func:`owned_parts`) join the
colour's stock; with a limited inventory the packing uses no more of each than owned
(:func:`limits`), and the counts speak in parts (:func:`part_list`). :func:`looks` says how
each family is drawn (export.py, instructions.py and web/js/looks.js draw it alike).
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from . import packing
from .color import one_of, shown

#: The sizes as settings name them when nothing else is chosen.
DEFAULT_SIZES = ("1x1",)


@lru_cache(maxsize=None)
def catalogue() -> dict:
    """family -> {"WxH": {"part": str, "colors": frozenset of BrickLink ids}}."""
    data = json.loads((Path(__file__).resolve().parent / "data" / "parts.json").read_text("utf-8"))
    return {fam: {size: {"part": e["part"], "colors": frozenset(e["colors"])} for size, e in f["sizes"].items()}
            for fam, f in data["families"].items()}


def size_of(name) -> tuple:
    """``"2x4"`` (or ``"4x2"``) -> ``(2, 4)``; a ValueError for anything else."""
    m = re.fullmatch(r"\s*(\d{1,2})\s*[xX×]\s*(\d{1,2})\s*", name) if isinstance(name, str) else None
    if not m or int(m.group(1)) < 1 or int(m.group(2)) < 1:
        raise ValueError(f"The part size {shown(name)} is not understood: write it as WxH, for example 2x4.")
    a, b = int(m.group(1)), int(m.group(2))
    return (min(a, b), max(a, b))


def name_of(w: int, h: int) -> str:
    """``(4, 2)`` -> ``"2x4"``."""
    return f"{min(w, h)}x{max(w, h)}"


def sizes_of(piece: str) -> list:
    """The size names a family offers, smallest first."""
    return sorted(catalogue()[piece], key=lambda s: (size_of(s)[0] * size_of(s)[1], size_of(s)))


def all_sizes() -> list:
    """Every size some family offers, smallest first."""
    names = {s for fam in catalogue().values() for s in fam}
    return sorted(names, key=lambda s: (size_of(s)[0] * size_of(s)[1], size_of(s)))


def check_sizes(sizes) -> tuple:
    """The allowed sizes in one order (sizes a family does not make are simply not used
    with it), or a ValueError saying what is wrong. 1x1 is always needed (single studs)."""
    if isinstance(sizes, str) or not hasattr(sizes, "__iter__"):
        raise ValueError("The part sizes must be a list such as 1x1, 1x2, 2x2.")
    offered = all_sizes()
    names = []
    for s in sizes:
        n = name_of(*size_of(s))
        if n not in offered:
            raise ValueError(f"There is no {n} part among the sizes legoremix knows ({one_of(offered)}).")
        names.append(n)
    if "1x1" not in names:
        raise ValueError("The 1x1 size cannot be switched off: single studs need it.")
    return tuple(s for s in offered if s in names)


def part_number(piece: str, w: int, h: int) -> str:
    """BrickLink part number of a ``w x h`` part of a family (either orientation)."""
    return catalogue()[piece][name_of(w, h)]["part"]


def exists(piece: str, size: str, bricklink_id: int) -> bool:
    """Whether the part of that size is made in that colour. The 1x1 of the family is
    taken as given for any colour the palette offers (its inventory decides)."""
    if size == "1x1":
        return True
    entry = catalogue()[piece].get(size)
    return entry is not None and bricklink_id in entry["colors"]


def pack_mosaic(labels, size, palette, piece, sizes, section, part_costs=None, heights=None, part_stock=None):
    """The stage: the parts covering a mosaic (``labels`` per stud, row-major), or None
    when only 1x1 parts are allowed. ``part_costs`` ({"WxH": weight}) makes the objective
    the lowest total weight instead of the fewest parts; ``heights`` (rows of plates under
    each stud, a relief) keeps parts to studs at one height. ``part_stock`` ({(BrickLink
    id, "WxH"): count}, see :func:`owned_parts`) limits a limited palette's bigger parts to
    those owned (see :func:`limits`)."""
    if tuple(sizes) == DEFAULT_SIZES:
        return None
    w, h = size
    by_color: dict = {}
    for i, j in enumerate(labels):
        x, y = i % w, i // w
        by_color.setdefault((j, heights[y][x] if heights else 0), []).append((x, y))
    weights = {size_of(k): v for k, v in (part_costs or {}).items()}
    cost = None if not weights else {size_of(s): weights.get(size_of(s), 1) for s in sizes}  # unlisted: 1
    out = []
    left = limits(palette, part_stock)
    for key in sorted(by_color):
        c = palette.colors[key[0]]
        allowed = [size_of(s) for s in sizes if exists(piece, s, c.bricklink_id)]
        for r in _pack_within(by_color[key], allowed, section, cost, left, c.bricklink_id):
            out.append({"x": r.x, "y": r.y, "w": r.w, "h": r.h, "color": c.hex, "part": part_number(piece, r.w, r.h)})
    out.sort(key=lambda p: (p["y"], p["x"]))
    return out


def part_counts(mosaic) -> list:
    """Rows ``(Color, part, size name, count)`` of every part the mosaic uses, most used
    first: the packing's parts, or one 1x1 row per colour without one."""
    from .palettes import PIECES
    if not mosaic.parts:
        part = PIECES[mosaic.piece][0]
        rows = [(c, part, "1x1", n) for c, n in zip(mosaic.palette, mosaic.counts) if n]
    else:
        by_hex = {c.hex: c for c in mosaic.palette}
        n: dict = {}
        for p in mosaic.parts:
            key = (p["color"], p["part"], name_of(p["w"], p["h"]))
            n[key] = n.get(key, 0) + 1
        rows = [(by_hex[hx], part, size, k) for (hx, part, size), k in n.items()]
    return sorted(rows, key=lambda r: (-r[3], r[0].bricklink_id, r[1]))


def summary(mosaic) -> dict:
    """Parts in all, 1x1 pieces it replaces, and the saving in percent."""
    studs = mosaic.width * mosaic.height
    n = len(mosaic.parts) if mosaic.parts else studs
    return {"parts": n, "studs": studs, "saving": round(100 * (studs - n) / studs, 1) if studs else 0.0}


def in_section(parts, x0: int, y0: int, w: int, h: int) -> list:
    """The parts whose top-left stud lies in the section (x0, y0, w, h) (a part never
    crosses a section boundary, so this is the section's parts)."""
    return [p for p in parts if x0 <= p["x"] < x0 + w and y0 <= p["y"] < y0 + h]


def check_costs(costs):
    """Per-size weights as ``((size name, weight), ...)`` in one order, or None (fewest
    parts); a ValueError for a size that is not a size or a weight that is not positive."""
    if not costs:
        return None
    items = costs.items() if isinstance(costs, dict) else costs
    out = {}
    for k, v in items:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v < 1e9 or v != v:
            raise ValueError(f"The weight of {shown(k)} parts must be a positive number.")
        out[name_of(*size_of(k))] = v
    return tuple(sorted(out.items(), key=lambda kv: size_of(kv[0])))


#: Families whose top is smooth (tiles); the others show a stud on every stud.
SMOOTH = ("round-tile", "square-tile")


def looks(piece: str, w: int = 1, h: int = 1) -> tuple:
    """How a ``w x h`` part of a family looks from above: ``(round, stud, tall)``. Round
    families are round only as 1x1 (their bigger parts are square tiles or plates); tiles
    are smooth (no stud); bricks stand taller than plates (their sides show as shade)."""
    from .palettes import PIECES
    return (PIECES[piece][2] and w == 1 and h == 1, piece not in SMOOTH, PIECES[piece][3] > 1)


def edges(parts, width: int, height: int):
    """Rows of 4-bit masks per stud, the sides where its part ends (1 top, 2 right,
    4 bottom, 8 left), and rows of the part's (w, h) per stud; every side of every stud
    without a packing."""
    if not parts:
        return [[15] * width for _ in range(height)], [[(1, 1)] * width for _ in range(height)]
    mask = [[0] * width for _ in range(height)]
    size = [[(1, 1)] * width for _ in range(height)]
    for p in parts:
        x0, y0, w, h = p["x"], p["y"], p["w"], p["h"]
        for y in range(y0, y0 + h):
            for x in range(x0, x0 + w):
                mask[y][x] = (y == y0) | (x == x0 + w - 1) << 1 | (y == y0 + h - 1) << 2 | (x == x0) << 3
                size[y][x] = (w, h)
    return mask, size


# -- bigger parts in an inventory ------------------------------------------------------------
# A person's loose parts beyond 1x1 pieces are the settings field ``custom_parts``:
# ``{part number: {BrickLink colour id: count}}`` (the ITEMID / COLOR / QTY of a BrickLink
# list). Only the parts of the chosen family in the allowed sizes count: they add their studs
# to the colour's stock (what the matcher may use), and in limited mode the packing never
# uses more of a size and colour than owned, falling back to smaller sizes and finally 1x1.
# Without any bigger part owned, limited mode packs freely and the bigger parts are to buy.

def owned_parts(custom_parts, piece: str, sizes) -> tuple:
    """``(ones, bigger)`` from ``custom_parts``: the family's 1x1 pieces as {BrickLink id:
    count}, and its bigger parts of the allowed ``sizes`` as {(BrickLink id, "WxH"): count};
    parts of other families or sizes, and colours a part is not made in, do not count."""
    fam = catalogue()[piece]
    by_part = {fam[s]["part"]: s for s in sizes if s in fam}
    ones: dict = {}
    bigger: dict = {}
    for part, counts in (custom_parts or {}).items():
        size = by_part.get(part)
        if size is None:
            continue
        for bl, n in counts.items():
            if n > 0 and exists(piece, size, int(bl)):
                if size == "1x1":
                    ones[int(bl)] = ones.get(int(bl), 0) + n
                else:
                    bigger[(int(bl), size)] = bigger.get((int(bl), size), 0) + n
    return ones, bigger


def stud_counts(ones: dict, bigger: dict) -> dict:
    """Studs per BrickLink id that owned parts cover (a 2x4 covers 8)."""
    out = dict(ones)
    for (bl, size), n in bigger.items():
        w, h = size_of(size)
        out[bl] = out.get(bl, 0) + w * h * n
    return out


def limits(palette, part_stock) -> dict | None:
    """What is left of each owned bigger part, ``{(BrickLink id, (w, h)): count}``, when the
    packing is limited to it (a limited palette and some bigger part owned), else None."""
    if palette.unlimited or not any(n > 0 for n in (part_stock or {}).values()):
        return None
    return {(bl, size_of(s)): n for (bl, s), n in part_stock.items()}


#: The packing's search effort for the parts of a mosaic (:func:`legoremix.packing.pack`):
#: half the guillotine budgets keeps 128x128 under 5 s in the page for one or two more parts
#: in thousands (scripts/bench_packing.py, scripts/bench_pieces_web.py).
PACK_EFFORT = 0.5


def _pack_within(cells, allowed, section, cost, left, bl) -> list:
    """:func:`legoremix.packing.pack` of one colour's cells, using no more of each bigger
    size than ``left`` holds (decremented). Parts beyond it are taken apart and their studs
    packed again without the sizes used up, until only sizes in stock remain (1x1 is never
    limited here: its shortfall is reported as missing)."""
    if left is None:
        return packing.pack(cells, allowed, section, cost, PACK_EFFORT)
    sizes = [s for s in allowed if s == (1, 1) or left.get((bl, s), 0) > 0]
    out, todo = [], cells
    while todo:
        over = []
        for r in sorted(packing.pack(todo, sizes, section, cost, PACK_EFFORT), key=lambda r: (-r.w * r.h, r.y, r.x)):
            s = (min(r.w, r.h), max(r.w, r.h))
            if s == (1, 1) or left.get((bl, s), 0) > 0:
                if s != (1, 1):
                    left[(bl, s)] -= 1
                out.append(r)
            else:  # none of this size left: each round drops at least one size, so this ends
                over.extend((x, y) for y in range(r.y, r.y + r.h) for x in range(r.x, r.x + r.w))
        sizes = [s for s in sizes if s == (1, 1) or left.get((bl, s), 0) > 0]
        todo = over
    return out


def stock_rows(part_stock: dict, palette, piece: str) -> list:
    """The owned bigger parts as JSON rows ``{color, size, part, count}`` (Mosaic.part_stock),
    for the palette's colours."""
    by_id = {c.bricklink_id: c for c in palette.colors}
    return [{"color": by_id[bl].hex, "size": s, "part": part_number(piece, *size_of(s)), "count": n}
            for (bl, s), n in sorted(part_stock.items()) if bl in by_id and n > 0]


def part_list(mosaic) -> list:
    """The counts table with bigger pieces, one row per colour and size: ``(Color, part,
    size, used, have, missing)``, most used first. ``have`` is what the person owns of that
    part (limited mode: the stock; unlimited: what they own; bigger parts from
    ``custom_parts``, 1x1s the colour's studs less those of its owned bigger parts) and
    ``missing`` what to buy; parts owned but not used are listed with ``used`` 0."""
    from .palettes import PIECES
    by_hex = {c.hex: c for c in mosaic.palette}
    big = {(r["color"], r["size"]): r["count"] for r in mosaic.part_stock or ()}
    big_studs: dict = {}
    for (hx, s), n in big.items():
        w, h = size_of(s)
        big_studs[hx] = big_studs.get(hx, 0) + w * h * n
    per_color = mosaic.stock if mosaic.stock is not None else mosaic.owned
    studs = {c.hex: n for c, n in zip(mosaic.palette, per_color or ())}
    used = {(c.hex, size): (part, n) for c, part, size, n in part_counts(mosaic)}
    one = PIECES[mosaic.piece][0]
    keys = set(used) | {k for k, n in big.items() if n > 0}
    keys |= {(hx, "1x1") for hx, n in studs.items() if n - big_studs.get(hx, 0) > 0}
    rows = []
    for hx, s in keys:
        if hx not in by_hex:
            continue
        have = big.get((hx, s), 0) if s != "1x1" else max(0, studs.get(hx, 0) - big_studs.get(hx, 0))
        part, n = used.get((hx, s), (one if s == "1x1" else part_number(mosaic.piece, *size_of(s)), 0))
        rows.append((by_hex[hx], part, s, n, have, max(0, n - have)))
    return sorted(rows, key=lambda r: (-r[3], -r[4], r[0].bricklink_id, size_of(r[2])))


@lru_cache(maxsize=None)
def known_parts() -> dict:
    """Part number -> a label (``"2x4 plate"``) of every part in the catalogue."""
    kinds = {"square-plate": "plate", "round-plate": "plate", "square-tile": "tile", "round-tile": "tile",
             "brick": "brick"}
    out = {}
    for fam in ("square-plate", "square-tile", "brick", "round-tile", "round-plate"):
        for size, e in catalogue()[fam].items():
            round_ = fam.startswith("round") and size == "1x1"
            out.setdefault(e["part"], f"{size}{' round' if round_ else ''} {kinds[fam]}")
    return out


def with_parts(custom, custom_parts, piece: str, sizes) -> tuple:
    """``(custom, part_stock)``: the loose pieces {BrickLink id: studs} with the studs of the
    owned parts that count (:func:`owned_parts`) added, and the bigger ones as the packing's
    ``part_stock``."""
    ones, bigger = owned_parts(custom_parts, piece, sizes)
    out = dict(custom or {})
    for bl, n in stud_counts(ones, bigger).items():
        out[bl] = out.get(bl, 0) + n
    return out, bigger


def part_list_json(mosaic) -> list:
    """:func:`part_list` as JSON rows ``{color, part, size, used, have, missing}`` (the
    page's counts table, mosaic.json ``part_list``)."""
    return [{"color": c.hex, "part": part, "size": size, "used": n, "have": have, "missing": miss}
            for c, part, size, n, have, miss in part_list(mosaic)]


def catalogue_json() -> dict:
    """The catalogue for the page: family -> {"WxH": {"part", "colors": [BrickLink ids]}}."""
    return {fam: {s: {"part": e["part"], "colors": sorted(e["colors"])} for s, e in sizes.items()}
            for fam, sizes in catalogue().items()}
