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
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass

from . import _array

#: Integer cost units per unit of colour difference.
COST_SCALE = 1000
_INF = 1 << 60


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
    return [metric.to_space_1(p) for p in pixels]


def cost_matrix(pixels_sp, palette_sp, metric):
    """Integer costs ``round(COST_SCALE * distance)``: an ``(N, K)`` int64 array on the
    numpy path, a list of rows on the pure path."""
    np = _array.np()
    if np is not None:
        q = np.asarray(palette_sp, dtype=np.float64).reshape(1, -1, 3)
        d = metric.distance(np.asarray(pixels_sp)[:, None, :], q)
        return np.rint(d * COST_SCALE).astype(np.int64)
    dist = metric.distance_1
    pal = [tuple(q) for q in palette_sp]
    return [[round(dist(p, q) * COST_SCALE) for q in pal] for p in pixels_sp]


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
