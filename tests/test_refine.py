"""The best look within stock (legoremix.refine): never over stock, never worse than its
start, painted studs kept, same mosaic on both paths, bounded in time."""
import json
import math
import random
import time

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from legoremix import _array, cli, color, palettes, perceive, pipeline, refine
from legoremix.settings import Settings, SettingsError


def test_metric_is_ciede2000_squared_for_small_changes():
    rnd = random.Random(3)
    lab = color.linear_to_lab_1
    for _ in range(500):
        c = tuple(rnd.random() ** 2.2 for _ in range(3))
        d = [rnd.gauss(0, 1) for _ in range(3)]
        n = math.sqrt(sum(x * x for x in d))
        d = [1e-4 * x / n for x in d]
        c2 = tuple(x + y for x, y in zip(c, d))
        if min(c2) < 0:
            continue
        a00, a01, a02, a11, a12, a22 = refine.metric(c)
        q = (a00 * d[0] ** 2 + a11 * d[1] ** 2 + a22 * d[2] ** 2
             + 2 * (a01 * d[0] * d[1] + a02 * d[0] * d[2] + a12 * d[1] * d[2]))
        assert math.sqrt(q) == pytest.approx(color.ciede2000_1(lab(c), lab(c2)), rel=0.02)
    assert refine.metric((0.2, 0.3, 0.4), 0.5) == pytest.approx(tuple(v / 2 for v in refine.metric((0.2, 0.3, 0.4))))


def _perceived(target, seen, labels, w, h):
    with _array.force("pure"):
        return perceive.perceived_delta_e(target, [seen[j] for j in labels], w, h)


@hsettings(max_examples=40, deadline=None)
@given(st.integers(1, 9), st.integers(1, 9), st.integers(2, 6), st.data())
def test_property_within_stock_pins_kept_never_worse(w, h, k, data):
    n = w * h
    rnd = random.Random(data.draw(st.integers(0, 10 ** 6)))
    cols = rnd.sample(sorted(palettes.colors()), k)
    seen = [pipeline.seen_color(palettes.colors()[c].hex, rnd.random() < 0.5, "#212121") for c in cols]
    target = [(rnd.random() ** 2, rnd.random() ** 2, rnd.random() ** 2) for _ in range(n)]
    # a random start within a random stock (some colours unlimited), some studs painted
    labels = [rnd.randrange(k) for _ in range(n)]
    pins = {i: labels[i] for i in range(n) if rnd.random() < 0.2}
    used = [sum(1 for i in range(n) if i not in pins and labels[i] == j) for j in range(k)]
    stock = [None if rnd.random() < 0.2 else u + rnd.randrange(0, 3) for u in used]
    r = refine.refine_labels(target, seen, labels, w, h, stock, pins)
    assert len(r.labels) == n and all(0 <= j < k for j in r.labels)
    for i, j in pins.items():
        assert r.labels[i] == j
    counts = [sum(1 for i in range(n) if i not in pins and r.labels[i] == j) for j in range(k)]
    assert all(s is None or c <= s for c, s in zip(counts, stock))
    assert r.start_error == pytest.approx(_perceived(target, seen, labels, w, h), abs=1e-9)
    assert r.error == pytest.approx(_perceived(target, seen, r.labels, w, h), abs=1e-9)
    assert r.error <= r.start_error + 1e-12


def test_refuses_a_start_over_stock():
    with pytest.raises(ValueError, match="more pieces than the stock"):
        refine.refine_labels([(0.5, 0.5, 0.5)] * 4, [(0, 0, 0), (1, 1, 1)], [0, 0, 0, 1], 2, 2, [2, 2])


def _pipeline(img, sets, size, **options):
    p = pipeline.Pipeline()
    p.set_image(img)
    p.set_options(size=size, **options)
    pal, owned = pipeline.build_palette(sets)
    p.set_palette(pal, owned)
    return p


@pytest.mark.parametrize("name,sets,gain", [("astronaut.png", ["31197"], 0.5), ("coffee.png", ["31201"], 0.25),
                                            ("chelsea.png", ["31197"], 0.4)])
