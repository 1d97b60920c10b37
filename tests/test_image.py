import io

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from PIL import Image

from legoremix import _array, color, image


def rgba(w, h, fill=(10, 20, 30, 255)):
    return image.RGBA(w, h, bytes(fill) * (w * h))


def test_constant_image_keeps_its_colour(path):
    px = image.downscale(rgba(37, 23), (5, 3))
    expect = tuple(color.SRGB8_TO_LINEAR16[c] / 65535 for c in (10, 20, 30))
    for p in image.to_list(px):
        assert p == pytest.approx(expect, abs=1e-12)


def test_area_average_is_in_linear_light(path):
    # half black, half white -> linear 0.5 (sRGB ~188), not sRGB 128
    data = (bytes((0, 0, 0, 255)) + bytes((255, 255, 255, 255))) * 2
    px = image.to_list(image.downscale(image.RGBA(2, 2, data), (1, 1)))
    assert px[0] == pytest.approx((0.5, 0.5, 0.5))


def test_exact_fractional_weights(path):
    # 3 source columns into 2 studs: stud 0 = p0 + p1/2, stud 1 = p1/2 + p2 (each / 1.5)
    vals = [0, 255, 0]
    data = b"".join(bytes((v, v, v, 255)) for v in vals)
    px = image.to_list(image.downscale(image.RGBA(3, 1, data), (2, 1), crop=(0, 0, 3, 1)))
    assert px[0][0] == pytest.approx((0.5 * 1) / 1.5)
    assert px[1][0] == pytest.approx((0.5 * 1) / 1.5)


def test_transparent_pixels_take_the_background(path):
    img = image.RGBA(4, 4, bytes((255, 0, 0, 0)) * 16)
    px = image.to_list(image.downscale(img, (2, 2), background="#0000ff"))
    assert px[0] == pytest.approx((0, 0, 1))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 40), st.integers(1, 40), st.integers(1, 12), st.integers(1, 12), st.data())
