#!/usr/bin/env bash
# The README's quick start on a fresh clone, as a newcomer meets it: `npm ci` (printing no warning),
# `npm run demo`, `npm start`, then sign in with the printed password by a plain form post and see
# figures on /reports. A build or .svelte-kit/ left in a developer's checkout hides a missing step,
# so this runs in a clone of the commit alone.
#
#   scripts/ci-quickstart.sh [COMMIT]   (default: HEAD of this repository)
set -euo pipefail
set -m # the server runs as its own process group, so stopping it stops npm, the build and Node

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
COMMIT="$(git -C "$ROOT" rev-parse --verify "${1:-HEAD}^{commit}")"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/pgwn-quickstart-XXXXXX")"
SERVER_PID=

step() { printf '\n== quick start: %s\n' "$*"; }
fail() {
	printf '\nQUICK START FAILED (commit %s): %s\n' "${COMMIT:0:7}" "$*" >&2
	exit 1
}
cleanup() {
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT

# Settings a CI machine might carry would make this something other than a newcomer's first run.
unset DATABASE_PATH DATABASE_URL PIPELINE_OUT SOCKET_PATH ORIGIN HOST PORT

step "fresh clone of ${COMMIT:0:7}"
git clone -q --no-checkout "$ROOT" "$WORK/app"
git -C "$WORK/app" checkout -q "$COMMIT"
cd "$WORK/app"

step "npm ci"
# As .ci/run: npm ci refuses a lock that lacks other platforms' optional binaries this registry
# does not serve; npm install then installs the same locked versions.
# Warnings a newcomer should never see: any at all from npm ci; after the fallback, which warns about
# the registry's gaps on its own, those that package.json decides (engines, install scripts).
WARNINGS='^npm warn'
if ! npm ci --no-audit --no-fund >"$WORK/install.log" 2>&1; then
	cat "$WORK/install.log"
	echo "npm ci failed: trying npm install"
	npm install --no-audit --no-fund >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; fail "npm install failed"; }
	WARNINGS='^npm warn (EBADENGINE|install-scripts)'
fi
cat "$WORK/install.log"
if grep -qiE "$WARNINGS" "$WORK/install.log"; then
	fail "the install printed warnings (above); a fresh install must print none"
fi

step "npm run demo"
npm run demo >"$WORK/demo.log" 2>&1 || { cat "$WORK/demo.log"; fail "npm run demo failed"; }
cat "$WORK/demo.log"
EMAIL="$(sed -n 's/^ *email: *//p' "$WORK/demo.log" | head -n 1)"
PASSWORD="$(sed -n 's/^ *password: *//p' "$WORK/demo.log" | head -n 1)"
[ -n "$EMAIL" ] && [ -n "$PASSWORD" ] || fail "npm run demo printed no email and password"

step "npm start"
PORT="$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
BASE="http://127.0.0.1:$PORT"
# ORIGIN: SvelteKit accepts a form post only from the server's own address.
HOST=127.0.0.1 PORT="$PORT" ORIGIN="$BASE" npm start >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
	grep -q 'Listening on' "$WORK/server.log" && break
	kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log"; fail "npm start exited before listening"; }
	sleep 0.5
done
grep -q 'Listening on' "$WORK/server.log" || { cat "$WORK/server.log"; fail "npm start did not listen within 300 s"; }
cat "$WORK/server.log"

step "sign in as $EMAIL and open /reports"
JAR="$WORK/cookies.txt"
# A plain form post, as a browser without JavaScript sends it (Accept: text/html gets the redirect,
# not SvelteKit's JSON answer for enhanced forms).
STATUS="$(curl -sS -o "$WORK/login.html" -w '%{http_code} %{redirect_url}' -c "$JAR" -b "$JAR" \
	-H "Origin: $BASE" -H 'Accept: text/html' \
	--data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD" --data-urlencode 'next=/reports' \
	"$BASE/login")" || fail "the sign-in request failed"
[ "$STATUS" = "303 $BASE/reports" ] || fail "signing in answered \"$STATUS\", not a redirect to /reports"

STATUS="$(curl -sS -o "$WORK/reports.html" -w '%{http_code}' -b "$JAR" -H 'Accept: text/html' "$BASE/reports")" ||
	fail "the request for /reports failed"
[ "$STATUS" = 200 ] || fail "/reports answered $STATUS after signing in"
TEXT="$(sed -e 's/<[^>]*>//g' "$WORK/reports.html")"
grep -q 'Workforce needs dashboard' <<<"$TEXT" || fail "/reports has no dashboard heading"
SUMMARY="$(grep -oE 'wave [0-9]{4}/[0-9]{2}: about [0-9][0-9,]* respondents match' <<<"$TEXT" | head -n 1)" ||
	fail "/reports shows no respondent count"
TABLES="$(grep -o '<table' "$WORK/reports.html" | wc -l)"
[ "$TABLES" -gt 0 ] || fail "/reports shows no tables of figures"
echo "England, $SUMMARY; $TABLES tables of figures"

printf '\nQuick start passed on a fresh clone of %s.\n' "${COMMIT:0:7}"
