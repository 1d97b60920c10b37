"""Building instructions as a vector PDF (fpdf2): cover with parts list, overview sheet,
then one page per section; for a 3D relief, then one page per section and plate layer
with the plates outlined.

Everything is drawn as vector shapes and text (no raster pages), so the file stays small
and sharp at any zoom. Each colour gets a *symbol* (1-9, then letters; beyond those, a
capital letter and a digit such as "A2") printed on every stud in black or white ink,
whichever contrasts more with the colour (WCAG 2 relative luminance), so the pages can be
read without colour vision or on a black-and-white printer. Build order: sections left to
right, top to bottom, as numbered on the overview.

The pages are planned first (:func:`layout`): a parts list that does not fit its page
flows onto continuation pages, and the footer's "Page X of N" is known before drawing.

fpdf2 documentation: https://py-pdf.github.io/fpdf2/ (shapes, text, page formats).
"""
from __future__ import annotations

import datetime
import math
from typing import NamedTuple

from . import pieces as pieces_mod, relief as relief_mod
from .color import SRGB8_TO_LINEAR, hex_to_rgb8
from .palettes import PIECES

PAPER = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
MARGIN = 12.0  # mm: safe for home printers
#: Single-character symbols, most used colour first (order fixed: printed PDFs keep their meaning).
SYMBOLS = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabdefghijkmnpqrtuvwxyz"
#: Then a capital letter and a digit ("A2"): no 0/O/Q or 1/I/l, and the letter-digit
#: pattern keeps them apart from each other and from the single characters.
PAIR_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
PAIR_DIGITS = "23456789"
ALL_SYMBOLS = tuple(SYMBOLS) + tuple(a + d for a in PAIR_LETTERS for d in PAIR_DIGITS)
SYMBOL_FILL = 0.85  # a symbol is at most this fraction of its stud's width
ROUND_FILL = 0.84  # on round pieces (drawn 0.88 wide), its diagonal too: it stays on the piece
CAP_HEIGHT = 0.718  # Helvetica capital height, in em
PT_MM = 25.4 / 72
STUD_MM = 8.0
#: Studs drawn at least this wide (mm) on the overview show their piece's look
#: (:meth:`_Doc.top`); smaller ones are plain (a ring would not show on paper, and costs
#: time: up to 64 studs across on A4 are drawn with it).
LOOK_MM = 2.5

# parts list geometry (mm)
ROW = 6.0
LIST_STUD = 5.0
NAME_X, COUNT_X, STOCK_X = 7.0, 45.0, 57.0
COL_W, COL_W_STOCK = 61.5, 70.0
# section pages (mm)
SECTION_TOP = MARGIN + 26
RULER = 6.0
CONTINUED_TOP = MARGIN + 16  # parts list on a continuation page


class Page(NamedTuple):
    """One planned page. ``kind``: cover, cover-continued, overview, section or
    section-continued; ``section``: ``(number, x0, y0, w, h)`` or None; ``rows``: the
    ``(palette index, count)`` pairs of the parts list printed on this page."""

    kind: str
    section: tuple | None
    rows: tuple
    level: int = 0  # relief pages ("plates"): the plate layer, 1 = on the baseplate


def _mix(rgb, to, f):
    """``rgb`` mixed towards grey level ``to`` (0 black, 255 white) by ``f``."""
    return tuple(int(round(c + (to - c) * f)) for c in rgb)


def luminance(hex_: str) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""
    r, g, b = (SRGB8_TO_LINEAR[c] for c in hex_to_rgb8(hex_))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ink(hex_: str):
    """Black or white, whichever has the higher contrast ratio against ``hex_``."""
    lum = luminance(hex_)
    return (0, 0, 0) if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else (255, 255, 255)


def symbols(mosaic) -> dict:
    """Palette index -> symbol, most used colour first; the same on every page."""
    order = sorted(range(len(mosaic.palette)), key=lambda j: (-mosaic.counts[j], mosaic.palette[j].bricklink_id))
    used = [j for j in order if mosaic.counts[j] > 0]
    if len(used) > len(ALL_SYMBOLS):
        raise ValueError(f"At most {len(ALL_SYMBOLS)} colours can be printed with symbols.")
    return {j: ALL_SYMBOLS[i] for i, j in enumerate(used)}


