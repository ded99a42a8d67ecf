"""mbcalc schema and mbcalc list: what a spec may hold, and what the zoo holds."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from complexity.cli.delivery import Format, deliver
from complexity.cli.group import (
    Debug,
    Force,
    Output,
    app,
    user_errors,
)


@app.command()
@user_errors
def schema(
    output: Output = None,
    force: Force = False,
    debug: Debug = False,
) -> None:
    """Print the JSON Schema of a spec file (for editors that validate and complete YAML)."""
    from complexity.language.schema import spec_schema

    deliver(Format.json, output, force, text=json.dumps(spec_schema(), indent=2) + "\n")


@app.command("list")
@user_errors
def list_models(
    fmt: Annotated[Format | None, typer.Option(
        "--format", metavar="FORMAT",
        help="table, markdown, csv, json, latex or html (default: one line per network).")] = None,
    output: Output = None,
    force: Force = False,
    debug: Debug = False,
) -> None:
    """List the networks in the zoo: name, whose layout it follows, its spec file, its title."""
    from complexity.language.zoo import zoo_entries

    zoo = zoo_entries()
    if fmt is None:
        width = max(len(entry.name) for entry in zoo) + 2
        source = max(len(entry.source) for entry in zoo) + 2
        file = max(len(entry.file.name) for entry in zoo) + 2
        text = "".join(f"{e.name:{width}}{e.source:{source}}{e.file.name:{file}}{e.title}\n"
                       for e in zoo)
        deliver(Format.markdown, output, force, text=text)
    elif fmt is Format.json:
        data = {"models": [{"model": e.name, "title": e.title, "source": e.source,
                            "file": e.file.name, "variables": e.values} for e in zoo]}
        deliver(fmt, output, force, text=json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        from complexity.render.tables import Table

        table = Table(title="mbcalc zoo", columns=["model", "source", "file", "title"],
                      rows=[[e.name, e.source, e.file.name, e.title] for e in zoo])
        deliver(fmt, output, force, tables=[table])
