"""More of the 3D relief in the real page: cancelling a running depth estimate, the relief kept
in project files and the autosave, removing the relief as an undo step, hand-raised studs after
a size change, and the 3D view's first camera showing the whole relief."""
import io

import pytest
from PIL import Image
from playwright.sync_api import expect

import depth_models
from helpers import photo_path
from ui import READY, RELIEF_ON, open_3d, phone_page, relief_on, upload, wait_mosaic, wait_relief

pytestmark = pytest.mark.e2e
BACKGROUND = (0xEE, 0xF1, 0xF5)  # the 3D view's scene background (view3d.js)


def slow_model_bytes(layers=40, channels=64) -> bytes:
    """A model with MiDaS v2.1 small's signature (1x3x256x256 -> 1x256x256) that takes tens of
    seconds in WASM even on a fast machine: ``layers`` 3x3 convolutions of ``channels`` channels
    over the whole picture (about 5 GFLOP each), so a cancel lands while onnxruntime-web is
    running it (5 layers were done within one mosaic change on a CI machine)."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(1)
    x = helper.make_tensor_value_info("0", TensorProto.FLOAT, [1, 3, 256, 256])
    y = helper.make_tensor_value_info("797", TensorProto.FLOAT, [1, 256, 256])
    nodes, inits, cur, c_in = [], [], "0", 3
    for i in range(layers):
        w = numpy_helper.from_array((rng.standard_normal((channels, c_in, 3, 3)) / (3 * c_in ** 0.5))
                                    .astype(np.float32), f"w{i}")
        inits.append(w)
        nodes += [helper.make_node("Conv", [cur, f"w{i}"], [f"c{i}"], pads=[1, 1, 1, 1]),
                  helper.make_node("Relu", [f"c{i}"], [f"r{i}"])]
        cur, c_in = f"r{i}", channels
    inits += [numpy_helper.from_array(np.full((1, channels, 1, 1), 1 / channels, np.float32), "k"),
              numpy_helper.from_array(np.array([1], np.int64), "axes")]
    nodes += [helper.make_node("Conv", [cur, "k"], ["out"]), helper.make_node("Squeeze", ["out", "axes"], ["797"])]
    model = helper.make_model(helper.make_graph(nodes, "slow-depth", [x], [y], inits),
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model.SerializeToString()


def mosaic(page):
    """The page's last result (state.mosaic: Mosaic.to_dict()), read from the store module."""
    return page.evaluate("async () => (await import('./js/store.js')).state.mosaic")


def computed(page):
    return page.locator("body").get_attribute("data-computed")


def wait_new_mosaic(page, before):
    for _ in range(600):
        if computed(page) != before and page.locator(READY).count():
            return
        page.wait_for_timeout(100)
    raise AssertionError("no new mosaic was drawn")


def test_cancel_a_running_estimate(page, tmp_path):
    """The editor works while the depth worker runs; Cancel ends it at once (no error, the page
    usable), and a later estimate works in a new depth worker."""
    pytest.importorskip("onnx")
    slow = tmp_path / "model-small.onnx"
    slow.write_bytes(slow_model_bytes())
    upload(page, photo_path("chelsea.png"))
    wait_mosaic(page, "48 × 48")
    page.set_input_files("[data-testid=depth-input]", str(slow))
    label = page.locator("#depth-progress-label")
    expect(label).to_contain_text("Estimating depth", timeout=90_000)  # onnxruntime-web is running the model
    # the editor is not blocked meanwhile: a setting changes and its mosaic is drawn
    before = computed(page)
    page.fill("#adj-saturation", "40")
    page.dispatch_event("#adj-saturation", "input")
    page.dispatch_event("#adj-saturation", "change")
    wait_new_mosaic(page, before)
    expect(label).to_contain_text("Estimating depth")  # ... while the estimate still runs
    page.click("[data-testid=depth-cancel]")
    expect(page.locator("#depth-progress-row")).to_be_hidden()
    expect(page.locator("[data-testid=depth-status]")).to_have_text("Depth estimation was cancelled.")
    expect(page.locator(".error-slot[data-where=relief] [data-testid=error]")).to_have_count(0)
    assert page.locator("body").get_attribute("data-relief") == "off"
    expect(page.locator("[data-testid=depth-estimate]")).to_be_enabled()
    # still usable: another change draws its mosaic
    before = computed(page)
    page.click("button[data-size='32']")
    wait_new_mosaic(page, before)
    wait_mosaic(page, "32 × 32")
    # and a later estimate works (a fresh depth worker), here with a small model
    fast = tmp_path / "fast.onnx"
    fast.write_bytes(depth_models.model_bytes())
    page.set_input_files("[data-testid=depth-input]", str(fast))
    wait_relief(page)
    expect(page.locator("[data-testid=depth-status]")).to_contain_text("MiDaS v2.1 small (WASM")
    assert len(mosaic(page)["heights"]) == 32


