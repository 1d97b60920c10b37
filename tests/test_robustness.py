"""Robustness: random settings through the whole engine on both paths, and damaged or
hostile project files.

Whatever a person (or a damaged autosave) feeds in, the engine either makes a mosaic or
raises one of its own errors (ValueError subclasses) whose message is a sentence for a
person, never anything else; mosaics keep every promise (stock, painted studs, numpy =
pure), and every export of them either works or says clearly why not.
"""
import base64
import functools
import json
import re
import struct
import time
import zlib

import pytest
from hypothesis import HealthCheck, event, given, settings as hsettings, strategies as st
from PIL import Image

from helpers import photo_path
from legoremix import _array, color, dither, export, image, palettes, pipeline, project
from legoremix.settings import ADJUSTMENT_RANGES, Settings, SettingsError

#: A quote that is not an apostrophe inside a word (Warhol's): Python's repr quoting.
REPR = re.compile(r"(?<![A-Za-z])'|'(?![A-Za-z])")


def assert_sentence(e: BaseException):
    """An error for a person: one of the engine's ValueErrors, capital first, full stop last,
    one line, no Python repr or CLI-only hints."""
    assert isinstance(e, ValueError), f"{type(e).__name__}: {e}"
    msg = str(e)
    assert msg and msg[0].isupper() and msg.endswith("."), msg
    own = re.sub(r"“[^”]*”", "“”", msg)  # what a person typed is shown as typed, in “quotes”
    assert "\n" not in msg and not REPR.search(own) and "--" not in own and "Traceback" not in msg, msg
    for jargon in ("RGBA", "bytes", "palette index", "None", "KeyError", "TypeError"):
        assert jargon not in own, msg
    return msg


def usable_if_accepted(proj):
    """A project the loader accepted must make a mosaic, or refuse in one sentence."""
    if proj is None:
        return
    p = pipeline.Pipeline()
    p.set_image(proj.image)
    try:
        project.configure(p, proj.settings)
        p.run()
    except ValueError as e:
        assert_sentence(e)


@functools.lru_cache(maxsize=None)
def small_photo():
    """A real photo shrunk to 60 x 45, with a transparent corner (alpha compositing).

    (A function, not a fixture: hypothesis would print all its pixels with a failing example.)
    """
    im = Image.open(photo_path("chelsea.png")).convert("RGBA").resize((60, 45), Image.BILINEAR)
    for x in range(12):
        for y in range(10):
            r, g, b, _ = im.getpixel((x, y))
            im.putpixel((x, y), (r, g, b, (x * 23) % 256))
    return image.RGBA(im.width, im.height, im.tobytes())


# --- random settings --------------------------------------------------------------------------

SET_KEYS = sorted(palettes.sets())
UNIQUE_NUMBERS = sorted(n for n in {s.set_number for s in palettes.sets().values()}
                        if sum(s.set_number == n for s in palettes.sets().values()) == 1)
COLOR_IDS = sorted(palettes.colors())
PHOTO_W, PHOTO_H = 60, 45


@st.composite
def sizes(draw):
    """Mostly small canvases (fast), some up to 128 studs a side; seldom square."""
    big = draw(st.integers(0, 11)) == 0
    hi = 128 if big else 40
    return [draw(st.integers(1, hi)), draw(st.integers(1, hi))]


