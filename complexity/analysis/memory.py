"""Memory and data movement, analytic: activation and weight sizes, memory access cost (MAC),
arithmetic intensity, the largest tensor, and peak live memory under two named schedules.

Definitions (docs/conventions.md, "Memory and data movement"):

- Every row writes a tensor of its own, its activation (batch 1): no in-place operations and no
  fusion. Tensor 0 is the network's input, tensor k the output of row k (1-based). Except
  (``VIEWS``): a flatten is a view of its input, and dropout and stochastic depth are the
  identity in inference (torch returns the input tensor itself): those rows write no tensor and
  move nothing, and their readers read their input. A squeeze-and-excite row writes the tensors
  its module does, one after another (``SE_PARTS``): the pooled vector (C), the squeeze (C_r),
  its activation (C_r), the excitation (C), the gate (C), then the scaled map; those vectors
  are the tensors after the rows' (ids len(rows) + 1 …, in row order).
- MAC (ShuffleNet V2, Ma et al. 2018, §2): the elements a layer reads and writes — its inputs,
  its weights (the convention's params) and its output. A 1×1 conv on an h×w map, c_1 → c_2
  channels: h·w·(c_1 + c_2) + c_1·c_2. An add reads both operands (c_1 = 2·c), a concat every
  branch.
- ``sequential``: the rows run in order, one step each (a squeeze-and-excite row one per tensor
  it writes). A tensor is live from the step that writes it to the last step that reads it (a
  residual input and concat branches stay live); a step holds its live tensors and its scratch;
  the peak is the largest step.
- Scratch: a layer norm over the channels of a channels-first map bigger than 1×1 holds a copy
  of its input while it runs. torch normalises the last axis, so it permutes the (N, C, H, W)
  map to (N, H, W, C) — a view — and aten::layer_norm makes it contiguous first: one C·H·W
  buffer, freed when the norm returns (torch.profiler's memory events). Its output is
  channels-last in storage (permuted back, a view), and torch keeps that layout downstream: a
  conv's, a pool's, an elementwise op's output follows its (first) input's, so later norms read
  channels-last storage and copy nothing. ConvNeXt copies at its stem's norm only. The
  network's input is channels-first.
- ``inverted_residual``: MobileNetV2's memory-efficient inference (Sandler et al. 2018, §5.1,
  "Memory efficient inference"): each inverted-residual block is one operation F(x) = Σ_i
  (A_i ∘ N ∘ B_i)(x) whose expanded tensor is computed one channel at a time (t = n in the
  paper's split), so the block holds its input x, its output y (the sum being accumulated) and one
  expanded channel before and after the depthwise conv: |x| + |y| + h_1·w_1 + h·w. The block's
  inner tensors never exist. Every other row runs as in ``sequential``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any, Literal

from complexity.algebra import notation as S
from complexity.algebra.expr import ZERO as ZERO_EXPR
from complexity.algebra.expr import Expr, Values, product, total
from complexity.algebra.poly import ZERO, Poly
from complexity.engine.resize import maps_at, resized
from complexity.engine.walk import Report, Row, _sum
from complexity.errors import MbcalcError
from complexity.frozen import Frozen
from complexity.language.shapes import Shape

DTYPES: dict[str, int] = {"float32": 4, "float16": 2, "bfloat16": 2, "int8": 1}
"""Bytes per element of each precision."""
Schedule = Literal["sequential", "inverted_residual"]
SCHEDULES: tuple[Schedule, ...] = ("sequential", "inverted_residual")
SCHEDULE_TITLES = {
    "sequential": "sequential (every tensor lives from its writer to its last reader)",
    "inverted_residual": "inverted residual (MobileNetV2 §5.1: each inverted-residual block one "
                         "step, its expanded tensor computed one channel at a time)",
}


VIEWS = frozenset({"flatten", "dropout", "stochastic_depth"})
"""Kinds whose output is their input's storage in inference: no tensor, nothing moved."""
SE_PARTS = ("pool", "reduce", "act", "expand", "gate")
"""The vectors a squeeze-and-excite module writes before the scaled map, in order: global pool
(C), the squeeze FC (C_r), its activation (C_r), the excitation FC (C), the gate (C)."""


