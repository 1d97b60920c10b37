"""Cover a set of studs with as few Lego parts (rectangles) as possible.

Choosing the parts is an exact cover of the studs by rectangles from an allowed list: set
partitioning, NP-hard in general (Garey & Johnson, SP2). :func:`pack` solves it in pure
Python in four steps:

1. *Split.* Parts never cross a section boundary and never join studs that do not touch,
   so every section's 4-connected components are independent problems.
2. *Exact.* Starting from the best of eight greedy scans (optimal as it is when it meets
   a lower bound: the per-stud floor or the corner count, :func:`_corners`), a
   depth-first branch and bound over the "first uncovered stud" (the covered-stud bitmask
   is the state; a per-stud lower bound, the corner count of the studs left and states
   already reached cheaper prune it) finds the optimum of most small components within a
   small budget of states.
3. *Big components* (the parts big on average, and (2) out of budget or skipped as not
   worth it, ``GUILLOTINE_FIRST``: typically a relief layer filling most of a section, or
   a flat colour area): the pilot method (Duin & Voss 1999) builds a cover stud by stud,
   each time taking the part whose largest-first completion is cheapest; then the best
   guillotine partition (Gilmore & Gomory 1966: dynamic programming over sub-rectangles,
   with bounds, shared sub-results, whole rectangles from a table by size, and cuts on
   even lines or where the studs change, balanced cuts first) replaces it when cheaper;
   out of budget, the cheapest cover put together from the sub-rectangles solved so far.
   On real relief layers the guillotine optimum is the exact optimum or one part above it.
4. *Large neighbourhood search* (Shaw 1998) from the best found: repeatedly free the
   parts meeting a small window and re-solve those studs with (2), keeping any improvement
   (skipped when (3) finished); then, at full effort, the same on wider windows, where
   optima that are no guillotine partition differ from the guillotine search's cover.

Every budget counts work (states, expansions), never time: the same studs always give the
same parts, on any machine and on both array paths.

:func:`greedy` is the largest-first baseline most mosaic tools use; ``pack`` starts from
it and never returns more parts (or more cost). ``scripts/bench_packing.py`` compares
both with the exact optimum from an integer program (scipy HiGHS).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

#: Search effort (tuned with scripts/bench_packing.py and scripts/bench_relief.py): states
#: of the branch and bound per component; (studs per part, sub-rectangles): a component
#: whose best cover so far has at least that many studs per part on average gets the pilot
#: method and the guillotine search with that many expansions (the first that applies; 0:
#: the pilot only; a search out of budget still gives the best cover it put together;
#: ragged areas such as dithering get neither: they rarely beat the greedy scans there,
#: and the more parts a component needs the costlier the search); the side
#: (studs) up to which the guillotine search tries every cut; windows of the neighbourhood
#: search (w, h in studs), most studs freed per window, states per window, passes.
#: GUILLOTINE_FIRST (studs, studs per part): components at least that big whose greedy
#: cover has at least that many studs per part skip the branch and bound and go straight
#: to the pilot method and the guillotine search (there the branch and bound rarely
#: finishes: on the relief benchmark 48 of 172 such components; skipping it there left
#: both benchmarks' totals unchanged and took about 10 % off the relief time).
COMPONENT_NODES = 2000
GUILLOTINE_FIRST = (64, 7)
GUILLOTINE_NODES = ((10, 3000), (7, 2000), (5, 500))
SMALL_SIDE = 6
WINDOWS = ((8, 4), (4, 8))
WINDOW_STUDS = 80
WINDOW_NODES = 3000
PASSES = 5
#: Wide windows: at full effort, components of at least WIDE_MIN studs whose cover is above
#: the lower bound end with a second neighbourhood search on windows of WIDE_WINDOWS (up to
#: WIDE_STUDS studs freed, WIDE_NODES states each). Optima that are no guillotine partition
#: (a plate across the line where the guillotine search cuts) differ from ours over more than
#: an 8x4 window: on the relief benchmark these windows took 3 plates off the two 48x48
#: reliefs that were above 1 % (+1.3 % and +1.0 % -> +0.9 % and +0.5 %) for about 1.07x the
#: time. Flat mosaics (``legoremix.pieces``, half effort) skip them: there (140 studs, 1000
#: states) they took 22 of 65 448 parts for 1.26x the time.
WIDE_MIN = 64
WIDE_WINDOWS = ((12, 6), (6, 12))
WIDE_STUDS = 120
WIDE_NODES = 150
#: The greedy scans a component starts from: (biggest first, by rows, from the right).
GREEDY_SCANS = tuple((o, r, m) for o in (True, False) for r in (True, False) for m in (False, True))


@dataclass(frozen=True)
class Rect:
    """A part's footprint: top-left stud (x, y), width w and height h, in studs."""

    x: int
    y: int
    w: int
    h: int


class _OverBudget(Exception):
    pass


def _orientations(sizes):
    """Distinct (w, h) placements of each allowed size, biggest area first."""
    out = []
    for a, b in sizes:
        if not (isinstance(a, int) and isinstance(b, int) and a > 0 and b > 0):
            raise ValueError(f"The part size {a}x{b} is not possible: sizes are whole numbers of studs.")
        for wh in ((a, b), (b, a)):
            if wh not in out:
                out.append(wh)
    out.sort(key=lambda wh: (-wh[0] * wh[1], -wh[0], -wh[1]))
    return out