@st.composite
def random_settings(draw):
    d = {}
    w, h = draw(sizes())
    d["size"] = [w, h]
    sets = {}
    for key in draw(st.lists(st.sampled_from(SET_KEYS), min_size=1, max_size=3, unique=True)):
        s = palettes.sets()[key]
        if s.set_number in UNIQUE_NUMBERS and draw(st.booleans()):
            key = s.set_number  # set numbers are accepted and become ids
        sets[key] = draw(st.sampled_from([1, 2, 3, 0]))  # copies; 0 (a set switched off) now and then
    d["sets"] = sets
    d["unlimited"] = draw(st.booleans())
    d["custom"] = {str(k): n for k, n in draw(st.dictionaries(st.sampled_from(COLOR_IDS), st.integers(0, 3000),
                                                             max_size=4)).items()}
    d["piece"] = draw(st.sampled_from(list(palettes.PIECES)))
    d["metric"] = draw(st.sampled_from(list(color.METRICS)))
    d["dither"] = draw(st.sampled_from(list(dither.DITHERS)))
    d["strength"] = draw(st.one_of(st.integers(0, 100), st.floats(0, 100)))
    d["serpentine"] = draw(st.booleans())
    d["round_compensation"] = draw(st.sampled_from([None, True, False]))
    d["background"] = "#%06x" % draw(st.integers(0, 0xFFFFFF))
    kind = draw(st.integers(0, 19))
    crop = None if kind < 10 else draw(
        st.integers(1, PHOTO_W).flatmap(lambda cw: st.integers(1, PHOTO_H).flatmap(lambda ch: st.tuples(
            st.integers(0, PHOTO_W - cw), st.integers(0, PHOTO_H - ch), st.just(cw), st.just(ch))))
        if kind < 17 else st.tuples(st.integers(-2, PHOTO_W + 2), st.integers(-2, PHOTO_H + 2),
                                    st.integers(-1, PHOTO_W + 5), st.integers(-1, PHOTO_H + 5)))
    d["crop"] = list(crop) if crop else None
    adj = {}
    for k, (lo, hi) in ADJUSTMENT_RANGES.items():
        if draw(st.booleans()):
            inside = draw(st.integers(0, 29)) > 0
            adj[k] = draw(st.floats(lo, hi) if inside else st.sampled_from([lo - 1, hi + 0.5, 3 * hi, -3 * hi]))
    d["adjustments"] = adj
    owned = sorted({k for key in sets for k in palettes.find_set(key).studs} | set(map(int, d["custom"])))
    pins = []
    for _ in range(draw(st.integers(0, 6))):
        x = draw(st.integers(-1, w + 1) if draw(st.integers(0, 9)) == 0 else st.integers(0, w - 1))
        y = draw(st.integers(-1, h + 1) if draw(st.integers(0, 9)) == 0 else st.integers(0, h - 1))
        which = draw(st.integers(0, 19))
        bl = draw(st.sampled_from(owned) if which > 3 else st.sampled_from(COLOR_IDS) if which else
                  st.sampled_from([0, 999, -5]))
        pins.append([x, y, bl])
        if draw(st.integers(0, 3)) == 0:  # several studs of one colour (may exceed the stock)
            pins += [[(x + i) % w, y % h, bl] for i in range(1, draw(st.integers(2, 30)))]
    d["pins"] = pins
    return d


def run_engine(img, d):
    """(mosaic, None) or (None, error) on the current path; any other exception escapes."""
    p = pipeline.Pipeline()
    p.set_image(img)
    try:
        project.configure(p, d)
        return p.run(), None
    except ValueError as e:
        assert_sentence(e)
        return None, e


def should_work(d) -> bool:
    """Whether these settings can make a mosaic, worked out independently of the pipeline."""
    try:
        s = Settings.from_dict(d)
    except SettingsError:
        return False
    if s.inventory_problem():
        return False
    w, h = s.size
    if s.crop:
        x, y, cw, ch = s.crop
        if x + cw > PHOTO_W or y + ch > PHOTO_H:
            return False
    sets = {k: v for k, v in s.sets.items() if v > 0}
    custom = {k: v for k, v in s.custom.items() if v > 0}
    pal, _ = pipeline.build_palette(list(sets), sets, custom, s.unlimited, s.piece)
    if not pal.unlimited and sum(pal.stock) < w * h:
        return False
    have = {c.bricklink_id: n for c, n in zip(pal.colors, pal.stock)}
    painted: dict = {}
    for x, y, bl in s.pins:
        if x < w and y < h:
            painted[bl] = painted.get(bl, 0) + 1
    for bl, n in painted.items():
        if bl not in have or (have[bl] is not None and n > have[bl]):
            return False
    return True


def check_mosaic(m, d):
    s = Settings.from_dict(d)
    w, h = s.size
    assert (m.width, m.height) == (w, h) and len(m.grid) == h and all(len(r) == w for r in m.grid)
    assert sum(m.counts) == w * h
    if s.unlimited:
        assert m.stock is None
    else:
        assert all(n <= st_ for n, st_ in zip(m.counts, m.stock)), "stock exceeded"
    for x, y, bl in s.pins:
        if x < w and y < h:
            assert m.palette[m.grid[y][x]].bricklink_id == bl, "a painted stud changed colour"
    assert all(v >= 0 for row in m.delta_e for v in row)


