"""Depth from a photo: which model a file holds, the tensor it is fed, its output as a
depth map, the depth of every stud, and the levels of the relief.

Supported models (both give relative *inverse* depth: near = large):

- **MiDaS v2.1 small** (Ranftl et al., "Towards Robust Monocular Depth Estimation",
  TPAMI 2020), ``model-small.onnx``: input 1x3x256x256 float32 RGB, output 1x256x256.
  Fed as the official ``tf/run_onnx.py`` does: RGB scaled to [0, 1], stretched to
  256x256 with bicubic interpolation (OpenCV ``INTER_CUBIC``). The official export
  (``tf/make_onnx_model.py``) starts the graph with the ImageNet mean/std ``Sub``/``Div``,
  so that script does not normalise; a graph without them gets mean/std applied here.
- **Depth Anything V2 Small** (Yang et al. 2024, Apache-2.0): input 1x3x518x518 (or
  dynamic height/width, then 518x518), ImageNet mean/std applied outside the model,
  bicubic resize.

The model is recognised by its input signature (:func:`recognise`); input and output names
come from the session. :func:`preprocess` is the one preprocessing code for the browser
(onnxruntime-web, through ``legoremix.browser``) and the CLI (``onnxruntime``,
:func:`estimate`); its numpy and pure-Python paths do the same floating-point operations in
the same order, so they give identical tensors.

A depth map (model output or a grey image, brighter = nearer) covers the whole photo; each
stud takes the area average of the part under it (:func:`stud_depth`, with the mosaic's
crop), normalised by the 2nd and 98th percentiles inside the crop (robust to a few extreme
values, unlike the maximum), then cut into levels by thresholds (:func:`heights`).
"""
from __future__ import annotations

import math
from array import array
from dataclasses import dataclass

from . import _array, onnxfile
from .image import RGBA

#: ImageNet statistics (torchvision), used by both models' training.
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
#: Keys' cubic convolution parameter as in OpenCV's INTER_CUBIC (Keys 1981 uses -0.5).
CUBIC_A = -0.75
#: Percentiles that map to 0 and 1 when normalising depth.
LOW_PCT, HIGH_PCT = 2.0, 98.0
#: Levels of the relief: 0 = on the baseplate ... levels-1 = raised on levels-1 plates.
MIN_LEVELS, MAX_LEVELS, DEFAULT_LEVELS = 2, 4, 3
#: Longest side kept of an uploaded depth map image (finer than any mosaic needs).
MAX_MAP_SIDE = 512


class DepthError(ValueError):
    """A depth model or depth map that cannot be used (the message is for a person)."""


@dataclass(frozen=True)
class Model:
    """How to run one recognised model file."""

    kind: str  # "midas-small" | "depth-anything-v2-small"
    label: str
    input: str
    output: str
    width: int
    height: int
    normalize: bool  # apply ImageNet mean/std before the model (the graph does not)

    def to_dict(self):
        return dict(self.__dict__)


@dataclass(frozen=True)
class DepthMap:
    """Relative inverse depth (near = large) over the whole photo, ``values`` row by row."""

    width: int
    height: int
    values: tuple


def _dims(shape) -> str:
    return " x ".join("?" if d is None else str(d) for d in shape) if shape else "no shape"


KNOWN = ("MiDaS v2.1 small takes one 1 x 3 x 256 x 256 float32 picture and Depth Anything V2 Small "
         "one 1 x 3 x 518 x 518 float32 picture")


