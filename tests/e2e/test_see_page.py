"""Browser tests for issue 12 "what the eye sees" in the page: the best look within stock arrives
progressively (the mosaic without refining at once, then the refined one with progress, cancel
keeps the first), and the error heat map and the before/after wipe over the mosaic."""
import http.server
import threading
import time
from functools import partial

from conftest import DIST
from helpers import photo_path
from ui import READY, check_stock, phone_page, upload, wait_mosaic

PERCEIVED = "[data-testid=perceived-delta-e]"

# records what the refine progress row showed (a MutationObserver: nothing is missed between polls)
WATCH = """() => {
  window.__refineSeen = [];
  const row = document.querySelector('#refine-progress'), bar = document.querySelector('#refine-bar');
  const status = document.querySelector('#refine-status');
  // the bar's value, or null while it is indeterminate (the engine prepares its starts)
  const note = () => { if (!row.hidden) window.__refineSeen.push([bar.position < 0 ? null : bar.value,
    document.querySelector('#perceived-de').textContent, status.hidden ? '' : status.textContent]); };
  new MutationObserver(note).observe(row, {attributes: true, childList: true, subtree: true, characterData: true});
}"""


def dataset(page):
    return page.evaluate("() => ({...document.body.dataset})")


def poll(page, check, timeout=60):
    """Wait until ``check()`` is true (the page's CSP blocks wait_for_function)."""
    end = time.time() + timeout
    while time.time() < end:
        v = check()
        if v:
            return v
        page.wait_for_timeout(30)
    raise AssertionError("timed out")


def grid_hash(page):
    """The studs on screen (centre pixel of every cell of the mosaic canvas)."""
    return page.evaluate("""() => {
      const c = document.querySelector('#mosaic'), n = 48, cell = c.width / n;
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const out = [];
      for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) {
        const i = 4 * (Math.floor((y + .5) * cell) * c.width + Math.floor((x + .5) * cell));
        out.push(d[i], d[i + 1], d[i + 2]);
      }
      return out.join(',');
    }""")


def start(page):
    upload(page, photo_path("chelsea.png"))
    wait_mosaic(page, "48 × 48")
    return page.locator(PERCEIVED).inner_text()


def test_first_answer_at_once_then_the_refined_one_with_progress(page, artifacts):
    flat = start(page)
    first_grid = grid_hash(page)
    page.evaluate(WATCH)
    page.check("[data-testid=refine]")
    poll(page, lambda: "refineFirst" in dataset(page))
    poll(page, lambda: "refineDone" in dataset(page))
    wait_mosaic(page)
    seen = page.evaluate("() => window.__refineSeen")
    # while refining, the first answer (the mosaic without refining) was on screen, with a bar that moved
    assert seen, "the progress row never showed"
    assert {p for _, p, _ in seen} == {flat}
    # first "preparing" (a moving bar: the starts are made and judged), then per cents that rise
    kinds = [f is None for f, _, _ in seen]
    assert kinds[0] and kinds == sorted(kinds, reverse=True), seen
    assert all(s.startswith("Preparing…") for f, _, s in seen if f is None), seen
    fractions = [f for f, _, _ in seen if f is not None]
    assert fractions == sorted(fractions) and max(fractions) > 0
    # beside the checkbox too (on a laptop the bar under the mosaic is far from it), then gone
    assert all(s.startswith(f"Refining… {round(100 * f)} %") for f, _, s in seen if f is not None), seen
    assert page.locator("[data-testid=refine-progress]").is_hidden()
    assert page.locator("[data-testid=refine-status]").is_hidden()
    refined = float(page.locator(PERCEIVED).inner_text())
    assert refined < 0.75 * float(flat)
    assert grid_hash(page) != first_grid
    check_stock(page, 2304)
    d = dataset(page)
    print(f"48x48 chelsea, page: first answer {d['refineFirst']} ms, refined {d['refineDone']} ms, "
          f"perceived {flat} -> {refined:.2f}")
    page.screenshot(path=str(artifacts / "see-refined.png"), full_page=True)