def symbol_font(pdf, text: str, stud: float, round_: bool = False) -> float:
    """Bold Helvetica size (pt) for ``text`` on a stud ``stud`` mm wide: the usual size for
    the stud, shrunk so that two-character symbols stay inside it (SYMBOL_FILL wide; on
    round pieces also ROUND_FILL across the diagonal, so the corners stay on the circle)."""
    size = stud * 1.7
    pdf.set_font("helvetica", "B", size)
    width = pdf.get_string_width(text)
    fit = SYMBOL_FILL * stud / width
    if round_:
        fit = min(fit, ROUND_FILL * stud / math.hypot(width, CAP_HEIGHT * size * PT_MM))
    return size * min(1.0, fit)


#: The overview's section numbers: their white box at most this share of a section's width and
#: height, so that the picture under them stays visible (QA: on 512x64 the boxes hid it).
LABEL_FILL = (0.5, 0.34)


def label_box(pdf, label: str, w: float, h: float):
    """Bold Helvetica size (pt) and box ``(width, height)`` in mm for a section number on the
    overview, the section being ``w`` x ``h`` mm: large where sections are large (up to 28 pt),
    shrunk so its box fits :data:`LABEL_FILL` of the section (not below 4 pt)."""
    def box(pt):  # sets the font; the box grows in proportion to it
        pdf.set_font("helvetica", "B", pt)
        return pdf.get_string_width(label) + 0.15 * pt, 1.8 * CAP_HEIGHT * pt * PT_MM

    pt = max(4.0, min(28.0, min(w, h) * 1.08))
    bw, bh = box(pt)
    fit = min(1.0, LABEL_FILL[0] * w / bw, LABEL_FILL[1] * h / bh)
    if fit < 1.0:
        pt = max(4.0, pt * fit)
        bw, bh = box(pt)
    return pt, (bw, bh)


def sections(width: int, height: int, size: int):
    """Sections in building order: ``(number, x0, y0, w, h)``, left to right, top to bottom."""
    out = []
    for y0 in range(0, height, size):
        for x0 in range(0, width, size):
            out.append((len(out) + 1, x0, y0, min(size, width - x0), min(size, height - y0)))
    return out


def section_cell(paper: str, section: int) -> float:
    """Stud size (mm) on section pages: the grid fills the page above its parts list."""
    w, h = PAPER[paper]
    return min((w - 2 * MARGIN - RULER) / section, (h - SECTION_TOP - MARGIN - 50) / section)


def check_options(section: int, paper: str):
    """Reject a section size or paper the instructions cannot be laid out for."""
    if section not in (8, 16, 32):
        raise ValueError("The section size must be 8, 16 or 32 studs.")
    if paper not in PAPER:
        names = " or ".join(f'"{p}"' for p in PAPER)
        raise ValueError(f"The paper must be {names}.")


