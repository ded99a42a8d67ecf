"""complexity.language.sources: telling a spec's path from a zoo name, and where the zoo is,
without pathlib (a count from the cache never imports it)."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from complexity.language.sources import looks_like_path, zoo_dir, zoo_folder

NAMES = ["mobilenet_v1", "net.yaml", "net.yml", "net.YAML", ".yaml", ".yml", "..yaml", "a.b.yaml",
         "net.yaml.bak", "yaml", "net.", "dir/net", "dir\\net", "./net", "net.json", "a..yml"]


@pytest.mark.parametrize("model", NAMES)
def test_a_path_is_what_pathlib_s_suffix_or_a_separator_says(model: str) -> None:
    by_pathlib = (PurePosixPath(model).suffix in (".yaml", ".yml") or "/" in model
                  or "\\" in model)
    assert looks_like_path(model) is by_pathlib


def test_the_zoo_folder_is_the_zoo_dir() -> None:
    assert Path(zoo_folder()) == zoo_dir() and (zoo_dir() / "mobilenet_v1.yaml").is_file()
