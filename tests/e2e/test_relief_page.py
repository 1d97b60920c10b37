"""The 3D relief in the real page: a depth map picture all offline (levels, thresholds, a raised
stud, PDF and LDraw, the 3D view), and a depth model run by onnxruntime-web in the depth worker,
giving the same depth map as onnxruntime natively."""
import io

import pytest
from PIL import Image, ImageStat
from playwright.sync_api import expect
from pypdf import PdfReader

import depth_models
from helpers import photo_path
from legoremix import depth, image, relief
from ui import READY, RELIEF_ON, open_3d, upload, wait_mosaic

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def moto_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("moto")
    photo, dm = depth_models.motorcycle()
    Image.frombytes("RGBA", (photo.width, photo.height), photo.data).convert("RGB").save(d / "motorcycle.png")
    return d / "motorcycle.png", depth_models.depth_png(d / "motorcycle-depth.png", dm)


def raised_count(page):
    return int(page.locator("[data-testid=relief-stats]").inner_text().split(" of ")[0])


def wait_relief(page):
    page.wait_for_selector(RELIEF_ON, timeout=60_000)
    wait_mosaic(page)


def test_relief_from_a_depth_map_all_offline(context, site, moto_files, artifacts):
    photo, depth_png = moto_files
    pg = context.new_page()
    pg.goto(site)
    pg.wait_for_selector(READY, timeout=60_000)
    pg.wait_for_selector("body[data-sw=controlled]", timeout=30_000)
    upload(pg, photo)  # first visit: the PDF worker warms up and its library is cached for offline use
    wait_mosaic(pg, "48 × 48")
    with pg.expect_download(timeout=60_000):
        pg.click("[data-testid=download-pdf]")
    context.set_offline(True)
    try:
        pg.reload()
        pg.wait_for_selector(READY, timeout=60_000)
        wait_mosaic(pg, "48 × 48")  # the autosaved session is back
        pg.set_input_files("[data-testid=depth-input]", str(depth_png))
        wait_relief(pg)
        expect(pg.locator("[data-testid=depth-status]")).to_contain_text("motorcycle-depth.png")
        expect(pg.locator("[data-testid=relief-stats]")).to_contain_text("in 2 layers")
        pg.screenshot(path=str(artifacts / "relief-overlay.png"), full_page=True)

        pg.select_option("[data-testid=levels]", "4")
        pg.wait_for_selector("[data-testid=threshold-2]")
        wait_relief(pg)
        expect(pg.locator("[data-testid=relief-stats]")).to_contain_text("in 3 layers")
        # thresholds stay in order: moving the first to 97 % pushes the others up to 98 and 99 %
        def plate_studs():  # plates summed over all studs, as the page last drew them
            return int(pg.locator("body").get_attribute("data-plate-studs"))
        pg.fill("[data-testid=threshold-0]", "97")
        pg.dispatch_event("[data-testid=threshold-0]", "change")
        wait_relief(pg)
        expect(pg.locator("#threshold-2-out")).to_have_text("99 % depth")
        assert [pg.locator(f"[data-testid=threshold-{i}]").input_value() for i in range(3)] == ["97", "98", "99"]
        few = plate_studs()

        # raise the top-left stud by hand (one plate more under it), undo, redo
        pg.check("[data-testid=relief-edit]")
        pg.locator("[data-testid=mosaic]").click(position={"x": 2, "y": 2})  # the top-left stud
        wait_relief(pg)
        expect(pg.locator("body")).to_have_attribute("data-plate-studs", str(few + 1))
        pg.click("#undo")
        wait_relief(pg)
        expect(pg.locator("body")).to_have_attribute("data-plate-studs", str(few))
        pg.click("#redo")
        wait_relief(pg)
        expect(pg.locator("body")).to_have_attribute("data-plate-studs", str(few + 1))
        pg.uncheck("[data-testid=relief-edit]")

        pg.fill("[data-testid=threshold-0]", "5")  # a lower first threshold raises more studs
        pg.dispatch_event("[data-testid=threshold-0]", "change")
        wait_relief(pg)
        expect(pg.locator("#threshold-0-out")).to_have_text("5 % depth")
        expect(pg.locator("body")).not_to_have_attribute("data-plate-studs", str(few + 1))
        assert plate_studs() > few + 1

        with pg.expect_download(timeout=60_000) as dl:
            pg.click("[data-testid=download-ldraw]")
        ldr = open(dl.value.path()).read().splitlines()
        studs = [l.split() for l in ldr if l.startswith("1 ") and l.endswith("98138.dat")]
        corner = next(l for l in studs if (l[2], l[4]) == ("10", "10"))
        assert int(corner[3]) <= -16  # the tile (8 LDU) on at least the plate it was raised on
        plate_parts = {f"{p}.dat" for p in relief.PLATES.values()}
        layers = {l.split()[3] for l in ldr if l.startswith("1 ") and l.split()[-1] in plate_parts}
        assert layers == {"-8", "-16", "-24"}  # three plate layers, 8 LDU each

        with pg.expect_download(timeout=60_000) as dl:
            pg.click("[data-testid=download-pdf]")
        reader = PdfReader(io.BytesIO(open(dl.value.path(), "rb").read()))
        texts = [p.extract_text() for p in reader.pages]
        assert any("plate layer 3 of 3" in t for t in texts)
        first = next(i for i, t in enumerate(texts) if "plate layer" in t)
        assert all("plate layer" in t for t in texts[first:])  # after the colour pages

        dialog = open_3d(pg)
        assert int(dialog.get_attribute("data-plates")) > 0
        canvas = pg.locator("[data-testid=view3d-canvas]")
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        pg.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        pg.mouse.down()
        pg.mouse.move(box["x"] + box["width"] / 2 + 120, box["y"] + box["height"] / 2 + 40, steps=5)
        pg.mouse.up()
        pg.mouse.wheel(0, -300)  # zoom in
        shot = canvas.screenshot(path=str(artifacts / "relief-3d.png"))
        img = Image.open(io.BytesIO(shot)).convert("L")
        assert ImageStat.Stat(img).stddev[0] > 10, "the 3D view drew nothing"
        pg.click("[data-testid=view3d-close]")

        upload(pg, photo_path("coffee.png"))  # another photo: its depth is unknown, and the page says so
        wait_mosaic(pg)
        expect(pg.locator("#notice")).to_contain_text("The 3D relief is off")
        expect(pg.locator("[data-testid=depth-status]")).to_have_text("")
        assert pg.locator("body").get_attribute("data-relief") == "off"
    finally:
        context.set_offline(False)


