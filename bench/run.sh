#!/usr/bin/env bash
# Benchmark harness for egov-tracker (issue #6). Run by hand; not part of CI.
#
# Usage:
#   bash bench/run.sh sqlite [--national] [--matplotlib]
#   bash bench/run.sh postgres [--national] [--peer] [--matplotlib]
#
#   sqlite      the service on a fresh embedded SQLite file under bench/out/sqlite/data
#   postgres    the service on a fresh database (dropped and recreated each run) on the local
#               server, BENCH_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432)
#   --peer      (postgres only) also serve the same database with PostGraphile v4
#               (bench/peer.sh, packages pinned in bench/peers/) and measure the equivalent
#               dashboard query with the same load settings; prints egov/PostGraphile ratios
#   --national  load the synthetic national data set (`egov-tracker seed synthetic
#               --provinces 63 --years 10`, about 1 M history rows beside the province's plan)
#               after the service starts, so every workload runs at national size
#   --matplotlib  also time the same ranking chart drawn by matplotlib
#               (bench/matplotlib_ranking.py, in a venv under bench/out/venv)
#
# What it does, in order:
#   1. cargo build --release -p egov-tracker (waits on cargo's lock if another build runs);
#   2. starts target/release/egov-tracker serve on 127.0.0.1:$BENCH_PORT (migrates and seeds);
#   3. creates $BENCH_USERS agency accounts with `egov-tracker user add`, one per distinct lead
#      assignment (task, agency), dealt round-robin over the 27 tasks, signs each in through
#      the `login` mutation, and has each file one report dated 2017-2020 so that history,
#      ranking and progress have something to compute;
#   4. drives load with oha, the same settings for every workload: a $BENCH_WARMUP warm-up
#      (discarded), then $BENCH_DURATION with $BENCH_CONNECTIONS connections, waiting for the
#      requests in flight at the deadline (-w). Workloads (bodies in bench/queries/):
#        dashboard      all 27 tasks in one request: number, Vietnamese title, status,
#                       progress, lead and cooperating agency names, and latestReport (status,
#                       progress, date, note, agency name)
#        dashboard-2p   the same fields in two pages (tasks 1-14, 15-27), run only if the
#                       one-request dashboard is refused (builds before 07e0905 had a
#                       complexity limit of 250: 15 tasks at most per request); two oha
#                       processes, one per page, half the connections each, at once;
#                       requests/s is dashboards/s = successful requests / 2 / duration
#        task12         task(number: 12) with the same fields
#        ranking        ranking(asOf: "2020-12-31") with agency names, score, band, rank
#        planProgress   planProgress(asOf: "2020-12-31") with every field
#        writes         updateTaskStatus by the $BENCH_USERS agency users at once. oha takes
#                       one header set per process, so this runs one oha process per user,
#                       each with its own token and -c 1 (one connection per user), all
#                       started together; requests/s is the sum. Each user reports on its own
#                       lead assignment, without expectedVersion (a fixed body cannot carry
#                       the task's changing version), so no report can CONFLICT. Acknowledged
#                       writes are counted in the database (task_history rows added during the
#                       measured window); errors = requests sent - rows added. p50/p99 are
#                       over every request of every process (oha --db-url keeps each
#                       request's latency).
#        dashboard-after  the dashboard again (or dashboard-2p-after), now that the write
#                       workload has added thousands of history entries (does latestReport
#                       stay cheap as the history grows?)
#        PostGraphile   with --peer, after the reads and before the writes (same data):
#                       bench/peer.sh, see its header
#      oha counts HTTP status codes only; a GraphQL error is HTTP 200 with "errors" in the
#      body. So each read workload is checked with curl before and after, and a background
#      curl samples the same request every 0.5 s during the measured window; the errors
#      column reports non-2xx/transport errors plus any sampled GraphQL error.
#   5. reads the server's peak RSS (VmHWM in /proc/PID/status, reset through clear_refs
#      before each workload, so each row shows the peak during that workload);
#   6. unless BENCH_SKIP_RENDER=1, runs `cargo bench -p egov-tracker --bench reports`
#      (in-process chart rendering; a long release build the first time), output kept in
#      bench/out/render-bench.txt; with --matplotlib, times bench/matplotlib_ranking.py on the
#      ranking the service gave (bench/out/ranking-2020-12-31.json) into bench/out/matplotlib.json;
#   7. prints the table and ratios, writes them to bench/out/results-<db>.md (and .json), and
#      keeps a copy in bench/out/runs/<UTC time>-<db>.md.
#
# Environment (defaults): BENCH_DURATION (10s), BENCH_WARMUP (2s), BENCH_CONNECTIONS (32),
#   BENCH_USERS (50), BENCH_PORT (18080), BENCH_PEER_PORT (15000),
#   BENCH_PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432), BENCH_PG_DB (egov_bench),
#   BENCH_SKIP_RENDER (0), BENCH_SKIP_BUILD (0), BENCH_MPL_RUNS (20), BENCH_PEER_WORKERS ("1 2"),
#   BENCH_BIN (target/release/egov-tracker). Durations are whole seconds ("10s").
#   The service's own settings pass through: EGOV_RESPONSE_CACHE=false measures every answer
#   computed rather than served from the cache of whole answers.
# Installs when missing: jq, curl and bc (apt), oha (cargo install into bench/out/tools),
#   PostGraphile (npm ci in bench/peers), matplotlib (pip in bench/out/venv).
# The machine's other activity matters on 2 cores: the results record, per workload, the
#   compiler processes (rustc, clippy-driver) running at its end and the load average before it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
cd "$ROOT"