def test_a_project_keeps_the_relief(context, site, moto_files, tmp_path):
    """Save a project with a relief (a raised stud too), open it in a fresh browser profile: the
    same heights and plates, no warning; the autosave then keeps the project's depth map."""
    pg = context.new_page()
    pg.goto(site)
    pg.wait_for_selector(READY, timeout=60_000)
    relief_on(pg, moto_files)
    pg.check("[data-testid=relief-edit]")
    pg.locator("[data-testid=mosaic]").click(position={"x": 2, "y": 2})  # raise the top-left stud
    wait_relief(pg)
    first = mosaic(pg)
    assert first["heights"][0][0] >= 1 and first["plates"]
    with pg.expect_download(timeout=60_000) as dl:
        pg.click("[data-testid=save-project]")
    saved = tmp_path / "relief.legoremix"
    dl.value.save_as(saved)
    expect(pg.locator("#notice")).not_to_contain_text("depth map")  # no "not saved" warning any more
    assert '"depth": {' in saved.read_text()

    fresh = context.browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    try:
        p2 = fresh.new_page()
        p2.goto(site)
        p2.wait_for_selector(READY, timeout=60_000)
        p2.set_input_files("[data-testid=project-input]", str(saved))
        wait_relief(p2)
        again = mosaic(p2)
        assert again["heights"] == first["heights"] and again["plates"] == first["plates"]
        expect(p2.locator("[data-testid=depth-status]")).to_have_text("Depth map from the project relief.legoremix.")
        for _ in range(50):  # the autosave holds the session with its depth map
            if p2.locator("body[data-autosaved]").count():
                break
            p2.wait_for_timeout(100)
        p2.wait_for_timeout(300)
        p2.reload()
        p2.wait_for_selector(READY, timeout=60_000)
        wait_relief(p2)
        assert mosaic(p2)["heights"] == first["heights"]
    finally:
        fresh.close()


def test_removing_the_relief_is_an_undo_step(page, moto_files):
    relief_on(page, moto_files)
    studs = page.locator("body").get_attribute("data-plate-studs")
    heights = mosaic(page)["heights"]
    page.click("[data-testid=depth-remove]")
    page.wait_for_selector("body[data-relief=off]")
    wait_mosaic(page)
    assert mosaic(page)["heights"] is None
    expect(page.locator("[data-testid=depth-status]")).to_contain_text("Undo brings it back")
    page.click("#undo")
    wait_relief(page)
    assert mosaic(page)["heights"] == heights
    expect(page.locator("body")).to_have_attribute("data-plate-studs", studs)
    expect(page.locator("[data-testid=depth-status]")).to_contain_text("motorcycle-depth.png")
    page.click("#redo")
    page.wait_for_selector("body[data-relief=off]")
    wait_mosaic(page)
    assert mosaic(page)["heights"] is None


def test_a_depth_map_of_another_shape_is_used_with_a_note(page, moto_files, tmp_path):
    """The photo's own depth map: no note. A tall depth map for the wide photo is still used
    (stretched), with a sentence saying so next to the relief controls."""
    _, depth_png = moto_files
    relief_on(page, moto_files)
    expect(page.locator("[data-testid=depth-status]")).to_have_text("Depth from the picture motorcycle-depth.png.")
    tall = tmp_path / "tall-depth.png"
    Image.open(depth_png).transpose(Image.Transpose.ROTATE_90).save(tall)
    page.set_input_files("[data-testid=depth-input]", str(tall))
    expect(page.locator("[data-testid=depth-status]")).to_contain_text(
        "This depth map is a tall picture for a wide photo", timeout=30_000)
    expect(page.locator("[data-testid=depth-status]")).to_contain_text("stretched over the photo")
    wait_relief(page)


def test_hand_raised_studs_follow_a_size_change(page, moto_files):
    """A stud raised by hand belongs to a place of the photo: after a size change it moves to
    the stud over the same place (js/pin-map.js; tests/e2e/test_edit_fixes.py checks the
    mapping), in the same undo step."""
    relief_on(page, moto_files)
    plain = mosaic(page)["heights"][0][0]
    page.check("[data-testid=relief-edit]")
    page.locator("[data-testid=mosaic]").click(position={"x": 2, "y": 2})
    wait_relief(page)
    assert mosaic(page)["heights"][0][0] == plain + 1
    page.click("button[data-size='32']")
    wait_mosaic(page, "32 × 32")
    wait_relief(page)
    settings = page.evaluate("async () => (await import('./js/store.js')).state.settings")
    assert settings["relief_pins"] == [[0, 0, plain + 1]]  # still the photo's top-left corner
    assert mosaic(page)["heights"][0][0] == plain + 1
    expect(page.locator("[data-testid=pins-note]")).to_be_hidden()  # nothing was dropped
    page.click("#undo")  # one step brings back the size and the raised stud
    wait_mosaic(page, "48 × 48")
    wait_relief(page)
    assert mosaic(page)["heights"][0][0] == plain + 1
    expect(page.locator("#notice")).not_to_contain_text("by hand")


