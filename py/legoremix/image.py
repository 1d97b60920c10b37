"""Image preparation: crop, alpha compositing, area-averaged downscale in linear light,
and tonal adjustments.

Input is plain RGBA: :class:`RGBA` (width, height, ``bytes`` of ``w*h*4``), decoded by
Pillow in CPython (:func:`load`) or by the browser in the engine worker (web/worker.js). Output is a *linear
image*: ``width``, ``height`` and ``pixels``, ``w*h`` linear-light RGB triples in row
order (a list of tuples, or an ``(n, 3)`` float array on the numpy path).

The downscale is a box filter with exact area weights: each source pixel is split into
``W`` (``H``) units and each stud covers ``crop_w`` (``crop_h``) of them, so every weight
is an integer and the sums are exact integers on both paths; one final division turns
them into floats. Averaging happens in linear light because that is how light from
neighbouring pixels mixes (averaging sRGB codes darkens edges and textures).
"""
from __future__ import annotations

import array
import functools
import math
import numbers
import os
import sys
from dataclasses import dataclass

from . import _array
from .color import SRGB8_TO_LINEAR16, hex_to_rgb8, shown

#: Largest accepted source image (pixels). Bigger files are refused with a clear message.
MAX_SOURCE_PIXELS = 120_000_000
#: Largest mosaic side in studs.
MAX_STUDS = 512


class ImageError(ValueError):
    """The image cannot be used (unreadable, too large, wrong type...)."""


def _too_many_megapixels(w: int, h: int) -> str:
    return (f"The image has {w * h / 1e6:.0f} megapixels, more than the {MAX_SOURCE_PIXELS / 1e6:.0f} "
            "megapixels legoremix can work with. Make it smaller first.")


@dataclass(frozen=True)
class RGBA:
    """A decoded image: ``data`` holds ``width*height*4`` bytes, rows top to bottom."""

    width: int
    height: int
    data: bytes

    def __post_init__(self):
        if self.width <= 0 or self.height <= 0:
            raise ImageError("The image is empty.")
        if self.width * self.height > MAX_SOURCE_PIXELS:
            raise ImageError(_too_many_megapixels(self.width, self.height))
        if len(self.data) != self.width * self.height * 4:
            raise ImageError(f"The image is incomplete: its pixels do not fill {self.width} x "
                             f"{self.height} pixels.")


@dataclass(frozen=True)
class Adjustments:
    """Tonal adjustments, each 0 = unchanged. Applied in sRGB, in this order:

    - ``hue`` (degrees, -180..180): rotate the HSV hue.
    - ``saturation``, ``value`` (-100..100): scale HSV S / V by ``1 + x/100``.
    - ``brightness`` (-100..100): add ``x/100`` to each sRGB component.
    - ``contrast`` (-100..100): ``c' = 0.5 + (c - 0.5) * 2**(x/25)``.
    - ``gamma`` (-100..100), a lightness curve: ``c' = c ** 2**(-x/100)`` (positive lifts the
      midtones, black and white stay put).
    Results are clamped to [0, 1].
    """

    hue: float = 0
    saturation: float = 0
    value: float = 0
    brightness: float = 0
    contrast: float = 0
    gamma: float = 0

    def is_identity(self) -> bool:
        return not (self.hue or self.saturation or self.value or self.brightness or self.contrast or self.gamma)


def parse_size(text: str) -> tuple[int, int]:
    """``"48x48"`` -> ``(48, 48)``, with a clear error for anything else."""
    try:
        w, h = (int(p) for p in str(text).lower().replace("×", "x").split("x"))
    except ValueError:
        raise ValueError(f"The size {shown(text)} is not understood: write the width and height in studs, "
                         "for example 48x48.") from None
    check_size(w, h)
    return w, h


def check_size(w: int, h: int) -> None:
    """A ValueError for a person unless ``w x h`` studs is a possible mosaic."""
    if not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in (w, h)):
        raise ValueError("The size must be two whole numbers of studs (width and height).")
    if not (1 <= w <= MAX_STUDS and 1 <= h <= MAX_STUDS):
        size = f" {w} x {h}" if max(abs(w), abs(h)) < 10 ** 9 else ""
        raise ValueError(f"The size{size} is not possible: width and height must each be 1 to {MAX_STUDS} studs.")