def _cost_table(sizes, cost):
    """(w, h) -> cost for both orientations; 1 per part without a cost table."""
    out = {}
    for a, b in sizes:
        key = (min(a, b), max(a, b))
        c = 1 if cost is None else cost.get((a, b), cost.get(key))
        if c is None:
            raise ValueError(f"The cost table has no entry for {key[0]}x{key[1]} parts.")
        out[(a, b)] = out[(b, a)] = c
    return out


def _crosses(x, y, w, h, section):
    return bool(section) and (x // section != (x + w - 1) // section or y // section != (y + h - 1) // section)


def _uncoverable(x, y):
    return ValueError(f"The stud at ({x}, {y}) cannot be covered by the allowed sizes: allow 1x1 parts.")


def greedy(cells, sizes, section=None) -> list:
    """Largest-first packing: scan studs row by row and put the biggest fitting part at
    each uncovered one (the seed app's way; the baseline ``pack`` must never exceed)."""
    return _greedy(cells, _orientations(sizes), section)


def _greedy(free, shapes, section):
    """Largest-first, scanning by rows: the first free stud is the top-left of its part."""
    free = set(free)
    out = []
    for y, x in sorted((y, x) for x, y in free):
        if (x, y) not in free:
            continue
        for w, h in shapes:
            if _crosses(x, y, w, h, section):
                continue
            if all((i, j) in free for j in range(y, y + h) for i in range(x, x + w)):
                out.append(Rect(x, y, w, h))
                free.difference_update((i, j) for j in range(y, y + h) for i in range(x, x + w))
                break
        else:
            raise _uncoverable(x, y)
    return out


def pack(cells, sizes, section=None, cost=None, effort: float = 1.0) -> list:
    """Cover exactly the set of (x, y) ``cells`` with non-overlapping rectangles whose
    (w, h) or (h, w) is in ``sizes``; no rectangle crosses a multiple of ``section`` in x
    or y; minimise the number of parts, or the sum of ``cost[(w, h)]`` when ``cost`` is
    given (keys as listed in sizes, w <= h). ``effort`` scales the guillotine search's
    budgets (:data:`GUILLOTINE_NODES`): flat mosaics lose a part in thousands at half of
    it (``legoremix.pieces``), relief layers more. Raises ValueError (a sentence) if the
    cells cannot be covered."""
    shapes = _orientations(sizes)
    costs = _cost_table(sizes, cost)
    if section is not None and (not isinstance(section, int) or section < 1):
        raise ValueError(f"The section size {section} is not possible: it is a whole number of studs.")
    out = []
    for comp in components(cells, section):
        out.extend(_pack_component(comp, shapes, costs, section, effort))
    return out


def components(cells, section=None) -> list:
    """The 4-connected groups of ``cells`` that lie within one section each (lists of
    (x, y), in a fixed order so results do not depend on set iteration)."""
    left = set(cells)
    out = []
    for start in sorted(left, key=lambda c: (c[1], c[0])):
        if start not in left:
            continue
        left.discard(start)
        comp, stack = [start], [start]
        sx, sy = (start[0] // section, start[1] // section) if section else (0, 0)
        while stack:
            x, y = stack.pop()
            for n in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
                if n in left and (not section or (n[0] // section, n[1] // section) == (sx, sy)):
                    left.discard(n)
                    comp.append(n)
                    stack.append(n)
        out.append(comp)
    return out


def total_cost(rects, cost=None) -> float:
    """Number of parts, or their summed cost (``cost`` keyed by (w, h) with w <= h)."""
    if cost is None:
        return len(rects)
    return sum(cost.get((r.w, r.h), cost.get((min(r.w, r.h), max(r.w, r.h)))) for r in rects)


def _pack_component(comp, shapes, costs, section, effort=1.0):
    """Best of the greedy scans, then branch and bound on the whole component (optimal
    when it finishes; skipped for big components with big parts, ``GUILLOTINE_FIRST``),
    else the best of those, the pilot method and the guillotine optimum, improved by the
    neighbourhood search on small windows unless the guillotine search finished (on the
    benchmarks they then improved 1 of 223 such components), then, at full effort, on wide
    windows (:data:`WIDE_WINDOWS`). Any step whose cover meets the lower
    bound (:func:`_bound`) ends it: nothing cheaper exists."""
    if len(comp) == 1:
        x, y = comp[0]
        if (1, 1) not in costs:
            raise _uncoverable(x, y)
        return [Rect(x, y, 1, 1)]
    xs = [x for x, _ in comp]
    ys = [y for _, y in comp]
    bw, bh = max(xs) - min(xs) + 1, max(ys) - min(ys) + 1
    fits = [s for s in shapes if s[0] <= bw and s[1] <= bh]
    narrow_first = sorted(fits, key=lambda wh: (-wh[0] * wh[1], wh[0], wh[1]))
    best = None
    for order, rows, mirror in GREEDY_SCANS:
        try:
            cand = _scan(comp, fits if order else narrow_first, rows, mirror)
        except ValueError:
            continue
        if best is None or _cost(cand, costs) < _cost(best, costs):
            best = cand
    if best is None:
        x, y = min(comp, key=lambda c: (c[1], c[0]))
        raise _uncoverable(x, y)
    bound = _bound(comp, fits, costs)
    if _cost(best, costs) <= bound:
        return best  # as cheap as a lower bound: optimal
    studs_per_part = len(comp) * min(costs[s] for s in fits) / _cost(best, costs)
    if not (len(comp) >= GUILLOTINE_FIRST[0] and studs_per_part >= GUILLOTINE_FIRST[1]):
        found, proven = _branch_and_bound(comp, fits, costs, _cost(best, costs), COMPONENT_NODES)
        if found is not None:
            best = found
        if proven or _cost(best, costs) <= bound:
            return best
    studs_per_part = len(comp) * min(costs[s] for s in fits) / _cost(best, costs)
    budget = next((int(n * effort) for k, n in GUILLOTINE_NODES if studs_per_part >= k), None)
    if budget is not None:
        cand = _pilot(comp, fits, costs)
        if cand is not None and _cost(cand, costs) < _cost(best, costs):
            best = cand
            if _cost(best, costs) <= bound:
                return best
    done = False
    if budget:
        cand, done = _guillotine(comp, fits, costs, _cost(best, costs), budget)
        if cand is not None:
            best = cand
    if not done:  # after the best guillotine partition the small windows rarely help
        best = _improve(best, fits, costs)
    if effort >= 1 and len(comp) >= WIDE_MIN and _cost(best, costs) > bound:  # non-guillotine optima
        best = _improve(best, fits, costs, WIDE_WINDOWS, WIDE_STUDS, WIDE_NODES)
    return best


def _floor(n, shapes, costs):
    """A lower bound on covering ``n`` studs: n times the cheapest cost per stud (rounded
    up for whole-number costs)."""
    v = n * min(costs[s] / (s[0] * s[1]) for s in shapes)
    return math.ceil(v - 1e-9) if all(float(c).is_integer() for c in costs.values()) else v


def _corners(x, step):
    """A lower bound on the number of rectangles partitioning the studs of bitmask ``x``
    (rows ``step`` bits apart, at least one empty bit right of each row): the corner count.
    Every rectangle has four corners; at a lattice point with one stud of the four around it
    (a convex corner of the region) or three (a reflex one) at least one rectangle has a
    corner, with two diagonal studs two; so 4 x parts >= convex + reflex + 2 diagonal
    points (the counting behind the minimum rectangle partition of a rectilinear polygon,
    r/2 + 1 - holes parts for r reflex corners: Lipski et al. 1979, Ohtsuki 1982), about
    twice the count of the studs with no neighbour left and above."""
    left, up = x << 1, x << step
    diag = up << 1
    odd = x ^ left ^ up ^ diag  # one or three of the four studs
    two = (x & diag & ~(left | up)) | (left & up & ~(x | diag))
    return (odd.bit_count() + 2 * two.bit_count() + 3) // 4


def _mask(cells):
    """``cells`` as a bitmask with rows ``step`` bits apart (one empty bit right of each
    row): (mask, step)."""
    x0 = min(x for x, _ in cells)
    y0 = min(y for _, y in cells)
    step = max(x for x, _ in cells) - x0 + 2
    m = 0
    for x, y in cells:
        m |= 1 << ((y - y0) * step + x - x0)
    return m, step


def _bound(cells, shapes, costs):
    """A lower bound on the cost of covering ``cells``: the per-stud floor or the corner
    count (:func:`_corners`) times the cheapest part, whichever is higher."""
    return max(_floor(len(cells), shapes, costs), _corners(*_mask(cells)) * min(costs[s] for s in shapes))


def _cost(rects, costs):
    return sum(costs[(r.w, r.h)] for r in rects)


def _runs(v, n, step):
    """The AND of ``v >> (k * step)`` for k < n (bits starting a run of n, ``step``
    apart), by doubling: about 2 log2(n) big-integer operations."""
    have = 1
    while have < n:
        t = have if have <= n - have else n - have
        v &= v >> (t * step)
        have += t
    return v


def _spread(v, n, step):
    """The OR of ``v << (k * step)`` for k < n (each bit grown into a run of n), by doubling."""
    have = 1
    while have < n:
        t = have if have <= n - have else n - have
        v |= v << (t * step)
        have += t
    return v


def _scan(comp, shapes, rows, mirror=False):
    """Largest-first (``shapes`` in order) on one component, by rows, or by columns (the
    same on the transposed component), from the left or (``mirror``) from the right: the
    first uncovered stud is the top-left of its part. On bitmasks (rows of the box one
    bit apart beyond its width, so shifts never carry a part into the next row; each
    shape's valid top-left corners found by doubling shifts): 3x faster than sets."""
    xs = [x for x, _ in comp]
    ys = [y for _, y in comp]
    x0, y0, x1 = min(xs), min(ys), max(xs)
    # mirrored (from the right) first, then transposed (by columns)
    pts = [(x1 - x if mirror else x - x0, y - y0) for x, y in comp]
    if not rows:
        pts = [(y, x) for x, y in pts]
    shp = shapes if rows else [(h, w) for w, h in shapes]
    w = max(p[0] for p in pts) + 1
    S = w + 1
    full = 0
    for x, y in pts:
        full |= 1 << (y * S + x)
    h = (full.bit_length() - 1) // S + 1
    cand = []
    for sw, sh in shp:
        if sw > w or sh > h:
            continue
        v = _runs(_runs(full, sw, 1), sh, S)
        if v:
            cand.append((v, _spread((1 << sw) - 1, sh, S), sw, sh))
    out = []
    rem = full
    while rem:
        i = (rem & -rem).bit_length() - 1
        for v, pat, sw, sh in cand:
            if v >> i & 1:
                m = pat << i
                if rem & m == m:
                    rem ^= m
                    x, y = i % S, i // S
                    rx, ry, rw = (x, y, sw) if rows else (y, x, sh)
                    out.append(Rect(x1 - rx - rw + 1 if mirror else rx + x0, ry + y0, rw, sh if rows else sw))
                    break
        else:
            x, y = i % S, i // S
            rx, ry = (x, y) if rows else (y, x)
            raise _uncoverable(x1 - rx if mirror else rx + x0, ry + y0)
    return out


def _frame(cells, shapes, costs, pad=0):
    """The component's bounding box as one bitmask, scanning along the shorter side (fewer
    partly covered rows at a time): ``(w, h, flip, x0, y0, full, shp)``, with bit ``y * w + x``
    of ``full`` set for each stud and ``shp`` the shapes as ``(w, h, cost)`` in that frame
    (``flip``: x and y swapped)."""
    xs = [x for x, _ in cells]
    ys = [y for _, y in cells]
    x0, y0 = min(xs), min(ys)
    w, h = max(xs) - x0 + 1, max(ys) - y0 + 1
    flip = w > h
    if flip:
        pts = [(y - y0, x - x0) for x, y in cells]
        w, h = h, w
        shp = [(b, a, costs[(a, b)]) for a, b in shapes]
    else:
        pts = [(x - x0, y - y0) for x, y in cells]
        shp = [(a, b, costs[(a, b)]) for a, b in shapes]
    w += pad
    full = 0
    for x, y in pts:
        full |= 1 << (y * w + x)
    return w, h, flip, x0, y0, full, shp


def _branch_and_bound(cells, shapes, costs, ub, budget):
    """A cover of ``cells`` (within one section) cheaper than ``ub``, and whether the
    search finished (then nothing cheaper exists than what it returns, or than ``ub``
    when it returns None).

    Depth-first over the first uncovered stud in scan order (it must be the top-left of
    the part covering it), scanning along the shorter side; the state is the bitmask of
    covered studs. Pruned by (a) a lower bound: every stud costs at least the cheapest
    cost per stud of a part that can cover it, summed over the uncovered studs (a part
    of area A covering studs whose best ratio is at most cost/A), (b) the corner count
    of the uncovered studs (:func:`_corners`, on rows one empty bit apart), and (c) states
    already reached at no greater cost. Stops after ``budget`` states.
    """
    # rows one bit apart beyond the box (an empty column), for the corner count
    w, h, flip, x0, y0, full, shp = _frame(cells, shapes, costs, 1)
    # every valid top-left corner of each shape at once, by bit operations: a corner is
    # valid when the stud at each of the shape's offsets is in ``full`` (and the shape
    # does not wrap past the right edge)
    shapes_ok = []
    for sw, sh, c in shp:
        if sw > w or sh > h:
            continue
        cols = _spread((1 << (w - sw + 1)) - 1, h - sh + 1, w)
        valid = _runs(_runs(full, sw, 1), sh, w) & cols
        if valid:
            pat = _spread(_spread(1, sw, 1), sh, w)
            cover = _spread(_spread(valid, sw, 1), sh, w)
            shapes_ok.append((c / (sw * sh), valid, pat, c, sw, sh, cover))
    # the per-stud bound: studs grouped by the best cost per stud of a part covering them
    left, groups = full, []
    for v, _, _, _, _, _, cover in sorted(shapes_ok, key=lambda t: t[0]):
        got = cover & left
        if got:
            if groups and groups[-1][1] == v:
                groups[-1] = (groups[-1][0] | got, v)
            else:
                groups.append((got, v))
            left &= ~got
    total = sum(g.bit_count() * v for g, v in groups)
    place = {}

    def options(i):
        """The parts whose top-left corner can be stud ``i``: [mask, cost, w, h, i, bound]."""
        opts = []
        for _, valid, pat, c, sw, sh, _ in shapes_ok:
            if valid >> i & 1:
                m = pat << i
                opts.append((m, c, sw, sh, i, sum((m & g).bit_count() * v for g, v in groups)))
        place[i] = opts
        return opts
    integer = all(float(c).is_integer() for c in costs.values())
    goal = (1 << (w * h)) - 1
    # prune when g + lb > limit: for whole-number costs the next solution must cost at
    # most best - 1 (so the rounded-up bound must not reach best)
    slack = 1 - 1e-9 if integer else 1e-9
    best = [ub, None, ub - slack]
    seen = {}
    nodes = [0]
    path = []
    cheapest = min(c for _, _, c in shp)

    def dfs(mask, g, lb):
        s = seen.get(mask)
        if s is not None and s <= g:
            return
        seen[mask] = g
        nodes[0] += 1
        if nodes[0] > budget:
            raise _OverBudget
        i = (~mask & (mask + 1)).bit_length() - 1
        for p in place.get(i) or options(i):
            m = p[0]
            if mask & m:
                continue
            g2, lb2 = g + p[1], lb - p[5]
            if g2 + lb2 > best[2]:
                continue
            nxt = mask | m
            if nxt == goal:
                path.append(p)
                best[:] = g2, list(path), g2 - slack
                path.pop()
                continue
            u = full & ~nxt  # the corner count of the studs left (see _corners)
            lu, uu = u << 1, u << w
            du = uu << 1
            if g2 + ((u ^ lu ^ uu ^ du).bit_count() + 2 * ((u & du & ~(lu | uu)) | (lu & uu & ~(u | du))).bit_count()
                     + 3) // 4 * cheapest > best[2]:
                continue
            path.append(p)
            dfs(nxt, g2, lb2)
            path.pop()

    proven = True
    start = goal & ~full
    if total <= best[2]:
        try:
            dfs(start, 0, total)
        except _OverBudget:
            proven = False
    if best[1] is None:
        return None, proven
    out = []
    for _, _, sw, sh, i, _ in best[1]:
        x, y = i % w, i // w
        out.append(Rect(y + x0, x + y0, sh, sw) if flip else Rect(x + x0, y + y0, sw, sh))
    return out, proven


def _improve(rects, shapes, costs, windows=WINDOWS, most=WINDOW_STUDS, nodes=WINDOW_NODES):
    """Large neighbourhood search: free the parts meeting a window (``windows``: (w, h) in
    studs), re-solve those studs exactly (at most ``most`` studs, ``nodes`` states each)."""
    owner = {}
    parts = dict(enumerate(rects))
    for k, r in parts.items():
        for j in range(r.y, r.y + r.h):
            for i in range(r.x, r.x + r.w):
                owner[(i, j)] = k
    nxt = len(parts)
    xs = [c[0] for c in owner]
    ys = [c[1] for c in owner]
    bx0, bx1, by0, by1 = min(xs), max(xs), min(ys), max(ys)
    tried = set()
    for _ in range(PASSES):
        improved = False
        for ww, wh in windows:
            for wy in range(by0, max(by0, by1 - wh + 1) + 1, max(1, wh // 2)):
                for wx in range(bx0, max(bx0, bx1 - ww + 1) + 1, max(1, ww // 2)):
                    ks = frozenset(owner[(i, j)] for j in range(wy, wy + wh) for i in range(wx, wx + ww)
                                   if (i, j) in owner)
                    if len(ks) < 2 or ks in tried:
                        continue
                    tried.add(ks)
                    chosen = [parts[k] for k in sorted(ks)]
                    cells = [(i, j) for r in chosen for j in range(r.y, r.y + r.h) for i in range(r.x, r.x + r.w)]
                    old = _cost(chosen, costs)
                    if len(cells) > most or old <= _bound(cells, shapes, costs):
                        continue
                    new, _ = _branch_and_bound(cells, shapes, costs, old, nodes)
                    if new is None:
                        continue
                    for k in ks:
                        del parts[k]
                    for r in new:
                        parts[nxt] = r
                        for j in range(r.y, r.y + r.h):
                            for i in range(r.x, r.x + r.w):
                                owner[(i, j)] = nxt
                        nxt += 1
                    improved = True
        if not improved:
            break
    return sorted(parts.values(), key=lambda r: (r.y, r.x))


def _board(cells, shapes, costs):
    """The component as bitmasks: (w, flip, x0, y0, full, shp) with shp a list of
    (cost, valid corners, pattern, sw, sh), scanning along the shorter side."""
    w, h, flip, x0, y0, full, shp = _frame(cells, shapes, costs)
    out = []
    for sw, sh, c in shp:
        if sw > w or sh > h:
            continue
        valid = _runs(_runs(full, sw, 1), sh, w) & _spread((1 << (w - sw + 1)) - 1, h - sh + 1, w)
        if valid:
            out.append((c, valid, _spread(_spread(1, sw, 1), sh, w), sw, sh))
    return w, flip, x0, y0, full, out


def _rollout(mask, goal, shp):
    """Cost of the cheapest-per-stud-first completion from ``mask`` (``shp`` in that
    order), or infinity where it gets stuck (no 1x1 allowed)."""
    g = 0
    while mask != goal:
        i = (~mask & (mask + 1)).bit_length() - 1
        for c, valid, pat, _, _ in shp:
            if valid >> i & 1 and not mask & (pat << i):
                mask |= pat << i
                g += c
                break
        else:
            return math.inf
    return g


def _pilot(cells, shapes, costs):
    """The pilot method (Duin & Voss 1999): at the first uncovered stud, put the part
    whose greedy completion (:func:`_rollout`) is cheapest, and again until all are
    covered; None if it gets stuck."""
    w, flip, x0, y0, full, shp = _board(cells, shapes, costs)
    shp.sort(key=lambda t: (t[0] / (t[3] * t[4]), -t[3] * t[4]))
    goal = (1 << full.bit_length()) - 1
    mask = goal & ~full
    out = []
    while mask != goal:
        i = (~mask & (mask + 1)).bit_length() - 1
        best = None
        for c, valid, pat, sw, sh in shp:
            if valid >> i & 1 and not mask & (pat << i):
                m = mask | (pat << i)
                v = c + _rollout(m, goal, shp)
                if best is None or v < best[0]:
                    best = (v, m, sw, sh)
        if best is None or best[0] == math.inf:
            return None
        _, mask, sw, sh = best
        x, y = i % w, i // w
        out.append(Rect(y + x0, x + y0, sh, sw) if flip else Rect(x + x0, y + y0, sw, sh))
    return out


_FULL: dict = {}  # (shapes, costs) -> {(w, h): (cost, cut)}: a pure function's values


def _full_table(shapes, costs):
    """The table :func:`_full_rect` fills for these shapes and costs (kept across calls:
    its entries depend on nothing else, so results stay the same)."""
    key = tuple((s, costs[s]) for s in shapes)
    t = _FULL.get(key)
    if t is None:
        if len(_FULL) >= 64:
            _FULL.pop(next(iter(_FULL)))
        t = _FULL[key] = {"costs": {s: costs[s] for s in shapes}}
    return t


def _full_rect(w, h, table):
    """The cheapest guillotine partition of a whole w x h rectangle (every cut; infinity
    when none): the recursion of Gilmore & Gomory (1966) over rectangle sizes, filled in
    ``table`` bottom-up (no deep recursion) as (cost, cut) with cut () for one part, else
    (0, p) or (1, p)."""
    hit = table.get((w, h))
    if hit is not None:
        return hit[0]
    one = table["costs"]
    for j in range(1, h + 1):
        for i in range(1, w + 1):
            if (i, j) in table:
                continue
            best, how = one.get((i, j), math.inf), ()
            for p in range(1, i // 2 + 1):
                v = table[(p, j)][0] + table[(i - p, j)][0]
                if v < best:
                    best, how = v, (0, p)
            for p in range(1, j // 2 + 1):
                v = table[(i, p)][0] + table[(i, j - p)][0]
                if v < best:
                    best, how = v, (1, p)
            table[(i, j)] = (best, how)
    return table[(w, h)][0]


def _build_full(w, h, x, y, table, out):
    """The parts of :func:`_full_rect`'s partition of the w x h rectangle at (x, y)."""
    todo = [(w, h, x, y)]
    while todo:
        w, h, x, y = todo.pop()
        how = table[(w, h)][1]
        if not how:
            out.append(Rect(x, y, w, h))
        elif how[0] == 0:
            todo += [(w - how[1], h, x + how[1], y), (how[1], h, x, y)]
        else:
            todo += [(w, h - how[1], x, y + how[1]), (w, how[1], x, y)]
    return out


def _guillotine(cells, shapes, costs, limit, budget):
    """The cheapest guillotine partition of ``cells`` (every part obtained by cutting a
    rectangle straight through, recursively) if it costs less than ``limit``, else None;
    and whether the search finished within ``budget`` expansions.

    Dynamic programming over sub-rectangles (the recursion of Gilmore & Gomory 1966 for
    two-dimensional cutting), each shrunk to the box of its studs and shared by every box
    with the same studs (translations), searched depth-first with bounds: the per-stud
    bound (2D prefix sums; for whole-number costs in exact integers) and the corner
    bounds (a stud with no neighbour to its left and above is the top-left stud of its own
    part, so a box needs at least as many parts as it has such studs, likewise for the
    other corners; and the corner count of :func:`_corners`); a cut is skipped when the
    bounds of its halves reach the best so far, a box stops trying cuts once one meets its
    lower bound, and a box searched in vain keeps its limit as a better bound. Among cuts
    of equal bound the most balanced go first: on the benchmarks that halved the gap
    between an out-of-budget search and the exact optimum."""
    xs = [x for x, _ in cells]
    ys = [y for _, y in cells]
    x0, y0 = min(xs), min(ys)
    w, h = max(xs) - x0 + 1, max(ys) - y0 + 1
    # the component as one integer, row after row, S bits a row (one empty column at the
    # right, so shifting by one never carries a stud into the next row, nor a part)
    S = w + 1
    grid = 0
    for x, y in cells:
        grid |= 1 << ((y - y0) * S + x - x0)
    # per-stud bound: each stud costs at least the cheapest cost per stud of a part that
    # can cover it (studs grouped by that ratio, found with whole-grid bit operations); for
    # whole-number costs in units of 1/scale (scale: the least common multiple of the
    # areas), so that bounds are exact integers and need no rounding slack
    integer = all(float(c).is_integer() for c in costs.values())
    scale = 1
    if integer:
        for sw, sh in shapes:
            scale = scale * (sw * sh) // math.gcd(scale, sw * sh)
    groups, left = [], grid
    for r, sw, sh in sorted((costs[s] / (s[0] * s[1]), s[0], s[1]) for s in shapes):
        valid = _runs(_runs(grid, sw, 1), sh, S)
        cover = _spread(_spread(valid, sw, 1), sh, S)
        if cover & left:
            groups.append((cover & left, int(costs[(sw, sh)]) * scale // (sw * sh) if integer else r))
            left &= ~cover
    W = w + 1
    zero = 0 if integer else 0.0
    pre = [zero] * (W * (h + 1))
    for y in range(h):
        run = zero
        for x in range(w):
            i = y * S + x
            for g, r in groups:
                if g >> i & 1:
                    run += r
                    break
            pre[(y + 1) * W + x + 1] = pre[y * W + x + 1] + run
    cheapest = min(costs[s] for s in shapes)
    table = _full_table(shapes, costs)

    K = max(w, h) + 1  # box keys as one integer: ((a * K + b) * K + c) * K + d
    # bw x bh studs all present, as an integer with rows S bits apart: ones[bh][bw]
    ones = [[0] * (w + 1)]
    for bh in range(1, h + 1):
        ones.append([o | (((1 << bw) - 1) << ((bh - 1) * S)) for bw, o in enumerate(ones[-1])])

    fold = [1 << k for k in range(max(1, h - 1).bit_length())]  # OR of all rows by doubling
    low_row = (1 << S) - 1
    nodes = {}   # (w, h, studs relative to the box's corner) -> node
    boxes = {}   # any box -> (node, x, y of its shrunk box) or None when empty
    # the cuts on even lines across a box's width, by the parity of its left side: bit q
    # of evens[(a + x0) % 2] set when the line a + q is even (in the picture)
    evens = [0, 0]
    for q in range(K + 1):
        evens[q % 2] |= 1 << q

    # a node: [lower bound (the exact value once solved), exact value or None, how (() for
    # one part, else the two halves and their offsets), (w, h), cuts or None, its first
    # box (a, b, c, d), full, studs]
    def node(a, b, c, d):
        key = ((a * K + b) * K + c) * K + d
        hit = boxes.get(key, 0)
        if hit != 0:
            return hit
        x = (grid >> (b * S + a)) & ones[d - b][c - a]
        if not x:
            boxes[key] = None
            return None
        top = ((x & -x).bit_length() - 1) // S
        bottom = (x.bit_length() - 1) // S + 1
        r = x
        for k in fold:
            r |= r >> (k * S)
        r &= low_row
        left, right = (r & -r).bit_length() - 1, r.bit_length()
        bw, bh = right - left, bottom - top
        x >>= top * S + left
        content = (bw, bh, x)
        n = nodes.get(content)
        a, b = a + left, b + top
        if n is None:
            c, d = a + bw, b + bh
            v = pre[d * W + c] - pre[b * W + c] - pre[d * W + a] + pre[b * W + a]
            v = -(-v // scale) if integer else v - 1e-9
            up, down, lft, rgt = ~(x << S), ~(x >> S), ~(x << 1), ~(x >> 1)
            k = max((x & up & lft).bit_count(), (x & up & rgt).bit_count(),
                    (x & down & lft).bit_count(), (x & down & rgt).bit_count())
            lx, ux = x << 1, x << S
            dx = ux << 1
            k2 = ((x ^ lx ^ ux ^ dx).bit_count() + 2 * ((x & dx & ~(lx | ux)) | (lx & ux & ~(x | dx))).bit_count()
                  + 3) // 4
            corner = (k if k > k2 else k2) * cheapest
            full = x == ones[bh][bw]
            n = nodes[content] = [v if v > corner else corner, None, None, (bw, bh), None, (a, b, c, d), full, x]
            if full:  # a whole rectangle: its guillotine optimum (every cut) from the table
                n[0] = n[1] = _full_rect(bw, bh, table)
                n[2] = 1
        out = boxes[key] = (n, a, b)
        return out

    expanded = [0]

    def cuts_of(n):
        """Every cut of the node's box with the per-stud bounds of its halves (prefix
        sums, no shrinking), most promising first: [bound, order, direction, line, halves];
        among cuts of equal bound, those nearest the middle first (balanced halves find
        cheap covers sooner than thin slices: on the benchmarks the same budget gives about
        half the gap to the exact optimum), ``order`` being that rank as one integer."""
        a, b, c, d = n[5]
        cuts = []
        # across a side longer than SMALL_SIDE, cuts on even lines (most sizes are even)
        # and on odd lines only where the studs change (a column where some row starts
        # or ends, a row unlike the one above): a heuristic that keeps the optimum of
        # real relief layers at half the work; shorter sides get every cut
        xc = n[7]
        if c - a <= SMALL_SIDE:
            edges = -1
        else:
            r = xc ^ (xc << 1)
            for k in fold:
                r |= r >> (k * S)
            edges = (r & low_row) | evens[(a + x0) % 2]
        bW, dW = b * W, d * W
        c0, c1 = pre[dW + a] - pre[bW + a], pre[dW + c] - pre[bW + c]
        mid = a + c
        if integer:
            for p in range(a + 1, c):
                if edges >> (p - a) & 1:
                    v = pre[dW + p] - pre[bW + p]
                    cuts.append([-((c0 - v) // scale) - ((v - c1) // scale), abs(2 * p - mid) * 2 * K + p, 0, p, None])
        else:
            for p in range(a + 1, c):
                if edges >> (p - a) & 1:
                    cuts.append([c1 - c0 - 2e-9, abs(2 * p - mid) * 2 * K + p, 0, p, None])
        small = d - b <= SMALL_SIDE
        steps = xc ^ (xc << S)
        row = (1 << (c - a)) - 1
        r0, r1 = pre[bW + c] - pre[bW + a], pre[dW + c] - pre[dW + a]
        mid = b + d
        for p in range(b + 1, d):
            if small or (p + y0) % 2 == 0 or steps >> ((p - b) * S) & row:
                if integer:
                    v = pre[p * W + c] - pre[p * W + a]
                    cuts.append([-((r0 - v) // scale) - ((v - r1) // scale), (abs(2 * p - mid) * 2 + 1) * K + p,
                                 1, p, None])
                else:
                    cuts.append([r1 - r0 - 2e-9, (abs(2 * p - mid) * 2 + 1) * K + p, 1, p, None])
        cuts.sort()
        n[4] = cuts
        return cuts

    def f(n, limit):
        """The node's exact cost if below ``limit``, else a lower bound >= limit."""
        if n[1] is not None:
            return n[1]
        if n[0] >= limit:
            return n[0]
        expanded[0] += 1
        if expanded[0] > budget:
            raise _OverBudget
        cuts = n[4]
        if cuts is None:
            cuts = cuts_of(n)
        best, how = limit, None
        one = costs.get(n[3]) if n[6] else None
        if one is not None and one < best:
            best, how = one, ()
        a, b, c, d = n[5]
        floor = n[0]  # nothing covers the node for less: stop there
        low = math.inf  # fail-soft: the least any cut could cost, when none beats the limit
        for cut in cuts:
            cb = cut[0]
            if cb >= best:
                if cb < low:
                    low = cb
                break
            halves = cut[4]
            if halves is None:
                p = cut[3]
                if cut[2]:
                    ka, kb = ((a * K + b) * K + c) * K + p, ((a * K + p) * K + c) * K + d
                    ha, hb = boxes.get(ka, 0), boxes.get(kb, 0)
                    if ha == 0:
                        ha = node(a, b, c, p)
                    if hb == 0:
                        hb = node(a, p, c, d)
                else:
                    ka, kb = ((a * K + b) * K + p) * K + d, ((p * K + b) * K + c) * K + d
                    ha, hb = boxes.get(ka, 0), boxes.get(kb, 0)
                    if ha == 0:
                        ha = node(a, b, p, d)
                    if hb == 0:
                        hb = node(p, b, c, d)
                halves = cut[4] = () if ha is None or hb is None else \
                    (ha[0], ha[1] - a, ha[2] - b, hb[0], hb[1] - a, hb[2] - b)
            if not halves:
                continue
            pa, pb = halves[0], halves[3]
            la, lb = pa[0], pb[0]
            if la + lb >= best:
                if la + lb < low:
                    low = la + lb
                continue
            va = f(pa, best - lb) if pa[1] is None else la
            if va + lb >= best:
                if va + lb < low:
                    low = va + lb
                continue
            vb = f(pb, best - va) if pb[1] is None else lb
            if va + vb < best:
                best, how = va + vb, halves
                if best <= floor:
                    break
            elif va + vb < low:
                low = va + vb
        if how is None:
            if one is not None and one < low:
                low = one
            n[0] = low if low > limit else limit
            return n[0]
        n[0] = n[1] = best
        n[2] = how
        return best

    def build(n, ox, oy, out):
        if n[2] == 1:
            _build_full(n[3][0], n[3][1], ox + x0, oy + y0, table, out)
        elif n[2] == ():
            out.append(Rect(ox + x0, oy + y0, n[3][0], n[3][1]))
        else:
            pa, ax, ay, pb, bx, by = n[2]
            build(pa, ox + ax, oy + ay, out)
            build(pb, ox + bx, oy + by, out)
        return out

    def known(n):
        """The cheapest cover of a node made of solved nodes (its exact cost when solved,
        else the best over its tried cuts; infinity when none), kept in n[8:] as
        [halves, cost] (computed once: the search has stopped)."""
        if n[1] is not None:
            return n[1]
        if len(n) > 8:
            return n[9]
        v, pick = math.inf, None
        for cut in n[4] or ():
            if cut[0] >= v:  # sorted by bound: no later cut is cheaper
                break
            halves = cut[4]
            if halves:
                k = known(halves[0])
                if k < v:
                    k += known(halves[3])
                    if k < v:
                        v, pick = k, halves
        n[8:] = [pick, v]
        return v

    def assemble(n, ox, oy, out):
        if n[1] is not None:
            return build(n, ox, oy, out)
        pa, ax, ay, pb, bx, by = n[8]
        assemble(pa, ox + ax, oy + ay, out)
        return assemble(pb, ox + bx, oy + by, out)

    top, tx, ty = node(0, 0, w, h)
    try:
        v = f(top, limit)
    except _OverBudget:
        # the cheapest cover put together from the boxes solved so far (an unfinished
        # search often has found cheaper covers of the whole than the limit)
        if known(top) >= limit:
            return None, False
        return assemble(top, tx, ty, []), False
    if v >= limit:
        return None, True
    return build(top, tx, ty, []), True
