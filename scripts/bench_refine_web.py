"""Progressive best look within stock in the page (issue 12): how soon the first answer and the
refined one appear at 48x48, against a yardstick measured in the same run.

    python scripts/bench_refine_web.py [--runs N] [--dist DIR]

Drives the built site in headless Chromium (pure-Python engine, as shipped). Per photo and run:

- *yardstick*: with "Best look within stock" off, a saturation change -> its mosaic drawn
  (``data-latency``, as ``scripts/bench_web.py`` measures it);
- with it on, the same kind of change -> the first answer drawn (the mosaic without refining,
  ``data-refine-first``) and -> the refined one drawn (``data-refine-done``); and how much the
  perceived error fell;
- *cancel*: Cancel clicked while refining -> the first answer back and the page ready.

Figures are medians, and ratios to the yardstick (machines and their load vary; the ratios less).
The issue's target: a first answer at once, the refined one within 2 s.
"""
import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "scripts"))
import build  # noqa: E402
from bench_web import ARGS, READY, SERVER, latency  # noqa: E402
from helpers import photo_path  # noqa: E402

PHOTOS = ("chelsea.png", "astronaut.png")


def serve(dist):
    """The static server in its own process (as bench_web.py: no GIL shared with Playwright)."""
    proc = subprocess.Popen([sys.executable, "-c", SERVER.format(root=str(ROOT), dist=str(dist))],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    port = proc.stdout.readline().split()[1]
    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()  # keep its pipe drained
    return proc, f"http://127.0.0.1:{port}/"


def dataset(page):
    return page.evaluate("() => ({...document.body.dataset})")


def wait_for(page, check, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if check():
            return
        page.wait_for_timeout(20)
    raise TimeoutError("the page did not get there in time")


def change(page, value):
    page.fill("#adj-saturation", str(value))
    page.dispatch_event("#adj-saturation", "change")


def perceived(page):
    return float(page.locator("[data-testid=perceived-delta-e]").inner_text())


def run_photo(page, name, runs):
    page.set_input_files("[data-testid=image-input]", photo_path(name))
    page.wait_for_selector("#dims:has-text('48 × 48')", timeout=60_000)
    page.wait_for_selector(READY, timeout=60_000)
    if page.is_checked("[data-testid=refine]"):
        page.uncheck("[data-testid=refine]")
        page.wait_for_selector(READY, timeout=60_000)
    yard, first, done, cancel, gains = [], [], [], [], []
    for i in range(runs):
        value = 10 + 6 * i
        page.uncheck("[data-testid=refine]")
        page.wait_for_selector(READY, timeout=60_000)
        yard.append(latency(page, lambda value=value: change(page, value)))
        flat = perceived(page)
        page.check("[data-testid=refine]")
        wait_for(page, lambda: "refineDone" in dataset(page))
        page.wait_for_selector(READY, timeout=60_000)
        change(page, value + 3)  # the same kind of change as the yardstick, now refined
        wait_for(page, lambda: "refineDone" in dataset(page))
        page.wait_for_selector(READY, timeout=60_000)
        d = dataset(page)
        first.append(int(d["refineFirst"]))
        done.append(int(d["refineDone"]))
        gains.append(1 - perceived(page) / flat)
        change(page, value + 5)  # and cancelled while refining (a new value: the engine keeps the looks it made)
        wait_for(page, lambda: page.locator("[data-testid=refine-progress]").is_visible())
        t0 = time.time()
        page.click("[data-testid=refine-cancel]")
        page.wait_for_selector(READY, timeout=60_000)
        cancel.append(1000 * (time.time() - t0))
    return yard, first, done, cancel, gains


def refine_budget():
    """``browser.REFINE_WORK`` as shipped (read from the source: importing the engine here is not needed)."""
    import re
    text = (ROOT / "py" / "legoremix" / "browser.py").read_text()
    return int(re.search(r"^REFINE_WORK = ([0-9_]+)", text, re.M).group(1).replace("_", ""))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--dist", default="/tmp/legoremix-bench-refine-dist")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright
    dist = Path(args.dist)
    info = build.build(dist)
    server, url = serve(dist)
    rows = []
    load = os.getloadavg()
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = b.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.goto(url)
            page.wait_for_selector(READY, timeout=60_000)
            isolated = page.evaluate("() => self.crossOriginIsolated")
            for name in PHOTOS:
                rows.append((name, *run_photo(page, name, args.runs)))
            b.close()
    finally:
        server.terminate()
    med = statistics.median
    print(f"Progressive best look in headless Chromium ({time.strftime('%Y-%m-%d')}), 48x48, set 31197, engine: "
          f"{'numpy' if info['numpy'] else 'pure Python'}, cross-origin isolated: {isolated}, {args.runs} runs "
          f"per photo, medians in ms (ratio to the yardstick); page work limit {refine_budget()} units; load average "
          f"{load[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end (1 min, {os.cpu_count()} CPUs)")
    print()
    print("| photo | yardstick: flat change | first answer | refined answer | cancel -> first answer, ready "
          "| perceived error lower by |")
    print("|---|---|---|---|---|---|")
    for name, yard, first, done, cancel, gains in rows:
        y = med(yard)
        print(f"| {name} | {y:.0f} | {med(first):.0f} ({med(first) / y:.2f}x) | {med(done):.0f} "
              f"({med(done) / y:.1f}x; max {max(done)}) | {med(cancel):.0f} ({med(cancel) / y:.2f}x) "
              f"| {100 * med(gains):.0f} % |")


if __name__ == "__main__":
    main()
