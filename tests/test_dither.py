import pytest
from hypothesis import given, settings, strategies as st

from legoremix import _array, dither, pipeline


def test_kernels_diffuse_the_documented_share():
    for name, (div, taps) in dither.KERNELS.items():
        total = sum(w for _, _, w in taps) / div
        assert total == pytest.approx(0.75 if name == "atkinson" else 1.0), name
        assert all(dy > 0 or dx > 0 for dx, dy, _ in taps)  # only unvisited neighbours


def test_bayer_matrices_are_permutations():
    for n in (4, 8):
        vals = sorted(round(v * n * n - 0.5) for row in dither.bayer(n) for v in row)
        assert vals == list(range(n * n))
    assert [round(v * 16 - 0.5) for v in dither.bayer(4)[0]] == [0, 8, 2, 10]


@pytest.mark.parametrize("kind", dither.DITHERS)
def test_every_dither_respects_stock_and_paths_agree(photos, kind):
    res = {}
    for p in ("numpy", "pure"):
        with _array.force(p):
            m = pipeline.make_mosaic(photos["astronaut.png"], sets=["31197"], size=(32, 32), dither=kind, strength=80)
        res[p] = m
        assert all(c <= s for c, s in zip(m.counts, m.stock))
        assert sum(m.counts) == 32 * 32
    assert res["numpy"].grid == res["pure"].grid


@pytest.mark.parametrize("kind", ["floyd-steinberg", "bayer4"])
def test_a_big_dither_reports_its_progress_and_the_same_studs(photos, kind, monkeypatch):
    """QA: a 400x300 dithered mosaic took 20 s with only a spinner. The pipeline's progress
    hears how far the dithering is (the page's status line), and the studs are the same."""
    assert kind in dither.DITHERS
    plain = pipeline.make_mosaic(photos["coffee.png"], sets=["31197"], size=(32, 32), dither=kind)
    monkeypatch.setattr(dither, "PROGRESS_STUDS", 32 * 32)  # a big mosaic, for the test's speed
    heard = []
    p = pipeline.Pipeline()
    p.set_image(photos["coffee.png"])
    pal, owned = pipeline.build_palette(("31197",))
    p.set_palette(pal, owned)
    p.set_options(size=(32, 32), dither=kind)
    p.progress = lambda f, label=None: heard.append((f, label))
    m = p.run()
    assert m.grid == plain.grid
    fractions = [f for f, label in heard if label == pipeline.DITHER_PROGRESS]
    assert len(fractions) >= 10 and fractions == sorted(fractions) and 0 <= fractions[0] and fractions[-1] < 1


def test_dithering_keeps_pinned_studs(photos):
    pins = {0: 11, 5: 3, 100: 104}
    m = pipeline.make_mosaic(photos["coffee.png"], sets=["31197"], size=(24, 24), dither="floyd-steinberg",
                                pins=[(i % 24, i // 24, bl) for i, bl in pins.items()])
    flat = [m.palette[j].bricklink_id for row in m.grid for j in row]
    for i, bl in pins.items():
        assert flat[i] == bl


def test_dither_reproduces_average_tone():
    # a flat mid grey from black and white pieces: FS gives the linear-light mix
    from legoremix import palettes
    pal = palettes.Palette([palettes.colors()[11], palettes.colors()[1]], [None, None])
    from legoremix.image import RGBA
    img = RGBA(32, 32, bytes((188, 188, 188, 255)) * 1024)
    p = pipeline.Pipeline()
    p.set_image(img)
    p.set_options(size=(32, 32), dither="floyd-steinberg", piece="square-tile")
    p.set_palette(pal)
    m = p.run()
    white = m.counts[1] / (32 * 32)
    # linear of sRGB 188 is ~0.5; black #212121 is ~0.015 linear
    assert 0.42 < white < 0.56


@settings(max_examples=15, deadline=None)
@given(st.integers(2, 12), st.integers(2, 12), st.sampled_from(dither.DITHERS[1:]), st.integers(0, 100),
       st.data())
def test_property_dither_within_stock(w, h, kind, strength, data):
    from legoremix import palettes
    from legoremix.image import RGBA
    buf = bytes(data.draw(st.lists(st.integers(0, 255), min_size=w * h * 4, max_size=w * h * 4)))
    cols = list(palettes.colors().values())[:5]
    stock = data.draw(st.lists(st.integers(0, w * h), min_size=5, max_size=5).filter(lambda s: sum(s) >= w * h))
    pal = palettes.Palette(cols, stock)
    p = pipeline.Pipeline()
    p.set_image(RGBA(w, h, buf))
    p.set_options(size=(w, h), dither=kind, strength=strength)
    p.set_palette(pal)
    m = p.run()
    assert all(c <= s for c, s in zip(m.counts, stock))
    assert (m.width, m.height, len(m.grid), len(m.grid[0])) == (w, h, h, w)


def test_every_dither_has_a_label_for_people():
    from legoremix import dither
    assert set(dither.LABELS) == set(dither.DITHERS)
    assert all(label[0].isupper() and "-" not in label for label in dither.LABELS.values())
