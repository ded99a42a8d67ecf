"""The plain count without typer (complexity.cli.fast) prints byte for byte what the typer
command prints, and leaves everything else to typer."""

from __future__ import annotations

import pytest

from complexity.cli import fast, main

SAME = [
    ["mobilenet_v1"],
    ["mobilenet_v2", "--format", "json"],
    ["count", "mobilenet_v1", "--alpha", "0.75", "--rho=0.714"],
    ["mobilenet_v1", "--resolution", "160", "--format=csv", "--flops"],
    ["mobilenet_v1", "--summary", "--by-kind", "--convention", "torch", "--format", "markdown"],
    ["mobilenet_v1", "--by-kind", "--format", "csv"],
    ["mobilenet_v1", "--alpha", "3/4", "--format", "latex"],
    ["list"],
    ["list", "--format", "json"],
    ["list", "--format=csv"],
    ["sweep", "mobilenet_v1", "--alpha", "0.5,1", "--rho", "0.5:1:3"],
    ["sweep", "mobilenet_v2", "--alpha", "0.25:1:4", "--resolution", "96,160", "--format", "json"],
    ["sweep", "resnet18", "--convention=torch", "--format", "csv"],
    ["mobilenet_v2", "--memory", "--format", "json"],
    ["mobilenet_v2", "--memory", "--dtype", "int8", "--summary"],
    ["sweep", "mobilenet_v2", "--alpha", "0.5,1", "--rho", "0.5:1:3", "--memory", "--format",
     "json"],
    ["sweep", "mobilenet_v2", "--alpha", "0.5,1", "--resolution", "96,128", "--memory",
     "--schedule", "inverted_residual", "--dtype=float16"],
]
TYPER = [
    [], ["--version"], ["mobilenet_v1", "-h"], ["sweep", "mobilenet_v1", "--plot", "p.png"],
    ["mobilenet_v1", "--memory", "--dtype", "float64"], ["mobilenet_v1", "--device-peak", "1T"],
    ["list", "--output", "x"], ["--alpha", "1"],
    ["mobilenet_v1", "--set", "classes=10"], ["mobilenet_v1", "--plot", "p.png"],
    ["mobilenet_v1", "--alpha", "1", "--alpha", "2"], ["mobilenet_v1", "--resolution", "1e2"],
    ["mobilenet_v1", "--format", "yaml"], ["mobilenet_v1", "--convention", "Paper"],
    ["mobilenet_v1", "--alpha"], ["mobilenet_v1", "--alpha", "-1"], ["mobilenet_v1", "extra"],
]


@pytest.mark.parametrize("argv", SAME, ids=" ".join)
def test_the_fast_path_prints_what_typer_prints(
        argv: list[str], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    assert fast.parse(argv) is not None
    assert fast.run(argv) is True
    quick = capsys.readouterr()
    assert main(argv) == 0
    slow = capsys.readouterr()
    assert quick.out == slow.out and quick.err == slow.err == ""


@pytest.mark.parametrize("argv", TYPER, ids=lambda a: " ".join(a) or "(none)")
def test_anything_else_is_left_to_typer(argv: list[str]) -> None:
    assert fast.parse(argv) is None


@pytest.mark.parametrize("argv", [["nosuch"], ["mobilenet_v1", "--alpha", "x"],
                                  ["mobilenet_v1", "--rho", "0.5", "--resolution", "128"],
                                  ["sweep", "mobilenet_v1", "--rho", "0.5", "--resolution", "96"],
                                  ["sweep", "mobilenet_v1", "--alpha", "0:1:200", "--rho",
                                   "0.5:1:300"]])
def test_errors_print_nothing_and_fall_back(
        argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert fast.run(argv) is False
    assert capsys.readouterr().out == ""
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("error: ")


def loaded(argv: list[str], *modules: str) -> list[bool]:
    """Whether each of ``modules`` is imported after ``fast.run(argv)`` in a fresh process."""
    import subprocess
    import sys

    code = (f"import sys; from complexity.cli import fast; assert fast.run({argv!r});"
            f" print(*(m in sys.modules for m in {modules!r}), file=sys.stderr)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    return [word == "True" for word in run.stderr.split()[-len(modules):]]


@pytest.mark.parametrize("argv", [["mobilenet_v1", "--summary"], ["list"],
                                  ["sweep", "mobilenet_v1", "--alpha", "0.5,1"]])
def test_the_fast_paths_do_not_load_typer(argv: list[str]) -> None:
    assert loaded(argv, "typer", "click") == [False, False]


def test_list_does_not_load_pydantic() -> None:
    assert loaded(["list"], "pydantic") == [False]


def test_the_fast_paths_choices_are_typers() -> None:
    from complexity.cli.group import DType, ScheduleChoice

    assert tuple(DType) == fast.DTYPES and tuple(ScheduleChoice) == fast.SCHEDULES


@pytest.mark.parametrize("width", [60, 80, 100, 120, 200])
def test_list_fits_the_width_and_wraps_titles_at_their_spaces(
        width: int, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from complexity.language.zoo import zoo_entries

    monkeypatch.setenv("COLUMNS", str(width))
    assert fast.run(["list"]) is True
    lines = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in lines) <= max(width, 74)
    entries = {e.name: e for e in zoo_entries()}
    networks = [k for k, line in enumerate(lines) if not line.startswith(" ")]
    assert [lines[k].split()[0] for k in networks] == sorted(entries, key=list(entries).index)
    with_file = width - 74 >= fast.MIN_TITLE  # the zoo's three left columns take 74
    starts = set()
    for k, end in zip(networks, [*networks[1:], len(lines)], strict=True):
        name = lines[k].split()[0]
        entry = entries[name]
        left = lines[k].index(entry.source, len(name)) + len(entry.source)
        start = lines[k].index(entry.title.split()[0], left)
        starts.add(start)
        assert lines[k][:left].split() == [name, *entry.source.split()]
        assert (entry.file.name in lines[k][left:start]) is with_file, name
        assert all(not line[:start].strip() for line in lines[k + 1:end])  # under the title
        title = " ".join(line.strip() for line in [lines[k][start:], *lines[k + 1:end]])
        assert title == " ".join(entry.title.split()), name  # whole words, in order
    assert len(starts) == 1  # one title column
