"""Relief plate benchmark: ``python scripts/bench_relief.py [--quick]``.

On a real depth map (the Middlebury 2014 "Motorcycle" ground-truth disparity with its photo,
shipped in the scikit-image wheel; see ``tests/depth_models.py``), for several crops, mosaic
sizes and level counts: the plates under the relief from the largest-first greedy (the seed
app), from ``legoremix.relief.plates`` (``legoremix.packing.pack``) and the exact optimum (an
integer program over every placement, scipy HiGHS: benchmark only), all 14 plate sizes,
16-stud sections; and the time of ours on the pure-Python path (the browser's) with a cold
cache, in CPU ms (process time; the best of ``RUNS`` cold runs, since other jobs on a shared
machine move single runs by 10-50 %) and as a multiple of a yardstick (a fixed pure-Python
loop timed before each row).
Prints a Markdown table for docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "py"), str(ROOT / "tests"), str(ROOT / "scripts")]

from bench_packing import exact_optimum, yardstick  # noqa: E402  (the same HiGHS model and yardstick)
from depth_models import motorcycle  # noqa: E402
from legoremix import _array, packing, pipeline, project, relief  # noqa: E402

SECTION = 16
RUNS = 2  # ours is timed as the best of this many cold runs (the same plates each time)
SIZES = [relief.size_of(s) for s in relief.SIZES]


def crops(photo):
    """Centred square, left and right halves (square), and the whole frame."""
    w, h = photo.width, photo.height
    return {"centre": (w // 2 - h // 2, 0, h, h), "left": (0, 0, h, h), "right": (w - h, 0, h, h),
            "whole": (0, 0, w, h)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="48x48 and 3 levels only")
    args = ap.parse_args(argv)
    photo, dm = motorcycle()
    sizes = [(48, 48)] if args.quick else [(32, 32), (48, 48), (64, 48)]
    level_counts = [3] if args.quick else [2, 3, 4]
    print(f"legoremix relief benchmark - CPython {platform.python_version()}, {os.cpu_count()} CPUs; "
          f"Middlebury Motorcycle depth, {len(SIZES)} plate sizes, {SECTION}-stud sections; "
          f"yardstick: a fixed pure-Python loop (bench_packing.yardstick)\n")
    print("| crop | studs | levels | greedy | ours | exact | ours vs exact | greedy vs exact | ours, pure Python, CPU "
          "| yardstick | ours / yardstick |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    tot = {"greedy": 0, "ours": 0, "exact": 0}
    worst_48, worst_ratio_48, worst, worst_row = 0.0, 0.0, -1.0, ""
    for crop_name, crop in crops(photo).items():
        for size in sizes:
            if crop_name == "whole" and size[0] == size[1]:
                continue  # the whole frame only at its own aspect (64x48)
            if crop_name != "whole" and size[0] != size[1]:
                continue
            for levels in level_counts:
                p = pipeline.Pipeline()
                p.set_image(photo)
                project.configure(p, {"unlimited": True, "size": list(size), "crop": list(crop), "levels": levels})
                p.set_depth(dm)
                heights = p.run().heights
                g = o = e = 0
                y = yardstick()
                t = float("inf")
                for _ in range(RUNS):
                    relief._memo.clear()  # a cold start, as on the first mosaic in the page
                    t0 = time.process_time()
                    with _array.force("pure"):
                        ours = relief.plates(heights, relief.SIZES, SECTION)
                    t = min(t, time.process_time() - t0)
                if size == (48, 48):
                    worst_48 = max(worst_48, t)
                    worst_ratio_48 = max(worst_ratio_48, t / y)
                for level in range(1, levels):
                    cells = [(x, y_) for y_, r in enumerate(heights) for x, n in enumerate(r) if n >= level]
                    g += len(packing.greedy(cells, SIZES, SECTION))
                    e += exact_optimum(cells, SIZES, SECTION)
                o = len(ours)
                for k, v in (("greedy", g), ("ours", o), ("exact", e)):
                    tot[k] += v
                if 100 * (o - e) / e > worst:
                    worst, worst_row = 100 * (o - e) / e, f"{crop_name} {size[0]}x{size[1]} {levels} levels"
                print(f"| {crop_name} | {size[0]}x{size[1]} | {levels} | {g} | {o} | {e} | {100 * (o - e) / e:+.1f} % | "
                      f"{100 * (g - e) / e:+.1f} % | {t * 1000:.0f} ms | {y * 1000:.1f} ms | {t / y:.1f} |", flush=True)
    print(f"| **all** | | | **{tot['greedy']}** | **{tot['ours']}** | **{tot['exact']}** | "
          f"**{100 * (tot['ours'] - tot['exact']) / tot['exact']:+.2f} %** | "
          f"**{100 * (tot['greedy'] - tot['exact']) / tot['exact']:+.1f} %** | 48x48 at most {worst_48 * 1000:.0f} ms | "
          f"| 48x48 at most {worst_ratio_48:.1f} |")
    print(f"\nWorst row: {worst_row}, {worst:+.2f} % over the optimum.")

if __name__ == "__main__":
    main()
