"""The per-stud perceived error map (issue 12, "see the error"): perceive.error_map against
hand-computed cases, its locality, and the Mosaic field ``perceived_map`` the page's heat
map draws (mean = perceived_delta_e, mosaic.json form, both engine paths)."""
import math

import pytest
from hypothesis import given, settings, strategies as st

from helpers import photo_path
from legoremix import _array, image, perceive, pipeline
from legoremix.pipeline import Mosaic

WHITE, BLACK = (1.0, 1.0, 1.0), (0.0, 0.0, 0.0)


def grey(lightness):
    """Linear grey of CIELAB lightness L (L > 8: the cube-root branch)."""
    y = ((lightness + 16) / 116) ** 3
    return (y, y, y)


def lightness(y):
    return 116 * y ** (1 / 3) - 16


def de_greys(l1, l2):
    """CIEDE2000 between two neutral greys by hand: only the lightness term is left,
    |dL| / S_L with S_L = 1 + 0.015 (L_mean - 50)^2 / sqrt(20 + (L_mean - 50)^2)."""
    m = (l1 + l2) / 2
    return abs(l1 - l2) / (1 + 0.015 * (m - 50) ** 2 / math.sqrt(20 + (m - 50) ** 2))


PATHS = ["pure"] + (["numpy"] if _array._numpy is not None else [])


@pytest.fixture(params=PATHS)
def path(request):
    with _array.force(request.param):
        yield request.param


def test_one_stud_black_against_white_is_100(path):
    # a 1x1 image is its own blur; L* 0 against L* 100, S_L = 1 at L_mean = 50
    assert perceive.error_map([BLACK], [WHITE], 1, 1) == pytest.approx([100.0], abs=1e-4)


def test_even_greys_have_the_same_error_everywhere_even_at_the_border(path):
    # the blur's weights are renormalised inside the canvas: an even image stays even
    de = perceive.error_map([grey(50)] * 20, [grey(60)] * 20, 5, 4)
    assert de == pytest.approx([10 / (1 + 0.015 * 25 / math.sqrt(45))] * 20, rel=1e-6)
    assert de[0] == pytest.approx(9.4706, abs=1e-4)


def test_two_studs_one_wrong(path):
    # photo: two white studs; mosaic: white, black. Along x the taps are 1 (self) and
    # exp(-1/2) (neighbour), renormalised over the two studs; along y (one row) the blur is 1.
    g = math.exp(-0.5)
    seen0, seen1 = 1 / (1 + g), g / (1 + g)  # blurred mosaic: the white share at each stud
    want = [de_greys(100, lightness(seen0)), de_greys(100, lightness(seen1))]
    de = perceive.error_map([WHITE, WHITE], [WHITE, BLACK], 2, 1)
    assert de == pytest.approx(want, rel=1e-6)
    assert de[1] > de[0] > 0  # worst at the wrong stud, and its neighbour sees some of it


def test_one_wrong_stud_in_a_column_of_three(path):
    # the middle stud of a 1x3 column is black: the column's taps (offsets -1, 0, 1 from the
    # middle; the ends see the middle at distance 1 and the other end at distance 2)
    g1, g2 = math.exp(-0.5), math.exp(-2)
    end = (1 + g2) / (1 + g1 + g2)  # white share at an end stud
    mid = 2 * g1 / (1 + 2 * g1)  # white share at the middle
    de = perceive.error_map([WHITE] * 3, [WHITE, BLACK, WHITE], 1, 3)
    assert de == pytest.approx([de_greys(100, lightness(end)), de_greys(100, lightness(mid)),
                                de_greys(100, lightness(end))], rel=1e-6)


@settings(max_examples=25, deadline=None)
@given(w=st.integers(1, 9), h=st.integers(1, 9), data=st.data())
def test_a_change_moves_the_map_only_within_the_eyes_reach(w, h, data):
    """Changing one stud changes the map only within the blur's reach (3 studs each way):
    the heat map points at the studs to touch up, not the whole picture."""
    col = st.tuples(*[st.floats(0, 1)] * 3)
    target = data.draw(st.lists(col, min_size=w * h, max_size=w * h))
    mosaic = data.draw(st.lists(col, min_size=w * h, max_size=w * h))
    k = data.draw(st.integers(0, w * h - 1))
    changed = list(mosaic)
    changed[k] = data.draw(col)
    a, b = perceive.error_map(target, mosaic, w, h), perceive.error_map(target, changed, w, h)
    for i in range(w * h):
        if max(abs(i % w - k % w), abs(i // w - k // w)) > perceive.RADIUS:
            assert a[i] == b[i]


@pytest.fixture(scope="module")
def chelsea():
    return image.load(photo_path("chelsea.png"), max_side=256)


def test_mosaic_field_rows_mean_and_json(chelsea):
    m = pipeline.make_mosaic(chelsea, sets=["31197"], size=(24, 16))
    assert len(m.perceived_map) == 16 and all(len(r) == 24 for r in m.perceived_map)
    flat = [v for r in m.perceived_map for v in r]
    assert sum(flat) / len(flat) == m.perceived_delta_e
    assert min(flat) >= 0
    d = m.to_dict()
    assert d["perceived_map"] == [[math.floor(v + 0.5) for v in r] for r in m.perceived_map]  # whole units
    assert all(type(v) is int for r in d["perceived_map"] for v in r)
    assert Mosaic.from_dict(d).perceived_map == d["perceived_map"]
    # without one (an older mosaic.json) the field is simply absent
    d.pop("perceived_map")
    assert Mosaic.from_dict(d).perceived_map is None
    assert "perceived_map" not in Mosaic.from_dict(d).to_dict()


def test_painting_a_wrong_stud_shows_on_the_map(chelsea):
    """The darkest stud painted in the set's brightest colour: the map rises there."""
    p = pipeline.Pipeline()
    p.set_image(chelsea)
    p.set_options(size=(24, 16))
    pal, owned = pipeline.build_palette(["31197"])
    p.set_palette(pal, owned)
    before = p.run()
    bright = [sum(pipeline.seen_color(c.hex, True, "#212121")) for c in pal.colors]
    x, y = min(((x, y) for y in range(16) for x in range(24)), key=lambda q: bright[before.grid[q[1]][q[0]]])
    p.set_pins([(x, y, pal.colors[max(range(len(bright)), key=bright.__getitem__)].bricklink_id)])
    after = p.run()
    assert after.perceived_map[y][x] > before.perceived_map[y][x] + 5


def test_same_map_on_both_paths(chelsea):
    if _array._numpy is None:
        pytest.skip("numpy not installed")
    maps = {}
    for path in ("numpy", "pure"):
        with _array.force(path):
            maps[path] = pipeline.make_mosaic(chelsea, sets=["31201"], size=(20, 20)).perceived_map
    flat = {k: [v for r in m for v in r] for k, m in maps.items()}
    assert flat["numpy"] == pytest.approx(flat["pure"], abs=1e-9)
