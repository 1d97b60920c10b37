"""legoremix.packing on relief-like regions: the guillotine dynamic programme is the true
guillotine optimum (checked against a plain recursion without bounds), the pilot method
covers exactly, and ``pack`` reaches the exact optimum (scipy HiGHS) on blobs where the
largest-first greedy needs many more parts."""
import math
import random

import pytest

from legoremix import packing
from legoremix.packing import Rect

from test_packing import check_cover, exact

PLATES = [(1, 1), (1, 2), (1, 3), (1, 4), (1, 6), (1, 8), (2, 2), (2, 3), (2, 4), (2, 6), (2, 8),
          (4, 4), (4, 8), (4, 10)]


def guillotine_plain(cells, sizes, costs=None):
    """The cheapest guillotine partition by the plain recursion over every sub-rectangle
    (no bounds, no sharing), for small regions only."""
    shapes = set(packing._orientations(sizes))
    cost = packing._cost_table(sizes, costs)
    cells = set(cells)
    memo = {}

    def f(a, b, c, d):
        inside = [(x, y) for x, y in cells if a <= x < c and b <= y < d]
        if not inside:
            return 0
        a, c = min(x for x, _ in inside), max(x for x, _ in inside) + 1
        b, d = min(y for _, y in inside), max(y for _, y in inside) + 1
        k = (a, b, c, d)
        if k not in memo:
            best = math.inf
            if (c - a, d - b) in shapes and len(inside) == (c - a) * (d - b):
                best = cost[(c - a, d - b)]
            for p in range(a + 1, c):
                best = min(best, f(a, b, p, d) + f(p, b, c, d))
            for p in range(b + 1, d):
                best = min(best, f(a, b, c, p) + f(a, p, c, d))
            memo[k] = best
        return memo[k]

    xs = [x for x, _ in cells]
    ys = [y for _, y in cells]
    return f(min(xs), min(ys), max(xs) + 1, max(ys) + 1)


def blob(rng, w, h, fill):
    return {(x, y) for y in range(h) for x in range(w) if rng.random() < fill}


def disc(cx, cy, r, w, h):
    return {(x, y) for y in range(h) for x in range(w) if (x - cx) ** 2 + (y - cy) ** 2 <= r * r}


@pytest.mark.parametrize("seed", range(12))
def test_guillotine_is_the_plain_recursions_optimum(seed):
    rng = random.Random(seed)
    sizes = PLATES if seed % 2 else [(1, 1), (1, 2), (1, 3), (2, 2), (2, 3), (2, 4)]
    cells = blob(rng, rng.randint(2, 8), rng.randint(2, 8), rng.uniform(0.6, 1.0))
    comp = max(packing.components(cells), key=len)
    shapes = packing._orientations(sizes)
    costs = packing._cost_table(sizes, None)
    want = guillotine_plain(comp, sizes)
    got, done = packing._guillotine(comp, shapes, costs, want + 1, 10**6)
    assert done and got is not None
    check_cover(comp, got, sizes)
    assert len(got) == want
    # asked for something cheaper than the optimum, it finds nothing and says it finished
    assert packing._guillotine(comp, shapes, costs, want, 10**6) == (None, True)


def test_guillotine_with_weights():
    rng = random.Random(5)
    sizes = [(1, 1), (1, 2), (2, 2), (2, 4)]
    weights = {(1, 1): 1, (1, 2): 1.5, (2, 2): 2.5, (2, 4): 3.25}
    for _ in range(6):
        comp = max(packing.components(blob(rng, 7, 6, 0.85)), key=len)
        want = guillotine_plain(comp, sizes, weights)
        got, done = packing._guillotine(comp, packing._orientations(sizes), packing._cost_table(sizes, weights),
                                        math.inf, 10**6)
        assert done
        check_cover(comp, got, sizes)
        assert packing.total_cost(got, weights) == pytest.approx(want)


