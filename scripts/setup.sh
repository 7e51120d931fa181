#!/usr/bin/env bash
# Installs diffctl's Debian packages (only those missing) and builds it into build/.
#   scripts/setup.sh                      library, trainers, tests
#   scripts/setup.sh --tests              also what the tests use (python3-torch, python3-skimage)
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
# Installed without their recommends (python3-skimage's are dask, pandas, GDAL, …).
lean_packages=()
build_dir=build
while (($#)); do
  case "$1" in
    --tests) packages+=(python3-torch); lean_packages+=(python3-skimage); shift ;;
    --build-dir) build_dir="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "setup: unknown argument $1 (expected --tests, --build-dir DIR or -- CMAKE_ARGS...)" >&2; exit 2 ;;
  esac
done

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=() missing_lean=()
for package in "${packages[@]}"; do installed "$package" || missing+=("$package"); done
for package in "${lean_packages[@]}"; do installed "$package" || missing_lean+=("$package"); done
if ((${#missing[@]} + ${#missing_lean[@]})); then
  echo "setup: installing ${missing[*]} ${missing_lean[*]}" >&2
  sudo=""
  if [[ $(id -u) != 0 ]]; then sudo="sudo"; fi
  $sudo apt-get update -q
  if ((${#missing[@]})); then DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"; fi
  if ((${#missing_lean[@]})); then
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing_lean[@]}"
  fi
fi

cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build "$build_dir" -j2
