"""Building instructions as a vector PDF (fpdf2): cover with parts list, overview sheet,
then one page per section.

Everything is drawn as vector shapes and text (no raster pages), so the file stays small
and sharp at any zoom. Each colour gets a *symbol* (1-9, then A-Z) printed on every
stud in black or white ink, whichever contrasts more with the colour (WCAG 2 relative
luminance), so the pages can be read without colour vision or on a black-and-white
printer. Build order: sections left to right, top to bottom, as numbered on the
overview.

fpdf2 documentation: https://py-pdf.github.io/fpdf2/ (shapes, text, page formats).
"""
from __future__ import annotations

import datetime

from .color import SRGB8_TO_LINEAR, hex_to_rgb8
from .palettes import PIECES

PAPER = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
MARGIN = 12.0  # mm: safe for home printers
SYMBOLS = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabdefghijkmnpqrtuvwxyz"
STUD_MM = 8.0


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
    if len(used) > len(SYMBOLS):
        raise ValueError(f"at most {len(SYMBOLS)} colours can be printed with symbols")
    return {j: SYMBOLS[i] for i, j in enumerate(used)}


def sections(width: int, height: int, size: int):
    """Sections in building order: ``(number, x0, y0, w, h)``, left to right, top to bottom."""
    out = []
    for y0 in range(0, height, size):
        for x0 in range(0, width, size):
            out.append((len(out) + 1, x0, y0, min(size, width - x0), min(size, height - y0)))
    return out


