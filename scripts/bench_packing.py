"""Packing benchmark: ``python scripts/bench_packing.py [--quick] [PHOTO ...]``.

For real photos at 48x48 and 128x128, flat and dithered (Floyd-Steinberg), in unlimited
square plates: the part count of the largest-first greedy (the seed app), of
``legoremix.packing.pack`` and of the exact optimum (an integer program over every
placement, solved by scipy's HiGHS: benchmark only, never at runtime), with the times.
Every colour is packed with every size (the packing alone, without the catalogue's
colour limits, so the three counts compare like with like), in 16-stud sections. Without photo arguments it uses the photos shipped in the scikit-image wheel.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "py"))

from legoremix import packing, pipeline  # noqa: E402
from legoremix.bench import default_photos  # noqa: E402

SIZES = [(1, 1), (1, 2), (1, 3), (1, 4), (1, 6), (1, 8), (2, 2), (2, 3), (2, 4), (2, 6), (2, 8), (4, 4)]
SECTION = 16


def exact_optimum(cells, sizes, section):
    """The fewest parts covering ``cells`` (integer program, scipy HiGHS), per component."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    total = 0
    shapes = packing._orientations(sizes)
    for comp in packing.components(cells, section):
        index = {c: i for i, c in enumerate(comp)}
        rows, cols, n = [], [], 0
        for x, y in comp:
            for w, h in shapes:
                if packing._crosses(x, y, w, h, section):
                    continue
                cov = [(i, j) for j in range(y, y + h) for i in range(x, x + w)]
                if all(c in index for c in cov):
                    rows.extend(index[c] for c in cov)
                    cols.extend([n] * len(cov))
                    n += 1
        a = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(comp), n))
        r = milp(np.ones(n), constraints=LinearConstraint(a, 1, 1), integrality=np.ones(n),
                 bounds=Bounds(0, 1))
        if r.status != 0:
            raise RuntimeError(f"HiGHS failed: {r.message}")
        total += round(r.fun)
    return total


def colour_cells(mosaic):
    by = {}
    for y, row in enumerate(mosaic.grid):
        for x, j in enumerate(row):
            by.setdefault(j, []).append((x, y))
    return by


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("photos", nargs="*")
    ap.add_argument("--quick", action="store_true", help="48x48 only, no exact optimum")
    args = ap.parse_args(argv)
    photos = args.photos or default_photos()
    print(f"legoremix packing benchmark - CPython {platform.python_version()}, {os.cpu_count()} CPUs; "
          f"square plates, unlimited colours, sizes {','.join(f'{a}x{b}' for a, b in SIZES)}, "
          f"{SECTION}-stud sections; times in s")
    print()
    print("| photo | studs | dither | 1x1 parts | greedy | ours | exact | ours over exact % | saving vs 1x1 % | greedy s | ours s | exact s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for photo in photos:
        for size in ((48,) if args.quick else (48, 128)):
            for dither in ("none", "floyd-steinberg"):
                m = pipeline.make_mosaic(photo, unlimited=True, size=(size, size), dither=dither,
                                         piece="square-plate")
                groups = colour_cells(m).values()
                t = time.perf_counter()
                g = sum(len(packing.greedy(c, SIZES, SECTION)) for c in groups)
                tg = time.perf_counter() - t
                t = time.perf_counter()
                ours = 0
                for c in groups:
                    rects = packing.pack(c, SIZES, SECTION)
                    ours += len(rects)
                to = time.perf_counter() - t
                if args.quick:
                    ex, te, gap = "-", 0.0, "-"
                else:
                    t = time.perf_counter()
                    ex = sum(exact_optimum(c, SIZES, SECTION) for c in groups)
                    te = time.perf_counter() - t
                    gap = f"{100 * (ours - ex) / ex:.2f}"
                n = size * size
                print(f"| {os.path.basename(photo)} | {size}x{size} | {dither} | {n} | {g} | **{ours}** | {ex} | "
                      f"{gap} | {100 * (n - ours) / n:.1f} | {tg:.2f} | {to:.2f} | {te:.1f} |", flush=True)


if __name__ == "__main__":
    main()
