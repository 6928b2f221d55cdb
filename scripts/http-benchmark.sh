#!/usr/bin/env bash
# The HTTP benchmark of docs/benchmarks.md (issue #12): `outcomes serve` (release) on a fresh
# store with the demo data, then wrk with CONNECTIONS connections for DURATION on three reads
# as the project lead (bearer token): a household (person data, audited: each read is a
# write to the audit trail), the settlement summary and the finance report. SQLite always;
# PostgreSQL too when OUTCOMES_POSTGRES_URL names a server (each run gets its own schema).
# Needs wrk (Debian: apt-get install wrk) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-30}
BIN=${BIN:-$(pwd)/.build/release/outcomes}
ASOF=${ASOF:-2026-11-26}
[ -x "$BIN" ] || swift build -c release --product outcomes >/dev/null
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Signs in as admin, chooses a password, creates a project lead, signs in as them, chooses
# their password, creates a token; prints the token and a household id.
setup() {
  python3 - "$1" <<'PY'
import sys
sys.path.insert(0, "scripts")
from outcomes_client import Client
client = Client(sys.argv[1])
call, first_password = client.call, client.first_password
cookie, csrf = first_password("admin", "benchmark-admin-2026", "benchmark-admin-2026-ny")
call("POST", "/api/users", {"username": "bench", "displayName": "Benchmark", "role": "projectLead", "password": "benchmark-pl-2026"}, cookie, csrf)
cookie, csrf = first_password("bench", "benchmark-pl-2026", "benchmark-pl-2026-ny")
token = call("POST", "/api/tokens", {"name": "wrk"}, cookie, csrf)[0]["token"]
households = call("GET", "/api/households?pageSize=1", token=token)[0]
print(token, households["items"][0]["id"])
PY
}

run() {
  local name=$1 database=$2 dir port pid token household
  dir=$(mktemp -d)
  port=$(free_port)
  (cd "$dir" && OUTCOMES_PORT=$port OUTCOMES_DATABASE=$database OUTCOMES_ADMIN_PASSWORD=benchmark-admin-2026 exec "$BIN" serve >"$dir/out" 2>&1) &
  pid=$!
  for _ in $(seq 1 600); do grep -q "kører på" "$dir/out" 2>/dev/null && break; sleep 0.1; done
  read -r token household < <(setup "$port")
  for path in "/api/households/$household?purpose=benchmark" "/api/settlements/summary?asOf=$ASOF" "/api/finance?asOf=$ASOF"; do
    wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$port$path" >"$dir/wrk" 2>&1
    python3 scripts/outcomes_client.py "$(printf '%-10s %-28s' "$name" "${path%%\?*}")" "$dir/wrk"
  done
  kill -TERM "$pid"; wait "$pid" || true
  rm -rf "$dir"
}

run sqlite "data/outcomes.sqlite"
if [ -n "${OUTCOMES_POSTGRES_URL:-}" ]; then
  separator='?'; case "$OUTCOMES_POSTGRES_URL" in *\?*) separator='&';; esac
  run postgres "${OUTCOMES_POSTGRES_URL}${separator}schema=bench_$(date +%s)"
fi