def bytes_per(dtype: str) -> int:
    """Bytes per element of ``dtype``."""
    if dtype not in DTYPES:
        raise MbcalcError(f"--dtype must be one of {', '.join(DTYPES)}, got {dtype!r}")
    return DTYPES[dtype]


def elements(shape: Shape) -> int:
    """C·H·W of an exact shape."""
    return int(shape.c) * shape.h * shape.w


def closed_elements(shape: Shape | None) -> Poly:
    """C·H·W of a closed-form shape: channels in α, each free size as ρ·(its base size)."""
    if shape is None:
        return ZERO
    return _closed(shape.c if isinstance(shape.c, Poly) else Poly.const(shape.c),
                   shape.h * shape.w, 0 if shape.fixed else 2)


@functools.lru_cache(maxsize=4096)
def _closed(channels: Poly, spatial: int, rho: int) -> Poly:
    return Poly({(a, r + rho, m): v * spatial for (a, r, m), v in channels.terms.items()})


class LayerMemory(Frozen):
    """One row's data movement: elements read, weights, written, their sum (MAC)."""

    row: Row
    read: int
    """Activation elements read (every operand)."""
    written: int
    """Activation elements written: the row's output."""
    weights: int
    """Weight elements: the convention's params."""
    mac: int
    """read + weights + written."""
    read_formula: Expr
    written_formula: Expr
    mac_formula: Expr
    values: Values
    """The value of every symbol in the formulas (c_1, c_2, h, w … and the params' symbols)."""
    read_closed: Poly
    written_closed: Poly
    mac_closed: Poly

    def __init__(self, row: Row, read: int, written: int, weights: int, mac: int,
                 read_formula: Expr, written_formula: Expr, mac_formula: Expr, values: Values,
                 read_closed: Poly, written_closed: Poly, mac_closed: Poly) -> None:
        self.__dict__.update(row=row, read=read, written=written, weights=weights, mac=mac,
                             read_formula=read_formula, written_formula=written_formula,
                             mac_formula=mac_formula, values=values, read_closed=read_closed,
                             written_closed=written_closed, mac_closed=mac_closed)

    def intensity(self, dtype: str) -> float | None:
        """MAdds per byte moved, or None for a row that moves nothing."""
        moved = self.mac * bytes_per(dtype)
        return self.row.madds / moved if moved else None


def layer_memory(row: Row, operands: int) -> LayerMemory:
    """A row's sizes and MAC; ``operands`` is how many tensors it reads (2 for an add)."""
    if row.kind in VIEWS:  # the input's own storage: nothing read, written or moved
        return LayerMemory(row=row, read=0, written=0, weights=row.params, mac=row.params,
                           read_formula=ZERO_EXPR, written_formula=ZERO_EXPR,
                           mac_formula=row.params_formula if row.params else ZERO_EXPR,
                           values=Values(row.values), read_closed=ZERO, written_closed=ZERO,
                           mac_closed=row.params_closed)
    out = row.output
    merged = row.layer is None  # add / concat: reads the branches, not row.input
    if merged:
        c_1 = int(out.c) * (operands if row.kind == "add" else 1)
        h_1, w_1 = out.h, out.w
        closed_in = (Poly.const(operands) if row.kind == "add" else Poly.const(1)) \
            * closed_elements(row.output_closed)
    else:
        c_1, h_1, w_1 = int(row.input.c), row.input.h, row.input.w
        closed_in = closed_elements(row.input_closed)
    same = (h_1, w_1) == (out.h, out.w)
    values = Values(row.values)
    values.update({"c_1": c_1, "c_2": int(out.c), "h": out.h, "w": out.w})
    if not same:
        values.update({"h_1": h_1, "w_1": w_1})
    read_formula, written_formula, mac_formula = _formulas(same, row.params_formula
                                                           if row.params else None)
    read, written = c_1 * h_1 * w_1, elements(out)
    closed_out = closed_elements(row.output_closed)
    return LayerMemory(
        row=row, read=read, written=written, weights=row.params,
        mac=read + row.params + written,
        read_formula=read_formula, written_formula=written_formula, mac_formula=mac_formula,
        values=values, read_closed=closed_in, written_closed=closed_out,
        mac_closed=closed_in + row.params_closed + closed_out,
    )


