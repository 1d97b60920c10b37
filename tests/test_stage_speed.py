"""The per-stud stages written for speed (issue 11) give the very floats of the plain formulas:
tonal adjustments (image.adjust), CIELAB and CIEDE2000 over every stud (color_batch), the
eye's blur and the perceived error (perceive), and the mosaic's colour differences
(pipeline._delta_e, which reads the ``space`` stage's CIELAB). Each is compared with a
straightforward reference kept here (the code as it was before), on random inputs."""
import colorsys
import math
import random

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from legoremix import _array, color, color_batch, image, palettes, perceive, pipeline
from legoremix.image import Adjustments


# -- references: the plain formulas, one stud at a time ------------------------------------

def ref_adjust(pixels, adj):
    """image.adjust as it was: colorsys and the scalar sRGB functions per stud."""
    if adj.is_identity():
        return [tuple(p) for p in pixels]
    hue = (adj.hue / 360.0) % 1.0
    sat = 1 + adj.saturation / 100
    val = 1 + adj.value / 100
    bri = adj.brightness / 100
    con = 2 ** (adj.contrast / 25)
    gam = 2 ** (-adj.gamma / 100)
    use_hsv = adj.hue or adj.saturation or adj.value
    out = []
    for px in pixels:
        r, g, b = (color.linear_to_srgb_1(c) for c in px)
        if use_hsv:
            hh, ss, vv = colorsys.rgb_to_hsv(r, g, b)
            r, g, b = colorsys.hsv_to_rgb((hh + hue) % 1.0, min(1.0, max(0.0, ss * sat)),
                                          min(1.0, max(0.0, vv * val)))
        res = []
        for c in (r, g, b):
            if adj.brightness or adj.contrast:  # at 0 both leave the component as it is
                c = min(1.0, max(0.0, 0.5 + (c + bri - 0.5) * con))
            res.append(color.srgb_to_linear_1(c ** gam if adj.gamma else c))
        out.append(tuple(res))
    return out


def ref_blur(pixels, width, height):
    """perceive.blur's pure path as it was (channel lists, rows, transposes)."""
    chans = []
    for c in range(3):
        ch = [p[c] for p in pixels]
        rows = [ch[y * width:(y + 1) * width] for y in range(height)]
        cols = perceive.combine(list(zip(*rows)), perceive.taps(width))
        chans.append([v for row in perceive.combine(list(zip(*cols)), perceive.taps(height)) for v in row])
    return list(zip(*chans))


def ref_seen_lab(pixels, width, height):
    return [color.linear_to_lab_1(p) for p in ref_blur(pixels, width, height)]


def ref_error_map(target, mosaic, width, height):
    return [color.ciede2000_1(p, q) for p, q in zip(ref_seen_lab(target, width, height),
                                                    ref_seen_lab(mosaic, width, height))]


def ref_delta_e(adjusted, seen, labels):
    """pipeline._delta_e as it was: CIELAB of each pixel, CIEDE2000 to its piece."""
    np = _array.np()
    pal_lab = [color.linear_to_lab_1(s) for s in seen]
    if np is not None:
        lab = color.linear_to_lab(np.asarray(adjusted).reshape(-1, 3))
        return color.ciede2000(lab, np.asarray(pal_lab)[np.asarray(labels)]).tolist()
    return [color.ciede2000_1(color.linear_to_lab_1(p), pal_lab[j]) for p, j in zip(adjusted, labels)]


# -- inputs ----------------------------------------------------------------------------------

#: linear components: anywhere in [0, 1], the ends, both sides of the sRGB and CIELAB breaks
unit = st.one_of(st.floats(0.0, 1.0), st.sampled_from([0.0, 1.0, 0.0031308, 0.003, 0.004, 0.008856, 1e-300, 0.5]))
linear = st.tuples(unit, unit, unit)
grey = unit.map(lambda v: (v, v, v))
pixel = st.one_of(linear, linear, grey)  # greys: the hue-less branch of rgb_to_hsv
#: CIELAB colours, neutral ones (chroma 0) and hues on both sides of the 0/360 degree wrap
ab = st.one_of(st.floats(-128.0, 128.0), st.sampled_from([0.0, -0.0, 1e-9, -1e-9, 25.0]))
lab = st.tuples(st.floats(0.0, 100.0), ab, ab)
amount = st.one_of(st.just(0), st.integers(-100, 100), st.floats(-100.0, 100.0))
adjustments = st.builds(Adjustments, hue=st.one_of(st.just(0), st.integers(-180, 180), st.floats(-180.0, 180.0)),
                        saturation=amount, value=amount, brightness=amount, contrast=amount, gamma=amount)


def _as_list(pixels):
    return [tuple(p) for p in (pixels.tolist() if hasattr(pixels, "tolist") else pixels)]


# -- colour maths over every stud ------------------------------------------------------------

