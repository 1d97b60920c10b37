"""Browser tests for small page bugs found by trying the page as a new user would (QA pass)."""
import re

from playwright.sync_api import expect

from helpers import photo_path
from ui import phone_with_photo, upload, wait_mosaic

READY = "[data-testid=status][data-state=ready]"


def test_poster_rests_the_controls_it_does_not_use(page):
    """Poster mode neither dithers nor refines (pipeline._dither, _look), so Dithering, Strength
    and Best look within stock are switched off while it is on, also after Undo, and come back
    when it is off; Strength rests while there is no dithering: a person is not offered
    controls that change nothing."""
    upload(page, photo_path("chelsea.png"))
    wait_mosaic(page, "48 × 48")
    assert page.locator("#dither").input_value() == "none"
    assert page.locator("#strength").is_disabled()  # no dithering: no strength to set
    assert page.locator("#strength").get_attribute("title") == "Used only with dithering"
    page.select_option("#dither", "floyd-steinberg")
    page.wait_for_selector(READY)
    unused = ["#dither", "#strength", "[data-testid=refine]"]
    for sel in unused:
        assert page.locator(sel).is_enabled()
    page.check("[data-testid=poster]")
    page.wait_for_selector(READY)
    for sel in unused:
        assert page.locator(sel).is_disabled(), sel
    assert page.locator("#dither").get_attribute("title") == "Not used in poster mode"
    page.click("#undo")
    page.wait_for_selector(READY)
    assert not page.is_checked("[data-testid=poster]")
    assert page.locator("#dither").input_value() == "floyd-steinberg"
    for sel in unused:
        assert page.locator(sel).is_enabled(), sel
    page.click("#redo")
    page.wait_for_selector(READY)
    assert page.is_checked("[data-testid=poster]")
    assert page.locator("#dither").is_disabled()
    page.uncheck("[data-testid=poster]")
    page.wait_for_selector(READY)
    assert page.locator("#dither").is_enabled()
    assert page.locator("#strength").is_enabled()
    page.select_option("#dither", "none")
    page.wait_for_selector(READY)
    assert page.locator("#strength").is_disabled()
    page.click("#undo")  # back to Floyd-Steinberg: Strength is offered again
    page.wait_for_selector(READY)
    assert page.locator("#dither").input_value() == "floyd-steinberg"
    assert page.locator("#strength").is_enabled()


def _poll(page, script, timeout=120):
    """Evaluate ``script`` until it is truthy (wait_for_function is blocked by the page's CSP)."""
    import time
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        if page.evaluate(script):
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {script}")


def test_auto_adjust_sentence_goes_when_the_sliders_change(page):
    """The sentence under Auto adjust speaks of the sliders it set ("... Undo brings your
    settings back"); after a slider moves or Undo it no longer holds, so it goes."""
    upload(page, photo_path("chelsea.png"))
    wait_mosaic(page, "48 × 48")
    status = "[data-testid=auto-adjust-status]"
    page.click("[data-testid=auto-adjust]")
    _poll(page, f"() => !document.querySelector('[data-testid=auto-adjust]').disabled"
                f" && document.querySelector('{status}').textContent !== ''")
    said = page.locator(status).inner_text()
    assert said.startswith("Auto adjust chose") or said.startswith("Your adjustments already look best"), said
    page.wait_for_selector(READY)
    page.locator("#adj-hue").fill("12")  # a slider moved by the person
    page.wait_for_selector(READY)
    assert page.locator(status).inner_text() == ""
    page.click("#undo")  # back to what auto adjust set: the sentence stays gone (it was about then)
    page.wait_for_selector(READY)
    assert page.locator(status).inner_text() == ""
    page.click("[data-testid=auto-adjust]")  # a new run speaks again
    _poll(page, f"() => !document.querySelector('[data-testid=auto-adjust]').disabled"
                f" && document.querySelector('{status}').textContent !== ''")
    if page.locator(status).inner_text().startswith("Auto adjust chose"):
        page.click("#undo")  # Undo of the auto adjust: its sentence goes too
        page.wait_for_selector(READY)
        assert page.locator(status).inner_text() == ""


