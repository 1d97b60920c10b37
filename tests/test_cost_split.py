"""The cost matrix from split colour differences (issue 11): every metric's distance is
``sqrt(l_term + ab_term)`` with the first coordinate apart, so the grid cells' costs are built
from one ab row per distinct (a, b) and one l row per distinct L. The split equals the direct
distance, the numpy and pure paths agree bit for bit, and the costs equal the direct rounded
ones except at (vanishingly rare) half-way ties."""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from legoremix import _array, color, image, match, palettes, pipeline
from test_color import PAIRS  # Sharma, Wu, Dalal (2005), Table 1

METRICS = sorted(color.METRICS)


def split_1(m, p, q):
    return math.sqrt(m.l_term_1(p[0], q[0]) + m.ab_row_1(p[1], p[2], [(q[1], q[2])])[0])


def split(m, p, q):
    with _array.force("numpy"):
        return np.sqrt(m.l_term(p[..., 0], q[..., 0]) + m.ab_term(p[..., 1], p[..., 2], q[..., 1], q[..., 2]))


coord = st.floats(-128, 127)
lab = st.tuples(st.floats(0, 100), coord, coord)
grey = st.tuples(st.floats(0, 100), st.just(0.0), st.just(0.0))
# hues either side of 0 degrees (b* changes sign near the positive a* axis), and of 180
near_axis = st.tuples(st.floats(0, 100), st.floats(-100, 100).filter(lambda v: abs(v) > 1e-3),
                      st.floats(-0.01, 0.01))
any_lab = st.one_of(lab, grey, near_axis)
linear = st.tuples(*[st.floats(0, 1)] * 3)


@settings(max_examples=300, deadline=None)
@given(any_lab, any_lab)
def test_split_equals_direct_distance_on_lab(p, q):
    for name in METRICS:
        m = color.METRICS[name]
        for a, b in ((p, q), (q, p)):  # both orders: CIE94's reference is the first colour
            d = m.distance_1(a, b)
            assert split_1(m, a, b) == pytest.approx(d, abs=1e-9), name
            assert split(m, np.array(a), np.array(b)) == pytest.approx(d, abs=1e-9), name


@settings(max_examples=200, deadline=None)
@given(linear, linear)
def test_split_equals_direct_distance_in_each_metrics_space(c1, c2):
    for name in METRICS:
        m = color.METRICS[name]
        p, q = m.to_space_1(c1), m.to_space_1(c2)
        assert split_1(m, p, q) == pytest.approx(m.distance_1(p, q), abs=1e-9), name


def test_split_ciede2000_matches_sharma_table():
    m = color.get_metric("ciede2000")
    for row in PAIRS:
        p, q = row[0:3], row[3:6]
        assert split_1(m, p, q) == pytest.approx(row[6], abs=1e-4)
        assert split_1(m, q, p) == pytest.approx(row[6], abs=1e-4)
        assert split_1(m, p, q) == pytest.approx(color.ciede2000_1(p, q), abs=1e-12)
    a, b = np.array([r[0:3] for r in PAIRS]), np.array([r[3:6] for r in PAIRS])
    np.testing.assert_allclose(split(m, a, b), [r[6] for r in PAIRS], atol=1e-4)


def test_split_terms_are_bit_identical_on_both_paths():
    """The vectorised terms do the scalar ones' operations in the same order (and the C
    library's arctangent and exponential), so the two paths' costs cannot differ."""
    rng = np.random.default_rng(11)
    p = rng.uniform([0, -128, -128], [100, 127, 127], size=(3000, 3))
    q = rng.uniform([0, -128, -128], [100, 127, 127], size=(40, 3))
    p[:200, 1:] = 0.0  # achromatic
    p[200:400, 2] = rng.uniform(-1e-3, 1e-3, 200)  # hue near 0 / 180 degrees
    q[:3, 1:] = 0.0
    q[3:6, 2] = [1e-4, -1e-4, 0.0]
    for name in METRICS:
        m = color.METRICS[name]
        with _array.force("numpy"):
            lv = m.l_term(p[:, None, 0], q[None, :, 0])
            av = m.ab_term(p[:, None, 1], p[:, None, 2], q[None, :, 1], q[None, :, 2])
        qab = [(b, c) for b, c in q[:, 1:].tolist()]
        lp = [[m.l_term_1(a, b) for b in q[:, 0].tolist()] for a in p[:, 0].tolist()]
        ap = [m.ab_row_1(a, b, qab) for a, b in p[:, 1:].tolist()]
        assert np.array_equal(lv, np.array(lp)), name
        assert np.array_equal(av, np.array(ap)), name