def test_cancel_keeps_the_first_answer_and_a_newer_change_supersedes(page):
    flat = start(page)
    first_grid = grid_hash(page)
    before = dataset(page)
    page.check("[data-testid=refine]")
    poll(page, lambda: page.locator("[data-testid=refine-progress]").is_visible())
    page.click("[data-testid=refine-cancel]")
    wait_mosaic(page)
    d = dataset(page)
    assert "refineCancelled" in d and "refineDone" not in d
    assert page.locator(PERCEIVED).inner_text() == flat
    assert grid_hash(page) == first_grid
    assert page.locator("[data-testid=refine-progress]").is_hidden()
    # the box stays ticked, so the line beside it says the mosaic shown is not refined
    assert page.locator("[data-testid=refine-status]").inner_text().startswith("Cancelled: the mosaic shown is not refined")
    assert page.locator("[data-testid=status]").get_attribute("data-state") == "ready"
    if page.evaluate("() => self.crossOriginIsolated"):  # the refine was stopped midway, not waited for
        assert int(d["stopped"]) > int(before.get("stopped", 0))
    # the setting stays on: the next change refines again, and a change during a refine supersedes it
    page.fill("#adj-saturation", "20")
    page.dispatch_event("#adj-saturation", "change")
    poll(page, lambda: "refineFirst" in dataset(page))
    page.fill("#adj-saturation", "0")
    page.dispatch_event("#adj-saturation", "change")
    poll(page, lambda: "refineDone" in dataset(page))
    wait_mosaic(page)
    assert float(page.locator(PERCEIVED).inner_text()) < 0.75 * float(flat)
    check_stock(page, 2304)


class PlainHandler(http.server.SimpleHTTPRequestHandler):
    """A static host with no security headers: the page is not cross-origin isolated, so a
    running refine cannot be stopped midway."""
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".mjs": "text/javascript",
                      ".js": "text/javascript", ".wasm": "application/wasm"}

    def log_message(self, *a):
        pass


def test_cancel_keeps_the_first_answer_without_isolation_too(browser, site):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(PlainHandler, directory=str(DIST)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, service_workers="block")
    try:
        page = ctx.new_page()
        page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/")
        page.wait_for_selector(READY, timeout=60_000)
        assert page.evaluate("() => self.crossOriginIsolated") is False
        flat = start(page)
        first_grid = grid_hash(page)
        page.check("[data-testid=refine]")
        poll(page, lambda: page.locator("[data-testid=refine-progress]").is_visible())
        page.click("[data-testid=refine-cancel]")
        assert page.locator("[data-testid=refine-progress]").is_hidden()
        poll(page, lambda: "refineCancelled" in dataset(page))
        wait_mosaic(page)  # the refine ran to its end in the engine; the first answer came back after it
        assert page.locator(PERCEIVED).inner_text() == flat
        assert grid_hash(page) == first_grid and "refineDone" not in dataset(page)
    finally:
        ctx.close()
        httpd.shutdown()


def distinct(page, x0, x1):
    """Distinct colours at the centres of the cells in columns x0..x1-1 of the 48x48 canvas."""
    return page.evaluate("""([x0, x1]) => {
      const c = document.querySelector('#mosaic'), n = 48, cell = c.width / n;
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const s = new Set();
      for (let y = 0; y < n; y++) for (let x = x0; x < x1; x++) {
        const i = 4 * (Math.floor((y + .5) * cell) * c.width + Math.floor((x + .5) * cell));
        s.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
      }
      return s.size;
    }""", [x0, x1])


