"""How fair is issue 12's baseline? ``python scripts/bench_seed_baseline.py``

``scripts/bench_quality.py`` measures the best look against "2-phase", our reconstruction of
the seed app's default matched like ours (linear-light area average, CIEDE2000 against the
pieces as seen with the baseplate, displaced studs in reading order). The seed app's own
default does three things differently (read from its public source, Lego Art Remix
``app/js/index.js`` and ``algo.js``; nothing of it is used here but the steps):

- *Resampling*: the photo is drawn onto a 512x512 canvas, then onto one of 512 x its aspect,
  both with the browser's smoothing (gamma space), and the crop is reduced to the mosaic's
  size with smoothing off: each stud takes the one pixel under its centre. Here Pillow's
  bilinear filter stands for the browser's, and the crop is ours (centred, whole short side),
  so that both mosaics show the same part of the photo.
- *Round pieces on the baseplate* ("bleedthrough"): each piece's 8-bit sRGB values times
  pi/4 (mixed with black in gamma space) instead of the linear-light mix with the baseplate.
- *Displaced studs* take their nearest colour with pieces left *worst matched first*.

Both baselines are judged the same way (perceived error against the area-averaged photo, the
pieces seen with the baseplate), next to our best look (``refine``, to convergence). Transparent
photos are flattened onto white for both (the seed would flatten them onto black).
"""
from __future__ import annotations

import math
import os
import sys
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent / "py")]

from bench_quality import PHOTOS, SIZE, errors, flat_run, photo_dir, two_phase  # noqa: E402
from legoremix import color, image, match  # noqa: E402


def seed_studs(path, w, h, background=(255, 255, 255)):
    """8-bit sRGB per stud as the seed's default resampling gives them (see the docstring)."""
    from PIL import Image
    im = Image.open(path).convert("RGBA")
    im = Image.alpha_composite(Image.new("RGBA", im.size, background + (255,)), im).convert("RGB")
    square = im.resize((512, 512), Image.BILINEAR)
    canvas = square.resize((512, (512 * im.height) // im.width), Image.BILINEAR)
    x0, y0, cw, ch = image.default_crop(canvas.width, canvas.height, w, h)
    px = canvas.load()
    return [px[min(canvas.width - 1, int(x0 + (i + .5) * cw / w)), min(canvas.height - 1, int(y0 + (j + .5) * ch / h))]
            for j in range(h) for i in range(w)]


def seed_two_phase(studs, palette):
    """The seed's 2-phase on its own terms: nearest darkened piece per stud (CIEDE2000), then
    the studs beyond a colour's stock (its worst matched) re-matched worst first."""
    def lab(rgb):
        return color.linear_to_lab_1(tuple(color.srgb_to_linear_1(v / 255) for v in rgb))
    pieces = [lab(tuple(round(v * math.pi / 4) for v in color.hex_to_rgb8(c.hex))) for c in palette.colors]
    dist = [[color.ciede2000_1(lab(s), p) for p in pieces] for s in studs]
    k = len(pieces)
    labels = [min(range(k), key=row.__getitem__) for row in dist]
    used = [labels.count(j) for j in range(k)]
    left = {j: palette.stock[j] - used[j] for j in range(k) if palette.stock[j] > used[j]}
    displaced = []
    for c in range(k):
        members = sorted(((dist[i][c], i) for i, j in enumerate(labels) if j == c), reverse=True)
        displaced += members[:max(0, len(members) - palette.stock[c])]
    for _, i in sorted(displaced, reverse=True):
        j = min(left, key=dist[i].__getitem__)
        labels[i] = j
        left[j] -= 1
        if not left[j]:
            del left[j]
    return labels


def main():
    d = photo_dir()
    print("Perceived error (mean CIEDE2000 after the eye's blur), 48x48, round tiles; lower is better\n")
    print("| photo | set | 2-phase (ours, matched like ours) | seed's default (its own steps) | refine "
          "| refine vs 2-phase | refine vs seed's default |")
    print("|---|---|---|---|---|---|---|")
    gains = {"2-phase": [], "seed": []}
    for s in ("31197", "31201"):
        for n in PHOTOS:
            path = os.path.join(d, n)
            p, pal, m, target, seen = flat_run(image.load(path, max_side=8 * max(SIZE)), [s])
            metric = color.get_metric("ciede2000")
            costs = match.cost_matrix(match.to_space(target, metric), [metric.to_space_1(c) for c in seen], metric)
            ours = errors(target, seen, two_phase(costs, pal.stock))[0]
            labels = seed_two_phase(seed_studs(path, *SIZE), pal)
            assert all(labels.count(j) <= pal.stock[j] for j in range(len(pal.stock)))
            seed = errors(target, seen, labels)[0]
            p.set_options(refine=True)
            refined = p.run().perceived_delta_e
            g2, gs = 100 * (1 - refined / ours), 100 * (1 - refined / seed)
            gains["2-phase"].append(g2)
            gains["seed"].append(gs)
            print(f"| {n} | {s} | {ours:.2f} | {seed:.2f} | {refined:.2f} | -{g2:.0f} % | -{gs:.0f} % |", flush=True)
    print()
    for k, v in gains.items():
        print(f"- refine vs {k}: lower by {min(v):.0f} to {max(v):.0f} % (mean {sum(v) / len(v):.0f} %), "
              f"{sum(g >= 25 for g in v)} of {len(v)} pairs at least 25 % lower")


if __name__ == "__main__":
    main()