def stud_space(img, size, m):
    with _array.force("pure"):
        return match.to_space(image.downscale(img, size), m)


def palette_space(set_key, m, copies=1):
    pal = palettes.palette_from_inventory(palettes.inventory([set_key], {set_key: copies}))
    return [m.to_space_1(pipeline.seen_color(c.hex, True, "#212121")) for c in pal.colors], pal.stock


@pytest.mark.parametrize("name", METRICS)
def test_grouped_costs_equal_rounded_direct_distances(photos, name):
    """The cells of a real photo: the split costs are ``round(1000 * distance)`` but where the
    reassociated sum crosses a half (at most one unit, and rare), and both paths agree."""
    m = color.get_metric(name)
    pal_sp, _ = palette_space("31197", m)
    cells = match.group(stud_space(photos["astronaut.png"], (64, 64), m)).colors
    assert len({c[0] for c in cells}) < len(cells) and len({(c[1], c[2]) for c in cells}) < len(cells)
    with _array.force("pure"):
        pure = np.array(match.cost_matrix(cells, pal_sp, m))
    with _array.force("numpy"):
        fast = match.cost_matrix(cells, pal_sp, m)
    direct = np.array([[round(m.distance_1(p, q) * match.COST_SCALE) for q in pal_sp] for p in cells])
    assert np.array_equal(pure, fast)
    assert pure.shape == direct.shape == (len(cells), len(pal_sp))
    off = np.abs(pure - direct)
    assert off.max() <= 1 and np.count_nonzero(off) <= off.size // 10000


def test_costs_of_any_colours_are_the_same_on_both_paths(photos):
    """Colours that repeat nothing (the studs themselves, as tone and rank pass them): still
    the same integers on both paths and the rounded direct distance."""
    m = color.get_metric("ciede2000")
    pal_sp, _ = palette_space("31203", m)
    sp = stud_space(photos["coffee.png"], (24, 24), m)
    with _array.force("pure"):
        pure = np.array(match.cost_matrix(sp, pal_sp, m))
    with _array.force("numpy"):
        fast = match.cost_matrix(np.asarray(sp), pal_sp, m)
    direct = np.array([[round(m.distance_1(p, q) * match.COST_SCALE) for q in pal_sp] for p in sp])
    assert np.array_equal(pure, fast)
    assert np.abs(pure - direct).max() <= 1


def test_a_colours_costs_do_not_depend_on_the_others(path):
    """Sharing the rows of equal L or (a, b) changes no value: each colour alone, or in a
    batch in any order, gets the same row."""
    m = color.get_metric("ciede2000")
    pal_sp = [(50.0, 20.0, -10.0), (80.0, 0.0, 0.0), (30.0, -40.0, 35.0)]
    cells = [(50.0, 3.0, 0.0), (51.0, 3.0, 0.0), (50.0, -3.0, 0.0), (50.0, 3.0, 1.0), (0.0, 0.0, 0.0),
             (51.0, 3.0, 0.0)]
    rows = [list(r) for r in match.cost_matrix(cells, pal_sp, m)]
    assert rows[1] == rows[5]
    assert rows == [list(match.cost_matrix([c], pal_sp, m)[0]) for c in cells]
    back = [list(r) for r in match.cost_matrix(cells[::-1], pal_sp, m)]
    assert back[::-1] == rows
    assert rows == [[round(color.ciede2000_1(c, q) * match.COST_SCALE) for q in pal_sp] for c in cells]


