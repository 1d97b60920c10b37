import io
import subprocess
import time

import pytest
from pypdf import PdfReader

from legoremix import instructions, palettes, pipeline


@pytest.fixture(scope="module")
def wide(photos):
    return pipeline.make_mosaic(photos["astronaut.png"], sets=["31197", "31197"], size=(96, 48))


@pytest.mark.parametrize("size,section,pages", [((96, 48), 16, 2 + 18), ((96, 48), 32, 2 + 6), ((96, 48), 8, 2 + 72),
                                                 ((40, 24), 16, 2 + 6), ((48, 48), 16, 2 + 9)])
def test_page_count_for_sizes_and_sections(photos, size, section, pages):
    m = pipeline.make_mosaic(photos["coffee.png"], sets=["31197", "31197"], size=size)
    reader = PdfReader(io.BytesIO(instructions.pdf(m, section=section)))
    assert len(reader.pages) == pages


def test_cover_parts_list_text_and_size(wide):
    t0 = time.perf_counter()
    data = instructions.pdf(wide, paper="letter")
    elapsed = time.perf_counter() - t0
    assert len(data) <= 1_000_000  # the bound for 96x48
    assert elapsed < 10  # generous here; the real figure is in docs/benchmarks.md
    reader = PdfReader(io.BytesIO(data))
    cover = reader.pages[0].extract_text()
    assert "96 x 48 studs" in cover and "76.8 x 38.4 cm" in cover and "98138" in cover
    for c, n in zip(wide.palette, wide.counts):
        if n:
            assert f"{c.name} ({c.bricklink_id})" in cover
            assert str(n) in cover
    w, h = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(w), round(h)) == (612, 792)  # US Letter in points
    assert not any("/Image" in str(p.get("/Resources", {}).get("/XObject", {})) for p in reader.pages)


def test_section_pages_have_rulers_counts_and_symbols(wide):
    reader = PdfReader(io.BytesIO(instructions.pdf(wide, section=16)))
    page = reader.pages[2].extract_text()
    assert "Section 1 of 18" in page and "Page 3 of 20" in page
    assert "Pieces for this section (256)" in page
    sym = instructions.symbols(wide)
    # the symbols of colours in section 1 appear, with the same mapping everywhere
    first = {wide.grid[y][x] for y in range(16) for x in range(16)}
    for j in first:
        assert sym[j] in page
    last = reader.pages[-1].extract_text()
    assert "Section 18 of 18" in last and "Columns 81-96, rows 33-48" in last


def test_partial_sections_for_odd_sizes(photos):
    m = pipeline.make_mosaic(photos["coffee.png"], sets=["31197"], size=(20, 18))
    s = instructions.sections(20, 18, 16)
    assert [(x, y, w, h) for _, x, y, w, h in s] == [(0, 0, 16, 16), (16, 0, 4, 16), (0, 16, 16, 2), (16, 16, 4, 2)]
    reader = PdfReader(io.BytesIO(instructions.pdf(m)))
    assert "Pieces for this section (8)" in reader.pages[-1].extract_text()


def test_symbols_and_ink():
    assert instructions.ink("#212121") == (255, 255, 255)
    assert instructions.ink("#ffffff") == (0, 0, 0)
    assert instructions.ink("#f7d117") == (0, 0, 0)
    assert len(set(instructions.SYMBOLS)) == len(instructions.SYMBOLS)


def test_bad_options(wide):
    with pytest.raises(ValueError):
        instructions.pdf(wide, section=12)
    with pytest.raises(ValueError):
        instructions.pdf(wide, paper="a3")


def test_render_a_page_as_artifact(wide, artifacts, tmp_path):
    pdf = tmp_path / "i.pdf"
    pdf.write_bytes(instructions.pdf(wide))
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "3", "-l", "3", str(pdf), str(artifacts / "instructions-page")],
                   check=True)
    out = sorted(artifacts.glob("instructions-page*.png"))
    assert out and out[0].stat().st_size > 10_000


