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
runs on both engine paths (identical mosaics); a limit (:class:`_Limit`: units of work,
what the browser uses so the same settings always give the same mosaic, or seconds) ends it
early, and then the best mosaic found so far is returned. Within a limit the moves
are first priced with the blur's 3 x 3 core (:data:`MODEL_RADIUS`), about half the work per
pass, and then with the whole blur from the best mosaic found (coarse to fine).
"""
from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass

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
    w = weight
    t0, t1, t2, t3, t4, t5 = _metric_terms(rgb)
    return w * t0, w * t1, w * t2, w * t3, w * t4, w * t5


# constants of _metric_terms (each the same float as the expression it names)
(_M00, _M01, _M02), (_M10, _M11, _M12), (_M20, _M21, _M22) = _M
_W0, _W1, _W2 = _WHITE
_THIRD = 1 / 3
_LIN0, _LIN1, _LIN2 = _KAPPA / 116 / _W0, _KAPPA / 116 / _W1, _KAPPA / 116 / _W2
_TWO_PI = 2 * math.pi
_H6, _H30, _H60, _H63 = 6 * _DEG, 30 * _DEG, 60 * _DEG, 63 * _DEG


def _metric_terms(rgb, sqrt=math.sqrt, cos=math.cos, sin=math.sin, exp=math.exp, atan2=math.atan2) -> tuple:
    """:func:`metric` with weight 1 (the pass keeps these per stud while its colour holds)."""
    r, g, b = rgb
    m00, m01, m02, m10, m11, m12, m20, m21, m22 = _M00, _M01, _M02, _M10, _M11, _M12, _M20, _M21, _M22
    tx = (m00 * r + m01 * g + m02 * b) / _W0
    ty = (m10 * r + m11 * g + m12 * b) / _W1
    tz = (m20 * r + m21 * g + m22 * b) / _W2
    # f(t) of CIELAB and its derivative (divided by the white point)
    if tx > _EPS:
        fx = tx ** _THIRD
        dx = fx / (3 * tx) / _W0
    else:
        fx, dx = (_KAPPA * tx + 16) / 116, _LIN0
    if ty > _EPS:
        fy = ty ** _THIRD
        dy = fy / (3 * ty) / _W1
    else:
        fy, dy = (_KAPPA * ty + 16) / 116, _LIN1
    if tz > _EPS:
        fz = tz ** _THIRD
        dz = fz / (3 * tz) / _W2
    else:
        fz, dz = (_KAPPA * tz + 16) / 116, _LIN2
    L, a, bb = 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)
    c7 = (a * a + bb * bb) ** 3.5
    gf = 1 + 0.5 * (1 - sqrt(c7 / (c7 + _P25_7)))
    ap = gf * a
    cp = sqrt(ap * ap + bb * bb)
    l50 = (L - 50) ** 2
    sl = 1 + 0.015 * l50 / sqrt(20 + l50)
    sc = 1 + 0.045 * cp
    if cp > 0:
        u0, u1 = ap / cp, bb / cp
        hp = atan2(bb, ap) % _TWO_PI
    else:
        u0, u1, hp = 1.0, 0.0, 0.0
    tt = (1 - 0.17 * cos(hp - _H30) + 0.24 * cos(2 * hp)
          + 0.32 * cos(3 * hp + _H6) - 0.20 * cos(4 * hp - _H63))
    sh = 1 + 0.015 * cp * tt
    cp7 = cp ** 7
    rt = -sin(_H60 * exp(-((hp / _DEG - 275) / 25) ** 2)) * 2 * sqrt(cp7 / (cp7 + _P25_7))
    # Jacobian rows of L, a' and b with respect to linear RGB
    l0, l1, l2 = 116 * dy * m10, 116 * dy * m11, 116 * dy * m12
    g5 = 500 * gf
    a0, a1, a2 = g5 * (dx * m00 - dy * m10), g5 * (dx * m01 - dy * m11), g5 * (dx * m02 - dy * m12)
    b0, b1, b2 = 200 * (dy * m10 - dz * m20), 200 * (dy * m11 - dz * m21), 200 * (dy * m12 - dz * m22)
    # rows of the lightness, chroma and hue terms
    l0, l1, l2 = l0 / sl, l1 / sl, l2 / sl
    c0, c1, c2 = (u0 * a0 + u1 * b0) / sc, (u0 * a1 + u1 * b1) / sc, (u0 * a2 + u1 * b2) / sc
    h0, h1, h2 = (u0 * b0 - u1 * a0) / sh, (u0 * b1 - u1 * a1) / sh, (u0 * b2 - u1 * a2) / sh
    k = rt / 2
    k2 = 2 * k
    return (l0 * l0 + c0 * c0 + h0 * h0 + k2 * c0 * h0,
            l0 * l1 + c0 * c1 + h0 * h1 + k * (c0 * h1 + h0 * c1),
            l0 * l2 + c0 * c2 + h0 * h2 + k * (c0 * h2 + h0 * c2),
            l1 * l1 + c1 * c1 + h1 * h1 + k2 * c1 * h1,
            l1 * l2 + c1 * c2 + h1 * h2 + k * (c1 * h2 + h1 * c2),
            l2 * l2 + c2 * c2 + h2 * h2 + k2 * c2 * h2)


def error_map(target_lab, mosaic_blurred) -> list:
    """CIEDE2000 per stud (scalar code: the same floats on both engine paths)."""
    lab, de = color.linear_to_lab_1, color.ciede2000_1
    return [de(p, lab(q)) for p, q in zip(target_lab, mosaic_blurred)]


def _blur_list(pixels, width, height):
    """:func:`perceive.blur` as a list (both of its paths give the same floats)."""
    out = perceive.blur(pixels, width, height)
    return out.tolist() if hasattr(out, "tolist") else out


class _Eye:
    """The photo as the eye sees it (blurred, CIELAB) and mosaics judged against it. The look
    stage ranks its starts with it and the refinement starts from the winner's numbers; each
    mosaic judged after the first recomputes a stud's error only where its blurred colour
    changed (the same floats as judging it afresh). One eye serves one set of colours seen."""

    def __init__(self, target, width, height):
        self.w, self.h = width, height
        self.bt = _blur_list(target, width, height)
        self.lab = [color.linear_to_lab_1(p) for p in self.bt]
        self.last = None  # (blurred mosaic, errors) of the last mosaic judged
        self.kept = {}  # tuple(labels) -> (blurred mosaic, errors, their sum), when asked to keep

    def judge(self, seen, labels, keep=False) -> tuple:
        """``(blurred mosaic, CIEDE2000 per stud, their sum)`` of ``labels`` (colours ``seen``)."""
        hit = self.kept.get(tuple(labels)) if self.kept else None
        if hit is not None:
            return hit
        bm = _blur_list([seen[j] for j in labels], self.w, self.h)
        if self.last is None:
            de = error_map(self.lab, bm)
        else:
            lab1, de1 = color.linear_to_lab_1, color.ciede2000_1
            de = [d if q == q_ else de1(p, lab1(q)) for p, q, q_, d in zip(self.lab, bm, *self.last)]
        self.last = bm, de
        out = bm, de, sum(de)
        if keep:
            self.kept[tuple(labels)] = out
        return out


#: Taps on each side of a stud in the coarse model that prices moves first when refining is
#: limited (the page). The eye's blur reaches ``perceive.RADIUS`` (3, its 7 x 7 window) and
#: the exact error that ends each pass uses all of it; the coarse model keeps its 3 x 3 core
#: (about 78 % of its weight, not renormalised), so a move touches 9 sums and makes 5 x 5 of
#: them stale instead of 49 and 13 x 13, and a pass costs about half. When it stops helping,
#: the whole blur's model goes on from the best mosaic found (coarse to fine): within a budget
#: the mosaic gets further, and run to the end it looks as good as with the whole model from
#: the start (docs/benchmarks.md). Without a budget the model is the whole blur throughout.
MODEL_RADIUS = 1


@functools.lru_cache(maxsize=64)
def model_taps(n: int, radius: int) -> tuple:
    """:func:`perceive.taps_t` within ``radius`` of each input, weights as they are (not
    renormalised: the model leaves out the blur's faint edge, it does not move it inwards)."""
    return tuple(tuple((i, w) for i, w in row if abs(i - j) <= radius) for j, row in enumerate(perceive.taps_t(n)))


def _combine(lists, plan) -> list:
    """:func:`perceive.combine` with fast paths for the models' 3 and 5 taps (the same sums,
    in plan order from the first product)."""
    out = []
    for t in plan:
        if len(t) == 3:
            (j0, w0), (j1, w1), (j2, w2) = t
            out.append([w0 * a + w1 * b + w2 * c for a, b, c in zip(lists[j0], lists[j1], lists[j2])])
        elif len(t) == 5:
            (j0, w0), (j1, w1), (j2, w2), (j3, w3), (j4, w4) = t
            out.append([w0 * a + w1 * b + w2 * c + w3 * d + w4 * e
                        for a, b, c, d, e in zip(lists[j0], lists[j1], lists[j2], lists[j3], lists[j4])])
        else:
            out += perceive.combine(lists, (t,))
    return out


def _blur_t(fields, width, height, radius, square=False):
    """Transposed model blur of scalar fields (``sum_i w_ij f_i`` for each ``j``), with squared
    weights when ``square``. The 2-D weight is separable: rows, then columns."""
    tx = [tuple((i, w * w if square else w) for i, w in r) for r in model_taps(width, radius)]
    ty = [tuple((i, w * w if square else w) for i, w in r) for r in model_taps(height, radius)]
    out = []
    for f in fields:
        rows = [f[y * width:(y + 1) * width] for y in range(height)]
        cols = _combine(list(zip(*rows)), tx)
        out.append([v for row in _combine(list(zip(*cols)), ty) for v in row])
    return out


def refine_labels(target, seen, labels, width, height, stock, pins=None, budget=None,
                  max_passes=MAX_PASSES, progress=None, radius=None, eye=None, work=None) -> Result:
    """Lower the perceived error of ``labels`` within the stock.

    ``target``: ``w*h`` linear triples (the photo); ``seen``: the colour seen per palette
    entry (linear); ``labels``: the start, palette index per stud, within the stock;
    ``stock``: per colour, pieces for the unpainted studs (``None``: unlimited); ``pins``:
    painted studs (index -> palette index), never changed; ``budget``: seconds at most,
    or ``work``: units of work at most (:class:`_Limit`: the same mosaic on any machine; the
    page's choice); neither: until no pass helps, at most ``max_passes``; ``progress``: called with the
    fraction done (of the limit, else of the passes) a few times a second; ``radius``: taps
    of the model that prices moves (``None``: :data:`MODEL_RADIUS` with a limit, else
    ``perceive.RADIUS``, the whole blur);
    ``eye``: the :class:`_Eye` of ``target`` when the caller has one (it may know the start).
    """
    t0 = time.perf_counter()
    lim = _Limit(budget, work)
    n, k = width * height, len(seen)
    pins = pins or {}
    labels = list(labels)
    if len(labels) != n:
        raise ValueError("The mosaic to refine does not match its size.")
    free = [i not in pins for i in range(n)]
    eye = eye or _Eye(target, width, height)
    tick = _ticker(progress, lim, lambda: passes / max_passes)
    # the models, in turn: with a limit the coarse one first, then the whole blur from the best mosaic
    if radius is not None:
        models = [radius]
    else:
        models = [MODEL_RADIUS, perceive.RADIUS] if lim.bounded else [perceive.RADIUS]

    def state(lab_, r):
        counts = [0] * k
        for i in range(n):
            if free[i]:
                counts[lab_[i]] += 1
        spare = [None if s is None else s - c for s, c in zip(stock, counts)]  # None: unlimited
        if any(s is not None and s < 0 for s in spare):
            raise ValueError("The mosaic to refine uses more pieces than the stock.")
        st_ = _State(width, height, seen, list(lab_), free, spare, eye.bt, r)
        st_.tick = tick
        return st_

    st = state(labels, models[0])
    bm, de, total = eye.judge(seen, labels)
    start = best = total / n
    best_labels, best_seen = labels, (bm, de)
    passes, moves = 0, [0, 0, 0]  # moves: changes, swaps, trades of the models done
    converged = False
    while passes < max_passes:
        if lim.over():
            break
        lim.spend(n)  # preparing the pass and judging it exactly: a look at every stud each
        st.prepare(bm, de)
        made = st.sweep(lim) + st.trade(lim)
        passes += 1
        tick()
        bm, de, total = eye.judge(seen, st.labels)
        err = total / n
        if err < best:
            improved = best - err
            best, best_labels, best_seen = err, list(st.labels), (bm, de)
        else:
            improved = 0.0
        if made == 0 or improved < STALL * best:
            if len(models) > 1 and not lim.over():  # the next model
                moves = [m + v for m, v in zip(moves, (st.changes, st.swaps, st.trades))]
                models.pop(0)
                st = state(best_labels, models[0])  # from the best mosaic
                bm, de = best_seen
                continue
            converged = not lim.over()
            break
    moves = [m + v for m, v in zip(moves, (st.changes, st.swaps, st.trades))]
    return Result(list(best_labels), start, best, passes, *moves, time.perf_counter() - t0, converged)


class _Limit:
    """When refining stops: after ``seconds`` of wall-clock time, or after ``work`` units (a
    stud's moves priced in a sweep, a stud scanned for trades, a giver tried: counted where the
    search checks the limit), or neither. A limit in work units gives the same mosaic on any
    machine and at any load, so the same settings give back the mosaic seen before (after a
    reload, in a project opened again); a limit in seconds bounds the wait instead."""

    def __init__(self, seconds=None, work=None):
        self.t0 = time.perf_counter()
        self.seconds, self.work, self.done = seconds, work, 0

    @property
    def bounded(self) -> bool:
        return self.seconds is not None or self.work is not None

    def spend(self, units: int):
        self.done += units

    def over(self) -> bool:
        if self.work is not None:
            return self.done > self.work
        return self.seconds is not None and time.perf_counter() - self.t0 > self.seconds

    def fraction(self) -> float:
        """Of the limit used so far (0 when there is none)."""
        if self.work is not None:
            return min(1.0, self.done / self.work) if self.work > 0 else 1.0
        if self.seconds:
            return min(1.0, (time.perf_counter() - self.t0) / self.seconds)
        return 0.0


#: Seconds between two progress reports.
TICK = 0.1


def _ticker(progress, lim, passes_done):
    """A function to call often: reports ``progress(fraction)`` at most every :data:`TICK`
    seconds (fraction of the limit, else of the passes); does nothing without one."""
    if progress is None:
        return lambda: None
    clock = time.perf_counter
    last = [lim.t0]

    def tick():
        now = clock()
        if now - last[0] >= TICK:
            last[0] = now
            progress(lim.fraction() if lim.bounded else min(1.0, passes_done()))
    return tick


class _State:
    """The mosaic being refined, with the sums that price a move in constant time.

    Per stud, the sums are tuples (``g[i] = (g0, g1, g2)``, ``cv[j] = (c0, c1, c2)``): the hot
    loops read a stud's three values with one lookup. Every price below is the same
    expression, term by term, as :meth:`delta` (the doubled ``d`` of :attr:`price` is exact),
    so the inlined loops make the same moves as the plain methods would."""

    tick = staticmethod(lambda: None)  # called between rows and trades (progress reports)

    def __init__(self, width, height, seen, labels, free, spare, bt, radius=MODEL_RADIUS):
        self.w, self.h = width, height
        n, k = width * height, len(seen)
        self.seen = [tuple(p) for p in seen]
        self.labels, self.free, self.spare, self.bt = labels, free, spare, bt
        # per stud: the blurred values it moves, as flat-index offsets and weights w_ij
        # (studs with the same taps share one entry: all of them inside the border)
        self.r = radius
        tx, ty = model_taps(width, radius), model_taps(height, radius)
        classes: dict = {}
        self.win = []
        for j in range(n):
            jx, jy = j % width, j // width
            key = (tuple((ix - jx, wx) for ix, wx in tx[jx]), tuple((iy - jy, wy) for iy, wy in ty[jy]))
            hit = classes.get(key)
            if hit is None:
                offs = tuple(dy * width + dx for dy, _ in key[1] for dx, _ in key[0])
                wts = tuple(wy * wx for _, wy in key[1] for _, wx in key[0])
                hit = classes[key] = (offs, wts, dict(zip(offs, wts)), tuple(zip(offs, wts)))
            self.win.append(hit)
        self.taps = [t[3] for t in self.win]  # per stud: ((offset, w_ij), ...)
        # d = seen[b] - seen[a] and its monomials for d^T Q d, per ordered pair (a, b)
        self.d = [[tuple(q - p for p, q in zip(self.seen[a], self.seen[b])) for b in range(k)] for a in range(k)]
        self.mono = [[(d0 * d0, 2 * d0 * d1, 2 * d0 * d2, d1 * d1, 2 * d1 * d2, d2 * d2)
                      for d0, d1, d2 in row] for row in self.d]
        # what prices a move a -> b in one lookup: (2 d, monomials)
        self.price = [[(2 * d[0], 2 * d[1], 2 * d[2]) + m for d, m in zip(drow, mrow)]
                      for drow, mrow in zip(self.d, self.mono)]
        # the forward half of the 8-neighbourhood (each adjacent pair once), with the blur's
        # autocorrelation there (to screen swaps)
        pairs = [(dx, dy, math.exp(-(dx * dx + dy * dy) / (4 * perceive.SIGMA ** 2)))
                 for dx, dy in ((1, 0), (-1, 1), (0, 1), (1, 1))]
        self.fwd = [tuple(((y + dy) * width + x + dx, rho) for dx, dy, rho in pairs
                          if 0 <= x + dx < width and y + dy < height)
                    for y in range(height) for x in range(width)]  # per stud: (neighbour, rho)
        self._cross = {}  # (window of j, window of k, k - j) -> ((offset from k, w_ij w_ik), ...)
        self._last = None  # (blurred mosaic, metric terms per stud) of the last prepare
        self.changes = self.swaps = self.trades = 0

    # -- the model of one pass ---------------------------------------------------------
    def prepare(self, bm, de):
        """Rebuild the quadratic model at the current mosaic (blurred ``bm``, errors ``de``)."""
        n = self.w * self.h
        amat = []
        g0, g1, g2 = [0.0] * n, [0.0] * n, [0.0] * n
        terms, floor = _metric_terms, FLOOR
        # the metric's terms depend on the stud's blurred colour only: kept where it holds
        last_bm, last = self._last if self._last is not None else ([None] * n, None)
        kept = [None] * n
        for i, p, q, e, q_ in zip(range(n), self.bt, bm, de, last_bm):
            p0, p1, p2 = p
            q0, q1, q2 = q
            u = last[i] if q == q_ else terms(((p0 + q0) / 2, (p1 + q1) / 2, (p2 + q2) / 2))
            kept[i] = u
            u0, u1, u2, u3, u4, u5 = u
            w = 1 / (2 * (e if e > floor else floor))
            a00, a01, a02, a11, a12, a22 = t = w * u0, w * u1, w * u2, w * u3, w * u4, w * u5
            amat.append(t)
            e0, e1, e2 = q0 - p0, q1 - p1, q2 - p2
            g0[i] = a00 * e0 + a01 * e1 + a02 * e2
            g1[i] = a01 * e0 + a11 * e1 + a12 * e2
            g2[i] = a02 * e0 + a12 * e1 + a22 * e2
        self.a, self.g = amat, list(zip(g0, g1, g2))
        self.q = list(zip(*_blur_t(list(zip(*amat)), self.w, self.h, self.r, square=True)))
        self.cv = list(zip(*_blur_t((g0, g1, g2), self.w, self.h, self.r)))
        self.stale = [False] * n
        self._last = (bm, kept)

    def c_of(self, j):
        """``c_j = sum_i w_ij g_i``, recomputed when a move nearby made it stale."""
        if not self.stale[j]:
            return self.cv[j]
        g = self.g
        c0 = c1 = c2 = 0.0
        for o, ww in self.taps[j]:
            x0, x1, x2 = g[j + o]
            c0 += ww * x0
            c1 += ww * x1
            c2 += ww * x2
        self.cv[j] = c = (c0, c1, c2)
        self.stale[j] = False
        return c

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
        r = 2 * self.r
        if abs(j % w - k % w) > r or abs(j // w - k // w) > r:
            return 0.0
        wj, wk = self.win[j], self.win[k]
        key = (id(wj), id(wk), k - j)
        both = self._cross.get(key)
        if both is None:  # the studs both windows reach, with the product of their weights
            near = wj[2]
            both = self._cross[key] = tuple((o, near[k + o - j] * ww) for o, ww in wk[3] if k + o - j in near)
        x0, x1, x2 = dk
        y0, y1, y2 = dj
        amat = self.a
        t = 0.0
        for o, ww in both:
            a00, a01, a02, a11, a12, a22 = amat[k + o]
            t += ww * (y0 * (a00 * x0 + a01 * x1 + a02 * x2) + y1 * (a01 * x0 + a11 * x1 + a12 * x2)
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
        g = self.g
        amat = self.a
        for o, ww in self.taps[j]:
            i = j + o
            a00, a01, a02, a11, a12, a22 = amat[i]
            x0, x1, x2 = ww * d0, ww * d1, ww * d2
            y0, y1, y2 = g[i]
            g[i] = (y0 + (a00 * x0 + a01 * x1 + a02 * x2), y1 + (a01 * x0 + a11 * x1 + a12 * x2),
                    y2 + (a02 * x0 + a12 * x1 + a22 * x2))
        # every c within twice the radius now needs recomputing
        w, h = self.w, self.h
        r = 2 * self.r
        jx, jy = j % w, j // w
        x0_, x1_ = max(0, jx - r), min(w, jx + r + 1)
        run = [True] * (x1_ - x0_)
        stale = self.stale
        for y in range(max(0, jy - r), min(h, jy + r + 1)):
            stale[y * w + x0_:y * w + x1_] = run

    # -- moves -------------------------------------------------------------------------
    def sweep(self, lim) -> int:
        """Visit every stud: the best change into a colour with spare pieces, then swaps
        with its forward neighbours. Returns the number of moves made."""
        w, h = self.w, self.h
        labels, free, spare = self.labels, self.free, self.spare
        k = len(self.seen)
        qv, price, stale, cv, fwd = self.q, self.price, self.stale, self.cv, self.fwd
        c_of, apply_ = self.c_of, self.apply
        tol = -TOL
        made = 0
        for y in range(h):
            if lim.over():
                break
            lim.spend(w)
            self.tick()
            xs = range(w) if y % 2 == 0 else range(w - 1, -1, -1)
            open_ = [b for b in range(k) if spare[b] is None or spare[b] > 0]
            for x in xs:
                j = y * w + x
                if not free[j]:
                    continue
                a = labels[j]
                c0, c1, c2 = c_of(j) if stale[j] else cv[j]
                q0, q1, q2, q3, q4, q5 = qv[j]
                prow = price[a]
                best, bb = tol, -1
                for b in open_:
                    if b == a:
                        continue
                    e0, e1, e2, m0, m1, m2, m3, m4, m5 = prow[b]
                    v = c0 * e0 + c1 * e1 + c2 * e2
                    if v >= best + TOL:  # the quadratic part is >= 0: it cannot beat the best
                        continue
                    v = v + q0 * m0 + q1 * m1 + q2 * m2 + q3 * m3 + q4 * m4 + q5 * m5
                    if v < best:
                        best, bb = v, b
                if bb >= 0:
                    apply_(j, bb)
                    self.changes += 1
                    made += 1
                    if spare[bb] is not None and spare[bb] == 0 or spare[a] == 1:
                        open_ = [b for b in range(k) if spare[b] is None or spare[b] > 0]
                    a = bb
                    c0, c1, c2 = c_of(j)
                    prow = price[a]
                # swaps with the neighbours (exchanging two colours keeps the counts)
                for kk, rho in fwd[j]:
                    b = labels[kk]
                    if b == a or not free[kk]:
                        continue
                    # screen with the sums as they were (maybe stale) and the blur's autocorrelation,
                    # then price exactly
                    e0, e1, e2, m0, m1, m2, m3, m4, m5 = prow[b]
                    f0, f1, f2, n0, n1, n2, n3, n4, n5 = price[b][a]
                    k0, k1, k2 = cv[kk]
                    dj = c0 * e0 + c1 * e1 + c2 * e2
                    dk = k0 * f0 + k1 * f1 + k2 * f2
                    if dj + dk >= 0.0:  # the screen adds (1 - rho) (d^T Q_j d + d^T Q_k d) >= 0: it fails
                        continue
                    r0, r1, r2, r3, r4, r5 = qv[kk]
                    dj = dj + q0 * m0 + q1 * m1 + q2 * m2 + q3 * m3 + q4 * m4 + q5 * m5
                    dk = dk + r0 * n0 + r1 * n1 + r2 * n2 + r3 * n3 + r4 * n4 + r5 * n5
                    qq = (q0 * m0 + q1 * m1 + q2 * m2 + q3 * m3 + q4 * m4 + q5 * m5
                          + (r0 * m0 + r1 * m1 + r2 * m2 + r3 * m3 + r4 * m4 + r5 * m5))
                    if dj + dk - rho * qq >= tol:
                        continue
                    if stale[kk]:
                        k0, k1, k2 = c_of(kk)
                        dk = k0 * f0 + k1 * f1 + k2 * f2 + r0 * n0 + r1 * n1 + r2 * n2 + r3 * n3 + r4 * n4 + r5 * n5
                    d = self.d[a][b]
                    if dj + dk - 2 * self.cross(j, kk, d, d) < tol:  # exact
                        apply_(j, b)
                        apply_(kk, a)
                        self.swaps += 1
                        made += 1
                        a = b
                        c0, c1, c2 = c_of(j)
                        prow = price[a]
        return made

    def trade(self, lim) -> int:
        """Move colours that have no spare piece to where they help most: a stud takes
        such a colour while a stud elsewhere gives it up for a colour with spare pieces
        (or for the first stud's colour). Returns the number of trades made."""
        spare = self.spare
        made = 0
        for b in range(len(self.seen)):
            if spare[b] is not None and spare[b] == 0:
                if lim.over():
                    break
                lim.spend(self.w * self.h)
                self.tick()
                made += self._trade_into(b, lim)
        return made

    def _trade_into(self, b, lim) -> int:
        """Trades into colour ``b``: the studs that gain most by taking it, paired with the
        studs that lose least by giving it up, each pair priced exactly before it is made."""
        labels, free, spare = self.labels, self.free, self.spare
        n, k = self.w * self.h, len(self.seen)
        qv, price = self.q, self.price
        cv, stale, c_of = self.cv, self.stale, self.c_of
        opens = [s for s in range(k) if s != b and (spare[s] is None or spare[s] > 0)]
        into = [row[b] for row in price]  # a -> b, per a
        out = [price[b][s] for s in opens]  # b -> s, per open s
        tol = -TOL
        want, give = [], []  # (modelled change, stud): taking b / giving b up for an open colour
        for j in [j for j, s in enumerate(stale) if s]:  # every price below needs fresh sums
            if free[j]:
                c_of(j)
        for j, a, c, fr in zip(range(n), labels, cv, free):
            if not fr:
                continue
            if a != b:
                e0, e1, e2, m0, m1, m2, m3, m4, m5 = into[a]
                c0, c1, c2 = c
                v = c0 * e0 + c1 * e1 + c2 * e2
                if v >= 0.0:  # the quadratic part is >= 0: not below -TOL
                    continue
                q0, q1, q2, q3, q4, q5 = qv[j]
                v = v + q0 * m0 + q1 * m1 + q2 * m2 + q3 * m3 + q4 * m4 + q5 * m5
                if v < tol:
                    want.append((v, j))
            elif out:
                c0, c1, c2 = c
                q0, q1, q2, q3, q4, q5 = qv[j]
                best = math.inf
                for e0, e1, e2, m0, m1, m2, m3, m4, m5 in out:
                    v = c0 * e0 + c1 * e1 + c2 * e2
                    if v >= best + TOL:
                        continue
                    v = v + q0 * m0 + q1 * m1 + q2 * m2 + q3 * m3 + q4 * m4 + q5 * m5
                    if v < best:
                        best = v
                give.append((best, j))
        want.sort()
        give.sort()
        return self._pair(b, want, give, lim)

    def _pair(self, b, want, give, lim) -> int:
        """Make the trades into colour ``b``: ``want`` (studs that gain by taking it) and
        ``give`` (studs that lose least by giving it up), both sorted by modelled change;
        each pair is priced exactly before it is made."""
        labels, spare, dd, k = self.labels, self.spare, self.d, len(self.seen)
        used = set()
        made = gi = 0
        for vj, j in want:
            if lim.over():
                break
            lim.spend(8 * k)  # up to 8 givers, each priced for every colour
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


#: Share of the page's time budget that refining gets even when building and judging the
#: starts took longer (:func:`look`).
MIN_REFINE_SHARE = 0.5


def look(dither, match, adjust, metric, seen, pins, size, refine, refine_budget, progress=None, refine_work=None):
    """Pipeline stage "look": the labels as dithered, or, with ``refine``, the best look
    within stock.

    A good start matters (as in DBS): the candidates are the dithered labels, the optimal
    assignment and Floyd-Steinberg error diffusion within stock. With a time budget (the
    page, seconds for this whole stage) or a work limit (``refine_work``: units of
    :class:`_Limit`, what the page uses: the same mosaic on any machine) the one that looks best
    is refined; without, the two that look best are refined and the better result kept. Either
    way the result is never worse than any candidate. ``progress(fraction)``: reports while it
    runs (the page's bar); ``progress(None)`` first, while the starts are made and judged (a
    third to a half of the time, with no measure of its own: the page shows it as preparing).
    """
    if not refine:
        return dither
    t0 = time.perf_counter()
    if progress is not None:
        progress(None)
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
    eye = _Eye(target, w, h)
    starts.sort(key=lambda lab: eye.judge(seen, lab, keep=True)[2])  # stable
    if refine_work is not None:
        return refine_labels(target, seen, starts[0], w, h, free_stock, pins, work=refine_work, progress=progress,
                             eye=eye).labels
    if refine_budget is not None:  # the budget covers this whole stage, but refining always
        # gets at least MIN_REFINE_SHARE of it: on a busy machine or a big mosaic the starts alone
        # can use it all, and the person would wait through the progress bar for no change
        left = max(MIN_REFINE_SHARE * refine_budget, refine_budget - (time.perf_counter() - t0))
        share = left / refine_budget if refine_budget > 0 else 0.0  # of the stage's budget, for refining
        tick = None if progress is None else (lambda f: progress(1 - share * (1 - f)))
        return refine_labels(target, seen, starts[0], w, h, free_stock, pins, left, progress=tick, eye=eye).labels
    runs = starts[:2]
    results = [refine_labels(target, seen, lab, w, h, free_stock, pins, eye=eye,
                             progress=None if progress is None else (lambda f, i=i: progress((i + f) / len(runs))))
               for i, lab in enumerate(runs)]
    return min(results, key=lambda r: r.error).labels  # the first on a tie
