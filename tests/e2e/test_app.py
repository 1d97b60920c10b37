"""The real page in Chromium, used like a person would."""
import csv
import io
import json
import struct
import xml.etree.ElementTree as ET
import zlib

import pytest
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from helpers import photo_path
from ui import READY, check_stock, counts, upload, wait_mosaic

pytestmark = pytest.mark.e2e


def test_upload_tweak_and_counts_stay_within_stock(page, artifacts):
    upload(page, photo_path("chelsea.png"))
    wait_mosaic(page, "48 × 48")
    check_stock(page, 2304)
    page.screenshot(path=str(artifacts / "main-screen.png"), full_page=True)
    page.click("button[data-size='32']")
    wait_mosaic(page, "32 × 32")
    check_stock(page, 1024)
    page.select_option("#set-add", "the_beatles")
    page.click("#set-add-btn")
    page.wait_for_selector("#sets li:nth-child(2)")
    wait_mosaic(page)
    page.wait_for_selector("[data-testid=counts] tr[data-hex='#330000']")  # Dark Brown comes from 31198
    check_stock(page, 1024)
    for kind in ("floyd-steinberg", "atkinson", "bayer8"):
        page.select_option("#dither", kind)
        page.wait_for_timeout(50)
        wait_mosaic(page)
        check_stock(page, 1024)
    page.fill("#width", "64")
    page.press("#width", "Enter")
    wait_mosaic(page, "64 × 32")
    check_stock(page, 2048)
    assert page.locator("#physical").inner_text().startswith("51.2 × 25.6 cm")
    # undo brings the previous size back
    page.click("#undo")
    wait_mosaic(page, "32 × 32")


def test_crop_is_kept_when_settings_change(page):
    upload(page, photo_path("coffee.png"))
    wait_mosaic(page, "48 × 48")
    page.fill("#crop-zoom", "200")  # 200 % zoom: half the box
    page.dispatch_event("#crop-zoom", "change")
    wait_mosaic(page)
    box = page.locator("#crop-box").get_attribute("style")
    page.select_option("#metric", "oklab")
    wait_mosaic(page)
    assert page.locator("#crop-box").get_attribute("style") == box
    assert "width: 33" in box  # 50 % of the 400 px high square crop of a 600x400 photo


def test_paint_a_stud_and_undo(page):
    upload(page, photo_path("astronaut.png"))
    wait_mosaic(page, "48 × 48")
    before = counts(page)
    page.check("[data-testid=paint-mode]")
    page.click("#brushes [role=radio][data-name='Magenta']")
    box = page.locator("[data-testid=mosaic]").bounding_box()
    page.mouse.click(box["x"] + 3, box["y"] + 3)  # top-left stud
    wait_mosaic(page)
    after = counts(page)
    assert after["#b52952"][0] == before["#b52952"][0]  # magenta is all used: painting moves one
    check_stock(page, 2304)
    page.click("#undo")
    wait_mosaic(page)
    assert counts(page) == before


def png_header(width, height):
    """The start of a PNG declaring ``width`` x ``height`` (signature, IHDR, a cut IDAT)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)))


def jpeg_header(width, height):
    """The start of a baseline JPEG declaring ``width`` x ``height`` (JFIF APP0, SOF0, no data)."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + b"\x01\x22\0\x02\x11\x01\x03\x11\x01"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


def test_bad_inputs_show_messages_and_keep_the_mosaic(page, tmp_path):
    upload(page, photo_path("chelsea.png"))
    wait_mosaic(page, "48 × 48")
    good = counts(page)
    text = tmp_path / "holiday.jpg"
    text.write_text("this is a text file, not a photo")
    upload(page, text)
    page.wait_for_selector("[data-testid=error]:not([hidden])")
    assert "could not be read as an image" in page.locator("[data-testid=error]").inner_text()
    assert counts(page) == good
    corrupt = tmp_path / "broken.png"
    data = (tmp_path / "ok.png")
    Image.new("RGB", (300, 300), (200, 10, 10)).save(data)
    corrupt.write_bytes(data.read_bytes()[:200])
    upload(page, corrupt)
    page.wait_for_selector("[data-testid=status][data-state=error]")
    assert "could not be read" in page.locator("[data-testid=error]").inner_text()
    assert counts(page) == good
    # pictures too big for the browser to open: their size, read from the header, is the reason given
    for name, head in (("giant.png", png_header(30000, 30000)), ("giant.jpg", jpeg_header(40000, 25000))):
        big = tmp_path / name
        big.write_bytes(head)
        upload(page, big)
        page.wait_for_selector("[data-testid=status][data-state=error]")
        w, h = (30000, 30000) if name.endswith("png") else (40000, 25000)
        text = page.locator("[data-testid=error]").inner_text()
        assert f"too large for the browser to open: {w} × {h} pixels ({w * h // 10 ** 6} megapixels)" in text, text
        assert counts(page) == good
    # an inventory smaller than the canvas
    page.select_option("#set-add", "cute_banana_pen_holder")
    page.click("#set-add-btn")
    page.wait_for_selector("[data-testid=counts] tr[data-hex='#b35408']")
    wait_mosaic(page)
    good = counts(page)
    page.click("#sets li:first-child button")  # remove the Warhol set: 46 studs left
    page.wait_for_selector("[data-testid=error]:not([hidden])")
    assert "studs are missing" in page.locator("[data-testid=error]").inner_text()
    assert counts(page) == good  # the last good mosaic stays, marked as out of date
    # told next to the sets, where the person acted (the mosaic is marked out of date)
    expect(page.locator(".error-slot[data-where=sets] [data-testid=error]")).to_be_visible()
    expect(page.locator("[data-testid=download-png]")).to_be_disabled()
    page.click("#undo")
    wait_mosaic(page)
    assert page.locator("[data-testid=error]").is_hidden()