usage() { sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }
DB="${1:-}"
[[ "$DB" == sqlite || "$DB" == postgres ]] || usage
shift
PEER=0
MPL=0
NATIONAL=0
for arg in "$@"; do
  case "$arg" in
    --peer) PEER=1 ;;
    --national) NATIONAL=1 ;;
    --matplotlib) MPL=1 ;;
    *) usage ;;
  esac
done
if [[ $PEER == 1 && $DB != postgres ]]; then
  echo "--peer needs the postgres database (PostGraphile serves PostgreSQL only)" >&2
  exit 2
fi

DURATION="${BENCH_DURATION:-10s}"
WARMUP="${BENCH_WARMUP:-2s}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
USERS="${BENCH_USERS:-50}"
PORT="${BENCH_PORT:-18080}"
PEER_PORT="${BENCH_PEER_PORT:-15000}"
PG_ADMIN_URL="${BENCH_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432}"
PG_DB="${BENCH_PG_DB:-egov_bench}"
SKIP_RENDER="${BENCH_SKIP_RENDER:-0}"
SKIP_BUILD="${BENCH_SKIP_BUILD:-0}"
MPL_RUNS="${BENCH_MPL_RUNS:-20}"
JWT_SECRET="bench-only-jwt-secret-0123456789abcdef-not-for-production"
PASSWORD="bench agency passphrase 2020"
AS_OF="2020-12-31"

OUT_ROOT="$BENCH/out"
OUT="$OUT_ROOT/$DB"
BIN="${BENCH_BIN:-$ROOT/target/release/egov-tracker}"
URL="http://127.0.0.1:$PORT/graphql"
export RUST_LOG=warn

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }
seconds() { local d="$1"; case "$d" in *ms) echo "scale=3; ${d%ms}/1000" | bc ;; *s) echo "${d%s}" ;; *m) echo "$(( ${d%m} * 60 ))" ;; *) echo "$d" ;; esac; }

# ---------------------------------------------------------------- prerequisites
need_apt() {
  local missing=()
  for tool in "$@"; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  if ((${#missing[@]})); then
    log "installing ${missing[*]} with apt-get"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}
need_apt jq curl bc
command -v python3 >/dev/null || die "python3 is needed (to count rows and merge latencies)"

OHA=""
for candidate in "$OUT_ROOT/tools/bin/oha" "$(command -v oha || true)"; do
  if [[ -n "$candidate" && -x "$candidate" ]]; then OHA="$candidate"; break; fi
done
if [[ -z "$OHA" ]]; then
  log "installing oha (cargo install, native-tls so that no cmake is needed) into bench/out/tools"
  mkdir -p "$OUT_ROOT/tools"
  cargo install oha --locked --no-default-features --features native-tls \
    --root "$OUT_ROOT/tools" >"$OUT_ROOT/tools/oha-install.log" 2>&1 \
    || die "cargo install oha failed; see bench/out/tools/oha-install.log (fallback: apt-get install wrk; not wired in)"
  OHA="$OUT_ROOT/tools/bin/oha"
fi
log "oha: $("$OHA" --version)"

if [[ $DB == postgres ]]; then
  command -v psql >/dev/null || need_apt postgresql-client
  psql "$PG_ADMIN_URL/postgres" -qtAc 'select 1' >/dev/null || die "no PostgreSQL at $PG_ADMIN_URL"
fi

# ---------------------------------------------------------------- build
if [[ $SKIP_BUILD != 1 ]]; then
  log "cargo build --release -p egov-tracker"
  cargo build --release -p egov-tracker 2>&1 | tail -n 3 >&2
fi
[[ -x "$BIN" ]] || die "$BIN is missing"

# ---------------------------------------------------------------- fresh state
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]:-}"; do
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT

rm -rf "$OUT"
mkdir -p "$OUT/oha" "$OUT/bodies" "$OUT/samples" "$OUT/data"
DATA_DIR="$OUT/data"
export EGOV_DATA_DIR="$DATA_DIR"
if [[ $DB == postgres ]]; then
  log "recreating database $PG_DB"
  psql "$PG_ADMIN_URL/postgres" -qtAc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null
  psql "$PG_ADMIN_URL/postgres" -qtAc "CREATE DATABASE $PG_DB" >/dev/null
  export DATABASE_URL="$PG_ADMIN_URL/$PG_DB"
  db_scalar() { psql "$DATABASE_URL" -qtAc "$1"; }
else
  unset DATABASE_URL
  db_scalar() {
    python3 - "$DATA_DIR/egov-tracker.db" "$1" <<'PY'
import sqlite3, sys
con = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=30)
print(con.execute(sys.argv[2]).fetchone()[0])
PY
  }
