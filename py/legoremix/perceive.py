"""What the eye sees: the perceived colour difference between a photo and its mosaic.

Seen from a few steps away, neighbouring studs blend: the eye low-pass filters a mosaic as
it does a halftone. Following S-CIELAB (X. Zhang and B. A. Wandell, "A spatial extension of
CIELAB for digital color image reproduction", SID Digest 1996), both images pass through a
model of the eye's spatial blur before they are compared:

- the blur is one Gaussian of ``sigma = 1 stud`` for all three channels, applied in
  **linear light** (light from neighbouring studs adds up), separable, truncated at
  3 sigma (7 taps);
- the photo is the canvas-sized linear image (each stud's area average, after the tonal
  adjustments): the same reference as the mean CIEDE2000;
- each stud of the mosaic is the colour seen there (:func:`legoremix.pipeline.seen_color`):
  for round pieces the piece mixed in linear light with the baseplate around it
  (coverage pi/4). Only a stud's average counts: at sigma = 1 stud the structure inside
  one stud is finer than what the blur keeps;
- **borders**: the truncated kernel is renormalised over the studs inside the canvas, so
  nothing beyond the edge is seen and an even area of the photo made of even studs has
  the same error at the edge as inside; photo and mosaic are blurred alike.

The perceived error is the mean CIEDE2000 between the two blurred images.

Both engine paths sum the taps in the same order (so the blurred values are the same
floats); the colour difference itself agrees to the last bits (see :mod:`legoremix.color`).
"""
from __future__ import annotations

import functools
import math
from itertools import chain

from . import _array, color, color_batch

#: Standard deviation of the eye's blur, in studs.
SIGMA = 1.0
#: Taps on each side of the centre (3 sigma).
RADIUS = 3


@functools.lru_cache(maxsize=64)
def taps(n: int, sigma: float = SIGMA, radius: int = RADIUS) -> tuple:
    """For each output position ``0 <= i < n`` on one axis: ``((j, weight), ...)`` over the
    inputs ``j`` within ``radius`` of ``i``, inside the canvas, weights summing to 1."""
    g = [math.exp(-0.5 * (o / sigma) ** 2) for o in range(-radius, radius + 1)]
    out = []
    for i in range(n):
        row = [(i + o, g[o + radius]) for o in range(-radius, radius + 1) if 0 <= i + o < n]
        s = sum(w for _, w in row)
        out.append(tuple((j, w / s) for j, w in row))
    return tuple(out)


@functools.lru_cache(maxsize=64)
def taps_t(n: int, sigma: float = SIGMA, radius: int = RADIUS) -> tuple:
    """The transpose of :func:`taps`: for each input ``j``, ``((i, weight of j in i), ...)``
    over the outputs it reaches (how much a change at ``j`` moves each blurred value)."""
    out = [[] for _ in range(n)]
    for i, row in enumerate(taps(n, sigma, radius)):
        for j, w in row:
            out[j].append((i, w))
    return tuple(tuple(r) for r in out)


def blur(pixels, width: int, height: int):
    """The image blurred as the eye sees it (rows, then columns). ``pixels``: ``w*h``
    linear triples in row order (list) or an ``(n, 3)`` array; returns the same kind."""
    np = _array.np()
    if np is not None:
        return _blur_np(np, np.asarray(pixels, dtype=np.float64).reshape(height, width, 3)).reshape(-1, 3)
    return list(zip(*blur_channels(pixels, width, height)))


def blur_channels(pixels, width: int, height: int) -> list:
    """The pure path of :func:`blur` as three channel lists (``w*h`` values each, row order):
    what the CIELAB conversion reads, without packing and unpacking a triple per stud.
    The columns of a channel are its slices with step ``width``."""
    out = []
    for ch in (zip(*pixels) if len(pixels) else ((), (), ())):
        cols = combine([ch[x::width] for x in range(width)], taps(width))  # blurred along x
        out.append(list(chain.from_iterable(combine(list(zip(*cols)), taps(height)))))
    return out


def combine(lists, plan) -> list:
    """``out[i] = sum_j w_ij lists[j]`` element by element, for ``plan[i] = ((j, w_ij), ...)``:
    one axis of a separable blur over whole rows or columns at once. Sums run in plan order
    from the first product, so the floats equal the numpy path's."""
    out = []
    for t in plan:
        if len(t) == 7:
            (j0, w0), (j1, w1), (j2, w2), (j3, w3), (j4, w4), (j5, w5), (j6, w6) = t
            out.append([w0 * a + w1 * b + w2 * c + w3 * d + w4 * e + w5 * f + w6 * g
                        for a, b, c, d, e, f, g in zip(lists[j0], lists[j1], lists[j2], lists[j3], lists[j4],
                                                       lists[j5], lists[j6])])
            continue
        (j, w), *rest = t
        acc = [w * x for x in lists[j]]
        for j, w in rest:
            acc = [v + w * x for v, x in zip(acc, lists[j])]
        out.append(acc)
    return out


def _weights_np(np, n):
    """``(n, 2*RADIUS+1)`` weights of :func:`taps` by offset (0 outside the canvas)."""
    m = np.zeros((n, 2 * RADIUS + 1))
    for i, row in enumerate(taps(n)):
        for j, w in row:
            m[i, j - i + RADIUS] = w
    return m


def _blur_np(np, img):
    """Same sums in the same order as the pure path (offsets -RADIUS..RADIUS, from 0.0)."""
    h, w, _ = img.shape
    r = RADIUS
    wx, wy = _weights_np(np, w), _weights_np(np, h)
    pad = np.zeros((h, w + 2 * r, 3))
    pad[:, r:r + w] = img
    rows = np.zeros((h, w, 3))
    for o in range(2 * r + 1):
        rows += wx[None, :, o, None] * pad[:, o:o + w]
    pad = np.zeros((h + 2 * r, w, 3))
    pad[r:r + h] = rows
    out = np.zeros((h, w, 3))
    for o in range(2 * r + 1):
        out += wy[:, o, None, None] * pad[o:o + h]
    return out


def seen_lab(pixels, width: int, height: int):
    """``pixels`` (``w*h`` linear triples) as the eye sees them from a distance: blurred,
    in CIELAB. The photo's is the same for every mosaic of one crop and size, so the
    pipeline keeps it (stage ``photo_seen``)."""
    np = _array.np()
    if np is not None:
        return color.linear_to_lab(blur(pixels, width, height))
    return color_batch.linear_to_lab_list(*blur_channels(pixels, width, height))


def error_map(target, mosaic, width: int, height: int, target_lab=None) -> list:
    """CIEDE2000 per stud between the blurred ``target`` and the blurred ``mosaic`` (both
    ``w*h`` linear triples in row order: the photo, and the colour seen at each stud);
    ``target_lab``: :func:`seen_lab` of ``target`` when already known."""
    np = _array.np()
    lt = seen_lab(target, width, height) if target_lab is None else target_lab
    lm = seen_lab(mosaic, width, height)
    if np is not None:
        return color.ciede2000(np.asarray(lt), lm).tolist()
    return color_batch.ciede2000_list(lt, lm)


def perceived_delta_e(target, mosaic, width: int, height: int, target_lab=None) -> float:
    """The perceived error: mean of :func:`error_map`."""
    de = error_map(target, mosaic, width, height, target_lab)
    return sum(de) / len(de)
