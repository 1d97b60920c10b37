"""Three things people hit in the page, driven as a person would in Chromium: Undo of "Remove
the relief" after a reload brings the same relief back; painted and raised studs stay on the
same place of the picture when the mosaic's size or crop changes (one undo step, a note when
some fall off); the mosaic's zoom waits for a mosaic. The states compared are the settings and
mosaic the page holds (read from its store module)."""
from fractions import Fraction
from math import floor

import pytest
from playwright.sync_api import expect

from helpers import photo_path
import ui
from ui import relief_on, upload, wait_mosaic, wait_relief

pytestmark = pytest.mark.e2e
STATE = """async () => {
  const { state } = await import(new URL("js/store.js", location.href).href);
  return { settings: state.settings, mosaic: state.mosaic, history: state.history.length,
           image: state.image && [state.image.width, state.image.height] };
}"""


def state(page):
    return page.evaluate(STATE)


def edit(page, action):
    """Do ``action`` and wait for the new mosaic (a message instead fails the test)."""
    assert ui.edit(page, action), page.locator("#error-text").inner_text()


def click_stud(page, x, y):
    """A click in the middle of stud (x, y) of the mosaic on screen (scrolled into view)."""
    m = state(page)["mosaic"]
    canvas = page.locator("[data-testid=mosaic]")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    canvas.click(position={"x": (x + 0.5) * box["width"] / m["width"], "y": (y + 0.5) * box["height"] / m["height"]})


def wait_autosaved(page, since):
    for _ in range(200):
        if page.locator("body").get_attribute("data-autosaved") not in (None, since):
            page.wait_for_timeout(200)
            return
        page.wait_for_timeout(50)
    raise AssertionError("nothing was autosaved")


def crop_box(s, image):
    """The crop box the engine gets: settings.crop, or the page's default (largest box of the
    mosaic's aspect, centred), computed here again."""
    if s["crop"]:
        return s["crop"]
    (W, H), (w, h) = image, s["size"]
    cw, ch = (H * w / h, H) if W * h > H * w else (W, W * h / w)
    cw, ch = max(1, round(cw)), max(1, round(ch))
    return [round(min(max(0.5 * W - cw / 2, 0), W - cw)), round(min(max(0.5 * H - ch / 2, 0), H - ch)), cw, ch]


def picture_map(pins, old, new, image):
    """Where each pin should go, in picture coordinates (exact fractions): its old stud's centre
    in photo pixels, then the new stud holding that point; off the new crop: gone; several on
    one stud: the nearest to its centre, a tie to the later pin. -> (pins, dropped)."""
    (x0, y0, cw0, ch0), (w0, h0) = crop_box(old, image), old["size"]
    (x1, y1, cw1, ch1), (w1, h1) = crop_box(new, image), new["size"]
    best = {}
    for k, (x, y, v) in enumerate(pins):
        px, py = x0 + Fraction(2 * x + 1, 2) * cw0 / w0, y0 + Fraction(2 * y + 1, 2) * ch0 / h0
        tx, ty = (px - x1) * w1 / cw1, (py - y1) * h1 / ch1
        nx, ny = floor(tx), floor(ty)
        if not (0 <= nx < w1 and 0 <= ny < h1):
            continue
        d = (tx - nx - Fraction(1, 2)) ** 2 + (ty - ny - Fraction(1, 2)) ** 2
        if (nx, ny) not in best or d <= best[(nx, ny)][1]:
            best[(nx, ny)] = (k, d, [nx, ny, v])
    kept = [p for _, _, p in sorted(best.values(), key=lambda e: e[0])]
    return kept, len(pins) - len(kept)


# ---------- 3. zoom waits for a mosaic ----------

