#!/usr/bin/env bash
# Fails when the committed dist/ differs from what `npm run bundle` builds from src/.
set -euo pipefail
npm run --silent bundle >/dev/null
if ! git diff --quiet -- dist/ || [ -n "$(git ls-files --others --exclude-standard -- dist/)" ]; then
  echo "dist/ is stale: run \`npm run bundle\` and commit dist/." >&2
  git --no-pager diff --stat -- dist/ >&2
  exit 1
fi
echo "dist/ is up to date."
