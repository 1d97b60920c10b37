"""Plates under a relief: the studs of a mosaic raised on stacked plates.

A stud at height ``n`` (see :func:`legoremix.depth.heights`) sits on ``n`` plates, so
the plates of level ``k`` (1 = the lowest layer, on the baseplate) cover exactly the studs
with height >= ``k``. Each level is covered by plates from an allowed list of sizes with
the fewest parts, no plate crossing a section boundary (:func:`legoremix.packing.pack`);
the mosaic's own pieces sit on top. A plate is 8 LDU (3.2 mm) high.
"""
from __future__ import annotations

from . import packing

#: BrickLink (= Rebrickable) part numbers of the plates a relief may use, by size.
PLATES = {
    (1, 1): "3024", (1, 2): "3023", (1, 3): "3623", (1, 4): "3710", (1, 6): "3666", (1, 8): "3460",
    (2, 2): "3022", (2, 3): "3021", (2, 4): "3020", (2, 6): "3795", (2, 8): "3034",
    (4, 4): "3031", (4, 8): "3035", (4, 10): "3030",
}
#: The sizes as settings name them ("1x1" ... "4x10"), smallest first.
SIZES = tuple(f"{a}x{b}" for a, b in PLATES)
#: The plates' colour by default: Black (BrickLink 11).
DEFAULT_COLOR = 11


def size_of(name: str) -> tuple:
    """``"2x4"`` -> ``(2, 4)`` for a size in :data:`SIZES`, else a ValueError."""
    if name not in SIZES:
        raise ValueError(f"There is no {name} plate in the list legoremix uses ({', '.join(SIZES)}).")
    a, b = name.split("x")
    return int(a), int(b)


def part(w: int, h: int) -> str:
    """The part number of a ``w x h`` plate (either orientation)."""
    return PLATES[(min(w, h), max(w, h))]


def plates(heights, sizes=SIZES, section: int | None = 16, progress=None) -> list:
    """The plates under a relief, lowest layer first: dicts with ``level`` (1 = on the
    baseplate), ``x``, ``y`` (top-left stud), ``w``, ``h`` (studs) and ``part``.

    ``heights``: rows of plates per stud; ``sizes``: allowed size names (1x1 among them, so
    every raised area can be covered); ``section``: no plate crosses a multiple of it;
    ``progress(fraction)``: called as the raised studs are packed (a big relief takes seconds)."""
    allowed = [size_of(s) for s in sizes]
    top = max((max(row) for row in heights if row), default=0)
    total = sum(max(0, n) for row in heights for n in row) or 1  # studs over all layers
    done = 0
    out = []
    for level in range(1, top + 1):
        cells = [(x, y) for y, row in enumerate(heights) for x, n in enumerate(row) if n >= level]
        rects = []
        for comp in packing.components(cells, section):
            rects.extend(_pack(comp, tuple(sizes), allowed, section))
            step = 100 * done // total
            done += len(comp)
            if progress is not None and 100 * done // total > step:  # at most once per per cent
                progress(done / total)
        rects.sort(key=lambda r: (r.y, r.x))
        out.extend({"level": level, "x": r.x, "y": r.y, "w": r.w, "h": r.h, "part": part(r.w, r.h)} for r in rects)
    return out


_memo: dict = {}  # (cells, sizes, section) -> packing: a raised stud re-packs only its own area
MEMO_SIZE = 4096


def _pack(comp, key_sizes, allowed, section):
    """:func:`legoremix.packing.pack` of one connected area within one section, remembered:
    moving a threshold or raising a stud changes a few areas, the others are reused."""
    key = (tuple(sorted(comp)), key_sizes, section)
    hit = _memo.get(key)
    if hit is None:
        hit = packing.pack(comp, allowed, section)
        if len(_memo) >= MEMO_SIZE:
            _memo.pop(next(iter(_memo)))
        _memo[key] = hit
    return hit


def counts(plates_) -> list:
    """``(part, size name, count)`` of each plate used, most used first."""
    n: dict = {}
    for p in plates_:
        n[p["part"]] = n.get(p["part"], 0) + 1
    name = {v: f"{a}x{b}" for (a, b), v in PLATES.items()}
    return sorted(((k, name[k], c) for k, c in n.items()), key=lambda t: (-t[2], t[0]))


def in_section(plates_, level: int, x0: int, y0: int, w: int, h: int) -> list:
    """The plates of one level lying in the section with top-left (x0, y0) and size w x h."""
    return [p for p in plates_ if p["level"] == level and x0 <= p["x"] < x0 + w and y0 <= p["y"] < y0 + h]
