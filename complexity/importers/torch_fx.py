"""PyTorch front end: ``torch.fx.symbolic_trace`` → the importer's graph.

Why torch.fx and not torch.export: fx traced every reference model of the zoo and all 15
torchvision classification models tried; torch.export, tried on three of them (ResNet-50,
ShuffleNet V2, DenseNet-121), captured them too but took 1.8–7 s where fx took 0.04–0.23 s.
fx keeps each call of a leaf module (``Conv2d``, ``BatchNorm2d`` …) as one node whose target
is the module path — the layer names and settings a spec wants — and leaves the user's modules
untouched. torch.export lowers to aten ops (``aten.conv2d``, ``aten.batch_norm``), needs module
paths recovered from metadata, takes seconds per model, and specialises on shapes; it gains
nothing for counting. Shapes come from running the traced graph once
(``torch.fx.Interpreter``) in eval mode: convs and linear layers by their shape rule, without
arithmetic, the rest on zeros; the model's training flags are restored afterwards. No hooks
are registered on the user's modules.
"""

from __future__ import annotations

import operator
from contextlib import nullcontext
from typing import Any

from complexity.errors import MbcalcError
from complexity.importers.graph import INPUT, Graph, Op, UnsupportedOp

_MODULE_ACTS = {
    "ReLU": "relu", "ReLU6": "relu6", "Hardswish": "hswish", "Hardsigmoid": "hsigmoid",
    "Sigmoid": "sigmoid", "SiLU": "swish", "Softmax": "softmax", "GELU": "gelu", "Tanh": "tanh",
    "ELU": "elu",
}
_FUNCTION_ACTS = {
    "relu": "relu", "relu_": "relu", "relu6": "relu6", "hardswish": "hswish",
    "hardsigmoid": "hsigmoid", "sigmoid": "sigmoid", "silu": "swish", "softmax": "softmax",
    "gelu": "gelu", "tanh": "tanh", "elu": "elu", "leaky_relu": "leaky_relu",
}
_ANY_LAYOUT = frozenset({"act", "add", "mul", "layernorm", "linear", "scale", "dropout",
                         "stochastic_depth", "identity"})
"""Ops that mean the same on a channels-last tensor (after a permute) as on channels-first."""
_TO_LAST, _TO_FIRST = [0, 2, 3, 1], [0, 3, 1, 2]


def trace(model: Any, input: tuple[int, int, int], opaque: bool = False) -> Graph:
    """The graph of ``model`` run in eval mode on a zeros input of shape ``input`` (C, H, W)."""
    import torch
    import torch.fx

    if not isinstance(model, torch.nn.Module):
        raise MbcalcError(f"expected a torch.nn.Module, got {type(model).__name__}")
    was_training = [m.training for m in model.modules()]
    model.eval()  # traced as it runs in inference: auxiliary heads and dropout off
    try:
        try:
            traced = torch.fx.symbolic_trace(model)
        except Exception as exc:  # noqa: BLE001 - fx refuses data-dependent control flow etc.
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise MbcalcError(f"torch.fx cannot trace {type(model).__name__}: "
                              f"{type(exc).__name__}: {first}") from None
        builder = _Builder(traced, opaque)
        with torch.no_grad():
            builder.run(torch.zeros(1, *input))
    finally:
        for module, flag in zip(model.modules(), was_training, strict=True):
            module.training = flag
    where = type(model).__module__
    origin = f"torch.fx: {type(model).__name__}" + (
        "" if where.startswith("mbcalc_user_") else f" (module {where})")
    graph = Graph(builder.ops, builder.output, input, origin, name=_snake(type(model).__name__))
    ran = {op.module for op in builder.ops.values()}
    graph.unused = [(path, sum(p.numel() for p in m.parameters()))
                    for path, m in model.named_modules()
                    if path and not any(m.children()) and path not in ran
                    and any(True for _ in m.parameters(recurse=False))]
    return graph


def _snake(name: str) -> str:
    out = "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")
    return out or "imported"


