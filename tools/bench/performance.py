#!/usr/bin/python3
"""docs/performance.md from one side-by-side run (stdlib only).

    python3 tools/bench/performance.py --torch torch.csv --losskit losskit.csv \
        --machine machine.txt --command "tools/bench/compare.sh" > docs/performance.md

Both CSV files have the columns of torch_baseline.py (losskit's SideBySide writes them too). The
page gives, per loss, size and thread count, the ns per unit of PyTorch and of losskit and their
ratio; the memory-bandwidth bound of the memory-bound losses (bytes touched by a fused
value+gradient pass divided by the single-thread copy bandwidth measured in the same run); the
geometric-mean speed-up; and which targets of issue 6 are met.

With --peer NAME=CSV (JavaPeers of losskit-peers: DJL, ND4J, TensorFlow Java; same columns, the
`torch` column naming the peer), a second table gives each Java peer's ns/unit beside losskit's and
the fastest peer per case; without it the page is unchanged.
"""
import argparse
import csv
import math

# Bytes a fused value+gradient pass must touch per element: read pred and target, write the gradient
# (gaussian-nll also reads var and writes its gradient). Only for the elementwise and mask losses,
# whose time is bounded by memory traffic.
BYTES_PER_ELEM = {"mse": 12, "l1": 12, "smooth_l1": 12, "huber": 12, "log_cosh": 12, "quantile": 12,
                  "bce_logits": 12, "bce": 12, "focal": 12, "poisson_nll": 12, "gaussian_nll": 20,
                  "kl_div_c100": 12, "dice": 12, "tversky": 12, "dice_logits": 12}
MEMORY_BOUND = ["mse", "l1", "smooth_l1", "huber", "dice"]
FIVE_X = ["log_cosh", "quantile", "bce_logits", "bce", "focal", "gaussian_nll", "kl_div_c100",
          "tversky", "giou", "diou", "ciou", "ssim"]


