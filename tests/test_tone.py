"""Tone for small palettes (legoremix.tone): auto adjust never ends worse than no adjustments
or the person's own, poster mode deals lightness order onto the stock and never exceeds it,
both the same on both engine paths."""
import random

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from helpers import photo_path
from legoremix import _array, image, match, pipeline, tone
from legoremix.image import Adjustments, RGBA
from legoremix.settings import Settings, SettingsError


def _random_image(rnd, w, h):
    return RGBA(w, h, bytes(v for _ in range(w * h) for v in (rnd.randrange(256), rnd.randrange(256),
                                                                rnd.randrange(256), 255)))


def test_gamma_is_a_lightness_curve():
    px = [(0.0, 0.0, 0.0), (0.2, 0.2, 0.2), (1.0, 1.0, 1.0)]
    with _array.force("pure"):
        up = image.adjust(px, Adjustments(gamma=50))
        down = image.adjust(px, Adjustments(gamma=-50))
    assert up[0] == (0.0, 0.0, 0.0) and up[2] == (1.0, 1.0, 1.0)  # black and white stay put
    assert up[1][0] > 0.2 > down[1][0]  # midtones lifted / lowered
    assert Settings.from_dict({"adjustments": {"gamma": 30}}).adjustments.gamma == 30
    with pytest.raises(SettingsError):
        Settings.from_dict({"adjustments": {"gamma": 101}})


def test_poster_labels_by_hand():
    # 6 studs, 3 colours (dark, mid, light) with stock 2, 2, 2: the two darkest studs get the dark colour
    light = [50, 10, 90, 30, 70, 20]
    labels = tone.poster_labels(light, [60, 5, 95], [2, 2, 2])
    assert labels == [0, 1, 2, 0, 2, 1]
    # stock weights the shares: colour 0 has 3 of 6 pieces, half the studs of 4
    assert tone.poster_labels([1, 2, 3, 4], [10, 20], [3, 3]) == [0, 0, 1, 1]
    assert tone.poster_labels([1, 2, 3, 4], [10, 20], [5, 1]) == [0, 0, 0, 1]
    # unlimited: equal shares
    assert tone.poster_labels([4, 3, 2, 1], [10, 20], [None, None]) == [1, 1, 0, 0]
    with pytest.raises(match.InventoryError):
        tone.poster_labels([1, 2, 3], [1, 2], [1, 1])


@hsettings(max_examples=80, deadline=None)
@given(st.lists(st.floats(0, 100), min_size=0, max_size=60), st.lists(st.integers(0, 30), min_size=1, max_size=8),
       st.data())
def test_property_poster_never_exceeds_stock_and_keeps_order(light, stock, data):
    pal = data.draw(st.lists(st.floats(0, 100), min_size=len(stock), max_size=len(stock)))
    if sum(stock) < len(light):
        with pytest.raises(match.InventoryError):
            tone.poster_labels(light, pal, stock)
        return
    labels = tone.poster_labels(light, pal, stock)
    counts = [labels.count(j) for j in range(len(stock))]
    assert all(c <= s for c, s in zip(counts, stock))
    # lightness order kept: a lighter stud never gets a darker colour than a darker stud
    rank = {j: r for r, j in enumerate(sorted(range(len(pal)), key=lambda j: (pal[j], j)))}
    for a in range(len(light)):
        for b in range(len(light)):
            if light[a] < light[b]:
                assert rank[labels[a]] <= rank[labels[b]]


def test_poster_mode_in_the_pipeline_is_within_stock_on_both_paths():
    img = image.load(photo_path("astronaut.png"), max_side=200)
    grids = {}
    for path in ("numpy", "pure"):
        with _array.force(path):
            m = pipeline.make_mosaic(img, sets=["31197"], size=(32, 32), poster=True, dither="floyd-steinberg",
                                     refine=True)
        assert all(c <= s for c, s in zip(m.counts, m.stock))
        grids[path] = m.grid
    assert grids["numpy"] == grids["pure"]
    # the darkest studs take the darkest colour: the mean lightness per colour follows the colours' order
    with _array.force("pure"):
        p = pipeline.Pipeline()
        p.set_image(img)
        p.set_options(size=(32, 32), poster=True)
        p.set_palette(*pipeline.build_palette(["31197"]))
        m = p.run()
        light = tone.poster_lightness(p._cache["adjust"][1], 32, 32)
    seen = [pipeline.seen_color(c.hex, True, "#212121") for c in m.palette]
    flat = [j for row in m.grid for j in row]
    used = [j for j in range(len(seen)) if m.counts[j]]
    mean = {j: sum(v for v, q in zip(light, flat) if q == j) / m.counts[j] for j in used}
    by_colour = sorted(used, key=lambda j: (tone.lightness_1(seen[j]), j))
    assert [mean[j] for j in by_colour] == sorted(mean[j] for j in by_colour)


