#!/usr/bin/env bash
# Runs every test: unit, integration (real mediasoup, socket.io, file store and a real
# redis-server started here) and e2e (Debian's Chromium). Sets the system up first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The benchmarks are not run here (they need a quiet machine) but must keep compiling; tests too.
echo "[test] type-checking bench/ and the tests"
npx tsc -p bench/tsconfig.json
npx tsc -p tsconfig.test.json
# The guards: typescript-eslint (strict, type-checked) with the layering as import rules, and Prettier.
echo "[test] eslint"
npx eslint --max-warnings 0 .
echo "[test] prettier"
npx prettier --check --log-level warn "**/*.{ts,tsx,css,json}"

redis_pid=""
cleanup() { [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null || true; }
trap cleanup EXIT
if command -v redis-server >/dev/null; then
  port=$((20000 + RANDOM % 20000))
  redis_dir=$(mktemp -d)
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly yes --appendfsync always --dir "$redis_dir" --daemonize no >"$redis_dir/redis.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  export TEST_REDIS_URL="redis://127.0.0.1:$port"
  echo "[test] redis-server on port $port"
else
  echo "[test] redis-server is not installed: the Redis store tests will fail" >&2
fi

report=$(mktemp --suffix=.json)
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
# One plain closing line for CI: "N passed, N failed".
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
' "$report" || true
exit $status
