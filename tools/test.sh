#!/usr/bin/env bash
# The README's test command: installs what the tests need, then lint, type check, unit tests
# (no I/O) and integration tests (real Kafka and PostgreSQL; see libs/testing for how the run
# gets its one broker and one database server).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash tools/ensure-deps.sh
bash infra/kafka/kafka.sh fetch >&2   # the fallback broker and the container image both need the jars

step() { printf '\n== %s\n' "$*"; }
step "lint (module boundaries included)"
npx nx run-many -t lint --outputStyle=static --skip-nx-cache=false
step "format (prettier --check; npm run format fixes it)"
npx prettier --check . --log-level warn
step "type check"
npx tsc -p tsconfig.json --noEmit
npx tsc -p apps/ops-console/tsconfig.app.json --noEmit   # the console's browser code (DOM, JSX)
results=$(mktemp -d)
step "unit tests"
npx jest -c jest.unit.config.js --ci --json --outputFile="$results/unit.json"
step "integration and end-to-end tests"
npx jest -c jest.int.config.js --ci --json --outputFile="$results/int.json"

# One closing line for both runs, in the plain form CI tools read.
node -e '
  const runs = process.argv.slice(1).map((f) => require(f));
  const sum = (k) => runs.reduce((n, r) => n + r[k], 0);
  console.log(`tests: ${sum("numPassedTests")} passed, ${sum("numFailedTests")} failed`);
' "$results/unit.json" "$results/int.json"
rm -rf "$results"