def test_poster_is_a_setting_that_changes_the_mosaic():
    img = image.load(photo_path("chelsea.png"), max_side=200)
    a = pipeline.make_mosaic(img, sets=["31197"], size=(24, 24))
    b = pipeline.make_mosaic(img, sets=["31197"], size=(24, 24), poster=True)
    assert a.grid != b.grid
    assert Settings.from_dict({"poster": True}).poster is True
    with pytest.raises(SettingsError) as e:
        Settings.from_dict({"poster": "yes"})
    assert e.value.fields == ["poster"] and "poster mode" in str(e.value)


def test_proxy_size_and_stock():
    assert tone.proxy_size(24, 24) == (24, 24)
    w, h = tone.proxy_size(128, 80)
    assert w * h <= tone.PROXY_STUDS and abs(w / h - 1.6) < 0.1
    # scaled up: a stock that covers the mosaic covers the proxy
    assert tone.scale_stock([10, 0, None, 7], 100, 30) == [3, 0, None, 3]
    assert sum(tone.scale_stock([51, 49], 100, 33)) >= 33


def _proxy_case(name="astronaut.png", sets=("31197",), size=(32, 32)):
    img = image.load(photo_path(name), max_side=200)
    pal, _ = pipeline.build_palette(list(sets))
    seen = [pipeline.seen_color(c.hex, True, "#212121") for c in pal.colors]
    return img, pal, seen, size


def test_auto_adjust_lowers_the_error_and_is_the_same_on_both_paths():
    img, pal, seen, size = _proxy_case()
    res = {}
    for path in ("numpy", "pure"):
        with _array.force(path):
            proxy = tone.make_proxy(img, size)
            res[path] = tone.auto_adjust(proxy, seen, pal.stock, max_evals=30)
    r = res["pure"]
    assert res["numpy"].adjustments == r.adjustments
    assert r.error <= r.default_error and r.error < r.default_error  # this photo and set: it helps
    assert r.evaluations <= 30
    # the chosen adjustments really give that error (the reference stays the photo as it is)
    with _array.force("pure"):
        proxy = tone.make_proxy(img, size)
        e, labels = tone.reachable(proxy, seen, proxy.stock_for(pal.stock), r.adjustments)
    assert e == pytest.approx(r.error)
    assert all(labels.count(j) <= s for j, s in enumerate(pal.stock))
    assert all(float(v).is_integer() for v in (r.adjustments.brightness, r.adjustments.contrast))


@hsettings(max_examples=12, deadline=None)
@given(st.integers(0, 10 ** 6), st.integers(4, 10), st.integers(4, 10))
def test_property_auto_adjust_never_worse_than_default_or_start(seed, w, h):
    rnd = random.Random(seed)
    img = _random_image(rnd, 2 * w, 2 * h)
    pal, _ = pipeline.build_palette(["31197"])
    seen = [pipeline.seen_color(c.hex, True, "#212121") for c in pal.colors]
    start = Adjustments(brightness=rnd.randrange(-50, 50), hue=rnd.randrange(-180, 180))
    with _array.force("pure"):
        proxy = tone.make_proxy(img, (w, h))
        r = tone.auto_adjust(proxy, seen, pal.stock, start, max_evals=12)
        default, _ = tone.reachable(proxy, seen, proxy.stock_for(pal.stock))
        own, _ = tone.reachable(proxy, seen, proxy.stock_for(pal.stock), start)
    assert r.error <= default + 1e-9 and r.error <= own + 1e-9
    assert r.default_error == pytest.approx(default) and r.start_error == pytest.approx(own)


def test_auto_adjust_for_settings_and_its_budget():
    img = image.load(photo_path("coffee.png"), max_side=200)
    s = Settings.from_dict({"size": [20, 20], "sets": {"31197": 1}, "adjustments": {"value": 10}})
    r = tone.auto_adjust_for(img, s, budget=0.0)  # no time: the start is all it has
    assert r.evaluations <= 3 and r.error <= r.default_error
    full = tone.auto_adjust_for(img, s)
    assert full.adjustments.value in (0, 10)  # value is not searched: kept from the start chosen
    assert full.error <= r.error
    assert tone.describe(Adjustments(contrast=16, gamma=-8)) == "contrast +16, gamma -8"
    assert tone.describe(Adjustments()) == "no change"


