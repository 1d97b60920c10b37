import json

import pytest
from hypothesis import given, settings, strategies as st

from legoremix import _array, palettes, pipeline
from legoremix.image import RGBA, Adjustments
from legoremix.match import InventoryError


def make(photo, **opts):
    p = pipeline.Pipeline()
    p.set_image(photo)
    p.set_options(**opts)
    pal, owned = pipeline.build_palette(["31197"])
    p.set_palette(pal, owned)
    return p


def test_stages_rerun_only_from_what_changed(photos):
    p = make(photos["astronaut.png"], size=(48, 48))
    p.run()
    assert p.stage_runs == {s.name: 1 for s in pipeline.STAGES}
    p.run()  # nothing changed: nothing runs again
    assert p.stage_runs == {s.name: 1 for s in pipeline.STAGES}
    p.set_options(piece="round-plate")  # the same colours: only the result's piece changes
    p.run()
    assert p.stage_runs["match"] == 1 and p.stage_runs["count"] == 2
    p.set_palette(*pipeline.build_palette(["31198"]))
    p.run()
    assert p.stage_runs["prepare"] == 1 and p.stage_runs["space"] == 1 and p.stage_runs["match"] == 2
    p.set_options(dither="atkinson")
    p.run()
    assert p.stage_runs["match"] == 2 and p.stage_runs["dither"] == 3
    p.set_options(adjustments=Adjustments(contrast=10))
    p.run()
    assert p.stage_runs["prepare"] == 1 and p.stage_runs["adjust"] == 2
    p.set_options(size=(32, 32))
    p.run()
    assert p.stage_runs["prepare"] == 2


def test_every_stage_input_is_something_the_pipeline_provides(photos):
    """A declared input that nothing provides would fail only at run time: check them all."""
    p = make(photos["astronaut.png"], size=(8, 8))
    values, keys = p._inputs(p.options)
    seen = set(values)
    for stage in pipeline.STAGES:
        assert set(stage.inputs) <= seen, (stage.name, set(stage.inputs) - seen)
        seen.add(stage.name)


def test_result_fields_and_json_round_trip(photos):
    m = make(photos["coffee.png"], size=(40, 30)).run()
    d = json.loads(m.to_json())
    assert (d["width"], d["height"]) == (40, 30)
    assert len(d["grid"]) == 30 and all(len(r) == 40 for r in d["grid"])
    assert sum(d["counts"].values()) == 1200
    assert all(d["counts"][h] <= d["stock"][h] for h in d["counts"])
    assert d["mean_delta_e"] == pytest.approx(sum(map(sum, m.delta_e)) / 1200, abs=1e-3)
    back = pipeline.Mosaic.from_json(m.to_json())
    assert back.hex_grid() == m.hex_grid() and back.counts == m.counts and back.stock == m.stock


def test_round_compensation_changes_the_match(photos):
    a = make(photos["astronaut.png"], size=(32, 32), piece="round-tile").run()
    b = make(photos["astronaut.png"], size=(32, 32), piece="round-tile", round_compensation=False).run()
    c = make(photos["astronaut.png"], size=(32, 32), piece="square-tile").run()
    assert a.grid != b.grid
    assert b.grid == c.grid  # square pieces are never compensated


def test_seen_colour_of_round_stud():
    white = pipeline.seen_color("#ffffff", True, "#000000")
    assert white == pytest.approx((0.785398,) * 3, abs=1e-6)
    assert pipeline.seen_color("#ffffff", False, "#000000") == (1.0, 1.0, 1.0)


def test_unlimited_reports_missing(photos):
    m = pipeline.make_mosaic(photos["astronaut.png"], sets=["31197"], unlimited=True, size=(48, 48))
    assert m.stock is None
    owned = palettes.inventory(["31197"])
    for bl, n in m.missing.items():
        used = m.counts[[c.bricklink_id for c in m.palette].index(bl)]
        assert n == used - owned.get(bl, 0) > 0
    assert m.missing


