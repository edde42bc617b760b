#!/usr/bin/env python3
"""Writes the reference files of losskit's tests from the peers themselves.

Run with Debian's Python and packages (PyTorch 1.13, torchvision 0.14, scikit-learn):

    apt-get install python3-torch python3-torchvision python3-sklearn
    /usr/bin/python3 tools/reference/generate.py [ID ...]

Each module lists its generators in ALL; every generator returns a Reference whose cases
are written to losskit-core/src/test/resources/reference/<id>.json. CI never runs this script:
the files it writes are committed.
"""
import importlib
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

HERE = os.path.dirname(os.path.abspath(__file__))
# Every module beside this one that is not shared machinery holds the generators of one group of ids.
MODULES = sorted(f[:-3] for f in os.listdir(HERE) if f.endswith(".py") and f not in ("common.py", "generate.py"))


def main(wanted):
    written = 0
    for name in MODULES:
        module = importlib.import_module(name)
        for gen in module.ALL:
            ref = gen()
            if wanted and ref.loss_id not in wanted:
                continue
            path = ref.write()
            written += 1
            print(f"{ref.loss_id}: {len(ref.cases)} cases -> {os.path.relpath(path)}")
    if wanted and written < len(wanted):
        print("warning: not every requested id has a generator", file=sys.stderr)


if __name__ == "__main__":
    main(set(sys.argv[1:]))
