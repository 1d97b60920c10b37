"""Matching pixels to pieces: nearest colour, and the optimal assignment under a
limited inventory.

The limited problem is a transportation problem: ``N`` pixels (supply 1 each), ``K``
colours (capacity ``stock[k]``), cost ``c[i][k]`` = colour difference. We solve it
exactly on integer costs (differences rounded to 1/1000) with a primal-dual method:

1. *Price raising* (a Gauss-Seidel dual ascent, cf. Bertsekas' auction algorithm):
   every pixel takes the colour with the lowest ``c + price``; the most over-used
   colour raises its price just enough to push out its excess, which moves to each
   pixel's next-best colour. Vectorised with numpy; removes most of the excess fast.
2. *Successive shortest paths* (Ahuja, Magnanti, Orlin, *Network Flows*, 1993, ch. 9)
   on the ``K``-node residual graph with the prices as node potentials, for what is
   left, one unit at a time; edge ``a -> b`` costs the cheapest move of a pixel from
   ``a`` to ``b``, kept in lazy heaps.

Both steps keep the invariant "every pixel is at a minimum of ``c + price``, and a colour
with a positive price is full". When no colour is over its stock this is the
complementary slackness of the LP, so the result is optimal; the prices are the LP
duals, which the ditherer reuses. Ties are broken the same way on both paths (lowest
colour index, then lowest pixel index), so the numpy and pure paths agree exactly.

*Grouped solve* (:func:`solve_pixels`, what the pipeline uses): studs whose colours fall in
the same cell of a grid of side :data:`GROUP_STEP` in the metric's space share one cost
row, so the problem is solved on the distinct colours with a supply per colour (the
classic compression of a transportation problem; identical rows give an identical
optimum). The cost matrix and the solver then grow with the distinct colours, not the
studs, and the result is still the exact optimum of the (quantised) costs.

*Warm start* (:func:`solve_groups` given the groups' colours): when the stock binds hard
(at 128x128 most studs cannot have their nearest colour), price raising from zero zigzags
among full colours and the shortest paths then move one small group each, so the work
grew far faster than the groups. Instead the same problem on cells ``2**WARM_SHIFT`` times
coarser (each merged group keeps its biggest member's cost row: no new colour differences)
is solved first, recursively, as in multiscale transport (Mérigot, "A multiscale approach
to optimal transport", *Computer Graphics Forum* 30(5), 2011). Each group then takes its
lowest ``c + price`` at those prices and only the leftover imbalance is routed: the
shortest paths run on the colours plus a sink ``T`` for the stock in use, from any
pseudoflow whose moves all have non-negative reduced cost (Ahuja, Magnanti & Orlin 1993,
§9.7): over-full colours are sources, and a colour left under-full with a positive price is
a sink, whose price the potentials lower again. The result is the same optimum; the
work is a few passes over the groups plus paths for the imbalance of each level. The
edges' heaps hold one int per entry (cost difference times groups, plus the group), built
by C loops and not traced by the garbage collector.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from collections import deque as _deque
from itertools import repeat as _repeat
from math import sqrt as _sqrt
from operator import add as _add, itemgetter as _itemgetter, mul as _mul, sub as _sub

from . import _array, color_batch

#: Integer cost units per unit of colour difference.
COST_SCALE = 1000
#: Side of the grid cells that group stud colours (in the metric's space: 1 is about one
#: just-noticeable difference in CIELAB, 0.01 in OKLab, one 8-bit step in sRGB): a stud's cost
#: is its cell centre's, at most sqrt(3)/2 of a step from its own colour.
GROUP_STEP = 1.0
_INF = 1 << 60
#: An empty heap's top in the shortest paths: far above any distance plus potential.
_NONE = 1 << 62
#: The pure path's ab rows (:func:`cost_matrix`) of the last metric and palette, kept for the
#: next call: a slider change moves the cells but keeps most (a, b) pairs (a saturation step
#: at 128x128 keeps 75-90 % of them). At most this many rows are kept (a few MB).
AB_MEMO_ROWS = 8192
_ab_memo: list = [None, {}]  # [(metric's ab_row_1, palette's (a, b) pairs), {(a, b): row}]


def _exhaust(it) -> None:
    """Run an iterator for its effects (a C loop)."""
    _deque(it, maxlen=0)


class InventoryError(ValueError):
    """The inventory cannot cover the canvas (or pinned studs exceed it).

    ``details`` carries plain numbers a page can act on (``needed``, ``available``).
    """

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.details = details


@dataclass
class Assignment:
    labels: list  # palette index per pixel
    prices: list  # per colour, in cost units (LP duals of the stock constraints)
    cost: int  # total cost in cost units
    rounds: int = 0  # price-raising rounds
    augmentations: int = 0  # shortest-path augmentations


def to_space(pixels, metric):
    """Convert linear pixels to the metric's comparison space (array or list)."""
    np = _array.np()
    if np is not None:
        return metric.to_space(np.asarray(pixels, dtype=np.float64).reshape(-1, 3))
    if metric.in_cielab:  # one loop over every stud, the same floats
        return color_batch.linear_to_lab_pixels(pixels)
    return [metric.to_space_1(p) for p in pixels]