def test_heat_map_toggles_and_the_slider_wipes(page, artifacts):
    start(page)
    colours = page.locator("[data-testid=counts] tbody tr").count()
    plain = grid_hash(page)
    assert distinct(page, 0, 48) <= colours
    # the heat map: drawn over the studs from the engine's per-stud perceived error, with a legend
    assert page.locator("[data-testid=error-legend]").is_hidden()
    page.check("[data-testid=show-error]")
    assert page.locator("[data-testid=error-legend]").is_visible()
    heat = grid_hash(page)
    assert heat != plain
    assert distinct(page, 0, 48) > colours  # each stud tinted by its own error
    m = page.evaluate("() => { const c = document.querySelector('#mosaic'); return c.width; }")
    assert m > 0
    page.screenshot(path=str(artifacts / "see-heat.png"), full_page=True)
    page.uncheck("[data-testid=show-error]")
    assert grid_hash(page) == plain
    assert page.locator("[data-testid=error-legend]").is_hidden()
    # before / after: the cropped photo in the mosaic's place, left of the slider
    page.check("[data-testid=compare]")
    wipe = page.locator("[data-testid=compare-wipe]")
    assert wipe.is_visible()
    poll(page, lambda: distinct(page, 0, 20) > 3 * colours)  # the photo (once loaded): many colours on the left
    assert distinct(page, 28, 48) <= colours  # the mosaic on the right
    wipe.fill("0")
    wipe.dispatch_event("input")
    assert grid_hash(page) == plain  # all mosaic
    wipe.fill("100")
    wipe.dispatch_event("input")
    assert distinct(page, 28, 48) > 3 * colours  # all photo
    page.screenshot(path=str(artifacts / "see-wipe.png"), full_page=True)
    page.uncheck("[data-testid=compare]")
    assert grid_hash(page) == plain


def refined_after(page, action):
    """Do ``action`` and wait for its refined mosaic (the page marks data-refine-done when the
    refined answer of a compute is drawn; the old mark is cleared first)."""
    page.evaluate("() => { delete document.body.dataset.refineDone; }")
    action()
    poll(page, lambda: "refineDone" in dataset(page))
    wait_mosaic(page)
    return grid_hash(page), page.locator(PERCEIVED).inner_text()


def test_undo_with_the_best_look_on_gives_back_the_mosaic_seen(page):
    """The refine in the page stops after a time, so computing the same settings again could
    end elsewhere: undo and redo must show the very mosaics seen before (the engine keeps its
    last looks)."""
    start(page)
    before = refined_after(page, lambda: page.check("[data-testid=refine]"))
    after = refined_after(page, lambda: (page.locator("#adj-saturation").fill("40"),
                                         page.dispatch_event("#adj-saturation", "change")))
    assert after[0] != before[0]
    assert refined_after(page, lambda: page.click("#undo")) == before
    assert page.locator("#adj-saturation-out").inner_text().startswith("0")
    assert refined_after(page, lambda: page.click("#redo")) == after


def test_the_best_look_is_the_same_after_a_reload(page):
    """Refining is limited by work, not time, so the restored session (or a project opened
    again) shows the very mosaic the person saw, whatever the machine's load."""
    start(page)
    before = refined_after(page, lambda: page.check("[data-testid=refine]"))
    page.reload()
    page.wait_for_selector(READY, timeout=60_000)
    poll(page, lambda: "refineDone" in dataset(page))
    wait_mosaic(page)
    assert (grid_hash(page), page.locator(PERCEIVED).inner_text()) == before


def test_on_a_phone_the_small_copy_cancels_a_running_best_look(browser, site):
    """On a phone the refine's progress and Cancel are under the mosaic, far above the setting:
    the small copy of the mosaic in the corner carries a Cancel while the look is refined."""
    with phone_page(browser, site) as page:
        flat = start(page)
        first_grid = grid_hash(page)
        page.locator("[data-testid=refine]").scroll_into_view_if_needed()
        cancel = page.locator("[data-testid=mini-cancel]")
        assert cancel.is_hidden()  # nothing to cancel yet
        page.locator("[data-testid=refine]").tap()
        poll(page, cancel.is_visible)
        assert "✕ on the small copy" in page.locator("[data-testid=refine-status]").inner_text()
        cancel.tap()
        poll(page, lambda: "refineCancelled" in dataset(page))
        wait_mosaic(page)
        assert "refineDone" not in dataset(page)
        assert cancel.is_hidden()
        assert page.locator(PERCEIVED).inner_text() == flat and grid_hash(page) == first_grid
        assert page.locator("[data-testid=refine]").is_checked()  # the setting stays: the next change refines
