"""mbcalc peers: what every popular counter prints for a network, beside its MAdds, and why."""

from __future__ import annotations

import json
from typing import Any

from complexity.cli.delivery import Format, deliver
from complexity.cli.group import (
    Alpha,
    Debug,
    Fmt,
    Force,
    Model,
    Output,
    Resolution,
    Rho,
    Sets,
    app,
    spec_of,
    user_errors,
    walk_at,
)


@app.command()
@user_errors
def peers(
    model: Model,
    alpha: Alpha = "1",
    rho: Rho = None,
    resolution: Resolution = None,
    fmt: Fmt = Format.table,
    output: Output = None,
    force: Force = False,
    sets: Sets = None,
    debug: Debug = False,
) -> None:
    """What ptflops, fvcore, thop, torchinfo and FlopCounterMode print, beside the MAdds.

    For the network's torch model; with the paper's figure, and each gap explained term by term.
    """
    from complexity.analysis.peers import PEERS, predict
    from complexity.render.peers import peers_table

    report = walk_at(spec_of(model, sets), alpha, rho, resolution, "paper")
    if fmt is Format.json:
        from complexity.render.peers import as_json

        counters = []
        for name in PEERS:
            holder: dict[str, Any] = {"totals": {}}
            as_json(report, name, holder)
            counters.append(holder["totals"]["as"])
        data = {"model": report.model, "alpha": float(report.alpha), "rho": float(report.rho),
                "resolution": report.resolution, "madds": report.madds,
                "params": predict(report, "flopcounter").params, "peers": counters}
        deliver(fmt, output, force, text=json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    deliver(fmt, output, force, tables=list(peers_table(report)))
