"""Depth: model recognition, preprocessing against hand-computed tensors, the native
onnxruntime path on tiny generated models, depth per stud and levels."""
import math
import struct

import pytest

import depth_models
from legoremix import _array, depth, onnxfile
from legoremix.image import RGBA


def rgba(w, h, pixels):
    """An RGBA image from a list of (r, g, b[, a]) rows top to bottom."""
    data = bytearray()
    for p in pixels:
        data += bytes(p if len(p) == 4 else (*p, 255))
    return RGBA(w, h, bytes(data))


def tiny(w, h, normalize):
    return depth.Model("midas-small", "test", "x", "y", w, h, normalize)


# -- preprocessing ---------------------------------------------------------------------------

def test_cubic_weights_by_hand():
    # 4 -> 2 samples: output 0 sits at source 0.5 (t = 0.5), between samples 0 and 1;
    # with a = -0.75 the weights are a/8, 1/2 - 3a/8 ... = -0.09375, 0.59375, 0.59375, -0.09375
    taps = depth.cubic_taps(4, 2)
    assert taps[0][:4] == (0, 0, 1, 2)  # index -1 is clamped to 0 (border replicated)
    assert taps[0][4:] == pytest.approx((-0.09375, 0.59375, 0.59375, -0.09375), abs=1e-15)
    assert taps[1][:4] == (1, 2, 3, 3)
    # same size: the identity (weights 0, 1, 0, 0)
    assert [t[4:] for t in depth.cubic_taps(3, 3)] == [(0.0, 1.0, 0.0, 0.0)] * 3


@pytest.mark.parametrize("backend", ["numpy", "pure"])
def test_preprocess_by_hand(backend):
    # a 4 x 1 photo stretched to 2 x 1: out0 = 0.5 p0 + 0.59375 p1 - 0.09375 p2,
    # out1 = -0.09375 p1 + 0.59375 p2 + 0.5 p3 (see the weights above), then / 255
    img = rgba(4, 1, [(0, 10, 255), (255, 20, 0), (51, 30, 255), (102, 40, 0)])
    with _array.force(backend):
        plain = depth.preprocess(img, tiny(2, 1, normalize=False))
        normed = depth.preprocess(img, tiny(2, 1, normalize=True))
    r0 = (0.59375 * 255 - 0.09375 * 51) / 255  # = 146.625 / 255 = 0.575
    r1 = (-0.09375 * 255 + 0.59375 * 51 + 0.5 * 102) / 255
    g0 = (0.5 * 10 + 0.59375 * 20 - 0.09375 * 30) / 255
    g1 = (-0.09375 * 20 + 0.59375 * 30 + 0.5 * 40) / 255
    b0 = (0.5 * 255 + 0 - 0.09375 * 255) / 255
    b1 = (0 + 0.59375 * 255 + 0) / 255
    want = [r0, r1, g0, g1, b0, b1]  # planes R, G, B (NCHW), RGB order
    assert r0 == pytest.approx(0.575)
    assert list(plain) == pytest.approx(want, abs=1e-6)
    means = [0.485] * 2 + [0.456] * 2 + [0.406] * 2
    stds = [0.229] * 2 + [0.224] * 2 + [0.225] * 2
    assert list(normed) == pytest.approx([(v - m) / s for v, m, s in zip(want, means, stds)], abs=1e-5)
    assert plain.typecode == "f"


def test_preprocess_transparent_pixels_take_the_background():
    img = rgba(1, 1, [(200, 100, 0, 0)])
    out = depth.preprocess(img, tiny(1, 1, normalize=False), background=(255, 255, 255))
    assert list(out) == pytest.approx([1.0, 1.0, 1.0])
    half = depth.preprocess(rgba(1, 1, [(0, 0, 0, 128)]), tiny(1, 1, normalize=False), background=(255, 0, 255))
    assert list(half) == pytest.approx([127 / 255, 0.0, 127 / 255])


