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
        help="table, markdown, csv, json, latex or html (default: aligned columns, titles "
              "wrapped to the width).")] = None,
    output: Output = None,
    force: Force = False,
    debug: Debug = False,
) -> None:
    """List the networks in the zoo: name, whose layout it follows, its spec file, its title."""
    from complexity.cli.fast import list_run

    list_run(fmt, output, force)
