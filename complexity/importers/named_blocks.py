"""Named blocks: replace runs of imported layers by the block of the language they are.

Consecutive items under one module path (``layer1.0``, ``features.3``) are a candidate. Each
block kind reads its parameters off the candidate's convolutions; the block is used only where
its own expansion, walked from the same input, gives row for row the same kinds, activations,
shapes, params (torch convention, biases and batch norms included) and MAdds. So a block is an
exact match or not used; what is not matched stays primitives inside residuals and concats.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

from complexity.importers.to_spec import IN, MODULE, Item, strip

_CONVS = ("conv", "pw", "dw")


def name_blocks(items: list[Item], channels: int, size: int) -> list[Item]:
    """``items`` with every exactly matching run of layers replaced by its named block."""
    return _group(items, 0)


def _path(item: Item) -> list[str]:
    module = str(item.get(MODULE, ""))
    return module.split(".") if module else []


def _runs(items: list[Item], depth: int) -> Iterator[tuple[tuple[str, ...] | None, list[Item]]]:
    key: tuple[str, ...] | None = None
    run: list[Item] = []
    for item in items:
        path = _path(item)
        k = tuple(path[:depth + 1]) if len(path) > depth else None
        if run and (k is None or k != key):
            yield key, run
            run = []
        key = k
        run.append(item)
    if run:
        yield key, run


def _group(items: list[Item], depth: int) -> list[Item]:
    out: list[Item] = []
    for key, run in _runs(items, depth):
        if key is not None:
            block = match(run, ".".join(key))
            if block is not None:
                out.append(block)
                continue
            if len(run) > 1:
                out.extend(_group(run, depth + 1))
                continue
        out.extend(_inside(item) for item in run)
    return out


def _inside(item: Item) -> Item:
    """A container with named blocks looked for in its own lists."""
    if "layers" not in item and "branches" not in item:
        return item
    item = dict(item)
    for key in ("layers", "shortcut"):
        if key in item:
            item[key] = _group(item[key], 0)
    if "branches" in item:
        item["branches"] = [_group(b, 0) for b in item["branches"]]
    return item


def _leaves(items: list[Item]) -> list[Item]:
    out: list[Item] = []
    for item in items:
        if "layers" in item or "branches" in item:
            out.extend(_leaves(item.get("layers", [])))
            out.extend(_leaves(item.get("shortcut", [])))
            for branch in item.get("branches", []):
                out.extend(_leaves(branch))
        else:
            out.append(item)
    return out


def match(run: list[Item], module: str) -> Item | None:
    """The named block that ``run`` is exactly, or None."""
    shape = run[0].get(IN)
    if not shape or len(shape) != 3 or shape[1] != shape[2]:
        return None
    leaves = _leaves(run)
    convs = [i for i in leaves if i["kind"] in _CONVS]
    if not convs or any(i.get("width", "scaled") != "scaled" for i in convs) or any(
            i["kind"] in ("fc", "opaque", "flatten") for i in leaves):
        return None
    ours = None
    for derive in _CANDIDATES:
        try:
            candidate = derive(leaves, convs, shape)
        except (KeyError, IndexError, ZeroDivisionError, TypeError, ValueError):
            continue
        if candidate is None:
            continue
        if ours is None:
            ours = _rows(strip(run), shape)
            if ours is None:
                return None
        block = {"kind": candidate.pop("kind"), "name": module, **candidate}
        if _rows([block], shape) == ours:
            return {**_without_defaults(block), MODULE: module, IN: shape}
    return None


@functools.cache
def _adapter() -> Any:
    """The validator of one spec item (built once: building it is slow)."""
    from pydantic import TypeAdapter

    from complexity.language.models import item_union

    return TypeAdapter(item_union())


def _without_defaults(block: Item) -> Item:
    """The block's fields that differ from their defaults (``kind`` and ``name`` kept)."""
    model = _adapter().validate_python(block)
    kept = model.model_dump(exclude_defaults=True, mode="json", by_alias=True)
    return {"kind": block["kind"], "name": block["name"],
            **{k: v for k, v in kept.items() if k not in ("kind", "name")}}


