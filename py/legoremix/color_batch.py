"""CIELAB and CIEDE2000 of :mod:`legoremix.color` over every stud at once, for the pure path.

The per-stud stages (the photo as the eye sees it, the mosaic's colour differences) convert
and compare ``w*h`` colours. :func:`color.linear_to_lab_1` and :func:`color.ciede2000_1` called
once per stud spend much of their time on calls, tuple packing and global look-ups; the
loops here do the same floating-point operations in the same order with the formulas
written out once (constants computed beforehand, functions bound to local names), so each
result is the very float the scalar function gives (tests/test_stage_speed.py checks it).
The numpy path keeps the vectorised forms of :mod:`legoremix.color`.
"""
from __future__ import annotations

import math

from . import color

_M = color._M_RGB2XYZ
_WX, _WY, _WZ = color._WHITE
_EPS, _KAPPA = color._EPS, color._KAPPA
_THIRD = 1 / 3
assert _WY == 1.0  # linear_to_lab_list leaves out the division by Y_n
_POW25_7 = color._POW25_7
_DEG = color._DEG
_PI = math.pi
_TWO_PI = 2 * math.pi
_H6, _H30, _H63 = 6 * _DEG, 30 * _DEG, 63 * _DEG


def linear_to_lab_list(reds, greens, blues) -> list:
    """``[color.linear_to_lab_1((r, g, b)) ...]`` for the colours given channel by channel
    (the blur's output is three channel lists)."""
    m00, m01, m02 = _M[0]
    m10, m11, m12 = _M[1]
    m20, m21, m22 = _M[2]
    wx, wz, eps, kappa, third = _WX, _WZ, _EPS, _KAPPA, _THIRD
    out = []
    append = out.append
    for r, g, b in zip(reds, greens, blues):
        tx = (m00 * r + m01 * g + m02 * b) / wx
        ty = m10 * r + m11 * g + m12 * b  # / Y_n = 1.0: exact, left out
        tz = (m20 * r + m21 * g + m22 * b) / wz
        fx = tx ** third if tx > eps else (kappa * tx + 16.0) / 116.0
        fy = ty ** third if ty > eps else (kappa * ty + 16.0) / 116.0
        fz = tz ** third if tz > eps else (kappa * tz + 16.0) / 116.0
        append((116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)))
    return out


def linear_to_lab_pixels(pixels) -> list:
    """``[color.linear_to_lab_1(p) for p in pixels]`` (``pixels``: linear triples)."""
    return linear_to_lab_list(*zip(*pixels)) if pixels else []


def ciede2000_list(labs1, labs2) -> list:
    """``[color.ciede2000_1(p, q) for p, q in zip(labs1, labs2)]``."""
    return _ciede2000_loop(zip(labs1, labs2))


def ciede2000_to_palette(labs, pal_labs, labels) -> list:
    """``[color.ciede2000_1(labs[i], pal_labs[labels[i]]) ...]``: each stud against its piece."""
    return _ciede2000_loop(zip(labs, [pal_labs[j] for j in labels]))


def _ciede2000_loop(pairs) -> list:
    """CIEDE2000 (Sharma, Wu, Dalal 2005, eqs. 1-22; kL = kC = kH = 1) of each
    ``((L1, a1, b1), (L2, a2, b2))``: :func:`color.ciede2000_1` step by step.
    Written for CPython's fast paths without changing a result: float constants (an int
    operand is converted exactly, but skips the float-float fast path), halving as ``* 0.5``
    (exact, as ``/ 2``), and the hue cases tested once (``|h1' - h2'|`` is ``|dh|``)."""
    sqrt, atan2, sin, cos, exp = math.sqrt, math.atan2, math.sin, math.cos, math.exp
    pi, two_pi, p25, deg, h6, h30, h63 = _PI, _TWO_PI, _POW25_7, _DEG, _H6, _H30, _H63
    out = []
    append = out.append
    for (L1, a1, b1), (L2, a2, b2) in pairs:
        c1 = sqrt(a1 * a1 + b1 * b1)
        c2 = sqrt(a2 * a2 + b2 * b2)
        cm7 = ((c1 + c2) * 0.5) ** 7.0
        g1 = 1.0 + 0.5 * (1.0 - sqrt(cm7 / (cm7 + p25)))  # 1 + G
        a1p = g1 * a1
        a2p = g1 * a2
        c1p = sqrt(a1p * a1p + b1 * b1)
        c2p = sqrt(a2p * a2p + b2 * b2)
        h1p = atan2(b1, a1p) % two_pi if c1p != 0.0 else 0.0
        h2p = atan2(b2, a2p) % two_pi if c2p != 0.0 else 0.0
        cprod = c1p * c2p
        hsum = h1p + h2p
        if cprod == 0.0:
            dh = 0.0
            hpm = hsum
        else:
            dh = h2p - h1p
            if -pi <= dh <= pi:
                hpm = hsum * 0.5
            else:
                dh = dh - two_pi if dh > pi else dh + two_pi
                hpm = (hsum + two_pi) * 0.5 if hsum < two_pi else (hsum - two_pi) * 0.5
        dhp = 2.0 * sqrt(cprod) * sin(dh * 0.5)
        lpm = (L1 + L2) * 0.5
        cpm = (c1p + c2p) * 0.5
        t = (1.0 - 0.17 * cos(hpm - h30) + 0.24 * cos(2.0 * hpm)
             + 0.32 * cos(3.0 * hpm + h6) - 0.20 * cos(4.0 * hpm - h63))
        dtheta = h30 * exp(-(((hpm / deg) - 275.0) / 25.0) ** 2.0)
        cpm7 = cpm ** 7.0
        rc = 2.0 * sqrt(cpm7 / (cpm7 + p25))
        lpm50 = (lpm - 50.0) ** 2.0
        sl = 1.0 + 0.015 * lpm50 / sqrt(20.0 + lpm50)
        sc = 1.0 + 0.045 * cpm
        sh = 1.0 + 0.015 * cpm * t
        rt = -sin(2.0 * dtheta) * rc
        tl, tc, th = (L2 - L1) / sl, (c2p - c1p) / sc, dhp / sh
        append(sqrt(tl * tl + tc * tc + th * th + rt * tc * th))
    return out
