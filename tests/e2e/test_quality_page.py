"""Browser test for issue 12: the perceived error shown next to the mean colour difference,
and the best look within stock on the page's pure-Python engine within about 2 s at 48x48."""
import re
import time

from helpers import photo_path
from ui import check_stock, upload, wait_mosaic

PERCEIVED = "[data-testid=perceived-delta-e]"


def test_best_look_within_stock_in_the_page(page, artifacts):
    upload(page, photo_path("chelsea.png"))
    wait_mosaic(page, "48 × 48")
    flat = float(page.locator(PERCEIVED).inner_text())
    assert float(page.locator("[data-testid=mean-delta-e]").inner_text()) > 0
    t0 = time.perf_counter()
    page.check("[data-testid=refine]")
    page.wait_for_function(f"() => document.querySelector('{PERCEIVED}').textContent !== '{flat:.2f}'",
                           timeout=30_000)
    wait_mosaic(page)
    seconds = time.perf_counter() - t0
    timing = page.locator("#timing").inner_text()  # "· 1234 ms (pure)": the worker's compute time
    ms, backend = re.search(r"(\d+) ms \((\w+)\)", timing).groups()
    refined = float(page.locator(PERCEIVED).inner_text())
    print(f"48x48 refine in the page ({backend}): compute {ms} ms, change to mosaic drawn {seconds:.2f} s, "
          f"perceived {flat:.2f} -> {refined:.2f}")
    page.screenshot(path=str(artifacts / "refined.png"), full_page=True)
    assert refined < 0.75 * flat
    check_stock(page, 2304)
    # the compute time is printed for docs/benchmarks.md; the refine stage's own budget bounds it (browser.py)
    # and back: the flat optimum again
    page.uncheck("[data-testid=refine]")
    page.wait_for_function(f"() => document.querySelector('{PERCEIVED}').textContent === '{flat:.2f}'",
                           timeout=30_000)