def test_the_mosaic_zoom_waits_for_a_mosaic(page):
    level = page.locator("[data-testid=zoom-level]")
    for b in ("zoom-in", "zoom-out", "zoom-reset"):
        expect(page.locator(f"[data-testid={b}]")).to_be_disabled()
    wrap = page.locator("#canvas-wrap").bounding_box()
    page.mouse.move(wrap["x"] + wrap["width"] / 2, wrap["y"] + wrap["height"] / 2)
    page.mouse.wheel(0, -600)  # a wheel turn over the empty area: nothing to zoom
    page.wait_for_timeout(300)
    expect(level).to_have_text("100 %")
    assert page.locator("#canvas-wrap").get_attribute("data-zoom") in (None, "100")
    cx, cy = wrap["x"] + wrap["width"] / 2, wrap["y"] + wrap["height"] / 2
    touch = """([type, id, x, y]) => document.querySelector("#canvas-wrap").dispatchEvent(new PointerEvent(type,
        {pointerId: id, pointerType: "touch", clientX: x, clientY: y, bubbles: true, isPrimary: id === 1, button: 0, buttons: 1}))"""
    page.evaluate(touch, ["pointerdown", 1, cx - 20, cy])  # two fingers spread apart: no zoom either
    page.evaluate(touch, ["pointerdown", 2, cx + 20, cy])
    for d in (40, 80):
        page.evaluate(touch, ["pointermove", 1, cx - d, cy])
        page.evaluate(touch, ["pointermove", 2, cx + d, cy])
    page.evaluate(touch, ["pointerup", 1, cx - 80, cy])
    page.evaluate(touch, ["pointerup", 2, cx + 80, cy])
    expect(level).to_have_text("100 %")
    page.locator("#tools").focus()
    page.keyboard.press("+")
    page.wait_for_timeout(100)
    expect(level).to_have_text("100 %")
    upload(page, photo_path("coffee.png"))
    wait_mosaic(page, "48 × 48")
    for b in ("zoom-in", "zoom-out", "zoom-reset"):
        expect(page.locator(f"[data-testid={b}]")).to_be_enabled()
    page.click("[data-testid=zoom-in]")
    expect(level).to_have_text("150 %")
    page.click("[data-testid=zoom-reset]")
    expect(level).to_have_text("100 %")
    box = page.locator("[data-testid=mosaic]").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -300)  # with a mosaic the wheel zooms
    for _ in range(40):
        if level.inner_text() != "100 %":
            break
        page.wait_for_timeout(50)
    assert int(level.inner_text().split()[0]) > 100


# ---------- 2. painted studs follow the picture ----------

def paint(page, studs):
    """Paint each (x, y) with a colour other than the one there, a different colour per stud
    where the palette allows; returns the pins [x, y, id] the page holds."""
    page.click("[data-testid=tool-pencil]")
    s = state(page)
    palette = s["mosaic"]["palette"]
    for n, (x, y) in enumerate(studs):
        here = state(page)["mosaic"]["grid"][y][x]
        colour = [c for c in palette if c["hex"] != here][n % (len(palette) - 1)]
        page.click(f"#brushes [role=radio][data-name='{colour['name']}']")
        edit(page, lambda: click_stud(page, x, y))
    page.click("[data-testid=paint-mode]")  # editing off
    return state(page)["settings"]["pins"]


def check_pins_on_grid(s):
    hexes = {c["id"]: c["hex"] for c in s["mosaic"]["palette"]}
    for x, y, c in s["settings"]["pins"]:
        assert s["mosaic"]["grid"][y][x] == hexes[c], (x, y, c)


