"""Piece families and bigger parts in the real page, as a person uses them: each family is
drawn as it looks (round vs square, tile vs plate vs brick, told apart by the canvas pixels of
its studs), the weight table of the lowest-cost packing checked next to its fields, and the
counts table listing parts per size and colour with the part count and saving."""

import pytest

from helpers import photo_path
from ui import READY, upload, wait_mosaic

pytestmark = pytest.mark.e2e
COUNT = "[data-testid=parts-count]"

#: The look of a stud as a string, one letter per pixel: b baseplate, s the piece's own colour,
#: l lighter, d darker, o other; the most common look among studs that are neither near black
#: nor near white (their light or shade cannot be told from their colour).
STUD_LOOK = """() => {
  const c = document.querySelector('#mosaic');
  const m = 48, cell = c.width / m, ctx = c.getContext('2d');
  const looks = {};
  for (let sy = 1; sy < m; sy += 2) for (let sx = 1; sx < m; sx += 2) {
    const d = ctx.getImageData(sx * cell, sy * cell, cell, cell).data;
    const k = (Math.floor(cell / 2) * cell + Math.floor(cell / 2)) * 4;
    const mid = [d[k], d[k + 1], d[k + 2]], sum = mid[0] + mid[1] + mid[2];
    if (sum < 150 || sum > 640) continue;
    let s = '';
    for (let i = 0; i < d.length; i += 4) {
      const near = (q) => Math.abs(d[i] - q[0]) + Math.abs(d[i + 1] - q[1]) + Math.abs(d[i + 2] - q[2]) < 12;
      const t = d[i] + d[i + 1] + d[i + 2];
      s += near([27, 27, 27]) ? 'b' : near(mid) ? 's' : t > sum + 30 ? 'l' : t < sum - 30 ? 'd' : 'o';
    }
    looks[s] = (looks[s] || 0) + 1;
  }
  return Object.entries(looks).sort((a, b) => b[1] - a[1])[0][0];
}"""


def wait_new_mosaic(page, before):
    """Wait for a mosaic computed after `before` (body[data-computed])."""
    for _ in range(600):
        now = page.locator("body").get_attribute("data-computed")
        if now and now != before and page.locator(READY).count():
            return
        page.wait_for_timeout(100)
    raise AssertionError("no new mosaic")


def computed(page):
    return page.locator("body").get_attribute("data-computed")


def part_rows(page):
    """Rows of the counts table with bigger pieces: (hex, size) -> (used, have, missing)."""
    out = {}
    for row in page.locator("[data-testid=counts] tbody tr").all():
        key = (row.get_attribute("data-hex"), row.get_attribute("data-size"))
        miss = row.locator(".missing").inner_text()
        out[key] = (int(row.locator(".used").inner_text()), int(row.locator(".stock").inner_text()),
                    int(miss) if miss else 0)
    return out


def test_each_family_is_drawn_as_it_looks(page, artifacts):
    upload(page, photo_path("astronaut.png"))
    wait_mosaic(page, "48 × 48")
    looks = {}
    for piece in ("round-tile", "round-plate", "square-tile", "square-plate", "brick"):
        if page.locator("#piece").input_value() != piece:
            before = computed(page)
            page.select_option("#piece", piece)
            wait_new_mosaic(page, before)
        looks[piece] = page.evaluate(STUD_LOOK)
        page.locator("#canvas-wrap").screenshot(path=str(artifacts / f"family-{piece}.png"))
    assert len(set(looks.values())) == 5, "two families are drawn alike"
    # round pieces leave the baseplate showing in the corners; square ones only a thin gap
    base = {piece: look.count("b") for piece, look in looks.items()}
    assert min(base["round-tile"], base["round-plate"]) > 1.25 * max(base["square-tile"], base["square-plate"], base["brick"])
    # light and shadow on every family; a plate's stud ring shows both on the middle row
    for piece, look in looks.items():
        assert "l" in look and "d" in look, piece
    # a brick's taller sides: more shade than a plate's
    assert looks["brick"].count("d") > looks["square-plate"].count("d")
    assert not page.errors


