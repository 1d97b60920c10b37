"""Split groups spread or in bands: the error seen from a distance with each (QA, 2026-11-29).

    python scripts/bench_spread.py

A group of studs whose colours fall in one grid cell shares one cost row; when the optimum
splits it between colours, which of its studs take which colour is free. ``match.expand``
deals them in Bayer-matrix order over the grid (the pipeline's way); before, the studs took
the colours in reading order, which lays a flat area out in bands. For scikit-image photos
(portraits, scenes, flat graphics) and sets at 48x48 and 128x128, flat optimum, no dithering,
it prints the perceived error (mean CIEDE2000 after the eye's blur, legoremix.perceive) with
the studs in reading order and spread, and the change.
"""
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "py"))

from legoremix import image, match, pipeline  # noqa: E402

PHOTOS = ["astronaut.png", "coffee.png", "chelsea.png", "rocket.jpg", "camera.png", "moon.png",
          "hubble_deep_field.jpg", "retina.jpg", "logo.png", "page.png", "text.png", "horse.png", "coins.png"]
CASES = [((48, 48), ["31197"], None), ((48, 48), ["31201"], None), ((48, 48), ["31197", "31204"], None),
         ((128, 128), ["31197", "world_map"], {"world_map": 2})]


def in_reading_order(flows, index, width=None, places=None):
    """match.expand as it was: no grid, so each split group's studs in reading order."""
    return spread(flows, index)


spread = match.expand


def main():
    import skimage.data
    folder = Path(skimage.data.__file__).parent
    print("| photo | studs | sets | seen ΔE in reading order | spread | change |")
    print("|---|---|---|---|---|---|")
    changes = []
    for name in PHOTOS:
        img = image.load(folder / name, max_side=1024)
        for size, sets, copies in CASES:
            seen = []
            for expand in (in_reading_order, spread):
                match.expand = expand
                seen.append(pipeline.make_mosaic(img, sets=sets, copies=copies, size=size).perceived_delta_e)
            match.expand = spread
            changes.append(100 * (seen[1] / seen[0] - 1))
            print(f"| {name} | {size[0]}x{size[1]} | {' + '.join(sets)} | {seen[0]:.3f} | {seen[1]:.3f} | {changes[-1]:+.2f} % |")
    better = sum(c < -0.005 for c in changes)
    worse = sum(c > 0.005 for c in changes)
    print(f"Spread against reading order: median {statistics.median(changes):+.2f} % (from {min(changes):+.2f} to "
          f"{max(changes):+.2f} %); lower in {better}, higher in {worse}, the same in {len(changes) - better - worse} "
          f"of {len(changes)} mosaics")


if __name__ == "__main__":
    main()
