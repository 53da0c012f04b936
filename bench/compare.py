#!/usr/bin/env python3
"""Ratio table of benchmark result files of one format (this project's runner and a peer), medians over rounds.

    python3 bench/compare.py OURS.json PEER.json
    python3 bench/compare.py --ours ours-1.json ours-2.json --peer peer-1.json peer-2.json

Each file: {"env": {...}, "results": [{"id", "kind": "training" | "prediction", "samples_per_s", "seconds",
"final_loss", "median_us", "p99_us", ...}]}. The ratio is always 'how many times better ours is': samples per second
ours/peer, and for batch-1 prediction latency peer/ours (median). With several files per side each figure is the
median of its rounds.
"""
import argparse
import json
import statistics


def load(paths):
    """id -> {field: [value per round]}"""
    merged = {}
    for path in paths:
        with open(path) as f:
            for r in json.load(f)["results"]:
                fields = merged.setdefault(r["id"], {})
                for k, v in r.items():
                    if isinstance(v, (int, float)) and not isinstance(v, bool):
                        fields.setdefault(k, []).append(v)
    return {wid: {k: statistics.median(v) for k, v in fields.items()} for wid, fields in merged.items()}


def peaks(paths):
    """The FMA peak each run of ours measured at its vector width: (bits, median one-thread, median all threads)."""
    envs = [json.load(open(p))["env"] for p in paths]
    envs = [e for e in envs if "fma_peak_gflops" in e]
    if not envs:
        return None
    return (envs[0]["vector_bits"], statistics.median(e["fma_peak_gflops_one_thread"] for e in envs),
            statistics.median(e["fma_peak_gflops"] for e in envs))


def table(ours, peer):
    lines = [f"{'workload':24} {'ours':>14} {'peer':>14} {'ratio':>7}  {'GFLOP/s':>8} {'of peak':>7}"
             f"  loss ours / peer"]
    for wid, p in peer.items():
        o = ours.get(wid)
        if o is None:
            lines.append(f"{wid:24} {'missing':>14} {'':>14} {'':>7}")
            continue
        if "median_us" in p and "median_us" in o:
            a, b, ratio, unit = o["median_us"], p["median_us"], p["median_us"] / o["median_us"], "us"
        else:
            a, b, ratio, unit = o["samples_per_s"], p["samples_per_s"], o["samples_per_s"] / p["samples_per_s"], "/s"
        loss = ""
        if "final_loss" in o and "final_loss" in p:
            loss = f"{o['final_loss']:.4g} / {p['final_loss']:.4g}"
        flops = f"{o['gflops']:>8.1f} {100 * o['of_peak']:>6.0f}%" if "gflops" in o else f"{'':>8} {'':>7}"
        lines.append(f"{wid:24} {a:>12.1f}{unit:>2} {b:>12.1f}{unit:>2} {ratio:>6.2f}x  {flops}  {loss}")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", help="OURS.json PEER.json")
    ap.add_argument("--ours", nargs="+", default=[])
    ap.add_argument("--peer", nargs="+", default=[])
    args = ap.parse_args()
    ours, peer = list(args.ours), list(args.peer)
    if args.files:
        if len(args.files) != 2 or ours or peer:
            ap.error("give either OURS.json PEER.json or --ours ... --peer ...")
        ours, peer = [args.files[0]], [args.files[1]]
    if not ours or not peer:
        ap.error("need at least one file for each side")
    rounds = f"median of {len(ours)} / {len(peer)} rounds" if max(len(ours), len(peer)) > 1 else "one round"
    print(f"ours vs. peer, {rounds}")
    peak = peaks(ours)
    if peak:
        print(f"FMA peak at {peak[0]} bits (ours' runs, median): {peak[1]:.1f} GFLOP/s on one thread,"
              f" {peak[2]:.1f} on all")
    print(table(load(ours), load(peer)))


if __name__ == "__main__":
    main()
