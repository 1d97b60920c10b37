"""Engine benchmark: ``python -m legoremix.bench [--quick] [PHOTO ...]``.

Prints, for real photos at 48x48 and 128x128 with real set inventories: the time of each
pipeline stage on the numpy and the pure-Python path (best of several runs, fresh
pipeline each run), the mean CIEDE2000, the mosaic's gap to the LP optimum of the exact
per-stud costs (scipy HiGHS, when installed; the pipeline solves on colours grouped to a
grid of :data:`legoremix.match.GROUP_STEP`), the per-stud cost of each stage at 48x48 and
128x128 with one set (it must not grow with the size) and the CLI's peak memory on a 24-megapixel JPEG. Without photo arguments
it uses the photos shipped in the scikit-image wheel. "greedy dE00" is the baseline of
typical mosaic tools (each stud in reading order takes the nearest colour still in stock).
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

from . import _array, color, image, match, pipeline

CASES = [((48, 48), ["31197"]), ((48, 48), ["31201"]), ((48, 48), ["31203"]), ((128, 128), ["31203"])]
#: the cases compared stud for stud (same set, so the same palette; issue 11: no stage may cost
#: more per stud as the mosaic grows)
SCALING = (((48, 48), ("31203",)), ((128, 128), ("31203",)))


def default_photos():
    try:
        import skimage.data
    except ImportError:
        return []
    d = os.path.dirname(skimage.data.__file__)
    return [os.path.join(d, n) for n in ("astronaut.png", "coffee.png", "chelsea.png", "rocket.jpg")]


def lp_optimum(costs, stock):
    """Optimum of the transportation LP (scipy's HiGHS), the reference for the solver;
    ``None`` when scipy is not installed. ``stock`` entries may be ``None`` (unlimited)."""
    try:
        import numpy as np
        from scipy.optimize import linprog
        from scipy.sparse import coo_matrix
    except ImportError:
        return None
    c = np.asarray(costs, dtype=float)
    n, k = c.shape
    cols = np.arange(n * k)
    a_eq = coo_matrix((np.ones(n * k), (np.repeat(np.arange(n), k), cols)), shape=(n, n * k))
    a_ub = coo_matrix((np.ones(n * k), (np.tile(np.arange(k), n), cols)), shape=(k, n * k))
    caps = [n if s is None else s for s in stock]
    r = linprog(c.ravel(), A_ub=a_ub, b_ub=caps, A_eq=a_eq, b_eq=np.ones(n), bounds=(0, 1), method="highs")
    if r.status != 0:
        raise RuntimeError(f"HiGHS failed: {r.message}")
    return r.fun


def greedy_mean_de(costs, stock):
    """Baseline of typical mosaic tools: studs in reading order each take the nearest
    colour still in stock. Returns the mean colour difference (same metric/costs)."""
    left = list(stock)
    total = 0
    for row in costs.tolist():
        j = min((k for k in range(len(row)) if left[k] > 0), key=row.__getitem__)
        left[j] -= 1
        total += row[j]
    return total / len(costs) / match.COST_SCALE


def run_case(img, size, sets, repeat):
    pal, owned = pipeline.build_palette(sets)
    n = size[0] * size[1]
    if pal.total() < n:  # e.g. the world map set at 128x128: use enough copies
        copies = -(-n // pal.total())
        pal, owned = pipeline.build_palette(sets, copies={s: copies for s in sets})
    out = {}
    for path in ("numpy", "pure"):
        best = None
        with _array.force(path):
            for _ in range(repeat if path == "numpy" else max(1, repeat // 3)):
                p = pipeline.Pipeline()
                p.set_image(img)
                p.set_options(size=size)
                p.set_palette(pal, owned)
                t0 = time.perf_counter()
                m = p.run()
                total = time.perf_counter() - t0
                if best is None or total < best[0]:
                    best = (total, dict(m.timings), m)
        out[path] = best
    # LP gap on the numpy path's cost matrix (same as the pure path's)
    with _array.force("numpy"):
        metric = color.get_metric("ciede2000")
        seen = [pipeline.seen_color(c.hex, True, "#212121") for c in pal.colors]
        px = image.downscale(img, size)
        costs = match.cost_matrix(match.to_space(px, metric), [metric.to_space_1(s) for s in seen], metric)
        sol = match.solve(costs, pal.stock)
    opt = lp_optimum(costs, pal.stock)
    # the mosaic's own cost on the exact costs (the pipeline solves on quantised colours, see
    # match.solve_pixels): what grouping the colours costs against the exact optimum
    labels = [j for row in out["numpy"][2].grid for j in row]
    mine = int(costs[range(len(labels)), labels].sum())
    gap = None if opt is None else 100 * (mine - opt) / opt
    same = out["numpy"][2].grid == out["pure"][2].grid
    greedy = greedy_mean_de(costs, pal.stock)
    return out, gap, same, sol, greedy


def peak_memory_24mp(fmt="JPEG"):
    """Peak RSS of the CLI on a 6000x4000 JPEG or PNG (a real photo, upscaled, plus noise)."""
    try:
        import numpy as np
        from PIL import Image
    except ImportError:
        return None
    photos = default_photos()
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "big." + fmt.lower())
        base = Image.open(photos[0]).convert("RGB").resize((6000, 4000)) if photos else Image.new("RGB", (6000, 4000))
        arr = np.asarray(base, dtype=np.int16)
        arr = np.clip(arr + np.random.default_rng(0).integers(-20, 20, arr.shape), 0, 255).astype(np.uint8)
        Image.fromarray(arr).save(src, fmt, **({"quality": 92} if fmt == "JPEG" else {"compress_level": 1}))
        del arr, base
        # VmHWM (peak RSS of this process image; ru_maxrss would include the parent's
        # peak, which Linux carries across exec)
        code = ("import time;from legoremix import cli;t=time.perf_counter();"
                f"rc=cli.main([{src!r},'--set','31197','--out',{os.path.join(d, 'o')!r}]);"
                "hwm=[l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0];"
                "print(hwm, time.perf_counter()-t, rc)")
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        kb, secs, rc = r.stdout.strip().splitlines()[-1].split()
        return int(kb) / 1024, float(secs), os.path.getsize(src) / 1e6


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m legoremix.bench")
    ap.add_argument("photos", nargs="*")
    ap.add_argument("--quick", action="store_true", help="fewer repeats, no memory test")
    args = ap.parse_args(argv)
    photos = args.photos or default_photos()
    if not photos:
        sys.exit("no photos: pass some, or install scikit-image for its sample photos")
    repeat = 3 if args.quick else 7
    print(f"legoremix engine benchmark - {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, {platform.machine()}; times in ms (best of runs), metric CIEDE2000, no dithering")
    print()
    stages = tuple(s.name for s in pipeline.STAGES)
    print("| photo | studs | set | path | " + " | ".join(stages) + " | total | mean dE00 | LP gap % | same grid "
          "| greedy dE00 |")
    print("|---" * (len(stages) + 9) + "|")
    per_stud = {}  # (size, stage) -> [microseconds per stud, one per photo], pure path
    for ph in photos:
        img = image.load(ph)
        name = os.path.basename(ph)
        for size, sets in CASES:
            out, gap, same, sol, greedy = run_case(img, size, sets, repeat)
            if (size, tuple(sets)) in SCALING:
                n = size[0] * size[1]
                for s in stages + ("total",):
                    v = out["pure"][0] if s == "total" else out["pure"][1].get(s, 0)
                    per_stud.setdefault((size, s), []).append(1e6 * v / n)
            for path in ("numpy", "pure"):
                total, t, m = out[path]
                cells = " | ".join(f"{1000 * t.get(s, 0):.1f}" for s in stages)
                g = "n/a" if gap is None else f"{gap:.4f}"
                print(f"| {name} ({img.width}x{img.height}) | {size[0]}x{size[1]} | {'+'.join(sets)} | {path} | "
                      f"{cells} | **{1000 * total:.1f}** | {m.mean_delta_e:.2f} | {g} | {same} | {greedy:.2f} |")
    (small, _), (big, _) = SCALING
    print()
    print(f"Per stud, pure path, set {SCALING[0][1][0]} (median over the photos, microseconds): "
          f"{small[0]}x{small[1]} -> {big[0]}x{big[1]} ({big[0] * big[1] / (small[0] * small[1]):.1f}x the studs)")
    print()
    print("| stage | " + " | ".join(stages) + " | total |")
    print("|---" * (len(stages) + 2) + "|")
    cells = []
    for s in stages + ("total",):
        a, b = statistics.median(per_stud[(small, s)]), statistics.median(per_stud[(big, s)])
        cells.append(f"{a:.1f} -> {b:.1f}" + (f" ({b / a:.2f}x)" if a >= 0.5 else ""))
    print("| per stud | " + " | ".join(cells) + " |")
    if not args.quick:
        print()
        for fmt in ("JPEG", "PNG"):
            mem = peak_memory_24mp(fmt)
            if mem:
                print(f"- CLI on a 24-megapixel {fmt} ({mem[2]:.1f} MB file, 6000x4000), 48x48, set 31197: "
                      f"peak RSS {mem[0]:.0f} MB, {mem[1]:.2f} s")


if __name__ == "__main__":
    main()
