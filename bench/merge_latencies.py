#!/usr/bin/env python3
"""Merge the per-request latencies that several oha processes stored with --db-url.

Usage: merge_latencies.py A.db B.db ...  ->  {"requests": N, "p50_ms": x, "p99_ms": y, ...}

oha's JSON summary holds percentiles per process, which cannot be combined; its --db-url file
keeps every request (table `oha`, `duration` in seconds), so the percentiles here are over
every request of every process. Nearest-rank percentiles.
"""

import json
import math
import sqlite3
import sys


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def main(paths):
    durations = []
    statuses = {}
    for path in paths:
        con = sqlite3.connect(path)
        for duration, status in con.execute("select duration, status from oha"):
            durations.append(duration * 1000)
            statuses[str(status)] = statuses.get(str(status), 0) + 1
        con.close()
    durations.sort()
    print(
        json.dumps(
            {
                "requests": len(durations),
                "statuses": statuses,
                "p50_ms": percentile(durations, 50),
                "p90_ms": percentile(durations, 90),
                "p99_ms": percentile(durations, 99),
                "max_ms": durations[-1] if durations else None,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