def test_preprocess_numpy_equals_pure(photos):
    """Both engine paths give the identical tensor (bit for bit), on real photos."""
    for name in ("astronaut.png", "rocket.jpg"):
        img = photos[name]
        for model in (tiny(256, 256, True), tiny(518, 518, True)):
            with _array.force("numpy"):
                a = depth.preprocess(img, model)
            with _array.force("pure"):
                b = depth.preprocess(img, model)
            assert a.tobytes() == b.tobytes()
            assert len(a) == 3 * model.width * model.height


# -- recognising model files -------------------------------------------------------------------

def test_midas_signature_with_its_own_normalisation():
    """The official MiDaS export starts with Sub(mean)/Div(std): no normalisation outside."""
    for as_nodes in (False, True):
        m = depth.inspect(depth_models.model_bytes(constants_as_nodes=as_nodes))
        assert (m.kind, m.input, m.output, m.width, m.height, m.normalize) == \
            ("midas-small", "0", "797", 256, 256, False)


def test_midas_signature_without_normalisation_gets_it_outside():
    m = depth.inspect(depth_models.model_bytes(normalise_inside=False, input_name="input", output_name="depth"))
    assert (m.kind, m.input, m.output, m.normalize) == ("midas-small", "input", "depth", True)
    assert depth.inspect(depth_models.model_bytes(output_rank=4)).kind == "midas-small"


def test_depth_anything_signature():
    for dynamic in (True, False):
        m = depth.inspect(depth_models.model_bytes(side=518, dynamic=dynamic, normalise_inside=False,
                                                   input_name="pixel_values", output_name="predicted_depth"))
        assert (m.kind, m.width, m.height, m.normalize, m.input) == \
            ("depth-anything-v2-small", 518, 518, True, "pixel_values")


def test_wrong_signature_gets_a_clear_message():
    with pytest.raises(depth.DepthError, match=r"takes a 1 x 4 x 256 x 256 float32 input.*MiDaS v2.1 small "
                                               r"takes one 1 x 3 x 256 x 256"):
        depth.inspect(depth_models.model_bytes(channels=4))
    with pytest.raises(depth.DepthError, match="1 x 3 x 224 x 224"):
        depth.inspect(depth_models.model_bytes(side=224))
    with pytest.raises(depth.DepthError, match="not an ONNX model"):
        depth.inspect(b"\x89PNG\r\n\x1a\n" + bytes(100))
    with pytest.raises(depth.DepthError, match="not an ONNX model"):
        depth.inspect(b"")


def test_reader_skips_initialisers_listed_as_inputs():
    """Old exporters (the 2020 MiDaS export, opset 9) list every weight as a graph input."""
    import onnx
    m = onnx.load_from_string(depth_models.model_bytes())
    for init in m.graph.initializer:
        m.graph.input.append(onnx.helper.make_tensor_value_info(init.name, init.data_type, list(init.dims)))
    g = onnxfile.read(m.SerializeToString())
    assert [t.name for t in g.inputs] == ["0"]
    assert g.input_affine is not None


# -- the native path (onnxruntime), same preprocessing ------------------------------------------

@pytest.mark.parametrize("inside", [True, False])
def test_native_run_matches_the_model_by_hand(tmp_path, inside):
    """A one-colour photo: every output value is K . ((rgb/255 - mean) / std), whether the
    graph normalises (MiDaS export) or legoremix does; so no double normalisation."""
    pytest.importorskip("onnxruntime")
    path = tmp_path / "model-small.onnx"
    path.write_bytes(depth_models.model_bytes(normalise_inside=inside))
    rgb = (200, 120, 40)
    dm, model = depth.estimate(rgba(3, 2, [rgb] * 6), path)
    assert (dm.width, dm.height, model.normalize) == (256, 256, not inside)
    assert min(dm.values) == pytest.approx(depth_models.expected(rgb), abs=1e-5)
    assert max(dm.values) == pytest.approx(depth_models.expected(rgb), abs=1e-5)