class _Doc:
    def __init__(self, mosaic, section, paper, title):
        check_options(section, paper)
        self.m = mosaic
        self.section = section
        self.paper = paper
        self.W, self.H = PAPER[paper]  # portrait: every page with a parts list
        self.title = title
        self.sym = symbols(mosaic)
        self.rank = {j: i for i, j in enumerate(self.sym)}
        self.round = PIECES.get(mosaic.piece, PIECES["round-tile"])[2]
        self.look = pieces_mod.looks(mosaic.piece if mosaic.piece in PIECES else "round-tile")
        self.sections = sections(mosaic.width, mosaic.height, section)
        index = {c.hex: j for j, c in enumerate(mosaic.palette)}
        self.have = {(index[c.hex], size): have for c, _, size, _, have, _ in pieces_mod.part_list(mosaic)} \
            if mosaic.parts else {}
        self.pages = self.layout()
        self._fonts = {}  # (symbol, stud) -> (pt, width): measured once

    # -- layout --------------------------------------------------------------------------
    def layout(self) -> list:
        """Every page in order; parts lists that do not fit continue on the next pages."""
        m = self.m
        pages = self.flow("cover", None, self.part_rows(m.parts) if m.parts else self.rows(m.counts),
                          self.cover_preview()[3], m.stock is not None)
        pages.append(Page("overview", None, ()))
        list_top = self.section_grid()[3]
        for sec in self.sections:
            rows = self.part_rows(self.section_parts(sec)) if m.parts else self.rows(self.section_counts(sec))
            pages += self.flow("section", sec, rows, list_top, False)
        return pages + self.relief_pages()

    def relief_pages(self) -> list:
        """After the colour pages: one page per section and plate layer that has plates."""
        plates = self.m.plates or []
        top = max((p["level"] for p in plates), default=0)
        out = []
        for sec in self.sections:
            _, sx, sy, sw, sh = sec
            for level in range(1, top + 1):
                if relief_mod.in_section(plates, level, sx, sy, sw, sh):
                    out.append(Page("plates", sec, (), level))
        return out

    def flow(self, kind, sec, rows, top, stock) -> list:
        """A page of ``kind`` with the rows that fit below ``top``, then continuation pages."""
        pages = [Page(kind, sec, rows[:self.capacity(top, stock)])]
        rows = rows[len(pages[0].rows):]
        while rows:
            n = self.capacity(CONTINUED_TOP, stock)
            pages.append(Page(kind + "-continued", sec, rows[:n]))
            rows = rows[n:]
        return pages

    def rows(self, counts) -> tuple:
        """``(palette index, count)`` of the colours used, in symbol order."""
        return tuple(sorted(((j, n) for j, n in enumerate(counts) if n > 0), key=lambda t: self.rank[t[0]]))

    def part_rows(self, parts) -> tuple:
        """Bigger pieces: ``(palette index, count, size)`` of the parts given, in symbol
        order, smaller sizes first."""
        index = {c.hex: j for j, c in enumerate(self.m.palette)}
        n: dict = {}
        for p in parts:
            key = (index[p["color"]], pieces_mod.name_of(p["w"], p["h"]))
            n[key] = n.get(key, 0) + 1
        order = sorted(n, key=lambda k: (self.rank[k[0]], pieces_mod.size_of(k[1])[0] * pieces_mod.size_of(k[1])[1],
                                         pieces_mod.size_of(k[1])))
        return tuple((j, n[(j, size)], size) for j, size in order)

    def section_parts(self, sec) -> list:
        """Bigger pieces: the parts whose top-left stud lies in one section."""
        _, sx, sy, sw, sh = sec
        return pieces_mod.in_section(self.m.parts, sx, sy, sw, sh)

    def outlines(self, x0, y0, cell, sx, sy, sw, sh, width):
        """Bigger pieces: each part's outline over the studs of the area shown (clipped to it)."""
        if not self.m.parts:
            return
        pdf = self.pdf
        pdf.set_line_width(width)
        for p in self.m.parts:
            ax, ay = max(p["x"], sx), max(p["y"], sy)
            bx, by = min(p["x"] + p["w"], sx + sw), min(p["y"] + p["h"], sy + sh)
            if ax < bx and ay < by and (p["w"] > 1 or p["h"] > 1):
                pdf.set_draw_color(*((0, 0, 0) if luminance(p["color"]) > 0.18 else (235, 235, 235)))
                pdf.rect(x0 + (ax - sx) * cell + width, y0 + (ay - sy) * cell + width,
                         (bx - ax) * cell - 2 * width, (by - ay) * cell - 2 * width, style="D")

    def section_counts(self, sec) -> list:
        """Studs per palette colour in one section."""
        _, sx, sy, sw, sh = sec
        counts = [0] * len(self.m.palette)
        for y in range(sy, sy + sh):
            for j in self.m.grid[y][sx:sx + sw]:
                counts[j] += 1
        return counts

    def table_shape(self, top, stock):
        """Columns and rows per column of a parts list from ``top`` down to the footer."""
        cols = max(1, int((self.W - 2 * MARGIN) // (COL_W_STOCK if stock else COL_W)))
        per_col = max(1, int((self.H - MARGIN - 4 - top - ROW) // ROW))
        return cols, per_col

    def capacity(self, top, stock) -> int:
        """How many colours a parts list starting at ``top`` can hold."""
        cols, per_col = self.table_shape(top, stock)
        return cols * per_col

    def cover_preview(self):
        """Cell size and top-left corner of the cover's mosaic picture, and the top of its parts list."""
        m = self.m
        box_w = self.W - 2 * MARGIN
        box_h = (self.H - 2 * MARGIN) * 0.45
        cell = min(box_w / m.width, box_h / m.height)
        x0 = MARGIN + (box_w - cell * m.width) / 2
        y0 = MARGIN + 24
        return cell, x0, y0, y0 + cell * m.height + 12

    def section_grid(self):
        """Cell size and top-left corner of a section page's grid, and the top of its parts list."""
        cell = section_cell(self.paper, self.section)
        x0 = MARGIN + RULER + (self.W - 2 * MARGIN - RULER - cell * self.section) / 2
        y0 = SECTION_TOP + RULER
        return cell, x0, y0, y0 + self.section * cell + 9

    # -- primitives ----------------------------------------------------------------------
    def stud(self, x, y, size, j, symbol=False, look=False):
        pdf = self.pdf
        hex_ = self.m.palette[j].hex
        pdf.set_fill_color(*hex_to_rgb8(hex_))
        inset = size * 0.06
        if self.round:
            pdf.ellipse(x + inset, y + inset, size - 2 * inset, size - 2 * inset, style="F")
        else:
            pdf.rect(x + inset, y + inset, size - 2 * inset, size - 2 * inset, style="F")
        if symbol:
            self.symbol(x, y, size, j, self.round)
        elif look:
            self.top(x, y, size, hex_, 1, 1, self.round)

    def top(self, x, y, cell, hex_, w, h, round_):
        """What a part's top looks like, over its fill (the page and the PNG draw the same,
        web/js/looks.js): plates and bricks a stud ring on every stud, lit above left and
        shaded below right; tiles a soft highlight in the upper left corner; bricks a deeper
        shade on the lower and right sides (they stand taller); so each piece family is
        recognisable and black pieces show on the dark background."""
        pdf = self.pdf
        stud, tall = self.look[1], self.look[2]
        rgb = hex_to_rgb8(hex_)
        if tall and not round_:
            band = cell * 0.14
            pdf.set_fill_color(*_mix(rgb, 0, 0.55))
            pdf.rect(x + w * cell * 0.94 - band, y + cell * 0.06, band, h * cell * 0.88, style="F")
            pdf.rect(x + cell * 0.06, y + h * cell * 0.94 - band, w * cell * 0.88, band, style="F")
        if stud:
            r = cell * 0.28
            pdf.set_line_width(cell * 0.07)
            light, dark = _mix(rgb, 255, 0.45), _mix(rgb, 0, 0.5)
            for j in range(h):
                for i in range(w):
                    cx, cy = x + (i + 0.5) * cell, y + (j + 0.5) * cell
                    pdf.set_draw_color(*light)
                    pdf.arc(cx - r, cy - r, 2 * r, 135, 315, style="D")
                    pdf.set_draw_color(*dark)
                    pdf.arc(cx - r, cy - r, 2 * r, 315, 495, style="D")
        else:
            pdf.set_fill_color(*_mix(rgb, 255, 0.35))
            pdf.ellipse(x + cell * 0.17, y + cell * 0.17, cell * 0.24, cell * 0.24, style="F")

    def symbol(self, x, y, size, j, round_):
        """The colour's symbol centred on the stud at (x, y)."""
        pdf, hex_ = self.pdf, self.m.palette[j].hex
        s = self.sym[j]
        pt, w = self.symbol_metrics(s, size, round_)
        pdf.set_font("helvetica", "B", pt)
        pdf.set_text_color(*ink(hex_))
        pdf.text(x + (size - w) / 2, y + size / 2 + CAP_HEIGHT * pt * PT_MM / 2, s)

    def symbol_metrics(self, s, stud, round_=None):
        """Font size and text width of symbol ``s`` on a stud (cached: drawn thousands of times)."""
        round_ = self.round if round_ is None else round_
        key = (s, stud, round_)
        if key not in self._fonts:
            pt = symbol_font(self.pdf, s, stud, round_)
            self.pdf.set_font("helvetica", "B", pt)
            self._fonts[key] = (pt, self.pdf.get_string_width(s))
        return self._fonts[key]

    def studs(self, x0, y0, cell, x_from, y_from, w, h, symbol=False, look=False):
        """Studs on a background: light on section pages (black studs must stay visible
        around their symbols), dark grey elsewhere (close to the real baseplate); ``look``
        (the overview) draws each piece as it looks when the studs are big enough."""
        pdf = self.pdf
        pdf.set_fill_color(*((225, 225, 225) if symbol else (70, 70, 70)))
        pdf.rect(x0, y0, w * cell, h * cell, style="F")
        look = look and not symbol and cell >= LOOK_MM  # smaller: plain (a ring would not show, and costs)
        if self.m.parts:  # bigger pieces: each part filled as one piece, round only as a round 1x1
            index = {c.hex: j for j, c in enumerate(self.m.palette)}
            inset = cell * 0.06
            for p in self.m.parts:
                ax, ay = max(p["x"], x_from), max(p["y"], y_from)
                bx, by = min(p["x"] + p["w"], x_from + w), min(p["y"] + p["h"], y_from + h)
                if ax >= bx or ay >= by:
                    continue
                if p["w"] == p["h"] == 1:
                    self.stud(x0 + (ax - x_from) * cell, y0 + (ay - y_from) * cell, cell, index[p["color"]], symbol,
                              look)
                    continue
                pdf.set_fill_color(*hex_to_rgb8(p["color"]))
                pdf.rect(x0 + (ax - x_from) * cell + inset, y0 + (ay - y_from) * cell + inset,
                         (bx - ax) * cell - 2 * inset, (by - ay) * cell - 2 * inset, style="F")
                if look:
                    self.top(x0 + (ax - x_from) * cell, y0 + (ay - y_from) * cell, cell, p["color"], bx - ax, by - ay,
                             False)
                if symbol:
                    for yy in range(ay, by):
                        for xx in range(ax, bx):
                            self.symbol(x0 + (xx - x_from) * cell, y0 + (yy - y_from) * cell, cell,
                                        index[p["color"]], False)
            return
        for yy in range(h):
            row = self.m.grid[y_from + yy]
            for xx in range(w):
                self.stud(x0 + xx * cell, y0 + yy * cell, cell, row[x_from + xx], symbol, look)

    def footer(self, page_no):
        pdf = self.pdf
        pdf.set_text_color(90, 90, 90)
        pdf.set_font("helvetica", "", 8)
        pdf.text(MARGIN, pdf.h - MARGIN / 2, f"{self.title} - made with legoremix (not affiliated with the LEGO Group)")
        label = f"Page {page_no} of {len(self.pages)}"
        pdf.text(pdf.w - MARGIN - pdf.get_string_width(label), pdf.h - MARGIN / 2, label)

    def heading(self, text, size=16):
        pdf = self.pdf
        pdf.set_text_color(0, 0, 0)
        pdf.set_font("helvetica", "B", size)
        pdf.text(MARGIN, MARGIN + size * 0.35, text)

    def note(self, text):
        """The line of explanation under a page's heading."""
        pdf = self.pdf
        pdf.set_font("helvetica", "", 9)
        pdf.set_text_color(40, 40, 40)
        pdf.text(MARGIN, MARGIN + 11, text)

    def parts_table(self, top, rows, stock=None):
        """Swatch + symbol, colour, BrickLink id, count (and stock), column by column;
        ``rows`` were planned by :meth:`layout` to fit between ``top`` and the footer."""
        pdf = self.pdf
        cols, per_col = self.table_shape(top, stock is not None)
        col_w = COL_W_STOCK if stock is not None else COL_W
        pdf.set_font("helvetica", "B", 8)
        pdf.set_text_color(0, 0, 0)
        for c in range(min(cols, -(-len(rows) // per_col))):
            cx = MARGIN + c * col_w
            pdf.text(cx + NAME_X, top + 4, "Colour (BrickLink id)")
            pdf.text(cx + COUNT_X, top + 4, "Count")
            if stock is not None:
                pdf.text(cx + STOCK_X, top + 4, "Stock")
        for i, (j, n, *size) in enumerate(rows):  # size: bigger pieces only ("2x4")
            c, r = divmod(i, per_col)
            cx, cy = MARGIN + c * col_w, top + ROW * (r + 1)
            self.stud(cx, cy, LIST_STUD, j, symbol=True)
            col = self.m.palette[j]
            pdf.set_text_color(0, 0, 0)
            pdf.set_font("helvetica", "", 8.5)
            name = f"{col.name} ({col.bricklink_id})"
            pdf.text(cx + NAME_X, cy + 3.7, (f"{size[0]} {name}" if size else name)[:32])
            pdf.set_font("helvetica", "B", 8.5)
            pdf.text(cx + COUNT_X, cy + 3.7, str(n))
            if stock is not None:  # bigger pieces: what is owned of that part (pieces.part_list)
                pdf.set_font("helvetica", "", 8.5)
                pdf.text(cx + STOCK_X, cy + 3.7, str(self.have.get((j, size[0]), 0) if size else stock[j]))

    def locator(self, sx, sy, sw, sh):
        """A small map in the top right corner: where this section sits in the mosaic."""
        pdf, m = self.pdf, self.m
        mini = 22.0 / max(m.width, m.height)
        mx, my = pdf.w - MARGIN - m.width * mini, MARGIN - 2
        pdf.set_draw_color(120, 120, 120)
        pdf.set_line_width(0.2)
        pdf.rect(mx, my, m.width * mini, m.height * mini, style="D")
        pdf.set_fill_color(29, 78, 216)
        pdf.rect(mx + sx * mini, my + sy * mini, sw * mini, sh * mini, style="F")

    # -- pages -------------------------------------------------------------------------
    def cover(self, page):
        pdf, m = self.pdf, self.m
        pdf.add_page(orientation="P")
        self.heading(self.title, 20)
        part, label, _, _ = PIECES[m.piece]
        cm = (m.width * STUD_MM / 10, m.height * STUD_MM / 10)
        pdf.set_font("helvetica", "", 10)
        pdf.set_text_color(40, 40, 40)
        count = (f"{len(m.parts)} parts, {pieces_mod.summary(m)['saving']:.0f} % fewer than 1x1" if m.parts
                 else f"{m.width * m.height} pieces")
        info = (f"{m.width} x {m.height} studs ({count}) - {cm[0]:.1f} x {cm[1]:.1f} cm "
                f"({cm[0] / 2.54:.1f} x {cm[1] / 2.54:.1f} in) - {label}, part {part}")
        pdf.text(MARGIN, MARGIN + 14, info)
        made = f"Made {datetime.date.today().isoformat()}."
        if m.mean_delta_e is not None:  # None: the page's mosaic before its scores arrived
            made = f"Mean colour difference {m.mean_delta_e:.2f} (CIEDE2000). " + made
        pdf.text(MARGIN, MARGIN + 19, made)
        cell, x0, y0, top = self.cover_preview()
        self.studs(x0, y0, cell, 0, 0, m.width, m.height)
        pdf.set_font("helvetica", "B", 12)
        pdf.set_text_color(0, 0, 0)
        more = " (continued on the next page)" if self.continues(page) else ""
        pdf.text(MARGIN, top - 2, f"Parts list{more}")
        self.parts_table(top, page.rows, m.stock)

    def cover_continued(self, page):
        self.pdf.add_page(orientation="P")
        self.heading("Parts list (continued)")
        self.note("Every colour of the whole mosaic, continued from the previous page.")
        self.parts_table(CONTINUED_TOP, page.rows, self.m.stock)

    def overview(self, page):
        pdf, m = self.pdf, self.m
        pdf.add_page(orientation="L" if m.width > m.height else "P")
        self.heading(f"Overview: {len(self.sections)} sections of {self.section} x {self.section} studs")
        self.note("Build the sections in number order: left to right, top to bottom. Each section has its own page.")
        top = MARGIN + 16
        box_w, box_h = pdf.w - 2 * MARGIN, pdf.h - top - MARGIN - 4
        cell = min(box_w / m.width, box_h / m.height)
        x0 = MARGIN + (box_w - cell * m.width) / 2
        self.studs(x0, top, cell, 0, 0, m.width, m.height, look=True)
        self.outlines(x0, top, cell, 0, 0, m.width, m.height, min(0.3, cell * 0.12))
        pdf.set_draw_color(255, 255, 255)
        pdf.set_line_width(0.6)
        for n, sx, sy, sw, sh in self.sections:
            x, y, w, h = x0 + sx * cell, top + sy * cell, sw * cell, sh * cell
            pdf.rect(x, y, w, h, style="D")
            label = str(n)
            pt, (bw, bh) = label_box(pdf, label, w, h)  # sets the font
            pdf.set_fill_color(255, 255, 255)
            with pdf.local_context(fill_opacity=0.85):  # the studs show a little through the box
                pdf.rect(x + (w - bw) / 2, y + (h - bh) / 2, bw, bh, style="F")
            pdf.set_text_color(0, 0, 0)
            pdf.text(x + (w - pdf.get_string_width(label)) / 2, y + h / 2 + CAP_HEIGHT * pt * PT_MM / 2, label)

    def section_page(self, page):
        pdf = self.pdf
        n, sx, sy, sw, sh = page.section
        pdf.add_page(orientation="P")
        self.heading(f"Section {n} of {len(self.sections)}")
        self.note(f"Columns {sx + 1}-{sx + sw}, rows {sy + 1}-{sy + sh}. "
                  "The symbol on each stud names its colour (see the list below).")
        self.locator(sx, sy, sw, sh)
        cell, x0, y0, top = self.section_grid()
        pdf.set_font("helvetica", "", 7)
        pdf.set_text_color(60, 60, 60)
        for i in range(sw):
            s = str(sx + i + 1)
            pdf.text(x0 + i * cell + (cell - pdf.get_string_width(s)) / 2, y0 - 1.5, s)
        for i in range(sh):
            s = str(sy + i + 1)
            pdf.text(x0 - 1.5 - pdf.get_string_width(s), y0 + i * cell + cell * 0.62, s)
        self.studs(x0, y0, cell, sx, sy, sw, sh, symbol=True)
        self.outlines(x0, y0, cell, sx, sy, sw, sh, 0.45)
        if self.section >= 16:  # guide lines every 4 studs help counting
            pdf.set_draw_color(255, 255, 255)
            pdf.set_line_width(0.25)
            for i in range(4, sw, 4):
                pdf.line(x0 + i * cell, y0, x0 + i * cell, y0 + sh * cell)
            for i in range(4, sh, 4):
                pdf.line(x0, y0 + i * cell, x0 + sw * cell, y0 + i * cell)
        pdf.set_font("helvetica", "B", 10)
        pdf.set_text_color(0, 0, 0)
        more = " - continued on the next page" if self.continues(page) else ""
        count = len(self.section_parts(page.section)) if self.m.parts else sw * sh
        what = "Parts for this section by size" if self.m.parts else "Pieces for this section"
        pdf.text(MARGIN, top - 1, f"{what} ({count}){more}")
        self.parts_table(top, page.rows)

    def section_continued(self, page):
        n, sx, sy, sw, sh = page.section
        self.pdf.add_page(orientation="P")
        self.heading(f"Section {n} (continued)")
        self.note(f"Columns {sx + 1}-{sx + sw}, rows {sy + 1}-{sy + sh}: "
                  + (f"the rest of the parts for this section ({len(self.section_parts(page.section))} in all)."
                     if self.m.parts else f"the rest of the pieces for this section ({sw * sh} in all)."))
        self.locator(sx, sy, sw, sh)
        self.parts_table(CONTINUED_TOP, page.rows)

    def continues(self, page) -> bool:
        """Whether this page's parts list goes on over the page."""
        return any(p.kind == page.kind + "-continued" and p.section == page.section for p in self.pages)

    def plates_page(self, page):
        """A relief layer of one section: the raised studs shaded, each plate outlined with
        its size, and the plates this page needs."""
        pdf, m, level = self.pdf, self.m, page.level
        n, sx, sy, sw, sh = page.section
        layers = max(p["level"] for p in m.plates)
        pdf.add_page(orientation="P")
        self.heading(f"Section {n}: plate layer {level} of {layers}")
        below = "on the baseplate" if level == 1 else f"on layer {level - 1}"
        self.note(f"Columns {sx + 1}-{sx + sw}, rows {sy + 1}-{sy + sh}: lay these {m.plate_color.name} plates "
                  f"{below}, as outlined.")
        self.locator(sx, sy, sw, sh)
        cell, x0, y0, top = self.section_grid()
        pdf.set_fill_color(235, 235, 235)
        pdf.rect(x0, y0, sw * cell, sh * cell, style="F")
        pdf.set_fill_color(150, 150, 150)
        for yy in range(sh):
            for xx in range(sw):
                if m.heights[sy + yy][sx + xx] >= level:
                    pdf.rect(x0 + xx * cell, y0 + yy * cell, cell, cell, style="F")
        here = relief_mod.in_section(m.plates, level, sx, sy, sw, sh)
        pdf.set_draw_color(0, 0, 0)
        pdf.set_line_width(0.5)
        pdf.set_text_color(255, 255, 255)
        pdf.set_font("helvetica", "B", min(9.0, cell * 1.4))
        for p in here:
            x, y = x0 + (p["x"] - sx) * cell, y0 + (p["y"] - sy) * cell
            pdf.set_fill_color(40, 40, 40)
            pdf.rect(x + 0.6, y + 0.6, p["w"] * cell - 1.2, p["h"] * cell - 1.2, style="DF")
            label = f"{p['w']}x{p['h']}"
            tw = pdf.get_string_width(label)
            if tw < p["w"] * cell - 1.5:
                pdf.text(x + (p["w"] * cell - tw) / 2, y + p["h"] * cell / 2 + 1.2, label)
        pdf.set_font("helvetica", "B", 10)
        pdf.set_text_color(0, 0, 0)
        pdf.text(MARGIN, top - 1, f"Plates for this layer ({len(here)})")
        pdf.set_font("helvetica", "", 9)
        for i, (part, size, count) in enumerate(relief_mod.counts(here)):
            c, r = divmod(i, 8)
            pdf.text(MARGIN + c * 60, top + 5 + r * 5, f"{count} x plate {size.replace('x', ' x ')} "
                                                      f"(part {part}, {m.plate_color.name})")

    DRAW = {"cover": cover, "cover-continued": cover_continued, "overview": overview,
            "section": section_page, "section-continued": section_continued, "plates": plates_page}

    def build(self) -> bytes:
        from fpdf import FPDF  # optional dependency: only needed for PDFs
        self.pdf = FPDF(unit="mm", format=(self.W, self.H))
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margins(MARGIN, MARGIN, MARGIN)
        self.pdf.set_creator("legoremix")
        self.pdf.set_title(self.title)
        for no, page in enumerate(self.pages, 1):
            self.DRAW[page.kind](self, page)
            self.footer(no)
        return bytes(self.pdf.output())


def layout(mosaic, section: int = 16, paper: str = "a4", title: str = "Lego mosaic") -> list:
    """The planned pages of the instructions (:class:`Page`), without drawing them."""
    return _Doc(mosaic, section, paper, title).pages


def pdf(mosaic, section: int = 16, paper: str = "a4", title: str = "Lego mosaic") -> bytes:
    """The instructions PDF for ``mosaic``: cover + parts list, overview, one page per
    section; long parts lists continue on the following pages."""
    return _Doc(mosaic, section, paper, title).build()
