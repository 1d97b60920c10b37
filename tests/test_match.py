import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from legoremix import _array, color, image, match, palettes
from legoremix.bench import lp_optimum  # scipy's HiGHS: the reference optimum


def photo_costs(img, size, set_key, metric="ciede2000"):
    pal = palettes.palette_from_inventory(palettes.inventory([set_key]))
    m = color.get_metric(metric)
    sp = [m.to_space_1(color.hex_to_linear(c.hex)) for c in pal.colors]
    px = image.downscale(img, size)
    return match.cost_matrix(match.to_space(px, m), sp, m), pal.stock


@pytest.mark.parametrize("size,set_key", [((48, 48), "31197"), ((48, 48), "31201"), ((48, 48), "31198"),
                                          ((128, 128), "31203")])
def test_optimal_on_real_photos(photos, size, set_key):
    for name in ("astronaut.png", "coffee.png"):
        with _array.force("numpy"):
            costs, stock = photo_costs(photos[name], size, set_key)
            if sum(stock) < size[0] * size[1]:
                stock = [s * 2 for s in stock]
            res = match.solve(costs, stock)
        opt = lp_optimum(costs, stock)
        assert res.cost <= opt * 1.005  # the bound; in practice it is exact
        assert res.cost == pytest.approx(opt, abs=1e-6 * opt)
        counts = np.bincount(res.labels, minlength=len(stock))
        assert all(counts <= stock)


def test_paths_give_identical_assignments(photos):
    with _array.force("numpy"):
        costs, stock = photo_costs(photos["chelsea.png"], (48, 48), "31197")
        a = match.solve(costs, stock)
    with _array.force("pure"):
        b = match.solve(costs.tolist(), stock)
    assert a.labels == b.labels and a.prices == b.prices and a.cost == b.cost


def test_needs_enough_studs():
    with pytest.raises(match.InventoryError, match="3 studs are missing"):
        match.solve([[1, 2]] * 5, [1, 1])


def test_unlimited_is_nearest():
    costs = [[3, 1, 2], [0, 5, 5], [9, 9, 1]]
    assert match.solve(costs, [None] * 3).labels == [1, 0, 2]


def test_phase_two_alone_is_optimal():
    # no price-raising rounds: everything done by successive shortest paths
    rng = np.random.default_rng(3)
    costs = rng.integers(0, 1000, size=(300, 6))
    stock = [40, 60, 50, 70, 45, 80]
    with _array.force("numpy"):
        res = match.solve(costs, stock, max_rounds=0)
    assert res.rounds == 0 and res.augmentations > 0
    assert res.cost == round(lp_optimum(costs, stock))


instances = st.integers(1, 6).flatmap(lambda k: st.tuples(
    st.lists(st.lists(st.integers(0, 60), min_size=k, max_size=k), min_size=1, max_size=40),
    st.lists(st.one_of(st.none(), st.integers(0, 25)), min_size=k, max_size=k)))


@settings(max_examples=150, deadline=None)
@given(instances)
def test_property_optimal_within_stock_and_paths_agree(inst):
    costs, stock = inst
    n = len(costs)
    if None not in stock and sum(stock) < n:
        with pytest.raises(match.InventoryError):
            match.solve(costs, stock)
        return
    with _array.force("pure"):
        a = match.solve(costs, stock)
    with _array.force("numpy"):
        b = match.solve(np.asarray(costs, dtype=np.int64), stock)
    assert a.labels == b.labels
    assert len(a.labels) == n
    for j, s in enumerate(stock):
        if s is not None:
            assert a.labels.count(j) <= s
    assert a.cost == sum(r[j] for r, j in zip(costs, a.labels))
    assert a.cost == round(lp_optimum(costs, stock))
    assert match.solve(costs, stock).labels == a.labels  # deterministic