def check_exports(m, pdf: bool):
    assert export.render_png(m, cell=2).startswith(b"\x89PNG")
    rows = export.parts_csv(m).splitlines()
    assert sum(int(r.split(",")[3]) for r in rows[1:]) == m.width * m.height
    for fn in (export.bricklink_xml, export.rebrickable_csv):
        for only_missing in (False, True, None):
            try:
                out = fn(m, only_missing=only_missing)
            except export.ExportError as e:
                assert_sentence(e)
                continue
            assert out.endswith("\n")
            if fn is export.bricklink_xml and only_missing is False:
                assert sum(map(int, re.findall(r"<MINQTY>(\d+)</MINQTY>", out))) == m.width * m.height
    try:
        ldr = export.ldraw(m)
        assert ldr.count(".dat") >= m.width * m.height
    except export.ExportError as e:
        assert_sentence(e)
    if pdf:
        from legoremix import instructions
        try:
            assert instructions.pdf(m).startswith(b"%PDF")
        except ValueError as e:
            assert_sentence(e)


@hsettings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(d=random_settings(), pdf=st.integers(0, 11))
def test_random_settings_on_both_paths(d, pdf):
    out = {}
    for path in ("numpy", "pure"):
        with _array.force(path):
            out[path] = run_engine(small_photo(), d)
    (a, ea), (b, eb) = out["numpy"], out["pure"]
    assert (ea is None) == (eb is None)
    event("mosaic" if ea is None else f"refused: {type(ea).__name__}")
    if ea is not None:
        assert (type(ea), str(ea)) == (type(eb), str(eb))
        assert not should_work(d), f"refused settings that should work: {ea}"
        return
    assert should_work(d)
    assert a.grid == b.grid and a.counts == b.counts, "numpy and pure paths differ"
    assert a.mean_delta_e == pytest.approx(b.mean_delta_e, abs=1e-9)
    check_mosaic(a, d)
    check_exports(a, pdf=pdf == 0 and a.width * a.height <= 48 * 48)


@st.composite
def tight_settings(draw):
    """Loose pieces only, just enough of them (or one short), many studs painted: the
    solver and the ditherer work at the edge of the stock."""
    w, h = draw(st.integers(1, 14)), draw(st.integers(1, 14))
    n = w * h
    ids = draw(st.lists(st.sampled_from(COLOR_IDS), min_size=1, max_size=6, unique=True))
    total = n + draw(st.sampled_from([-1, 0, 0, 0, 1, 3]))
    cuts = sorted(draw(st.lists(st.integers(0, max(total, 0)), min_size=len(ids) - 1, max_size=len(ids) - 1)))
    counts = [b - a for a, b in zip([0] + cuts, cuts + [max(total, 0)])]
    custom = dict(zip(ids, counts))
    pins = []
    for bl, c in custom.items():  # paint up to all of a colour's pieces (sometimes one more)
        for _ in range(draw(st.integers(0, c + (draw(st.integers(0, 9)) == 0)))):
            pins.append([draw(st.integers(0, w - 1)), draw(st.integers(0, h - 1)), bl])
    return {"size": [w, h], "sets": {}, "custom": {str(k): v for k, v in custom.items()}, "unlimited": False,
            "pins": pins, "dither": draw(st.sampled_from(list(dither.DITHERS))),
            "metric": draw(st.sampled_from(list(color.METRICS))), "strength": draw(st.integers(0, 100)),
            "piece": draw(st.sampled_from(list(palettes.PIECES))), "serpentine": draw(st.booleans())}


@hsettings(max_examples=300, deadline=None)
@given(tight_settings())
def test_tight_inventories_on_both_paths(d):
    out = {}
    for path in ("numpy", "pure"):
        with _array.force(path):
            out[path] = run_engine(small_photo(), d)
    (a, ea), (b, eb) = out["numpy"], out["pure"]
    event("mosaic" if ea is None else f"refused: {type(ea).__name__}")
    assert (ea is None) == (eb is None) and str(ea) == str(eb)
    assert (ea is None) == should_work(d), ea
    if a is not None:
        assert a.grid == b.grid
        check_mosaic(a, d)


@hsettings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(random_settings(), tight_settings()), min_size=2, max_size=4),
       st.lists(st.sampled_from(["numpy", "pure"]), min_size=4, max_size=4))
