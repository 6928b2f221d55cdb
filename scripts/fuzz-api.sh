#!/usr/bin/env bash
# The API fuzzer (issue #13, step 8): schemathesis over the whole served OpenAPI document,
# unauthenticated, as a caseworker and as the admin, against `outcomes serve` on the embedded
# default (SQLite, Viborg's agreement, demo data) in a throwaway folder.
#
# Fails on any server error (5xx) and on any response that breaks the document (status code,
# content type, body schema). Prints operations, test cases and failures per run.
#
#   scripts/fuzz-api.sh [path/to/outcomes]     # default .build/debug/outcomes
#
# OUTCOMES_FUZZ_DATABASE names the store (a postgres:// URL runs it on PostgreSQL); default the
# SQLite file in the throwaway folder.
# Needs Python 3 with venv; schemathesis is installed from PyPI into .build/fuzz-venv (pinned).
# OUTCOMES_FUZZ_EXAMPLES (default 30) sets the test cases per operation and run.
set -euo pipefail
cd "$(dirname "$0")/.."
BINARY=${1:-.build/debug/outcomes}
EXAMPLES=${OUTCOMES_FUZZ_EXAMPLES:-30}
SCHEMATHESIS_VERSION=4.32.5

VENV=.build/fuzz-venv
if [ ! -x "$VENV/bin/schemathesis" ] || ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  rm -rf "$VENV"
  python3 -m venv "$VENV" 2>/dev/null || {
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-venv
    python3 -m venv "$VENV"
  }
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
REPO=$(pwd)
DATABASE=${OUTCOMES_FUZZ_DATABASE:-data/outcomes.sqlite}
echo "fuzzing $BINARY serve on $(echo "$DATABASE" | sed 's/?.*//'), $EXAMPLES cases per operation and run"
(cd "$WORK" && OUTCOMES_PORT=$PORT OUTCOMES_DATABASE=$DATABASE OUTCOMES_ADMIN_PASSWORD=fuzz-admin-start-2026 OUTCOMES_LOG_LEVEL=warning \
  exec "$REPO/$BINARY" serve >"$WORK/stdout" 2>"$WORK/stderr") &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 300); do grep -q "kører på" "$WORK/stdout" 2>/dev/null && break; sleep 0.2; done
BASE="http://127.0.0.1:$PORT"

# The admin and a caseworker, each with their own password and an API token.
eval "$(python3 - "$BASE" <<'PY'
import json, sys, urllib.request
base = sys.argv[1]
def call(method, path, body=None, token=None, cookie=None, csrf=None):
    request = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None)
    request.add_header("Content-Type", "application/json")
    if token: request.add_header("Authorization", "Bearer " + token)
    if cookie: request.add_header("Cookie", cookie)
    if csrf: request.add_header("X-CSRF-Token", csrf)
    with urllib.request.urlopen(request) as response:
        text = response.read()
        return json.loads(text) if text else None, response.headers
def token_for(username, first, final):
    answer, headers = call("POST", "/api/session", {"username": username, "password": first})
    cookie = headers["Set-Cookie"].split(";")[0]
    call("POST", "/api/me/password", {"currentPassword": first, "newPassword": final}, cookie=cookie, csrf=answer["csrfToken"])
    answer, headers = call("POST", "/api/session", {"username": username, "password": final})
    cookie = headers["Set-Cookie"].split(";")[0]
    created, _ = call("POST", "/api/tokens", {"name": "fuzz"}, cookie=cookie, csrf=answer["csrfToken"])
    return created["token"]
admin = token_for("admin", "fuzz-admin-start-2026", "fuzz-admin-final-2026")
call("POST", "/api/users", {"username": "fuzz-cw", "displayName": "Fuzz", "role": "areaCaseworker:houlkaer", "password": "fuzz-cw-start-2026"}, token=admin)
caseworker = token_for("fuzz-cw", "fuzz-cw-start-2026", "fuzz-cw-final-2026")
print(f"ADMIN_TOKEN={admin}\nCASEWORKER_TOKEN={caseworker}")
PY
)"

STATUS=0
run() {
  local name=$1; shift
  echo "== schemathesis: $name =="
  local log="$WORK/$name.log"
  # The admin runs last: its changes (users deactivated, tokens revoked) cannot cut the others short.
  # From the throwaway folder: schemathesis keeps a cache (.schemathesis/) where it runs.
  if (cd "$WORK" && "$REPO/$VENV/bin/schemathesis" run "$BASE/openapi.json" --url "$BASE" \
      --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
      --max-examples "$EXAMPLES" --seed 2026 --generation-deterministic --suppress-health-check=filter_too_much \
      --no-color --request-timeout 30 "$@" >"$log" 2>&1); then
    echo "$name: 0 failures"
  else
    STATUS=1
    echo "$name: FAILURES" >&2
    cat "$log" >&2
  fi
  # The summary: operations, test cases, failures.
  awk '/Selected|Tested|generated|failure|Failures/ { print "  " $0 } /due to validation errors/ { print "  " $0; getline; getline; print "  " $0 }' "$log" || true
}
run unauthenticated
run caseworker -H "Authorization: Bearer $CASEWORKER_TOKEN"
run admin -H "Authorization: Bearer $ADMIN_TOKEN"

if grep -q "fejl " "$WORK/stderr" 2>/dev/null; then
  echo "server log shows internal errors:" >&2
  grep -E " 5[0-9][0-9] |fejl " "$WORK/stderr" | head -20 >&2
  STATUS=1
fi
exit $STATUS
