"""Every zoo network keras.applications ships, checked as `mbcalc verify NAME --framework keras`
checks it, with the figures side by side: Keras's count_params() and FlopCounterMode total / 2
on Keras's torch backend beside mbcalc's keras-convention params and MAdds.

    python benchmarks/keras_referee.py [NAME ...] [--markdown FILE]

Without names, all of them (about ten minutes on two cores: the big EfficientNets and ConvNeXt
XLarge take a minute each). tests/test_keras_apps.py makes the same check (the smallest member
of each family by default, the rest with -m fullgrid).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "torch")


def main() -> int:
    from complexity import api
    from complexity.reference.keras_apps import APPLICATIONS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="zoo names (default: all)")
    parser.add_argument("--markdown", help="also write the table to this file")
    args = parser.parse_args()
    names = args.names or list(APPLICATIONS)
    lines = ["| network | size | Keras count_params | mbcalc (keras) | Keras MAdds | mbcalc MAdds "
             "| layers | seconds |", "|---|---|---|---|---|---|---|---|"]
    print("\n".join(lines), flush=True)
    failed = 0
    for name in names:
        start = time.perf_counter()
        check = api.verify(name, framework="keras", sets=dict(APPLICATIONS[name][1]))
        (ours_p, keras_p), (ours_m, keras_m) = check.result.params, check.result.madds
        bad = len(check.mismatches())
        failed += not check.ok
        line = (f"| {name} | {check.report.resolution} | {keras_p:,} | {ours_p:,} | "
                f"{keras_m if keras_m is None else f'{keras_m:,}'} | {ours_m:,} | "
                f"{'all match' if not bad else f'{bad} differ'} | "
                f"{time.perf_counter() - start:.0f} |")
        lines.append(line)
        print(line, flush=True)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")
    print(f"{len(names) - failed} of {len(names)} exact", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
