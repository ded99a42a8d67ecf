"""ONNX front end: an ONNX file → the importer's graph, with the onnx package only.

Shapes come from ``onnx.shape_inference`` (with data propagation, so reshapes built from shape
arithmetic resolve); no torch and no onnxruntime. Module paths are read from the node names the
exporters write (``/layer1/layer1.0/conv1/Conv`` → ``layer1.0.conv1``). Weights are read from
each node's own inputs, so exporters that share equal initializers between layers do not
change a count. Export from torch with ``do_constant_folding=False`` to keep batch norms as
batch norms (folding merges them into the convs' weights and biases).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from complexity.errors import MbcalcError
from complexity.importers.graph import INPUT, Graph, Op, UnsupportedOp

_ACTS = {"Relu": "relu", "HardSwish": "hswish", "Sigmoid": "sigmoid", "Softmax": "softmax",
         "Gelu": "gelu", "Tanh": "tanh", "LeakyRelu": "leaky_relu", "Elu": "elu"}
_ANY_LAYOUT = frozenset({"act", "add", "mul", "layernorm", "linear", "scale", "dropout"})
"""Ops that mean the same on a channels-last tensor (after a Transpose) as on channels-first."""
_SHAPE_OPS = {"Shape", "Constant", "ConstantOfShape", "Size"}
"""Ops whose outputs are shapes or constants, never the data path."""


def _load(source: Any) -> Any:
    try:
        import onnx
    except ModuleNotFoundError:
        raise MbcalcError("--onnx needs the onnx package: pip install 'mbcalc[import]'") from None
    if isinstance(source, onnx.ModelProto):
        return onnx.ModelProto.FromString(source.SerializeToString())
    path = Path(source)
    if not path.is_file():
        raise MbcalcError(f"{path}: no such file")
    try:
        return onnx.load(str(path))
    except Exception as exc:  # noqa: BLE001 - not an ONNX file: one line
        raise MbcalcError(f"{path}: not an ONNX model ({type(exc).__name__})") from None


def _inferred(model: Any, input: tuple[int, int, int] | None) -> tuple[Any, str, tuple[int, ...]]:
    """The model with shapes inferred (input resized to ``input`` if given), its input's name
    and its input shape without the batch."""

    graph = model.graph
    initializers = {i.name for i in graph.initializer}
    inputs = [i for i in graph.input if i.name not in initializers]
    if len(inputs) != 1:
        raise MbcalcError(f"the ONNX graph has {len(inputs)} inputs; import takes one image")
    dims = inputs[0].type.tensor_type.shape.dim
    if len(dims) != 4:
        raise MbcalcError(f"the ONNX input has {len(dims)} dimensions; expected N×C×H×W")
    if input is not None:
        for dim, value in zip(dims, (1, *input), strict=True):
            dim.ClearField("dim_param")
            dim.dim_value = value
    elif dims[0].dim_value != 1:
        dims[0].ClearField("dim_param")
        dims[0].dim_value = 1
    shape = tuple(d.dim_value for d in dims[1:])
    if not all(shape):
        raise MbcalcError("the ONNX input's size is not fixed: give it with --input 3x224x224")
    del graph.value_info[:]  # the exporter's shapes are those of its own input size
    for output in graph.output:
        output.type.tensor_type.ClearField("shape")
    inferred = _infer(model)
    for _ in range(4):  # shape arithmetic (x.size(1) // 2 …) folded, shapes inferred again
        if not _fold(inferred):
            break
        inferred = _infer(inferred)
    _check_reshapes(inferred)
    return inferred, inputs[0].name, shape


def _check_reshapes(model: Any) -> None:
    """A reshape whose output holds a different number of elements than its input: the file
    was written for one input size (the exporter froze a shape), and this is another."""
    import math

    known = {}
    for info in [*model.graph.value_info, *model.graph.input, *model.graph.output]:
        dims = info.type.tensor_type.shape.dim
        if dims and all(d.HasField("dim_value") for d in dims):
            known[info.name] = math.prod(d.dim_value for d in dims)
    for node in model.graph.node:
        if node.op_type == "Reshape" and node.input[0] in known and node.output[0] in known \
                and known[node.input[0]] != known[node.output[0]]:
            raise MbcalcError(f"this ONNX file is fixed to the input size it was exported at: "
                              f"node {node.name!r} reshapes to a fixed shape; export it at the "
                              f"size you want")


def _infer(model: Any) -> Any:
    import onnx

    try:
        return onnx.shape_inference.infer_shapes(model, strict_mode=True, data_prop=True)
    except Exception as exc:  # noqa: BLE001 - the file's shapes do not work out
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise MbcalcError(f"onnx shape inference failed: {first[:300]}") from None


_FOLDABLE = {"Constant", "Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Div", "Mul", "Add",
             "Sub", "Cast", "Slice", "Identity"}


def _fold(model: Any) -> bool:
    """Evaluate the shape arithmetic of the graph (Shape of a tensor whose shape is inferred,
    and the integer ops on it) with numpy, and put the results in as initializers where a
    data op reads them (a Slice's bounds, a Reshape's shape). True if anything changed."""
    import numpy as np
    import onnx

    graph = model.graph
    shapes = {}
    for info in [*graph.value_info, *graph.input, *graph.output]:
        dims = info.type.tensor_type.shape.dim
        if dims and all(d.HasField("dim_value") for d in dims):
            shapes[info.name] = [d.dim_value for d in dims]
    values: dict[str, Any] = {i.name: onnx.numpy_helper.to_array(i) for i in graph.initializer}
    initial = set(values)

    def attr(node: Any, key: str, default: Any = None) -> Any:
        for a in node.attribute:
            if a.name == key:
                return onnx.helper.get_attribute_value(a)
        return default

    for node in graph.node:
        args = [values.get(v) if v else None for v in node.input]
        if node.op_type not in _FOLDABLE or (node.op_type != "Shape" and any(
                a is None for a, v in zip(args, node.input, strict=True) if v)):
            continue
        try:
            out = _evaluate(node, args, shapes, attr, np)
        except Exception:  # noqa: BLE001 - not foldable: left to shape inference
            continue
        if out is not None:
            values[node.output[0]] = out
    changed = False
    for node in graph.node:
        if node.op_type in _FOLDABLE and node.op_type != "Slice":
            continue
        if node.op_type == "Slice" and node.input[0] in values:
            continue
        for i, name in enumerate(node.input):
            if i == 0 or not name or name in initial or name not in values:
                continue
            const = f"mbcalc_folded_{len(graph.initializer)}"
            graph.initializer.append(onnx.numpy_helper.from_array(
                np.asarray(values[name]), const))
            initial.add(const)
            node.input[i] = const
            changed = True
    return changed


def _evaluate(node: Any, args: list[Any], shapes: dict[str, list[int]], attr: Any,
              np: Any) -> Any:
    op = node.op_type
    if op == "Constant":
        import onnx

        return onnx.numpy_helper.to_array(attr(node, "value"))
    if op == "Shape":
        return np.array(shapes[node.input[0]], dtype=np.int64)
    if op == "Identity":
        return args[0]
    if op == "Gather":
        return np.take(args[0], args[1], axis=attr(node, "axis", 0))
    if op in ("Unsqueeze", "Squeeze"):
        axes = args[1] if len(args) > 1 and args[1] is not None else attr(node, "axes")
        if op == "Unsqueeze":
            out = args[0]
            for axis in sorted(int(a) for a in axes):
                out = np.expand_dims(out, axis)
            return out
        return np.squeeze(args[0], axis=tuple(int(a) for a in axes)) if axes is not None \
            else np.squeeze(args[0])
    if op == "Concat":
        return np.concatenate([np.atleast_1d(a) for a in args], axis=attr(node, "axis", 0))
    if op == "Div":
        a, b = args
        return a // b if np.issubdtype(np.asarray(a).dtype, np.integer) else a / b
    if op in ("Mul", "Add", "Sub"):
        return {"Mul": np.multiply, "Add": np.add, "Sub": np.subtract}[op](*args)
    if op == "Cast":
        import onnx

        return np.asarray(args[0]).astype(onnx.helper.tensor_dtype_to_np_dtype(attr(node, "to")))
    if op == "Slice":
        data, starts, ends = args[:3]
        axes = args[3] if len(args) > 3 and args[3] is not None else range(len(starts))
        steps = args[4] if len(args) > 4 and args[4] is not None else [1] * len(starts)
        index = [slice(None)] * np.ndim(data)
        for a, s, e, st in zip(axes, starts, ends, steps, strict=False):
            index[int(a)] = slice(int(s), int(e), int(st))
        return np.asarray(data)[tuple(index)]
    return None


class _Reader:
    def __init__(self, model: Any, input_name: str, opaque: bool) -> None:
        import onnx

        self.graph = model.graph
        self.opaque = opaque
        self.shapes: dict[str, tuple[int, ...] | None] = {}
        for info in [*self.graph.value_info, *self.graph.output, *self.graph.input]:
            dims = info.type.tensor_type.shape.dim
            self.shapes[info.name] = tuple(d.dim_value if d.HasField("dim_value") else 0
                                           for d in dims)
        self.init = {i.name: onnx.numpy_helper.to_array(i) for i in self.graph.initializer}
        self.constants: dict[str, Any] = dict(self.init)
        self.alias: dict[str, str] = {input_name: INPUT}
        self.ops: dict[str, Op] = {}
        self.slices: dict[str, str] = {}
        self.last: set[str] = set()
        """Values that are channels-last (N, H, W, C): transposed for a per-pixel MLP."""
        self.consumers: dict[str, int] = {}
        for node in self.graph.node:
            if node.op_type == "Identity" and node.input[0] in self.init:
                self.init[node.output[0]] = self.init[node.input[0]]  # a shared initializer
            if node.op_type == "Transpose" and node.input[0] in self.init:  # a Linear's weight
                perm = self.attr(node, "perm")
                self.init[node.output[0]] = self.init[node.input[0]].transpose(perm)
            if node.op_type == "Constant":
                for attr in node.attribute:
                    if attr.name == "value":
                        self.constants[node.output[0]] = onnx.numpy_helper.to_array(attr.t)
            if node.op_type == "Unsqueeze" and node.input[0] in self.init:  # a norm's γ, β
                axes = self.constants.get(node.input[1]) if len(node.input) > 1 else self.attr(
                    node, "axes")
                if axes is not None:
                    import numpy as np

                    self.init[node.output[0]] = np.expand_dims(
                        self.init[node.input[0]], tuple(int(a) for a in np.ravel(axes)))
            for value in node.input:
                self.consumers[value] = self.consumers.get(value, 0) + 1
        self.count = 0

    def shape(self, value: str, node: Any) -> tuple[int, ...]:
        """A value's shape without the batch, as (C, H, W) also where it is channels-last."""
        shape = self.shapes.get(value)
        if shape is None or (shape and 0 in shape):
            raise MbcalcError(f"onnx shape inference gave no shape for {value!r} "
                              f"(node {node.name or node.op_type!r})")
        if value in self.last and len(shape) == 4:
            return (shape[3], shape[1], shape[2])
        return shape[1:]

    def param_shape(self, value: str, node: Any) -> tuple[int, ...]:
        if value in self.init:
            return tuple(self.init[value].shape)
        shape = self.shapes.get(value)
        if shape is None:
            raise MbcalcError(f"no shape for the weight {value!r} of node {node.name!r}")
        return shape

    def read(self) -> None:
        import onnx

        for node in self.graph.node:
            data = [v for v in node.input if v in self.alias]
            if node.op_type == "Constant":
                for attr in node.attribute:
                    if attr.name == "value":
                        self.constants[node.output[0]] = onnx.numpy_helper.to_array(attr.t)
                continue
            if not data or node.op_type in _SHAPE_OPS:
                continue
            self.node(node, data)

    def _name(self, node: Any) -> str:
        self.count += 1
        return node.name or f"{node.op_type}_{self.count}"

    def node(self, node: Any, data: list[str]) -> None:
        last = [v in self.last for v in data]
        if node.op_type == "Transpose" and len(data) == 1 and len(self.shapes.get(
                data[0]) or ()) == 4:
            perm = list(self.attr(node, "perm", []))
            if perm == ([0, 3, 1, 2] if last[0] else [0, 2, 3, 1]):
                if not last[0]:
                    self.last.add(node.output[0])
                self.alias[node.output[0]] = self.alias[data[0]]
                return
        if any(last):
            if not all(last):
                raise UnsupportedOp(node.op_type, node.name, _module(node.name),
                                    "mixes channels-first and channels-last tensors")
            self.last.update(node.output)
        kind, attrs = _translate(self, node, data)
        if any(last) and kind not in _ANY_LAYOUT and kind != "alias":
            raise UnsupportedOp(node.op_type, node.name, _module(node.name),
                                f"a {kind} on a channels-last (transposed) tensor")
        if any(last) and kind != "alias":
            attrs = {**attrs, "layout": "channels_last"}
        name = self._name(node)
        if kind == "alias":
            self.alias[node.output[0]] = self.alias[attrs.get("to", data[0])]
            if attrs.get("close") is not None:
                self.ops[self.alias[data[0]]].shape = attrs["close"]
            return
        module = _module(node.name)
        if kind == "split":
            op = Op(name, "split", [self.alias[data[0]]], (), module, node.op_type,
                    {"parts": len(node.output),
                     "even": len({self.shape(o, node)[0] for o in node.output}) == 1})
            self.ops[name] = op
            for index, output in enumerate(node.output):
                part = Op(f"{name}:{index}", "getitem", [name], self.shape(output, node), module,
                          "getitem", {"index": index})
                self.ops[part.name] = part
                self.alias[output] = part.name
            return
        if kind == "slice":
            self._slice(node, name, module, data[0], attrs)
            return
        inputs = [self.alias[v] for v in data]
        shape = self.shape(node.output[0], node)
        if kind == "opaque":
            attrs = {**attrs, **_opaque_cost(self, node, shape)}
        self.ops[name] = Op(name, kind, inputs, shape, module, node.op_type, attrs)
        self.alias[node.output[0]] = name

    def _slice(self, node: Any, name: str, module: str, source: str,
               attrs: dict[str, Any]) -> None:
        """A slice of the channels: a part of a split of ``source`` (parts settled in
        ``settle_slices`` once every slice is read)."""
        value = self.alias[source]
        split = self.slices.get(value)
        if split is None:
            split = f"{name}:split"
            channels = self.shape(source, node)[0]
            self.ops[split] = Op(split, "split", [value], (), module, "Slice",
                                 {"parts": 0, "even": False, "channels": channels})
            self.slices[value] = split
        part = Op(name, "getitem", [split], self.shape(node.output[0], node), module, "Slice",
                  {"index": -1, **attrs})
        self.ops[name] = part
        self.alias[node.output[0]] = name

    def settle_slices(self) -> None:
        """Number the parts of each channel split made of slices; an even split only where the
        slices tile the channels."""
        for split in self.slices.values():
            parts = sorted((op for op in self.ops.values()
                            if op.kind == "getitem" and op.inputs == [split]),
                           key=lambda op: op.attrs["start"])
            spans = [(p.attrs["start"], p.attrs["end"]) for p in parts]
            tiles = (spans[0][0] == 0 and spans[-1][1] == self.ops[split].attrs["channels"]
                     and all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False)))
            for index, part in enumerate(parts):
                part.attrs["index"] = index
            sizes = {e - s for s, e in spans}
            self.ops[split].attrs.update(parts=len(parts), even=tiles and len(sizes) == 1)

    def attr(self, node: Any, key: str, default: Any = None) -> Any:
        import onnx

        for a in node.attribute:
            if a.name == key:
                value = onnx.helper.get_attribute_value(a)
                return value.decode() if isinstance(value, bytes) else value
        return default

    def const(self, value: str) -> Any:
        return self.constants.get(value)