def cost_matrix(pixels_sp, palette_sp, metric):
    """Integer costs ``round(COST_SCALE * distance)``: an ``(N, K)`` int64 array on the
    numpy path, a list of rows on the pure path.

    The distance is taken split (:class:`legoremix.color.Metric`): ``sqrt(l_term + ab_term)``,
    the ab terms once per distinct (second, third) coordinates and the l terms once per
    distinct first coordinate. Grid cells (:func:`group`) repeat both far more than whole
    colours (astronaut.png at 128x128 studs: 7169 cells, 1848 (a, b) pairs, 101 L), so a row
    then costs a few additions and square roots; other colours pay a dictionary look-up.
    The pure path keeps its ab rows for the next call with the same metric and palette
    (:data:`AB_MEMO_ROWS`): values are the same either way.
    Both paths do the same operations in the same order, so their costs are identical;
    against ``metric.distance`` the sum is reassociated, which may turn a cost by one unit
    where it lies within an ulp of a half."""
    np = _array.np()
    if np is not None:
        p = np.asarray(pixels_sp, dtype=np.float64).reshape(-1, 3)
        q = np.asarray(palette_sp, dtype=np.float64).reshape(1, -1, 3)[0]
        ls, li = np.unique(p[:, 0], return_inverse=True)
        z = np.empty(len(p), dtype=np.complex128)  # (a, b) as one number, to find the distinct pairs
        z.real, z.imag = p[:, 1], p[:, 2]
        ab, ai = np.unique(z, return_inverse=True)
        lt = metric.l_term(ls[:, None], q[None, :, 0])
        xt = metric.ab_term(ab.real[:, None], ab.imag[:, None], q[None, :, 1], q[None, :, 2])
        d = np.sqrt(lt[li.reshape(-1)] + xt[ai.reshape(-1)])
        return np.rint(d * COST_SCALE).astype(np.int64)
    pal = [tuple(q) for q in palette_sp]
    pal_ab = [(q[1], q[2]) for q in pal]
    lterm, abrow = metric.l_term_1, metric.ab_row_1
    l_rows: dict = {}
    key = (abrow, tuple(pal_ab))
    if _ab_memo[0] != key:
        _ab_memo[:] = [key, {}]
    ab_rows = _ab_memo[1]
    scale = _repeat(float(COST_SCALE))
    out = []
    for L, a, b in pixels_sp:
        lr = l_rows.get(L)
        if lr is None:
            lr = l_rows[L] = [lterm(L, q[0]) for q in pal]
        xr = ab_rows.get((a, b))
        if xr is None:
            xr = ab_rows[a, b] = abrow(a, b, pal_ab)
        out.append(list(map(round, map(_mul, map(_sqrt, map(_add, lr, xr)), scale))))
    if len(ab_rows) > AB_MEMO_ROWS:
        ab_rows.clear()
    return out


def check_feasible(n_pixels: int, stock) -> None:
    """Raise :class:`InventoryError` when the stock cannot cover ``n_pixels`` studs."""
    if any(s is None for s in stock):
        return
    total = sum(stock)
    if total < n_pixels:
        raise InventoryError(
            f"Your pieces cover {total} studs but this size needs {n_pixels}: "
            f"{n_pixels - total} studs are missing. Make the mosaic smaller, add a set, or use unlimited mode.",
            needed=n_pixels, available=total)


def solve(costs, stock, max_rounds: int | None = None) -> Assignment:
    """Minimum-cost assignment of pixels to colours with ``count[k] <= stock[k]``.

    ``costs``: integer matrix from :func:`cost_matrix`; ``stock``: per colour, ``None``
    for unlimited. Raises :class:`InventoryError` when the stock is too small.
    """
    np = _array.np()
    n = len(costs)
    k = len(stock)
    check_feasible(n, stock)
    cap = [n if s is None else int(s) for s in stock]
    if n == 0:
        return Assignment([], [0] * k, 0)
    if max_rounds is None:
        max_rounds = 8 * k
    if np is not None:
        costs = np.asarray(costs, dtype=np.int64).reshape(n, k)
        labels, counts, prices, rounds = _raise_prices_np(np, costs, cap, max_rounds)
        rows = costs.tolist()
    else:
        rows = costs.tolist() if hasattr(costs, "tolist") else costs
        labels, counts, prices, rounds = _raise_prices_pure(rows, cap, max_rounds)
    aug = _shortest_paths(rows, labels, counts, cap, prices)
    total = sum(r[j] for r, j in zip(rows, labels))
    return Assignment(labels, prices, total, rounds, aug)