def test_one_pipeline_reused_gives_what_a_fresh_one_gives(seq, paths):
    """The page keeps one pipeline and changes settings one after another (failures
    included): the stage caches must never leak an old result."""
    p = pipeline.Pipeline()
    p.set_image(small_photo())
    for d, path in zip(seq, paths):
        with _array.force(path):
            try:
                project.configure(p, d)
                got = p.run().grid
            except ValueError as e:
                got = str(e)
            fresh, err = run_engine(small_photo(), d)
            assert got == (fresh.grid if fresh is not None else str(err))


# --- settings that are garbage, through the whole engine ----------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10 ** 20, 10 ** 20) | st.floats(allow_nan=True)
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)


@hsettings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(Settings().to_dict())), json_values, max_size=6),
       st.sampled_from(["numpy", "pure"]))
def test_garbage_settings_never_crash(d, path):
    """Any JSON value in any setting: a mosaic, or a refusal in sentences (run_engine
    lets any other exception through, and checks every message)."""
    with _array.force(path):
        run_engine(small_photo(), {"size": [4, 3], **d})


# --- project files --------------------------------------------------------------------------------

GOOD_SETTINGS = {"size": [12, 9], "crop": [2, 1, 20, 15], "adjustments": {"contrast": 10}, "metric": "cie94",
                 "piece": "round-plate", "dither": "atkinson", "strength": 80, "sets": {"31197": 1},
                 "custom": {"11": 5}, "unlimited": False, "pins": [[0, 0, 11], [3, 4, 71]]}


@pytest.fixture(scope="module")
def project_text():
    im = Image.open(photo_path("coffee.png")).convert("RGBA").resize((24, 18))
    img = image.RGBA(24, 18, im.tobytes())
    return project.dumps(project.Project(img, GOOD_SETTINGS))


def load_error(text) -> str:
    """The message of a project file that must be refused (quickly, as a ProjectError)."""
    t0 = time.perf_counter()
    with pytest.raises(project.ProjectError) as e:
        project.loads(text)
    assert time.perf_counter() - t0 < 1.0, "refusing a file took too long"
    return assert_sentence(e.value)


def loads_or_refuses(text):
    """Project or None (refused with a sentence); nothing else, and quickly."""
    t0 = time.perf_counter()
    try:
        proj = project.loads(text)
    except project.ProjectError as e:
        assert_sentence(e)
        proj = None
    assert time.perf_counter() - t0 < 1.0
    return proj


def test_the_real_project_loads_and_makes_its_mosaic(project_text):
    proj = project.loads(project_text)
    p = pipeline.Pipeline()
    p.set_image(proj.image)
    project.configure(p, proj.settings)
    assert p.run().width == 12


