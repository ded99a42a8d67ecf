"""complexity.importers.yaml_text: an imported spec's YAML text (no torch needed)."""

from __future__ import annotations

import yaml

from complexity.importers.yaml_text import COMMENT_WIDTH, dump

NETWORK = {"name": "tiny", "resolution": 32, "width_rule": {"rule": "floor"},
           "layers": [{"kind": "conv", "name": "stem", "out": 8, "kernel": 3, "padding": 1},
                      {"kind": "global_pool"}, {"kind": "fc", "out": 10, "width": "fixed"}]}


def test_header_sentences_wrap_at_spaces_within_the_comment_width() -> None:
    long_path = "a/very/long/path/to/the/user's/model/definition_module_with_a_long_name.py:build"
    header = ["Imported by `mbcalc import` from torch.fx: TinyResNet, built by " + long_path + ".",
              "Traced at 3×32×32, eval mode: `resolution` is that size, and --rho / --resolution "
              "rescale it by the layers' own shape rules.", "Short."]
    text = dump(NETWORK, header)
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert len(comments) > len(header)
    assert all(len(line) <= COMMENT_WIDTH + 4 for line in comments), comments
    sentences: list[str] = []
    for line in comments:  # a sentence's continuation lines are indented under its first
        if line.startswith("#   "):
            sentences[-1] += " " + line[4:]
        else:
            sentences.append(line[2:])
    assert sentences == header  # cut only at spaces: no word, path or flag broken
    loaded = yaml.safe_load(text)  # the comments are comments still
    assert loaded["name"] == "tiny" and len(loaded["layers"]) == 3


def test_an_unbreakable_word_stays_whole() -> None:
    word = "x" * (COMMENT_WIDTH + 10)
    text = dump(NETWORK, [word])
    assert text.splitlines()[0] == "# " + word
