#!/usr/bin/env bash
# Fuzz the ordering edge against its own OpenAPI document with schemathesis (PyPI), as a retailer,
# a wholesaler owner and an admin. Not part of `npm test` (minutes, not seconds). Needs the local
# stack settings in the environment and a built service (npm run build).
#   bash bench/ordering/fuzz.sh [max-examples per operation, default 25] [checks, default all]
# Installs schemathesis into .cache/venv (git-ignored) on first use.
# /v1/catalog/* is left out unless FUZZ_CATALOG=1: without a catalog service its proxy answers the
# documented 503 catalog-unavailable by design (the 503 path is tested in edge.int.test.ts).
set -euo pipefail
cd "$(dirname "$0")/../.."
examples="${1:-25}"
checks="${2:-all}"
[ -x .cache/venv/bin/schemathesis ] || { python3 -m venv .cache/venv && .cache/venv/bin/pip install -q schemathesis; }
mkdir -p bench/out
coproc TARGET { node bench/ordering/fuzz-target.mts; }
read -r port retailer owner admin <&"${TARGET[0]}"
trap 'exec {TARGET[1]}>&-; wait "$TARGET_PID" 2>/dev/null || true' EXIT
status=0
extra=()
[ "${FUZZ_CATALOG:-}" = 1 ] || extra=(--exclude-path-regex '^/v1/catalog')
for who in retailer owner admin; do
  token="${!who}"
  echo "── fuzzing as ${who} ──"
  # Run from .cache/ so schemathesis's own state folder (.schemathesis/) stays out of the tree.
  (cd .cache && venv/bin/schemathesis run "http://127.0.0.1:${port}/openapi.json" \
    --checks "${checks}" -n "${examples}" --seed 20261125 --workers 2 --request-timeout 10 \
    -H "Authorization: Bearer ${token}" "${extra[@]}" \
    --report junit --report-junit-path "../bench/out/fuzz-${who}.xml") || status=$?
done
exit "$status"
