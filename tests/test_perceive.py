"""The perceived error (legoremix.perceive) against cases computed by hand."""
import math
import random

import pytest

from legoremix import _array, color, palettes, perceive, pipeline
from legoremix.image import RGBA

E = math.exp


def test_kernel_is_the_truncated_normalised_gaussian():
    # sigma 1 stud, 3 sigma each side: weights exp(-o^2/2) / sum over o = -3..3
    total = 1 + 2 * (E(-0.5) + E(-2) + E(-4.5))
    row = dict(perceive.taps(20)[10])
    assert sorted(row) == list(range(7, 14))
    assert row[10] == pytest.approx(1 / total)  # 0.39905
    assert row[10] == pytest.approx(0.39905, abs=1e-5)
    assert row[12] == pytest.approx(E(-2) / total)
    # at the border the kernel is cut and renormalised over the studs inside the canvas
    edge = dict(perceive.taps(20)[0])
    assert sorted(edge) == [0, 1, 2, 3]
    assert edge[0] == pytest.approx(1 / (1 + E(-0.5) + E(-2) + E(-4.5)))
    assert all(sum(w for _, w in t) == pytest.approx(1) for t in perceive.taps(5))
    assert perceive.taps(1) == (((0, 1.0),),)


def test_transposed_taps_are_the_transpose():
    n = 9
    fwd = {(i, j): w for i, t in enumerate(perceive.taps(n)) for j, w in t}
    back = {(i, j): w for j, t in enumerate(perceive.taps_t(n)) for i, w in t}
    assert fwd == back


def test_even_photo_and_even_mosaic_give_their_colour_difference_everywhere(path):
    # blurring an even image leaves it as it is (also at the border, thanks to the
    # renormalised kernel), so the perceived error is the plain CIEDE2000 of the two colours
    p, q = (0.2, 0.4, 0.1), (0.25, 0.3, 0.3)
    expected = color.ciede2000_1(color.linear_to_lab_1(p), color.linear_to_lab_1(q))
    de = perceive.error_map([p] * 35, [q] * 35, 7, 5)
    assert de == pytest.approx([expected] * 35, rel=1e-9)
    assert perceive.perceived_delta_e([p] * 35, [p] * 35, 7, 5) == pytest.approx(0, abs=1e-9)


def test_checkerboard_of_black_and_white_looks_grey_from_a_distance(path):
    # studs alternating black (0) and white (1) in linear light; the photo is their mean.
    # Inside the canvas the blurred board is 0.5 +- 0.5 r^2 with r = sum_o g(o) (-1)^o:
    # 0.5 * (1 - 2e^-1/2 + 2e^-2 - 2e^-9/2) / (1 + 2e^-1/2 + 2e^-2 + 2e^-9/2) squared
    w = h = 16
    board = [(float((x + y) % 2),) * 3 for y in range(h) for x in range(w)]
    grey = [(0.5, 0.5, 0.5)] * (w * h)
    r = (1 - 2 * E(-0.5) + 2 * E(-2) - 2 * E(-4.5)) / (1 + 2 * E(-0.5) + 2 * E(-2) + 2 * E(-4.5))
    assert r == pytest.approx(0.014123, abs=1e-6)
    de = perceive.error_map(grey, board, w, h)
    lab = color.linear_to_lab_1
    for y in range(3, h - 3):
        for x in range(3, w - 3):
            v = 0.5 + (0.5 if (x + y) % 2 else -0.5) * r * r
            assert de[y * w + x] == pytest.approx(color.ciede2000_1(lab((0.5,) * 3), lab((v,) * 3)), rel=1e-6)
            assert de[y * w + x] < 0.02
    # stud by stud the same board is as far from grey as can be
    flat = sum(color.ciede2000_1(lab(p), lab(q)) for p, q in zip(grey, board)) / (w * h)
    assert flat > 35


def test_blur_is_the_same_floats_on_both_paths():
    rnd = random.Random(4)
    for w, h in ((1, 1), (1, 6), (5, 3), (13, 9)):
        px = [(rnd.random(), rnd.random(), rnd.random()) for _ in range(w * h)]
        with _array.force("pure"):
            a = perceive.blur(px, w, h)
        with _array.force("numpy"):
            b = [tuple(v) for v in perceive.blur(px, w, h).tolist()]
        assert a == b