def largest_size(w: int, h: int, studs: int) -> tuple[int, int] | None:
    """The largest canvas of about the aspect ``w:h`` with at most ``studs`` studs
    (what a limited inventory can fill); None when not even 1x1 fits."""
    if studs < 1:
        return None
    if w * h <= studs:
        return w, h
    scale = math.sqrt(studs / (w * h))
    bw, bh = max(1, int(w * scale)), max(1, int(h * scale))
    # grow the side that stays closest to the aspect while it still fits
    while True:
        options = [(abs((bw + 1) * h - bh * w), bw + 1, bh), (abs(bw * h - (bh + 1) * w), bw, bh + 1)]
        options = [o for o in options if o[1] * o[2] <= studs and o[1] <= w and o[2] <= h]
        if not options:
            return bw, bh
        _, bw, bh = min(options)


def default_crop(src_w: int, src_h: int, w: int, h: int) -> tuple[int, int, int, int]:
    """The largest centred box with the canvas aspect ``w:h``: ``(x, y, cw, ch)``."""
    if src_w * h > src_h * w:  # source wider than canvas
        ch = src_h
        cw = max(1, min(src_w, round(src_h * w / h)))
    else:
        cw = src_w
        ch = max(1, min(src_h, round(src_w * h / w)))
    return (src_w - cw) // 2, (src_h - ch) // 2, cw, ch


def check_crop(crop, src_w, src_h):
    """``(x, y, w, h)`` as ints, or a ValueError for a person when the box does not fit."""
    try:
        x, y, cw, ch = (int(v) for v in crop)
    except (TypeError, ValueError, OverflowError):
        raise ValueError("The crop box must be four whole numbers: left, top, width and height in "
                         "pixels.") from None
    if cw <= 0 or ch <= 0 or x < 0 or y < 0 or x + cw > src_w or y + ch > src_h:
        box = f" (left {x}, top {y}, width {cw}, height {ch})" if max(map(abs, (x, y, cw, ch))) < 10 ** 9 else ""
        raise ValueError(f"The crop box{box} lies outside the photo, which is {src_w} x {src_h} pixels.")
    return x, y, cw, ch


def _spans(n_src: int, n_dst: int):
    """Integer overlaps: for each source index, ``[(dst index, weight), ...]``.

    Source pixel ``s`` covers ``[s*n_dst, (s+1)*n_dst)``, stud ``d`` covers
    ``[d*n_src, (d+1)*n_src)``; weights of one stud sum to ``n_src``.
    """
    out = []
    for s in range(n_src):
        a, b = s * n_dst, (s + 1) * n_dst
        parts = []
        d = a // n_src
        while d * n_src < b:
            lo, hi = max(a, d * n_src), min(b, (d + 1) * n_src)
            if hi > lo:
                parts.append((d, hi - lo))
            d += 1
        out.append(parts)
    return out


def downscale(img: RGBA, size, crop=None, background="#ffffff"):
    """Area-average the crop box of ``img`` to ``size`` studs in linear light.

    Transparent pixels are composited onto ``background`` (hex) in linear light.
    Returns ``pixels`` (see module doc), ``w*h`` linear RGB triples.
    """
    w, h = size
    check_size(w, h)
    crop = default_crop(img.width, img.height, w, h) if crop is None else check_crop(crop, img.width, img.height)
    bg = tuple(SRGB8_TO_LINEAR16[c] for c in hex_to_rgb8(background))
    np = _array.np()
    if np is not None:
        return _downscale_np(np, img, w, h, crop, bg)
    return _downscale_pure(img, w, h, crop, bg)


def _denominator(cw, ch):
    # sum of weights (cw*ch) * alpha scale (255) * 16-bit scale (65535)
    return cw * ch * 255 * 65535