def test_guillotine_budget_gives_up_without_an_answer():
    cells = disc(8, 8, 7.5, 16, 16)
    shapes = packing._orientations(PLATES)
    costs = packing._cost_table(PLATES, None)
    assert packing._guillotine(cells, shapes, costs, math.inf, 3) == (None, False)


def test_pilot_covers_exactly_and_beats_largest_first_on_a_wide_block():
    # 16 studs wide: largest first puts a 4x10 down and strands a 6-wide strip (3 parts per
    # 4 rows); two 4x8 plates per 4 rows need 8 parts in all
    cells = {(x, y) for x in range(16) for y in range(16)}
    shapes = packing._orientations(PLATES)
    costs = packing._cost_table(PLATES, None)
    rects = packing._pilot(cells, shapes, costs)
    check_cover(cells, rects, PLATES, 16)
    assert len(rects) < len(packing.greedy(cells, PLATES, 16))
    assert len(packing.pack(cells, PLATES, 16)) == exact(cells, PLATES, 16) == 8


@pytest.mark.parametrize("shape", ["disc", "notched"])
def test_pack_reaches_the_optimum_on_relief_like_regions(shape):
    if shape == "disc":
        cells = disc(7.5, 8, 8.2, 16, 16)
    else:
        cells = {(x, y) for x in range(16) for y in range(16)} - {(0, 1), (0, 2), (4, 1), (3, 2), (0, 0), (1, 0)}
    rects = packing.pack(cells, PLATES, 16)
    check_cover(cells, rects, PLATES, 16)
    assert len(rects) < len(packing.greedy(cells, PLATES, 16))
    assert len(rects) == exact(cells, PLATES, 16)


def test_a_ring_beats_greedy():
    # its optimum (24) is no guillotine partition and beyond the budgets: fewer than greedy
    cells = disc(8, 8, 7.8, 16, 16) - disc(8, 8, 3.2, 16, 16)
    rects = packing.pack(cells, PLATES, 16)
    check_cover(cells, rects, PLATES, 16)
    assert exact(cells, PLATES, 16) <= len(rects) < len(packing.greedy(cells, PLATES, 16))


def test_pack_is_the_same_whatever_ran_before():
    """No state survives between calls: the budgets count work, not time."""
    cells = disc(7.5, 8, 8.2, 16, 16)
    a = packing.pack(cells, PLATES, 16)
    packing.pack(blob(random.Random(1), 16, 16, 0.9), PLATES, 16)
    assert packing.pack(sorted(cells, reverse=True), PLATES, 16) == a
    assert all(isinstance(r, Rect) for r in a)


def test_guillotine_over_budget_returns_the_best_cover_it_put_together():
    """An unfinished search still returns its cheapest cover from solved boxes when that
    beats the limit (done False); more budget never gives a dearer one."""
    cells = disc(7.5, 8, 8.2, 16, 16)
    shapes = packing._orientations(PLATES)
    costs = packing._cost_table(PLATES, None)
    limit = len(packing.greedy(cells, PLATES, 16))
    full, done = packing._guillotine(cells, shapes, costs, limit, 10**6)
    assert done
    check_cover(cells, full, PLATES, 16)
    last = limit
    for budget in (300, 600, 1000):  # covers from solved boxes appear after about 300 expansions here
        got, done = packing._guillotine(cells, shapes, costs, limit, budget)
        assert not done and got is not None
        check_cover(cells, got, PLATES, 16)
        assert len(full) <= len(got) <= last < limit + 1
        last = len(got)
    assert last < limit