@hsettings(max_examples=300, deadline=None)
@given(st.lists(linear, max_size=40))
def test_linear_to_lab_list_is_the_scalar_formula(pixels):
    want = [color.linear_to_lab_1(p) for p in pixels]
    assert color_batch.linear_to_lab_pixels(pixels) == want
    channels = [list(c) for c in zip(*pixels)] or [[], [], []]
    assert color_batch.linear_to_lab_list(*channels) == want


@hsettings(max_examples=100, deadline=None)
@given(st.lists(linear, max_size=40))
def test_space_stage_is_the_per_pixel_conversion_for_every_metric(pixels):
    """match.to_space on the pure path (the CIELAB metrics through color_batch) gives each
    metric's own conversion, pixel by pixel."""
    from legoremix import match
    with _array.force("pure"):
        for name, metric in color.METRICS.items():
            assert match.to_space(pixels, metric) == [metric.to_space_1(p) for p in pixels], name


@hsettings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(lab, lab), max_size=30))
def test_ciede2000_list_is_the_scalar_formula(pairs):
    a = [p for p, _ in pairs]
    b = [q for _, q in pairs]
    got = color_batch.ciede2000_list(a, b)
    want = [color.ciede2000_1(p, q) for p, q in pairs]
    assert [math.copysign(1, v) for v in got] == [math.copysign(1, v) for v in want]
    assert got == want


@hsettings(max_examples=300, deadline=None)
@given(st.lists(lab, min_size=1, max_size=8), st.lists(lab, max_size=40), st.randoms(use_true_random=False))
def test_ciede2000_to_palette_is_the_scalar_formula(pal, labs, rnd):
    labels = [rnd.randrange(len(pal)) for _ in labs]
    assert color_batch.ciede2000_to_palette(labs, pal, labels) == [
        color.ciede2000_1(p, pal[j]) for p, j in zip(labs, labels)]


def test_ciede2000_list_on_the_published_test_data():
    """Sharma, Wu, Dalal 2005, table 1: pairs chosen to hit every branch of the hue terms."""
    pairs = [((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485)), ((50.0, 2.5, 0.0), (50.0, 0.0, -2.5)),
             ((50.0, -1.0, 2.0), (50.0, 0.0, 0.0)), ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0011)),
             ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0)), ((6.7747, -0.2908, -2.4247), (5.8714, -0.0985, -2.2286)),
             ((22.7233, 20.0904, -46.694), (23.0331, 14.973, -42.5619)), ((0.0, 0.0, 0.0), (0.0, 0.0, 0.0))]
    got = color_batch.ciede2000_list([p for p, _ in pairs], [q for _, q in pairs])
    assert got == [color.ciede2000_1(p, q) for p, q in pairs]
    assert [round(v, 4) for v in got] == [2.0425, 4.3065, 2.3669, 7.2195, 27.1492, 0.6377, 2.0373, 0.0]


# -- tonal adjustments -----------------------------------------------------------------------

@pytest.mark.parametrize("backend", ["pure", "numpy"])
@hsettings(max_examples=150, deadline=None)
@given(st.lists(pixel, min_size=1, max_size=30), adjustments)
def test_adjust_is_the_plain_formula(backend, pixels, adj):
    with _array.force(backend):
        src = pixels
        if backend == "numpy":
            import numpy as np
            src = np.asarray(pixels, dtype=np.float64).reshape(-1, 3)
        assert _as_list(image.adjust(src, adj)) == ref_adjust(pixels, adj)


@hsettings(max_examples=60, deadline=None)
@given(st.lists(pixel, min_size=1, max_size=30), st.lists(adjustments, min_size=1, max_size=4))
def test_adjust_from_a_kept_encoding_is_the_plain_formula(pixels, adjs):
    """One :class:`image.Encoded` serves every adjustment of the same pixels."""
    with _array.force("pure"):
        enc = image.Encoded(pixels)
        for adj in adjs:
            assert _as_list(image.adjust(pixels, adj, enc)) == ref_adjust(pixels, adj)


def test_a_slider_does_not_encode_the_photo_again(photos):
    """The pipeline keeps the prepared studs' sRGB and HSV (stage ``encode``) across slider
    changes; each change still gives the plain formula's pixels."""
    with _array.force("pure"):
        p = pipeline.Pipeline()
        p.set_image(photos["chelsea.png"])
        p.set_palette(*pipeline.build_palette(("31197",)))
        p.set_options(size=(20, 16))
        p.run()
        for i, adj in enumerate(({"saturation": 30}, {"hue": -40, "contrast": 12}, {"gamma": 20})):
            p.set_options(adjustments=adj)
            p.run()
            assert p.stage_runs["encode"] == 1 and p.stage_runs["adjust"] == i + 2
            assert p._cache["adjust"][1] == ref_adjust(p._cache["prepare"][1], Adjustments(**adj))