#: The 16-bit linear value of each sRGB byte split into high and low bytes, so that
#: ``bytes.translate`` and ``sum`` (both C loops) can add up linear light:
#: sum(linear16) == 256 * sum(high bytes) + sum(low bytes).
_HI = bytes(v >> 8 for v in SRGB8_TO_LINEAR16)
_LO = bytes(v & 255 for v in SRGB8_TO_LINEAR16)


#: Bytes per column in the packed row sums of the pure downscale: a column's sum of linear
#: values times row weights stays below ``crop height * 65535 < 2**64``.
_FIELD = 8
assert array.array("Q").itemsize == _FIELD


def _downscale_pure(img, w, h, crop, bg):
    """The pure path, C-speed where the rows are opaque: each source row's 16-bit linear
    values are packed into one big integer, a column every ``_FIELD`` bytes (``bytes.translate``
    and extended-slice assignment), so adding ``weight * row`` into its stud row adds every
    column at once ("SIMD within a register"); once per stud row the columns are unpacked
    and summed over each stud's span. Rows with transparency go pixel by pixel."""
    x0, y0, cw, ch = crop
    xs = _spans(cw, w)
    ys = _spans(ch, h)
    lut = SRGB8_TO_LINEAR16
    # runs of source columns that fall wholly inside one stud with one weight
    runs = []  # [stud, first source, end source, weight]
    for s, parts in enumerate(xs):
        if len(parts) == 1 and runs and runs[-1][0] == parts[0][0] and runs[-1][2] == s and runs[-1][3] == parts[0][1]:
            runs[-1][2] = s + 1
        else:
            for d, wgt in parts:
                runs.append([d, s, s + 1, wgt])
    acc = [[0] * (3 * w) for _ in range(h)]
    packed = [[0, 0, 0] for _ in range(h)]  # per stud row and channel: weighted column sums, packed
    buf = bytearray(_FIELD * cw)
    data = img.data
    stride = img.width * 4
    for sy, yparts in enumerate(ys):
        start = (y0 + sy) * stride + x0 * 4
        row = data[start:start + cw * 4]
        if row[3::4].count(255) == cw:  # opaque row
            for c in range(3):
                chan = row[c::4]
                buf[0::_FIELD] = chan.translate(_LO)
                buf[1::_FIELD] = chan.translate(_HI)
                v = int.from_bytes(buf, "little")
                for d, wgt in yparts:
                    packed[d][c] += wgt * v
            continue
        rowsum = [0] * (3 * w)
        for s, parts in enumerate(xs):
            a = row[4 * s + 3]
            na = 255 - a
            v0 = lut[row[4 * s]] * a + bg[0] * na
            v1 = lut[row[4 * s + 1]] * a + bg[1] * na
            v2 = lut[row[4 * s + 2]] * a + bg[2] * na
            for d, wgt in parts:
                o = 3 * d
                rowsum[o] += wgt * v0
                rowsum[o + 1] += wgt * v1
                rowsum[o + 2] += wgt * v2
        for d, wgt in yparts:
            target = acc[d]
            for i, v in enumerate(rowsum):
                target[i] += wgt * v
    big = sys.byteorder == "big"
    for d in range(h):
        target = acc[d]
        for c in range(3):
            if not packed[d][c]:
                continue
            cols = array.array("Q", packed[d][c].to_bytes(_FIELD * cw, "little"))
            if big:
                cols.byteswap()
            for dd, s0, s1, wgt in runs:  # opaque pixels count with alpha 255
                target[3 * dd + c] += wgt * 255 * sum(cols[s0:s1])
    den = _denominator(cw, ch)
    return [(r[3 * x] / den, r[3 * x + 1] / den, r[3 * x + 2] / den) for r in acc for x in range(w)]


def _weight_matrix(np, n_src, n_dst):
    m = np.zeros((n_dst, n_src), dtype=np.float64)
    for s, parts in enumerate(_spans(n_src, n_dst)):
        for d, wgt in parts:
            m[d, s] = wgt
    return m