def _module(name: str) -> str:
    """``/layer1/layer1.0/conv1/Conv`` → ``layer1.0.conv1``; ``/4/branch1/branch1.0/Conv`` →
    ``4.branch1.0`` (each scope names its module relative to the one above, and a Sequential's
    child repeats its parent's name)."""
    if not name.startswith("/"):
        return ""
    parts: list[str] = []
    for comp in name.strip("/").split("/")[:-1]:
        head = comp.split(".")[0]
        if parts and "." in comp and parts[-1].split(".")[-1] == head:
            parts[-1] = parts[-1].rpartition(".")[0] + ("." if "." in parts[-1] else "") + comp
        else:
            parts.append(comp)
    return ".".join(parts)


def _pads(reader: _Reader, node: Any, kernel: list[int]) -> Any:
    auto = reader.attr(node, "auto_pad", "NOTSET")
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        return "same"
    if auto == "VALID":
        return 0
    pads = list(reader.attr(node, "pads", [0] * 2 * len(kernel)))
    half = len(pads) // 2
    if pads[:half] != pads[half:]:
        raise UnsupportedOp(node.op_type, node.name, _module(node.name),
                            f"asymmetric padding {pads}")
    return tuple(pads[:half])


def _translate(r: _Reader, node: Any, data: list[str]) -> tuple[str, dict[str, Any]]:
    op = node.op_type
    x = r.shape(data[0], node) if data[0] != INPUT else None
    if op == "Conv" and node.input[0] == data[0] and len(data) == 1:
        w = r.param_shape(node.input[1], node)
        kernel = list(w[2:])
        if len(kernel) != 2:
            return "opaque", {"why": f"a {len(kernel)}-d convolution"}
        return "conv", {"kernel": tuple(kernel), "stride": tuple(r.attr(node, "strides", [1, 1])),
                        "padding": _pads(r, node, kernel),
                        "dilation": tuple(r.attr(node, "dilations", [1, 1])),
                        "groups": r.attr(node, "group", 1),
                        "bias": len(node.input) > 2 and bool(node.input[2])}
    if op == "BatchNormalization" and len(data) == 1:
        return "bn", {}
    if op in _ACTS and len(data) == 1:
        if op == "Softmax" and len(r.shapes.get(node.output[0]) or ()) != 2:
            return "opaque", {"why": "softmax over a feature map"}
        return "act", {"fn": _ACTS[op]}
    if op == "Clip" and len(data) == 1:
        lo = r.const(node.input[1]) if len(node.input) > 1 and node.input[1] else r.attr(
            node, "min")
        hi = r.const(node.input[2]) if len(node.input) > 2 and node.input[2] else r.attr(
            node, "max")
        if lo is not None and hi is not None and float(lo) == 0.0 and float(hi) == 6.0:
            return "act", {"fn": "relu6"}
        return "opaque", {"why": f"clip to [{lo}, {hi}]"}
    if op == "HardSigmoid" and len(data) == 1:
        alpha, beta = r.attr(node, "alpha", 0.2), r.attr(node, "beta", 0.5)
        if abs(alpha - 1 / 6) < 1e-6 and abs(beta - 0.5) < 1e-6:
            return "act", {"fn": "hsigmoid"}
        return "opaque", {"why": f"hard sigmoid with alpha={alpha}, beta={beta}"}
    if op in ("MaxPool", "AveragePool") and len(data) == 1:
        kernel = list(r.attr(node, "kernel_shape"))
        attrs = {"kernel": tuple(kernel), "stride": tuple(r.attr(node, "strides", kernel)),
                 "padding": _pads(r, node, kernel),
                 "ceil_mode": bool(r.attr(node, "ceil_mode", 0))}
        if op == "MaxPool":
            attrs["dilation"] = tuple(r.attr(node, "dilations", [1, 1]))
        return ("maxpool" if op == "MaxPool" else "avgpool"), attrs
    if op in ("GlobalAveragePool", "GlobalMaxPool"):
        return "global_pool", {"op": "avg" if "Average" in op else "max"}
    if op == "ReduceMean" and x is not None and len(x) == 3:
        axes = r.attr(node, "axes") or (list(r.const(node.input[1]))
                                        if len(node.input) > 1 else None)
        if axes is not None and sorted(int(a) % 4 for a in axes) == [2, 3]:
            return "global_pool", {}
    if op == "Flatten" and r.attr(node, "axis", 1) == 1:
        return "flatten", {}
    if op in ("Reshape", "Transpose", "Squeeze", "Unsqueeze"):
        return _reshape(r, node, data)
    if op == "Gemm" and len(data) == 1 and node.input[0] == data[0]:
        if r.attr(node, "transA", 0) or abs(r.attr(node, "alpha", 1.0) - 1) > 0:
            return "opaque", {"why": "Gemm with transA or alpha ≠ 1"}
        return "linear", {"bias": len(node.input) > 2 and bool(node.input[2])}
    if op == "MatMul" and len(data) == 1 and node.input[0] == data[0] and len(
            r.param_shape(node.input[1], node)) == 2 and x is not None and (
            len(x) == 1 or data[0] in r.last):
        return "linear", {"bias": False}
    if op == "LayerNormalization" and len(data) == 1 and node.input[0] == data[0]:
        channels = x[0] if x is not None else 0
        scale = r.init.get(node.input[1]) if len(node.input) > 1 else None
        bias = r.init.get(node.input[2]) if len(node.input) > 2 and node.input[2] else None
        if data[0] not in r.last or r.attr(node, "axis", -1) not in (-1, 3):
            return "opaque", {"why": "a layer norm over an axis other than the channels"}
        if scale is None or bias is None or scale.shape != (channels,) or bias.shape != (
                channels,):
            return "opaque", {"why": "a layer norm without a learnt scale and bias per channel"}
        return "layernorm", {"affine": True}
    if op in ("Add", "Mul"):
        if len(data) == 2 and len(node.input) == 2:
            gate = _swish(r, data) if op == "Mul" else None
            if gate is not None:
                return "alias", {"to": gate}
            return op.lower(), {}
        source = r.ops.get(r.alias[data[0]])
        other = [v for v in node.input if v != data[0]]
        last = data[0] in r.last
        if (op == "Add" and source is not None and source.source == "MatMul"
                and not source.attrs.get("bias") and len(other) == 1 and other[0] in r.init
                and tuple(r.init[other[0]].shape) == (
                    source.shape[:1] if last else source.shape)):
            source.attrs["bias"] = True  # MatMul + Add: a linear layer with its bias
            return "alias", {}
        per_channel = len(other) == 1 and other[0] in r.init and x is not None and len(
            x) == 3 and tuple(r.init[other[0]].shape) in ((x[0], 1, 1), (1, x[0], 1, 1))
        if per_channel and source is not None and source.kind == "groupnorm" and not last and (
                r.consumers.get(data[0], 0) == 1):  # GroupNorm's γ, then β, as exported
            step = "gamma" if op == "Mul" else "beta"
            if step not in source.attrs and (step == "gamma" or "gamma" in source.attrs):
                source.attrs[step] = True
                source.attrs["affine"] = "beta" in source.attrs
                return "alias", {}
        if op == "Mul" and len(other) == 1 and other[0] in r.init and x is not None and len(
                x) == 3 and tuple(r.init[other[0]].shape) in (
                    ((x[0],), (1, 1, 1, x[0])) if last else ((x[0], 1, 1), (1, x[0], 1, 1))):
            return "scale", {"scale": True}  # layer scale: a learnt multiplier per channel
        return "opaque", {"why": f"{op} with a constant"}
    if op == "Concat":
        axis = r.attr(node, "axis", 0)
        if axis in (1, -3) and len(data) == len(node.input):
            return "cat", {}
        return "opaque", {"why": f"concatenation along axis {axis}"}
    if op == "Split" and r.attr(node, "axis", 0) in (1, -3) and len(data) == 1:
        return "split", {}
    if op == "Slice" and len(data) == 1 and node.input[0] == data[0] and x is not None:
        bounds = [r.const(v) if v else None for v in list(node.input[1:]) + [""] * 4][:4]
        starts, ends, axes, steps = bounds
        if starts is not None and ends is not None and len(starts) == 1 and (
                axes is None or int(axes[0]) in (1, -3)) and (steps is None or int(steps[0]) == 1):
            start, end = int(starts[0]), min(int(ends[0]), x[0])
            if 0 <= start < end:
                return "slice", {"start": start, "end": end}
    if op == "InstanceNormalization" and len(data) == 1 and node.input[0] == data[0]:
        source = r.ops.get(r.alias[data[0]])
        scale, bias = (r.constants.get(v) for v in node.input[1:3])
        if source is not None and source.kind == "group_open" and scale is not None and (
                bias is not None) and (scale == 1).all() and (bias == 0).all():
            return "alias", {}  # GroupNorm as exported: its γ and β follow as Mul and Add
    if op == "Dropout":
        ratio = r.const(node.input[1]) if len(node.input) > 1 and node.input[1] else r.attr(
            node, "ratio", 0.5)
        return "dropout", {"p": float(ratio if ratio is not None else 0.5)}
    if op == "Identity":
        return "alias", {}
    return "opaque", {"why": ""}


