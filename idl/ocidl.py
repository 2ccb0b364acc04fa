#!/usr/bin/python3
"""ocidl: compile one IDL file into C (DESIGN.md decision 2, "No pidl").

  ocidl.py --outdir DIR idl/nspi.idl

writes DIR/gen_nspi.h (types), DIR/gen_ndr_nspi.h and DIR/gen_ndr_nspi.c
(NDR push/pull/print on libndr's public API and the interface tables).
Python 3 standard library only; errors name the IDL file and line."""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ocidl import IdlError  # noqa: E402
from ocidl import cheader, model, ndrfile, parser  # noqa: E402


def write(path, text):
    """Write only on change, so make does not rebuild needlessly, and
    atomically, so an interrupted build leaves no half file."""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--outdir", required=True)
    ap.add_argument("idl")
    args = ap.parse_args()
    base = os.path.splitext(os.path.basename(args.idl))[0]
    try:
        interfaces = model.build(parser.parse_file(args.idl), args.idl)
        outputs = {
            "gen_%s.h" % base: cheader.generate(base, interfaces),
            "gen_ndr_%s.h" % base: ndrfile.header(base, interfaces),
            "gen_ndr_%s.c" % base: ndrfile.source(base, interfaces),
        }
    except IdlError as err:
        print(err, file=sys.stderr)
        return 1
    os.makedirs(args.outdir, exist_ok=True)
    for name, text in outputs.items():
        write(os.path.join(args.outdir, name), text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
