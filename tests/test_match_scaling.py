"""The grouped solve (issue 11): the assignment solved on the distinct quantised colours is the
exact optimum of the same costs per stud, the same on the numpy and pure paths, and its work
grows with the distinct colours, not the studs."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from legoremix import _array, color, image, match, palettes, pipeline
from legoremix.bench import lp_optimum  # scipy's HiGHS: the reference optimum


def photo_space(img, size, metric="ciede2000"):
    m = color.get_metric(metric)
    with _array.force("pure"):
        return match.to_space(image.downscale(img, size), m), m


def palette_space(set_key, m, copies=1):
    pal = palettes.palette_from_inventory(palettes.inventory([set_key], {set_key: copies}))
    return [m.to_space_1(pipeline.seen_color(c.hex, True, "#212121")) for c in pal.colors], pal.stock


def per_stud_costs(sp, pal_sp, m):
    """The cost matrix the grouped solve optimises, one row per stud (its group's row)."""
    g = match.group(sp)
    rows = match.cost_matrix(g.colors, pal_sp, m)
    return [list(rows[i]) for i in g.index]


@pytest.mark.parametrize("name,size,set_key,copies", [("astronaut.png", (48, 48), "31197", 1),
                                                      ("coffee.png", (48, 48), "31201", 1),
                                                      ("chelsea.png", (128, 128), "31203", 2)])
def test_grouped_equals_ungrouped_optimum(photos, name, size, set_key, copies):
    sp, m = photo_space(photos[name], size)
    pal_sp, stock = palette_space(set_key, m, copies)
    with _array.force("pure"):
        costs = per_stud_costs(sp, pal_sp, m)
        grouped = match.solve_pixels(sp, pal_sp, m, stock)
        ungrouped = match.solve(costs, stock)
    counts = np.bincount(grouped.labels, minlength=len(stock))
    assert all(counts <= stock) and len(grouped.labels) == size[0] * size[1]
    assert grouped.cost == ungrouped.cost == sum(r[j] for r, j in zip(costs, grouped.labels))
    assert grouped.cost == round(lp_optimum(np.asarray(costs), stock))


def test_paths_give_identical_grouped_assignments(photos):
    sp, m = photo_space(photos["rocket.jpg"], (64, 64))
    pal_sp, stock = palette_space("31197", m, 2)
    out = {}
    for path in ("numpy", "pure"):
        with _array.force(path):
            g = match.group(sp)
            out[path] = (g.index, g.sizes, g.colors, match.solve_pixels(sp, pal_sp, m, stock))
    a, b = out["numpy"], out["pure"]
    assert a[:3] == b[:3]
    assert a[3].labels == b[3].labels and a[3].prices == b[3].prices and a[3].cost == b[3].cost


def test_groups_are_cells_of_the_grid():
    sp = [(10.2, 0.4, -3.0), (9.8, 0.2, -3.4), (10.6, 0.4, -3.0), (10.2, 0.4, -3.0)]
    for path in ("numpy", "pure"):
        with _array.force(path):
            g = match.group(sp, step=1.0)
        assert g.index == [0, 0, 1, 0] and g.sizes == [3, 1]
        assert g.colors == [[10.0, 0.0, -3.0], [11.0, 0.0, -3.0]]


def test_distinct_colours_bound_the_work():
    # 16384 studs of 12 colours: the solver sees 12 rows, whatever the size
    rng = np.random.default_rng(5)
    base = rng.uniform(0, 100, size=(12, 3)).round()
    sp = base[rng.integers(0, 12, size=128 * 128)]
    m = color.get_metric("cie76")
    pal_sp = [tuple(v) for v in rng.uniform(0, 100, size=(6, 3))]
    stock = [3000] * 6
    with _array.force("pure"):
        g = match.group(sp.tolist())
        res = match.solve_pixels(sp.tolist(), pal_sp, m, stock)
    assert len(g.sizes) == 12
    assert max(np.bincount(res.labels, minlength=6)) <= 3000
    costs = per_stud_costs(sp.tolist(), pal_sp, m)
    assert res.cost == round(lp_optimum(np.asarray(costs), stock))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), st.integers(1, 40), st.data())
def test_grouped_solver_is_optimal(k, n_groups, data):
    """Random rows with random supplies: the grouped optimum equals the per-stud optimum."""
    rows = data.draw(st.lists(st.lists(st.integers(0, 50), min_size=k, max_size=k), min_size=n_groups,
                              max_size=n_groups))
    sizes = data.draw(st.lists(st.integers(1, 9), min_size=n_groups, max_size=n_groups))
    n = sum(sizes)
    stock = data.draw(st.lists(st.one_of(st.none(), st.integers(0, n)), min_size=k, max_size=k))
    if all(s is not None for s in stock) and sum(stock) < n:
        with pytest.raises(match.InventoryError):
            match.solve_groups(rows, sizes, stock)
        return
    with _array.force("numpy"):
        res = match.solve_groups(rows, sizes, stock)
    with _array.force("pure"):
        pure = match.solve_groups(rows, sizes, stock)
    assert (pure.labels, pure.prices, pure.cost, pure.rounds) == (res.labels, res.prices, res.cost, res.rounds)
    index = [g for g, s in enumerate(sizes) for _ in range(s)]
    labels = match.expand(res.labels, index)
    per_stud = [rows[g] for g in index]
    assert sorted(labels) == sorted(j for f in res.labels for j, c in f.items() for _ in range(c))
    for j, s in enumerate(stock):
        assert s is None or labels.count(j) <= s
    assert res.cost == sum(r[j] for r, j in zip(per_stud, labels)) == match.solve(per_stud, stock).cost


def test_pipeline_uses_the_grouped_optimum(photos):
    """The page's mosaic is the grouped optimum, identical on both paths."""
    pal, owned = pipeline.build_palette(["31197"])
    grids = {}
    for path in ("numpy", "pure"):
        with _array.force(path):
            p = pipeline.Pipeline()
            p.set_image(photos["coffee.png"])
            p.set_options(size=(48, 48))
            p.set_palette(pal, owned)
            grids[path] = p.run().grid
            res = p._cache["match"][1][0]
    assert grids["numpy"] == grids["pure"]
    sp, m = photo_space(photos["coffee.png"], (48, 48))
    pal_sp = [m.to_space_1(pipeline.seen_color(c.hex, True, "#212121")) for c in pal.colors]
    assert res.cost == match.solve(per_stud_costs(sp, pal_sp, m), pal.stock).cost
