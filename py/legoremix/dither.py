"""Dithering within a limited inventory.

Error diffusion visits studs in scan order (serpentine by default: odd rows right to
left, kernel mirrored, which avoids the diagonal "worm" artefacts of raster order). Each
stud takes the colour minimising ``distance(target, colour) + price[colour]`` among the
colours still in stock, where ``price`` are the LP duals from :mod:`legoremix.match`:
scarce colours cost more, so the ditherer spends them where they matter most and never
uses more than the stock (a colour that runs out is no longer offered).

The error is carried in **linear light**: neighbouring studs mix optically as light
does, so diffusing linear error keeps the local average radiance of the photo. Carrying
it in a perceptual space (Lab) would bias dark areas and is not additive.

Kernels: Floyd & Steinberg (1976), Jarvis, Judice & Ninke (1976), Stucki (1981),
Sierra (three-row, 1989), Atkinson (1980s Apple; diffuses only 6/8 = 3/4 of the error,
which keeps contrast), and ordered dithering with Bayer matrices (Bayer 1973).
"""
from __future__ import annotations

from .color import linear_to_srgb_1, one_of, shown, srgb_to_linear_1
from .match import COST_SCALE

#: name -> (divisor, [(dx, dy, weight), ...])
KERNELS = {
    "floyd-steinberg": (16, [(1, 0, 7), (-1, 1, 3), (0, 1, 5), (1, 1, 1)]),
    "jarvis": (48, [(1, 0, 7), (2, 0, 5), (-2, 1, 3), (-1, 1, 5), (0, 1, 7), (1, 1, 5),
                    (2, 1, 3), (-2, 2, 1), (-1, 2, 3), (0, 2, 5), (1, 2, 3), (2, 2, 1)]),
    "stucki": (42, [(1, 0, 8), (2, 0, 4), (-2, 1, 2), (-1, 1, 4), (0, 1, 8), (1, 1, 4),
                    (2, 1, 2), (-2, 2, 1), (-1, 2, 2), (0, 2, 4), (1, 2, 2), (2, 2, 1)]),
    "sierra": (32, [(1, 0, 5), (2, 0, 3), (-2, 1, 2), (-1, 1, 4), (0, 1, 5), (1, 1, 4),
                    (2, 1, 2), (-1, 2, 2), (0, 2, 3), (1, 2, 2)]),
    "atkinson": (8, [(1, 0, 1), (2, 0, 1), (-1, 1, 1), (0, 1, 1), (1, 1, 1), (0, 2, 1)]),
}


def bayer(n: int):
    """The ``n x n`` Bayer threshold matrix (n a power of two), values in (0, 1)."""
    m = [[0]]
    while len(m) < n:
        k = len(m)
        m = [[4 * m[y % k][x % k] + (0, 2, 3, 1)[(y // k) * 2 + (x // k)] for x in range(2 * k)]
             for y in range(2 * k)]
    return [[(v + 0.5) / (n * n) for v in row] for row in m]


ORDERED = {"bayer4": bayer(4), "bayer8": bayer(8)}
DITHERS = ("none",) + tuple(KERNELS) + tuple(ORDERED)
#: What a person sees in the page for each method.
LABELS = {"none": "None (best pieces per stud)", "floyd-steinberg": "Floyd–Steinberg", "jarvis": "Jarvis",
          "stucki": "Stucki", "sierra": "Sierra", "atkinson": "Atkinson", "bayer4": "Ordered (Bayer 4 × 4)",
          "bayer8": "Ordered (Bayer 8 × 8)"}
#: Amplitude of ordered dithering at 100 % strength, in sRGB units (0-1).
ORDERED_SPREAD = 0.2


def check_dither(kind: str) -> str:
    if not isinstance(kind, str) or kind not in DITHERS:
        raise ValueError(f"This is an unknown dithering method: {shown(kind)}. Choose {one_of(DITHERS)}.")
    return kind


#: Studs from which :func:`dither` reports its progress (a few seconds and more in the page).
PROGRESS_STUDS = 40_000


def dither(pixels, width, height, palette_lin, palette_sp, metric, stock, prices,
           kind="floyd-steinberg", strength=100, serpentine=True, pinned=None, progress=None):
    """Choose a colour per stud with dithering; returns palette indices in row order.

    ``pixels``: linear RGB triples (list); ``palette_lin``: the colours as seen (after
    round-stud compensation); ``palette_sp``: the same in the metric's space; ``stock``:
    studs available per colour for the *unpinned* studs (``None`` = unlimited);
    ``prices``: per colour, in cost units; ``pinned``: stud index -> palette index;
    ``progress(fraction)``: called every few rows on a big mosaic (:data:`PROGRESS_STUDS`).
    """
    check_dither(kind)
    pinned = pinned or {}
    k = len(palette_lin)
    left = [(-1 if s is None else int(s)) for s in stock]  # -1: unlimited
    pr = [p / COST_SCALE for p in prices]
    to_sp, dist = metric.to_space_1, metric.distance_1
    pal_sp = [tuple(p) for p in palette_sp]
    s = max(0.0, min(100.0, float(strength))) / 100.0
    labels = [0] * (width * height)
    every = max(1, height // 50) if progress is not None and width * height >= PROGRESS_STUDS else 0

    def choose(target):
        sp = to_sp(target)
        best, bj = float("inf"), -1
        for j in range(k):
            if left[j] == 0:
                continue
            v = dist(sp, pal_sp[j]) + pr[j]
            if v < best:
                best, bj = v, j
        if left[bj] > 0:
            left[bj] -= 1
        return bj

    if kind in ORDERED:
        mat = ORDERED[kind]
        n = len(mat)
        amp = ORDERED_SPREAD * s
        for y in range(height):
            if every and y % every == 0:
                progress(y / height)
            for x in range(width):
                i = y * width + x
                if i in pinned:
                    labels[i] = pinned[i]
                    continue
                off = (mat[y % n][x % n] - 0.5) * amp
                target = tuple(srgb_to_linear_1(min(1.0, max(0.0, linear_to_srgb_1(c) + off)))
                               for c in pixels[i])
                labels[i] = choose(target)
        return labels

    div, taps = KERNELS[kind]
    taps = [(dx, dy, w * s / div) for dx, dy, w in taps]
    err = [[[0.0, 0.0, 0.0] for _ in range(width)] for _ in range(3)]  # rows y, y+1, y+2
    for y in range(height):
        if every and y % every == 0:
            progress(y / height)
        rev = serpentine and y % 2 == 1
        xs = range(width - 1, -1, -1) if rev else range(width)
        cur = err[0]
        for x in xs:
            i = y * width + x
            e = cur[x]
            px = pixels[i]
            target = (min(1.0, max(0.0, px[0] + e[0])), min(1.0, max(0.0, px[1] + e[1])),
                      min(1.0, max(0.0, px[2] + e[2])))
            j = pinned[i] if i in pinned else choose(target)
            labels[i] = j
            q = palette_lin[j]
            d0, d1, d2 = target[0] - q[0], target[1] - q[1], target[2] - q[2]
            for dx, dy, w in taps:
                xx = x - dx if rev else x + dx
                if 0 <= xx < width and y + dy < height:
                    t = err[dy][xx]
                    t[0] += d0 * w
                    t[1] += d1 * w
                    t[2] += d2 * w
        err.pop(0)
        err.append([[0.0, 0.0, 0.0] for _ in range(width)])
    return labels