def test_adjust_every_hue_sector_and_clamp():
    """Hues in all six sectors of hsv_to_rgb, saturation and value pushed past both ends."""
    rnd = random.Random(5)
    pixels = [(rnd.random(), rnd.random(), rnd.random()) for _ in range(600)] + [(0.0, 0.0, 0.0), (1.0, 1.0, 1.0)]
    pixels += [(1.0, 0.0, 1e-15), (1.0, 1e-15, 0.0), (0.5, 0.0, 1e-300)]  # hues at the wrap, where h * 6 may round to 6
    for adj in (Adjustments(hue=h, saturation=s, value=v) for h in (-180, -61.5, 0, 33, 90, 179.9)
                for s in (-100, -30, 0, 80, 100) for v in (-100, 0, 100)):
        assert _as_list(image.adjust(pixels, adj)) == ref_adjust(pixels, adj)


# -- the eye's blur and the perceived error ----------------------------------------------------

def _image(rnd, w, h, colours=None):
    if colours:
        return [rnd.choice(colours) for _ in range(w * h)]
    return [(rnd.random() ** 2, rnd.random() ** 2, rnd.random() ** 2) for _ in range(w * h)]


@hsettings(max_examples=60, deadline=None)
@given(st.integers(1, 17), st.integers(1, 17), st.randoms(use_true_random=False))
def test_blur_seen_lab_and_error_map_are_the_plain_formulas(w, h, rnd):
    target = _image(rnd, w, h)
    seen = [pipeline.seen_color(c.hex, True, "#212121") for c in list(palettes.colors().values())[:6]]
    mosaic = _image(rnd, w, h, seen)
    with _array.force("pure"):
        assert perceive.blur(target, w, h) == ref_blur(target, w, h)
        assert perceive.blur_channels(target, w, h) == [list(c) for c in zip(*ref_blur(target, w, h))]
        lt = perceive.seen_lab(target, w, h)
        assert lt == ref_seen_lab(target, w, h)
        want = ref_error_map(target, mosaic, w, h)
        assert perceive.error_map(target, mosaic, w, h) == want
        assert perceive.error_map(target, mosaic, w, h, lt) == want
    with _array.force("numpy"):  # the other path: the same blur, CIEDE2000 to the last bits
        assert _as_list(perceive.blur(target, w, h)) == ref_blur(target, w, h)
        assert perceive.error_map(target, mosaic, w, h) == pytest.approx(want, abs=1e-9)


# -- the mosaic's colour differences ---------------------------------------------------------

@pytest.mark.parametrize("metric", ["ciede2000", "cie94", "oklab", "rgb"])
def test_delta_e_reads_the_space_stage_and_gives_the_plain_values(path, metric, photos):
    """The count stage's per-stud CIEDE2000 equals the old formula's on each path, whether
    the metric's space is CIELAB (read from the ``space`` stage) or not (converted)."""
    p = pipeline.Pipeline()
    p.set_image(photos["astronaut.png"])
    pal, owned = pipeline.build_palette(("31197",))
    p.set_palette(pal, owned)
    p.set_options(size=(24, 20), metric=metric, adjustments={"saturation": 25})
    m = p.run()
    adjusted = p._cache["adjust"][1]
    labels = [j for row in m.grid for j in row]
    seen = [pipeline.seen_color(c.hex, p.options.compensate, p.options.baseplate) for c in pal.colors]
    assert [v for row in m.delta_e for v in row] == ref_delta_e(adjusted, seen, labels)
    mosaic = [seen[j] for j in labels]
    want = ref_error_map(_as_list(adjusted), mosaic, 24, 20)
    got = [v for row in m.perceived_map for v in row]
    if path == "pure":
        assert got == want
    else:
        assert got == pytest.approx(want, abs=1e-9)


def test_count_stage_follows_the_metric(photos):
    """``space`` and ``metric`` are inputs of the count stage: changing the metric re-counts."""
    with _array.force("pure"):
        p = pipeline.Pipeline()
        p.set_image(photos["coffee.png"])
        pal, owned = pipeline.build_palette(("31197",))
        p.set_palette(pal, owned)
        p.set_options(size=(16, 12))
        p.run()
        p.set_options(metric="oklab")
        b = p.run()
        assert p.stage_runs["count"] == 2
        seen = [pipeline.seen_color(c.hex, p.options.compensate, p.options.baseplate) for c in pal.colors]
        labels = [j for row in b.grid for j in row]
        assert [v for row in b.delta_e for v in row] == ref_delta_e(p._cache["adjust"][1], seen, labels)


@hsettings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(st.integers(0, 7), st.integers(1, 6), min_size=1, max_size=3), min_size=1, max_size=25),
       st.randoms(use_true_random=False))
def test_expand_hands_each_group_its_colours_lowest_first(flows, rnd):
    """match.expand (groups of one colour looked up at once) gives what the plain queues give:
    the studs of a group, in order, take its colours from the lowest index up."""
    from legoremix import match
    index = [g for g, f in enumerate(flows) for _ in range(sum(f.values()))]
    rnd.shuffle(index)
    queues = [[j for j in sorted(f, reverse=True) for _ in range(f[j])] for f in flows]
    assert match.expand(flows, index) == [queues[g].pop() for g in index]