class _Doc:
    def __init__(self, mosaic, section, paper, title):
        from fpdf import FPDF  # optional dependency: only needed for PDFs
        if section not in (8, 16, 32):
            raise ValueError("section size must be 8, 16 or 32 studs")
        if paper not in PAPER:
            raise ValueError(f"paper must be one of {', '.join(PAPER)}")
        self.m = mosaic
        self.section = section
        self.paper = paper
        self.title = title
        self.sym = symbols(mosaic)
        self.round = PIECES.get(mosaic.piece, PIECES["round-tile"])[2]
        self.pdf = FPDF(unit="mm", format=PAPER[paper])
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margins(MARGIN, MARGIN, MARGIN)
        self.pdf.set_creator("legoremix")
        self.pdf.set_title(title)
        self.sections = sections(mosaic.width, mosaic.height, section)
        self.total_pages = 2 + len(self.sections)

    # -- primitives ----------------------------------------------------------------------
    def stud(self, x, y, size, j, symbol=False):
        pdf = self.pdf
        hex_ = self.m.palette[j].hex
        pdf.set_fill_color(*hex_to_rgb8(hex_))
        inset = size * 0.06
        if self.round:
            pdf.ellipse(x + inset, y + inset, size - 2 * inset, size - 2 * inset, style="F")
        else:
            pdf.rect(x + inset, y + inset, size - 2 * inset, size - 2 * inset, style="F")
        if symbol:
            pdf.set_text_color(*ink(hex_))
            pdf.set_font("helvetica", "B", max(4.0, size * 1.7))
            s = self.sym[j]
            w = pdf.get_string_width(s)
            pdf.text(x + (size - w) / 2, y + size * 0.5 + size * 0.21, s)

    def studs(self, x0, y0, cell, x_from, y_from, w, h, symbol=False):
        """Studs on a background: light on section pages (black studs must stay visible
        around their symbols), dark grey elsewhere (close to the real baseplate)."""
        pdf = self.pdf
        pdf.set_fill_color(*((225, 225, 225) if symbol else (70, 70, 70)))
        pdf.rect(x0, y0, w * cell, h * cell, style="F")
        for yy in range(h):
            row = self.m.grid[y_from + yy]
            for xx in range(w):
                self.stud(x0 + xx * cell, y0 + yy * cell, cell, row[x_from + xx], symbol)

    def footer(self, page_no):
        pdf = self.pdf
        pdf.set_text_color(90, 90, 90)
        pdf.set_font("helvetica", "", 8)
        pdf.text(MARGIN, pdf.h - MARGIN / 2, f"{self.title} - made with legoremix (not affiliated with the LEGO Group)")
        label = f"Page {page_no} of {self.total_pages}"
        pdf.text(pdf.w - MARGIN - pdf.get_string_width(label), pdf.h - MARGIN / 2, label)

    def heading(self, text, size=16):
        pdf = self.pdf
        pdf.set_text_color(0, 0, 0)
        pdf.set_font("helvetica", "B", size)
        pdf.text(MARGIN, MARGIN + size * 0.35, text)

    def parts_table(self, x, y, max_y, counts, stock=None):
        """Swatch + symbol, colour, BrickLink id, count (and stock); several columns if needed."""
        pdf = self.pdf
        rows = sorted(((j, n) for j, n in enumerate(counts) if n > 0), key=lambda t: SYMBOLS.index(self.sym[t[0]]))
        line = 6.0
        col_w = 90.0 if stock is not None else 80.0
        cols = max(1, int((pdf.w - 2 * MARGIN) // col_w))
        per_col = max(1, int((max_y - y - line) // line))
        pdf.set_font("helvetica", "B", 8)
        pdf.set_text_color(0, 0, 0)
        for c in range(min(cols, -(-len(rows) // per_col))):
            cx = x + c * col_w
            pdf.text(cx + 7, y + 4, "Colour (BrickLink id)")
            pdf.text(cx + 58, y + 4, "Count")
            if stock is not None:
                pdf.text(cx + 72, y + 4, "Stock")
        for i, (j, n) in enumerate(rows):
            c, r = divmod(i, per_col)
            if c >= cols:
                raise ValueError("too many colours for the parts list")
            cx, cy = x + c * col_w, y + line * (r + 1)
            self.stud(cx, cy, 5.0, j, symbol=True)
            col = self.m.palette[j]
            pdf.set_text_color(0, 0, 0)
            pdf.set_font("helvetica", "", 8.5)
            pdf.text(cx + 7, cy + 3.7, f"{col.name} ({col.bricklink_id})"[:32])
            pdf.set_font("helvetica", "B", 8.5)
            pdf.text(cx + 58, cy + 3.7, str(n))
            if stock is not None:
                pdf.set_font("helvetica", "", 8.5)
                pdf.text(cx + 72, cy + 3.7, str(stock[j]))
        return y + line * (min(len(rows), per_col) + 1)

    # -- pages -------------------------------------------------------------------------
    def cover(self):
        pdf, m = self.pdf, self.m
        pdf.add_page(orientation="P")
        self.heading(self.title, 20)
        part, label, _, _ = PIECES[m.piece]
        cm = (m.width * STUD_MM / 10, m.height * STUD_MM / 10)
        pdf.set_font("helvetica", "", 10)
        pdf.set_text_color(40, 40, 40)
        info = (f"{m.width} x {m.height} studs ({m.width * m.height} pieces) - {cm[0]:.1f} x {cm[1]:.1f} cm "
                f"({cm[0] / 2.54:.1f} x {cm[1] / 2.54:.1f} in) - {label}, part {part}")
        pdf.text(MARGIN, MARGIN + 14, info)
        pdf.text(MARGIN, MARGIN + 19, f"Mean colour difference {m.mean_delta_e:.2f} (CIEDE2000). "
                                      f"Made {datetime.date.today().isoformat()}.")
        box_w = pdf.w - 2 * MARGIN
        box_h = (pdf.h - 2 * MARGIN) * 0.45
        cell = min(box_w / m.width, box_h / m.height)
        x0 = MARGIN + (box_w - cell * m.width) / 2
        y0 = MARGIN + 24
        self.studs(x0, y0, cell, 0, 0, m.width, m.height)
        y = y0 + cell * m.height + 6
        pdf.set_font("helvetica", "B", 12)
        pdf.set_text_color(0, 0, 0)
        pdf.text(MARGIN, y + 4, "Parts list")
        self.parts_table(MARGIN, y + 6, pdf.h - MARGIN - 4, m.counts, m.stock)
        self.footer(1)

    def overview(self):
        pdf, m = self.pdf, self.m
        pdf.add_page(orientation="L" if m.width > m.height else "P")
        self.heading(f"Overview: {len(self.sections)} sections of {self.section} x {self.section} studs")
        pdf.set_font("helvetica", "", 9)
        pdf.set_text_color(40, 40, 40)
        pdf.text(MARGIN, MARGIN + 11, "Build the sections in number order: left to right, top to bottom. "
                                      "Each section has its own page.")
        top = MARGIN + 16
        box_w, box_h = pdf.w - 2 * MARGIN, pdf.h - top - MARGIN - 4
        cell = min(box_w / m.width, box_h / m.height)
        x0 = MARGIN + (box_w - cell * m.width) / 2
        self.studs(x0, top, cell, 0, 0, m.width, m.height)
        pdf.set_draw_color(255, 255, 255)
        pdf.set_line_width(0.6)
        for n, sx, sy, sw, sh in self.sections:
            x, y, w, h = x0 + sx * cell, top + sy * cell, sw * cell, sh * cell
            pdf.rect(x, y, w, h, style="D")
            label = str(n)
            size = min(w, h) * 0.9
            pdf.set_font("helvetica", "B", max(6.0, min(28.0, size * 1.2)))
            tw = pdf.get_string_width(label)
            pdf.set_fill_color(255, 255, 255)
            pdf.rect(x + (w - tw) / 2 - 1.5, y + h / 2 - size * 0.22, tw + 3, size * 0.44, style="F")
            pdf.set_text_color(0, 0, 0)
            pdf.text(x + (w - tw) / 2, y + h / 2 + size * 0.15, label)
        self.footer(2)

    def section_page(self, n, sx, sy, sw, sh):
        pdf, m = self.pdf, self.m
        pdf.add_page(orientation="P")
        self.heading(f"Section {n} of {len(self.sections)}")
        pdf.set_font("helvetica", "", 9)
        pdf.set_text_color(40, 40, 40)
        pdf.text(MARGIN, MARGIN + 11, f"Columns {sx + 1}-{sx + sw}, rows {sy + 1}-{sy + sh}. "
                                      "The number or letter on each stud names its colour (see the list below).")
        # where this section sits in the whole mosaic
        mini = 22.0 / max(m.width, m.height)
        mx, my = pdf.w - MARGIN - m.width * mini, MARGIN - 2
        pdf.set_draw_color(120, 120, 120)
        pdf.set_line_width(0.2)
        pdf.rect(mx, my, m.width * mini, m.height * mini, style="D")
        pdf.set_fill_color(29, 78, 216)
        pdf.rect(mx + sx * mini, my + sy * mini, sw * mini, sh * mini, style="F")
        top = MARGIN + 26
        ruler = 6.0
        grid_w = pdf.w - 2 * MARGIN - ruler
        grid_h = pdf.h - top - MARGIN - 50
        cell = min(grid_w / self.section, grid_h / self.section)
        x0 = MARGIN + ruler + (grid_w - cell * self.section) / 2
        y0 = top + ruler
        pdf.set_font("helvetica", "", 7)
        pdf.set_text_color(60, 60, 60)
        for i in range(sw):
            s = str(sx + i + 1)
            pdf.text(x0 + i * cell + (cell - pdf.get_string_width(s)) / 2, y0 - 1.5, s)
        for i in range(sh):
            s = str(sy + i + 1)
            pdf.text(x0 - 1.5 - pdf.get_string_width(s), y0 + i * cell + cell * 0.62, s)
        self.studs(x0, y0, cell, sx, sy, sw, sh, symbol=True)
        if self.section >= 16:  # guide lines every 4 studs help counting
            pdf.set_draw_color(255, 255, 255)
            pdf.set_line_width(0.25)
            for i in range(4, sw, 4):
                pdf.line(x0 + i * cell, y0, x0 + i * cell, y0 + sh * cell)
            for i in range(4, sh, 4):
                pdf.line(x0, y0 + i * cell, x0 + sw * cell, y0 + i * cell)
        counts = [0] * len(m.palette)
        for y in range(sy, sy + sh):
            for j in m.grid[y][sx:sx + sw]:
                counts[j] += 1
        y = y0 + self.section * cell + 5
        pdf.set_font("helvetica", "B", 10)
        pdf.set_text_color(0, 0, 0)
        pdf.text(MARGIN, y + 3, f"Pieces for this section ({sw * sh})")
        self.parts_table(MARGIN, y + 4, pdf.h - MARGIN - 4, counts)
        self.footer(2 + n)

    def build(self) -> bytes:
        self.cover()
        self.overview()
        for sec in self.sections:
            self.section_page(*sec)
        return bytes(self.pdf.output())


def pdf(mosaic, section: int = 16, paper: str = "a4", title: str = "Lego mosaic") -> bytes:
    """The instructions PDF for ``mosaic``: cover + parts list, overview, one page per section."""
    return _Doc(mosaic, section, paper, title).build()
