"""The cache of validated specs: a spec read from an entry walks exactly as the validated spec
does, every change to what it was made from is a miss, and a bad entry or directory is only a
miss."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

import complexity
from complexity.engine.walk import Report, walk
from complexity.language import cache
from complexity.language.cache import CachedNetwork
from complexity.language.zoo import resolve, zoo_dir, zoo_names


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("MBCALC_CACHE_DIR", str(folder))
    monkeypatch.delenv("MBCALC_NO_CACHE", raising=False)
    return folder


def _rows(report: Report) -> list[tuple[object, ...]]:
    return [(r.name, r.kind, r.category, r.input, r.output, str(r.params_formula),
             str(r.madds_formula), dict(r.values), r.params, r.madds, r.params_closed,
             r.madds_closed, r.input_closed, r.output_closed) for r in report.rows]


def _same(a: Report, b: Report) -> bool:
    return (_rows(a) == _rows(b) and a.reads == b.reads and a.spans == b.spans
            and (a.params, a.madds, a.params_closed, a.madds_closed)
            == (b.params, b.madds, b.params_closed, b.madds_closed)
            and (a.model, a.title, a.resolution) == (b.model, b.title, b.resolution))


def _cached(model: str) -> CachedNetwork:
    spec = cache.load(model)
    assert isinstance(spec.network, CachedNetwork), f"{model}: not read from the cache"
    return spec.network


@pytest.mark.parametrize("model", zoo_names())
def test_a_cached_zoo_network_walks_as_the_validated_one(model: str, cache_dir: Path) -> None:
    validated = resolve(model)
    first = cache.load(model)  # a miss: validated, then written
    assert not isinstance(first.network, CachedNetwork)
    cached = cache.load(model)
    assert isinstance(cached.network, CachedNetwork)
    for alpha, rho, convention in ((Fraction(1), None, "paper"),
                                   (Fraction(3, 4), Fraction(5, 7), "torch"),
                                   (Fraction(1, 2), Fraction(1, 2), "keras")):
        assert _same(walk(validated, alpha, rho, convention=convention),
                     walk(cached, alpha, rho, convention=convention)), (model, alpha, rho)


def test_a_user_spec_is_cached_and_its_edits_are_seen(cache_dir: Path, tmp_path: Path) -> None:
    spec = tmp_path / "net.yaml"
    spec.write_text("name: net\nresolution: 32\nlayers:\n"
                    "  - {kind: conv_bn, out: 8, stride: 2}\n  - {kind: global_pool}\n"
                    "  - {kind: fc, out: 10}\n")
    before = spec.read_text()
    first = walk(cache.load(str(spec)))
    assert isinstance(cache.load(str(spec)).network, CachedNetwork)
    assert spec.read_text() == before  # nothing the user gave is touched
    spec.write_text(spec.read_text().replace("out: 10", "out: 100"))  # same size class, no wait
    edited = cache.load(str(spec))
    assert not isinstance(edited.network, CachedNetwork)  # the text differs: validated again
    assert walk(edited).params == first.params + 8 * 90
    assert walk(cache.load(str(spec))).params == first.params + 8 * 90


def test_every_input_of_the_key_makes_its_own_entry(cache_dir: Path) -> None:
    cache.load("resnet18")
    cache.load("resnet18", {"classes": 10})
    cache.load("resnet34")
    names = sorted(p.name.rsplit("-", 1)[0] for p in cache_dir.glob("*.json"))
    assert names == ["resnet18", "resnet34"]  # one entry per name: the --set one replaced
    assert walk(_loaded("resnet18", {"classes": 10})).params == walk(
        resolve("resnet18", {"classes": 10})).params


def _loaded(model: str, overrides: dict[str, object]) -> object:
    cache.load(model, overrides)  # type: ignore[arg-type]
    spec = cache.load(model, overrides)  # type: ignore[arg-type]
    assert isinstance(spec.network, CachedNetwork)
    return spec


def test_a_changed_zoo_or_language_module_is_a_miss(cache_dir: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    cache.load("mobilenet_v1")
    _cached("mobilenet_v1")
    real = cache._stats

    def touched(folder: str, suffix: str) -> list[tuple[str, int, int]]:
        found = real(folder, suffix)
        return [(name, size, mtime + 1) for name, size, mtime in found]

    monkeypatch.setattr(cache, "_stats", touched)  # every file a nanosecond newer
    assert not isinstance(cache.load("mobilenet_v1").network, CachedNetwork)


@pytest.mark.parametrize("damage", ["{", '{"key": 1}', "[]", "null", "x" * 10])
def test_a_damaged_entry_is_a_miss_and_is_rewritten(cache_dir: Path, damage: str) -> None:
    cache.load("mobilenet_v1")
    (entry,) = cache_dir.glob("*.json")
    entry.write_text(damage)
    assert not isinstance(cache.load("mobilenet_v1").network, CachedNetwork)
    assert json.loads(entry.read_text())["network"]["name"] == "mobilenet_v1"
    _cached("mobilenet_v1")


def test_an_entry_with_other_values_under_the_right_key_is_refused(cache_dir: Path) -> None:
    """An entry's items are checked as it is read: an unknown class or field is a miss."""
    cache.load("mobilenet_v1")
    (entry,) = cache_dir.glob("*.json")
    data = json.loads(entry.read_text())
    data["network"]["layers"][0]["@"] = "Exec"
    entry.write_text(json.dumps(data))
    assert not isinstance(cache.load("mobilenet_v1").network, CachedNetwork)
    data["network"]["layers"][0]["@"] = "Conv"
    data["network"]["layers"][0]["surprise"] = 1
    entry.write_text(json.dumps(data))
    assert not isinstance(cache.load("mobilenet_v1").network, CachedNetwork)


