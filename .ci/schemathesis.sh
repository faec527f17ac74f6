#!/usr/bin/env bash
# Fuzz the REST API with schemathesis, as `bash .ci/schemathesis.sh` from the repository root (CI runs it too).
#
#   1. makes a fresh SQLite database in a temp dir, migrates it and loads the demo data;
#   2. creates an API token for the demo user (an admin, so every write path is exercised);
#   3. starts gunicorn on a free loopback port;
#   4. runs schemathesis against /api/schema/ with that token: every operation, a bounded number of
#      examples each, and fails on any server error or any answer the schema does not describe;
#   5. stops gunicorn and removes the temp dir whatever happened.
#
# Knobs (optional): ST_MAX_EXAMPLES (default 25 per operation), ST_TIMEOUT (default 480: seconds before the
# fuzzer is stopped and the run fails), ST_CHECKS (default: see below), ST_WORKERS (default 1), ST_PORT
# (default: the first free port from 58000), ST_SEED (repeat a run), ST_KEEP=1 (keep the temp dir with the
# server log, database and JUnit report). Extra arguments go to `schemathesis run`.
set -Eeuo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

ROOT=$PWD
PY=${PYTHON:-$ROOT/.venv/bin/python}
ST=${SCHEMATHESIS:-$ROOT/.venv/bin/schemathesis}
GUNICORN=${GUNICORN:-$ROOT/.venv/bin/gunicorn}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kb-schemathesis.XXXXXX")
SERVER_PID=""

log() { printf '[schemathesis.sh %s] %s\n' "$(date '+%H:%M:%S')" "$*"; }

cleanup() {
    local rc=$?
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        log "gunicorn (pid $SERVER_PID) stopped"
    fi
    if ((rc != 0)) && [[ -s $WORK/server.log ]]; then
        log "last lines of the server log:"
        tail -n 40 "$WORK/server.log" >&2
    fi
    if [[ ${ST_KEEP:-} == 1 ]]; then
        log "kept $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    "$PY" - "$1" <<'EOF'
import socket, sys
for port in range(int(sys.argv[1]), int(sys.argv[1]) + 200):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(port)
        sys.exit(0)
sys.exit("no free port")
EOF
}

PORT=${ST_PORT:-$(free_port 58000)}
BASE=http://127.0.0.1:$PORT

# A throwaway, production-like configuration: no debug pages, throttling high enough for a fuzzer.
export DATABASE_URL=sqlite:///$WORK/db.sqlite3
export DEBUG=false
export SECRET_KEY=schemathesis-throwaway-key-not-for-production-use-0123456789
export ALLOWED_HOSTS=127.0.0.1,localhost
export API_THROTTLE_USER=1000000/minute API_THROTTLE_ANON=1000000/minute
export LOG_LEVEL=ERROR
unset CELERY_BROKER_URL

log "preparing $DATABASE_URL"
"$PY" manage.py migrate --noinput -v 0
# Error pages use hashed static names, as in production; without a manifest they would fail themselves.
"$PY" manage.py collectstatic --noinput -v 0  # into staticfiles/ (git-ignored)
"$PY" manage.py load_demo >/dev/null
TOKEN=$("$PY" manage.py drf_create_token demo | awk '{print $3}')
[[ $TOKEN =~ ^[0-9a-f]{40}$ ]] || {
    log "could not create a token for the demo user"
    exit 1
}

# Real keys, ids and slugs from the demo data, offered to the fuzzer alongside random ones, so that detail,
# update and delete operations reach existing rows instead of answering 404 every time.
"$PY" manage.py shell -v 0 -c '
import json
from postmortems import models as m
keys = list(m.Postmortem.objects.order_by("?").values_list("key", flat=True)[:20])
slugs = [
    *m.Service.objects.values_list("slug", flat=True),
    *m.Team.objects.values_list("slug", flat=True),
    *m.FactorFamily.objects.values_list("slug", flat=True),
    *m.Factor.objects.order_by("?").values_list("slug", flat=True)[:10],
]
print("[dictionaries]")
print(f"keys = {{ values = {json.dumps(keys)} }}")
print(f"slugs = {{ values = {json.dumps(slugs)} }}")
print(f"ids = {{ values = {json.dumps(list(range(1, 40)))} }}")
print("[parameters]")
for name, dictionary in [("path.key", "keys"), ("path.slug", "slugs"), ("path.id", "ids"), ("body.postmortem", "keys")]:
    print(f"\"{name}\" = {{ dictionary = \"{dictionary}\", probability = 0.5 }}")
' >"$WORK/schemathesis.toml"

log "starting gunicorn on $BASE"
# --limit-request-line 0: the fuzzer sends very long query strings; gunicorn's own 414 is not the API's answer.
"$GUNICORN" kb.wsgi --bind "127.0.0.1:$PORT" --workers 2 --timeout 60 --limit-request-line 0 \
    >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
up() { "$PY" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$BASE/healthz" 2>/dev/null; }
for _ in $(seq 150); do
    up && break
    kill -0 "$SERVER_PID" 2>/dev/null || {
        log "gunicorn exited"
        exit 1
    }
    sleep 0.2
done
up || {
    log "gunicorn did not answer on $BASE"
    exit 1
}

# Checks: no 5xx; every status code, content type, header and body as the schema says; no answer without a
# valid token; a created row can be read back and a deleted one is gone; undocumented methods get 405.
# ST_CHECKS=all adds the strict ones, e.g. that input the schema forbids is refused with a 4xx.
# positive_data_acceptance stays off: schema-valid bodies name services, keys and users that do not exist.
DEFAULT_CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance
DEFAULT_CHECKS+=,response_schema_conformance,ignored_auth,use_after_free,ensure_resource_availability,unsupported_method
# One worker: measured faster than two on a 2-core machine, and schemathesis's threads can trip CPython 3.11's
# "AST constructor recursion depth mismatch" when they parse source at the same moment.
log "running schemathesis (at most ${ST_MAX_EXAMPLES:-25} examples per operation)"
# From the temp dir: schemathesis keeps its cache of failing cases in ./.schemathesis.
cd "$WORK"
timeout --kill-after=10s "${ST_TIMEOUT:-480}" "$ST" --config-file "$WORK/schemathesis.toml" run "$BASE/api/schema/" \
    --header "Authorization: Token $TOKEN" \
    --checks "${ST_CHECKS:-$DEFAULT_CHECKS}" --exclude-checks positive_data_acceptance \
    --max-examples "${ST_MAX_EXAMPLES:-25}" \
    --workers "${ST_WORKERS:-1}" \
    --request-timeout 30 \
    --report junit --report-dir "$WORK/reports" \
    ${ST_SEED:+--seed "$ST_SEED"} \
    "$@"