def test_painted_studs_stay_on_the_same_place_of_the_picture(page):
    upload(page, photo_path("coffee.png"))
    wait_mosaic(page, "48 × 48")
    # two studs side by side that a smaller mosaic puts on one stud, one near the middle, one
    # near an edge
    pins = paint(page, [(10, 10), (11, 10), (24, 24), (40, 40), (0, 47)])
    assert [p[:2] for p in pins] == [[10, 10], [11, 10], [24, 24], [40, 40], [0, 47]]
    s48 = state(page)
    image = s48["image"]

    # a smaller mosaic: each painted stud moves to the stud over the same place of the photo
    edit(page, lambda: page.click("button[data-size='32']"))
    wait_mosaic(page, "32 × 32")
    s32 = state(page)
    want, dropped = picture_map(pins, s48["settings"], s32["settings"], image)
    assert dropped == 1  # (10, 10) and (11, 10) share a stud now
    assert s32["settings"]["pins"] == want
    assert [p[:2] for p in want] == [[7, 7], [16, 16], [27, 27], [0, 31]]
    assert want[0][2] == pins[1][2]  # the stud whose centre is nearer the shared stud's centre stays
    check_pins_on_grid(s32)  # the engine kept them: the painted colours are where they belong
    note = page.locator("[data-testid=pins-note]")
    expect(note).to_be_visible()
    expect(note).to_contain_text("1 painted stud now shared a stud with another one")
    assert page.locator(".settings [data-testid=pins-note]").count() == 1  # next to the size fields
    assert s32["history"] == s48["history"] + 1  # one undo step

    # Undo: the old size, crop and pins exactly
    edit(page, lambda: page.click("#undo"))
    wait_mosaic(page, "48 × 48")
    back = state(page)
    assert back["settings"] == s48["settings"]
    assert back["mosaic"]["grid"] == s48["mosaic"]["grid"]
    expect(note).to_be_hidden()
    edit(page, lambda: page.click("#redo"))
    wait_mosaic(page, "32 × 32")
    assert state(page)["settings"] == s32["settings"]
    edit(page, lambda: page.click("#undo"))
    wait_mosaic(page, "48 × 48")

    # a bigger mosaic (unlimited pieces: the sets cover fewer studs): nothing lost, every stud
    # over the same place (each old centre lies on a border of the new studs: the later one)
    edit(page, lambda: page.check("#unlimited"))
    s48u = state(page)
    edit(page, lambda: page.click("button[data-size='96']"))
    wait_mosaic(page, "96 × 96")
    s96 = state(page)
    want, dropped = picture_map(pins, s48u["settings"], s96["settings"], image)
    assert dropped == 0 and s96["settings"]["pins"] == want
    assert [p[:2] for p in want] == [[2 * x + 1, 2 * y + 1] for x, y, _ in pins]
    check_pins_on_grid(s96)
    expect(note).to_be_hidden()
    edit(page, lambda: page.click("#undo"))
    wait_mosaic(page, "48 × 48")
    edit(page, lambda: page.click("#undo"))
    assert state(page)["settings"] == s48["settings"]

    # a tighter crop: the studs off the new crop go (with a note by the crop), the others move
    def crop():
        page.fill("#crop-zoom", "200")
        page.dispatch_event("#crop-zoom", "input")
        page.dispatch_event("#crop-zoom", "change")
    edit(page, crop)
    sc = state(page)
    assert sc["settings"]["crop"] != s48["settings"]["crop"]
    want, dropped = picture_map(pins, s48["settings"], sc["settings"], image)
    assert sc["settings"]["pins"] == want and dropped == 4 and len(want) == 1
    check_pins_on_grid(sc)
    expect(note).to_contain_text("4 painted studs fell outside the new crop")
    assert page.locator("#crop [data-testid=pins-note]").count() == 1  # next to the crop controls
    assert sc["history"] == s48["history"] + 1
    edit(page, lambda: page.click("#undo"))
    assert state(page)["settings"] == s48["settings"]


# ---------- 1 and 2 with a relief ----------

def relief(page):
    m = state(page)["mosaic"]
    return m["heights"], m["plates"]


