#!/usr/bin/env python3
"""Prints bench/run.sh's table and writes bench/out/results-<db>.md and .json.

Reads bench/out/<db>/results.jsonl (one line per workload), bench/out/<db>/environment.txt,
and when present bench/out/peer.json (PostGraphile), bench/out/render-bench.txt (cargo bench
output), bench/out/matplotlib.json and the other database's results-<db>.json for the
cross-database ratio.
"""

import argparse
import json
import os
import re

# The reports bench's ranking PNG figure from the README (an earlier run), used only when this
# run did not run the reports bench itself; the output says so.
README_RANKING_PNG_MS = 30.5


def fmt(value, digits=1):
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    return f"{value:,.{digits}f}"


def mib(kb):
    return "-" if kb in (None, 0) else f"{kb / 1024:.0f} MiB"


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def render_bench(path):
    """The reports bench's medians by output name, and its header line."""
    try:
        text = open(path).read()
    except OSError:
        return None, {}
    medians = {}
    for line in text.splitlines():
        m = re.match(r"^(\S+(?: \(layout\))?)\s+median\s+([\d.]+) ms\s+max\s+([\d.]+) ms\s+(\d+) bytes", line)
        if m:
            medians[m.group(1)] = float(m.group(2))
    return text, medians


def dashboard_row(rows):
    for name in ("dashboard", "dashboard-2p"):
        row = next((r for r in rows if r["workload"] == name and r.get("rps")), None)
        if row:
            return row
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--startup-rss-kb", type=int)
    ap.add_argument("--history-start", type=int)
    ap.add_argument("--history-end", type=int)
    ap.add_argument("--lead-assignments", type=int)
    ap.add_argument("--lead-agencies", type=int)
    ap.add_argument("--peer-ran", type=int, default=0,
                    help="1 when this run measured PostGraphile; otherwise bench/out/peer.json is an "
                         "earlier run's and only appears in ratios labelled with its date")
    args = ap.parse_args()
    out = args.out
    rows = [json.loads(l) for l in open(os.path.join(out, args.db, "results.jsonl")) if l.strip()]
    env = open(os.path.join(out, args.db, "environment.txt")).read().strip()
    peer = load_json(os.path.join(out, "peer.json")) if args.db == "postgres" else None
    if peer is not None and not peer.get("runs"):
        peer = None
    earlier_peer = None
    if peer is not None and not args.peer_ran:
        earlier_peer, peer = peer, None

    table = [("workload", "requests/s", "p50 ms", "p99 ms", "errors", "server peak RSS")]
    for r in rows:
        table.append((f"{r['workload']} (egov-tracker, {args.db})", fmt(r["rps"]), fmt(r["p50_ms"], 2),
                      fmt(r["p99_ms"], 2), r["errors"], mib(r["rss_kb"])))
    if peer:
        for run in peer["runs"]:
            table.append((f"dashboard (PostGraphile {peer['version']}, {run['workers']} process{'es' if run['workers'] > 1 else ''}, postgres)",
                          fmt(run["rps"]), fmt(run["p50_ms"], 2), fmt(run["p99_ms"], 2), run["errors"],
                          mib(run["rss_kb"]) + " (Node)"))

    lines = []
    lines.append(f"# egov-tracker benchmark: {args.db}")
    lines.append("")
    lines.append("```")
    lines.append(env)
    lines.append("```")
    lines.append("")
    lines.append(f"Data: the seeded plan (27 tasks; {args.lead_assignments} lead assignments held by "
                 f"{args.lead_agencies} agencies), {args.history_start} history rows before the read "
                 f"workloads, {args.history_end} after the writes. Server peak RSS at startup "
                 f"(migrate + seed): {mib(args.startup_rss_kb)}; each row's RSS is VmHWM reset just "
                 f"before that workload. RSS of PostgreSQL's own processes is not counted.")
    lines.append("")
    lines.append("| " + " | ".join(table[0]) + " |")
    lines.append("|" + "---|" * len(table[0]))
    for row in table[1:]:
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |")
    lines.append("")
    lines.append("Notes per workload:")
    lines.append("")
    for r in rows:
        lines.append(f"- {r['workload']}: {r.get('note') or ''} (1-min load average before it: {r.get('load_before', '?')}; compiler processes at its end: {r.get('rustc')})")
    if peer:
        for run in peer["runs"]:
            lines.append(f"- PostGraphile x{run['workers']}: {run['answers']} answers in {run['seconds']:.2f} s; "
                         f"answer check: {run['verified']}; {run['sampled']} sampled with curl; compiler processes at its end: {run['rustc']}")

    ratios = []
    ours = dashboard_row(rows)
    if peer and ours:
        best = max(peer["runs"], key=lambda r: r["rps"])
        for run in peer["runs"]:
            ratios.append(f"dashboard requests/s, egov-tracker ({ours['workload']}) on PostgreSQL / PostGraphile "
                          f"x{run['workers']}: {ours['rps']:.1f} / {run['rps']:.1f} = {ours['rps'] / run['rps']:.2f}x")
        ratios.append(f"against the faster PostGraphile (x{best['workers']}): {ours['rps'] / best['rps']:.2f}x "
                      f"(target >= 10x)")
    if earlier_peer and ours:
        best = max(earlier_peer["runs"], key=lambda r: r["rps"])
        ratios.append(f"dashboard requests/s, egov-tracker ({ours['workload']}) on PostgreSQL / PostGraphile "
                      f"x{best['workers']} (not run now; peer measured {earlier_peer['date']}): "
                      f"{ours['rps']:.1f} / {best['rps']:.1f} = {ours['rps'] / best['rps']:.2f}x")
    # egov on SQLite against PostGraphile on PostgreSQL, whichever run came second.
    peer_any = load_json(os.path.join(out, "peer.json"))
    sqlite_results = load_json(os.path.join(out, "results-sqlite.json")) if args.db == "postgres" else None
    sqlite_rows = rows if args.db == "sqlite" else (sqlite_results or {}).get("rows", [])
    s_ours = dashboard_row(sqlite_rows)
    if peer_any and peer_any.get("runs") and s_ours:
        best = max(peer_any["runs"], key=lambda r: r["rps"])
        ratios.append(f"dashboard requests/s, egov-tracker ({s_ours['workload']}) on SQLite / PostGraphile "
                      f"x{best['workers']} on PostgreSQL (peer measured {peer_any['date']}): "
                      f"{s_ours['rps']:.1f} / {best['rps']:.1f} = {s_ours['rps'] / best['rps']:.2f}x (target >= 10x)")

    render_text, medians = render_bench(os.path.join(out, "render-bench.txt"))
    mpl = load_json(os.path.join(out, "matplotlib.json"))
    if mpl:
        ours_ms = medians.get("ranking.png")
        stamp = re.search(r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC)", render_text or "")
        source = f"reports bench of {stamp.group(1) if stamp else '?'}, bench/out/render-bench.txt"
        if ours_ms is None:
            ours_ms = README_RANKING_PNG_MS
            source = "the README's figure from an earlier run of the reports bench (not re-measured here)"
        for size in mpl["sizes"]:
            ratios.append(f"ranking chart PNG: matplotlib {mpl['matplotlib']} ({mpl.get('date', '?')}) at {size['px']} px "
                          f"({size.get('layout', 'tight')} layout), median of {size['runs']}: {size['median_ms']:.1f} ms "
                          f"(1-min load average before: {mpl.get('load_before', '?')}); "
                          f"egov-tracker {ours_ms:.1f} ms for a {mpl['ours_png_px']} px PNG (1200 px wide drawn at 2x; "
                          f"{source}): {size['median_ms'] / ours_ms:.1f}x faster (target >= 20x)")

    if ratios:
        lines.append("")
        lines.append("Ratios:")
        lines.append("")
        lines.extend(f"- {r}" for r in ratios)
    if render_text:
        lines.append("")
        lines.append("In-process rendering (`cargo bench -p egov-tracker --bench reports`):")
        lines.append("")
        lines.append("```")
        lines.append(render_text.strip())
        lines.append("```")

    md = "\n".join(lines) + "\n"
    with open(os.path.join(out, f"results-{args.db}.md"), "w") as f:
        f.write(md)
    with open(os.path.join(out, f"results-{args.db}.json"), "w") as f:
        json.dump({"db": args.db, "environment": env, "rows": rows, "peer": peer, "ratios": ratios,
                   "render_medians_ms": medians, "matplotlib": mpl}, f, ensure_ascii=False, indent=1)

    # The terminal table.
    widths = [max(len(str(row[i])) if i != 4 else min(len(str(row[i])), 60) for row in table) for i in range(6)]
    print()
    for row in table:
        cells = [str(c) if i != 4 else (str(c) if len(str(c)) <= 60 else str(c)[:57] + "...") for i, c in enumerate(row)]
        print("  ".join(c.ljust(widths[i]) if i in (0, 4) else c.rjust(widths[i]) for i, c in enumerate(cells)))
    print()
    for r in ratios:
        print(r)
    print()
    print(f"written: {os.path.join(out, f'results-{args.db}.md')}")


if __name__ == "__main__":
    main()
