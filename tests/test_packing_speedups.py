"""legoremix.packing's faster paths: the corner count is a lower bound on the parts of any
exact cover (checked against the integer program, scipy HiGHS), components that meet it
end at once, the branch and bound that prunes with it stays exact, and the big components
that skip the branch and bound (``GUILLOTINE_FIRST``) still get covers at least as good as
the greedy scans."""
import random

import pytest

from legoremix import packing

from test_packing import SIZES, blob, check_cover, exact
from test_packing_exact import PLATES, disc


def corner_count(cells):
    return packing._corners(*packing._mask(cells))


def rect(x, y, w, h):
    return {(i, j) for j in range(y, y + h) for i in range(x, x + w)}


def test_mask_rows_have_an_empty_bit_beyond_the_studs():
    m, step = packing._mask([(3, 5), (5, 5), (4, 6)])
    assert step == 4  # width 3 plus one empty bit
    assert m == (1 << 0) | (1 << 2) | (1 << (step + 1))


@pytest.mark.parametrize("cells, want", [
    (rect(0, 0, 5, 3), 1),                                  # a rectangle: its 4 corners
    (rect(0, 0, 4, 1) | rect(0, 1, 1, 3), 2),               # an L: 5 convex + 1 reflex corners
    (rect(1, 0, 1, 3) | rect(0, 1, 3, 1), 3),               # a plus: 8 convex + 4 reflex
    (rect(0, 0, 5, 5) - {(2, 2)}, 2),                       # a ring: 4 convex, 4 reflex (weak with holes)
    ({(0, 0), (1, 1)}, 2),                                  # two studs touching at a corner
])
def test_corner_count_on_simple_shapes(cells, want):
    assert corner_count(cells) == want


@pytest.mark.parametrize("seed", range(40))
def test_corner_count_never_exceeds_the_exact_optimum(seed):
    """Any partition into rectangles (of any size) has at least as many parts, so the
    fewest allowed parts do too; holes, pinches and several components included."""
    rng = random.Random(seed)
    cells = blob(rng, rng.randint(1, 12), rng.randint(1, 12), rng.uniform(0.3, 1.0))
    if not cells:
        return
    assert corner_count(cells) <= exact(cells, SIZES)
    assert packing._bound(cells, packing._orientations(SIZES), packing._cost_table(SIZES, None)) \
        <= exact(cells, SIZES)


def test_corner_count_beats_the_old_corner_bound_on_a_ragged_blob():
    # a staircase: each step is a convex and a reflex corner; the studs with no neighbour
    # left and above count only the convex ones of one kind
    cells = set()
    for k in range(6):
        cells |= rect(k, k, 6 - k + 2, 1)
    tl = sum(1 for x, y in cells if (x - 1, y) not in cells and (x, y - 1) not in cells)
    assert corner_count(cells) > tl
    assert corner_count(cells) <= exact(cells, PLATES)


def test_weighted_bound_scales_by_the_cheapest_part():
    cells = rect(0, 0, 4, 1) | rect(0, 1, 1, 3)
    costs = packing._cost_table(SIZES, {s: 2.5 for s in SIZES})
    assert packing._bound(cells, packing._orientations(SIZES), costs) == pytest.approx(2 * 2.5)


def test_a_cover_meeting_the_corner_count_returns_before_any_search(monkeypatch):
    """An L whose greedy cover has two parts is optimal by the corner count: neither the
    branch and bound nor the guillotine search runs."""
    def fail(*a, **k):
        raise AssertionError("searched although the greedy cover met the lower bound")
    monkeypatch.setattr(packing, "_branch_and_bound", fail)
    monkeypatch.setattr(packing, "_guillotine", fail)
    cells = rect(0, 0, 8, 2) | rect(0, 2, 2, 6)
    rects = packing.pack(cells, PLATES, 16)
    check_cover(cells, rects, PLATES, 16)
    assert len(rects) == 2