# -- many colours: the parts list flows onto more columns and pages, symbols get two characters --

CONFUSABLE = set("0OQ1Il")


def synthetic(colours, piece, size=(96, 96)):
    """A mosaic that uses every colour in ``colours``: a diagonal cycle, so each section
    holds many colours and the counts differ a little (a stable symbol order)."""
    w, h = size
    n = len(colours)
    grid = [[(x + 3 * y + (x * y) % 5) % n for x in range(w)] for y in range(h)]
    counts = [0] * n
    for row in grid:
        for j in row:
            counts[j] += 1
    assert all(counts)
    return pipeline.Mosaic(width=w, height=h, grid=grid, palette=list(colours), counts=counts, stock=None,
                           owned=None, delta_e=[], mean_delta_e=0.0, piece=piece)


@pytest.fixture(scope="module")
def many(photos):
    """name -> (mosaic, section): real and synthetic mosaics with 20 or more colours."""
    return {
        "unlimited-48": (pipeline.make_mosaic(photos["astronaut.png"], unlimited=True, size=(48, 48)), 16),
        "two-sets-96x48": (pipeline.make_mosaic(photos["astronaut.png"], sets=["31197", "31198"], size=(96, 48)), 16),
        "more-sets-96x48": (pipeline.make_mosaic(photos["astronaut.png"], sets=["21226", "31199"], size=(96, 48)), 16),
        "round-tile-family": (synthetic(palettes.unlimited_palette("round-tile").colors, "round-tile"), 16),
        "all-88-colours": (synthetic(list(palettes.colors().values()), "square-tile"), 32),
    }


def page_texts(data):
    reader = PdfReader(io.BytesIO(data))
    return reader, [p.extract_text() for p in reader.pages]


@pytest.mark.parametrize("name", ["unlimited-48", "two-sets-96x48", "more-sets-96x48", "round-tile-family",
                                  "all-88-colours"])
def test_many_colours_print_with_every_colour_listed(many, name):
    m, section = many[name]
    used = [j for j, n in enumerate(m.counts) if n]
    assert len(used) >= 20  # past the old limit of the parts list
    t0 = time.perf_counter()
    data = instructions.pdf(m, section=section)
    elapsed = time.perf_counter() - t0
    assert len(data) <= 2_000_000 and elapsed < 20
    reader, texts = page_texts(data)
    pages = instructions.layout(m, section=section)
    assert len(reader.pages) == len(pages)
    assert [p.kind for p in pages].count("overview") == 1
    total = len(pages)
    for no, text in enumerate(texts, 1):
        assert f"Page {no} of {total}" in text
    assert f"Page {total} of {total}" in texts[-1]
    # the whole-mosaic parts list (cover and its continuation pages) names every colour with its count
    parts = "\n".join(t for p, t in zip(pages, texts) if p.kind in ("cover", "cover-continued"))
    for j in used:
        c = m.palette[j]
        assert f"{c.name} ({c.bricklink_id})" in parts
    assert sorted(j for p in pages if p.kind.startswith("cover") for j, _ in p.rows) == sorted(used)
    # each section's lists (page and continuations) hold exactly its colours and counts
    for n, sx, sy, sw, sh in instructions.sections(m.width, m.height, section):
        listed = [r for p in pages if p.section and p.section[0] == n for r in p.rows]
        want = {}
        for y in range(sy, sy + sh):
            for j in m.grid[y][sx:sx + sw]:
                want[j] = want.get(j, 0) + 1
        assert dict(listed) == want and len(listed) == len(want)
    assert not any("/Image" in str(p.get("/Resources", {}).get("/XObject", {})) for p in reader.pages)


