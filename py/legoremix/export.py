"""Exports of a :class:`~legoremix.pipeline.Mosaic`: PNG, parts CSV, BrickLink XML,
Rebrickable CSV and LDraw. Pure Python (zlib + struct), so the browser uses them too.

Formats:
- PNG: ISO/IEC 15948 (W3C PNG spec), 8-bit RGB (RGBA for project images), one IDAT.
- BrickLink wanted list: the XML of BrickLink's "Upload BrickLink XML format" page
  (``INVENTORY``/``ITEM`` with ``ITEMTYPE``, ``ITEMID``, ``COLOR``, ``MINQTY``; no XML
  declaration).
- Rebrickable: the CSV part list import (``Part,Color,Quantity``, Rebrickable colour ids).

Both shopping lists hold either what the user is missing or everything used; see
:func:`wanted`.
- LDraw: the LDraw File Format 1.0.2 (type 1 lines; 1 stud = 20 LDU, 1 plate = 8 LDU,
  -Y is up), one ``0 STEP`` per section.
"""
from __future__ import annotations

import csv
import io
import struct
import zlib
from html import escape  # light: xml.sax.saxutils would import urllib.request

from .color import hex_to_rgb8
from .palettes import PIECES

#: LDraw file of a 16x16 plate (the Lego Art baseplate) and its colour (Black).
BASEPLATE_PART, BASEPLATE_COLOR, BASEPLATE_STUDS = "91405.dat", 0, 16


class ExportError(ValueError):
    """An export that cannot be made; the message is a sentence for the user."""


# --- PNG ------------------------------------------------------------------------------

def encode_png(width: int, height: int, rows, alpha: bool = False) -> bytes:
    """Encode 8-bit rows (bytes of 3*width, or 4*width with ``alpha``) as a PNG, filter
    type 0 on every row."""
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    raw = b"".join(b"\x00" + r for r in rows)
    color_type = 6 if alpha else 2
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def _sprite(rgb, base, cell, round_):
    """One stud as ``cell`` rows of RGB bytes; circle edges anti-aliased (4x4 samples)."""
    rows = []
    r0 = cell / 2 - max(0.5, cell * 0.04)
    shade = tuple(min(255, int(c * 0.85 + 255 * 0.15)) for c in rgb)  # highlight ring
    for y in range(cell):
        row = bytearray()
        for x in range(cell):
            if not round_:
                inside = 1.0 if (cell < 6 or (0 < x < cell - 1 and 0 < y < cell - 1)) else 0.0
                col = rgb
            else:
                hits = 0
                for sy in range(4):
                    for sx in range(4):
                        dx = x + (sx + 0.5) / 4 - cell / 2
                        dy = y + (sy + 0.5) / 4 - cell / 2
                        hits += dx * dx + dy * dy <= r0 * r0
                inside = hits / 16
                dx, dy = x + 0.5 - cell / 2, y + 0.5 - cell / 2
                col = shade if cell >= 12 and (dx * dx + dy * dy) ** 0.5 > r0 - max(1, cell * 0.08) else rgb
            row += bytes(int(round(c * inside + b * (1 - inside))) for c, b in zip(col, base))
        rows.append(bytes(row))
    return rows


def render_png(mosaic, cell: int = 20, grid: bool = False, section: int = 16,
               baseplate: str = "#212121") -> bytes:
    """The mosaic as a PNG, ``cell`` pixels per stud, studs drawn as the pieces look.

    ``grid`` draws a light line at every ``section`` studs (the baseplate edges).
    """
    if not 2 <= cell <= 100:
        raise ExportError("The PNG stud size must be 2 to 100 pixels.")
    w, h = mosaic.width, mosaic.height
    if w * h * cell * cell > 100_000_000:
        raise ExportError("That PNG would be larger than 100 megapixels. Choose a smaller stud size.")
    round_ = PIECES.get(mosaic.piece, PIECES["round-tile"])[2]
    base = hex_to_rgb8(baseplate)
    sprites = [_sprite(hex_to_rgb8(c.hex), base, cell, round_) for c in mosaic.palette]
    line = bytes((200, 200, 200))
    rows = []
    for y, grow in enumerate(mosaic.grid):
        for r in range(cell):
            if grid and r == 0 and y % section == 0 and y:
                rows.append(line * (w * cell))
                continue
            row = b"".join(sprites[j][r] for j in grow)
            if grid:
                row = bytearray(row)
                for sx in range(section, w, section):
                    row[3 * sx * cell:3 * sx * cell + 3] = line
                row = bytes(row)
            rows.append(row)
    return encode_png(w * cell, h * cell, rows)


# --- parts lists --------------------------------------------------------------------------

def parts(mosaic):
    """Rows ``(Color, count, stock or None)`` for colours used, most used first."""
    stock = mosaic.stock or [None] * len(mosaic.palette)
    rows = [(c, n, s) for c, n, s in zip(mosaic.palette, mosaic.counts, stock) if n > 0]
    return sorted(rows, key=lambda r: (-r[1], r[0].bricklink_id))


