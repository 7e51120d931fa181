#!/usr/bin/env bash
# Sets up (packages, build) and runs the whole test suite: GoogleTest unit, gradient-check,
# oracle and end-to-end tests, and the installed-package consumer test, through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests
ctest --test-dir build --output-on-failure -j2 --timeout 1500
