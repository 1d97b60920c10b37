"""Colour science: sRGB <-> linear <-> XYZ <-> CIELAB / OKLab, and colour differences.

Every conversion exists twice with the same operation order: a scalar pure-Python form
(``*_1`` functions on 3-tuples) and a vectorised numpy form (on ``(..., 3)`` arrays).
The two agree to the last bit or so; the matcher rounds costs to integers, so both paths
choose the same pieces.

References
----------
- sRGB: IEC 61966-2-1:1999 (transfer function, D65 primaries).
- CIELAB, CIE76, CIE94: CIE 15:2004 *Colorimetry*.
- CIEDE2000: G. Sharma, W. Wu, E. N. Dalal, "The CIEDE2000 color-difference formula:
  implementation notes, supplementary test data, and mathematical observations",
  Color Res. Appl. 30(1), 2005.
- OKLab: B. Ottosson, "A perceptual color space for image processing", 2020.
"""
from __future__ import annotations

import math

from . import _array

# --- hex ---------------------------------------------------------------------------

def hex_to_rgb8(hex_: str) -> tuple[int, int, int]:
    """``"#aa7d55"`` -> ``(170, 125, 85)``."""
    h = hex_.strip().lstrip("#") if isinstance(hex_, str) else ""
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    if len(h) != 6 or not all(c in _HEX_DIGITS for c in h):
        raise ValueError(f"The colour {shown(hex_)} is not a colour code: write it like #ffffff.")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def shown(value, limit: int = 40) -> str:
    """A value someone typed, for a message: a text or number in quotes, cut short when
    long; anything else described in words (never fails, whatever the value)."""
    if value is None:
        return "(empty)"
    if isinstance(value, bool):
        return "“true”" if value else "“false”"
    if isinstance(value, (list, tuple, dict)):
        return "(a list of values)"
    try:
        text = str(value)
    except (ValueError, RecursionError):  # ints beyond the digit limit, odd objects
        text = "…"
    text = "".join(c if c.isprintable() else " " for c in " ".join(text.split()))  # one line
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    return f"“{text}”"


def one_of(names, word: str = "or") -> str:
    """``a``, ``a or b``, ``a, b or c`` (or with ``word="and"``): a list in a message."""
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" {word} " + names[-1]


def rgb8_to_hex(rgb) -> str:
    """``(170, 125, 85)`` -> ``"#aa7d55"`` (always lower case)."""
    return "#%02x%02x%02x" % tuple(max(0, min(255, int(round(v)))) for v in rgb)


# --- sRGB transfer function -------------------------------------------------------

def srgb_to_linear_1(v: float) -> float:
    """Decode one sRGB component in [0, 1] to linear light (IEC 61966-2-1)."""
    return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4


def linear_to_srgb_1(v: float) -> float:
    """Encode one linear component to sRGB in [0, 1] (clamped)."""
    if v <= 0.0:
        return 0.0
    if v >= 1.0:
        return 1.0
    return v * 12.92 if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055


#: sRGB byte -> linear light as a float, and as a 16-bit integer (exact integer maths
#: in the downscaler needs integers).
SRGB8_TO_LINEAR = tuple(srgb_to_linear_1(i / 255) for i in range(256))
SRGB8_TO_LINEAR16 = tuple(int(round(v * 65535)) for v in SRGB8_TO_LINEAR)


def hex_to_linear(hex_: str) -> tuple[float, float, float]:
    return tuple(SRGB8_TO_LINEAR[c] for c in hex_to_rgb8(hex_))