@pytest.mark.parametrize("seed", range(6))
def test_bitmask_scans_are_the_largest_first_greedy(seed):
    """The eight greedy scans on bitmasks give exactly the set-based largest-first greedy
    on the same studs, transposed (by columns) or mirrored (from the right)."""
    rng = random.Random(seed)
    cells = sorted(blob(rng, 13, 11, 0.8))
    comp = max(packing.components(cells), key=len)
    shapes = packing._orientations(PLATES[:11])
    x1 = max(x for x, _ in comp)

    def keyed(rects):
        return sorted((r.x, r.y, r.w, r.h) for r in rects)
    for rows in (True, False):
        for mirror in (False, True):
            pts = [(x1 - x if mirror else x, y) for x, y in comp]
            if not rows:
                pts = [(y, x) for x, y in pts]
            want = packing._greedy(pts, shapes if rows else [(h, w) for w, h in shapes], None)
            if not rows:
                want = [Rect(r.y, r.x, r.h, r.w) for r in want]
            if mirror:
                want = [Rect(x1 - r.x - r.w + 1, r.y, r.w, r.h) for r in want]
            got = packing._scan(comp, shapes, rows, mirror)
            assert keyed(got) == keyed(want)
            check_cover(set(comp), got, PLATES[:11], None)


def test_whole_rectangles_come_from_the_size_table():
    """A whole rectangle's guillotine optimum (every cut) from the table equals the plain
    recursion, and its parts cover it exactly."""
    costs = packing._cost_table(PLATES, None)
    table = packing._full_table(packing._orientations(PLATES), costs)
    for w, h in ((5, 7), (7, 5), (9, 6), (11, 3), (10, 6), (1, 1)):
        cells = {(x, y) for x in range(w) for y in range(h)}
        assert packing._full_rect(w, h, table) == guillotine_plain(cells, PLATES)
        rects = packing._build_full(w, h, 0, 0, table, [])
        check_cover(cells, rects, PLATES, None)
        assert len(rects) == packing._full_rect(w, h, table)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 10])
def test_runs_and_spreads_by_doubling(n):
    rng = random.Random(n)
    v = rng.getrandbits(200)
    for step in (1, 7):
        want_runs, want_spread = v, v
        for k in range(1, n):
            want_runs &= v >> (k * step)
            want_spread |= v << (k * step)
        assert packing._runs(v, n, step) == want_runs
        assert packing._spread(v, n, step) == want_spread


# Two areas of a real relief layer (Middlebury Motorcycle depth, 48x48, 3 levels, second layer)
# whose optimum is no guillotine partition: the guillotine search finishes one plate above it
RELIEF_AREAS = {
    "right": [
        "#.##.####.......",
        "####.####.......",
        "####..####......",
        "##########......",
        "#####.#####.....",
        "####...####.....",
        "#####..####.....",
        "###########.....",
        "################",
        "################",
        "################",
        "################",
        "################",
        "################",
        "################",
        "################",
    ],
    "centre": [
        "..#######.##....",
        "..###########...",
        "...############.",
        "#..#############",
        "################",
        "################",
        "##.###..########",
        "################",
        "...#############",
        "..##############",
        ".#####...#######",
        ".###....########",
        ".###...#########",
        ".##..######.####",
        ".##..#####..####",
        ".###..##########",
    ],
}


@pytest.mark.parametrize("name", sorted(RELIEF_AREAS))
def test_wide_windows_reach_non_guillotine_optima(name):
    """At full effort the wide-window search takes a plate off what the earlier steps
    found, with an exact cover: on "right" a plate below the best guillotine partition (at
    the optimum), on "centre" down to it (one plate above the optimum; the budgeted
    guillotine search stops one above that). Half effort (flat mosaics) skips it."""
    cells = {(x, y) for y, row in enumerate(RELIEF_AREAS[name]) for x, c in enumerate(row) if c == "#"}
    shapes = packing._orientations(PLATES)
    costs = packing._cost_table(PLATES, None)
    guillotine, done = packing._guillotine(sorted(cells), shapes, costs, len(cells) + 1, 10 ** 6)
    assert done
    full = packing.pack(cells, PLATES, 16)
    check_cover(cells, full, PLATES, 16)
    assert len(full) <= len(guillotine) - (name == "right")
    assert len(full) <= exact(cells, PLATES, 16) + (name == "centre")
    half = packing.pack(cells, PLATES, 16, effort=0.5)
    check_cover(cells, half, PLATES, 16)
    assert len(half) == len(full) + 1