def test_unusual_but_valid_photos(page, tmp_path):
    cmyk = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (400, 300), (0, 200, 200, 0)).save(cmyk)
    upload(page, cmyk)
    wait_mosaic(page, "48 × 48")
    transparent = tmp_path / "logo.png"
    im = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    im.paste((20, 60, 200, 255), (50, 50, 150, 150))
    im.save(transparent)
    upload(page, transparent)
    wait_mosaic(page)
    assert "transparent" in page.locator("#notice").inner_text()
    huge = tmp_path / "huge.jpg"
    Image.linear_gradient("L").resize((10000, 5000)).convert("RGB").save(huge, quality=70)
    upload(page, huge)
    wait_mosaic(page)
    assert "50 megapixels" in page.locator("#notice").inner_text()


def test_downloads_parse(page):
    upload(page, photo_path("astronaut.png"))
    wait_mosaic(page, "48 × 48")
    files = {}
    page.select_option("[data-testid=png-cell]", "10")
    for kind in ("pdf", "png", "csv", "bricklink", "ldraw", "rebrickable"):
        with page.expect_download(timeout=60_000) as dl:
            page.click(f"[data-testid=download-{kind}]")
        files[kind] = open(dl.value.path(), "rb").read()
        page.wait_for_selector(READY)
    reader = PdfReader(io.BytesIO(files["pdf"]))
    assert len(reader.pages) == 2 + 9 and "Parts list" in reader.pages[0].extract_text()
    assert Image.open(io.BytesIO(files["png"])).size == (480, 480)  # 48 studs x 10 px
    rows = list(csv.DictReader(io.StringIO(files["csv"].decode())))
    assert sum(int(r["count"]) for r in rows) == 2304
    items = ET.fromstring(files["bricklink"]).findall("ITEM")
    assert sum(int(i.find("MINQTY").text) for i in items) == 2304
    assert sum(1 for l in files["ldraw"].decode().splitlines() if l.endswith("98138.dat")) == 2304
    assert files["rebrickable"].decode().startswith("Part,Color,Quantity")


def test_project_save_load_and_autosave(page, site, tmp_path):
    upload(page, photo_path("coffee.png"))
    wait_mosaic(page, "48 × 48")
    page.wait_for_selector("body[data-autosaved]")
    saved_at = page.locator("body").get_attribute("data-autosaved")
    page.select_option("#dither", "sierra")
    wait_mosaic(page)
    first = counts(page)
    page.wait_for_selector(f"body:not([data-autosaved='{saved_at}'])")  # the change is saved
    with page.expect_download() as dl:
        page.click("[data-testid=save-project]")
    saved = tmp_path / "mine.legoremix"
    dl.value.save_as(saved)
    # autosave: a reload restores the same mosaic
    page.reload()
    page.wait_for_selector("#notice:has-text('Restored')", timeout=60_000)
    wait_mosaic(page)
    assert counts(page) == first and page.locator("#dither").input_value() == "sierra"
    # a different photo, then open the project file
    upload(page, photo_path("chelsea.png"))
    page.select_option("#dither", "none")
    wait_mosaic(page)
    assert counts(page) != first
    page.set_input_files("[data-testid=project-input]", str(saved))
    page.wait_for_selector("#timing:has-text('ms')")
    expect(page.locator("#dither")).to_have_value("sierra")
    wait_mosaic(page)
    assert counts(page) == first