def test_ctrl_z_right_after_a_drop_down_choice_undoes_it(page):
    """A drop-down keeps the focus after a choice (mouse or keys) and has no undo of its own,
    so Ctrl+Z there undoes the choice (as the Undo button does), and Ctrl+Y / Ctrl+Shift+Z
    redo it; a text box keeps its own undo (test_editing covers that)."""
    upload(page, photo_path("chelsea.png"))
    wait_mosaic(page, "48 × 48")
    page.focus("#dither")
    page.select_option("#dither", "stucki")
    page.wait_for_selector(READY)
    assert page.evaluate("() => document.activeElement.id") == "dither"
    page.keyboard.press("Control+z")
    page.wait_for_selector(READY)
    assert page.locator("#dither").input_value() == "none"
    page.keyboard.press("Control+Shift+z")
    page.wait_for_selector(READY)
    assert page.locator("#dither").input_value() == "stucki"
    page.focus("#piece")
    page.select_option("#piece", "brick")
    page.wait_for_selector(READY)
    page.keyboard.press("Control+z")
    page.wait_for_selector(READY)
    assert page.locator("#piece").input_value() == "round-tile"
    page.keyboard.press("Control+y")
    page.wait_for_selector(READY)
    assert page.locator("#piece").input_value() == "brick"


def test_a_depth_map_that_is_no_picture_is_named_as_such(page, tmp_path):
    """A file chosen as the depth map that is no picture gets a sentence about depth maps
    (a grey picture, or a model file) next to the 3D relief, not "Choose a photo"; the
    mosaic and its photo stay."""
    upload(page, photo_path("motorcycle_left.png"))
    wait_mosaic(page, "48 × 48")
    grid = page.evaluate("async () => JSON.stringify((await import('./js/store.js')).state.mosaic.grid)")
    bad = tmp_path / "depth.png"
    bad.write_text("this is a text file, not a depth map")
    page.set_input_files("[data-testid=depth-input]", str(bad))
    page.wait_for_selector(".error-slot[data-where=relief] [data-testid=error]:not([hidden])")
    said = page.locator("[data-testid=error]").inner_text()
    assert "Choose a depth map" in said and ".onnx" in said, said
    assert "Choose a photo" not in said
    page.wait_for_selector(READY)
    assert page.evaluate("async () => JSON.stringify((await import('./js/store.js')).state.mosaic.grid)") == grid
    assert page.evaluate("document.body.dataset.relief") == "off"


def test_the_crop_box_shows_keyboard_focus(page):
    """Tabbed to, the crop box (moved with the arrow keys) wears the page's focus ring like every
    other control (QA: it kept its thin dashed edge, so a keyboard user could not see it)."""
    upload(page, photo_path("chelsea.png"))
    wait_mosaic(page, "48 × 48")
    style = "() => { const s = getComputedStyle(document.querySelector('#crop-box')); return [s.outlineStyle, s.outlineWidth]; }"
    assert page.evaluate(style) == ["dashed", "1px"]
    for _ in range(60):  # Tab through the page as a keyboard user does
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "crop-box":
            break
    else:
        raise AssertionError("Tab never reached the crop box")
    assert page.evaluate(style) == ["solid", "3px"]


