"""Browser tests: build dist/ once, serve it on localhost, drive Debian's Chromium."""
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: where the site is built for the browser tests (LEGOREMIX_DIST lets parallel runs use their own)
DIST = Path(os.environ.get("LEGOREMIX_DIST") or ROOT / "dist").resolve()
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
import build  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic",
                 # software WebGL (SwiftShader), so the relief's 3D view really draws without a GPU
                 "--enable-unsafe-swiftshader", "--use-angle=swiftshader"]


def chromium_path():
    for p in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if p and os.path.exists(p):
            return p
    pytest.fail("Chromium not found: the README's test command installs it (apt-get install chromium)")


@pytest.fixture(scope="session")
def site():
    """Build dist/ and serve it; yields the base URL."""
    subprocess.run([sys.executable, str(ROOT / "build.py"), "--out", str(DIST)], check=True, cwd=ROOT)
    handler = lambda *a, **k: build.Handler(*a, directory=str(DIST), **k)  # noqa: E731
    httpd = build.http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    yield ctx
    ctx.close()


@pytest.fixture(scope="session")
def profile(browser):
    """One browser profile shared by the tests that take ``page``: a returning user's, whose
    service worker and engine snapshot (Cache Storage) boot the page in about a third of a
    bare Pyodide boot, so each test does not pay a first visit (first visits, offline use,
    snapshots and updates have tests of their own with fresh contexts)."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    yield ctx
    ctx.close()


#: Deletes the profile's saved work: every IndexedDB database (the autosave and its undo
#: history, kept depth maps and models) and local/session storage (prices); Cache Storage
#: (the service worker's files, the engine snapshot) stays.
FORGET_SAVED_WORK = """async () => {
  localStorage.clear();
  sessionStorage.clear();
  for (const { name } of await indexedDB.databases()) {
    await new Promise((done, fail) => {
      const req = indexedDB.deleteDatabase(name);
      req.onsuccess = done;
      req.onerror = () => fail(req.error);
      req.onblocked = () => fail(new Error(`IndexedDB ${name} is still open in another page`));
    });
  }
  return (await indexedDB.databases()).length;
}"""


def forget_saved_work(ctx, site):
    """Start the next test as a returning user with nothing saved (no project, no undo)."""
    pg = ctx.new_page()
    try:
        pg.goto(site + "manifest.webmanifest")
        assert pg.evaluate(FORGET_SAVED_WORK) == 0
    finally:
        pg.close()


@pytest.fixture
def page(profile, site):
    forget_saved_work(profile, site)
    pg = profile.new_page()
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.console = []  # warnings and errors the page logged, for failure messages (ui.open_3d)
    pg.on("console", lambda m: pg.console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    pg.goto(site)
    pg.wait_for_selector("[data-testid=status][data-state=ready]", timeout=60_000)
    try:
        yield pg
    finally:
        pg.close()
    assert not pg.errors, pg.errors


@pytest.fixture(scope="session")
def artifacts():
    d = ROOT / "test-artifacts"
    d.mkdir(exist_ok=True)
    return d


@pytest.fixture(scope="session")
def moto_files(tmp_path_factory):
    """The Middlebury "Motorcycle" photo reduced to 741 x 500 (as a phone photo would be for 48
    studs) and its ground-truth depth as a grey PNG (tests/depth_models.py)."""
    import depth_models
    from PIL import Image
    d = tmp_path_factory.mktemp("moto")
    photo, dm = depth_models.motorcycle()
    Image.frombytes("RGBA", (photo.width, photo.height), photo.data).convert("RGB") \
        .resize((741, 500), Image.BOX).save(d / "motorcycle.png")
    return d / "motorcycle.png", depth_models.depth_png(d / "motorcycle-depth.png", dm)
