"""The page meets mistakes, bad files and odd modes the way a careful user expects:
a message in a sentence next to where they acted, a way out, and nothing of theirs lost."""
import base64
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from PIL import Image
from playwright.sync_api import expect

from helpers import photo_path
from ui import READY, check_stock, counts, distance, phone_with_photo, upload, wait_mosaic

pytestmark = pytest.mark.e2e
ERROR = "[data-testid=error]"


def python_like(text):
    return re.search(r"\b\w*(Error|Exception)\b:|Traceback|--list-sets|\{|'\w+'", text)


def test_failed_compute_marks_the_mosaic_stale_and_offers_ways_out(page):
    upload(page, photo_path("chelsea.png"))
    wait_mosaic(page, "48 × 48")
    good = counts(page)
    page.click("button[data-size='64']")  # one Warhol set has 3154 pieces: 64 x 64 cannot be filled
    err = page.locator(ERROR)
    expect(err).to_contain_text("studs are missing")
    assert not python_like(err.inner_text())
    # shown on the mosaic, which is marked out of date; its downloads are off
    expect(page.locator(f".error-slot[data-where=mosaic] {ERROR}")).to_be_visible()
    assert distance(page, ERROR, "[data-testid=mosaic]") < 80
    expect(page.locator("#canvas-wrap")).to_have_class(re.compile("stale"))
    for kind in ("pdf", "png", "csv", "bricklink"):
        expect(page.locator(f"[data-testid=download-{kind}]")).to_be_disabled()
    expect(page.locator("[data-testid=save-project]")).to_be_enabled()  # the settings are still the person's work
    assert counts(page) == good
    # way out 1: the largest size these pieces fill
    fix = page.locator("[data-testid=fix-largest-size]")
    expect(fix).to_have_text(re.compile("56 × 56"))
    fix.click()
    wait_mosaic(page, "56 × 56")
    check_stock(page, 56 * 56)
    expect(err).to_be_hidden()
    expect(page.locator("[data-testid=download-pdf]")).to_be_enabled()
    assert page.locator("#width").input_value() == "56"
    # way out 2: unlimited pieces
    page.click("button[data-size='64']")
    page.click("[data-testid=fix-unlimited]")
    wait_mosaic(page, "64 × 64")
    expect(page.locator("#unlimited")).to_be_checked()
    # way out 3: add a set (focus goes to the set picker)
    page.uncheck("#unlimited")
    page.click("[data-testid=fix-add-set]")
    expect(page.locator("#set-add")).to_be_focused()
    page.select_option("#set-add", "the_beatles")
    page.click("#set-add-btn")
    wait_mosaic(page, "64 × 64")
    check_stock(page, 4096)


@pytest.mark.parametrize("value,message", [
    ("0", "at least 1"), ("-5", "at least 1"), ("4.7", "whole number, not 4.7"),
    ("9999", "at most 512"), ("", "missing")])
