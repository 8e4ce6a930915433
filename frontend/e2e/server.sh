#!/usr/bin/env bash
# Starts the real Quintet server for the browser tests (Playwright's webServer):
# builds the web app when it is missing or older than its sources, builds the
# binary (or uses $QUINTET_BIN), makes a fresh data directory, creates the test
# accounts with the command line, and then becomes `quintet serve`.
#
# Environment: QUINTET_E2E_PORT (default 18080), QUINTET_E2E_PASSWORD (the
# password of every test account), QUINTET_BIN (a prebuilt binary, optional).
set -euo pipefail

front="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(dirname "$front")"
port="${QUINTET_E2E_PORT:-18080}"
password="${QUINTET_E2E_PASSWORD:?QUINTET_E2E_PASSWORD must be set (playwright.config.ts sets it)}"

log() { echo "e2e/server.sh: $*" >&2; }

# 1. The web app. The binary embeds frontend/dist, so it must be built first.
cd "$front"
if [ ! -f dist/index.html ] || [ -n "$(find src public index.html vite.config.ts svelte.config.js package.json \
	-newer dist/index.html -print -quit 2>/dev/null)" ]; then
	[ -d node_modules ] || { log "installing npm packages"; npm ci --no-audit --no-fund >&2; }
	log "building the web app"
	npm run build >&2
fi

# 2. A fresh data directory per run, under one parent where only the few
# latest runs are kept (the server replaces this shell, so no trap can clean up).
parent="${TMPDIR:-/tmp}/quintet-e2e"
mkdir -p "$parent"
# Old runs go, except those whose server still runs (two runs on one machine,
# each on its own port): each run notes its server's pid.
for old in $({ ls -1dt "$parent"/run.* 2>/dev/null || true; } | tail -n +3); do
	pid="$(cat "$old/pid" 2>/dev/null || true)"
	if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then rm -rf "$old"; fi
done
run="$(mktemp -d "$parent/run.XXXXXX")"
echo $$ >"$run/pid" # exec below keeps this pid for the server
export QUINTET_DATA_DIR="$run/data"
export QUINTET_ADDR="127.0.0.1:$port"
export QUINTET_LOG_LEVEL="${QUINTET_LOG_LEVEL:-warn}"
unset QUINTET_MONGODB_URI QUINTET_PUBLIC_URL

# 3. The binary.
bin="${QUINTET_BIN:-}"
if [ -z "$bin" ]; then
	bin="$run/quintet" # per run: another run may be serving from its own
	log "building the server"
	(cd "$root" && go build -o "$bin" ./cmd/quintet)
fi

# 4. The accounts, with the password on standard input as an operator would.
add() {
	printf '%s\n' "$password" | "$bin" user add "$@" >&2
}
add --email admin@example.org --name "Secretariat" --role admin
add --email delegate.ca@example.org --name "Claire Tremblay" --role delegate --delegation CA
add --email rapporteur@example.org --name "Ruth Abernethy" --role rapporteur

log "serving on http://$QUINTET_ADDR (data in $QUINTET_DATA_DIR)"
exec "$bin" serve