def test_no_cache_dir_or_an_unwritable_one_only_costs_time(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("MBCALC_CACHE_DIR", str(blocker / "cache"))  # under a file: unwritable
    assert walk(cache.load("mobilenet_v1")).params == walk(resolve("mobilenet_v1")).params
    monkeypatch.setenv("MBCALC_NO_CACHE", "1")
    monkeypatch.setenv("MBCALC_CACHE_DIR", str(tmp_path / "off"))
    cache.load("mobilenet_v1")
    cache.load("mobilenet_v1")
    assert not (tmp_path / "off").exists()


def test_the_default_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MBCALC_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.directory() == str(tmp_path / "mbcalc")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache.directory() == str(tmp_path / ".cache" / "mbcalc")


def test_a_zoo_file_edited_in_place_is_a_miss(cache_dir: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from complexity.language import zoo

    copy = tmp_path / "zoo"
    copy.mkdir()
    source = (zoo_dir() / "mobilenet_v1.yaml").read_text()
    (copy / "mobilenet_v1.yaml").write_text(source)
    monkeypatch.setattr(zoo, "zoo_dir", lambda: copy)
    monkeypatch.setattr(cache, "zoo_folder", lambda: str(copy))
    zoo.zoo_index.cache_clear()
    try:
        base = walk(cache.load("mobilenet_v1")).params
        assert walk(_cached_spec("mobilenet_v1")).params == base
        (copy / "mobilenet_v1.yaml").write_text(source.replace("classes: 1000", "classes: 10"))
        zoo.zoo_index.cache_clear()
        changed = cache.load("mobilenet_v1")
        assert not isinstance(changed.network, CachedNetwork)
        assert walk(changed).params == base - 1024 * 990
    finally:
        zoo.zoo_index.cache_clear()


def _cached_spec(model: str) -> object:
    spec = cache.load(model)
    assert isinstance(spec.network, CachedNetwork)
    return spec


_PROBE = """
import sys
before = set(sys.modules)  # what the interpreter's start-up imported (a .pth may import pathlib)
from complexity.cli.fast import run
assert run(sys.argv[1:])
print(sorted(m for m in ("pydantic", "yaml", "typer", "rich", "dataclasses", "inspect",
                         "pathlib") if m in sys.modules and m not in before), file=sys.stderr)
"""


def test_a_cached_count_imports_neither_pydantic_nor_yaml(cache_dir: Path) -> None:
    """Nor typer, rich, dataclasses and inspect (``complexity.frozen``), or pathlib."""
    def count(*flags: str, **env: str) -> tuple[str, str]:
        done = subprocess.run([sys.executable, *flags, "-c", _PROBE, "efficientnet_b0",
                               "--format", "json"], capture_output=True, text=True, check=True,
                              env={**os.environ, "MBCALC_CACHE_DIR": str(cache_dir), **env})
        return done.stdout, done.stderr.strip()

    first, loaded = count()
    assert "pydantic" in loaded and "yaml" in loaded  # the first run validates
    again, loaded = count()
    assert loaded == "[]"
    root = str(Path(complexity.__file__).parent.parent)  # without site: nothing preloaded
    assert count("-S", PYTHONPATH=root) == (again, "[]")
    uncached, loaded = count(MBCALC_NO_CACHE="1")
    assert "pydantic" in loaded
    assert again == first == uncached


def test_an_entry_is_not_removed_for_a_name_that_begins_like_it(cache_dir: Path,
                                                                tmp_path: Path) -> None:
    text = "name: n\nresolution: 8\nlayers:\n  - {kind: conv, out: 4}\n"
    for stem in ("net-b", "net"):  # "net-*.json" matches net-b's entry too
        (tmp_path / f"{stem}.yaml").write_text(text)
        cache.load(str(tmp_path / f"{stem}.yaml"))
    assert sorted(p.name[:-len("-12345678.json")] for p in cache_dir.glob("*.json")) == [
        "net", "net-b"]
    cache.load(str(tmp_path / "net.yaml"))  # a hit: nothing rewritten, nothing removed
    assert len(list(cache_dir.glob("*.json"))) == 2


def test_a_link_pointed_elsewhere_is_a_miss(cache_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("name: n\nresolution: 8\nlayers:\n  - {kind: conv, out: 4}\n")
    (tmp_path / "b.yaml").write_text("name: n\nresolution: 8\nlayers:\n  - {kind: conv, out: 5}\n")
    link = tmp_path / "net.yaml"
    link.symlink_to(tmp_path / "a.yaml")
    assert walk(cache.load(str(link))).params == 3 * 9 * 4
    assert isinstance(cache.load(str(link)).network, CachedNetwork)
    link.unlink()
    link.symlink_to(tmp_path / "b.yaml")
    moved = cache.load(str(link))
    assert not isinstance(moved.network, CachedNetwork)
    assert walk(moved).params == 3 * 9 * 5