def test_removing_sets_keeps_the_keyboard_in_place(page):
    """Remove moves the keyboard to the next set's Remove, then (no set left) to "Add a set";
    a way out offered in a message moves it to the control it changed (QA: focus fell back to
    the top of the page)."""
    upload(page, photo_path("chelsea.png"))
    wait_mosaic(page, "48 × 48")
    page.select_option("#set-add", "the_beatles")
    page.click("#set-add-btn")
    page.wait_for_selector(READY)
    assert page.locator("#sets li").count() == 2
    page.focus("#sets li:first-child button")
    page.keyboard.press("Enter")
    page.wait_for_selector(READY)
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')").startswith("Remove The Beatles")
    page.keyboard.press("Enter")  # the last set: the mosaic cannot be made
    fix = page.locator("[data-testid=fix-unlimited]")
    expect(fix).to_be_visible(timeout=60_000)
    assert page.evaluate("() => document.activeElement.id") == "set-add"
    fix.focus()
    page.keyboard.press("Enter")
    wait_mosaic(page, "48 × 48")
    assert page.evaluate("() => document.activeElement.id") == "unlimited"


def test_on_a_phone_removing_the_last_set_is_told_by_the_sets(browser, site):
    """On a phone the mosaic is screens away from the sets: the sentence saying why the mosaic
    cannot be made shows next to the sets, where the person tapped, and the page does not jump
    to the mosaic (QA: it scrolled about 2100 px up)."""
    with phone_with_photo(browser, site, "chelsea.png") as pg:
        remove = pg.locator("#sets li button")
        remove.scroll_into_view_if_needed()
        before = pg.evaluate("() => scrollY")
        remove.tap()
        err = pg.locator(".error-slot[data-where=sets] [data-testid=error]")
        expect(err).to_be_visible(timeout=60_000)
        expect(err).to_contain_text("set")
        pg.wait_for_timeout(600)  # a smooth scroll, if any, has ended
        assert abs(pg.evaluate("() => scrollY") - before) < 300
        top = err.bounding_box()["y"]
        assert 0 <= top < 844, top  # on screen
        expect(pg.locator("#canvas-wrap")).to_have_class(re.compile("stale"))


def test_on_a_phone_the_pieces_table_stays_in_its_panel(browser, site):
    """Unlimited with every part size makes the Pieces table wider than a phone: it scrolls within
    the mosaic's panel instead of running past its edge (QA: 9 px over, the Missing column cut)."""
    with phone_with_photo(browser, site, "chelsea.png") as pg:
        pg.check("#unlimited")
        pg.wait_for_selector(READY, timeout=60_000)
        pg.click("#sizes-all")
        pg.wait_for_selector(READY, timeout=60_000)
        edges = pg.evaluate("""() => {
          const table = document.querySelector('[data-testid=counts]');
          const panel = table.closest('.panel').getBoundingClientRect();
          const box = table.parentElement.getBoundingClientRect();
          const scrolls = getComputedStyle(table.parentElement).overflowX === 'auto';
          return { panel: panel.right, box: box.right, table: table.getBoundingClientRect().right, scrolls,
                   page: document.documentElement.scrollWidth, width: innerWidth };
        }""")
        assert edges["page"] <= edges["width"], edges
        assert edges["table"] <= edges["panel"] + 0.5 or (edges["scrolls"] and edges["box"] <= edges["panel"] + 0.5), edges


def test_another_piece_than_the_sets_is_explained(page):
    """The Lego Art sets hold 1x1 round tiles; with another piece chosen their colours count as
    that piece and the lists ask for it: a note under Piece says so (QA asked whether the stock
    of 1x1 square plates shown was meant)."""
    upload(page, photo_path("chelsea.png"))
    wait_mosaic(page, "48 × 48")
    note = page.locator("[data-testid=piece-note]")
    expect(note).to_be_hidden()
    page.select_option("#piece", "square-plate")
    page.wait_for_selector(READY)
    expect(note).to_be_visible()
    expect(note).to_contain_text("Your sets come with 1x1 round tiles")
    expect(note).to_contain_text("1x1 square plate")
    page.select_option("#piece", "round-tile")
    expect(note).to_be_hidden()