@functools.lru_cache(maxsize=256)
def _formulas(same: bool, weights: Expr | None) -> tuple[Expr, Expr, Expr]:
    """read, written and MAC in ShuffleNet V2's notation: h·w·(c_1 + c_2) + weights where the
    map keeps its size, c_1·h_1·w_1 + c_2·h·w + weights where it does not."""
    written = product(S.c_2, S.h, S.w)
    if same:
        read = product(S.c_1, S.h, S.w)
        moved = product(S.h, S.w, total(S.c_1, S.c_2))
    else:
        read = product(S.c_1, S.h_1, S.w_1)
        moved = total(read, written)
    return read, written, total(moved, weights) if weights is not None else moved


class Step(Frozen):
    """One step of a schedule: the rows it runs, the tensors it reads and the one it writes, and
    the scratch it holds while it runs."""

    name: str
    first: int
    end: int
    """Rows first … end − 1 (0-based)."""
    reads: tuple[int, ...]
    writes: int | None
    """The tensor it writes; None for a view (``VIEWS``), which writes none."""
    scratch: int
    scratch_closed: Poly

    def __init__(self, name: str, first: int, end: int, reads: tuple[int, ...], writes: int | None,
                 scratch: int, scratch_closed: Poly) -> None:
        self.__dict__.update(name=name, first=first, end=end, reads=reads, writes=writes,
                             scratch=scratch, scratch_closed=scratch_closed)


class Tensor(Frozen):
    """A tensor that exists under a schedule: who writes it, its shape and size."""

    id: int
    name: str
    """The row that writes it ('input' for the network's input)."""
    shape: Shape
    elements: int
    closed: Poly

    def __init__(self, id: int, name: str, shape: Shape, elements: int, closed: Poly) -> None:
        self.__dict__.update(id=id, name=name, shape=shape, elements=elements, closed=closed)


class Peak(Frozen):
    """The largest step of a schedule: its size, where, which tensors are live, closed form."""

    schedule: Schedule
    elements: int
    step: str
    """The row (or block) that runs at the peak."""
    live: tuple[Tensor, ...]
    scratch: int
    closed: Poly
    """The same step's size as a polynomial in α and ρ (unrounded)."""

    def __init__(self, schedule: Schedule, elements: int, step: str, live: tuple[Tensor, ...],
                 scratch: int, closed: Poly) -> None:
        self.__dict__.update(schedule=schedule, elements=elements, step=step, live=live,
                             scratch=scratch, closed=closed)


class Resolution(Frozen):
    """One line of MobileNetV2's Table 3: the widest tensor materialised at one map size."""

    h: int
    w: int
    channels: int
    elements: int
    name: str

    def __init__(self, h: int, w: int, channels: int, elements: int, name: str) -> None:
        self.__dict__.update(h=h, w=w, channels=channels, elements=elements, name=name)


class Memory(Frozen):
    """A report's memory analysis at one precision."""

    report: Report
    dtype: str
    layers: list[LayerMemory]
    tensors: list[Tensor]
    peaks: dict[Schedule, Peak]
    largest: dict[Schedule, Tensor]
    resolutions: dict[Schedule, list[Resolution]]
    mac: int
    mac_closed: Poly
    weights: int
    """Weight elements: the convention's params."""

    def __init__(self, report: Report, dtype: str, layers: list[LayerMemory], tensors: list[Tensor],
                 peaks: dict[Schedule, Peak], largest: dict[Schedule, Tensor],
                 resolutions: dict[Schedule, list[Resolution]], mac: int, mac_closed: Poly,
                 weights: int) -> None:
        self.__dict__.update(report=report, dtype=dtype, layers=layers, tensors=tensors,
                             peaks=peaks, largest=largest, resolutions=resolutions, mac=mac,
                             mac_closed=mac_closed, weights=weights)

    @property
    def bytes(self) -> int:
        """Bytes per element at this precision."""
        return DTYPES[self.dtype]