def test_every_truncation_is_refused(project_text):
    stride = max(1, len(project_text) // 400)
    for n in list(range(0, len(project_text), stride)) + [len(project_text) - 1, len(project_text) - 2]:
        load_error(project_text[:n])


GARBAGE = [None, 5, "x", [], {}, -1, 0, 1.5, True, 1e309, -1e309, 10 ** 30, "9" * 5000,
           [[[[None]]]], {"a": {"b": [1, {"c": None}]}}, [1, 2, 3, 4], "#fff", "ciede2000"]


@pytest.mark.parametrize("value", GARBAGE, ids=lambda v: repr(v)[:20])
def test_wrong_types_in_every_field(project_text, value):
    base = json.loads(project_text)
    docs = []
    for key in base["settings"]:
        docs.append({**base, "settings": {**base["settings"], key: value}})
    for key in ("format", "version", "settings", "image"):
        docs.append({**base, key: value})
    for key in ("width", "height", "png"):
        docs.append({**base, "image": {**base["image"], key: value}})
    for k in ADJUSTMENT_RANGES:
        docs.append({**base, "settings": {**base["settings"], "adjustments": {k: value}}})
    docs.append({**base, "settings": {**base["settings"], "sets": {"31197": value}}})
    docs.append({**base, "settings": {**base["settings"], "custom": {"11": value}}})
    docs.append({**base, "settings": {**base["settings"], "pins": [value]}})
    docs.append({**base, "settings": {**base["settings"], "pins": [[0, 0, value]]}})
    docs.append({**base, "settings": {**base["settings"], "size": [value, 5]}})
    docs.append({**base, "settings": {**base["settings"], "crop": [0, 0, value, 5]}})
    for doc in docs:
        text = json.dumps(doc)
        if value == "9" * 5000:  # as a JSON number, beyond Python's digit limit
            text = text.replace('"' + value + '"', value)
        proj = loads_or_refuses(text)
        usable_if_accepted(proj)


@pytest.mark.parametrize("key,value,msg", [
    ("metric", "cmyk", "cmyk"), ("piece", "duplo", "duplo"), ("dither", "halftone", "halftone"),
    ("sets", {"from_the_future": 1}, "newer version"), ("sets", {"99999": 1}, "99999"),
    ("custom", {"99999": 1}, "99999"), ("size", [9999, 9999], "9999 x 9999"), ("size", [9999, 10], "9999 x 10"),
    ("crop", [0, 0, 9999, 9999], "crop box"), ("pins", [[0, 0, 99999]], "99999"),
])
def test_unknown_names_and_huge_sizes(project_text, key, value, msg):
    doc = json.loads(project_text)
    doc["settings"][key] = value
    text = load_error(json.dumps(doc))
    assert text.startswith("This project cannot be opened.") and msg in text


@pytest.mark.parametrize("version,msg", [(2, "newer version"), (10 ** 9, "newer version"), (0, "no valid version"),
                                         (-1, "no valid version"), ("1", "no valid version"),
                                         (1.0, "no valid version"), (None, "no valid version")])
def test_versions(project_text, version, msg):
    doc = json.loads(project_text)
    doc["version"] = version
    assert msg in load_error(json.dumps(doc))


def png_with_header(w, h, idat=b"", color_type=6):
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def _bomb(megabytes):
    co = zlib.compressobj(9)
    block = b"\0" * (1 << 20)
    return b"".join(co.compress(block) for _ in range(megabytes)) + co.flush()


BOMB = _bomb(64)


def with_png(project_text, png, w=None, h=None):
    doc = json.loads(project_text)
    doc["image"] = {"width": w or doc["image"]["width"], "height": h or doc["image"]["height"],
                    "png": base64.b64encode(png).decode()}
    return json.dumps(doc)


@pytest.mark.parametrize("png,msg", [
    (png_with_header(100_000, 100_000, zlib.compress(b"\0" * 1000)), "100000 x 100000 pixels, is not possible"),
    (png_with_header(2 ** 32 - 1, 2 ** 32 - 1), "is not possible"),
    (png_with_header(0, 10), "is not possible"),
    (png_with_header(10_000, 10_000, zlib.compress(b"\0" * 1000)), "part of it is missing"),
    (png_with_header(10_000, 10_000, zlib.compress(b"\0" * 4_000_000, 9)), "part of it is missing"),
    # a compression bomb: 64 KB that inflate to 64 MB; inflating stops just past the promised 24 x 18
    (png_with_header(24, 18, BOMB), "more than its size allows"),
    (png_with_header(24, 18, b"not zlib"), "damaged"),
    (png_with_header(24, 18, zlib.compress(b"\1" * (24 * 4 + 1) * 18)), "kind legoremix saves"),
    (png_with_header(24, 18, zlib.compress(b"\0" * (24 * 4 + 1) * 18), color_type=2), "kind legoremix saves"),
    (b"GIF89a", "not a PNG picture"),
    (b"\x89PNG\r\n\x1a\n", "kind legoremix saves"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR", "kind legoremix saves"),
    (b"", "not a PNG picture"),
], ids=["100000x100000", "4294967295-square", "zero-width", "10000x10000-short", "short", "bomb", "not-zlib",
        "filtered", "rgb", "gif", "signature-only", "cut-in-header", "empty"])
def test_hostile_embedded_pictures_are_refused_quickly(project_text, png, msg):
    assert msg in load_error(with_png(project_text, png, 24, 18))


def test_embedded_picture_of_another_size(project_text):
    png = project.encode_png_rgba(image.RGBA(3, 2, bytes(24)))
    assert "size does not match" in load_error(with_png(project_text, png, 24, 18))
    assert "crop box lies outside its photo" in load_error(with_png(project_text, png, 3, 2))


@pytest.mark.parametrize("text", [
    "", "null", "[]", '"legoremix-project"', "{}", "{" * 100_000, "[" * 100_000 + "]" * 100_000,
    '{"format": "legoremix-project", "version": ' + "9" * 5000 + "}",
    '{"format": "legoremix-project", "version": 1e999}', '{"format": "legoremix-project", "version": NaN}',
    b"\xff\xfe\x00garbage", b'{"format": "legoremix-project", "version": 1, "image": "\xff"}',
    '{"format": "legoremix-project", "version": 1, "image": {"png": "!!!!"}}',
    '{"format": "legoremix-project", "version": 1, "image": {"png": "AAAA"}}',
])
def test_not_projects_at_all(text):
    load_error(text)


@hsettings(max_examples=300, deadline=None)
@given(st.data())
def test_random_damage_to_a_project(project_text, data):
    """Random values at random places, random bytes flipped: refused with a sentence or
    loaded and usable, never anything else."""
    doc = json.loads(project_text)
    where = data.draw(st.sampled_from(["top", "settings", "image", "text"]))
    if where == "text":
        i = data.draw(st.integers(0, len(project_text) - 1))
        text = project_text[:i] + data.draw(st.text(max_size=3)) + project_text[i + 1:]
    else:
        target = {"top": doc, "settings": doc["settings"], "image": doc["image"]}[where]
        key = data.draw(st.sampled_from(sorted(target) + ["new_key"]))
        target[key] = data.draw(json_values)
        text = json.dumps(doc)
    proj = loads_or_refuses(text)
    usable_if_accepted(proj)


# --- engine errors outside settings -------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda: image.parse_size("axb"), lambda: image.parse_size("0x5"), lambda: image.check_size(10 ** 5000, 1),
    lambda: image.check_crop((0, 0, 10 ** 5000, 1), 4, 4),
    lambda: image.check_size(2.5, 1), lambda: image.check_crop((0, 0, 5, 5), 4, 4),
    lambda: image.check_crop(("a", 0, 5, 5), 4, 4), lambda: image.check_crop((0, 0, float("inf"), 1), 4, 4),
    lambda: image.RGBA(0, 0, b""), lambda: image.RGBA(3, 3, b"12"), lambda: image.RGBA(20_000, 20_000, b""),
    lambda: color.hex_to_rgb8("#zzzzzz"), lambda: color.hex_to_rgb8(None), lambda: color.hex_to_rgb8(12),
    lambda: color.get_metric("cmyk"), lambda: color.get_metric([]), lambda: dither.check_dither({}),
    lambda: palettes.find_set("nope"), lambda: palettes.find_set("41935"), lambda: palettes.check_piece(None),
    lambda: palettes.combine({11: -3}), lambda: palettes.palette_from_inventory({}),
    lambda: palettes.unlimited_palette("brick", [12345]), lambda: pipeline.Pipeline().run(),
    lambda: pipeline.build_palette(), lambda: pipeline.Pipeline().set_options(size=(0, 0)),
    lambda: pipeline.Pipeline().set_options(background="red"),
    lambda: pipeline.make_mosaic(image.RGBA(2, 2, bytes(16)), sets=["41948"], size=(40, 40)),
    lambda: pipeline.make_mosaic(image.RGBA(2, 2, bytes(16)), sets=["41948"], size=(4, 4), pins=[(0, 0, 5)]),
    lambda: pipeline.make_mosaic(image.RGBA(2, 2, bytes(16)), unlimited=True, size=(4, 4), pins=[(0, 0, 999)]),
    lambda: pipeline.make_mosaic(image.RGBA(2, 2, bytes(16)), custom={99999: 5}, unlimited=True, size=(2, 2)),
    lambda: pipeline.make_mosaic(image.RGBA(2, 2, bytes(16)), custom={11: 30}, size=(4, 4), crop=(1, 1, 2, 2)),
])
def test_engine_errors_are_sentences(call):
    with pytest.raises(ValueError) as e:
        call()
    assert_sentence(e.value)


@pytest.mark.filterwarnings("ignore:Corrupt EXIF")
def test_image_files_that_are_not_images(tmp_path):
    import io
    cases = [b"", b"hello", b"\x89PNG\r\n\x1a\n" + b"\0" * 50, b"GIF89a" + b"\0" * 20, b"\xff\xd8\xff" + b"\0" * 30,
             b"BM" + b"\xff" * 60, b"II*\x00" + b"\xff" * 40]
    for i, data in enumerate(cases):
        f = tmp_path / f"f{i}.png"
        f.write_bytes(data)
        for src in (f, io.BytesIO(data)):
            with pytest.raises(image.ImageError) as e:
                image.load(src)
            assert "could not be read as an image" in assert_sentence(e.value)
