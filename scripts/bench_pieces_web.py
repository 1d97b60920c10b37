"""Bigger pieces in the page: drives the built site in headless Chromium and prints the time
from switching on every size ("All sizes", square plates, unlimited) to the new mosaic drawn,
at 48x48 and 128x128 (issue 10: under 1 s and 5 s in the page), on the engine's pure-Python
path (Pyodide without numpy).

    python scripts/bench_pieces_web.py [--runs N] [--dist DIR]

Each figure is the page's own ``data-latency`` (web/app.js), median of ``--runs``, with the
wall clock from the click to the part count shown beside it, and as a ratio against a
yardstick measured in the same page just before: the same mosaic with 1x1 pieces only after a
saturation slider step (the machine's speed varies about 2x from day to day, so only ratios
within one run compare).
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "scripts")]
import build  # noqa: E402
from bench_relief_web import serve  # noqa: E402
from bench_web import ARGS, READY, latency  # noqa: E402
from helpers import photo_path  # noqa: E402

COUNT = "[data-testid=parts-count]"
PHOTOS = ("chelsea.png", "coffee.png", "astronaut.png", "rocket.jpg")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dist", default=str(Path(tempfile.gettempdir()) / "legoremix-bench-pieces-dist"))
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright
    dist = Path(args.dist)
    build.build(dist)
    server, url = serve(dist)
    rows = []
    step = iter(range(10**6))
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = b.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            page.wait_for_selector(READY, timeout=90_000)
            page.check("#unlimited")
            page.select_option("#piece", "square-plate")
            for photo in PHOTOS:
                latency(page, lambda: page.set_input_files("[data-testid=image-input]", str(photo_path(photo))))
                for size in (48, 128):
                    latency(page, lambda: page.click(f"[data-size='{size}']"))
                    page.wait_for_selector(f"#dims:has-text('{size} × {size}')", timeout=60_000)
                    yard, ours, walls, parts = [], [], [], 0
                    for i in range(args.runs):
                        value = str(-40 + 7 * (next(step) % 12))  # a new value each time
                        yard.append(latency(page, lambda: (page.fill("#adj-saturation", value),
                                                           page.dispatch_event("#adj-saturation", "input"))))
                        t0 = time.perf_counter()
                        ours.append(latency(page, lambda: page.click("#sizes-all")))
                        page.wait_for_selector(f"{COUNT}:has-text('parts instead of {size * size}')", timeout=120_000)
                        walls.append(time.perf_counter() - t0)
                        parts = int(page.locator(COUNT).get_attribute("data-parts"))
                        latency(page, lambda: page.click("#sizes-none"))
                    y, o, w = statistics.median(yard), statistics.median(ours), statistics.median(walls)
                    rows.append((photo, size, parts, o, w, y))
            b.close()
    finally:
        server.terminate()
    load = os.getloadavg()[0]
    print(f"Bigger pieces in the page, headless Chromium ({time.strftime('%Y-%m-%d %H:%M')}), engine: pure Python; "
          f"square plates, unlimited, every size; medians of {args.runs}; load average {load:.1f} at the end\n")
    print("| photo | studs | parts | all sizes on -> drawn (ms) | click -> part count shown (s) | yardstick: 1x1 saturation step (ms) | ratio |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for photo, size, parts, o, w, y in rows:
        print(f"| {photo} | {size}x{size} | {parts} | {o:.0f} | {w:.2f} | {y:.0f} | {o / y:.1f}x |")


if __name__ == "__main__":
    main()
