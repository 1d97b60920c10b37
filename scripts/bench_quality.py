"""Quality benchmark (issue 12): how close each mosaic *looks* to its photo.

    python scripts/bench_quality.py [--quick] [--sets 31197,31201] [PHOTO ...]

For each photo and set (48x48, round tiles, CIEDE2000) it prints the perceived error
(:mod:`legoremix.perceive`: mean CIEDE2000 after the eye's blur, sigma = 1 stud) and the
flat error (mean CIEDE2000 stud by stud) of:

- ``2-phase``: our reconstruction of the usual "2-phase" default of mosaic apps (the seed
  app's default is not available here): every stud takes its nearest colour, then each
  colour over its stock keeps the studs it matches best and the others, in reading order,
  take their nearest colour that still has pieces. Matched like ours (CIEDE2000, round
  studs seen with the baseplate around them), so only the assignment differs;
- ``flat``: our optimal assignment under the stock (no dithering);
- every dithering, at full strength;
- ``refine``: the best look within stock (:mod:`legoremix.refine`), run to convergence.

Then the time of a whole refined mosaic on both engine paths (same grid on both), and on
the pure path with the page's time budget. Photos: the scikit-image samples, chosen to
cover portraits, an outdoor scene, dark, low-contrast and graphic images.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "py"))

from legoremix import _array, browser, color, dither, image, match, perceive, pipeline  # noqa: E402

#: name -> what it stands for
PHOTOS = {
    "astronaut.png": "portrait",
    "camera.png": "portrait, grey",
    "chelsea.png": "cat, low contrast",
    "coffee.png": "still life",
    "rocket.jpg": "outdoor, dark",
    "hubble_deep_field.jpg": "dark (mean sRGB 19/255)",
    "retina.jpg": "dark background",
    "moon.png": "low contrast, grey",
    "logo.png": "graphic, transparent",
    "color.png": "graphic, saturated",
}
SIZE = (48, 48)


def photo_dir():
    import skimage.data
    return os.path.dirname(skimage.data.__file__)


def two_phase(costs, stock):
    """The "2-phase" baseline (see the module docstring) on an integer cost matrix."""
    rows = costs.tolist() if hasattr(costs, "tolist") else costs
    k = len(stock)
    labels = [min(range(k), key=r.__getitem__) for r in rows]
    counts = [0] * k
    for j in labels:
        counts[j] += 1
    displaced = []
    for c in range(k):
        if counts[c] > stock[c]:
            members = sorted((rows[i][c], i) for i, j in enumerate(labels) if j == c)
            displaced += [i for _, i in members[stock[c]:]]
            counts[c] = stock[c]
    for i in sorted(displaced):
        j = min((c for c in range(k) if counts[c] < stock[c]), key=rows[i].__getitem__)
        labels[i] = j
        counts[j] += 1
    return labels


def errors(target, seen, labels):
    """(perceived, flat) mean CIEDE2000 of a labelling."""
    mosaic = [seen[j] for j in labels]
    lab = color.linear_to_lab_1
    flat = sum(color.ciede2000_1(lab(p), lab(q)) for p, q in zip(target, mosaic)) / len(labels)
    return perceive.perceived_delta_e(target, mosaic, *SIZE), flat


def quality_row(img, sets):
    """{method: (perceived, flat)} for one photo and set, and the refined mosaic."""
    pal, owned = pipeline.build_palette(sets)
    p = pipeline.Pipeline()
    p.set_image(img)
    p.set_options(size=SIZE)
    p.set_palette(pal, owned)
    m = p.run()
    target = image.to_list(p._cache["adjust"][1])
    seen = [pipeline.seen_color(c.hex, p.options.compensate, p.options.baseplate) for c in pal.colors]
    metric = color.get_metric("ciede2000")
    costs = match.cost_matrix(match.to_space(target, metric), [metric.to_space_1(s) for s in seen], metric)
    out = {"2-phase": errors(target, seen, two_phase(costs, pal.stock)),
           "flat": (m.perceived_delta_e, m.mean_delta_e)}
    for kind in dither.DITHERS[1:]:
        p.set_options(dither=kind)
        d = p.run()
        out[kind] = (d.perceived_delta_e, d.mean_delta_e)
    p.set_options(dither="none", refine=True)
    r = p.run()
    out["refine"] = (r.perceived_delta_e, r.mean_delta_e)
    assert all(c <= s for c, s in zip(r.counts, r.stock))
    return out


def refine_times(img, sets, budget=None):
    """Per path: (seconds, CPU seconds, mosaic) of a whole refined mosaic (fresh pipeline)."""
    pal, owned = pipeline.build_palette(sets)
    res = {}
    for path in ("numpy", "pure"):
        with _array.force(path):
            p = pipeline.Pipeline()
            p.set_image(img)
            p.set_options(size=SIZE, refine=True, refine_budget=budget)
            p.set_palette(pal, owned)
            t0, c0 = time.perf_counter(), time.process_time()
            m = p.run()
            res[path] = (time.perf_counter() - t0, time.process_time() - c0, m)
    return res


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python scripts/bench_quality.py")
    ap.add_argument("photos", nargs="*")
    ap.add_argument("--sets", default="31197,31201", help="comma-separated sets (default 31197,31201)")
    ap.add_argument("--quick", action="store_true", help="three photos, one set")
    args = ap.parse_args(argv)
    d = photo_dir()
    names = args.photos or (["astronaut.png", "coffee.png", "hubble_deep_field.jpg"] if args.quick else list(PHOTOS))
    sets = args.sets.split(",")[:1 if args.quick else None]
    imgs = {n: image.load(n if os.path.isabs(n) else os.path.join(d, n), max_side=8 * max(SIZE)) for n in names}
    methods = ["2-phase", "flat"] + list(dither.DITHERS[1:]) + ["refine"]
    print(f"legoremix quality benchmark - {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPUs; {SIZE[0]}x{SIZE[1]}, round tiles, CIEDE2000; cells: perceived / flat "
          "mean CIEDE2000 (lower is better)")
    print()
    print("| photo | set | " + " | ".join(methods) + " | refine vs 2-phase | refine vs flat |")
    print("|---" * (len(methods) + 4) + "|")
    gains = {"2-phase": [], "flat": []}
    for s in sets:
        for n in names:
            row = quality_row(imgs[n], [s])
            cells = " | ".join(f"{row[k][0]:.2f} / {row[k][1]:.2f}" for k in methods)
            g2 = 100 * (1 - row["refine"][0] / row["2-phase"][0])
            gf = 100 * (1 - row["refine"][0] / row["flat"][0])
            gains["2-phase"].append(g2)
            gains["flat"].append(gf)
            label = f"{os.path.basename(n)} ({PHOTOS.get(os.path.basename(n), 'photo')})"
            print(f"| {label} | {s} | {cells} | **-{g2:.0f} %** | -{gf:.0f} % |", flush=True)
    print()
    for k, v in gains.items():
        print(f"- refine vs {k}: perceived error lower by {min(v):.0f} to {max(v):.0f} % "
              f"(mean {sum(v) / len(v):.0f} %) over {len(v)} photo/set pairs")
    print()
    print("Whole refined mosaic from the photo (fresh pipeline): wall-clock / CPU time of this process in ms "
          "(the CPU time is what the machine's other jobs do not inflate)")
    print()
    print("| photo | set | numpy | pure | same grid "
          f"| pure, page budget {browser.REFINE_BUDGET} s: wall / CPU (ms), perceived |")
    print("|---|---|---|---|---|---|")
    for s in sets:
        for n in names:
            t = refine_times(imgs[n], [s])
            tb = refine_times(imgs[n], [s], budget=browser.REFINE_BUDGET)["pure"]
            same = t["numpy"][2].grid == t["pure"][2].grid
            print(f"| {os.path.basename(n)} | {s} | {1000 * t['numpy'][0]:.0f} / {1000 * t['numpy'][1]:.0f} | "
                  f"{1000 * t['pure'][0]:.0f} / {1000 * t['pure'][1]:.0f} | {same} | "
                  f"{1000 * tb[0]:.0f} / {1000 * tb[1]:.0f}, {tb[2].perceived_delta_e:.2f} |", flush=True)


if __name__ == "__main__":
    main()