fi

# What else is running: on 2 cores a compile changes every figure.
busy() { echo $(( $(pgrep -c -x rustc || true) + $(pgrep -c -x clippy-driver || true) )); }
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "git: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (work tree has uncommitted changes)')"
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
  echo "database: $DB$([[ $DB == postgres ]] && psql "$PG_ADMIN_URL/postgres" -qtAc 'show server_version' | sed 's/^/ /')"
  echo "load: oha $("$OHA" --version | awk '{print $2}'), warm-up $WARMUP, $DURATION per workload, $CONNECTIONS connections, $USERS writers"
  echo "data: $([[ $NATIONAL == 1 ]] && echo 'the province plan plus the synthetic national set (63 provinces, 10 years)' || echo "the province plan only")"
  echo "egov-tracker response cache (EGOV_RESPONSE_CACHE): ${EGOV_RESPONSE_CACHE:-true (default)}"
  echo "egov-tracker database pool: ${EGOV_DB_MAX_CONNECTIONS:-10 (default)} connections"
  echo "compiler processes (rustc, clippy-driver) at start: $(busy); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/environment.txt"

# ---------------------------------------------------------------- start the service
log "starting egov-tracker on $DB (port $PORT)"
EGOV_JWT_SECRET="$JWT_SECRET" "$BIN" serve --bind "127.0.0.1:$PORT" >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
PIDS+=("$SERVER_PID")
started=$(date +%s.%N)
for _ in $(seq 1 600); do
  if curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$OUT/server.log" >&2; die "the service exited"; }
  sleep 0.1
done
curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null || die "the service did not answer /healthz"
log "service answers after $(echo "$(date +%s.%N) - $started" | bc | xargs printf '%.1f') s (migrate + seed)"
STARTUP_HWM=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
if [[ $NATIONAL == 1 ]]; then
  log "loading the synthetic national data set (seed synthetic --provinces 63 --years 10)"
  "$BIN" seed synthetic --provinces 63 --years 10 >"$OUT/synthetic.log" 2>&1 \
    || { tail -5 "$OUT/synthetic.log" >&2; die "seed synthetic"; }
  log "task_history rows after the national set: $(db_scalar 'select count(*) from task_history')"
fi

# gql FILE [TOKEN]: POST a JSON body, print the response.
gql() {
  local body="$1" token="${2:-}"
  curl -sS -X POST "$URL" -H 'content-type: application/json' \
    ${token:+-H "authorization: Bearer $token"} --data-binary "@$body"
}
# gql_inline JSON [TOKEN]
gql_inline() {
  local tmp; tmp=$(mktemp); printf '%s' "$1" >"$tmp"; gql "$tmp" "${2:-}"; rm -f "$tmp"
}
graphql_errors() { jq -r '[.errors[]? | "\(.extensions.code // "?"): \(.message)"] | unique | join("; ")'; }

# ---------------------------------------------------------------- accounts
log "choosing $USERS lead assignments"
gql_inline '{"query":"{ tasks(first: 27) { nodes { number leadAgencies { code } } } }"}' >"$OUT/leads.json"
[[ -z "$(graphql_errors <"$OUT/leads.json")" ]] || die "listing leads: $(graphql_errors <"$OUT/leads.json")"
# Round-robin over tasks: task 1's first lead, task 2's first lead, ..., then second leads, ...
jq -r --argjson n "$USERS" '
  [ .data.tasks.nodes[] | .number as $t | [ .leadAgencies | to_entries[] | {t: $t, a: .value.code, i: .key} ] ]
  | flatten | sort_by(.i, .t) as $pairs
  | [range(0; $n) | $pairs[. % ($pairs | length)] ] | to_entries[]
  | "bench.u\(.key + 1 | tostring | if length < 2 then "0" + . else . end)\t\(.value.a)\t\(.value.t)"' \
  "$OUT/leads.json" >"$OUT/users.tsv"