def _rows(items: list[Item], shape: tuple[int, ...]) -> list[tuple[Any, ...]] | None:
    """What the walk makes of ``items`` from ``shape``: per row its kind, activation, shapes,
    params (torch convention) and MAdds; None if it cannot be walked."""
    from complexity.engine.walk import walk
    from complexity.language.sources import LoadedSpec, SourceMap
    from complexity.language.spec import Network

    data = {"name": "candidate", "resolution": shape[1], "in_channels": shape[0],
            "layers": items}
    try:
        network = Network.model_validate(data)
        report = walk(LoadedSpec(network, SourceMap(None, {}, data)), convention="torch",
                      closed=False)
    except Exception:  # noqa: BLE001 - a candidate that does not validate or walk is no match
        return None
    return [(r.kind, getattr(r.layer, "fn", None), getattr(r.layer, "gate", None),
             r.input.as_list(), r.output.as_list(), r.params, r.madds) for r in report.rows]


def _acts(leaves: list[Item]) -> list[str]:
    return [i["fn"] for i in leaves if i["kind"] == "act"]


def _stride(item: Item) -> int:
    return int(item.get("stride", 1)) if not isinstance(item.get("stride"), tuple) else -1


def _conv_bn(leaves: list[Item], convs: list[Item], shape: Any) -> Item | None:
    conv = convs[0]
    if len(leaves) not in (2, 3) or leaves[0] is not conv or leaves[1]["kind"] != "bn" or (
            conv["kind"] == "dw"):
        return None
    acts = _acts(leaves)
    out: Item = {"kind": "conv_bn", "out": conv["out"]}
    if conv["kind"] == "conv":
        out.update(kernel=conv["kernel"], stride=conv.get("stride", 1),
                   padding=conv.get("padding", 0))
    else:
        out.update(kernel=1, padding=0)
    for key in ("groups", "bias"):
        if key in conv:
            out[key] = conv[key]
    if not leaves[1].get("scale", True):
        out["bn_scale"] = False
    out["act"] = acts[0] if acts else "none"
    return out


def _dwsep(leaves: list[Item], convs: list[Item], shape: Any) -> Item | None:
    if [c["kind"] for c in convs] != ["dw", "pw"]:
        return None
    acts = _acts(leaves)
    return {"kind": "dwsep", "out": convs[1]["out"], "stride": _stride(convs[0]),
            "kernel": convs[0]["kernel"], "act": acts[0] if acts else "none"}


def _expansion(convs: list[Item], shape: Any) -> int | None:
    """The expansion t of an expand → depthwise → project run (1 without the expand 1×1), or
    None where the convolutions are not such a run."""
    kinds = [c["kind"] for c in convs]
    if kinds == ["dw", "pw"]:
        return 1
    if kinds != ["pw", "dw", "pw"]:
        return None
    t, rem = divmod(convs[0]["out"], shape[0])
    return None if rem else t


def _inverted(leaves: list[Item], convs: list[Item], shape: Any) -> Item | None:
    t = _expansion(convs, shape)
    if t is None:
        return None
    acts = _acts(leaves)
    return {"kind": "inverted_residual", "expansion": t, "out": convs[-1]["out"],
            "stride": _stride(convs[-2]), "kernel": convs[-2]["kernel"],
            "act": acts[0] if acts else "none"}


def _bneck(leaves: list[Item], convs: list[Item], shape: Any) -> Item | None:
    kinds = [c["kind"] for c in convs]
    if kinds not in (["pw", "dw", "pw"], ["dw", "pw"]):
        return None
    se = [i for i in leaves if i["kind"] == "se"]
    acts = _acts(leaves)
    block: Item = {"kind": "bneck", "out": convs[-1]["out"], "kernel": convs[-2]["kernel"],
                   "stride": _stride(convs[-2]), "act": acts[0] if acts else "relu",
                   "se": bool(se)}
    if len(convs) == 3:
        block["exp"] = convs[0]["out"]
    if se:
        block["se_reduction"] = se[0]["reduction"]
        block["se_divisor"] = se[0].get("divisor")
    return block


def _basic(leaves: list[Item], convs: list[Item], shape: Any) -> Item | None:
    if [c.get("kernel") for c in convs[:2]] != [3, 3] or len(convs) not in (2, 3):
        return None
    return {"kind": "basic", "out": convs[1]["out"], "stride": _stride(convs[0]),
            "bias": bool(convs[0].get("bias"))}


def _bottleneck(leaves: list[Item], convs: list[Item], shape: Any) -> Item | None:
    if len(convs) not in (3, 4) or convs[1]["kind"] != "conv":
        return None
    first = _stride(convs[0])
    stride = max(first, _stride(convs[1]))
    return {"kind": "bottleneck", "mid": convs[0]["out"], "out": convs[2]["out"],
            "stride": stride, "groups": convs[1].get("groups", 1),
            "stride_on": "1x1" if first > 1 else "3x3", "bias": bool(convs[0].get("bias"))}