def test_blur_matches_the_definition(path):
    rnd = random.Random(5)
    w, h = 9, 8
    px = [(rnd.random(), rnd.random(), rnd.random()) for _ in range(w * h)]
    out = perceive.blur(px, w, h)
    tx, ty = perceive.taps(w), perceive.taps(h)
    for i in (0, 10, 40, 71):
        x, y = i % w, i // w
        want = [sum(wy * wx * px[jy * w + jx][c] for jy, wy in ty[y] for jx, wx in tx[x]) for c in range(3)]
        assert list(out[i]) == pytest.approx(want, rel=1e-12)


def _flat_photo(hex_, n=8):
    r, g, b = color.hex_to_rgb8(hex_)
    return RGBA(n, n, bytes((r, g, b, 255)) * (n * n))


def test_round_studs_are_seen_mixed_with_the_baseplate(path):
    # a photo of exactly what white round tiles on a dark baseplate look like: pi/4 white
    # and 1 - pi/4 baseplate, mixed in linear light
    white, base = palettes.colors()[1], "#212121"
    mix = pipeline.seen_color(white.hex, True, base)
    assert mix == pytest.approx(tuple(math.pi / 4 * a + (1 - math.pi / 4) * b for a, b in
                                      zip(color.hex_to_linear(white.hex), color.hex_to_linear(base))))
    photo = _flat_photo(color.rgb8_to_hex([255 * color.linear_to_srgb_1(v) for v in mix]))
    round_ = pipeline.make_mosaic(photo, custom={1: 64}, size=(8, 8), piece="round-tile")
    square = pipeline.make_mosaic(photo, custom={1: 64}, size=(8, 8), piece="square-tile")
    assert round_.perceived_delta_e < 0.5  # only the 8-bit rounding of the photo
    lab = color.linear_to_lab_1
    assert square.perceived_delta_e == pytest.approx(
        color.ciede2000_1(lab(color.hex_to_linear(photo_hex(photo))), lab(color.hex_to_linear(white.hex))), abs=0.01)
    assert square.perceived_delta_e > 4


def photo_hex(img):
    return color.rgb8_to_hex(img.data[:3])


def test_mosaic_reports_the_perceived_error(photos, path):
    p = pipeline.Pipeline()
    p.set_image(photos["coffee.png"])
    p.set_options(size=(24, 16), dither="floyd-steinberg")
    pal, owned = pipeline.build_palette(["31197"])
    p.set_palette(pal, owned)
    m = p.run()
    seen = [pipeline.seen_color(c.hex, True, "#212121") for c in pal.colors]
    adjusted = p._cache["adjust"][1]
    labels = [j for row in m.grid for j in row]
    assert m.perceived_delta_e == pytest.approx(
        perceive.perceived_delta_e(adjusted, [seen[j] for j in labels], 24, 16), rel=1e-12)
    d = m.to_dict()
    assert d["perceived_delta_e"] == round(m.perceived_delta_e, 4)
    assert pipeline.Mosaic.from_dict(d).perceived_delta_e == d["perceived_delta_e"]
    # dithering looks closer from a distance than stud by stud, on this photo
    p.set_options(dither="none")
    flat = p.run()
    assert m.perceived_delta_e < m.mean_delta_e
    assert flat.perceived_delta_e != m.perceived_delta_e


def test_perceived_error_agrees_on_both_paths(photos):
    out = []
    for path in ("numpy", "pure"):
        with _array.force(path):
            out.append(pipeline.make_mosaic(photos["astronaut.png"], sets=["31201"], size=(20, 30)))
    assert out[0].grid == out[1].grid
    assert out[0].perceived_delta_e == pytest.approx(out[1].perceived_delta_e, abs=1e-9)


def test_the_blurred_photo_is_kept_while_the_mosaic_changes(photos):
    """The photo's side of the measure is a stage of its own: a dithering change reuses it,
    and the value equals a recomputation from scratch on both paths."""
    from legoremix import _array, image, perceive, pipeline
    for path in ("numpy", "pure"):
        with _array.force(path):
            p = pipeline.Pipeline()
            p.set_image(photos["coffee.png"])
            p.set_options(size=(24, 20))
            p.set_palette(*pipeline.build_palette(["31197"]))
            p.run()
            p.set_options(dither="atkinson")
            m = p.run()
            assert p.stage_runs["photo_seen"] == 1 and p.stage_runs["count"] == 2
            target = image.to_list(p._cache["adjust"][1])
            seen = [pipeline.seen_color(c.hex, True, "#212121") for c in m.palette]
            fresh = perceive.perceived_delta_e(target, [seen[j] for row in m.grid for j in row], 24, 20)
            assert m.perceived_delta_e == fresh