def _swish(r: _Reader, data: list[str]) -> str | None:
    """x · sigmoid(x), the sigmoid used only here: the sigmoid op becomes SiLU (swish), and
    its value is returned."""
    for a, b in (data, data[::-1]):
        gate = r.ops.get(r.alias[b])
        if gate is not None and gate.kind == "act" and gate.attrs.get("fn") == "sigmoid" and (
                gate.inputs == [r.alias[a]]) and r.consumers.get(b, 0) == 1 and r.alias[b] == (
                gate.name):
            gate.attrs["fn"] = "swish"
            return b
    return None


def _reshape(r: _Reader, node: Any, data: list[str]) -> tuple[str, dict[str, Any]]:
    x = r.shape(data[0], node)
    y = r.shape(node.output[0], node)
    source = r.ops.get(r.alias[data[0]])
    open_shuffle = source is not None and source.kind == "shuffle" and "open" in source.attrs
    if node.op_type == "Transpose" and open_shuffle and list(
            r.attr(node, "perm", [])) == [0, 2, 1, 3, 4]:
        source.attrs["transposed"] = True  # type: ignore[union-attr]
        return "alias", {}
    if node.op_type == "Reshape" and len(x) == 3 and len(y) == 2 and x[0] % y[0] == 0 and (
            y[0] * y[1] == x[0] * x[1] * x[2]) and r.consumers.get(node.output[0], 0) == 1:
        return "group_open", {"groups": y[0], "channels": x}
    if node.op_type == "Reshape" and source is not None and source.kind == "group_open" and (
            y == source.attrs["channels"]):
        source.kind = "groupnorm"
        source.attrs = {"groups": source.attrs["groups"], "affine": False}
        return "alias", {"close": y}
    if node.op_type == "Reshape" or node.op_type in ("Squeeze", "Unsqueeze"):
        if len(x) == 3 and len(y) == 1:
            return "flatten", {}
        if len(x) == 3 and len(y) == 4 and y[0] * y[1] == x[0] and y[2:] == x[1:]:
            return "shuffle", {"groups": y[0], "open": True}
        if len(x) == 4 and len(y) == 3 and open_shuffle and "transposed" in source.attrs:  # type: ignore[union-attr]
            source.attrs.pop("open")  # type: ignore[union-attr]
            return "alias", {"close": y}
        if x == y:
            return "alias", {}
    return "opaque", {"why": f"a reshape from {x} to {y}"}