def _se_sizes(row: Row) -> tuple[int, ...]:
    """The sizes of a squeeze-and-excite row's vectors, in ``SE_PARTS`` order."""
    c, c_r = int(row.values["C"]), int(row.values["C_r"])
    return c, c_r, c_r, c, c


def _tensors(report: Report) -> list[Tensor]:
    """Every tensor by id: the input, each row's output, then each squeeze-and-excite row's
    vectors. C_r's closed form is C's scaled by C_r/C at this α (C_r is C/r rounded, or a share
    of the block's input: the walk keeps its value, not its polynomial)."""
    rows = report.rows
    first = rows[0]
    out = [Tensor(0, "input", first.input, elements(first.input),
                  closed_elements(first.input_closed))]
    out += [Tensor(k, row.name, row.output, elements(row.output),
                   closed_elements(row.output_closed)) for k, row in enumerate(rows, 1)]
    for row in rows:
        if row.kind != "se":
            continue
        c_closed = _channels(row.input_closed)
        c = int(row.values["C"])
        for part, size in zip(SE_PARTS, _se_sizes(row), strict=True):
            out.append(Tensor(len(out), f"{row.name}/{part}", Shape(size, 1, 1, fixed=True), size,
                              c_closed * Fraction(size, c)))
    return out


def _channels(shape: Shape | None) -> Poly:
    if shape is None:
        return ZERO
    return shape.c if isinstance(shape.c, Poly) else Poly.const(shape.c)


def _sizes(report: Report) -> list[int]:
    """Every tensor's elements, in ``_tensors``'s order (without building the tensors)."""
    rows = report.rows
    first = rows[0].input
    out = [int(first.c) * first.h * first.w]
    out += [int(o.c) * o.h * o.w for o in (r.output for r in rows)]
    for row in rows:
        if row.kind == "se":
            out += _se_sizes(row)
    return out


def _names(report: Report) -> list[str]:
    """Every tensor's name, in ``_tensors``'s order."""
    rows = report.rows
    return ["input", *(r.name for r in rows),
            *(f"{r.name}/{part}" for r in rows if r.kind == "se" for part in SE_PARTS)]


def resolved_reads(report: Report) -> tuple[list[tuple[int, ...]], dict[int, int]]:
    """Each row's reads with views resolved (a view's reader reads the view's input), and the
    views: the tensor id of each ``VIEWS`` row → the tensor whose storage it is."""
    alias: dict[int, int] = {}
    out = []
    for k, (row, reads) in enumerate(zip(report.rows, report.reads, strict=True), 1):
        here = tuple(alias.get(t, t) for t in reads) if alias else reads
        out.append(here)
        if row.kind in VIEWS:
            alias[k] = here[0]
    return out, alias


def sequential_steps(report: Report) -> list[Step]:
    """One step per row (a squeeze-and-excite row: one per tensor it writes, the scaled map's
    under the row's name); a view's step writes nothing; a layer norm on a channels-first map
    holds a copy of its input (module docstring)."""
    steps = []
    reads_of, _ = resolved_reads(report)
    extra = len(report.rows) + 1
    last = {0: False}  # tensor id → whether its storage is channels-last
    for k, (row, reads) in enumerate(zip(report.rows, reads_of, strict=True)):
        kind = row.kind
        layout = last.get(reads[0], False) if reads else False
        last[k + 1] = layout
        if kind in VIEWS:
            steps.append(Step(row.name, k, k + 1, reads, None, 0, ZERO))
        elif kind == "se":
            held = previous = reads[0]
            for part in SE_PARTS:
                steps.append(Step(f"{row.name}/{part}", k, k + 1, (previous,), extra, 0, ZERO))
                previous, extra = extra, extra + 1
            steps.append(Step(row.name, k, k + 1, (held, previous), k + 1, 0, ZERO))
        elif kind == "layernorm":
            last[k + 1] = True
            x = row.input
            copy = not layout and x.h * x.w > 1
            steps.append(Step(row.name, k, k + 1, reads, k + 1, elements(x) if copy else 0,
                              closed_elements(row.input_closed) if copy else ZERO))
        else:
            steps.append(Step(row.name, k, k + 1, reads, k + 1, 0, ZERO))
    return steps


