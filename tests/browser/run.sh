#!/usr/bin/env bash
# Browser tests in headless Chromium: installs Debian's Chromium and the pinned npm packages
# (playwright-core, axe-core) if missing, builds the service and starts two instances on free
# ports with fresh SQLite databases and the journeys' accounts (one with reads open, one that
# requires sign-in), then runs dashboard.mjs (the leadership dashboard), workspace.mjs (the
# officers', planners' and leaders' journeys, with axe-core), follow_up.mjs (a planner returns a
# report, the reporting round shows it, a leader asks for an explanation and the agency answers;
# on the open service, after workspace.mjs) and graphiql.mjs (GraphiQL with every other host
# blocked). Screenshots land in target/browser/.
#
# Usage: tests/browser/run.sh            (from anywhere; .ci/run calls it after the Rust tests)
# Playwright's own browsers are never downloaded: the machine has no internet for them, and the
# script drives /usr/bin/chromium instead.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
started=$(date +%s)

echo "-- Chromium"
export DEBIAN_FRONTEND=noninteractive
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update
  apt-get install -y --no-install-recommends chromium
fi
# Vietnamese needs a font with its precomposed letters; DejaVu ships with the image, but make sure.
if ! fc-list 2>/dev/null | grep -qi 'DejaVu Sans'; then
  apt-get update
  apt-get install -y --no-install-recommends fonts-dejavu-core fontconfig
fi
chromium --version

echo "-- Node packages"
(cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)

echo "-- Services"
cargo build -p egov-tracker
target_dir="${CARGO_TARGET_DIR:-$root/target}"
binary="$target_dir/debug/egov-tracker"
free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}
export JOURNEY_PASSWORD="journey-pass-phrase-2026"
pids=()
dirs=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for dir in "${dirs[@]}"; do rm -rf "$dir"; done
}
trap cleanup EXIT

# Starts a service with a fresh SQLite database and the journeys' accounts; sets svc_base and
# svc_data. The flags decide where the service keeps its data; settings from the environment
# must not.
start_service() {
  local require_sign_in="$1" port
  svc_data=$(mktemp -d)
  dirs+=("$svc_data")
  local clean=(env -u DATABASE_URL -u EGOV_DATA_DIR -u EGOV_BIND -u EGOV_REQUIRE_SIGN_IN)
  "${clean[@]}" "$binary" seed --data-dir "$svc_data" >"$svc_data/seed.log" 2>&1
  local account
  for account in "stp.officer agency STP" "dic.planner planner" "vice.chair leader"; do
    read -r name role agency <<<"$account"
    echo "$JOURNEY_PASSWORD" | "${clean[@]}" "$binary" user add --data-dir "$svc_data" \
      --username "$name" --role "$role" ${agency:+--agency "$agency"} --password-stdin \
      >>"$svc_data/seed.log" 2>&1
  done
  port=$(free_port)
  "${clean[@]}" EGOV_REQUIRE_SIGN_IN="$require_sign_in" "$binary" serve --bind "127.0.0.1:$port" \
    --data-dir "$svc_data" >"$svc_data/server.log" 2>&1 &
  pids+=("$!")
  svc_base="http://127.0.0.1:$port"
}

wait_for() {
  local base="$1" data="$2"
  for _ in $(seq 1 240); do
    curl -fsS "$base/healthz" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "browser test: $base did not answer /healthz within 120 s; its log:" >&2
  tail -n 50 "$data/server.log" >&2
  return 1
}

start_service false
base="$svc_base" data="$svc_data"
start_service true
locked="$svc_base" locked_data="$svc_data"
wait_for "$base" "$data"
wait_for "$locked" "$locked_data"
echo "services up at $base (reads open) and $locked (sign-in required)"

mkdir -p "$target_dir/browser"
status=0
run() {
  local name="$1"
  shift
  echo "-- $name"
  if ! BROWSER_OUT="$target_dir/browser" node "$@"; then
    echo "browser test: $name failed; last lines of the services' logs:" >&2
    tail -n 30 "$data/server.log" "$locked_data/server.log" >&2
    status=1
  fi
}
run "Dashboard in Chromium" "$here/dashboard.mjs" "$base"
run "Workspace journeys in Chromium" "$here/workspace.mjs" "$base" "$locked"
run "Follow-up journeys in Chromium" "$here/follow_up.mjs" "$base"
run "GraphiQL on a closed network" "$here/graphiql.mjs" "$base"
if [ "$status" -ne 0 ]; then
  exit "$status"
fi
echo "browser test passed in $(($(date +%s) - started)) s (build included); screenshots in $target_dir/browser/"
