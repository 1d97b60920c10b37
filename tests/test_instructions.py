import io
import subprocess
import time

import pytest
from pypdf import PdfReader

from legoremix import instructions, pipeline


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