def _downscale_np(np, img, w, h, crop, bg):
    """Same sums as the pure path. float64 holds these integers exactly (< 2**53), so
    any summation order gives the same totals."""
    x0, y0, cw, ch = crop
    src = np.frombuffer(img.data, dtype=np.uint8).reshape(img.height, img.width, 4)
    src = src[y0:y0 + ch, x0:x0 + cw]
    lut = np.asarray(SRGB8_TO_LINEAR16, dtype=np.float64)
    bgv = np.asarray(bg, dtype=np.float64)
    wy = _weight_matrix(np, ch, h)  # (h, ch)
    split = cw >= w and cw > 2048
    if split:
        # every source column touches at most two studs: stud dA gets wA, dA+1 gets wB
        s = np.arange(cw, dtype=np.int64)
        da = (s * w) // cw
        wa = np.minimum((s + 1) * w, (da + 1) * cw) - s * w
        wb = (w - wa).astype(np.float64)
        wa = wa.astype(np.float64)
        starts = np.searchsorted(da, np.arange(w))
    else:
        wx = _weight_matrix(np, cw, w).T  # (cw, w)
    out = np.zeros((h, w * 3), dtype=np.float64)
    chunk = max(1, 8_000_000 // (cw * 4))
    for r0 in range(0, ch, chunk):
        block = src[r0:r0 + chunk]
        alpha = block[..., 3].astype(np.float64)[..., None]
        v = lut[block[..., :3]] * alpha + bgv * (255.0 - alpha)  # (rows, cw, 3)
        if split:
            xa = np.add.reduceat(v * wa[None, :, None], starts, axis=1)
            xb = np.add.reduceat(v * wb[None, :, None], starts, axis=1)
            xr = xa
            xr[:, 1:] += xb[:, :-1]
        else:
            xr = np.matmul(v.transpose(0, 2, 1), wx).transpose(0, 2, 1)
        out += wy[:, r0:r0 + block.shape[0]] @ xr.reshape(block.shape[0], w * 3)
    return out.reshape(h * w, 3) / _denominator(cw, ch)


def adjust(pixels, adj: Adjustments, encoded: "Encoded | None" = None):
    """Apply :class:`Adjustments` to linear pixels; returns new linear pixels.

    Runs the same scalar code on both paths (the image is only ``w*h`` studs).
    ``encoded``: the :class:`Encoded` form of ``pixels`` when one is kept (the pipeline's
    stage ``encode``), so that what does not depend on the adjustments is not redone.
    """
    if adj.is_identity():
        return pixels
    enc = Encoded(pixels) if encoded is None else encoded
    hue = (adj.hue / 360.0) % 1.0
    if hue:
        channels = _hsv_adjust(*enc.hsv, hue, 1 + adj.saturation / 100, 1 + adj.value / 100)
    elif adj.saturation or adj.value:  # the hue kept: each stud's sector of the hue circle too
        channels = _sv_adjust(*enc.sectors, *enc.hsv[1:], 1 + adj.saturation / 100, 1 + adj.value / 100)
    else:
        channels = enc.srgb
    out = list(zip(*(_tone_to_linear(ch, adj) for ch in channels)))
    np = _array.np()
    if np is not None:
        return np.asarray(out, dtype=np.float64).reshape(-1, 3)
    return out


class Encoded:
    """A linear image's studs as :func:`adjust` starts from them whatever the adjustments:
    in sRGB (:func:`legoremix.color.linear_to_srgb_1`) and in HSV (``colorsys.rgb_to_hsv``),
    each three channel lists, worked out on first use. The pipeline keeps one per prepared
    image (stage ``encode``): moving a slider then converts only from HSV on."""

    def __init__(self, pixels):
        self._pixels = pixels

    @functools.cached_property
    def srgb(self) -> tuple:
        rows = self._pixels.tolist() if hasattr(self._pixels, "tolist") else self._pixels
        return tuple(_to_srgb(ch) for ch in (zip(*rows) if len(rows) else ((), (), ())))

    @functools.cached_property
    def hsv(self) -> tuple:
        return _to_hsv(*self.srgb)

    @functools.cached_property
    def sectors(self) -> tuple:
        """Each hue's sector of the hue circle (0-5) and its place in it, as
        ``colorsys.hsv_to_rgb`` works them out: what a saturation or value change keeps."""
        return _sectors(self.hsv[0])


# The per-stud work of adjust, a channel (or the three) of every stud at a time: the formulas of
# linear_to_srgb_1, colorsys.rgb_to_hsv / hsv_to_rgb and srgb_to_linear_1 written out with the
# same operations in the same order, so each value is the float those functions give (their
# calls per stud were most of the time; tests/test_stage_speed.py compares with them).

_INV_GAMMA = 1 / 2.4  # sRGB encoding exponent, as linear_to_srgb_1 writes it


def _to_srgb(values) -> list:
    """:func:`legoremix.color.linear_to_srgb_1` of each value (clamped to [0, 1])."""
    inv = _INV_GAMMA
    return [0.0 if v <= 0.0 else 1.0 if v >= 1.0 else v * 12.92 if v <= 0.0031308 else 1.055 * v ** inv - 0.055
            for v in values]


def _to_hsv(reds, greens, blues) -> tuple:
    """``colorsys.rgb_to_hsv`` of each sRGB colour, as hue, saturation and value lists.
    Components are in [0, 1] (never -0.0 or NaN), so comparisons find the largest and
    smallest as ``max`` and ``min`` do."""
    hues, sats, vals = [], [], []
    put_h, put_s, put_v = hues.append, sats.append, vals.append
    for r, g, b in zip(reds, greens, blues):
        maxc = r if r > g else g
        if b > maxc:
            maxc = b
        minc = r if r < g else g
        if b < minc:
            minc = b
        put_v(maxc)
        if minc == maxc:
            put_h(0.0), put_s(0.0)
            continue
        rangec = maxc - minc
        put_s(rangec / maxc)
        if r == maxc:
            h = (maxc - b) / rangec - (maxc - g) / rangec
        elif g == maxc:
            h = 2.0 + (maxc - r) / rangec - (maxc - b) / rangec
        else:
            h = 4.0 + (maxc - g) / rangec - (maxc - r) / rangec
        put_h((h / 6.0) % 1.0)
    return hues, sats, vals


def _sectors(hues) -> tuple:
    """``i % 6`` and ``f`` of ``colorsys.hsv_to_rgb`` for each hue: sectors and fractions."""
    whole = [int(h * 6.0) for h in hues]
    return [i % 6 for i in whole], [h * 6.0 - i for h, i in zip(hues, whole)]


def _sv_adjust(sectors, fractions, sats, vals, sat, val) -> tuple:
    """Saturation and value scaled by ``sat`` and ``val`` (clamped to [0, 1]), then
    ``colorsys.hsv_to_rgb`` from the hues' :func:`_sectors`: red, green and blue lists. A change
    that keeps the hue starts from the sectors :class:`Encoded` keeps (a third less work per stud)."""
    out_r, out_g, out_b = [], [], []
    put_r, put_g, put_b = out_r.append, out_g.append, out_b.append
    for i, f, s, v in zip(sectors, fractions, sats, vals):
        s = s * sat
        s = (s if s < 1.0 else 1.0) if s > 0.0 else 0.0
        v = v * val
        v = (v if v < 1.0 else 1.0) if v > 0.0 else 0.0
        if s == 0.0:
            put_r(v), put_g(v), put_b(v)
            continue
        p = v * (1.0 - s)
        if i == 0:
            put_r(v), put_g(v * (1.0 - s * (1.0 - f))), put_b(p)
        elif i == 1:
            put_r(v * (1.0 - s * f)), put_g(v), put_b(p)
        elif i == 2:
            put_r(p), put_g(v), put_b(v * (1.0 - s * (1.0 - f)))
        elif i == 3:
            put_r(p), put_g(v * (1.0 - s * f)), put_b(v)
        elif i == 4:
            put_r(v * (1.0 - s * (1.0 - f))), put_g(p), put_b(v)
        else:
            put_r(v), put_g(p), put_b(v * (1.0 - s * f))
    return out_r, out_g, out_b


def _hsv_adjust(hues, sats, vals, hue, sat, val) -> tuple:
    """Each HSV colour's hue turned by ``hue``, saturation and value scaled by ``sat`` and
    ``val`` (clamped to [0, 1]), then ``colorsys.hsv_to_rgb``: red, green and blue lists."""
    return _sv_adjust(*_sectors([(h + hue) % 1.0 for h in hues]), sats, vals, sat, val)


def _tone_to_linear(values, adj: Adjustments) -> list:
    """Brightness, contrast and gamma on sRGB components in [0, 1] (clamped to [0, 1] after
    the contrast), then :func:`legoremix.color.srgb_to_linear_1`. Brightness and contrast at 0
    leave a component as it is: their formula would only round it (``0.5 + (c - 0.5)`` can
    differ from ``c`` in the last bit below 0.25), and skipping it is a third of this step."""
    out = values
    if adj.brightness or adj.contrast:
        bri = adj.brightness / 100
        con = 2 ** (adj.contrast / 25)
        out = [0.5 + (c + bri - 0.5) * con for c in out]
        out = [(c if c < 1.0 else 1.0) if c > 0.0 else 0.0 for c in out]
    if adj.gamma:
        gam = 2 ** (-adj.gamma / 100)
        out = [c ** gam for c in out]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in out]


