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


def test_bad_sizes_and_crops():
    for bad in ("0x4", "48", "axb", "600x10"):
        with pytest.raises(ValueError, match="bad size"):
            image.parse_size(bad)
    assert image.parse_size("96X48") == (96, 48)
    with pytest.raises(ValueError, match="outside"):
        image.downscale(rgba(10, 10), (2, 2), crop=(5, 5, 10, 10))
    with pytest.raises(image.ImageError):
        image.RGBA(2, 2, b"123")


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
    with pytest.raises(image.ImageError, match="cannot read"):
        image.load(txt)
    corrupt = tmp_path / "broken.png"
    noise = Image.frombytes("RGB", (64, 64), np.random.default_rng(0).integers(0, 256, 64 * 64 * 3, dtype=np.uint8).tobytes())
    whole = _save(noise, "PNG").getvalue()
    corrupt.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(image.ImageError):
        image.load(corrupt)
    with pytest.raises(image.ImageError, match="no such file"):
        image.load(tmp_path / "missing.png")


def test_huge_image_is_refused_with_a_clear_message():
    with pytest.raises(image.ImageError, match="megapixels"):
        image.RGBA(20000, 10000, b"")
