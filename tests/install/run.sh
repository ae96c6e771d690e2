#!/usr/bin/env bash
# Installs the build into a scratch prefix, then configures, builds and runs the consumer
# project against it with find_package(mmgraph CONFIG).
#
#     run.sh BUILD_DIR CONSUMER_SOURCE_DIR
set -euo pipefail
build=$1
consumer=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
[ -x "$work/prefix/bin/mmgraph" ] || { echo "the mmgraph tool was not installed" >&2; exit 1; }
[ -f "$work/prefix/include/mmgraph/version.hpp" ] || { echo "mmgraph/version.hpp was not installed" >&2; exit 1; }
# Internal headers stay out of the installed API.
if found=$(find "$work/prefix/include" -path '*/detail/*' -o -name internal.hpp | grep .); then
  echo "internal headers were installed: $found" >&2
  exit 1
fi
# The consumer uses the build's compiler: static C++ libraries need a matching standard library.
compiler=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")
cmake -S "$consumer" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  ${compiler:+-DCMAKE_CXX_COMPILER="$compiler"} >/dev/null
cmake --build "$work/build" >/dev/null
"$work/build/consumer" "$work/consumer.mmg"
"$work/prefix/bin/mmgraph" verify "$work/consumer.mmg"
