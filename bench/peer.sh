#!/usr/bin/env bash
# Peer comparison for bench/run.sh (called by `bench/run.sh postgres --peer`; can be run alone
# against a database egov-tracker has already migrated and filled):
#
#   bash bench/peer.sh DATABASE_URL REFERENCE.json OUT.json
#
# Serves DATABASE_URL with PostGraphile v4 (the version pinned in bench/peers/package.json;
# `npm ci` there if node_modules is missing), with production options: --disable-graphiql,
# --disable-query-log, schema `public` (the tables egov-tracker's migrations create), pool of
# 10 (egov-tracker's pool size too). It is measured twice: as one Node process, and with
# --cluster-workers 2 (one worker per core, as egov-tracker's runtime has one thread per core);
# BENCH_PEER_WORKERS ("1 2") chooses.
#
# The query is bench/queries/postgraphile_dashboard.json: all 27 tasks with number,
# Vietnamese title, status, progress, lead and cooperating agency names (assignments by role)
# and the latest report (PostGraphile: `taskHistoriesByTaskId(orderBy: [EFFECTIVE_ON_DESC,
# ID_DESC], first: 1)`, the same rule as egov-tracker's `Task.latestReport`: effective last,
# the later recorded of two effective the same day). Before measuring,
# the answer is compared with egov-tracker's (REFERENCE.json, the dashboard egov-tracker gave
# on the same database): same task numbers and titles, same lead and cooperating agency names,
# same status and progress, and PostGraphile's latest entry equal to egov-tracker's latestReport
# (or the last entry of `history`, for a dashboard query that asks for the whole history).
#
# Load: the same oha settings as run.sh (BENCH_WARMUP warm-up, BENCH_DURATION,
# BENCH_CONNECTIONS); GraphQL errors are sampled with curl every 0.5 s during the run.
# Peak RSS is VmHWM summed over the Node processes (master and workers), reset before the run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
[[ $# == 3 ]] || { sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }
DATABASE="$1"
REFERENCE="$2"
OUTFILE="$3"
PORT="${BENCH_PEER_PORT:-15000}"
DURATION="${BENCH_DURATION:-10s}"
WARMUP="${BENCH_WARMUP:-2s}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
WORKERS_LIST="${BENCH_PEER_WORKERS:-1 2}"
OHA="${OHA:-$(command -v oha || echo "$BENCH/out/tools/bin/oha")}"
URL="http://127.0.0.1:$PORT/graphql"
BODY="$BENCH/queries/postgraphile_dashboard.json"
OUT="$BENCH/out/peer"
mkdir -p "$OUT"

log() { printf '[peer %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

cd "$BENCH/peers"
if [[ ! -x node_modules/.bin/postgraphile ]]; then
  log "npm ci (PostGraphile, pinned by package-lock.json)"
  npm ci --no-audit --no-fund >"$OUT/npm-ci.log" 2>&1 || die "npm ci failed; see $OUT/npm-ci.log"
fi
VERSION=$(node -p 'require("postgraphile/package.json").version')
log "PostGraphile $VERSION, node $(node --version)"

PG_PID=""
stop() {
  if [[ -n "$PG_PID" ]]; then
    local kids; kids=$(pgrep -P "$PG_PID" || true)
    kill "$PG_PID" 2>/dev/null || true
    for k in $kids; do kill "$k" 2>/dev/null || true; done
    wait "$PG_PID" 2>/dev/null || true
    PG_PID=""
  fi
}
trap stop EXIT

procs() { echo "$PG_PID $(pgrep -P "$PG_PID" | tr '\n' ' ')"; }
reset_hwm() { local p; for p in $(procs); do echo 5 >"/proc/$p/clear_refs" 2>/dev/null || true; done; }
hwm_kb() { local p sum=0 v; for p in $(procs); do v=$(awk '/VmHWM/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0); sum=$((sum + ${v:-0})); done; echo "$sum"; }
graphql_errors() { jq -r '[.errors[]? | .message] | unique | join("; ")'; }
post() { curl -sS -m 60 -X POST "$URL" -H 'content-type: application/json' --data-binary "@$1"; }

runs=()
for workers in $WORKERS_LIST; do
  args=(-c "$DATABASE" --schema public --host 127.0.0.1 --port "$PORT" --disable-graphiql --disable-query-log --max-pool-size 10)
  ((workers > 1)) && args+=(--cluster-workers "$workers")
  log "starting postgraphile ${args[*]/$DATABASE/DATABASE_URL}"
  NODE_ENV=production node_modules/.bin/postgraphile "${args[@]}" >"$OUT/postgraphile-$workers.log" 2>&1 &
  PG_PID=$!
  for _ in $(seq 1 300); do
    if curl -sf -m 2 -X POST "$URL" -H 'content-type: application/json' -d '{"query":"{ __typename }"}' >/dev/null 2>&1; then break; fi
    kill -0 "$PG_PID" 2>/dev/null || { cat "$OUT/postgraphile-$workers.log" >&2; die "postgraphile exited"; }
    sleep 0.2
  done
  # With cluster workers, wait until every worker answers (the master forks them one by one).
  sleep 2

  post "$BODY" >"$OUT/dashboard-$workers.json"
  errs=$(graphql_errors <"$OUT/dashboard-$workers.json")
  [[ -z "$errs" ]] || die "PostGraphile refused the dashboard query: $errs"
  verified=$(python3 - "$REFERENCE" "$OUT/dashboard-$workers.json" <<'PY'
import json, sys
ref = json.load(open(sys.argv[1]))["data"]["tasks"]["nodes"]
peer = json.load(open(sys.argv[2]))["data"]["allTasks"]["nodes"]
problems = []
if len(peer) != 27 or len(ref) != 27:
    problems.append(f"{len(peer)} tasks from PostGraphile, {len(ref)} from egov-tracker")
by_number = {t["number"]: t for t in peer}
names = lambda agencies: sorted(a["nameVi"] for a in agencies)
for t in ref:
    p = by_number.get(t["number"])
    if p is None:
        problems.append(f"task {t['number']} missing"); continue
    if p["titleVi"] != t["titleVi"]:
        problems.append(f"task {t['number']}: title differs")
    if (p["status"], p["progress"]) != (t["status"], t["progress"]):
        problems.append(f"task {t['number']}: status/progress differ")
    if names(n["agencyByAgencyId"] for n in p["lead"]["nodes"]) != names(t["leadAgencies"]):
        problems.append(f"task {t['number']}: lead agencies differ")
    if names(n["agencyByAgencyId"] for n in p["cooperating"]["nodes"]) != names(t["cooperatingAgencies"]):
        problems.append(f"task {t['number']}: cooperating agencies differ")
    if "latestReport" in t:
        last = t["latestReport"]
    else:
        last = t["history"][-1] if t["history"] else None
    latest = p["latest"]["nodes"][0] if p["latest"]["nodes"] else None
    if (last is None) != (latest is None) or (last and (
        (last["status"], last["progress"], last["effectiveOn"], last["note"], last["agency"]["nameVi"])
        != (latest["status"], latest["progress"], latest["effectiveOn"], latest["note"], latest["agencyByAgencyId"]["nameVi"]))):
        problems.append(f"task {t['number']}: latest report differs")
with_history = sum(1 for t in peer if t["latest"]["nodes"])
if problems:
    print("MISMATCH: " + "; ".join(problems[:6]))
else:
    leads = sum(len(t["lead"]["nodes"]) for t in peer)
    coops = sum(len(t["cooperating"]["nodes"]) for t in peer)
    print(f"same 27 tasks, titles, status/progress, {leads} lead and {coops} cooperating agency names, "
          f"latest report of the {with_history} tasks that have one")
PY
)
  log "answer check: $verified"
  [[ "$verified" != MISMATCH* ]] || die "PostGraphile's dashboard differs from egov-tracker's: $verified"

  log "dashboard on PostGraphile ($workers process(es)): warm-up $WARMUP, then $DURATION x $CONNECTIONS connections"
  "$OHA" --no-tui --output-format json -w -z "$WARMUP" -c "$CONNECTIONS" -m POST \
    -H 'content-type: application/json' -D "$BODY" "$URL" >"$OUT/oha-warmup-$workers.json"
  reset_hwm
  # Sample for GraphQL errors during the run.
  (
    end=$(( $(date +%s) + ${DURATION%s} )); ok=0; bad=0
    : >"$OUT/sample-errors-$workers.txt"
    while (( $(date +%s) < end )); do
      resp=$(post "$BODY" 2>&1 || true)
      e=$(graphql_errors <<<"$resp" 2>/dev/null || echo "unparsable: ${resp:0:200}")
      if [[ -z "$e" ]] && jq -e '.data != null' <<<"$resp" >/dev/null 2>&1; then ok=$((ok + 1)); else bad=$((bad + 1)); echo "${e:-no data}" >>"$OUT/sample-errors-$workers.txt"; fi
      sleep 0.5
    done
    echo "$ok $bad" >"$OUT/sample-counts-$workers.txt"
  ) &
  sampler=$!
  "$OHA" --no-tui --output-format json -w -z "$DURATION" -c "$CONNECTIONS" -m POST \
    -H 'content-type: application/json' -D "$BODY" "$URL" >"$OUT/oha-$workers.json"
  wait "$sampler" || true
  rss=$(hwm_kb)
  read -r ok bad <"$OUT/sample-counts-$workers.txt"
  after=$(post "$BODY" | graphql_errors)
  f="$OUT/oha-$workers.json"
  errors=$(jq '([.statusCodeDistribution | to_entries[] | select(.key | test("^2") | not) | .value] | add // 0) + ([.errorDistribution[]] | add // 0)' "$f")
  ((bad == 0)) || errors="$errors; $bad of $((ok + bad)) sampled answers had GraphQL errors: $(sort -u "$OUT/sample-errors-$workers.txt" | head -3 | tr '\n' ' ')"
  [[ -z "$after" ]] || errors="$errors; after: $after"
  runs+=("$(jq -c --argjson w "$workers" --arg e "$errors" --argjson rss "$rss" --arg v "$verified" \
    --argjson sampled "$((ok + bad))" --argjson rustc "$(( $(pgrep -c -x rustc || true) + $(pgrep -c -x clippy-driver || true) ))" '{
      workers: $w,
      rps: (([.statusCodeDistribution | to_entries[] | select(.key | test("^2")) | .value] | add // 0) / .summary.total),
      p50_ms: .metrics.latency_ms.p50, p99_ms: .metrics.latency_ms.p99,
      answers: ([.statusCodeDistribution[]] | add // 0), seconds: .summary.total,
      errors: $e, rss_kb: $rss, verified: $v, sampled: $sampled, rustc: $rustc}' "$f")")
  log "PostGraphile x$workers: $(jq -r '"\(.rps | floor) req/s, p50 \(.p50_ms) ms, p99 \(.p99_ms) ms"' <<<"${runs[-1]}")"
  stop
done

printf '%s\n' "${runs[@]}" | jq -s --arg v "$VERSION" --arg node "$(node --version)" \
  --arg date "$(date -u '+%Y-%m-%d %H:%M UTC')" --arg d "$DURATION" --arg c "$CONNECTIONS" \
  '{peer: "PostGraphile", version: $v, node: $node, date: $date, duration: $d, connections: ($c | tonumber), runs: .}' >"$OUTFILE"
log "wrote $OUTFILE"