def _raise_prices_np(np, costs, cap, max_rounds):
    n, k = costs.shape
    keys = costs.copy()
    prices = np.zeros(k, dtype=np.int64)
    labels = keys.argmin(axis=1)
    counts = np.bincount(labels, minlength=k)
    capa = np.asarray(cap, dtype=np.int64)
    rounds = 0
    while rounds < max_rounds:
        excess = counts - capa
        c = int(excess.argmax())
        e = int(excess[c])
        if e <= 0:
            break
        members = np.flatnonzero(labels == c)
        sub = keys[members]
        own = sub[:, c].copy()
        sub[:, c] = _INF
        second = sub.argmin(axis=1)
        margin = sub[np.arange(len(members)), second] - own
        order = np.argsort(margin, kind="stable")[:e]
        delta = int(margin[order[-1]])
        prices[c] += delta
        keys[:, c] += delta
        moved, to = members[order], second[order]
        labels[moved] = to
        counts[c] -= e
        counts += np.bincount(to, minlength=k)
        rounds += 1
    return labels.tolist(), counts.tolist(), prices.tolist(), rounds


def _raise_prices_pure(rows, cap, max_rounds):
    k = len(cap)
    prices = [0] * k
    cols = range(k)
    labels = [min(cols, key=r.__getitem__) for r in rows]
    counts = [0] * k
    for j in labels:
        counts[j] += 1
    rounds = 0
    while rounds < max_rounds:
        c = max(cols, key=lambda j: counts[j] - cap[j])
        e = counts[c] - cap[c]
        if e <= 0:
            break
        others = [j for j in cols if j != c]
        cand = []
        for i, lab in enumerate(labels):
            if lab != c:
                continue
            r = rows[i]
            best, bj = _INF, -1
            for j in others:
                v = r[j] + prices[j]
                if v < best:
                    best, bj = v, j
            cand.append((best - r[c] - prices[c], i, bj))
        cand.sort(key=lambda t: t[0])  # stable: pixel order within equal margins
        chosen = cand[:e]
        prices[c] += chosen[-1][0]
        counts[c] -= e
        for _, i, bj in chosen:
            labels[i] = bj
            counts[bj] += 1
        rounds += 1
    return labels, counts, prices, rounds


def _shortest_paths(rows, labels, counts, cap, prices) -> int:
    """Route the remaining excess one stud at a time (in place). Returns the count."""
    k = len(cap)
    heaps: list = [None] * k  # heaps[a][b]: (cost of moving pixel a->b, pixel)

    def build(a):
        hs = [[] for _ in range(k)]
        for i, lab in enumerate(labels):
            if lab == a:
                r = rows[i]
                ra = r[a]
                for b in range(k):
                    if b != a:
                        hs[b].append((r[b] - ra, i))
        for h in hs:
            h.sort()
        heaps[a] = hs

    def top(a, b):
        h = heaps[a][b]
        while h and labels[h[0][1]] != a:
            heapq.heappop(h)
        return h[0] if h else None

    augmentations = 0
    while True:
        over = [j for j in range(k) if counts[j] > cap[j]]
        if not over:
            return augmentations
        dist = [_INF] * k
        pred = [-1] * k
        pred_px = [-1] * k
        done = [False] * k
        for j in over:
            dist[j] = 0
        target = -1
        while True:
            u, du = -1, _INF
            for v in range(k):
                if not done[v] and dist[v] < du:
                    u, du = v, dist[v]
            if u < 0:
                raise InventoryError("Your pieces cannot be arranged into this mosaic.")  # unreachable when feasible
            done[u] = True
            if counts[u] < cap[u]:
                target = u
                break
            if heaps[u] is None:
                build(u)
            pu = prices[u]
            for v in range(k):
                if done[v]:
                    continue
                t = top(u, v)
                if t is None:
                    continue
                nd = du + t[0] + prices[v] - pu
                if nd < dist[v]:
                    dist[v], pred[v], pred_px[v] = nd, u, t[1]
        dmax = dist[target]
        for v in range(k):
            if dist[v] < dmax:
                prices[v] += dmax - dist[v]
        v = target
        while pred[v] != -1:
            u, i = pred[v], pred_px[v]
            labels[i] = v
            if heaps[v] is not None:
                r = rows[i]
                rv = r[v]
                for b in range(k):
                    if b != v:
                        heapq.heappush(heaps[v][b], (r[b] - rv, i))
            v = u
        counts[v] -= 1
        counts[target] += 1
        augmentations += 1


