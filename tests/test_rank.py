"""Which set fits this picture (legoremix.rank): every set judged on a proxy, sorted and
deterministic (the same on both engine paths), pairs and copies of the best, thumbnails,
and the cheapest additions."""
import base64
import json
import random

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from helpers import photo_path
from legoremix import _array, browser, image, palettes, pipeline, project, rank, tone
from legoremix.image import RGBA
from legoremix.settings import MAX_COPIES, Settings


@pytest.fixture(scope="module")
def img():
    return image.load(photo_path("astronaut.png"), max_side=200)


@pytest.fixture(scope="module")
def ranked(img):
    s = Settings.from_dict({"size": [24, 24], "sets": {"31197": 1}})
    out = {}
    for path in ("numpy", "pure"):
        with _array.force(path):
            out[path] = rank.rank(img, s, limit=144)
    return out


def test_ranking_sorted_deterministic_and_the_same_on_both_paths(ranked):
    r = ranked["pure"]
    errs = [(c["perceived"], c["label"]) for c in r["candidates"]]
    assert errs == sorted(errs)
    assert [(c["label"], c["sets"]) for c in ranked["numpy"]["candidates"]] == [(c["label"], c["sets"])
                                                                             for c in r["candidates"]]
    assert [c["perceived"] for c in ranked["numpy"]["candidates"]] == pytest.approx([c["perceived"]
                                                                                      for c in r["candidates"]])
    keys = [tuple(sorted(c["sets"].items())) for c in r["candidates"]]
    assert len(keys) == len(set(keys))
    assert r["proxy"] == [12, 12]


def test_every_set_that_can_cover_is_ranked_with_copies_and_pairs(ranked):
    r = ranked["pure"]
    singles = {next(iter(c["sets"])) for c in r["candidates"] if len(c["sets"]) == 1}
    for s in palettes.sets().values():
        if rank.copies_needed(s.total, 24 * 24) <= MAX_COPIES:
            assert s.id in singles
    assert any(len(c["sets"]) == 2 for c in r["candidates"])  # pairs of the best
    assert any(len(c["sets"]) == 1 and next(iter(c["sets"].values())) > rank.copies_needed(
        palettes.sets()[next(iter(c["sets"]))].total, 576) for c in r["candidates"])  # one more copy
    for c in r["candidates"]:  # every candidate covers the mosaic
        assert sum(palettes.find_set(k).total * n for k, n in c["sets"].items()) >= 576
        assert c["pieces"] == sum(palettes.find_set(k).total * n for k, n in c["sets"].items())


def test_candidate_error_is_what_its_mosaic_reaches(img, ranked):
    """The ranking's number for a set is the perceived error of that set's flat optimum on the proxy."""
    best = ranked["pure"]["candidates"][0]
    with _array.force("pure"):
        proxy = tone.make_proxy(img, (24, 24), limit=144)
        pal = palettes.palette_from_inventory(palettes.inventory(list(best["sets"]), best["sets"]))
        seen = [pipeline.seen_color(c.hex, True, "#212121") for c in pal.colors]
        e, _ = tone.reachable(proxy, seen, proxy.stock_for(pal.stock))
    assert e == pytest.approx(best["perceived"])


def test_thumbnails_are_pngs_of_the_proxy(ranked):
    c = ranked["pure"]["candidates"][0]
    assert c["thumb"].startswith("data:image/png;base64,")
    png = base64.b64decode(c["thumb"].split(",", 1)[1])
    decoded = project.decode_png_rgba(png)
    assert (decoded.width, decoded.height) == (12, 12)
    colours = {decoded.data[i:i + 3] for i in range(0, len(decoded.data), 4)}
    owned = {bytes(int(palettes.colors()[int(k)].hex[i:i + 2], 16) for i in (1, 3, 5))
             for sid in c["sets"] for k in palettes.find_set(sid).studs}
    assert colours <= owned


def test_cheapest_additions_lower_the_error(ranked, img):
    r = ranked["pure"]
    adds = r["additions"]
    assert adds is not None and r["current"] is not None
    assert adds["after"] < adds["before"] == pytest.approx(r["current"])
    assert adds["total"] == sum(adds["pieces"].values())
    assert f"Adding these {adds['total']} pieces" in adds["sentence"]
    # check it: the additions really reach that error
    s = Settings.from_dict({"size": [24, 24], "sets": {"31197": 1}, "custom": adds["pieces"]})
    with _array.force("pure"):
        again = rank.rank(img, s, limit=144, thumbnails=False)
    assert again["current"] == pytest.approx(adds["after"])


def test_nice_step():
    assert rank.nice_step(2304) == 100
    assert rank.nice_step(100) == 10
    assert rank.nice_step(11130) == 500
    assert rank.copies_needed(3154, 2304) == 1 and rank.copies_needed(300, 2304) == 8
    assert rank.label({"31197": 1, "31205": 2}) == (palettes.find_set("31197").short_name + " + 2 x "
                                                    + palettes.find_set("31205").short_name)


def test_unlimited_mode_has_no_additions(img):
    s = Settings.from_dict({"size": [12, 12], "unlimited": True, "sets": {}})
    r = rank.rank(img, s, limit=64, thumbnails=False)
    assert r["current"] is None and r["additions"] is None and r["candidates"]


def test_browser_entry_points(img):
    browser.set_image(img.width, img.height, img.data)
    s = json.dumps({"size": [16, 16], "sets": {"31197": 1}})
    r = json.loads(browser.rank_sets(s))
    assert "error" not in r and r["candidates"][0]["thumb"]
    a = json.loads(browser.auto_adjust(s))
    assert set(a["adjustments"]) >= {"brightness", "contrast", "gamma", "saturation", "hue"}
    assert a["error_after"] <= a["default_error"]
    bad = json.loads(browser.auto_adjust(json.dumps({"size": [0, 0]})))
    assert bad["fields"] == ["size"]
    tiny = json.loads(browser.auto_adjust(json.dumps({"size": [100, 100], "sets": {"lots_of_dots_round": 1}})))
    assert "studs are missing" in tiny["error"]


@hsettings(max_examples=6, deadline=None)
@given(st.integers(0, 10 ** 6), st.integers(3, 9), st.integers(3, 9))
def test_property_ranking_sorted_and_deterministic(seed, w, h):
    rnd = random.Random(seed)
    img = RGBA(w + 5, h + 3, bytes(v for _ in range((w + 5) * (h + 3))
                                   for v in (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256), 255)))
    s = Settings.from_dict({"size": [w, h], "sets": {"31197": 1}})
    with _array.force("pure"):
        a = rank.rank(img, s, limit=36, thumbnails=False)
        b = rank.rank(img, s, limit=36, thumbnails=False)
    for r in (a, b):
        r.pop("seconds")
    assert a == b
    keys = [(c["perceived"], c["label"]) for c in a["candidates"]]
    assert keys == sorted(keys) and len(keys) >= 12
    if a["additions"]:
        assert a["additions"]["after"] < a["additions"]["before"]
