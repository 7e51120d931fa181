#!/usr/bin/env bash
# Installs diffctl's Debian packages (only those missing) and builds it into build/.
#   scripts/setup.sh          library, trainers, tests
#   scripts/setup.sh --tests  also what the optional tests use (python3-torch)
set -euo pipefail
cd "$(dirname "$0")/.."

# libopenblas0-pthread replaces the reference BLAS/LAPACK behind Debian's LibTorch through the
# alternatives system: dense factorisations (LU of a 400×400 chain) run about 7× faster.
# libqhull-dev: Debian's MuJoCo CMake package names its headers' directory.
# libmujoco-samples: the Control Suite humanoid model of the humanoid_stand environment.
packages=(build-essential cmake git libtorch-dev libeigen3-dev nlohmann-json3-dev libgtest-dev
          libcli11-dev libmujoco-dev libmujoco-samples libqhull-dev python3-matplotlib libopenblas0-pthread)
if [[ "${1:-}" == "--tests" ]]; then packages+=(python3-torch); fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  if [[ $(id -u) != 0 ]]; then sudo="sudo"; fi
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j2