def _block_name(rows: Sequence[Row]) -> str:
    parts = [r.name.split("/") for r in rows]
    common = []
    for names in zip(*parts, strict=False):
        if len(set(names)) != 1:
            break
        common.append(names[0])
    return "/".join(common) or rows[0].name


def inverted_steps(report: Report) -> list[Step]:
    """``sequential_steps`` with each inverted-residual block as one step (MobileNetV2 §5.1)."""
    rows = report.rows
    reads, alias = resolved_reads(report)
    blocks: dict[int, int] = {}
    for kind, first, end in report.spans:
        if kind != "inverted_residual" or end <= first:
            continue
        inner = set(range(first + 1, end))  # tensors written inside, but the block's output
        outside = [t for k, r in enumerate(reads) if not first <= k < end for t in r]
        if any(t in inner for t in outside):
            continue  # something outside reads an inner tensor: it must exist
        if any(rows[k].kind == "dw" for k in range(first, end)):
            blocks[first] = end
    steps: list[Step] = []
    sequential = sequential_steps(report)
    j = 0
    k = 0
    while k < len(rows):
        if k not in blocks:
            while j < len(sequential) and sequential[j].first == k:
                steps.append(sequential[j])
                j += 1
            k += 1
            continue
        end = blocks[k]
        while j < len(sequential) and sequential[j].first < end:
            j += 1
        span = rows[k:end]
        dw = next(r for r in span if r.kind == "dw")
        scratch = dw.output.h * dw.output.w
        scratch_closed = closed_elements(_one_channel(dw.output_closed))
        if span[0] is not dw:  # an expansion layer: one channel of its output too
            scratch += dw.input.h * dw.input.w
            scratch_closed = scratch_closed + closed_elements(_one_channel(dw.input_closed))
        steps.append(Step(_block_name(span), k, end, reads[k], alias.get(end, end), scratch,
                          scratch_closed))
        k = end
    return steps


def _one_channel(shape: Shape | None) -> Shape | None:
    return None if shape is None else Shape(1, shape.h, shape.w, shape.fixed)


def steps_of(report: Report, schedule: Schedule) -> list[Step]:
    """The steps of ``schedule``."""
    return sequential_steps(report) if schedule == "sequential" else inverted_steps(report)


def lifetimes(steps: Sequence[Step]) -> dict[int, tuple[int, int]]:
    """Each tensor that exists: (the step that writes it, the last step that reads it)."""
    span: dict[int, tuple[int, int]] = {0: (0, 0)}
    for j, step in enumerate(steps):
        for t in step.reads:
            if t not in span:
                raise AssertionError(f"step {step.name} reads tensor {t}, which no step writes")
            span[t] = (span[t][0], j)
        if step.writes is not None:
            span[step.writes] = (j, j)
    return span


def profile(steps: Sequence[Step], tensors: Sequence[Tensor]) -> list[int]:
    """Each step's live elements: the tensors live at it plus its scratch."""
    span = lifetimes(steps)
    diff = [0] * (len(steps) + 1)
    for t, (born, last) in span.items():
        diff[born] += tensors[t].elements
        diff[last + 1] -= tensors[t].elements
    out, running = [], 0
    for j, step in enumerate(steps):
        running += diff[j]
        out.append(running + step.scratch)
    return out


def peak(steps: Sequence[Step], tensors: Sequence[Tensor], schedule: Schedule) -> Peak:
    """The largest step: live tensors plus scratch (the first such step on a tie)."""
    sizes = profile(steps, tensors)
    best = max(sizes)
    where = sizes.index(best)
    span = lifetimes(steps)
    step = steps[where]
    live = tuple(tensors[t] for t, (born, last) in sorted(span.items()) if born <= where <= last)
    closed = sum((t.closed for t in live), ZERO) + step.scratch_closed
    return Peak(schedule, best, step.name, live, step.scratch, closed)