def srgb_to_linear(a):
    """Vectorised :func:`srgb_to_linear_1` for numpy arrays in [0, 1]."""
    np = _array.np()
    return np.where(a <= 0.04045, a / 12.92, ((a + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(a):
    """Vectorised :func:`linear_to_srgb_1` (clamped to [0, 1])."""
    np = _array.np()
    a = np.clip(a, 0.0, 1.0)
    return np.where(a <= 0.0031308, a * 12.92, 1.055 * a ** (1 / 2.4) - 0.055)


# --- XYZ and CIELAB (D65) ---------------------------------------------------------

# sRGB primaries, D65 white (IEC 61966-2-1).
_M_RGB2XYZ = (
    (0.4124564, 0.3575761, 0.1804375),
    (0.2126729, 0.7151522, 0.0721750),
    (0.0193339, 0.1191920, 0.9503041),
)
_WHITE = (0.95047, 1.0, 1.08883)
_EPS = 216 / 24389
_KAPPA = 24389 / 27


def linear_to_xyz_1(rgb):
    r, g, b = rgb
    m = _M_RGB2XYZ
    return (
        m[0][0] * r + m[0][1] * g + m[0][2] * b,
        m[1][0] * r + m[1][1] * g + m[1][2] * b,
        m[2][0] * r + m[2][1] * g + m[2][2] * b,
    )


def _lab_f_1(t: float) -> float:
    return t ** (1 / 3) if t > _EPS else (_KAPPA * t + 16) / 116


def xyz_to_lab_1(xyz):
    fx = _lab_f_1(xyz[0] / _WHITE[0])
    fy = _lab_f_1(xyz[1] / _WHITE[1])
    fz = _lab_f_1(xyz[2] / _WHITE[2])
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


def linear_to_lab_1(rgb):
    """Linear sRGB -> CIELAB (D65)."""
    return xyz_to_lab_1(linear_to_xyz_1(rgb))


def lab_to_linear_1(lab):
    """CIELAB (D65) -> linear sRGB (unclamped)."""
    L, a, b = lab
    fy = (L + 16) / 116
    fx = fy + a / 500
    fz = fy - b / 200

    def finv(f):
        return f ** 3 if f ** 3 > _EPS else (116 * f - 16) / _KAPPA

    x, y, z = finv(fx) * _WHITE[0], finv(fy) * _WHITE[1], finv(fz) * _WHITE[2]
    return (
        3.2404542 * x - 1.5371385 * y - 0.4985314 * z,
        -0.9692660 * x + 1.8760108 * y + 0.0415560 * z,
        0.0556434 * x - 0.2040259 * y + 1.0572252 * z,
    )


def linear_to_lab(a):
    """Vectorised :func:`linear_to_lab_1` on ``(..., 3)`` arrays."""
    np = _array.np()
    r, g, b = a[..., 0], a[..., 1], a[..., 2]
    m = _M_RGB2XYZ
    xyz = (
        m[0][0] * r + m[0][1] * g + m[0][2] * b,
        m[1][0] * r + m[1][1] * g + m[1][2] * b,
        m[2][0] * r + m[2][1] * g + m[2][2] * b,
    )
    f = [
        np.where(t / w > _EPS, np.maximum(t / w, _EPS) ** (1 / 3), (_KAPPA * (t / w) + 16) / 116)
        for t, w in zip(xyz, _WHITE)
    ]
    return np.stack((116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])), axis=-1)


# --- OKLab --------------------------------------------------------------------------

_OK_M1 = (
    (0.4122214708, 0.5363325363, 0.0514459929),
    (0.2119034982, 0.6806995451, 0.1073969566),
    (0.0883024619, 0.2817188376, 0.6299787005),
)
_OK_M2 = (
    (0.2104542553, 0.7936177850, -0.0040720468),
    (1.9779984951, -2.4285922050, 0.4505937099),
    (0.0259040371, 0.7827717662, -0.8086757660),
)


def _cbrt_1(v: float) -> float:
    return v ** (1 / 3) if v >= 0 else -((-v) ** (1 / 3))


def linear_to_oklab_1(rgb):
    """Linear sRGB -> OKLab (Ottosson 2020)."""
    r, g, b = rgb
    m1, m2 = _OK_M1, _OK_M2
    l_ = _cbrt_1(m1[0][0] * r + m1[0][1] * g + m1[0][2] * b)
    m_ = _cbrt_1(m1[1][0] * r + m1[1][1] * g + m1[1][2] * b)
    s_ = _cbrt_1(m1[2][0] * r + m1[2][1] * g + m1[2][2] * b)
    return (
        m2[0][0] * l_ + m2[0][1] * m_ + m2[0][2] * s_,
        m2[1][0] * l_ + m2[1][1] * m_ + m2[1][2] * s_,
        m2[2][0] * l_ + m2[2][1] * m_ + m2[2][2] * s_,
    )


def linear_to_oklab(a):
    """Vectorised :func:`linear_to_oklab_1`."""
    np = _array.np()
    r, g, b = a[..., 0], a[..., 1], a[..., 2]
    m1, m2 = _OK_M1, _OK_M2

    def cbrt(v):
        return np.where(v >= 0, np.abs(v) ** (1 / 3), -(np.abs(v) ** (1 / 3)))

    l_ = cbrt(m1[0][0] * r + m1[0][1] * g + m1[0][2] * b)
    m_ = cbrt(m1[1][0] * r + m1[1][1] * g + m1[1][2] * b)
    s_ = cbrt(m1[2][0] * r + m1[2][1] * g + m1[2][2] * b)
    return np.stack(
        [m2[i][0] * l_ + m2[i][1] * m_ + m2[i][2] * s_ for i in range(3)], axis=-1
    )


# --- colour differences -------------------------------------------------------------

def euclid_1(p, q) -> float:
    return math.sqrt((p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2 + (p[2] - q[2]) ** 2)


def euclid(p, q):
    np = _array.np()
    return np.sqrt((p[..., 0] - q[..., 0]) ** 2 + (p[..., 1] - q[..., 1]) ** 2
                   + (p[..., 2] - q[..., 2]) ** 2)


def cie94_1(lab1, lab2) -> float:
    """CIE94 (graphic arts weights kL=1, K1=0.045, K2=0.015), reference colour lab1."""
    L1, a1, b1 = lab1
    L2, a2, b2 = lab2
    c1 = math.sqrt(a1 * a1 + b1 * b1)
    c2 = math.sqrt(a2 * a2 + b2 * b2)
    dl = L1 - L2
    dc = c1 - c2
    dh2 = (a1 - a2) ** 2 + (b1 - b2) ** 2 - dc * dc
    sc = 1 + 0.045 * c1
    sh = 1 + 0.015 * c1
    return math.sqrt(dl * dl + (dc / sc) ** 2 + max(dh2, 0.0) / (sh * sh))


def cie94(lab1, lab2):
    np = _array.np()
    L1, a1, b1 = lab1[..., 0], lab1[..., 1], lab1[..., 2]
    L2, a2, b2 = lab2[..., 0], lab2[..., 1], lab2[..., 2]
    c1 = np.sqrt(a1 * a1 + b1 * b1)
    c2 = np.sqrt(a2 * a2 + b2 * b2)
    dl = L1 - L2
    dc = c1 - c2
    dh2 = (a1 - a2) ** 2 + (b1 - b2) ** 2 - dc * dc
    sc = 1 + 0.045 * c1
    sh = 1 + 0.015 * c1
    return np.sqrt(dl * dl + (dc / sc) ** 2 + np.maximum(dh2, 0.0) / (sh * sh))


_POW25_7 = 25.0 ** 7
_DEG = math.pi / 180


def ciede2000_1(lab1, lab2) -> float:
    """CIEDE2000 colour difference (kL = kC = kH = 1), Sharma et al. 2005, eqs. 1-22."""
    L1, a1, b1 = lab1
    L2, a2, b2 = lab2
    c1 = math.sqrt(a1 * a1 + b1 * b1)
    c2 = math.sqrt(a2 * a2 + b2 * b2)
    cm7 = ((c1 + c2) / 2) ** 7
    g = 0.5 * (1 - math.sqrt(cm7 / (cm7 + _POW25_7)))
    a1p = (1 + g) * a1
    a2p = (1 + g) * a2
    c1p = math.sqrt(a1p * a1p + b1 * b1)
    c2p = math.sqrt(a2p * a2p + b2 * b2)
    h1p = math.atan2(b1, a1p) % (2 * math.pi) if c1p != 0 else 0.0
    h2p = math.atan2(b2, a2p) % (2 * math.pi) if c2p != 0 else 0.0
    dlp = L2 - L1
    dcp = c2p - c1p
    cprod = c1p * c2p
    dh = h2p - h1p
    if cprod == 0:
        dh = 0.0
    elif dh > math.pi:
        dh -= 2 * math.pi
    elif dh < -math.pi:
        dh += 2 * math.pi
    dhp = 2 * math.sqrt(cprod) * math.sin(dh / 2)
    lpm = (L1 + L2) / 2
    cpm = (c1p + c2p) / 2
    hsum = h1p + h2p
    if cprod == 0:
        hpm = hsum
    elif abs(h1p - h2p) <= math.pi:
        hpm = hsum / 2
    elif hsum < 2 * math.pi:
        hpm = (hsum + 2 * math.pi) / 2
    else:
        hpm = (hsum - 2 * math.pi) / 2
    t = (1 - 0.17 * math.cos(hpm - 30 * _DEG) + 0.24 * math.cos(2 * hpm)
         + 0.32 * math.cos(3 * hpm + 6 * _DEG) - 0.20 * math.cos(4 * hpm - 63 * _DEG))
    dtheta = 30 * _DEG * math.exp(-(((hpm / _DEG) - 275) / 25) ** 2)
    cpm7 = cpm ** 7
    rc = 2 * math.sqrt(cpm7 / (cpm7 + _POW25_7))
    lpm50 = (lpm - 50) ** 2
    sl = 1 + 0.015 * lpm50 / math.sqrt(20 + lpm50)
    sc = 1 + 0.045 * cpm
    sh = 1 + 0.015 * cpm * t
    rt = -math.sin(2 * dtheta) * rc
    tl, tc, th = dlp / sl, dcp / sc, dhp / sh
    return math.sqrt(tl * tl + tc * tc + th * th + rt * tc * th)


def ciede2000(lab1, lab2):
    """Vectorised :func:`ciede2000_1` on broadcastable ``(..., 3)`` arrays."""
    np = _array.np()
    L1, a1, b1 = lab1[..., 0], lab1[..., 1], lab1[..., 2]
    L2, a2, b2 = lab2[..., 0], lab2[..., 1], lab2[..., 2]
    c1 = np.sqrt(a1 * a1 + b1 * b1)
    c2 = np.sqrt(a2 * a2 + b2 * b2)
    cm7 = ((c1 + c2) / 2) ** 7
    g = 0.5 * (1 - np.sqrt(cm7 / (cm7 + _POW25_7)))
    a1p = (1 + g) * a1
    a2p = (1 + g) * a2
    c1p = np.sqrt(a1p * a1p + b1 * b1)
    c2p = np.sqrt(a2p * a2p + b2 * b2)
    two_pi = 2 * math.pi
    h1p = np.where(c1p != 0, np.mod(np.arctan2(b1, a1p), two_pi), 0.0)
    h2p = np.where(c2p != 0, np.mod(np.arctan2(b2, a2p), two_pi), 0.0)
    dlp = L2 - L1
    dcp = c2p - c1p
    cprod = c1p * c2p
    dh = h2p - h1p
    dh = np.where(dh > math.pi, dh - two_pi, np.where(dh < -math.pi, dh + two_pi, dh))
    dh = np.where(cprod == 0, 0.0, dh)
    dhp = 2 * np.sqrt(cprod) * np.sin(dh / 2)
    lpm = (L1 + L2) / 2
    cpm = (c1p + c2p) / 2
    hsum = h1p + h2p
    hpm = np.where(
        cprod == 0, hsum,
        np.where(np.abs(h1p - h2p) <= math.pi, hsum / 2,
                 np.where(hsum < two_pi, (hsum + two_pi) / 2, (hsum - two_pi) / 2)))
    t = (1 - 0.17 * np.cos(hpm - 30 * _DEG) + 0.24 * np.cos(2 * hpm)
         + 0.32 * np.cos(3 * hpm + 6 * _DEG) - 0.20 * np.cos(4 * hpm - 63 * _DEG))
    dtheta = 30 * _DEG * np.exp(-(((hpm / _DEG) - 275) / 25) ** 2)
    cpm7 = cpm ** 7
    rc = 2 * np.sqrt(cpm7 / (cpm7 + _POW25_7))
    lpm50 = (lpm - 50) ** 2
    sl = 1 + 0.015 * lpm50 / np.sqrt(20 + lpm50)
    sc = 1 + 0.045 * cpm
    sh = 1 + 0.015 * cpm * t
    rt = -np.sin(2 * dtheta) * rc
    tl, tc, th = dlp / sl, dcp / sc, dhp / sh
    return np.sqrt(tl * tl + tc * tc + th * th + rt * tc * th)


# --- the same differences split: a first-coordinate term plus a term of the other two ------
#
# Each metric's squared difference is ``l_term(p0, q0) + ab_term(p1, p2, q1, q2)``: the first
# coordinate (L*, OKLab L, or sRGB red) enters only the first term. A grid of colours repeats
# its first coordinates and its (second, third) pairs far more than its triples, so the cost
# matrix of grid cells (match.cost_matrix) computes each term once per distinct value. The
# scalar ab terms come a row at a time (one colour against a list of (second, third) pairs:
# what the cost matrix needs, with the first colour's share worked out once). Scalar and
# vectorised forms do the same floating-point operations in the same order (squares and
# 7th powers as products), so they agree bit for bit wherever the elementary functions do.

def sq_diff_1(x1: float, x2: float) -> float:
    """``(x1 - x2)^2``: one coordinate's share of a Euclidean distance (also CIE94's
    lightness term, kL = S_L = 1)."""
    d = x1 - x2
    return d * d


def sq_diff(x1, x2):
    """Vectorised :func:`sq_diff_1`."""
    d = x1 - x2
    return d * d


def euclid_ab_row_1(a1, b1, pairs) -> list:
    """The second and third coordinates' share of a squared Euclidean distance, from
    ``(a1, b1)`` to each ``(a2, b2)`` of ``pairs``."""
    out = []
    for a2, b2 in pairs:
        da = a1 - a2
        db = b1 - b2
        out.append(da * da + db * db)
    return out


def euclid_ab(a1, b1, a2, b2):
    """Vectorised :func:`euclid_ab_row_1` on broadcastable arrays."""
    da = a1 - a2
    db = b1 - b2
    return da * da + db * db


def cie94_ab_row_1(a1, b1, pairs) -> list:
    """CIE94's chroma and hue terms ``(dC/S_C)^2 + dH^2/S_H^2`` (CIE 15:2004; graphic arts,
    kC = kH = 1) from ``(a1, b1)`` to each ``(a2, b2)`` of ``pairs``, with :func:`cie94_1`'s
    asymmetry: S_C and S_H from the chroma of colour 1, the reference (the image's colour in
    the matcher). Plus :func:`sq_diff_1` of L*, the square of :func:`cie94_1`."""
    c1 = math.sqrt(a1 * a1 + b1 * b1)
    sc = 1 + 0.045 * c1
    sh = 1 + 0.015 * c1
    sh2 = sh * sh
    out = []
    for a2, b2 in pairs:
        c2 = math.sqrt(a2 * a2 + b2 * b2)
        dc = c1 - c2
        da = a1 - a2
        db = b1 - b2
        dh2 = da * da + db * db - dc * dc
        tc = dc / sc
        out.append(tc * tc + max(dh2, 0.0) / sh2)
    return out


def cie94_ab(a1, b1, a2, b2):
    """Vectorised :func:`cie94_ab_row_1` on broadcastable arrays."""
    np = _array.np()
    c1 = np.sqrt(a1 * a1 + b1 * b1)
    sc = 1 + 0.045 * c1
    sh = 1 + 0.015 * c1
    sh2 = sh * sh
    c2 = np.sqrt(a2 * a2 + b2 * b2)
    dc = c1 - c2
    da = a1 - a2
    db = b1 - b2
    dh2 = da * da + db * db - dc * dc
    tc = dc / sc
    return tc * tc + np.maximum(dh2, 0.0) / sh2


def ciede2000_l_1(L1: float, L2: float) -> float:
    """CIEDE2000's lightness term ``(dL'/S_L)^2`` (Sharma, Wu, Dalal 2005, eqs. 8, 16, 18):
    the only part of the formula that depends on L*. Plus :func:`ciede2000_ab_row_1`, the square
    of :func:`ciede2000_1`."""
    lpm = (L1 + L2) / 2
    lpm50 = (lpm - 50) * (lpm - 50)
    sl = 1 + 0.015 * lpm50 / math.sqrt(20 + lpm50)
    tl = (L2 - L1) / sl
    return tl * tl


def ciede2000_l(L1, L2):
    """Vectorised :func:`ciede2000_l_1`."""
    np = _array.np()
    lpm = (L1 + L2) / 2
    lpm50 = (lpm - 50) * (lpm - 50)
    sl = 1 + 0.015 * lpm50 / np.sqrt(20 + lpm50)
    tl = (L2 - L1) / sl
    return tl * tl


def ciede2000_ab_row_1(a1, b1, pairs, sqrt=math.sqrt, atan2=math.atan2, sin=math.sin,
                       cos=math.cos, exp=math.exp) -> list:
    """CIEDE2000's chroma and hue terms ``(dC'/S_C)^2 + (dH'/S_H)^2 + R_T (dC'/S_C)(dH'/S_H)``
    (Sharma, Wu, Dalal 2005, eqs. 2-7, 9-15, 17, 19-22) from ``(a1, b1)`` to each ``(a2, b2)``
    of ``pairs``: everything but lightness (G, a', C', h', dH', T, R_T, S_C, S_H) depends on
    a* and b* only. Plus :func:`ciede2000_l_1`, the square of :func:`ciede2000_1` (same steps,
    the sum reassociated)."""
    c1 = sqrt(a1 * a1 + b1 * b1)
    bb1 = b1 * b1
    out = []
    for a2, b2 in pairs:
        c2 = sqrt(a2 * a2 + b2 * b2)
        x = (c1 + c2) / 2
        x2 = x * x
        cm7 = x2 * x2 * x2 * x
        g = 0.5 * (1 - sqrt(cm7 / (cm7 + _POW25_7)))
        a1p = (1 + g) * a1
        a2p = (1 + g) * a2
        c1p = sqrt(a1p * a1p + bb1)
        c2p = sqrt(a2p * a2p + b2 * b2)
        h1p = atan2(b1, a1p) % _TWO_PI if c1p != 0 else 0.0
        h2p = atan2(b2, a2p) % _TWO_PI if c2p != 0 else 0.0
        cprod = c1p * c2p
        hsum = h1p + h2p
        if cprod == 0:
            dh = 0.0
            hpm = hsum
        else:
            dh = h2p - h1p
            if dh > _PI:
                dh -= _TWO_PI
            elif dh < -_PI:
                dh += _TWO_PI
            if abs(h1p - h2p) <= _PI:
                hpm = hsum / 2
            elif hsum < _TWO_PI:
                hpm = (hsum + _TWO_PI) / 2
            else:
                hpm = (hsum - _TWO_PI) / 2
        dhp = 2 * sqrt(cprod) * sin(dh / 2)
        cpm = (c1p + c2p) / 2
        t = (1 - 0.17 * cos(hpm - _H30) + 0.24 * cos(2 * hpm)
             + 0.32 * cos(3 * hpm + _H6) - 0.20 * cos(4 * hpm - _H63))
        e = ((hpm / _DEG) - 275) / 25
        dtheta = _H30 * exp(-(e * e))
        y2 = cpm * cpm
        cpm7 = y2 * y2 * y2 * cpm
        rc = 2 * sqrt(cpm7 / (cpm7 + _POW25_7))
        sc = 1 + 0.045 * cpm
        sh = 1 + 0.015 * cpm * t
        rt = -sin(2 * dtheta) * rc
        tc = (c2p - c1p) / sc
        th = dhp / sh
        out.append(tc * tc + th * th + rt * tc * th)
    return out


def ciede2000_ab(a1, b1, a2, b2):
    """Vectorised :func:`ciede2000_ab_row_1` on broadcastable arrays, bit for bit: its arctangents
    and exponentials are the C library's, as on the pure path (numpy's own differ from it in
    the last bits on some machines, which could turn a rounded cost)."""
    np = _array.np()
    c1 = np.sqrt(a1 * a1 + b1 * b1)
    c2 = np.sqrt(a2 * a2 + b2 * b2)
    x = (c1 + c2) / 2
    x2 = x * x
    cm7 = x2 * x2 * x2 * x
    g = 0.5 * (1 - np.sqrt(cm7 / (cm7 + _POW25_7)))
    a1p = (1 + g) * a1
    a2p = (1 + g) * a2
    c1p = np.sqrt(a1p * a1p + b1 * b1)
    c2p = np.sqrt(a2p * a2p + b2 * b2)
    h1p = np.where(c1p != 0, np.mod(_libm(np, math.atan2, b1, a1p), _TWO_PI), 0.0)
    h2p = np.where(c2p != 0, np.mod(_libm(np, math.atan2, b2, a2p), _TWO_PI), 0.0)
    dcp = c2p - c1p
    cprod = c1p * c2p
    dh = h2p - h1p
    dh = np.where(dh > _PI, dh - _TWO_PI, np.where(dh < -_PI, dh + _TWO_PI, dh))
    dh = np.where(cprod == 0, 0.0, dh)
    dhp = 2 * np.sqrt(cprod) * np.sin(dh / 2)
    cpm = (c1p + c2p) / 2
    hsum = h1p + h2p
    hpm = np.where(
        cprod == 0, hsum,
        np.where(np.abs(h1p - h2p) <= _PI, hsum / 2,
                 np.where(hsum < _TWO_PI, (hsum + _TWO_PI) / 2, (hsum - _TWO_PI) / 2)))
    t = (1 - 0.17 * np.cos(hpm - _H30) + 0.24 * np.cos(2 * hpm)
         + 0.32 * np.cos(3 * hpm + _H6) - 0.20 * np.cos(4 * hpm - _H63))
    e = ((hpm / _DEG) - 275) / 25
    dtheta = _H30 * _libm(np, math.exp, -(e * e))
    y2 = cpm * cpm
    cpm7 = y2 * y2 * y2 * cpm
    rc = 2 * np.sqrt(cpm7 / (cpm7 + _POW25_7))
    sc = 1 + 0.045 * cpm
    sh = 1 + 0.015 * cpm * t
    rt = -np.sin(2 * dtheta) * rc
    tc, th = dcp / sc, dhp / sh
    return tc * tc + th * th + rt * tc * th


def _libm(np, f, *arrays):
    """``f`` (a :mod:`math` function) on each element of broadcastable arrays."""
    return np.asarray(np.frompyfunc(f, len(arrays), 1)(*arrays), dtype=np.float64)


_PI = math.pi
_TWO_PI = 2 * math.pi
_H6, _H30, _H63 = 6 * _DEG, 30 * _DEG, 63 * _DEG


# --- metrics: a space to compare in and a distance there -------------------------

class Metric:
    """A colour-difference metric: where colours are compared and how.

    ``to_space_1``/``to_space`` map linear sRGB to the comparison space;
    ``distance_1``/``distance`` compare two colours there (first argument: the image).
    The same distance split, the first coordinate apart from the other two:
    ``sqrt(l_term(p0, q0) + ab_term(p1, p2, q1, q2))`` on broadcastable arrays, and on scalars
    ``sqrt(l_term_1(p0, q0) + ab_row_1(p1, p2, [(q1, q2)])[0])``.
    """

    def __init__(self, name, label, to_space_1, to_space, distance_1, distance,
                 l_term_1, l_term, ab_row_1, ab_term):
        self.name, self.label = name, label
        self.to_space_1, self.to_space = to_space_1, to_space
        self.distance_1, self.distance = distance_1, distance
        self.l_term_1, self.l_term = l_term_1, l_term
        self.ab_row_1, self.ab_term = ab_row_1, ab_term

    @property
    def in_cielab(self) -> bool:
        """Whether it compares in CIELAB (:func:`linear_to_lab_1` / :func:`linear_to_lab`):
        then a pixel's comparison space is its CIELAB, and need not be converted again."""
        return self.to_space_1 is linear_to_lab_1 and self.to_space is linear_to_lab

    def __repr__(self):
        return f"Metric({self.name!r})"


def _srgb255_1(rgb):
    return tuple(linear_to_srgb_1(v) * 255 for v in rgb)


def _srgb255(a):
    return linear_to_srgb(a) * 255


_EUCLID = (sq_diff_1, sq_diff, euclid_ab_row_1, euclid_ab)

METRICS = {
    m.name: m
    for m in (
        Metric("rgb", "Euclidean sRGB (0-255)", _srgb255_1, _srgb255, euclid_1, euclid, *_EUCLID),
        Metric("cie76", "CIE76 (Euclidean CIELAB)", linear_to_lab_1, linear_to_lab, euclid_1, euclid,
               *_EUCLID),
        Metric("cie94", "CIE94 (graphic arts)", linear_to_lab_1, linear_to_lab, cie94_1, cie94,
               sq_diff_1, sq_diff, cie94_ab_row_1, cie94_ab),
        Metric("ciede2000", "CIEDE2000", linear_to_lab_1, linear_to_lab, ciede2000_1, ciede2000,
               ciede2000_l_1, ciede2000_l, ciede2000_ab_row_1, ciede2000_ab),
        Metric("oklab", "OKLab Euclidean (x100)",
               lambda rgb: tuple(100 * v for v in linear_to_oklab_1(rgb)),
               lambda a: 100 * linear_to_oklab(a), euclid_1, euclid, *_EUCLID),
    )
}


def get_metric(name: str) -> Metric:
    try:
        return METRICS[name]
    except (KeyError, TypeError):  # TypeError: not a name at all (a list, ...)
        raise ValueError(f"This is an unknown colour metric: {shown(name)}. Choose {one_of(METRICS)}.") from None