def test_works_offline_after_first_visit(context, site):
    pg = context.new_page()
    pg.goto(site)
    pg.wait_for_selector(READY, timeout=60_000)
    pg.wait_for_selector("body[data-sw=controlled]", timeout=30_000)
    context.set_offline(True)
    pg.reload()
    pg.wait_for_selector(READY, timeout=60_000)
    pg.set_input_files("[data-testid=image-input]", photo_path("rocket.jpg"))
    wait_mosaic(pg, "48 × 48")
    check_stock(pg, 2304)
    context.set_offline(False)


def test_every_request_stays_on_the_origin(context, site):
    urls = []
    context.on("request", lambda r: urls.append(r.url))
    pg = context.new_page()
    pg.goto(site)
    pg.wait_for_selector(READY, timeout=60_000)
    pg.click("[data-testid=example]")
    wait_mosaic(pg, "48 × 48")
    with pg.expect_download(timeout=60_000):
        pg.click("[data-testid=download-pdf]")
    pg.wait_for_selector(READY)
    pg.wait_for_timeout(500)
    assert urls and all(u.startswith(site) or u.startswith("blob:") or u.startswith("data:") for u in urls), \
        [u for u in urls if not u.startswith(site)]


def test_exif_orientation_is_respected(page, tmp_path):
    im = Image.new("RGB", (400, 200), (255, 0, 0))
    im.paste((0, 0, 255), (0, 0, 200, 200))
    exif = Image.Exif()
    exif[0x0112] = 6  # shown rotated 90 degrees clockwise: 200 wide, 400 tall
    path = tmp_path / "phone.jpg"
    im.save(path, exif=exif.tobytes(), quality=95)
    upload(page, path)
    wait_mosaic(page, "48 × 48")
    style = page.locator("#crop-box").get_attribute("style")
    assert "width: 100%" in style and "height: 50%" in style  # a square crop of a tall image
    # the blue half is on top after rotation: the top-left stud is blue-ish, not red
    c = counts(page)
    assert "#42c0fb" in c or "#595d60" in c or "#212121" in c


def test_a_new_build_updates_cleanly(browser, tmp_path):
    """Visit, publish a new build, accept the update: the new version runs."""
    import shutil
    import threading

    import build
    from conftest import DIST

    site_dir = tmp_path / "site"
    shutil.copytree(DIST, site_dir)
    handler = lambda *a, **k: build.Handler(*a, directory=str(site_dir), **k)  # noqa: E731
    httpd = build.http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    ctx = browser.new_context()
    try:
        pg = ctx.new_page()
        pg.goto(url)
        pg.wait_for_selector(READY, timeout=60_000)
        old = pg.locator("[data-testid=version]").inner_text()
        pg.wait_for_selector("body[data-sw=controlled]", timeout=30_000)
        info = json.loads((site_dir / "build-info.json").read_text())
        info["legoremix"] += "-next"
        (site_dir / "build-info.json").write_text(json.dumps(info))
        build.service_worker(site_dir)  # what build.py does: new file hashes, new version
        pg.reload()
        pg.wait_for_selector("#update:not([hidden])", timeout=30_000)
        pg.click("#update-now")
        pg.wait_for_selector("[data-testid=version]:has-text('-next')", timeout=60_000)
        assert pg.locator("[data-testid=version]").inner_text() != old
        pg.wait_for_selector(READY, timeout=60_000)
    finally:
        ctx.close()
        httpd.shutdown()


def test_paint_with_the_keyboard(page):
    upload(page, photo_path("coffee.png"))
    wait_mosaic(page, "48 × 48")
    page.check("[data-testid=paint-mode]")
    page.click("#brushes [role=radio][data-name='Black']")
    page.focus("[data-testid=mosaic]")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    before = page.locator("body").get_attribute("data-computed")
    page.keyboard.press("Space")
    page.wait_for_selector(f"body:not([data-computed='{before}'])")
    wait_mosaic(page)
    assert page.locator("[data-testid=mosaic]").get_attribute("aria-valuetext") == "stud 2, 2"
    assert not page.locator("#undo").is_disabled()


def test_a_photo_shows_at_once_while_the_engine_boots(context, site):
    pg = context.new_page()
    pg.goto(site)
    pg.wait_for_selector("[data-testid=status][data-state=loading]")
    upload(pg, photo_path("coffee.png"))
    pg.wait_for_selector("body[data-early=photo]")  # the photo and its crop box, before the engine is ready
    assert pg.locator("[data-testid=status]").get_attribute("data-state") == "loading"
    expect(pg.locator("#original")).to_be_visible()
    assert "width: 66." in pg.locator("#crop-box").get_attribute("style")  # a centred square of 600x400
    wait_mosaic(pg, "48 × 48")  # and the mosaic follows
