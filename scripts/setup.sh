#!/usr/bin/env bash
# Installs what the build (and, with --test, the test suite) needs on a fresh
# Debian machine that has the Rust toolchain and Node.js/npm:
#   - the npm packages of web/ (NL Design System CSS) and web/dist/ built from them
#   - with --test: the npm packages of e2e/ (playwright-core, axe-core, otpauth),
#     Debian's chromium, and PostgreSQL (scripts/pg.sh installs it when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

need_npm() { # dir
  if [ ! -d "$1/node_modules" ] || [ "$1/package-lock.json" -nt "$1/node_modules/.package-lock.json" ]; then
    echo "== npm ci in $1"
    npm ci --prefix "$1" --no-audit --no-fund --loglevel=error
  fi
}

need_npm web
node web/build.mjs

if [ "${1:-}" = "--test" ]; then
  need_npm e2e
  missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "== apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}"
  fi
fi
