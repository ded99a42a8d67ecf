"""mbcalc schema and mbcalc list: what a spec may hold, and what the zoo holds."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from complexity.cli.app import (
    Debug,
    Force,
    Output,
    app,
    user_errors,
)
from complexity.cli.delivery import Format, deliver


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
    """List the networks in the zoo."""
    from complexity.language.zoo import resolve, zoo_names
    from complexity.render.tables import Table

    zoo = [(name, resolve(name).network.title or "") for name in zoo_names()]
    if fmt is None:
        text = "".join(f"{name:24} {title}\n" for name, title in zoo)
        deliver(Format.markdown, output, force, text=text)
    elif fmt is Format.json:
        data = {"models": [{"model": name, "title": title} for name, title in zoo]}
        deliver(fmt, output, force, text=json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        table = Table(title="mbcalc zoo", columns=["model", "title"],
                      rows=[[name, title] for name, title in zoo])
        deliver(fmt, output, force, tables=[table])