def test_numpy_and_pure_paths_are_identical(sw, sh, w, h, data):
    buf = bytes(data.draw(st.lists(st.integers(0, 255), min_size=sw * sh * 4, max_size=sw * sh * 4)))
    img = image.RGBA(sw, sh, buf)
    with _array.force("numpy"):
        a = image.to_list(image.downscale(img, (w, h)))
    with _array.force("pure"):
        b = image.downscale(img, (w, h))
    assert a == b
    assert len(a) == w * h


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 60), st.integers(1, 40), st.integers(1, 20), st.integers(1, 20), st.data())
def test_paths_identical_with_opaque_and_transparent_rows_and_crops(sw, sh, w, h, data):
    """The pure path packs opaque rows into big integers and goes pixel by pixel elsewhere:
    any mix of the two, any crop and background give numpy's sums exactly."""
    opaque = data.draw(st.lists(st.booleans(), min_size=sh, max_size=sh))
    rgb = data.draw(st.lists(st.integers(0, 255), min_size=sw * sh * 3, max_size=sw * sh * 3))
    alpha = data.draw(st.lists(st.integers(0, 255), min_size=sw * sh, max_size=sw * sh))
    buf = bytearray()
    for i in range(sw * sh):
        buf += bytes(rgb[3 * i:3 * i + 3]) + bytes([255 if opaque[i // sw] else alpha[i]])
    img = image.RGBA(sw, sh, bytes(buf))
    cw, ch = data.draw(st.integers(1, sw)), data.draw(st.integers(1, sh))
    crop = (data.draw(st.integers(0, sw - cw)), data.draw(st.integers(0, sh - ch)), cw, ch)
    bg = "#%02x%02x%02x" % tuple(data.draw(st.integers(0, 255)) for _ in range(3))
    with _array.force("numpy"):
        a = image.to_list(image.downscale(img, (w, h), crop, bg))
    with _array.force("pure"):
        b = image.downscale(img, (w, h), crop, bg)
    assert a == b


def test_paths_identical_on_photos(photos):
    for img in photos.values():
        for size in ((48, 48), (128, 128), (64, 40)):
            with _array.force("numpy"):
                a = image.to_list(image.downscale(img, size))
            with _array.force("pure"):
                b = image.downscale(img, size)
            assert a == b


def test_split_path_for_wide_sources_matches_dense():
    rng = np.random.default_rng(1)
    buf = rng.integers(0, 256, size=(20, 5000, 4), dtype=np.uint8)
    buf[..., 3] = 255
    img = image.RGBA(5000, 20, buf.tobytes())
    with _array.force("numpy"):
        a = image.to_list(image.downscale(img, (48, 2), crop=(0, 0, 5000, 20)))
    with _array.force("pure"):
        b = image.downscale(img, (48, 2), crop=(0, 0, 5000, 20))
    assert a == b


def test_default_crop_is_centred_with_canvas_aspect():
    assert image.default_crop(400, 300, 48, 48) == (50, 0, 300, 300)
    assert image.default_crop(300, 400, 48, 48) == (0, 50, 300, 300)
    assert image.default_crop(640, 480, 128, 80) == (0, 40, 640, 400)


def sentence(e):
    """The message of an error a person can meet: one sentence or more, no Python quoting."""
    msg = str(e.value)
    assert msg[0].isupper() and msg.endswith(".") and "'" not in msg and "\n" not in msg, msg
    return msg


def test_bad_sizes_and_crops():
    for bad, msg in (("0x4", "The size 0 x 4 is not possible: width and height must each be 1 to 512 studs."),
                     ("600x10", "The size 600 x 10 is not possible"), ("48", "The size “48” is not understood"),
                     ("axb", "The size “axb” is not understood: write the width and height in studs")):
        with pytest.raises(ValueError) as e:
            image.parse_size(bad)
        assert sentence(e).startswith(msg)
    assert image.parse_size("96X48") == (96, 48)
    with pytest.raises(ValueError, match="The size must be two whole numbers"):
        image.check_size(2.5, 3)
    with pytest.raises(ValueError, match=r"crop box \(left 5, top 5, width 10, height 10\) lies outside the photo, "
                                         r"which is 10 x 10 pixels\.") as e:
        image.downscale(rgba(10, 10), (2, 2), crop=(5, 5, 10, 10))
    sentence(e)
    with pytest.raises(image.ImageError, match="The image is incomplete") as e:
        image.RGBA(2, 2, b"123")
    sentence(e)
    with pytest.raises(image.ImageError, match="The image is empty.") as e:
        image.RGBA(0, 2, b"")


def test_adjustments_identity_and_effects(path):
    px = image.downscale(rgba(4, 4, (100, 150, 200, 255)), (1, 1))
    assert image.adjust(px, image.Adjustments()) is px
    bright = image.to_list(image.adjust(px, image.Adjustments(brightness=20)))[0]
    assert all(b > a for a, b in zip(image.to_list(px)[0], bright))
    grey = image.to_list(image.adjust(px, image.Adjustments(saturation=-100)))[0]
    assert grey[0] == pytest.approx(grey[1]) == pytest.approx(grey[2])
    flat = image.to_list(image.adjust(px, image.Adjustments(contrast=-100)))[0]
    assert all(abs(color.linear_to_srgb_1(c) - 0.5) < 0.05 for c in flat)


def _save(im, fmt, **kw):
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    buf.seek(0)
    return buf


def test_load_respects_exif_orientation():
    im = Image.new("RGB", (40, 20), (255, 0, 0))
    im.paste((0, 0, 255), (0, 0, 20, 20))  # left half blue
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 CW when displayed
    img = image.load(_save(im, "JPEG", exif=exif.tobytes(), quality=95))
    assert (img.width, img.height) == (20, 40)
    assert img.data[0:3][2] > 200  # top-left shows the (blue) left half rotated to the top


def test_load_cmyk_palette_grey_and_transparent_images():
    for im in (Image.new("CMYK", (8, 8), (0, 255, 255, 0)), Image.new("L", (8, 8), 128),
               Image.new("P", (8, 8)), Image.new("LA", (8, 8), (50, 100)), Image.new("I;16", (8, 8))):
        fmt = "JPEG" if im.mode in ("CMYK", "L") else "PNG"
        img = image.load(_save(im, fmt))
        assert (img.width, img.height, len(img.data)) == (8, 8, 256)
    cmyk = image.load(_save(Image.new("CMYK", (8, 8), (0, 255, 255, 0)), "JPEG"))
    assert cmyk.data[0] > 200 and cmyk.data[1] < 60  # red


def test_load_errors(tmp_path):
    txt = tmp_path / "notes.jpg"
    txt.write_text("hello, I am not a picture")
    with pytest.raises(image.ImageError, match="notes.jpg” could not be read as an image") as e:
        image.load(txt)
    sentence(e)
    with pytest.raises(image.ImageError, match="^The file could not be read as an image") as e:
        image.load(io.BytesIO(b"GIF89a truncated"))
    sentence(e)
    corrupt = tmp_path / "broken.png"
    noise = Image.frombytes("RGB", (64, 64), np.random.default_rng(0).integers(0, 256, 64 * 64 * 3, dtype=np.uint8).tobytes())
    whole = _save(noise, "PNG").getvalue()
    corrupt.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(image.ImageError) as e:
        image.load(corrupt)
    sentence(e)
    with pytest.raises(image.ImageError, match="There is no such file as “.*missing.png”.") as e:
        image.load(tmp_path / "missing.png")
    sentence(e)
    with pytest.raises(image.ImageError, match="is a folder, not an image") as e:
        image.load(tmp_path)
    sentence(e)


def test_huge_image_file_is_refused_before_it_is_decoded():
    """Between 1x and 2x Pillow's limit Pillow only warns; decoding 144 megapixels would take
    gigabytes. The header alone must be enough to refuse."""
    import struct
    import time
    import zlib

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    co = zlib.compressobj(9)
    idat = b"".join(co.compress(b"\0" * (12000 * 3 + 1)) for _ in range(200)) + co.flush()  # rows cut short
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 12000, 12000, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
    t0 = time.perf_counter()
    with pytest.warns(Image.DecompressionBombWarning), pytest.raises(image.ImageError) as e:
        image.load(io.BytesIO(png))
    assert str(e.value) == ("The image has 144 megapixels, more than the 120 megapixels legoremix can work with. "
                            "Make it smaller first.")
    assert time.perf_counter() - t0 < 1


def test_huge_image_is_refused_with_a_clear_message():
    with pytest.raises(image.ImageError, match="The image has 200 megapixels, more than the 120 megapixels") as e:
        image.RGBA(20000, 10000, b"")
    sentence(e)