def test_weights_and_parts_in_the_counts_table(page, artifacts):
    upload(page, photo_path("astronaut.png"))
    wait_mosaic(page, "48 × 48")
    before = computed(page)
    page.select_option("#piece", "square-plate")
    wait_new_mosaic(page, before)
    assert page.locator("#counts caption").inner_text() == "Pieces"
    for size in ("1x2", "2x2", "2x4"):
        before = computed(page)
        page.check(f"[data-testid=size-{size}]")
        wait_new_mosaic(page, before)
    fewest = int(page.locator(COUNT).get_attribute("data-parts"))
    caption = page.locator("#counts caption").inner_text()
    assert caption.startswith("Parts: ") and f"{fewest} parts instead of 2304" in caption and "% fewer" in caption
    rows = part_rows(page)
    assert sum(u for u, _, _ in rows.values()) == fewest
    assert {s for _, s in rows} <= {"1x1", "1x2", "2x2", "2x4"} and any(s == "2x4" for _, s in rows)
    for (hx, size), (used, have, missing) in rows.items():
        assert missing == max(0, used - have)
        if size != "1x1":  # a set holds only 1x1 pieces: the bigger parts are to buy
            assert have == 0 and missing == used
    page.locator("[data-testid=counts]").screenshot(path=str(artifacts / "pieces-counts.png"))
    twos = sum(u for (_, s), (u, _, _) in rows.items() if s == "2x4")

    # lowest cost: a weight per allowed size, checked next to the fields
    assert page.locator("[data-testid=part-costs]").is_hidden()
    before = computed(page)
    page.check("[data-testid=goal-cost]")
    wait_new_mosaic(page, before)
    fields = page.locator("[data-testid=part-costs] input")
    assert fields.count() == 4
    field = page.locator("[data-testid=cost-2x4]")
    field.fill("-2")
    error = page.locator("[data-testid=part-costs-error]")
    assert error.is_visible() and "2 × 4" in error.inner_text() and "more than 0" in error.inner_text()
    assert field.get_attribute("aria-invalid") == "true"
    assert page.locator(".result").get_attribute("data-stale") == "true"
    field.fill("")
    assert error.is_visible() and "missing" in error.inner_text()
    before = computed(page)
    field.fill("1000")  # 2x4 plates made dear: two 2x2s are cheaper
    field.press("Enter")
    field.dispatch_event("change")
    wait_new_mosaic(page, before)
    assert error.is_hidden() and field.get_attribute("aria-invalid") == "false"
    rows = part_rows(page)
    assert not any(s == "2x4" and u for (_, s), (u, _, _) in rows.items()) and twos > 0
    assert int(page.locator(COUNT).get_attribute("data-parts")) > fewest
    # back to the fewest parts
    before = computed(page)
    page.check("[data-testid=goal-fewest]")
    wait_new_mosaic(page, before)
    assert page.locator("[data-testid=part-costs]").is_hidden()
    assert int(page.locator(COUNT).get_attribute("data-parts")) == fewest
    # 1x1 only: the counts table is in pieces per colour again
    before = computed(page)
    page.click("#sizes-none")
    wait_new_mosaic(page, before)
    assert page.locator("#counts caption").inner_text() == "Pieces"
    assert page.locator("[data-testid=counts] tbody tr[data-size]").count() == 0
    assert not page.errors


def test_bigger_parts_you_own(page, artifacts):
    upload(page, photo_path("astronaut.png"))
    wait_mosaic(page, "48 × 48")
    before = computed(page)
    page.select_option("#piece", "square-plate")
    wait_new_mosaic(page, before)
    page.click("#owned-parts summary")
    page.select_option("[data-testid=owned-size]", "2x4")
    black = page.locator("[data-testid=owned-color] option", has_text="Black (11)")
    page.select_option("[data-testid=owned-color]", black.get_attribute("value"))
    # a wrong count is said next to the field, and nothing is added
    page.fill("[data-testid=owned-count]", "0")
    page.click("[data-testid=owned-add]")
    assert "at least 1" in page.locator("[data-testid=owned-error]").inner_text()
    assert page.locator("[data-testid=owned-table]").is_hidden()
    page.fill("[data-testid=owned-count]", "3")
    before = computed(page)
    page.click("[data-testid=owned-add]")
    wait_new_mosaic(page, before)
    assert page.locator("[data-testid=owned-error]").is_hidden()
    assert page.locator("[data-testid=size-2x4]").is_checked()  # a part you own: its size is allowed
    row = page.locator("[data-testid=owned-table] tbody tr")
    assert row.count() == 1 and "2 × 4 plate (3020)" in row.inner_text() and "Black (11)" in row.inner_text()
    rows = part_rows(page)
    black_hex = "#212121"
    used, have, missing = rows[(black_hex, "2x4")]
    assert have == 3 and 0 < used <= 3 and missing == 0
    assert all(s in ("1x1", "2x4") for _, s in rows)  # with sets, only the bigger parts you own
    assert "Only the 3 bigger parts you own are used" in page.locator(COUNT).inner_text()
    page.locator("#pieces").screenshot(path=str(artifacts / "pieces-owned.png"))
    # fewer owned: fewer used
    field = row.locator("input")
    before = computed(page)
    field.fill("1")
    field.dispatch_event("change")
    wait_new_mosaic(page, before)
    assert part_rows(page)[(black_hex, "2x4")][:2] == (1, 1)
    before = computed(page)
    row.locator("button").click()
    wait_new_mosaic(page, before)
    assert page.locator("[data-testid=owned-table]").is_hidden()
    assert "to buy" in page.locator(COUNT).inner_text()
    assert not page.errors