def test_auto_adjust_for_a_size_the_pieces_cannot_cover_speaks_of_the_mosaic():
    """The search runs on a smaller proxy with its stock scaled down; when the pieces cannot
    cover the mosaic itself, the message gives the mosaic's figures, not the proxy's."""
    img = image.load(photo_path("coffee.png"), max_side=200)
    s = Settings.from_dict({"size": [64, 64], "sets": {"31197": 1}})  # 3154 pieces, 4096 studs
    with pytest.raises(match.InventoryError) as e:
        tone.auto_adjust_for(img, s)
    assert "4096" in str(e.value) and "942 studs are missing" in str(e.value), str(e.value)


def test_coarse_then_fine_is_judged_on_the_fine_proxy():
    img, pal, seen, size = _proxy_case(size=(32, 32))
    with _array.force("numpy"):
        fine = tone.make_proxy(img, size)
        coarse = tone.make_proxy(img, size, limit=144)
        assert (coarse.width, coarse.height) == (12, 12) and fine.n == 32 * 32
        r = tone.auto_adjust(fine, seen, pal.stock, coarse=coarse, max_evals=40)
        e, _ = tone.reachable(fine, seen, fine.stock_for(pal.stock), r.adjustments)
    assert e == pytest.approx(r.error)
    assert r.error <= r.default_error and r.evaluations <= 40


@hsettings(max_examples=25, deadline=None)
@given(st.integers(0, 10 ** 6), st.integers(1, 8), st.integers(1, 8), st.integers(0, 6))
def test_property_poster_in_the_pipeline_keeps_pins_and_stock_on_both_paths(seed, w, h, npins):
    rnd = random.Random(seed)
    img = _random_image(rnd, w + 3, h + 2)
    ids = [1, 11, 5, 3, 86]  # white, black, red, yellow, light bluish grey (BrickLink)
    custom = {bl: rnd.randrange(0, w * h + 2) for bl in ids}
    custom[ids[0]] += w * h  # always enough
    pins = [(rnd.randrange(w), rnd.randrange(h), rnd.choice(ids)) for _ in range(npins)]
    pins = list({(x, y): (x, y, bl) for x, y, bl in pins}.values())
    grids = {}
    for path in ("numpy", "pure"):
        with _array.force(path):
            try:
                m = pipeline.make_mosaic(img, custom=custom, pins=pins, size=(w, h), poster=True)
            except match.InventoryError:
                assert any(sum(1 for p in pins if p[2] == bl) > custom[bl] for bl in ids)  # painted too many
                return
        assert all(c <= s for c, s in zip(m.counts, m.stock))
        for x, y, bl in pins:
            assert m.palette[m.grid[y][x]].bricklink_id == bl
        grids[path] = m.grid
    assert grids["numpy"] == grids["pure"]


def test_auto_adjust_judges_the_mosaic_the_settings_make():
    img = image.load(photo_path("coffee.png"), max_side=200)
    pal, _ = pipeline.build_palette(["31197"])
    seen = [pipeline.seen_color(c.hex, True, "#212121") for c in pal.colors]
    for extra, look in (({"dither": "floyd-steinberg"}, tone.Look(dither="floyd-steinberg")),
                        ({"poster": True, "refine": True}, tone.Look(poster=True))):
        s = Settings.from_dict({"size": [16, 16], "sets": {"31197": 1}, **extra})
        with _array.force("pure"):
            r = tone.auto_adjust_for(img, s)
            proxy = tone.make_proxy(img, (16, 16))
            target = image.to_list(image.adjust(proxy.photo, r.adjustments))
            seen_sp = [proxy.metric.to_space_1(c) for c in seen]
            labels = tone.look_labels(proxy, target, seen, seen_sp, pal.stock, look)
        assert r.error == pytest.approx(tone.seen_error(proxy, seen, labels))
        assert r.error <= r.default_error and not r.refined  # poster mode: no best look, as in the pipeline
    s = Settings.from_dict({"size": [10, 10], "sets": {"31197": 1}, "refine": True,
                            "adjustments": {"contrast": 40}})
    r = tone.auto_adjust_for(img, s)
    assert r.refined and r.error <= r.default_error and r.error <= r.start_error