def test_native_run_on_a_photo_is_the_tiny_model_of_the_tensor(tmp_path, photos):
    pytest.importorskip("onnxruntime")
    path = tmp_path / "m.onnx"
    path.write_bytes(depth_models.model_bytes(normalise_inside=False))
    img = photos["chelsea.png"]
    dm, model = depth.estimate(img, path)
    x = depth.preprocess(img, model)
    n = 256 * 256
    want = [sum(depth_models.K[c] * x[c * n + i] for c in range(3)) for i in range(0, n, 997)]
    assert [dm.values[i] for i in range(0, n, 997)] == pytest.approx(want, abs=1e-4)


def test_missing_onnxruntime_is_explained(monkeypatch, tmp_path):
    import builtins
    real = builtins.__import__

    def no_ort(name, *a, **k):
        if name == "onnxruntime":
            raise ImportError(name)
        return real(name, *a, **k)
    monkeypatch.setattr(builtins, "__import__", no_ort)
    with pytest.raises(depth.DepthError, match="onnxruntime"):
        depth.estimate(rgba(1, 1, [(0, 0, 0)]), tmp_path / "x.onnx")


def test_postprocess_refuses_broken_outputs():
    m = tiny(2, 1, True)
    assert depth.postprocess([1.0, 2.0], m).values == (1.0, 2.0)
    with pytest.raises(depth.DepthError, match="2 x 1"):
        depth.postprocess([1.0], m)
    with pytest.raises(depth.DepthError, match="not numbers"):
        depth.postprocess([1.0, math.nan], m)


# -- depth maps, studs, levels ---------------------------------------------------------------

def test_depth_map_picture_is_grey_brighter_nearer():
    dm = depth.from_image(rgba(2, 1, [(0, 0, 0), (30, 60, 90)]))
    assert dm.values == (0.0, 60.0)
    with pytest.raises(depth.DepthError, match="flat grey"):
        depth.from_image(rgba(2, 1, [(9, 9, 9), (9, 9, 9)]))
    big = depth.from_image(RGBA(1024, 512, bytes(range(256)) * 8192))
    assert (big.width, big.height) == (512, 256)


def test_load_map_reduces_large_pictures(tmp_path):
    from PIL import Image
    im = Image.linear_gradient("L").resize((1000, 600)).convert("RGB")
    im.save(tmp_path / "d.png")
    dm = depth.load_map(tmp_path / "d.png")
    assert (dm.width, dm.height) == (512, 307)
    assert dm.values[0] < dm.values[-1]  # the gradient runs from black (top) to white


def test_percentiles_not_the_maximum():
    vals = list(range(100)) + [10_000]  # one outlier must not flatten everything else
    out = depth.normalise(vals)
    assert out[50] == pytest.approx((50 - 2) / (98 - 2), abs=0.01)
    assert out[-1] == 1.0 and out[0] == 0.0
    assert depth.normalise([3.0] * 5) == [0.0] * 5
    assert depth.percentile([0, 10], 50) == 5


def test_stud_depth_follows_the_crop():
    # a 4 x 2 map over an 8 x 4 photo: value = column; crop the right half (x 4..8)
    dm = depth.DepthMap(4, 2, (0.0, 1.0, 2.0, 3.0) * 2)
    full = depth.stud_depth(dm, (8, 4), (0, 0, 8, 4), (4, 1))
    assert full[0] == pytest.approx([0, (1 - 0.06) / 2.88, (2 - 0.06) / 2.88, 1])  # 2nd/98th pct: 0.06, 2.94
    right = depth.stud_depth(dm, (8, 4), (4, 0, 4, 4), (2, 2))
    assert right[0][0] < right[0][1] and right[0] == right[1]
    # a stud covering half of two map pixels averages them by area
    assert depth._box(dm, (0.5, 0, 2.5, 2), 1, 1) == [pytest.approx((0.5 * 0 + 1 + 0.5 * 2) / 2)]