def test_empty_inputs(path):
    m = color.get_metric("ciede2000")
    assert len(match.cost_matrix([], [(50.0, 0.0, 0.0)], m)) == 0
    assert [len(r) for r in match.cost_matrix([(50.0, 1.0, 2.0)], [], m)] == [0]


@pytest.mark.parametrize("name", ["ciede2000", "cie94", "oklab"])
def test_solve_pixels_gives_the_same_labels_on_both_paths(photos, name):
    """A binding stock (3136 studs from the 3154 of 31197): same labels, prices and cost on both paths,
    and the cost is that of the direct rounded costs of the cells the studs fall in."""
    m = color.get_metric(name)
    pal_sp, stock = palette_space("31197", m)
    sp = stud_space(photos["chelsea.png"], (56, 56), m)
    out = {}
    for p in ("numpy", "pure"):
        with _array.force(p):
            out[p] = match.solve_pixels(sp, pal_sp, m, stock)
    a, b = out["numpy"], out["pure"]
    assert a.labels == b.labels and a.prices == b.prices and a.cost == b.cost
    assert max(np.bincount(a.labels, minlength=len(stock)) - np.asarray(stock)) <= 0
    g = match.group(sp)
    direct = sum(round(m.distance_1(g.colors[i], pal_sp[j]) * match.COST_SCALE) for i, j in zip(g.index, a.labels))
    assert abs(direct - a.cost) <= len(sp) // 1000


def test_kept_ab_rows_change_no_cost(photos, monkeypatch):
    """The pure path keeps its ab rows for the next call with the same metric and palette: a
    saturation change reuses most of them, and the costs are those of a cold start; another
    palette or metric starts afresh, and the rows kept stay bounded."""
    m = color.get_metric("ciede2000")
    pal_sp, _ = palette_space("31197", m)
    img = photos["chelsea.png"]
    with _array.force("pure"):
        px = image.downscale(img, (48, 48))
        before = match.group(match.to_space(image.adjust(px, image.Adjustments(saturation=24)), m)).colors
        after = match.group(match.to_space(image.adjust(px, image.Adjustments(saturation=30)), m)).colors
    with _array.force("pure"):
        monkeypatch.setattr(match, "_ab_memo", [None, {}])
        match.cost_matrix(before, pal_sp, m)
        kept = set(match._ab_memo[1])
        warm = match.cost_matrix(after, pal_sp, m)
        new_pairs = {(c[1], c[2]) for c in after}
        assert len(kept & new_pairs) > len(new_pairs) // 2  # most rows are reused
        monkeypatch.setattr(match, "_ab_memo", [None, {}])
        cold = match.cost_matrix(after, pal_sp, m)
        assert warm == cold == cold_rows(after, pal_sp, m)
        cie94 = color.get_metric("cie94")
        other = match.cost_matrix(after, pal_sp, cie94)
        assert match._ab_memo[0][0] is cie94.ab_row_1 and set(match._ab_memo[1]) == new_pairs
        assert other == cold_rows(after, pal_sp, cie94)
        match.cost_matrix(after, pal_sp[:-1], m)
        assert match._ab_memo[0][1] == tuple((q[1], q[2]) for q in pal_sp[:-1])
        assert set(match._ab_memo[1]) == new_pairs  # another palette: afresh
        monkeypatch.setattr(match, "AB_MEMO_ROWS", len(new_pairs) - 1)
        assert match.cost_matrix(after, pal_sp, m) == cold
        assert match._ab_memo[1] == {}  # more rows than kept at most: none kept


def cold_rows(cells, pal_sp, m):
    return [[round(m.distance_1(p, q) * match.COST_SCALE) for q in pal_sp] for p in cells]
