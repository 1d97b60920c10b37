"""What legoremix needs to know about an ONNX model file, read without the ``onnx`` package
(so it runs in the browser too): the graph's inputs and outputs (names, element types,
shapes) and the per-channel affine transform the graph applies to its input first.

An ONNX file is a Protocol Buffers message (``ModelProto`` of ``onnx/onnx.proto``); this
reader decodes the wire format (varints and length-delimited fields, per the Protocol
Buffers encoding spec) for the few fields it uses and skips everything else, so a
100 MB model is walked without copying its weights.

Field numbers used (onnx.proto, IR version 3 and later):
ModelProto.graph 7; GraphProto.node 1, initializer 5, input 11, output 12;
NodeProto.input 1, output 2, op_type 4, attribute 5; AttributeProto.name 1, t 5;
TensorProto.dims 1, data_type 2, float_data 4, name 8, raw_data 9, double_data 10;
ValueInfoProto.name 1, type 2; TypeProto.tensor_type 1; TypeProto.Tensor.elem_type 1,
shape 2; TensorShapeProto.dim 1; Dimension.dim_value 1, dim_param 2.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

#: TensorProto.DataType names of the element types a message may mention.
ELEM_TYPES = {1: "float32", 2: "uint8", 3: "int8", 6: "int32", 7: "int64", 10: "float16", 11: "float64"}


class OnnxError(ValueError):
    """The file is not an ONNX model this reader understands (the message says so)."""


@dataclass(frozen=True)
class Tensor:
    """A graph input or output: its name, element type and shape (None for a dimension
    without a fixed size, such as a batch size named "N")."""

    name: str
    dtype: str
    shape: tuple


@dataclass(frozen=True)
class Graph:
    inputs: tuple  # of Tensor (initialisers listed as inputs by old exporters left out)
    outputs: tuple
    #: (scale, offset) per input channel when the graph starts with elementwise Sub/Div/
    #: Mul/Add by constants (x -> x * scale + offset), else None
    input_affine: tuple | None


def _varint(buf, pos):
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise OnnxError("The model file ends in the middle of a record.")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7
        if shift > 70:
            raise OnnxError("The model file holds a damaged number.")


def fields(buf):
    """``(field number, wire type, value)`` of one message: ints for varints and fixed
    fields, memoryview slices for length-delimited ones."""
    buf = memoryview(buf)
    pos, end = 0, len(buf)
    while pos < end:
        key, pos = _varint(buf, pos)
        num, wt = key >> 3, key & 7
        if wt == 0:
            val, pos = _varint(buf, pos)
        elif wt == 1:
            val, pos = int.from_bytes(buf[pos:pos + 8], "little"), pos + 8
        elif wt == 2:
            n, pos = _varint(buf, pos)
            if pos + n > end:
                raise OnnxError("The model file ends in the middle of a record.")
            val, pos = buf[pos:pos + n], pos + n
        elif wt == 5:
            val, pos = int.from_bytes(buf[pos:pos + 4], "little"), pos + 4
        else:
            raise OnnxError("The file is not an ONNX model (it holds records of an unknown kind).")
        yield num, wt, val


def _text(v) -> str:
    return bytes(v).decode("utf-8", "replace")


def _int64(v) -> int:
    return v - (1 << 64) if v >= 1 << 63 else v


def _tensor_type(buf):
    dtype, shape = "unknown", None
    for num, _, v in fields(buf):
        if num == 1:  # TypeProto.tensor_type
            dims = []
            for n2, _, v2 in fields(v):
                if n2 == 1:
                    dtype = ELEM_TYPES.get(v2, f"type {v2}")
                elif n2 == 2:
                    for n3, _, v3 in fields(v2):
                        if n3 == 1:  # Dimension
                            size = None
                            for n4, _, v4 in fields(v3):
                                if n4 == 1:
                                    size = _int64(v4)
                            dims.append(size if size and size > 0 else None)
                    shape = tuple(dims)
    return dtype, shape


def _value_info(buf) -> Tensor:
    name, dtype, shape = "", "unknown", None
    for num, _, v in fields(buf):
        if num == 1:
            name = _text(v)
        elif num == 2:
            dtype, shape = _tensor_type(v)
    return Tensor(name, dtype, shape if shape is not None else ())


def _tensor_values(buf):
    """(name, values as floats) of a float32/float64 TensorProto; values None otherwise."""
    name, dtype, raw, floats, external = "", 1, None, [], False
    for num, wt, v in fields(buf):
        if num == 8:
            name = _text(v)
        elif num == 2:
            dtype = v
        elif num == 9:
            raw = v
        elif num == 4:
            if wt == 2:
                floats.extend(struct.unpack(f"<{len(v) // 4}f", v))
            else:
                floats.append(struct.unpack("<f", v.to_bytes(4, "little"))[0])
        elif num == 14 and v == 1:
            external = True
    if external:
        return name, None
    if raw is not None:
        if dtype == 1 and len(raw) <= 4096:
            return name, list(struct.unpack(f"<{len(raw) // 4}f", raw))
        if dtype == 11 and len(raw) <= 8192:
            return name, list(struct.unpack(f"<{len(raw) // 8}d", raw))
        return name, None
    return name, floats if dtype == 1 else None


def _tensor_name(buf) -> str:
    for num, _, v in fields(buf):
        if num == 8:
            return _text(v)
    return ""


def read(data) -> Graph:
    """The inputs, outputs and leading input transform of the ONNX model in ``data``."""
    buf = memoryview(data)
    graph = None
    try:
        for num, wt, v in fields(buf):
            if num == 7 and wt == 2:
                graph = v
    except OnnxError:
        raise
    except (IndexError, ValueError, struct.error):
        graph = None
    if graph is None:
        raise OnnxError("The file is not an ONNX model: it has no graph.")
    nodes, inits, inputs, outputs = [], {}, [], []
    try:
        for num, wt, v in fields(graph):
            if wt != 2:
                continue
            if num == 1:
                nodes.append(v)
            elif num == 5:
                inits[_tensor_name(v)] = v
            elif num == 11:
                inputs.append(_value_info(v))
            elif num == 12:
                outputs.append(_value_info(v))
    except (IndexError, ValueError, struct.error) as e:
        if isinstance(e, OnnxError):
            raise
        raise OnnxError("The model file is damaged: its graph could not be read.") from None
    inputs = tuple(t for t in inputs if t.name not in inits)
    affine = _input_affine(inputs[0].name, [_node(n) for n in nodes], inits) if len(inputs) == 1 else None
    return Graph(inputs, tuple(outputs), affine)


def _node(buf):
    ins, outs, op, consts = [], [], "", {}
    for num, _, v in fields(buf):
        if num == 1:
            ins.append(_text(v))
        elif num == 2:
            outs.append(_text(v))
        elif num == 4:
            op = _text(v)
        elif num == 5:
            aname, tensor = "", None
            for n2, _, v2 in fields(v):
                if n2 == 1:
                    aname = _text(v2)
                elif n2 == 5:
                    tensor = v2
            if aname == "value" and tensor is not None:
                consts["value"] = tensor
    return op, ins, outs, consts


def _input_affine(name, nodes, inits):
    """Follow the input through leading Sub/Div/Mul/Add nodes whose other operand is a
    constant with 1 or 3 values (per channel), composing ``x * scale + offset``."""
    constants = {}
    for op, _, outs, consts in nodes:
        if op == "Constant" and "value" in consts and outs:
            constants[outs[0]] = consts["value"]

    def value(n):
        buf = inits.get(n) if n in inits else constants.get(n)
        if buf is None:
            return None
        vals = _tensor_values(buf)[1]
        return vals if vals is not None and len(vals) in (1, 3) else None

    scale, offset = [1.0] * 3, [0.0] * 3
    seen = False
    cur = name
    for _ in range(6):
        users = [n for n in nodes if cur in n[1] and n[0] != "Constant"]
        if len(users) != 1:
            break
        op, ins, outs, _ = users[0]
        if op in ("Identity", "Cast") and len(ins) == 1:
            cur = outs[0]
            continue
        if op not in ("Sub", "Div", "Mul", "Add") or len(ins) != 2 or ins[0] != cur:
            break
        c = value(ins[1])
        if c is None:
            break
        c = c * 3 if len(c) == 1 else c
        for k in range(3):
            if op == "Sub":
                offset[k] -= c[k]
            elif op == "Add":
                offset[k] += c[k]
            elif op == "Mul":
                scale[k] *= c[k]
                offset[k] *= c[k]
            elif c[k] == 0:
                return None
            else:
                scale[k] /= c[k]
                offset[k] /= c[k]
        seen = True
        cur = outs[0]
    return (tuple(scale), tuple(offset)) if seen else None
