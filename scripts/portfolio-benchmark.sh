#!/usr/bin/env bash
# The portfolio's scale check of docs/benchmarks.md (issue #18 (5)): AGREEMENTS agreements of
# 180–1.000 households (Viborg's and Aarhus's files, alternately, under new ids and sizes), each
# with its demo delivery, in one PostgreSQL schema; `outcomes serve` (release) over them with the
# first as the default; then wrk with CONNECTIONS connections for DURATION, as a DSI funder who
# sees them all: the portfolio page, the portfolio API, and every agreement's overview page
# (a Lua script takes them in turn). Needs OUTCOMES_POSTGRES_URL, wrk and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${OUTCOMES_POSTGRES_URL:?the benchmark runs on PostgreSQL: set OUTCOMES_POSTGRES_URL}"
AGREEMENTS=${AGREEMENTS:-50}
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-30}
BIN=${BIN:-$(pwd)/.build/release/outcomes}
ASOF=${ASOF:-$(date +%F)}
[ -x "$BIN" ] || swift build -c release --product outcomes >/dev/null
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
work=$(mktemp -d)
separator='?'; case "$OUTCOMES_POSTGRES_URL" in *\?*) separator='&';; esac
DATABASE="${OUTCOMES_POSTGRES_URL}${separator}schema=portfolio_$(date +%s)"

# The agreements' files and deliveries.
python3 - "$work" "$AGREEMENTS" <<'PY'
import re, sys
work, count = sys.argv[1], int(sys.argv[2])
templates = [open("Sources/OutcomesContractFile/Resources/viborg-relationel-velfaerd.yaml").read(), open("examples/aarhus/aftale.yaml").read()]
for i in range(count):
    text = templates[i % 2]
    households = 180 + round(i * 820 / max(1, count - 1))
    text = re.sub(r"(?m)^id: .*$", f"id: bench-{i + 1:02d}", text, count=1)
    text = re.sub(r"(?m)^title: .*$", f"title: Benchmark-aftale {i + 1:02d}", text, count=1)
    text = re.sub(r"households: \{value: \d+,", f"households: {{value: {households},", text, count=1)
    open(f"{work}/bench-{i + 1:02d}.yaml", "w").write(text)
    open(f"{work}/bench-{i + 1:02d}.households", "w").write(str(households))
PY
start=$(date +%s)
for file in "$work"/bench-*.yaml; do
  name=$(basename "$file" .yaml)
  "$BIN" demo-data --contract "$file" --seed "${name#bench-}" --households "$(cat "$work/$name.households")" --out "$work/$name" >/dev/null
  "$BIN" import --contract "$file" --data "$work/$name" --database "$DATABASE" --received-on "$ASOF" >/dev/null
done
echo "imported $AGREEMENTS agreements in $(( $(date +%s) - start )) s"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
(cd "$work" && OUTCOMES_PORT=$port OUTCOMES_DATABASE=$DATABASE OUTCOMES_ADMIN_PASSWORD=benchmark-admin-2026 exec "$BIN" serve --agreement bench-01 >"$work/out" 2>&1) &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do grep -q "kører på" "$work/out" 2>/dev/null && break; sleep 0.1; done

# The admin makes a DSI funder; the funder signs in (a session for the pages, a token for the API).
read -r cookie token < <(python3 - "$port" <<'PY'
import sys
sys.path.insert(0, "scripts")
from outcomes_client import Client
client = Client(sys.argv[1])
call, first_password = client.call, client.first_password
cookie, csrf = first_password("admin", "benchmark-admin-2026", "benchmark-admin-2026-ny")
call("POST", "/api/users", {"username": "fond", "displayName": "DSI", "role": "funder:dsi", "password": "benchmark-dsi-2026"}, cookie, csrf)
cookie, csrf = first_password("fond", "benchmark-dsi-2026", "benchmark-dsi-2026-ny")
token = call("POST", "/api/tokens", {"name": "wrk"}, cookie, csrf)[0]["token"]
print(cookie, token)
PY
)

# The first portfolio computes every agreement's settlement and forecast; then it is kept.
cold=$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/portfolio?asOf=$ASOF")
count=$(curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/portfolio?asOf=$ASOF" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["agreements"]))')
echo "first portfolio (every settlement and forecast computed): ${cold} s for $count agreements"
for i in $(seq -f '%02g' 1 "$AGREEMENTS"); do curl -s -o /dev/null -H "Cookie: $cookie" "http://127.0.0.1:$port/aftaler/bench-$i/oversigt"; done

cat >"$work/overviews.lua" <<LUA
local n = 0
request = function()
  n = n % $AGREEMENTS + 1
  return wrk.format("GET", string.format("/aftaler/bench-%02d/oversigt", n))
end
LUA
report() { python3 scripts/outcomes_client.py "$(printf '%-34s' "$1")" "$2"; }
wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Cookie: $cookie" "http://127.0.0.1:$port/portefolje?dato=$ASOF" >"$work/wrk" 2>&1
report "/portefolje (page)" "$work/wrk"
wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/portfolio?asOf=$ASOF" >"$work/wrk" 2>&1
report "/api/portfolio" "$work/wrk"
wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Cookie: $cookie" -s "$work/overviews.lua" "http://127.0.0.1:$port" >"$work/wrk" 2>&1
report "/aftaler/bench-NN/oversigt (all $AGREEMENTS)" "$work/wrk"