def _fire(leaves: list[Item], convs: list[Item], shape: Any) -> Item | None:
    if [c["kind"] for c in convs] != ["pw", "pw", "conv"]:
        return None
    return {"kind": "fire", "squeeze": convs[0]["out"], "expand1x1": convs[1]["out"],
            "expand3x3": convs[2]["out"]}


def _shuffle_v2(leaves: list[Item], convs: list[Item], shape: Any) -> Item | None:
    return {"kind": "shufflenet_v2_unit", "out": 2 * convs[-1]["out"],
            "stride": max(_stride(c) for c in convs)}


def _shuffle_v1(leaves: list[Item], convs: list[Item], shape: Any) -> Item | None:
    stride = max(_stride(c) for c in convs)
    last = convs[-1]
    block: Item = {"kind": "shufflenet_v1_unit", "stride": stride,
                   "out": last["out"] + (shape[0] if stride == 2 else 0),
                   "groups": last.get("groups", 1)}
    if convs[0].get("groups", 1) != block["groups"]:
        block["first_groups"] = convs[0].get("groups", 1)
    return block


def _se_field(leaves: list[Item], own: bool) -> Any:
    """The block's ``se``: none, EfficientNet's (a quarter of the block's input), or (``own``)
    the imported one's own fields."""
    se = [i for i in leaves if i["kind"] == "se"]
    if len(se) > 1:
        raise ValueError("two squeeze-and-excites")
    if not se:
        return None if own else False
    if not own:
        return True
    return {k: v for k, v in se[0].items() if not k.startswith("_") and k not in ("kind", "name")}


def _mbconv(own_se: bool) -> Callable[[list[Item], list[Item], Any], Item | None]:
    def derive(leaves: list[Item], convs: list[Item], shape: Any) -> Item | None:
        t = _expansion(convs, shape)
        if t is None:
            return None
        se = _se_field(leaves, own_se)
        if se is None:
            return None
        acts = _acts(leaves)
        return {"kind": "mbconv", "expand": t, "out": convs[-1]["out"],
                "kernel": convs[-2]["kernel"], "stride": _stride(convs[-2]),
                "act": acts[0] if acts else "none", "se": se}
    return derive


def _fused_mbconv(own_se: bool) -> Callable[[list[Item], list[Item], Any], Item | None]:
    def derive(leaves: list[Item], convs: list[Item], shape: Any) -> Item | None:
        kinds = [c["kind"] for c in convs]
        if kinds != ["conv", "pw"]:
            return None
        t, rem = divmod(convs[0]["out"], shape[0])
        se = _se_field(leaves, own_se)
        if rem or se is None:
            return None
        acts = _acts(leaves)
        return {"kind": "fused_mbconv", "expand": t, "out": convs[-1]["out"],
                "kernel": convs[0]["kernel"], "stride": _stride(convs[0]),
                "act": acts[0] if acts else "none", "se": se}
    return derive


def _bn_scale(leaves: list[Item]) -> dict[str, Any]:
    bns = [i for i in leaves if i["kind"] == "bn"]
    return {"bn_scale": False} if bns and not bns[0].get("scale", True) else {}


def _inception_v1(leaves: list[Item], convs: list[Item], shape: Any) -> Item | None:
    if len(convs) != 6:
        return None
    c1, c3r, c3, c5r, c5, pool = (c["out"] for c in convs)
    return {"kind": "inception_v1", "c1": c1, "c3r": c3r, "c3": c3, "c5r": c5r, "c5": c5,
            "pool_proj": pool, "k5": convs[4]["kernel"], **_bn_scale(leaves)}


def _inception(kind: str) -> Callable[[list[Item], list[Item], Any], Item | None]:
    def derive(leaves: list[Item], convs: list[Item], shape: Any) -> Item | None:
        block: Item = {"kind": kind, **_bn_scale(leaves)}
        if kind == "inception_a":
            block["pool_features"] = convs[-1]["out"]
        if kind == "inception_c":
            block["c7"] = convs[1]["out"]
        return block
    return derive


_CANDIDATES: list[Callable[[list[Item], list[Item], Any], Item | None]] = [
    _conv_bn, _dwsep, _inverted, _bneck, _bottleneck, _basic, _fire, _shuffle_v2,
    _shuffle_v1, _inception_v1, *(_inception(f"inception_{x}") for x in "abcde"),
    _mbconv(False), _mbconv(True), _fused_mbconv(False), _fused_mbconv(True),
]
"""Every block kind with how to read its parameters off a run of layers."""
