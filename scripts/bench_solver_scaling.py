"""How the optimal assignment's cost grows with the mosaic for a fixed palette (issue 11, goal 2).

    python scripts/bench_solver_scaling.py [--repeat N] [--copies-48 A] [--copies-128 B]

The page's benchmark (bench_web.py) compares a change at 128x128 with the same change at 48x48
under the same sets; there the stock binds at 128x128 only, so the 48x48 change has almost no
solver work to compare with. Here the palette is the same (set 31197's colours) and the stock is
as tight at both sizes: A copies of the set at 48x48, B copies at 128x128 (default 1 and 7, about
the same stock per stud). For each photo and saturation step (the page's slider) it prints, on the
pure path the page uses (best of ``--repeat``): the groups, ``solve_groups`` alone (the solver) and
the whole match stage (grouping, cost matrix, solver, labels per stud), each at both sizes, and
their ratio against the ratio of the studs (7.1x): under 7.1x is less than linear growth.
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ["LEGOREMIX_PURE"] = "1"  # the page's path (numpy is not bundled in the page here)
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "py"))

from legoremix import color, image, match, palettes, pipeline  # noqa: E402
from legoremix.bench import default_photos  # noqa: E402

SIZES = (48, 128)
SATURATIONS = (10, 31, 52)


def problem(img, size, copies, saturation):
    """The space stage's studs and the palette (seen colours in the metric's space, stock)."""
    m = color.get_metric("ciede2000")
    pal = palettes.palette_from_inventory(palettes.inventory(["31197"], {"31197": copies}))
    prep = image.downscale(img, (size, size))
    adj = image.adjust(prep, image.Adjustments(saturation=saturation))
    sp = match.to_space(adj, m)
    seen = [m.to_space_1(pipeline.seen_color(c.hex, True, "#212121")) for c in pal.colors]
    return sp, seen, m, pal.stock


def best_of(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times) * 1000


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--copies-48", type=int, default=1)
    ap.add_argument("--copies-128", type=int, default=7)
    args = ap.parse_args(argv)
    copies = {48: args.copies_48, 128: args.copies_128}
    studs_ratio = (SIZES[1] / SIZES[0]) ** 2
    print(f"Solver scaling, set 31197's colours, {copies[48]} cop{'y' if copies[48] == 1 else 'ies'} at 48x48 and "
          f"{copies[128]} at 128x128 ({studs_ratio:.1f}x the studs); pure path, CPython "
          f"{sys.version.split()[0]}, best of {args.repeat}")
    print("| photo | saturation | groups 48 / 128 | solver ms 48 / 128 | solver ratio | match ms 48 / 128 | match ratio |")
    print("|---|---|---|---|---|---|---|")
    solver_ratios, match_ratios = [], []
    for path in default_photos():
        name, img = Path(path).name, image.load(path, max_side=1024)
        for sat in SATURATIONS:
            row = {}
            for size in SIZES:
                sp, seen, m, stock = problem(img, size, copies[size], sat)
                g = match.group(sp)
                costs = match.cost_matrix(g.colors, seen, m)
                solve = best_of(lambda: match.solve_groups(costs, g.sizes, stock, colors=g.colors, cells=g.cells),
                                args.repeat)
                whole = best_of(lambda: match.solve_pixels(sp, seen, m, stock), args.repeat)
                row[size] = (len(g.sizes), solve, whole)
            (g48, s48, w48), (g128, s128, w128) = row[48], row[128]
            solver_ratios.append(s128 / s48)
            match_ratios.append(w128 / w48)
            print(f"| {name} | {sat} | {g48} / {g128} | {s48:.1f} / {s128:.1f} | {s128 / s48:.1f}x | "
                  f"{w48:.1f} / {w128:.1f} | {w128 / w48:.1f}x |")
    print(f"Median ratio 128x128 / 48x48: solver {statistics.median(solver_ratios):.1f}x (range "
          f"{min(solver_ratios):.1f}-{max(solver_ratios):.1f}x), match stage {statistics.median(match_ratios):.1f}x "
          f"(range {min(match_ratios):.1f}-{max(match_ratios):.1f}x), for {studs_ratio:.1f}x the studs")


if __name__ == "__main__":
    main()
