"""Lego colours, Lego Art / DOTS set inventories, and the palettes built from them.

A *palette* is the list of colours the matcher may use; an *inventory* (``stock``) says
how many studs of each colour the user owns (``None``: unlimited). Both are plain data:
``Palette(colors=[Color...], stock=[int|None...])``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .color import hex_to_rgb8, one_of, shown

#: Piece families: name -> (BrickLink part number, label, round?, height in plates)
PIECES = {
    "round-tile": ("98138", "1x1 round tile", True, 1),
    "round-plate": ("4073", "1x1 round plate", True, 1),
    "square-tile": ("3070b", "1x1 square tile", False, 1),
    "square-plate": ("3024", "1x1 square plate", False, 1),
    "brick": ("3005", "1x1 brick", False, 3),
}


def check_piece(piece: str) -> str:
    """``piece`` if it is a known piece family, else a ValueError for a person."""
    if not isinstance(piece, str) or piece not in PIECES:
        raise ValueError(f"This is an unknown piece: {shown(piece)}. Choose {one_of(PIECES)}.")
    return piece


@dataclass(frozen=True)
class Color:
    """One Lego colour. ``bricklink_id`` is the key everywhere in the engine."""

    bricklink_id: int
    name: str
    hex: str
    ldraw_id: int | None = None
    rebrickable_id: int | None = None
    families: tuple = ()

    def to_dict(self):
        return {"id": self.bricklink_id, "name": self.name, "hex": self.hex,
                "ldraw_id": self.ldraw_id, "rebrickable_id": self.rebrickable_id}

    @classmethod
    def from_dict(cls, d):
        """Inverse of :meth:`to_dict`."""
        return cls(d["id"], d["name"], d["hex"], d.get("ldraw_id"), d.get("rebrickable_id"))


@dataclass(frozen=True)
class LegoSet:
    id: str
    set_number: str
    name: str
    short_name: str
    canvas: tuple | None
    piece: str
    studs: dict = field(default_factory=dict)  # bricklink id -> count

    @property
    def total(self) -> int:
        return sum(self.studs.values())


@dataclass
class Palette:
    """Colours the matcher may use and the stock of each (``None`` = unlimited)."""

    colors: list
    stock: list

    def __post_init__(self):
        if len(self.colors) != len(self.stock):
            raise ValueError("The palette has a different number of colours and stock counts.")

    @property
    def unlimited(self) -> bool:
        return all(s is None for s in self.stock)

    def total(self) -> int | None:
        return None if any(s is None for s in self.stock) else sum(self.stock)



DATA = Path(__file__).resolve().parent / "data"


def _read_json(name):
    return json.loads((DATA / name).read_text("utf-8"))


@lru_cache(maxsize=None)
def colors() -> dict:
    """All known Lego colours, BrickLink id -> :class:`Color`."""
    out = {}
    for c in _read_json("colors.json"):
        hex_to_rgb8(c["hex"])  # validates
        out[c["bricklink_id"]] = Color(c["bricklink_id"], c["name"], c["hex"].lower(),
                                       c.get("ldraw_id"), c.get("rebrickable_id"),
                                       tuple(c.get("families", ())))
    return out


@lru_cache(maxsize=None)
def sets() -> dict:
    """All known sets, keyed by set number (and by id for sets sharing a number)."""
    out = {}
    for s in _read_json("sets.json"):
        ls = LegoSet(s["id"], s["set_number"], s["name"], s["short_name"],
                     tuple(s["canvas"]) if s.get("canvas") else None, s["piece"],
                     {int(k): int(v) for k, v in s["studs"].items()})
        out[ls.id] = ls
    return out


def find_set(key: str) -> LegoSet:
    """A set by number (``"31197"``) or id (``"lots_of_dots_round"``)."""
    key = str(key).strip()
    all_sets = sets()
    if key in all_sets:
        return all_sets[key]
    matches = [s for s in all_sets.values() if s.set_number == key]
    if len(matches) == 1:
        return matches[0]
    if matches:
        ids = one_of(f"{s.id} ({s.name})" for s in matches)
        raise ValueError(f"The set {key} has several inventories: choose {ids}.")
    raise ValueError(f"The set {shown(key)} is not known. Check its number: legoremix knows "
                     f"{len(all_sets)} Lego Art and DOTS sets.")


def color_name(bricklink_id) -> str:
    """The colour's name, or "BrickLink colour N" for an id legoremix does not know."""
    c = colors().get(bricklink_id)
    return c.name if c else f"BrickLink colour {bricklink_id}"


def combine(*inventories: dict) -> dict:
    """Add inventories (BrickLink id -> count) together."""
    out: dict = {}
    for inv in inventories:
        for k, n in inv.items():
            if n < 0:
                raise ValueError(f"The number of {color_name(k)} pieces cannot be negative ({n}).")
            out[k] = out.get(k, 0) + int(n)
    return out


def inventory(set_keys=(), copies=None, custom=None) -> dict:
    """Stock from sets (each possibly several copies) plus a custom inventory.

    ``copies`` maps a set key to its number of copies (default 1); ``custom`` is a
    BrickLink id -> count dict (e.g. loose pieces the user owns).
    """
    copies = copies or {}
    parts = []
    for key in set_keys:
        s = find_set(key)
        n = int(copies.get(key, 1))
        parts.append({k: v * n for k, v in s.studs.items()})
    if custom:
        parts.append({int(k): int(v) for k, v in custom.items()})
    return combine(*parts)


def family_colors(piece: str) -> list:
    """Colours known to exist for a piece family (the 'unlimited' palette).

    Round tiles/plates: the colours the reference lists for that part. Square pieces and
    bricks exist in nearly every colour; we offer every colour known as a round piece.
    """
    check_piece(piece)
    fam = piece if piece in ("round-tile", "round-plate") else None
    return [c for c in colors().values()
            if (c.families and fam is None) or fam in c.families]


def _check_known(ids):
    unknown = [k for k in ids if k not in colors()]
    if len(unknown) == 1:
        raise ValueError(f"BrickLink colour {shown(unknown[0])} is not known to legoremix.")
    if unknown:
        raise ValueError(f"BrickLink colours {one_of((shown(k) for k in unknown), 'and')} are not known "
                         "to legoremix.")


def palette_from_inventory(stock: dict) -> Palette:
    """A limited palette from BrickLink id -> count (zero counts dropped)."""
    cols = colors()
    ids = sorted(k for k, v in stock.items() if v > 0)
    _check_known(ids)
    if not ids:
        raise ValueError("Your inventory is empty: choose a set you own or add some pieces.")
    return Palette([cols[k] for k in ids], [int(stock[k]) for k in ids])


def unlimited_palette(piece: str, extra_ids=()) -> Palette:
    """Every colour of a piece family, each without a stock limit."""
    cols = {c.bricklink_id: c for c in family_colors(piece)}
    _check_known(extra_ids)
    for k in extra_ids:
        cols.setdefault(k, colors()[k])
    ordered = [cols[k] for k in sorted(cols)]
    return Palette(ordered, [None] * len(ordered))


def switch_off(palette: Palette, disabled=()) -> Palette:
    """``palette`` without the colours a person switched off (BrickLink ids): they are never
    used, even when owned. Raises a ValueError when no colour is left."""
    off = set(disabled)
    if not off:
        return palette
    keep = [(c, s) for c, s in zip(palette.colors, palette.stock) if c.bricklink_id not in off]
    if not keep:
        raise ValueError("Every colour you could use is switched off: switch at least one colour on again.")
    return Palette([c for c, _ in keep], [s for _, s in keep])
