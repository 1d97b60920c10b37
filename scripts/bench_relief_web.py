"""The 3D relief's time in the page: drives the built site in headless Chromium and prints the
latency from a change to the new 48x48 mosaic drawn (the page's own ``data-latency``, see
web/app.js), on the engine's pure-Python path (Pyodide without numpy), as ratios against a
yardstick measured in the same run: the same page's flat 48x48 mosaic after the same kind of
change (a saturation slider step).

    python scripts/bench_relief_web.py [--runs N] [--dist DIR]

The relief is the Middlebury 2014 "Motorcycle" ground-truth disparity uploaded as a grey depth
map picture, 3 levels, with its photo (both from the scikit-image wheel; tests/depth_models.py).
Changes measured with the relief on: a saturation step (colours only: the relief stages are
cached), a threshold moved (the layers change: plates re-packed where they changed), one stud
raised by hand (its area re-packed), the levels 3 -> 4 -> 3 (every layer re-packed), and the
depth map chosen (its decoding, the depth per stud, heights and all plates).
"""
import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "scripts"))
import build  # noqa: E402
from bench_web import ARGS, READY, SERVER, latency  # noqa: E402


def serve(dist: Path):
    """The static server in its own process (as bench_web.py: not sharing Playwright's GIL)."""
    proc = subprocess.Popen([sys.executable, "-c", SERVER.format(root=str(ROOT), dist=str(dist))],
                            stdout=subprocess.PIPE, text=True)
    port = proc.stdout.readline().split()[1]
    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()  # keep the pipe drained
    return proc, f"http://127.0.0.1:{port}/"


def files(folder: Path):
    """The motorcycle photo (reduced to 741 x 500, as a phone photo would be for 48 studs) and
    its depth map as a grey PNG."""
    from PIL import Image

    import depth_models
    photo, dm = depth_models.motorcycle()
    Image.frombytes("RGBA", (photo.width, photo.height), photo.data).convert("RGB") \
        .resize((741, 500), Image.BOX).save(folder / "motorcycle.png")
    return folder / "motorcycle.png", depth_models.depth_png(folder / "motorcycle-depth.png", dm)


def median(xs):
    return statistics.median(xs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--dist", default=str(Path(tempfile.gettempdir()) / "legoremix-bench-relief-dist"))
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright
    dist = Path(args.dist)
    info = build.build(dist)
    folder = Path(tempfile.mkdtemp())
    photo, depth_png = files(folder)
    server, url = serve(dist)
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = b.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            page.wait_for_selector(READY, timeout=60_000)
            latency(page, lambda: page.set_input_files("[data-testid=image-input]", str(photo)))
            page.wait_for_selector("#dims:has-text('48 × 48')", timeout=60_000)

            def saturation(i):
                value = str(10 + 7 * (i % 8))
                return lambda: (page.fill("#adj-saturation", value), page.dispatch_event("#adj-saturation", "input"))

            flat = [latency(page, saturation(i)) for i in range(args.runs)]
            # choosing the depth map: the first time packs every layer (cold); choosing it again
            # after removing it finds the areas' packings remembered (relief.py)
            chosen, walls = [], []
            for i in range(args.runs):
                t0 = time.time()
                chosen.append(latency(page, lambda: page.set_input_files("[data-testid=depth-input]", str(depth_png))))
                page.wait_for_selector("body[data-relief=on]", timeout=60_000)
                walls.append((time.time() - t0) * 1000)
                if i < args.runs - 1:
                    latency(page, lambda: page.click("[data-testid=depth-remove]"))
            plates = len(page.evaluate("async () => (await import('./js/store.js')).state.mosaic.plates"))
            relief_sat = [latency(page, saturation(i + 3)) for i in range(args.runs)]

            def threshold(v):
                return lambda: (page.fill("[data-testid=threshold-0]", str(v)),
                                page.dispatch_event("[data-testid=threshold-0]", "change"))

            # a new value each time: new layer shapes, the changed areas packed afresh
            thresholds = [latency(page, threshold(31 - 2 * i)) for i in range(args.runs)]
            page.check("[data-testid=relief-edit]")
            mosaic = page.locator("[data-testid=mosaic]")
            cell = mosaic.bounding_box()["width"] / 48
            heights = page.evaluate("async () => (await import('./js/store.js')).state.mosaic.heights")
            low = [(x, y) for y in range(4, 44, 5) for x in range(4, 44, 5) if heights[y][x] == 0]  # can rise
            raises = [latency(page, lambda x=x, y=y: mosaic.click(position={"x": cell * x + cell / 2, "y": cell * y + cell / 2}))
                      for x, y in low[:args.runs]]
            page.uncheck("[data-testid=relief-edit]")
            # levels 4 and 2 (default thresholds) are new layers: every layer packed; back to 3 and
            # 4 again: remembered
            levels = [latency(page, lambda n=n: page.select_option("[data-testid=levels]", n)) for n in "4234"]
            latency(page, lambda: page.click("[data-testid=depth-remove]"))
            flat += [latency(page, saturation(i + 1)) for i in range(args.runs)]  # the yardstick again, at the end
            b.close()
    finally:
        server.terminate()
    y = median(flat)
    engine = "numpy" if info["numpy"] else "pure Python (numpy not bundled)"
    print(f"3D relief in the page, headless Chromium ({time.strftime('%Y-%m-%d')}), engine: {engine}; "
          f"48x48, 3 levels, {plates} plates; ms from the change to the mosaic drawn (the page's data-latency), "
          f"median of {args.runs} (max) unless said")
    print(f"- yardstick: the flat 48x48 mosaic after a saturation step, {len(flat)} times (at the start and "
          f"the end): {y:.0f} ms (max {max(flat)})")
    rows = (("relief on, a saturation step (relief stages cached)", relief_sat),
            ("a threshold moved to a new value (the changed areas re-packed)", thresholds),
            ("one stud raised by hand (its area re-packed)", raises),
            ("the depth map chosen again after removing it (areas' packings remembered)", chosen[1:]))
    for label, xs in rows:
        print(f"- {label}: {median(xs):.0f} ms (max {max(xs)}), {median(xs) / y:.2f}x the yardstick")
    print(f"- the depth map chosen the first time (every layer packed): {chosen[0]} ms, {chosen[0] / y:.2f}x "
          f"the yardstick; wall clock from choosing the file to the relief drawn {walls[0]:.0f} ms "
          f"({walls[0] / y:.2f}x; it includes decoding the picture)")
    print(f"- levels 3 -> 4 and 4 -> 2 (new layers, every layer packed): {levels[0]} and {levels[1]} ms "
          f"({levels[0] / y:.2f}x, {levels[1] / y:.2f}x); back to 3 and 4 (remembered): {levels[2]} and "
          f"{levels[3]} ms ({levels[2] / y:.2f}x, {levels[3] / y:.2f}x)")


if __name__ == "__main__":
    main()
