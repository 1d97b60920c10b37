"""Tiny ONNX models with the signatures of the supported depth models (written with the
``onnx`` package), for the depth tests: no real weights can be downloaded here.

Each model computes ``out = sum_c K[c] * x_c`` per pixel (a 1x1 convolution with a
different weight per channel, so a swapped channel order changes the result), after an
optional ImageNet ``Sub``/``Div`` at the start of the graph like the official MiDaS export.
"""
from __future__ import annotations

MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]
K = [0.7, -0.2, 0.4]


def model_bytes(side=256, normalise_inside=True, input_name="0", output_name="797", dynamic=False,
                channels=3, constants_as_nodes=False, output_rank=3) -> bytes:
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    dims = ["batch_size", channels, "height", "width"] if dynamic else [1, channels, side, side]
    x = helper.make_tensor_value_info(input_name, TensorProto.FLOAT, dims)
    out_dims = (["batch_size", "height", "width"] if dynamic else [1, side, side]) if output_rank == 3 \
        else [1, 1, side, side]
    y = helper.make_tensor_value_info(output_name, TensorProto.FLOAT, out_dims)
    nodes, inits = [], []
    cur = input_name
    if normalise_inside:
        mean = numpy_helper.from_array(np.array(MEAN, np.float32).reshape(1, 3, 1, 1), "mean")
        std = numpy_helper.from_array(np.array(STD, np.float32).reshape(1, 3, 1, 1), "std")
        if constants_as_nodes:
            nodes += [helper.make_node("Constant", [], ["mean"], value=mean),
                      helper.make_node("Constant", [], ["std"], value=std)]
        else:
            inits += [mean, std]
        nodes += [helper.make_node("Sub", [cur, "mean"], ["centred"]),
                  helper.make_node("Div", ["centred", "std"], ["normalised"])]
        cur = "normalised"
    inits.append(numpy_helper.from_array(np.array(K[:channels] + [0.1] * (channels - 3), np.float32)
                                         .reshape(1, channels, 1, 1), "k"))
    nodes.append(helper.make_node("Conv", [cur, "k"], ["conv"]))
    if output_rank == 3:  # 1 x 1 x H x W -> 1 x H x W
        inits.append(numpy_helper.from_array(np.array([1], np.int64), "axes"))
        nodes.append(helper.make_node("Squeeze", ["conv", "axes"], [output_name]))
    else:
        nodes.append(helper.make_node("Identity", ["conv"], [output_name]))
    graph = helper.make_graph(nodes, "tiny-depth", [x], [y], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="legoremix-tests")
    model.ir_version = 8  # onnxruntime-web 1.30 and onnxruntime 1.32 both read IR 8
    onnx.checker.check_model(model)
    return model.SerializeToString()


def expected(rgb, normalise=True):
    """The tiny model's output for a photo of one colour ``rgb`` (0-255), fed as legoremix
    feeds MiDaS: RGB / 255, then ImageNet mean/std (inside the graph or outside)."""
    v = [c / 255 for c in rgb]
    if normalise:
        v = [(c - m) / s for c, m, s in zip(v, MEAN, STD)]
    return sum(k * c for k, c in zip(K, v))


def motorcycle():
    """A real depth map: the Middlebury 2014 "Motorcycle" ground-truth disparity (inverse
    depth, near = large; Scharstein et al., GCPR 2014) with its left photo, both shipped in
    the scikit-image wheel. Unknown (occluded) pixels take the farther of their nearest known
    neighbours in the row. Returns ``(RGBA photo, DepthMap)``."""
    import os

    import numpy as np
    import skimage.data

    from legoremix import depth, image

    folder = os.path.dirname(skimage.data.__file__)
    d = np.load(os.path.join(folder, "motorcycle_disp.npz"))["arr_0"].astype(np.float64)
    for row in d:
        bad = ~np.isfinite(row)
        if bad.any():
            idx = np.arange(len(row))
            prev = np.maximum.accumulate(np.where(bad, -1, idx))
            nxt = np.minimum.accumulate(np.where(bad, len(row), idx)[::-1])[::-1]
            lv = np.where(prev >= 0, row[np.clip(prev, 0, None)], np.inf)
            rv = np.where(nxt < len(row), row[np.clip(nxt, None, len(row) - 1)], np.inf)
            row[bad] = np.minimum(lv, rv)[bad]
    photo = image.load(os.path.join(folder, "motorcycle_left.png"))
    dm = depth.DepthMap(d.shape[1], d.shape[0], tuple(d.reshape(-1).tolist()))
    return photo, dm


def depth_png(path, dm):
    """Save a depth map as a grey 8-bit PNG (brighter = nearer), as a person would upload."""
    import numpy as np
    from PIL import Image
    a = np.asarray(dm.values, dtype=np.float64).reshape(dm.height, dm.width)
    a = (a - a.min()) / (a.max() - a.min()) * 255
    Image.fromarray(np.round(a).astype(np.uint8), "L").save(path)
    return path