# -- grouped solve: one cost row per distinct (quantised) colour --------------------------

@dataclass
class Groups:
    """Studs grouped by quantised colour: ``index[i]`` is stud ``i``'s group, ``sizes[g]``
    its studs, ``colors[g]`` its cell centre in the metric's space, ``cells[g]`` that cell
    (integer triple: the centre over the step). Groups are numbered in order of first
    appearance (the same on both paths)."""

    index: list
    sizes: list
    colors: list
    cells: list = field(default_factory=list)


def group(pixels_sp, step: float = GROUP_STEP) -> Groups:
    """Group stud colours (in the metric's space) by their cell of side ``step``
    (round half to even on both paths)."""
    np = _array.np()
    if np is not None:
        a = np.asarray(pixels_sp, dtype=np.float64).reshape(-1, 3)
        if len(a) == 0:
            return Groups([], [], [])
        q = np.rint(a / step).astype(np.int64)
        keys, first, inv, sizes = np.unique(q, axis=0, return_index=True, return_inverse=True,
                                            return_counts=True)
        order = np.argsort(first, kind="stable")  # number groups by first appearance
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        return Groups(rank[inv.reshape(-1)].tolist(), sizes[order].tolist(), (keys[order] * step).tolist(),
                      [tuple(k) for k in keys[order].tolist()])
    if step == 1.0:  # the pipeline's step: x / 1.0 is x
        keys = [(round(L), round(a), round(b)) for L, a, b in pixels_sp]
    else:
        keys = [(round(L / step), round(a / step), round(b / step)) for L, a, b in pixels_sp]
    ids: dict = {}
    index, sizes = [], []
    get, put = ids.get, index.append
    for key in keys:
        g = get(key)
        if g is None:
            g = ids[key] = len(sizes)
            sizes.append(1)
        else:
            sizes[g] += 1
        put(g)
    cells = list(ids)
    return Groups(index, sizes, [[v * step for v in k] for k in cells], cells)


def solve_pixels(pixels_sp, palette_sp, metric, stock, step: float = GROUP_STEP, width: int | None = None,
                 places=None) -> Assignment:
    """The optimal assignment of studs (colours in the metric's space) to the palette under
    the stock, solved on the distinct quantised colours (:func:`group`, :func:`solve_groups`,
    warm-started from coarser cells of the same grid) and handed back per stud. ``width``
    (and ``places``, each stud's index in the grid when not all studs are given): where the
    studs are, so that a group split between colours is spread evenly (:func:`expand`)."""
    check_feasible(len(pixels_sp), stock)
    g = group(pixels_sp, step)
    costs = cost_matrix(g.colors, palette_sp, metric) if g.sizes else []
    res = solve_groups(costs, g.sizes, stock, colors=g.colors, step=step, cells=g.cells)
    res.labels = expand(res.labels, g.index, width, places)
    return res