def test_on_a_phone_a_note_about_the_photo_is_in_view(browser, site, tmp_path):
    """Once there is a photo a phone shows the mosaic first, the photo's panel screens below: a
    note about the photo ("smaller than the mosaic") shows over the mosaic, in view (QA)."""
    from PIL import Image
    tiny = tmp_path / "tiny.png"
    Image.new("RGB", (12, 10), (250, 200, 20)).save(tiny)
    with phone_with_photo(browser, site, tiny) as pg:
        note = pg.locator("#notice")
        expect(note).to_contain_text("smaller than the 48 × 48 stud mosaic")
        pg.evaluate("window.scrollTo(0, 0)")
        expect(note).to_be_in_viewport()


def test_changing_copies_keeps_the_keyboard_in_the_field(page):
    """A set's copies changed from the keyboard (a number and Enter, or the arrow keys) make a new
    mosaic and the field keeps the keyboard (QA: it fell back to the top of the page)."""
    upload(page, photo_path("chelsea.png"))
    wait_mosaic(page, "48 × 48")
    field = page.locator("#sets li:first-child input")
    field.focus()
    before = page.locator("body").get_attribute("data-computed")
    page.keyboard.press("ArrowUp")  # 2 copies
    expect(page.locator("body")).not_to_have_attribute("data-computed", before, timeout=60_000)
    page.wait_for_selector(READY)
    assert page.evaluate("() => document.activeElement.id") == field.get_attribute("id")
    page.keyboard.press("ArrowUp")  # and on: 3 copies
    page.wait_for_selector(READY)
    expect(field).to_have_value("3")
    assert page.evaluate("() => document.activeElement.id") == field.get_attribute("id")


def test_undo_from_the_message_gives_the_keyboard_back_to_the_sets(page):
    """"Undo the last change" offered when the last set was removed brings the set back and the
    keyboard with it, not to the header (QA: on a phone the page jumped to the top)."""
    upload(page, photo_path("chelsea.png"))
    wait_mosaic(page, "48 × 48")
    page.focus("#sets li:first-child button")
    page.keyboard.press("Enter")
    fix = page.locator("[data-testid=fix-undo]")
    expect(fix).to_be_visible(timeout=60_000)
    fix.focus()
    page.keyboard.press("Enter")
    wait_mosaic(page, "48 × 48")
    assert page.evaluate("() => document.activeElement.closest('#sets') !== null")


def test_one_colour_is_said_in_the_singular_and_paint_colours_read_well(page):
    """"2,304 pieces owned in 1 colour." (QA: "1 colours"); a paint colour is read by a screen
    reader as "Dark Red, 12 left" (QA: "Dark Red12 left", two texts run together)."""
    upload(page, photo_path("chelsea.png"))
    wait_mosaic(page, "48 × 48")
    page.fill("[data-testid=color-search]", "dark red")
    page.fill("[data-testid=color-count]", "2304")
    page.click("[data-testid=color-add]")
    page.wait_for_selector(READY)
    page.click("#sets li:first-child button")  # only the dark red pieces are left: they fill the mosaic
    expect(page.locator("[data-testid=inventory-summary]")).to_have_text("2,304 pieces owned in 1 colour.", timeout=60_000)
    page.wait_for_selector(READY)
    page.click("[data-testid=paint-mode]")
    label = page.locator("#brushes [role=radio]").first.get_attribute("aria-label")
    assert re.fullmatch(r"Dark Red, (\d+ left|all used; paint up to \d+)", label), label


def _shown_ratio(page):
    """The mosaic's height over width as drawn on screen, and as its canvas holds it."""
    return page.evaluate("""() => { const c = document.querySelector('#mosaic'), r = c.getBoundingClientRect();
        return [r.height / r.width, c.height / c.width]; }""")


def _unlimited_size(page, w, h):
    """Unlimited pieces, then a mosaic of ``w`` x ``h`` studs typed in the size fields."""
    page.check("#unlimited")
    page.wait_for_selector(READY)
    page.fill("#width", str(w))
    page.fill("#height", str(h))
    page.press("#height", "Enter")
    wait_mosaic(page, f"{w} × {h}")


