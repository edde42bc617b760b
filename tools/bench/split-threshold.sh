#!/usr/bin/env bash
# Chooses the size above which the core splits a call across cores (ParallelRanges.THRESHOLD): times a few
# elementwise losses at 2^12 .. 2^21 units in a JVM that runs each call on one thread, then in a JVM that splits
# every call of two chunks or more, alternating, and prints the gain per size and the smallest size from which
# no loss is slower split. Run it on a quiet machine (about 3 minutes); results in
# losskit-bench/target/split-threshold/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
out="${OUT_DIR:-$root/losskit-bench/target/split-threshold}"
mkdir -p "$out"
mvn -q -B -Dstyle.color=never -DskipTests -pl losskit-bench -am package >&2
cp="$root/losskit-bench/target/classes:$root/losskit-core/target/classes"
# run JVM_OPTION ARGS...: one JVM with that option (the pool size or the split threshold).
run() {
  local opt="$1"
  shift
  java --add-modules jdk.incubator.vector -Xmx2g "$opt" -cp "$cp" dev.losskit.bench.SplitThreshold "$@" \
      2> >(grep -v '^WARNING' >&2)
}
for id in ${IDS:-mse huber log-cosh bce-with-logits}; do
  run -Djava.util.concurrent.ForkJoinPool.common.parallelism=0 --measure "$out/one-$id.csv" --ids "$id"
  run -Dlosskit.split.threshold=65536 --measure "$out/split-$id.csv" --ids "$id"
done
for side in one split; do
  { echo "id,units,threads,median_ns"; for f in "$out/$side"-*.csv; do tail -n +2 "$f"; done; } > "$out/$side.csv"
done
run -Dlosskit.split.threshold=65536 --compare "$out/one.csv" "$out/split.csv" | tee "$out/summary.txt"
