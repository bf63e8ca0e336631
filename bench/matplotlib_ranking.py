#!/usr/bin/env python3
"""The agency ranking chart drawn with matplotlib, timed in-process, for bench/run.sh.

    python matplotlib_ranking.py --ranking bench/out/ranking-2020-12-31.json \
        [--runs 20] [--ours-png bench/out/postgres/ranking.png] [--out-dir bench/out]

The ranking is the GraphQL answer of bench/queries/ranking.json saved by run.sh (rank, score,
band, agency name). The chart is the same as egov-tracker's ranking chart: one horizontal bar
per agency, best at the top, coloured by band (the same colours), with rank and Vietnamese name
on the left, shaded alternate rows, the score at the end of each bar, a 0-100 axis with grid
lines at top and bottom, a legend of bands, a Vietnamese title and subtitle. Text is DejaVu Sans, the font egov-tracker embeds (matplotlib's default).

It is drawn at 1200x800 px (figsize 12x8 in at 100 dpi) and, when --ours-png is given, also at
the pixel size of egov-tracker's PNG (which is drawn at 2x: 2400 px wide, height from the
number of rows), so both sizes can be compared honestly. Margins are fixed (subplots_adjust),
as egov-tracker's layout constants are; the 1200x800 chart is also timed with tight_layout(),
which measures every label first and is slower. Each timed render builds the figure,
draws it and encodes the PNG into memory (savefig to BytesIO), then closes it; imports and one
warm-up render (font cache) are not timed. Prints JSON with the median and range per size.
"""

import argparse
import io
import json
import os
import statistics
import struct
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

BANDS = {
    "GOOD": ("Tốt", "#009e73"),
    "FAIR": ("Khá", "#56b4e9"),
    "AVERAGE": ("Trung bình", "#e69f00"),
    "WEAK": ("Yếu", "#d55e00"),
}


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    return struct.unpack(">II", head[16:24])


def render(entries, as_of, width_px, height_px, dpi, layout="fixed"):
    fig, ax = plt.subplots(figsize=(width_px / dpi, height_px / dpi), dpi=dpi)
    rows = sorted(entries, key=lambda e: (-e["score"], e["rank"]))
    labels = [f"{e['rank']}. {e['agency']['nameVi']}" for e in rows]
    scores = [e["score"] for e in rows]
    colours = [BANDS[e["band"]][1] for e in rows]
    y = range(len(rows))
    for i in y:
        if i % 2 == 1:
            ax.axhspan(i - 0.5, i + 0.5, color="#f3f4f6", zorder=0)
    ax.barh(y, scores, color=colours, height=0.62, zorder=2)
    ax.set_yticks(list(y), labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xticks([0, 20, 40, 60, 80, 100])
    ax.xaxis.grid(True, color="#dddddd", linewidth=0.6, zorder=0)
    ax.tick_params(axis="x", labelsize=8, top=True, labeltop=True)
    ax.set_xlabel("Điểm", fontsize=8)
    for i, score in enumerate(scores):
        ax.text(score + 0.8, i, f"{score:.1f}".replace(".", ","), va="center", fontsize=7)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    day = as_of.split("-")
    fig.suptitle(
        f"Xếp hạng cơ quan, đơn vị — đến ngày {day[2]}/{day[1]}/{day[0]}",
        x=0.02,
        ha="left",
        fontsize=14,
        fontweight="bold",
    )
    ax.set_title(
        f"Điểm tổng hợp (0–100) · {len(rows)} cơ quan, đơn vị",
        loc="left",
        pad=22,
        fontsize=9,
        color="#555555",
    )
    ax.legend(
        handles=[Patch(color=c, label=l) for l, c in BANDS.values()],
        loc="lower right",
        fontsize=8,
        frameon=False,
        ncols=4,
        bbox_to_anchor=(1.0, 1.04),
    )
    if layout == "tight":
        fig.tight_layout()  # measures every label first: an extra text layout pass
    else:
        fig.subplots_adjust(left=0.25, right=0.94, top=0.86, bottom=0.07)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return buf.getvalue()


def time_size(entries, as_of, width, height, dpi, runs, layout):
    png = render(entries, as_of, width, height, dpi, layout)  # warm-up: font cache, first use
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        png = render(entries, as_of, width, height, dpi, layout)
        times.append((time.perf_counter() - start) * 1000)
    return png, {
        "px": f"{width}x{height}",
        "dpi": dpi,
        "layout": layout,
        "runs": runs,
        "median_ms": round(statistics.median(times), 2),
        "min_ms": round(min(times), 2),
        "max_ms": round(max(times), 2),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ranking", required=True)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--ours-png")
    parser.add_argument("--out-dir")
    parser.add_argument("--as-of", default="2020-12-31")
    args = parser.parse_args()

    answer = json.load(open(args.ranking))
    if answer.get("errors"):
        raise SystemExit(f"the ranking answer has errors: {answer['errors']}")
    entries = answer["data"]["ranking"]
    sizes = [(1200, 800, 100, "fixed")]
    ours = None
    if args.ours_png:
        try:
            ours = png_size(args.ours_png)
            sizes.append((ours[0], ours[1], 200, "fixed"))
        except (OSError, ValueError) as err:
            ours = f"unreadable: {err}"
    sizes.append((1200, 800, 100, "tight"))
    load_before = os.getloadavg()[0]
    results = []
    for width, height, dpi, layout in sizes:
        png, stats = time_size(entries, args.as_of, width, height, dpi, args.runs, layout)
        stats["bytes"] = len(png)
        results.append(stats)
        if args.out_dir:
            with open(f"{args.out_dir}/matplotlib-ranking-{width}x{height}-{layout}.png", "wb") as f:
                f.write(png)
    print(
        json.dumps(
            {
                "matplotlib": matplotlib.__version__,
                "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                "entries": len(entries),
                "load_before": load_before,
                "ours_png_px": f"{ours[0]}x{ours[1]}" if isinstance(ours, tuple) else ours,
                "sizes": results,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