def by_resolution(steps: Sequence[Step], tensors: Sequence[Tensor]) -> list[Resolution]:
    """The widest tensor that exists at each map size, largest maps first (MobileNetV2 Table 3)."""
    widest: dict[tuple[int, int], Tensor] = {}
    for t in lifetimes(steps):
        tensor = tensors[t]
        key = (tensor.shape.h, tensor.shape.w)
        if key not in widest or int(tensor.shape.c) > int(widest[key].shape.c):
            widest[key] = tensor
    return [Resolution(h, w, int(t.shape.c), t.elements, t.name)
            for (h, w), t in sorted(widest.items(), key=lambda kv: -kv[0][0] * kv[0][1])]


def analyse(report: Report, dtype: str = "float32") -> Memory:
    """Every layer's memory and MAC, the largest tensors and both schedules' peaks."""
    bytes_per(dtype)
    if not report.rows:
        raise MbcalcError("the network has no layers")
    layers = [layer_memory(row, len(reads)) for row, reads in zip(report.rows, report.reads,
                                                                    strict=True)]
    tensors = _tensors(report)
    peaks, largest, resolutions = {}, {}, {}
    for schedule in SCHEDULES:
        steps = steps_of(report, schedule)
        peaks[schedule] = peak(steps, tensors, schedule)
        existing = [tensors[t] for t in sorted(lifetimes(steps))]
        largest[schedule] = max(existing, key=lambda t: (t.elements, -t.id))
        resolutions[schedule] = by_resolution(steps, tensors)
    return Memory(
        report=report, dtype=dtype, layers=layers, tensors=tensors, peaks=peaks,
        largest=largest, resolutions=resolutions, mac=sum(m.mac for m in layers),
        mac_closed=_sum(m.mac_closed for m in layers), weights=report.params,
    )


def peak_bytes(dtype: str, schedule: Schedule = "sequential") -> Callable[[Report], int]:
    """Peak live memory in bytes under ``schedule``, as a measure of a walk (for budgets)."""
    per = bytes_per(dtype)

    def measure(report: Report) -> int:
        return per * peak(steps_of(report, schedule), _tensors(report), schedule).elements

    return measure


# --- a roofline bound ---------------------------------------------------------------------------

