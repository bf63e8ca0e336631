#!/usr/bin/env bash
# Browser test of the leadership dashboard (GET /): installs Debian's Chromium and the pinned
# playwright-core if missing, builds and starts the service on a free port with a fresh SQLite
# database, then runs dashboard.mjs against it. Screenshots land in target/browser/.
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

echo "-- Service"
cargo build -p egov-tracker
target_dir="${CARGO_TARGET_DIR:-$root/target}"
binary="$target_dir/debug/egov-tracker"
port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
data=$(mktemp -d)
log="$data/server.log"
base="http://127.0.0.1:$port"
# The flags decide where the service keeps its data; settings from the environment must not.
env -u DATABASE_URL -u EGOV_DATA_DIR -u EGOV_BIND -u EGOV_REQUIRE_SIGN_IN \
  "$binary" serve --bind "127.0.0.1:$port" --data-dir "$data" >"$log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

for _ in $(seq 1 240); do
  if curl -fsS "$base/healthz" >/dev/null 2>&1; then
    break
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "browser test: the service exited before answering /healthz; its log:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.5
done
if ! curl -fsS "$base/healthz" >/dev/null 2>&1; then
  echo "browser test: the service did not answer $base/healthz within 120 s; its log:" >&2
  tail -n 50 "$log" >&2
  exit 1
fi
echo "service up at $base (pid $pid, data in $data)"

echo "-- Dashboard in Chromium"
mkdir -p "$target_dir/browser"
status=0
BROWSER_OUT="$target_dir/browser" node "$here/dashboard.mjs" "$base" || status=$?
if [ "$status" -ne 0 ]; then
  echo "browser test: dashboard.mjs failed (exit $status); last lines of the service log:" >&2
  tail -n 30 "$log" >&2
  exit "$status"
fi
echo "browser test passed in $(($(date +%s) - started)) s (build included)"
