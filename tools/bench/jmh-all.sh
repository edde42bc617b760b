#!/usr/bin/env bash
# The full JMH matrix: every catalogue id at 1e3, 1e5, 1e6 and 1e7 units, value only and value + gradient,
# one thread and every core. Hours on two cores; pass JMH options to narrow it, e.g.
#   tools/bench/jmh-all.sh -p units=1000000 -wi 2 -i 3
# Results: losskit-bench/target/jmh-all.json.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
mvn -q -B -Dstyle.color=never -DskipTests -pl losskit-bench,losskit-cli -am package >&2
ids="$(java -jar losskit-cli/target/losskit.jar list --format json |
  /usr/bin/python3 -c 'import json, sys; d = json.load(sys.stdin); d = d.get("losses", d) if isinstance(d, dict) else d; print(",".join(x["id"] for x in d))')"
exec java -jar losskit-bench/target/losskit-bench-*-benchmarks.jar LossBenchmark -p "id=$ids" \
    -p units=1000,100000,1000000,10000000 -rf json -rff losskit-bench/target/jmh-all.json "$@"
