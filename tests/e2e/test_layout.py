"""The page on a phone (390 x 844) and a laptop (1366 x 900): where the mosaic, the downloads
and the settings are, read from the elements' positions (screenshots in test-artifacts/), and
what shows while the engine is still loading."""
import pytest
from playwright.sync_api import expect

from helpers import photo_path
from ui import PHONE, READY, upload, wait_mosaic

pytestmark = pytest.mark.e2e
LAPTOP = {"width": 1366, "height": 900}


def box(page, sel):
    b = page.locator(sel).first.bounding_box()
    assert b is not None, f"{sel} is not shown"
    return b


def after_content(page, sel):
    return page.evaluate(f"getComputedStyle(document.querySelector({sel!r}), '::after').content")


def open_held(browser, site, viewport, **options):
    """A page whose engine worker is held back (its script not served yet) until release()."""
    ctx = browser.new_context(viewport=viewport, **options)
    page = ctx.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    held = []
    page.route("**/worker.js", lambda route: held.append(route))
    page.goto(site)

    def release():
        for route in held:
            route.continue_()
        page.unroute("**/worker.js")
        page.wait_for_selector(READY, timeout=60_000)
    return ctx, page, release


def check_loading_state(page):
    """No empty dropdowns, no statistics of a mosaic that does not exist, a clear placeholder."""
    expect(page.locator("[data-testid=status]")).to_have_attribute("data-state", "loading")
    for sel in ("#metric", "#dither", "#set-add", "#piece"):
        expect(page.locator(sel)).to_be_hidden()  # placeholder blocks instead of empty controls
    expect(page.locator("[data-testid=mean-delta-e]")).to_be_hidden()
    expect(page.locator(".stats")).to_be_hidden()
    expect(page.locator("[data-testid=mosaic]")).to_be_hidden()
    assert "engine is loading" in after_content(page, "#canvas-wrap")
    expect(page.locator("#h-settings")).to_be_visible()
    expect(page.locator("[data-testid=image-input]")).to_be_attached()  # a photo can be chosen already