def load(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def fnum(v):
    if v is None or v != v:
        return "n/a"
    if v >= 1000:
        return "%.0f" % v
    if v >= 100:
        return "%.1f" % v
    if v >= 10:
        return "%.2f" % v
    return "%.3f" % v


def index(rows):
    d = {}
    for r in rows:
        if r["category"] == "loss":
            d[(r["loss"], r["size_label"], r["threads"])] = r
    return d


def main_size(name, keys):
    """1e+06 for size-based cases; the largest batch for batch-sized ones (info-nce)."""
    sizes = sorted({k[1] for k in keys if k[0] == name}, key=float)
    return "1e+06" if "1e+06" in sizes else (sizes[-1] if sizes else None)


def bandwidth(rows, name):
    for r in rows:
        if r["category"] == "reference" and r["loss"] == name and r["threads"] == "1":
            return float(r["median_GBps"])
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--torch", required=True)
    ap.add_argument("--losskit", required=True)
    ap.add_argument("--machine", required=True, help="text file describing the machine and the load")
    ap.add_argument("--command", required=True)
    ap.add_argument("--notes", default=None, help="markdown appended as the page's last section")
    ap.add_argument("--peer", action="append", default=[], metavar="NAME=CSV",
                    help="a Java peer's CSV (losskit-peers' JavaPeers); repeatable")
    a = ap.parse_args()
    peers = []
    for item in a.peer:
        name, sep, path = item.partition("=")
        if not sep or not name or not path:
            ap.error("--peer: expected NAME=CSV, found %s" % item)
        rows = load(path)
        # How the peer set its threads, as it reported them (the env column after "peer=NAME;").
        threads_set = sorted({r["env"].split("peer=%s;" % name, 1)[-1] for r in rows if r.get("env")})
        peers.append((name, next((r["torch"] for r in rows if r.get("torch")), name), index(rows),
                      threads_set))
    trows, lrows = load(a.torch), load(a.losskit)
    t, l = index(trows), index(lrows)
    gbps = bandwidth(trows, "np_copy")
    jgbps = bandwidth(lrows, "java_copy")
    tver = next((r["torch"] for r in trows if r.get("torch")), "?")
    cap = next((r["aten_cpu"] for r in trows if r.get("aten_cpu")), "?")
    with open(a.machine) as f:
        machine = f.read().strip()

    names = []
    for r in trows:
        if r["category"] == "loss" and r["loss"] not in names:
            names.append(r["loss"])
    threads = sorted({k[2] for k in t}, key=int)
    out = []
    w = out.append
    w("# Performance: losskit beside PyTorch")
    w("")
    w("Value and gradient (with respect to the prediction, or every embedding where the peer takes them),")
    w("float32, reduction mean (batchmean for kl-div), on exactly the shapes, value distributions and thread")
    w("counts of the PyTorch %s baseline (`tools/bench/torch_baseline.py`, CPU capability %s)," % (tver, cap))
    w("measured in the same run on the same machine. Regenerate this page with:")
    w("")
    w("```bash")
    w(a.command)
    w("```")
    w("")
    w("**Read the ratios, not the times.** The machine is shared (up to 8 people build on its 2 cores), so")
    w("absolute times vary by 1.5-3x between runs; both sides were timed minutes apart in one run, median of")
    w("5 measurements of at least 0.2 s each. Ratio = PyTorch time / losskit time (above 1: losskit is")
    w("faster).")
    w("")
    w("```")
    w(machine)
    w("```")
    w("")
    if gbps:
        w("Single-thread copy bandwidth measured in this run: %.1f GB/s (`np.copyto`, 100M floats, 8 B per"
          " element)%s. The bandwidth bound of a memory-bound loss is the bytes a fused value+gradient pass must"
          " touch (read pred and target, write the gradient: 12 B per element; 20 B for gaussian-nll) divided by"
          " that bandwidth." % (gbps, "; Java `System.arraycopy`: %.1f GB/s" % jgbps if jgbps else ""))
        w("")

    speedups = {}
    for th in threads:
        w("## %s thread%s, N = 1e6 units (or the largest size run; info-nce: the largest batch, per call)" % (
            th, "" if th == "1" else "s"))
        w("")
        w("| case | losskit id | shape | unit | PyTorch ns/unit | losskit ns/unit | ratio | bound ns/unit | losskit / bound |")
        w("|---|---|---|---|---|---|---|---|---|")
        for n in names:
            size = main_size(n, t.keys())
            tr, lr = t.get((n, size, th)), l.get((n, size, th))
            if tr is None:
                continue
            tu = float(tr["median_ns_per_unit"])
            lu = float(lr["median_ns_per_unit"]) if lr else None
            ratio = tu / lu if lu else None
            if th == "1" and ratio:
                speedups[n] = ratio
            bound = None
            if gbps and n in BYTES_PER_ELEM:
                bound = BYTES_PER_ELEM[n] / gbps * float(tr["n_elems"]) / float(tr["n_units"])
            unit = tr["unit"]
            if n == "infonce":
                tu, lu, unit = float(tr["median_s"]) * 1e9, (float(lr["median_s"]) * 1e9 if lr else None), "call"
            w("| %s | `%s` | %s | %s | %s | %s | %s | %s | %s |" % (
                n, lr["losskit_id"] if lr else "", tr["shape"], unit, fnum(tu), fnum(lu),
                ("**%.2f**" % ratio) if ratio else "n/a", fnum(bound),
                ("%.2f" % (lu / bound)) if (bound and lu and unit != "call") else ""))
        w("")

    geo = math.exp(sum(math.log(v) for v in speedups.values()) / len(speedups)) if speedups else float("nan")
    w("Geometric-mean speed-up over PyTorch, 1 thread, N = 1e6, across the %d cases above: **%.2fx**." % (
        len(speedups), geo))
    w("")

    w("## Every size")
    w("")
    hdr = "| case | size | " + " | ".join("%sT PyTorch ns/unit | %sT losskit ns/unit | %sT ratio" % (th, th, th)
                                          for th in threads) + " |"
    w(hdr)
    w("|---|---|" + "---|" * (3 * len(threads)))
    for n in names:
        sizes = sorted({k[1] for k in t if k[0] == n}, key=float)
        for s in sizes:
            cells = [n, s]
            for th in threads:
                tr, lr = t.get((n, s, th)), l.get((n, s, th))
                tu = float(tr["median_ns_per_unit"]) if tr else None
                lu = float(lr["median_ns_per_unit"]) if lr else None
                cells += [fnum(tu), fnum(lu), ("%.2f" % (tu / lu)) if (tu and lu) else "n/a"]
            w("| " + " | ".join(cells) + " |")
    w("")

    # Per case at 1 thread: the fastest Java peer's ns/unit and name, where a Java peer has the case.
    fastest_java = {}
    if peers:
        java_peers_table(w, names, t, l, peers, threads, fastest_java)

    w("## The targets of issue 6")
    w("")
    slower = sorted(n for n, v in speedups.items() if v < 1)
    if not peers:
        w("- **No loss slower than the fastest peer** (PyTorch 1.13 is the peer measured here; DJL, ND4J and"
          " TensorFlow Java are not in this run): %s." % (
              "met at 1 thread, N = 1e6" if not slower else "not met for " + ", ".join(
                  "%s (%.2f)" % (n, speedups[n]) for n in slower)))
    else:
        beaten = []
        for n, v in speedups.items():
            lu = float(t[(n, main_size(n, t.keys()), "1")]["median_ns_per_unit"]) / v
            if v < 1 or (n in fastest_java and fastest_java[n][0] < lu):
                beaten.append(n)
        w("- **No loss slower than the fastest peer** (PyTorch 1.13 and the Java peers of this run, where they"
          " have the loss): %s." % (
              "met at 1 thread, N = 1e6" if not beaten else "not met for " + ", ".join(sorted(beaten))))
    w("- **Geometric-mean speed-up of at least 3x**: %.2fx, %s." % (geo, "met" if geo >= 3 else "not met"))
    mb = []
    for n in MEMORY_BOUND:
        for s in ("1e+06", "1e+07"):
            lr = l.get((n, s, "1"))
            if lr and gbps:
                bound = BYTES_PER_ELEM[n] / gbps
                mb.append((n, s, float(lr["median_ns_per_elem"]) / bound))
    bad = [x for x in mb if x[2] > 1.5]
    if not mb:
        bad = None
    w("- **Memory-bound losses within 1.5x of the bandwidth bound** (%s, at N = 1e6 and 1e7, 1 thread): %s." % (
        ", ".join(MEMORY_BOUND),
        "not measured in this run" if bad is None else
        ("met (" if not bad else "not met: ") + ", ".join("%s at %s %.2fx" % x for x in (bad or mb)) +
        (")" if not bad else "")))
    five = [(n, speedups[n]) for n in FIVE_X if n in speedups]
    badf = [x for x in five if x[1] < 5]
    w("- **Transcendental and many-term losses at least 5x faster than PyTorch** (%s): %s." % (
        ", ".join(n for n, _ in five),
        "met" if not badf else "not met for " + ", ".join("%s (%.2fx)" % x for x in badf)))
    w("")
    if a.notes:
        with open(a.notes) as f:
            w(f.read().rstrip())
            w("")
    print("\n".join(out))


def java_peers_table(w, names, t, l, peers, threads, fastest_java):
    """The 'Java peers' section: per case, each peer's ns/unit and peer/losskit (above 1: losskit is
    faster), then the fastest peer per case and whether losskit beats it."""
    w("## Java peers")
    w("")
    w("The same cases timed inside Java by %s, with each framework's own loss function and gradient"
      " (DJL: `ai.djl.training.loss` + `GradientCollector`; ND4J: `ILossFunction.computeGradientAndScore`;"
      " TensorFlow Java: `org.tensorflow.framework.losses` + `tf.gradients`, run in a `Session`), with the"
      " thread count of each row set in the framework (see `losskit-peers/README.md`). Each peer's loss value"
      " was checked against losskit's on the same inputs before it was timed. Ratio = peer time / losskit"
      " time (above 1: losskit is faster); a blank cell: the peer has no such loss." % ", ".join(
          p[1] for p in peers))
    w("")
    w("Threads, as each framework reported them: DJL through the system properties"
      " `ai.djl.pytorch.num_threads` and `ai.djl.pytorch.num_interop_threads`, ND4J through `OMP_NUM_THREADS`"
      " and `Nd4j.getEnvironment().setMaxThreads`, TensorFlow through the session's `ConfigProto`:")
    w("")
    for name, label, _, threads_set in peers:
        w("- %s: %s" % (label, "; ".join("`%s`" % x for x in threads_set) or "not reported"))
    w("")
    for th in threads:
        rows, verdicts = [], []
        for n in names:
            size = main_size(n, t.keys())
            lr = l.get((n, size, th))
            lu = float(lr["median_ns_per_unit"]) if lr else None
            cells = []
            best = None
            for name, _, idx, _ in peers:
                pr = idx.get((n, size, th))
                if pr is None:
                    cells += ["", ""]
                    continue
                pu = float(pr["median_ns_per_unit"])
                cells += [fnum(pu), ("**%.2f**" % (pu / lu)) if lu else "n/a"]
                if best is None or pu < best[0]:
                    best = (pu, name)
            if best is None:
                continue
            if th == "1":
                fastest_java[n] = best
            faster = "n/a" if lu is None else ("yes, %.2fx" % (best[0] / lu) if lu < best[0]
                                               else "no, %.2fx" % (best[0] / lu))
            verdicts.append("%s: %s (%s ns/unit), losskit %s" % (
                n, best[1], fnum(best[0]), "faster" if lu and lu < best[0] else "not faster"))
            rows.append("| %s | %s | %s | %s | %s |" % (n, fnum(lu), " | ".join(cells), best[1], faster))
        if not rows:
            continue
        w("### %s thread%s, N = 1e6 units (or the largest size run)" % (th, "" if th == "1" else "s"))
        w("")
        w("| case | losskit ns/unit | " + " | ".join("%s ns/unit | %s / losskit" % (p[0], p[0]) for p in peers) +
          " | fastest Java peer | losskit faster? |")
        w("|---|---|" + "---|---|" * len(peers) + "---|---|")
        for r in rows:
            w(r)
        w("")
        w("Fastest Java peer per case, %s thread%s: %s." % (th, "" if th == "1" else "s", "; ".join(verdicts)))
        w("")


if __name__ == "__main__":
    main()