def test_a_touch_screen_can_lower_a_stud(browser, site, moto_files):
    """No Shift and no right click on a phone: "Lower instead" makes a tap lower the stud."""
    with phone_page(browser, site) as page:
        relief_on(page, moto_files)
        expect(page.locator("[data-testid=relief-lower]")).to_be_hidden()  # only while editing
        page.check("[data-testid=relief-edit]")
        page.locator("[data-testid=mosaic]").tap(position={"x": 2, "y": 2})
        wait_relief(page)
        raised = mosaic(page)["heights"][0][0]
        assert raised >= 1
        page.check("[data-testid=relief-lower]")
        page.locator("[data-testid=mosaic]").tap(position={"x": 2, "y": 2})
        wait_relief(page)
        assert mosaic(page)["heights"][0][0] == raised - 1
        settings = page.evaluate("async () => (await import('./js/store.js')).state.settings")
        assert settings["relief_pins"] == [[0, 0, raised - 1]]


def test_a_big_relief_shows_its_packing_progress(page, moto_files):
    """Packing the plates of a 128x128 relief takes seconds: the status line says so, with a
    per cent that rises, instead of only "Making your mosaic…"."""
    photo, depth_png = moto_files
    upload(page, photo)
    wait_mosaic(page, "48 × 48")
    page.check("#unlimited")
    wait_mosaic(page)
    page.click("button[data-size='128']")
    wait_mosaic(page, "128 × 128")
    page.evaluate("""() => {
      window.__status = [];
      const el = document.querySelector('#status');
      new MutationObserver(() => window.__status.push(el.textContent)).observe(el, {childList: true, characterData: true, subtree: true});
    }""")
    page.set_input_files("[data-testid=depth-input]", str(depth_png))
    wait_relief(page)
    seen = [t for t in page.evaluate("() => window.__status") if t.startswith("Packing the relief plates… ")]
    assert seen, page.evaluate("() => window.__status")
    per_cent = [int(t.split("… ")[1].rstrip(" %")) for t in seen]
    assert per_cent == sorted(per_cent) and 0 < per_cent[-1] <= 100
    assert mosaic(page)["plates"]


def border_and_extent(png: bytes):
    """(pixels on a 3-pixel frame just inside the canvas (the screenshot's outermost pixel may
    be the page's, the canvas lying on fractional coordinates) that are not the background,
    the drawn model's bounding box as fractions of the canvas width and height)."""
    img = Image.open(io.BytesIO(png)).convert("RGB")
    w, h = img.size
    px = img.load()
    off = lambda x, y: max(abs(a - b) for a, b in zip(px[x, y], BACKGROUND)) > 12  # noqa: E731
    frame = (2, 3, 4)
    border = sum(off(x, y) for x in range(2, w - 2) for d in frame for y in (d, h - 1 - d)) + \
        sum(off(x, y) for y in range(2, h - 2) for d in frame for x in (d, w - 1 - d))
    xs = [x for x in range(0, w, 2) for y in range(0, h, 8) if off(x, y)]
    ys = [y for y in range(0, h, 2) for x in range(0, w, 8) if off(x, y)]
    return border, (max(xs) - min(xs)) / w, (max(ys) - min(ys)) / h


def test_without_webgl_the_3d_view_says_so_and_opens_once_it_is_back(page, moto_files):
    """A browser that refuses WebGL (blocked, or its GPU process restarting): the dialog ends in
    a sentence that says why and where the relief is still described, not a blank canvas or a
    view stuck loading; once WebGL is given again, the next opening draws."""
    relief_on(page, moto_files)
    page.evaluate("""() => {
        const get = HTMLCanvasElement.prototype.getContext;
        window.__webgl = false;
        HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
            return kind.startsWith('webgl') && !window.__webgl ? null : get.call(this, kind, ...rest); }; }""")
    page.click("[data-testid=view-3d]")
    dialog = page.locator("[data-testid=view3d-dialog][data-state=error]")
    dialog.wait_for(timeout=30_000)
    expect(page.locator("#view3d-message")).to_contain_text("cannot draw 3D graphics")
    expect(page.locator("#view3d-message")).to_contain_text("LDraw")
    expect(page.locator("[data-testid=view3d-canvas]")).to_be_hidden()
    page.click("[data-testid=view3d-close]")
    page.evaluate("() => { window.__webgl = true; }")
    open_3d(page)
    expect(page.locator("[data-testid=view3d-canvas]")).to_be_visible()
    expect(page.locator("#view3d-message")).to_be_hidden()


