"""The public Python face of mbcalc: the CLI's commands as functions that return values.

``import complexity as mb`` then ``mb.count("mobilenet_v1", alpha=0.75, rho=0.714)``. Every
function raises ``MbcalcError`` (``SpecError`` for specs, with file:line, layer and field) on bad
input, never ``SystemExit``. Numbers may be given as ints, floats, strings or Fractions; a float
is read as the decimal it prints as (0.714 is 714/1000), as the CLI reads its options.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal

from complexity.errors import MbcalcError

if TYPE_CHECKING:
    from complexity.analysis.verify import Progress
    from complexity.language.sources import LoadedSpec
    from complexity.report import Check, ClosedForm, Comparison, Report, Sweep

Number = int | float | str | Fraction
"""A multiplier or size: 0.75, "0.75", Fraction(3, 4)."""
Convention = Literal["paper", "torch", "keras"]
CONVENTIONS = ("paper", "torch", "keras")


def load(source: LoadedSpec | str | os.PathLike[str] | Mapping[str, Any],
         sets: Mapping[str, Any] | None = None) -> LoadedSpec:
    """A validated spec from a zoo name (``"mobilenet_v1"``), a spec file's path, YAML text
    or a dict in the spec format; ``sets`` overrides the spec's variables (as ``--set``)."""
    from complexity.language.sources import LoadedSpec
    from complexity.language.specfile import load_spec
    from complexity.language.zoo import resolve

    overrides = _sets(sets)
    if isinstance(source, LoadedSpec):
        if overrides:
            raise MbcalcError("sets= needs a spec's source (name, path, text or dict), not a "
                              "loaded spec")
        return source
    if isinstance(source, Mapping):
        import yaml

        return load_spec(yaml.safe_dump(dict(source), sort_keys=False), "<dict>", overrides)
    if isinstance(source, os.PathLike):
        return resolve(os.fspath(source), overrides)
    if not isinstance(source, str):
        raise MbcalcError(f"expected a zoo name, a path, YAML text or a dict, got "
                          f"{type(source).__name__}")
    if "\n" in source or source.lstrip().startswith("{"):
        return load_spec(source, "<text>", overrides)
    return resolve(source, overrides)


def count(spec: LoadedSpec | str | os.PathLike[str] | Mapping[str, Any], alpha: Number = 1,
          rho: Number | None = None, resolution: int | None = None,
          convention: Convention = "paper", sets: Mapping[str, Any] | None = None) -> Report:
    """Params and MAdds of a network, layer by layer, at width multiplier ``alpha`` and
    resolution multiplier ``rho`` (input round(ρ·R)) or an explicit ``resolution``."""
    from complexity.report import Report

    return Report.of(_walk(load(spec, sets), alpha, rho, resolution, convention))


def sweep(spec: LoadedSpec | str | os.PathLike[str] | Mapping[str, Any],
          alpha: Sequence[Number] | Number = (1,), rho: Sequence[Number] | Number | None = None,
          resolution: Sequence[int] | int | None = None, convention: Convention = "paper",
          sets: Mapping[str, Any] | None = None) -> Sweep:
    """Totals over the grid α × ρ (or α × resolution), α varying slowest."""
    from complexity.analysis.sweep import sweep as run_sweep
    from complexity.report import Sweep

    if rho is not None and resolution is not None:
        raise MbcalcError("give rho or resolution, not both")
    loaded = load(spec, sets)
    alphas = [_positive("alpha", a) for a in _many(alpha)]
    rhos = [_positive("rho", r) for r in _many(rho)] if rho is not None else None
    sizes = [_size(r) for r in _many(resolution)] if resolution is not None else None
    if not alphas or rhos == [] or sizes == []:
        raise MbcalcError("sweep needs at least one value of each multiplier")
    points = run_sweep(loaded, alphas, rhos, sizes, _convention(convention))
    return Sweep(loaded.network.name, convention, tuple(points), sizes is not None)


