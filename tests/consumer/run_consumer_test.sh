#!/usr/bin/env bash
# Installs the built diffctl into a scratch prefix and builds and runs tests/consumer against it.
#   run_consumer_test.sh BUILD_DIR SCRATCH_DIR
set -euo pipefail
build_dir=$1
scratch=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$scratch"
cmake --install "$build_dir" --prefix "$scratch/prefix" >/dev/null
cmake -S "$here" -B "$scratch/build" -DCMAKE_PREFIX_PATH="$scratch/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$scratch/build" -j2
"$scratch/build/consumer"