def test_a_tall_mosaic_keeps_its_proportions_on_screen(page, browser, site):
    """A 32 x 128 mosaic was drawn 224 x 620 px (QA: round studs as flat ovals), on a laptop and
    on a phone: it keeps its shape, only smaller."""
    upload(page, photo_path("astronaut.png"))
    wait_mosaic(page, "48 × 48")
    _unlimited_size(page, 32, 128)
    shown, held = _shown_ratio(page)
    assert abs(shown / held - 1) < 0.02, (shown, held)
    with phone_with_photo(browser, site, photo_path("astronaut.png")) as pg:
        _unlimited_size(pg, 32, 128)
        shown, held = _shown_ratio(pg)
        assert abs(shown / held - 1) < 0.02, (shown, held)
        box = pg.locator("#mosaic").bounding_box()
        assert box["width"] <= 390 and box["height"] <= 0.75 * 844  # still fits the phone's screen
        # the small copy shown further down keeps the shape too, and stays small (QA: 112 x 495 px)
        pg.locator("#adj-saturation").scroll_into_view_if_needed()
        copy = pg.locator("[data-testid=mini-mosaic] canvas")
        expect(copy).to_be_visible()
        mini = copy.bounding_box()
        assert abs(mini["height"] / mini["width"] - 4) < 0.15 and mini["height"] <= 150, mini


def test_on_a_phone_the_panels_sets_and_check_boxes_read_and_work_well(browser, site):
    """QA on a 390 x 844 phone: the panels come as Mosaic, Downloads, Photo, Settings once there
    is a photo, so their 1-4 numbers are left out there; a second set with a longer name kept
    its Remove on a line of its own; check boxes were 13 px targets for a finger."""
    with phone_with_photo(browser, site, photo_path("coffee.png")) as pg:
        titles = [pg.locator(f"#{h}").inner_text() for h in ("h-mosaic", "h-downloads", "h-photo", "h-settings")]
        assert titles == ["Mosaic", "Downloads", "Photo", "Settings"], titles
        pg.select_option("#set-add", "the_beatles")
        pg.click("#set-add-btn")
        pg.wait_for_selector("#copies-the_beatles")
        pg.wait_for_selector(READY)
        for li in pg.locator("#sets li").all():
            field, remove = li.locator("input").bounding_box(), li.locator("button").bounding_box()
            assert abs(field["y"] - remove["y"]) < 12, (li.inner_text(), field, remove)
        for sel in ("#unlimited", "#show-grid", "[data-testid=poster]"):
            box = pg.locator(sel).bounding_box()
            assert box["width"] >= 23.5 and box["height"] >= 23.5, (sel, box)


def test_a_typed_size_says_how_to_apply_it(page):
    """QA: a typed height did nothing until Enter or leaving the field, while the status said
    Ready. A line under the fields says how to apply it, and goes once it is applied."""
    upload(page, photo_path("coffee.png"))
    wait_mosaic(page, "48 × 48")
    pending = page.locator("[data-testid=size-pending]")
    expect(pending).to_be_hidden()
    page.fill("#height", "60")
    expect(pending).to_be_visible()
    expect(pending).to_contain_text("48 × 60")
    page.fill("#height", "48")  # back to the size shown: nothing to apply
    expect(pending).to_be_hidden()
    page.fill("#height", "60")
    page.press("#height", "Enter")
    wait_mosaic(page, "48 × 60")
    expect(pending).to_be_hidden()
    page.fill("#width", "0")  # a wrong value gets its error, not this line
    expect(page.locator("[data-testid=size-error]")).to_be_visible()
    expect(pending).to_be_hidden()