def to_list(pixels):
    """Pixels as a list of tuples, whichever path made them."""
    return [tuple(p) for p in (pixels.tolist() if hasattr(pixels, "tolist") else pixels)]


# --- files (CPython; needs Pillow) --------------------------------------------------

def load(path_or_file, max_side: int | None = None) -> RGBA:
    """Decode an image file with Pillow: EXIF orientation applied, any mode -> RGBA.

    ``max_side``: for JPEGs, let the decoder skip resolution it does not need (DCT
    scaling keeps at least this many pixels on the short side), which saves memory on
    huge photos without changing the area average noticeably.
    """
    try:
        from PIL import Image, ImageOps
    except ImportError as e:  # pragma: no cover
        raise ImageError("Reading image files needs the Pillow library (pip install pillow).") from e
    Image.MAX_IMAGE_PIXELS = MAX_SOURCE_PIXELS
    try:
        im = Image.open(path_or_file)
        if max_side and im.format == "JPEG":
            w0, h0 = im.size
            scale = max(1, min(w0, h0) // max_side)
            if scale > 1:
                im.draft("RGB", (w0 // scale, h0 // scale))
        if im.width * im.height > MAX_SOURCE_PIXELS:  # refuse before decoding (Pillow only warns here)
            raise ImageError(_too_many_megapixels(im.width, im.height))
        im = ImageOps.exif_transpose(im)
        if im.mode not in ("RGB", "RGBA"):
            im = im.convert("RGBA" if ("A" in im.mode or "transparency" in im.info) else "RGB")
        if im.mode == "RGB":
            im.putalpha(255)
        return RGBA(im.width, im.height, im.tobytes())
    except (ImageError, MemoryError):
        raise
    except Image.DecompressionBombError:
        raise ImageError(f"The image is too large: legoremix can work with up to "
                         f"{MAX_SOURCE_PIXELS / 1e6:.0f} megapixels. Make it smaller first.") from None
    except FileNotFoundError:
        raise ImageError(f"There is no such file as {file_name(path_or_file)}.") from None
    except PermissionError:
        raise ImageError(f"{file_name(path_or_file, 'The file')} cannot be opened: you do not have "
                         "permission to read it.") from None
    except IsADirectoryError:
        raise ImageError(f"{file_name(path_or_file, 'The file')} is a folder, not an image.") from None
    except Exception:  # noqa: BLE001 - whatever a decoder trips over, the file is unusable
        name = file_name(path_or_file, "The file")
        raise ImageError(f"{name} could not be read as an image: it is damaged or not in a picture "
                         "format legoremix knows.") from None


def file_name(path_or_file, prefix: str = "") -> str:
    """How a message names the file (quoted path, or nothing for an open file object)."""
    if isinstance(path_or_file, (str, bytes)) or hasattr(path_or_file, "__fspath__"):
        name = shown(os.fsdecode(path_or_file), limit=200)
        return f"{prefix} {name}" if prefix else name
    return prefix or "this file"