def test_a_wrong_size_is_explained_and_nothing_is_computed(page, value, message):
    upload(page, photo_path("coffee.png"))
    wait_mosaic(page, "48 × 48")
    computed = page.locator("body").get_attribute("data-computed")
    page.fill("#width", value)
    page.press("#width", "Tab")
    note = page.locator("[data-testid=size-error]")
    expect(note).to_contain_text(message)
    assert note.inner_text().endswith(".") and not python_like(note.inner_text())
    assert distance(page, "[data-testid=size-error]", "#width") < 80  # under the size fields
    expect(page.locator("#width")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[data-testid=download-pdf]")).to_be_disabled()  # the mosaic shown is not what the field says
    page.select_option("#metric", "oklab")  # another change meanwhile: still nothing computed
    page.wait_for_timeout(400)
    assert page.locator("body").get_attribute("data-computed") == computed
    assert page.locator("#width").input_value() == value  # the field is not silently corrected
    # ... and the mosaic, where the person looks for that change, says why and leads to the field
    blocked = page.locator(".error-slot[data-where=mosaic] [data-testid=error]")
    expect(blocked).to_contain_text("not updated while a field is marked")
    page.click("[data-testid=show-invalid-field]")
    expect(page.locator("#width")).to_be_focused()
    page.fill("#width", "40")
    page.press("#width", "Tab")
    wait_mosaic(page, "40 × 48")
    expect(note).to_be_hidden()
    expect(blocked).to_be_hidden()
    expect(page.locator("[data-testid=download-pdf]")).to_be_enabled()


def test_letters_and_wrong_copies_are_explained(page):
    upload(page, photo_path("coffee.png"))
    wait_mosaic(page, "48 × 48")
    page.click("button[data-size='32']")
    wait_mosaic(page, "32 × 32")
    page.fill("#height", "")
    page.locator("#height").press_sequentially("e")  # the only letter a number field takes
    page.press("#height", "Tab")
    expect(page.locator("[data-testid=size-error]")).to_contain_text("The height must be a whole number")
    page.click("#undo")  # undo puts the last good settings back, messages go
    wait_mosaic(page, "48 × 48")
    expect(page.locator("[data-testid=size-error]")).to_be_hidden()
    assert page.locator("#height").input_value() == "48"
    copies = "#copies-warhol_marilyn_monroe"
    computed = page.locator("body").get_attribute("data-computed")
    page.fill(copies, "-3")
    page.press(copies, "Tab")
    expect(page.locator("[data-testid=copies-error]")).to_contain_text("at least 0")
    page.wait_for_timeout(300)
    assert page.locator("body").get_attribute("data-computed") == computed
    page.fill(copies, "2")
    page.press(copies, "Tab")
    wait_mosaic(page)
    expect(page.locator("[data-testid=copies-error]")).to_be_hidden()
    assert counts(page)["#212121"][1] == 2 * 629


def project_file(tmp_path, settings, version=1):
    im = Image.new("RGBA", (60, 40), (200, 30, 30, 255))
    from legoremix import project
    from legoremix.image import RGBA
    png = project.encode_png_rgba(RGBA(60, 40, im.tobytes()))
    path = tmp_path / "p.legoremix"
    path.write_text(json.dumps({"format": "legoremix-project", "version": version, "settings": settings,
                                "image": {"width": 60, "height": 40, "png": base64.b64encode(png).decode()}}))
    return path


@pytest.mark.parametrize("settings,version,message", [
    ({"sets": {"from_the_future": 1}}, 1, "not known to this version"),
    ({"metric": "hyperlab"}, 1, "not known to this version"),
    ({"piece": "2x2 round"}, 1, "not known to this version"),
    ({"size": [9999, 48]}, 1, "not possible"),
    ({"size": "big", "pins": "x"}, 1, "The size must be"),
    ({}, 7, "newer version"),
])
def test_a_bad_project_says_why_next_to_open_and_changes_nothing(page, tmp_path, settings, version, message):
    upload(page, photo_path("chelsea.png"))
    wait_mosaic(page, "48 × 48")
    good = counts(page)
    page.set_input_files("[data-testid=project-input]", str(project_file(tmp_path, settings, version)))
    err = page.locator(f".error-slot[data-where=project] {ERROR}")
    expect(err).to_contain_text(message)
    assert not python_like(err.inner_text())
    assert distance(page, ERROR, "label[for=project-input]") < 120
    assert counts(page) == good
    # everything still works afterwards
    page.click("button[data-size='32']")
    wait_mosaic(page, "32 × 32")
    check_stock(page, 1024)


TAMPER = """async ([sets, metric]) => {
  const db = await new Promise((r) => { const q = indexedDB.open("legoremix", 1); q.onsuccess = () => r(q.result); });
  const tx = db.transaction("autosave", "readwrite");
  const store = tx.objectStore("autosave");
  const v = await new Promise((r) => { const q = store.get("current"); q.onsuccess = () => r(q.result); });
  v.settings.sets = sets; v.settings.metric = metric;
  store.put(v, "current");
  await new Promise((r) => { tx.oncomplete = r; });
}"""


def test_a_rejected_autosave_starts_clean_and_is_offered_as_a_file(page, tmp_path):
    upload(page, photo_path("astronaut.png"))
    wait_mosaic(page, "48 × 48")
    page.wait_for_selector("body[data-autosaved]")
    # as a newer version would have saved it
    page.evaluate(TAMPER, [{"warhol_marilyn_monroe": 1, "from_the_future": 2}, "hyperlab"])
    page.reload()
    page.wait_for_selector(READY, timeout=60_000)
    notice = page.locator("#notice")
    expect(notice).to_contain_text("could not be restored")
    expect(notice).to_contain_text("from_the_future")
    assert not python_like(notice.inner_text())
    assert page.locator("#dims").inner_text() == ""  # clean: no mosaic, default settings
    assert page.locator("#metric").input_value() == "ciede2000"
    with page.expect_download() as dl:
        page.click("[data-testid=download-rejected]")
    saved = json.loads(open(dl.value.path()).read())
    assert saved["settings"]["sets"]["from_the_future"] == 2 and saved["settings"]["metric"] == "hyperlab"
    with Image.open(io.BytesIO(base64.b64decode(saved["image"]["png"]))) as im:
        assert im.size == (512, 512)  # the photo came back too
    upload(page, photo_path("coffee.png"))  # and the app works
    wait_mosaic(page, "48 × 48")
    check_stock(page, 2304)


def test_unlimited_counts_show_what_you_own_and_lists_hold_only_what_is_missing(page):
    upload(page, photo_path("astronaut.png"))
    wait_mosaic(page, "48 × 48")
    page.check("#unlimited")
    wait_mosaic(page)
    expect(page.locator("#stock-head")).to_have_text("You own")
    assert "unlimited" not in page.locator("[data-testid=counts]").inner_text()
    rows = {}
    for row in page.locator("[data-testid=counts] tbody tr").all():
        used, owned = int(row.locator(".used").inner_text()), int(row.locator(".stock").inner_text())
        missing = row.locator(".missing").inner_text()
        assert (int(missing) if missing else 0) == max(0, used - owned)
        rows[row.get_attribute("data-hex")] = (used, owned)
    assert rows["#212121"][1] == 629  # Black owned from the Warhol set
    assert any(u > o for u, o in rows.values())  # something is missing
    expect(page.locator("[data-testid=wanted]")).to_have_value("missing")

    def bricklink():
        with page.expect_download(timeout=60_000) as dl:
            page.click("[data-testid=download-bricklink]")
        page.wait_for_selector(READY)
        return {int(i.find("COLOR").text): int(i.find("MINQTY").text)
                for i in ET.fromstring(open(dl.value.path()).read()).findall("ITEM")}

    missing = bricklink()
    assert missing and sum(missing.values()) == sum(max(0, u - o) for u, o in rows.values())
    assert 11 not in missing or rows["#212121"][0] > 629  # Black only if more is used than owned
    page.select_option("[data-testid=wanted]", "all")
    assert sum(bricklink().values()) == 2304


def test_keyboard_users_see_focus_and_paint_colours_are_one_tab_stop(page):
    for target in ("image-input", "project-input"):
        for _ in range(300):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.id") == target:
                break
        expect(page.locator(f"label[for={target}]")).to_have_css("outline-style", "solid")
    upload(page, photo_path("coffee.png"))
    wait_mosaic(page, "48 × 48")
    page.check("[data-testid=paint-mode]")
    radios = page.locator("#brushes [role=radio]")
    assert radios.count() == 7  # the default set's colours (the eraser is a tool of its own)
    assert page.locator("#brushes [role=radio][tabindex='0']").count() == 1
    page.locator("#brushes [aria-checked=true]").focus()
    first = page.locator("#brushes [aria-checked=true]").get_attribute("data-name")
    page.keyboard.press("ArrowRight")
    now = page.locator("#brushes [aria-checked=true]")
    assert now.get_attribute("data-name") != first
    expect(now).to_be_focused()
    page.keyboard.press("End")
    expect(radios.last).to_have_attribute("aria-checked", "true")
    assert page.locator("#brushes [role=radio][tabindex='0']").count() == 1


def test_background_colour_for_transparent_photos_and_a_note_for_tiny_ones(page, tmp_path):
    logo = tmp_path / "logo.png"
    im = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    im.paste((20, 60, 200, 255), (50, 50, 150, 150))
    im.save(logo)
    upload(page, logo)
    wait_mosaic(page, "48 × 48")
    expect(page.locator("#notice")).to_contain_text("transparent")
    white = counts(page)
    computed = page.locator("body").get_attribute("data-computed")
    page.fill("[data-testid=background]", "#000000")
    page.wait_for_selector(f"body:not([data-computed='{computed}'])")
    wait_mosaic(page)
    black = counts(page)  # the transparent border (3/4 of the photo) is black now
    assert black["#212121"][0] > white.get("#212121", (0,))[0] + 300
    tiny = tmp_path / "tiny.png"
    Image.new("RGB", (12, 10), (250, 200, 20)).save(tiny)
    upload(page, tiny)
    wait_mosaic(page, "48 × 48")
    expect(page.locator("#notice")).to_contain_text("smaller than the 48 × 48 stud mosaic")
    expect(page.locator(".result #notice")).to_be_visible()  # over the mosaic it changes (QA: not in a banner)
    # the photo shows scaled up pixel for pixel, not as a dot beside its crop box (QA)
    img, box = page.locator("#original").bounding_box(), page.locator("#crop-box").bounding_box()
    assert img["width"] >= 120 and abs(img["height"] / img["width"] - 10 / 12) < 0.05
    assert box["width"] >= 0.8 * img["height"] and box["x"] >= img["x"] - 1 and box["x"] + box["width"] <= img["x"] + img["width"] + 1


def test_a_download_error_shows_next_to_the_downloads(page):
    upload(page, photo_path("coffee.png"))
    wait_mosaic(page, "48 × 48")
    page.check("#unlimited")
    page.click("button[data-size='128']")
    wait_mosaic(page, "128 × 128")
    page.select_option("[data-testid=png-cell]", "80")  # 10240 x 10240 pixels: too big
    page.click("[data-testid=download-png]")
    err = page.locator(f".error-slot[data-where=downloads] {ERROR}")
    expect(err).to_contain_text("100 megapixels")
    assert not python_like(err.inner_text())
    assert distance(page, ERROR, "[data-testid=download-png]") < 150


def test_optional_parts_load_when_first_needed_then_work_offline(context, site):
    urls = []
    context.on("request", lambda r: urls.append(r.url))
    pg = context.new_page()
    pg.goto(site)
    pg.wait_for_selector(READY, timeout=60_000)
    pg.wait_for_selector("body[data-sw=controlled]", timeout=30_000)
    upload(pg, photo_path("rocket.jpg"))
    wait_mosaic(pg, "48 × 48")
    with pg.expect_download(timeout=60_000):
        pg.click("[data-testid=download-pdf]")
    pg.wait_for_selector(READY)
    cached = pg.evaluate("""async () => {
        const c = await caches.open((await caches.keys()).find((k) => k.startsWith("legoremix-")));
        return (await c.keys()).map((r) => r.url); }""")
    assert not [u for u in urls + cached if "/ort/" in u]  # the depth runtime: not used, not fetched
    assert any("/wheels/fpdf2-" in u for u in cached)  # the PDF library: kept after its first use
    context.set_offline(True)
    try:
        pg.reload()
        pg.wait_for_selector(READY, timeout=60_000)
        upload(pg, photo_path("chelsea.png"))
        wait_mosaic(pg, "48 × 48")
        with pg.expect_download(timeout=60_000) as dl:
            pg.click("[data-testid=download-pdf]")
        assert open(dl.value.path(), "rb").read(4) == b"%PDF"
    finally:
        context.set_offline(False)


def test_a_slider_drag_is_one_undo_step_and_a_new_photo_is_one_too(page):
    upload(page, photo_path("coffee.png"))
    wait_mosaic(page, "48 × 48")
    page.select_option("#dither", "jarvis")
    wait_mosaic(page)
    drag = "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }"
    for value in ("90", "70"):  # a drag: input events ...
        page.locator("#strength").evaluate(drag, value)
    page.locator("#strength").fill("55")  # ... and the last one with the change event
    wait_mosaic(page)
    page.click("#undo")  # the whole drag comes back as one step
    wait_mosaic(page)
    assert page.locator("#strength").input_value() == "100"
    assert page.locator("#dither").input_value() == "jarvis"
    page.click("#undo")
    wait_mosaic(page)
    assert page.locator("#dither").input_value() == "none"
    page.fill("#crop-zoom", "250")
    page.dispatch_event("#crop-zoom", "change")
    wait_mosaic(page)
    tiny = photo_path("chelsea.png")
    upload(page, tiny)
    wait_mosaic(page)
    # the new photo is one undo step (js/photos.js): Undo brings back the old photo with its crop
    expect(page.locator("#undo")).to_be_enabled()
    page.click("#undo")
    wait_mosaic(page)
    assert page.locator("#crop-zoom").input_value() == "250"
    width = "async () => (await import(new URL('js/store.js', location.href).href)).state.image.width"
    assert page.evaluate(width) == 600  # coffee.png, not chelsea.png (451)


def test_a_failed_size_can_still_be_saved_as_a_project(page, tmp_path):
    upload(page, photo_path("coffee.png"))
    wait_mosaic(page, "48 × 48")
    page.click("button[data-size='64']")
    expect(page.locator(ERROR)).to_contain_text("studs are missing")
    expect(page.locator("[data-testid=save-project]")).to_be_enabled()  # the work is the person's
    with page.expect_download() as dl:
        page.click("[data-testid=save-project]")
    saved = json.loads(open(dl.value.path()).read())
    assert saved["settings"]["size"] == [64, 64] and "cropView" not in saved["settings"]


def test_on_a_phone_a_settings_error_is_brought_into_view(browser, site):
    with phone_with_photo(browser, site, "coffee.png") as pg:
        pg.locator("button[data-size='64']").scroll_into_view_if_needed()
        pg.click("button[data-size='64']")
        err = pg.locator(ERROR)
        expect(err).to_contain_text("studs are missing")
        expect(err).to_be_in_viewport()