def test_a_huge_mosaic_shows_its_colours_without_a_pattern_of_blotches(page):
    """QA: at 512 x 512 the studs are 3 canvas pixels, drawn with a one-pixel highlight and
    baseplate corners, and the page's downscaling made a pattern of bright blotches of them. At
    3 pixels or less a stud is its colour alone: every pixel of a stud is the same."""
    upload(page, photo_path("coffee.png"))
    wait_mosaic(page, "48 × 48")
    _unlimited_size(page, 256, 256)
    page.uncheck("#show-sections")  # their lines cross studs
    mixed = page.evaluate("""() => { const c = document.querySelector('#mosaic'), cell = c.width / 256;
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let mixed = 0;
        for (let sy = 0; sy < 256; sy += 37) for (let sx = 0; sx < 256; sx += 41) {
          const at = (x, y) => 4 * ((sy * cell + y) * c.width + sx * cell + x), first = at(0, 0);
          for (let y = 0; y < cell; y++) for (let x = 0; x < cell; x++)
            if ([0, 1, 2].some((k) => d[at(x, y) + k] !== d[first + k])) { mixed++; y = x = cell; }
        }
        return [cell, mixed]; }""")
    assert mixed == [3, 0], mixed


def test_one_stud_is_one_piece_and_the_size_in_cm_steps_aside_for_a_size_error(page):
    """QA, 2026-11-29: "1 × 1 studs, 1 pieces"; and with the width marked wrong (0) the line under
    the size still gave the old mosaic's size in cm, as if it were the typed one."""
    upload(page, photo_path("coffee.png"))
    wait_mosaic(page, "48 × 48")
    for field in ("#width", "#height"):
        page.fill(field, "1")
        page.press(field, "Enter")
    wait_mosaic(page, "1 × 1")
    expect(page.locator("#dims")).to_have_text("1 × 1 studs, 1 piece")
    expect(page.locator("#physical")).to_be_visible()
    page.fill("#width", "0")
    page.press("#width", "Enter")
    expect(page.locator("#size-error")).to_be_visible()
    expect(page.locator("#physical")).to_be_hidden()
    page.fill("#width", "2")
    page.press("#width", "Enter")
    wait_mosaic(page, "2 × 1")
    expect(page.locator("#physical")).to_have_text("1.6 × 0.8 cm (0.6 × 0.3 in)")
    expect(page.locator("#dims")).to_have_text("2 × 1 studs, 2 pieces")


def test_arrow_key_steps_on_a_slider_are_one_undo_step(page):
    """QA, 2026-11-29: five presses of the right arrow on Midtones took five Undos. A run of key
    presses on one slider is one step; a step on another control after it is a step of its own."""
    upload(page, photo_path("coffee.png"))
    wait_mosaic(page, "48 × 48")
    page.focus("#adj-gamma")
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#adj-gamma-out")).to_have_text("5")
    page.wait_for_selector(READY)
    page.focus("#adj-saturation")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#adj-saturation-out")).to_have_text("-1")
    page.wait_for_selector(READY)
    page.click("#undo")
    expect(page.locator("#adj-saturation-out")).to_have_text("0")
    expect(page.locator("#adj-gamma-out")).to_have_text("5")
    page.click("#undo")
    expect(page.locator("#adj-gamma-out")).to_have_text("0")
    expect(page.locator("#undo")).to_be_disabled()  # the upload is not an undo step: nothing before the run


def test_a_long_strip_keeps_its_short_side(page, tmp_path):
    """QA, 2026-11-29: a 4000 x 20 photo was reduced to a 2048 x 10 working copy (the longest side
    to 2048), so the part used for a 48 x 48 mosaic was 10 x 10 pixels instead of 20 x 20."""
    from PIL import Image
    strip = tmp_path / "strip.png"
    Image.linear_gradient("L").resize((4000, 20)).convert("RGB").save(strip)
    upload(page, strip)
    wait_mosaic(page, "48 × 48")
    expect(page.locator("#notice")).to_contain_text("The part of the photo you use is 20 × 20 pixels")