def test_undo_of_remove_relief_works_after_a_reload(page, moto_files):
    relief_on(page, moto_files)
    heights, plates = relief(page)
    assert plates and any(any(row) for row in heights)
    saved = page.locator("body").get_attribute("data-autosaved")
    edit(page, lambda: page.click("[data-testid=depth-remove]"))
    wait_relief(page, on=False)
    assert relief(page) == (None, None)
    wait_autosaved(page, saved)
    page.reload()
    page.wait_for_selector("text=Restored your last session.", timeout=60_000)
    wait_mosaic(page, "48 × 48")
    wait_relief(page, on=False)  # still removed after the reload ...
    expect(page.locator("[data-testid=depth-status]")).to_contain_text("Undo brings it back")
    edit(page, lambda: page.click("#undo"))  # ... and Undo brings the same relief back
    wait_relief(page)
    assert relief(page) == (heights, plates)
    edit(page, lambda: page.click("#redo"))  # Redo removes it again
    wait_relief(page, on=False)
    assert relief(page) == (None, None)
    saved = page.locator("body").get_attribute("data-autosaved")
    edit(page, lambda: page.click("#undo"))
    wait_relief(page)
    wait_autosaved(page, saved)
    page.reload()  # and the relief, back on, is kept too
    page.wait_for_selector("text=Restored your last session.", timeout=60_000)
    wait_relief(page)
    assert relief(page) == (heights, plates)


def test_raised_studs_stay_on_the_same_place_of_the_picture(page, moto_files):
    relief_on(page, moto_files)
    page.check("[data-testid=relief-edit]")
    heights, _ = relief(page)
    top = state(page)["settings"]["levels"] - 1
    # two studs that can go up a plate, one in each half of the mosaic
    raised = [next((x, y) for y in ys for x in range(48) if heights[y][x] < top) for ys in (range(24, 48), range(24))]
    for x, y in raised:
        edit(page, lambda: click_stud(page, x, y))
    page.uncheck("[data-testid=relief-edit]")
    s48 = state(page)
    rp = s48["settings"]["relief_pins"]
    assert [p[:2] for p in rp] == [list(p) for p in raised] and rp
    edit(page, lambda: page.click("button[data-size='32']"))
    wait_mosaic(page, "32 × 32")
    wait_relief(page)
    s32 = state(page)
    want, dropped = picture_map(rp, s48["settings"], s32["settings"], s48["image"])
    assert dropped == 0 and s32["settings"]["relief_pins"] == want  # kept, moved with the picture
    for x, y, h in want:
        assert s32["mosaic"]["heights"][y][x] == h
    edit(page, lambda: page.click("#undo"))  # one step: size and raised studs as they were
    wait_mosaic(page, "48 × 48")
    wait_relief(page)
    back = state(page)
    assert back["settings"] == s48["settings"]
    assert back["mosaic"]["heights"] == s48["mosaic"]["heights"]


def test_the_page_maps_pins_as_the_picture_says(page):
    """The page's mapping (js/pin-map.js mapPins) against the picture-coordinates rule computed
    here with exact fractions, on random crops, sizes and pins (duplicates, borders, far off)."""
    import random
    rnd = random.Random(7)
    image = [600, 400]
    cases = []
    for _ in range(300):
        def geo():
            w, h = rnd.randint(1, 80), rnd.randint(1, 80)
            cw, ch = rnd.randint(1, 600), rnd.randint(1, 400)
            return {"crop": [rnd.randint(0, 600 - cw), rnd.randint(0, 400 - ch), cw, ch], "size": [w, h]}
        a, b = geo(), geo()
        if rnd.random() < 0.3:  # same crop, another size (the size presets)
            b["crop"] = a["crop"]
        pins = [[rnd.randrange(a["size"][0]), rnd.randrange(a["size"][1]), rnd.randint(1, 5)]
                for _ in range(rnd.randint(0, 40))]
        cases.append((pins, a, b))
    got = page.evaluate("""async (cases) => {
        const { mapPins } = await import(new URL("js/pin-map.js", location.href).href);
        return cases.map(([pins, a, b]) => mapPins(pins, a, b)); }""", cases)
    for (pins, a, b), r in zip(cases, got):
        want, dropped = picture_map(pins, a, b, image)
        assert r["pins"] == want, (pins, a, b)
        assert r["outside"] + r["merged"] == dropped
