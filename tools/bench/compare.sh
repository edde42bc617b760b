#!/usr/bin/env bash
# Side-by-side comparison of losskit with PyTorch 1.13 (Debian's python3-torch and python3-torchvision)
# on this machine, in one run, and docs/performance.md from it.
#
#   tools/bench/compare.sh                      # the full comparison (about 30 minutes on a quiet machine)
#   ONLY=mse,huber SIZES=1e5 tools/bench/compare.sh   # a subset (still rewrites docs/performance.md)
#   PEERS=djl,nd4j,tf ONLY=mse tools/bench/compare.sh  # also DJL, ND4J and TensorFlow Java (losskit-peers:
#                     # about 420 MB of jars on first use, 1.5 GB unpacked under losskit-peers/target/)
#
# Both sides time the same cases (same shapes, value distributions, reductions and thread counts;
# value + gradient, float32). The cases alternate, PyTorch then losskit per case, so that both see the
# same load on a shared machine. Raw CSVs and the machine description go to losskit-bench/target/compare/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
out="${OUT_DIR:-$root/losskit-bench/target/compare}"
threads="${THREADS:-1,2}"
sizes="${SIZES:-1e3,1e5,1e6}"
batches="${INFONCE_BATCHES:-256,1024}"
extra="${EXTRA-mse:1e7,l1:1e7,smooth_l1:1e7,huber:1e7,dice:1e7}"
python="${PYTHON:-/usr/bin/python3}"
peers="${PEERS:-}"
for p in ${peers//,/ }; do
  case "$p" in
    djl|nd4j|tf) ;;
    *) echo "compare: PEERS: expected a list of djl, nd4j, tf; found $p" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
rm -f "$out"/case-*.csv

echo "compare: building losskit-bench" >&2
mvn -q -B -Dstyle.color=never -DskipTests -pl losskit-bench -am package >&2
cp="$root/losskit-bench/target/classes:$root/losskit-core/target/classes"
peer_java=()
if [ -n "$peers" ]; then
  echo "compare: building losskit-peers" >&2
  mvn -q -B -Dstyle.color=never -DskipTests -Ppeers -pl losskit-peers -am package >&2
  pt="$root/losskit-peers/target"
  # The native libraries unpack under target/, never the home folder.
  peer_java=(java --add-modules jdk.incubator.vector -Xmx6g
      -DDJL_CACHE_DIR="$pt/djl-cache" -DENGINE_CACHE_DIR="$pt/djl-cache"
      -Dorg.bytedeco.javacpp.cachedir="$pt/javacpp"
      -cp "$pt/classes:$(cat "$pt/peers.classpath")" dev.losskit.peers.JavaPeers)
fi

cases="${ONLY:-$("$python" tools/bench/torch_baseline.py --list | tr '\n' ',')}"
{
  echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cpu:     $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores"
  echo "java:    $(java -version 2>&1 | head -1)"
  echo "python:  $("$python" -c 'import torch, torchvision, sys; print(sys.version.split()[0], "torch", torch.__version__, "torchvision", torchvision.__version__)' 2>/dev/null)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/machine.txt"

run_id="$(date -u +%Y%m%dT%H%M%S)"
for c in ${cases//,/ }; do
  echo "compare: $c" >&2
  "$python" tools/bench/torch_baseline.py --only "$c" --threads "$threads" --sizes "$sizes" \
      --infonce-batches "$batches" --extra "$extra" --no-bandwidth --run-id "$run_id" \
      --out "$out/case-torch-$c.csv" >&2
  # One JVM per thread count: the core splits calls across the common fork-join pool, sized at start-up.
  for th in ${threads//,/ }; do
    pool=()
    [ "$th" = 1 ] && pool=(-Djava.util.concurrent.ForkJoinPool.common.parallelism=0)
    [ "$th" != 1 ] && pool=(-Djava.util.concurrent.ForkJoinPool.common.parallelism=$((th - 1)))
    java --add-modules jdk.incubator.vector -Xmx6g "${pool[@]}" -cp "$cp" dev.losskit.bench.SideBySide \
        --only "$c" --threads "$th" --sizes "$sizes" --infonce-batches "$batches" --extra "$extra" \
        --no-bandwidth --run-id "$run_id" --out "$out/case-losskit-$c-$th.csv" >&2
    # The Java peers on the same case, one JVM each; OMP_NUM_THREADS sets ND4J's threads. A peer
    # that fails (its value differs from losskit's, its natives do not load) leaves no CSV.
    for p in ${peers//,/ }; do
      OMP_NUM_THREADS="$th" "${peer_java[@]}" --peer "$p" --only "$c" --threads "$th" --sizes "$sizes" \
          --run-id "$run_id" --out "$out/case-$p-$c-$th.csv" >&2 ||
        echo "compare: $p failed on $c at $th thread(s); see above" >&2
    done
  done
done
echo "compare: copy bandwidth" >&2
"$python" tools/bench/torch_baseline.py --only none --threads 1 --run-id "$run_id" \
    --out "$out/case-torch-bandwidth.csv" >&2
java -Xmx6g -cp "$cp" dev.losskit.bench.SideBySide --bandwidth-only --run-id "$run_id" --out "$out/case-losskit-bandwidth.csv" >&2
echo "load average at end:   $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"

# One CSV per side: the header once, then every case.
for side in torch losskit; do
  files=("$out"/case-"$side"-*.csv)
  { head -1 "${files[0]}"; for f in "${files[@]}"; do tail -n +2 "$f"; done; } > "$out/$side.csv"
done
peer_args=()
for p in ${peers//,/ }; do
  files=("$out"/case-"$p"-*.csv)
  [ -e "${files[0]}" ] || continue
  { head -1 "${files[0]}"; for f in "${files[@]}"; do tail -n +2 "$f"; done; } > "$out/$p.csv"
  peer_args+=(--peer "$p=$out/$p.csv")
done

# The command that regenerates this page: the script with every setting that was not the default.
command="tools/bench/compare.sh"
for v in ONLY SIZES THREADS INFONCE_BATCHES EXTRA PEERS; do
  [ -n "${!v+x}" ] && command="$v=${!v} $command"
done
"$python" tools/bench/performance.py --torch "$out/torch.csv" --losskit "$out/losskit.csv" \
    --machine "$out/machine.txt" --command "$command" --notes tools/bench/performance-notes.md \
    "${peer_args[@]}" > "$out/performance.md"
mkdir -p docs
mv "$out/performance.md" docs/performance.md
echo "compare: wrote docs/performance.md" >&2
