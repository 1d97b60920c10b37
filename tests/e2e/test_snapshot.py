"""A return visit restores the booted engine from a memory snapshot (issue 11) and makes the
same mosaic; a damaged, unusable or old snapshot never stops the page: it boots normally and
saves a fresh one."""
import json

import pytest

from helpers import photo_path
from ui import READY, upload, wait_mosaic

pytestmark = pytest.mark.e2e

CACHE = "engine-snapshots"


def boot(page):
    page.wait_for_selector(READY, timeout=90_000)
    return json.loads(page.locator("body").get_attribute("data-boot"))


def saved(page):
    """url -> size of the engine snapshots the page keeps (the PDF worker's are left out)."""
    return page.evaluate("""async (name) => {
        const c = await caches.open(name);
        const out = {};
        for (const r of await c.keys()) if (r.url.includes('/snapshot/engine/'))
            out[r.url] = (await (await c.match(r)).arrayBuffer()).byteLength;
        return out;
    }""", CACHE)


def wait_saved(page):
    for _ in range(300):
        s = saved(page)
        if s and all(n > 1_000_000 for n in s.values()):
            return s
        page.wait_for_timeout(100)
    raise AssertionError("the engine snapshot was never saved")


def mosaic(page, name="coffee.png"):
    upload(page, photo_path(name))
    wait_mosaic(page, "48 × 48")
    return (page.locator("[data-testid=counts]").inner_text(), page.locator("[data-testid=mean-delta-e]").inner_text(),
            page.evaluate("() => document.querySelector('#mosaic').toDataURL()"))


def put(page, url, text, digest=None):
    """Store ``text`` as the snapshot at ``url``, with the digest of ``text`` (or ``digest``)."""
    page.evaluate("""async ([name, url, text, digest]) => {
        const bytes = new TextEncoder().encode(text);
        const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
        const hex = digest || Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
        await (await caches.open(name)).put(url, new Response(bytes, {headers: {'x-sha256': hex}}));
    }""", [CACHE, url, text, digest])


@pytest.fixture
def visit(context, site):
    """Open the page again in the same browser profile (a return visit)."""
    def go():
        pg = context.new_page()
        pg.errors = []
        pg.on("pageerror", lambda e: pg.errors.append(str(e)))
        pg.goto(site)
        return pg
    return go


def test_second_visit_uses_the_snapshot_and_makes_the_same_mosaic(visit):
    first = visit()
    assert boot(first)["snapshot"] == "none"  # nothing saved yet: a normal boot, which saves one
    keys = wait_saved(first)
    assert len(keys) == 1
    made = mosaic(first)
    first.close()

    second = visit()
    info = boot(second)
    assert info["snapshot"] == "loaded", info
    assert mosaic(second) == made
    # and the engine's modules that load later (exports) are there too
    with second.expect_download(timeout=60_000) as dl:
        second.click("[data-testid=download-png]")
    assert dl.value.suggested_filename.endswith(".png")
    assert saved(second) == keys
    assert not second.errors, second.errors


@pytest.mark.parametrize("damage", ["damaged", "not a snapshot"])
def test_a_bad_snapshot_falls_back_to_a_normal_boot(visit, damage):
    first = visit()
    boot(first)
    (url,) = wait_saved(first)
    made = mosaic(first)
    if damage == "damaged":  # bytes that do not match the digest saved with them
        put(first, url, "x" * 1000, digest="0" * 64)
    else:  # intact bytes, but nothing Pyodide can restore
        put(first, url, "not a memory snapshot " * 100)
    first.close()

    second = visit()
    info = boot(second)
    assert info["snapshot"].startswith("fallback"), info
    assert mosaic(second) == made
    assert list(wait_saved(second)) == [url]  # a fresh snapshot replaced it
    second.close()

    third = visit()
    assert boot(third)["snapshot"] == "loaded"
    assert not third.errors, third.errors


def test_a_snapshot_of_another_build_is_not_used_and_is_replaced(visit):
    first = visit()
    boot(first)
    (url,) = wait_saved(first)
    old = url.rsplit("/", 1)[0] + "/1-legoremix-0000000000000000"  # what an older build saved
    page_state = first.evaluate("""async ([name, url]) => {
        const c = await caches.open(name);
        const res = await c.match(url);
        await c.delete(url);
        await c.put(url.replace(/[^/]+$/, '1-legoremix-0000000000000000'), res);
        return true;
    }""", [CACHE, url])
    assert page_state and list(saved(first)) == [old]
    first.close()

    second = visit()
    assert boot(second)["snapshot"] == "none"  # this build's key has no snapshot: normal boot
    assert list(wait_saved(second)) == [url]  # and the old build's is gone
    assert not second.errors, second.errors


def test_the_pdf_worker_restored_from_its_snapshot_still_draws_instructions(visit):
    first = visit()
    boot(first)
    mosaic(first)
    with first.expect_download(timeout=120_000) as dl:
        first.click("[data-testid=download-pdf]")
    size = len(open(dl.value.path(), "rb").read())
    pdf_saved = """async () => { const c = await caches.open('engine-snapshots');
        return (await c.keys()).filter((r) => r.url.includes('/snapshot/pdf/')).length; }"""
    for _ in range(300):
        if first.evaluate(pdf_saved):
            break
        first.wait_for_timeout(100)
    assert first.evaluate(pdf_saved) == 1
    first.close()

    second = visit()
    boot(second)
    mosaic(second)
    with second.expect_download(timeout=120_000) as dl:
        second.click("[data-testid=download-pdf]")
    data = open(dl.value.path(), "rb").read()
    assert data.startswith(b"%PDF") and abs(len(data) - size) < size * 0.01
    assert not second.errors, second.errors