def formula(spec: LoadedSpec | str | os.PathLike[str] | Mapping[str, Any],
            convention: Convention = "paper",
            sets: Mapping[str, Any] | None = None) -> ClosedForm:
    """The totals as closed forms in α and ρ (sympy expressions in ``alpha`` and ``rho``),
    unrounded: exact wherever no channel count or size is rounded."""
    from complexity.engine.walk import walk
    from complexity.report import ClosedForm

    walked = walk(load(spec, sets), convention=_convention(convention))
    return ClosedForm(walked.model, walked.convention, walked)


def solve(spec: LoadedSpec | str | os.PathLike[str] | Mapping[str, Any],
          madds: int | float | None = None, params: int | float | None = None,
          alpha: Number | None = None, rho: Number | None = None, resolution: int | None = None,
          convention: Convention = "paper", sets: Mapping[str, Any] | None = None) -> Report:
    """The network at the largest α (on a 1/1000 grid, at ``rho``/``resolution``) — or, given
    ``alpha``, the largest input resolution — whose exact MAdds or params fit the budget."""
    from complexity.analysis.solve import solve_alpha, solve_resolution
    from complexity.report import Report

    if (madds is None) == (params is None):
        raise MbcalcError("give one budget: madds= or params=")
    metric: Literal["madds", "params"] = "madds" if madds is not None else "params"
    limit = _budget(metric, madds if madds is not None else params)
    loaded = load(spec, sets)
    if alpha is not None:
        if rho is not None or resolution is not None:
            raise MbcalcError("alpha= solves for ρ: do not give rho or resolution too")
        solution = solve_resolution(loaded, metric, limit, _positive("alpha", alpha),
                                    _convention(convention))
    else:
        solution = solve_alpha(loaded, metric, limit, _optional("rho", rho),
                               _size(resolution) if resolution is not None else None,
                               _convention(convention))
    return Report.of(solution.report)


