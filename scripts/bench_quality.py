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
- ``refine``: the best look within stock (:mod:`legoremix.refine`), run to convergence;
- ``auto adjust``: the flat optimum with the adjustments auto adjust chose (:mod:`legoremix.tone`),
  judged against the photo *without* them (the reference never moves); ``auto adjust + f-s``:
  the same for Floyd-Steinberg within stock (auto adjust judges the mosaic the settings make);
- ``poster``: poster mode (lightness order dealt onto the stock): not meant to be close in
  colour, listed so its cost in colour error is known.

Then the time of auto adjust and of the set ranking (:mod:`legoremix.rank`) on both engine
paths, each as a ratio to a yardstick measured in the same run (a whole flat mosaic from
the photo on the pure path, fresh pipeline).

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

from legoremix import _array, browser, color, dither, image, match, perceive, pipeline, rank, tone  # noqa: E402
from legoremix.settings import Settings  # noqa: E402

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


def flat_run(img, sets):
    """The flat optimum of one photo and set: ``(pipeline, palette, mosaic, target, seen)``
    with ``target`` the adjusted studs (linear RGB) and ``seen`` the colours as seen."""
    pal, owned = pipeline.build_palette(sets)
    p = pipeline.Pipeline()
    p.set_image(img)
    p.set_options(size=SIZE)
    p.set_palette(pal, owned)
    m = p.run()
    target = image.to_list(p._cache["adjust"][1])
    seen = [pipeline.seen_color(c.hex, p.options.compensate, p.options.baseplate) for c in pal.colors]
    return p, pal, m, target, seen


def quality_row(img, sets):
    """{method: (perceived, flat)} for one photo and set, and the refined mosaic."""
    p, pal, m, target, seen = flat_run(img, sets)
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
    for name, kind in (("auto adjust", "none"), ("auto adjust + f-s", "floyd-steinberg")):
        st = Settings.from_dict({"size": list(SIZE), "sets": {sets[0]: 1}, "dither": kind})
        auto = tone.auto_adjust_for(img, st)
        p.set_options(refine=False, dither=kind, adjustments=auto.adjustments)
        a = p.run()
        out[name] = errors(target, seen, [j for row in a.grid for j in row])
    p.set_options(dither="none")
    p.set_options(adjustments=image.Adjustments(), poster=True)
    ps = p.run()
    out["poster"] = (ps.perceived_delta_e, ps.mean_delta_e)
    assert all(c <= s for c, s in zip(ps.counts, ps.stock))
    return out


def stock_bound(img, sets):
    """Perceived error of the best look with the same colours in unlimited numbers (refined
    from the flat optimum, stock lifted): how much of what is left the stock accounts for."""
    from legoremix import refine
    _, _, m, target, seen = flat_run(img, sets)
    return refine.refine_labels(target, seen, [j for row in m.grid for j in row], *SIZE, [None] * len(seen)).error


def refine_times(img, sets, work=None):
    """Per path: (seconds, CPU seconds, mosaic) of a whole refined mosaic (fresh pipeline)."""
    pal, owned = pipeline.build_palette(sets)
    res = {}
    for path in ("numpy", "pure"):
        with _array.force(path):
            p = pipeline.Pipeline()
            p.set_image(img)
            p.set_options(size=SIZE, refine=True, refine_work=work)
            p.set_palette(pal, owned)
            t0, c0 = time.perf_counter(), time.process_time()
            m = p.run()
            res[path] = (time.perf_counter() - t0, time.process_time() - c0, m)
    return res