def test_phone_layout(browser, site, artifacts):
    ctx, page, release = open_held(browser, site, PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        check_loading_state(page)
        page.screenshot(path=str(artifacts / "layout-phone-loading.png"))
        release()
        assert "choose a photo" in after_content(page, "#canvas-wrap")
        expect(page.locator("#metric option")).not_to_have_count(0)
        upload(page, photo_path("chelsea.png"))
        wait_mosaic(page, "48 × 48")
        page.evaluate("window.scrollTo(0, 0)")
        mosaic, settings = box(page, "[data-testid=mosaic]"), box(page, "#h-settings")
        # the whole mosaic is on the first screen, above the photo and the settings
        assert mosaic["y"] >= 0 and mosaic["y"] + mosaic["height"] <= PHONE["height"], mosaic
        assert mosaic["width"] >= 0.8 * PHONE["width"]
        assert mosaic["y"] < box(page, "#crop-frame")["y"] and mosaic["y"] < settings["y"]
        # the downloads come right after the mosaic's panel, before the photo and the settings
        downloads = box(page, "[data-testid=download-pdf]")
        assert box(page, ".result")["y"] < downloads["y"] < box(page, "#crop-frame")["y"] < settings["y"]
        assert downloads["y"] < 3 * PHONE["height"]
        # nothing wider than the screen; the colour difference explained next to its value
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        # the inventory table fits the phone: every column, the "Use" switch included, in view
        wrap = page.locator("[data-testid=inventory-table]").locator("xpath=..")
        assert page.evaluate("(e) => e.scrollWidth <= e.clientWidth", wrap.element_handle())
        use = box(page, "[data-testid=inventory-table] tbody tr:first-child .use")
        assert 0 <= use["x"] and use["x"] + use["width"] <= PHONE["width"]
        # a field's sentence (fewer pieces than the sets hold) does not widen the table either
        owned = page.locator("[data-testid=inventory-table] tbody tr:first-child .owned")
        kept = owned.input_value()
        owned.fill("1")
        expect(page.locator("[data-testid=inventory-table] .row-error .field-error")).to_contain_text("Your sets hold")
        assert page.evaluate("(e) => e.scrollWidth <= e.clientWidth", wrap.element_handle())
        owned.fill(kept)
        owned.dispatch_event("change")  # the person leaves the field, as it was
        expect(page.locator("[data-testid=inventory-table] .row-error")).to_have_count(0)
        wait_mosaic(page)
        expect(page.locator("[data-testid=de-explain]")).to_contain_text("below 1 nobody sees it")
        assert box(page, "[data-testid=de-explain]")["y"] - box(page, "[data-testid=mean-delta-e]")["y"] < 80
        page.screenshot(path=str(artifacts / "layout-phone.png"))
        page.screenshot(path=str(artifacts / "layout-phone-full.png"), full_page=True)
        # far down at the sliders, a small copy of the mosaic shows in a corner and follows a change
        mini = page.locator("[data-testid=mini-mosaic]")
        page.evaluate("window.scrollTo(0, 0)")
        expect(mini).to_be_hidden()  # the mosaic itself is in view
        page.locator("#adj-saturation").scroll_into_view_if_needed()
        expect(mini).to_be_visible()
        b = box(page, "[data-testid=mini-mosaic]")
        assert b["x"] + b["width"] <= PHONE["width"] and b["y"] + b["height"] <= PHONE["height"], b
        pixels = "(c) => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data).join()"
        before = mini.locator("canvas").evaluate(pixels)
        computed = page.locator("body").get_attribute("data-computed")
        page.locator("#adj-saturation").fill("80")
        page.dispatch_event("#adj-saturation", "change")
        expect(page.locator("body")).not_to_have_attribute("data-computed", computed, timeout=60_000)
        wait_mosaic(page)
        assert mini.locator("canvas").evaluate(pixels) != before
        # with the figure under the mosaic, which is out of view too
        seen = page.locator("[data-testid=perceived-delta-e]").text_content()
        assert float(seen) > 0
        expect(page.locator("[data-testid=mini-figure]")).to_have_text(f"seen ΔE {seen}")
        page.screenshot(path=str(artifacts / "layout-phone-mini.png"))
        # its Undo (the header's is far above) brings the mosaic back, its Redo the change again
        after = mini.locator("canvas").evaluate(pixels)
        for button, value, want in (("mini-undo", "0", before), ("mini-redo", "80", after)):
            expect(page.locator(f"[data-testid={button}]")).to_be_enabled()
            computed = page.locator("body").get_attribute("data-computed")
            page.locator(f"[data-testid={button}]").tap()
            expect(page.locator("#adj-saturation-out")).to_have_text(value)
            expect(page.locator("body")).not_to_have_attribute("data-computed", computed, timeout=60_000)
            wait_mosaic(page)
            assert mini.locator("canvas").evaluate(pixels) == want, button
        expect(page.locator("[data-testid=mini-redo]")).to_be_disabled()  # as the header's Redo
        # it covers a corner of the page (QA): tucked into one small button, and back
        tuck = page.locator("[data-testid=mini-tuck]")
        tuck.tap()
        expect(mini.locator("canvas")).to_be_hidden()
        small = box(page, "[data-testid=mini-mosaic]")
        assert small["width"] < b["width"] / 2 and small["height"] < b["height"] / 3, (small, b)
        expect(tuck).to_have_attribute("aria-expanded", "false")
        tuck.tap()
        expect(mini.locator("canvas")).to_be_visible()
        expect(tuck).to_have_attribute("aria-expanded", "true")
        # the end of the page can scroll above the copy
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        last = page.evaluate("""() => { const els = [...document.querySelectorAll('main *, footer *')]
          .filter((e) => e.getClientRects().length && !e.closest('#mini-mosaic'));
          return Math.max(...els.map((e) => e.getBoundingClientRect().bottom)); }""")
        assert last <= box(page, "[data-testid=mini-mosaic]")["y"] + 1, last
        page.locator("[data-testid=mini-view]").tap()
        expect(mini).to_be_hidden()  # back at the mosaic (a smooth scroll: it hides on the way)
        for _ in range(50):
            m = box(page, "[data-testid=mosaic]")
            if m["y"] >= 0 and m["y"] + m["height"] <= PHONE["height"]:
                break
            page.wait_for_timeout(100)
        assert m["y"] >= 0 and m["y"] + m["height"] <= PHONE["height"], m
        assert not page.errors, page.errors
    finally:
        ctx.close()


def test_laptop_layout(browser, site, artifacts):
    ctx, page, release = open_held(browser, site, LAPTOP)
    try:
        check_loading_state(page)
        page.screenshot(path=str(artifacts / "layout-laptop-loading.png"))
        release()
        upload(page, photo_path("chelsea.png"))
        wait_mosaic(page, "48 × 48")
        page.evaluate("window.scrollTo(0, 0)")
        mosaic = box(page, "[data-testid=mosaic]")
        assert mosaic["y"] + mosaic["height"] <= LAPTOP["height"] and mosaic["height"] >= 400, mosaic
        # every download button is on the first screen, beside the mosaic
        for kind in ("pdf", "png", "csv", "bricklink"):
            b = box(page, f"[data-testid=download-{kind}]")
            assert b["y"] + b["height"] <= LAPTOP["height"], (kind, b)
            expect(page.locator(f"[data-testid=download-{kind}]")).to_be_enabled()
        assert box(page, "#h-settings")["y"] < 200  # the settings start at the top, in their own column
        assert box(page, "#h-settings")["x"] > mosaic["x"] + mosaic["width"]
        expect(page.locator("[data-testid=de-explain]")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
        page.screenshot(path=str(artifacts / "layout-laptop.png"))
        # the settings scroll on their own: a slider far down the list keeps the mosaic in view
        for sel in ("#adj-contrast", "#auto-adjust", "label[for=depth-input]"):
            page.locator(sel).scroll_into_view_if_needed()
            assert box(page, "[data-testid=mosaic]") == mosaic, sel
            b = box(page, sel)
            assert 0 <= b["y"] and b["y"] + b["height"] <= LAPTOP["height"], (sel, b)
        page.screenshot(path=str(artifacts / "layout-laptop-slider.png"))
        # unlimited mode: the buying list sits under the mosaic
        page.check("#unlimited")
        page.wait_for_timeout(100)
        wait_mosaic(page, "48 × 48")
        expect(page.locator("[data-testid=buying]")).to_be_visible()
        page.locator("[data-testid=buying]").scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "layout-laptop-buying.png"))
        assert not page.errors, page.errors
    finally:
        ctx.close()