def test_levels_and_thresholds():
    rows = [[0.0, 0.3, 0.34, 0.7, 1.0]]
    assert depth.default_thresholds(3) == (0.3333, 0.6667)
    assert depth.heights(rows, 3) == [[0, 0, 1, 2, 2]]
    assert depth.heights(rows, 2, [0.5]) == [[0, 0, 0, 1, 1]]
    assert depth.heights(rows, 4, [0.1, 0.2, 0.3]) == [[0, 3, 3, 3, 3]]
    # raised/lowered by hand; heights beyond the levels are capped; outside studs ignored
    assert depth.heights(rows, 3, None, [(0, 0, 2), (4, 0, 0), (1, 0, 3), (9, 9, 1)]) == [[2, 2, 1, 2, 0]]
    for bad in ([0.5], [0.6, 0.4], [0.0, 0.5], [0.5, 1.0]):
        with pytest.raises(depth.DepthError):
            depth.heights(rows, 3, bad)
    with pytest.raises(depth.DepthError, match="2 to 4 levels"):
        depth.heights(rows, 5)


def test_float32_tensor_layout_is_what_onnx_reads():
    img = rgba(2, 2, [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)])
    x = depth.preprocess(img, tiny(2, 2, False))
    raw = x.tobytes()
    assert struct.unpack("<12f", raw)[:4] == pytest.approx((1, 0, 0, 1))  # the R plane, row by row
    assert struct.unpack("<12f", raw)[4:8] == pytest.approx((0, 1, 0, 1))  # then G


def test_build_bundles_only_listed_depth_models(tmp_path, monkeypatch):
    import hashlib
    import json
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import build
    known = json.loads(build.MODELS.read_text())["models"]
    assert {m["kind"] for m in known} == {"midas-small", "depth-anything-v2-small"}
    model = tmp_path / "mine.onnx"
    model.write_bytes(depth_models.model_bytes())
    with pytest.raises(SystemExit, match="is not that of a supported depth model"):
        build.bundle_depth_model(tmp_path / "dist", model)
    entry = {"label": "Tiny", "kind": "midas-small", "file": "tiny.onnx", "size": model.stat().st_size,
             "sha256": hashlib.sha256(model.read_bytes()).hexdigest()}
    monkeypatch.setattr(build, "MODELS", tmp_path / "models.json")
    (tmp_path / "models.json").write_text(json.dumps({"models": [entry]}))
    info = build.bundle_depth_model(tmp_path / "dist", model)
    assert info == {"file": "models/tiny.onnx", "label": "Tiny", "sha256": entry["sha256"], "size": entry["size"]}
    assert (tmp_path / "dist" / "models" / "tiny.onnx").read_bytes() == model.read_bytes()
    assert build.bundle_depth_model(tmp_path / "dist", None) is None  # a build without one removes it
    assert not (tmp_path / "dist" / "models").exists()
    with pytest.raises(SystemExit, match="no such file"):
        build.check_depth_model(tmp_path / "absent.onnx", [entry])


def test_a_depth_map_of_another_shape_gets_a_note():
    def dm(w, h):
        return depth.DepthMap(w, h, tuple(range(w * h)))
    assert depth.shape_note(dm(640, 427), (1000, 667)) is None  # the same shape, within 3 %
    assert depth.shape_note(dm(512, 512), (700, 690)) is None
    note = depth.shape_note(dm(427, 640), (1000, 667))
    assert note.startswith("This depth map is a tall picture for a wide photo (width / height 0.67 against 1.50)")
    assert "stretched" in note
    assert "another shape than the photo (width / height 3.00 against 2.00)" in depth.shape_note(dm(600, 200), (800, 400))
    assert "a square picture for a wide photo" in depth.shape_note(dm(100, 100), (800, 400))