def expand(flows, index, width: int | None = None, places=None) -> list:
    """Labels per stud from per-group flows (``{colour: studs}``).

    Most groups keep one colour. A group split between colours lies on a boundary of the
    optimum: its studs share one cost row, so which of them take which of its colours does not
    change the total. Given the grid's ``width`` (and ``places``, each stud's index in the grid, when
    the studs are not the whole grid), the group's colours, from the lowest index up, take
    its studs in the order of a Bayer matrix of their positions (ordered dithering: Bayer,
    "An optimum method for two-level rendition of continuous-tone pictures", IEEE ICC 1973),
    so that a flat area that runs out of its nearest colour becomes an even mix of the
    colours it gets rather than bands. Without ``width`` they take the studs in order."""
    single = [next(iter(f)) if len(f) == 1 else -1 for f in flows]
    out = list(map(single.__getitem__, index))
    split = {g: [] for g, f in enumerate(flows) if len(f) > 1}
    i = -1
    for _ in range(sum(sum(flows[g].values()) for g in split)):  # their studs (-1), found by list.index
        i = out.index(-1, i + 1)
        split[index[i]].append(i)
    if width and split:
        at = range(len(index)) if places is None else places
        spread = _bayer_spread((max(width, max(at) // width + 1) - 1).bit_length())  # over the whole grid

        def rank(i):  # the Bayer matrix's threshold at the stud's place
            y, x = divmod(at[i], width)
            return (spread[x ^ y] << 1) | spread[y]

        for studs in split.values():
            studs.sort(key=rank)
    for g, studs in split.items():
        f = flows[g]
        for i, j in zip(studs, [j for j in sorted(f) for _ in range(f[j])]):
            out[i] = j
    return out


def _bayer_spread(bits: int) -> list:
    """For each ``v`` below ``2**bits``, its bits reversed into the even places of a number:
    the threshold of cell ``(x, y)`` in the Bayer matrix of side ``2**bits`` (Bayer 1973) is
    ``spread[x ^ y] << 1 | spread[y]``, each number from 0 up used once, and the cells of any
    run of thresholds are spread evenly over the matrix."""
    return [sum(((v >> b) & 1) << (2 * (bits - 1 - b)) for b in range(bits)) for v in range(1 << bits)]


def solve_groups(costs, sizes, stock, max_rounds: int | None = None, colors=None,
                 step: float = GROUP_STEP, cells=None) -> Assignment:
    """Minimum-cost assignment when ``sizes[g]`` studs share the cost row ``costs[g]``.

    The same method as :func:`solve` with a supply per row: a price-raising round moves
    whole groups (the last one partly), and each shortest path carries as many studs as
    its narrowest edge allows (successive shortest paths with capacities). Price raising
    is vectorised on the numpy path, with the same choices as the pure one.

    ``colors`` (the groups' cell centres, multiples of ``step``, as :attr:`Groups.colors`)
    allow the warm start: when the stock binds hard, the problem on cells
    ``2**WARM_SHIFT`` times coarser is solved first (recursively) and its prices start this
    one (see the module docstring). The optimum is the same with or without them.
    ``cells`` (:attr:`Groups.cells`) spare working the cells out of ``colors`` again.

    Returns an :class:`Assignment` whose ``labels`` are the flows per group,
    ``{colour: studs}`` (see :func:`expand`); ``rounds`` and ``augmentations`` add up all
    levels of the warm start.
    """
    np = _array.np()
    n = sum(sizes)
    k = len(stock)
    check_feasible(n, stock)
    cap = [n if s is None else int(s) for s in stock]
    if n == 0:
        return Assignment([{} for _ in sizes], [0] * k, 0)
    if max_rounds is None:
        max_rounds = 8 * k
    if np is not None:
        costs = np.asarray(costs, dtype=np.int64).reshape(len(sizes), k)
        rows = costs.tolist()
    else:
        rows = costs.tolist() if hasattr(costs, "tolist") else costs
    res = _solve_level(np, costs, rows, list(sizes), cap, max_rounds, cells or None, colors, step)
    res.cost = sum(rows[g][j] * m for g, f in enumerate(res.labels) for j, m in f.items())
    return res


#: Warm start (:func:`solve_groups`): used for at least this many groups when at least
#: ``WARM_EXCESS`` of the studs overflow their nearest colour (then price raising from zero
#: takes many rounds); coarse cells are ``2**WARM_SHIFT`` cells a side.
WARM_GROUPS = 500
WARM_EXCESS = (2, 5)
WARM_SHIFT = 2


def _solve_level(np, costs, rows, sizes, cap, max_rounds, cells, colors=None, step=None, nearest=None) -> Assignment:
    """One level of :func:`solve_groups` (``cost`` left at 0): ``cells`` are the groups' grid
    cells (integer triples), or made from ``colors`` when a warm start needs them;
    ``nearest``: each row's lowest cost, when known (a coarse level's rows are some of the
    finer level's)."""
    k = len(cap)
    n = sum(sizes)
    if nearest is None:
        nearest = _argmin_rows(np, costs, rows, None)
    counts = _tally(np, nearest, sizes, k)
    excess = sum(max(0, c - s) for c, s in zip(counts, cap))
    if not excess:
        return Assignment([{j: s} for j, s in zip(nearest, sizes)], [0] * k, 0)
    num, den = WARM_EXCESS
    coarse = None
    if (cells is not None or colors is not None) and len(sizes) >= WARM_GROUPS and den * excess >= num * n:
        if cells is None:
            cells = _cells(np, colors, step)
        rep, csizes, ccells = _coarsen(sizes, cells)
        if 2 * len(rep) <= len(sizes):
            crows = [rows[g] for g in rep]
            ccosts = costs[np.asarray(rep)] if np is not None else crows
            coarse = _solve_level(np, ccosts, crows, csizes, cap, max_rounds, ccells, nearest=[nearest[g] for g in rep])
    if coarse is not None:
        prices, rounds, aug = coarse.prices, coarse.rounds, coarse.augmentations
        labels = _argmin_rows(np, costs, rows, prices, nearest)
        flows = [{j: s} for j, s in zip(labels, sizes)]
        counts = _tally(np, labels, sizes, k)
    else:
        aug = 0
        if np is not None:
            flows, counts, prices, rounds = _raise_groups_np(np, costs, sizes, cap, max_rounds, nearest)
        else:
            flows, counts, prices, rounds = _raise_groups_pure(rows, sizes, cap, max_rounds, nearest)
    aug += _shortest_paths_groups(rows, flows, counts, cap, prices)
    return Assignment(flows, prices, 0, rounds, aug)


def _cells(np, colors, step) -> list:
    """The grid cells (integer triples) of cell centres that are multiples of ``step``."""
    if np is not None:
        return [tuple(c) for c in np.rint(np.asarray(colors, dtype=np.float64) / step).astype(np.int64).tolist()]
    return [(round(a / step), round(b / step), round(c / step)) for a, b, c in colors]


def _argmin_rows(np, costs, rows, prices, nearest=None) -> list:
    """Each row's colour of lowest ``cost + price`` (lowest index among ties). ``nearest``: each
    row's colour of lowest cost, when known: a row whose nearest colour has no price keeps it
    (no colour costs less, and one of equal cost and lower index would be the nearest)."""
    if np is not None:
        keys = costs if prices is None else costs + np.asarray(prices, dtype=np.int64)
        return keys.argmin(axis=1).tolist()
    if prices is None:
        return [r.index(min(r)) for r in rows]
    if nearest is None:
        return [v.index(min(v)) for v in (list(map(_add, r, prices)) for r in rows)]
    out = list(nearest)
    for g, j in enumerate(nearest):
        if prices[j]:
            v = list(map(_add, rows[g], prices))
            out[g] = v.index(min(v))
    return out


def _tally(np, labels, sizes, k) -> list:
    """Studs per colour."""
    if np is not None:
        return np.bincount(labels, weights=sizes, minlength=k).astype(np.int64).tolist()
    counts = [0] * k
    for j, s in zip(labels, sizes):
        counts[j] += s
    return counts


def _coarsen(sizes, cells):
    """Merge the groups whose cells share a cell ``2**WARM_SHIFT`` times bigger (numbered by
    first appearance); a merged group takes the cost row of its biggest member (the first
    among equals). Returns those members, the merged sizes and cells."""
    s = WARM_SHIFT
    ids: dict = {}
    rep, csizes, ccells = [], [], []
    for g, (a, b, c) in enumerate(cells):
        key = (a >> s, b >> s, c >> s)
        i = ids.get(key)
        if i is None:
            ids[key] = len(rep)
            rep.append(g)
            csizes.append(sizes[g])
            ccells.append(key)
        else:
            csizes[i] += sizes[g]
            if sizes[g] > sizes[rep[i]]:
                rep[i] = g
    return rep, csizes, ccells


def _stalled(counts, cap, state) -> bool:
    """Price raising stops once the total excess has not fallen for more than ``k`` rounds: it
    then only circulates among full colours, and shortest paths finish it faster."""
    excess = sum(max(0, c - s) for c, s in zip(counts, cap))
    if excess < state[0]:
        state[:] = [excess, 0]
        return False
    state[1] += 1
    return state[1] > len(cap)


def _shift(flows, members, g, a, b, m):
    """Move ``m`` studs of group ``g`` from colour ``a`` to ``b``: its flows, and which
    groups have studs on each colour."""
    f = flows[g]
    f[a] -= m
    if not f[a]:
        del f[a]
        members[a].discard(g)
    f[b] = f.get(b, 0) + m
    members[b].add(g)


def _raise_groups_pure(rows, sizes, cap, max_rounds, nearest):
    k = len(cap)
    cols = range(k)
    prices = [0] * k
    counts = [0] * k
    flows = []
    members = [set() for _ in cols]
    for g, j in enumerate(nearest):  # lowest index among ties
        flows.append({j: sizes[g]})
        counts[j] += sizes[g]
        members[j].add(g)
    rounds = 0
    state = [_INF, 0]
    while rounds < max_rounds:
        c = max(cols, key=lambda j: counts[j] - cap[j])
        e = counts[c] - cap[c]
        if e <= 0 or _stalled(counts, cap, state):
            break
        pc = prices[c]
        cand = []
        for g in members[c]:
            r = rows[g]
            best, bj = _INF, -1
            for j in cols:
                if j != c:
                    v = r[j] + prices[j]
                    if v < best:
                        best, bj = v, j
            cand.append((best - r[c] - pc, g, bj))
        cand.sort()  # by margin, then group
        counts[c] -= e
        last = 0
        for margin, g, bj in cand:
            m = min(e, flows[g][c])
            _shift(flows, members, g, c, bj, m)
            counts[bj] += m
            e -= m
            last = margin
            if not e:
                break
        prices[c] += last
        rounds += 1
    return flows, counts, prices, rounds


def _raise_groups_np(np, costs, sizes, cap, max_rounds, nearest):
    n_groups, k = costs.shape
    flow = np.zeros((n_groups, k), dtype=np.int64)
    flow[np.arange(n_groups), np.asarray(nearest, dtype=np.int64)] = np.asarray(sizes, dtype=np.int64)
    counts = flow.sum(axis=0)
    capa = np.asarray(cap, dtype=np.int64)
    prices = np.zeros(k, dtype=np.int64)
    rounds = 0
    state = [_INF, 0]
    while rounds < max_rounds:
        over = counts - capa
        c = int(over.argmax())
        e = int(over[c])
        if e <= 0 or _stalled(counts.tolist(), cap, state):
            break
        members = np.flatnonzero(flow[:, c])  # ascending: ties in margin go by group
        keys = costs[members] + prices
        own = keys[:, c].copy()
        keys[:, c] = _INF
        bj = keys.argmin(axis=1)
        margin = keys[np.arange(len(members)), bj] - own
        order = np.argsort(margin, kind="stable")
        have = flow[members[order], c]
        t = int(np.searchsorted(np.cumsum(have), e))  # the last group moved (partly, perhaps)
        take = order[:t + 1]
        amounts = have[:t + 1].copy()
        amounts[-1] = e - int(amounts[:-1].sum())
        gs, to = members[take], bj[take]
        flow[gs, c] -= amounts
        flow[gs, to] += amounts
        counts[c] -= e
        counts += np.bincount(to, weights=amounts, minlength=k).astype(np.int64)
        prices[c] += int(margin[take[-1]])
        rounds += 1
    nz_g, nz_j = np.nonzero(flow)
    vals = flow[nz_g, nz_j].tolist()
    flows = [{} for _ in range(n_groups)]
    for g, j, v in zip(nz_g.tolist(), nz_j.tolist(), vals):
        flows[g][j] = v
    return flows, counts.tolist(), prices.tolist(), rounds


def _arc_heaps(rows, members, a, ng) -> list:
    """The heaps of moves ``a -> b`` of the groups on ``a``, for every ``b``: one int per entry,
    ``(cost[b] - cost[a]) * ng + g``, ordered by cost, then group, whatever the members'
    order, and cheap to build (C loops) and to collect."""
    k = len(rows[0])
    mem = list(members)
    sub = list(zip(*(_itemgetter(*mem)(rows) if len(mem) > 1 else [rows[g] for g in mem]))) or [()] * k
    base = list(map(_sub, map(_mul, sub[a], _repeat(ng)), mem))  # cost[a] * ng - g, once per group
    hs = [[] if b == a else list(map(_sub, map(_mul, sub[b], _repeat(ng)), base)) for b in range(k)]
    _exhaust(map(heapq.heapify, hs))
    return hs


def _shortest_paths_groups(rows, flows, counts, cap, prices) -> int:
    """Successive shortest paths (Ahuja, Magnanti & Orlin 1993, ch. 9.7) from any pseudoflow
    whose moves all have non-negative reduced cost: nodes are the colours and a sink ``T``
    (index ``k``) that takes the studs of the stock in use (``used``, at most ``cap``). An
    edge ``a -> b`` is the cheapest group with studs on ``a`` and carries up to its studs
    there; ``a -> T`` has ``cap - used`` room at reduced cost ``pot[T] - pot[a]``, ``T -> a``
    has ``used``. Sources: over-full colours (and ``T`` when deficits exceed them); sinks:
    under-full colours with a positive price (a warm start) and ``T``. Moves flows and
    counts in place, leaves the LP duals in ``prices``; returns the augmentations."""
    k = len(cap)
    t = k
    ng = len(rows)
    n = sum(counts)
    used = [c if (p == 0 and c < s) else s for c, s, p in zip(counts, cap, prices)]
    pot = list(prices) + [0]
    members = [set() for _ in range(k)]
    for g, f in enumerate(flows):
        for j in f:
            members[j].add(g)
    heaps = [None] * k  # heaps[a][b], built when a is first reached (_arc_heaps)
    # each heap's valid top, kept up to date as groups move (_moved): as the heap holds it, and as
    # the cost difference alone (_NONE for an empty heap: far above any distance, so a Dijkstra
    # needs no test for a missing edge)
    top_c = [None] * k
    top_d = [None] * k
    top_g = [None] * k
    colours = range(k)
    augmentations = 0
    while True:
        exc = [c - u for c, u in zip(counts, used)]
        exc.append(sum(used) - n)
        if max(exc) <= 0:
            break
        dist = [0 if e > 0 else _INF for e in exc]
        pred = [-1] * (k + 1)
        via = [-1] * (k + 1)
        todo = list(colours)  # colours not settled yet, ascending: ties in distance go by index
        t_open = True  # T not settled yet (the highest index: it wins only a strictly lower distance)
        settled = []
        while True:
            if todo:
                u = min(todo, key=dist.__getitem__)
                if t_open and dist[t] < dist[u]:
                    u = t
            else:
                u = t if t_open else -1
            du = dist[u] if u >= 0 else _INF
            if du == _INF:
                raise InventoryError("Your pieces cannot be arranged into this mosaic.")  # unreachable when feasible
            if u == t:
                t_open = False
            else:
                todo.remove(u)
            settled.append(u)
            if exc[u] < 0:
                break
            base = du - pot[u]
            if u == t:
                for v in todo:
                    if used[v] and base + pot[v] < dist[v]:
                        dist[v], pred[v], via[v] = base + pot[v], t, -1
                continue
            if t_open and used[u] < cap[u] and base + pot[t] < dist[t]:
                dist[t], pred[t], via[t] = base + pot[t], u, -1
            td = top_d[u]
            if td is None:
                heaps[u] = _arc_heaps(rows, members[u], u, ng)
                top_c[u] = [h[0] if h else _NONE for h in heaps[u]]
                top_d[u] = td = [c // ng if c != _NONE else _NONE for c in top_c[u]]
                top_g[u] = [c % ng if c != _NONE else -1 for c in top_c[u]]
            tg = top_g[u]
            for v in todo:
                nd = base + td[v] + pot[v]
                if nd < dist[v]:
                    dist[v], pred[v], via[v] = nd, u, tg[v]
        for v in settled:
            if dist[v] < du:
                pot[v] += du - dist[v]
        path = []
        m = -exc[u]
        v = u
        while pred[v] >= 0:
            a, g = pred[v], via[v]
            path.append((a, v, g))
            room = used[v] if a == t else cap[a] - used[a] if v == t else flows[g][a]
            if room < m:
                m = room
            v = a
        m = min(m, exc[v])
        for a, b, g in path:
            if a == t:
                used[b] -= m
            elif b == t:
                used[a] += m
            else:
                _shift(flows, members, g, a, b, m)
                counts[a] -= m
                counts[b] += m
                _moved(rows[g], g, a, b, flows, heaps, top_c, top_d, top_g, ng)
        augmentations += 1
    pt = pot[t]
    prices[:] = [max(0, q - pt) for q in pot[:k]]
    return augmentations


def _moved(r, g, a, b, flows, heaps, top_c, top_d, top_g, ng) -> None:
    """Group ``g`` (cost row ``r``) moved studs from ``a`` to ``b``: its moves from ``b`` join
    ``b``'s heaps, and where ``g`` left ``a`` the heaps of ``a`` it topped drop their stale
    entries (lazy deletion); the cached tops follow."""
    hb = heaps[b]
    if hb is not None:
        codes = list(map(_sub, map(_mul, r, _repeat(ng)), _repeat(r[b] * ng - g)))  # (r[j] - r[b]) * ng + g
        _exhaust(map(heapq.heappush, hb, codes))  # b's own heap takes one too, never read
        tc, td, tg = top_c[b], top_d[b], top_g[b]
        for j in [j for j, c, x in zip(range(len(tc)), codes, tc) if c < x]:
            c = codes[j]
            tc[j] = c
            td[j], tg[j] = divmod(c, ng)
    ha = heaps[a]
    if ha is not None and a not in flows[g]:
        tc, td, tg = top_c[a], top_d[a], top_g[a]
        for v in [v for v, x in enumerate(tg) if x == g]:
            h = ha[v]
            while h and a not in flows[h[0] % ng]:
                heapq.heappop(h)
            if h:
                c = h[0]
                tc[v] = c
                td[v], tg[v] = divmod(c, ng)
            else:
                tc[v], td[v], tg[v] = _NONE, _NONE, -1