PAIRS=$(jq '[.data.tasks.nodes[].leadAgencies | length] | add' "$OUT/leads.json")
AGENCIES=$(jq '[.data.tasks.nodes[].leadAgencies[].code] | unique | length' "$OUT/leads.json")
log "$PAIRS lead assignments held by $AGENCIES agencies; $USERS users on $(cut -f2,3 "$OUT/users.tsv" | sort -u | wc -l) distinct assignments"

log "creating $USERS agency accounts (egov-tracker user add)"
while IFS=$'\t' read -r user agency _task; do
  printf '%s\n' "$PASSWORD" | "$BIN" user add --username "$user" --role agency --agency "$agency" --password-stdin \
    >>"$OUT/user-add.log" 2>&1 || { tail -5 "$OUT/user-add.log" >&2; die "user add $user"; }
done <"$OUT/users.tsv"

log "signing in"
: >"$OUT/tokens.tsv"
while IFS=$'\t' read -r user agency task; do
  resp=$(gql_inline "$(jq -cn --arg u "$user" --arg p "$PASSWORD" \
    '{query: "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }", variables: {u: $u, p: $p}}')")
  token=$(jq -r '.data.login.token // empty' <<<"$resp")
  [[ -n "$token" ]] || die "login $user: $resp"
  printf '%s\t%s\t%s\t%s\n' "$user" "$agency" "$task" "$token" >>"$OUT/tokens.tsv"
done <"$OUT/users.tsv"