def xy(pins, w=48):
    """``{stud index: id}`` -> the settings' ``[(x, y, id)]`` on a ``w``-wide canvas."""
    return [(i % w, i // w, bl) for i, bl in pins.items()]


def test_pins_count_against_stock(photos):
    stock = palettes.inventory(["31197"])
    pins = {i: 71 for i in range(stock[71])}  # all Magenta painted
    m = pipeline.make_mosaic(photos["astronaut.png"], sets=["31197"], pins=xy(pins))
    magenta = [c.bricklink_id for c in m.palette].index(71)
    assert m.counts[magenta] == stock[71]
    too_many = {i: 71 for i in range(stock[71] + 1)}
    with pytest.raises(InventoryError, match=f"^You painted {stock[71] + 1} studs Magenta but your pieces have "
                                             f"only {stock[71]} of it. Unpaint some"):
        pipeline.make_mosaic(photos["astronaut.png"], sets=["31197"], pins=xy(too_many))
    two = {**too_many, 2000: 11, **{i: 11 for i in range(1000, 1000 + stock[11] + 1)}}
    with pytest.raises(InventoryError, match=f"^You painted {stock[11] + 2} studs Black and {stock[71] + 1} studs "
                                             f"Magenta, but your pieces have only {stock[11]} Black and {stock[71]} "
                                             "Magenta."):
        pipeline.make_mosaic(photos["astronaut.png"], sets=["31197"], pins=xy(two))
    with pytest.raises(InventoryError, match="^You painted 1 stud Red, but your pieces include no Red. Paint that "
                                             "stud another colour, add pieces of that colour, or use unlimited "
                                             "mode.$"):
        pipeline.make_mosaic(photos["astronaut.png"], sets=["31197"], pins=xy({0: 5}))
    with pytest.raises(InventoryError, match="^You painted 2 studs Red and 1 stud Blue, but your pieces include "
                                             "no Red or Blue. Paint those studs"):
        pipeline.make_mosaic(photos["astronaut.png"], sets=["31197"], pins=xy({0: 5, 1: 5, 2: 7}))


def test_clear_errors(photos):
    with pytest.raises(InventoryError, match="studs are missing"):
        pipeline.make_mosaic(photos["astronaut.png"], sets=["41948"])
    with pytest.raises(ValueError, match="^There is no inventory to build with: choose at least one set"):
        pipeline.make_mosaic(photos["astronaut.png"])
    with pytest.raises(ValueError, match="^This is an unknown dithering method: “halftone”. Choose none, "):
        pipeline.make_mosaic(photos["astronaut.png"], sets=["31197"], dither="halftone")
    with pytest.raises(ValueError, match="^This is an unknown piece: “duplo”."):
        pipeline.make_mosaic(photos["astronaut.png"], sets=["31197"], piece="duplo")
    with pytest.raises(ValueError, match="^The colour “#12345g” is not a colour code: write it like #ffffff.$"):
        pipeline.make_mosaic(photos["astronaut.png"], sets=["31197"], background="#12345g")
    p = pipeline.Pipeline()
    with pytest.raises(ValueError, match="^There is no photo yet: open one first.$"):
        p.run()
    p.set_image(photos["astronaut.png"])
    with pytest.raises(ValueError, match="^There is no inventory to build with"):
        p.run()


@pytest.mark.parametrize("metric", ["rgb", "cie76", "cie94", "ciede2000", "oklab"])
def test_paths_identical_for_every_metric(photos, metric):
    out = []
    for p in ("numpy", "pure"):
        with _array.force(p):
            out.append(pipeline.make_mosaic(photos["rocket.jpg"], sets=["31199"], size=(48, 48), metric=metric,
                                            adjustments=Adjustments(saturation=20, contrast=10)))
    assert out[0].grid == out[1].grid
    assert out[0].mean_delta_e == pytest.approx(out[1].mean_delta_e, abs=1e-9)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 20), st.integers(1, 20), st.integers(1, 9), st.integers(1, 9), st.data())
def test_property_size_stock_determinism(sw, sh, w, h, data):
    buf = bytes(data.draw(st.lists(st.integers(0, 255), min_size=sw * sh * 4, max_size=sw * sh * 4)))
    img = RGBA(sw, sh, buf)
    a = pipeline.make_mosaic(img, sets=["31197"], size=(w, h))
    b = pipeline.make_mosaic(img, sets=["31197"], size=(w, h))
    assert a.grid == b.grid
    assert len(a.grid) == h and all(len(r) == w for r in a.grid)
    assert all(c <= s for c, s in zip(a.counts, a.stock))


def test_too_small_inventory_fails_before_any_image_work(photos):
    p = make(photos["astronaut.png"], size=(64, 64))  # 4096 studs, the set has 3154
    with pytest.raises(InventoryError, match="942 studs are missing"):
        p.run()
    assert p.stage_runs == {}


@pytest.mark.parametrize("change", [{"piece": "square-plate"}, {"baseplate": "#ffffff"}])
def test_a_change_of_the_colours_seen_matches_again(photos, change):
    """Round pieces are matched as seen with the baseplate between them; square ones as they
    are. Switching piece or baseplate must match again, as a fresh start with them would
    (it once kept the round-piece mosaic and only recounted its colour difference)."""
    p = make(photos["astronaut.png"], size=(24, 24))
    p.run()
    p.set_options(**change)
    m = p.run()
    fresh = make(photos["astronaut.png"], size=(24, 24))
    fresh.set_options(**change)
    f = fresh.run()
    assert (m.grid, m.mean_delta_e, m.perceived_delta_e) == (f.grid, f.mean_delta_e, f.perceived_delta_e)