def test_depth_model_runs_in_the_page_as_natively(page, tmp_path):
    """A tiny model with MiDaS's signature (its own mean/std inside, like the official
    export) through onnxruntime-web in the depth worker: the same depth map as onnxruntime."""
    pytest.importorskip("onnxruntime")
    model = tmp_path / "model-small.onnx"
    model.write_bytes(depth_models.model_bytes())
    upload(page, photo_path("chelsea.png"))
    wait_mosaic(page, "48 × 48")
    page.set_input_files("[data-testid=depth-input]", str(model))
    page.wait_for_selector(RELIEF_ON, timeout=90_000)
    expect(page.locator("[data-testid=depth-status]")).to_contain_text("MiDaS v2.1 small (WASM")
    browser_values = None
    for _ in range(50):  # the depth map is autosaved with the session: read it from there
        browser_values = page.evaluate("""async () => {
            const db = await new Promise((ok, no) => { const r = indexedDB.open("legoremix"); r.onsuccess = () => ok(r.result); r.onerror = no; });
            const v = await new Promise((ok) => { const r = db.transaction("autosave").objectStore("autosave").get("current"); r.onsuccess = () => ok(r.result); });
            return v && v.depth ? {w: v.depth.width, h: v.depth.height, values: Array.from(v.depth.values)} : null; }""")
        if browser_values:
            break
        page.wait_for_timeout(100)
    native, _ = depth.estimate(image.load(photo_path("chelsea.png")), model)
    assert (browser_values["w"], browser_values["h"]) == (native.width, native.height) == (256, 256)
    assert browser_values["values"] == pytest.approx(list(native.values), abs=1e-5)

    # the model is kept for later visits: after a reload it is offered again
    page.reload()
    page.wait_for_selector(READY, timeout=60_000)
    expect(page.locator("[data-testid=depth-estimate]")).to_contain_text("model-small.onnx")

    # a model with the wrong signature: a clear message, the relief stays as it was
    bad = tmp_path / "wrong.onnx"
    bad.write_bytes(depth_models.model_bytes(channels=4))
    page.set_input_files("[data-testid=depth-input]", str(bad))
    err = page.locator(".error-slot[data-where=relief] [data-testid=error]")
    expect(err).to_contain_text("not a depth model legoremix knows", timeout=60_000)
    expect(err).to_contain_text("1 x 4 x 256 x 256")
