#!/usr/bin/env bash
# Installs diffctl's Debian packages (only those missing) and builds it into build/.
#   scripts/setup.sh                      library, trainers, tests
#   scripts/setup.sh --tests              also what the optional tests use (python3-torch)
#   scripts/setup.sh --build-dir DIR -- CMAKE_ARGS...
#                                         another build directory and CMake options
#                                         (scripts/sanitize.sh: -DDIFFCTL_SANITIZE=ON)
set -euo pipefail
cd "$(dirname "$0")/.."

# libopenblas0-pthread replaces the reference BLAS/LAPACK behind Debian's LibTorch through the
# alternatives system: dense factorisations (LU of a 400×400 chain) run about 7× faster.
# libqhull-dev: Debian's MuJoCo CMake package names its headers' directory.
# libgl-dev, libopengl-dev: that package also calls find_dependency(OpenGL) at configure time.
# libmujoco-samples: the Control Suite humanoid model of the humanoid_stand environment.
# libopenmpi-dev, openmpi-bin: ES and zeroth-order runs across ranks (mpirun).
# zlib1g-dev, dataset-fashion-mnist: the supervised ODEtoODE image classifiers' data.
packages=(build-essential cmake git libtorch-dev libeigen3-dev nlohmann-json3-dev libgtest-dev
          libcli11-dev libmujoco-dev libmujoco-samples libqhull-dev libgl-dev libopengl-dev
          python3-matplotlib libopenblas0-pthread libopenmpi-dev openmpi-bin zlib1g-dev
          dataset-fashion-mnist)
build_dir=build
while (($#)); do
  case "$1" in
    --tests) packages+=(python3-torch); shift ;;
    --build-dir) build_dir="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "setup: unknown argument $1 (expected --tests, --build-dir DIR or -- CMAKE_ARGS...)" >&2; exit 2 ;;
  esac
done

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

cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build "$build_dir" -j2