def test_refined_mosaic_looks_much_closer_within_stock(photos, name, sets, gain):
    p = _pipeline(photos[name], sets, (32, 32))
    flat = p.run()
    p.set_options(refine=True)
    m = p.run()
    assert m.perceived_delta_e < (1 - gain) * flat.perceived_delta_e
    assert all(c <= s for c, s in zip(m.counts, m.stock))
    assert sum(m.counts) == 32 * 32


def test_refine_never_worse_than_the_flat_optimum_nor_the_chosen_dithering(photos):
    for kind in ("floyd-steinberg", "bayer4"):
        p = _pipeline(photos["rocket.jpg"], ["31199"], (24, 20), dither=kind)
        dithered = p.run()
        p.set_options(dither="none")
        flat = p.run()
        p.set_options(dither=kind, refine=True)
        m = p.run()
        assert m.perceived_delta_e <= min(flat.perceived_delta_e, dithered.perceived_delta_e) + 1e-9


def test_painted_studs_are_kept_and_count_against_stock(photos):
    pins = [(0, 0, 11), (5, 5, 11), (10, 3, 104), (31, 31, 3)]
    m = pipeline.make_mosaic(photos["coffee.png"], sets=["31197"], size=(32, 32), refine=True, pins=pins)
    for x, y, bl in pins:
        assert m.palette[m.grid[y][x]].bricklink_id == bl
    assert all(c <= s for c, s in zip(m.counts, m.stock))


def test_same_mosaic_on_both_paths(photos):
    out = []
    for path in ("numpy", "pure"):
        with _array.force(path):
            out.append(pipeline.make_mosaic(photos["chelsea.png"], sets=["31201"], size=(24, 24), refine=True))
    assert out[0].grid == out[1].grid
    assert out[0].perceived_delta_e == pytest.approx(out[1].perceived_delta_e, abs=1e-9)


def test_unlimited_palette(photos):
    flat = pipeline.make_mosaic(photos["astronaut.png"], unlimited=True, size=(16, 16))
    m = pipeline.make_mosaic(photos["astronaut.png"], unlimited=True, size=(16, 16), refine=True)
    assert m.stock is None
    assert m.perceived_delta_e < flat.perceived_delta_e


def test_time_budget_returns_the_best_found_so_far(photos):
    p = _pipeline(photos["astronaut.png"], ["31197"], (48, 48))
    flat = p.run()
    with _array.force("pure"):
        from legoremix import image
        target = image.to_list(p._cache["adjust"][1])
        seen = [pipeline.seen_color(c.hex, True, "#212121") for c in p.palette.colors]
        labels = [j for row in flat.grid for j in row]
        r0 = refine.refine_labels(target, seen, labels, 48, 48, p.palette.stock, budget=0)
        assert r0.labels == labels and r0.passes == 0 and not r0.converged
        t0 = time.perf_counter()
        r = refine.refine_labels(target, seen, labels, 48, 48, p.palette.stock, budget=0.2)
        assert time.perf_counter() - t0 < 0.2 + 0.5  # one evaluation after the budget at most
        assert r.error <= r.start_error


def test_only_the_stages_after_dithering_rerun(photos):
    p = _pipeline(photos["coffee.png"], ["31197"], (16, 16))
    p.run()
    p.set_options(refine=True)
    p.run()
    assert p.stage_runs["match"] == 1 and p.stage_runs["dither"] == 1
    assert p.stage_runs["look"] == 2 and p.stage_runs["count"] == 2


def test_setting_and_cli(photos, tmp_path, capsys):
    assert Settings.from_dict({"refine": True}).refine is True
    assert Settings().refine is False and Settings.from_dict({}).to_dict()["refine"] is False
    with pytest.raises(SettingsError, match="The setting for the best look within stock must be on or off"):
        Settings.from_dict({"refine": "yes"})
    from helpers import photo_path
    src = photo_path("coffee.png")
    for flag, out in (([], "a"), (["--refine"], "b")):
        assert cli.main([src, "--set", "31197", "--size", "24x24", "--out", str(tmp_path / out)] + flag) == 0
    lines = capsys.readouterr().out.splitlines()
    assert all("perceived" in line for line in lines if "studs" in line)
    a, b = (json.loads((tmp_path / o / "mosaic.json").read_text()) for o in "ab")
    assert b["options"]["refine"] is True
    assert b["perceived_delta_e"] < 0.8 * a["perceived_delta_e"]
