"""What the browser tests do again and again, as a person would: upload, wait, read the counts."""
from contextlib import contextmanager

from helpers import photo_path

READY = "[data-testid=status][data-state=ready]"
PHONE = {"width": 390, "height": 844}
RELIEF_ON = "body[data-relief=on]"


def counts(page):
    """Rows of the counts table: hex -> (used, stock); stock is None in unlimited mode, where
    that column shows what the person owns instead."""
    unlimited = page.locator("[data-testid=counts]").get_attribute("data-mode") == "unlimited"
    out = {}
    for row in page.locator("[data-testid=counts] tbody tr").all():
        stock = int(row.locator(".stock").inner_text())
        out[row.get_attribute("data-hex")] = (int(row.locator(".used").inner_text()), None if unlimited else stock)
    return out


def wait_mosaic(page, studs=None):
    page.wait_for_selector(READY, timeout=60_000)
    if studs:
        page.wait_for_selector(f"#dims:has-text('{studs}')", timeout=60_000)
    page.wait_for_selector("[data-testid=counts] tbody tr")


def check_stock(page, total):
    c = counts(page)
    assert sum(u for u, _ in c.values()) == total
    for used, stock in c.values():
        assert stock is None or used <= stock


def edit(page, action, steps=1200):
    """Do ``action`` and wait for the engine's answer: a new mosaic drawn (True) or a message
    in the status line (False); polls every 50 ms, ``steps`` times."""
    before = page.locator("body").get_attribute("data-computed")
    action()
    for _ in range(steps):
        if page.locator("body").get_attribute("data-computed") != before and page.locator(READY).count():
            return True
        if page.locator("[data-testid=status][data-state=error]").count():
            return False
        page.wait_for_timeout(50)
    raise AssertionError("no new mosaic and no message")


def upload(page, path):
    page.set_input_files("[data-testid=image-input]", str(path))


def distance(page, a, b):
    """Gap in CSS pixels between two elements' boxes (0 when they touch or overlap)."""
    ra, rb = page.locator(a).bounding_box(), page.locator(b).bounding_box()
    dx = max(0, rb["x"] - (ra["x"] + ra["width"]), ra["x"] - (rb["x"] + rb["width"]))
    dy = max(0, rb["y"] - (ra["y"] + ra["height"]), ra["y"] - (rb["y"] + rb["height"]))
    return (dx * dx + dy * dy) ** 0.5


def open_3d(page, timeout=60_000):
    """Open the 3D view and wait until it has drawn the mosaic; returns the dialog. When it ends
    in an error, or is still loading at ``timeout``, says what the dialog showed and what the
    page logged, so a failure tells why."""
    page.click("[data-testid=view-3d]")
    dialog = page.locator("[data-testid=view3d-dialog]")
    done = "[data-testid=view3d-dialog][data-state=ready], [data-testid=view3d-dialog][data-state=error]"
    try:
        page.wait_for_selector(done, timeout=timeout)
    except Exception:  # noqa: BLE001 - reported below with what the page knows
        pass
    st = dialog.get_attribute("data-state")
    assert st == "ready", (f"3D view state {st!r}, open {dialog.evaluate('d => d.open')}, message "
                           f"{page.locator('#view3d-message').inner_text()!r}, console {getattr(page, 'console', [])[-10:]}")
    return dialog


def wait_relief(page, on=True):
    """Wait until the relief is on (or off) and its mosaic drawn."""
    page.wait_for_selector(f"body[data-relief={'on' if on else 'off'}]", timeout=90_000)
    wait_mosaic(page)


def relief_on(page, moto_files):
    """The motorcycle photo at 48x48 with its own depth map (conftest's ``moto_files``): the
    relief most relief tests start from."""
    photo, depth_png = moto_files
    upload(page, photo)
    wait_mosaic(page, "48 × 48")
    page.set_input_files("[data-testid=depth-input]", str(depth_png))
    wait_relief(page)


@contextmanager
def phone_page(browser, site, **options):
    """A phone (390 x 844, touch) in a new profile with the page ready: yields the page.
    ``options`` go to the browser context (e.g. ``device_scale_factor``)."""
    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, **options)
    try:
        pg = ctx.new_page()
        pg.goto(site)
        pg.wait_for_selector(READY, timeout=60_000)
        yield pg
    finally:
        ctx.close()


@contextmanager
def phone_with_photo(browser, site, photo):
    """:func:`phone_page` with ``photo`` (a test photo's name, or a path) chosen and its 48x48
    mosaic made: yields the page."""
    with phone_page(browser, site) as pg:
        upload(pg, photo if "/" in str(photo) else photo_path(photo))
        wait_mosaic(pg, "48 × 48")
        yield pg