class _Builder:
    """Runs the traced graph node by node, recording each tensor op with its output shape."""

    def __init__(self, traced: Any, opaque: bool) -> None:
        self.traced = traced
        self.opaque = opaque
        self.ops: dict[str, Op] = {}
        self.alias: dict[str, str] = {}
        self.last: set[str] = set()
        """The fx nodes whose value is channels-last (N, H, W, C): permuted for a per-pixel MLP."""
        self.output = ""
        self.input_shape: tuple[int, ...] = ()

    def run(self, x: Any) -> None:
        import torch
        import torch.fx
        from torch.utils.flop_counter import FlopCounterMode

        builder = self

        class Recorder(torch.fx.Interpreter):
            def run_node(self, n: Any) -> Any:
                counting = builder.opaque and n.op in (
                    "call_module", "call_function", "call_method")
                with FlopCounterMode(display=False) if counting else nullcontext() as counter:
                    result = builder.shapes_of(self, n)
                flops = counter.get_total_flops() if counting else 0
                builder.node(n, result, flops)
                return result

        self.input_shape = tuple(int(d) for d in x.shape[1:])
        Recorder(self.traced).run(x)
        for op in self.ops.values():
            if op.kind == "shuffle" and ("open" in op.attrs or "transposed" not in op.attrs):
                raise UnsupportedOp(op.source, op.name, op.module,
                                    "a reshape that is not a channel shuffle")

    def shapes_of(self, interpreter: Any, n: Any) -> Any:
        """The value one node gives, as a tensor of zeros of its shape: convs and linear layers
        by their shape rule (no arithmetic), layers that keep the shape by passing their input
        on, everything else (pools, adds, concats, reshapes) run on the zeros, which is cheap."""
        import torch
        import torch.fx
        import torch.nn as nn

        if n.op == "call_module" and len(n.args) == 1 and not n.kwargs:
            mod = self.traced.get_submodule(n.target)
            if self.keeps_shape(n):
                return interpreter.env[n.args[0]]
            x = interpreter.env.get(n.args[0]) if hasattr(n.args[0], "name") else None
            if isinstance(x, torch.Tensor) and isinstance(mod, nn.Conv2d) and x.dim() == 4 \
                    and mod.padding_mode == "zeros":
                hw = [_conv_size(x.shape[2 + i], mod.kernel_size[i], mod.stride[i],
                                 mod.padding if isinstance(mod.padding, str) else
                                 mod.padding[i], mod.dilation[i]) for i in range(2)]
                return torch.zeros(x.shape[0], mod.out_channels, *hw)
            if isinstance(x, torch.Tensor) and isinstance(mod, nn.Linear):
                return torch.zeros(*x.shape[:-1], mod.out_features)
        with torch.no_grad():
            return torch.fx.Interpreter.run_node(interpreter, n)

    def keeps_shape(self, n: Any) -> bool:
        """Whether a module call is one whose output has its input's shape by definition."""
        import torch.nn as nn

        if len(n.args) != 1 or n.kwargs or not hasattr(n.args[0], "name"):
            return False
        mod = self.traced.get_submodule(n.target)
        return isinstance(mod, (nn.BatchNorm2d, nn.ReLU, nn.ReLU6, nn.Hardswish,
                                nn.Hardsigmoid, nn.Sigmoid, nn.SiLU, nn.Dropout, nn.Dropout2d,
                                nn.Identity))

    def node(self, n: Any, result: Any, flops: int) -> None:
        import torch

        if n.name in self.alias:
            return  # a part of a split, recorded with the split
        if n.op == "placeholder":
            if self.alias:
                raise MbcalcError("the model takes more than one input; import takes one image")
            self.alias[n.name] = INPUT
            return
        if n.op == "output":
            out = n.args[0]
            if isinstance(out, (tuple, list)):
                if len(out) != 1:
                    raise MbcalcError("the model returns several outputs; import takes one")
                out = out[0]
            if getattr(out, "name", None) not in self.alias:
                raise MbcalcError("the model's output is not a tensor computed from its input")
            self.output = self.alias[out.name]
            return
        if n.op == "get_attr":
            return
        tensors = [a for a in _flat(n.args) + _flat(list(n.kwargs.values()))
                   if hasattr(a, "name") and a.name in self.alias]
        if isinstance(result, (tuple, list)) and n.op != "call_module" and _name(n) in (
                "chunk", "split"):
            self._split(n, result, tensors)
            return
        if not isinstance(result, torch.Tensor):
            if tensors and n.op == "call_function" and n.target is operator.getitem:
                source = self.ops.get(self.alias.get(n.args[0].name, ""))
                if source is not None and source.kind == "split":
                    return
            return  # sizes and other Python values: parameters of later ops
        if not tensors:
            raise UnsupportedOp(_name(n), n.name, self._module(n), "a tensor not computed "
                                "from the input (a constant or a parameter used directly)")
        shape = tuple(int(d) for d in result.shape[1:])
        inputs = [self.alias[t.name] for t in tensors]
        module = self._module(n)
        last = [t.name in self.last for t in tensors]
        if _name(n) == "permute" and len(tensors) == 1 and len(shape) == 3:
            dims = [int(d) % 4 for d in _flat(n.args[1:] or n.kwargs.get("dims", ()))]
            if dims == (_TO_FIRST if last[0] else _TO_LAST):
                if not last[0]:
                    self.last.add(n.name)
                self.alias[n.name] = inputs[0]
                return
        if any(last):
            if not all(last):
                raise UnsupportedOp(_name(n), n.name, module,
                                    "mixes channels-first and channels-last tensors")
            self.last.add(n.name)
            if len(shape) == 3:
                shape = (shape[2], shape[0], shape[1])  # recorded as (C, H, W) throughout
        if n.op == "call_module":
            self._module_op(n, shape, inputs, flops)
        else:
            name = _name(n)
            kind, attrs = self._function_op(n, name, inputs, shape)
            if kind == "alias":
                self.alias[n.name] = inputs[0]
                return
            if kind == "opaque":
                attrs = {**attrs, "params": 0, "madds": flops // 2}
            self.add(Op(n.name, kind, inputs, shape, module, name, attrs), n)
        op = self.ops[self.alias[n.name]]
        if op.kind == "layernorm" and not (any(last) and op.attrs["channels"] == shape[0]):
            raise UnsupportedOp(op.source, op.name, op.module,
                                "a layer norm over an axis other than the channels")
        if any(last):
            if op.kind not in _ANY_LAYOUT:
                raise UnsupportedOp(op.source, op.name, op.module,
                                    f"a {op.kind} on a channels-last (permuted) tensor")
            op.attrs["layout"] = "channels_last"

    def add(self, op: Op, n: Any) -> None:
        self.ops[op.name] = op
        self.alias[n.name] = op.name

    def _module(self, n: Any) -> str:
        if n.op == "call_module":
            return str(n.target)
        stack = n.meta.get("nn_module_stack") or {}
        if not stack:
            return ""
        value = list(stack.values())[-1]
        if isinstance(value, tuple) and isinstance(value[0], str):
            return value[0]
        return str(list(stack)[-1])

    def _module_op(self, n: Any, shape: tuple[int, ...], inputs: list[str], flops: int) -> None:
        import torch.nn as nn

        mod = self.traced.get_submodule(n.target)
        kind_name = type(mod).__name__
        attrs: dict[str, Any] = {}
        kind = "opaque"
        if isinstance(mod, nn.Conv2d) and mod.padding_mode == "zeros":
            kind = "conv"
            attrs = {"kernel": mod.kernel_size, "stride": mod.stride, "padding": mod.padding,
                     "dilation": mod.dilation, "groups": mod.groups,
                     "bias": mod.bias is not None}
        elif isinstance(mod, nn.Linear):
            kind, attrs = "linear", {"bias": mod.bias is not None}
        elif isinstance(mod, nn.BatchNorm2d):
            kind, attrs = "bn", {"scale": mod.affine, "center": mod.affine}
        elif isinstance(mod, nn.LayerNorm):
            kind, attrs = _layer_norm(tuple(mod.normalized_shape), mod.weight, mod.bias)
        elif isinstance(mod, nn.GroupNorm):
            kind, attrs = "groupnorm", {"groups": mod.num_groups, "affine": mod.affine}
        elif isinstance(mod, nn.LeakyReLU) and type(mod).__module__.startswith("torch.nn"):
            kind, attrs = "act", {"fn": "leaky_relu"}
        elif kind_name in _MODULE_ACTS and type(mod).__module__.startswith("torch.nn"):
            if kind_name == "Softmax" and mod.dim not in (1, -1):
                attrs = {"why": f"softmax over dim {mod.dim}"}
            else:
                kind, attrs = "act", {"fn": _MODULE_ACTS[kind_name]}
        elif isinstance(mod, nn.Hardtanh) and (mod.min_val, mod.max_val) == (0.0, 6.0):
            kind, attrs = "act", {"fn": "relu6"}
        elif isinstance(mod, nn.Identity):
            kind = "identity"
        elif isinstance(mod, (nn.Dropout, nn.Dropout2d)):
            kind, attrs = "dropout", {"p": mod.p}
        elif kind_name == "StochasticDepth" and type(mod).__module__.startswith("torchvision"):
            kind, attrs = "stochastic_depth", {"p": float(mod.p)}
        elif isinstance(mod, nn.Flatten):
            kind = "flatten"
        elif isinstance(mod, (nn.MaxPool2d, nn.AvgPool2d)):
            kind = "maxpool" if isinstance(mod, nn.MaxPool2d) else "avgpool"
            attrs = {"kernel": mod.kernel_size, "stride": mod.stride, "padding": mod.padding,
                     "ceil_mode": mod.ceil_mode}
            if isinstance(mod, nn.MaxPool2d):
                attrs["dilation"] = mod.dilation
        elif isinstance(mod, (nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)):
            kind = "adaptive_pool"
            size = mod.output_size
            attrs = {"size": size, "op": "avg" if isinstance(mod, nn.AdaptiveAvgPool2d)
                     else "max"}
            if size is None or (isinstance(size, tuple) and None in size):
                kind, attrs = "opaque", {"why": "adaptive pooling that keeps a dimension"}
        if kind == "opaque":
            attrs = {**attrs, "params": sum(p.numel() for p in mod.parameters()),
                     "weights": sum(m.weight.numel() for m in mod.modules()
                                    if isinstance(m, (nn.Conv2d, nn.Linear))),
                     "madds": flops // 2}
        self.add(Op(n.name, kind, inputs, shape, str(n.target), kind_name, attrs), n)

    def _function_op(self, n: Any, name: str, inputs: list[str],
                     shape: tuple[int, ...]) -> tuple[str, dict[str, Any]]:
        x = self._shape(inputs[0])
        args = list(n.args)
        if name in ("add", "iadd", "mul", "imul"):
            if len(inputs) == 2 and len(args) == 2 and not n.kwargs:
                return ("add" if name in ("add", "iadd") else "mul"), {}
            if name in ("mul", "imul") and len(args) == 2 and not n.kwargs:
                tensor, other = (args[1], args[0]) if getattr(args[1], "name", None) in \
                    self.alias else (args[0], args[1])
                weight = self._parameter(other)
                c = shape[0] if len(shape) == 3 else -1
                last = tensor.name in self.last
                if weight is not None and tuple(weight.shape) in (
                        ((c,), (1, 1, 1, c)) if last else ((c, 1, 1), (1, c, 1, 1))):
                    return "scale", {"scale": True}  # layer scale: a parameter per channel
            return "opaque", {"why": f"{name} with a constant"}
        if name == "layer_norm":
            names = ["input", "normalized_shape", "weight", "bias"]
            values = dict(zip(names, args, strict=False)) | dict(n.kwargs)
            return _layer_norm(tuple(values["normalized_shape"]),
                               self._parameter(values.get("weight")),
                               self._parameter(values.get("bias")))
        if name == "group_norm":
            names = ["input", "num_groups", "weight", "bias"]
            values = dict(zip(names, args, strict=False)) | dict(n.kwargs)
            weight, bias = self._parameter(values.get("weight")), self._parameter(
                values.get("bias"))
            if (weight is None) == (bias is None) and (weight is None or weight.numel() == x[0]):
                return "groupnorm", {"groups": int(values["num_groups"]),
                                     "affine": weight is not None}
        if name == "cat":
            dim = n.kwargs.get("dim", args[1] if len(args) > 1 else 0)
            if dim in (1, -3) and len(shape) == 3:
                return "cat", {}
            return "opaque", {"why": f"concatenation along dim {dim}"}
        if name in _FUNCTION_ACTS:
            if name == "softmax" and len(shape) != 1:
                return "opaque", {"why": "softmax over a feature map"}
            return "act", {"fn": _FUNCTION_ACTS[name]}
        if name == "hardtanh":
            lo = n.kwargs.get("min_val", args[1] if len(args) > 1 else -1.0)
            hi = n.kwargs.get("max_val", args[2] if len(args) > 2 else 1.0)
            if (lo, hi) == (0.0, 6.0):
                return "act", {"fn": "relu6"}
        if name == "dropout":
            return "dropout", {"p": n.kwargs.get("p", args[1] if len(args) > 1 else 0.5)}
        if name == "stochastic_depth":  # torchvision.ops: the identity in eval mode
            return "stochastic_depth", {"p": float(n.kwargs.get("p", args[1] if len(args) > 1
                                                                else 0.0))}
        if name in ("contiguous", "clone", "detach"):
            return "alias", {}
        if name in ("flatten", "view", "reshape"):
            if len(x) == 3 and len(shape) == 1:
                return "flatten", {}
            if len(x) == 3 and len(shape) == 4 and shape[0] * shape[1] == x[0] and (
                    shape[2:] == x[1:]):
                return "shuffle", {"groups": shape[0], "open": True}
            if len(x) == 4 and len(shape) == 3 and self._open_shuffle(inputs[0]):
                self.ops[inputs[0]].attrs.pop("open")
                self.ops[inputs[0]].shape = shape
                return "alias", {}
            if x == shape:
                return "alias", {}
        if name in ("transpose", "permute") and len(x) == 4 and self._open_shuffle(inputs[0]):
            dims = sorted(d % 5 for d in args[1:3]) if name == "transpose" else None
            if dims == [1, 2]:
                self.ops[inputs[0]].attrs["transposed"] = True
                return "alias", {}
        if name == "adaptive_avg_pool2d" or name == "adaptive_max_pool2d":
            size = n.kwargs.get("output_size", args[1] if len(args) > 1 else None)
            return "adaptive_pool", {"size": size, "op": "avg" if "avg" in name else "max"}
        if name == "mean" and len(x) == 3:
            dims = n.kwargs.get("dim", args[1] if len(args) > 1 else None)
            if dims is not None and sorted(d % 4 for d in dims) == [2, 3]:
                return "global_pool", {}
        if name in ("max_pool2d", "avg_pool2d"):
            names = ["input", "kernel_size", "stride", "padding"] + (
                ["dilation", "ceil_mode"] if name == "max_pool2d" else ["ceil_mode"])
            values = dict(zip(names, args, strict=False)) | dict(n.kwargs)
            attrs = {"kernel": values["kernel_size"], "stride": values.get("stride"),
                     "padding": values.get("padding", 0),
                     "ceil_mode": values.get("ceil_mode", False)}
            if name == "max_pool2d":
                attrs["dilation"] = values.get("dilation", 1)
            return name.split("_")[0] + "pool", attrs
        return "opaque", {"why": ""}

    def _parameter(self, node: Any) -> Any:
        """The parameter or buffer a ``get_attr`` node reads, else None."""
        if getattr(node, "op", None) != "get_attr":
            return None
        value: Any = self.traced
        for part in str(node.target).split("."):
            value = getattr(value, part, None)
        import torch

        return value if isinstance(value, torch.Tensor) else None

    def _open_shuffle(self, value: str) -> bool:
        op = self.ops.get(value)
        return op is not None and op.kind == "shuffle" and "open" in op.attrs

    def _shape(self, value: str) -> tuple[int, ...]:
        return self.input_shape if value == INPUT else self.ops[value].shape

    def _split(self, n: Any, result: Any, tensors: list[Any]) -> None:
        args = list(n.args)
        dim = n.kwargs.get("dim", args[2] if len(args) > 2 else 0)
        if dim not in (1, -3) or len(tensors) != 1:
            raise UnsupportedOp(_name(n), n.name, self._module(n), f"a split along dim {dim}")
        sizes = {int(t.shape[1]) for t in result}
        inputs = [self.alias[tensors[0].name]]
        op = Op(n.name, "split", inputs, (), self._module(n), _name(n),
                {"parts": len(result), "even": len(sizes) == 1})
        self.ops[op.name] = op
        self.alias[n.name] = op.name
        for user in n.users:
            if user.op == "call_function" and user.target is operator.getitem:
                index = user.args[1]
                part = Op(user.name, "getitem", [op.name], tuple(int(d) for d in
                                                                 result[index].shape[1:]),
                          op.module, "getitem", {"index": index})
                self.ops[part.name] = part
                self.alias[user.name] = part.name


def _layer_norm(normalized: tuple[int, ...], weight: Any,
                bias: Any) -> tuple[str, dict[str, Any]]:
    """A layer norm over the last axis: the channels of a channels-last tensor."""
    if len(normalized) != 1:
        return "opaque", {"why": f"a layer norm over {len(normalized)} axes"}
    if (weight is None) != (bias is None):
        return "opaque", {"why": "a layer norm with a scale but no bias"}
    return "layernorm", {"channels": int(normalized[0]), "affine": weight is not None}


def _conv_size(size: int, kernel: int, stride: int, padding: int | str, dilation: int) -> int:
    """torch's Conv2d output size along one axis."""
    if padding == "same":
        return size
    pad = 0 if padding == "valid" else int(padding)
    return (size + 2 * pad - dilation * (kernel - 1) - 1) // stride + 1


def _name(n: Any) -> str:
    target = n.target
    if isinstance(target, str):
        return target
    name = getattr(target, "__name__", str(target))
    return name.rstrip("_") if name.endswith("_") and name != "__add__" else name.strip("_")


def _flat(values: Any) -> list[Any]:
    out: list[Any] = []
    for v in values:
        if isinstance(v, (list, tuple)):
            out.extend(_flat(v))
        else:
            out.append(v)
    return out
