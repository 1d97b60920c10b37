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
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass

from . import _array

#: Integer cost units per unit of colour difference.
COST_SCALE = 1000
#: Side of the grid cells that group stud colours (in the metric's space: 1 is about one
#: just-noticeable difference in CIELAB, 0.01 in OKLab, one 8-bit step in sRGB): a stud's cost
#: is its cell centre's, at most sqrt(3)/2 of a step from its own colour.
GROUP_STEP = 1.0
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


# -- grouped solve: one cost row per distinct (quantised) colour --------------------------

@dataclass
class Groups:
    """Studs grouped by quantised colour: ``index[i]`` is stud ``i``'s group, ``sizes[g]``
    its studs, ``colors[g]`` its cell centre in the metric's space. Groups are numbered in
    order of first appearance (the same on both paths)."""

    index: list
    sizes: list
    colors: list


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
        return Groups(rank[inv.reshape(-1)].tolist(), sizes[order].tolist(), (keys[order] * step).tolist())
    ids: dict = {}
    index, sizes = [], []
    for p in pixels_sp:
        key = (round(p[0] / step), round(p[1] / step), round(p[2] / step))
        g = ids.get(key)
        if g is None:
            g = ids[key] = len(sizes)
            sizes.append(0)
        sizes[g] += 1
        index.append(g)
    return Groups(index, sizes, [[v * step for v in k] for k in ids])


def solve_pixels(pixels_sp, palette_sp, metric, stock, step: float = GROUP_STEP) -> Assignment:
    """The optimal assignment of studs (colours in the metric's space) to the palette under
    the stock, solved on the distinct quantised colours (:func:`group`, :func:`solve_groups`)
    and handed back per stud."""
    check_feasible(len(pixels_sp), stock)
    g = group(pixels_sp, step)
    costs = cost_matrix(g.colors, palette_sp, metric) if g.sizes else []
    res = solve_groups(costs, g.sizes, stock)
    res.labels = expand(res.labels, g.index)
    return res


def expand(flows, index) -> list:
    """Labels per stud from per-group flows (``{colour: studs}``): the studs of a group, in
    order, take its colours from the lowest index up."""
    queues = [[j for j in sorted(f, reverse=True) for _ in range(f[j])] for f in flows]
    return [queues[g].pop() for g in index]


def solve_groups(costs, sizes, stock, max_rounds: int | None = None) -> Assignment:
    """Minimum-cost assignment when ``sizes[g]`` studs share the cost row ``costs[g]``.

    The same method as :func:`solve` with a supply per row: a price-raising round moves
    whole groups (the last one partly), and each shortest path carries as many studs as
    its narrowest edge allows (successive shortest paths with capacities). Price raising
    is vectorised on the numpy path, with the same choices as the pure one. Returns an
    :class:`Assignment` whose ``labels`` are the flows per group, ``{colour: studs}``
    (see :func:`expand`).
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
        flows, counts, prices, rounds = _raise_groups_np(np, costs, sizes, cap, max_rounds)
        rows = costs.tolist()
    else:
        rows = costs.tolist() if hasattr(costs, "tolist") else costs
        flows, counts, prices, rounds = _raise_groups_pure(rows, sizes, cap, max_rounds)
    members = [set() for _ in range(k)]  # groups with studs on each colour
    for g, f in enumerate(flows):
        for j in f:
            members[j].add(g)

    def move(g, a, b, m):
        f = flows[g]
        f[a] -= m
        if not f[a]:
            del f[a]
            members[a].discard(g)
        f[b] = f.get(b, 0) + m
        members[b].add(g)
        counts[a] -= m
        counts[b] += m

    aug = _shortest_paths_groups(rows, flows, members, counts, cap, prices, move)
    total = sum(rows[g][j] * m for g, f in enumerate(flows) for j, m in f.items())
    return Assignment(flows, prices, total, rounds, aug)


def _stalled(counts, cap, state) -> bool:
    """Price raising stops once the total excess has not fallen for more than ``k`` rounds: it
    then only circulates among full colours, and shortest paths finish it faster."""
    excess = sum(max(0, c - s) for c, s in zip(counts, cap))
    if excess < state[0]:
        state[:] = [excess, 0]
        return False
    state[1] += 1
    return state[1] > len(cap)


def _raise_groups_pure(rows, sizes, cap, max_rounds):
    k = len(cap)
    cols = range(k)
    prices = [0] * k
    counts = [0] * k
    flows = []
    members = [set() for _ in cols]
    for g, r in enumerate(rows):
        j = min(cols, key=r.__getitem__)  # lowest index among ties
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
            f = flows[g]
            m = min(e, f[c])
            f[c] -= m
            if not f[c]:
                del f[c]
                members[c].discard(g)
            f[bj] = f.get(bj, 0) + m
            members[bj].add(g)
            counts[bj] += m
            e -= m
            last = margin
            if not e:
                break
        prices[c] += last
        rounds += 1
    return flows, counts, prices, rounds


def _raise_groups_np(np, costs, sizes, cap, max_rounds):
    n_groups, k = costs.shape
    flow = np.zeros((n_groups, k), dtype=np.int64)
    flow[np.arange(n_groups), costs.argmin(axis=1)] = np.asarray(sizes, dtype=np.int64)
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


def _shortest_paths_groups(rows, flows, members, counts, cap, prices, move) -> int:
    """Successive shortest paths on the colour graph (as :func:`_shortest_paths`); an edge
    ``a -> b`` is the cheapest group with studs on ``a``, and carries up to its studs there."""
    k = len(cap)
    heaps: list = [None] * k  # heaps[a][b]: (cost of moving a stud of group g from a to b, g)

    def entries(g, a):
        r = rows[g]
        ra = r[a]
        for b in range(k):
            if b != a:
                heapq.heappush(heaps[a][b], (r[b] - ra, g))

    def build(a):
        hs = [[] for _ in range(k)]
        for g in sorted(members[a]):
            r = rows[g]
            ra = r[a]
            for b in range(k):
                if b != a:
                    hs[b].append((r[b] - ra, g))
        for h in hs:
            heapq.heapify(h)
        heaps[a] = hs

    def top(a, b):
        h = heaps[a][b]
        while h and a not in flows[h[0][1]]:
            heapq.heappop(h)
        return h[0] if h else None

    augmentations = 0
    while True:
        over = [j for j in range(k) if counts[j] > cap[j]]
        if not over:
            return augmentations
        dist = [_INF] * k
        pred = [-1] * k
        pred_g = [-1] * k
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
                    dist[v], pred[v], pred_g[v] = nd, u, t[1]
        dmax = dist[target]
        for v in range(k):
            if dist[v] < dmax:
                prices[v] += dmax - dist[v]
        path = []
        m = cap[target] - counts[target]
        v = target
        while pred[v] != -1:
            u, g = pred[v], pred_g[v]
            path.append((g, u, v))
            m = min(m, flows[g][u])
            v = u
        m = min(m, counts[v] - cap[v])
        for g, u, v in path:
            move(g, u, v, m)
            if heaps[v] is not None:
                entries(g, v)
        augmentations += 1