def recognise(inputs, outputs, input_affine=None) -> Model:
    """The :class:`Model` for a graph's inputs and outputs (:class:`onnxfile.Tensor`, or
    anything with ``name``, ``dtype``, ``shape``); ``input_affine`` is the graph's own
    leading transform (:attr:`onnxfile.Graph.input_affine`). Raises :class:`DepthError`
    saying what the file takes when it is no depth model legoremix knows."""
    if len(inputs) != 1:
        raise DepthError(f"This model takes {len(inputs)} inputs, so it is not a depth model legoremix knows: "
                         f"{KNOWN}.")
    x = inputs[0]
    shape = tuple(x.shape)
    ok = len(shape) == 4 and shape[0] in (1, None) and shape[1] == 3 and x.dtype == "float32"
    side = shape[2] if ok and shape[2] == shape[3] else None
    dynamic = ok and shape[2] is None and shape[3] is None
    if not ok or not (side in (256, 518) or dynamic):
        raise DepthError(f"This model takes a {_dims(shape)} {x.dtype} input, so it is not a depth model "
                         f"legoremix knows: {KNOWN}.")
    if not outputs:
        raise DepthError("This model has no output, so it cannot give a depth map.")
    y = outputs[0]
    out = tuple(y.shape)
    spatial = out[-2:] if len(out) in (3, 4) else None
    if spatial is None or (len(out) == 4 and out[1] not in (1, None)) or \
            any(s is not None and s != (side or 518) for s in spatial):
        raise DepthError(f"This model gives a {_dims(out)} output, but a depth model gives one depth per "
                         f"input pixel (1 x {side or 518} x {side or 518}).")
    inside = input_affine is not None and _is_imagenet(input_affine)
    if side == 256:
        return Model("midas-small", "MiDaS v2.1 small", x.name, y.name, 256, 256, not inside)
    return Model("depth-anything-v2-small", "Depth Anything V2 Small", x.name, y.name, 518, 518, not inside)


def _is_imagenet(affine) -> bool:
    """Whether ``x * scale + offset`` per channel is ImageNet's ``(x - mean) / std``."""
    scale, offset = affine
    return all(math.isclose(s, 1 / d, rel_tol=1e-3) and math.isclose(o, -m / d, rel_tol=1e-3, abs_tol=1e-6)
               for s, o, m, d in zip(scale, offset, MEAN, STD))


def inspect(data) -> Model:
    """The :class:`Model` held in ONNX file bytes (names as the graph declares them)."""
    try:
        g = onnxfile.read(data)
    except onnxfile.OnnxError as e:
        raise DepthError(f"{e} Choose a depth model file (.onnx) such as MiDaS v2.1 small.") from None
    return recognise(g.inputs, g.outputs, g.input_affine)


# -- preprocessing ------------------------------------------------------------------------

def cubic_taps(src: int, dst: int):
    """For each output position, the 4 source indices and weights of bicubic resampling
    from ``src`` to ``dst`` samples (OpenCV INTER_CUBIC: centres aligned, a = -0.75,
    indices clamped at the border)."""
    a = CUBIC_A
    scale = src / dst
    taps = []
    for i in range(dst):
        f = (i + 0.5) * scale - 0.5
        s = math.floor(f)
        t = f - s
        w0 = ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a
        w1 = ((a + 2) * t - (a + 3)) * t * t + 1
        w2 = ((a + 2) * (1 - t) - (a + 3)) * (1 - t) * (1 - t) + 1
        w3 = 1 - w0 - w1 - w2
        idx = tuple(min(max(s + k, 0), src - 1) for k in (-1, 0, 1, 2))
        taps.append(idx + (w0, w1, w2, w3))
    return taps