def compare(cin: int, cout: int, kernel: int, size: int, stride: int = 1, groups: int = 2,
            expansion: int = 6, alpha: Number = 1, rho: Number = 1,
            variants: Sequence[str] | None = None) -> Comparison:
    """One layer (``cin`` → ``cout`` channels, ``kernel``², ``size``² output) costed as a
    standard conv and as its cheaper designs, side by side (``mbcalc compare``)."""
    from complexity.analysis.compare import Problem, scaled
    from complexity.analysis.compare import compare as run_compare
    from complexity.report import Comparison

    for name, value in (("cin", cin), ("cout", cout), ("kernel", kernel), ("size", size),
                        ("stride", stride), ("groups", groups), ("expansion", expansion)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise MbcalcError(f"{name} must be a positive integer, got {value!r}")
    given = Problem(cin, cout, kernel, size, stride, groups, expansion)
    a, r = _positive("alpha", alpha), _positive("rho", rho)
    problem = scaled(given, a, r)
    results = run_compare(problem, list(variants) if variants is not None else None)
    return Comparison(problem, tuple(results), given, a, r)


def verify(spec: LoadedSpec | str | os.PathLike[str] | Mapping[str, Any], model: Any = None,
           alpha: Number = 1, rho: Number | None = None, resolution: int | None = None,
           sets: Mapping[str, Any] | None = None, arguments: Mapping[str, Any] | None = None,
           framework: Literal["torch", "keras"] = "torch",
           progress: Progress | None = None) -> Check:
    """Check a spec against a real model, layer by layer and in total (``mbcalc verify``).

    ``model`` is a ``torch.nn.Module`` or a Keras model; or ``"file.py:callable"`` /
    ``"package.module:callable"``, called with ``arguments`` (this imports and runs that
    Python code); or None for the zoo's own reference of the spec's network (``framework``
    torch or keras). Torch models run once on a zeros input at the spec's resolution;
    ``progress`` is told what is happening. The result's ``ok`` says whether all agree.
    """
    from complexity.analysis import verify as check
    from complexity.report import Check, Report

    loaded = load(spec, sets)
    network = loaded.network
    say = progress or (lambda _message: None)
    source = "model"
    if isinstance(model, str):
        from complexity.reference.user import build_model

        os.environ.setdefault("KERAS_BACKEND", "torch")  # a Keras model runs on torch unless told
        say(f"building model {model} …")
        source = model
        model = build_model(model, arguments)
    elif arguments:
        raise MbcalcError("arguments= is for a model given as 'file.py:callable'")
    if model is None:
        if framework not in ("torch", "keras"):
            raise MbcalcError(f"framework must be torch or keras, got {framework!r}")
        size = _walk(loaded, alpha, rho, resolution, framework).resolution
        say(f"building the {framework} reference of {network.name} …")
        model = (check.torch_model(network.name, float(_positive("alpha", alpha)),
                                   dict(network.variables)) if framework == "torch"
                 else check.keras_model(network.name, float(_positive("alpha", alpha)), size,
                                        dict(network.variables)))
        source = "torch reference" if framework == "torch" else "keras.applications"
    from complexity.reference.user import framework_of

    kind = framework_of(model)
    walked = _walk(loaded, alpha, rho, resolution, kind)
    if kind == "torch":
        measured: Any = check.measure_torch(model, walked.resolution, network.in_channels,
                                            training=check.has_side_branch(network.layers),
                                            progress=say)
    else:
        say("measuring the keras model …")
        measured = check.measure_keras_model(model, say)
    return Check(Report.of(walked), kind, check.verify(walked, measured), source)


def _walk(spec: LoadedSpec, alpha: Number, rho: Number | None, resolution: int | None,
          convention: str) -> Any:
    from complexity.engine.walk import walk

    if rho is not None and resolution is not None:
        raise MbcalcError("give rho or resolution, not both")
    return walk(spec, _positive("alpha", alpha), _optional("rho", rho),
                _size(resolution) if resolution is not None else None,
                _convention(convention))


def _convention(value: str) -> Any:
    if value not in CONVENTIONS:
        raise MbcalcError(f"convention must be one of {', '.join(CONVENTIONS)}, got {value!r}")
    return value


def _positive(name: str, value: Number) -> Fraction:
    """An exact positive number; a float as the decimal it prints as (0.714 → 714/1000)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Fraction):
        raise MbcalcError(f"{name} must be a number such as 0.75, got {value!r}")
    try:
        exact = Fraction(str(value).strip()) if not isinstance(value, Fraction) else value
    except (ValueError, ZeroDivisionError):
        raise MbcalcError(f"{name} must be a number such as 0.75, got {value!r}") from None
    if exact <= 0:
        raise MbcalcError(f"{name} must be positive, got {value}")
    return exact


def _optional(name: str, value: Number | None) -> Fraction | None:
    return None if value is None else _positive(name, value)


def _size(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise MbcalcError(f"resolution must be a positive integer, got {value!r}")
    return value


def _budget(metric: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise MbcalcError(f"{metric}= must be a positive count such as 300e6, got {value!r}")
    return int(value)


def _many(value: Any) -> list[Any]:
    return list(value) if isinstance(value, Sequence) and not isinstance(value, str) else [value]


def _sets(sets: Mapping[str, Any] | None) -> dict[str, Any]:
    if sets is None:
        return {}
    if not isinstance(sets, Mapping):
        raise MbcalcError(f"sets must be a dict of variable values, got {type(sets).__name__}")
    for key, value in sets.items():
        if not isinstance(key, str) or not isinstance(value, bool | int | float | str):
            raise MbcalcError(f"sets: {key!r} must be a name with a number, true/false or a "
                              f"word, got {value!r}")
    return dict(sets)


__all__ = ["load", "count", "sweep", "formula", "solve", "compare", "verify"]