def test_symbols_are_unique_and_readable(many):
    m, _ = many["all-88-colours"]
    sym = instructions.symbols(m)
    assert len(sym) == 88 and len(set(sym.values())) == 88
    by_use = sorted(sym, key=lambda j: (-m.counts[j], m.palette[j].bricklink_id))
    # the most used colours keep the single-character alphabet, in its order
    assert [sym[j] for j in by_use[:55]] == list(instructions.SYMBOLS)
    for j in by_use[55:]:
        s = sym[j]
        assert len(s) == 2 and not CONFUSABLE & set(s) and s[0].isupper() and s[1].isdigit()


def test_continuation_pages_have_headings(many):
    m, section = many["all-88-colours"]
    pages = instructions.layout(m, section=section)
    reader, texts = page_texts(instructions.pdf(m, section=section))
    kinds = [p.kind for p in pages]
    assert kinds[0] == "cover" and "cover-continued" in kinds and kinds.count("section") == 9
    first_cont = kinds.index("section-continued")
    assert pages[first_cont - 1].kind == "section" and pages[first_cont].section == pages[first_cont - 1].section
    assert "Section 1 (continued)" in texts[first_cont]
    assert "Parts list (continued)" in texts[kinds.index("cover-continued")]
    # the section page prints two-character symbols on its studs
    sym = instructions.symbols(m)
    pairs = {sym[j] for j, _ in pages[first_cont - 1].rows + pages[first_cont].rows if len(sym[j]) == 2}
    assert pairs and all(s in texts[first_cont - 1] for s in pairs)


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("round_", [False, True])
def test_every_symbol_fits_its_stud(paper, round_):
    from fpdf import FPDF
    pdf = FPDF(unit="mm")
    studs = [instructions.LIST_STUD] + [instructions.section_cell(paper, s) for s in (8, 16, 32)]
    for stud in studs:
        for s in instructions.ALL_SYMBOLS:
            pt = instructions.symbol_font(pdf, s, stud, round_)
            pdf.set_font("helvetica", "B", pt)
            width, cap = pdf.get_string_width(s), pt * 25.4 / 72 * 0.72
            assert width <= instructions.SYMBOL_FILL * stud + 1e-6
            assert cap <= 0.6 * stud  # well inside the stud vertically
            if round_:  # the corners of the text stay on the round piece (drawn 0.88 of the stud)
                assert (width ** 2 + cap ** 2) ** 0.5 <= 0.88 * stud
    # single characters keep their usual size (existing PDFs look the same)
    for s in instructions.SYMBOLS:
        assert instructions.symbol_font(pdf, s, 10.0, round_) == pytest.approx(17.0)


def test_error_messages_are_sentences(wide):
    for kwargs in ({"section": 12}, {"paper": "a3"}):
        with pytest.raises(ValueError) as err:
            instructions.pdf(wide, **kwargs)
        msg = str(err.value)
        assert msg[0].isupper() and msg.endswith("."), msg


def test_section_numbers_on_the_overview_leave_the_picture_visible():
    """QA: on a 512x64 mosaic (128 sections, each about 13 mm on the overview) the numbers' white
    boxes covered most of every section. A box now takes at most half a section's width and a
    third of its height, and big sections keep big numbers."""
    from fpdf import FPDF
    pdf = FPDF(unit="mm")
    for w in (4.0, 6.0, 8.5, 13.0, 20.0, 40.0, 90.0):
        for h in (w, w / 2, 2 * w):
            for label in ("1", "12", "128", "1024"):
                pt, (bw, bh) = instructions.label_box(pdf, label, w, h)
                pdf.set_font("helvetica", "B", pt)
                assert pdf.get_string_width(label) < bw  # the number is inside its box
                if pt > 4.0:  # not at the smallest readable size
                    assert bw <= instructions.LABEL_FILL[0] * w + 1e-6 and bh <= instructions.LABEL_FILL[1] * h + 1e-6
    assert instructions.label_box(pdf, "3", 90.0, 90.0)[0] == 28.0  # a big section keeps a big number

