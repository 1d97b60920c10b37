"""Exports of a :class:`~legoremix.pipeline.Mosaic`: PNG, parts CSV, BrickLink XML,
Rebrickable CSV and LDraw. Pure Python (zlib + struct), so the browser uses them too.

Formats:
- PNG: ISO/IEC 15948 (W3C PNG spec), 8-bit RGB (RGBA for project images), one IDAT.
- BrickLink wanted list: the XML of BrickLink's "Upload BrickLink XML format" page
  (``INVENTORY``/``ITEM`` with ``ITEMTYPE``, ``ITEMID``, ``COLOR``, ``MINQTY``; no XML
  declaration).
- Rebrickable: the CSV part list import (``Part,Color,Quantity``, Rebrickable colour ids).

Both shopping lists hold either what the user is missing or everything used; see
:func:`wanted`. A relief's plates (no Lego Art set has them) are on every list: see
:func:`plate_rows`.
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
from . import pieces
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


def _mix(rgb, to, f):
    return tuple(int(round(c + (t - c) * f)) for c, t in zip(rgb, to))


WHITE, BLACK = (255, 255, 255), (0, 0, 0)


def _circle_cover(x, y, cell, r0):
    """Fraction of pixel (x, y) inside the circle of radius ``r0`` centred in the cell (4x4 samples)."""
    hits = 0
    for sy in range(4):
        for sx in range(4):
            dx = x + (sx + 0.5) / 4 - cell / 2
            dy = y + (sy + 0.5) / 4 - cell / 2
            hits += dx * dx + dy * dy <= r0 * r0
    return hits / 16


def piece_sprite(rgb, base, cell, round_, stud, edges=15, tall=False):
    """One stud's cell as the piece looks from above, as ``cell`` rows of RGB bytes (the
    page draws the same look: web/js/looks.js).

    Round pieces are circles with a rim lit above left and shaded below right. Square pieces
    end in a thin gap on the sides in ``edges`` (1 top, 2 right, 4 bottom, 8 left: where the
    part ends), lit on the top and left sides and shaded on the bottom and right (``tall``
    bricks: a deeper shade, their sides show), so even black pieces stand out on a dark
    baseplate. Plates and bricks (``stud``) show a stud ring lit the same way; tiles a soft
    highlight in the upper left corner of the part, smooth elsewhere. The centre pixel is
    always the piece's own colour.
    """
    light, dark = _mix(rgb, WHITE, 0.4), _mix(rgb, BLACK, 0.55 if tall else 0.45)
    gap = 1 if cell >= 6 else 0
    bevel = max(1, cell // 12) if cell >= 8 else 0
    side = max(2, round(cell / 5)) if tall and cell >= 8 else bevel
    r0 = cell / 2 - max(0.5, cell * 0.04)
    rim = max(1, cell * 0.08)
    ring_out, ring_in = cell * 0.3, cell * 0.3 - max(1.0, cell * 0.07)
    sheen = not stud and cell >= 8 and (round_ or edges & 9 == 9)  # a tile's top-left stud
    sheen_r = cell * 0.26
    rows = []
    for y in range(cell):
        row = bytearray()
        for x in range(cell):
            dx, dy = x + 0.5 - cell / 2, y + 0.5 - cell / 2
            d = (dx * dx + dy * dy) ** 0.5
            inside = 1.0
            col = rgb
            if round_:
                inside = _circle_cover(x, y, cell, r0)
                if cell >= 8 and d > r0 - rim:
                    col = light if dx + dy < 0 else _mix(rgb, BLACK, 0.5)
            elif (edges & 1 and y < gap) or (edges & 4 and y >= cell - gap) or \
                    (edges & 8 and x < gap) or (edges & 2 and x >= cell - gap):
                inside = 0.0
            elif (edges & 1 and y < gap + bevel) or (edges & 8 and x < gap + bevel):
                col = light
            elif (edges & 4 and y >= cell - gap - side) or (edges & 2 and x >= cell - gap - side):
                col = dark
            if stud and cell >= 8 and ring_in < d <= ring_out:
                col = _mix(rgb, WHITE, 0.45) if dx + dy < 0 else _mix(rgb, BLACK, 0.5)
            if sheen:
                e = ((x + 0.5 - cell * 0.3) ** 2 + (y + 0.5 - cell * 0.3) ** 2) ** 0.5
                if e < sheen_r:
                    col = _mix(col, WHITE, 0.42 * (1 - e / sheen_r))
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
    piece = mosaic.piece if mosaic.piece in PIECES else "round-tile"
    base = hex_to_rgb8(baseplate)
    edge_rows, size_rows = pieces.edges(mosaic.parts, w, h)
    sprites: dict = {}

    def sprite(j, e, wh):
        key = (j, e, wh == (1, 1))
        if key not in sprites:
            round_, stud, tall = pieces.looks(piece, *wh)
            sprites[key] = piece_sprite(hex_to_rgb8(mosaic.palette[j].hex), base, cell, round_, stud, e, tall)
        return sprites[key]

    line = bytes((200, 200, 200))
    rows = []
    for y, grow in enumerate(mosaic.grid):
        cells = [sprite(j, e, wh) for j, e, wh in zip(grow, edge_rows[y], size_rows[y])]
        for r in range(cell):
            if grid and r == 0 and y % section == 0 and y:
                rows.append(line * (w * cell))
                continue
            row = b"".join(sp[r] for sp in cells)
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
    if mosaic.parts:  # bigger pieces: one row per colour and size (see part_rows)
        wr.writerow(["color_name", "bricklink_color_id", "part", "count", "hex", "stock", "missing", "owned", "size"])
        for c, p, size, n, stock, miss, own in part_rows(mosaic):
            wr.writerow([c.name, c.bricklink_id, p, n, c.hex, "" if stock is None else stock, miss,
                         "" if own is None else own, size])
    else:
        wr.writerow(["color_name", "bricklink_color_id", "part", "count", "hex", "stock", "missing", "owned"])
    for c, n, s in ([] if mosaic.parts else parts(mosaic)):
        wr.writerow([c.name, c.bricklink_id, part, n, c.hex, "" if s is None else s,
                     missing.get(c.bricklink_id, 0), owned.get(c.bricklink_id, "")])
    wr.writerows(plate_csv_rows(mosaic))  # relief plates: in no inventory, so all missing
    return out.getvalue()


def plate_csv_rows(mosaic):
    """The parts CSV's rows of a relief's plates. No set or list of extra pieces holds
    plates (inventories count the mosaic's own pieces), so the stock column (limited mode)
    or the owned column (unlimited mode) says 0 and every plate is missing, as the BrickLink
    and Rebrickable lists have them (plates are on them even when only what is missing is
    listed). With bigger pieces the last column is the plate's size."""
    limited = mosaic.stock is not None
    rows = []
    for part, size, n in _plate_counts(mosaic):
        c = mosaic.plate_color
        row = [c.name, c.bricklink_id, part, n, c.hex, 0 if limited else "", n, "" if limited else 0]
        rows.append(row + [size] if mosaic.parts else row)
    return rows


def _plate_counts(mosaic):
    if not mosaic.plates:
        return []
    from .relief import counts
    return counts(mosaic.plates)


def part_rows(mosaic):
    """With bigger pieces: rows ``(Color, part, size, count, stock, missing, owned)`` of the
    parts used, most used first (see :func:`legoremix.pieces.part_list`): ``stock`` in
    limited mode and ``owned`` in unlimited mode are what the person has of that part (a
    colour's 1x1s: its studs less those of its owned bigger parts; bigger parts: those in
    the settings' ``custom_parts``, else none), ``missing`` what the parts used need
    beyond it."""
    limited = mosaic.stock is not None
    return [(c, part, size, n, have if limited else None, miss,
             None if limited or mosaic.owned is None else have)
            for c, part, size, n, have, miss in pieces.part_list(mosaic) if n]


def wanted_parts(mosaic, only_missing=None):
    """Rows ``(Color, part, quantity)`` of a shopping list, most first: as
    :func:`wanted`, per part when the mosaic has bigger pieces (see :func:`part_rows`)."""
    if not mosaic.parts:
        part = PIECES[mosaic.piece][0]
        return [(c, part, n) for c, n in wanted(mosaic, only_missing)]
    rows = part_rows(mosaic)
    if only_missing is None:
        only_missing = owns_pieces(mosaic) and any(r[5] for r in rows)
    if not only_missing:
        return [(c, p, n) for c, p, _, n, _, _, _ in rows]
    out = sorted(((c, p, m) for c, p, _, _, _, m, _ in rows if m), key=lambda r: (-r[2], r[0].bricklink_id, r[1]))
    if not out and not mosaic.plates:
        raise ExportError("Nothing is missing: your pieces cover the whole mosaic. "
                          "Choose “everything” to list every part.")
    return out


def shopping_rows(mosaic, only_missing=None):
    """Rows ``(Color, part, quantity)`` of a shopping list: :func:`wanted_parts` and the
    relief's plates, one row per part and colour (square plates as the mosaic's pieces and
    plates under the relief can be the same part: 3024 in black)."""
    total: dict = {}
    for c, p, n in wanted_parts(mosaic, only_missing) + plate_rows(mosaic):
        key = (c.bricklink_id, p)
        total[key] = (c, p, total[key][2] + n) if key in total else (c, p, n)
    return list(total.values())


def plate_rows(mosaic):
    """Rows ``(Color, part, count)`` of the plates under a relief, most used first (empty
    for a flat mosaic)."""
    return [(mosaic.plate_color, part, n) for part, _, n in _plate_counts(mosaic)]


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
    if not rows and not mosaic.plates:
        raise ExportError("Nothing is missing: your pieces cover the whole mosaic. "
                          "Choose “everything” to list every part.")
    return rows


def bricklink_xml(mosaic, only_missing=None) -> str:
    """BrickLink wanted-list XML (no XML declaration), one ITEM per colour of
    :func:`wanted`."""
    rows = shopping_rows(mosaic, only_missing)
    items = "".join(
        f"<ITEM><ITEMTYPE>P</ITEMTYPE><ITEMID>{escape(p, quote=False)}</ITEMID>"
        f"<COLOR>{c.bricklink_id}</COLOR><MINQTY>{n}</MINQTY></ITEM>\n"
        for c, p, n in rows)
    return f"<INVENTORY>\n{items}</INVENTORY>\n"


def rebrickable_csv(mosaic, only_missing=None) -> str:
    """Rebrickable part-list CSV (``Part,Color,Quantity``, Rebrickable colour ids) of
    :func:`wanted`."""
    rows = shopping_rows(mosaic, only_missing)
    unknown = sorted({c.name for c, _, _ in rows if c.rebrickable_id is None})
    if unknown:
        raise ExportError(f"Rebrickable has no colour id for {_names(unknown)}.")
    lines = ["Part,Color,Quantity"] + [f"{p},{c.rebrickable_id},{n}" for c, p, n in rows]
    return "\n".join(lines) + "\n"


def _names(names) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# --- LDraw -------------------------------------------------------------------------------

def ldraw(mosaic, section: int = 16, name: str = "mosaic.ldr") -> str:
    """The mosaic lying flat on 16x16 baseplates, one STEP per section (row by row). A
    relief's plates come first in each section, one STEP per layer, each layer 8 LDU above
    the one below; the pieces sit on top of the plates under them."""
    part, label, _, plates = PIECES[mosaic.piece]
    unknown = sorted({mosaic.palette[j].name for row in mosaic.grid for j in row
                      if mosaic.palette[j].ldraw_id is None})
    if mosaic.plates and mosaic.plate_color.ldraw_id is None:
        unknown.append(mosaic.plate_color.name)
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
            lines += _ldraw_plates(mosaic, sx, sy, section)
            if mosaic.parts:  # bigger pieces: each part at the centre of its footprint
                by_hex = {c.hex: c for c in mosaic.palette}
                for p in pieces.in_section(mosaic.parts, sx, sy, section, section):
                    top = y_top - 8 * (mosaic.heights[p["y"]][p["x"]] if mosaic.heights else 0)
                    turn = TURNED if p["w"] < p["h"] else ident
                    lines.append(f"1 {by_hex[p['color']].ldraw_id} {p['x'] * 20 + p['w'] * 10} {top} "
                                 f"{p['y'] * 20 + p['h'] * 10} {turn} {p['part']}.dat")
                lines.append("0 STEP")
                continue
            for y in range(sy, min(h, sy + section)):
                for x in range(sx, min(w, sx + section)):
                    c = mosaic.palette[mosaic.grid[y][x]]
                    top = y_top - 8 * (mosaic.heights[y][x] if mosaic.heights else 0)
                    lines.append(f"1 {c.ldraw_id} {x * 20 + 10} {top} {y * 20 + 10} {ident} {part}.dat")
            lines.append("0 STEP")
    return "\n".join(lines) + "\n"


#: LDraw orientation of a plate turned a quarter about the vertical axis (its long side
#: along Z); LDraw plates are modelled with the long side along X.
TURNED = "0 0 1 0 1 0 -1 0 0"


def _ldraw_plates(mosaic, sx, sy, section):
    """Type 1 lines of one section's relief plates, a STEP after each layer. A plate's
    origin is the centre of its top face; layer k's top face is at Y = -8k."""
    if not mosaic.plates:
        return []
    from .relief import in_section
    code = mosaic.plate_color.ldraw_id
    out = []
    top = max(p["level"] for p in mosaic.plates)
    for level in range(1, top + 1):
        here = in_section(mosaic.plates, level, sx, sy, section, section)
        if not here:
            continue
        out.append(f"0 // relief plates, layer {level}")
        for p in here:
            cx, cz = p["x"] * 20 + p["w"] * 10, p["y"] * 20 + p["h"] * 10
            turn = TURNED if p["w"] < p["h"] else "1 0 0 0 1 0 0 0 1"
            out.append(f"1 {code} {cx} {-8 * level} {cz} {turn} {p['part']}.dat")
        out.append("0 STEP")
    return out