log "one dated report per user (2017-2020), so that history, progress and ranking have data"
i=0
while IFS=$'\t' read -r user agency task token; do
  i=$((i + 1))
  case $((i % 4)) in
    0) status=COMPLETED; progress=100 ;;
    1 | 2) status=IN_PROGRESS; progress=$((20 + (i * 7) % 70)) ;;
    3) status=BLOCKED; progress=$((10 + (i * 3) % 40)) ;;
  esac
  day=$(printf '%04d-%02d-%02d' $((2017 + i % 4)) $((1 + i % 12)) $((1 + i % 28)))
  body=$(jq -c --argjson t "$task" --arg s "$status" --argjson p "$progress" --arg d "$day" \
    '.variables.input.taskNumber = $t | .variables.input.status = $s | .variables.input.progress = $p
     | .variables.input.effectiveOn = $d | .variables.input.note = "Báo cáo định kỳ"
     | .variables.input.evidence = "\($t)/BC-\($d)"' "$BENCH/queries/update_task_status.json")
  resp=$(gql_inline "$body" "$token")
  errs=$(graphql_errors <<<"$resp")
  [[ -z "$errs" ]] || die "initial report by $user on task $task: $errs"
done <"$OUT/tokens.tsv"
HISTORY_START=$(db_scalar 'select count(*) from task_history')
log "task_history rows: $HISTORY_START"

# ---------------------------------------------------------------- checks of the bodies
check_read() { # NAME BODY: 0 when the response has data and no GraphQL error
  local name="$1" body="$2" resp
  resp=$(gql "$body")
  printf '%s\n' "$resp" >"$OUT/samples/$name.json"
  local errs; errs=$(graphql_errors <<<"$resp")
  if [[ -n "$errs" ]]; then echo "$errs"; return 1; fi
  jq -e '.data != null' <<<"$resp" >/dev/null || { echo "no data"; return 1; }
}

DASH_ERR=""
if ! DASH_ERR=$(check_read dashboard "$BENCH/queries/dashboard.json"); then
  log "the one-request dashboard is refused: $DASH_ERR"
else
  n=$(jq '.data.tasks.nodes | length' "$OUT/samples/dashboard.json")
  [[ $n == 27 ]] || die "dashboard returned $n tasks, not 27"
  DASH_ERR=""
fi
# The two-page form (only measured when the one-request form is refused).
CURSOR=$(gql_inline '{"query":"{ tasks(first: 14) { pageInfo { endCursor } } }"}' | jq -r '.data.tasks.pageInfo.endCursor')
jq -c '.query |= sub("tasks\\(first: 27\\)"; "tasks(first: 14)")' "$BENCH/queries/dashboard.json" >"$OUT/bodies/dashboard-page1.json"
jq -c --arg c "$CURSOR" '.query |= sub("tasks\\(first: 27\\)"; "tasks(first: 13, after: \"" + $c + "\")")' \
  "$BENCH/queries/dashboard.json" >"$OUT/bodies/dashboard-page2.json"

# ---------------------------------------------------------------- measuring
RESULTS="$OUT/results.jsonl"
: >"$RESULTS"
reset_hwm() { echo 5 >"/proc/$SERVER_PID/clear_refs" 2>/dev/null || true; }
hwm_kb() { awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status"; }

# oha_json NAME BODY CONNECTIONS DURATION [extra oha args...]
oha_json() {
  local name="$1" body="$2" conns="$3" dur="$4"; shift 4
  "$OHA" --no-tui --output-format json -w -z "$dur" -c "$conns" -m POST \
    -H 'content-type: application/json' -D "$body" "$@" "$URL" >"$OUT/oha/$name.json" 2>>"$OUT/oha/stderr.log"
}

# sample_during NAME BODY SECONDS: curl the body every 0.5 s; counts answers with GraphQL errors.
sample_during() {
  local name="$1" body="$2" secs="$3" end ok=0 bad=0 resp errs
  end=$(echo "$(date +%s.%N) + $secs" | bc)
  : >"$OUT/samples/$name-errors.txt"
  while (( $(echo "$(date +%s.%N) < $end" | bc) )); do
    resp=$(curl -sS -m 30 -X POST "$URL" -H 'content-type: application/json' --data-binary "@$body" 2>&1 || true)
    errs=$(graphql_errors <<<"$resp" 2>/dev/null || echo "unparsable: ${resp:0:200}")
    if [[ -z "$errs" ]] && jq -e '.data != null' <<<"$resp" >/dev/null 2>&1; then ok=$((ok + 1));
    else bad=$((bad + 1)); echo "${errs:-no data}" >>"$OUT/samples/$name-errors.txt"; fi
    sleep 0.5
  done
  echo "$ok $bad" >"$OUT/samples/$name-counts.txt"
}

# record NAME RPS P50_MS P99_MS ERRORS NOTE
record() {
  jq -cn --arg w "$1" --argjson rps "$2" --argjson p50 "$3" --argjson p99 "$4" --arg errors "$5" \
    --argjson rss "$(hwm_kb)" --arg note "${6:-}" --argjson rustc "$(busy)" --arg load "${LOAD_START:-?}" \
    '{workload: $w, rps: $rps, p50_ms: $p50, p99_ms: $p99, errors: $errors, rss_kb: $rss, note: $note, rustc: $rustc, load_before: $load}' >>"$RESULTS"
}

# read_errors NAME OHA_JSON...: the errors column of a read workload.
read_errors() {
  local name="$1"; shift
  local ok bad errors
  read -r ok bad <"$OUT/samples/$name-counts.txt"
  errors=$(jq -s '[.[] | ([.statusCodeDistribution | to_entries[] | select(.key | test("^2") | not) | .value] | add // 0)
                        + ([.errorDistribution[]] | add // 0)] | add' "$@")
  if [[ -f "$OUT/samples/$name.before.json" ]] && [[ -n "$(graphql_errors <"$OUT/samples/$name.before.json")" ]]; then
    errors="$errors; GraphQL error before: $(graphql_errors <"$OUT/samples/$name.before.json")"
  fi
  if [[ -f "$OUT/samples/$name.after.json" ]] && [[ -n "$(graphql_errors <"$OUT/samples/$name.after.json")" ]]; then
    errors="$errors; GraphQL error after: $(graphql_errors <"$OUT/samples/$name.after.json")"
  fi
  if ((bad > 0)); then
    errors="$errors; $bad of $((ok + bad)) answers sampled during the run had GraphQL errors: $(sort -u "$OUT/samples/$name-errors.txt" | head -3 | tr '\n' ' ')"
  fi
  echo "$errors"
}

# measure_read NAME BODY [NOTE]: warm-up, measured run with sampling, checks before and after.
measure_read() {
  local name="$1" body="$2" note="${3:-}"
  LOAD_START=$(cut -d' ' -f1 /proc/loadavg)
  check_read "$name.before" "$body" >/dev/null || true
  log "$name: warm-up $WARMUP, then $DURATION x $CONNECTIONS connections"
  oha_json "$name-warmup" "$body" "$CONNECTIONS" "$WARMUP"
  reset_hwm
  sample_during "$name" "$body" "$(seconds "$DURATION")" &
  local sampler=$!
  oha_json "$name" "$body" "$CONNECTIONS" "$DURATION"
  wait "$sampler" || true
  check_read "$name.after" "$body" >/dev/null || true
  local f="$OUT/oha/$name.json" ok bad
  read -r ok bad <"$OUT/samples/$name-counts.txt"
  record "$name" "$(jq '([.statusCodeDistribution | to_entries[] | select(.key | test("^2")) | .value] | add // 0) / .summary.total' "$f")" \
    "$(jq '.metrics.latency_ms.p50' "$f")" "$(jq '.metrics.latency_ms.p99' "$f")" \
    "$(read_errors "$name" "$f")" \
    "${note:+$note; }$(jq -r '"\([.statusCodeDistribution[]] | add // 0) answers in \(.summary.total * 100 | round / 100) s"' "$f"); $((ok + bad)) sampled with curl during the run"
}

if [[ -z "$DASH_ERR" ]]; then
  measure_read dashboard "$BENCH/queries/dashboard.json" "with $HISTORY_START history rows"
else
  jq -cn --arg e "refused: $DASH_ERR" --argjson rustc "$(busy)" \
    '{workload: "dashboard", rps: null, p50_ms: null, p99_ms: null, errors: $e, rss_kb: null, note: "one request for all 27 tasks", rustc: $rustc}' >>"$RESULTS"
fi

# measure_dashboard_2p NAME: the dashboard in two pages, one oha per page at once, half the
# connections each; dashboards/s = successful answers / 2 / duration.
measure_dashboard_2p() {
  local name="$1" half=$((CONNECTIONS / 2)) p n
  for p in 1 2; do
    check_read "$name-page$p" "$OUT/bodies/dashboard-page$p.json" >/dev/null \
      || die "dashboard page $p: $(graphql_errors <"$OUT/samples/$name-page$p.json")"
  done
  n=$(( $(jq '.data.tasks.nodes | length' "$OUT/samples/$name-page1.json") + $(jq '.data.tasks.nodes | length' "$OUT/samples/$name-page2.json") ))
  [[ $n == 27 ]] || die "the two dashboard pages returned $n tasks, not 27"
  cp "$OUT/samples/$name-page1.json" "$OUT/samples/$name.before.json"
  LOAD_START=$(cut -d' ' -f1 /proc/loadavg)
  log "$name: two pages at once, $half connections each; warm-up $WARMUP, then $DURATION"
  oha_json "$name-warmup1" "$OUT/bodies/dashboard-page1.json" "$half" "$WARMUP" &
  local w1=$!
  oha_json "$name-warmup2" "$OUT/bodies/dashboard-page2.json" "$half" "$WARMUP"
  wait "$w1"
  reset_hwm
  sample_during "$name" "$OUT/bodies/dashboard-page2.json" "$(seconds "$DURATION")" &
  local sampler=$! o1
  rm -f "$OUT/oha/$name-page"{1,2}.db
  oha_json "$name-page1" "$OUT/bodies/dashboard-page1.json" "$half" "$DURATION" --db-url "$OUT/oha/$name-page1.db" &
  o1=$!
  oha_json "$name-page2" "$OUT/bodies/dashboard-page2.json" "$half" "$DURATION" --db-url "$OUT/oha/$name-page2.db"
  wait "$o1"
  wait "$sampler" || true
  check_read "$name.after" "$OUT/bodies/dashboard-page2.json" >/dev/null || true
  local stats answers secs ok bad
  read -r ok bad <"$OUT/samples/$name-counts.txt"
  stats=$(python3 "$BENCH/merge_latencies.py" "$OUT/oha/$name-page1.db" "$OUT/oha/$name-page2.db")
  answers=$(jq -s '[.[] | [.statusCodeDistribution | to_entries[] | select(.key | test("^2")) | .value] | add // 0] | add' "$OUT/oha/$name-page"{1,2}.json)
  secs=$(jq -s '[.[].summary.total] | max' "$OUT/oha/$name-page"{1,2}.json)
  record "$name" "$(echo "scale=2; $answers / 2 / $secs" | bc)" "$(jq '.p50_ms' <<<"$stats")" "$(jq '.p99_ms' <<<"$stats")" \
    "$(read_errors "$name" "$OUT/oha/$name-page"{1,2}.json)" \
    "${2:+$2; }two requests per dashboard: requests/s = $answers answers / 2 / $(printf '%.2f' "$secs") s; p50/p99 of single page requests; $((ok + bad)) sampled with curl during the run"
}
if [[ -n "$DASH_ERR" ]]; then
  measure_dashboard_2p dashboard-2p "with $HISTORY_START history rows"
fi
measure_read task12 "$BENCH/queries/task12.json"
measure_read ranking "$BENCH/queries/ranking.json"
measure_read planProgress "$BENCH/queries/plan_progress.json"

# The ranking the charts draw, for the matplotlib comparison, and our own PNG of it.
gql "$BENCH/queries/ranking.json" >"$OUT_ROOT/ranking-$AS_OF.json"
curl -sf -o "$OUT/ranking.png" "http://127.0.0.1:$PORT/reports/ranking.png?asOf=$AS_OF" || log "could not fetch /reports/ranking.png"

# ---------------------------------------------------------------- the peer, on the same data
if [[ $PEER == 1 ]]; then
  # What egov-tracker answers now, for peer.sh to compare PostGraphile's answer with.
  if [[ -z "$DASH_ERR" ]]; then
    gql "$BENCH/queries/dashboard.json" >"$OUT/samples/dashboard-reference.json"
  else
    jq -s '{data: {tasks: {nodes: (.[0].data.tasks.nodes + .[1].data.tasks.nodes)}}}' \
      <(gql "$OUT/bodies/dashboard-page1.json") <(gql "$OUT/bodies/dashboard-page2.json") >"$OUT/samples/dashboard-reference.json"
  fi
  BENCH_PEER_PORT="$PEER_PORT" BENCH_DURATION="$DURATION" BENCH_WARMUP="$WARMUP" \
    BENCH_CONNECTIONS="$CONNECTIONS" OHA="$OHA" \
    bash "$BENCH/peer.sh" "$DATABASE_URL" "$OUT/samples/dashboard-reference.json" "$OUT_ROOT/peer.json" \
    || log "peer comparison FAILED (see above)"
fi

# ---------------------------------------------------------------- writes
log "writes: $USERS oha processes, one per user, -c 1 each"
i=0
while IFS=$'\t' read -r user agency task token; do
  i=$((i + 1))
  jq -c --argjson t "$task" --argjson p "$((10 + i % 80))" \
    '.variables.input.taskNumber = $t | .variables.input.progress = $p' \
    "$BENCH/queries/update_task_status.json" >"$OUT/bodies/update-$user.json"
  resp=$(gql "$OUT/bodies/update-$user.json" "$token")
  printf '%s\n' "$resp" >"$OUT/samples/writes-before-$user.json"
  errs=$(graphql_errors <<<"$resp")
  [[ -z "$errs" ]] || die "updateTaskStatus by $user (agency $agency, task $task) is refused: $errs"
done <"$OUT/tokens.tsv"

run_writers() { # DURATION SUFFIX [db]
  local dur="$1" suffix="$2" user agency task token pids=() pid
  while IFS=$'\t' read -r user agency task token; do
    local extra=()
    if [[ "${3:-}" == db ]]; then rm -f "$OUT/oha/writes-$user.db"; extra=(--db-url "$OUT/oha/writes-$user.db"); fi
    "$OHA" --no-tui --output-format json -w -z "$dur" -c 1 --worker-threads 1 -m POST \
      -H 'content-type: application/json' -H "authorization: Bearer $token" \
      -D "$OUT/bodies/update-$user.json" "${extra[@]}" "$URL" >"$OUT/oha/writes$suffix-$user.json" 2>>"$OUT/oha/stderr.log" &
    pids+=($!)
  done <"$OUT/tokens.tsv"
  for pid in "${pids[@]}"; do wait "$pid"; done
}
LOAD_START=$(cut -d' ' -f1 /proc/loadavg)
run_writers "$WARMUP" -warmup
HISTORY_BEFORE=$(db_scalar 'select count(*) from task_history')
reset_hwm
run_writers "$DURATION" ""  db
HISTORY_AFTER=$(db_scalar 'select count(*) from task_history')
ACKED=$((HISTORY_AFTER - HISTORY_BEFORE))
WRITE_JSON=("$OUT"/oha/writes-bench.u*.json)
ANSWERED=$(jq -s '[.[] | [.statusCodeDistribution[]] | add // 0] | add' "${WRITE_JSON[@]}")
NON2XX=$(jq -s '[.[] | [.statusCodeDistribution | to_entries[] | select(.key | test("^2") | not) | .value] | add // 0] | add' "${WRITE_JSON[@]}")
TRANSPORT=$(jq -s '[.[] | [.errorDistribution[]] | add // 0] | add' "${WRITE_JSON[@]}")
WSECS=$(jq -s '[.[].summary.total] | max' "${WRITE_JSON[@]}")
WSTATS=$(python3 "$BENCH/merge_latencies.py" "$OUT"/oha/writes-bench.u*.db)
# A few curl calls after: what a refusal looks like, if there is one.
werr_after=""
while IFS=$'\t' read -r user agency task token; do
  resp=$(gql "$OUT/bodies/update-$user.json" "$token")
  printf '%s\n' "$resp" >"$OUT/samples/writes-after-$user.json"
  e=$(graphql_errors <<<"$resp"); [[ -z "$e" ]] || werr_after="$e"
done < <(head -3 "$OUT/tokens.tsv")
REJECTED=$((ANSWERED - ACKED))
werr="$((REJECTED + TRANSPORT))"
((NON2XX == 0)) || werr="$werr ($NON2XX non-2xx)"
[[ -z "$werr_after" ]] || werr="$werr; after: $werr_after"
record writes "$(echo "scale=2; $ACKED / $WSECS" | bc)" "$(jq '.p50_ms' <<<"$WSTATS")" "$(jq '.p99_ms' <<<"$WSTATS")" \
  "$werr" "$USERS users x 1 connection; $ANSWERED answered, $ACKED acknowledged (task_history rows added), $REJECTED rejected, $TRANSPORT transport errors, in $(printf '%.2f' "$WSECS") s; requests/s = acknowledged writes/s"
log "writes: $ANSWERED answered, $ACKED acknowledged"

HISTORY_NOW=$(db_scalar 'select count(*) from task_history')
if [[ -z "$DASH_ERR" ]]; then
  measure_read dashboard-after "$BENCH/queries/dashboard.json" "with $HISTORY_NOW history rows"
else
  measure_dashboard_2p dashboard-2p-after "with $HISTORY_NOW history rows"
fi

kill "$SERVER_PID" 2>/dev/null || true
wait "$SERVER_PID" 2>/dev/null || true

# ---------------------------------------------------------------- in-process rendering
# Rendering is timed in milliseconds on one core: let the load of the 50 writer processes die
# down first (1-min load average under 1.5, waiting at most 3 minutes).
settle() {
  local i
  for i in $(seq 1 36); do
    (( $(echo "$(cut -d' ' -f1 /proc/loadavg) < 1.5" | bc) )) && return 0
    sleep 5
  done
  log "load average still $(cut -d' ' -f1 /proc/loadavg) after 3 minutes; timing anyway"
}
RENDER_OUT="$OUT_ROOT/render-bench.txt"
if [[ $SKIP_RENDER != 1 || $MPL == 1 ]]; then
  settle
fi
if [[ $SKIP_RENDER != 1 ]]; then
  log "cargo bench -p egov-tracker --bench reports (compiler processes now: $(busy))"
  RENDER_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
  if cargo bench -p egov-tracker --bench reports >"$OUT/render-bench.out" 2>"$OUT/render-bench.stderr"; then
    { echo "# cargo bench -p egov-tracker --bench reports, $(date -u '+%Y-%m-%d %H:%M UTC'), compiler processes after the bench build: $(busy); load average before: $RENDER_LOAD"
      cat "$OUT/render-bench.out"; } >"$RENDER_OUT"
  else
    log "the reports bench failed; see $OUT/render-bench.stderr"
  fi
fi

# ---------------------------------------------------------------- matplotlib
if [[ $MPL == 1 ]]; then
  VENV="$OUT_ROOT/venv"
  if [[ ! -x "$VENV/bin/python" ]] || ! "$VENV/bin/python" -c 'import matplotlib' 2>/dev/null; then
    log "creating $VENV with matplotlib"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q matplotlib
  fi
  settle
  log "matplotlib: $MPL_RUNS renders of the ranking chart"
  "$VENV/bin/python" "$BENCH/matplotlib_ranking.py" --ranking "$OUT_ROOT/ranking-$AS_OF.json" \
    --runs "$MPL_RUNS" --ours-png "$OUT/ranking.png" --out-dir "$OUT_ROOT" >"$OUT_ROOT/matplotlib.json" \
    || log "matplotlib comparison FAILED"
fi

echo "compiler processes at end: $(busy); load average: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/environment.txt"

# ---------------------------------------------------------------- report
python3 "$BENCH/report.py" --db "$DB" --out "$OUT_ROOT" --peer-ran "$PEER" --startup-rss-kb "$STARTUP_HWM" \
  --history-start "$HISTORY_START" --history-end "$HISTORY_NOW" --lead-assignments "$PAIRS" --lead-agencies "$AGENCIES"

# Keep every run's results: bench/out/runs/<UTC time>-<db>.md/.json
mkdir -p "$OUT_ROOT/runs"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
cp "$OUT_ROOT/results-$DB.md" "$OUT_ROOT/runs/$STAMP-$DB$([[ $NATIONAL == 1 ]] && echo -national).md"
cp "$OUT_ROOT/results-$DB.json" "$OUT_ROOT/runs/$STAMP-$DB$([[ $NATIONAL == 1 ]] && echo -national).json"
