#!/usr/bin/env bash
# Runs every test/**/*.test.ts file with node:test through tsx. Node 20 does
# not expand globs in --test arguments, so bash expands them here, and the run
# fails when no test file is found instead of passing vacuously.
set -euo pipefail
shopt -s globstar nullglob
cd "$(dirname "$0")/.."
files=(test/**/*.test.ts)
if [ ${#files[@]} -eq 0 ]; then
  echo "run-tests: no test files found under test/" >&2
  exit 1
fi
exec node --import tsx --test --test-reporter=spec "$@" "${files[@]}"
