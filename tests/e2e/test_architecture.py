"""How the page is built shows in what a person can do: slow work never blocks newer
changes, and a plain static host still gets an isolated, offline page."""
import http.server
import threading
from functools import partial

import pytest

from conftest import DIST
from helpers import photo_path
from ui import READY, upload, wait_mosaic

pytestmark = pytest.mark.e2e


def test_dragging_a_slider_on_a_big_mosaic_never_waits_for_stale_work(page):
    upload(page, photo_path("astronaut.png"))
    wait_mosaic(page, "48 × 48")
    page.check("#unlimited")
    page.click("button[data-size='128']")
    wait_mosaic(page, "128 × 128")
    assert page.evaluate("() => self.crossOriginIsolated")
    body = page.locator("body")
    before = int(body.get_attribute("data-completed"))
    for value in range(-40, 41, 10):  # a drag: one input event after another
        page.locator("#adj-saturation").fill(str(value))
    page.wait_for_selector("#adj-saturation-out:has-text('40')")
    wait_mosaic(page)
    page.wait_for_timeout(300)
    wait_mosaic(page)
    completed = int(body.get_attribute("data-completed")) - before
    assert int(body.get_attribute("data-stopped")) >= 1  # stale work was stopped midway, not finished
    # of 18 changes (input + change events), only the latest few finished: a mosaic and then its
    # scores (the colour differences, asked for once it is drawn) count one each
    assert completed <= 4, completed
    # the mosaic shown is the one for the last value
    first = page.locator("[data-testid=counts]").inner_text()
    page.click("#adj-saturation-reset")
    wait_mosaic(page)
    assert page.locator("[data-testid=counts]").inner_text() != first


def click_slider(page, sel, value):
    """A click on a slider as a person makes it: an input event, then a change event."""
    page.evaluate("""([sel, value]) => {
      const el = document.querySelector(sel);
      el.value = value;
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
    }""", [sel, value])


def test_a_click_on_a_slider_computes_once_and_the_scores_follow_the_mosaic(page):
    """A click on a slider is an input event and then a change event with the same value:
    one compute, which the second joins instead of stopping it and starting over. The page
    draws the mosaic, then asks for its colour differences (only they are computed)."""
    upload(page, photo_path("astronaut.png"))
    wait_mosaic(page, "48 × 48")
    read = lambda: page.evaluate("() => ({...document.body.dataset})")  # noqa: E731
    before = read()
    click_slider(page, "#adj-saturation", "30")
    page.wait_for_selector(f"body:not([data-computed='{before['computed']}'])")
    wait_mosaic(page)
    after = read()
    assert int(after["joined"]) == int(before["joined"]) + 1
    assert int(after["completed"]) == int(before["completed"]) + 2  # the mosaic, then its scores
    assert after["stopped"] == before["stopped"]
    assert float(after["drawnAt"]) <= float(after["scoredAt"])
    mean = page.locator("[data-testid=mean-delta-e]").inner_text()
    perceived = page.locator("[data-testid=perceived-delta-e]").inner_text()
    assert float(mean) > 0 and float(perceived) > 0
    # the figures are those of this mosaic: going back to where it was gives the first ones again
    page.click("#adj-saturation-reset")
    wait_mosaic(page)
    assert page.locator("[data-testid=mean-delta-e]").inner_text() != mean


class PlainHandler(http.server.SimpleHTTPRequestHandler):
    """A static host that sends no security headers at all."""
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".mjs": "text/javascript",
                      ".js": "text/javascript", ".wasm": "application/wasm"}

    def log_message(self, *a):
        pass


def test_a_plain_static_host_gets_isolation_from_the_service_worker(browser, site):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(PlainHandler, directory=str(DIST)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    ctx = browser.new_context()
    try:
        pg = ctx.new_page()
        pg.goto(f"http://127.0.0.1:{httpd.server_address[1]}/")
        pg.wait_for_selector(READY, timeout=60_000)
        assert pg.evaluate("() => self.crossOriginIsolated") is False  # no headers on the first visit
        pg.wait_for_selector("body[data-sw=controlled]", timeout=30_000)
        pg.reload()
        pg.wait_for_selector(READY, timeout=60_000)
        assert pg.evaluate("() => self.crossOriginIsolated") is True
        upload(pg, photo_path("coffee.png"))
        wait_mosaic(pg, "48 × 48")
    finally:
        ctx.close()
        httpd.shutdown()


def test_instructions_asked_for_during_a_change_are_those_of_the_new_mosaic(page):
    """A click on "Instructions (PDF)" while a change is computed waits for it: the PDF is the
    new mosaic, with its mean colour difference on the cover (not the old mosaic, nor one
    without its figure)."""
    import io

    from pypdf import PdfReader
    upload(page, photo_path("astronaut.png"))
    wait_mosaic(page, "48 × 48")
    click_slider(page, "#adj-saturation", "60")
    assert page.locator("[data-testid=status]").get_attribute("data-state") == "busy"
    with page.expect_download(timeout=60_000) as dl:
        page.click("[data-testid=download-pdf]")
    cover = PdfReader(io.BytesIO(open(dl.value.path(), "rb").read())).pages[0].extract_text()
    wait_mosaic(page)
    mean = page.locator("[data-testid=mean-delta-e]").inner_text()
    assert f"Mean colour difference {mean} (CIEDE2000)" in cover, cover[:300]