@pytest.mark.parametrize("size", ["48x48", "96x32", "32x64"])
def test_the_3d_view_opens_on_the_whole_relief(page, moto_files, artifacts, size):
    """Square, wide and tall mosaics: nothing of the relief touches the canvas's edges at
    first, the baseplate's four corners project inside the canvas, and it fills the view."""
    photo, depth_png = moto_files
    w, h = size.split("x")
    upload(page, photo)
    wait_mosaic(page)
    page.fill("#width", w)
    page.dispatch_event("#width", "change")
    page.fill("#height", h)
    page.dispatch_event("#height", "change")
    wait_mosaic(page, f"{w} × {h}")
    page.set_input_files("[data-testid=depth-input]", str(depth_png))
    wait_relief(page)
    open_3d(page)
    corners = page.evaluate("""async () => {
        const THREE = await import('./three/three.module.js');
        const { state } = await import('./js/store.js');
        const { camera } = await import('./js/view3d.js');
        const c = camera(), m = state.mosaic;
        return [[-1, -1], [1, -1], [1, 1], [-1, 1]].map(([sx, sz]) =>
            new THREE.Vector3(sx * m.width / 2, 0, sz * m.height / 2).project(c).toArray()); }""")
    for x, y, z in corners:
        assert abs(x) < 1 and abs(y) < 1 and z < 1, corners
    shot = page.locator("[data-testid=view3d-canvas]").screenshot(path=str(artifacts / f"relief-3d-fit-{size}.png"))
    border, fw, fh = border_and_extent(shot)
    assert border == 0, f"{border} pixels of the relief touch the canvas's edges"
    assert max(fw, fh) > 0.6, (fw, fh)  # and it is not lost in the middle


@pytest.fixture(scope="module")
def webgpu_browser(browser):
    """Chromium with WebGPU on (--enable-unsafe-webgpu, GPU process not disabled): headless on
    this machine it offers a SwiftShader (CPU Vulkan) adapter, so the WebGPU backend really
    runs. The other tests' browser has --disable-gpu: no adapter, the WASM fallback. Launched
    by the same Playwright as the session's browser (one sync Playwright at a time)."""
    from conftest import CHROMIUM_ARGS, chromium_path
    args = [a for a in CHROMIUM_ARGS if a != "--disable-gpu"] + ["--enable-unsafe-webgpu"]
    b = browser.browser_type.launch(executable_path=chromium_path(), args=args)
    yield b
    b.close()


def autosaved_depth(page):
    for _ in range(100):  # the depth map is autosaved with the session: read it from there
        v = page.evaluate("""async () => {
            const db = await new Promise((ok, no) => { const r = indexedDB.open("legoremix"); r.onsuccess = () => ok(r.result); r.onerror = no; });
            const v = await new Promise((ok) => { const r = db.transaction("autosave").objectStore("autosave").get("current"); r.onsuccess = () => ok(r.result); });
            return v && v.depth ? {w: v.depth.width, h: v.depth.height, backend: v.depth.backend, values: Array.from(v.depth.values)} : null; }""")
        if v:
            return v
        page.wait_for_timeout(100)
    raise AssertionError("the depth map was not autosaved")


def test_depth_runs_on_webgpu_as_natively(webgpu_browser, site, tmp_path):
    """With a WebGPU adapter the depth worker picks onnxruntime-web's WebGPU backend; the depth
    map equals onnxruntime's native one within float tolerance."""
    pytest.importorskip("onnxruntime")
    from legoremix import depth, image
    ctx = webgpu_browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = ctx.new_page()
        page.goto(site)
        page.wait_for_selector(READY, timeout=60_000)
        has = page.evaluate("async () => Boolean(navigator.gpu && await navigator.gpu.requestAdapter())")
        if not has:
            pytest.skip("this Chromium offers no WebGPU adapter even with --enable-unsafe-webgpu")
        model = tmp_path / "model-small.onnx"
        model.write_bytes(depth_models.model_bytes())
        upload(page, photo_path("chelsea.png"))
        wait_mosaic(page, "48 × 48")
        page.set_input_files("[data-testid=depth-input]", str(model))
        page.wait_for_selector(RELIEF_ON, timeout=120_000)
        expect(page.locator("[data-testid=depth-status]")).to_contain_text("MiDaS v2.1 small (WebGPU")
        got = autosaved_depth(page)
        assert got["backend"] == "webgpu"
        native, _ = depth.estimate(image.load(photo_path("chelsea.png")), model)
        assert (got["w"], got["h"]) == (native.width, native.height)
        assert got["values"] == pytest.approx(list(native.values), abs=1e-4)
    finally:
        ctx.close()