def _rgb_rows(img: RGBA, rows, background):
    """Per needed source row: three lists of 0-255 channel values (alpha composited onto
    ``background`` with integer rounding)."""
    stride = img.width * 4
    data = img.data
    out = {}
    for r in rows:
        line = data[r * stride:(r + 1) * stride]
        if min(line[3::4]) == 255:
            out[r] = (line[0::4], line[1::4], line[2::4])
        else:
            alpha = line[3::4]
            out[r] = tuple(bytes((c * a + bg * (255 - a) + 127) // 255 for c, a in zip(line[k::4], alpha))
                           for k, bg in enumerate(background))
    return out


def preprocess(img: RGBA, model: Model, background=(255, 255, 255)) -> array:
    """The model's input tensor (``array('f')``, 3 x H x W, RGB planes) for a photo:
    bicubic stretch of the whole photo, scaled to [0, 1], ImageNet mean/std if the model
    wants it outside. Horizontal pass first, then vertical (as OpenCV)."""
    W, H = model.width, model.height
    xt = cubic_taps(img.width, W)
    yt = cubic_taps(img.height, H)
    rows = sorted({t[k] for t in yt for k in range(4)})
    src = _rgb_rows(img, rows, background)
    mean, std = (MEAN, STD) if model.normalize else ((0.0,) * 3, (1.0,) * 3)
    np = _array.np()
    out = array("f")
    if np is not None:
        ix = [np.asarray([t[k] for t in xt]) for k in range(4)]
        wx = [np.asarray([t[4 + k] for t in xt]) for k in range(4)]
        pos = {r: i for i, r in enumerate(rows)}
        iy = [np.asarray([pos[t[k]] for t in yt]) for k in range(4)]
        wy = [np.asarray([t[4 + k] for t in yt])[:, None] for k in range(4)]
        for c in range(3):
            plane = np.stack([np.frombuffer(bytes(src[r][c]), dtype=np.uint8) for r in rows]).astype(np.float64)
            acc = wx[0] * plane[:, ix[0]]
            for k in (1, 2, 3):
                acc = acc + wx[k] * plane[:, ix[k]]
            v = wy[0] * acc[iy[0]]
            for k in (1, 2, 3):
                v = v + wy[k] * acc[iy[k]]
            v = (v / 255.0 - mean[c]) / std[c]
            out.frombytes(v.astype(np.float32).tobytes())
        return out
    for c in range(3):
        horiz = {}
        for r in rows:
            line = src[r][c]
            horiz[r] = [w0 * line[i0] + w1 * line[i1] + w2 * line[i2] + w3 * line[i3]
                        for i0, i1, i2, i3, w0, w1, w2, w3 in xt]
        m, s = mean[c], std[c]
        for i0, i1, i2, i3, w0, w1, w2, w3 in yt:
            r0, r1, r2, r3 = horiz[i0], horiz[i1], horiz[i2], horiz[i3]
            out.extend([((w0 * a + w1 * b + w2 * d + w3 * e) / 255.0 - m) / s for a, b, d, e in zip(r0, r1, r2, r3)])
    return out


def postprocess(values, model: Model) -> DepthMap:
    """The model's output (H*W floats, any leading 1-sized dimensions) as a :class:`DepthMap`."""
    vals = tuple(float(v) for v in values)
    if len(vals) != model.width * model.height:
        raise DepthError(f"The depth model gave {len(vals)} values instead of {model.width} x {model.height}.")
    if not all(math.isfinite(v) for v in vals):
        raise DepthError("The depth model gave values that are not numbers; the model file may be damaged.")
    return DepthMap(model.width, model.height, vals)


def from_image(img: RGBA) -> DepthMap:
    """A depth map from a grey picture (brighter = nearer, as MiDaS and Depth Anything
    outputs are usually saved); colour pictures count by the mean of R, G and B. Pictures
    larger than :data:`MAX_MAP_SIDE` are reduced first (box average)."""
    data = img.data
    n = img.width * img.height
    grey = [(r + g + b) / 3 for r, g, b in zip(data[0::4], data[1::4], data[2::4])]
    dm = DepthMap(img.width, img.height, tuple(grey))
    side = max(img.width, img.height)
    if side > MAX_MAP_SIDE:
        w = max(1, round(img.width * MAX_MAP_SIDE / side))
        h = max(1, round(img.height * MAX_MAP_SIDE / side))
        dm = DepthMap(w, h, tuple(_box(dm, (0, 0, img.width, img.height), w, h)))
    if n and max(dm.values) == min(dm.values):
        raise DepthError("The depth map is one flat grey, so it holds no depth. Choose a depth map where "
                         "nearer things are brighter.")
    return dm


#: Aspect ratios further apart than this (relative) make :func:`shape_note` speak up.
SHAPE_TOLERANCE = 0.03


def shape_note(dm: DepthMap, photo_size) -> str | None:
    """A sentence when a depth map picture has another shape than the photo (it is then
    stretched over the photo, so its heights may not line up with what they belong to), else
    None. Maps a model made from the photo always fit."""
    pw, ph = photo_size
    if not (dm.width and dm.height and pw and ph):
        return None
    ratio = (dm.width / dm.height) / (pw / ph)
    if abs(ratio - 1) <= SHAPE_TOLERANCE:
        return None
    def shape(w, h):
        return "square" if abs(w / h - 1) <= SHAPE_TOLERANCE else "wide" if w > h else "tall"
    a, b = shape(dm.width, dm.height), shape(pw, ph)
    what = f"a {a} picture for a {b} photo" if a != b else "another shape than the photo"
    # sides as a ratio: both pictures may have been reduced on the way (the page decodes a copy)
    return (f"This depth map is {what} (width / height {dm.width / dm.height:.2f} against {pw / ph:.2f}): it is "
            "stretched over the photo, so the raised parts may not line up with the picture. A depth map made from "
            "this photo fits.")


def load_map(path) -> DepthMap:
    """A depth map picture from a file (Pillow; reduced to :data:`MAX_MAP_SIDE` with a box
    filter first, as the browser does when it decodes one)."""
    from . import image as image_mod
    img = image_mod.load(path)
    side = max(img.width, img.height)
    if side > MAX_MAP_SIDE:
        from PIL import Image
        w = max(1, round(img.width * MAX_MAP_SIDE / side))
        h = max(1, round(img.height * MAX_MAP_SIDE / side))
        im = Image.frombytes("RGBA", (img.width, img.height), img.data).resize((w, h), Image.BOX)
        img = RGBA(w, h, im.tobytes())
    return from_image(img)


def load(path, img: RGBA, background=(255, 255, 255)) -> DepthMap:
    """The depth map for photo ``img`` from ``path``: an ONNX depth model (run natively)
    or a depth map picture."""
    if str(path).lower().endswith(".onnx"):
        return estimate(img, path, background)[0]
    return load_map(path)


def estimate(img: RGBA, model_path, background=(255, 255, 255)) -> tuple:
    """Run a depth model natively with the ``onnxruntime`` package (the CLI's path):
    ``(DepthMap, Model)``."""
    try:
        import onnxruntime as ort
    except ImportError:
        raise DepthError("Running a depth model needs the onnxruntime package: pip install "
                         "'legoremix[depth]'. Or give a depth map picture instead.") from None
    with open(model_path, "rb") as f:
        data = f.read()
    spec = inspect(data)
    sess = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
    spec = with_names(spec, [i.name for i in sess.get_inputs()], [o.name for o in sess.get_outputs()])
    x = preprocess(img, spec, background)
    np = __import__("numpy")
    feed = np.frombuffer(x.tobytes(), dtype=np.float32).reshape(1, 3, spec.height, spec.width)
    y = sess.run([spec.output], {spec.input: feed})[0]
    return postprocess(y.reshape(-1).tolist(), spec), spec


def with_names(model: Model, inputs, outputs) -> Model:
    """``model`` with the input/output names a session reports (they must include the
    graph's own)."""
    if not inputs or not outputs:
        raise DepthError("The depth model session has no input or no output.")
    from dataclasses import replace
    return replace(model, input=model.input if model.input in inputs else inputs[0],
                   output=model.output if model.output in outputs else outputs[0])


# -- depth of each stud, levels -------------------------------------------------------------

def _axis_weights(a0: float, a1: float, n: int):
    """Source samples 0..n-1 overlapping [a0, a1) and the length of each overlap."""
    out = []
    i = max(0, int(math.floor(a0)))
    while i < n and i < a1:
        w = min(a1, i + 1) - max(a0, i)
        if w > 0:
            out.append((i, w))
        i += 1
    return out or [(min(n - 1, max(0, int(a0))), 1.0)]


def _box(dm: DepthMap, box, w: int, h: int):
    """Area average of ``dm`` over ``w x h`` equal cells of ``box`` (x0, y0, x1, y1) in
    its own pixel coordinates."""
    x0, y0, x1, y1 = box
    cols = [_axis_weights(x0 + (x1 - x0) * i / w, x0 + (x1 - x0) * (i + 1) / w, dm.width) for i in range(w)]
    rows = [_axis_weights(y0 + (y1 - y0) * j / h, y0 + (y1 - y0) * (j + 1) / h, dm.height) for j in range(h)]
    vals = dm.values
    W = dm.width
    out = []
    for rw in rows:
        for cw in cols:
            total = area = 0.0
            for py, wy in rw:
                base = py * W
                s = 0.0
                a = 0.0
                for px, wx in cw:
                    s += wx * vals[base + px]
                    a += wx
                total += wy * s
                area += wy * a
            out.append(total / area)
    return out


def percentile(sorted_vals, p: float) -> float:
    """Linear interpolation between order statistics (numpy's default method)."""
    n = len(sorted_vals)
    k = (n - 1) * p / 100
    lo = int(math.floor(k))
    hi = min(lo + 1, n - 1)
    return sorted_vals[lo] + (sorted_vals[hi] - sorted_vals[lo]) * (k - lo)


def normalise(vals) -> list:
    """Values mapped so the 2nd percentile is 0 and the 98th is 1, clamped to [0, 1];
    all zeros when they are (nearly) flat."""
    s = sorted(vals)
    lo, hi = percentile(s, LOW_PCT), percentile(s, HIGH_PCT)
    if not hi - lo > 1e-9 * max(1.0, abs(hi), abs(lo)):
        return [0.0] * len(vals)
    span = hi - lo
    return [min(1.0, max(0.0, (v - lo) / span)) for v in vals]


def stud_depth(dm: DepthMap, photo_size, crop, size) -> list:
    """Normalised depth (0 = farthest, 1 = nearest) of each stud, rows top to bottom:
    the map is stretched over the photo (``photo_size``), each stud averages the part of it
    under its share of ``crop`` (x, y, w, h in photo pixels), as the mosaic's colours do."""
    W, H = photo_size
    cx, cy, cw, ch = crop
    sx, sy = dm.width / W, dm.height / H
    w, h = size
    flat = normalise(_box(dm, (cx * sx, cy * sy, (cx + cw) * sx, (cy + ch) * sy), w, h))
    return [flat[y * w:(y + 1) * w] for y in range(h)]


def default_thresholds(levels: int) -> tuple:
    """Evenly spaced: 3 levels -> (1/3, 2/3)."""
    return tuple(round(k / levels, 4) for k in range(1, levels))


def check_levels(levels, thresholds) -> tuple:
    """The thresholds to use for ``levels`` (defaults when None), or a DepthError."""
    if not (isinstance(levels, int) and MIN_LEVELS <= levels <= MAX_LEVELS):
        raise DepthError(f"The relief must have {MIN_LEVELS} to {MAX_LEVELS} levels.")
    if thresholds is None:
        return default_thresholds(levels)
    t = tuple(float(v) for v in thresholds)
    if len(t) != levels - 1:
        raise DepthError(f"A relief of {levels} levels needs {levels - 1} thresholds, not {len(t)}.")
    if not all(0 < v < 1 for v in t) or any(a >= b for a, b in zip(t, t[1:])):
        raise DepthError("The thresholds must lie between 0 and 1 and rise from one to the next.")
    return t


def heights(depth_rows, levels: int, thresholds=None, raised=()) -> list:
    """Plates under each stud: how many thresholds its depth reaches (nearer = higher),
    then the person's own choices ``raised`` ((x, y, height) with 0 <= height < levels;
    studs outside the grid ignored)."""
    t = check_levels(levels, thresholds)
    out = [[sum(1 for v in t if d >= v) for d in row] for row in depth_rows]
    h = len(out)
    for x, y, n in raised:
        if 0 <= y < h and 0 <= x < len(out[y]):
            out[y][x] = max(0, min(levels - 1, int(n)))
    return out