def parts_csv(mosaic) -> str:
    """Parts list of every colour used: colour name, BrickLink colour id, part number,
    count, hex, stock (limited mode), missing, owned (unlimited mode)."""
    part = PIECES[mosaic.piece][0]
    missing = mosaic.missing
    owned = {c.bricklink_id: o for c, o in zip(mosaic.palette, mosaic.owned or ())}
    out = io.StringIO()
    wr = csv.writer(out, lineterminator="\n")
    wr.writerow(["color_name", "bricklink_color_id", "part", "count", "hex", "stock", "missing", "owned"])
    for c, n, s in parts(mosaic):
        wr.writerow([c.name, c.bricklink_id, part, n, c.hex, "" if s is None else s,
                     missing.get(c.bricklink_id, 0), owned.get(c.bricklink_id, "")])
    return out.getvalue()


# --- shopping lists -------------------------------------------------------------------

def owns_pieces(mosaic) -> bool:
    """Whether the user has pieces of their own: a mosaic limited to sets, or owned counts."""
    return mosaic.stock is not None or any(o > 0 for o in mosaic.owned or ())


def missing_rows(mosaic):
    """Rows ``(Color, quantity)`` used beyond what the user has (owned in unlimited mode,
    stock in limited mode), most first; empty when the pieces cover the mosaic."""
    have = mosaic.owned if mosaic.owned is not None else mosaic.stock
    have = have or [0] * len(mosaic.palette)
    rows = [(c, n - h) for c, n, h in zip(mosaic.palette, mosaic.counts, have) if n > h]
    return sorted(rows, key=lambda r: (-r[1], r[0].bricklink_id))


def wanted(mosaic, only_missing=None):
    """Rows ``(Color, quantity)`` of a shopping list, most first.

    ``only_missing``: True lists what is missing (see :func:`missing_rows`), False every
    colour used with its count; None (the default) is True when the user owns pieces
    (:func:`owns_pieces`) and something is missing, else False. Raises
    :class:`ExportError` when True is asked for and nothing is missing.
    """
    if only_missing is None:
        only_missing = owns_pieces(mosaic) and bool(missing_rows(mosaic))
    if not only_missing:
        return [(c, n) for c, n, _ in parts(mosaic)]
    rows = missing_rows(mosaic)
    if not rows:
        raise ExportError("Nothing is missing: your pieces cover the whole mosaic. "
                          "Choose “everything” to list every part.")
    return rows


def bricklink_xml(mosaic, only_missing=None) -> str:
    """BrickLink wanted-list XML (no XML declaration), one ITEM per colour of
    :func:`wanted`."""
    part = PIECES[mosaic.piece][0]
    items = "".join(
        f"<ITEM><ITEMTYPE>P</ITEMTYPE><ITEMID>{escape(part, quote=False)}</ITEMID>"
        f"<COLOR>{c.bricklink_id}</COLOR><MINQTY>{n}</MINQTY></ITEM>\n"
        for c, n in wanted(mosaic, only_missing))
    return f"<INVENTORY>\n{items}</INVENTORY>\n"


def rebrickable_csv(mosaic, only_missing=None) -> str:
    """Rebrickable part-list CSV (``Part,Color,Quantity``, Rebrickable colour ids) of
    :func:`wanted`."""
    part = PIECES[mosaic.piece][0]
    rows = wanted(mosaic, only_missing)
    unknown = [c.name for c, _ in rows if c.rebrickable_id is None]
    if unknown:
        raise ExportError(f"Rebrickable has no colour id for {_names(unknown)}.")
    lines = ["Part,Color,Quantity"] + [f"{part},{c.rebrickable_id},{n}" for c, n in rows]
    return "\n".join(lines) + "\n"


def _names(names) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# --- LDraw -------------------------------------------------------------------------------

def ldraw(mosaic, section: int = 16, name: str = "mosaic.ldr") -> str:
    """The mosaic lying flat on 16x16 baseplates, one STEP per section (row by row)."""
    part, label, _, plates = PIECES[mosaic.piece]
    unknown = sorted({mosaic.palette[j].name for row in mosaic.grid for j in row
                      if mosaic.palette[j].ldraw_id is None})
    if unknown:
        raise ExportError(f"LDraw has no colour code for {_names(unknown)}.")
    w, h = mosaic.width, mosaic.height
    ident = "1 0 0 0 1 0 0 0 1"
    lines = [f"0 legoremix mosaic {w}x{h} ({label})", f"0 Name: {name}",
             "0 Author: legoremix", "0 !LDRAW_ORG Unofficial_Model", ""]
    bp = BASEPLATE_STUDS
    lines.append("0 // baseplates")
    for by in range(0, h, bp):
        for bx in range(0, w, bp):
            cx, cz = bx * 20 + bp * 10, by * 20 + bp * 10
            lines.append(f"1 {BASEPLATE_COLOR} {cx} 0 {cz} {ident} {BASEPLATE_PART}")
    lines.append("0 STEP")
    y_top = -8 * plates  # pieces sit on the baseplate's top face (Y = 0)
    for sy in range(0, h, section):
        for sx in range(0, w, section):
            lines.append(f"0 // section row {sy // section + 1}, column {sx // section + 1}")
            for y in range(sy, min(h, sy + section)):
                for x in range(sx, min(w, sx + section)):
                    c = mosaic.palette[mosaic.grid[y][x]]
                    lines.append(f"1 {c.ldraw_id} {x * 20 + 10} {y_top} {y * 20 + 10} {ident} {part}.dat")
            lines.append("0 STEP")
    return "\n".join(lines) + "\n"
