#!/usr/bin/env bash
# Installs the Debian 12 packages mmgraph builds and tests with (skips what is present).
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config
  libboost-dev libxxhash-dev libutfcpp-dev libhwy-dev libarchive-dev zlib1g-dev catch2
  libimgui-dev libglfw3-dev libgl-dev libstb-dev xvfb xauth libgl1-mesa-dri xdotool
  clang-14 libclang-rt-14-dev libcli11-dev nlohmann-json3-dev
  libboost-graph-dev libsqlite3-dev libhowardhinnant-date-dev
  python3-dev pybind11-dev python3-pybind11 python3-numpy python3-pandas python3-scipy python3-pytest python3-pytest-xdist
  python3-networkx python3-venv python3-setuptools python3-wheel python3-pip
  python3-dask python3-distributed python3-psutil
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