def _opaque_cost(r: _Reader, node: Any, shape: tuple[int, ...]) -> dict[str, int]:
    """An unsupported op's weights (its initializer inputs) and, for MatMul, its MAdds."""
    import math

    params = sum(int(r.init[v].size) for v in node.input if v in r.init)
    madds = 0
    if node.op_type == "MatMul" and len(node.input) > 1 and node.input[1] in r.init:
        k = r.init[node.input[1]].shape[0]
        madds = k * math.prod(shape)
    return {"params": params, "madds": madds}


def read(source: Any, input: tuple[int, int, int] | None = None,
         opaque: bool = False) -> Graph:
    """The importer's graph of an ONNX file (or ``onnx.ModelProto``)."""
    model = _load(source)
    inferred, input_name, shape = _inferred(model, input)
    if len(shape) != 3 or shape[1] != shape[2]:
        raise MbcalcError(f"the ONNX input is {shape}; import takes a square C×H×W image")
    reader = _Reader(inferred, input_name, opaque)
    reader.read()
    reader.settle_slices()
    for op in reader.ops.values():
        if op.kind == "group_open" or (op.kind == "groupnorm" and "gamma" in op.attrs
                                       and not op.attrs["affine"]):
            raise UnsupportedOp(op.source, op.name, op.module,
                                "a reshape to groups that is not a group norm with γ and β")
        if op.kind == "shuffle" and "open" in op.attrs:
            raise UnsupportedOp(op.source, op.name, op.module,
                                "a reshape that is not a channel shuffle")
    outputs = [o.name for o in inferred.graph.output if o.name in reader.alias]
    if len(outputs) != 1:
        raise MbcalcError(f"the ONNX graph has {len(outputs)} outputs; import takes one")
    producer = inferred.producer_name or "an unknown producer"
    label = source.name if isinstance(source, Path) else (
        Path(source).name if isinstance(source, str) else "a model in memory")
    stem = Path(label).stem if label != "a model in memory" else "imported"
    graph = Graph(reader.ops, reader.alias[outputs[0]], shape,  # type: ignore[arg-type]
                  f"ONNX: {label} (written by {producer})", name=_identifier(stem))
    return graph


