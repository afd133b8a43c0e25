#!/usr/bin/env bash
# Installs modelvet from the action's own checkout (GITHUB_ACTION_PATH): the same code as the tag
# the workflow pinned, no registry download of modelvet itself.
set -euo pipefail
cd "$GITHUB_ACTION_PATH"
if [ ! -f dist/cli/bin.js ]; then
  npm ci --no-audit --no-fund --loglevel=error
  npm run build --silent
fi
node dist/cli/bin.js --version