_RATE = {"": 1, "K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15}


def parse_rate(option: str, text: str, unit: str) -> Fraction:
    """'1.2T' (MAdds/s) or '25GB/s' (bytes/s): a positive rate, SI prefixes (10³ steps)."""
    raw = text.strip()
    body = raw.removesuffix("/s").removesuffix(unit).strip() if unit else raw
    if unit == "B" and raw.endswith("/s"):
        body = raw[:-2].strip()
        body = body[:-1] if body.endswith("B") else body
    prefix = body[-1:].upper() if body[-1:].isalpha() else ""
    number = body[:-1] if prefix else body
    try:
        value = Fraction(number.strip()) * _RATE[prefix]
    except (ValueError, KeyError, ZeroDivisionError):
        value = Fraction(0)
    if value <= 0 or value > 10**21:
        raise MbcalcError(f"--{option}: expected a positive rate such as "
                          f"{'1.2T' if unit != 'B' else '25GB/s'}, got {text!r}")
    return value


class Bound(Frozen):
    """A layer's roofline lower bound on time: max(MAdds/peak, bytes/bandwidth)."""

    compute: Fraction
    """Seconds at the device's peak MAdd rate."""
    memory: Fraction
    """Seconds to move the layer's MAC bytes at the device's bandwidth."""

    def __init__(self, compute: Fraction, memory: Fraction) -> None:
        self.__dict__.update(compute=compute, memory=memory)

    @property
    def seconds(self) -> Fraction:
        return max(self.compute, self.memory)

    @property
    def limit(self) -> str:
        """'compute', 'memory', or '' for a row that costs nothing."""
        if not self.compute and not self.memory:
            return ""
        return "compute" if self.compute >= self.memory else "memory"


BOUND_NOTE = ("Roofline bound: each layer's time ≥ max(MAdds / peak, bytes moved / bandwidth) — "
              "a lower bound, not a latency prediction (no overheads, caches, fusion or "
              "utilisation modelled).")


def bounds(memory: Memory, peak_rate: Fraction, bandwidth: Fraction) -> list[Bound]:
    """Every layer's roofline bound at ``peak_rate`` MAdds/s and ``bandwidth`` bytes/s."""
    return [Bound(Fraction(m.row.madds) / peak_rate, Fraction(m.mac * memory.bytes) / bandwidth)
            for m in memory.layers]


# --- peak memory over a grid of α × resolution --------------------------------------------------


class PeakPoint(Frozen):
    """Peak live memory (elements) at one grid point, and the step that holds it."""

    elements: int
    step: str

    def __init__(self, elements: int, step: str) -> None:
        self.__dict__.update(elements=elements, step=step)


def peak_grid(walk_at: Callable[[Fraction, int], Report], alphas: Sequence[Fraction],
              sizes: Sequence[int], schedule: Schedule = "sequential") -> list[PeakPoint]:
    """Peaks over α × resolution (α slowest), exactly, walking once per α; each size's maps come
    from the walk at α = 1 passed through that size (``engine.resize``), or a walk there.

    A tensor's size is c(α)·s(resolution), so its size at (α, r) is E(α, r₀)·E(1, r)/E(1, r₀),
    r₀ the first size, E(1, ·) the same-named tensor at α = 1 (or, for a row that exists at this
    α only — an add where widths happen to match — the tensor it reads, which has its map).
    Per α, each step is a sum over classes of tensors that share their sizes at every
    resolution; the steps are ranked in floating point at each resolution and the best few
    (within 10⁻⁹) recomputed exactly. Points the decomposition cannot cover (a walk
    that fails, a map that depends on α) are walked one by one.
    """
    r0 = sizes[0]

    def items(report: Report) -> tuple[list[Step], list[int]]:
        steps = steps_of(report, schedule)
        return steps, _sizes(report) + [s.scratch for s in steps]

    def direct(alpha: Fraction, size: int) -> PeakPoint:
        report = walk_at(alpha, size)
        p = peak(steps_of(report, schedule), _tensors(report), schedule)
        return PeakPoint(p.elements, p.step)

    try:
        base_report = walk_at(Fraction(1), r0)
        base_steps, base = items(base_report)
    except MbcalcError:
        return [direct(a, r) for a in alphas for r in sizes]
    base_names = _names(base_report)
    ntensors = len(base_names)
    layout = [(s.first, s.end, s.reads, s.writes) for s in base_steps]
    columns: list[list[int] | None] = []
    channels = [int(base_report.rows[0].input.c)] + [int(row.output.c) for row in base_report.rows]
    rest = base[len(channels):]  # squeeze-and-excite vectors (channels only), then scratch
    steady = schedule == "sequential" and not any(s.scratch for s in base_steps)
    for r in sizes:
        maps = maps_at(base_report, r) if steady else None
        if maps is not None:  # the same steps; each tensor's map from the walk at α = 1
            columns.append([c * h * w for c, (h, w) in zip(channels, maps, strict=True)] + rest)
            continue
        try:
            steps, at_r = items(resized(base_report, r) or walk_at(Fraction(1), r))
            columns.append(at_r if [(s.first, s.end, s.reads, s.writes) for s in steps] == layout
                           else None)
        except MbcalcError:
            columns.append(None)
    usable = [k for k, col in enumerate(columns) if col is not None]
    position = {k: u for u, k in enumerate(usable)}
    keys = [tuple(columns[k][i] for k in usable) for i in range(len(base))]  # type: ignore[index]
    classes: dict[tuple[int, ...], int] = {}
    cls = [classes.setdefault(key, len(classes)) for key in keys]
    spatial = [[float(v) for v in key] for key in classes]
    smallest = [min(v, default=0.0) for v in spatial]
    largest = [max(v, default=0.0) for v in spatial]
    by_name = {name: k for k, name in enumerate(base_names) if k}
    scratch_by_name = {s.name: ntensors + j for j, s in enumerate(base_steps)}
    plans: dict[Any, tuple[list[list[int]], list[int]] | None] = {}

    def plan(report: Report, steps: list[Step]) -> tuple[list[list[int]], list[int]] | None:
        """Each step's members (live tensors, then its scratch) and each member's base item."""
        shape = tuple((s.first, s.end, s.reads, s.writes) for s in steps)
        if shape in plans:
            return plans[shape]
        names = _names(report)
        count = len(names)
        to_base = [0] * (count + len(steps))
        for k in range(1, count):
            name = names[k]
            if name in by_name:
                to_base[k] = by_name[name]
            elif k <= len(report.rows) and report.reads[k - 1]:
                to_base[k] = to_base[report.reads[k - 1][0]]
            else:
                plans[shape] = None
                return None
        for j, step in enumerate(steps):
            if step.scratch and step.name not in scratch_by_name:
                plans[shape] = None
                return None
            to_base[count + j] = scratch_by_name.get(step.name, -1)
        span = lifetimes(steps)
        members = [[t for t, (born, last) in span.items() if born <= j <= last] + [count + j]
                   for j in range(len(steps))]
        plans[shape] = (members, to_base)
        return plans[shape]

    points: list[PeakPoint] = []
    same_rows = [(r.name, r.kind) for r in base_report.rows]
    base_plan: list[Any] = []
    for alpha in alphas:
        try:
            report_a = walk_at(alpha, r0)
            if steady and report_a.reads == base_report.reads and [
                    (r.name, r.kind) for r in report_a.rows] == same_rows:
                # the base's rows at another width: its steps and plan, these sizes
                steps_a, at_a = base_steps, _sizes(report_a) + [0] * len(base_steps)
                if not base_plan:
                    base_plan.append(plan(base_report, base_steps))
                planned = base_plan[0]
            else:
                steps_a, at_a = items(report_a)
                planned = plan(report_a, steps_a)
        except MbcalcError:
            planned = None
        if planned is None:
            points += [direct(alpha, r) for r in sizes]
            continue
        members, to_base = planned
        weights: list[dict[int, float]] = []
        for group in members:
            row: dict[int, float] = {}
            for i in group:
                b = to_base[i]
                if at_a[i] and b >= 0 and base[b]:
                    row[cls[b]] = row.get(cls[b], 0.0) + at_a[i] / base[b]
            weights.append(row)
        kept = list({tuple(sorted(w.items())): j for j, w in reversed(list(enumerate(weights)))
                     }.values())  # one step per distinct sum: the first, which wins ties
        # a step whose largest size over the sweep is below another's smallest never holds it
        low = max(sum(v * smallest[c] for c, v in weights[j].items()) for j in kept)
        kept = [j for j in kept
                if sum(v * largest[c] for c, v in weights[j].items()) >= low * (1 - 1e-9)]
        # each kept step's approximate size at every usable resolution, one list per step
        curves = []
        for j in kept:
            curve = [0.0] * len(usable)
            for c, v in weights[j].items():
                curve = [x + v * y for x, y in zip(curve, spatial[c], strict=True)]
            curves.append(curve)
        at_size = list(zip(*curves, strict=True))
        for k, r in enumerate(sizes):
            col = columns[k]
            if col is None:
                points.append(direct(alpha, r))
                continue
            here = at_size[position[k]]
            threshold = max(here) * (1 - 1e-9)
            best, holder = -1, 0
            for j in [j for j, v in zip(kept, here, strict=True) if v >= threshold]:
                exact = sum(at_a[i] * col[to_base[i]] // base[to_base[i]]
                            for i in members[j] if to_base[i] >= 0 and base[to_base[i]])
                if exact > best or (exact == best and j < holder):
                    best, holder = exact, j
            points.append(PeakPoint(best, steps_a[holder].name))
    return points


def holder_changes(points: Sequence[PeakPoint], labels: Sequence[str]) -> list[str]:
    """'α = 0.5, 160: b2/expand → conv1' wherever the holder differs from the point before."""
    changes = []
    for k in range(1, len(points)):
        if points[k].step != points[k - 1].step:
            changes.append(f"{labels[k]}: {points[k - 1].step} → {points[k].step}")
    return changes