def look_times(img, set_id, name):
    """One row of the auto adjust and ranking timings (see the module docstring)."""
    pal, owned = pipeline.build_palette([set_id])
    st = Settings.from_dict({"size": list(SIZE), "sets": {set_id: 1}})
    with _array.force("pure"):
        p = pipeline.Pipeline()
        p.set_image(img)
        p.set_options(size=SIZE)
        p.set_palette(pal, owned)
        t0 = time.process_time()
        p.run()
        yard = time.process_time() - t0
    t, res = {}, {}
    for path in ("numpy", "pure"):
        with _array.force(path):
            t0 = time.process_time()
            res["auto", path] = tone.auto_adjust_for(img, st)
            t["auto", path] = time.process_time() - t0
            t0 = time.process_time()
            res["rank", path] = rank.rank(img, st)
            t["rank", path] = time.process_time() - t0
    r = res["rank", "pure"]
    best = r["candidates"][0]
    adds = r["additions"]
    add = f"+{adds['total']} pieces: -{adds['percent']:.0f} %" if adds else "-"
    return (f"| {os.path.basename(name)} | {set_id} | {1000 * yard:.0f} | "
            f"{1000 * t['auto', 'numpy']:.0f} / {1000 * t['auto', 'pure']:.0f} | {t['auto', 'pure'] / yard:.1f} | "
            f"{res['auto', 'pure'].evaluations} | {1000 * t['rank', 'numpy']:.0f} / {1000 * t['rank', 'pure']:.0f} | "
            f"{t['rank', 'pure'] / yard:.1f} | {len(r['candidates'])} | {best['label']} {best['perceived']:.1f} | {add} |")


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
    methods = ["2-phase", "flat"] + list(dither.DITHERS[1:]) + ["refine", "auto adjust", "auto adjust + f-s",
                                                                 "poster"]
    print(f"legoremix quality benchmark - {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPUs; {SIZE[0]}x{SIZE[1]}, round tiles, CIEDE2000; cells: perceived / flat "
          "mean CIEDE2000 (lower is better)")
    print()
    print("| photo | set | " + " | ".join(methods) + " | refine vs 2-phase | refine vs flat | auto adjust vs flat "
          "| auto adjust + f-s vs f-s |")
    print("|---" * (len(methods) + 6) + "|")
    gains = {"2-phase": [], "flat": []}
    auto_gains, fs_gains = [], []
    short = []  # (photo, set, 2-phase, refine): pairs short of the 25 % goal
    for s in sets:
        for n in names:
            row = quality_row(imgs[n], [s])
            cells = " | ".join(f"{row[k][0]:.2f} / {row[k][1]:.2f}" for k in methods)
            g2 = 100 * (1 - row["refine"][0] / row["2-phase"][0])
            gf = 100 * (1 - row["refine"][0] / row["flat"][0])
            gains["2-phase"].append(g2)
            gains["flat"].append(gf)
            if g2 < 25:
                short.append((n, s, row["2-phase"][0], row["refine"][0]))
            ga = 100 * (1 - row["auto adjust"][0] / row["flat"][0])
            gs = 100 * (1 - row["auto adjust + f-s"][0] / row["floyd-steinberg"][0])
            auto_gains.append(ga)
            fs_gains.append(gs)
            label = f"{os.path.basename(n)} ({PHOTOS.get(os.path.basename(n), 'photo')})"
            print(f"| {label} | {s} | {cells} | **-{g2:.0f} %** | -{gf:.0f} % | {-ga:+.0f} % | {-gs:+.0f} % |",
                  flush=True)
    print()
    for k, v in gains.items():
        print(f"- refine vs {k}: perceived error lower by {min(v):.0f} to {max(v):.0f} % "
              f"(mean {sum(v) / len(v):.0f} %) over {len(v)} photo/set pairs")
    print(f"- auto adjust vs flat (both flat optima, judged against the unadjusted photo): perceived error "
          f"lower by {min(auto_gains):.0f} to {max(auto_gains):.0f} % (mean {sum(auto_gains) / len(auto_gains):.0f} %)")
    print(f"- auto adjust + Floyd-Steinberg vs Floyd-Steinberg: perceived error lower by {min(fs_gains):.0f} to "
          f"{max(fs_gains):.0f} % (mean {sum(fs_gains) / len(fs_gains):.0f} %)")
    if short:
        print()
        print("Pairs short of the 25 % goal: the same colours in unlimited numbers (refined from the flat optimum, "
              "stock lifted), to tell what the stock costs from what the colours cost")
        print()
        print("| photo | set | 2-phase | refine | refine, same colours, unlimited stock | that vs 2-phase |")
        print("|---|---|---|---|---|---|")
        for n, s, e2, er in short:
            eu = stock_bound(imgs[n], [s])
            print(f"| {os.path.basename(n)} | {s} | {e2:.2f} | {er:.2f} | {eu:.2f} | -{100 * (1 - eu / e2):.0f} % |",
                  flush=True)
    print()
    print("Auto adjust and the set ranking (48x48, whole call from the photo): CPU ms of this process per path "
          "(the machine's other jobs do not inflate it), and the ratio to a whole flat 48x48 mosaic from the photo "
          "on the pure path measured the same way in the same run (the yardstick)")
    print()
    print("| photo | set | yardstick: flat mosaic, pure (CPU ms) | auto adjust numpy / pure (CPU ms) | pure / yardstick "
          "| candidates | ranking numpy / pure (CPU ms) | pure / yardstick | choices | best | additions |")
    print("|---" * 11 + "|")
    for s in sets:
        for n in names:
            print(look_times(imgs[n], s, n), flush=True)
    print()
    print("Whole refined mosaic from the photo (fresh pipeline): wall-clock / CPU time of this process in ms "
          "(the CPU time is what the machine's other jobs do not inflate)")
    print()
    print("| photo | set | numpy | pure | same grid "
          f"| pure, page work limit {browser.REFINE_WORK}: wall / CPU (ms), perceived |")
    print("|---|---|---|---|---|---|")
    for s in sets:
        for n in names:
            t = refine_times(imgs[n], [s])
            tb = refine_times(imgs[n], [s], work=browser.REFINE_WORK)["pure"]
            same = t["numpy"][2].grid == t["pure"][2].grid
            print(f"| {os.path.basename(n)} | {s} | {1000 * t['numpy'][0]:.0f} / {1000 * t['numpy'][1]:.0f} | "
                  f"{1000 * t['pure'][0]:.0f} / {1000 * t['pure'][1]:.0f} | {same} | "
                  f"{1000 * tb[0]:.0f} / {1000 * tb[1]:.0f}, {tb[2].perceived_delta_e:.2f} |", flush=True)


if __name__ == "__main__":
    main()
