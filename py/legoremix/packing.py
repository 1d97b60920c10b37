"""Cover a set of studs with as few Lego parts (rectangles) as possible.

Choosing the parts is an exact cover of the studs by rectangles from an allowed list: set
partitioning, NP-hard in general (Garey & Johnson, SP2). :func:`pack` solves it in pure
Python in three steps:

1. *Split.* Parts never cross a section boundary and never join studs that do not touch,
   so every section's 4-connected components are independent problems.
2. *Exact.* Starting from the best of four greedy scans, a depth-first branch and bound
   over the "first uncovered stud" (the covered-stud bitmask is the state; a per-stud
   lower bound and states already reached cheaper prune it) finds the optimum of most
   components within a small budget of states.
3. *Large neighbourhood search* (Shaw 1998) on the components where (2) ran out of
   budget: repeatedly free the parts meeting a small window and re-solve those studs
   with (2), keeping any improvement.

:func:`greedy` is the largest-first baseline most mosaic tools use; ``pack`` starts from
it and never returns more parts (or more cost). ``scripts/bench_packing.py`` compares
both with the exact optimum from an integer program (scipy HiGHS).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

#: Search effort (tuned with scripts/bench_packing.py: within 1 % of the optimum, 128x128
#: flat in about 3 s of CPython): states per component, windows of the neighbourhood
#: search (w, h in studs), most studs freed per window, states per window, passes.
COMPONENT_NODES = 2000
WINDOWS = ((8, 4), (4, 8))
WINDOW_STUDS = 80
WINDOW_NODES = 3000
PASSES = 5
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


def pack(cells, sizes, section=None, cost=None) -> list:
    """Cover exactly the set of (x, y) ``cells`` with non-overlapping rectangles whose
    (w, h) or (h, w) is in ``sizes``; no rectangle crosses a multiple of ``section`` in x
    or y; minimise the number of parts, or the sum of ``cost[(w, h)]`` when ``cost`` is
    given (keys as listed in sizes, w <= h). Raises ValueError (a sentence) if the cells
    cannot be covered."""
    shapes = _orientations(sizes)
    costs = _cost_table(sizes, cost)
    if section is not None and (not isinstance(section, int) or section < 1):
        raise ValueError(f"The section size {section} is not possible: it is a whole number of studs.")
    out = []
    for comp in components(cells, section):
        out.extend(_pack_component(comp, shapes, costs, section))
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


def _pack_component(comp, shapes, costs, section):
    """Best of the greedy scans, then branch and bound on the whole component (optimal
    when it finishes), else the neighbourhood search from the best found."""
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
        if True:
            try:
                cand = _greedy_oriented(comp, fits if order else narrow_first, section, rows, mirror)
            except ValueError:
                continue
            if best is None or _cost(cand, costs) < _cost(best, costs):
                best = cand
    if best is None:
        x, y = min(comp, key=lambda c: (c[1], c[0]))
        raise _uncoverable(x, y)
    if _cost(best, costs) <= _floor(len(comp), fits, costs):
        return best  # as cheap as the simplest lower bound: optimal
    found, proven = _branch_and_bound(comp, fits, costs, _cost(best, costs), COMPONENT_NODES)
    if found is not None:
        best = found
    if proven:
        return best
    return _improve(best, fits, costs)


def _floor(n, shapes, costs):
    """A lower bound on covering ``n`` studs: n times the cheapest cost per stud (rounded
    up for whole-number costs)."""
    v = n * min(costs[s] / (s[0] * s[1]) for s in shapes)
    return math.ceil(v - 1e-9) if all(float(c).is_integer() for c in costs.values()) else v


def _cost(rects, costs):
    return sum(costs[(r.w, r.h)] for r in rects)


def _greedy_oriented(comp, shapes, section, rows, mirror=False):
    """Largest-first by rows, or by columns (the same on the transposed component),
    from the left or (``mirror``) from the right; mirrored about a section boundary so
    sections stay sections."""
    if mirror:
        top = max(x for x, _ in comp) + 1
        k = -(-top // section) * section if section else top
        out = _greedy_oriented([(k - 1 - x, y) for x, y in comp], shapes, section, rows)
        return [Rect(k - r.x - r.w, r.y, r.w, r.h) for r in out]
    if rows:
        return _greedy(comp, shapes, section)
    t = _greedy([(y, x) for x, y in comp], [(h, w) for w, h in shapes], section)
    return [Rect(r.y, r.x, r.h, r.w) for r in t]


def _branch_and_bound(cells, shapes, costs, ub, budget):
    """A cover of ``cells`` (within one section) cheaper than ``ub``, and whether the
    search finished (then nothing cheaper exists than what it returns, or than ``ub``
    when it returns None).

    Depth-first over the first uncovered stud in scan order (it must be the top-left of
    the part covering it), scanning along the shorter side; the state is the bitmask of
    covered studs. Pruned by (a) a lower bound: every stud costs at least the cheapest
    cost per stud of a part that can cover it, summed over the uncovered studs (a part
    of area A covering studs whose best ratio is at most cost/A), and (b) states already
    reached at no greater cost. Stops after ``budget`` states.
    """
    xs = [x for x, _ in cells]
    ys = [y for _, y in cells]
    x0, y0 = min(xs), min(ys)
    w, h = max(xs) - x0 + 1, max(ys) - y0 + 1
    flip = w > h
    if flip:  # scan along the shorter side: fewer partly covered rows at a time
        pts = [(y - y0, x - x0) for x, y in cells]
        w, h = h, w
        shp = [(b, a, costs[(a, b)]) for a, b in shapes]
    else:
        pts = [(x - x0, y - y0) for x, y in cells]
        shp = [(a, b, costs[(a, b)]) for a, b in shapes]
    full = 0
    for x, y in pts:
        full |= 1 << (y * w + x)
    # every valid top-left corner of each shape at once, by bit operations: a corner is
    # valid when the stud at each of the shape's offsets is in ``full`` (and the shape
    # does not wrap past the right edge)
    shapes_ok = []
    for sw, sh, c in shp:
        if sw > w or sh > h:
            continue
        offsets = [j * w + i for j in range(sh) for i in range(sw)]
        cols = 0
        for y in range(h - sh + 1):
            cols |= ((1 << (w - sw + 1)) - 1) << (y * w)
        valid = full & cols
        for o in offsets[1:]:
            valid &= full >> o
        if valid:
            pat = 0
            for o in offsets:
                pat |= 1 << o
            cover = 0
            for o in offsets:
                cover |= valid << o
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
            path.append(p)
            if mask | m == goal:
                best[:] = g2, list(path), g2 - slack
            else:
                dfs(mask | m, g2, lb2)
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


def _improve(rects, shapes, costs):
    """Large neighbourhood search: free the parts meeting a window, re-solve exactly."""
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
        for ww, wh in WINDOWS:
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
                    if len(cells) > WINDOW_STUDS or old <= _floor(len(cells), shapes, costs):
                        continue
                    new, _ = _branch_and_bound(cells, shapes, costs, old, WINDOW_NODES)
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