@pytest.mark.parametrize("seed", range(8))
def test_branch_and_bound_with_the_corner_count_stays_exact(seed):
    rng = random.Random(100 + seed)
    cells = blob(rng, 7, 7, rng.uniform(0.6, 1.0))
    if len(cells) < 2:
        return
    shapes = packing._orientations(SIZES)
    costs = packing._cost_table(SIZES, None)
    ub = len(packing.greedy(cells, SIZES)) + 1
    got, proven = packing._branch_and_bound(sorted(cells), shapes, costs, ub, 10**6)
    assert proven
    check_cover(cells, got, SIZES)
    assert len(got) == exact(cells, SIZES)


def test_big_components_with_big_parts_skip_the_branch_and_bound(monkeypatch):
    """A whole-section blob of big plates goes straight to the pilot and guillotine
    searches, and still reaches the optimum (it is a guillotine partition)."""
    cells = disc(7.5, 8, 8.2, 16, 16)
    assert len(cells) >= packing.GUILLOTINE_FIRST[0]
    calls = []
    real = packing._branch_and_bound
    monkeypatch.setattr(packing, "_branch_and_bound", lambda *a: calls.append(len(a[0])) or real(*a))
    rects = packing.pack(cells, PLATES, 16)
    check_cover(cells, rects, PLATES, 16)
    assert len(cells) not in calls  # never on the whole component (windows may use it)
    assert len(rects) == exact(cells, PLATES, 16) < len(packing.greedy(cells, PLATES, 16))
    monkeypatch.setattr(packing, "GUILLOTINE_FIRST", (10**9, 0))  # off: it runs first
    assert packing.pack(cells, PLATES, 16) and len(cells) in calls


@pytest.mark.parametrize("seed", range(6))
def test_guillotine_integer_bounds_keep_weighted_results_exact(seed):
    """Whole-number weights take the exact-integer bounds, fractional ones the float
    bounds: both searches finish with the same optimum (up to the scale of the weights)."""
    rng = random.Random(seed)
    cells = sorted(blob(rng, 10, 10, 0.85))
    if len(cells) < 2:
        return
    shapes = packing._orientations(PLATES)
    ints = {s: 1 + (s[0] * s[1]) // 4 for s in PLATES}
    halves = {s: v / 2 for s, v in ints.items()}
    a, done_a = packing._guillotine(cells, shapes, packing._cost_table(PLATES, ints), 10**9, 10**6)
    b, done_b = packing._guillotine(cells, shapes, packing._cost_table(PLATES, halves), 10**9, 10**6)
    assert done_a and done_b
    check_cover(set(cells), a, PLATES)
    assert packing.total_cost(a, ints) == 2 * packing.total_cost(b, halves)


def test_effort_scales_the_guillotine_budget_and_keeps_an_exact_cover(monkeypatch):
    """``effort`` (the mosaic's parts use half: pieces.PACK_EFFORT) scales the guillotine
    search's budget; the cover stays exact and never above greedy."""
    budgets = []
    real = packing._guillotine

    def spy(cells, shapes, costs, limit, budget):
        budgets.append(budget)
        return real(cells, shapes, costs, limit, budget)

    monkeypatch.setattr(packing, "_guillotine", spy)
    # a ragged blob big enough to skip the branch and bound and reach the guillotine search
    cells = [(x, y) for x in range(24) for y in range(16) if (x * 7 + y * 3) % 11 or x < 8]
    sizes = [(1, 1), (1, 2), (2, 2), (2, 4), (4, 4), (4, 8)]
    for effort in (1.0, 0.5):
        budgets.clear()
        rects = packing.pack(cells, sizes, 16, effort=effort)
        assert sorted((x, y) for r in rects for x in range(r.x, r.x + r.w) for y in range(r.y, r.y + r.h)) \
            == sorted(cells)
        assert len(rects) <= len(packing.greedy(cells, sizes, 16))
        assert budgets, "the guillotine search ran"
        full = [n for k, n in packing.GUILLOTINE_NODES]
        assert all(b in [int(n * effort) for n in full] for b in budgets)
    from legoremix import pieces
    assert 0 < pieces.PACK_EFFORT <= 1
