#!/usr/bin/env bash
# Runs every test: formatting and lints, unit tests, integration tests against
# SQLite and against a throwaway PostgreSQL, and the browser tests (Debian's
# chromium + playwright-core + axe-core). Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
scripts/setup.sh --test

results=$(mktemp -d)
chmod 755 "$results"
pgdir="$results/pg"
cleanup() { scripts/pg.sh stop "$pgdir" >/dev/null 2>&1 || true; }
trap cleanup EXIT

# Paths the tests resolve at run time, so that a build cache shared with
# another checkout (whose compile-time paths differ) still finds this tree.
export INSTA_WORKSPACE_ROOT="$PWD" INSTA_UPDATE=no
if [ -d ../shared/data ]; then export BZ_SHARED_DATA="$PWD/../shared/data"; fi

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings

echo "== build"
cargo build --workspace --all-targets --quiet

echo "== unit and integration tests (SQLite)"
BZ_TEST_DB=sqlite cargo test --workspace 2>&1 | tee "$results/sqlite.log"

echo "== integration tests (PostgreSQL)"
pg_url=$(scripts/pg.sh start "$pgdir")
BZ_TEST_DB=postgres BZ_TEST_PG_URL="$pg_url" cargo test -p bz-testkit 2>&1 | tee "$results/postgres.log"
scripts/pg.sh stop "$pgdir"

echo "== browser tests (chromium + axe-core)"
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
(cd e2e && BZ_BIN="$target_dir/debug/buitenzicht" node --test --test-concurrency=1 tests/) 2>&1 | tee "$results/browser.log"

python3 - "$results" "$started" <<'PY'
import re, sys, time, pathlib
d = pathlib.Path(sys.argv[1])
def cargo(name):
    p = f = 0
    for m in re.finditer(r"test result: \w+\. (\d+) passed; (\d+) failed", (d / name).read_text()):
        p += int(m.group(1)); f += int(m.group(2))
    return p, f
def node(name):
    t = (d / name).read_text()
    p = re.findall(r"^ℹ pass (\d+)", t, re.M) or re.findall(r"^# pass (\d+)", t, re.M)
    f = re.findall(r"^ℹ fail (\d+)", t, re.M) or re.findall(r"^# fail (\d+)", t, re.M)
    return int(p[-1]) if p else 0, int(f[-1]) if f else 0
s, pg, br = cargo("sqlite.log"), cargo("postgres.log"), node("browser.log")
print(f"== summary: cargo (unit + integration, SQLite) {s[0]} passed; integration PostgreSQL {pg[0]} passed; browser {br[0]} passed; {int(time.time()) - int(sys.argv[2])} s")
print(f"{s[0] + pg[0] + br[0]} passed, {s[1] + pg[1] + br[1]} failed")
PY
