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


def _mix(rgb, to, f):
    return tuple(int(round(c + (t - c) * f)) for c, t in zip(rgb, to))


def piece_sprite(rgb, base, cell, round_, stud, edges=15):
    """One stud's cell as the piece looks from above, as ``cell`` rows of RGB bytes.

    Square pieces end in a thin gap on the sides in ``edges`` (1 top, 2 right, 4 bottom,
    8 left: where the part ends), lit on the top and left sides and shaded on the bottom
    and right, so even black pieces stand out on a dark baseplate; plates and bricks
    (``stud``) show a stud ring lit the same way; round pieces are circles. The centre
    pixel is always the piece's own colour.
    """
    if round_:
        rows = _sprite(rgb, base, cell, True)
    else:
        light, dark = _mix(rgb, (255, 255, 255), 0.35), _mix(rgb, (0, 0, 0), 0.45)
        gap = 1 if cell >= 6 else 0
        bevel = max(1, cell // 12) if cell >= 8 else 0
        rows = []
        for y in range(cell):
            row = bytearray()
            for x in range(cell):
                col = rgb
                if (edges & 1 and y < gap) or (edges & 4 and y >= cell - gap) or \
                        (edges & 8 and x < gap) or (edges & 2 and x >= cell - gap):
                    col = base
                elif (edges & 1 and y < gap + bevel) or (edges & 8 and x < gap + bevel):
                    col = light
                elif (edges & 4 and y >= cell - gap - bevel) or (edges & 2 and x >= cell - gap - bevel):
                    col = dark
                row += bytes(col)
            rows.append(bytes(row))
    if stud and cell >= 8:
        rows = [bytearray(r) for r in rows]
        light, dark = _mix(rgb, (255, 255, 255), 0.4), _mix(rgb, (0, 0, 0), 0.45)
        r_out, r_in = cell * 0.3, cell * 0.3 - max(1.0, cell * 0.07)
        for y in range(cell):
            for x in range(cell):
                dx, dy = x + 0.5 - cell / 2, y + 0.5 - cell / 2
                d2 = dx * dx + dy * dy
                if r_in * r_in < d2 <= r_out * r_out:
                    rows[y][3 * x:3 * x + 3] = bytes(light if dx + dy < 0 else dark)
        rows = [bytes(r) for r in rows]
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
            sprites[key] = piece_sprite(hex_to_rgb8(mosaic.palette[j].hex), base, cell, *pieces.looks(piece, *wh), e)
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
    for c, plate, n in plate_rows(mosaic):  # relief plates: not part of any inventory
        wr.writerow([c.name, c.bricklink_id, plate, n, c.hex, "", "", ""])
    return out.getvalue()


def part_rows(mosaic):
    """With bigger pieces: rows ``(Color, part, size, count, stock, missing, owned)``, most
    used first. Inventories (sets, extra pieces) hold 1x1 pieces, counted in studs: a
    colour's 1x1 row carries its stock (limited mode) or what is owned (unlimited mode),
    and is missing what the 1x1s need beyond it; every bigger part is missing (no
    inventory holds it)."""
    stock = dict(zip(mosaic.palette, mosaic.stock)) if mosaic.stock is not None else {}
    owned = dict(zip(mosaic.palette, mosaic.owned)) if mosaic.owned is not None else {}
    rows = []
    for c, part, size, n in pieces.part_counts(mosaic):
        if size != "1x1":
            rows.append((c, part, size, n, None, n, None))
            continue
        have = stock.get(c, owned.get(c, 0))
        rows.append((c, part, size, n, stock.get(c), max(0, n - have), owned.get(c)))
    return rows


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


def plate_rows(mosaic):
    """Rows ``(Color, part, count)`` of the plates under a relief, most used first (empty
    for a flat mosaic)."""
    if not mosaic.plates:
        return []
    from .relief import counts
    return [(mosaic.plate_color, part, n) for part, _, n in counts(mosaic.plates)]


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
    rows = wanted_parts(mosaic, only_missing) + plate_rows(mosaic)
    items = "".join(
        f"<ITEM><ITEMTYPE>P</ITEMTYPE><ITEMID>{escape(p, quote=False)}</ITEMID>"
        f"<COLOR>{c.bricklink_id}</COLOR><MINQTY>{n}</MINQTY></ITEM>\n"
        for c, p, n in rows)
    return f"<INVENTORY>\n{items}</INVENTORY>\n"


def rebrickable_csv(mosaic, only_missing=None) -> str:
    """Rebrickable part-list CSV (``Part,Color,Quantity``, Rebrickable colour ids) of
    :func:`wanted`."""
    rows = wanted_parts(mosaic, only_missing) + plate_rows(mosaic)
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