def _identifier(text: str) -> str:
    cleaned = "".join(c if c.isalnum() or c == "_" else "_" for c in text).strip("_")
    return cleaned or "imported"


def counts(source: Any, size: int) -> dict[str, int]:
    """The ONNX file's own numbers at input ``size``: params (conv, Gemm and MatMul weights and
    biases, batch-norm and layer-norm scale and bias, layer scales, as torch counts them), conv,
    Gemm and MatMul weights (paper), and their multiply-adds from the inferred output
    shapes."""
    import math

    model = _load(source)
    c = model.graph.input[0].type.tensor_type.shape.dim[1].dim_value or 3
    inferred, input_name, _ = _inferred(model, (c, size, size))
    reader = _Reader(inferred, input_name, False)
    torch_params = paper = madds = 0
    for node in inferred.graph.node:
        if node.op_type in ("Conv", "Gemm"):
            w = math.prod(reader.param_shape(node.input[1], node))
            b = (math.prod(reader.param_shape(node.input[2], node))
                 if len(node.input) > 2 and node.input[2] else 0)
            torch_params += w + b
            paper += w
            out = reader.shapes.get(node.output[0]) or ()
            madds += w * (math.prod(out[2:]) if node.op_type == "Conv" else 1)
        elif node.op_type == "MatMul" and node.input[1] in reader.init:
            w = int(reader.init[node.input[1]].size)
            torch_params += w
            paper += w
            out = reader.shapes.get(node.output[0]) or ()
            madds += w * math.prod(out[1:-1])  # once per position of a channels-last map
        elif node.op_type == "LayerNormalization":
            torch_params += sum(int(reader.init[v].size) for v in node.input[1:3]
                                if v in reader.init)
        elif node.op_type == "Mul" and any(
                v in reader.init and reader.init[v].size > 1 for v in node.input):
            torch_params += sum(int(reader.init[v].size) for v in node.input
                                if v in reader.init)  # layer scale
        elif node.op_type == "Add" and any(
                v in reader.init and reader.init[v].size > 1
                and reader.init[v].size == max(reader.init[v].shape) for v in node.input):
            torch_params += sum(int(reader.init[v].size) for v in node.input if v in reader.init)
        elif node.op_type == "BatchNormalization":
            torch_params += sum(math.prod(reader.param_shape(v, node)) for v in node.input[1:3])
    return {"params (torch)": torch_params, "params (paper)": paper, "MAdds": madds}
