"""Best look within stock: rearrange the pieces so the mosaic *looks* closest to the photo.

In the spirit of direct binary search halftoning (M. Analoui and J. P. Allebach,
"Model-based halftoning using direct binary search", Proc. SPIE 1666, 1992): start from a
good mosaic and change studs while an error measured through a model of the eye falls.
The model is :mod:`legoremix.perceive` (Gaussian blur of sigma = 1 stud in linear light,
then CIEDE2000); the stock is a hard limit and painted studs never change.

Moves, each kept only when it lowers the error:

- *change*: one stud takes another colour that still has spare pieces;
- *neighbour swap*: two adjacent studs (8-neighbourhood) exchange colours (counts kept);
- *trade*: for a colour with no spare piece, one stud takes it while a stud anywhere else
  gives it up for a colour with spare pieces (counts kept within stock): how scarce
  colours move to where they help the look most.

A change at one stud moves the blurred mosaic only inside a 7 x 7 window, so each move is
priced in constant time from per-stud sums kept up to date as moves are made. The error
priced is a quadratic model of the perceived error, rebuilt at every pass:

- per stud ``i``, CIEDE2000 squared is linearised into a quadratic form ``A_i`` on linear
  RGB (the chain rule through CIELAB, with CIEDE2000's lightness, chroma and hue weights
  and its rotation term, at the midpoint between the blurred photo and mosaic);
- to minimise the *mean* CIEDE2000 (not its square), each stud is weighted by
  ``1 / (2 dE_i)`` with its current error: a majorise-minimise step for ``sqrt``
  (D. R. Hunter and K. Lange, "A tutorial on MM algorithms", Am. Stat. 58, 2004).

A move is priced at ``Delta = 2 c_j . d + d^T Q_j d`` (``d``: the change of the stud's seen
colour; ``c_j = sum_i w_ij g_i`` with ``g_i = A_i e_i`` and ``e`` the blurred error;
``Q_j = sum_i w_ij^2 A_i``). Every pass ends with the exact perceived error; the best
mosaic met is returned, so the result is never worse than the start. The same scalar code
runs on both engine paths (identical mosaics); ``budget`` (seconds) bounds the time, for
the browser, and then the best mosaic found so far is returned.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from operator import mul

from . import color, dither as dither_mod, image, perceive

#: Passes at most (a pass visits every stud, then trades scarce colours).
MAX_PASSES = 12
#: Smallest error used in the 1 / (2 dE) weights (CIEDE2000 units).
FLOOR = 1.0
#: A move must lower the modelled error by more than this to be made.
TOL = 1e-7
#: Stop when a pass lowers the perceived error by less than this fraction.
STALL = 2e-3

_M = ((0.4124564, 0.3575761, 0.1804375), (0.2126729, 0.7151522, 0.0721750), (0.0193339, 0.1191920, 0.9503041))
_WHITE = (0.95047, 1.0, 1.08883)
_EPS = 216 / 24389
_KAPPA = 24389 / 27
_P25_7 = 25.0 ** 7
_DEG = math.pi / 180



@dataclass
class Result:
    labels: list
    start_error: float  # perceived error (mean CIEDE2000) of the start
    error: float  # perceived error of ``labels``
    passes: int
    changes: int
    swaps: int
    trades: int
    seconds: float
    converged: bool  # False: stopped by the time budget


def metric(rgb, weight: float = 1.0) -> tuple:
    """The quadratic form ``A`` with ``CIEDE2000(lab(rgb), lab(rgb + d))^2 ~ d^T A d`` for
    small linear-RGB changes ``d``, times ``weight``, as ``(a00, a01, a02, a11, a12, a22)``.

    Chain rule: linear RGB -> XYZ -> CIELAB (Jacobian), then CIEDE2000's terms at this
    colour (Sharma, Wu, Dalal 2005): ``a' = (1 + G) a``, lightness ``/ S_L``, chroma
    ``/ S_C``, hue ``/ S_H`` and the rotation ``R_T``.
    """
    r, g, b = rgb
    (m00, m01, m02), (m10, m11, m12), (m20, m21, m22) = _M
    tx = (m00 * r + m01 * g + m02 * b) / _WHITE[0]
    ty = (m10 * r + m11 * g + m12 * b) / _WHITE[1]
    tz = (m20 * r + m21 * g + m22 * b) / _WHITE[2]
    # f(t) of CIELAB and its derivative (divided by the white point)
    if tx > _EPS:
        fx = tx ** (1 / 3)
        dx = fx / (3 * tx) / _WHITE[0]
    else:
        fx, dx = (_KAPPA * tx + 16) / 116, _KAPPA / 116 / _WHITE[0]
    if ty > _EPS:
        fy = ty ** (1 / 3)
        dy = fy / (3 * ty) / _WHITE[1]
    else:
        fy, dy = (_KAPPA * ty + 16) / 116, _KAPPA / 116 / _WHITE[1]
    if tz > _EPS:
        fz = tz ** (1 / 3)
        dz = fz / (3 * tz) / _WHITE[2]
    else:
        fz, dz = (_KAPPA * tz + 16) / 116, _KAPPA / 116 / _WHITE[2]
    L, a, bb = 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)
    c7 = (a * a + bb * bb) ** 3.5
    gf = 1 + 0.5 * (1 - math.sqrt(c7 / (c7 + _P25_7)))
    ap = gf * a
    cp = math.sqrt(ap * ap + bb * bb)
    l50 = (L - 50) ** 2
    sl = 1 + 0.015 * l50 / math.sqrt(20 + l50)
    sc = 1 + 0.045 * cp
    if cp > 0:
        u0, u1 = ap / cp, bb / cp
        hp = math.atan2(bb, ap) % (2 * math.pi)
    else:
        u0, u1, hp = 1.0, 0.0, 0.0
    tt = (1 - 0.17 * math.cos(hp - 30 * _DEG) + 0.24 * math.cos(2 * hp)
          + 0.32 * math.cos(3 * hp + 6 * _DEG) - 0.20 * math.cos(4 * hp - 63 * _DEG))
    sh = 1 + 0.015 * cp * tt
    cp7 = cp ** 7
    rt = -math.sin(60 * _DEG * math.exp(-((hp / _DEG - 275) / 25) ** 2)) * 2 * math.sqrt(cp7 / (cp7 + _P25_7))
    # Jacobian rows of L, a' and b with respect to linear RGB
    l0, l1, l2 = 116 * dy * m10, 116 * dy * m11, 116 * dy * m12
    a0, a1, a2 = (500 * gf * (dx * m00 - dy * m10), 500 * gf * (dx * m01 - dy * m11),
                  500 * gf * (dx * m02 - dy * m12))
    b0, b1, b2 = 200 * (dy * m10 - dz * m20), 200 * (dy * m11 - dz * m21), 200 * (dy * m12 - dz * m22)
    # rows of the lightness, chroma and hue terms
    l0, l1, l2 = l0 / sl, l1 / sl, l2 / sl
    c0, c1, c2 = (u0 * a0 + u1 * b0) / sc, (u0 * a1 + u1 * b1) / sc, (u0 * a2 + u1 * b2) / sc
    h0, h1, h2 = (u0 * b0 - u1 * a0) / sh, (u0 * b1 - u1 * a1) / sh, (u0 * b2 - u1 * a2) / sh
    k = rt / 2
    w = weight
    return (w * (l0 * l0 + c0 * c0 + h0 * h0 + 2 * k * c0 * h0),
            w * (l0 * l1 + c0 * c1 + h0 * h1 + k * (c0 * h1 + h0 * c1)),
            w * (l0 * l2 + c0 * c2 + h0 * h2 + k * (c0 * h2 + h0 * c2)),
            w * (l1 * l1 + c1 * c1 + h1 * h1 + 2 * k * c1 * h1),
            w * (l1 * l2 + c1 * c2 + h1 * h2 + k * (c1 * h2 + h1 * c2)),
            w * (l2 * l2 + c2 * c2 + h2 * h2 + 2 * k * c2 * h2))


def error_map(target_lab, mosaic_blurred) -> list:
    """CIEDE2000 per stud (scalar code: the same floats on both engine paths)."""
    lab, de = color.linear_to_lab_1, color.ciede2000_1
    return [de(p, lab(q)) for p, q in zip(target_lab, mosaic_blurred)]


def _blur_list(pixels, width, height):
    """:func:`perceive.blur` as a list (both of its paths give the same floats)."""
    out = perceive.blur(pixels, width, height)
    return out.tolist() if hasattr(out, "tolist") else out


def _blur_t(fields, width, height, square=False):
    """Transposed blur of scalar fields (``sum_i w_ij f_i`` for each ``j``), with squared
    weights when ``square``. The 2-D weight is separable: rows, then columns."""
    tx = [tuple((i, w * w if square else w) for i, w in r) for r in perceive.taps_t(width)]
    ty = [tuple((i, w * w if square else w) for i, w in r) for r in perceive.taps_t(height)]
    out = []
    for f in fields:
        rows = [f[y * width:(y + 1) * width] for y in range(height)]
        cols = perceive.combine(list(zip(*rows)), tx)
        out.append([v for row in perceive.combine(list(zip(*cols)), ty) for v in row])
    return out


def refine_labels(target, seen, labels, width, height, stock, pins=None, budget=None,
                  max_passes=MAX_PASSES, progress=None) -> Result:
    """Lower the perceived error of ``labels`` within the stock.

    ``target``: ``w*h`` linear triples (the photo); ``seen``: the colour seen per palette
    entry (linear); ``labels``: the start, palette index per stud, within the stock;
    ``stock``: per colour, pieces for the unpainted studs (``None``: unlimited); ``pins``:
    painted studs (index -> palette index), never changed; ``budget``: seconds at most
    (``None``: until no pass helps, at most ``max_passes``); ``progress``: called with the
    fraction done (of the budget, else of the passes) a few times a second.
    """
    t0 = time.perf_counter()
    deadline = None if budget is None else t0 + budget
    n, k = width * height, len(seen)
    pins = pins or {}
    labels = list(labels)
    if len(labels) != n:
        raise ValueError("The mosaic to refine does not match its size.")
    free = [i not in pins for i in range(n)]
    counts = [0] * k
    for i in range(n):
        if free[i]:
            counts[labels[i]] += 1
    spare = [None if s is None else s - c for s, c in zip(stock, counts)]  # None: unlimited
    if any(s is not None and s < 0 for s in spare):
        raise ValueError("The mosaic to refine uses more pieces than the stock.")
    bt = _blur_list(target, width, height)
    bt_lab = [color.linear_to_lab_1(p) for p in bt]

    def evaluate(lab_):
        bm_ = _blur_list([seen[j] for j in lab_], width, height)
        de_ = error_map(bt_lab, bm_)
        return bm_, de_, sum(de_) / n

    st = _State(width, height, seen, labels, free, spare, bt)
    st.tick = _ticker(progress, t0, budget, lambda: passes / max_passes)
    bm, de, err = evaluate(labels)
    start = best = err
    best_labels = list(labels)
    passes = 0
    converged = False
    while passes < max_passes:
        if deadline is not None and time.perf_counter() > deadline:
            break
        st.prepare(bm, de)
        made = st.sweep(deadline) + st.trade(deadline)
        passes += 1
        st.tick()
        bm, de, err = evaluate(st.labels)
        if err < best:
            improved = best - err
            best, best_labels = err, list(st.labels)
        else:
            improved = 0.0
        if made == 0 or improved < STALL * best:
            converged = deadline is None or time.perf_counter() <= deadline
            break
    return Result(best_labels, start, best, passes, st.changes, st.swaps, st.trades,
                  time.perf_counter() - t0, converged)


#: Seconds between two progress reports.
TICK = 0.1


def _ticker(progress, t0, budget, passes_done):
    """A function to call often: reports ``progress(fraction)`` at most every :data:`TICK`
    seconds (fraction of the time budget, else of the passes); does nothing without one."""
    if progress is None:
        return lambda: None
    clock = time.perf_counter
    last = [t0]

    def tick():
        now = clock()
        if now - last[0] >= TICK:
            last[0] = now
            progress(min(1.0, (now - t0) / budget) if budget else min(1.0, passes_done()))
    return tick


class _State:
    """The mosaic being refined, with the sums that price a move in constant time."""

    tick = staticmethod(lambda: None)  # called between rows and trades (progress reports)

    def __init__(self, width, height, seen, labels, free, spare, bt):
        self.w, self.h = width, height
        n, k = width * height, len(seen)
        self.seen = [tuple(p) for p in seen]
        self.labels, self.free, self.spare, self.bt = labels, free, spare, bt
        # per stud: the blurred values it moves, as flat-index offsets and weights w_ij
        # (studs with the same taps share one entry: all of them inside the border)
        tx, ty = perceive.taps_t(width), perceive.taps_t(height)
        classes: dict = {}
        self.win = []
        for j in range(n):
            jx, jy = j % width, j // width
            key = (tuple((ix - jx, wx) for ix, wx in tx[jx]), tuple((iy - jy, wy) for iy, wy in ty[jy]))
            hit = classes.get(key)
            if hit is None:
                offs = tuple(dy * width + dx for dy, _ in key[1] for dx, _ in key[0])
                wts = tuple(wy * wx for _, wy in key[1] for _, wx in key[0])
                hit = classes[key] = (offs, wts, dict(zip(offs, wts)))
            self.win.append(hit)
        # d = seen[b] - seen[a] and its monomials for d^T Q d, per ordered pair (a, b)
        self.d = [[tuple(q - p for p, q in zip(self.seen[a], self.seen[b])) for b in range(k)] for a in range(k)]
        self.mono = [[(d0 * d0, 2 * d0 * d1, 2 * d0 * d2, d1 * d1, 2 * d1 * d2, d2 * d2)
                      for d0, d1, d2 in row] for row in self.d]
        # the forward half of the 8-neighbourhood (each adjacent pair once), with the blur's
        # autocorrelation there (to screen swaps)
        self.pairs = [(dx, dy, math.exp(-(dx * dx + dy * dy) / (4 * perceive.SIGMA ** 2)))
                      for dx, dy in ((1, 0), (-1, 1), (0, 1), (1, 1))]
        self.changes = self.swaps = self.trades = 0

    # -- the model of one pass ---------------------------------------------------------
    def prepare(self, bm, de):
        """Rebuild the quadratic model at the current mosaic (blurred ``bm``, errors ``de``)."""
        n = self.w * self.h
        bt = self.bt
        amat = []
        g0, g1, g2 = [0.0] * n, [0.0] * n, [0.0] * n
        for i in range(n):
            p, q = bt[i], bm[i]
            a00, a01, a02, a11, a12, a22 = t = metric(((p[0] + q[0]) / 2, (p[1] + q[1]) / 2, (p[2] + q[2]) / 2),
                                                      1 / (2 * max(de[i], FLOOR)))
            amat.append(t)
            e0, e1, e2 = q[0] - p[0], q[1] - p[1], q[2] - p[2]
            g0[i] = a00 * e0 + a01 * e1 + a02 * e2
            g1[i] = a01 * e0 + a11 * e1 + a12 * e2
            g2[i] = a02 * e0 + a12 * e1 + a22 * e2
        self.a, self.g = amat, (g0, g1, g2)
        self.q = list(zip(*_blur_t(list(zip(*amat)), self.w, self.h, square=True)))
        self.c = [list(v) for v in _blur_t(self.g, self.w, self.h)]
        self.stale = [False] * n

    def c_of(self, j):
        """``c_j = sum_i w_ij g_i``, recomputed when a move nearby made it stale."""
        c = self.c
        if not self.stale[j]:
            return c[0][j], c[1][j], c[2][j]
        offs, wts, _ = self.win[j]
        g0, g1, g2 = self.g
        c0 = c1 = c2 = 0.0
        for o, ww in zip(offs, wts):
            i = j + o
            c0 += ww * g0[i]
            c1 += ww * g1[i]
            c2 += ww * g2[i]
        c[0][j], c[1][j], c[2][j] = c0, c1, c2
        self.stale[j] = False
        return c0, c1, c2

    def delta(self, j, c, a, b):
        """Modelled change of the error when stud ``j`` (sums ``c``) goes from ``a`` to ``b``."""
        d0, d1, d2 = self.d[a][b]
        m0, m1, m2, m3, m4, m5 = self.mono[a][b]
        q0, q1, q2, q3, q4, q5 = self.q[j]
        return 2 * (c[0] * d0 + c[1] * d1 + c[2] * d2) + q0 * m0 + q1 * m1 + q2 * m2 + q3 * m3 + q4 * m4 + q5 * m5

    def cross(self, j, k, dj, dk):
        """``dj^T P_jk dk`` with ``P_jk = sum_i w_ij w_ik A_i``: what changes ``dj`` at stud ``j``
        and ``dk`` at stud ``k`` share through the blur (0 when their windows do not meet)."""
        w = self.w
        r = 2 * perceive.RADIUS
        if abs(j % w - k % w) > r or abs(j // w - k // w) > r:
            return 0.0
        near = self.win[j][2]
        offs, wts, _ = self.win[k]
        x0, x1, x2 = dk
        y0, y1, y2 = dj
        amat = self.a
        t = 0.0
        for o, wk in zip(offs, wts):
            i = k + o
            wj = near.get(i - j)
            if wj is None:
                continue
            a00, a01, a02, a11, a12, a22 = amat[i]
            t += wj * wk * (y0 * (a00 * x0 + a01 * x1 + a02 * x2) + y1 * (a01 * x0 + a11 * x1 + a12 * x2)
                            + y2 * (a02 * x0 + a12 * x1 + a22 * x2))
        return t

    def apply(self, j, b):
        """Stud ``j`` takes colour ``b``: update the counts and the sums ``g``."""
        a = self.labels[j]
        d0, d1, d2 = self.d[a][b]
        self.labels[j] = b
        sp = self.spare
        if sp[a] is not None:
            sp[a] += 1
        if sp[b] is not None:
            sp[b] -= 1
        g0, g1, g2 = self.g
        amat = self.a
        offs, wts, _ = self.win[j]
        for o, ww in zip(offs, wts):
            i = j + o
            a00, a01, a02, a11, a12, a22 = amat[i]
            x0, x1, x2 = ww * d0, ww * d1, ww * d2
            g0[i] += a00 * x0 + a01 * x1 + a02 * x2
            g1[i] += a01 * x0 + a11 * x1 + a12 * x2
            g2[i] += a02 * x0 + a12 * x1 + a22 * x2
        # every c within twice the radius now needs recomputing
        w, h = self.w, self.h
        r = 2 * perceive.RADIUS
        jx, jy = j % w, j // w
        x0_, x1_ = max(0, jx - r), min(w, jx + r + 1)
        run = [True] * (x1_ - x0_)
        stale = self.stale
        for y in range(max(0, jy - r), min(h, jy + r + 1)):
            stale[y * w + x0_:y * w + x1_] = run

    # -- moves -------------------------------------------------------------------------
    def sweep(self, deadline) -> int:
        """Visit every stud: the best change into a colour with spare pieces, then swaps
        with its forward neighbours. Returns the number of moves made."""
        w, h = self.w, self.h
        labels, free, spare = self.labels, self.free, self.spare
        k = len(self.seen)
        made = 0
        clock = time.perf_counter
        for y in range(h):
            if deadline is not None and clock() > deadline:
                break
            self.tick()
            xs = range(w) if y % 2 == 0 else range(w - 1, -1, -1)
            open_ = [b for b in range(k) if spare[b] is None or spare[b] > 0]
            for x in xs:
                j = y * w + x
                if not free[j]:
                    continue
                a = labels[j]
                c0, c1, c2 = c = self.c_of(j)
                q0, q1, q2, q3, q4, q5 = qj = self.q[j]
                drow, mrow = self.d[a], self.mono[a]
                best, bb = -TOL, -1
                for b in open_:
                    if b == a:
                        continue
                    d0, d1, d2 = drow[b]
                    m0, m1, m2, m3, m4, m5 = mrow[b]
                    v = 2 * (c0 * d0 + c1 * d1 + c2 * d2) + q0 * m0 + q1 * m1 + q2 * m2 + q3 * m3 + q4 * m4 + q5 * m5
                    if v < best:
                        best, bb = v, b
                if bb >= 0:
                    self.apply(j, bb)
                    self.changes += 1
                    made += 1
                    if spare[bb] is not None and spare[bb] == 0 or spare[a] == 1:
                        open_ = [b for b in range(k) if spare[b] is None or spare[b] > 0]
                    a = bb
                    c = self.c_of(j)
                # swaps with the neighbours (exchanging two colours keeps the counts)
                for dx, dy, rho in self.pairs:
                    xx, yy = x + dx, y + dy
                    if not (0 <= xx < w and yy < h):
                        continue
                    kk = yy * w + xx
                    b = labels[kk]
                    if b == a or not free[kk]:
                        continue
                    # screen with the sums as they were (maybe stale) and the blur's autocorrelation,
                    # then price exactly
                    cc = self.c
                    dj, dk = self.delta(j, c, a, b), self.delta(kk, (cc[0][kk], cc[1][kk], cc[2][kk]), b, a)
                    m = self.mono[a][b]
                    qq = sum(map(mul, qj, m)) + sum(map(mul, self.q[kk], m))
                    if dj + dk - rho * qq >= -TOL:
                        continue
                    if self.stale[kk]:
                        dk = self.delta(kk, self.c_of(kk), b, a)
                    d = self.d[a][b]
                    if dj + dk - 2 * self.cross(j, kk, d, d) < -TOL:  # exact
                        self.apply(j, b)
                        self.apply(kk, a)
                        self.swaps += 1
                        made += 1
                        a = b
                        c = self.c_of(j)
        return made

    def trade(self, deadline) -> int:
        """Move colours that have no spare piece to where they help most: a stud takes
        such a colour while a stud elsewhere gives it up for a colour with spare pieces
        (or for the first stud's colour). Returns the number of trades made."""
        spare = self.spare
        made = 0
        clock = time.perf_counter
        for b in range(len(self.seen)):
            if spare[b] is not None and spare[b] == 0:
                if deadline is not None and clock() > deadline:
                    break
                self.tick()
                made += self._trade_into(b, deadline)
        return made

    def _trade_into(self, b, deadline) -> int:
        """Trades into colour ``b``: the studs that gain most by taking it, paired with the
        studs that lose least by giving it up, each pair priced exactly before it is made."""
        labels, free, spare = self.labels, self.free, self.spare
        n, k = self.w * self.h, len(self.seen)
        qv, dd, mono = self.q, self.d, self.mono
        opens = [s for s in range(k) if s != b and (spare[s] is None or spare[s] > 0)]
        want, give = [], []  # (modelled change, stud): taking b / giving b up for an open colour
        for j in range(n):
            if not free[j]:
                continue
            a = labels[j]
            c0, c1, c2 = self.c_of(j)
            q0, q1, q2, q3, q4, q5 = qv[j]
            best = math.inf
            for x, y in ((a, b),) if a != b else ((b, s) for s in opens):
                d0, d1, d2 = dd[x][y]
                m0, m1, m2, m3, m4, m5 = mono[x][y]
                v = 2 * (c0 * d0 + c1 * d1 + c2 * d2) + q0 * m0 + q1 * m1 + q2 * m2 + q3 * m3 + q4 * m4 + q5 * m5
                if v < best:
                    best = v
            if a != b:
                if best < -TOL:
                    want.append((best, j))
            elif best < math.inf:
                give.append((best, j))
        want.sort()
        give.sort()
        used = set()
        made = gi = 0
        clock = time.perf_counter
        for vj, j in want:
            if deadline is not None and clock() > deadline:
                break
            while gi < len(give) and give[gi][1] in used:
                gi += 1
            if gi >= len(give) or vj + give[gi][0] >= -TOL:
                break
            if j in used:
                continue
            # exact price with fresh sums: j takes b, then the best of the next few givers
            a = labels[j]
            dj = self.delta(j, self.c_of(j), a, b)
            if dj >= -TOL:
                continue
            pick = None
            for _, kk in give[gi:gi + 8]:
                if kk in used:
                    continue
                ck = self.c_of(kk)
                for s in range(k):
                    if s == b or not (s == a or spare[s] is None or spare[s] > 0):
                        continue
                    v = dj + self.delta(kk, ck, b, s) + 2 * self.cross(j, kk, dd[a][b], dd[b][s])
                    if v < -TOL and (pick is None or v < pick[0]):
                        pick = (v, kk, s)
            if pick is None:
                continue
            _, kk, s = pick
            self.apply(j, b)
            self.apply(kk, s)
            used.update((j, kk))
            self.trades += 1
            made += 1
        return made


def look(dither, match, adjust, metric, seen, pins, size, refine, refine_budget, progress=None):
    """Pipeline stage "look": the labels as dithered, or, with ``refine``, the best look
    within stock.

    A good start matters (as in DBS): the candidates are the dithered labels, the optimal
    assignment and Floyd-Steinberg error diffusion within stock. With a time budget (the
    page, seconds for this whole stage) the one that looks best is refined; without, the two
    that look best are refined and the better result kept. Either way the result is never
    worse than any candidate. ``progress(fraction)``: reports while it runs (the page's bar).
    """
    if not refine:
        return dither
    t0 = time.perf_counter()
    if progress is not None:
        progress(0.0)
    assignment, free, free_stock = match
    w, h = size
    flat = list(dither)
    for i, j in zip(free, assignment.labels):
        flat[i] = j
    target = image.to_list(adjust)
    fs = dither_mod.dither(target, w, h, seen, [metric.to_space_1(c) for c in seen], metric, free_stock,
                           assignment.prices, "floyd-steinberg", 100, True, pins)
    starts = []
    for lab in (flat, dither, fs):
        if lab not in starts:
            starts.append(lab)
    bt = [color.linear_to_lab_1(p) for p in _blur_list(target, w, h)]
    starts.sort(key=lambda lab: sum(error_map(bt, _blur_list([seen[j] for j in lab], w, h))))  # stable
    if refine_budget is not None:  # the budget covers this whole stage
        left = max(0.0, refine_budget - (time.perf_counter() - t0))
        share = left / refine_budget if refine_budget > 0 else 0.0  # of the stage's budget, for refining
        tick = None if progress is None else (lambda f: progress(1 - share * (1 - f)))
        return refine_labels(target, seen, starts[0], w, h, free_stock, pins, left, progress=tick).labels
    runs = starts[:2]
    results = [refine_labels(target, seen, lab, w, h, free_stock, pins,
                             progress=None if progress is None else (lambda f, i=i: progress((i + f) / len(runs))))
               for i, lab in enumerate(runs)]
    return min(results, key=lambda r: r.error).labels  # the first on a tie
