"""Packing benchmark: ``python scripts/bench_packing.py [--quick] [PHOTO ...]``.

For real photos at 48x48 and 128x128, flat and dithered (Floyd-Steinberg), in unlimited
square plates: the part count of the largest-first greedy (the seed app), of
``legoremix.packing.pack`` (with the mosaic's effort, ``legoremix.pieces.PACK_EFFORT``, as the
page and the CLI pack parts) and of the exact optimum (an integer program over every
placement, solved by scipy's HiGHS: benchmark only, never at runtime), with the CPU times
(process time: less disturbed by other jobs than the wall clock; ours the best of ``RUNS``
runs, as other jobs on a shared machine move single runs by 10-50 %) and ours as a multiple
of a yardstick measured in the same run.
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

from legoremix import packing, pieces, pipeline  # noqa: E402
from legoremix.bench import default_photos  # noqa: E402

SIZES = [(1, 1), (1, 2), (1, 3), (1, 4), (1, 6), (1, 8), (2, 2), (2, 3), (2, 4), (2, 6), (2, 8), (4, 4)]
SECTION = 16
RUNS = 2  # ours is timed as the best of this many runs (the same parts each time)


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


def yardstick() -> float:
    """CPU seconds of a fixed pure-Python loop (integer, dict and bit work, like the
    packer's), the best of three. Times are also given as multiples of it, measured in the same run,
    so that figures from a busy or a different machine compare."""
    best = float("inf")
    for _ in range(3):
        t = time.process_time()
        d = {}
        for i in range(200_000):
            k = (i * 7919) & 4095
            d[k] = d.get(k, 0) + (i ^ k).bit_count()
        best = min(best, time.process_time() - t)
    return best


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
          f"{SECTION}-stud sections; CPU times; yardstick: a fixed pure-Python loop, timed before each row")
    print()
    print("| photo | studs | dither | 1x1 parts | greedy | ours | exact | ours over exact % | saving vs 1x1 % "
          "| greedy ms | ours ms | yardstick ms | ours / yardstick | exact s |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    tot = {"greedy": 0, "ours": 0, "exact": 0}
    worst, worst_row, slowest = -1.0, "", {}
    for photo in photos:
        for size in ((48,) if args.quick else (48, 128)):
            for dither in ("none", "floyd-steinberg"):
                m = pipeline.make_mosaic(photo, unlimited=True, size=(size, size), dither=dither,
                                         piece="square-plate")
                groups = colour_cells(m).values()
                y = yardstick()
                t = time.process_time()
                g = sum(len(packing.greedy(c, SIZES, SECTION)) for c in groups)
                tg = time.process_time() - t
                to = float("inf")
                for _ in range(RUNS):
                    t = time.process_time()
                    ours = sum(len(packing.pack(c, SIZES, SECTION, effort=pieces.PACK_EFFORT)) for c in groups)
                    to = min(to, time.process_time() - t)
                slowest[size] = max(slowest.get(size, (0, 0)), (to, to / y))
                if args.quick:
                    ex, te, gap = "-", 0.0, "-"
                else:
                    t = time.process_time()
                    ex = sum(exact_optimum(c, SIZES, SECTION) for c in groups)
                    te = time.process_time() - t
                    over = 100 * (ours - ex) / ex
                    gap = f"{over:.2f}"
                    for k, v in (("greedy", g), ("ours", ours), ("exact", ex)):
                        tot[k] += v
                    if over > worst:
                        worst, worst_row = over, f"{os.path.basename(photo)} {size}x{size} {dither}"
                n = size * size
                print(f"| {os.path.basename(photo)} | {size}x{size} | {dither} | {n} | {g} | **{ours}** | {ex} | "
                      f"{gap} | {100 * (n - ours) / n:.1f} | {tg * 1000:.0f} | {to * 1000:.0f} | {y * 1000:.1f} | "
                      f"{to / y:.1f} | {te:.1f} |", flush=True)
    if not args.quick and tot["exact"]:
        print(f"| **all** | | | | **{tot['greedy']}** | **{tot['ours']}** | **{tot['exact']}** | "
              f"**{100 * (tot['ours'] - tot['exact']) / tot['exact']:.2f}** | | | | | | |")
        print(f"\nWorst row: {worst_row}, {worst:.2f} % over the optimum.")
    for size, (t, r) in sorted(slowest.items()):
        print(f"Slowest {size}x{size}: {t * 1000:.0f} ms, {r:.1f} x the yardstick.")


if __name__ == "__main__":
    main()
